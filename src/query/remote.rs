//! Queries answered by a SPARQL store elsewhere (Oxigraph server, Virtuoso,
//! Fuseki, GraphDB…) over the SPARQL 1.1 Protocol: what is sent and asked
//! for, and the answer read back with Oxigraph's parsers into the
//! `QueryResults` a local query gives, so the same printers (`results`) and
//! the server's serializers write it.
//!
//! `query --endpoint` sends with [`run`]; `serve --sparql-endpoint` sends with
//! an async client of its own (`server::remote_sparql`) and reads the answer
//! with [`read_answer`] as it streams in.

use super::QueryError;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Term, Triple, Variable};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsParser};
use oxigraph::sparql::{QueryEvaluationError, QueryResults, QuerySolutionIter, QueryTripleIter};
use spargebra::Query;
use std::io::Read;
use std::time::Duration;
use url::Url;

/// What a store is asked to answer SELECT and ASK in: the two results
/// formats every store writes and Oxigraph reads.
const SOLUTIONS_ACCEPT: &str =
    "application/sparql-results+json, application/sparql-results+xml;q=0.9";

/// What a store is asked to answer CONSTRUCT and DESCRIBE in. N-Triples
/// streams line by line; stores that lack it write one of the others.
const GRAPH_ACCEPT: &str =
    "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8, text/plain;q=0.5";

/// How much of a store's error answer is read for its message.
pub const MESSAGE_BYTES: usize = 4096;

/// The longest message of a store's error that is passed on.
const MESSAGE_CHARS: usize = 600;

/// Why a store did not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error(
        "cannot reach the SPARQL store at {url} ({cause}); check the address and that the store is running"
    )]
    Unreachable { url: String, cause: String },
    #[error("the SPARQL store at {url} answered {status}: {message}")]
    Status {
        url: String,
        /// The code and its reason, such as `400 Bad Request`.
        status: String,
        message: String,
    },
    #[error(
        "the SPARQL store at {url} answered in `{content_type}`, which glossgraph does not read (it asks for {asked})"
    )]
    Format {
        url: String,
        content_type: String,
        asked: &'static str,
    },
    #[error("the answer of the SPARQL store at {url} cannot be read: {cause}")]
    Answer { url: String, cause: String },
}

impl RemoteError {
    /// Whether the network or the store failed, rather than the query or the
    /// address given (which the store's own answer says).
    pub fn is_network(&self) -> bool {
        matches!(self, Self::Unreachable { .. })
    }
}

/// Whether `query` answers with a graph (CONSTRUCT, DESCRIBE).
fn gives_graph(query: &Query) -> bool {
    matches!(query, Query::Construct { .. } | Query::Describe { .. })
}

/// The `Accept` a store is sent for `query`.
pub fn accept(query: &Query) -> &'static str {
    if gives_graph(query) {
        GRAPH_ACCEPT
    } else {
        SOLUTIONS_ACCEPT
    }
}

/// The text a store is sent for the query `text`: under the glossary's base
/// IRI, so relative IRIs mean what they mean locally (a `BASE` of the query's
/// own still comes after it, and wins).
pub fn under_base(text: &str, base: &str) -> String {
    format!("BASE <{base}>\n{text}")
}

/// The media type of the body [`form`] writes.
pub const FORM: &str = "application/x-www-form-urlencoded";

/// The body of a query request: the query and its dataset as a form, the
/// one way of the protocol every store takes (Virtuoso 7 never answers a
/// query sent as `application/sparql-query`).
pub fn form(text: &str, default_graphs: &[String], named_graphs: &[String]) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("query", text);
    for graph in default_graphs {
        form.append_pair("default-graph-uri", graph);
    }
    for graph in named_graphs {
        form.append_pair("named-graph-uri", graph);
    }
    form.finish()
}

