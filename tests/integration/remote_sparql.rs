//! `/sparql` answered by an external store (`serve --sparql-endpoint`) and
//! `query --endpoint`, against real stores on loopback (`stores`): the W3C
//! SPARQL 1.1 Protocol tests through the server in front of Oxigraph server
//! and of Virtuoso, the limits and failures of the server as a process, and
//! the command's answers beside those of a local `query`.

use crate::sparql::protocol_suite;
use crate::stores::ExternalStore;
use crate::util::{
    ServeProcess, TestServer, build_in_memory, built, client, glossgraph, root, snapshot_of, text,
};
use glossgraph::project::Project;
use glossgraph::server::remote_sparql::SparqlEndpoint;
use glossgraph::server::{AppState, Limits};
use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphNameRef, NamedOrBlankNode, Triple};
use oxigraph::store::Store;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

/// Server state for the fixture glossary whose `/sparql` is the store at `url`.
fn proxy_state(url: &str, limits: Limits) -> AppState {
    let project = Project::open(&root().join("tests/fixtures/server")).expect("fixture opens");
    let built = build_in_memory(&project);
    let endpoint = SparqlEndpoint::new(url.parse().expect("a URL")).expect("a client");
    AppState::answering(snapshot_of(&project, built.store), limits, Some(endpoint))
}

/// The triples of `graph` in `store`, as N-Triples.
fn ntriples(store: &Store, graph: GraphNameRef<'_>) -> String {
    store
        .quads_for_pattern(None, None, None, Some(graph))
        .map(|q| format!("{} .\n", Triple::from(q.expect("an in-memory store reads"))))
        .collect()
}

/// The protocol suite through a server in front of `external`: each test's
/// graphs replace the last test's in the store before its requests are sent.
fn protocol_suite_through(external: &ExternalStore) {
    let state = proxy_state(&external.query, Limits::default());
    let mut loaded: Vec<String> = Vec::new();
    protocol_suite(|data| {
        for graph in loaded.drain(..) {
            external.run_update(&format!("DROP SILENT GRAPH <{graph}>"));
        }
        for graph in data.named_graphs() {
            let NamedOrBlankNode::NamedNode(graph) = graph.expect("an in-memory store reads")
            else {
                panic!("the suite names its graphs");
            };
            external.load(graph.as_str(), &ntriples(&data, graph.as_ref().into()));
            loaded.push(graph.into_string());
        }
        TestServer::start(state.clone())
    });
}

#[test]
fn w3c_protocol_tests_through_oxigraph_server() {
    if let Some(oxigraph) = ExternalStore::oxigraph() {
        protocol_suite_through(&oxigraph);
    }
}

#[test]
fn w3c_protocol_tests_through_virtuoso() {
    if let Some(virtuoso) = ExternalStore::virtuoso() {
        protocol_suite_through(&virtuoso);
    }
}

/// An Oxigraph server holding the glossary as the build does: each entry's
/// named graph, and (since its default graph is not their union, as the
/// local endpoint's is) the union of them in its default graph.
fn oxigraph_with_the_glossary() -> Option<ExternalStore> {
    let oxigraph = ExternalStore::oxigraph()?;
    let store = &built().store;
    let quads = store
        .dump_to_writer(RdfFormat::NQuads, Vec::new())
        .expect("a dump");
    let union: String = store
        .iter()
        .map(|q| format!("{} .\n", Triple::from(q.expect("an in-memory store reads"))))
        .collect();
    for (url, media_type, body) in [
        (oxigraph.gsp.clone(), "application/n-quads", quads),
        (
            format!("{}?default", oxigraph.gsp),
            "application/n-triples",
            union.into_bytes(),
        ),
    ] {
        let response = client()
            .post(url)
            .header("content-type", media_type)
            .body(body)
            .send()
            .expect("the store answers");
        assert!(response.status().is_success(), "{}", response.status());
    }
    Some(oxigraph)
}

const COUNT: &str =
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://www.w3.org/2004/02/skos/core#Concept> }";

/// Every quad with every quad of its predicate, twice: minutes of work for
/// the store (see `sparql::SLOW`).
const SLOW: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?p ?d . ?e ?p ?f }";

fn sparql_url(base: &str, query: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
    format!("{base}/sparql?query={encoded}")
}

