//! Building responses: representations with their validators and links,
//! conditional requests (304), plain answers and JSON (`typed`, `json`), and
//! errors as problem+json (or a page, for browsers), whose 500s say nothing of
//! what failed.

use super::negotiate::{best, negotiate};
use crate::export::Format;
use axum::body::{Body, Bytes};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Response, StatusCode};
use axum::response::IntoResponse;
use std::time::SystemTime;

/// What a resource can be sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Repr {
    Html,
    Rdf(Format),
}

/// A media type a resource is offered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    /// What `Accept` must match, with a JSON-LD `profile` where one is named.
    pub media_type: &'static str,
    pub repr: Repr,
    /// The media type the answer's `Content-Type` names.
    pub sent: &'static str,
    /// Tells the answer's validators apart from those of the same
    /// representation sent under another type.
    pub tag: &'static str,
}

const fn offer(
    media_type: &'static str,
    repr: Repr,
    sent: &'static str,
    tag: &'static str,
) -> Offer {
    Offer {
        media_type,
        repr,
        sent,
        tag,
    }
}

const JSONLD_COMPACTED: &str =
    "application/ld+json;profile=\"http://www.w3.org/ns/json-ld#compacted\"";
const JSONLD_FLATTENED: &str = "application/ld+json;profile=\"http://www.w3.org/ns/json-ld#flattened http://www.w3.org/ns/json-ld#compacted\"";
const JSONLD_EXPANDED: &str = "application/ld+json;profile=\"http://www.w3.org/ns/json-ld#expanded http://www.w3.org/ns/json-ld#flattened\"";

/// Every media type a resource is offered in, the server's preference first.
/// Each format's own type comes before the aliases clients also send for the
/// same bytes: JSON-LD's profiles (`compacted` is what `.jsonld` holds; a
/// request naming `flattened` or `expanded` gets that form), `text/n3` for
/// Turtle (which is N3), generic XML for RDF/XML, and `text/plain` for
/// N-Triples (its type before RDF 1.1). Aliases are answered under the type
/// asked for, except `application/json`: JSON-LD, labelled as such.
pub const RESOURCE_OFFERS: &[Offer] = &[
    offer("text/html", Repr::Html, "text/html", ""),
    offer("text/turtle", TURTLE, "text/turtle", ""),
    offer("application/ld+json", JSONLD, "application/ld+json", ""),
    offer("application/rdf+xml", RDFXML, "application/rdf+xml", ""),
    offer(
        "application/n-triples",
        NTRIPLES,
        "application/n-triples",
        "",
    ),
    offer(
        "application/n-quads",
        Repr::Rdf(Format::NQuads),
        "application/n-quads",
        "",
    ),
    offer(
        "application/trig",
        Repr::Rdf(Format::TriG),
        "application/trig",
        "",
    ),
    offer("application/json", JSONLD, "application/ld+json", ""),
    offer("application/xhtml+xml", Repr::Html, "text/html", ""),
    offer(JSONLD_COMPACTED, JSONLD, JSONLD_COMPACTED, "compacted"),
    offer(
        JSONLD_FLATTENED,
        Repr::Rdf(Format::JsonLdFlattened),
        JSONLD_FLATTENED,
        "",
    ),
    offer(
        JSONLD_EXPANDED,
        Repr::Rdf(Format::JsonLdExpanded),
        JSONLD_EXPANDED,
        "",
    ),
    offer("text/n3", TURTLE, "text/n3", "n3"),
    offer("application/xml", RDFXML, "application/xml", "xml"),
    offer("text/xml", RDFXML, "text/xml", "text-xml"),
    offer("text/plain", NTRIPLES, "text/plain", "text"),
];

const TURTLE: Repr = Repr::Rdf(Format::Turtle);
const JSONLD: Repr = Repr::Rdf(Format::JsonLd);
const RDFXML: Repr = Repr::Rdf(Format::RdfXml);
const NTRIPLES: Repr = Repr::Rdf(Format::NTriples);

/// Which representations a resource has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offers {
    /// A page and RDF in every format, as a concept has.
    PageAndRdf,
    /// RDF only, as the dataset description has.
    Rdf,
}

impl Offers {
    pub fn has(self, repr: Repr) -> bool {
        self == Offers::PageAndRdf || repr != Repr::Html
    }

