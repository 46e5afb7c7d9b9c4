//! The SPARQL 1.1 Protocol endpoint (read-only), its service description and
//! the YASGUI query page; and running a parsed query under the server's limits,
//! which the named queries (`queries`) share.
//!
//! Every query runs under a time limit (it is cancelled when the limit
//! passes), a cap on result rows and a limit on how many run at once; each
//! limit answers with a clear error and the server stays up. A lookup (and,
//! on a small store, an aggregate or sort over one) runs on the worker that
//! received it for a few milliseconds at most, every other query on a
//! blocking thread (see `AfterCancel` and `inline`).
//!
//! With `serve --sparql-endpoint`, a request read and checked here is
//! answered by that store instead (`remote_sparql`).

use super::metrics::QueryOutcome;
use super::negotiate::negotiate;
use super::resource::{negotiate_rdf, rdf};
use super::respond::{AppError, content_type, insert, typed};
use super::snapshot::Snapshot;
use super::{AppState, remote_sparql};
use crate::export::Format;
use crate::query::QueryError;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::header::{self, HeaderMap};
use axum::http::{Response, StatusCode};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Triple};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, QueryResults, SparqlEvaluator};
use spargebra::algebra::{AggregateExpression, Expression, GraphPattern, OrderExpression};
use spargebra::term::TermPattern;
use spargebra::{Query, SparqlParser};
use std::hash::Hash;

const YASGUI_HTML: &str = include_str!("../../assets/yasgui/index.html");

/// Result formats for SELECT and ASK, the default first, with aliases clients use.
pub const RESULT_OFFERS: &[(&str, QueryResultsFormat)] = &[
    ("application/sparql-results+json", QueryResultsFormat::Json),
    ("application/sparql-results+xml", QueryResultsFormat::Xml),
    ("text/csv", QueryResultsFormat::Csv),
    ("text/tab-separated-values", QueryResultsFormat::Tsv),
    ("application/json", QueryResultsFormat::Json),
    ("application/xml", QueryResultsFormat::Xml),
    ("text/xml", QueryResultsFormat::Xml),
];

/// The parameters of a protocol request, as they are read from the query
/// string and the body.
#[derive(Debug, Default)]
struct Operation {
    query: Option<String>,
    update: bool,
    default_graphs: Vec<String>,
    named_graphs: Vec<String>,
}

/// Decodes `application/x-www-form-urlencoded` text, refusing bytes that are
/// not UTF-8 once decoded.
pub fn form(bytes: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    let decode = |part: &[u8]| -> Result<String, AppError> {
        let plus: Vec<u8> = part
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        percent_encoding::percent_decode(&plus)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| AppError::bad_request("the request is not valid UTF-8"))
    };
    bytes
        .split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &[][..]),
            };
            Ok((decode(k)?, decode(v)?))
        })
        .collect()
}

impl Operation {
    fn add(&mut self, params: Vec<(String, String)>) -> Result<(), AppError> {
        for (k, v) in params {
            match k.as_str() {
                "query" if self.query.is_some() => {
                    return Err(AppError::bad_request("more than one `query` parameter"));
                }
                "query" => self.query = Some(v),
                "update" => self.update = true,
                "default-graph-uri" => self.default_graphs.push(v),
                "named-graph-uri" => self.named_graphs.push(v),
                _ => {}
            }
        }
        Ok(())
    }

    /// The request, unless it is an update (refused with `update`) or has
    /// no query.
    fn request(self, update: fn() -> AppError) -> Result<SparqlRequest, AppError> {
        if self.update {
            return Err(update());
        }
        let Some(query) = self.query else {
            return Err(AppError::bad_request("no `query` parameter"));
        };
        Ok(SparqlRequest {
            query,
            default_graphs: self.default_graphs,
            named_graphs: self.named_graphs,
        })
    }
}

/// A query request of the SPARQL 1.1 Protocol, read from what the client
/// sent and not yet parsed: the query text and the dataset it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SparqlRequest {
    pub query: String,
    /// The `default-graph-uri` parameters, as sent.
    pub default_graphs: Vec<String>,
    /// The `named-graph-uri` parameters, as sent.
    pub named_graphs: Vec<String>,
}

