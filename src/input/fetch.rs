//! Reading an input, a file or an http(s) URL, with a size limit, and for URLs
//! a timeout, a redirect limit and a content-type check; and its text.

use std::fmt;
use std::io::Read;
use std::sync::Once;
use std::time::Duration;

/// Limits on fetching one input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FetchLimits {
    /// Longest wait for a whole answer.
    pub timeout: Duration,
    /// Largest input read, in bytes.
    pub max_bytes: u64,
    /// Most redirects followed.
    pub redirects: usize,
}

impl FetchLimits {
    /// Limits for glossary pages: 30 s, 5 MiB, 5 redirects.
    pub const PAGE: Self = Self {
        timeout: Duration::from_secs(30),
        max_bytes: 5 * 1024 * 1024,
        redirects: 5,
    };
    /// Limits for RDF vocabularies, wherever they are read (build, lint,
    /// import): 120 s, 1 GiB, 5 redirects.
    pub const VOCABULARY: Self = Self {
        timeout: Duration::from_secs(120),
        max_bytes: 1 << 30,
        redirects: 5,
    };
}

/// What a caller reads from an input.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// Named in messages: "an RDF vocabulary".
    pub name: &'static str,
    /// The `Accept` header sent with a request.
    pub accept: &'static str,
    /// Whether a server's media type (lowercase, without parameters) is one
    /// this kind is read from.
    pub takes: fn(&str) -> bool,
}

/// An input that could not be read or fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read {input}: {problem}")]
pub struct FetchError {
    /// The input as the user gave it.
    pub input: String,
    pub problem: FetchProblem,
}

/// An input as read.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The input as the user gave it.
    pub name: String,
    pub bytes: Vec<u8>,
    /// The media type the server gave, lowercase, without parameters.
    pub media_type: Option<String>,
    /// The charset the server gave, lowercase.
    pub charset: Option<String>,
    /// The address the answer came from, after redirects (URLs only).
    pub url: Option<String>,
}

/// Whether `input` is an http(s) URL rather than a file path.
pub fn is_url(input: &str) -> bool {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Reads `input`, a file or an http(s) URL, as `kind`.
pub fn fetch(input: &str, limits: &FetchLimits, kind: &Kind) -> Result<Fetched, FetchError> {
    let fail = |problem| FetchError {
        input: input.to_owned(),
        problem,
    };
    if !is_url(input) {
        let path = std::path::Path::new(input);
        let meta = std::fs::metadata(path).map_err(|e| fail(FetchProblem::File(e.to_string())))?;
        if meta.is_dir() {
            return Err(fail(FetchProblem::File("it is a folder".into())));
        }
        if meta.len() > limits.max_bytes {
            return Err(fail(FetchProblem::TooBig {
                limit: limits.max_bytes,
                size: Some(meta.len()),
            }));
        }
        let file =
            std::fs::File::open(path).map_err(|e| fail(FetchProblem::File(e.to_string())))?;
        let mut bytes = Vec::new();
        file.take(limits.max_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| fail(FetchProblem::File(e.to_string())))?;
        if bytes.len() as u64 > limits.max_bytes {
            return Err(fail(FetchProblem::TooBig {
                limit: limits.max_bytes,
                size: None,
            }));
        }
        return Ok(Fetched {
            name: input.to_owned(),
            bytes,
            media_type: None,
            charset: None,
            url: None,
        });
    }
    let client = client(limits.timeout, limits.redirects)
        .map_err(|e| fail(FetchProblem::Transfer(e.to_string())))?;
    let response = client
        .get(input)
        .header(reqwest::header::ACCEPT, kind.accept)
        .send()
        .map_err(|e| fail(request_problem(&e, limits)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(FetchProblem::Status {
            code: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_owned(),
        }));
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (media_type, charset) = match &content_type {
        Some(ct) => {
            let (media_type, charset) = parse_content_type(ct);
            (Some(media_type), charset)
        }
        None => (None, None),
    };
    if let Some(media_type) = &media_type {
        if media_type.starts_with("image/") {
            return Err(fail(FetchProblem::Image(media_type.clone())));
        }
        if !(kind.takes)(media_type) {
            return Err(fail(FetchProblem::ContentType {
                found: media_type.clone(),
                expected: kind.name.to_owned(),
            }));
        }
    }
    if let Some(length) = response.content_length()
        && length > limits.max_bytes
    {
        return Err(fail(FetchProblem::TooBig {
            limit: limits.max_bytes,
            size: Some(length),
        }));
    }
    let url = response.url().to_string();
    let mut bytes = Vec::new();
    response
        .take(limits.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(read_problem(&e, limits)))?;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(fail(FetchProblem::TooBig {
            limit: limits.max_bytes,
            size: None,
        }));
    }
    Ok(Fetched {
        name: input.to_owned(),
        bytes,
        media_type,
        charset,
        url: Some(url),
    })
}

/// Installs the TLS crypto provider (rustls with *ring*, a small C build);
/// every client is built after this.
pub fn install_crypto() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Fails only if another provider is installed already, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A blocking HTTP client with a total `timeout` per request and at most
/// `redirects` redirects.
pub fn client(timeout: Duration, redirects: usize) -> reqwest::Result<reqwest::blocking::Client> {
    install_crypto();
    reqwest::blocking::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::limited(redirects))
        .user_agent(concat!("glossgraph/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// The media type (lowercase, no parameters) and charset of a `Content-Type`.
pub fn parse_content_type(value: &str) -> (String, Option<String>) {
    let mut parts = value.split(';');
    let media_type = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_ascii_lowercase())
    });
    (media_type, charset)
}

