//! Retired descriptors of a published thesaurus, in the shape large thesauri
//! publish them (`tests/fixtures/deprecation/thesaurus.ttl`): they answer 200
//! with their replacement, are found only when asked for, and are never a
//! reconciliation match.

use crate::util::{TestServer, build_in_memory, client, fixture_with_vocabularies, root, state_of};
use glossgraph::project::Project;
use serde_json::Value;

fn served() -> (tempfile::TempDir, TestServer) {
    let ttl = std::fs::read_to_string(root().join("tests/fixtures/deprecation/thesaurus.ttl"))
        .expect("fixture");
    let dir = fixture_with_vocabularies(&[("thesaurus.ttl", &ttl)]);
    let project = Project::open(dir.path()).expect("project opens");
    let built = build_in_memory(&project);
    let server = TestServer::start(state_of(
        &project,
        built.store,
        glossgraph::server::Limits::default(),
    ));
    (dir, server)
}

fn d(id: &str) -> String {
    format!("http://thesaurus.example.org/descriptor/{id}")
}

fn resource(id: &str) -> String {
    format!(
        "/resource?iri={}",
        form_urlencoded::byte_serialize(d(id).as_bytes()).collect::<String>()
    )
}

#[test]
fn retired_descriptors_answer_with_their_replacement() {
    let (_dir, server) = served();
    for (id, label) in [
        ("2001-7", "Foreign sales"),
        ("2002-5", "Overseas shipments"),
    ] {
        let page = server.get(&resource(id), &[("accept", "text/html")]);
        assert_eq!(page.status(), 200, "{id}");
        let html = page.text().expect("page");
        assert!(
            html.contains("<h1") && html.contains(label),
            "{id} is named by its rdfs:label:\n{html}"
        );
        assert!(
            html.contains("class=\"deprecated\""),
            "{id} says it is deprecated"
        );
        let replacement = html
            .split("class=\"deprecated\"")
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .expect("the deprecation note");
        assert!(
            replacement.contains("Exports") && replacement.contains("href="),
            "{id} links its replacement: {replacement}"
        );
        let turtle = server.get(&resource(id), &[("accept", "text/turtle")]);
        assert_eq!(turtle.status(), 200);
        let turtle = turtle.text().expect("turtle");
        assert!(
            turtle.contains("isReplacedBy") && turtle.contains("1001-4"),
            "{turtle}"
        );
        assert!(turtle.contains("deprecated"), "{turtle}");
    }
    // As a browser shows it: the notice and the link to the replacement.
    if let Some(chromium) = crate::util::Chromium::find() {
        let url = format!("{}{}", server.url, resource("2001-7"));
        let dom = chromium.dom(&url);
        assert!(dom.contains("This concept is deprecated."), "{dom}");
        assert!(dom.contains(">Exports</a>"), "{dom}");
        chromium.screenshot(&url, "deprecated");
    }
    // The hierarchy and the A–Z leave them out.
    let home = server.get("/", &[]).text().expect("home");
    assert!(home.contains("Exports"));
    for label in ["Foreign sales", "Overseas shipments", "Barter trade"] {
        assert!(!home.contains(label), "{label} is on the home page");
    }
}

#[test]
fn retired_descriptors_are_found_only_when_asked_and_never_reconciled() {
    let (_dir, server) = served();
    let search = |query: &str| -> Vec<String> {
        let response = server.get(&format!("/api/search?{query}"), &[]);
        let body: Value = serde_json::from_slice(&response.bytes().expect("body")).expect("json");
        body["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["iri"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert!(!search("q=foreign+sales").contains(&d("2001-7")));
    let asked = search("q=foreign+sales&deprecated=true");
    assert_eq!(asked.first(), Some(&d("2001-7")), "{asked:?}");
    assert!(!search("q=overseas").contains(&d("2002-5")));
    assert!(search("q=overseas&deprecated=true").contains(&d("2002-5")));
    let page = server
        .get("/search?q=barter&deprecated=true", &[])
        .text()
        .expect("page");
    assert!(page.contains("Barter trade"), "{page}");

    let queries = serde_json::json!({
        "q0": { "query": "Foreign sales" },
        "q1": { "query": "Overseas shipments" },
        "q2": { "query": "Exports" },
    });
    let response = client()
        .post(format!("{}/reconcile", server.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "queries={}",
            form_urlencoded::byte_serialize(queries.to_string().as_bytes()).collect::<String>()
        ))
        .send()
        .expect("reconcile answers");
    let body: Value = serde_json::from_slice(&response.bytes().expect("body")).expect("json");
    for q in ["q0", "q1"] {
        let ids: Vec<&str> = body[q]["result"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|r| r["id"].as_str())
            .collect();
        assert!(
            !ids.iter().any(|id| id.contains("/descriptor/200")),
            "{q} proposed a retired descriptor: {ids:?}"
        );
    }
    assert_eq!(body["q2"]["result"][0]["id"], d("1001-4"), "{body}");
}
