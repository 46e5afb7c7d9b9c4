//! The linked-data server: dereferenceable IRIs with content negotiation, HTML
//! pages, the SPARQL 1.1 Protocol, dumps and dataset descriptions, all from one
//! snapshot of the graph that a rebuild replaces atomically.
//!
//! `app` builds the router (tests drive it with `oneshot`; the binary serves it
//! through a `ready::Gate`, which answers while the first graph is built, on
//! every core with `serve::Listeners` until `shutdown_signal`); `watch`
//! rebuilds when sources change.
//!
//! Layer: a reader, beside `import` and `lint`; above `export`, `query`,
//! `search` and `build`.

pub mod browse;
mod compress;
mod dataset;
mod diagram;
mod frame;
pub mod history;
pub mod html;
mod inline;
pub mod interface;
pub mod metrics;
pub mod negotiate;
mod queries;
pub mod ready;
mod reconcile;
mod releases;
pub mod remote_sparql;
mod request_counts;
mod request_id;
mod resource;
pub mod respond;
pub mod search;
pub mod search_index;
pub mod serve;
pub mod snapshot;
mod sparql;
pub mod static_copy;

use crate::build::{self, BuildError, Built, StoreChoice};
use crate::project::Project;
use crate::query;
use axum::Router;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use inline::Inline;
// What the server reads from requests, for callers that read requests
// without a server (the fuzz targets in fuzz/).
pub use queries::bind_request;
pub use reconcile::{
    Protocol as ReconcileProtocol, batch as reconcile_batch, extension as reconcile_extension,
};
pub use resource::{StoreGraph, asset_paths};
use snapshot::Snapshot;
pub use sparql::SparqlRequest;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Semaphore;

/// The server's limits, each answered by a clear error when passed.
#[derive(Debug, Clone)]
pub struct Limits {
    /// A SPARQL query running longer is cancelled (503).
    pub query_timeout: Duration,
    /// Result rows (or triples) beyond this answer 413.
    pub max_result_rows: usize,
    /// Request bodies beyond this answer 413.
    pub max_body_bytes: usize,
    /// Queries running at once; others wait up to `queue_wait`, then get 503.
    pub max_concurrent_queries: usize,
    pub queue_wait: Duration,
    /// A query first runs on the worker that received it for this long, then
    /// moves to the blocking pool (see `inline`); zero always moves it.
    pub inline_budget: Duration,
    /// Bytes each response cache (pages, concept representations,
    /// compressed bodies) keeps at most; see `snapshot::ResponseCache`.
    pub response_cache: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            query_timeout: Duration::from_secs(10),
            max_result_rows: 100_000,
            max_body_bytes: 1024 * 1024,
            // Two per core. Four kept the cores busier under a steady mix
            // (+5% throughput) but nearly doubled its p99: more pool threads
            // take turns with the event loops that answer lookups and pages.
            max_concurrent_queries: std::thread::available_parallelism().map_or(2, |n| n.get() * 2),
            queue_wait: Duration::from_secs(2),
            inline_budget: Duration::from_millis(5),
            response_cache: snapshot::RESPONSE_CACHE,
        }
    }
}

/// What the handlers share: the current snapshot (swapped on rebuild) and limits.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    limits: Limits,
    query_slots: Arc<Semaphore>,
    inline: Inline,
    started_at: SystemTime,
    /// The store `/sparql` forwards to, if not the snapshot's own.
    sparql_endpoint: Option<remote_sparql::SparqlEndpoint>,
    metrics: metrics::Metrics,
}

impl AppState {
    pub fn new(snapshot: Snapshot, limits: Limits) -> Self {
        Self::answering(snapshot, limits, None)
    }

    /// As `new`, with `/sparql` answered by the SPARQL store at `endpoint`
    /// when there is one (pages, dumps and search still read `snapshot`).
    pub fn answering(
        snapshot: Snapshot,
        limits: Limits,
        endpoint: Option<remote_sparql::SparqlEndpoint>,
    ) -> Self {
        Self::observed(snapshot, limits, endpoint, metrics::Metrics::new())
    }