    /// The media types offered, for a 406: each representation's own, then
    /// JSON-LD's profiles (not the other aliases).
    pub fn media_types(self) -> Vec<&'static str> {
        let mut types: Vec<&str> = Vec::new();
        for offer in RESOURCE_OFFERS.iter().filter(|o| self.has(o.repr)) {
            let listed = offer.media_type == offer.repr.media_type()
                || offer.media_type.starts_with("application/ld+json;");
            if listed && !types.contains(&offer.media_type) {
                types.push(offer.media_type);
            }
        }
        types
    }
}

/// The file extensions of explicit format URLs.
pub const EXTENSIONS: &[(&str, Repr)] = &[
    ("html", Repr::Html),
    ("ttl", Repr::Rdf(Format::Turtle)),
    ("jsonld", Repr::Rdf(Format::JsonLd)),
    ("rdf", Repr::Rdf(Format::RdfXml)),
    ("nt", Repr::Rdf(Format::NTriples)),
    ("nq", Repr::Rdf(Format::NQuads)),
    ("trig", Repr::Rdf(Format::TriG)),
];

impl Offer {
    /// How `repr` is sent when asked for by name (`.ttl`): under its own type.
    pub fn own(repr: Repr) -> Offer {
        RESOURCE_OFFERS
            .iter()
            .find(|o| o.repr == repr)
            .copied()
            .unwrap_or(offer(repr.media_type(), repr, repr.media_type(), ""))
    }
}

impl Repr {
    pub fn media_type(self) -> &'static str {
        match self {
            Repr::Html => "text/html",
            Repr::Rdf(f) => f.media_type(),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Repr::Html => "html",
            Repr::Rdf(f) => f.extension(),
        }
    }

    pub fn from_extension(extension: &str) -> Option<Self> {
        EXTENSIONS
            .iter()
            .find(|(e, _)| *e == extension)
            .map(|(_, r)| *r)
    }

    fn label(self) -> &'static str {
        match self {
            Repr::Html => "HTML",
            Repr::Rdf(Format::Turtle) => "Turtle",
            Repr::Rdf(Format::JsonLd) => "JSON-LD",
            Repr::Rdf(Format::JsonLdFlattened) => "JSON-LD (flattened)",
            Repr::Rdf(Format::JsonLdExpanded) => "JSON-LD (expanded)",
            Repr::Rdf(Format::RdfXml) => "RDF/XML",
            Repr::Rdf(Format::NTriples) => "N-Triples",
            Repr::Rdf(Format::NQuads) => "N-Quads",
            Repr::Rdf(Format::TriG) => "TriG",
        }
    }
}

/// The `Content-Type` value for `media_type`: with `charset=utf-8` for text,
/// unless it names a charset already.
pub fn content_type(media_type: &str) -> String {
    if media_type.contains("charset=") {
        media_type.to_owned()
    } else if media_type.starts_with("text/")
        || media_type.ends_with("+xml")
        || media_type == "application/xml"
        || media_type.contains("json")
        || media_type == "application/n-triples"
        || media_type == "application/n-quads"
        || media_type == "application/trig"
    {
        format!("{media_type}; charset=utf-8")
    } else {
        media_type.to_owned()
    }
}

/// What an `Accept` header gets among `offers`, or `None` (406).
pub fn choose(headers: &HeaderMap, offers: Offers) -> Option<Offer> {
    // The lists are made once: this runs for every negotiated request.
    static LISTS: std::sync::LazyLock<[(Vec<Offer>, Vec<&str>); 2]> =
        std::sync::LazyLock::new(|| {
            [Offers::PageAndRdf, Offers::Rdf].map(|offers| {
                let available: Vec<Offer> = RESOURCE_OFFERS
                    .iter()
                    .filter(|o| offers.has(o.repr))
                    .copied()
                    .collect();
                let media_types = available.iter().map(|o| o.media_type).collect();
                (available, media_types)
            })
        });
    let (available, media_types) = &LISTS[usize::from(offers == Offers::Rdf)];
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    best(accept, media_types).map(|i| available[i])
}

/// The media types of a page.
const PAGE_TYPES: [&str; 2] = ["text/html", "application/xhtml+xml"];

/// Whether `Accept` ranks a page above every one of the `data` media types a
/// resource also has. A browser's does; `*/*`, no `Accept`, or a list of data
/// formats do not, so those clients get data as they did before there were
/// pages.
pub fn prefers_page(headers: &HeaderMap, data: &[&str]) -> bool {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let offers: Vec<&str> = data.iter().copied().chain(PAGE_TYPES).collect();
    negotiate(Some(accept), &offers).is_some_and(|m| PAGE_TYPES.contains(&m))
}

