//! The Reconciliation Service API, in both versions: every kind of response
//! validates against its version's JSON schemas (the community draft 1.0's at
//! `/reconcile`, 0.2's at `/reconcile/0.2`, with ajv-cli 3, from npm), the
//! specs' own examples are classified as labelled, the endpoint takes valid
//! query batches and refuses invalid ones, and the requests OpenRefine 3 sends
//! (written out as it sends them) are answered as it reads them.

use crate::util::{TestApp, TestServer, client, require, suite};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

const DRAFT: &str = "1.0-draft";
const V02: &str = "0.2";
const CONCEPT: &str = "http://www.w3.org/2004/02/skos/core#Concept";
const OFFICE: &str = "https://eu-ai.glossgraph.org/concept/eu-ai-office";

/// The shared schemas and examples of a version of the specification.
fn schemas(version: &str) -> Option<PathBuf> {
    suite(&format!(
        "conformance/reconciliation/{version}/schemas/manifest.json"
    ))?;
    suite(&format!("conformance/reconciliation/{version}"))
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

/// Which of `data` validate against the schema named `kind` in `dir` (with
/// the schemas it refers to that the version has), in one run of ajv: it says
/// `FILE valid` on standard output for each file that does.
fn classify(ajv: &str, dir: &Path, kind: &str, data: &[PathBuf]) -> Vec<bool> {
    let schema = |name: &str| dir.join("schemas").join(name);
    let mut command = Command::new(ajv);
    command
        .args(["validate", "-s"])
        .arg(schema(&format!("{kind}.json")));
    for name in ["lang.json", "dir.json", "type.json", "openapi.json"] {
        if schema(name).is_file() {
            command.arg("-r").arg(schema(name));
        }
    }
    for file in data {
        command.arg("-d").arg(file);
    }
    let out = command.output().expect("ajv runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let valid: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.strip_suffix(" valid"))
        .collect();
    data.iter()
        .map(|file| valid.contains(&file.display().to_string().as_str()))
        .collect()
}

fn valid(ajv: &str, dir: &Path, kind: &str, data: &Path) -> bool {
    classify(ajv, dir, kind, &[data.to_owned()])[0]
}

fn valid_value(ajv: &str, dir: &Path, kind: &str, value: &Value) -> bool {
    let file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    std::fs::write(file.path(), value.to_string()).unwrap();
    valid(ajv, dir, kind, file.path())
}

fn validate_value(ajv: &str, dir: &Path, kind: &str, value: &Value) {
    assert!(
        valid_value(ajv, dir, kind, value),
        "our {kind} does not validate against {}:\n{value:#}",
        dir.display()
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
    let Some(ajv) = ajv() else { return };
    // Each version has at least this many examples of the kinds above.
    for (version, least) in [(DRAFT, 45), (V02, 44)] {
        let Some(dir) = schemas(version) else { return };
        let mut checked = 0;
        for kind in KINDS {
            let mut files: Vec<(PathBuf, bool)> = Vec::new();
            for (label, expected) in [("valid", true), ("invalid", false)] {
                let folder = dir.join("examples").join(kind).join(label);
                let Ok(entries) = std::fs::read_dir(&folder) else {
                    continue;
                };
                files.extend(entries.map(|e| (e.unwrap().path(), expected)));
            }
            let paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
            for ((path, expected), valid) in files.iter().zip(classify(&ajv, &dir, kind, &paths)) {
                assert_eq!(valid, *expected, "{} is labelled otherwise", path.display());
                checked += 1;
            }
        }
        assert!(
            checked >= least,
            "{version}: only {checked} examples checked"
        );
    }
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
    let (Some(dir), Some(ajv)) = (schemas(DRAFT), ajv()) else {
        return;
    };
    let server = TestServer::glossary();
    let manifest = get(&server, "/reconcile");
    validate_value(&ajv, &dir, "manifest", &manifest);
    assert_eq!(manifest["versions"], json!([DRAFT]));
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
    let Some(dir) = schemas(DRAFT) else { return };
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

/// 0.2's examples, posted as OpenRefine posts a batch: the valid ones
/// answered, the invalid ones (no query, a misspelt field) refused.
#[test]
fn the_0_2_query_examples_are_taken_or_refused_as_labelled() {
    let Some(dir) = schemas(V02) else { return };
    let server = TestServer::glossary();
    let mut checked = 0;
    for (label, expected) in [
        ("valid", StatusCode::OK),
        ("invalid", StatusCode::BAD_REQUEST),
    ] {
        let folder = dir.join("examples/reconciliation-query-batch").join(label);
        for file in std::fs::read_dir(&folder).unwrap() {
            let path = file.unwrap().path();
            let batch: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let response = openrefine_post(&server, "/reconcile/0.2", "queries", &batch);
            assert_eq!(
                response.status(),
                expected,
                "{}: {}",
                path.display(),
                response.text().unwrap()
            );
            checked += 1;
        }
    }
    assert!(checked >= 7, "only {checked} examples posted");
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
    // OpenRefine sends `extend=` to the endpoint it was given, which once
    // answered 400 "the form has no `queries` field".
    let response = openrefine_post(&server, "/reconcile", "extend", &extension);
    assert_eq!(response.status(), StatusCode::OK);
    let on_endpoint: Value = serde_json::from_slice(&response.bytes().unwrap()).unwrap();
    assert_eq!(on_endpoint, extended);
}

/// A form post as OpenRefine 3 sends it (`HttpClient.postNameValue`: one
/// field, URL-encoded as UTF-8 by Apache HttpClient's `UrlEncodedFormEntity`).
fn openrefine_post(
    server: &TestServer,
    path: &str,
    field: &str,
    value: &Value,
) -> reqwest::blocking::Response {
    client()
        .post(format!("{}{path}", server.url))
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=UTF-8",
        )
        .body(format!(
            "{field}={}",
            form_urlencoded::byte_serialize(value.to_string().as_bytes()).collect::<String>()
        ))
        .send()
        .unwrap()
}

/// A GET of an absolute URL the 0.2 manifest gave, answered with JSON.
fn get_url(url: &str) -> Value {
    let response = client().get(url).send().unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    serde_json::from_slice(&response.bytes().unwrap()).unwrap()
}

/// `encodeURIComponent`, as OpenRefine's suggest widget encodes a flyout's id.
fn uri_component(text: &str) -> String {
    const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'!')
        .remove(b'~')
        .remove(b'*')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')');
    percent_encoding::utf8_percent_encode(text, COMPONENT).to_string()
}

/// OpenRefine 3 as a client of `/reconcile/0.2`: it reads the manifest, then
/// calls each service where the manifest says, as its sources do.
#[test]
fn openrefine_3_is_answered_in_0_2_and_every_answer_validates() {
    let (Some(dir), Some(ajv)) = (schemas(V02), ajv()) else {
        return;
    };
    let server = TestServer::glossary();
    // Adding the service: a GET of the URL the user pasted.
    let manifest = get(&server, "/reconcile/0.2");
    validate_value(&ajv, &dir, "manifest", &manifest);
    assert_eq!(manifest["versions"], json!([V02]));
    assert_eq!(manifest["view"]["url"], "{{id}}");
    // Where the JSON request fails, OpenRefine asks again with JSONP.
    let jsonp = server
        .get(
            "/reconcile/0.2?callback=jQuery36001234_1700000000000&_=1700000000001",
            &[],
        )
        .text()
        .unwrap();
    assert!(
        jsonp.starts_with("jQuery36001234_1700000000000({")
            && jsonp.contains("\"versions\":[\"0.2\"]"),
        "{jsonp}"
    );
    // The draft's manifest is not a 0.2 one, which is why each has its endpoint.
    assert!(!valid_value(
        &ajv,
        &dir,
        "manifest",
        &get(&server, "/reconcile")
    ));
    // The server's services, as this server was reached (the base IRI's host
    // is elsewhere).
    let services = format!("{}/reconcile", server.url);
    assert_eq!(
        manifest["suggest"]["entity"]["service_url"],
        services.as_str()
    );

    // Reconciling (StandardReconConfig): `queries=` posted to the endpoint.
    let queries = json!({
        "q0": {"query": "European Comission", "type": CONCEPT, "type_strict": "should", "limit": 3},
        "q1": {"query": "Provider", "type": CONCEPT, "type_strict": "should", "properties": [{"pid": "broader", "v": "operator"}]},
        "q2": {"query": "AI Office", "type": CONCEPT, "type_strict": "should", "properties": [{"pid": "part-of", "v": {"id": "https://eu-ai.glossgraph.org/concept/european-commission", "name": "European Commission"}}]},
    });
    validate_value(&ajv, &dir, "reconciliation-query-batch", &queries);
    let response = openrefine_post(&server, "/reconcile/0.2", "queries", &queries);
    assert_eq!(response.status(), StatusCode::OK);
    let results: Value = serde_json::from_slice(&response.bytes().unwrap()).unwrap();
    validate_value(&ajv, &dir, "reconciliation-result-batch", &results);
    assert_eq!(
        results["q0"]["result"][0]["id"],
        "https://eu-ai.glossgraph.org/concept/european-commission"
    );
    assert_eq!(results["q1"]["result"][0]["match"], true);
    assert_eq!(results["q2"]["result"][0]["id"], OFFICE);

    // Searching for a match by hand: the entity suggest service with `prefix=`
    // (and the column's type), each suggestion's flyout, and the preview.
    let suggest = &manifest["suggest"]["entity"];
    let url = format!(
        "{}{}?prefix=offi&type={}",
        suggest["service_url"].as_str().unwrap(),
        suggest["service_path"].as_str().unwrap(),
        uri_component(CONCEPT)
    );
    let entities = get_url(&url);
    validate_value(&ajv, &dir, "suggest-entities-response", &entities);
    assert!(
        entities["result"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == OFFICE),
        "{entities}"
    );
    let flyout = format!(
        "{}{}",
        suggest["service_url"].as_str().unwrap(),
        suggest["flyout_service_path"].as_str().unwrap()
    )
    .replace("${id}", &uri_component(OFFICE));
    let flyout = get_url(&flyout);
    assert_eq!(flyout["id"], OFFICE);
    assert!(
        flyout["html"]
            .as_str()
            .unwrap()
            .contains("<strong>EU AI Office</strong>"),
        "{flyout}"
    );
    // `encodeURI(preview.url.replace("{{id}}", id))`: the id goes in as it is.
    let preview = manifest["preview"]["url"]
        .as_str()
        .unwrap()
        .replace("{{id}}", OFFICE);
    let response = client().get(&preview).send().unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{preview}");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(response.headers().get("x-frame-options").is_none());
    let page = response.text().unwrap();
    assert!(page.contains(&format!("<a href=\"{OFFICE}\"")), "{page}");

    // Choosing a type and properties to match on.
    for (kind, prefix, schema, expected) in [
        ("type", "con", "suggest-types-response", CONCEPT),
        ("property", "bro", "suggest-properties-response", "broader"),
    ] {
        let suggest = &manifest["suggest"][kind];
        let url = format!(
            "{}{}?prefix={prefix}",
            suggest["service_url"].as_str().unwrap(),
            suggest["service_path"].as_str().unwrap()
        );
        let answer = get_url(&url);
        validate_value(&ajv, &dir, schema, &answer);
        assert_eq!(answer["result"][0]["id"], expected, "{answer}");
        let flyout = format!(
            "{}{}",
            suggest["service_url"].as_str().unwrap(),
            suggest["flyout_service_path"].as_str().unwrap()
        )
        .replace("${id}", &uri_component(expected));
        assert_eq!(get_url(&flyout)["id"], expected);
    }

    // Adding columns from reconciled values: properties proposed for the type,
    // then `extend=` posted to the endpoint (ReconciledDataExtensionJob).
    let propose = &manifest["extend"]["propose_properties"];
    let propose = format!(
        "{}{}",
        propose["service_url"].as_str().unwrap(),
        propose["service_path"].as_str().unwrap()
    );
    let proposal = get_url(&format!("{propose}?type={}", uri_component(CONCEPT)));
    validate_value(&ajv, &dir, "data-extension-property-proposal", &proposal);
    assert_eq!(proposal["type"], CONCEPT);
    let limited = get_url(&format!(
        "{propose}?type={}&limit=3",
        uri_component(CONCEPT)
    ));
    validate_value(&ajv, &dir, "data-extension-property-proposal", &limited);
    assert_eq!(limited["properties"].as_array().unwrap().len(), 3);
    let extension = json!({"ids": [OFFICE], "properties": [{"id": "prefLabel", "settings": {"lang": "en"}}, {"id": "definition"}, {"id": "broader"}, {"id": "exactMatch"}]});
    validate_value(&ajv, &dir, "data-extension-query", &extension);
    let response = openrefine_post(&server, "/reconcile/0.2", "extend", &extension);
    assert_eq!(response.status(), StatusCode::OK);
    let extended: Value = serde_json::from_slice(&response.bytes().unwrap()).unwrap();
    validate_value(&ajv, &dir, "data-extension-response", &extended);
    let row = &extended["rows"][OFFICE];
    assert_eq!(row["prefLabel"], json!([{"str": "EU AI Office"}]));
    assert_eq!(
        row["broader"][0]["id"],
        "https://eu-ai.glossgraph.org/concept/european-commission"
    );
    // The same query as a GET parameter, which 0.2 also asks for.
    let by_get = get(
        &server,
        &format!(
            "/reconcile/0.2?extend={}",
            uri_component(&extension.to_string())
        ),
    );
    assert_eq!(by_get, extended);
}

/// The 0.2 manifest names the services where the client reached the server:
/// the published address when asked there (keeping the base IRI's `https`),
/// the address asked for otherwise, and never a host that would change the URL.
#[test]
fn the_0_2_manifest_names_the_services_where_the_client_reached_them() {
    let app = TestApp::glossary();
    for (headers, expected) in [
        (
            vec![("host", "eu-ai.glossgraph.org")],
            "https://eu-ai.glossgraph.org/reconcile",
        ),
        (
            vec![("host", "127.0.0.1:7878")],
            "http://127.0.0.1:7878/reconcile",
        ),
        (
            vec![("host", "glossary.example"), ("x-forwarded-proto", "https")],
            "https://glossary.example/reconcile",
        ),
        (
            vec![("host", "evil.example/x?")],
            "https://eu-ai.glossgraph.org/reconcile",
        ),
    ] {
        let manifest = app.get("/reconcile/0.2", &headers).json();
        assert_eq!(
            manifest["suggest"]["entity"]["service_url"], expected,
            "{headers:?}"
        );
        assert_eq!(
            manifest["preview"]["url"],
            format!("{expected}/preview?id={{{{id}}}}")
        );
    }
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
