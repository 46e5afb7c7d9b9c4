//! The SPARQL endpoint: formats, refusals and named queries in process
//! (`TestApp`); limits, which need time and requests at once, and the W3C
//! SPARQL 1.1 Protocol tests from `../shared/conformance/sparql11/protocol/`
//! over a real port.

use crate::manifest::{HT, MF, Manifest};
use crate::util::{ServeProcess, TestApp, TestServer, built, client, project, root, state_of};
use glossgraph::server::Limits;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, NamedNode, Term};
use oxigraph::store::Store;
use reqwest::StatusCode;
use std::time::Duration;

/// Every quad with every quad of its predicate, twice: about 600 million rows
/// to count, which takes minutes in a debug build and well over the tests'
/// time limits in a release one. It stops within milliseconds of being
/// cancelled, also in a debug build: each row comes from a nested loop that
/// reads the store, and Oxigraph checks the cancellation token on every quad
/// it reads. A cross join (`{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }`) would not:
/// it combines each row of one side with every row of the other, gathered
/// before, without reading, and counting one row's 22 million combinations
/// took a debug build 10–45 s after the cancellation.
const SLOW: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?p ?d . ?e ?p ?f }";

const COUNT: &str =
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://www.w3.org/2004/02/skos/core#Concept> }";

fn query_url(server: &TestServer, query: &str) -> String {
    sparql_url(&server.url, query)
}

fn sparql_url(base: &str, query: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
    format!("{base}/sparql?query={encoded}")
}

/// The path of a GET for `query`.
fn query_path(query: &str) -> String {
    sparql_url("", query)
}

#[test]
fn results_come_in_the_format_asked_for() {
    let app = TestApp::glossary();
    let cases = [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            "\"44\"",
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            ">44<",
        ),
        ("text/csv", "text/csv", "n\r\n44"),
        (
            "text/tab-separated-values",
            "text/tab-separated-values",
            "?n\n44",
        ),
        // rdflib's SPARQLStore lists RDF/XML first.
        (
            "application/rdf+xml, application/sparql-results+xml",
            "application/sparql-results+xml",
            ">44<",
        ),
        ("*/*", "application/sparql-results+json", "\"44\""),
    ];
    for (accept, media, body) in cases {
        let response = app.get(&query_path(COUNT), &[("accept", accept)]);
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        let content_type = response.header("content-type");
        assert!(content_type.starts_with(media), "{accept}: {content_type}");
        let text = response.text();
        assert!(text.contains(body), "{accept}: {text}");
    }
    // POST as a form and directly.
    let form = app.send(
        "POST",
        "/sparql",
        &[("content-type", "application/x-www-form-urlencoded")],
        format!(
            "query={}",
            form_urlencoded::byte_serialize(COUNT.as_bytes()).collect::<String>()
        ),
    );
    assert!(form.text().contains("\"44\""));
    let direct = app.send(
        "POST",
        "/sparql",
        &[
            ("content-type", "application/sparql-query"),
            ("accept", "text/csv"),
        ],
        COUNT,
    );
    assert_eq!(direct.text(), "n\r\n44\r\n");
    // Graph results as RDF.
    let construct = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://eu-ai.glossgraph.org/concept/eu-ai-office> { ?s ?p ?o } }";
    let response = app.get(
        &query_path(construct),
        &[("accept", "application/n-triples")],
    );
    assert_eq!(response.media_type(), "application/n-triples");
    assert!(response.text().lines().count() > 50);
}

/// N-Triples answers come as the store gives them, unsorted: they must still
/// hold the same graph as the sorted formats and be the same on every request,
/// blank nodes included.
#[test]
fn graph_answers_are_the_same_graph_in_every_format_and_on_every_request() {
    let app = TestApp::glossary();
    let answer =
        |query: &str, accept: &str| app.get(&query_path(query), &[("accept", accept)]).text();
    let graph = |text: &str, format: RdfFormat| {
        let mut triples: Vec<String> = RdfParser::from_format(format)
            .for_slice(text.as_bytes())
            .map(|q| q.unwrap().to_string())
            .collect();
        triples.sort();
        triples
    };
    let office = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://eu-ai.glossgraph.org/concept/eu-ai-office> { ?s ?p ?o } }";
    let lines = answer(office, "application/n-triples");
    assert_eq!(lines, answer(office, "application/n-triples"));
    let turtle = answer(office, "text/turtle");
    assert!(graph(&lines, RdfFormat::NTriples).len() > 50);
    assert_eq!(
        graph(&lines, RdfFormat::NTriples),
        graph(&turtle, RdfFormat::Turtle)
    );
    let blank = "CONSTRUCT { ?s <http://example.org/label> [ <http://example.org/value> ?o ] } \
                 WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?o }";
    let first = answer(blank, "application/n-triples");
    assert!(first.contains("_:"), "{first}");
    assert_eq!(first, answer(blank, "application/n-triples"));
}

