//! The Reconciliation Service API: every kind of response validates against the
//! community draft's JSON schemas (with ajv-cli 3, from npm), the spec's own
//! examples are classified as labelled, the endpoint takes valid query batches
//! and refuses invalid ones, and OpenRefine's form-encoded protocol works.

use crate::util::{TestServer, client, require, suite};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

fn schemas() -> Option<PathBuf> {
    suite("conformance/reconciliation/1.0-draft/schemas/manifest.json")?;
    suite("conformance/reconciliation/1.0-draft")
}

/// The ajv-cli 3 binary: `GLOSSGRAPH_AJV`, else `ajv` on the path.
fn ajv() -> Option<String> {
    let ajv = std::env::var("GLOSSGRAPH_AJV").unwrap_or_else(|_| "ajv".into());
    let works = Command::new(&ajv)
        .arg("help")
        .output()
        .is_ok_and(|o| o.status.success());
    if works {
        Some(ajv)
    } else {
        require(
            "ajv-cli 3.0.0 is not installed",
            "npm install ajv-cli@3.0.0; point GLOSSGRAPH_AJV at node_modules/.bin/ajv",
        );
        None
    }
}

/// Whether `data` validates against the schema named `kind`.
fn valid(ajv: &str, dir: &Path, kind: &str, data: &Path) -> bool {
    let schema = |name: &str| dir.join("schemas").join(name).display().to_string();
    Command::new(ajv)
        .args(["validate", "-s", &schema(&format!("{kind}.json"))])
        .args([
            "-r",
            &schema("lang.json"),
            "-r",
            &schema("dir.json"),
            "-r",
            &schema("type.json"),
            "-r",
            &schema("openapi.json"),
        ])
        .args(["-d", &data.display().to_string()])
        .output()
        .expect("ajv runs")
        .status
        .success()
}

fn validate_value(ajv: &str, dir: &Path, kind: &str, value: &Value) {
    let file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    std::fs::write(file.path(), value.to_string()).unwrap();
    assert!(
        valid(ajv, dir, kind, file.path()),
        "our {kind} does not validate:\n{value:#}"
    );
}

const KINDS: &[&str] = &[
    "manifest",
    "reconciliation-query-batch",
    "reconciliation-result-batch",
    "suggest-entities-response",
    "suggest-types-response",
    "suggest-properties-response",
    "data-extension-query",
    "data-extension-response",
    "data-extension-property-proposal",
];

