//! `/metrics`: what an operator watches, in the Prometheus text exposition
//! format (version 0.0.4). Requests by route and status with their latency,
//! SPARQL queries by outcome and their wait for a slot, the graph being
//! served (how long it took to build, its quads, when it was built),
//! rebuilds under `--watch` and the graphs still held, and the process's resident memory, read at each
//! scrape.
//!
//! Written with `prometheus-client`, the Prometheus project's own Rust
//! client: an explicit registry, where the `metrics` crate records through a
//! process-wide recorder, and a small build (13 s from nothing on two cores,
//! and here its dependencies are built already) where `metrics` with
//! `metrics-exporter-prometheus` took 51 s (quanta, evmap, crossbeam, a
//! sketch library).
//!
//! Each worker thread counts its own requests (`request_counts`); a
//! route is its pattern (`/concept/{file}`), never the path asked for, so the
//! series stay few whatever clients send.

use super::AppState;
use super::request_counts::{RequestCounts, Slot};
use super::respond::{AppError, typed};
use super::snapshot::Snapshot;
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Response};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{
    DescriptorEncoder, EncodeGaugeValue, EncodeLabelSet, EncodeLabelValue, EncodeMetric,
    LabelValueEncoder,
};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::fmt::Write;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, SystemTime};

/// The route label of a request no route took.
pub const UNMATCHED: &str = "unmatched";

/// Waits for a query slot (seconds): none at all, up to the queue's limit
/// (2 s by default).
const SLOT_WAIT_BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0];

/// What the server records, shared by every worker, and by the router that
/// answers while the first graph is built (see `ready`).
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    requests: Arc<RequestCounts>,
    queries: Family<OutcomeLabels, Counter>,
    slot_wait: Histogram,
    rebuilds: Family<RebuildLabels, Counter>,
    graph: Arc<Mutex<Option<Graph>>>,
    /// The snapshot served, whose caches are measured when scraped.
    served: Arc<Mutex<Weak<Snapshot>>>,
}

/// The graph being served.
#[derive(Debug, Clone, Copy)]
struct Graph {
    build_seconds: f64,
    quads: usize,
    built_at: SystemTime,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Arc::new(RequestCounts::default());
        registry.register_collector(Box::new(requests.clone()));
        let queries = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "glossgraph_sparql_queries",
            "Queries sent to /sparql, by outcome",
            queries.clone(),
        );
        let slot_wait = Histogram::new(SLOT_WAIT_BUCKETS);
        registry.register(
            "glossgraph_sparql_slot_wait_seconds",
            "Time a query (at /sparql or a named query) waited for one of the slots that run at once",
            slot_wait.clone(),
        );
        let rebuilds = Family::<RebuildLabels, Counter>::default();
        registry.register(
            "glossgraph_rebuilds",
            "Rebuilds after the sources changed (serve --watch), by outcome",
            rebuilds.clone(),
        );
        let graph = Arc::new(Mutex::new(None));
        let served = Arc::new(Mutex::new(Weak::new()));
        registry.register_collector(Box::new(AtScrape {
            graph: graph.clone(),
            served: served.clone(),
            started_at: SystemTime::now(),
        }));
        // Every outcome from the start: a rate over a series that appears
        // only with its first event misses that event.
        for outcome in QueryOutcome::ALL {
            let _ = queries.get_or_create(&OutcomeLabels { outcome });
        }
        for outcome in [Rebuild::Succeeded, Rebuild::Failed] {
            let _ = rebuilds.get_or_create(&RebuildLabels { outcome });
        }
        Self(Arc::new(Inner {
            registry,
            requests,
            queries,
            slot_wait,
            rebuilds,
            graph,
            served,
        }))
    }

    /// Where a request that took `route` (see [`route`]) is counted, once
    /// answered, by [`Slot::record`].
    pub fn slot(&self, route: &str) -> Slot {
        self.0.requests.slot(route)
    }

    pub fn query(&self, outcome: QueryOutcome) {
        self.0
            .queries
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    pub fn slot_wait(&self, waited: Duration) {
        self.0.slot_wait.observe(waited.as_secs_f64());
    }

    pub fn rebuild(&self, outcome: Rebuild) {
        self.0
            .rebuilds
            .get_or_create(&RebuildLabels { outcome })
            .inc();
    }

    /// A graph of `quads` built at `built_at` in `took` is served from now on.
    pub fn serving(&self, quads: usize, built_at: SystemTime, took: Duration) {
        let graph = Graph {
            build_seconds: took.as_secs_f64(),
            quads,
            built_at,
        };
        *self.0.graph.lock().unwrap_or_else(PoisonError::into_inner) = Some(graph);
    }

    /// `snapshot` is the one answering from now on.
    pub fn answering(&self, snapshot: &Arc<Snapshot>) {
        *self.0.served.lock().unwrap_or_else(PoisonError::into_inner) = Arc::downgrade(snapshot);
    }

    /// The scrape: every series as Prometheus text, never cached.
    pub fn answer(&self) -> Response {
        let mut text = String::with_capacity(16 * 1024);
        if let Err(e) =
            prometheus_client::encoding::prometheus_text::encode(&mut text, &self.0.registry)
        {
            return AppError::internal(format!("the metrics could not be written: {e}"))
                .into_response();
        }
        let mut response = typed(
            prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            text,
        );
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// `GET /metrics` on the glossary's router.
pub async fn scrape(State(state): State<AppState>) -> Response {
    state.metrics().answer()
}

/// The route `request` took on the glossary's router, as a label: the
/// pattern it matched, or [`UNMATCHED`].
pub fn route(request: &Request) -> &str {
    request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
}

/// What became of a query sent to `/sparql`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryOutcome {
    Answered,
    /// An update, a SERVICE, a syntax error, or a request that is not a
    /// query this endpoint runs (4xx).
    Refused,
    /// Stopped at the time limit.
    Timeout,
    /// More rows than `--max-results`.
    TooManyResults,
    /// No slot came free while it waited.
    QueueFull,
    /// A failure of the server or of the store behind it (5xx).
    Failed,
}

impl QueryOutcome {
    const ALL: [Self; 6] = [
        Self::Answered,
        Self::Refused,
        Self::Timeout,
        Self::TooManyResults,
        Self::QueueFull,
        Self::Failed,
    ];

    /// The outcome of an answer: each limit answers with a status of its
    /// own, and of the two 503s only a full queue asks to retry after a
    /// moment (a query stopped at its limit would be stopped again).
    pub fn of<T>(answer: &Result<T, AppError>) -> Self {
        let Err(error) = answer else {
            return Self::Answered;
        };
        match error.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Self::TooManyResults,
            StatusCode::SERVICE_UNAVAILABLE if error.has_header(&header::RETRY_AFTER) => {
                Self::QueueFull
            }
            StatusCode::SERVICE_UNAVAILABLE => Self::Timeout,
            status if status.is_client_error() => Self::Refused,
            _ => Self::Failed,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Answered => "answered",
            Self::Refused => "refused",
            Self::Timeout => "timeout",
            Self::TooManyResults => "too_many_results",
            Self::QueueFull => "queue_full",
            Self::Failed => "failed",
        }
    }
}

