//! `/sparql` answered by an external SPARQL store (`serve --sparql-endpoint`).
//!
//! A request is read and checked here exactly as the local endpoint checks it
//! (`sparql::run`: the protocol, syntax errors, updates, the dataset's IRIs),
//! SERVICE is refused, and only then is the query sent to the store, asking
//! for a format Oxigraph reads. The answer is parsed as it streams in and
//! written by the local endpoint's serializer in the format the client
//! negotiated, under the same time limit and row cap: a client cannot tell
//! the two apart but by the data.
//!
//! A store that cannot be reached, fails (5xx) or answers what cannot be read
//! is a 502 whose message names no address (the log has the details); the
//! store's 4xx is the client's, passed on with its status and message.

use super::AppState;
use super::respond::{AppError, content_type, insert, typed};
use super::snapshot::Snapshot;
use super::sparql::{Serialization, evaluation_error, serialize, timed_out};
use crate::query::remote::{self, FORM, accept, form, read_answer, under_base};
use axum::body::{Body, Bytes};
use axum::http::header::{self, HeaderMap};
use axum::http::{Response, StatusCode};
use oxigraph::sparql::QueryEvaluationError;
use spargebra::Query;
use spargebra::algebra::{AggregateExpression, Expression, GraphPattern, OrderExpression};
use std::io::{self, Read};
use std::sync::Arc;
use url::Url;

/// The store `/sparql` forwards to, and the one client that talks to it
/// (its connections are kept and reused).
#[derive(Debug)]
pub struct SparqlEndpoint {
    client: reqwest::Client,
    url: Url,
}

impl SparqlEndpoint {
    /// The store whose SPARQL endpoint is at `url`.
    pub fn new(url: Url) -> Result<Self, reqwest::Error> {
        crate::input::install_crypto();
        let client = reqwest::Client::builder()
            .connect_timeout(remote::CONNECT_TIMEOUT)
            // A redirected POST would lose its query: the final address is configured.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("glossgraph/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client, url })
    }

    pub fn url(&self) -> &Url {
        &self.url
    }
}

/// How many chunks of an answer wait for the parser before reading from the
/// store waits in turn.
const CHUNKS_AHEAD: usize = 8;

/// Answers a query, parsed and checked by `sparql::run`, from the store:
/// `text` is what the client sent, the graphs its dataset.
pub async fn execute(
    endpoint: &SparqlEndpoint,
    state: &AppState,
    headers: &HeaderMap,
    text: &str,
    query: Query,
    default_graphs: &[String],
    named_graphs: &[String],
) -> Result<Response<Body>, AppError> {
    if uses_service(&query) {
        return Err(evaluation_error(QueryEvaluationError::UnboundService));
    }
    let serialization = Serialization::negotiated(&query, headers);
    let limits = state.limits();
    let snapshot = state.snapshot();
    let text = under_base(text, snapshot.config.base.as_str());
    let request = endpoint
        .client
        .post(endpoint.url.clone())
        .header(header::CONTENT_TYPE, FORM)
        .header(header::ACCEPT, accept(&query))
        .body(form(&text, default_graphs, named_graphs));
    let asking = ask(
        endpoint,
        request,
        query,
        serialization,
        snapshot,
        limits.max_result_rows,
    );
    // At the time limit the request is dropped, which closes its connection.
    let body = match tokio::time::timeout(limits.query_timeout, asking).await {
        Ok(body) => body?,
        Err(_) => return Err(timed_out(limits.query_timeout)),
    };
    let mut response = typed(&content_type(serialization.media_type()), body);
    insert(response.headers_mut(), header::CACHE_CONTROL, "no-cache");
    insert(response.headers_mut(), header::VARY, "Accept");
    Ok(response)
}

