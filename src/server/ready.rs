//! Liveness and readiness, for process managers and load balancers:
//! `/healthz` answers `ok` while the process answers, `/readyz` once a graph
//! is served. Both are plain text whatever `Accept` says, never cached, and
//! under the base IRI's path like every other route.
//!
//! `serve` listens before it builds, and [`Gate`] is what it serves: until
//! the first graph is in, `/healthz` is `ok`, `/readyz` is 503, `/metrics`
//! answers (see `metrics`) and every other path is a 503 problem with
//! `Retry-After`; then the glossary's router. A
//! rebuild under `--watch` does not close the gate: the last good graph
//! serves, and is ready, until the new one replaces it.

use super::metrics::{self, Metrics};
use super::{base_path, frame, respond};
use axum::Router;
use axum::extract::Request;
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::future::{Ready, ready};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

/// Seconds a client is told to wait before asking again while the graph is
/// built: the glossary of this repository builds in about one.
const RETRY_AFTER: &str = "2";

/// `/healthz`: the process answers.
pub async fn healthz() -> Response {
    plain(StatusCode::OK, "ok")
}

/// `/readyz` on the glossary's router: a graph is served.
pub async fn readyz() -> Response {
    plain(StatusCode::OK, "ready")
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = respond::typed("text/plain; charset=utf-8", text);
    *response.status_mut() = status;
    // A cached "ready" would hide a server that stopped.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// What the listeners serve: the glossary's router once it is open, and until
/// then a router that answers for the build (and passes a request on to the
/// glossary's router once it is open, for a connection made while building).
#[derive(Clone)]
pub struct Gate {
    app: Arc<OnceLock<Router>>,
    starting: Router,
}

impl Gate {
    /// A gate for the glossary whose base IRI is `base`, closed until
    /// `open`; what it answers is counted in `metrics`.
    pub fn building(base: &str, metrics: Metrics) -> Self {
        let app: Arc<OnceLock<Router>> = Arc::default();
        let prefix = base_path(base).trim_end_matches('/').to_owned();
        let paths = Arc::new(Paths {
            healthz: format!("{prefix}/healthz"),
            readyz: format!("{prefix}/readyz"),
            metrics: format!("{prefix}/metrics"),
            recorded: metrics,
        });
        let served = app.clone();
        let starting = Router::new().fallback(move |request: Request| {
            let served = served.clone();
            let paths = paths.clone();
            async move {
                match served.get() {
                    Some(app) => forward(app, request).await,
                    None => {
                        let route = paths.route(&request);
                        frame::bare(&request, &paths.recorded, route, |request| {
                            paths.answer(request)
                        })
                    }
                }
            }
        });
        Self { app, starting }
    }

    /// A gate open on `app` from the start.
    pub fn serving(app: Router) -> Self {
        let gate = Self::building("/", Metrics::new());
        gate.open(app);
        gate
    }

    /// Serves `app` from now on; a gate opens once.
    pub fn open(&self, app: Router) {
        let _ = self.app.set(app);
    }

    /// The router for a new connection.
    fn router(&self) -> Router {
        self.app.get().unwrap_or(&self.starting).clone()
    }
}

async fn forward(app: &Router, request: Request) -> Response {
    use tower_service::Service;
    let Ok(response) = app.clone().call(request).await;
    response
}

/// Where liveness, readiness and metrics answer, under the base IRI's path.
struct Paths {
    healthz: String,
    readyz: String,
    metrics: String,
    recorded: Metrics,
}

impl Paths {
    /// The route a request takes while the first graph is built.
    fn route(&self, request: &Request) -> &str {
        let path = request.uri().path();
        [&self.healthz, &self.readyz, &self.metrics]
            .into_iter()
            .find(|known| path == known.as_str())
            .map_or(metrics::UNMATCHED, String::as_str)
    }

    /// The answer while the first graph is built.
    fn answer(&self, request: &Request) -> Response {
        let path = request.uri().path();
        let read = matches!(*request.method(), Method::GET | Method::HEAD);
        if read && path == self.healthz {
            return plain(StatusCode::OK, "ok");
        }
        if read && path == self.metrics {
            return self.recorded.answer();
        }
        let mut response = if read && path == self.readyz {
            plain(StatusCode::SERVICE_UNAVAILABLE, "building the graph")
        } else {
            respond::AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the glossary is being built and is served once it is; ask again in a moment",
            )
            .into_response()
        };
        let headers = response.headers_mut();
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// `axum::serve` asks for a router for each connection it accepts.
impl<L: axum::serve::Listener> tower_service::Service<axum::serve::IncomingStream<'_, L>> for Gate {
    type Response = Router;
    type Error = Infallible;
    type Future = Ready<Result<Router, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: axum::serve::IncomingStream<'_, L>) -> Self::Future {
        ready(Ok(self.router()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;

    fn run<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    fn get_path(router: Router, path: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        run(async move {
            let request = Request::get(path).body(Body::empty()).unwrap();
            let response = forward(&router, request).await;
            let (parts, body) = response.into_parts();
            let body = axum::body::to_bytes(body, 64 * 1024).await.unwrap();
            (
                parts.status,
                parts.headers,
                String::from_utf8(body.to_vec()).unwrap(),
            )
        })
    }

    #[test]
    fn a_closed_gate_is_alive_not_ready_and_unavailable_under_the_base_path() {
        let gate = Gate::building("https://example.org/glossary/", Metrics::new());
        let (status, headers, body) = get_path(gate.router(), "/glossary/healthz");
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["access-control-allow-origin"], "*");
        assert!(headers.contains_key("x-request-id"));
        let (status, headers, body) = get_path(gate.router(), "/glossary/readyz");
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert_eq!(headers["retry-after"], RETRY_AFTER);
        assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
        for path in ["/glossary/", "/glossary/concept/x", "/healthz"] {
            let (status, headers, body) = get_path(gate.router(), path);
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
            assert_eq!(headers["content-type"], "application/problem+json");
            assert_eq!(headers["retry-after"], RETRY_AFTER);
            assert_eq!(headers["cache-control"], "no-store");
            assert!(body.contains("being built"), "{body}");
        }
        // Metrics answer while building, and count what was answered.
        let (status, headers, body) = get_path(gate.router(), "/glossary/metrics");
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["cache-control"], "no-store");
        for line in [
            "glossgraph_http_requests_total{route=\"/glossary/healthz\",status=\"200\"} 1",
            "glossgraph_http_requests_total{route=\"/glossary/readyz\",status=\"503\"} 1",
            "glossgraph_http_requests_total{route=\"unmatched\",status=\"503\"} 3",
        ] {
            assert!(body.lines().any(|l| l == line), "{line} in\n{body}");
        }
    }

    #[test]
    fn a_connection_made_while_building_is_served_once_the_gate_opens() {
        let gate = Gate::building("https://example.org/", Metrics::new());
        let early = gate.router();
        gate.open(Router::new().route("/readyz", get(|| async { "the graph's" })));
        assert_eq!(get_path(early, "/readyz").2, "the graph's");
        assert_eq!(get_path(gate.router(), "/readyz").2, "the graph's");
    }
}
