//! Requests to a store: authentication (Basic, Digest, bearer), a bounded
//! number of retries with backoff for network errors and 5xx, and the
//! store's own message when it refuses.

use super::digest::Challenge;
use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, WWW_AUTHENTICATE};
use std::time::Duration;

/// Who the store is told the requests come from. Secrets come from the
/// environment or a file (see `main`), never from the command line.
#[derive(Clone, Default)]
pub enum Credentials {
    #[default]
    None,
    /// HTTP Basic or Digest, whichever the store asks for.
    User { user: String, password: String },
    /// `Authorization: Bearer TOKEN`.
    Token(String),
}

impl std::fmt::Debug for Credentials {
    /// Never the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::None => f.write_str("no credentials"),
            Self::User { user, .. } => write!(f, "user {user}"),
            Self::Token(_) => f.write_str("a bearer token"),
        }
    }
}

/// Why a request failed for good.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{method} {url}: {} ({status}){}", refused(.credentials), said(.message))]
    Unauthorized {
        method: String,
        url: String,
        status: StatusCode,
        credentials: Credentials,
        message: String,
    },
    #[error("{method} {url}: the store answered {status}{}", said(.message))]
    Refused {
        method: String,
        url: String,
        status: StatusCode,
        message: String,
    },
    #[error("{method} {url}: {attempts} attempt(s) failed; the last: {last}")]
    Unavailable {
        method: String,
        url: String,
        attempts: u32,
        last: String,
    },
}

fn refused(credentials: &Credentials) -> String {
    match credentials {
        Credentials::None => "the store asks for credentials: give --user with --password-env or --password-file, or --token-env".into(),
        Credentials::User { user, .. } => format!("the store refused user {user} with that password"),
        Credentials::Token(_) => "the store refused the bearer token".into(),
    }
}

fn said(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

/// How the store was last asked for credentials, answered before it asks
/// again (one round trip per request instead of two).
#[derive(Debug, Clone)]
enum Scheme {
    Unknown,
    Basic,
    Digest(Challenge),
}

pub struct Http {
    client: Client,
    credentials: Credentials,
    scheme: Scheme,
    retries: u32,
    /// The first wait before a retry; doubled each time.
    backoff: Duration,
}

/// One request, repeatable: retries and authentication send it again.
pub struct Request<'a> {
    pub method: reqwest::Method,
    pub url: &'a str,
    pub content_type: Option<&'a str>,
    pub accept: Option<&'a str>,
    pub body: Vec<u8>,
}

impl Http {
    pub fn new(credentials: Credentials, retries: u32, timeout: Duration) -> reqwest::Result<Self> {
        crate::input::install_crypto();
        let client = Client::builder()
            .user_agent(concat!("glossgraph/", env!("CARGO_PKG_VERSION")))
            .timeout(timeout)
            .build()?;
        Ok(Self {
            client,
            credentials,
            scheme: Scheme::Unknown,
            retries,
            backoff: Duration::from_millis(500),
        })
    }

    /// Sends `request`; a 2xx response, or `missing_ok` and a 404, is returned.
    pub fn send(&mut self, request: &Request<'_>, missing_ok: bool) -> Result<Response, HttpError> {
        let mut attempt = 0;
        let mut challenged = false;
        loop {
            attempt += 1;
            let failure = match self.attempt(request) {
                Ok(response) => {
                    let status = response.status();
                    if status.is_success() || (missing_ok && status == StatusCode::NOT_FOUND) {
                        return Ok(response);
                    }
                    if status == StatusCode::UNAUTHORIZED && !challenged && self.learn(&response) {
                        // Asked for credentials we have: answer once, not counted as a retry.
                        challenged = true;
                        attempt -= 1;
                        continue;
                    }
                    if !status.is_server_error() {
                        return Err(self.refusal(request, response));
                    }
                    format!("{status}{}", said(&message(response)))
                }
                Err(e) => crate::diagnostic::Chain(&e).to_string(),
            };
            if attempt > self.retries {
                return Err(HttpError::Unavailable {
                    method: request.method.to_string(),
                    url: request.url.to_owned(),
                    attempts: attempt,
                    last: failure,
                });
            }
            std::thread::sleep(self.backoff * 2u32.pow((attempt - 1).min(6)));
        }
    }

