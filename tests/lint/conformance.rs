//! The SKOS Reference examples, split into valid and invalid by SkoHub and by
//! kos-kit (`../shared/conformance/skos-shacl/`): lint must find an error in
//! every invalid example, for the right integrity condition, and no error in
//! any valid one. SkoHub's shapes with pySHACL get 45 of the 51 right; the six
//! they miss need SKOS's semantics (transitive closure, inverses,
//! sub-properties, domains and ranges).
//!
//! SkoHub's own profile tests (`skohub.shacl.ttl`) check lint's SHACL engine:
//! with `--shapes skohub.shacl.ttl` every invalid file gets a SHACL finding and
//! no valid file does.

use crate::util::{lint_files, rules, suite, text};
use glossgraph::lint::{self, Options, Severity};
use std::path::{Path, PathBuf};

/// The integrity condition each invalid example breaks.
const EXPECTED: &[(&str, &str)] = &[
    ("ex12", "skos/S14"),
    ("ex13", "skos/S13"),
    ("ex14", "skos/S13"),
    ("ex15", "skos/S13"),
    ("ex26", "skos/S27"),
    ("ex27", "skos/S27"),
    ("ex28", "skos/S27"),
    ("ex29", "skos/S27"),
    ("ex45", "skos/S37"),
    ("ex46", "skos/S37"),
    ("ex47", "skos/S37"),
    ("ex52", "skos/S46"),
    ("ex53", "skos/S46"),
    ("ex59", "skos/S27"),
    ("ex60", "skos/S27"),
    ("ex61", "skos/S27"),
];

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ttl"))
        .collect();
    out.sort();
    out
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Classifies one set; returns the mistakes.
fn classify(valid: &Path, invalid: &Path) -> (usize, Vec<String>) {
    let mut wrong = Vec::new();
    let mut total = 0;
    for file in files(valid) {
        total += 1;
        let report = lint_files(&[&file]);
        let errors: Vec<_> = report.findings.iter().filter(|f| f.is_error()).collect();
        if !errors.is_empty() {
            wrong.push(format!(
                "{} is valid, but lint says:\n{}",
                file.display(),
                text(&report)
            ));
        }
    }
    for file in files(invalid) {
        total += 1;
        let report = lint_files(&[&file]);
        let name = stem(&file);
        let expected = EXPECTED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, rule)| *rule)
            .unwrap_or_else(|| panic!("no expectation for {name}"));
        let found = report
            .findings
            .iter()
            .any(|f| f.is_error() && f.rule == expected);
        if !found {
            wrong.push(format!(
                "{} breaks {expected}, but lint says:\n{}",
                file.display(),
                text(&report)
            ));
        }
    }
    (total, wrong)
}

#[test]
fn every_skos_reference_example_is_classified_right() {
    for (valid, invalid) in [
        (
            "conformance/skos-shacl/kos-kit/data/valid/skos-reference",
            "conformance/skos-shacl/kos-kit/data/invalid/skos-reference",
        ),
        (
            "conformance/skos-shacl/skohub/tests/valid/skos.shacl.ttl",
            "conformance/skos-shacl/skohub/tests/invalid/skos.shacl.ttl",
        ),
    ] {
        let (Some(valid), Some(invalid)) = (suite(valid), suite(invalid)) else {
            return;
        };
        let (total, wrong) = classify(&valid, &invalid);
        assert_eq!(total, 51, "the SKOS Reference has 51 examples here");
        assert!(
            wrong.is_empty(),
            "{} of {total} misclassified:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }
}

#[test]
fn the_errors_of_invalid_examples_name_the_resource_and_line() {
    let Some(file) = suite("conformance/skos-shacl/kos-kit/data/invalid/skos-reference/ex27.ttl")
    else {
        return;
    };
    let report = lint_files(&[&file]);
    let clash = report
        .findings
        .iter()
        .find(|f| f.rule == "skos/S27")
        .expect("S27");
    assert_eq!(clash.location.line, Some(7), "{clash:?}");
    assert!(
        clash.location.iri.as_deref().unwrap().ends_with("/A"),
        "{clash:?}"
    );
    assert!(
        clash.message.contains("through the hierarchy"),
        "{}",
        clash.message
    );
    assert_eq!(clash.severity, Severity::Error);
}

#[test]
fn skohub_profile_tests_are_classified_by_its_shapes() {
    let (Some(shapes), Some(valid), Some(invalid)) = (
        suite("conformance/skos-shacl/skohub/skohub.shacl.ttl"),
        suite("conformance/skos-shacl/skohub/tests/valid/skohub.shacl.ttl"),
        suite("conformance/skos-shacl/skohub/tests/invalid/skohub.shacl.ttl"),
    ) else {
        return;
    };
    let options = Options {
        shapes: vec![shapes],
        ..Options::default()
    };
    let mut wrong = Vec::new();
    let mut total = 0;
    for (dir, want_invalid) in [(valid, false), (invalid, true)] {
        for file in files(&dir) {
            total += 1;
            let report = lint::lint_sources(&[file.display().to_string()], &options).unwrap();
            let shacl = rules(&report).iter().any(|r| r.starts_with("shacl/"));
            if shacl != want_invalid {
                wrong.push(format!("{}:\n{}", file.display(), text(&report)));
            }
        }
    }
    assert_eq!(
        total, 38,
        "SkoHub ships 4 valid and 34 invalid profile tests"
    );
    assert!(
        wrong.is_empty(),
        "{} misclassified:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
