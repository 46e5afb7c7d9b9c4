//! Every named query in `queries/` runs on the glossary and gives the answer it
//! documents; on the server, a browser gets each as a page with a form and a
//! table (and the dataset description as a page), other clients the formats
//! they negotiate.

use crate::util::{
    TestApp, TestResponse, TestServer, built, copy_tree, glossgraph, project, root, state_of, text,
};
use axum::http::StatusCode;
use glossgraph::project::Project;
use glossgraph::query::{self, named_queries};
use oxigraph::sparql::QueryResults;
use scraper::{Html, Selector};

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

/// What Chromium sends for a page.
const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8";

/// Whether a `Vary` header names `Accept` (not only `Accept-Language`).
fn varies_by_accept(response: &TestResponse) -> bool {
    response
        .header("vary")
        .split(',')
        .any(|v| v.trim().eq_ignore_ascii_case("accept"))
}

/// A page parsed as a browser parses it, which must find no error in it.
fn parsed(response: &TestResponse) -> Html {
    assert_eq!(response.media_type(), "text/html");
    let html = Html::parse_document(&response.text());
    assert!(html.errors.is_empty(), "HTML errors: {:?}", html.errors);
    html
}

/// The elements `selector` finds.
fn select<'a>(html: &'a Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(selector).expect("a selector"))
        .collect()
}

fn attr<'a>(html: &'a Html, selector: &str, name: &str) -> &'a str {
    let found = select(html, selector);
    let element = found.first().unwrap_or_else(|| panic!("no {selector}"));
    element.value().attr(name).unwrap_or_default()
}

