//! axe-core in headless Chromium on every kind of page, with the pages' own
//! script and without it: no violation, or the test fails naming each rule
//! and element (`tests/interop/axe.cjs`).

use crate::util::{TestServer, require, root, state_of, text};
use std::process::Command;

fn axe(modules: &std::path::Path, urls: &[String]) {
    let out = Command::new("node")
        .arg(root().join("tests/interop/axe.cjs"))
        .args(urls)
        .env("NODE_PATH", modules)
        .output()
        .expect("node runs");
    eprintln!("{}", text(&out.stdout));
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// The npm modules with playwright-core and axe-core, if installed.
fn modules() -> Option<std::path::PathBuf> {
    let modules = crate::search::playwright()?;
    if modules.join("axe-core").is_dir() {
        Some(modules)
    } else {
        require(
            "axe-core is not installed",
            "npm install axe-core beside playwright-core",
        );
        None
    }
}

#[test]
fn axe_finds_no_violation_on_any_kind_of_page() {
    let Some(modules) = modules() else {
        return;
    };
    let server = TestServer::glossary();
    let urls: Vec<String> = [
        "/",
        "/concept/eu-ai-office",
        "/concept/eu-ai-office?lang=de",
        "/concept/governance-at-union-level",
        "/az/E",
        "/hierarchy/european-commission",
        "/top",
        "/map",
        "/search?q=office",
        "/sparql",
        "/queries",
        "/dataset",
        "/changes",
        "/no-such-page",
    ]
    .iter()
    .map(|path| format!("{}{path}", server.url))
    .collect();
    axe(&modules, &urls);
}

#[test]
fn axe_finds_no_violation_on_a_large_vocabulary_s_pages() {
    let Some(modules) = modules() else {
        return;
    };
    let Some((project, store)) = crate::search::with_unesco() else {
        return;
    };
    let server = TestServer::start(state_of(
        &project,
        store,
        glossgraph::server::Limits::default(),
    ));
    let concept =
        form_urlencoded::byte_serialize(b"http://vocabularies.unesco.org/thesaurus/concept396")
            .collect::<String>();
    let urls: Vec<String> = [
        "/".to_owned(),
        "/top/2".to_owned(),
        "/az/S".to_owned(),
        "/az/A?lang=ru".to_owned(),
        format!("/resource?iri={concept}"),
        format!("/hierarchy?iri={concept}"),
    ]
    .iter()
    .map(|path| format!("{}{path}", server.url))
    .collect();
    axe(&modules, &urls);
}