impl SparqlRequest {
    /// Reads a `GET /sparql` from its query string; `None` when it asks no
    /// query (it wants the service description).
    pub fn from_get(raw: Option<&str>) -> Result<Option<Self>, AppError> {
        let mut operation = Operation::default();
        operation.add(form(raw.unwrap_or_default().as_bytes())?)?;
        if !operation.update && operation.query.is_none() {
            return Ok(None);
        }
        operation
            .request(|| {
                AppError::bad_request(
                    "updates must be sent with POST, and this endpoint is read-only",
                )
            })
            .map(Some)
    }

    /// Reads a `POST /sparql` from its query string, `Content-Type` header and
    /// body: a form (`query=`) or the query itself.
    pub fn from_post(
        raw: Option<&str>,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Self, AppError> {
        let mut operation = Operation::default();
        operation.add(form(raw.unwrap_or_default().as_bytes())?)?;
        let content_type = content_type.unwrap_or_default();
        let media_type = (!content_type.is_empty()).then(|| {
            content_type
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
        let charset = content_type
            .split(';')
            .skip(1)
            .filter_map(|p| p.split_once('='))
            .find(|(n, _)| n.trim().eq_ignore_ascii_case("charset"))
            .map(|(_, v)| v.trim().trim_matches('"').to_ascii_lowercase());
        if charset
            .as_deref()
            .is_some_and(|c| c != "utf-8" && c != "utf8")
        {
            return Err(AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "requests must be encoded as UTF-8",
            ));
        }
        match media_type.as_deref() {
            Some("application/x-www-form-urlencoded") => {
                let query_in_url = operation.query.take();
                operation.add(form(body)?)?;
                if query_in_url.is_some() && operation.query.is_some() {
                    return Err(AppError::bad_request(
                        "the query is given both in the URL and in the body",
                    ));
                }
                operation.query = operation.query.or(query_in_url);
            }
            Some("application/sparql-query") => {
                if operation.query.is_some() {
                    return Err(AppError::bad_request(
                        "the query is given both in the URL and in the body",
                    ));
                }
                let text = String::from_utf8(body.to_vec())
                    .map_err(|_| AppError::bad_request("the query is not valid UTF-8"))?;
                operation.query = Some(text);
            }
            Some("application/sparql-update") => return Err(read_only()),
            Some(other) => {
                return Err(AppError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!(
                        "a query is sent as application/x-www-form-urlencoded or application/sparql-query, not {other}"
                    ),
                ));
            }
            None => {
                return Err(AppError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "the request has no Content-Type; send the query as application/x-www-form-urlencoded or application/sparql-query",
                ));
            }
        }
        operation.request(read_only)
    }

    /// Parses the query (relative IRIs against `base`) and the dataset's
    /// IRIs. An update sent as a query is refused as an update.
    pub fn parse(&self, base: &str) -> Result<(Query, Dataset), AppError> {
        let text = self.query.as_str();
        let query = crate::query::parse(text, base).map_err(|e| match e {
            // Only a text that is no query may be an update; one refused
            // before parsing would cost as much to parse as an update.
            QueryError::Syntax(_) if SparqlParser::new().parse_update(text).is_ok() => read_only(),
            QueryError::Syntax(message) => {
                AppError::bad_request(format!("invalid SPARQL query: {message}"))
            }
            QueryError::TooDeep(e) => AppError::bad_request(e.to_string()),
            other => AppError::internal(other),
        })?;
        let parse = |iris: &[String]| -> Result<Vec<NamedNode>, AppError> {
            iris.iter()
                .map(|i| {
                    NamedNode::new(i)
                        .map_err(|e| AppError::bad_request(format!("`{i}` is not an IRI: {e}")))
                })
                .collect()
        };
        let dataset = Dataset {
            default_graphs: parse(&self.default_graphs)?,
            named_graphs: parse(&self.named_graphs)?,
        };
        Ok((query, dataset))
    }
}

fn read_only() -> AppError {
    AppError::new(
        StatusCode::FORBIDDEN,
        "this SPARQL endpoint is read-only: updates are not accepted",
    )
}

/// `GET /sparql`: a query in the URL, else the service description (or, for a
/// browser, the query page).
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let request = match SparqlRequest::from_get(raw.as_deref()) {
        Ok(None) => return description(&state, &headers),
        Ok(Some(request)) => Ok(request),
        Err(e) => Err(e),
    };
    let asked = async { run(&state, &headers, request?).await };
    counted(&state, asked.await)
}

