//! The server over a real port with a real HTTP client: content negotiation for
//! the headers real clients send, validators, errors, pages, dumps and the
//! Graph Store Protocol.

use crate::util::{ServeProcess, TestServer, client, fixture_server};
use oxigraph::io::{RdfFormat, RdfParser};
use reqwest::StatusCode;

const CONCEPT: &str = "/concept/eu-ai-office";

fn header(response: &reqwest::blocking::Response, name: &str) -> String {
    response
        .headers()
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(", ")
}

fn media_type(response: &reqwest::blocking::Response) -> String {
    header(response, "content-type")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn triples(bytes: &[u8], format: RdfFormat) -> usize {
    RdfParser::from_format(format)
        .for_slice(bytes)
        .collect::<Result<Vec<_>, _>>()
        .expect("parses")
        .len()
}

#[test]
fn real_clients_get_the_representation_they_ask_for() {
    let server = TestServer::glossary();
    let cases = [
        (
            "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, application/n-quads, application/trix, application/trig",
            "application/rdf+xml",
        ),
        (
            "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5,text/n3;q=0.35,application/xml;q=0.3,image/svg+xml;q=0.3,text/xml;q=0.3,text/html;q=0.2,application/xhtml+xml;q=0.18",
            "application/n-quads",
        ),
        (
            "application/ld+json, application/json",
            "application/ld+json",
        ),
        (
            "application/rdf+xml, text/rdf;q=0.6, */*;q=0.1",
            "application/rdf+xml",
        ),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8",
            "text/html",
        ),
        ("*/*", "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
    ];
    for (accept, expected) in cases {
        let response = server.get(CONCEPT, &[("accept", accept)]);
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        assert_eq!(media_type(&response), expected, "{accept}");
        assert!(header(&response, "vary").contains("Accept"));
        let location = header(&response, "content-location");
        assert!(location.starts_with("eu-ai-office."), "{location}");
        let body = response.bytes().unwrap();
        match expected {
            "text/html" => {
                assert!(String::from_utf8_lossy(&body).contains("<h1>EU AI Office</h1>"))
            }
            "application/rdf+xml" => assert!(triples(&body, RdfFormat::RdfXml) > 100),
            "application/n-quads" => assert!(triples(&body, RdfFormat::NQuads) > 100),
            "application/ld+json" => assert!(
                triples(
                    &body,
                    RdfFormat::JsonLd {
                        profile: Default::default()
                    }
                ) > 100
            ),
            "text/turtle" => assert!(triples(&body, RdfFormat::Turtle) > 100),
            _ => assert!(triples(&body, RdfFormat::NTriples) > 100),
        }
    }
}

#[test]
fn explicit_format_urls_never_negotiate_and_every_format_is_linked() {
    let server = TestServer::glossary();
    for (ext, media) in [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
        ("nt", "application/n-triples"),
        ("nq", "application/n-quads"),
        ("trig", "application/trig"),
        ("html", "text/html"),
    ] {
        let response = server.get(&format!("{CONCEPT}.{ext}"), &[("accept", "image/png")]);
        assert_eq!(response.status(), StatusCode::OK, "{ext}");
        assert_eq!(media_type(&response), media, "{ext}");
        assert!(header(&response, "content-location").is_empty());
        let link = header(&response, "link");
        if ext == "jsonld" {
            // Only the page: pyld fails on several alternates.
            assert_eq!(link.matches("rel=\"alternate\"").count(), 1, "{link}");
            continue;
        }
        assert!(
            link.contains(&format!(
                "<eu-ai-office.{ext}>; rel=\"alternate\"; type=\"{media}\""
            )),
            "{link}"
        );
    }
}

#[test]
fn unacceptable_and_unknown_resources_get_clear_errors() {
    let server = TestServer::glossary();
    let response = server.get(CONCEPT, &[("accept", "image/png")]);
    assert_eq!(response.status(), StatusCode::NOT_ACCEPTABLE);
    let problem: serde_json::Value = serde_json::from_slice(&response.bytes().unwrap()).unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("text/turtle"),
        "{problem}"
    );

    let response = server.get("/concept/no-such-concept", &[("accept", "*/*")]);
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(media_type(&response), "application/problem+json");
    let response = server.get(
        "/concept/no-such-concept",
        &[("accept", "text/html,application/xhtml+xml,*/*;q=0.8")],
    );
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(media_type(&response), "text/html");
    assert!(
        response
            .text()
            .unwrap()
            .contains("there is no concept `no-such-concept`")
    );

    for path in [
        "/concept/..%2F..%2F..%2Fetc%2Fpasswd",
        "/../../etc/passwd",
        "/concept/eu-ai-office.exe",
        "/dump.zip",
        "/assets/../Cargo.toml",
    ] {
        let response = server.get(path, &[]);
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!response.text().unwrap().contains("root:"), "{path}");
    }
}

