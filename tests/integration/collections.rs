//! Collections: an entry with `members` is a `skos:Collection` that answers
//! at its IRI as a concept does, lists its members (in order, when ordered)
//! and is listed on its members' pages and on the home page, but is in no
//! A–Z, hierarchy or search.

use crate::util::TestApp;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedOrBlankNode, Term, Triple};
use scraper::{Html, Selector};

const UNION: &str = "https://eu-ai.glossgraph.org/concept/governance-at-union-level";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const MEMBER_LIST: &str = "http://www.w3.org/2004/02/skos/core#memberList";

/// The text of each element `selector` finds in the page at `path`.
fn texts(app: &TestApp, path: &str, selector: &str) -> Vec<String> {
    let page = app.get(path, &[("accept", "text/html")]);
    assert_eq!(page.status(), 200, "{path}");
    let html = Html::parse_document(&page.text());
    assert!(html.errors.is_empty(), "{path}: {:?}", html.errors);
    html.select(&Selector::parse(selector).expect("a selector"))
        .map(|e| e.text().collect())
        .collect()
}

/// The items of the list `head` in `triples`, as IRIs.
fn items(triples: &[Triple], head: &Term) -> Vec<String> {
    let mut out = Vec::new();
    let mut node = head.clone();
    while let Term::NamedNode(cell) = &node {
        if cell.as_str() == format!("{RDF}nil") || out.len() > triples.len() {
            break;
        }
        let subject = NamedOrBlankNode::from(cell.clone());
        let value = |p: &str| {
            triples
                .iter()
                .find(|t| t.subject == subject && t.predicate.as_str() == format!("{RDF}{p}"))
                .map(|t| t.object.clone())
        };
        if let Some(Term::NamedNode(first)) = value("first") {
            out.push(first.as_str().to_owned());
        }
        node = value("rest").expect("every cell has a rest");
    }
    out
}

#[test]
fn a_collection_answers_at_its_iri_with_its_members_in_order() {
    let app = TestApp::glossary();
    let path = "/concept/governance-at-union-level";
    assert_eq!(
        texts(&app, path, "ol.members a"),
        [
            "EU AI Office",
            "European Artificial Intelligence Board",
            "advisory forum",
            "scientific panel of independent experts"
        ]
    );
    assert_eq!(texts(&app, path, "p.kind"), ["Collection"]);
    assert_eq!(texts(&app, path, "ul.collections a"), ["AI Act governance"]);
    // An unordered collection lists its members by label.
    assert_eq!(
        texts(&app, "/concept/national-governance", "ul.members a"),
        [
            "market surveillance authority",
            "national competent authority",
            "notifying authority",
            "single point of contact"
        ]
    );
    // Its RDF carries the member list whole: each cell is part of it.
    let turtle = app.get(&format!("{path}.ttl"), &[]);
    assert_eq!(turtle.status(), 200);
    let triples: Vec<Triple> = RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(&turtle.body)
        .map(|q| q.map(Triple::from))
        .collect::<Result<_, _>>()
        .expect("Turtle");
    let head = triples
        .iter()
        .find(|t| {
            t.subject.to_string() == format!("<{UNION}>") && t.predicate.as_str() == MEMBER_LIST
        })
        .map(|t| t.object.clone())
        .expect("a member list");
    let ids: Vec<String> = items(&triples, &head)
        .iter()
        .map(|i| i.rsplit('/').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        ids,
        [
            "eu-ai-office",
            "european-ai-board",
            "advisory-forum",
            "scientific-panel"
        ]
    );
}

#[test]
fn members_and_the_home_page_lead_to_collections_and_nothing_else_lists_them() {
    let app = TestApp::glossary();
    assert_eq!(
        texts(&app, "/concept/eu-ai-office", "ul.collections a"),
        ["governance at Union level"]
    );
    // The home page lists the collections no other collection holds.
    assert_eq!(
        texts(&app, "/", "section[aria-labelledby=collections] a"),
        ["AI Act governance"]
    );
    let listed: Vec<String> = texts(&app, "/", "ul.az a")
        .into_iter()
        .chain(texts(&app, "/", ".tree a"))
        .collect();
    for name in [
        "AI Act governance",
        "governance at Union level",
        "national governance",
    ] {
        assert!(!listed.iter().any(|l| l == name), "{name} is listed");
    }
    assert_eq!(texts(&app, "/", "p.count"), ["44 concepts"]);
    // Search finds concepts, not the collections that group them.
    let found = app.get("/api/search?q=national", &[]);
    assert_eq!(found.status(), 200);
    let text = found.text();
    assert!(text.contains("national-competent-authority"), "{text}");
    assert!(!text.contains("national-governance"), "{text}");
}