/// `POST /sparql`: a form (`query=`) or a query as the body.
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response<Body>, AppError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let answer = match SparqlRequest::from_post(raw.as_deref(), content_type, &body) {
        Ok(request) => run(&state, &headers, request).await,
        Err(e) => Err(e),
    };
    counted(&state, answer)
}

/// Counts a query's answer in the metrics by its outcome.
fn counted(
    state: &AppState,
    answer: Result<Response<Body>, AppError>,
) -> Result<Response<Body>, AppError> {
    state.metrics().query(QueryOutcome::of(&answer));
    answer
}

async fn run(
    state: &AppState,
    headers: &HeaderMap,
    request: SparqlRequest,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let (query, dataset) = request.parse(snapshot.config.base.as_str())?;
    if let Some(endpoint) = state.sparql_endpoint() {
        return remote_sparql::execute(
            endpoint,
            state,
            headers,
            &request.query,
            query,
            &request.default_graphs,
            &request.named_graphs,
        )
        .await;
    }
    let key = (
        &request.query,
        &request.default_graphs,
        &request.named_graphs,
    );
    execute(state, headers, &key, query, dataset).await
}

/// The dataset a request names with `default-graph-uri` and `named-graph-uri`.
#[derive(Debug, Default, Clone)]
pub struct Dataset {
    default_graphs: Vec<NamedNode>,
    named_graphs: Vec<NamedNode>,
}

/// What an answer is written as: SPARQL results for SELECT and ASK, RDF for
/// CONSTRUCT and DESCRIBE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serialization {
    Results(QueryResultsFormat),
    /// A graph answer in a format, sent under a media type.
    Rdf(Format, &'static str),
}

/// The results formats of explicit format URLs: extension, format, name.
pub const RESULT_EXTENSIONS: &[(&str, QueryResultsFormat, &str)] = &[
    ("json", QueryResultsFormat::Json, "JSON"),
    ("xml", QueryResultsFormat::Xml, "XML"),
    ("csv", QueryResultsFormat::Csv, "CSV"),
    ("tsv", QueryResultsFormat::Tsv, "TSV"),
];

impl Serialization {
    /// The format `Accept` asks for among those `query` can be answered in.
    pub fn negotiated(query: &Query, headers: &HeaderMap) -> Self {
        let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
        if gives_graph(query) {
            return match negotiate_rdf(headers) {
                Ok((format, offer)) => Self::Rdf(format, offer.sent),
                Err(_) => Self::Rdf(Format::Turtle, "text/turtle"),
            };
        }
        let offers: Vec<&str> = RESULT_OFFERS.iter().map(|(m, _)| *m).collect();
        // Clients that list RDF formats first (rdflib's SPARQLStore) still get
        // results; with no acceptable results format, SPARQL JSON.
        let format = negotiate(accept, &offers)
            .and_then(|m| RESULT_OFFERS.iter().find(|(o, _)| *o == m))
            .map_or(QueryResultsFormat::Json, |(_, f)| *f);
        Self::Results(format)
    }

    /// Every format `query` can be answered in, with its file extension.
    pub fn all(query: &Query) -> Vec<(&'static str, Self)> {
        if gives_graph(query) {
            Format::ALL
                .iter()
                .map(|f| (f.extension(), Self::Rdf(*f, f.media_type())))
                .collect()
        } else {
            RESULT_EXTENSIONS
                .iter()
                .map(|(e, f, _)| (*e, Self::Results(*f)))
                .collect()
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Results(f) => f.media_type(),
            Self::Rdf(_, sent) => sent,
        }
    }
}

/// Whether `query` answers with a graph (CONSTRUCT, DESCRIBE) rather than results.
pub fn gives_graph(query: &Query) -> bool {
    matches!(query, Query::Construct { .. } | Query::Describe { .. })
}

/// Runs a parsed query under the server's limits and answers in the format
/// the client asks for. `key` names the request's query and dataset for the
/// timings of `inline`: its text, since the parser names the variables of
/// aggregates at random.
pub async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    key: &(impl Hash + Sync),
    query: Query,
    dataset: Dataset,
) -> Result<Response<Body>, AppError> {
    let serialization = Serialization::negotiated(&query, headers);
    let mut response = answer(state, key, query, dataset, serialization).await?;
    insert(response.headers_mut(), header::VARY, "Accept");
    Ok(response)
}