fn request_problem(e: &reqwest::Error, limits: &FetchLimits) -> FetchProblem {
    if e.is_timeout() {
        FetchProblem::Timeout {
            millis: limits.timeout.as_millis() as u64,
        }
    } else if e.is_redirect() {
        FetchProblem::Redirects {
            limit: limits.redirects,
        }
    } else if e.is_connect() {
        FetchProblem::Connect(innermost(e))
    } else {
        FetchProblem::Transfer(innermost(e))
    }
}

fn read_problem(e: &std::io::Error, limits: &FetchLimits) -> FetchProblem {
    let inner = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<reqwest::Error>());
    match inner {
        Some(inner) => request_problem(inner, limits),
        None if e.kind() == std::io::ErrorKind::TimedOut => FetchProblem::Timeout {
            millis: limits.timeout.as_millis() as u64,
        },
        None => FetchProblem::Transfer(e.to_string()),
    }
}

/// The deepest cause's message, which says what actually failed.
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// The text of an input: UTF-8 (with or without a byte-order mark), or Latin-1
/// and Windows-1252 when the server says so. Binary data (a NUL byte, or
/// bytes that are not UTF-8) and empty inputs are refused with the line where
/// the problem is.
pub fn decode(fetched: &Fetched) -> Result<String, FetchError> {
    let fail = |problem| FetchError {
        input: fetched.name.clone(),
        problem,
    };
    let bytes = fetched
        .bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(&fetched.bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(fail(FetchProblem::Empty));
    }
    let line_of = |offset: usize| 1 + bytes[..offset].iter().filter(|b| **b == b'\n').count();
    if let Some(nul) = bytes.iter().position(|b| *b == 0) {
        return Err(fail(FetchProblem::Binary { line: line_of(nul) }));
    }
    let charset = fetched.charset.as_deref().unwrap_or("utf-8");
    let text = match charset {
        "utf-8" | "utf8" | "us-ascii" | "ascii" => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(e) => {
                return Err(fail(FetchProblem::Binary {
                    line: line_of(e.valid_up_to()),
                }));
            }
        },
        "iso-8859-1" | "latin1" | "latin-1" | "l1" | "iso8859-1" => {
            bytes.iter().map(|&b| char::from(b)).collect()
        }
        "windows-1252" | "cp1252" | "x-cp1252" => bytes.iter().map(|&b| cp1252(b)).collect(),
        other => return Err(fail(FetchProblem::Charset(other.to_owned()))),
    };
    // Other control characters are text's mistakes, which the importers
    // report at their line and column (`import::characters`).
    Ok(text)
}

/// Windows-1252: Latin-1 with printable characters in 0x80–0x9F.
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Why an input could not be read or fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchProblem {
    /// The file does not exist or cannot be read.
    File(String),
    /// The server did not answer within the timeout.
    Timeout { millis: u64 },
    /// The server could not be reached.
    Connect(String),
    /// The server answered with an error status.
    Status { code: u16, reason: String },
    /// More redirects than allowed, usually a redirect loop.
    Redirects { limit: usize },
    /// The input is larger than the limit.
    TooBig { limit: u64, size: Option<u64> },
    /// The server says the input is an image.
    Image(String),
    /// The server says the input is of a kind this importer does not read.
    ContentType { found: String, expected: String },
    /// The bytes are not text.
    Binary { line: usize },
    /// A text encoding this importer does not read.
    Charset(String),
    /// The input is empty.
    Empty,
    /// Any other transfer failure.
    Transfer(String),
}

