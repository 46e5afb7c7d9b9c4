//! `/metrics` after known requests, read by the Prometheus project's own
//! parser (Python's `prometheus_client`, independent of the Rust client that
//! writes it), and `X-Request-Id` on answers and in the request log.

use crate::util::{
    ServeProcess, TestServer, built, client, copy_tree, project, python, root, state_of,
};
use glossgraph::server::Limits;
use reqwest::StatusCode;
use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant, SystemTime};

/// Counts about 600 million rows: stopped by any time limit a test sets
/// (see the same query in `sparql.rs`).
const SLOW: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?p ?d . ?e ?p ?f }";

const COUNT: &str =
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://www.w3.org/2004/02/skos/core#Concept> }";

const UPDATE: &str = "INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }";

fn sparql(base: &str, query: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
    format!("{base}/sparql?query={encoded}")
}

/// A scrape as `prometheus_client` reads it.
struct Scrape(Vec<Sample>);

#[derive(Debug, serde::Deserialize)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

impl Scrape {
    /// Fetches `{base}/metrics` and parses it with `python`.
    fn of(base: &str, python: &str) -> Self {
        let response = client().get(format!("{base}/metrics")).send().unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers();
        assert_eq!(
            headers["content-type"],
            "text/plain; version=0.0.4; charset=utf-8"
        );
        assert_eq!(headers["cache-control"], "no-store");
        Self::parse(&response.text().unwrap(), python)
    }

    fn parse(text: &str, python: &str) -> Self {
        let mut child = std::process::Command::new(python)
            .arg(root().join("tests/interop/parse_metrics.py"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("python runs");
        let mut stdin = child.stdin.take().expect("piped");
        stdin.write_all(text.as_bytes()).unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}\n{text}",
            String::from_utf8_lossy(&out.stderr)
        );
        let samples = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).expect("a sample"))
            .collect();
        Self(samples)
    }

    /// The value of the sample `name` with exactly `labels`.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let labels: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.0
            .iter()
            .find(|s| s.name == name && s.labels == labels)
            .map(|s| s.value)
    }

    fn get(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.value(name, labels)
            .unwrap_or_else(|| panic!("no {name} {labels:?} in {:#?}", self.0))
    }

    fn requests(&self, route: &str, status: &str) -> f64 {
        self.value(
            "glossgraph_http_requests_total",
            &[("route", route), ("status", status)],
        )
        .unwrap_or(0.0)
    }

    fn queries(&self, outcome: &str) -> f64 {
        self.get("glossgraph_sparql_queries_total", &[("outcome", outcome)])
    }
}

/// `--cache-size` bounds what the server keeps, and the scrape says how full
/// each cache is: every representation of every concept is more than 1 MB.
#[test]
fn the_response_caches_stay_within_the_cache_size_and_say_how_full_they_are() {
    let Some(python) = python() else { return };
    let server = ServeProcess::start(&root(), &[], &["--cache-size", "1"], &[]);
    let mut made = 0;
    for entry in std::fs::read_dir(root().join("data/entries")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let id = name.trim_end_matches(".md");
        for ext in ["html", "ttl", "jsonld", "rdf", "nt"] {
            let response = client()
                .get(format!("{}/concept/{id}.{ext}", server.url))
                .send()
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{id}.{ext}");
            made += response.bytes().unwrap().len();
        }
    }
    let limit = 1024.0 * 1024.0;
    assert!(made as f64 > 1.5 * limit, "{made} bytes asked for");
    let scrape = Scrape::of(&server.url, &python);
    assert_eq!(
        scrape.get("glossgraph_response_cache_limit_bytes", &[]),
        limit
    );
    let kept = scrape.get("glossgraph_response_cache_bytes", &[("cache", "concepts")]);
    // Full, and not over: dropping makes room for one page at a time.
    assert!(kept <= limit && kept > 0.8 * limit, "{kept} bytes kept");
    for cache in ["pages", "versions", "compressed"] {
        assert!(
            scrape
                .value("glossgraph_response_cache_bytes", &[("cache", cache)])
                .is_some()
        );
    }
}