/// Every RDF media type a resource is negotiated in, aliases included.
pub fn rdf_types() -> &'static [&'static str] {
    static TYPES: std::sync::LazyLock<Vec<&str>> = std::sync::LazyLock::new(|| {
        RESOURCE_OFFERS
            .iter()
            .filter(|o| o.repr != Repr::Html)
            .map(|o| o.media_type)
            .collect()
    });
    &TYPES
}

/// Adds `name` to the response's `Vary` unless it is there already.
pub fn vary(headers: &mut HeaderMap, name: &'static str) {
    let listed = headers.get_all(header::VARY).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.split(',').any(|n| n.trim().eq_ignore_ascii_case(name)))
    });
    if !listed {
        headers.append(header::VARY, HeaderValue::from_static(name));
    }
}

/// Whether an error for this request should be a page rather than problem+json.
pub fn prefers_html(headers: &HeaderMap) -> bool {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    accept.is_some()
        && negotiate(
            accept,
            &["application/problem+json", "application/json", "text/html"],
        ) == Some("text/html")
}

/// How a resource's explicit format URLs are written, relative to its page.
#[derive(Debug, Clone, Copy)]
pub enum FormatUrls<'a> {
    /// `{stem}.{extension}`, as for `concept/eu-ai-office.ttl`.
    Extension(&'a str),
    /// `{page}&format={extension}`, for resources named in a query string.
    Query(&'a str),
}

impl FormatUrls<'_> {
    pub fn href(self, extension: &str) -> String {
        let mut href = String::new();
        self.write_href(&mut href, extension);
        href
    }

    fn write_href(self, out: &mut String, extension: &str) {
        use std::fmt::Write;
        let _ = match self {
            FormatUrls::Extension(stem) => write!(out, "{stem}.{extension}"),
            FormatUrls::Query(page) => write!(out, "{page}&format={extension}"),
        };
    }
}

/// The `<x.ttl>; rel="alternate"; type="text/turtle"` links of a resource
/// with `offers`, for a response sent as `sent`; empty when there are none.
///
/// A JSON-LD response names only the HTML page: pyld's document loader fails on
/// a response with more than one `rel="alternate"` link (it expects one), and a
/// JSON-LD processor has no use for the other formats.
pub fn alternates_link(urls: FormatUrls<'_>, sent: Repr, offers: Offers) -> String {
    use std::fmt::Write;
    // Built for every response: one string, not one per link and per URL.
    let mut link = String::with_capacity(EXTENSIONS.len() * 96);
    for (extension, repr) in EXTENSIONS {
        if !offers.has(*repr)
            || (matches!(sent, Repr::Rdf(f) if f.is_jsonld()) && *repr != Repr::Html)
        {
            continue;
        }
        if !link.is_empty() {
            link.push_str(", ");
        }
        link.push('<');
        urls.write_href(&mut link, extension);
        let _ = write!(
            link,
            ">; rel=\"alternate\"; type=\"{}\"; title=\"{}\"",
            repr.media_type(),
            repr.label()
        );
    }
    link
}

/// The alternates as page links.
pub fn alternates(urls: FormatUrls<'_>) -> Vec<super::html::Alternate> {
    EXTENSIONS
        .iter()
        .filter(|(_, r)| *r != Repr::Html)
        .map(|(e, r)| super::html::Alternate {
            href: urls.href(e),
            media_type: r.media_type(),
            label: r.label(),
        })
        .collect()
}

/// Validators of a representation.
pub struct Validators {
    pub etag: String,
    pub last_modified: SystemTime,
}

impl Validators {
    pub fn new(fingerprint: u64, variant: &str, last_modified: SystemTime) -> Self {
        Self {
            // Weak: compression changes the bytes, not the representation.
            etag: format!("W/\"{fingerprint:016x}-{variant}\""),
            last_modified,
        }
    }

    /// Whether the client's copy is current (answer 304).
    pub fn not_modified(&self, headers: &HeaderMap) -> bool {
        if let Some(tags) = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
        {
            let ours = self.etag.trim_start_matches("W/");
            return tags
                .split(',')
                .map(str::trim)
                .any(|t| t == "*" || t.trim_start_matches("W/") == ours);
        }
        if let Some(since) = headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
        {
            // HTTP dates have whole seconds.
            let modified = httpdate::parse_http_date(&httpdate::fmt_http_date(self.last_modified))
                .unwrap_or(self.last_modified);
            return modified <= since;
        }
        false
    }

    fn apply(&self, headers: &mut HeaderMap) {
        insert(headers, header::ETAG, &self.etag);
        insert(
            headers,
            header::LAST_MODIFIED,
            &httpdate::fmt_http_date(self.last_modified),
        );
    }
}

