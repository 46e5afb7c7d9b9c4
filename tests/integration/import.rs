//! `glossgraph init` and `glossgraph import` as a user runs them: the binary,
//! its exit codes and what it leaves on disk. The importers' behaviour in
//! detail is tested in tests/import/.

use crate::util::{glossgraph, root, text};
use std::path::Path;

fn entry_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|items| {
            items
                .map(|i| i.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn init_then_import_a_page_a_spreadsheet_and_a_vocabulary() {
    let dir = tempfile::tempdir().unwrap();
    let glossary = dir.path().join("glossary");
    let g = glossary.to_str().unwrap();
    let out = glossgraph(
        dir.path(),
        &[
            "init",
            g,
            "--title",
            "Words",
            "--base",
            "https://words.example/",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("glossary.toml"));
    // The base was given: the next step is to serve, not to set it.
    assert!(
        text(&out.stdout).contains(&format!("next: run `glossgraph --data {g} serve`")),
        "{}",
        text(&out.stdout)
    );
    // What init writes passes the quality gate as it is, warnings included.
    let lint = glossgraph(&glossary, &["lint", "--fail-on", "warning"]);
    assert_eq!(
        lint.status.code(),
        Some(0),
        "{}{}",
        text(&lint.stdout),
        text(&lint.stderr)
    );
    // A second init refuses to overwrite the glossary.
    let again = glossgraph(dir.path(), &["init", g]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("--force"),
        "{}",
        text(&again.stderr)
    );

    let fixtures = root().join("tests/fixtures/import");
    let page = fixtures.join("technical-documentation.txt");
    let out = glossgraph(&glossary, &["import", "page", page.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("dropped"),
        "the report lists dropped furniture: {}",
        text(&out.stdout)
    );

    let csv = fixtures.join("template.csv");
    let out = glossgraph(&glossary, &["import", "csv", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let files = entry_files(&glossary.join("entries"));
    for id in ["rdf", "skos", "sparql", "data-model", "linked-data"] {
        assert!(files.contains(&format!("{id}.md")), "{id}.md in {files:?}");
    }
    // Importing the same rows again would overwrite: refused, nothing changes.
    let before = std::fs::read_to_string(glossary.join("entries/rdf.md")).unwrap();
    let out = glossgraph(&glossary, &["import", "csv", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        before,
        std::fs::read_to_string(glossary.join("entries/rdf.md")).unwrap()
    );

    let vocabulary = fixtures.join("vocabulary.ttl");
    let out = glossgraph(&glossary, &["import", "skos", vocabulary.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("vocabularies = [\"vocabulary.ttl\"]"),
        "{}",
        text(&out.stdout)
    );
    let converted = dir.path().join("converted");
    let out = glossgraph(
        &glossary,
        &[
            "import",
            "skos",
            vocabulary.to_str().unwrap(),
            "--to-entries",
            "--out",
            converted.to_str().unwrap(),
            "--placeholder-definition",
            "To be written.",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!entry_files(&converted).is_empty());

    let out = glossgraph(&glossary, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_bad_page_names_its_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let glossary = dir.path().join("g");
    assert!(
        glossgraph(dir.path(), &["init", glossary.to_str().unwrap()])
            .status
            .success()
    );
    let bad = root().join("tests/fixtures/import/fact-without-colon.txt");
    let out = glossgraph(&glossary, &["import", "page", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("fact-without-colon.txt:"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(entry_files(&glossary.join("entries")), ["linked-data.md"]);
}

/// An import holds a few files open, whatever its size. It held each
/// staged entry open until the batch was moved into place, so 1,000 entries
/// failed ("Too many open files") under the usual limit of 1,024.
#[cfg(unix)]
#[test]
fn a_large_import_holds_few_files_open() {
    let dir = tempfile::tempdir().unwrap();
    let glossary = dir.path().join("g");
    assert!(
        glossgraph(dir.path(), &["init", glossary.to_str().unwrap()])
            .status
            .success()
    );
    let vocabulary = dir.path().join("many.nt");
    let mut triples = String::new();
    for i in 0..600 {
        triples.push_str(&format!(
            "<https://v.example/c{i}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2004/02/skos/core#Concept> .\n\
             <https://v.example/c{i}> <http://www.w3.org/2004/02/skos/core#prefLabel> \"Concept {i}\"@en .\n\
             <https://v.example/c{i}> <http://www.w3.org/2004/02/skos/core#definition> \"Number {i}.\"@en .\n"
        ));
    }
    std::fs::write(&vocabulary, triples).unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -n 128 && exec "$0" --data "$1" import skos "$2" --to-entries"#)
        .arg(env!("CARGO_BIN_EXE_glossgraph"))
        .arg(&glossary)
        .arg(&vocabulary)
        .env_remove("GLOSSGRAPH_DATA")
        .env_remove("GLOSSGRAPH_STORE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // 600 and the example entry `init` wrote.
    assert_eq!(entry_files(&glossary.join("entries")).len(), 601);
}