#[test]
fn validators_answer_304() {
    let server = TestServer::glossary();
    let response = server.get(CONCEPT, &[("accept", "text/turtle")]);
    let etag = header(&response, "etag");
    let modified = header(&response, "last-modified");
    assert!(etag.starts_with("W/\""), "{etag}");
    let again = server.get(
        CONCEPT,
        &[("accept", "text/turtle"), ("if-none-match", &etag)],
    );
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().unwrap().is_empty());
    let again = server.get(
        CONCEPT,
        &[("accept", "text/turtle"), ("if-modified-since", &modified)],
    );
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // Another representation has another tag.
    let html = server.get(
        CONCEPT,
        &[("accept", "text/html"), ("if-none-match", &etag)],
    );
    assert_eq!(html.status(), StatusCode::OK);
}

#[test]
fn compression_head_and_cors() {
    let server = TestServer::glossary();
    let response = server.get("/dump.nt", &[("accept-encoding", "gzip")]);
    assert_eq!(header(&response, "content-encoding"), "gzip");
    let response = server.get("/dump.nt", &[("accept-encoding", "br")]);
    assert_eq!(header(&response, "content-encoding"), "br");

    let head = client()
        .head(format!("{}{CONCEPT}", server.url))
        .header("accept", "text/turtle")
        .send()
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(media_type(&head), "text/turtle");
    assert!(head.bytes().unwrap().is_empty());

    let response = server.get(CONCEPT, &[("origin", "https://elsewhere.example")]);
    assert_eq!(header(&response, "access-control-allow-origin"), "*");
    assert!(header(&response, "access-control-expose-headers").contains("link"));
    let preflight = client()
        .request(reqwest::Method::OPTIONS, format!("{}/sparql", server.url))
        .header("origin", "https://elsewhere.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(header(&preflight, "access-control-allow-origin"), "*");
    assert!(header(&preflight, "access-control-allow-methods").contains("POST"));
    assert!(header(&preflight, "access-control-allow-headers").contains("content-type"));
}

/// Each encoding decodes to the bytes sent uncompressed, the second time (from
/// the cache) as the first, and every answer says it varies by encoding.
#[test]
fn compressed_pages_decode_to_the_plain_page() {
    use std::io::Read;
    let server = TestServer::glossary();
    for accept in ["text/html", "text/turtle"] {
        let plain = server.get(CONCEPT, &[("accept", accept)]);
        assert!(
            header(&plain, "vary").contains("Accept-Encoding"),
            "{accept}"
        );
        assert_eq!(header(&plain, "content-encoding"), "");
        let plain = plain.bytes().unwrap();
        for encoding in ["gzip", "br", "gzip, deflate, br"] {
            for _ in 0..2 {
                let response = server.get(
                    CONCEPT,
                    &[("accept", accept), ("accept-encoding", encoding)],
                );
                assert_eq!(response.status(), StatusCode::OK);
                let sent = header(&response, "content-encoding");
                assert!(header(&response, "vary").contains("Accept-Encoding"));
                let body = response.bytes().unwrap();
                assert!(body.len() < plain.len() / 2, "{accept} {encoding}");
                let mut decoded = Vec::new();
                match sent.as_str() {
                    "gzip" => flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut decoded),
                    "br" => brotli::Decompressor::new(&body[..], 4096).read_to_end(&mut decoded),
                    other => panic!("{encoding} answered with `{other}`"),
                }
                .unwrap();
                assert_eq!(decoded, plain, "{accept} {encoding}");
            }
        }
    }
    // Small answers and answers already encoded go as they are.
    let small = server.get("/robots.txt", &[("accept-encoding", "gzip")]);
    assert_eq!(header(&small, "content-encoding"), "");
    let gz = server.get("/dump.ttl.gz", &[("accept-encoding", "gzip")]);
    assert_eq!(header(&gz, "content-encoding"), "");
    let etag = header(&server.get(CONCEPT, &[("accept", "text/html")]), "etag");
    let not_modified = server.get(
        CONCEPT,
        &[
            ("accept", "text/html"),
            ("accept-encoding", "br"),
            ("if-none-match", &etag),
        ],
    );
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    assert!(header(&not_modified, "vary").contains("Accept-Encoding"));
}

