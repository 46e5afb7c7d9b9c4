//! The neighbourhood diagram on concept pages and at `/concept/{id}.svg`:
//! well-formed XML (read by Python's parser), the same bytes from two
//! builds, a link for each neighbour drawn, and in Chromium, at desktop and
//! phone widths, nothing overlapping and nothing outside the drawing.

use crate::util::{TestServer, build_in_memory, project, python, root, state_of, text};
use std::process::Command;

fn svg_of(server: &TestServer, id: &str) -> String {
    let response = server.get(&format!("/concept/{id}.svg"), &[]);
    assert_eq!(response.status(), 200, "{id}");
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "image/svg+xml"
    );
    response.text().unwrap()
}

#[test]
fn every_neighbour_is_drawn_as_a_link_in_the_same_bytes_each_build() {
    let server = TestServer::glossary();
    let svg = svg_of(&server, "eu-ai-office");
    let page = server
        .get("/concept/eu-ai-office", &[("accept", "text/html")])
        .text()
        .unwrap();
    assert!(page.contains("<figure class=\"diagram\"><svg"), "{page}");
    // A link for each related concept the page lists (up to the bound).
    for target in [
        "european-commission",
        "national-competent-authority",
        "scientific-panel",
    ] {
        assert!(
            svg.contains(&format!("href=\"../concept/{target}\"")),
            "{target} in {svg}"
        );
    }
    assert!(svg.contains("<title id=\"diagram-title\">EU AI Office</title>"));
    assert!(svg.contains("<desc id=\"diagram-desc\">EU AI Office. "));
    // Another build of the same sources draws the same bytes.
    let project = project();
    let again = TestServer::start(state_of(
        &project,
        build_in_memory(&project).store,
        glossgraph::server::Limits::default(),
    ));
    assert_eq!(svg, svg_of(&again, "eu-ai-office"));
    // A concept with nothing to draw has no diagram.
    assert_eq!(server.get("/concept/no-such.svg", &[]).status(), 404);
    if let Some(python) = python() {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &svg).unwrap();
        let out = Command::new(python)
            .args([
                "-c",
                "import sys, xml.dom.minidom as m\nd = m.parse(sys.argv[1])\nprint(d.documentElement.tagName, len(d.getElementsByTagName('a')))",
            ])
            .arg(file.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "not well-formed XML: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stdout).starts_with("svg "),
            "{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn diagrams_lay_out_without_overlap_at_desktop_and_phone_widths() {
    let Some(modules) = crate::search::playwright() else {
        return;
    };
    let server = TestServer::glossary();
    let artefacts = root().join("ci-artefacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let urls: Vec<String> = [
        "eu-ai-office",
        "european-commission",
        "eu-ai-act",
        "provider",
    ]
    .iter()
    .map(|id| format!("{}/concept/{id}", server.url))
    .collect();
    let out = Command::new("node")
        .arg(root().join("tests/interop/diagram.cjs"))
        .arg(artefacts.join("diagram"))
        .args(&urls)
        .env("NODE_PATH", &modules)
        .output()
        .expect("node runs");
    eprintln!("{}", text(&out.stdout));
    assert!(out.status.success(), "{}", text(&out.stderr));
}