/// Runs a parsed query under the server's limits and answers in `serialization`.
pub async fn answer(
    state: &AppState,
    key: &(impl Hash + Sync),
    query: Query,
    dataset: Dataset,
    serialization: Serialization,
) -> Result<Response<Body>, AppError> {
    let max_rows = state.limits().max_result_rows;
    let body = evaluate_limited(state, key, query, dataset, move |results, snapshot| {
        serialize(
            results,
            &serialization,
            &snapshot.exporter,
            max_rows,
            evaluation_error,
        )
    })
    .await?;
    let mut response = typed(&content_type(serialization.media_type()), body);
    insert(response.headers_mut(), header::CACHE_CONTROL, "no-cache");
    Ok(response)
}

/// Runs a parsed query under the server's limits (a slot among those that
/// run at once, a time limit): `finish` reads its results on the thread that
/// evaluates it, where they stream from the store.
pub async fn evaluate_limited<T, F>(
    state: &AppState,
    key: &(impl Hash + Sync),
    query: Query,
    dataset: Dataset,
    finish: F,
) -> Result<T, AppError>
where
    T: Send + 'static,
    F: Fn(QueryResults<'_>, &Snapshot) -> Result<T, AppError> + Send + 'static,
{
    let limits = state.limits().clone();
    // A free slot is taken at once; only a queued query sets a timer, and
    // reads the clock.
    let slots = state.query_slots();
    let slot = match slots.clone().try_acquire_owned() {
        Ok(permit) => {
            state.metrics().slot_wait(std::time::Duration::ZERO);
            Ok(Ok(permit))
        }
        Err(_) => {
            let queued = std::time::Instant::now();
            let slot = tokio::time::timeout(limits.queue_wait, slots.clone().acquire_owned()).await;
            state.metrics().slot_wait(queued.elapsed());
            slot
        }
    };
    let permit = match slot {
        Ok(Ok(permit)) => permit,
        _ => return Err(queue_full()),
    };
    let snapshot = state.snapshot();
    if AfterCancel::of(&query).inline(snapshot.quads) {
        let inline = state.inline().run(key, |token| {
            let (query, dataset) = (query.clone(), dataset.clone());
            evaluate(&snapshot, query, dataset, token, &finish)
        });
        if let Some(answer) = inline {
            return answer;
        }
    }
    let token = CancellationToken::new();
    // Cancelled at the time limit, and also when this future is dropped
    // before it: a client that hangs up takes no answer, and its query
    // would otherwise run on to its end (hours, for a cross join) holding
    // its slot.
    let _cancel = CancelOnDrop(token.clone());
    // The slot is held for exactly the evaluation: given back on its thread
    // when it ends, not once the answer is back on the worker, and not at a
    // timeout while a cancelled query still runs.
    let task = tokio::task::spawn_blocking(move || {
        let _slot = permit;
        evaluate(&snapshot, query, dataset, token, &finish)
    });
    match tokio::time::timeout(limits.query_timeout, task).await {
        Ok(joined) => joined.map_err(AppError::internal)?,
        Err(_) => Err(timed_out(limits.query_timeout)),
    }
}

/// Cancels a query when dropped: at its time limit, at its end (where it
/// does nothing), or when the request is dropped.
struct CancelOnDrop(CancellationToken);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// What a query that found no free slot in time answers: a moment later
/// one may be free (`metrics::QueryOutcome` tells it from a timeout so).
fn queue_full() -> AppError {
    AppError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "too many queries are running; try again shortly",
    )
    .with_header(header::RETRY_AFTER, "1")
}

/// What a query stopped at the time limit answers.
pub fn timed_out(limit: std::time::Duration) -> AppError {
    AppError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "the query took longer than {} s and was stopped; narrow it or add a LIMIT",
            limit.as_secs_f32()
        ),
    )
}

/// Stores of up to this many quads are small: there, reading every match of
/// one pattern takes a few milliseconds at most, so a query that does no
/// more than that is tried on the worker even if it reads on once cancelled.
const SMALL_STORE: usize = 50_000;

/// How much a query reads after it is cancelled, which decides whether it is
/// tried first on the worker (see `inline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AfterCancel {
    /// Nothing: a lookup, which streams its answer from the store and stops
    /// at the next quad. One triple pattern, or a property path from or to a
    /// given term, under at most a projection, `DISTINCT`, `REDUCED` or a slice.
    Nothing,
    /// At most every match of one pattern: an aggregate or a sort over a
    /// lookup gathers its input first, and reads on to its end even once
    /// cancelled.
    OneScan,
    /// Anything else, not known to be bounded: an aggregate over a join, say,
    /// may read far more than the store holds.
    More,
}

