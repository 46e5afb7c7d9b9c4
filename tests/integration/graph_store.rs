//! The Graph Store Protocol endpoint, `/store`, which only reads: the W3C
//! SPARQL 1.1 Graph Store HTTP Protocol tests from
//! `../shared/conformance/sparql11/graph-store-protocol/` over a real port,
//! and the answers to what the endpoint does not do.
//!
//! The suite writes graphs and reads them back. The runner plays each test's
//! writes itself, on a model of the store they would have made, serves each
//! state of that model, and checks every GET and HEAD against the suite
//! (status, media type, the graph up to blank node names). Every PUT, POST
//! and DELETE is sent too, and must be refused and leave the store as it was.

use crate::manifest::{HT, HttpRequest, MF, Manifest};
use crate::util::{TestApp, TestServer, root, state_of};
use glossgraph::project::Project;
use glossgraph::server::Limits;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::dataset::CanonicalizationAlgorithm;
use oxigraph::model::{Graph, GraphName, NamedNode, Term, Triple};
use oxigraph::store::Store;
use reqwest::StatusCode;
use std::collections::{BTreeSet, HashMap};

const BASE: &str =
    "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/http-rdf-update/manifest.ttl";
const HTS: &str = "http://www.w3.org/2011/http-statusCodes#";

/// The endpoint's path in the suite, which every request's path starts with.
const SUITE_ENDPOINT: &str = "/gsp";
const ENDPOINT: &str = "/store";

const OFFICE: &str = "https%3A%2F%2Feu-ai.glossgraph.org%2Fconcept%2Feu-ai-office";

#[test]
fn w3c_graph_store_protocol_tests() {
    let Some(dir) = crate::util::suite("conformance/sparql11/graph-store-protocol") else {
        return;
    };
    let m = Manifest::load(&dir, BASE);
    let tests = m.entries();
    assert_eq!(tests.len(), 13);
    let project = Project::open(&root().join("tests/fixtures/server")).expect("fixture opens");
    let (mut passed, mut failed, mut not_applicable) = (Vec::new(), Vec::new(), Vec::new());
    let (mut reads, mut refused) = (0, 0);
    for test in &tests {
        let name = test.to_string();
        let name = name
            .rsplit('#')
            .next()
            .unwrap_or_default()
            .trim_end_matches('>');
        // `/store` names graphs by `?graph=IRI` only: glossgraph's graphs are
        // named after the concepts they describe, whose IRIs the server
        // answers as concepts, so no graph IRI lies under `/store/`.
        let direct = requires(&m, test, "DirectGraphIdentification");
        let mut run = Run::new(&m, &project, test);
        match run.requests(test, !direct) {
            Ok(()) if direct => not_applicable.push(name.to_owned()),
            Ok(()) => passed.push(name.to_owned()),
            Err(e) => failed.push(format!("{name}: {e}")),
        }
        reads += run.reads;
        refused += run.refused;
    }
    eprintln!(
        "Graph Store Protocol: {} of {} tests pass their read side ({reads} GET and HEAD requests); \
         {} need direct graph identification, which /store does not offer ({}); \
         {refused} write requests refused (read-only endpoint)",
        passed.len(),
        tests.len(),
        not_applicable.len(),
        not_applicable.join(", ")
    );
    assert!(failed.is_empty(), "failed:\n{}", failed.join("\n"));
    assert_eq!(passed.len(), 9);
    assert_eq!(reads, 12);
    assert_eq!(not_applicable.len(), 4);
    assert_eq!(refused, 21);
}