    /// As `answering`, recording in `metrics` (which may have counted the
    /// requests answered while the graph was built).
    pub fn observed(
        snapshot: Snapshot,
        limits: Limits,
        endpoint: Option<remote_sparql::SparqlEndpoint>,
        metrics: metrics::Metrics,
    ) -> Self {
        snapshot.keep_at_most(limits.response_cache);
        let snapshot = Arc::new(snapshot);
        browse::prepare_in_background(&snapshot);
        metrics.answering(&snapshot);
        Self(Arc::new(Shared {
            metrics,
            sparql_endpoint: endpoint,
            snapshot: RwLock::new(snapshot),
            query_slots: Arc::new(Semaphore::new(limits.max_concurrent_queries.max(1))),
            inline: Inline::new(limits.inline_budget.min(limits.query_timeout)),
            limits,
            started_at: SystemTime::now(),
        }))
    }

    /// The graph being served now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.0.snapshot.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Serves `snapshot` from now on; requests already running keep theirs.
    pub fn replace(&self, snapshot: Snapshot) {
        snapshot.keep_at_most(self.0.limits.response_cache);
        let snapshot = Arc::new(snapshot);
        browse::prepare_in_background(&snapshot);
        self.metrics().answering(&snapshot);
        let old = match self.0.snapshot.write() {
            Ok(mut guard) => std::mem::replace(&mut *guard, snapshot),
            Err(poisoned) => std::mem::replace(&mut *poisoned.into_inner(), snapshot),
        };
        old.retire();
    }

    pub fn limits(&self) -> &Limits {
        &self.0.limits
    }

    fn query_slots(&self) -> &Arc<Semaphore> {
        &self.0.query_slots
    }

    fn inline(&self) -> &Inline {
        &self.0.inline
    }

    fn started_at(&self) -> SystemTime {
        self.0.started_at
    }

    fn sparql_endpoint(&self) -> Option<&remote_sparql::SparqlEndpoint> {
        self.0.sparql_endpoint.as_ref()
    }

    pub fn metrics(&self) -> &metrics::Metrics {
        &self.0.metrics
    }
}