impl AfterCancel {
    fn of(query: &Query) -> Self {
        match query {
            Query::Select { pattern, .. }
            | Query::Construct { pattern, .. }
            | Query::Describe { pattern, .. }
            | Query::Ask { pattern, .. } => Self::of_pattern(pattern),
        }
    }

    /// Walks down the chain of operators above the pattern that is read. A
    /// loop, not recursion: rustc 1.95 (LLVM) turned the recursive form, which
    /// took the `max` of each level, into a loop whose result it assumed could
    /// never be `Nothing`, so in release builds no lookup ran on the worker.
    fn of_pattern(mut pattern: &GraphPattern) -> Self {
        let given = |term: &TermPattern| {
            !matches!(term, TermPattern::Variable(_) | TermPattern::BlankNode(_))
        };
        // Expressions of anything but a variable could hold an `EXISTS`, a join.
        let plain = |e: &Expression| matches!(e, Expression::Variable(_));
        // An aggregate or a sort above makes it at least one scan.
        let mut at_least = Self::Nothing;
        loop {
            pattern = match pattern {
                GraphPattern::Bgp { patterns } if patterns.len() <= 1 => return at_least,
                GraphPattern::Path {
                    subject, object, ..
                } if given(subject) || given(object) => return at_least,
                GraphPattern::Project { inner, .. }
                | GraphPattern::Distinct { inner }
                | GraphPattern::Reduced { inner }
                | GraphPattern::Slice { inner, .. } => inner,
                GraphPattern::Extend {
                    inner, expression, ..
                } if plain(expression) => inner,
                GraphPattern::Group {
                    inner, aggregates, ..
                } if aggregates.iter().all(|(_, a)| match a {
                    AggregateExpression::CountSolutions { .. } => true,
                    AggregateExpression::FunctionCall { expr, .. } => plain(expr),
                }) =>
                {
                    at_least = Self::OneScan;
                    inner
                }
                GraphPattern::OrderBy { inner, expression }
                    if expression.iter().all(|o| match o {
                        OrderExpression::Asc(e) | OrderExpression::Desc(e) => plain(e),
                    }) =>
                {
                    at_least = Self::OneScan;
                    inner
                }
                _ => return Self::More,
            };
        }
    }

    /// Whether a query is tried first on the worker of a store of `quads`.
    fn inline(self, quads: usize) -> bool {
        match self {
            Self::Nothing => true,
            Self::OneScan => quads <= SMALL_STORE,
            Self::More => false,
        }
    }
}

/// Evaluates `query` on the snapshot's store and hands its results to `finish`.
fn evaluate<T>(
    snapshot: &Snapshot,
    query: Query,
    dataset: Dataset,
    token: CancellationToken,
    finish: &impl Fn(QueryResults<'_>, &Snapshot) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let mut prepared = SparqlEvaluator::new()
        .with_cancellation_token(token)
        .for_query(query);
    if !dataset.default_graphs.is_empty() || !dataset.named_graphs.is_empty() {
        let spec = prepared.dataset_mut();
        spec.set_default_graph(
            dataset
                .default_graphs
                .into_iter()
                .map(GraphName::NamedNode)
                .collect(),
        );
        spec.set_available_named_graphs(
            dataset
                .named_graphs
                .into_iter()
                .map(NamedOrBlankNode::NamedNode)
                .collect(),
        );
    } else if prepared.dataset().is_default_dataset() {
        prepared.dataset_mut().set_default_graph_as_union();
    }
    let results = prepared
        .on_store(&snapshot.store)
        .execute()
        .map_err(evaluation_error)?;
    finish(results, snapshot)
}

/// An answer in the media type `Accept` chose.
fn negotiated(content_type: &str, body: impl Into<Body>) -> Response<Body> {
    let mut response = typed(content_type, body);
    insert(response.headers_mut(), header::VARY, "Accept");
    response
}

/// What a failed evaluation answers, chosen by the error's variant: the
/// query's own faults are 400 with their message, a stopped query 503, and
/// failures of the store or of the evaluator itself 500 (see `AppError`).
pub fn evaluation_error(error: QueryEvaluationError) -> AppError {
    match error {
        // No service handler is set, so a SERVICE ends in one of the first
        // three; `Service`, a handler's failure, is refused the same way.
        QueryEvaluationError::UnsupportedService(_)
        | QueryEvaluationError::UnboundService
        | QueryEvaluationError::InvalidServiceName(_)
        | QueryEvaluationError::Service(_) => AppError::bad_request(
            "SERVICE is not available on this endpoint: it would make the server fetch other addresses",
        ),
        QueryEvaluationError::UnsupportedCustomFunction(f) => {
            AppError::bad_request(format!("unknown function {f}"))
        }
        error @ QueryEvaluationError::UnsupportedCustomFunctionArity { .. } => {
            AppError::bad_request(format!("the query failed: {error}"))
        }
        QueryEvaluationError::Cancelled => {
            AppError::new(StatusCode::SERVICE_UNAVAILABLE, "the query was stopped")
        }
        // The store failed (`Dataset`, `UnexpectedDefaultGraph`, and with RDF
        // 1.2 `InvalidStorageTripleTerm`), or the evaluator did (`Unexpected`;
        // `NotExistingSubstitutedVariable`, since no solution is substituted):
        // nothing the client can mend.
        error @ (QueryEvaluationError::Dataset(_)
        | QueryEvaluationError::UnexpectedDefaultGraph
        | QueryEvaluationError::NotExistingSubstitutedVariable(_)
        | QueryEvaluationError::Unexpected(_)) => AppError::internal(error),
        // `QueryEvaluationError` is non-exhaustive: what a later Oxigraph adds
        // is the server's to look at.
        error => AppError::internal(error),
    }
}

pub fn too_many(max_rows: usize) -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the answer has more than {max_rows} results; add a LIMIT or use the dumps"),
    )
}