#[test]
fn the_spec_examples_are_classified_as_labelled() {
    let (Some(dir), Some(ajv)) = (schemas(), ajv()) else {
        return;
    };
    let mut checked = 0;
    for kind in KINDS {
        for (label, expected) in [("valid", true), ("invalid", false)] {
            let folder = dir.join("examples").join(kind).join(label);
            let Ok(files) = std::fs::read_dir(&folder) else {
                continue;
            };
            for file in files {
                let path = file.unwrap().path();
                assert_eq!(
                    valid(&ajv, &dir, kind, &path),
                    expected,
                    "{} is labelled {label}",
                    path.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 45, "only {checked} examples checked");
}

fn get(server: &TestServer, path: &str) -> Value {
    let response = server.get(path, &[]);
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    serde_json::from_slice(&response.bytes().unwrap()).unwrap()
}

fn post_json(server: &TestServer, path: &str, body: &Value) -> reqwest::blocking::Response {
    client()
        .post(format!("{}{path}", server.url))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .unwrap()
}

#[test]
fn every_response_validates_against_the_schemas() {
    let (Some(dir), Some(ajv)) = (schemas(), ajv()) else {
        return;
    };
    let server = TestServer::glossary();
    validate_value(&ajv, &dir, "manifest", &get(&server, "/reconcile"));
    let batch = json!({"queries": [
        {"type": "http://www.w3.org/2004/02/skos/core#Concept", "limit": 3, "conditions": [{"matchType": "name", "propertyValue": "AI Office"}]},
        {"conditions": [
            {"matchType": "name", "propertyValue": "authority"},
            {"matchType": "property", "propertyId": "broader", "propertyValue": "national competent authority", "required": true}
        ]},
        {"conditions": [{"matchType": "id", "propertyValue": "https://eu-ai.glossgraph.org/concept/provider"}]},
    ]});
    validate_value(&ajv, &dir, "reconciliation-query-batch", &batch);
    let response = post_json(&server, "/reconcile", &batch);
    assert_eq!(response.status(), StatusCode::OK);
    let results: Value = serde_json::from_slice(&response.bytes().unwrap()).unwrap();
    validate_value(&ajv, &dir, "reconciliation-result-batch", &results);
    let first = &results["results"][0]["candidates"][0];
    assert_eq!(
        first["id"],
        "https://eu-ai.glossgraph.org/concept/eu-ai-office"
    );
    assert_eq!(first["match"], true);
    // The required condition keeps only kinds of national competent authority.
    for c in results["results"][1]["candidates"].as_array().unwrap() {
        assert!(
            ["market-surveillance-authority", "notifying-authority"]
                .iter()
                .any(|id| c["id"].as_str().unwrap().ends_with(id)),
            "{c}"
        );
    }
    assert_eq!(
        results["results"][2]["candidates"][0]["id"],
        "https://eu-ai.glossgraph.org/concept/provider"
    );
    validate_value(
        &ajv,
        &dir,
        "suggest-entities-response",
        &get(&server, "/reconcile/suggest/entity?prefix=offi"),
    );
    validate_value(
        &ajv,
        &dir,
        "suggest-types-response",
        &get(&server, "/reconcile/suggest/type?prefix=con"),
    );
    validate_value(
        &ajv,
        &dir,
        "suggest-properties-response",
        &get(&server, "/reconcile/suggest/property?prefix=bro"),
    );
    validate_value(
        &ajv,
        &dir,
        "data-extension-property-proposal",
        &get(
            &server,
            "/reconcile/extend/propose?type=http%3A%2F%2Fwww.w3.org%2F2004%2F02%2Fskos%2Fcore%23Concept",
        ),
    );
    let extension = json!({"ids": ["https://eu-ai.glossgraph.org/concept/eu-ai-office"], "properties": [{"id": "prefLabel", "settings": {"lang": "en"}}, {"id": "definition"}, {"id": "broader"}, {"id": "related"}, {"id": "exactMatch"}]});
    validate_value(&ajv, &dir, "data-extension-query", &extension);
    let response = post_json(&server, "/reconcile/extend", &extension);
    assert_eq!(response.status(), StatusCode::OK);
    let extended: Value = serde_json::from_slice(&response.bytes().unwrap()).unwrap();
    validate_value(&ajv, &dir, "data-extension-response", &extended);
    let row = &extended["rows"][0]["properties"];
    assert_eq!(row[0]["values"][0]["str"], "EU AI Office");
    assert_eq!(
        row[2]["values"][0]["id"],
        "https://eu-ai.glossgraph.org/concept/european-commission"
    );
}

#[test]
fn the_spec_query_examples_are_taken_or_refused_as_labelled() {
    let Some(dir) = schemas() else { return };
    let server = TestServer::glossary();
    for (label, expected) in [
        ("valid", StatusCode::OK),
        ("invalid", StatusCode::BAD_REQUEST),
    ] {
        let folder = dir.join("examples/reconciliation-query-batch").join(label);
        for file in std::fs::read_dir(&folder).unwrap() {
            let path = file.unwrap().path();
            let body = std::fs::read_to_string(&path).unwrap();
            let response = client()
                .post(format!("{}/reconcile", server.url))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .unwrap();
            assert_eq!(
                response.status(),
                expected,
                "{}: {}",
                path.display(),
                response.text().unwrap()
            );
        }
    }
}

#[test]
fn openrefine_form_queries_previews_and_extension() {
    let server = TestServer::glossary();
    let queries = json!({"q0": {"query": "european comission", "type": "http://www.w3.org/2004/02/skos/core#Concept", "limit": 3}, "q1": {"query": "Provider", "properties": [{"pid": "broader", "v": "operator"}]}});
    let response = client()
        .post(format!("{}/reconcile", server.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "queries={}",
            form_urlencoded::byte_serialize(queries.to_string().as_bytes()).collect::<String>()
        ))
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = serde_json::from_slice(&response.bytes().unwrap()).unwrap();
    assert_eq!(
        answer["q0"]["result"][0]["id"],
        "https://eu-ai.glossgraph.org/concept/european-commission"
    );
    assert_eq!(answer["q1"]["result"][0]["match"], true);
    // JSONP, as older clients ask.
    let jsonp = server
        .get(
            &format!(
                "/reconcile?callback=cb&queries={}",
                form_urlencoded::byte_serialize(queries.to_string().as_bytes()).collect::<String>()
            ),
            &[],
        )
        .text()
        .unwrap();
    assert!(jsonp.starts_with("cb({"), "{jsonp}");
    let preview = server
        .get(
            "/reconcile/preview?id=https%3A%2F%2Feu-ai.glossgraph.org%2Fconcept%2Feu-ai-office",
            &[],
        )
        .text()
        .unwrap();
    assert!(preview.contains("<h1><a href=\"https://eu-ai.glossgraph.org/concept/eu-ai-office\""));
    let extension = json!({"ids": ["https://eu-ai.glossgraph.org/concept/eu-ai-office"], "properties": [{"id": "broader"}]});
    let response = client()
        .post(format!("{}/reconcile/extend", server.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "extend={}",
            form_urlencoded::byte_serialize(extension.to_string().as_bytes()).collect::<String>()
        ))
        .send()
        .unwrap();
    let extended: Value = serde_json::from_slice(&response.bytes().unwrap()).unwrap();
    assert_eq!(
        extended["rows"]["https://eu-ai.glossgraph.org/concept/eu-ai-office"]["broader"][0]["name"],
        "European Commission"
    );
}

#[test]
fn bad_batches_get_clear_errors_and_the_server_stays_up() {
    let server = TestServer::glossary();
    let malformed = client()
        .post(format!("{}/reconcile", server.url))
        .header("content-type", "application/json")
        .body("{\"queries\": [")
        .send()
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    assert!(malformed.text().unwrap().contains("not valid JSON"));
    let unknown = post_json(
        &server,
        "/reconcile",
        &json!({"queries": [{"conditions": [{"matchType": "name", "propertyValue": "office"}, {"matchType": "property", "propertyId": "colour", "propertyValue": "red", "required": true}]}]}),
    );
    assert_eq!(unknown.status(), StatusCode::OK);
    let answer: Value = serde_json::from_slice(&unknown.bytes().unwrap()).unwrap();
    assert!(
        answer["results"][0]["candidates"]
            .as_array()
            .unwrap()
            .is_empty(),
        "a required condition on an unknown property matches nothing"
    );
    // 10,000 small queries: refused whole, quickly.
    let queries: Vec<Value> = (0..10_000)
        .map(|i| json!({"conditions": [{"matchType": "name", "propertyValue": format!("q{i}")}]}))
        .collect();
    let started = std::time::Instant::now();
    let big = post_json(&server, "/reconcile", &json!({ "queries": queries }));
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // A batch at the limit is answered, bounded.
    let queries: Vec<Value> = (0..1000)
        .map(
            |_| json!({"limit": 1000, "conditions": [{"matchType": "name", "propertyValue": "a"}]}),
        )
        .collect();
    let full = post_json(&server, "/reconcile", &json!({ "queries": queries }));
    assert_eq!(full.status(), StatusCode::OK);
    let answer: Value = serde_json::from_slice(&full.bytes().unwrap()).unwrap();
    assert!(
        answer["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["candidates"].as_array().unwrap().len() <= 100)
    );
    assert_eq!(server.get("/reconcile", &[]).status(), StatusCode::OK);
}