/// `serve --sparql-endpoint` as a process: the store's answers in the formats
/// clients ask for, the local refusals and limits, the store's own refusals
/// passed on, and a 502 that names no address once the store is gone.
#[test]
fn serve_answers_sparql_from_the_store_under_its_own_limits() {
    let Some(oxigraph) = oxigraph_with_the_glossary() else {
        return;
    };
    let server = ServeProcess::start(
        &root(),
        &[],
        &[
            "--sparql-endpoint",
            &oxigraph.query,
            "--max-results",
            "1000",
            "--query-timeout",
            "1",
        ],
        &[],
    );
    let get = |query: &str, accept: &str| {
        client()
            .get(sparql_url(&server.url, query))
            .header("accept", accept)
            .send()
            .expect("the server answers")
    };
    let count = get(COUNT, "text/csv");
    assert_eq!(count.status(), StatusCode::OK);
    assert_eq!(count.headers()["vary"], "Accept");
    assert_eq!(count.text().unwrap(), "n\r\n44\r\n");
    // Relative IRIs resolve against the glossary's base IRI, as locally.
    let office = get(
        "CONSTRUCT { <concept/eu-ai-office> ?p ?o } \
         WHERE { GRAPH <concept/eu-ai-office> { <concept/eu-ai-office> ?p ?o } }",
        "text/turtle",
    );
    assert_eq!(office.status(), StatusCode::OK);
    assert_eq!(
        office.headers()["content-type"],
        "text/turtle; charset=utf-8"
    );
    let office = office.text().unwrap();
    assert!(office.contains("@prefix skos:"), "{office}");
    assert!(office.contains("EU AI Office"), "{office}");
    let post = client()
        .post(format!("{}/sparql", server.url))
        .header("content-type", "application/sparql-query")
        .header("accept", "application/sparql-results+xml")
        .body("ASK { ?s ?p ?o }")
        .send()
        .unwrap();
    assert!(post.text().unwrap().contains("<boolean>true</boolean>"));
    // Refused here, before the store is asked.
    let service = get(
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "*/*",
    );
    assert_eq!(service.status(), StatusCode::BAD_REQUEST);
    assert!(service.text().unwrap().contains("SERVICE is not available"));
    let update = client()
        .post(format!("{}/sparql", server.url))
        .header("content-type", "application/sparql-query")
        .body("DROP ALL")
        .send()
        .unwrap();
    assert_eq!(update.status(), StatusCode::FORBIDDEN);
    let big = get("SELECT * WHERE { ?s ?p ?o }", "*/*");
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(big.text().unwrap().contains("more than 1000 results"));
    let started = Instant::now();
    let slow = get(SLOW, "*/*");
    assert_eq!(slow.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(slow.text().unwrap().contains("took longer than 1 s"));
    assert!(started.elapsed() < Duration::from_secs(5));
    // Pages do not need the store.
    drop(oxigraph);
    let gone = get(COUNT, "*/*");
    assert_eq!(gone.status(), StatusCode::BAD_GATEWAY);
    let problem: serde_json::Value = serde_json::from_slice(&gone.bytes().unwrap()).unwrap();
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("cannot be reached"), "{detail}");
    assert!(!detail.contains("127.0.0.1"), "{detail}");
    let page = client()
        .get(format!("{}/concept/eu-ai-office", server.url))
        .send()
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
}

/// A store's 4xx is the client's: its status and message are passed on.
#[test]
fn the_store_s_refusal_is_passed_on() {
    let Some(oxigraph) = ExternalStore::oxigraph() else {
        return;
    };
    let wrong = oxigraph.query.replace("/query", "/nowhere");
    let server = TestServer::start(proxy_state(&wrong, Limits::default()));
    let response = client()
        .get(sparql_url(&server.url, "ASK {}"))
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let problem: serde_json::Value = serde_json::from_slice(&response.bytes().unwrap()).unwrap();
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("the SPARQL store refused the query: "),
        "{detail}"
    );
}

/// `query --endpoint` prints what a local `query` prints on the same data.
#[test]
fn query_endpoint_answers_as_a_local_query() {
    let Some(oxigraph) = oxigraph_with_the_glossary() else {
        return;
    };
    let endpoint = oxigraph.query.clone();
    let endpoint = endpoint.as_str();
    // Each with a piece of the answer, so that two empty answers do not pass.
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "SELECT ?c ?l WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } ORDER BY ?l ?c",
                "--format",
                "json",
            ],
            "\"EU AI Office\"",
        ),
        (&["--format", "table", COUNT], "\n44\n"),
        (
            &[
                "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <concept/eu-ai-office> { ?s ?p ?o } }",
                "--format",
                "turtle",
            ],
            "concept:eu-ai-office",
        ),
        (
            &[
                "--name",
                "works-with",
                "--param",
                "concept=concept/european-ai-board",
                "--format",
                "csv",
            ],
            "/concept/eu-ai-office,EU AI Office",
        ),
    ];
    for (args, piece) in cases {
        let local = glossgraph(&root(), &[&["query"], args].concat());
        let remote = glossgraph(
            &root(),
            &[&["query", "--endpoint", endpoint], args].concat(),
        );
        assert!(local.status.success(), "{}", text(&local.stderr));
        assert!(remote.status.success(), "{}", text(&remote.stderr));
        let answer = text(&remote.stdout);
        assert!(answer.contains(piece), "{args:?}: {answer}");
        assert_eq!(answer, text(&local.stdout), "{args:?}");
    }
    let refused = glossgraph(
        &root(),
        &[
            "query",
            "--endpoint",
            &oxigraph.query.replace("/query", "/nowhere"),
            "ASK {}",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    let said = text(&refused.stderr);
    assert!(said.contains("answered 404 Not Found: "), "{said}");
    let bad = glossgraph(
        &root(),
        &["query", "--endpoint", "localhost:7878/sparql", "ASK {}"],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("give the endpoint's http:// or https:// address"),
        "{}",
        text(&bad.stderr)
    );
    drop(oxigraph);
    let gone = glossgraph(&root(), &["query", "--endpoint", endpoint, "ASK {}"]);
    assert_eq!(gone.status.code(), Some(2));
    assert!(
        text(&gone.stderr).contains("cannot reach the SPARQL store"),
        "{}",
        text(&gone.stderr)
    );
}
