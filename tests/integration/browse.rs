//! Pages that stay small at any size: UNESCO's Thesaurus (4,420 concepts,
//! four languages) published beside the glossary is browsed from the home
//! page through every letter of the A–Z and every branch of the hierarchy,
//! each page inside its size target, every concept reached.

use crate::util::{TestApp, state_of};
use std::collections::{BTreeSet, VecDeque};

/// The home page's target and every other index page's (bytes of HTML).
const HOME: usize = 50_000;
const INDEX: usize = 100_000;
const CONCEPT: usize = 60_000;

/// `href`, found on the page at `page` (both relative to the root), as a
/// path from the root with its query.
fn resolve(page: &str, href: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for segment in href.split('/') {
        match segment {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Every `href` on a page, and every `data-branch`.
fn links(html: &str, attribute: &str) -> Vec<String> {
    html.split(&format!("{attribute}=\""))
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        // The reader's own language: other languages' links are the same pages again.
        .filter(|href| !href.starts_with('#') && !href.contains("lang="))
        .map(|href| href.replace("&amp;", "&"))
        .collect()
}

#[test]
fn a_large_vocabulary_browses_in_small_pages_that_reach_every_concept() {
    let Some((project, store)) = crate::search::with_unesco() else {
        return;
    };
    let state = state_of(&project, store, glossgraph::server::Limits::default());
    let snapshot = state.snapshot();
    let app = TestApp::new(state.clone());
    let get = |path: &str| -> String {
        let response = app.get(&format!("/{path}"), &[("accept", "text/html")]);
        assert_eq!(response.status().as_u16(), 200, "/{path}");
        response.text()
    };
    let home = get("");
    assert!(home.len() <= HOME, "the home page is {} bytes", home.len());
    let largest = std::cell::RefCell::new(std::collections::BTreeMap::<&str, usize>::new());
    let note = |kind: &'static str, size: usize| {
        let mut largest = largest.borrow_mut();
        let entry = largest.entry(kind).or_default();
        *entry = (*entry).max(size);
    };
    note("home", home.len());
    assert!(
        home.contains("<details data-branch="),
        "the hierarchy opens by branch"
    );

    // The A–Z: every letter, every page of it.
    let concept_links = |html: &str, page: &str| -> Vec<String> {
        links(html, "href")
            .into_iter()
            .map(|h| resolve(page, &h))
            .filter(|h| h.starts_with("concept/") || h.starts_with("resource?iri="))
            .collect()
    };
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut in_az: BTreeSet<String> = BTreeSet::new();
    let mut pending: VecDeque<String> = links(&home, "href")
        .into_iter()
        .filter(|h| h.starts_with("az/"))
        .collect();
    assert!(pending.len() > 20, "the home page links each letter");
    while let Some(path) = pending.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let html = get(&path);
        assert!(html.len() <= INDEX, "/{path} is {} bytes", html.len());
        note("A–Z page", html.len());
        in_az.extend(concept_links(&html, &path));
        pending.extend(
            links(&html, "href")
                .into_iter()
                .map(|h| resolve(&path, &h))
                .filter(|h| h.starts_with("az/")),
        );
    }
    let expected = snapshot
        .concepts
        .concepts
        .iter()
        .filter(|c| !c.deprecated && !c.collection)
        .count();
    assert_eq!(
        in_az.len(),
        expected,
        "the A–Z pages list every concept once"
    );
    assert!(
        seen.iter().any(|p| p.matches('/').count() == 2),
        "a letter with more than a page's concepts is paged: {seen:?}"
    );

    // The hierarchy: every branch from the home page down.
    let mut in_tree: BTreeSet<String> = concept_links(&home, "").into_iter().collect();
    let mut branches: VecDeque<String> = links(&home, "data-branch").into();
    // The home page shows the first top concepts; `top` pages list them all.
    let mut tops: Vec<String> = links(&home, "href")
        .into_iter()
        .filter(|h| h == "top")
        .collect();
    assert_eq!(tops.len(), 1, "the home page leads to all the top concepts");
    let mut top_pages = BTreeSet::new();
    while let Some(path) = tops.pop() {
        if !top_pages.insert(path.clone()) {
            continue;
        }
        let html = get(&path);
        assert!(html.len() <= INDEX, "/{path} is {} bytes", html.len());
        note("top concepts page", html.len());
        in_tree.extend(concept_links(&html, &path));
        branches.extend(
            links(&html, "data-branch")
                .into_iter()
                .map(|h| resolve(&path, &h)),
        );
        tops.extend(
            links(&html, "href")
                .into_iter()
                .map(|h| resolve(&path, &h))
                .filter(|h| h == "top" || h.starts_with("top/")),
        );
    }
    assert!(top_pages.len() > 1, "585 top concepts take several pages");
    let mut opened = 0;
    while let Some(path) = branches.pop_front() {
        let html = get(&path);
        opened += 1;
        assert!(html.len() <= INDEX, "/{path} is {} bytes", html.len());
        note("branch page", html.len());
        in_tree.extend(concept_links(&html, &path));
        branches.extend(
            links(&html, "data-branch")
                .into_iter()
                .map(|h| resolve(&path, &h)),
        );
    }
    let mut reachable = BTreeSet::new();
    let mut todo: Vec<usize> = snapshot.concepts.top.clone();
    while let Some(i) = todo.pop() {
        if reachable.insert(i) {
            todo.extend(&snapshot.concepts.concepts[i].narrower);
        }
    }
    assert!(opened > 100, "{opened} branches");
    assert!(
        in_tree.len() >= reachable.len(),
        "the branches reach {} of the {} concepts under the top concepts",
        in_tree.len(),
        reachable.len()
    );
    assert!(
        reachable.len() > 4_000,
        "UNESCO's tree is shown, not only the glossary's: {}",
        reachable.len()
    );

    // Concept pages, a sample of them.
    for path in in_az.iter().step_by(40) {
        let html = get(path);
        assert!(html.len() <= CONCEPT, "/{path} is {} bytes", html.len());
        note("concept page (1 in 40)", html.len());
    }
    // For the record (BENCHMARKS.md, "Pages at any size").
    eprintln!(
        "largest pages, bytes: {:?}; {opened} branches",
        largest.borrow()
    );
    // A concept under two broader concepts shows both paths up, and its
    // siblings under each on demand.
    let (i, two) = snapshot
        .concepts
        .concepts
        .iter()
        .enumerate()
        .find(|(_, c)| c.broader.len() >= 2)
        .expect("UNESCO has a concept with two broader concepts");
    let path = format!(
        "resource?iri={}",
        form_urlencoded::byte_serialize(two.iri.as_bytes()).collect::<String>()
    );
    let html = get(&path);
    let crumbs = html
        .split("class=\"breadcrumbs\">")
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .unwrap_or_else(|| panic!("{} has breadcrumbs", two.iri));
    assert!(crumbs.matches("<ol>").count() >= 2, "{crumbs}");
    assert_eq!(
        crumbs.matches("<details class=\"siblings\"").count(),
        snapshot.concepts.concepts[i].broader.len(),
        "{crumbs}"
    );
    // Another language keeps to its own labels and links.
    let french = get("az/A?lang=fr");
    assert!(french.contains("lang=fr"), "{french}");
    // Each language's version of the page, for search engines.
    for code in ["en", "fr", "es", "ru"] {
        assert!(
            french.contains(&format!("<link rel=\"alternate\" hreflang=\"{code}\"")),
            "{code}"
        );
    }
}

#[test]
fn a_branch_opens_in_place_in_a_browser() {
    let Some(modules) = crate::search::playwright() else {
        return;
    };
    let Some((project, store)) = crate::search::with_unesco() else {
        return;
    };
    let server = crate::util::TestServer::start(state_of(
        &project,
        store,
        glossgraph::server::Limits::default(),
    ));
    let artefacts = crate::util::root().join("ci-artefacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let out = std::process::Command::new("node")
        .arg(crate::util::root().join("tests/interop/branch.cjs"))
        .arg(format!("{}/", server.url))
        .arg(artefacts.join("branch.png"))
        .env("NODE_PATH", &modules)
        .output()
        .expect("node runs");
    eprintln!("{}", crate::util::text(&out.stdout));
    assert!(out.status.success(), "{}", crate::util::text(&out.stderr));
}

#[test]
fn the_map_counts_each_relation_type_between_top_concepts() {
    let app = TestApp::glossary();
    let home = app.get("/", &[("accept", "text/html")]).text();
    assert!(
        home.contains("<a href=\"map\">Map of relations</a>"),
        "{home}"
    );
    let response = app.get("/map", &[("accept", "text/html")]);
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text();
    assert!(html.contains("<figure class=\"diagram\"><svg"), "{html}");
    // Every typed relation of the graph is counted once, in one direction.
    let part_of = html
        .split("<h3>Part of</h3>")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .unwrap_or_else(|| panic!("the map has part of: {html}"));
    let counted: usize = part_of
        .split("</li>")
        .filter_map(|item| {
            item.rsplit_once('(')?
                .1
                .strip_suffix(')')?
                .parse::<usize>()
                .ok()
        })
        .sum();
    let stated = crate::util::built()
        .store
        .quads_for_pattern(
            None,
            Some(oxigraph::model::NamedNodeRef::new_unchecked(
                "https://w3id.org/glossgraph/ns#partOf",
            )),
            None,
            None,
        )
        .count();
    assert!(
        counted > 0 && counted <= stated,
        "{counted} of {stated}: {part_of}"
    );
}