#[test]
fn updates_service_and_bad_queries_are_refused_clearly() {
    let app = TestApp::glossary();
    let post = |content_type: &str, body: Vec<u8>| {
        app.send("POST", "/sparql", &[("content-type", content_type)], body)
    };
    let update = post(
        "application/sparql-update",
        b"DELETE WHERE { ?s ?p ?o }".to_vec(),
    );
    assert_eq!(update.status(), StatusCode::FORBIDDEN);
    assert!(update.text().contains("read-only"));
    let update = post(
        "application/sparql-query",
        b"LOAD <http://example.org/x>".to_vec(),
    );
    assert_eq!(update.status(), StatusCode::FORBIDDEN);
    let service = app.get(
        &query_path("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"),
        &[],
    );
    assert_eq!(service.status(), StatusCode::BAD_REQUEST);
    assert!(service.text().contains("SERVICE is not available"));
    let bad = app.get(&query_path("SELECT * WHERE { ?s ?p }"), &[]);
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("invalid SPARQL query"));
    let function = app.get(
        &query_path("SELECT (<http://example.org/f>(1) AS ?x) WHERE {}"),
        &[],
    );
    assert_eq!(function.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        function.json()["detail"],
        "unknown function <http://example.org/f>"
    );
    // Negations nested 40 deep: the parser would take longer than the
    // universe has existed, so the query is refused before it is parsed.
    let negations = format!(
        "SELECT * WHERE {{ FILTER({}?s{}) }}",
        "!(".repeat(40),
        ")".repeat(41)
    );
    let started = std::time::Instant::now();
    let deep = post("application/sparql-query", negations.into_bytes());
    assert_eq!(deep.status(), StatusCode::BAD_REQUEST);
    assert!(
        deep.text().contains("negations inside negations"),
        "{}",
        deep.text()
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    let huge = post("application/sparql-query", vec![b' '; 2 * 1024 * 1024]);
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // The server is still there.
    assert_eq!(app.get(&query_path(COUNT), &[]).status(), StatusCode::OK);
}

