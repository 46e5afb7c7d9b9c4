//! Control characters and noncharacters in what an importer reads (a CSV
//! cell, a page's text or HTML character reference, a vocabulary literal or
//! its escape): an error at the line and column that writes them, nothing
//! written; with `--sanitize`, removed and each reported.

use glossgraph::import::ImportError;
use glossgraph::import::csv::{self, CsvOptions};
use glossgraph::import::page::{self, PageOptions};
use glossgraph::import::skos::{self, SkosOptions};
use glossgraph::project::Project;
use std::path::Path;

/// A new glossary, and a file `name` holding `content` beside it.
fn glossary_with(name: &str, content: &str) -> (tempfile::TempDir, Project, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("glossary.toml"),
        "base = \"https://test.example/\"\nlanguages = [\"en\"]\n[title]\nen = \"Test\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("entries")).unwrap();
    let input = dir.path().join(name);
    std::fs::write(&input, content).unwrap();
    let project = Project::open(dir.path()).unwrap();
    (dir, project, input.to_string_lossy().into_owned())
}

/// The located messages of an import that failed, as `line:column: message`.
fn located(result: Result<impl std::fmt::Display, ImportError>) -> Vec<String> {
    match result {
        Ok(report) => panic!("imported:\n{report}"),
        Err(e) if e.diagnostics().is_empty() => panic!("{e}"),
        Err(e) => e
            .diagnostics()
            .iter()
            .map(|d| format!("{}:{}: {}", d.pos.line, d.pos.column, d.message))
            .collect(),
    }
}

fn entry_files(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("entries")).unwrap().count()
}

#[test]
fn a_csv_cell_with_a_control_character_is_refused_or_sanitized() {
    // A spreadsheet's positions are lines and cells, as for its other mistakes.
    let csv = "id,term,definition\nbell,Bell\u{7} term,Rings.\nescape,Escape,Has an \u{1b} and a \u{85} in it.\n";
    let (dir, project, input) = glossary_with("glossary.csv", csv);
    let options = CsvOptions::new(project.entries_dir());
    assert_eq!(
        located(csv::import(&input, &project, &options)),
        [
            "2:2: U+0007, a control character, which published text may not hold",
            "3:3: U+001B, a control character, which published text may not hold",
            "3:3: U+0085, a control character, which published text may not hold",
        ]
    );
    assert_eq!(entry_files(dir.path()), 0, "nothing is written");
    let sanitizing = CsvOptions {
        sanitize: true,
        ..options
    };
    let report = csv::import(&input, &project, &sanitizing).unwrap();
    let said = report.to_string();
    assert!(
        said.contains("removed 3 character(s)")
            && said.contains("glossary.csv:2:2: removed U+0007"),
        "{said}"
    );
    let bell = std::fs::read_to_string(dir.path().join("entries/bell.md")).unwrap();
    assert!(bell.contains("term: Bell term"), "{bell}");
}

#[test]
fn a_page_and_its_character_references_are_checked() {
    let html =
        "<html><body>\n<h1>Bell</h1>\n<p>A bell&#7; rings &#x1b;loudly.</p>\n</body></html>\n";
    let (dir, project, input) = glossary_with("bell.html", html);
    let options = PageOptions::new(project.entries_dir());
    assert_eq!(
        located(page::import(
            std::slice::from_ref(&input),
            &project,
            &options
        )),
        [
            "3:10: `&#7;` (U+0007, a control character), which published text may not hold",
            "3:21: `&#x1b;` (U+001B, a control character), which published text may not hold",
        ]
    );
    assert_eq!(entry_files(dir.path()), 0, "nothing is written");
    let sanitizing = PageOptions {
        sanitize: true,
        ..options
    };
    let report = page::import(&[input], &project, &sanitizing).unwrap();
    assert!(
        report
            .to_string()
            .contains("bell.html:3:10: removed `&#7;`"),
        "{report}"
    );
    let bell = std::fs::read_to_string(dir.path().join("entries/bell.md")).unwrap();
    assert!(bell.contains("A bell rings loudly."), "{bell}");
}

#[test]
fn a_vocabulary_literal_is_located_at_its_escape() {
    let turtle = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
        <https://v.example/bell> a skos:Concept ;\n  skos:prefLabel \"Bell\"@en ;\n  skos:definition \"Rings\\u0007 loudly.\"@en .\n";
    let (dir, project, input) = glossary_with("bell.ttl", turtle);
    let options = SkosOptions::new(project.entries_dir());
    assert_eq!(
        located(skos::to_entries(
            std::slice::from_ref(&input),
            &project,
            &options
        )),
        [
            "4:25: the value of <https://v.example/bell> <http://www.w3.org/2004/02/skos/core#definition> holds U+0007, a control character, which published text may not hold"
        ]
    );
    assert_eq!(entry_files(dir.path()), 0, "nothing is written");
    let sanitizing = SkosOptions {
        sanitize: true,
        ..options
    };
    let report = skos::to_entries(&[input], &project, &sanitizing).unwrap();
    assert!(
        report
            .to_string()
            .contains(": removed U+0007, a control character"),
        "{report}"
    );
    let bell = std::fs::read_to_string(dir.path().join("entries/bell.md")).unwrap();
    assert!(bell.contains("definition: Rings loudly."), "{bell}");
}
