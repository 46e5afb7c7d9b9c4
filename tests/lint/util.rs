//! Helpers shared by the lint tests.

use glossgraph::lint::{self, Options, Report};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Shared third-party data, beside the repository.
pub fn shared() -> PathBuf {
    root().join("../shared")
}

/// Whether a missing tool or data set fails the run (in CI) or is skipped with a message.
pub fn require(what: &str, install: &str) -> bool {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} is missing; .ci/run installs it ({install})");
    }
    eprintln!("skipping: {what} is not available ({install})");
    false
}

/// `path` if it exists; otherwise `None` after [`require`].
pub fn shared_path(relative: &str) -> Option<PathBuf> {
    let path = shared().join(relative);
    if path.exists() {
        Some(path)
    } else {
        require(
            &format!("../shared/{relative}"),
            "the shared data folder beside the repository",
        );
        None
    }
}

/// The Python interpreter with pySHACL and rdflib, if there is one.
pub fn python_with(modules: &str) -> Option<String> {
    let python = std::env::var("GLOSSGRAPH_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&python)
        .args(["-c", &format!("import {modules}")])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(python)
}

/// Lints RDF files with the default options.
pub fn lint_files(files: &[&Path]) -> Report {
    let specs: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    lint::lint_sources(&specs, &Options::default()).expect("lint runs")
}

/// The report as text.
pub fn text(report: &Report) -> String {
    let mut out = Vec::new();
    report
        .write(lint::ReportFormat::Text, &mut out)
        .expect("writes");
    String::from_utf8(out).expect("UTF-8")
}

/// The ids of the rules with findings, sorted and distinct.
pub fn rules(report: &Report) -> Vec<String> {
    let mut out: Vec<String> = report.findings.iter().map(|f| f.rule.clone()).collect();
    out.sort();
    out.dedup();
    out
}
