//! Independent tools read the exports: rdflib parses all six formats, pyld
//! expands the compact JSON-LD, raptor's rapper reads Turtle and RDF/XML, and
//! all of them must find the same graph as the N-Triples.
//!
//! The tools come from `.ci/run` (a Python venv named by `GLOSSGRAPH_PYTHON`,
//! Debian's raptor2-utils). Under `CI=true` a missing tool fails the test;
//! elsewhere the test says what it skipped and why.

use crate::util::{glossgraph, python, require, root, text};
use std::process::Command;

fn has_rapper() -> bool {
    Command::new("rapper")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn rdflib_pyld_and_rapper_read_every_export_as_the_same_graph() {
    let Some(python) = python() else { return };
    let rapper =
        has_rapper() || require("rapper is not installed", "apt-get install raptor2-utils");
    let dir = tempfile::tempdir().unwrap();
    for (format, extension) in [
        ("turtle", "ttl"),
        ("jsonld", "jsonld"),
        ("rdfxml", "rdf"),
        ("ntriples", "nt"),
        ("nquads", "nq"),
        ("trig", "trig"),
    ] {
        let target = dir.path().join(format!("export.{extension}"));
        let out = glossgraph(
            &root(),
            &["export", "--format", format, "-o", target.to_str().unwrap()],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    for form in ["flattened", "expanded"] {
        let target = dir.path().join(format!("export-{form}.jsonld"));
        let format = format!("jsonld-{form}");
        let out = glossgraph(
            &root(),
            &[
                "export",
                "--format",
                &format,
                "-o",
                target.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let mut command = Command::new(python);
    command
        .arg(root().join("tests/interop/read_exports.py"))
        .arg(dir.path());
    if rapper {
        command.arg("--rapper");
    }
    let out = command.output().expect("python runs");
    eprintln!("{}", text(&out.stdout));
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// rdflib, SPARQLWrapper, rdflib's SPARQLStore and pyld against a running server.
#[test]
fn real_clients_read_the_server() {
    let Some(python) = python() else { return };
    let server = crate::util::TestServer::glossary();
    let out = Command::new(python)
        .arg(root().join("tests/interop/clients.py"))
        .arg(&server.url)
        .output()
        .expect("python runs");
    eprintln!("{}", text(&out.stdout));
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Headless Chromium loads the home page and a concept page; their text is
/// checked and screenshots are kept in `ci-artefacts/`.
#[test]
fn a_headless_browser_shows_the_pages() {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    let Some(chromium) = chromium else {
        require("chromium is not installed", "apt-get install chromium");
        return;
    };
    let server = crate::util::TestServer::glossary();
    let artefacts = root().join("ci-artefacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let run = |args: &[&str], url: &str| {
        let profile = tempfile::tempdir().unwrap();
        let out = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1200,1800",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(args)
            .arg(url)
            .output()
            .expect("chromium runs");
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    for (name, path, expected) in [
        (
            "home",
            "/",
            vec![
                "EU AI governance glossary",
                "Concepts by hierarchy",
                "European Commission",
                "A–Z",
            ],
        ),
        (
            "concept",
            "/concept/eu-ai-office",
            vec![
                "EU AI Office",
                "What the AI Office is",
                "Key facts",
                "Common misconceptions",
                "Often heard:",
                "Works with",
            ],
        ),
    ] {
        let url = format!("{}{path}", server.url);
        let dom = run(&["--dump-dom"], &url);
        for e in expected {
            assert!(dom.contains(e), "the browser's {name} page lacks {e}");
        }
        let shot = artefacts.join(format!("{name}.png"));
        run(&[&format!("--screenshot={}", shot.display())], &url);
        let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
        assert!(size > 10_000, "the {name} screenshot is {size} bytes");
    }
}
