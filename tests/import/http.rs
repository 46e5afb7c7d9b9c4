//! Importing over HTTP from a local server: pages as text and HTML, a
//! vocabulary, and every way a fetch can fail (timeout, 404, an image, too
//! big, a redirect loop, another media type).

use crate::util::{files_in, fixture, project, serve, suite, suites};
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use glossgraph::import::ImportError;
use glossgraph::import::page::{self, PageOptions};
use glossgraph::import::skos::{self, SkosOptions};
use glossgraph::input::{FetchError, FetchLimits, FetchProblem};
use std::sync::OnceLock;
use std::time::Duration;

/// The test server's address, started once.
fn server() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        // The tests that need the seed say so themselves.
        let seed = std::fs::read(suites().join("seeds/eu-ai-office.txt")).unwrap_or_default();
        let html = std::fs::read(fixture("eu-ai-office.html")).unwrap();
        let png = std::fs::read(fixture("pixel.png")).unwrap();
        let vocabulary = std::fs::read(fixture("vocabulary.ttl")).unwrap();
        let pact = std::fs::read_to_string(fixture("ai-pact.txt")).unwrap();
        let cp1252: Vec<u8> = pact
            .chars()
            .map(|c| match c {
                '—' => 0x97,
                '·' => 0xb7,
                c if c.is_ascii() => c as u8,
                c => panic!("no Windows-1252 byte for {c}"),
            })
            .collect();
        let router = Router::new()
            .route("/seed", get(move || async move { ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], seed) }))
            .route("/page.html", get(move || async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html) }))
            .route("/moved", get(|| async { Redirect::temporary("/page.html") }))
            .route("/loop", get(|| async { Redirect::temporary("/loop") }))
            .route("/missing", get(|| async { (StatusCode::NOT_FOUND, "no such page").into_response() }))
            .route("/pixel", get(move || async move { ([(header::CONTENT_TYPE, "image/png")], png) }))
            .route("/report", get(|| async { ([(header::CONTENT_TYPE, "application/pdf")], "%PDF-1.7") }))
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    ([(header::CONTENT_TYPE, "text/html")], "<p>late</p>")
                }),
            )
            .route("/big", get(|| async { ([(header::CONTENT_TYPE, "text/html")], vec![b'a'; 2 * 1024 * 1024]) }))
            .route("/pact", get(move || async move { ([(header::CONTENT_TYPE, "text/plain; charset=windows-1252")], cp1252) }))
            .route("/vocabulary", get(move || async move { ([(header::CONTENT_TYPE, "text/turtle")], vocabulary) }));
        serve(router)
    })
}

/// A server that answers every request with `head` and then `body_len` bytes,
/// without a `Content-Length` (the end of the body is the end of the connection).
fn unsized_server(head: &'static str, body_len: usize) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let _ = stream.write_all(head.as_bytes());
            let chunk = vec![b'a'; 64 * 1024];
            let mut sent = 0;
            while sent < body_len {
                if stream.write_all(&chunk).is_err() {
                    break;
                }
                sent += chunk.len();
            }
        }
    });
    format!("http://{address}")
}

fn limits() -> FetchLimits {
    FetchLimits {
        timeout: Duration::from_secs(1),
        max_bytes: 1024 * 1024,
        redirects: 3,
    }
}

fn page_options(out: &std::path::Path) -> PageOptions {
    PageOptions {
        limits: limits(),
        ..PageOptions::new(out)
    }
}

#[test]
fn the_seed_imports_over_http_as_text_and_as_html_like_from_files() {
    let Some(seed) = suite("seeds/eu-ai-office.txt") else {
        return;
    };
    let project = project();
    let from_file = tempfile::tempdir().unwrap();
    page::import(
        &[seed.to_string_lossy().into_owned()],
        &project,
        &PageOptions::new(from_file.path()),
    )
    .unwrap();
    let expected = std::fs::read_to_string(from_file.path().join("eu-ai-office.md")).unwrap();
    for path in ["/seed", "/page.html", "/moved"] {
        let out = tempfile::tempdir().unwrap();
        let url = format!("{}{path}", server());
        let report = page::import(
            std::slice::from_ref(&url),
            &project,
            &page_options(out.path()),
        )
        .unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(report.pages[0].input, url);
        let text = std::fs::read_to_string(out.path().join("eu-ai-office.md")).unwrap();
        assert_eq!(text, expected, "{url}");
        assert!(report.to_string().contains("dropped"), "{report}");
    }
}