/// Sends `request` and writes the answer in `serialization`: the body is
/// read here and parsed on a blocking thread as it comes.
async fn ask(
    endpoint: &SparqlEndpoint,
    request: reqwest::RequestBuilder,
    query: Query,
    serialization: Serialization,
    snapshot: Arc<Snapshot>,
    max_rows: usize,
) -> Result<Vec<u8>, AppError> {
    let mut response = request.send().await.map_err(|e| {
        AppError::bad_gateway(
            "the SPARQL store behind this endpoint cannot be reached; try again later",
            format!("{}: {}", endpoint.url, remote::innermost(&e)),
        )
    })?;
    let status = response.status();
    if !status.is_success() {
        return Err(refused(endpoint, response).await);
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (sender, receiver) = tokio::sync::mpsc::channel(CHUNKS_AHEAD);
    let url = endpoint.url.clone();
    let parse = tokio::task::spawn_blocking(move || {
        let chunks = Chunks {
            receiver,
            current: Bytes::new(),
        };
        let results =
            read_answer(&query, &content_type, chunks, &url).map_err(|e| unreadable(&e))?;
        serialize(results, &serialization, &snapshot.exporter, max_rows, |e| {
            unreadable(&format!("{url}: {}", remote::innermost(&e)))
        })
    });
    let pump = async move {
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => Ok(chunk),
                Ok(None) => return,
                Err(e) => Err(io::Error::other(remote::innermost(&e))),
            };
            let failed = chunk.is_err();
            // The parser stopped (at the row cap, or on a fault): stop reading.
            if sender.send(chunk).await.is_err() || failed {
                return;
            }
        }
    };
    tokio::pin!(parse);
    let parsed = tokio::select! {
        // The rest of the answer is not needed: dropping `pump` closes the connection.
        parsed = &mut parse => parsed,
        () = pump => parse.await,
    };
    parsed.map_err(AppError::internal)?
}

/// What a store's answer other than 2xx becomes.
async fn refused(endpoint: &SparqlEndpoint, mut response: reqwest::Response) -> AppError {
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // Its start: a message, not whatever else a store may send.
    let mut body = Vec::new();
    let message = loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() < remote::MESSAGE_BYTES => {
                body.extend_from_slice(&chunk);
            }
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk[..remote::MESSAGE_BYTES - body.len()]);
                break remote::message(&body);
            }
            Ok(None) => break remote::message(&body),
            Err(e) => break remote::innermost(&e),
        }
    };
    let said = format!(
        "{} answered {}: {message}",
        endpoint.url,
        remote::status_text(status)
    );
    if status.is_client_error() {
        return match StatusCode::from_u16(status.as_u16()) {
            Ok(code) => AppError::new(
                code,
                format!("the SPARQL store refused the query: {message}"),
            ),
            Err(_) => AppError::bad_gateway("the SPARQL store refused the query", said),
        };
    }
    if let Some(location) = location.filter(|_| status.is_redirection()) {
        return AppError::bad_gateway(
            "the SPARQL store behind this endpoint is configured at an address that moved",
            format!("{said}; it moved to {location}: give that address to --sparql-endpoint"),
        );
    }
    AppError::bad_gateway(
        format!(
            "the SPARQL store behind this endpoint failed ({}); try again later",
            remote::status_text(status)
        ),
        said,
    )
}

/// A store's answer that cannot be read.
fn unreadable(cause: &dyn std::fmt::Display) -> AppError {
    AppError::bad_gateway(
        "the SPARQL store behind this endpoint sent an answer that cannot be read",
        cause,
    )
}

/// An answer's body as a reader, fed chunk by chunk from the task that
/// reads it off the connection.
struct Chunks {
    receiver: tokio::sync::mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
}

impl Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.receiver.blocking_recv() {
                Some(chunk) => self.current = chunk?,
                // The whole answer was read (a failed read sends its error first).
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        Ok(n)
    }
}

/// Whether `query` has a SERVICE anywhere, in `EXISTS` filters too: the
/// local endpoint refuses those (it would fetch other addresses), and so
/// does the store's front.
fn uses_service(query: &Query) -> bool {
    match query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => pattern_uses_service(pattern),
    }
}

