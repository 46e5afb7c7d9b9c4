//! The server. What one request shows (content negotiation for the headers
//! real clients send, validators, errors, pages, dumps, the Graph Store
//! Protocol) is tested in process with `oneshot` (`TestApp`); compression over
//! the wire and the binary's workers over a real port.

use crate::util::{ServeProcess, TestApp, TestServer, client};
use axum::http::StatusCode;
use oxigraph::io::{RdfFormat, RdfParser};

const CONCEPT: &str = "/concept/eu-ai-office";

/// The resources with several representations, as paths that negotiate.
const NEGOTIATED: &[&str] = &[
    "/",
    CONCEPT,
    "/resource?iri=https%3A%2F%2Feu-ai.glossgraph.org%2Fconcept%2Feu-ai-office",
    "/ontology",
    "/glossgraph/ns",
    "/dataset",
    "/.well-known/void",
];

fn triples(bytes: &[u8], format: RdfFormat) -> usize {
    RdfParser::from_format(format)
        .for_slice(bytes)
        .collect::<Result<Vec<_>, _>>()
        .expect("parses")
        .len()
}

/// Whether a `Vary` header names `Accept` (not only `Accept-Language`).
fn varies_by_accept(vary: &str) -> bool {
    vary.split(',')
        .any(|v| v.trim().eq_ignore_ascii_case("accept"))
}

/// `href` resolved against the path `from`, as a client resolves a
/// `Content-Location` or a link.
fn resolve(from: &str, href: &str) -> String {
    let base = reqwest::Url::parse(&format!("http://host{from}")).expect("a path");
    let url = base.join(href).expect("a relative reference");
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}

#[test]
fn real_clients_get_the_representation_they_ask_for() {
    let app = TestApp::glossary();
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
        let response = app.get(CONCEPT, &[("accept", accept)]);
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        assert_eq!(response.media_type(), expected, "{accept}");
        assert!(response.header("vary").contains("Accept"));
        let location = response.header("content-location");
        assert!(location.starts_with("eu-ai-office."), "{location}");
        let body = &response.body;
        match expected {
            "text/html" => assert!(response.text().contains("<h1>EU AI Office</h1>")),
            "application/rdf+xml" => assert!(triples(body, RdfFormat::RdfXml) > 100),
            "application/n-quads" => assert!(triples(body, RdfFormat::NQuads) > 100),
            "application/ld+json" => assert!(
                triples(
                    body,
                    RdfFormat::JsonLd {
                        profile: Default::default()
                    }
                ) > 100
            ),
            "text/turtle" => assert!(triples(body, RdfFormat::Turtle) > 100),
            _ => assert!(triples(body, RdfFormat::NTriples) > 100),
        }
    }
}

/// Every negotiated answer says that it varies by `Accept`, and where the
/// same representation is at an address of its own, which gives the same
/// bytes without negotiating.
#[test]
fn negotiated_answers_vary_by_accept_and_name_their_explicit_url() {
    let app = TestApp::glossary();
    for path in NEGOTIATED {
        for accept in ["text/turtle", "application/ld+json", "text/html", "*/*", ""] {
            let headers: &[(&str, &str)] = if accept.is_empty() {
                &[]
            } else {
                &[("accept", accept)]
            };
            let response = app.get(path, headers);
            assert_eq!(response.status(), StatusCode::OK, "{path} {accept}");
            let vary = response.header("vary");
            assert!(varies_by_accept(&vary), "{path} {accept}: {vary}");
            let location = response.header("content-location");
            assert!(!location.is_empty(), "{path} {accept}");
            let explicit = app.get(&resolve(path, &location), &[("accept", "image/png")]);
            assert_eq!(
                explicit.status(),
                StatusCode::OK,
                "{path} {accept}: {location}"
            );
            // The dataset's page at `.well-known/void` links one folder up;
            // at its explicit URL it is the page `/dataset` negotiates.
            let same = if *path == "/.well-known/void" && accept == "text/html" {
                app.get("/dataset", &[("accept", accept)]).body
            } else {
                response.body.clone()
            };
            assert_eq!(explicit.body, same, "{path} {accept}: {location}");
            assert_eq!(
                explicit.header("content-type"),
                response.header("content-type"),
                "{path} {accept}: {location}"
            );
            assert_eq!(explicit.header("content-location"), "", "{location}");
            let vary = explicit.header("vary");
            assert!(!varies_by_accept(&vary), "{location}: {vary}");
            // The links point where the formats are.
            let links = response.header("link");
            for link in links.split(", <").filter(|l| !l.is_empty()) {
                let href = link.trim_start_matches('<').split('>').next().unwrap();
                let linked = app.get(&resolve(path, href), &[]);
                assert_eq!(linked.status(), StatusCode::OK, "{path}: {href}");
            }
        }
    }
    // Answers of other negotiated routes vary by `Accept` too.
    for (path, accept) in [
        ("/store?default", "application/n-triples"),
        ("/sparql", "text/turtle"),
        ("/sparql", "text/html"),
        ("/queries", "application/json"),
        ("/queries", "text/html"),
        (
            "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
            "text/csv",
        ),
    ] {
        let response = app.get(path, &[("accept", accept)]);
        assert_eq!(response.status(), StatusCode::OK, "{path} {accept}");
        let vary = response.header("vary");
        assert!(varies_by_accept(&vary), "{path} {accept}: {vary}");
    }
}

