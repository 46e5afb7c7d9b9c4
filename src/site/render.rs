//! Asking the server for the site: every address goes through the same axum
//! router `serve` runs, in process, so a file holds exactly the bytes `serve`
//! answers and there is no second renderer to drift from the first.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use tower::ServiceExt;

/// What the server answered at one address for one `Accept` header.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    /// The headers a static host must send too (see [`kept`]).
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the answer depends on the `Accept` header.
    pub fn varies_by_accept(&self) -> bool {
        self.header("vary").is_some_and(|v| {
            v.split(',')
                .any(|name| name.trim().eq_ignore_ascii_case("accept"))
        })
    }
}

/// The headers that describe the representation. Validators and dates are
/// the host's own business (it makes its own from the file), the length is
/// the file's, and a request id names one request, not the file.
fn kept(name: &str) -> bool {
    !matches!(
        name,
        "etag" | "last-modified" | "date" | "content-length" | "transfer-encoding" | "x-request-id"
    )
}

/// Asks `router` for `uri` with `accept` (none when `None`), as a client would.
pub async fn get(router: &Router, uri: &str, accept: Option<&str>) -> Result<Answer, String> {
    let mut request = Request::get(uri);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let request = request
        .body(Body::empty())
        .map_err(|e| format!("`{uri}` is not an address: {e}"))?;
    let response = router
        .clone()
        .oneshot(request)
        .await
        .map_err(|e| format!("{uri}: {e}"))?;
    let status = response.status();
    let headers = headers(response.headers());
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(|e| format!("{uri}: {e}"))?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

fn headers(map: &HeaderMap) -> Vec<(String, String)> {
    map.iter()
        .filter(|(name, _)| kept(name.as_str()))
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect()
}