/// Writes are refused with what to do instead; paths under `/store` (direct
/// graph identification) say how graphs are named; HEAD answers as GET does.
#[test]
fn writes_and_direct_paths_are_answered_clearly() {
    let app = TestApp::glossary();
    let office = format!("/store?graph={OFFICE}");
    for (method, path) in [
        ("PUT", office.as_str()),
        ("POST", office.as_str()),
        ("DELETE", office.as_str()),
        ("PATCH", "/store?default"),
        ("POST", "/store"),
        ("PUT", "/store/concept/eu-ai-office.ttl"),
    ] {
        let response = app.send(
            method,
            path,
            &[("content-type", "text/turtle")],
            "<http://example.org/s> <http://example.org/p> <http://example.org/o> .",
        );
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(response.header("allow"), "GET, HEAD", "{method} {path}");
        let detail = response.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            detail.contains("read-only") && detail.contains("glossgraph push"),
            "{method} {path}: {detail}"
        );
    }
    let direct = app.get("/store/concept/eu-ai-office", &[]);
    assert_eq!(direct.status(), StatusCode::NOT_FOUND);
    assert!(direct.text().contains("/store?graph="), "{}", direct.text());

    let accept = [("accept", "text/turtle")];
    let get = app.get(&office, &accept);
    let head = app.send("HEAD", &office, &accept, Vec::new());
    assert_eq!(get.status(), StatusCode::OK);
    assert!(get.body.len() > 1000);
    assert_eq!(head.status(), StatusCode::OK);
    assert!(head.body.is_empty());
    for name in ["content-type", "etag", "vary"] {
        assert_eq!(head.header(name), get.header(name), "{name}");
    }
    // The graph is still whole after the writes.
    assert_eq!(app.get(&office, &accept).body, get.body);
}

/// One test's requests, in order, each against the store the test's writes
/// before it would have made.
struct Run<'a> {
    m: &'a Manifest,
    project: &'a Project,
    /// The host of the suite's graph IRIs (`http://www.example/gsp/...`).
    authority: String,
    /// The graphs the writes so far would have made.
    graphs: HashMap<GraphName, Graph>,
    /// A server of `graphs`, and its store; none since they changed.
    served: Option<(Store, TestServer)>,
    /// Template variables (`$LOCATION$`) and their values.
    variables: Vec<(String, String)>,
    /// Graphs created by POST to the endpoint itself.
    created: usize,
    /// GET and HEAD requests answered as the suite expects.
    reads: usize,
    /// PUT, POST and DELETE requests refused.
    refused: usize,
}

impl<'a> Run<'a> {
    fn new(m: &'a Manifest, project: &'a Project, test: &Term) -> Self {
        let action = m.one_iri(test, &format!("{MF}action"));
        Self {
            m,
            project,
            authority: m
                .text(&action, &format!("{HT}connectionAuthority"))
                .unwrap_or_else(|| panic!("{test} has no ht:connectionAuthority")),
            graphs: HashMap::new(),
            served: None,
            variables: Vec::new(),
            created: 0,
            reads: 0,
            refused: 0,
        }
    }

    /// Sends every write and, if `reads`, every read of `test`.
    fn requests(&mut self, test: &Term, reads: bool) -> Result<(), String> {
        let action = self.m.one_iri(test, &format!("{MF}action"));
        for request in self
            .m
            .list(self.m.one_iri(&action, &format!("{HT}requests")))
        {
            let mut http = self.m.http_request(&request);
            for (variable, value) in &self.variables {
                http.path = http.path.replace(variable, value);
                http.body = http.body.map(|b| {
                    String::from_utf8_lossy(&b)
                        .replace(variable, value)
                        .into_bytes()
                });
            }
            let label = format!("{} {}", http.method, http.path);
            let result = match http.method.as_str() {
                "GET" | "HEAD" if reads => self.read(&request, &http),
                "GET" | "HEAD" => Ok(()),
                _ => self.write(&request, &http),
            };
            result.map_err(|e| format!("{label}: {e}"))?;
        }
        Ok(())
    }

    /// The server of the graphs as they are now.
    fn served(&mut self) -> &(Store, TestServer) {
        let (graphs, project) = (&self.graphs, self.project);
        self.served.get_or_insert_with(|| {
            let store = Store::new().expect("an in-memory store");
            for (name, graph) in graphs {
                if let GraphName::NamedNode(name) = name {
                    store.insert_named_graph(name).expect("inserts");
                }
                for triple in graph {
                    store.insert(triple.in_graph(name)).expect("inserts");
                }
            }
            let server = TestServer::start(state_of(project, store.clone(), Limits::default()));
            (store, server)
        })
    }

