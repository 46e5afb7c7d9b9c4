//! Helpers shared by the lint tests.

use glossgraph::lint::{self, Options, Report};
use std::path::{Path, PathBuf};

#[path = "../common/skip.rs"]
mod skip;
pub use skip::{python, require, suite};

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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