/// Writes `results` in `serialization`, refusing more than `max_rows`; a
/// fault met while reading them is answered as `fault` says.
pub fn serialize(
    results: QueryResults<'_>,
    serialization: &Serialization,
    exporter: &crate::export::Exporter,
    max_rows: usize,
    fault: impl Fn(QueryEvaluationError) -> AppError,
) -> Result<Vec<u8>, AppError> {
    match (results, serialization) {
        (QueryResults::Solutions(solutions), Serialization::Results(format)) => {
            let mut writer = QueryResultsSerializer::from_format(*format)
                .serialize_solutions_to_writer(Vec::new(), solutions.variables().to_vec())
                .map_err(AppError::internal)?;
            for (n, solution) in solutions.enumerate() {
                if n >= max_rows {
                    return Err(too_many(max_rows));
                }
                writer
                    .serialize(&solution.map_err(&fault)?)
                    .map_err(AppError::internal)?;
            }
            writer.finish().map_err(AppError::internal)
        }
        (QueryResults::Boolean(value), Serialization::Results(format)) => {
            QueryResultsSerializer::from_format(*format)
                .serialize_boolean_to_writer(Vec::new(), value)
                .map_err(AppError::internal)
        }
        (QueryResults::Graph(triples), Serialization::Rdf(format, _)) => {
            let mut graph = Vec::new();
            for (n, triple) in triples.enumerate() {
                if n >= max_rows {
                    return Err(too_many(max_rows));
                }
                graph.push(triple.map_err(&fault)?);
            }
            let mut out = Vec::new();
            exporter
                .write_graph(graph, *format, &mut out)
                .map_err(AppError::internal)?;
            Ok(out)
        }
        _ => Err(AppError::internal("query results of an unexpected kind")),
    }
}

