//! Independent tools check lint's shapes and reports: pySHACL validates the
//! export of `data/` against `ontology/shapes.ttl` (it must conform), agrees
//! with lint's own SHACL engine on SkoHub's profile tests and on a broken
//! export, and Microsoft's SARIF multitool validates lint's SARIF output.
//!
//! pySHACL comes from the Python named by `GLOSSGRAPH_PYTHON` (`.ci/run`
//! installs it from tests/interop/requirements.txt); the SARIF multitool from
//! npm (`npx --yes @microsoft/sarif-multitool`). Under `CI=true` a missing tool
//! fails the test; elsewhere it says what it skipped.

use crate::util::{python, require, root, suite, text};
use glossgraph::export::{Exporter, Format};
use glossgraph::lint::{self, Options, ReportFormat};
use glossgraph::project::Project;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Turtle export of `data/`, written into `dir`.
fn export_data(dir: &Path) -> PathBuf {
    let project = Project::open(&root().join("data")).unwrap();
    let built =
        glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory).unwrap();
    let quads = glossgraph::store::quads(&built.store).unwrap();
    let path = dir.join("export.ttl");
    let mut file = std::fs::File::create(&path).unwrap();
    Exporter::new(&project.config)
        .unwrap()
        .write(quads, Format::Turtle, &mut file)
        .unwrap();
    path
}

/// pySHACL's verdict per file: (path, conforms, report).
fn pyshacl_verdicts(python: &str, shapes: &Path, files: &[PathBuf]) -> Vec<(String, bool, String)> {
    let out = Command::new(python)
        .arg(root().join("tests/lint/pyshacl_conforms.py"))
        .arg(shapes)
        .args(files)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut verdicts: Vec<(String, bool, String)> = Vec::new();
    for line in stdout.lines() {
        if let Some(detail) = line.strip_prefix("  ") {
            if let Some(last) = verdicts.last_mut() {
                last.2.push_str(detail);
                last.2.push('\n');
            }
        } else if let Some((verdict, path)) = line.split_once('\t') {
            verdicts.push((path.to_owned(), verdict == "conforms", String::new()));
        }
    }
    assert_eq!(verdicts.len(), files.len(), "{stdout}");
    verdicts
}

fn shacl_findings(file: &Path, shapes: &Path) -> Vec<String> {
    let options = Options {
        shapes: vec![shapes.to_owned()],
        ..Options::default()
    };
    let report = lint::lint_sources(&[file.display().to_string()], &options).unwrap();
    report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("shacl/"))
        .map(|f| f.to_string())
        .collect()
}

#[test]
fn pyshacl_finds_the_export_of_data_conforming() {
    let Some(python) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let export = export_data(dir.path());
    let shapes = root().join("ontology/shapes.ttl");
    let verdicts = pyshacl_verdicts(&python, &shapes, std::slice::from_ref(&export));
    assert!(
        verdicts[0].1,
        "pySHACL: the export does not conform:\n{}",
        verdicts[0].2
    );
    // And lint's engine agrees on the same file.
    assert_eq!(shacl_findings(&export, &shapes), Vec::<String>::new());
}

#[test]
fn pyshacl_and_lint_agree_on_a_broken_export() {
    let Some(python) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let export = export_data(dir.path());
    // Break it as a hand edit might: drop every definition of one concept,
    // and a top concept's link to its scheme.
    let text = std::fs::read_to_string(&export).unwrap();
    let broken: String = text
        .lines()
        .filter(|l| !(l.contains("skos:definition") || l.contains("skos:topConceptOf")))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(text.len(), broken.len(), "the export changed layout");
    let broken_path = dir.path().join("broken.ttl");
    std::fs::write(&broken_path, broken).unwrap();
    let shapes = root().join("ontology/shapes.ttl");
    let verdicts = pyshacl_verdicts(&python, &shapes, std::slice::from_ref(&broken_path));
    assert!(!verdicts[0].1, "pySHACL accepted a broken export");
    let ours = shacl_findings(&broken_path, &shapes);
    for want in ["shacl/min-count", "shacl/sparql"] {
        assert!(
            ours.iter().any(|f| f.contains(want)),
            "lint found no {want}:\n{}",
            ours.join("\n")
        );
    }
}

