//! What every request passes through once, around the routes: its id, the
//! request log and metrics, CORS, compression, and error pages for browsers.
//!
//! One middleware rather than a layer for each: every axum layer clones the
//! route's boxed service and boxes a future for each request, and four of them
//! took about 4 µs of the 21 µs of server CPU a concept page's Turtle costs
//! (BENCHMARKS.md, "Concept pages vs nginx").

use super::compress::{self, Encoding};
use super::metrics::{self, Metrics};
use super::request_counts::Slot;
use super::snapshot::Snapshot;
use super::{AppState, base_path, html, request_id, resource, respond, search};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// The middleware. Responses pass, from the routes out: error pages, then
/// compression, then CORS and the request id, then the log and metrics.
pub async fn frame(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let slot = state.metrics().slot(metrics::route(&request));
    let id = request_id::of(request.headers());
    let logged = Logged::start(&request);
    // Shares the request's bytes; negotiated only for an error.
    let accept = request.headers().get(header::ACCEPT).cloned();
    let mut response = if request.method() == Method::OPTIONS {
        preflight()
    } else {
        let encoding = Encoding::accepted(request.headers());
        // Shares the request's bytes: searched for (and its `?lang=` read)
        // if it is a page not found.
        let asked = Asked {
            uri: request.uri().clone(),
            accept_language: request.headers().get(header::ACCEPT_LANGUAGE).cloned(),
        };
        let head = request.method() == Method::HEAD;
        let response = next.run(request).await;
        let response = error_page(&state, accept.as_ref(), &asked, response).await;
        compress::compress(&state, encoding, head, response).await
    };
    cors(&mut response);
    finish(slot, started, id, logged, &mut response, accept.as_ref());
    response
}

/// Gives the answer its request id, then logs and counts it.
fn finish(
    slot: Slot,
    started: Instant,
    id: HeaderValue,
    logged: Option<Logged>,
    response: &mut Response,
    accept: Option<&HeaderValue>,
) {
    let took = started.elapsed();
    slot.record(response.status().as_u16(), took);
    if let Some(logged) = logged {
        logged.finish(response, accept, &id, took);
    }
    response.headers_mut().insert(request_id::HEADER, id);
}

/// The frame of an answer made without a graph, while the first is built
/// (see `ready`): the id, log, metrics (under `route`) and CORS, but no error
/// pages or compression, which need one.
pub fn bare(
    request: &Request,
    metrics: &Metrics,
    route: &str,
    answer: impl FnOnce(&Request) -> Response,
) -> Response {
    let started = Instant::now();
    let slot = metrics.slot(route);
    let id = request_id::of(request.headers());
    let logged = Logged::start(request);
    let mut response = if request.method() == Method::OPTIONS {
        preflight()
    } else {
        answer(request)
    };
    cors(&mut response);
    let accept = request.headers().get(header::ACCEPT);
    finish(slot, started, id, logged, &mut response, accept);
    response
}

/// CORS for a public dataset: any page may read it, without credentials, so
/// every answer says `*` and does not vary by `Origin`.
fn cors(response: &mut Response) {
    use header::{ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS};
    let headers = response.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(
        ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("link, etag, content-location, x-request-id"),
    );
}

/// The answer to any `OPTIONS` request, which is taken as a CORS preflight.
fn preflight() -> Response {
    use header::{
        ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_MAX_AGE,
    };
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    headers.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, HEAD, POST"),
    );
    headers.insert(
        ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("accept, content-type, accept-language, x-request-id"),
    );
    headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    response
}

/// What a request says of the page an error should be: its address (a path
/// to search for, a `?lang=`) and `Accept-Language`.
struct Asked {
    uri: axum::http::Uri,
    accept_language: Option<HeaderValue>,
}