/// Reads a store's answer, sent as `content_type`, to `query`: the results
/// stream from `body` as they are read, and a fault found on the way is an
/// error of the iterator (`QueryEvaluationError::Unexpected`).
pub fn read_answer<'a>(
    query: &Query,
    content_type: &str,
    body: impl Read + 'a,
    url: &Url,
) -> Result<QueryResults<'a>, RemoteError> {
    let format_error = || RemoteError::Format {
        url: url.to_string(),
        content_type: content_type.to_owned(),
        asked: accept(query),
    };
    if gives_graph(query) {
        let format = RdfFormat::from_media_type(content_type).ok_or_else(format_error)?;
        let triples = RdfParser::from_format(format)
            .for_reader(body)
            .map(|quad| match quad {
                Ok(quad) => Ok(Triple::from(quad)),
                Err(e) => Err(QueryEvaluationError::Unexpected(Box::new(e))),
            });
        return Ok(QueryResults::Graph(QueryTripleIter::new(triples)));
    }
    let format = QueryResultsFormat::from_media_type(content_type)
        .filter(|f| *f != QueryResultsFormat::Csv)
        .ok_or_else(format_error)?;
    let fault = |cause: String| RemoteError::Answer {
        url: url.to_string(),
        cause,
    };
    let results = QueryResultsParser::from_format(format)
        .for_reader(body)
        .map(QueryResults::from)
        .map_err(|e| fault(e.to_string()))?;
    match (query, results) {
        (Query::Ask { .. }, QueryResults::Solutions(rows)) => {
            ask_from_table(rows).map_err(|e| fault(innermost(&e)))
        }
        (_, results) => Ok(results),
    }
}

/// The answer to ASK of a store that sends it as a table, as Virtuoso 7
/// does: one variable (`__ASK_RETVAL`), a row holding 1 when true, no row
/// (or 0) when false.
fn ask_from_table(
    rows: QuerySolutionIter<'_>,
) -> Result<QueryResults<'static>, QueryEvaluationError> {
    let mut answer = false;
    for row in rows {
        answer |= row?.values().iter().flatten().any(|value| match value {
            Term::Literal(l) => !matches!(l.value(), "0" | "false"),
            _ => true,
        });
    }
    Ok(QueryResults::Boolean(answer))
}

/// A store's error answer as one line of at most `MESSAGE_CHARS`.
pub fn message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(MESSAGE_BYTES)]);
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        return "(no message)".to_owned();
    }
    if line.chars().count() > MESSAGE_CHARS {
        let cut: String = line.chars().take(MESSAGE_CHARS - 1).collect();
        return format!("{cut}…");
    }
    line
}

/// The status of an answer as people read it: `400 Bad Request`.
pub fn status_text(status: reqwest::StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// Runs a query on the store at `endpoint`, as [`super::run`] runs it on the
/// built graph: the same text, parsed here first (a syntax error is found
/// before anything is sent), relative IRIs resolved against `base`, and
/// `bindings` bound in the parsed query.
///
/// The whole answer is read before it is returned, so a fault in it is this
/// function's error rather than one met while printing.
pub fn run(
    endpoint: &Url,
    text: &str,
    base: &str,
    bindings: Vec<(Variable, Term)>,
) -> Result<QueryResults<'static>, QueryError> {
    let query = super::parse(text, base)?;
    let accept = accept(&query);
    let text = if bindings.is_empty() {
        under_base(text, base)
    } else {
        // Its text is the bound query written out, under its base IRI.
        super::bind(query.clone(), &bindings)?.to_string()
    };
    let url = endpoint.to_string();
    let unreachable = |e: reqwest::Error| RemoteError::Unreachable {
        url: url.clone(),
        cause: innermost(&e),
    };
    crate::input::install_crypto();
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        // A query takes as long as the store lets it; Ctrl-C stops waiting.
        .timeout(None::<Duration>)
        // A redirected POST would lose its query; the final address is asked for.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("glossgraph/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(unreachable)?;
    let response = client
        .post(endpoint.clone())
        .header(reqwest::header::CONTENT_TYPE, FORM)
        .header(reqwest::header::ACCEPT, accept)
        .body(form(&text, &[], &[]))
        .send()
        .map_err(unreachable)?;
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if !status.is_success() {
        let mut body = Vec::new();
        let read = response.take(MESSAGE_BYTES as u64).read_to_end(&mut body);
        let message = match (status.is_redirection(), location, read) {
            (true, Some(to), _) => format!("it moved to {to}; give that address"),
            (_, _, Err(e)) => innermost(&e),
            _ => message(&body),
        };
        return Err(RemoteError::Status {
            url,
            status: status_text(status),
            message,
        }
        .into());
    }
    let body = response.bytes().map_err(unreachable)?;
    let fault = |cause: String| RemoteError::Answer {
        url: url.clone(),
        cause,
    };
    let answer = read_answer(&query, &content_type, body.as_ref(), endpoint)?;
    Ok(match answer {
        QueryResults::Boolean(value) => QueryResults::Boolean(value),
        QueryResults::Solutions(solutions) => {
            let variables: std::sync::Arc<[Variable]> = solutions.variables().into();
            let rows: Vec<_> = solutions
                .collect::<Result<_, _>>()
                .map_err(|e| fault(innermost(&e)))?;
            QueryResults::Solutions(QuerySolutionIter::new(variables, rows.into_iter().map(Ok)))
        }
        QueryResults::Graph(triples) => {
            let triples: Vec<Triple> = triples
                .collect::<Result<_, _>>()
                .map_err(|e| fault(innermost(&e)))?;
            QueryResults::Graph(QueryTripleIter::new(triples.into_iter().map(Ok)))
        }
    })
}

