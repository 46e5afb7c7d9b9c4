//! The Reconciliation Service API, for OpenRefine and other matching tools, in
//! both versions in use: the W3C community draft 1.0 at `/reconcile` and 0.2
//! (what OpenRefine 3 speaks) at `/reconcile/0.2`. The two endpoints differ only
//! in their manifest (see `manifest`): each takes reconciliation batches and
//! data extension queries in either protocol, as JSON, as the form fields
//! `queries=` and `extend=`, or as the same parameters of a `GET` (with JSONP's
//! `callback`). The suggest, flyout, preview and property proposal services
//! below them serve both.
//!
//! Entity ids are concept IRIs; the one type is `skos:Concept`. Candidates come
//! from the label index; property conditions are checked on the graph.

mod extend;
mod graph;
mod manifest;
mod matching;
mod suggest;

pub use extend::{extension, post as extend, propose};
pub use suggest::property as suggest_property;
pub use suggest::{entity as suggest_entity, flyout, kind as suggest_type, preview};

use super::AppState;
use super::html::script_json;
use super::respond::{AppError, json, typed};
use super::snapshot::Snapshot;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::header::{self, HeaderMap};
use axum::http::{Response, StatusCode};
use serde_json::Value;

/// Most queries (or ids to extend) one request may carry.
pub const MAX_BATCH: usize = 1000;
/// Most candidates one query returns.
pub const MAX_CANDIDATES: usize = 100;

/// The version of the protocol an answer is shaped for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// The community draft 1.0.
    V1,
    /// 0.2, which OpenRefine 3 speaks.
    V02,
}

/// `GET /reconcile`: the 1.0-draft manifest, or a batch (`?queries=`) or data
/// extension (`?extend=`).
pub async fn get(
    state: State<AppState>,
    headers: HeaderMap,
    raw: RawQuery,
) -> Result<Response<Body>, AppError> {
    endpoint_get(Protocol::V1, state, headers, raw).await
}

/// `GET /reconcile/0.2`: the 0.2 manifest, or a batch or data extension.
pub async fn get_02(
    state: State<AppState>,
    headers: HeaderMap,
    raw: RawQuery,
) -> Result<Response<Body>, AppError> {
    endpoint_get(Protocol::V02, state, headers, raw).await
}

async fn endpoint_get(
    manifest: Protocol,
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let params = params(raw.as_deref());
    let value = if let Some(queries) = param(&params, "queries") {
        let text = queries.to_owned();
        blocking(move || batch(&snapshot, &text, true)).await?
    } else if let Some(text) = param(&params, "extend") {
        extend::extend(snapshot, text, Protocol::V02).await?
    } else {
        match manifest {
            Protocol::V1 => manifest::draft(&snapshot),
            Protocol::V02 => manifest::v02(&snapshot, &manifest::services_url(&snapshot, &headers)),
        }
    };
    reply(&value, param(&params, "callback"))
}

/// `POST /reconcile` and `POST /reconcile/0.2`: a batch as JSON or as the form
/// field `queries=`, or a data extension query as the form field `extend=`
/// (OpenRefine sends both to the endpoint it was given).
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let value = match sent(&headers, &body)? {
        Sent::Queries(text) => blocking(move || batch(&snapshot, &text, true)).await?,
        Sent::Json(text) => blocking(move || batch(&snapshot, &text, false)).await?,
        Sent::Extend(text) => extend::extend(snapshot, &text, Protocol::V02).await?,
    };
    reply(&value, None)
}

/// Answers the reconciliation batch `text` (JSON) from `snapshot`. `legacy`
/// allows 0.2's shape (`{"q0": {"query": …}}`), which OpenRefine 3 sends as
/// the form field `queries`.
pub fn batch(snapshot: &Snapshot, text: &str, legacy: bool) -> Result<Value, AppError> {
    let batch = serde_json::from_str(text)
        .map_err(|e| AppError::bad_request(format!("the batch is not valid JSON: {e}")))?;
    matching::answer(snapshot, batch, legacy)
}

/// What a POST sends: one of the older protocol's form fields, or a JSON body.
enum Sent {
    Queries(String),
    Extend(String),
    Json(String),
}

fn sent(headers: &HeaderMap, body: &[u8]) -> Result<Sent, AppError> {
    if media_type(headers).as_deref() == Some("application/x-www-form-urlencoded") {
        let form =
            params(Some(std::str::from_utf8(body).map_err(|_| {
                AppError::bad_request("the form is not valid UTF-8")
            })?));
        if let Some(queries) = param(&form, "queries") {
            Ok(Sent::Queries(queries.to_owned()))
        } else if let Some(extend) = param(&form, "extend") {
            Ok(Sent::Extend(extend.to_owned()))
        } else {
            Err(AppError::bad_request(
                "the form has neither a `queries` field (reconciliation) nor an `extend` field (data extension)",
            ))
        }
    } else {
        String::from_utf8(body.to_vec())
            .map(Sent::Json)
            .map_err(|_| AppError::bad_request("the request is not valid UTF-8"))
    }
}

fn media_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
}

fn too_many(n: usize) -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the batch has {n} items; send at most {MAX_BATCH} per request"),
    )
}

/// Runs matching off the async workers: a batch can be CPU work.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(AppError::internal)?
}

/// The parameters of a query string (or form body), decoded.
fn params(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The `lang` a request asks for, else the glossary's first language.
fn language(params: &[(String, String)], snapshot: &Snapshot) -> String {
    param(params, "lang")
        .map(str::to_owned)
        .unwrap_or_else(|| graph::default_language(snapshot))
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `value` as JSON, or as JSONP when the client names a `callback`.
fn reply(value: &Value, callback: Option<&str>) -> Result<Response<Body>, AppError> {
    match callback {
        None => Ok(json(value)),
        Some(callback)
            if !callback.is_empty()
                && callback
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') =>
        {
            Ok(typed(
                "text/javascript",
                format!("{callback}({})", script_json(value)),
            ))
        }
        Some(_) => Err(AppError::bad_request(
            "`callback` must be a JavaScript identifier",
        )),
    }
}