/// The router for the glossary whose base IRI's path is `base_path` (such as `/`).
pub fn app(state: AppState) -> Router {
    let base_path = base_path(state.snapshot().config.base.as_str());
    let routes = Router::new()
        .route("/index.{ext}", get(resource::home_format))
        .route("/concept/{file}", get(resource::concept))
        .route(
            "/dataset",
            get(|s, h, q| resource::dataset(s, h, None, "dataset", q)),
        )
        .route(
            "/dataset.{ext}",
            get(|s, h, e, q| resource::dataset(s, h, Some(e), "dataset", q)),
        )
        .route(
            "/.well-known/void",
            get(|s, h, q| resource::dataset(s, h, None, "../dataset", q)),
        )
        .route(
            "/ontology",
            get(|s, h, q| resource::ontology(s, h, None, q, "")),
        )
        .route("/{file}", get(root_file))
        .route("/sparql", get(sparql::get).post(sparql::post))
        .route("/sparql/", get(sparql::get).post(sparql::post))
        .route(
            "/yasgui/{file}",
            get(|s, f, h| resource::asset(s, f, h, "yasgui")),
        )
        .route("/queries", get(queries::list))
        .route("/queries/{name}", get(queries::run_named))
        .route(
            "/store",
            get(resource::graph_store).fallback(resource::graph_store_write),
        )
        .route(
            "/store/{*path}",
            get(resource::graph_store_path).fallback(resource::graph_store_write),
        )
        .route("/resource", get(resource::resource))
        .route("/v/{version}/concept/{file}", get(releases::version))
        .route("/releases/{version}/", get(releases::release_index))
        .route("/releases/{version}/{file}", get(releases::release_file))
        .route("/az/{letter}", get(browse::letter))
        .route("/az/{letter}/{n}", get(browse::letter_page))
        .route("/hierarchy", get(browse::branch_of))
        .route("/top", get(browse::top))
        .route("/map", get(browse::map))
        .route("/map/{key}", get(browse::map_type))
        .route("/map/{key}/{n}", get(browse::map_type_page))
        .route("/top/{n}", get(browse::top))
        .route("/hierarchy/{id}", get(browse::branch))
        .route("/search", get(search::page))
        .route("/api/search", get(search::api))
        .route("/search-index/{file}", get(search_index::shard))
        .route("/reconcile", get(reconcile::get).post(reconcile::post))
        .route(
            "/reconcile/0.2",
            get(reconcile::get_02).post(reconcile::post),
        )
        .route("/reconcile/suggest/entity", get(reconcile::suggest_entity))
        .route("/reconcile/suggest/type", get(reconcile::suggest_type))
        .route(
            "/reconcile/suggest/property",
            get(reconcile::suggest_property),
        )
        .route("/reconcile/preview", get(reconcile::preview))
        .route("/reconcile/flyout", get(reconcile::flyout))
        .route("/reconcile/extend", axum::routing::post(reconcile::extend))
        .route("/reconcile/extend/propose", get(reconcile::propose))
        .route(
            "/assets/{file}",
            get(|s, f, h| resource::asset(s, f, h, "assets")),
        )
        .route("/healthz", get(ready::healthz))
        .route("/readyz", get(ready::readyz))
        .route("/metrics", get(metrics::scrape))
        .route("/robots.txt", get(resource::robots))
        .route("/sitemap.xml", get(resource::sitemap));
    // The vocabulary answers at its own IRI's path too, whatever the host.
    let vocabulary = Router::new()
        .route(
            "/glossgraph/ns",
            get(|s, h, q| resource::ontology(s, h, None, q, "../")),
        )
        .route(
            "/glossgraph/{file}",
            get(|s, h, f, q| resource::ontology(s, h, Some(f), q, "../")),
        );
    let routes = if base_path == "/" {
        routes.route("/", get(resource::home)).merge(vocabulary)
    } else {
        // The scheme is the base IRI itself, with its slash; without it, the
        // home page's relative links would miss the glossary's path.
        let bare = base_path.trim_end_matches('/').to_owned();
        let home = base_path.clone();
        Router::new()
            .nest(&bare, routes)
            .route(&base_path, get(resource::home))
            .route(
                &bare,
                get(move |RawQuery(raw): RawQuery| async move {
                    let to = match raw {
                        Some(q) => format!("{home}?{q}"),
                        None => home,
                    };
                    axum::response::Redirect::permanent(&to)
                }),
            )
            .merge(vocabulary)
    };
    let limits = state.limits().clone();
    routes
        .fallback(resource::not_found)
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), frame::frame))
        .with_state(state)
}

/// Files at the root with a dot: `dump.*`, `context.jsonld`, `ontology.{ext}`.
async fn root_file(
    state: State<AppState>,
    file: axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
    raw: axum::extract::RawQuery,
) -> Result<Response, respond::AppError> {
    let name = file.0.as_str();
    if name.starts_with("dump.") {
        return resource::dump(state, file, headers)
            .await
            .map(IntoResponse::into_response);
    }
    if name == search_index::SETTINGS_PATH {
        return search_index::settings(state, headers)
            .await
            .map(IntoResponse::into_response);
    }
    if name == "context.jsonld" {
        return resource::context(state, headers)
            .await
            .map(IntoResponse::into_response);
    }
    if name == "favicon.ico" {
        // Asked for by browsers whatever the page links, and by tools that
        // never read pages; every browser takes the SVG at this address.
        return resource::asset(
            state,
            axum::extract::Path("favicon.svg".into()),
            headers,
            "assets",
        )
        .await
        .map(IntoResponse::into_response);
    }
    if name == "changes" {
        return releases::changes(state, headers, raw)
            .await
            .map(IntoResponse::into_response);
    }
    if name == "changes.atom" {
        return releases::feed(state).await.map(IntoResponse::into_response);
    }
    if name.starts_with("ontology.") {
        return resource::ontology(state, headers, Some(file), raw, "")
            .await
            .map(IntoResponse::into_response);
    }
    Err(resource::not_found().await)
}

/// The path of a base IRI: `https://x.org/glossary/` → `/glossary/`.
pub fn base_path(base: &str) -> String {
    let after_scheme = base.split_once("://").map_or(base, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_owned(),
        None => "/".to_owned(),
    }
}