#[test]
fn a_page_in_windows_1252_is_decoded() {
    let project = project();
    let from_file = tempfile::tempdir().unwrap();
    page::import(
        &[fixture("ai-pact.txt")],
        &project,
        &PageOptions::new(from_file.path()),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    page::import(
        &[format!("{}/pact", server())],
        &project,
        &page_options(out.path()),
    )
    .unwrap();
    let read = |dir: &std::path::Path| std::fs::read_to_string(dir.join("ai-pact.md")).unwrap();
    assert_eq!(read(out.path()), read(from_file.path()));
}

/// The problem fetching `path` from the test server reports.
fn problem(url: &str) -> FetchProblem {
    let project = project();
    let out = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let result = page::import(&[url.to_owned()], &project, &page_options(out.path()));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{url} took {:?}",
        started.elapsed()
    );
    assert!(files_in(out.path()).is_empty(), "nothing written for {url}");
    match result {
        Err(ImportError::Fetch(FetchError { input, problem })) => {
            assert_eq!(input, url);
            problem
        }
        Err(other) => panic!("{url}: {other}"),
        Ok(report) => panic!("{url} imported: {report}"),
    }
}

#[test]
fn every_failure_of_a_fetch_gets_its_own_clear_error() {
    let base = server();
    assert_eq!(
        problem(&format!("{base}/slow")),
        FetchProblem::Timeout { millis: 1000 }
    );
    assert_eq!(
        problem(&format!("{base}/missing")),
        FetchProblem::Status {
            code: 404,
            reason: "Not Found".into()
        }
    );
    assert_eq!(
        problem(&format!("{base}/pixel")),
        FetchProblem::Image("image/png".into())
    );
    assert_eq!(
        problem(&format!("{base}/loop")),
        FetchProblem::Redirects { limit: 3 }
    );
    assert_eq!(
        problem(&format!("{base}/big")),
        FetchProblem::TooBig {
            limit: 1024 * 1024,
            size: Some(2 * 1024 * 1024)
        }
    );
    assert!(matches!(
        problem(&format!("{base}/report")),
        FetchProblem::ContentType { ref found, .. } if found == "application/pdf"
    ));
    let unsized_url = unsized_server(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n",
        2 * 1024 * 1024,
    );
    assert_eq!(
        problem(&unsized_url),
        FetchProblem::TooBig {
            limit: 1024 * 1024,
            size: None
        }
    );
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        drop(listener);
        format!("http://{address}/")
    };
    assert!(matches!(problem(&closed), FetchProblem::Connect(_)));

    // The messages say what happened and what to do.
    let project = project();
    let out = tempfile::tempdir().unwrap();
    let message = |path: &str| {
        page::import(
            &[format!("{base}{path}")],
            &project,
            &page_options(out.path()),
        )
        .unwrap_err()
        .to_string()
    };
    assert!(message("/slow").contains("timed out"));
    assert!(message("/missing").contains("404 Not Found"));
    assert!(message("/pixel").contains("it is an image (image/png), not a glossary page"));
    assert!(message("/loop").contains("redirect loop"));
    assert!(message("/big").contains("more than the limit of 1048576 bytes"));
}

#[test]
fn a_vocabulary_imports_over_http_by_its_media_type() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("glossary.toml"),
        "base = \"https://test.example/\"\nlanguages = [\"en\", \"de\"]\n[title]\nen = \"Test\"\n",
    )
    .unwrap();
    let project = glossgraph::project::Project::open(dir.path()).unwrap();
    let options = SkosOptions {
        limits: limits(),
        ..SkosOptions::new(dir.path().join("entries"))
    };
    let report =
        skos::to_entries(&[format!("{}/vocabulary", server())], &project, &options).unwrap();
    assert_eq!(report.converted.len(), 4);
    let err = skos::to_entries(&[format!("{}/pixel", server())], &project, &options).unwrap_err();
    assert!(
        matches!(
            err,
            ImportError::Fetch(FetchError {
                problem: FetchProblem::Image(_),
                ..
            })
        ),
        "{err}"
    );
}