pub fn insert(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

/// The media type of errors (RFC 9457).
const PROBLEM_JSON: &str = "application/problem+json";

/// A 200 answer of `body` with its `Content-Type` and no other header: CORS,
/// compression and the log are the frame's (`server::frame`).
pub fn typed(content_type: &str, body: impl Into<Body>) -> Response<Body> {
    let mut response = Response::new(body.into());
    insert(response.headers_mut(), header::CONTENT_TYPE, content_type);
    response
}

/// A JSON answer: every route sends JSON this way.
pub fn json(value: &serde_json::Value) -> Response<Body> {
    typed("application/json", value.to_string())
}

/// A successful representation, or 304 when the client has it already.
pub fn representation<B>(
    request: &HeaderMap,
    validators: Validators,
    content_type: &str,
    extra: &[(HeaderName, String)],
    body: impl FnOnce() -> Result<B, AppError>,
) -> Result<Response<Body>, AppError>
where
    B: Into<Body>,
{
    Head::new(validators, content_type, extra).respond(request, body)
}

/// What a representation is answered with before its body, or instead of it
/// (304): its validators, and the headers of its 200 answer, ready to copy.
pub struct Head {
    validators: Validators,
    headers: HeaderMap,
}

impl Head {
    /// The head of a representation of `content_type`: validators, caching,
    /// and `extra`.
    pub fn new(validators: Validators, content_type: &str, extra: &[(HeaderName, String)]) -> Self {
        let mut headers = HeaderMap::new();
        insert(&mut headers, header::CONTENT_TYPE, content_type);
        validators.apply(&mut headers);
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=60"),
        );
        for (name, value) in extra {
            insert(&mut headers, name.clone(), value);
        }
        Self {
            validators,
            headers,
        }
    }

    /// The answer to `request`: 304 when its copy is current, else the
    /// representation with the body `body` makes.
    pub fn respond<B, E>(
        &self,
        request: &HeaderMap,
        body: impl FnOnce() -> Result<B, E>,
    ) -> Result<Response<Body>, E>
    where
        B: Into<Body>,
    {
        let not_modified = self.validators.not_modified(request);
        let mut response = Response::new(if not_modified {
            Body::empty()
        } else {
            body()?.into()
        });
        *response.headers_mut() = self.headers.clone();
        if not_modified {
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response.headers_mut().remove(header::CONTENT_TYPE);
        }
        Ok(response)
    }

    fn size(&self) -> usize {
        self.headers
            .iter()
            .map(|(_, v)| v.len() + 32)
            .sum::<usize>()
    }
}

/// A representation made once and sent many times: its head and its body.
pub struct Rendered {
    head: Head,
    body: Bytes,
}

impl Rendered {
    pub fn new(head: Head, body: Bytes) -> Self {
        Self { head, body }
    }

    /// The answer to `request`: the representation, or 304.
    pub fn respond(&self, request: &HeaderMap) -> Response<Body> {
        let Ok(response) = self.head.respond(request, || {
            Ok::<_, std::convert::Infallible>(self.body.clone())
        });
        response
    }

    /// Bytes held, about.
    pub fn size(&self) -> usize {
        self.body.len() + self.head.size()
    }
}

/// The message of every 500: what failed is for the log, not for clients.
const INTERNAL_DETAIL: &str = "the server failed to answer; the error is in its log";

/// An error answered as problem+json (RFC 9457); browsers get a page instead
/// (see `server::frame`). A client's own mistake (4xx) and a limit it can wait
/// out (503) show their message; the server's own failures (any other 5xx)
/// show `INTERNAL_DETAIL`, and their detail is logged when answered.
#[derive(Debug)]
pub struct AppError {
    status: StatusCode,
    detail: String,
    /// An address the detail leads to (a page shows it as a link).
    link: Option<String>,
    extra: Vec<(HeaderName, String)>,
    /// What the log says of a failure behind the server, beside `detail`.
    cause: Option<String>,
}