#[test]
fn a_browser_gets_a_query_page_and_other_clients_the_results_as_before() {
    let app = TestApp::glossary();
    let path = "/queries/works-with";
    for (accept, media) in [
        (BROWSER, "text/html"),
        ("text/html", "text/html"),
        ("", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        (
            "application/sparql-results+json, text/html;q=0.5",
            "application/sparql-results+json",
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ] {
        let headers: &[(&str, &str)] = if accept.is_empty() {
            &[]
        } else {
            &[("accept", accept)]
        };
        let response = app.get(path, headers);
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        assert_eq!(response.media_type(), media, "{accept}");
        assert!(varies_by_accept(&response), "{accept}");
        if media != "text/html" {
            assert!(response.text().contains("european-ai-board"), "{accept}");
        }
    }
    // Explicit format URLs do not negotiate.
    for (file, media) in [
        ("works-with.csv", "text/csv"),
        ("works-with.json", "application/sparql-results+json"),
        ("works-with.xml", "application/sparql-results+xml"),
        ("works-with.tsv", "text/tab-separated-values"),
        ("works-with.html", "text/html"),
    ] {
        let response = app.get(
            &format!("/queries/{file}?lang=en"),
            &[("accept", "image/png")],
        );
        assert_eq!(response.status(), StatusCode::OK, "{file}");
        assert_eq!(response.media_type(), media, "{file}");
        assert!(!varies_by_accept(&response), "{file}");
    }
    for missing in ["works-with.ttl", "works-with.png", "no-such-query.csv"] {
        let response = app.get(&format!("/queries/{missing}"), &[]);
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
    }
    // Mistakes are still problem documents for clients other than browsers.
    let bad = app.get(
        "/queries/citing-article?article=sixty",
        &[("accept", "*/*")],
    );
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(bad.media_type(), "application/problem+json");
}

#[test]
fn the_query_page_has_a_typed_form_and_a_table_linking_concepts() {
    let app = TestApp::glossary();
    let response = app.get("/queries/citing-article?article=65", &[("accept", BROWSER)]);
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.header("cache-control"), "no-cache");
    let page = parsed(&response);
    assert_eq!(
        select(&page, "h1")[0].text().collect::<String>(),
        "Concepts citing an Article"
    );
    assert_eq!(attr(&page, "form.query", "action"), "citing-article");
    assert_eq!(attr(&page, "form.query", "method"), "get");
    assert_eq!(attr(&page, "#param-article", "type"), "number");
    assert_eq!(attr(&page, "#param-article", "value"), "65");
    assert_eq!(attr(&page, "#param-lang", "type"), "text");
    assert_eq!(attr(&page, "#param-lang", "value"), "en", "the default");
    assert_eq!(select(&page, "label[for=param-article]").len(), 1);
    assert!(
        select(&page, "[required]").is_empty(),
        "every parameter has a default"
    );
    let columns: Vec<String> = select(&page, "table.results th")
        .iter()
        .map(|th| th.text().collect())
        .collect();
    assert_eq!(columns, ["concept", "term", "source"]);
    let rows = select(&page, "table.results tbody tr");
    assert!(rows.len() >= 2, "{} rows", rows.len());
    // A concept links to its page by its label; other IRIs link out; literals keep their language.
    let board = select(
        &page,
        "table.results a[href=\"../concept/european-ai-board\"]",
    );
    assert_eq!(board.len(), 1);
    assert_eq!(
        board[0].value().attr("title"),
        Some("https://eu-ai.glossgraph.org/concept/european-ai-board")
    );
    assert!(
        !select(
            &page,
            "table.results a[href^=\"http://data.europa.eu/eli/\"]"
        )
        .is_empty()
    );
    assert!(!select(&page, "table.results span[lang=en]").is_empty());
    // The same results in the other formats, with the same parameters.
    for (href, media) in [
        ("citing-article.csv?article=65", "text/csv"),
        (
            "citing-article.json?article=65",
            "application/sparql-results+json",
        ),
        (
            "citing-article.xml?article=65",
            "application/sparql-results+xml",
        ),
        ("citing-article.tsv?article=65", "text/tab-separated-values"),
    ] {
        assert_eq!(
            select(&page, &format!("main a[href=\"{href}\"]")).len(),
            1,
            "{href}"
        );
        let linked = app.get(&format!("/queries/{href}"), &[]);
        assert_eq!(linked.media_type(), media, "{href}");
        assert!(linked.text().contains("european-ai-board"), "{href}");
    }
    // An IRI parameter suggests the glossary's concepts.
    let works_with = app.get("/queries/works-with", &[("accept", BROWSER)]);
    let page = parsed(&works_with);
    assert_eq!(attr(&page, "#param-concept", "list"), "concepts");
    assert_eq!(
        attr(&page, "#param-concept", "value"),
        "concept/eu-ai-office"
    );
    assert_eq!(
        select(
            &page,
            "datalist#concepts option[value=\"concept/eu-ai-office\"]"
        )
        .len(),
        1
    );
}

#[test]
fn wrong_parameters_show_on_the_page_with_the_form() {
    let app = TestApp::glossary();
    let response = app.get(
        "/queries/citing-article?article=sixty",
        &[("accept", BROWSER)],
    );
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = parsed(&response);
    assert_eq!(attr(&page, "#param-article", "aria-invalid"), "true");
    assert_eq!(
        attr(&page, "#param-article", "value"),
        "sixty",
        "kept to mend"
    );
    assert!(
        response
            .text()
            .contains("parameter `article` must be an integer, not `sixty`")
    );
    assert!(select(&page, "table").is_empty());

    let response = app.get("/queries/works-with?nonsense=1", &[("accept", BROWSER)]);
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = parsed(&response);
    assert_eq!(select(&page, "form.query").len(), 1);
    assert!(
        response
            .text()
            .contains("the query has no parameter `nonsense`")
    );
}

/// The server fixture (three languages) with queries of every kind, one of
/// them with a parameter that has no default.
fn fixture_with_queries() -> (tempfile::TempDir, TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    copy_tree(&root().join("tests/fixtures/server"), &data);
    // Beside the glossary's folder, where `glossary.toml` looks by default.
    let queries = dir.path().join("queries");
    std::fs::create_dir_all(&queries).unwrap();
    let skos = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>";
    for (name, text) in [
        (
            "parts",
            format!(
                "# title: Parts\n# description: The parts of a whole.\n# param: whole (iri) -- the whole\n{skos}\nSELECT ?part ?term WHERE {{ ?part skos:broader ?whole ; skos:prefLabel ?term }} ORDER BY ?term"
            ),
        ),
        (
            "labels",
            format!(
                "# title: Labels\n# description: Every preferred label, as a graph.\n{skos}\nCONSTRUCT {{ ?c skos:prefLabel ?l }} WHERE {{ ?c skos:prefLabel ?l }}"
            ),
        ),
        (
            "has-parts",
            format!(
                "# title: Has parts\n# description: Whether anything is part of anything.\n{skos}\nASK {{ ?a skos:broader ?b }}"
            ),
        ),
    ] {
        std::fs::write(queries.join(format!("{name}.rq")), text).unwrap();
    }
    let project = Project::open(&data).unwrap();
    let built = crate::util::build_in_memory(&project);
    let app = TestApp::new(state_of(
        &project,
        built.store,
        glossgraph::server::Limits::default(),
    ));
    (dir, app)
}

#[test]
fn required_parameters_graphs_answers_and_the_page_language() {
    let (_dir, app) = fixture_with_queries();
    // Without its required parameter, the form and no table.
    let response = app.get("/queries/parts", &[("accept", BROWSER)]);
    assert_eq!(response.status(), StatusCode::OK);
    assert!(varies_by_accept(&response));
    assert!(response.header("vary").contains("Accept-Language"));
    let page = parsed(&response);
    assert_eq!(select(&page, "#param-whole[required]").len(), 1);
    assert_eq!(attr(&page, "#param-whole", "value"), "");
    assert!(select(&page, "table").is_empty());
    // An empty field is not a value.
    let empty = app.get("/queries/parts?whole=", &[("accept", BROWSER)]);
    assert_eq!(empty.status(), StatusCode::OK);
    assert!(select(&parsed(&empty), "table").is_empty());
    // `lang` chooses the page's language when the query has no such parameter.
    let response = app.get(
        "/queries/parts?whole=concept%2Fboard&lang=de",
        &[("accept", BROWSER)],
    );
    assert_eq!(response.status(), StatusCode::OK);
    let page = parsed(&response);
    assert_eq!(attr(&page, "html", "lang"), "de");
    assert_eq!(
        attr(&page, "form.query input[type=hidden][name=lang]", "value"),
        "de"
    );
    // One row for each of the office's terms, each linking to its page in German.
    let office = select(&page, "table.results a[href=\"../concept/office?lang=de\"]");
    assert_eq!(office.len(), 2);
    assert!(
        office
            .iter()
            .all(|a| a.text().collect::<String>() == "Büro")
    );
    assert_eq!(select(&page, "table.results span[lang=de]").len(), 1);
    // The page's own words are German too.
    let words = response.text();
    for german in ["Abfrage ausführen", "Ergebnisse", "Diese Ergebnisse als:"] {
        assert!(words.contains(german), "{german}");
    }
    for english in ["Run the query", "These results as:", "The query in SPARQL"] {
        assert!(!words.contains(english), "{english}");
    }
    assert_eq!(
        attr(&page, "main .formats a[type^=\"text/csv\"]", "href"),
        "parts.csv?whole=concept%2Fboard"
    );
    // A graph: triples, with RDF formats.
    let response = app.get("/queries/labels", &[("accept", BROWSER)]);
    let page = parsed(&response);
    assert_eq!(
        select(&page, "table.results thead th").len(),
        3,
        "subject, predicate, object"
    );
    assert!(!select(&page, "table.results span[lang=fr]").is_empty());
    assert_eq!(
        attr(&page, "main .formats a[type=\"text/turtle\"]", "href"),
        "labels.ttl"
    );
    assert_eq!(
        app.get("/queries/labels.ttl", &[]).media_type(),
        "text/turtle"
    );
    assert_eq!(
        app.get("/queries/labels", &[("accept", "*/*")])
            .media_type(),
        "text/turtle"
    );
    assert_eq!(
        app.get("/queries/labels.csv", &[]).status(),
        StatusCode::NOT_FOUND
    );
    // A boolean.
    let response = app.get("/queries/has-parts", &[("accept", BROWSER)]);
    assert!(parsed(&response).html().contains("Yes"));
}

#[test]
fn the_dataset_description_is_a_page_for_browsers_and_rdf_for_the_rest() {
    let app = TestApp::glossary();
    for (path, accept, media) in [
        ("/dataset", BROWSER, "text/html"),
        ("/.well-known/void", BROWSER, "text/html"),
        ("/dataset", "text/html", "text/html"),
        ("/dataset", "*/*", "text/turtle"),
        ("/.well-known/void", "", "text/turtle"),
        (
            "/.well-known/void",
            "application/ld+json",
            "application/ld+json",
        ),
        ("/dataset", "application/json", "application/ld+json"),
        (
            "/dataset",
            "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json",
            "application/rdf+xml",
        ),
        ("/dataset", "text/turtle, text/html", "text/turtle"),
        ("/dataset", "text/n3, text/html", "text/n3"),
    ] {
        let headers: &[(&str, &str)] = if accept.is_empty() {
            &[]
        } else {
            &[("accept", accept)]
        };
        let response = app.get(path, headers);
        assert_eq!(response.status(), StatusCode::OK, "{path} {accept}");
        assert_eq!(response.media_type(), media, "{path} {accept}");
        assert!(varies_by_accept(&response), "{path} {accept}");
        assert!(
            response.header("link").contains("dataset.html>"),
            "{path} {accept}"
        );
    }
    let page = app.get("/dataset", &[("accept", BROWSER)]);
    assert_eq!(page.header("content-location"), "dataset.html");
    let html = parsed(&page);
    assert_eq!(
        select(&html, "h1")[0].text().collect::<String>(),
        "EU AI governance glossary"
    );
    assert_eq!(
        attr(&html, "a[rel=license]", "href"),
        "https://creativecommons.org/licenses/by/4.0/"
    );
    let text = page.text();
    assert!(text.contains("<dt>Concepts</dt><dd>44</dd>"), "{text}");
    assert!(text.contains("<dt>RDF triples</dt><dd>"));
    assert_eq!(select(&html, "dl a[href=\"sparql\"]").len(), 1);
    let downloads: Vec<&str> = select(&html, "section table a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    for dump in [
        "dump.ttl",
        "dump.jsonld",
        "dump.rdf",
        "dump.nt",
        "dump.nq",
        "dump.trig",
    ] {
        assert!(downloads.contains(&dump), "{dump} in {downloads:?}");
        assert_eq!(app.get(&format!("/{dump}"), &[]).status(), StatusCode::OK);
    }
    // From `.well-known/`, the same page links one folder up.
    let void = app.get("/.well-known/void", &[("accept", BROWSER)]);
    assert_eq!(void.header("content-location"), "../dataset.html");
    assert_eq!(
        select(&parsed(&void), "section table a[href=\"../dump.ttl\"]").len(),
        1
    );
    // Nothing acceptable names the page too.
    let refused = app.get("/dataset", &[("accept", "image/png")]);
    assert_eq!(refused.status(), StatusCode::NOT_ACCEPTABLE);
    assert!(
        refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains("text/html")
    );
}

/// Headless Chromium opens the named queries, follows one, fills its form,
/// submits it and finds the rows; the screenshot is kept in `ci-artefacts/`.
#[test]
fn a_browser_runs_a_named_query_from_its_form() {
    let Some(modules) = crate::search::playwright() else {
        return;
    };
    let server = TestServer::glossary();
    let artefacts = root().join("ci-artefacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let out = std::process::Command::new("node")
        .arg(root().join("tests/interop/queries.cjs"))
        .args([
            server.url.as_str(),
            "What a concept works with",
            "concept",
            "concept/european-ai-board",
            "EU AI Office",
        ])
        .arg(artefacts.join("query-page.png"))
        .env("NODE_PATH", modules)
        .output()
        .expect("node runs");
    eprintln!("{}", text(&out.stdout));
    assert!(out.status.success(), "{}", text(&out.stderr));
}