#[test]
fn the_home_page_shows_the_scheme_tree_and_index() {
    let server = TestServer::glossary();
    let page = server.get("/", &[("accept", "text/html")]).text().unwrap();
    assert!(page.contains("<h1>EU AI governance glossary</h1>"));
    assert!(
        page.contains("<a href=\"concept/european-commission\">European Commission</a>\n<ul><li><a href=\"concept/eu-ai-office\">EU AI Office</a>"),
        "the tree nests the AI Office under the Commission"
    );
    assert!(page.contains("id=\"letter-E\""));
    assert!(page.contains("role=\"search\""));
    assert!(page.contains("<main id=\"main\">"));
    // As RDF, the scheme.
    let turtle = server
        .get("/", &[("accept", "text/turtle")])
        .text()
        .unwrap();
    assert!(turtle.contains("skos:hasTopConcept"));
}

#[test]
fn the_concept_page_shows_everything_the_entry_has() {
    let server = TestServer::glossary();
    let page = server
        .get(CONCEPT, &[("accept", "text/html")])
        .text()
        .unwrap();
    for expected in [
        "<h1>EU AI Office</h1>",
        "Definition · Plain-language",
        "<h2>What the AI Office is</h2>",
        "<h2>Its main responsibilities</h2>",
        "<h2>How it fits the governance architecture</h2>",
        "<dt>Location</dt>",
        "<strong>Often heard:</strong> The AI Office is a fully independent new EU agency.",
        "<dt>Part of</dt>",
        "<dt>Works with</dt>",
        "<a href=\"../concept/european-commission\">European Commission</a>",
        "https://w3id.org/dpv/legal/eu/aiact#AIOffice",
        ">Article 64</a>",
        "<code class=\"iri\">https://eu-ai.glossgraph.org/concept/eu-ai-office</code>",
        "\"@type\":\"DefinedTerm\"",
        "aria-label=\"Breadcrumb\"",
    ] {
        assert!(page.contains(expected), "the page lacks {expected}");
    }
    assert_eq!(page.matches("class=\"misconception\"").count(), 3);
}

#[test]
fn every_text_is_escaped() {
    let server = fixture_server();
    let page = server
        .get("/concept/xss", &[("accept", "text/html")])
        .text()
        .unwrap();
    assert!(!page.contains("<script>alert"), "a label became a script");
    assert!(!page.contains("<img src=x"), "section HTML became markup");
    assert!(!page.contains("javascript:"), "a javascript: link survived");
    assert!(!page.contains("<b>Label</b>"));
    assert!(
        page.contains("<h1>&#60;script&#62;alert(&#34;term&#34;)&#60;/script&#62; &#38; co</h1>")
    );
    // The embedded JSON-LD cannot end its script element early.
    let script = page
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    assert!(script.contains("\\u003c/script\\u003e"), "{script}");
    let json: serde_json::Value = serde_json::from_str(script).unwrap();
    assert_eq!(json["name"], "<script>alert(\"term\")</script> & co");
}

#[test]
fn the_language_comes_from_the_query_then_accept_language_then_the_settings() {
    let server = fixture_server();
    let page = |path: &str, headers: &[(&str, &str)]| server.get(path, headers).text().unwrap();
    assert!(page("/concept/board", &[]).contains("<h1>Board</h1>"));
    assert!(
        page(
            "/concept/board",
            &[("accept-language", "de-AT,de;q=0.9,en;q=0.5")]
        )
        .contains("<h1>Ausschuss</h1>")
    );
    assert!(
        page("/concept/board?lang=fr", &[("accept-language", "de")]).contains("<h1>Comité</h1>")
    );
    // No French label: the fallback order gives English, consistently.
    let office = page("/concept/office?lang=fr", &[]);
    assert!(office.contains("<h1>Office</h1>"), "{office}");
    assert!(office.contains("lang=\"fr\""));
    // Links keep the chosen language.
    let german = page("/concept/office", &[("accept-language", "de")]);
    assert!(german.contains("<h1>Büro</h1>"));
    assert!(
        german.contains("href=\"../concept/board?lang=de\">Ausschuss</a>"),
        "{german}"
    );
    let home = page("/?lang=de", &[]);
    assert!(home.contains("<h1>Testglossar</h1>"));
    let response = server.get("/concept/board", &[("accept", "text/html")]);
    assert!(header(&response, "vary").contains("Accept-Language"));
}

