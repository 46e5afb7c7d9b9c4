//! Independent tools read the exports: rdflib parses all six formats, pyld
//! expands the compact JSON-LD, raptor's rapper reads Turtle and RDF/XML, and
//! all of them must find the same graph as the N-Triples.
//!
//! The tools come from `.ci/run` (a Python venv named by `GLOSSGRAPH_PYTHON`,
//! Debian's raptor2-utils). Under `CI=true` a missing tool fails the test;
//! elsewhere the test says what it skipped and why.

use crate::util::{glossgraph, root, text};
use std::process::Command;

/// Whether a missing tool fails the run (in CI) or is skipped with a message.
pub fn require(tool: &str, install: &str) -> bool {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{tool} is missing; .ci/run installs it ({install})");
    }
    eprintln!("skipping: {tool} is not installed ({install})");
    false
}

/// The Python interpreter with the interop readers, if there is one.
pub fn python() -> Option<String> {
    let python = std::env::var("GLOSSGRAPH_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&python)
        .args(["-c", "import rdflib, pyld"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(python)
}

fn has_rapper() -> bool {
    Command::new("rapper")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn rdflib_pyld_and_rapper_read_every_export_as_the_same_graph() {
    let Some(python) = python() else {
        require(
            "Python with rdflib and pyld",
            "pip install -r tests/interop/requirements.txt",
        );
        return;
    };
    let rapper = has_rapper() || require("rapper", "apt-get install raptor2-utils");
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