    fn attempt(&mut self, request: &Request<'_>) -> reqwest::Result<Response> {
        let mut builder = self
            .client
            .request(request.method.clone(), request.url)
            .body(request.body.clone());
        if let Some(content_type) = request.content_type {
            builder = builder.header(CONTENT_TYPE, content_type);
        }
        if let Some(accept) = request.accept {
            builder = builder.header(reqwest::header::ACCEPT, accept);
        }
        if let Some(value) = self.authorization(request) {
            builder = builder.header(AUTHORIZATION, value);
        }
        builder.send()
    }

    fn authorization(&mut self, request: &Request<'_>) -> Option<HeaderValue> {
        let value = match (&self.credentials, &mut self.scheme) {
            (Credentials::Token(token), _) => format!("Bearer {token}"),
            (Credentials::User { user, password }, Scheme::Basic) => {
                format!("Basic {}", base64(&format!("{user}:{password}")))
            }
            (Credentials::User { user, password }, Scheme::Digest(challenge)) => {
                let url = reqwest::Url::parse(request.url).ok()?;
                let uri = match url.query() {
                    Some(q) => format!("{}?{q}", url.path()),
                    None => url.path().to_owned(),
                };
                challenge.answer(user, password, request.method.as_str(), &uri)
            }
            _ => return None,
        };
        let mut value = HeaderValue::from_str(&value).ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    /// Reads a 401's challenge; true if it can be answered with credentials
    /// not yet tried against it (a first challenge, or a stale nonce).
    fn learn(&mut self, response: &Response) -> bool {
        if !matches!(self.credentials, Credentials::User { .. }) {
            return false;
        }
        let challenges: Vec<&str> = response
            .headers()
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let known = !matches!(self.scheme, Scheme::Unknown);
        if let Some((header, challenge)) = challenges
            .iter()
            .find_map(|h| Challenge::parse(h).map(|c| (h, c)))
        {
            let retry = !known || Challenge::is_stale(header);
            self.scheme = Scheme::Digest(challenge);
            return retry;
        }
        if challenges
            .iter()
            .any(|h| h.trim_start().to_ascii_lowercase().starts_with("basic"))
            && !known
        {
            self.scheme = Scheme::Basic;
            return true;
        }
        false
    }

    fn refusal(&self, request: &Request<'_>, response: Response) -> HttpError {
        let status = response.status();
        let method = request.method.to_string();
        let url = request.url.to_owned();
        let message = message(response);
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            HttpError::Unauthorized {
                method,
                url,
                status,
                credentials: self.credentials.clone(),
                message,
            }
        } else {
            HttpError::Refused {
                method,
                url,
                status,
                message,
            }
        }
    }
}

/// What the store said, as one line of text: its body without markup,
/// shortened.
fn message(response: Response) -> String {
    let markup = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("html"));
    one_line(&response.text().unwrap_or_default(), markup)
}

/// `body` on one line, without its tags if it is `markup`.
fn one_line(body: &str, markup: bool) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' if markup => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if in_tag => {}
            c if c.is_whitespace() => text.push(' '),
            c => text.push(c),
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut line = words.join(" ");
    if line.chars().count() > 300 {
        line = line.chars().take(300).collect::<String>() + "…";
    }
    line
}

fn base64(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_as_rfc_4648_gives_it() {
        for (text, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
        ] {
            assert_eq!(super::base64(text), expected);
        }
    }

    #[test]
    fn a_store_s_message_is_one_line_of_text() {
        assert_eq!(
            super::one_line(
                "<html><body><h1>Bad</h1>\n<p>no  graph</p></body></html>",
                true
            ),
            "Bad no graph"
        );
        assert_eq!(
            super::one_line("Parse error:\n DROP <urn:g>", false),
            "Parse error: DROP <urn:g>"
        );
    }
}
