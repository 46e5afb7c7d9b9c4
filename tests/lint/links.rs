//! `--check-links`: broken links are found with bounded concurrency and time,
//! against a local HTTP server (no other network).

use glossgraph::lint::{self, LinkOptions, Options, Severity};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

/// Answers `/ok` with 200, `/slow` after 3 s, anything else with 404; stops after `requests`.
fn serve(requests: usize) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let _ = reader.read_line(&mut line);
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) <= 2 {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let status = match path.as_str() {
                    "/ok" => "200 OK",
                    "/slow" => {
                        std::thread::sleep(Duration::from_secs(3));
                        "200 OK"
                    }
                    _ => "404 Not Found",
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            });
        }
    });
    (address, handle)
}

#[test]
fn broken_links_are_reported_and_good_ones_are_not() {
    let (base, _server) = serve(64);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v.ttl");
    std::fs::write(
        &file,
        format!(
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
             <https://vocab.example/a> a skos:Concept ;\n  skos:prefLabel \"A\"@en ;\n\
             \x20 skos:exactMatch <{base}/ok> ;\n  skos:closeMatch <{base}/gone> ;\n  skos:relatedMatch <{base}/slow> .\n"
        ),
    )
    .unwrap();
    let options = Options {
        check_links: true,
        links: LinkOptions {
            concurrency: 2,
            timeout: Duration::from_secs(1),
            budget: Duration::from_secs(20),
            max_links: 10,
        },
        ..Options::default()
    };
    let report = lint::lint_sources(&[file.display().to_string()], &options).unwrap();
    let broken: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "qskos/broken-link")
        .collect();
    let messages: Vec<&str> = broken.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(broken.len(), 2, "{messages:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("/gone") && m.contains("404")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("/slow") && m.contains("no answer in time")),
        "{messages:#?}"
    );
    assert!(
        broken
            .iter()
            .all(|f| f.severity == Severity::Warning && f.location.line == Some(2))
    );
    // Without the option, nothing is requested.
    let quiet = lint::lint_sources(&[file.display().to_string()], &Options::default()).unwrap();
    assert!(quiet.findings.iter().all(|f| f.rule != "qskos/broken-link"));
}

#[test]
fn the_link_budget_bounds_the_check() {
    let (base, _server) = serve(64);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v.ttl");
    let links: String = (0..6).map(|i| format!("<{base}/gone{i}>, ")).collect();
    std::fs::write(
        &file,
        format!("<https://vocab.example/a> <http://www.w3.org/2004/02/skos/core#closeMatch> {links}<{base}/ok> .\n"),
    )
    .unwrap();
    let options = Options {
        check_links: true,
        links: LinkOptions {
            concurrency: 1,
            timeout: Duration::from_secs(1),
            budget: Duration::from_secs(10),
            max_links: 3,
        },
        ..Options::default()
    };
    let report = lint::lint_sources(&[file.display().to_string()], &options).unwrap();
    let broken: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "qskos/broken-link")
        .collect();
    let unchecked: Vec<_> = broken
        .iter()
        .filter(|f| f.severity == Severity::Info)
        .collect();
    assert_eq!(unchecked.len(), 1, "{broken:#?}");
    assert!(
        unchecked[0]
            .message
            .starts_with("4 link(s) were not checked"),
        "{}",
        unchecked[0].message
    );
    assert!(broken.len() <= 4, "{broken:#?}");
}