/// How long connecting to a store may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The deepest cause's message, which says what actually failed.
pub fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Query {
        spargebra::SparqlParser::new().parse_query(text).unwrap()
    }

    #[test]
    fn graphs_and_solutions_are_asked_for_in_formats_oxigraph_reads() {
        assert!(
            accept(&parsed("CONSTRUCT WHERE { ?s ?p ?o }")).starts_with("application/n-triples")
        );
        assert!(accept(&parsed("DESCRIBE <http://x/>")).starts_with("application/n-triples"));
        for text in ["SELECT * {}", "ASK {}"] {
            assert!(accept(&parsed(text)).starts_with("application/sparql-results+json"));
        }
    }

    #[test]
    fn the_query_and_its_dataset_are_sent_as_a_form() {
        let body = form(
            "ASK { ?s ?p \"a&b=c\" }",
            &["http://g.example/a b".into()],
            &["http://g.example/n?x=1&y".into()],
        );
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(
            pairs,
            [
                ("query".into(), "ASK { ?s ?p \"a&b=c\" }".into()),
                ("default-graph-uri".into(), "http://g.example/a b".into()),
                ("named-graph-uri".into(), "http://g.example/n?x=1&y".into()),
            ]
        );
    }

    #[test]
    fn an_ask_answered_as_a_table_is_a_boolean() {
        let url = Url::parse("http://store.example/sparql").unwrap();
        let ask = parsed("ASK { ?s ?p ?o }");
        let table = |bindings: &str| {
            format!(
                r#"{{"head":{{"vars":["__ASK_RETVAL"]}},"results":{{"bindings":[{bindings}]}}}}"#
            )
        };
        let one = r#"{"__ASK_RETVAL":{"type":"typed-literal","datatype":"http://www.w3.org/2001/XMLSchema#integer","value":"1"}}"#;
        for (bindings, expected) in [(one, true), ("", false)] {
            let text = table(bindings);
            let answer = read_answer(
                &ask,
                "application/sparql-results+json",
                text.as_bytes(),
                &url,
            );
            assert!(
                matches!(answer, Ok(QueryResults::Boolean(b)) if b == expected),
                "{text}"
            );
        }
    }

    #[test]
    fn answers_are_read_by_their_content_type() {
        let url = Url::parse("http://store.example/sparql").unwrap();
        let select = parsed("SELECT ?s {}");
        let json = br#"{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://x/a"}}]}}"#;
        let Ok(QueryResults::Solutions(rows)) = read_answer(
            &select,
            "application/sparql-results+json; charset=utf-8",
            &json[..],
            &url,
        ) else {
            panic!("solutions");
        };
        assert_eq!(rows.count(), 1);
        let ask = parsed("ASK {}");
        let xml = br#"<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>true</boolean></sparql>"#;
        assert!(matches!(
            read_answer(&ask, "application/sparql-results+xml", &xml[..], &url),
            Ok(QueryResults::Boolean(true))
        ));
        let construct = parsed("CONSTRUCT WHERE { ?s ?p ?o }");
        let Ok(QueryResults::Graph(triples)) = read_answer(
            &construct,
            "text/plain",
            &b"<http://x/a> <http://x/b> \"c\" .\n"[..],
            &url,
        ) else {
            panic!("a graph");
        };
        assert_eq!(triples.count(), 1);
        let html = read_answer(&select, "text/html", &b"<p>hi</p>"[..], &url);
        let Err(error) = html else {
            panic!("HTML is not read");
        };
        assert!(error.to_string().contains("`text/html`"), "{error}");
        let broken = read_answer(&construct, "application/n-triples", &b"<a> <b"[..], &url);
        let Ok(QueryResults::Graph(mut triples)) = broken else {
            panic!("a graph");
        };
        assert!(triples.next().is_some_and(|t| t.is_err()));
    }

    #[test]
    fn messages_are_one_short_line() {
        assert_eq!(
            message(b"Virtuoso 37000 Error SP030:\n  SPARQL compiler\n"),
            "Virtuoso 37000 Error SP030: SPARQL compiler"
        );
        assert_eq!(message(b" \n"), "(no message)");
        let long = message("x ".repeat(5000).as_bytes());
        assert_eq!(long.chars().count(), MESSAGE_CHARS);
        assert!(long.ends_with('…'));
    }
}