#[test]
fn cached_representations_stay_apart_by_language_format_route_and_negotiation() {
    let server = fixture_server();
    let get = |path: &str, headers: &[(&str, &str)]| server.get(path, headers).bytes().unwrap();
    let english = get("/concept/board", &[]);
    let german = get("/concept/board?lang=de", &[]);
    let turtle = get("/concept/board", &[("accept", "text/turtle")]);
    let iri = server.get("/concept/board.ttl", &[]).text().unwrap();
    assert!(iri.contains("concept:board\n    a skos:Concept"), "{iri}");
    let resource = get(
        "/resource?iri=https%3A%2F%2Fglossary.test%2Fconcept%2Fboard",
        &[],
    );
    for _ in 0..2 {
        assert_eq!(get("/concept/board", &[]), english);
        assert_eq!(get("/concept/board?lang=de", &[]), german);
        assert_eq!(get("/concept/board", &[("accept", "text/turtle")]), turtle);
    }
    assert_ne!(english, german);
    assert!(String::from_utf8_lossy(&english).contains("<h1>Board</h1>"));
    assert!(String::from_utf8_lossy(&german).contains("<h1>Ausschuss</h1>"));
    assert!(String::from_utf8_lossy(&turtle).contains("skos:prefLabel"));
    // The same concept under /resource links relative to the root, not to /concept/.
    assert_ne!(resource, english);

    // Negotiated and by-extension answers share bytes but not headers: only a
    // negotiated one names its location and varies by `Accept`.
    let heads = |path: &str| {
        let response = server.get(path, &[("accept", "text/turtle")]);
        ["content-location", "vary", "link"].map(|name| header(&response, name))
    };
    let negotiated = heads("/concept/board");
    let explicit = heads("/concept/board.ttl");
    assert_eq!(negotiated[0], "board.ttl");
    assert!(negotiated[1].starts_with("Accept, "), "{}", negotiated[1]);
    assert!(explicit[0].is_empty(), "{}", explicit[0]);
    assert!(!explicit[1].contains("Accept,"), "{}", explicit[1]);
    assert_eq!(negotiated[2], explicit[2]);
    for _ in 0..2 {
        assert_eq!(heads("/concept/board"), negotiated);
        assert_eq!(heads("/concept/board.ttl"), explicit);
    }
}

#[test]
fn dumps_descriptions_and_crawler_files() {
    let server = TestServer::glossary();
    let nt = server.get("/dump.nt", &[]).bytes().unwrap();
    let count = triples(&nt, RdfFormat::NTriples);
    assert!(count > 4000);
    let nq = server.get("/dump.nq", &[]).bytes().unwrap();
    assert_eq!(triples(&nq, RdfFormat::NQuads), count);
    let gz = server
        .get("/dump.ttl.gz", &[("accept-encoding", "identity")])
        .bytes()
        .unwrap();
    let mut turtle = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut turtle).unwrap();
    assert_eq!(triples(&turtle, RdfFormat::Turtle), count);
    for dump in ["/dump.rdf", "/dump.jsonld", "/dump.trig"] {
        assert_eq!(server.get(dump, &[]).status(), StatusCode::OK, "{dump}");
    }

    let void = server.get("/.well-known/void", &[]).text().unwrap();
    assert!(
        void.contains("void:sparqlEndpoint <https://eu-ai.glossgraph.org/sparql>"),
        "{void}"
    );
    assert!(void.contains("dcat:downloadURL <https://eu-ai.glossgraph.org/dump.ttl>"));
    let sitemap = server.get("/sitemap.xml", &[]).text().unwrap();
    assert_eq!(sitemap.matches("<loc>").count(), 45);
    assert!(
        server
            .get("/robots.txt", &[])
            .text()
            .unwrap()
            .contains("Sitemap: https://eu-ai.glossgraph.org/sitemap.xml")
    );
    let context: serde_json::Value = server.get("/context.jsonld", &[]).json_value();
    assert_eq!(context["@context"]["prefLabel"]["@id"], "skos:prefLabel");
    let ontology = server
        .get("/glossgraph/ns", &[("accept", "text/turtle")])
        .text()
        .unwrap();
    assert!(ontology.contains("gg:partOf"));
    assert!(
        server
            .get("/ontology", &[("accept", "text/html")])
            .text()
            .unwrap()
            .contains("<code>part-of</code>")
    );
}