impl AppError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            link: None,
            extra: Vec::new(),
            cause: None,
        }
    }

    /// The error with an address the detail leads to.
    #[must_use]
    pub fn with_link(mut self, link: impl Into<String>) -> Self {
        self.link = Some(link.into());
        self
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 406, listing what is available.
    pub fn not_acceptable(offers: &[&str]) -> Self {
        Self::new(
            StatusCode::NOT_ACCEPTABLE,
            format!(
                "none of the requested media types is available; this resource is available as {}",
                offers.join(", ")
            ),
        )
    }

    /// A failure of the server (the store, a template, a task): 500, with
    /// `detail` in the log only.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, detail.to_string())
    }

    /// A failure of the service behind the server (502): `detail` is shown
    /// and names no internal address; `cause` is for the log only.
    pub fn bad_gateway(detail: impl Into<String>, cause: impl std::fmt::Display) -> Self {
        Self {
            cause: Some(cause.to_string()),
            ..Self::new(StatusCode::BAD_GATEWAY, detail)
        }
    }

    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        self.extra.push((name, value.into()));
        self
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Whether the answer will carry the header `name`.
    pub fn has_header(&self, name: &HeaderName) -> bool {
        self.extra.iter().any(|(n, _)| n == name)
    }

    /// Whether the detail is the server's own, for the log only.
    fn is_internal(&self) -> bool {
        self.status.is_server_error()
            && self.status != StatusCode::SERVICE_UNAVAILABLE
            && self.cause.is_none()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let detail = if self.is_internal() {
            tracing::error!(status = self.status.as_u16(), error = %self.detail, "internal error");
            INTERNAL_DETAIL
        } else {
            if let Some(cause) = &self.cause {
                tracing::warn!(status = self.status.as_u16(), error = %cause, detail = %self.detail, "upstream failed");
            }
            &self.detail
        };
        let mut body = serde_json::json!({
            "type": "about:blank",
            "title": self.status.canonical_reason().unwrap_or("Error"),
            "status": self.status.as_u16(),
            "detail": detail,
        });
        if let Some(link) = &self.link {
            body["link"] = serde_json::Value::String(link.clone());
        }
        let mut response = typed(PROBLEM_JSON, body.to_string());
        *response.status_mut() = self.status;
        for (name, value) in self.extra {
            insert(response.headers_mut(), name, &value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_client_s_errors_and_limits_show_their_message() {
        let detail = |error: AppError| {
            let response = error.into_response();
            let status = response.status();
            let body = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap()
                .block_on(axum::body::to_bytes(response.into_body(), 64 * 1024))
                .unwrap();
            let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
            (
                status.as_u16(),
                problem["detail"].as_str().unwrap().to_owned(),
            )
        };
        assert_eq!(
            detail(AppError::bad_request("`limit` must be a number")),
            (400, "`limit` must be a number".to_owned())
        );
        assert_eq!(
            detail(AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many queries"
            )),
            (503, "too many queries".to_owned())
        );
        for internal in [
            AppError::internal("I/O error: /var/lib/glossgraph/store/LOCK"),
            AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "/var/lib/glossgraph"),
            AppError::new(StatusCode::BAD_GATEWAY, "/var/lib/glossgraph"),
        ] {
            let (status, text) = detail(internal);
            assert!(status >= 500 && status != 503);
            assert_eq!(text, INTERNAL_DETAIL);
        }
        assert_eq!(
            detail(AppError::bad_gateway(
                "the store cannot be reached",
                "http://10.0.0.7:8890/sparql: connection refused"
            )),
            (502, "the store cannot be reached".to_owned())
        );
    }

    #[test]
    fn alternates_link_names_every_format_or_only_the_page_for_json_ld() {
        let all = alternates_link(FormatUrls::Extension("x"), Repr::Html, Offers::PageAndRdf);
        assert!(all.starts_with(
            "<x.html>; rel=\"alternate\"; type=\"text/html\"; title=\"HTML\", \
             <x.ttl>; rel=\"alternate\"; type=\"text/turtle\"; title=\"Turtle\", "
        ));
        assert_eq!(all.matches(", <").count(), EXTENSIONS.len() - 1);
        assert!(all.ends_with("title=\"TriG\""), "{all}");
        assert_eq!(
            alternates_link(
                FormatUrls::Query("resource?iri=a"),
                Repr::Rdf(Format::JsonLd),
                Offers::PageAndRdf
            ),
            "<resource?iri=a&format=html>; rel=\"alternate\"; type=\"text/html\"; title=\"HTML\""
        );
        // Without a page, no link to one: JSON-LD then names none.
        let data = alternates_link(
            FormatUrls::Extension("d"),
            Repr::Rdf(Format::Turtle),
            Offers::Rdf,
        );
        assert!(data.starts_with("<d.ttl>; rel=\"alternate\""), "{data}");
        assert!(!data.contains("d.html"), "{data}");
        assert_eq!(
            alternates_link(
                FormatUrls::Extension("d"),
                Repr::Rdf(Format::JsonLd),
                Offers::Rdf
            ),
            ""
        );
    }
}
