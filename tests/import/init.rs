//! `init`: a new glossary folder that builds and serves at once.

use crate::util::{files_in, serve};
use glossgraph::import::{ImportError, InitOptions, init};
use glossgraph::project::Project;

#[test]
fn a_new_glossary_builds_and_serves_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("my-glossary");
    let report = init(&target, &InitOptions::default()).unwrap();
    assert_eq!(report.files.len(), 3);
    assert!(report.to_string().contains("glossgraph --data"));
    assert_eq!(files_in(&target), ["entries", "glossary.toml", "queries"]);
    let config = std::fs::read_to_string(target.join("glossary.toml")).unwrap();
    assert!(
        config
            .lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
            > 10,
        "the settings are explained"
    );

    let project = Project::open(&target).unwrap();
    let diagnostics = glossgraph::build::read(&project).unwrap().diagnostics;
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let built =
        glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory).unwrap();
    assert_eq!(built.stats.entries, 1);
    let queries = glossgraph::query::named_queries(&project.queries_dir()).unwrap();
    assert_eq!(queries.len(), 1);

    // Served as `glossgraph serve` serves it.
    let snapshot = glossgraph::server::snapshot_of(&project, built).unwrap();
    let state = glossgraph::server::AppState::new(snapshot, glossgraph::server::Limits::default());
    let base = serve(glossgraph::server::app(state));
    let client = glossgraph::input::client(std::time::Duration::from_secs(10), 0).unwrap();
    for path in [
        "/",
        "/concept/linked-data",
        "/queries/concepts",
        "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
    ] {
        let response = client
            .get(format!("{base}{path}"))
            .header("accept", "text/html")
            .send()
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    let page = client
        .get(format!("{base}/concept/linked-data"))
        .header("accept", "text/html")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("Linked data"));
}

#[test]
fn init_in_another_language_lists_english_for_the_example() {
    let dir = tempfile::tempdir().unwrap();
    let options = InitOptions {
        language: "de".into(),
        title: "Mein \"Glossar\"".into(),
        base: "https://glossar.example.org/".into(),
        ..InitOptions::default()
    };
    init(dir.path(), &options).unwrap();
    let project = Project::open(dir.path()).unwrap();
    assert_eq!(project.config.languages, ["de", "en"]);
    assert_eq!(project.config.title["de"], "Mein \"Glossar\"");
    // The English example is the one thing to warn about.
    let diagnostics = glossgraph::build::read(&project).unwrap().diagnostics;
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["check/missing-default-term"], "{diagnostics:#?}");
    glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory).unwrap();
}

#[test]
fn an_existing_glossary_is_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), &InitOptions::default()).unwrap();
    std::fs::write(dir.path().join("entries/linked-data.md"), "mine").unwrap();
    let err = init(dir.path(), &InitOptions::default()).unwrap_err();
    assert!(matches!(err, ImportError::Options(_)));
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("entries/linked-data.md")).unwrap(),
        "mine"
    );
    let forced = InitOptions {
        force: true,
        ..InitOptions::default()
    };
    init(dir.path(), &forced).unwrap();
    assert_ne!(
        std::fs::read_to_string(dir.path().join("entries/linked-data.md")).unwrap(),
        "mine"
    );
}

#[test]
fn a_new_glossary_takes_the_readme_template_and_pages_at_once() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), &InitOptions::default()).unwrap();
    let project = Project::open(dir.path()).unwrap();
    let entries = project.entries_dir();
    glossgraph::import::csv::import(
        &crate::util::fixture("template.csv"),
        &project,
        &glossgraph::import::csv::CsvOptions::new(&entries),
    )
    .unwrap();
    glossgraph::import::page::import(
        &[crate::util::fixture("technical-documentation.txt")],
        &project,
        &glossgraph::import::page::PageOptions::new(&entries),
    )
    .unwrap();
    let built =
        glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory).unwrap();
    assert_eq!(built.stats.entries, 6);
}