#[test]
fn slow_queries_are_stopped_and_big_answers_refused() {
    let limits = Limits {
        query_timeout: Duration::from_millis(300),
        max_result_rows: 1000,
        ..Limits::default()
    };
    let server = TestServer::start(state_of(&project(), built().store.clone(), limits));
    let started = std::time::Instant::now();
    let response = client().get(query_url(&server, SLOW)).send().unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.text().unwrap().contains("took longer than 0.3 s"));
    assert!(started.elapsed() < Duration::from_secs(5));
    let big = client()
        .get(query_url(&server, "SELECT * WHERE { ?s ?p ?o }"))
        .send()
        .unwrap();
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(big.text().unwrap().contains("more than 1000 results"));
    assert_eq!(
        client()
            .get(query_url(&server, COUNT))
            .send()
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

/// Queries beyond the limit wait for a slot, then get 503 with `Retry-After`.
/// A slot is held while its query is evaluated, and given back when the
/// evaluation ends, a cancelled one included.
#[test]
fn queries_beyond_the_limit_wait_for_a_slot_then_get_503() {
    let limits = Limits {
        query_timeout: Duration::from_secs(1),
        max_concurrent_queries: 1,
        queue_wait: Duration::from_millis(200),
        ..Limits::default()
    };
    let server = TestServer::start(state_of(&project(), built().store.clone(), limits));
    let slow_url = query_url(&server, SLOW);
    let slow = std::thread::spawn(move || client().get(slow_url).send().unwrap().status());
    std::thread::sleep(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let queued = client().get(query_url(&server, COUNT)).send().unwrap();
    let waited = started.elapsed();
    assert_eq!(queued.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(queued.headers()["retry-after"], "1");
    assert!(queued.text().unwrap().contains("too many queries"));
    assert!(
        waited >= Duration::from_millis(200) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    assert_eq!(slow.join().unwrap(), StatusCode::SERVICE_UNAVAILABLE);
    // The cancelled query frees its slot once its evaluation stops, within
    // milliseconds (see `SLOW`); the deadline leaves room for a busy machine.
    wait_for_a_free_slot(&server, Duration::from_secs(5), "the slot stayed taken");
}

/// A client that hangs up before its query's time limit takes no answer:
/// the query is cancelled then, and gives its slot back, instead of running
/// on to its end (minutes for `SLOW`, hours for a cross join).
#[test]
fn a_query_whose_client_hangs_up_is_cancelled() {
    let limits = Limits {
        query_timeout: Duration::from_secs(600),
        max_concurrent_queries: 1,
        queue_wait: Duration::from_millis(100),
        ..Limits::default()
    };
    let server = TestServer::start(state_of(&project(), built().store.clone(), limits));
    glossgraph::input::install_crypto();
    let impatient = reqwest::blocking::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    assert!(impatient.get(query_url(&server, SLOW)).send().is_err());
    wait_for_a_free_slot(
        &server,
        Duration::from_secs(10),
        "the abandoned query kept its slot",
    );
}

/// Sends a quick query until it is answered (its slot free), failing with
/// `why` after `patience`.
fn wait_for_a_free_slot(server: &TestServer, patience: Duration, why: &str) {
    let deadline = std::time::Instant::now() + patience;
    loop {
        let status = client()
            .get(query_url(server, COUNT))
            .send()
            .unwrap()
            .status();
        if status == StatusCode::OK {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{why}: {status}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Lookups run on the worker that received them; a slow query must not hold
/// it up. On a single worker, a page asked for while a slow query runs is
/// answered at once, and the slow query still meets its time limit.
#[test]
fn a_slow_query_does_not_hold_up_its_worker() {
    let server = ServeProcess::start(
        &root(),
        &[],
        &["--query-timeout", "3"],
        &[("GLOSSGRAPH_WORKERS", "1")],
    );
    for round in 0..2 {
        let slow_url = sparql_url(&server.url, SLOW);
        let slow = std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let status = client().get(slow_url).send().unwrap().status();
            (status, started.elapsed())
        });
        std::thread::sleep(Duration::from_millis(300));
        let started = std::time::Instant::now();
        let page = client().get(format!("{}/", server.url)).send().unwrap();
        let waited = started.elapsed();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(
            waited < Duration::from_secs(1),
            "round {round}: the page waited {waited:?} behind a slow query"
        );
        let (status, took) = slow.join().unwrap();
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "round {round}");
        assert!(
            took >= Duration::from_millis(2900),
            "round {round}: {took:?}"
        );
    }
    // Quick queries still answer (on the worker).
    let count = client()
        .get(sparql_url(&server.url, COUNT))
        .header("accept", "text/csv")
        .send()
        .unwrap();
    assert_eq!(count.text().unwrap(), "n\r\n44\r\n");
}

#[test]
fn the_service_description_and_query_page() {
    let app = TestApp::glossary();
    let description = app.get("/sparql", &[("accept", "text/turtle")]).text();
    assert!(
        description.contains("http://www.w3.org/ns/sparql-service-description#Service"),
        "{description}"
    );
    assert!(description.contains("SPARQL11Query"));
    let page = app.get("/sparql", &[("accept", "text/html")]).text();
    assert!(page.contains("yasgui/yasgui.min.js"));
    let js = app.get("/yasgui/yasgui.min.js", &[]);
    assert_eq!(js.status(), StatusCode::OK);
    assert!(js.body.len() > 500_000);
}

#[test]
fn named_queries_answer_with_typed_parameters() {
    let app = TestApp::glossary();
    let list = app
        .get("/queries", &[("accept", "application/json")])
        .json();
    assert!(list.as_array().unwrap().len() >= 8);
    let html = app.get("/queries", &[("accept", "text/html")]).text();
    assert!(html.contains("What a concept works with"));
    let answer = app
        .get(
            "/queries/works-with?concept=concept/european-ai-board",
            &[("accept", "text/csv")],
        )
        .text();
    assert!(answer.contains("eu-ai-office"), "{answer}");
    let bad = app.get("/queries/citing-article?article=64%20OR%201", &[]);
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let unknown = app.get("/queries/works-with?nonsense=1", &[]);
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        app.get("/queries/no-such-query", &[]).status(),
        StatusCode::NOT_FOUND
    );
}

/// The W3C SPARQL 1.1 Protocol tests, read from their manifest and run over HTTP.
#[test]
fn w3c_protocol_tests() {
    let project =
        glossgraph::project::Project::open(&root().join("tests/fixtures/server")).unwrap();
    protocol_suite(|store| TestServer::start(state_of(&project, store, Limits::default())));
}

/// Runs the W3C SPARQL 1.1 Protocol tests, read from their manifest, over
/// HTTP, each against the server `serve` starts for it given its data (a
/// store holding the test's graphs): all 20 query-side tests must pass and
/// the 14 update-side ones be refused (the endpoint is read-only).
pub fn protocol_suite(mut serve: impl FnMut(Store) -> TestServer) {
    let Some(dir) = crate::util::suite("conformance/sparql11/protocol") else {
        return;
    };
    let m = Manifest::load(
        &dir,
        "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest.ttl",
    );
    let tests = m.entries();
    assert_eq!(tests.len(), 34);
    let (mut query_passed, mut query_failed, mut update_refused) =
        (Vec::new(), Vec::new(), Vec::new());
    for test in tests {
        let name = test.to_string();
        let update_side = name
            .rsplit('#')
            .next()
            .is_some_and(|local| local.contains("update"));
        let result = m.run(&test, &dir, &mut serve);
        match (update_side, result) {
            (false, Ok(())) => query_passed.push(name),
            (false, Err(e)) => query_failed.push(format!("{name}: {e}")),
            // Updates that should succeed are refused; malformed ones get the 4xx they expect.
            (true, Err(e)) if e.starts_with("refused") => update_refused.push(name),
            (true, Ok(())) => update_refused.push(name),
            (true, Err(e)) => query_failed.push(format!("{name}: an update was not refused: {e}")),
        }
    }
    eprintln!(
        "SPARQL 1.1 Protocol: {} of 20 query-side tests pass; {} update-side tests refused (read-only service)",
        query_passed.len(),
        update_refused.len()
    );
    assert!(
        query_failed.is_empty(),
        "failed:\n{}",
        query_failed.join("\n")
    );
    assert_eq!(query_passed.len(), 20);
    assert_eq!(update_refused.len(), 14);
}

impl Manifest {
    /// Runs one test: its data in a fresh store, its requests against the
    /// server `serve` starts for it.
    fn run(
        &self,
        test: &Term,
        dir: &std::path::Path,
        serve: &mut impl FnMut(Store) -> TestServer,
    ) -> Result<(), String> {
        let store = Store::new().unwrap();
        for data in self.objects(
            test,
            "http://www.w3.org/2009/sparql/tests/test-update#graphData",
        ) {
            let file = self.one_iri(
                &data,
                "http://www.w3.org/2009/sparql/tests/test-update#graph",
            );
            let label = self
                .text(&data, "http://www.w3.org/2000/01/rdf-schema#label")
                .unwrap();
            let Term::NamedNode(file) = file else {
                unreachable!()
            };
            let path = dir.join(file.as_str().rsplit('/').next().unwrap());
            let graph = GraphName::NamedNode(NamedNode::new(label).unwrap());
            for quad in oxigraph::io::RdfParser::from_format(RdfFormat::NTriples)
                .for_slice(&std::fs::read(path).unwrap())
            {
                store
                    .insert(&oxigraph::model::Triple::from(quad.unwrap()).in_graph(graph.clone()))
                    .unwrap();
            }
        }
        let server = serve(store);
        let action = self.one_iri(test, &format!("{MF}action"));
        for request in self.list(self.one_iri(&action, &format!("{HT}requests"))) {
            self.request(&server, &request)?;
        }
        Ok(())
    }

    fn request(&self, server: &TestServer, request: &Term) -> Result<(), String> {
        let mut http = self.http_request(request);
        http.path = http.path.replacen("/sparql/", "/sparql", 1);
        let response = http.send(&server.url).map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.text().unwrap_or_default();
        let expected = self.one_iri(request, &format!("{HT}resp"));
        let statuses: Vec<String> = self
            .objects(&expected, &format!("{MF}expectedStatus"))
            .iter()
            .map(|s| s.to_string())
            .collect();
        let class = status / 100;
        if !statuses
            .iter()
            .any(|s| s.contains(&format!("StatusCode{class}xx")))
        {
            if (400..500).contains(&status) && statuses.iter().any(|s| s.contains("2xx")) {
                return Err(format!("refused with {status}: {body}"));
            }
            return Err(format!("expected {statuses:?}, got {status}: {body}"));
        }
        match self
            .text(&expected, &format!("{MF}expectedFormat"))
            .as_deref()
        {
            Some("boolean") => {
                if !(content_type.starts_with("application/sparql-results+xml")
                    || content_type.starts_with("application/sparql-results+json"))
                {
                    return Err(format!("boolean results as {content_type}"));
                }
                if let Some(expected) = self.text(&expected, &format!("{MF}expectedBoolean")) {
                    let found = body.contains(&format!("<boolean>{expected}</boolean>"))
                        || body.contains(&format!("\"boolean\":{expected}"));
                    if !found {
                        return Err(format!("expected {expected}, got {body}"));
                    }
                }
            }
            Some("tabular") => {
                let ok = [
                    "application/sparql-results+xml",
                    "application/sparql-results+json",
                    "text/csv",
                    "text/tab-separated-values",
                ]
                .iter()
                .any(|m| content_type.starts_with(m));
                if !ok {
                    return Err(format!("tabular results as {content_type}"));
                }
            }
            Some("RDF") => {
                let ok = [
                    "application/rdf+xml",
                    "text/turtle",
                    "application/n-triples",
                ]
                .iter()
                .any(|m| content_type.starts_with(m));
                if !ok {
                    return Err(format!("RDF as {content_type}"));
                }
            }
            _ => {}
        }
        Ok(())
    }
}