/// Errors come as problem+json; a browser gets the same message as a page,
/// in the language it would get other pages in.
async fn error_page(
    state: &AppState,
    accept: Option<&HeaderValue>,
    asked: &Asked,
    response: Response,
) -> Response {
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !is_problem {
        return response;
    }
    // Whether a problem document or a page, the answer depended on `Accept`.
    let mut response = response;
    respond::vary(response.headers_mut(), "Accept");
    let mut headers = axum::http::HeaderMap::new();
    if let Some(accept) = accept {
        headers.insert(header::ACCEPT, accept.clone());
    }
    if !respond::prefers_html(&headers) {
        return response;
    }
    let status = response.status();
    let (parts, body) = response.into_parts();
    let problem = axum::body::to_bytes(body, 64 * 1024)
        .await
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .unwrap_or_default();
    let detail = problem["detail"].as_str().unwrap_or_default().to_owned();
    let link = problem["link"].as_str().map(str::to_owned);
    let snapshot = state.snapshot();
    if let Some(value) = &asked.accept_language {
        headers.insert(header::ACCEPT_LANGUAGE, value.clone());
    }
    let lang = resource::PageParams::parse(asked.uri.query()).language(&snapshot, &headers);
    // Links on the page are relative to the root; error pages can be at any depth.
    let root = base_path(snapshot.config.base.as_str());
    let mut layout = html::Layout::new(&snapshot, &lang, String::new(), &root, "");
    let heading = layout.ui.status(status.as_u16()).to_owned();
    layout.title = heading.clone();
    let suggestions = if status == StatusCode::NOT_FOUND {
        nearest(&snapshot, asked.uri.path(), &lang)
    } else {
        Vec::new()
    };
    let page = html::MessagePage {
        layout,
        heading,
        detail: html::Code::split(&detail),
        detail_in_page_language: false,
        link,
        suggestions,
    };
    let body = askama::Template::render(&page).unwrap_or_default();
    let mut response = Response::from_parts(parts, Body::from(body));
    respond::insert(
        response.headers_mut(),
        header::CONTENT_TYPE,
        "text/html; charset=utf-8",
    );
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response
}

/// The concepts nearest to what a path not found names (its last segment,
/// without an extension, words split at `-` and `_`): a mistyped or renamed
/// id usually finds the concept meant.
fn nearest(snapshot: &Snapshot, path: &str, lang: &str) -> Vec<html::Link> {
    let last = path.rsplit('/').next().unwrap_or_default();
    let stem = last.split_once('.').map_or(last, |(stem, _)| stem);
    let decoded = percent_encoding::percent_decode_str(stem).decode_utf8_lossy();
    let words = decoded.replace(['-', '_'], " ");
    let words = words.trim();
    if words.is_empty() || words.chars().count() > search::MAX_QUERY_CHARS {
        return Vec::new();
    }
    search::found(snapshot, words, lang, 5, None, false)
        .into_iter()
        .map(|f| html::concept_link(snapshot, f.concept, lang, ""))
        .collect()
}

/// A request being answered, for its log line.
struct Logged {
    method: Method,
    // Shares the request's bytes; text is made only for a line written.
    uri: axum::http::Uri,
}

impl Logged {
    /// `None` when the log is off, so that a request costs nothing here; at
    /// `warn`, nothing is formatted unless the request fails.
    fn start(request: &Request) -> Option<Self> {
        tracing::enabled!(tracing::Level::WARN).then(|| Self {
            method: request.method().clone(),
            uri: request.uri().clone(),
        })
    }

    /// Writes the line: every request at `info`, failures at `warn`.
    fn finish(
        self,
        response: &Response,
        accept: Option<&HeaderValue>,
        id: &HeaderValue,
        took: std::time::Duration,
    ) {
        let status = response.status().as_u16();
        if status < 500 && !tracing::enabled!(tracing::Level::INFO) {
            return;
        }
        let micros = took.as_micros() as u64;
        // Visible ASCII, whether sent or made (see `request_id`).
        let request_id = id.to_str().unwrap_or_default();
        let method = self.method;
        let path = self.uri.path();
        let accept = accept
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(80)
            .collect::<String>();
        if status >= 500 {
            tracing::warn!(%method, path, status, micros, accept, request_id, "request");
        } else {
            tracing::info!(%method, path, status, micros, accept, request_id, "request");
        }
    }
}