    fn read(&mut self, request: &Term, http: &HttpRequest) -> Result<(), String> {
        let url = self.served().1.url.clone();
        let sent = HttpRequest {
            path: endpoint_path(&http.path)?,
            ..http.clone()
        };
        let response = sent.send(&url).map_err(|e| e.to_string())?;
        let status = response.status();
        let content_type = header(&response, "content-type");
        let body = response.bytes().map_err(|e| e.to_string())?;
        let expected = self.m.one_iri(request, &format!("{HT}resp"));
        let statuses = expected_statuses(self.m, &expected);
        if !statuses.contains(&status.as_u16()) {
            return Err(format!(
                "expected {statuses:?}, got {status}: {}",
                String::from_utf8_lossy(&body)
            ));
        }
        let expected_type = self
            .m
            .headers(&expected)
            .into_iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            .map(|(_, value)| value);
        if let Some(want) = &expected_type
            && media_type(want) != media_type(&content_type)
        {
            return Err(format!("expected Content-Type {want}, got {content_type}"));
        }
        if http.method == "HEAD" {
            if !body.is_empty() {
                return Err(format!("HEAD answered a body of {} bytes", body.len()));
            }
            let get = HttpRequest {
                method: "GET".to_owned(),
                ..sent
            }
            .send(&url)
            .map_err(|e| e.to_string())?;
            let get_type = header(&get, "content-type");
            if get.status() != status || get_type != content_type {
                return Err(format!(
                    "HEAD answered {status} {content_type}, GET {} {get_type}",
                    get.status()
                ));
            }
        }
        if let Some(want) = self.m.body(&expected) {
            let want_type = expected_type.ok_or("an expected body without a Content-Type")?;
            let mut want = parse(&want, &want_type)?;
            let mut got = parse(&body, &content_type)?;
            want.canonicalize(CanonicalizationAlgorithm::Unstable);
            got.canonicalize(CanonicalizationAlgorithm::Unstable);
            if want != got {
                return Err(format!("expected the graph\n{want}\ngot\n{got}"));
            }
        }
        self.reads += 1;
        Ok(())
    }

    /// Sends a write, which must be refused and change nothing, then plays
    /// what it would have done for the requests after it.
    fn write(&mut self, request: &Term, http: &HttpRequest) -> Result<(), String> {
        let (store, server) = self.served();
        let before = contents(store);
        let sent = HttpRequest {
            path: endpoint_path(&http.path)?,
            ..http.clone()
        };
        let response = sent.send(&server.url).map_err(|e| e.to_string())?;
        let status = response.status();
        let allow = header(&response, "allow");
        let content_type = header(&response, "content-type");
        let body = response.text().unwrap_or_default();
        if status != StatusCode::METHOD_NOT_ALLOWED
            || allow != "GET, HEAD"
            || !content_type.starts_with("application/problem+json")
            || !body.contains("read-only")
        {
            return Err(format!(
                "not refused as a write to a read-only endpoint: {status}, Allow: {allow:?}, {content_type}: {body}"
            ));
        }
        if contents(store) != before {
            return Err("a refused write changed the store".to_owned());
        }
        self.refused += 1;
        self.play(request, http)
    }

    /// Changes the model as the Graph Store Protocol says `http` changes a
    /// store that takes writes.
    fn play(&mut self, request: &Term, http: &HttpRequest) -> Result<(), String> {
        let triples = body_graph(http)?;
        match (http.method.as_str(), self.target(&http.path)?) {
            ("PUT", Some(graph)) => {
                self.graphs.insert(graph, triples);
            }
            ("DELETE", Some(graph)) => {
                self.graphs.remove(&graph);
            }
            ("POST", Some(graph)) => self.graphs.entry(graph).or_default().extend(&triples),
            // A new graph, named by the store, whose name the suite takes from
            // `Location` into the variable `mf:expectedLocation` names. The
            // refused POST gives none, so the runner names the graph.
            ("POST", None) => {
                self.created += 1;
                let iri = format!(
                    "http://{}{SUITE_ENDPOINT}/created/{}",
                    self.authority, self.created
                );
                self.graphs
                    .insert(NamedNode::new_unchecked(&iri).into(), triples);
                let expected = self.m.one_iri(request, &format!("{HT}resp"));
                if let Some(variable) = self.m.text(&expected, &format!("{MF}expectedLocation")) {
                    self.variables.push((variable, iri));
                }
            }
            (method, graph) => return Err(format!("the runner cannot play {method} on {graph:?}")),
        }
        self.served = None;
        Ok(())
    }

