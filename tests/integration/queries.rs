//! Every named query in `queries/` runs on the glossary and gives the answer it
//! documents.

use crate::util::{built, glossgraph, project, root, text};
use glossgraph::query::{self, named_queries};
use oxigraph::sparql::QueryResults;

/// Runs a named query with `params` and returns its rows as text, one cell per variable.
fn rows(name: &str, params: &[(&str, &str)]) -> Vec<Vec<String>> {
    let project = project();
    let q = query::named_query(&project.queries_dir(), name).unwrap();
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    let bindings = q.bindings(&params, &project.config).unwrap();
    let QueryResults::Solutions(solutions) = query::run(
        &built().store,
        &q.text,
        project.config.base.as_str(),
        bindings,
    )
    .unwrap() else {
        panic!("{name} is not a SELECT query");
    };
    let variables = solutions.variables().to_vec();
    solutions
        .map(|s| {
            let s = s.unwrap();
            variables
                .iter()
                .map(|v| match s.get(v) {
                    Some(oxigraph::model::Term::Literal(l)) => l.value().to_owned(),
                    Some(oxigraph::model::Term::NamedNode(n)) => {
                        n.as_str().rsplit('/').next().unwrap_or_default().to_owned()
                    }
                    Some(t) => t.to_string(),
                    None => String::new(),
                })
                .collect()
        })
        .collect()
}

fn column(rows: &[Vec<String>], i: usize) -> Vec<&str> {
    rows.iter().map(|r| r[i].as_str()).collect()
}

#[test]
fn there_are_at_least_eight_documented_queries() {
    let queries = named_queries(&project().queries_dir()).unwrap();
    assert!(queries.len() >= 8, "only {} named queries", queries.len());
    for q in &queries {
        assert!(
            !q.title.is_empty() && !q.description.is_empty(),
            "{} lacks a title or description",
            q.name
        );
    }
}

#[test]
fn works_with_lists_the_ai_offices_partners() {
    let found = rows("works-with", &[]);
    let partners = column(&found, 0);
    for expected in [
        "national-competent-authority",
        "european-ai-board",
        "advisory-forum",
        "scientific-panel",
    ] {
        assert!(
            partners.contains(&expected),
            "{expected} missing from {partners:?}"
        );
    }
    // Sorted by term, no duplicates.
    let terms: Vec<String> = column(&found, 1).iter().map(|t| t.to_lowercase()).collect();
    let mut sorted = terms.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(terms, sorted);
    // Another concept, by parameter.
    let board = rows("works-with", &[("concept", "concept/european-ai-board")]);
    assert!(column(&board, 0).contains(&"eu-ai-office"));
}

#[test]
fn hierarchy_walks_every_level() {
    let found = rows(
        "hierarchy",
        &[("root", "concept/national-competent-authority")],
    );
    assert_eq!(
        found,
        [
            vec![
                "market-surveillance-authority",
                "market surveillance authority",
                "national-competent-authority",
                "1"
            ],
            vec![
                "notifying-authority",
                "notifying authority",
                "national-competent-authority",
                "1"
            ],
            vec![
                "single-point-of-contact",
                "single point of contact",
                "market-surveillance-authority",
                "2"
            ],
        ]
    );
}

#[test]
fn misconceptions_come_in_entry_order() {
    let found = rows("misconceptions", &[]);
    assert!(found.len() >= 44, "only {} misconceptions", found.len());
    let office: Vec<&Vec<String>> = found.iter().filter(|r| r[0] == "EU AI Office").collect();
    assert_eq!(office.len(), 3);
    assert_eq!(
        office[0][1],
        "The EU AI Office enforces every part of the AI Act by itself."
    );
    assert_eq!(
        office[2][1],
        "The AI Office only writes guidance and has no supervisory role."
    );
}

#[test]
fn citing_article_finds_the_concepts_resting_on_an_article() {
    let found = rows("citing-article", &[("article", "65")]);
    let concepts = column(&found, 0);
    assert!(
        concepts.contains(&"european-ai-board") && concepts.contains(&"eu-ai-office"),
        "{concepts:?}"
    );
    assert!(
        found.iter().all(|r| r[2] == "oj"),
        "sources are Article ELIs"
    );
    // Article 6 must not match Article 65.
    let six = rows("citing-article", &[("article", "6")]);
    assert!(!column(&six, 0).contains(&"european-ai-board"));
}

#[test]
fn missing_labels_lists_every_concept_for_an_absent_language() {
    assert_eq!(rows("missing-labels", &[("lang", "de")]).len(), 44);
    assert!(rows("missing-labels", &[("lang", "en")]).is_empty());
}

#[test]
fn top_concepts_are_ranked_by_size() {
    let found = rows("top-concepts", &[]);
    assert_eq!(found[0][0], "operator");
    assert_eq!(found[0][2], "5");
    assert!(!column(&found, 0).contains(&"eu-ai-office"));
}

#[test]
fn relation_types_counts_each_type_once_per_pair() {
    let found = rows("relation-types", &[]);
    let kind_of = found
        .iter()
        .find(|r| r[0].ends_with("kindOf"))
        .expect("kind of is used");
    assert_eq!(kind_of[3], "11");
}

#[test]
fn key_facts_keep_their_order_and_signal_relations() {
    let found = rows("key-facts", &[]);
    assert_eq!(
        column(&found, 1),
        [
            "Definition",
            "Location",
            "Core remit",
            "Activities",
            "Works with",
            "Also"
        ]
    );
    assert_eq!(
        found[1][3],
        "https://w3id.org/glossgraph/ns#partOf"
            .rsplit('/')
            .next()
            .unwrap()
    );
}

#[test]
fn mappings_reach_the_dpv_ai_act_vocabulary() {
    let found = rows("mappings", &[]);
    assert!(
        found
            .iter()
            .any(|r| r[0] == "eu-ai-office" && r[3] == "aiact#AIOffice"),
        "{found:?}"
    );
}

#[test]
fn breadcrumbs_go_up_to_the_top() {
    let found = rows("breadcrumbs", &[]);
    assert_eq!(
        column(&found, 0),
        [
            "market-surveillance-authority",
            "national-competent-authority"
        ]
    );
}

#[test]
fn the_cli_runs_a_named_query_and_reports_bad_parameters() {
    let out = glossgraph(
        &root(),
        &["query", "--name", "works-with", "--format", "csv"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("partner,term\r\n"));
    assert!(text(&out.stdout).contains("European Artificial Intelligence Board"));

    let out = glossgraph(
        &root(),
        &[
            "query",
            "--name",
            "citing-article",
            "--param",
            "article=sixty",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "glossgraph: parameter `article` must be an integer, not `sixty`\n"
    );

    let out = glossgraph(&root(), &["query", "--name", "no-such-query"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no named query `no-such-query`"));

    let out = glossgraph(&root(), &["query", "SELECT * WHERE { ?s ?p }"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("glossgraph: invalid SPARQL"));
}

#[test]
fn a_parameter_value_cannot_change_the_query() {
    // A string parameter is a literal, whatever it contains.
    let found = rows(
        "works-with",
        &[("lang", "en\") } DELETE WHERE { ?s ?p ?o } #")],
    );
    assert!(found.is_empty());
    assert_eq!(rows("works-with", &[]).len(), 6);
}
