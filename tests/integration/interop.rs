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
    read_every_export(&root(), &[]);
}

/// Every export of `glossary` (a glossary folder) is read by rdflib, pyld and
/// rapper as the same graph; `checks` go to `read_exports.py`.
fn read_every_export(glossary: &std::path::Path, checks: &[&str]) {
    let Some(python) = python() else { return };
    let rapper =
        has_rapper() || require("rapper is not installed", "apt-get install raptor2-utils");
    let dir = tempfile::tempdir().unwrap();
    for (format, name) in [
        ("turtle", "export.ttl"),
        ("jsonld", "export.jsonld"),
        ("rdfxml", "export.rdf"),
        ("ntriples", "export.nt"),
        ("nquads", "export.nq"),
        ("trig", "export.trig"),
        ("jsonld-flattened", "export-flattened.jsonld"),
        ("jsonld-expanded", "export-expanded.jsonld"),
    ] {
        let target = dir.path().join(name);
        let out = glossgraph(
            glossary,
            &["export", "--format", format, "-o", target.to_str().unwrap()],
        );
        assert!(out.status.success(), "{format}: {}", text(&out.stderr));
    }
    let mut command = Command::new(python);
    command
        .arg(root().join("tests/interop/read_exports.py"))
        .arg(dir.path())
        .args(checks);
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

/// Text that breaks careless writers: every script, emoji sequences,
/// directional marks, combining characters with no precomposed form, and the
/// closing sequences of each syntax around (CDATA, triple-quoted strings,
/// script elements, comments).
const WORST: &[&str] = &[
    "Ærøskøbing naïve façade Œuvre ß",
    "Ελληνικά Кириллица Ქართული Հայերեն",
    "العربية \u{200f}والفارسية\u{200e} עברית \u{202e}override\u{202c}",
    "हिन्दी বাংলা தமிழ் ภาษาไทย ግዕዝ ᏣᎳᎩ",
    "漢字 かな カナ 한국어 𠜎𠜱",
    "🇪🇺 🤖 👩🏽\u{200d}💻 ☃︎ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "q\u{307}\u{323} Z\u{336}\u{321}\u{30d}a\u{35c}l\u{334}g\u{338}o",
    "]]> \"\"\" \'\'\' </script><script>x</script> --> <!-- &amp; <&> ${x} {{y}}",
    "back\\slash \\u0041 @en ^^xsd:string \"quoted\" \u{2028}\u{2029} \u{feff} \u{fffd}",
];

/// A glossary holding the worst text entries and vocabularies may hold is
/// exported in every format, and rdflib, pyld and rapper read each as the same
/// graph, with every such string unchanged.
#[test]
fn the_worst_allowed_text_survives_every_export() {
    let dir = tempfile::tempdir().unwrap();
    let json = |s: &str| serde_json::to_string(s).unwrap();
    std::fs::write(
        dir.path().join("glossary.toml"),
        "base = \"https://test.example/\"\nlanguages = [\"en\", \"ar\", \"ja\"]\nvocabularies = [\"worst.ttl\"]\n[title]\nen = \"Worst strings ]]> </script>\"\n",
    )
    .unwrap();
    let entries = dir.path().join("entries");
    std::fs::create_dir(&entries).unwrap();
    let mut expected: Vec<String> = Vec::new();
    for (i, worst) in WORST.iter().enumerate() {
        let term = format!("Term {i} {worst}");
        let alt = format!("Alt {i} {worst}");
        // Prose may hold tabs and line breaks.
        let definition = format!("Definition {i}:\t{worst}\nsecond line.");
        std::fs::write(
            entries.join(format!("worst-{i}.md")),
            format!(
                "---\nterm: {}\nalt-labels: [{}]\ndefinition: {}\nkey-facts:\n  - label: {}\n    value: {}\nmisconceptions:\n  - often-heard: {}\n    actually: {}\n---\n\n## About {worst}\n\nText *{worst}* and `{worst}`.\n",
                json(&term),
                json(&alt),
                json(&definition),
                json(&format!("Fact {i}")),
                json(worst),
                json(&format!("Claim {worst}")),
                json(&format!("Correction {worst}")),
            ),
        )
        .unwrap();
        // Entries are read in NFC, with single spaces between words (README, "Entries").
        let collapsed = |t: String| {
            use unicode_normalization::UnicodeNormalization;
            t.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .nfc()
                .collect::<String>()
        };
        expected.extend([term, alt, definition].map(collapsed));
    }
    // A published vocabulary says the same in Turtle, with its own escapes.
    let mut turtle = String::from("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n");
    for (i, worst) in WORST.iter().enumerate() {
        let label = format!("Vocabulary {i} {worst}");
        let note = format!("Note {i}\r\n\t{worst}");
        turtle.push_str(&format!(
            "<https://vocab.example/c{i}> a skos:Concept ; skos:prefLabel {}@ar ; skos:scopeNote {} .\n",
            json(&label),
            json(&note)
        ));
        expected.extend([label, note]);
    }
    std::fs::write(dir.path().join("worst.ttl"), turtle).unwrap();
    let check = glossgraph(dir.path(), &["check"]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    let expect = dir.path().join("expected.json");
    std::fs::write(&expect, serde_json::to_string(&expected).unwrap()).unwrap();
    read_every_export(
        dir.path(),
        &["--expect", expect.to_str().unwrap(), "--min-triples", "100"],
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
    let Some(chromium) = crate::util::Chromium::find() else {
        return;
    };
    let server = crate::util::TestServer::glossary();
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
        let dom = chromium.dom(&url);
        for e in expected {
            assert!(dom.contains(e), "the browser's {name} page lacks {e}");
        }
        chromium.screenshot(&url, name);
    }
}