#[test]
fn graph_store_protocol_reads() {
    let server = TestServer::glossary();
    let graph = server.get(
        "/store?graph=https%3A%2F%2Feu-ai.glossgraph.org%2Fconcept%2Feu-ai-office",
        &[("accept", "application/n-triples")],
    );
    assert_eq!(graph.status(), StatusCode::OK);
    let in_graph = triples(&graph.bytes().unwrap(), RdfFormat::NTriples);
    assert!(in_graph > 50);
    let all = server
        .get("/store?default", &[("accept", "application/n-triples")])
        .bytes()
        .unwrap();
    assert!(triples(&all, RdfFormat::NTriples) > in_graph);
    assert_eq!(
        server
            .get("/store?graph=https%3A%2F%2Fnowhere.example%2F", &[])
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(server.get("/store", &[]).status(), StatusCode::BAD_REQUEST);
}

#[test]
fn search_works_without_javascript() {
    let server = TestServer::glossary();
    let page = server.get("/search?q=office", &[]).text().unwrap();
    assert!(
        page.contains("<a href=\"concept/eu-ai-office\">EU AI Office</a>"),
        "{page}"
    );
    let page = server.get("/search?q=%3Cscript%3E", &[]).text().unwrap();
    assert!(!page.contains("<script>"));
}

trait JsonValue {
    fn json_value(self) -> serde_json::Value;
}

impl JsonValue for reqwest::blocking::Response {
    fn json_value(self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes().unwrap()).unwrap()
    }
}

/// `--watch`: an edit is served after a rebuild; a broken edit keeps the last
/// good graph.
#[test]
fn watch_swaps_in_rebuilt_graphs_and_survives_broken_edits() {
    use glossgraph::build::StoreChoice;
    use glossgraph::project::Project;
    let dir = tempfile::tempdir().unwrap();
    crate::util::copy_tree(
        &crate::util::root().join("tests/fixtures/server"),
        dir.path(),
    );
    let project = Project::open(dir.path()).unwrap();
    let sources = glossgraph::server::sources_fingerprint(&project);
    let built =
        glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory).unwrap();
    let state = crate::util::state_of(&project, built.store, glossgraph::server::Limits::default());
    let server = TestServer::start(state.clone());
    let watcher = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        // Runs until the test ends (the thread is detached).
        runtime.block_on(glossgraph::server::watch(
            state,
            project,
            StoreChoice::Memory,
            std::time::Duration::from_millis(100),
            sources,
        ));
    });
    let wait_for = |expected: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let page = server
                .get("/concept/board", &[("accept", "text/html")])
                .text()
                .unwrap();
            if page.contains(expected) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the page never showed {expected}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    };
    let entry = dir.path().join("entries/board.md");
    let original = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(&entry, original.replace("en: Board", "en: Advisory board")).unwrap();
    wait_for("<h1>Advisory board</h1>");
    // A broken edit: the last good graph stays.
    std::fs::write(&entry, "---\nterm: [unclosed\n---\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    wait_for("<h1>Advisory board</h1>");
    assert_eq!(server.get("/concept/office", &[]).status(), StatusCode::OK);
    // Fixed again: served again.
    std::fs::write(&entry, original).unwrap();
    wait_for("<h1>Board</h1>");
    drop(watcher);
}

/// The binary on several workers: each connection gets its answer, whichever
/// worker takes it, and SIGTERM stops them all.
#[cfg(unix)]
#[test]
fn the_binary_answers_on_every_worker_and_stops_on_sigterm() {
    let mut process = ServeProcess::start(
        &crate::util::root(),
        &[],
        &[],
        &[("GLOSSGRAPH_WORKERS", "3")],
    );
    assert!(
        process.banner.contains("on 3 threads"),
        "{}",
        process.banner
    );
    let url = process.url.clone();
    for _ in 0..12 {
        // A new connection each time, so the kernel spreads them over the workers.
        let response = client()
            .get(format!("{url}{CONCEPT}"))
            .header("accept", "text/turtle")
            .header("connection", "close")
            .send()
            .expect("the server answers");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(media_type(&response), "text/turtle");
    }
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &process.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = process.child.try_wait().expect("waits") {
            break status;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "still serving 10 s after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    assert!(client().get(format!("{url}/")).send().is_err());
}
