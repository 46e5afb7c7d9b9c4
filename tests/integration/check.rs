//! `glossgraph check` on malformed sources: each fixture in
//! `tests/fixtures/check/cases/` is laid over a small valid glossary
//! (`tests/fixtures/check/base/`) and must give exactly the messages in its
//! `expected.txt`, with exit code 1 (0 where it expects only warnings).

use crate::util::{copy_tree, fixture_with_vocabularies, glossgraph, root, text};

#[test]
fn the_base_fixture_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("tests/fixtures/check/base"), dir.path());
    let out = glossgraph(dir.path(), &["check"]);
    assert_eq!(text(&out.stderr), "glossgraph: 0 error(s), 0 warning(s)\n");
    assert!(out.status.success());
}

#[test]
fn every_malformed_fixture_gives_its_located_message() {
    let cases = root().join("tests/fixtures/check/cases");
    let mut names: Vec<_> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 15, "only {} fixtures", names.len());
    let update = std::env::var_os("UPDATE_EXPECTED").is_some();
    let mut failures = Vec::new();
    for name in names {
        let case = cases.join(&name);
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&root().join("tests/fixtures/check/base"), dir.path());
        copy_tree(&case, dir.path());
        let _ = std::fs::remove_file(dir.path().join("expected.txt"));
        let out = glossgraph(dir.path(), &["check"]);
        let stderr = text(&out.stderr);
        let code = out.status.code();
        let actual = format!(
            "exit {}\n{stderr}",
            code.map_or("signal".into(), |c| c.to_string())
        );
        let expected_path = case.join("expected.txt");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- actual\n{actual}",
                name.to_string_lossy()
            ));
        }
        assert!(
            !stderr.contains("panicked"),
            "{} panicked",
            name.to_string_lossy()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn errors_leave_no_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("tests/fixtures/check/base"), dir.path());
    copy_tree(
        &root().join("tests/fixtures/check/cases/missing-target"),
        dir.path(),
    );
    let target = dir.path().join("out.ttl");
    std::fs::write(&target, "previous export\n").unwrap();
    let out = glossgraph(dir.path(), &["export", "-o", "out.ttl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("entries/gamma.md:5:23: error[check/missing-target]"));
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "previous export\n"
    );
}

#[test]
fn a_missing_glossary_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = glossgraph(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("glossgraph: no glossary.toml found in"),
        "{}",
        text(&out.stderr)
    );
}

/// Without the `rocksdb` feature, `--store` says how to get it, and builds nothing.
#[cfg(not(feature = "rocksdb"))]
#[test]
fn a_persistent_store_without_the_feature_is_a_clear_error() {
    let out = glossgraph(&root(), &["--store", "unused-store", "build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("built without the `rocksdb` feature"),
        "{}",
        text(&out.stderr)
    );
    assert!(!root().join("unused-store").exists());
}

/// An error is printed with its causes, on one line.
#[test]
fn errors_are_printed_with_their_causes() {
    let out = glossgraph(&root(), &["lint", "--shapes", "no-such-shapes.ttl"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("glossgraph: cannot read the shapes file no-such-shapes.ttl: "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn vocabulary_files_are_published_beside_the_entries() {
    let dir = fixture_with_vocabularies(&[(
        "extra.ttl",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<https://other.example/c1> a skos:Concept ; skos:prefLabel \"Other\"@en .\n",
    )]);
    let out = glossgraph(
        dir.path(),
        &[
            "query",
            "--format",
            "tsv",
            "SELECT ?g WHERE { GRAPH ?g { <https://other.example/c1> a ?t } }",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("<https://test.example/graph/extra-ttl>"),
        "{}",
        text(&out.stdout)
    );

    std::fs::write(
        dir.path().join("extra.ttl"),
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<a> skos:prefLabel \"unclosed .\n",
    )
    .unwrap();
    let out = glossgraph(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("extra.ttl:2:"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn lint_runs_from_the_command_line() {
    let out = glossgraph(&root(), &["lint", "--fail-on", "warning"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("glossgraph lint: 0 error(s), 0 warning(s)"),
        "{}",
        text(&out.stdout)
    );

    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("tests/fixtures/check/base"), dir.path());
    copy_tree(
        &root().join("tests/fixtures/check/cases/missing-target"),
        dir.path(),
    );
    let out = glossgraph(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let missing = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "check/missing-target")
        .expect("the dangling target is found");
    assert_eq!(missing["location"]["source"], "entries/gamma.md");
    assert_eq!(missing["location"]["line"], 5);

    let vocabulary = dir.path().join("clash.ttl");
    std::fs::write(
        &vocabulary,
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@prefix : <http://example.org/> .\n:a a skos:Concept ; skos:prefLabel \"A\"@en ; skos:broader :b ; skos:related :b .\n:b a skos:Concept ; skos:prefLabel \"B\"@en .\n",
    )
    .unwrap();
    let out = glossgraph(dir.path(), &["lint", "--format", "sarif", "clash.ttl"]);
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "skos/S27"),
        "{sarif}"
    );
}

/// `void:triples` in the dataset description counts each triple of the whole
/// dataset once, however many graphs hold it: here a vocabulary repeats a triple of an entry's graph,
/// and a second vocabulary repeats the first. Each file also states a triple
/// twice, which the store holds once.
#[test]
fn the_dataset_description_counts_distinct_triples() {
    use glossgraph::project::Project;
    use oxigraph::model::{NamedNode, Term};
    let shared = "<https://test.example/concept/alpha> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2004/02/skos/core#Concept> .\n<https://other.example/c1> <http://www.w3.org/2000/01/rdf-schema#label> \"Other\" .\n<https://other.example/c1> <http://www.w3.org/2000/01/rdf-schema#label> \"Other\" .\n";
    let dir = fixture_with_vocabularies(&[("one.ttl", shared), ("two.nt", shared)]);
    let project = Project::open(dir.path()).unwrap();
    let built =
        glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory).unwrap();

    let scheme = NamedNode::new("https://test.example/").unwrap();
    let dataset = project.config.base.dataset();
    let stated = built
        .store
        .quads_for_pattern(
            Some(dataset.as_ref().into()),
            Some(glossgraph::vocab::void::TRIPLES),
            None,
            Some(scheme.as_ref().into()),
        )
        .next()
        .expect("the description states void:triples")
        .unwrap();
    let Term::Literal(stated) = stated.object else {
        panic!("void:triples is a literal")
    };
    assert_eq!(built.stats.quads, built.store.len().unwrap());
    // Counted apart from the build, by SPARQL.
    let query = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }";
    let oxigraph::sparql::QueryResults::Solutions(mut solutions) =
        oxigraph::sparql::SparqlEvaluator::new()
            .parse_query(query)
            .unwrap()
            .on_store(&built.store)
            .execute()
            .unwrap()
    else {
        panic!("a count is a SELECT");
    };
    let Some(Term::Literal(n)) = solutions.next().unwrap().unwrap().get("n").cloned() else {
        panic!("no count");
    };
    let counted: usize = n.value().parse().unwrap();
    assert_eq!(stated.value(), counted.to_string());
    // Two vocabularies of two triples each, one of them also in an entry's graph.
    let graphs = built.store.len().unwrap() - counted;
    assert_eq!(
        graphs,
        3,
        "{counted} distinct triples in {} quads",
        built.store.len().unwrap()
    );
}
