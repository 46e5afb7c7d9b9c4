//! Every kind of page in headless Chromium: axe-core reports no violation,
//! with the pages' own script and without it (`tests/interop/axe.cjs`); a
//! keyboard alone reaches every link, the search suggestions and the branches
//! of the hierarchy (`keyboard.cjs`); and each page paints within a second at
//! a desktop's width and a phone's, without scrolling sideways at the phone's,
//! its screenshots kept in `ci-artefacts/pages/` (`tour.cjs`).

use crate::util::{TestServer, require, root, state_of, text};
use std::process::Command;

/// Every kind of page of the glossary: (name, path).
const GLOSSARY_PAGES: &[(&str, &str)] = &[
    ("home", "/"),
    ("concept", "/concept/eu-ai-office"),
    ("concept-de", "/concept/eu-ai-office?lang=de"),
    ("collection", "/concept/governance-at-union-level"),
    ("az", "/az/E"),
    ("branch", "/hierarchy/european-commission"),
    ("top", "/top"),
    ("map", "/map"),
    ("map-type", "/map/works-with"),
    ("search", "/search?q=office"),
    ("sparql", "/sparql"),
    ("queries", "/queries"),
    ("dataset", "/dataset"),
    ("changes", "/changes"),
    ("missing", "/no-such-page"),
];

/// UNESCO's pages beside the glossary: (name, path).
fn unesco_pages() -> Vec<(&'static str, String)> {
    let concept =
        form_urlencoded::byte_serialize(b"http://vocabularies.unesco.org/thesaurus/concept396")
            .collect::<String>();
    vec![
        ("unesco-home", "/".to_owned()),
        ("unesco-top", "/top/2".to_owned()),
        ("unesco-az", "/az/S".to_owned()),
        ("unesco-az-ru", "/az/A?lang=ru".to_owned()),
        ("unesco-concept", format!("/resource?iri={concept}")),
        ("unesco-branch", format!("/hierarchy?iri={concept}")),
        ("unesco-map", "/map".to_owned()),
        ("unesco-map-related", "/map/related/2".to_owned()),
    ]
}

fn node(script: &str, modules: &std::path::Path, args: &[String]) {
    let out = Command::new("node")
        .arg(root().join("tests/interop").join(script))
        .args(args)
        .env("NODE_PATH", modules)
        .output()
        .expect("node runs");
    eprintln!("{}", text(&out.stdout));
    assert!(out.status.success(), "{}", text(&out.stderr));
}

fn urls<'a>(server: &TestServer, paths: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    paths
        .into_iter()
        .map(|path| format!("{}{path}", server.url))
        .collect()
}

/// Screenshots of each page at both widths, and each one's first paint.
pub fn tour(modules: &std::path::Path, server: &TestServer, pages: &[(&str, &str)]) {
    let shots = root().join("ci-artefacts/pages");
    std::fs::create_dir_all(&shots).unwrap();
    let mut args = vec![shots.display().to_string()];
    for (name, path) in pages {
        args.push((*name).to_owned());
        args.push(format!("{}{path}", server.url));
    }
    node("tour.cjs", modules, &args);
    for (name, _) in pages {
        for width in ["desktop", "phone"] {
            let shot = shots.join(format!("{name}-{width}.png"));
            let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
            assert!(size > 10_000, "{} is {size} bytes", shot.display());
        }
    }
}

/// The npm modules with playwright-core and axe-core, if installed.
fn modules_with_axe() -> Option<std::path::PathBuf> {
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

fn unesco_server() -> Option<TestServer> {
    let (project, store) = crate::search::with_unesco()?;
    Some(TestServer::start(state_of(
        &project,
        store,
        glossgraph::server::Limits::default(),
    )))
}

#[test]
fn axe_finds_no_violation_on_any_kind_of_page() {
    let Some(modules) = modules_with_axe() else {
        return;
    };
    let server = TestServer::glossary();
    node(
        "axe.cjs",
        &modules,
        &urls(&server, GLOSSARY_PAGES.iter().map(|(_, p)| *p)),
    );
}

#[test]
fn axe_finds_no_violation_on_a_large_vocabulary_s_pages() {
    let Some(modules) = modules_with_axe() else {
        return;
    };
    let Some(server) = unesco_server() else {
        return;
    };
    let pages = unesco_pages();
    node(
        "axe.cjs",
        &modules,
        &urls(&server, pages.iter().map(|(_, p)| p.as_str())),
    );
}

#[test]
fn a_keyboard_alone_reaches_every_link_the_suggestions_and_the_branches() {
    let Some(modules) = crate::search::playwright() else {
        return;
    };
    let server = TestServer::glossary();
    // The SPARQL page is YASGUI's editor, whose own keys are its own.
    let pages = GLOSSARY_PAGES
        .iter()
        .filter(|(name, _)| *name != "sparql")
        .map(|(_, p)| *p);
    let mut args = vec![
        "auth".to_owned(),
        "market surveillance authority".to_owned(),
        format!("{}/concept/eu-ai-office", server.url),
    ];
    args.extend(urls(&server, pages));
    node("keyboard.cjs", &modules, &args);
}

#[test]
fn a_keyboard_alone_browses_a_large_vocabulary() {
    let Some(modules) = crate::search::playwright() else {
        return;
    };
    let Some(server) = unesco_server() else {
        return;
    };
    let pages = unesco_pages();
    let mut args = vec![
        "literacy".to_owned(),
        "Literacy".to_owned(),
        format!("{}/", server.url),
    ];
    args.extend(urls(&server, pages.iter().map(|(_, p)| p.as_str())));
    node("keyboard.cjs", &modules, &args);
}

#[test]
fn every_kind_of_page_paints_within_a_second_at_desktop_and_phone_widths() {
    let Some(modules) = crate::search::playwright() else {
        return;
    };
    tour(&modules, &TestServer::glossary(), GLOSSARY_PAGES);
}

#[test]
fn a_large_vocabulary_s_pages_paint_within_a_second_at_both_widths() {
    let Some(modules) = crate::search::playwright() else {
        return;
    };
    let Some(server) = unesco_server() else {
        return;
    };
    let pages = unesco_pages();
    let pages: Vec<(&str, &str)> = pages.iter().map(|(n, p)| (*n, p.as_str())).collect();
    tour(&modules, &server, &pages);
}
