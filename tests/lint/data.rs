//! The project's own glossary lints clean, and the three report formats and
//! the exit-code policy behave as documented.

use crate::util::{root, text};
use glossgraph::lint::{self, FailOn, LintError, Options, ReportFormat, Severity};

#[test]
fn data_lints_without_errors_or_warnings() {
    let report = lint::lint_dir(&root().join("data"), &Options::default()).unwrap();
    let serious: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    assert!(serious.is_empty(), "{}", text(&report));
    assert_eq!(report.exit_code(FailOn::Error), 0);
    assert_eq!(report.exit_code(FailOn::Warning), 0);
    assert_eq!(report.stats.concepts, 44, "{:?}", report.stats);
    assert_eq!(report.stats.schemes, 1, "{:?}", report.stats);
    // Findings about entries point into the entry files.
    for f in &report.findings {
        let source = f.location.source.as_deref().unwrap_or_default();
        assert!(
            source.contains("data/entries/") && source.ends_with(".md"),
            "{f}"
        );
        assert!(f.location.line.is_some() && f.location.iri.is_some(), "{f}");
    }
}

#[test]
fn lint_finds_the_glossary_as_every_command_does() {
    let report =
        lint::lint_located(None, &root().join("data/entries"), &Options::default()).unwrap();
    assert_eq!(report.stats.concepts, 44);
    let nowhere = tempfile::tempdir().unwrap();
    let err = lint::lint_located(None, nowhere.path(), &Options::default()).unwrap_err();
    assert!(matches!(err, LintError::Project(_)), "{err}");
    assert!(err.to_string().contains("no glossary.toml found"), "{err}");
    assert_eq!(glossgraph::commands::CommandError::from(err).exit_code(), 1);
}

#[test]
fn json_has_the_documented_layout() {
    let dir = tempfile::tempdir().unwrap();
    crate::corpus::lay_case(
        &root().join("tests/fixtures/lint/cases/related-through-hierarchy"),
        dir.path(),
    );
    let report = lint::lint_dir(dir.path(), &Options::default()).unwrap();
    let mut out = Vec::new();
    report.write(ReportFormat::Json, &mut out).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["tool"], "glossgraph");
    assert_eq!(json["format"], lint::JSON_FORMAT_VERSION);
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["summary"]["concepts"], 3);
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "skos/S27");
    assert_eq!(finding["severity"], "error");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("through the hierarchy")
    );
    assert!(finding["help"].is_string());
    let location = &finding["location"];
    assert!(
        location["source"]
            .as_str()
            .unwrap()
            .ends_with("entries/gamma.md")
    );
    assert_eq!(location["line"], 2);
    assert_eq!(location["column"], 7);
    assert_eq!(location["iri"], "https://test.example/concept/gamma");
    assert_eq!(finding["related"][0], "https://test.example/concept/alpha");
}

#[test]
fn text_groups_findings_by_rule_and_ends_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    crate::corpus::lay_case(
        &root().join("tests/fixtures/lint/cases/related-through-hierarchy"),
        dir.path(),
    );
    let report = lint::lint_dir(dir.path(), &Options::default()).unwrap();
    let text = text(&report);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with(
            "error[skos/S27] — skos:related is disjoint with skos:broaderTransitive: 1 finding(s)"
        ),
        "{text}"
    );
    assert!(
        lines[1].contains("entries/gamma.md:2:7: <https://test.example/concept/gamma> and"),
        "{text}"
    );
    assert_eq!(
        lines.last().unwrap(),
        &"glossgraph lint: 1 error(s), 0 warning(s), 0 info (4735 triples, 3 concepts, 1 schemes)"
            .replace("4735", &report.stats.triples.to_string())
    );
}

#[test]
fn fail_on_warning_fails_on_warnings_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    crate::corpus::lay_case(
        &root().join("tests/fixtures/lint/cases/no-sources"),
        dir.path(),
    );
    let report = lint::lint_dir(dir.path(), &Options::default()).unwrap();
    assert_eq!(report.counts(), (0, 1, 0));
    assert_eq!(report.exit_code(FailOn::Error), 0);
    assert_eq!(report.exit_code(FailOn::Warning), 1);
}

#[test]
fn extra_shapes_are_applied_to_the_glossary() {
    let dir = tempfile::tempdir().unwrap();
    let shapes = dir.path().join("house-style.ttl");
    std::fs::write(
        &shapes,
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
         <https://example.org/shapes#Notation> a sh:NodeShape ; sh:targetClass skos:Concept ;\n\
         \x20 sh:property [ sh:path skos:notation ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message \"every concept has a notation\" ] .\n",
    )
    .unwrap();
    let options = Options {
        shapes: vec![shapes],
        ..Options::default()
    };
    let report = lint::lint_dir(&root().join("tests/fixtures/lint/base"), &options).unwrap();
    let found: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "shacl/min-count")
        .collect();
    assert_eq!(found.len(), 2, "{}", text(&report));
    assert!(
        found.iter().all(|f| f.severity == Severity::Warning
            && f.message.contains("every concept has a notation"))
    );
    assert_eq!(report.exit_code(FailOn::Error), 0);
    // A shapes file that cannot be read is an error of the run, not a finding.
    let missing = Options {
        shapes: vec![dir.path().join("nope.ttl")],
        ..Options::default()
    };
    let err = lint::lint_dir(&root().join("tests/fixtures/lint/base"), &missing).unwrap_err();
    assert!(err.to_string().contains("nope.ttl"), "{err}");
    assert_eq!(glossgraph::commands::CommandError::from(err).exit_code(), 1);
}

#[test]
fn a_shape_past_its_time_limit_is_stopped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let shapes = dir.path().join("slow.ttl");
    // A query that reads the graph three times over for every concept:
    // hours on the project's glossary unless stopped.
    std::fs::write(
        &shapes,
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
         <https://example.org/shapes#Slow> a sh:NodeShape ; sh:targetClass skos:Concept ;\n\
         \x20 sh:sparql [ sh:select \"SELECT $this WHERE { $this ?p ?o . ?a ?b ?c . ?d ?e ?f . FILTER(STR(?o) = CONCAT(STR(?c), STR(?f), 'x')) }\" ] .\n",
    )
    .unwrap();
    let options = Options {
        shapes: vec![shapes],
        shape_timeout: std::time::Duration::from_millis(500),
        ..Options::default()
    };
    let started = std::time::Instant::now();
    let report = lint::lint_dir(&root().join("data"), &options).unwrap();
    let stopped: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "shacl/time-limit")
        .collect();
    assert_eq!(stopped.len(), 1, "{}", text(&report));
    assert_eq!(stopped[0].severity, Severity::Warning);
    assert!(
        stopped[0]
            .message
            .contains("<https://example.org/shapes#Slow> was stopped after")
            && stopped[0].message.contains("of its 44 focus nodes checked"),
        "{}",
        stopped[0].message
    );
    // Stopped at its limit, not after its hours: the rest of lint ran too.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    assert!(report.stats.concepts == 44);
}