impl EncodeLabelValue for QueryOutcome {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        encoder.write_str(self.as_str())
    }
}

/// What became of a rebuild under `--watch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rebuild {
    /// The new graph is served.
    Succeeded,
    /// The last good graph still is.
    Failed,
}

impl EncodeLabelValue for Rebuild {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        encoder.write_str(match self {
            Rebuild::Succeeded => "succeeded",
            Rebuild::Failed => "failed",
        })
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: QueryOutcome,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RebuildLabels {
    outcome: Rebuild,
}

/// The series read when scraped: the graph served (none before the first),
/// resident memory (where the system tells it) and the start time. Their
/// help ends with the period the registry adds to the others'.
#[derive(Debug)]
struct AtScrape {
    graph: Arc<Mutex<Option<Graph>>>,
    served: Arc<Mutex<Weak<Snapshot>>>,
    started_at: SystemTime,
}

impl Collector for AtScrape {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let graph = *self.graph.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(graph) = graph {
            gauge(
                &mut encoder,
                "glossgraph_graph_build_seconds",
                "How long the graph being served took to build.",
                graph.build_seconds,
            )?;
            gauge(
                &mut encoder,
                "glossgraph_graph_quads",
                "Quads in the graph being served.",
                i64::try_from(graph.quads).unwrap_or(i64::MAX),
            )?;
            gauge(
                &mut encoder,
                "glossgraph_graph_built_timestamp_seconds",
                "When the graph being served was built, in seconds since the Unix epoch.",
                unix_seconds(graph.built_at),
            )?;
        }
        let served = self
            .served
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .upgrade();
        if let Some(snapshot) = served {
            let caches = snapshot.caches();
            let mut kept = encoder.encode_descriptor(
                "glossgraph_response_cache_bytes",
                "Responses kept in memory by the graph served, by cache; near the limit, pages are made again (serve --cache-size).",
                None,
                MetricType::Gauge,
            )?;
            for (cache, bytes) in caches.sizes {
                let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
                ConstGauge::new(bytes).encode(kept.encode_family(&[("cache", cache)])?)?;
            }
            gauge(
                &mut encoder,
                "glossgraph_response_cache_limit_bytes",
                "Bytes each response cache keeps at most (serve --cache-size).",
                i64::try_from(caches.limit).unwrap_or(i64::MAX),
            )?;
        }
        gauge(
            &mut encoder,
            "glossgraph_graphs_held",
            "Graphs in memory: the one served, and those a rebuild replaced that requests begun before it still read.",
            i64::try_from(super::snapshot::held()).unwrap_or(i64::MAX),
        )?;
        if let Some(bytes) = resident_bytes() {
            gauge(
                &mut encoder,
                "process_resident_memory_bytes",
                "Resident memory size in bytes.",
                i64::try_from(bytes).unwrap_or(i64::MAX),
            )?;
        }
        gauge(
            &mut encoder,
            "process_start_time_seconds",
            "Start time of the process since the Unix epoch in seconds.",
            unix_seconds(self.started_at),
        )
    }
}