fn pattern_uses_service(pattern: &GraphPattern) -> bool {
    let inner = pattern_uses_service;
    match pattern {
        GraphPattern::Service { .. } => true,
        GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Values { .. } => false,
        GraphPattern::Join { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right }
        | GraphPattern::Lateral { left, right } => inner(left) || inner(right),
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => {
            inner(left) || inner(right) || expression.as_ref().is_some_and(expression_uses_service)
        }
        GraphPattern::Filter { expr, inner: p } => expression_uses_service(expr) || inner(p),
        GraphPattern::Extend {
            inner: p,
            expression,
            ..
        } => expression_uses_service(expression) || inner(p),
        GraphPattern::OrderBy {
            inner: p,
            expression,
        } => {
            inner(p)
                || expression.iter().any(|o| match o {
                    OrderExpression::Asc(e) | OrderExpression::Desc(e) => {
                        expression_uses_service(e)
                    }
                })
        }
        GraphPattern::Group {
            inner: p,
            aggregates,
            ..
        } => {
            inner(p)
                || aggregates.iter().any(|(_, a)| match a {
                    AggregateExpression::CountSolutions { .. } => false,
                    AggregateExpression::FunctionCall { expr, .. } => expression_uses_service(expr),
                })
        }
        GraphPattern::Graph { inner: p, .. }
        | GraphPattern::Project { inner: p, .. }
        | GraphPattern::Distinct { inner: p }
        | GraphPattern::Reduced { inner: p }
        | GraphPattern::Slice { inner: p, .. } => inner(p),
    }
}

fn expression_uses_service(expression: &Expression) -> bool {
    let inner = expression_uses_service;
    match expression {
        Expression::Exists(pattern) => pattern_uses_service(pattern),
        Expression::NamedNode(_)
        | Expression::Literal(_)
        | Expression::Variable(_)
        | Expression::Bound(_) => false,
        Expression::Or(a, b)
        | Expression::And(a, b)
        | Expression::Equal(a, b)
        | Expression::SameTerm(a, b)
        | Expression::Greater(a, b)
        | Expression::GreaterOrEqual(a, b)
        | Expression::Less(a, b)
        | Expression::LessOrEqual(a, b)
        | Expression::Add(a, b)
        | Expression::Subtract(a, b)
        | Expression::Multiply(a, b)
        | Expression::Divide(a, b) => inner(a) || inner(b),
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => inner(a),
        Expression::If(a, b, c) => inner(a) || inner(b) || inner(c),
        Expression::In(a, list) => inner(a) || list.iter().any(inner),
        Expression::Coalesce(list) | Expression::FunctionCall(_, list) => list.iter().any(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_is_found_wherever_it_hides() {
        let service = "SERVICE <http://example.org/sparql> { ?s ?p ?o }";
        let with = [
            format!("SELECT * WHERE {{ {service} }}"),
            format!("SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ {service} }} }}"),
            format!("SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ {service} }} }}"),
            format!(
                "SELECT * WHERE {{ ?a ?b ?c FILTER(?c IN (1, 2) || NOT EXISTS {{ {service} }}) }}"
            ),
            format!(
                "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {{ SELECT * {{ {service} }} LIMIT 1 }} }} }}"
            ),
            format!("ASK {{ {{ ?a ?b ?c }} UNION {{ {service} }} }}"),
            format!("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o MINUS {{ {service} }} }}"),
            format!("SELECT * WHERE {{ ?a ?b ?c BIND(IF(EXISTS {{ {service} }}, 1, 2) AS ?x) }}"),
            format!("SELECT * WHERE {{ ?a ?b ?c }} ORDER BY (EXISTS {{ {service} }})"),
            format!("SELECT * WHERE {{ ?a ?b ?c LATERAL {{ {service} }} }}"),
        ];
        for text in &with {
            let query = spargebra::SparqlParser::new().parse_query(text).unwrap();
            assert!(uses_service(&query), "{text}");
        }
        let without = [
            "SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), \"SERVICE <x>\")) }",
            "SELECT (MAX(?o) AS ?m) WHERE { ?s ?p ?o FILTER EXISTS { ?s a ?t } } GROUP BY ?s",
            "DESCRIBE <http://example.org/x>",
        ];
        for text in without {
            let query = spargebra::SparqlParser::new().parse_query(text).unwrap();
            assert!(!uses_service(&query), "{text}");
        }
    }
}