/// A snapshot of a freshly built project.
pub fn snapshot_of(project: &Project, built: Built) -> Result<Snapshot, snapshot::SnapshotError> {
    let queries = match query::named_queries(&project.queries_dir()) {
        Ok(queries) => queries,
        Err(e) => {
            tracing::warn!(error = %e, "named queries not loaded");
            Vec::new()
        }
    };
    let snapshot = Snapshot::of_built(
        built,
        project.config.clone(),
        project.ontology.clone(),
        queries,
    )?;
    // A release that cannot be read is said, not fatal: the glossary as it
    // is still answers.
    let history = history::History::read(crate::release::dir(project)).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "releases not read");
        history::History::default()
    });
    Ok(snapshot.with_history(history))
}

/// Resolves on SIGINT or SIGTERM: serving stops taking requests and finishes
/// those in flight.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Why a rebuild of a changed project failed.
#[derive(Debug, thiserror::Error)]
enum RebuildError {
    #[error(transparent)]
    Project(#[from] crate::project::ProjectError),
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error(transparent)]
    Snapshot(#[from] snapshot::SnapshotError),
}

impl RebuildError {
    /// The located findings behind this error, if it is about the sources.
    fn diagnostics(&self) -> &[crate::diagnostic::Diagnostic] {
        match self {
            Self::Project(crate::project::ProjectError::Config { diagnostics, .. })
            | Self::Build(BuildError::Invalid(diagnostics)) => diagnostics,
            _ => &[],
        }
    }
}

/// Rebuilds the project (where `choice` says) whenever its sources change
/// and swaps the new graph in; a broken edit is logged with its location and
/// the last good graph stays. `seen` is the sources' fingerprint taken before
/// the graph being served was built, so an edit made during that build is
/// not missed.
pub async fn watch(
    state: AppState,
    project: Project,
    choice: StoreChoice,
    interval: Duration,
    mut seen: u64,
) {
    loop {
        tokio::time::sleep(interval).await;
        // Reading every file's metadata blocks; the runtime is serving requests.
        let watched = project.clone();
        let Ok(now) = tokio::task::spawn_blocking(move || sources_fingerprint(&watched)).await
        else {
            continue;
        };
        if now == seen {
            continue;
        }
        seen = now;
        let started = Instant::now();
        let choice = choice.clone();
        let building = project.clone();
        let result = tokio::task::spawn_blocking(move || -> Result<Snapshot, RebuildError> {
            // Settings may have changed too: reopen the project.
            let project = Project::open(&building.dir)?;
            let built = build::build(&project, &choice)?;
            for warning in &built.warnings {
                tracing::warn!(%warning, "source");
            }
            Ok(snapshot_of(&project, built)?)
        })
        .await;
        match result {
            Ok(Ok(snapshot)) => {
                let quads = snapshot.quads;
                let metrics = state.metrics();
                metrics.serving(quads, snapshot.built_at, started.elapsed());
                metrics.rebuild(metrics::Rebuild::Succeeded);
                state.replace(snapshot);
                tracing::info!(
                    quads,
                    millis = started.elapsed().as_millis() as u64,
                    "rebuilt; serving the new graph"
                );
            }
            Ok(Err(e)) => {
                state.metrics().rebuild(metrics::Rebuild::Failed);
                for d in e.diagnostics() {
                    tracing::error!(diagnostic = %d, "source");
                }
                tracing::error!(error = %crate::diagnostic::Chain(&e), "rebuild failed; still serving the last good graph");
            }
            Err(e) => {
                state.metrics().rebuild(metrics::Rebuild::Failed);
                tracing::error!(error = %e, "rebuild failed; still serving the last good graph")
            }
        }
    }
}

/// A hash of the names, sizes and modification times of every source file.
pub fn sources_fingerprint(project: &Project) -> u64 {
    let mut files = vec![project.config_path()];
    files.extend(crate::source::entry_files(&project.entries_dir()).unwrap_or_default());
    if let Ok(entries) = std::fs::read_dir(project.queries_dir()) {
        files.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
    }
    let mut text = String::new();
    for f in files {
        let meta = std::fs::metadata(&f).ok();
        let modified = meta
            .as_ref()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok());
        text.push_str(&format!(
            "{}|{:?}|{:?}\n",
            f.display(),
            meta.map(|m| m.len()),
            modified
        ));
    }
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}