fn request_id(response: &reqwest::blocking::Response) -> String {
    response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn a_scrape_counts_the_requests_queries_and_graph_served() {
    let Some(python) = python() else { return };
    let mut server = ServeProcess::start(
        &root(),
        &[],
        &["--query-timeout", "0.3", "--max-results", "5"],
        &[("GLOSSGRAPH_LOG", "info")],
    );
    let url = server.url.clone();
    let get = |path: &str, accept: &str| {
        client()
            .get(format!("{url}{path}"))
            .header("accept", accept)
            .send()
            .unwrap()
    };
    assert_eq!(
        get("/concept/eu-ai-office", "text/html").status(),
        StatusCode::OK
    );
    assert_eq!(
        get("/concept/eu-ai-office.ttl", "*/*").status(),
        StatusCode::OK
    );
    let missing = get("/concept/no-such-concept", "application/json");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let missing_id = request_id(&missing);
    assert_eq!(get("/no/such/path", "*/*").status(), StatusCode::NOT_FOUND);
    let query = |text: &str| client().get(sparql(&url, text)).send().unwrap().status();
    assert_eq!(query(COUNT), StatusCode::OK);
    let started = Instant::now();
    assert_eq!(query(SLOW), StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        query("SELECT * WHERE { ?s ?p ?o }"),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(query(UPDATE), StatusCode::FORBIDDEN);
    assert_eq!(query("SELECT nonsense"), StatusCode::BAD_REQUEST);
    let posted = client()
        .post(format!("{url}/sparql"))
        .header("content-type", "application/sparql-update")
        .body(UPDATE)
        .send()
        .unwrap();
    assert_eq!(posted.status(), StatusCode::FORBIDDEN);
    // The service description is not a query.
    assert_eq!(get("/sparql", "text/turtle").status(), StatusCode::OK);

    let scrape = Scrape::of(&url, &python);
    assert_eq!(scrape.requests("/concept/{file}", "200"), 2.0);
    assert_eq!(scrape.requests("/concept/{file}", "404"), 1.0);
    assert_eq!(scrape.requests("unmatched", "404"), 1.0);
    assert_eq!(scrape.requests("/sparql", "200"), 2.0);
    assert_eq!(scrape.requests("/sparql", "403"), 2.0);
    assert_eq!(scrape.requests("/sparql", "503"), 1.0);
    // The scrape is counted once answered, in the next one.
    assert_eq!(scrape.requests("/metrics", "200"), 0.0);
    let latency = |suffix: &str, labels: &[(&str, &str)]| {
        scrape.get(
            &format!("glossgraph_http_request_duration_seconds_{suffix}"),
            labels,
        )
    };
    assert_eq!(latency("count", &[("route", "/concept/{file}")]), 3.0);
    assert_eq!(latency("count", &[("route", "/sparql")]), 7.0);
    // The query stopped at 0.3 s is in the buckets above it only.
    let sparql = |le| latency("bucket", &[("route", "/sparql"), ("le", le)]);
    assert_eq!(sparql("+Inf") - sparql("0.25"), 1.0);
    assert!(latency("sum", &[("route", "/sparql")]) >= 0.3);

    assert_eq!(scrape.queries("answered"), 1.0);
    assert_eq!(scrape.queries("timeout"), 1.0);
    assert_eq!(scrape.queries("too_many_results"), 1.0);
    assert_eq!(scrape.queries("refused"), 3.0);
    assert_eq!(scrape.queries("queue_full"), 0.0);
    assert_eq!(scrape.queries("failed"), 0.0);
    // Only the queries that parsed took a slot, each at once.
    let wait = |suffix: &str, labels: &[(&str, &str)]| {
        scrape.get(
            &format!("glossgraph_sparql_slot_wait_seconds_{suffix}"),
            labels,
        )
    };
    assert_eq!(wait("count", &[]), 3.0);
    assert_eq!(wait("bucket", &[("le", "0.001")]), 3.0);

    let quads: f64 = server
        .banner
        .split_whitespace()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .expect("the banner counts the quads");
    assert_eq!(scrape.get("glossgraph_graph_quads", &[]), quads);
    assert!(scrape.get("glossgraph_graph_build_seconds", &[]) > 0.0);
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let built = scrape.get("glossgraph_graph_built_timestamp_seconds", &[]);
    let started_at = scrape.get("process_start_time_seconds", &[]);
    assert!(
        started_at <= built && built <= now,
        "{started_at} {built} {now}"
    );
    assert!(scrape.get("process_resident_memory_bytes", &[]) > 4.0 * 1024.0 * 1024.0);
    assert_eq!(
        scrape.get("glossgraph_rebuilds_total", &[("outcome", "failed")]),
        0.0
    );

    let again = Scrape::of(&url, &python);
    assert_eq!(again.requests("/metrics", "200"), 1.0);

    // The text log's line of the 404 carries its id.
    let log = server.stop_and_read_log();
    assert!(
        log.lines()
            .any(|l| l.contains(&missing_id) && l.contains("status=404")),
        "{missing_id} in\n{log}"
    );
}

#[test]
fn request_ids_are_kept_when_sane_else_made_and_logged_with_the_request() {
    let mut server = ServeProcess::start(
        &root(),
        &[],
        &["--log-format", "json"],
        &[("GLOSSGRAPH_LOG", "info")],
    );
    let url = server.url.clone();
    let send = |path: &str, id: Option<&str>| {
        let mut request = client().get(format!("{url}{path}"));
        if let Some(id) = id {
            request = request.header("x-request-id", id);
        }
        let response = request.send().unwrap();
        assert!(
            response.headers()["access-control-expose-headers"]
                .to_str()
                .unwrap()
                .contains("x-request-id")
        );
        request_id(&response)
    };
    let sent = "client-7f3a/42:trace=0af7651916cd43dd";
    assert_eq!(send("/concept/eu-ai-office", Some(sent)), sent);
    let made = send("/concept/eu-ai-office", None);
    let replaced = send("/no/such/path", Some("not sane"));
    let too_long = "x".repeat(129);
    let replaced_long = send("/healthz", Some(&too_long));
    for id in [&made, &replaced, &replaced_long] {
        let (prefix, n) = id.split_once('-').expect("prefix-number");
        assert!(
            prefix.len() == 8 && prefix.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
        assert!(n.parse::<u64>().is_ok(), "{id}");
        assert_eq!(
            prefix,
            made.split_once('-').unwrap().0,
            "one prefix a process"
        );
    }
    assert!(made != replaced && replaced != replaced_long && made != replaced_long);

    let log = server.stop_and_read_log();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    for (id, path, status) in [
        (sent, "/concept/eu-ai-office", 200),
        (&made, "/concept/eu-ai-office", 200),
        (&replaced, "/no/such/path", 404),
        (&replaced_long, "/healthz", 200),
    ] {
        let line = lines
            .iter()
            .find(|l| l["request_id"] == *id)
            .unwrap_or_else(|| panic!("no line for {id} in\n{log}"));
        assert_eq!(line["path"], path, "{line}");
        assert_eq!(line["status"], status, "{line}");
    }
}

/// A query that finds every slot taken for longer than the queue waits.
#[test]
fn a_full_queue_and_the_wait_for_a_slot_are_counted() {
    let Some(python) = python() else { return };
    let limits = Limits {
        query_timeout: Duration::from_secs(1),
        max_concurrent_queries: 1,
        queue_wait: Duration::from_millis(200),
        ..Limits::default()
    };
    let server = TestServer::start(state_of(&project(), built().store.clone(), limits));
    let slow_url = sparql(&server.url, SLOW);
    let slow = std::thread::spawn(move || client().get(slow_url).send().unwrap().status());
    std::thread::sleep(Duration::from_millis(300));
    let queued = client().get(sparql(&server.url, COUNT)).send().unwrap();
    assert_eq!(queued.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(slow.join().unwrap(), StatusCode::SERVICE_UNAVAILABLE);
    let scrape = Scrape::of(&server.url, &python);
    assert_eq!(scrape.queries("queue_full"), 1.0);
    assert_eq!(scrape.queries("timeout"), 1.0);
    let wait = |suffix: &str, labels: &[(&str, &str)]| {
        scrape.get(
            &format!("glossgraph_sparql_slot_wait_seconds_{suffix}"),
            labels,
        )
    };
    // The slow query took its slot at once; the other waited 0.2 s for none.
    assert_eq!(wait("count", &[]), 2.0);
    assert_eq!(wait("bucket", &[("le", "0.001")]), 1.0);
    assert_eq!(wait("bucket", &[("le", "0.1")]), 1.0);
    assert_eq!(wait("bucket", &[("le", "0.25")]), 2.0);
}

/// Under `--watch`, a broken edit and its fix are a failed and a succeeded
/// rebuild, the graph's series follow the graph served, and the graph
/// replaced is not kept.
#[test]
fn rebuilds_are_counted_by_outcome() {
    let Some(python) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("tests/fixtures/server"), dir.path());
    let server = ServeProcess::start(dir.path(), &[], &["--watch"], &[]);
    let first = Scrape::of(&server.url, &python);
    let built_at = first.get("glossgraph_graph_built_timestamp_seconds", &[]);
    assert_eq!(first.get("glossgraph_graphs_held", &[]), 1.0);
    let wait_for = |line: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = client()
                .get(format!("{}/metrics", server.url))
                .send()
                .unwrap()
                .text()
                .unwrap();
            if text.lines().any(|l| l == line) {
                return;
            }
            assert!(Instant::now() < deadline, "never {line} in\n{text}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let entry = dir.path().join("entries/board.md");
    let original = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(&entry, "---\nterm: [unclosed\n---\n").unwrap();
    wait_for("glossgraph_rebuilds_total{outcome=\"failed\"} 1");
    std::fs::write(&entry, original).unwrap();
    wait_for("glossgraph_rebuilds_total{outcome=\"succeeded\"} 1");
    // The graph replaced is freed: no request was reading it.
    wait_for("glossgraph_graphs_held 1");
    let last = Scrape::of(&server.url, &python);
    assert_eq!(
        last.get("glossgraph_rebuilds_total", &[("outcome", "failed")]),
        1.0
    );
    assert_eq!(
        last.get("glossgraph_graph_quads", &[]),
        first.get("glossgraph_graph_quads", &[])
    );
    assert!(last.get("glossgraph_graph_built_timestamp_seconds", &[]) > built_at);
}