    /// The graph a suite path names: by its own IRI (direct), by `?graph=`
    /// or `?default` (indirect); `None` for the endpoint itself.
    fn target(&self, path: &str) -> Result<Option<GraphName>, String> {
        let rest = path
            .strip_prefix(SUITE_ENDPOINT)
            .ok_or_else(|| format!("{path} is not under {SUITE_ENDPOINT}"))?;
        let (resource, query) = rest.split_once('?').unwrap_or((rest, ""));
        if !resource.is_empty() {
            let iri = format!("http://{}{SUITE_ENDPOINT}{resource}", self.authority);
            return NamedNode::new(iri)
                .map(|n| Some(n.into()))
                .map_err(|e| e.to_string());
        }
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "graph" => {
                    return NamedNode::new(value.as_ref())
                        .map(|n| Some(n.into()))
                        .map_err(|e| format!("`{value}`: {e}"));
                }
                "default" => return Ok(Some(GraphName::DefaultGraph)),
                _ => {}
            }
        }
        Ok(None)
    }
}

/// A suite path with the suite's endpoint replaced by glossgraph's.
fn endpoint_path(path: &str) -> Result<String, String> {
    path.strip_prefix(SUITE_ENDPOINT)
        .map(|rest| format!("{ENDPOINT}{rest}"))
        .ok_or_else(|| format!("{path} is not under {SUITE_ENDPOINT}"))
}

fn requires(m: &Manifest, test: &Term, feature: &str) -> bool {
    let feature = Term::from(NamedNode::new_unchecked(format!("{MF}{feature}")));
    m.objects(test, &format!("{MF}requires")).contains(&feature)
}

/// The statuses an `ht:Response` allows.
fn expected_statuses(m: &Manifest, response: &Term) -> Vec<u16> {
    m.objects(response, &format!("{MF}expectedStatus"))
        .iter()
        .map(|status| {
            let name = match status {
                Term::NamedNode(n) => n.as_str().strip_prefix(HTS),
                _ => None,
            };
            match name {
                Some("OK") => 200,
                Some("Created") => 201,
                Some("NoContent") => 204,
                Some("NotFound") => 404,
                _ => panic!("{status}: a status the runner does not know; add it here"),
            }
        })
        .collect()
}

/// A media type and its parameters, in one case and order.
fn media_type(value: &str) -> (String, BTreeSet<String>) {
    let mut parts = value.split(';').map(|p| p.trim().to_ascii_lowercase());
    let essence = parts.next().unwrap_or_default();
    (essence, parts.filter(|p| !p.is_empty()).collect())
}

fn header(response: &reqwest::blocking::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Every quad of `store`; blank node names are the store's, so two reads of
/// an unchanged store are equal.
fn contents(store: &Store) -> BTreeSet<String> {
    store
        .iter()
        .map(|q| q.expect("an in-memory store reads").to_string())
        .collect()
}

/// The triples of a write's body: RDF in its `Content-Type`, or in each part
/// of a `multipart/form-data` body.
fn body_graph(http: &HttpRequest) -> Result<Graph, String> {
    let Some(body) = &http.body else {
        return Ok(Graph::new());
    };
    let content_type = http
        .header("content-type")
        .ok_or("a body without a Content-Type")?;
    let Some(boundary) = content_type.strip_prefix("multipart/form-data; boundary=") else {
        return parse(body, content_type);
    };
    let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
    let mut graph = Graph::new();
    for part in text.split(&format!("--{boundary}")).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let (head, content) = part
            .split_once("\r\n\r\n")
            .ok_or("a part without a blank line after its headers")?;
        let part_type = head
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-type"))
            .map(|(_, value)| value.trim())
            .ok_or("a part without a Content-Type")?;
        graph.extend(&parse(content.as_bytes(), part_type)?);
    }
    Ok(graph)
}

fn parse(bytes: &[u8], content_type: &str) -> Result<Graph, String> {
    let format = RdfFormat::from_media_type(content_type)
        .ok_or_else(|| format!("no RDF format is `{content_type}`"))?;
    RdfParser::from_format(format)
        .for_slice(bytes)
        .map(|quad| quad.map(Triple::from).map_err(|e| e.to_string()))
        .collect()
}