impl FetchProblem {
    /// Whether the user gave a wrong input (rather than the network failing).
    pub fn is_input_mistake(&self) -> bool {
        !matches!(
            self,
            Self::Timeout { .. } | Self::Connect(_) | Self::Transfer(_)
        )
    }
}

impl fmt::Display for FetchProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(e) => write!(f, "{e}; check the path"),
            Self::Timeout { millis } => write!(
                f,
                "no complete answer within {} s (timed out); try again later, or pass a longer --timeout",
                *millis as f64 / 1000.0
            ),
            Self::Connect(e) => write!(
                f,
                "cannot connect ({e}); check the address and your network"
            ),
            Self::Status { code, reason } => write!(
                f,
                "the server answered {code} {reason}; check the URL (a 404 means there is no page at this address)"
            ),
            Self::Redirects { limit } => write!(
                f,
                "more than {limit} redirects (a redirect loop?); open the URL in a browser to see where it leads and give the final address"
            ),
            Self::TooBig { limit, size } => match size {
                Some(size) => write!(
                    f,
                    "it is {size} bytes, more than the limit of {limit} bytes; is this the right input?"
                ),
                None => write!(
                    f,
                    "it is more than the limit of {limit} bytes; is this the right input?"
                ),
            },
            Self::Image(kind) => write!(
                f,
                "it is an image ({kind}), not a glossary page; give the address of the page itself"
            ),
            Self::ContentType { found, expected } => {
                write!(f, "it is `{found}`, not {expected}")
            }
            Self::Binary { line } => write!(
                f,
                "line {line}: it holds binary data, not text; give HTML or plain UTF-8 text"
            ),
            Self::Charset(charset) => write!(
                f,
                "it is in the `{charset}` encoding; save it as UTF-8 and import the file"
            ),
            Self::Empty => write!(f, "line 1: it is empty, there is no text to import"),
            Self::Transfer(e) => write!(f, "the transfer failed ({e})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetched(bytes: &[u8], charset: Option<&str>) -> Fetched {
        Fetched {
            name: "page.txt".into(),
            bytes: bytes.to_vec(),
            media_type: None,
            charset: charset.map(str::to_owned),
            url: None,
        }
    }

    fn problem(result: Result<String, FetchError>) -> FetchProblem {
        match result {
            Err(FetchError { problem, .. }) => problem,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn decodes_text_and_refuses_binary_and_empty_input() {
        assert_eq!(
            decode(&fetched("\u{feff}Määrä".as_bytes(), None)).unwrap(),
            "Määrä"
        );
        assert_eq!(
            decode(&fetched(b"caf\xe9 \x93x\x94", Some("windows-1252"))).unwrap(),
            "café “x”"
        );
        assert_eq!(
            decode(&fetched(b"caf\xe9", Some("iso-8859-1"))).unwrap(),
            "café"
        );
        assert_eq!(
            problem(decode(&fetched(b"a\nb\n\x89PNG\x00", None))),
            FetchProblem::Binary { line: 3 }
        );
        assert_eq!(
            problem(decode(&fetched(b"ok\n\xff\xfe", None))),
            FetchProblem::Binary { line: 2 }
        );
        assert_eq!(decode(&fetched(b"a\x01b", None)).unwrap(), "a\u{1}b");
        assert_eq!(
            problem(decode(&fetched(b" \n\t", None))),
            FetchProblem::Empty
        );
        assert_eq!(
            problem(decode(&fetched(b"x", Some("shift_jis")))),
            FetchProblem::Charset("shift_jis".into())
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(
            parse_content_type("Text/HTML; Charset=\"UTF-8\""),
            ("text/html".into(), Some("utf-8".into()))
        );
        assert_eq!(
            parse_content_type("text/turtle"),
            ("text/turtle".into(), None)
        );
        assert!(is_url("HTTPS://example.org"));
        assert!(!is_url("pages/x.html"));
    }
}
