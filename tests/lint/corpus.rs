//! The bad-input corpus (`tests/fixtures/lint/cases/`): malformed entry files,
//! glossary settings and RDF vocabularies. A case with `sources.txt` lints the
//! RDF files it lists; any other case is laid over the small valid glossary in
//! `tests/fixtures/lint/base/`. Each must give exactly the findings in its
//! `expected.txt` (location, severity, rule and message) and the exit codes for
//! `--fail-on error` and `--fail-on warning`, without panicking.
//! `UPDATE_EXPECTED=1` rewrites the expectations (review the diff).

use crate::util::root;
use glossgraph::lint::{self, FailOn, Options, Report};
use std::path::{Path, PathBuf};

fn copy_tree(from: &Path, to: &Path) {
    for item in std::fs::read_dir(from).unwrap() {
        let item = item.unwrap();
        let target = to.join(item.file_name());
        if item.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&item.path(), &target);
        } else {
            std::fs::copy(item.path(), &target).unwrap();
        }
    }
}

/// Writes the generated files a case asks for in `GENERATE` (`path bytes` per
/// line): a valid entry padded past the size limit.
fn generate(case: &Path, into: &Path) {
    let Ok(spec) = std::fs::read_to_string(case.join("GENERATE")) else {
        return;
    };
    for line in spec.lines() {
        let (path, size) = line.split_once(' ').unwrap();
        let size: usize = size.parse().unwrap();
        let mut text = String::from("---\nterm: Huge\ndefinition: Too big.\n---\n\n## A\n\n");
        while text.len() < size {
            text.push_str("Padding text that makes the entry larger than any entry should be.\n");
        }
        std::fs::write(into.join(path), text).unwrap();
    }
    let _ = std::fs::remove_file(into.join("GENERATE"));
}

/// The report as `location: severity[rule]: message` lines, with the case's
/// folder removed from paths so the expectations hold on every machine.
fn render(report: &Report, prefixes: &[String]) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|f| {
            let mut line = format!(
                "{}: {}[{}]: {}",
                f.location.short(),
                f.severity,
                f.rule,
                f.message
            );
            for prefix in prefixes {
                line = line.replace(prefix.as_str(), "");
            }
            line
        })
        .collect()
}

fn run_case(case: &Path) -> (Report, Vec<String>) {
    let sources = case.join("sources.txt");
    if sources.exists() {
        let specs: Vec<String> = std::fs::read_to_string(&sources)
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| case.join(l).display().to_string())
            .collect();
        let report = lint::lint_sources(&specs, &Options::default()).unwrap();
        let dir = format!("{}/", case.display());
        let iri = lint_file_iri(case);
        (report, vec![iri, dir])
    } else {
        let dir = tempfile::tempdir().unwrap();
        lay_case(case, dir.path());
        let report = lint::lint_dir(dir.path(), &Options::default()).unwrap();
        let shown = format!("{}/", dir.path().display());
        let canonical = format!("{}/", std::fs::canonicalize(dir.path()).unwrap().display());
        (report, vec![canonical, shown])
    }
}

/// Lays a glossary case over the base glossary in `dir`.
pub fn lay_case(case: &Path, dir: &Path) {
    copy_tree(&root().join("tests/fixtures/lint/base"), dir);
    copy_tree(case, dir);
    generate(case, dir);
    let _ = std::fs::remove_file(dir.join("expected.txt"));
}

fn lint_file_iri(case: &Path) -> String {
    let absolute = std::fs::canonicalize(case).unwrap();
    format!("file://{}/", absolute.display())
}

fn cases() -> Vec<PathBuf> {
    let dir = root().join("tests/fixtures/lint/cases");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

#[test]
fn the_base_glossary_lints_clean() {
    let report = lint::lint_dir(
        &root().join("tests/fixtures/lint/base"),
        &Options::default(),
    )
    .unwrap();
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.stats.concepts, 2);
}

#[test]
fn every_bad_input_gives_its_located_findings_and_exit_code() {
    let cases = cases();
    assert!(cases.len() >= 50, "only {} cases", cases.len());
    let update = std::env::var_os("UPDATE_EXPECTED").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let outcome = std::panic::catch_unwind(|| run_case(case));
        let Ok((report, prefixes)) = outcome else {
            failures.push(format!("{name}: lint panicked"));
            continue;
        };
        let glossary = !case.join("sources.txt").exists();
        for f in &report.findings {
            if f.help.is_none() {
                failures.push(format!("{name}: no help for {f}"));
            }
            let located = if glossary {
                f.location.source.is_some() && f.location.line.is_some()
            } else {
                f.location.source.is_some() || f.location.iri.is_some()
            };
            if !located {
                failures.push(format!("{name}: not located: {f}"));
            }
        }
        let actual = format!(
            "exit {} (--fail-on error), {} (--fail-on warning)\n{}",
            report.exit_code(FailOn::Error),
            report.exit_code(FailOn::Warning),
            render(&report, &prefixes)
                .iter()
                .map(|l| format!("{l}\n"))
                .collect::<String>()
        );
        let expected_path = case.join("expected.txt");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "{name}:\n--- expected\n{expected}--- actual\n{actual}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn encoding_fixtures_hold_what_they_test() {
    let cases = root().join("tests/fixtures/lint/cases");
    let read = |p: &str| std::fs::read(cases.join(p)).unwrap();
    assert!(
        read("crlf/entries/gamma.md")
            .windows(2)
            .any(|w| w == b"\r\n")
    );
    assert!(read("rdf-crlf/v.ttl").windows(2).any(|w| w == b"\r\n"));
    assert!(read("bom/entries/gamma.md").starts_with(b"\xEF\xBB\xBF"));
    assert!(read("rdf-bom/v.ttl").starts_with(b"\xEF\xBB\xBF"));
    assert!(std::str::from_utf8(&read("not-utf8/entries/gamma.md")).is_err());
    assert!(std::str::from_utf8(&read("rdf-not-utf8/v.ttl")).is_err());
}