/// The service description (SPARQL 1.1 Service Description), or for a browser
/// the YASGUI query page.
fn description(state: &AppState, headers: &HeaderMap) -> Result<Response<Body>, AppError> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let mut offers = vec!["text/html"];
    offers.extend(Format::ALL.iter().map(|f| f.media_type()));
    if accept.is_some() && negotiate(accept, &offers) == Some("text/html") {
        return Ok(negotiated("text/html; charset=utf-8", YASGUI_HTML));
    }
    let (format, offer) = negotiate_rdf(headers)?;
    let snapshot = state.snapshot();
    let sd = |local: &str| {
        NamedNode::new_unchecked(format!(
            "http://www.w3.org/ns/sparql-service-description#{local}"
        ))
    };
    let formats =
        |local: &str| NamedNode::new_unchecked(format!("http://www.w3.org/ns/formats/{local}"));
    let endpoint = snapshot.config.base.endpoint();
    let dataset = snapshot.config.base.dataset();
    let default_graph = snapshot.config.base.default_graph();
    let mut triples = vec![
        Triple::new(endpoint.clone(), rdf::TYPE, sd("Service")),
        Triple::new(endpoint.clone(), sd("endpoint"), endpoint.clone()),
        Triple::new(
            endpoint.clone(),
            sd("supportedLanguage"),
            sd("SPARQL11Query"),
        ),
        Triple::new(endpoint.clone(), sd("feature"), sd("UnionDefaultGraph")),
        Triple::new(endpoint.clone(), sd("defaultDataset"), dataset.clone()),
        Triple::new(dataset.clone(), rdf::TYPE, sd("Dataset")),
        Triple::new(dataset.clone(), sd("defaultGraph"), default_graph.clone()),
        Triple::new(default_graph.clone(), rdf::TYPE, sd("Graph")),
        Triple::new(
            default_graph,
            NamedNode::new_unchecked("http://rdfs.org/ns/void#triples"),
            Literal::from(snapshot.quads as i64),
        ),
    ];
    for local in [
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "N-Quads",
        "TriG",
        "JSON-LD",
        "RDF_XML",
    ] {
        triples.push(Triple::new(
            endpoint.clone(),
            sd("resultFormat"),
            formats(local),
        ));
    }
    for graph in snapshot.store.named_graphs() {
        if let NamedOrBlankNode::NamedNode(g) = graph.map_err(AppError::internal)? {
            let node = NamedNode::new_unchecked(format!(
                "{}#graph-{}",
                dataset.as_str(),
                xxhash_rust::xxh3::xxh3_64(g.as_str().as_bytes())
            ));
            triples.push(Triple::new(dataset.clone(), sd("namedGraph"), node.clone()));
            triples.push(Triple::new(node, sd("name"), g));
        }
    }
    Ok(negotiated(
        &content_type(offer.sent),
        rdf(&snapshot, triples, format)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_queue_and_a_timeout_are_told_apart_in_the_metrics() {
        let full: Result<(), _> = Err(queue_full());
        assert_eq!(QueryOutcome::of(&full), QueryOutcome::QueueFull);
        let stopped: Result<(), _> = Err(timed_out(std::time::Duration::from_secs(1)));
        assert_eq!(QueryOutcome::of(&stopped), QueryOutcome::Timeout);
        let cancelled: Result<(), _> = Err(evaluation_error(QueryEvaluationError::Cancelled));
        assert_eq!(QueryOutcome::of(&cancelled), QueryOutcome::Timeout);
        let service: Result<(), _> = Err(evaluation_error(QueryEvaluationError::UnboundService));
        assert_eq!(QueryOutcome::of(&service), QueryOutcome::Refused);
        let rows: Result<(), _> = Err(too_many(10));
        assert_eq!(QueryOutcome::of(&rows), QueryOutcome::TooManyResults);
    }

    fn after_cancel(text: &str) -> AfterCancel {
        let skos = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>";
        AfterCancel::of(
            &SparqlParser::new()
                .parse_query(&format!("{skos} {text}"))
                .unwrap(),
        )
    }

    #[test]
    fn queries_are_told_apart_by_what_they_read_once_cancelled() {
        let nothing = [
            "SELECT ?c WHERE { ?c skos:prefLabel \"Board\"@en }",
            "SELECT DISTINCT ?b WHERE { <http://x/c> skos:broader* ?b } LIMIT 10",
            "SELECT ?n WHERE { ?n skos:broader+ <http://x/c> }",
            "CONSTRUCT { <http://x/c> ?p ?o } WHERE { <http://x/c> ?p ?o }",
            "ASK { ?s ?p ?o }",
            "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
        ];
        let one_scan = [
            "SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t",
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            "SELECT ?c WHERE { ?c skos:prefLabel ?l } ORDER BY DESC(?l) LIMIT 3",
            "SELECT ?t (MAX(?n) AS ?m) WHERE { { SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t } } GROUP BY ?t",
        ];
        let more = [
            "SELECT ?c WHERE { ?c a skos:Concept ; skos:prefLabel ?l }",
            "SELECT (COUNT(*) AS ?n) WHERE { ?a skos:broader ?b . ?c skos:broader ?d }",
            "SELECT ?c WHERE { ?c skos:prefLabel ?l } ORDER BY STRLEN(?l)",
            "SELECT (SUM(STRLEN(?l)) AS ?n) WHERE { ?c skos:prefLabel ?l }",
            "SELECT ?c WHERE { ?c skos:prefLabel ?l FILTER(CONTAINS(?l, \"AI\")) }",
            "SELECT ?a ?b WHERE { ?a skos:broader* ?b }",
            "SELECT ?a WHERE { VALUES ?a { 1 2 } }",
            "SELECT ?a WHERE { { ?a skos:broader ?b } UNION { ?a skos:narrower ?b } }",
        ];
        for (expected, texts) in [
            (AfterCancel::Nothing, &nothing[..]),
            (AfterCancel::OneScan, &one_scan[..]),
            (AfterCancel::More, &more[..]),
        ] {
            for text in texts {
                assert_eq!(after_cancel(text), expected, "{text}");
            }
        }
    }

    /// Every variant Oxigraph 0.5.13 has, with an internal detail in each
    /// that a client must not see unless the error is its own.
    #[test]
    fn evaluation_errors_are_the_client_s_4xx_or_a_generic_500() {
        use axum::response::IntoResponse;
        use oxigraph::model::{Term, Variable};
        let secret = || -> Box<dyn std::error::Error + Send + Sync> {
            Box::new(std::io::Error::other("SECRET /var/lib/store/000042.sst"))
        };
        let function = NamedNode::new_unchecked("http://example.org/fn");
        let cases = [
            (
                QueryEvaluationError::Dataset(secret()),
                StatusCode::INTERNAL_SERVER_ERROR,
                "the error is in its log",
            ),
            (
                QueryEvaluationError::Unexpected(secret()),
                StatusCode::INTERNAL_SERVER_ERROR,
                "the error is in its log",
            ),
            (
                QueryEvaluationError::UnexpectedDefaultGraph,
                StatusCode::INTERNAL_SERVER_ERROR,
                "the error is in its log",
            ),
            (
                QueryEvaluationError::NotExistingSubstitutedVariable(Variable::new_unchecked(
                    "SECRET",
                )),
                StatusCode::INTERNAL_SERVER_ERROR,
                "the error is in its log",
            ),
            (
                QueryEvaluationError::Service(secret()),
                StatusCode::BAD_REQUEST,
                "SERVICE is not available",
            ),
            (
                QueryEvaluationError::UnsupportedService(function.clone()),
                StatusCode::BAD_REQUEST,
                "SERVICE is not available",
            ),
            (
                QueryEvaluationError::UnboundService,
                StatusCode::BAD_REQUEST,
                "SERVICE is not available",
            ),
            (
                QueryEvaluationError::InvalidServiceName(Term::from(Literal::from("SECRET"))),
                StatusCode::BAD_REQUEST,
                "SERVICE is not available",
            ),
            (
                QueryEvaluationError::UnsupportedCustomFunction(function.clone()),
                StatusCode::BAD_REQUEST,
                "unknown function <http://example.org/fn>",
            ),
            (
                QueryEvaluationError::UnsupportedCustomFunctionArity {
                    name: function,
                    expected: 1..=2,
                    actual: 3,
                },
                StatusCode::BAD_REQUEST,
                "requires between 1 and 2 arguments, but 3 were given",
            ),
            (
                QueryEvaluationError::Cancelled,
                StatusCode::SERVICE_UNAVAILABLE,
                "the query was stopped",
            ),
        ];
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        for (error, status, detail) in cases {
            let name = format!("{error:?}");
            let response = evaluation_error(error).into_response();
            assert_eq!(response.status(), status, "{name}");
            assert_eq!(
                response.headers()[header::CONTENT_TYPE],
                "application/problem+json",
                "{name}"
            );
            let body = runtime
                .block_on(axum::body::to_bytes(response.into_body(), 64 * 1024))
                .unwrap();
            let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(problem["status"], status.as_u16(), "{name}");
            let text = problem["detail"].as_str().unwrap();
            assert!(text.contains(detail), "{name}: {text}");
            assert!(!text.contains("SECRET"), "{name}: {text}");
        }
    }

    #[test]
    fn only_lookups_run_inline_on_a_large_store() {
        let count = after_cancel("SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t");
        let lookup = after_cancel("SELECT ?c WHERE { ?c skos:prefLabel \"Board\"@en }");
        let join = after_cancel("SELECT ?c WHERE { ?c a skos:Concept ; skos:prefLabel ?l }");
        assert!(count.inline(SMALL_STORE) && !count.inline(SMALL_STORE + 1));
        assert!(lookup.inline(SMALL_STORE + 1));
        assert!(!join.inline(0));
    }
}