#[test]
fn explicit_format_urls_never_negotiate_and_every_format_is_linked() {
    let app = TestApp::glossary();
    for (ext, media) in [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
        ("nt", "application/n-triples"),
        ("nq", "application/n-quads"),
        ("trig", "application/trig"),
        ("html", "text/html"),
    ] {
        for stem in [
            CONCEPT,
            "/index",
            "/ontology",
            "/glossgraph/ontology",
            "/dataset",
        ] {
            let path = format!("{stem}.{ext}");
            let response = app.get(&path, &[("accept", "image/png")]);
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(response.media_type(), media, "{path}");
            assert!(response.header("content-location").is_empty(), "{path}");
            let vary = response.header("vary");
            assert!(!varies_by_accept(&vary), "{path}: {vary}");
        }
        let response = app.get(&format!("{CONCEPT}.{ext}"), &[]);
        let link = response.header("link");
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
    let app = TestApp::glossary();
    let all = [
        "text/html",
        "text/turtle",
        "application/ld+json",
        "application/rdf+xml",
        "application/n-triples",
        "application/n-quads",
        "application/trig",
    ];
    for (path, offered) in [
        (CONCEPT, &all[..]),
        ("/", &all[..]),
        ("/ontology", &all[..]),
        ("/dataset", &all[..]),
        ("/queries", &["text/html", "application/json"][..]),
    ] {
        let response = app.get(path, &[("accept", "image/png")]);
        assert_eq!(response.status(), StatusCode::NOT_ACCEPTABLE, "{path}");
        assert_eq!(response.media_type(), "application/problem+json");
        let problem = response.json();
        assert_eq!(problem["status"], 406);
        let detail = problem["detail"].as_str().unwrap();
        let mut offered = offered.to_vec();
        if offered.contains(&"application/ld+json") {
            offered.extend(JSONLD_PROFILES.map(|p| p.1));
        }
        assert!(
            detail.ends_with(&format!("available as {}", offered.join(", "))),
            "{path}: {detail}"
        );
        assert!(varies_by_accept(&response.header("vary")), "{path}");
    }

    // An API client gets problem+json, a browser a page with the same message.
    for path in ["/concept/no-such-concept", "/no/such/thing"] {
        for accept in ["*/*", "application/json", ""] {
            let headers: &[(&str, &str)] = if accept.is_empty() {
                &[]
            } else {
                &[("accept", accept)]
            };
            let response = app.get(path, headers);
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path} {accept}");
            assert_eq!(response.media_type(), "application/problem+json");
            assert_eq!(response.json()["status"], 404);
        }
        let response = app.get(
            path,
            &[("accept", "text/html,application/xhtml+xml,*/*;q=0.8")],
        );
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(response.media_type(), "text/html");
        assert!(response.text().contains("<h1>Not found</h1>"), "{path}");
        assert!(varies_by_accept(&response.header("vary")), "{path}");
    }
    let page = app.get(
        "/concept/no-such-concept",
        &[("accept", "text/html,application/xhtml+xml,*/*;q=0.8")],
    );
    assert!(
        page.text()
            .contains("there is no concept <code>no-such-concept</code>"),
        "{}",
        page.text()
    );
    // A mistyped id finds the concept meant.
    let typo = app.get(
        "/concept/eu-ai-ofice",
        &[("accept", "text/html,application/xhtml+xml,*/*;q=0.8")],
    );
    assert_eq!(typo.status(), StatusCode::NOT_FOUND);
    assert!(
        typo.text()
            .contains(r#"<li><a href="/concept/eu-ai-office">"#),
        "{}",
        typo.text()
    );
    // Browsers ask for a favicon whatever the page links: there is one.
    for path in ["/favicon.ico", "/assets/favicon.svg"] {
        let icon = app.get(path, &[]);
        assert_eq!(icon.status(), StatusCode::OK, "{path}");
        assert_eq!(icon.media_type(), "image/svg+xml");
    }
    assert!(
        page.text()
            .contains(r#"rel="icon" href="/assets/favicon.svg""#)
    );

    for path in [
        "/concept/..%2F..%2F..%2Fetc%2Fpasswd",
        "/../../etc/passwd",
        "/etc/passwd",
        "/concept/eu-ai-office.exe",
        "/dump.zip",
        "/assets/../Cargo.toml",
        "/Cargo.toml",
        "/assets/style.css.map",
    ] {
        let response = app.get(path, &[]);
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!response.text().contains("root:"), "{path}");
    }
}

/// JSON-LD's profiles, as asked for and as answered.
const JSONLD_PROFILES: [(&str, &str); 3] = [
    (
        "compacted",
        "application/ld+json;profile=\"http://www.w3.org/ns/json-ld#compacted\"",
    ),
    (
        "flattened",
        "application/ld+json;profile=\"http://www.w3.org/ns/json-ld#flattened http://www.w3.org/ns/json-ld#compacted\"",
    ),
    (
        "expanded",
        "application/ld+json;profile=\"http://www.w3.org/ns/json-ld#expanded http://www.w3.org/ns/json-ld#flattened\"",
    ),
];

/// The graph a JSON-LD or other RDF answer holds, as sorted N-Triples lines
/// (read by Oxigraph's parsers, which share no code with our writers).
fn graph_of(bytes: &[u8], format: RdfFormat) -> Vec<String> {
    let mut lines: Vec<String> = RdfParser::from_format(format)
        .for_slice(bytes)
        .map(|q| oxigraph::model::Triple::from(q.expect("parses")).to_string())
        .collect();
    lines.sort();
    lines.dedup();
    lines
}

/// The names clients use besides a format's own media type, and JSON-LD's
/// profiles: each gets the representation it names, labelled as asked, and
/// anything else is a 406 that says what is offered.
#[test]
fn older_format_names_and_json_ld_profiles_are_answered() {
    let app = TestApp::glossary();
    let explicit = |ext: &str| app.get(&format!("{CONCEPT}.{ext}"), &[]);
    for (accept, ext) in [
        ("text/n3", "ttl"),
        ("application/xml", "rdf"),
        ("text/xml", "rdf"),
        ("text/plain", "nt"),
        ("text/n3;q=0.9, text/plain;q=0.5", "ttl"),
    ] {
        let response = app.get(CONCEPT, &[("accept", accept)]);
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        let asked = accept.split(';').next().unwrap();
        assert_eq!(
            response.header("content-type"),
            format!("{asked}; charset=utf-8"),
            "{accept}"
        );
        assert_eq!(response.body, explicit(ext).body, "{accept}");
        assert!(varies_by_accept(&response.header("vary")), "{accept}");
    }
    // A browser's `application/xml;q=0.9` still loses to its `text/html`.
    let browser = app.get(
        CONCEPT,
        &[(
            "accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        )],
    );
    assert_eq!(browser.media_type(), "text/html");

    let reference = graph_of(&explicit("nt").body, RdfFormat::NTriples);
    let jsonld = RdfFormat::JsonLd {
        profile: Default::default(),
    };
    let mut etags = std::collections::BTreeSet::new();
    for (name, answered) in JSONLD_PROFILES {
        let accept = format!("application/ld+json;profile=\"http://www.w3.org/ns/json-ld#{name}\"");
        let response = app.get(CONCEPT, &[("accept", &accept)]);
        assert_eq!(response.status(), StatusCode::OK, "{name}");
        assert_eq!(
            response.header("content-type"),
            format!("{answered}; charset=utf-8"),
            "{name}"
        );
        assert_eq!(graph_of(&response.body, jsonld), reference, "{name}");
        let document: serde_json::Value = response.json();
        match name {
            "compacted" => assert_eq!(response.body, explicit("jsonld").body),
            "flattened" => {
                assert!(document["@context"].is_object());
                let nodes = document["@graph"].as_array().unwrap();
                let embedded = nodes.iter().flat_map(|n| n.as_object().unwrap().values());
                for value in embedded {
                    let values = value
                        .as_array()
                        .cloned()
                        .unwrap_or_else(|| vec![value.clone()]);
                    assert!(
                        values
                            .iter()
                            .all(|v| v.get("@id").is_none() || v.as_object().unwrap().len() == 1),
                        "a node embedded in the flattened form: {value}"
                    );
                }
                assert_eq!(response.header("content-location"), "");
            }
            _ => {
                let nodes = document.as_array().expect("an array of nodes");
                assert!(nodes.iter().all(|n| n.get("@context").is_none()));
                assert!(nodes.iter().any(|n| {
                    n.get("http://www.w3.org/2004/02/skos/core#prefLabel")
                        .is_some()
                }));
                assert_eq!(response.header("content-location"), "");
            }
        }
        etags.insert(response.header("etag"));
    }
    assert_eq!(
        etags.len(),
        3,
        "each form has validators of its own: {etags:?}"
    );
    // Two profiles at once are a list: flattened and compacted is one form.
    let both = app.get(
        CONCEPT,
        &[(
            "accept",
            "application/ld+json;profile=\"http://www.w3.org/ns/json-ld#flattened http://www.w3.org/ns/json-ld#compacted\"",
        )],
    );
    assert_eq!(
        both.header("content-type"),
        format!("{}; charset=utf-8", JSONLD_PROFILES[1].1)
    );
    // A profile not offered is refused, with the ones that are.
    let framed = app.get(
        CONCEPT,
        &[(
            "accept",
            "application/ld+json;profile=\"http://www.w3.org/ns/json-ld#framed\"",
        )],
    );
    assert_eq!(framed.status(), StatusCode::NOT_ACCEPTABLE);
    assert!(varies_by_accept(&framed.header("vary")));
    let detail = framed.json()["detail"].as_str().unwrap().to_owned();
    for (_, offered) in JSONLD_PROFILES {
        assert!(detail.contains(offered), "{detail}");
    }
    // The same names reach the Graph Store Protocol and CONSTRUCT answers.
    let store = app.get("/store?default", &[("accept", "text/plain")]);
    assert_eq!(store.header("content-type"), "text/plain; charset=utf-8");
    let construct = app.get(
        "/sparql?query=CONSTRUCT%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%203",
        &[("accept", "text/n3")],
    );
    assert_eq!(construct.header("content-type"), "text/n3; charset=utf-8");
}

/// Results in CSV and TSV name their charset once.
#[test]
fn results_name_one_charset() {
    let app = TestApp::glossary();
    for accept in ["text/csv", "text/tab-separated-values"] {
        let response = app.get(
            "/sparql?query=SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%201",
            &[("accept", accept)],
        );
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.header("content-type").matches("charset").count(),
            1,
            "{accept}: {}",
            response.header("content-type")
        );
    }
}

/// Each resource answers 304 to a client whose copy is current, by tag or by
/// date, with the headers of its 200 answer but no body or type.
#[test]
fn validators_answer_304() {
    let app = TestApp::glossary();
    let mut paths: Vec<&str> = NEGOTIATED.to_vec();
    paths.extend([
        "/concept/eu-ai-office.ttl",
        "/dump.nt",
        "/dump.ttl.gz",
        "/sitemap.xml",
        "/context.jsonld",
        "/assets/style.css",
        "/yasgui/yasgui.min.js",
        "/store?default",
    ]);
    for path in paths {
        let accept = [("accept", "text/turtle")];
        let response = app.get(path, &accept);
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let etag = response.header("etag");
        let modified = response.header("last-modified");
        assert!(etag.starts_with("W/\""), "{path}: {etag}");
        assert!(!modified.is_empty(), "{path}");
        for validator in [
            ("if-none-match", etag.as_str()),
            ("if-modified-since", &modified),
        ] {
            let again = app.get(path, &[accept[0], validator]);
            assert_eq!(
                again.status(),
                StatusCode::NOT_MODIFIED,
                "{path} {validator:?}"
            );
            assert!(again.body.is_empty(), "{path}");
            assert_eq!(again.header("content-type"), "", "{path}");
            for name in ["etag", "content-location", "cache-control"] {
                assert_eq!(again.header(name), response.header(name), "{path} {name}");
            }
            // (A 304 always says `Vary: Accept-Encoding`: it has no type to
            // tell whether its 200 would be compressed.)
            assert_eq!(
                varies_by_accept(&again.header("vary")),
                varies_by_accept(&response.header("vary")),
                "{path}"
            );
        }
        let changed = app.get(path, &[accept[0], ("if-none-match", "W/\"0-other\"")]);
        assert_eq!(changed.status(), StatusCode::OK, "{path}");
        assert_eq!(changed.body, response.body, "{path}");
        let older = app.get(
            path,
            &[
                accept[0],
                ("if-modified-since", "Thu, 01 Jan 1970 00:00:00 GMT"),
            ],
        );
        assert_eq!(older.status(), StatusCode::OK, "{path}");
    }
    // Another representation has another tag.
    let etag = app
        .get(CONCEPT, &[("accept", "text/turtle")])
        .header("etag");
    let html = app.get(
        CONCEPT,
        &[("accept", "text/html"), ("if-none-match", &etag)],
    );
    assert_eq!(html.status(), StatusCode::OK);
}

/// `HEAD` answers as `GET` does, without the body.
#[test]
fn head_answers_as_get_without_a_body() {
    let app = TestApp::glossary();
    for path in [
        "/",
        CONCEPT,
        "/concept/eu-ai-office.ttl",
        "/dataset",
        "/dump.nt",
        "/sparql",
        "/queries",
        "/concept/no-such-concept",
    ] {
        for accept in ["text/turtle", "text/html", "application/json"] {
            let get = app.get(path, &[("accept", accept)]);
            let head = app.send("HEAD", path, &[("accept", accept)], Vec::new());
            assert_eq!(head.status(), get.status(), "{path} {accept}");
            assert!(head.body.is_empty(), "{path} {accept}");
            for name in ["content-type", "etag", "vary", "content-location", "link"] {
                assert_eq!(
                    head.header(name),
                    get.header(name),
                    "{path} {accept} {name}"
                );
            }
            let length = head.header("content-length");
            assert!(
                length.is_empty() || length == get.body.len().to_string(),
                "{path} {accept}: {length}"
            );
        }
    }
}

/// CORS is set once, by the frame, on every answer, errors included; any
/// `OPTIONS` is a preflight.
#[test]
fn every_answer_allows_any_origin() {
    let app = TestApp::glossary();
    let origin = ("origin", "https://elsewhere.example");
    for path in [
        CONCEPT,
        "/api/search?q=office",
        "/reconcile",
        "/queries",
        "/no/such/thing",
    ] {
        let response = app.get(path, &[origin, ("accept", "application/json")]);
        assert_eq!(
            response.header("access-control-allow-origin"),
            "*",
            "{path}"
        );
        assert!(
            response
                .header("access-control-expose-headers")
                .contains("link")
        );
    }
    for (path, media) in [
        ("/api/search?q=office", "application/json"),
        ("/reconcile", "application/json"),
        ("/queries", "application/json"),
    ] {
        let response = app.get(path, &[("accept", "application/json")]);
        assert_eq!(response.header("content-type"), media, "{path}");
        response.json();
    }
    let preflight = app.send(
        "OPTIONS",
        "/sparql",
        &[
            origin,
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
        ],
        Vec::new(),
    );
    assert!(preflight.status().is_success());
    assert_eq!(preflight.header("access-control-allow-origin"), "*");
    assert!(
        preflight
            .header("access-control-allow-methods")
            .contains("POST")
    );
    assert!(
        preflight
            .header("access-control-allow-headers")
            .contains("content-type")
    );
}

/// Each encoding decodes to the bytes sent uncompressed, the second time (from
/// the cache) as the first, and every answer says it varies by encoding.
#[test]
fn compressed_pages_decode_to_the_plain_page() {
    use std::io::Read;
    let server = TestServer::glossary();
    let header = |response: &reqwest::blocking::Response, name: &str| {
        response
            .headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(", ")
    };
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
    for encoding in ["gzip", "br"] {
        let response = server.get("/dump.nt", &[("accept-encoding", encoding)]);
        assert_eq!(header(&response, "content-encoding"), encoding);
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

/// Query strings a page does not read make the same bytes, kept compressed
/// once: a client making up `?x=1`, `?x=2`, … cannot fill the cache.
#[test]
fn made_up_query_strings_share_one_compressed_page() {
    let state = crate::util::state_of(
        &crate::util::project(),
        crate::util::built().store.clone(),
        glossgraph::server::Limits::default(),
    );
    let server = TestServer::start(state.clone());
    let gzip = [("accept", "text/html"), ("accept-encoding", "gzip")];
    let first = server.get(CONCEPT, &gzip).bytes().unwrap();
    let kept = state.snapshot().compressed.size();
    assert!(kept > 0, "the compressed page is kept");
    for n in 0..50 {
        let again = server.get(&format!("{CONCEPT}?x={n}"), &gzip);
        assert_eq!(again.bytes().unwrap(), first, "?x={n}");
    }
    assert_eq!(state.snapshot().compressed.size(), kept);
}

#[test]
fn the_home_page_shows_the_scheme_tree_and_index() {
    let app = TestApp::glossary();
    let page = app.get("/", &[("accept", "text/html")]).text();
    assert!(page.contains("<h1>EU AI governance glossary</h1>"));
    assert!(
        page.contains("<a href=\"concept/european-commission\">European Commission</a>\n<ul><li><a href=\"concept/eu-ai-office\">EU AI Office</a>"),
        "the tree nests the AI Office under the Commission"
    );
    assert!(page.contains("id=\"letter-E\""));
    assert!(page.contains("role=\"search\""));
    assert!(page.contains("<main id=\"main\">"));
    // As RDF, the scheme.
    let turtle = app.get("/", &[("accept", "text/turtle")]).text();
    assert!(turtle.contains("skos:hasTopConcept"));
}

#[test]
fn the_concept_page_shows_everything_the_entry_has() {
    let app = TestApp::glossary();
    let page = app.get(CONCEPT, &[("accept", "text/html")]).text();
    for expected in [
        "<h1>EU AI Office</h1>",
        "Definition · <span>Plain-language</span>",
        "<h2>What the AI Office is</h2>",
        "<h2>Its main responsibilities</h2>",
        "<h2>How it fits the governance architecture</h2>",
        "<dt>Location</dt>",
        "<strong>Often heard:</strong> <span>The AI Office is a fully independent new EU agency.</span>",
        "<dt>Part of</dt>",
        "<dt>Works with</dt>",
        "<a href=\"../concept/european-commission\">European Commission</a>",
        "https://w3id.org/dpv/legal/eu/aiact#AIOffice",
        ">Article 64</a>",
        // A point is kept, and links to its Article.
        "<a href=\"http://data.europa.eu/eli/reg/2024/1689/art_3/oj\">Article 3(47)</a>",
        "<code class=\"iri\">https://eu-ai.glossgraph.org/concept/eu-ai-office</code>",
        "\"@type\":\"DefinedTerm\"",
        "aria-label=\"Breadcrumb\"",
    ] {
        assert!(page.contains(expected), "the page lacks {expected}");
    }
    assert_eq!(page.matches("class=\"misconception\"").count(), 3);
    // The RDF keeps the point beside the Article it is in.
    let turtle = app.get(&format!("{CONCEPT}.nt"), &[]).text();
    assert!(turtle.contains(
        "<https://eu-ai.glossgraph.org/concept/eu-ai-office> <https://w3id.org/glossgraph/ns#citation> \"Article 3(47)\" ."
    ));
    assert!(turtle.contains(
        "<http://purl.org/dc/terms/source> <http://data.europa.eu/eli/reg/2024/1689/art_3/oj> ."
    ));
}

#[test]
fn every_text_is_escaped() {
    let app = TestApp::fixture();
    let page = app.get("/concept/xss", &[("accept", "text/html")]).text();
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
    let app = TestApp::fixture();
    let page = |path: &str, headers: &[(&str, &str)]| app.get(path, headers).text();
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
    assert!(office.contains("<h1 lang=\"en\">Office</h1>"), "{office}");
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
    let response = app.get("/concept/board", &[("accept", "text/html")]);
    assert!(response.header("vary").contains("Accept-Language"));
    // RDF at its own address is the same in every language.
    for path in ["/concept/board.ttl", "/dataset.ttl"] {
        let vary = app.get(path, &[]).header("vary");
        assert!(!vary.contains("Accept-Language"), "{path}: {vary}");
    }
}

#[test]
fn cached_representations_stay_apart_by_language_format_route_and_negotiation() {
    let app = TestApp::fixture();
    let get = |path: &str, headers: &[(&str, &str)]| app.get(path, headers).body;
    let english = get("/concept/board", &[]);
    let german = get("/concept/board?lang=de", &[]);
    let turtle = get("/concept/board", &[("accept", "text/turtle")]);
    let iri = app.get("/concept/board.ttl", &[]).text();
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
        let response = app.get(path, &[("accept", "text/turtle")]);
        ["content-location", "vary", "link"].map(|name| response.header(name))
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
    let app = TestApp::glossary();
    let nt = app.get("/dump.nt", &[]).body;
    let count = triples(&nt, RdfFormat::NTriples);
    assert!(count > 4000);
    let nq = app.get("/dump.nq", &[]).body;
    assert_eq!(triples(&nq, RdfFormat::NQuads), count);
    let gz = app.get("/dump.ttl.gz", &[("accept-encoding", "identity")]);
    assert_eq!(gz.media_type(), "application/gzip");
    let mut turtle = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz.body[..]), &mut turtle)
        .unwrap();
    assert_eq!(triples(&turtle, RdfFormat::Turtle), count);
    for dump in ["/dump.rdf", "/dump.jsonld", "/dump.trig"] {
        assert_eq!(app.get(dump, &[]).status(), StatusCode::OK, "{dump}");
    }

    let void = app.get("/.well-known/void", &[]).text();
    assert!(
        void.contains("void:sparqlEndpoint <https://eu-ai.glossgraph.org/sparql>"),
        "{void}"
    );
    assert!(void.contains("dcat:downloadURL <https://eu-ai.glossgraph.org/dump.ttl>"));
    let sitemap = app.get("/sitemap.xml", &[]).text();
    // The home page, 44 concepts and 3 collections.
    assert_eq!(sitemap.matches("<loc>").count(), 48);
    assert!(
        app.get("/robots.txt", &[])
            .text()
            .contains("Sitemap: https://eu-ai.glossgraph.org/sitemap.xml")
    );
    let context = app.get("/context.jsonld", &[]).json();
    assert_eq!(context["@context"]["prefLabel"]["@id"], "skos:prefLabel");
    let ontology = app
        .get("/glossgraph/ns", &[("accept", "text/turtle")])
        .text();
    assert!(ontology.contains("gg:partOf"));
    assert!(
        app.get("/ontology", &[("accept", "text/html")])
            .text()
            .contains("<code>part-of</code>")
    );
    for (path, media) in [
        ("/assets/style.css", "text/css"),
        ("/assets/autocomplete.js", "text/javascript"),
        ("/yasgui/yasgui.min.css", "text/css"),
    ] {
        let response = app.get(path, &[]);
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.media_type(), media, "{path}");
    }
}

#[test]
fn graph_store_protocol_reads() {
    let app = TestApp::glossary();
    let graph = app.get(
        "/store?graph=https%3A%2F%2Feu-ai.glossgraph.org%2Fconcept%2Feu-ai-office",
        &[("accept", "application/n-triples")],
    );
    assert_eq!(graph.status(), StatusCode::OK);
    let in_graph = triples(&graph.body, RdfFormat::NTriples);
    assert!(in_graph > 50);
    let all = app
        .get("/store?default", &[("accept", "application/n-triples")])
        .body;
    assert!(triples(&all, RdfFormat::NTriples) > in_graph);
    assert_eq!(
        app.get("/store?graph=https%3A%2F%2Fnowhere.example%2F", &[])
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/store", &[]).status(), StatusCode::BAD_REQUEST);
}

#[test]
fn search_works_without_javascript() {
    let app = TestApp::glossary();
    let page = app.get("/search?q=office", &[]).text();
    assert!(
        page.contains("<a href=\"concept/eu-ai-office\">EU AI Office</a>"),
        "{page}"
    );
    let page = app.get("/search?q=%3Cscript%3E", &[]).text();
    assert!(!page.contains("<script>"));
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
    let app = TestApp::new(state.clone());
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
            let page = app.get("/concept/board", &[("accept", "text/html")]).text();
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
    assert_eq!(app.get("/concept/office", &[]).status(), StatusCode::OK);
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
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/turtle")
        );
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

/// The vocabulary's page at its own IRI's path links the site's files from
/// the root, as the page at `/ontology` does.
#[test]
fn the_vocabulary_page_at_its_own_path_links_from_the_root() {
    let app = TestApp::glossary();
    for (path, root) in [("/ontology", ""), ("/glossgraph/ns", "../")] {
        let page = app.get(path, &[("accept", "text/html")]).text();
        let stylesheet = format!("href=\"{root}assets/style.css\"");
        assert!(page.contains(&stylesheet), "{path}: {page}");
        let linked = resolve(path, &format!("{root}assets/style.css"));
        assert_eq!(app.get(&linked, &[]).status(), StatusCode::OK, "{path}");
    }
}

/// A page that shows what a request said (the search text, a path not
/// found, a query that does not parse) shows no control character or
/// noncharacter, however the request writes one.
#[test]
fn no_request_puts_a_control_character_on_a_page() {
    let app = crate::util::TestApp::glossary();
    for path in [
        "/search?q=a%07b%00c%C2%85",
        "/search?q=x&lang=%07",
        "/concept/x%07y",
        "/concept/x%07y.ttl",
        "/concept/%EF%BF%BE",
        "/sparql?query=SELEC%07T%20%2A",
        "/reconcile/suggest/entity?prefix=%07a",
        "/no%1Bsuch/page",
    ] {
        let response = app.get(path, &[("accept", "text/html")]);
        let page = String::from_utf8_lossy(&response.body).into_owned();
        let bad = page.chars().find(|c| glossgraph::text::forbidden(*c, true));
        assert_eq!(bad, None, "{path} ({}):\n{page}", response.status);
    }
}

/// A published vocabulary's concept page shows every SKOS documentation
/// property, labelled and in the reader's language when it has one, and its
/// schema.org JSON-LD names the vocabulary's own scheme.
#[test]
fn a_vocabulary_concept_page_shows_its_notes() {
    let dir = crate::util::fixture_with_vocabularies(&[(
        "notes.ttl",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
         <https://v.example/scheme> a skos:ConceptScheme ; skos:prefLabel \"Notes\"@en .\n\
         <https://v.example/c> a skos:Concept ; skos:inScheme <https://v.example/scheme> ;\n\
           skos:notation \"C-1\" ;\n\
           skos:prefLabel \"Climate\"@en , \"Klima\"@de ;\n\
           skos:scopeNote \"Use for the weather over decades.\"@en , \"Für das Wetter über Jahrzehnte.\"@de ;\n\
           skos:historyNote \"Added in 2001.\"@en ;\n\
           skos:editorialNote \"Check the German label.\"@en ;\n\
           skos:example \"Ice ages.\"@en .\n",
    )]);
    // An entry's notes are shown the same way; its sections (also published
    // as `skos:note`s) are shown once, as sections.
    std::fs::write(
        dir.path().join("entries/noted.md"),
        "---\nterm: Noted\ndefinition: An entry with notes.\nnotes:\n  scope: Only for tests.\n  note: A plain note.\n---\n\n## Background\n\nWhy it exists.\n",
    )
    .unwrap();
    let project = glossgraph::project::Project::open(dir.path()).unwrap();
    let built = crate::util::build_in_memory(&project);
    let app = crate::util::TestApp::new(crate::util::state_of(
        &project,
        built.store,
        glossgraph::server::Limits::default(),
    ));
    let page = |lang: &str| {
        app.get(
            &format!("/resource?iri=https%3A%2F%2Fv.example%2Fc&lang={lang}"),
            &[("accept", "text/html")],
        )
        .text()
    };
    let english = page("en");
    for expected in [
        "<dt>Scope note</dt><dd>Use for the weather over decades.</dd>",
        "<dt>Example</dt><dd>Ice ages.</dd>",
        "<dt>History</dt><dd>Added in 2001.</dd>",
        "<dt>Editorial note</dt><dd>Check the German label.</dd>",
        "\"inDefinedTermSet\":\"https://v.example/scheme\"",
        "\"termCode\":\"C-1\"",
    ] {
        assert!(english.contains(expected), "{expected}:\n{english}");
    }
    let german = page("de");
    assert!(
        german.contains("<dt>Verwendungshinweis</dt><dd>Für das Wetter über Jahrzehnte.</dd>"),
        "{german}"
    );
    // Shown in English where German has none, and marked so.
    assert!(
        german.contains("<dt>Beispiel</dt><dd lang=\"en\">Ice ages.</dd>"),
        "{german}"
    );
    let entry = app.get("/concept/noted", &[("accept", "text/html")]).text();
    assert!(
        entry.contains("<dt>Scope note</dt><dd>Only for tests.</dd>"),
        "{entry}"
    );
    assert!(entry.contains("<dd>A plain note.</dd>"), "{entry}");
    assert!(!entry.contains("<dd>Background"), "{entry}");
    assert_eq!(entry.matches("Why it exists.").count(), 1, "{entry}");
}
