//! Real vocabularies: UNESCO's thesaurus, DPV's AI Act module in three
//! formats, and Skosmos's test data, each with problems known to be there.

use crate::util::{lint_files, suite};
use glossgraph::lint::Report;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

fn per_rule(report: &Report) -> BTreeMap<&str, usize> {
    let mut out = BTreeMap::new();
    for f in &report.findings {
        *out.entry(f.rule.as_str()).or_default() += 1;
    }
    out
}

#[test]
fn unesco_is_consistent_with_a_few_quality_issues() {
    let Some(file) = suite("vocab/unesco/unesco-thesaurus.ttl") else {
        return;
    };
    let started = Instant::now();
    let report = lint_files(&[&file]);
    // Printed for the record; the benchmark (release build) is in the lint note.
    eprintln!("UNESCO: {} in {:?}", report.summary(), started.elapsed());
    let rules = per_rule(&report);
    eprintln!("{rules:#?}");
    assert!(report.stats.triples > 70_000, "{:?}", report.stats);
    assert!(report.stats.concepts > 4_000, "{:?}", report.stats);
    assert_eq!(report.counts().0, 0, "UNESCO has no SKOS integrity errors");
    let top = report
        .findings
        .iter()
        .find(|f| f.rule == "qskos/top-concept-with-broader")
        .expect("concept396 is a top concept with a broader concept");
    assert!(
        top.location
            .iri
            .as_deref()
            .unwrap()
            .ends_with("/concept396")
    );
    assert!(top.location.line.is_some(), "{top:?}");
    assert!(
        rules
            .get("qskos/overlapping-labels")
            .is_some_and(|n| *n >= 5)
    );
    assert!(
        rules
            .get("qskos/undocumented-concept")
            .is_some_and(|n| *n > 1000)
    );
}

#[test]
fn dpv_gives_the_same_findings_in_turtle_rdf_xml_and_json_ld() {
    let mut seen: Vec<BTreeSet<(String, Option<String>, String)>> = Vec::new();
    for ext in ["ttl", "rdf", "jsonld"] {
        let Some(file) = suite(&format!("vocab/dpv/dpv-2.3_legal_eu_aiact_eu-aiact.{ext}")) else {
            return;
        };
        let report = lint_files(&[&file]);
        assert_eq!(report.counts().0, 0, "{ext}");
        assert!(report.stats.concepts > 100, "{ext}: {:?}", report.stats);
        seen.push(
            report
                .findings
                .iter()
                .map(|f| (f.rule.clone(), f.location.iri.clone(), f.message.clone()))
                .collect(),
        );
        // Every finding about a resource says which file it is in.
        assert!(
            report.findings.iter().all(|f| f.location.source.is_some()),
            "{ext}"
        );
    }
    assert!(!seen[0].is_empty());
    for (i, name) in [(1, "RDF/XML"), (2, "JSON-LD")] {
        let only_turtle: Vec<_> = seen[0].difference(&seen[i]).take(3).collect();
        let only_other: Vec<_> = seen[i].difference(&seen[0]).take(3).collect();
        assert!(
            only_turtle.is_empty() && only_other.is_empty(),
            "Turtle and {name} differ:\nonly in Turtle: {only_turtle:#?}\nonly in {name}: {only_other:#?}"
        );
    }
}

#[test]
fn skosmos_test_data_problems_are_found() {
    for (file, rule) in [
        ("vocab/skosmos-testdata/cycle.ttl", "qskos/cyclic-hierarchy"),
        ("vocab/skosmos-testdata/dup.ttl", "skos/S14"),
        ("vocab/skosmos-testdata/yso.ttl", "qskos/mapping-clash"),
    ] {
        let Some(path) = suite(file) else {
            return;
        };
        let report = lint_files(&[&path]);
        assert!(
            report.findings.iter().any(|f| f.rule == rule),
            "{file}: no {rule}: {:#?}",
            per_rule(&report)
        );
    }
}

#[test]
fn retired_descriptors_are_not_orphans_and_get_deprecation_rules() {
    let file = crate::util::root().join("tests/fixtures/deprecation/thesaurus.ttl");
    let report = lint_files(&[&file]);
    let about = |rule: &str| -> Vec<String> {
        let mut iris: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.location.iri.clone().unwrap_or_default())
            .collect();
        iris.sort();
        iris
    };
    let d = |id: &str| format!("http://thesaurus.example.org/descriptor/{id}");
    for rule in [
        "qskos/orphan-concept",
        "qskos/missing-labels",
        "qskos/incomplete-language-coverage",
    ] {
        assert_eq!(
            about(rule),
            Vec::<String>::new(),
            "{rule}: {}",
            crate::util::text(&report)
        );
    }
    assert_eq!(about("deprecated/no-replacement"), [d("2003-0")]);
    assert_eq!(about("deprecated/linked-from-live"), [d("1002-2")]);
    assert_eq!(
        about("deprecated/deprecated-replacement"),
        Vec::<String>::new()
    );
    // The subclass and the relation make concepts of 2001-7 and 2003-0;
    // 2002-5, typed by nothing, is not counted but has its rules applied.
    assert_eq!(report.stats.concepts, 5, "{:?}", report.stats);
}