#[test]
fn pyshacl_and_lint_classify_skohub_profile_tests_alike() {
    let Some(python) = python() else { return };
    let (Some(shapes), Some(valid), Some(invalid)) = (
        suite("conformance/skos-shacl/skohub/skohub.shacl.ttl"),
        suite("conformance/skos-shacl/skohub/tests/valid/skohub.shacl.ttl"),
        suite("conformance/skos-shacl/skohub/tests/invalid/skohub.shacl.ttl"),
    ) else {
        return;
    };
    let mut files = Vec::new();
    for dir in [valid, invalid] {
        for e in std::fs::read_dir(dir).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    files.sort();
    let verdicts = pyshacl_verdicts(&python, &shapes, &files);
    let mut disagreements = Vec::new();
    for (file, (_, conforms, report)) in files.iter().zip(&verdicts) {
        let ours = shacl_findings(file, &shapes);
        if ours.is_empty() != *conforms {
            disagreements.push(format!(
                "{}: pySHACL {}, lint {}\npySHACL:\n{report}lint:\n{}",
                file.display(),
                if *conforms { "conforms" } else { "violates" },
                if ours.is_empty() {
                    "conforms"
                } else {
                    "violates"
                },
                ours.join("\n")
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// The SARIF 2.1.0 JSON schema as Microsoft's SARIF multitool ships it (npm
/// `@microsoft/sarif-multitool-linux`), and ajv to apply it: installed once
/// into `GLOSSGRAPH_SARIF_VALIDATOR` or Cargo's test scratch folder.
/// (`sarif-multitool validate` itself, 5.7.0,
/// reports nothing even for a log whose `level` is not a SARIF level, so it
/// cannot be the test; its schema can.)
fn sarif_validator() -> Option<(PathBuf, PathBuf)> {
    // `.ci/run` installs them once into GLOSSGRAPH_SARIF_VALIDATOR.
    let dir = std::env::var_os("GLOSSGRAPH_SARIF_VALIDATOR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sarif-validator"));
    let ajv = dir.join("node_modules/.bin/ajv");
    let schema = dir.join("node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json");
    if !(ajv.exists() && schema.exists()) {
        std::fs::create_dir_all(&dir).unwrap();
        let installed = Command::new("npm")
            .args([
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--prefix",
            ])
            .arg(&dir)
            .args([
                "ajv-cli@5.0.0",
                "ajv-formats@3.0.1",
                "@microsoft/sarif-multitool-linux@5.7.0",
            ])
            .output()
            .is_ok_and(|o| o.status.success());
        if !installed || !ajv.exists() || !schema.exists() {
            require(
                "ajv and the SARIF 2.1.0 schema are not installed",
                "npm install ajv-cli@5.0.0 ajv-formats@3.0.1 @microsoft/sarif-multitool-linux@5.7.0 (Node and npm)",
            );
            return None;
        }
    }
    Some((ajv, schema))
}

/// ajv's verdict on one SARIF log: `Err` with its complaints if invalid.
fn validate_sarif(
    ajv: &Path,
    schema: &Path,
    log: &[u8],
    dir: &Path,
    name: &str,
) -> Result<(), String> {
    // ajv picks its parser by extension.
    let path = dir.join(format!("{name}.sarif.json"));
    std::fs::write(&path, log).unwrap();
    let out = Command::new(ajv)
        .args([
            "validate",
            "--spec=draft2020",
            "-c",
            "ajv-formats",
            "--strict=false",
            "--all-errors",
            "-s",
        ])
        .arg(schema)
        .arg("-d")
        .arg(&path)
        .current_dir(ajv.parent().unwrap().parent().unwrap().parent().unwrap())
        .output()
        .expect("ajv runs");
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let Some((ajv, schema)) = sarif_validator() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // The validator rejects what is not SARIF.
    let broken = br#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "a"}, "level": "fatal"}]}]}"#;
    assert!(
        validate_sarif(&ajv, &schema, broken, dir.path(), "broken").is_err(),
        "ajv accepted a log with an invalid level"
    );
    let cases = root().join("tests/fixtures/lint/cases");
    let mut reports = vec![(
        "data",
        lint::lint_dir(&root().join("data"), &Options::default()).unwrap(),
    )];
    // Findings of every kind: RDF findings with and without lines and IRIs,
    // entry errors with lines and columns, and a source that cannot be read.
    let specs: Vec<String> = [
        "rdf-labels/v.ttl",
        "rdf-s27-two-steps/v.ttl",
        "rdf-notations/v.ttl",
        "rdf-missing-file/missing.ttl",
    ]
    .iter()
    .map(|s| cases.join(s).display().to_string())
    .collect();
    reports.push((
        "rdf",
        lint::lint_sources(&specs, &Options::default()).unwrap(),
    ));
    let glossary = tempfile::tempdir().unwrap();
    crate::corpus::lay_case(&cases.join("dangling-target"), glossary.path());
    reports.push((
        "entries",
        lint::lint_dir(glossary.path(), &Options::default()).unwrap(),
    ));
    for (name, report) in reports {
        assert!(!report.findings.is_empty(), "{name}: no findings to report");
        let mut log = Vec::new();
        report.write(ReportFormat::Sarif, &mut log).unwrap();
        if let Err(problems) = validate_sarif(&ajv, &schema, &log, dir.path(), name) {
            panic!(
                "{name}: not valid SARIF 2.1.0:\n{problems}\n{}",
                text(&report)
            );
        }
    }
}