fn gauge(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    value: impl EncodeGaugeValue,
) -> Result<(), std::fmt::Error> {
    let gauge = ConstGauge::new(value);
    let metric = encoder.encode_descriptor(name, help, None, gauge.metric_type())?;
    gauge.encode(metric)
}

fn unix_seconds(time: SystemTime) -> f64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Resident memory: the second field of `/proc/self/statm`, in pages.
#[cfg(target_os = "linux")]
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * rustix::param::page_size() as u64)
}

#[cfg(not(target_os = "linux"))]
fn resident_bytes() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scraped(metrics: &Metrics) -> String {
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &metrics.0.registry)
            .unwrap();
        text
    }

    #[test]
    fn requests_are_counted_by_route_pattern_and_status() {
        let metrics = Metrics::new();
        let ms = Duration::from_millis(1);
        metrics.slot("/concept/{file}").record(200, ms);
        metrics.slot("/concept/{file}").record(200, ms);
        metrics.slot("/concept/{file}").record(404, ms);
        metrics.slot(UNMATCHED).record(404, ms);
        let text = scraped(&metrics);
        for line in [
            "glossgraph_http_requests_total{route=\"/concept/{file}\",status=\"200\"} 2",
            "glossgraph_http_requests_total{route=\"/concept/{file}\",status=\"404\"} 1",
            "glossgraph_http_requests_total{route=\"unmatched\",status=\"404\"} 1",
            "glossgraph_http_request_duration_seconds_count{route=\"/concept/{file}\"} 3",
            "glossgraph_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"0.0005\"} 0",
            "glossgraph_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"0.001\"} 1",
            "glossgraph_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"+Inf\"} 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
    }

    #[test]
    fn every_outcome_is_there_from_the_start_and_the_graph_once_served() {
        let metrics = Metrics::new();
        let text = scraped(&metrics);
        for outcome in QueryOutcome::ALL {
            let line = format!(
                "glossgraph_sparql_queries_total{{outcome=\"{}\"}} 0",
                outcome.as_str()
            );
            assert!(text.contains(&line), "{line} in\n{text}");
        }
        assert!(text.contains("glossgraph_rebuilds_total{outcome=\"failed\"} 0"));
        assert!(!text.contains("glossgraph_graph_quads"), "{text}");
        let built_at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        metrics.serving(1234, built_at, Duration::from_millis(1500));
        let text = scraped(&metrics);
        assert!(text.contains("\nglossgraph_graph_quads 1234\n"), "{text}");
        assert!(
            text.contains("\nglossgraph_graph_build_seconds 1.5\n"),
            "{text}"
        );
        assert!(text.contains("\nglossgraph_graph_built_timestamp_seconds 1700000000"));
        #[cfg(target_os = "linux")]
        assert!(resident_bytes().is_some_and(|b| b > 1024 * 1024));
    }

    #[test]
    fn outcomes_follow_from_the_answer() {
        let answered: Result<(), AppError> = Ok(());
        assert_eq!(QueryOutcome::of(&answered), QueryOutcome::Answered);
        let cases = [
            (
                AppError::bad_request("invalid SPARQL query"),
                QueryOutcome::Refused,
            ),
            (
                AppError::new(StatusCode::FORBIDDEN, "read-only"),
                QueryOutcome::Refused,
            ),
            (
                AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "more than"),
                QueryOutcome::TooManyResults,
            ),
            (AppError::internal("store"), QueryOutcome::Failed),
        ];
        for (error, outcome) in cases {
            assert_eq!(QueryOutcome::of::<()>(&Err(error)), outcome);
        }
    }
}
