//! Pages that stay small at any size: UNESCO's Thesaurus (4,420 concepts,
//! four languages) published beside the glossary is browsed from the home
//! page through every letter of the A–Z and every branch of the hierarchy,
//! each page inside its size target, every concept reached; and so is a
//! generated glossary of 100,000 entries, whose pages also paint in Chromium
//! within a second.

use crate::util::{TestApp, state_of};
use std::collections::{BTreeSet, VecDeque};

/// The home page's target and every other index page's (bytes of HTML).
const HOME: usize = 50_000;
const INDEX: usize = 100_000;
const CONCEPT: usize = 60_000;

/// `href`, found on the page at `page` (both relative to the root), as a
/// path from the root with its query, resolved as a browser would.
fn resolve(page: &str, href: &str) -> String {
    let root = url::Url::parse("http://glossary.test/").expect("an address");
    let url = root
        .join(page)
        .and_then(|page| page.join(href))
        .unwrap_or_else(|e| panic!("`{href}` on /{page}: {e}"));
    match url.query() {
        Some(query) => format!("{}?{query}", &url.path()[1..]),
        None => url.path()[1..].to_owned(),
    }
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

/// Browsing a served vocabulary from its home page, each page checked
/// against its size target; the largest page of each kind is kept for the
/// record (BENCHMARKS.md, "Pages at any size").
struct Walk<'a> {
    app: &'a TestApp,
    largest: std::collections::BTreeMap<&'static str, usize>,
}

impl Walk<'_> {
    /// The page at `path` (from the root), which must answer 200 within `limit` bytes.
    fn get(&mut self, path: &str, kind: &'static str, limit: usize) -> String {
        let response = self
            .app
            .get(&format!("/{path}"), &[("accept", "text/html")]);
        assert_eq!(response.status().as_u16(), 200, "/{path}");
        let html = response.text();
        assert!(html.len() <= limit, "/{path} is {} bytes", html.len());
        let largest = self.largest.entry(kind).or_default();
        *largest = (*largest).max(html.len());
        html
    }

    /// Every page of the A–Z from the home page: the concepts they list, and
    /// the pages' paths.
    fn az(&mut self, home: &str) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut listed: BTreeSet<String> = BTreeSet::new();
        let mut pending: VecDeque<String> = links(home, "href")
            .into_iter()
            .filter(|h| h.starts_with("az/"))
            .collect();
        assert!(pending.len() > 20, "the home page links each letter");
        while let Some(path) = pending.pop_front() {
            if !seen.insert(path.clone()) {
                continue;
            }
            let html = self.get(&path, "A–Z page", INDEX);
            listed.extend(concept_links(&html, &path));
            pending.extend(
                links(&html, "href")
                    .into_iter()
                    .map(|h| resolve(&path, &h))
                    .filter(|h| h.starts_with("az/")),
            );
        }
        (listed, seen)
    }

    /// Every page of top concepts: the concepts they show and their branches.
    fn tops(&mut self, home: &str) -> (BTreeSet<String>, VecDeque<String>, usize) {
        let mut shown: BTreeSet<String> = concept_links(home, "").into_iter().collect();
        let mut branches: VecDeque<String> = links(home, "data-branch").into();
        // The home page shows the first top concepts; `top` pages list them all.
        let mut tops: Vec<String> = links(home, "href")
            .into_iter()
            .filter(|h| h == "top")
            .collect();
        assert_eq!(tops.len(), 1, "the home page leads to all the top concepts");
        let mut pages = BTreeSet::new();
        while let Some(path) = tops.pop() {
            if !pages.insert(path.clone()) {
                continue;
            }
            let html = self.get(&path, "top concepts page", INDEX);
            shown.extend(concept_links(&html, &path));
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
        (shown, branches, pages.len())
    }

    /// Opens the branches `pending`, and the branches inside them, 1 in
    /// `every`: the concepts they show and how many were opened.
    fn branches(
        &mut self,
        mut pending: VecDeque<String>,
        every: usize,
    ) -> (BTreeSet<String>, usize) {
        let mut shown = BTreeSet::new();
        let (mut opened, mut met) = (0, 0);
        while let Some(path) = pending.pop_front() {
            met += 1;
            if met % every != 0 {
                continue;
            }
            let html = self.get(&path, "branch page", INDEX);
            opened += 1;
            shown.extend(concept_links(&html, &path));
            pending.extend(
                links(&html, "data-branch")
                    .into_iter()
                    .map(|h| resolve(&path, &h)),
            );
        }
        (shown, opened)
    }
}

/// Each relation type's own list of pairs, from the map: its first, second
/// and last pages, each inside the index target, which together number as
/// many pairs as the map counts for the type. The number of types.
fn map_lists(mut get: impl FnMut(&str) -> String, map: &str) -> usize {
    let mut types = 0;
    for row in map.split("<h3><a href=\"").skip(1) {
        let list = resolve("map", &row[..row.find('"').unwrap()].replace("&amp;", "&"));
        // The row: the pairs listed, then "+N more" when there are more.
        let row = row.split("<h3>").next().unwrap();
        let row = row.split("</section>").next().unwrap();
        let unlisted = row
            .split("class=\"unlisted\">")
            .nth(1)
            .and_then(|rest| rest.split(">+").nth(1))
            .and_then(|rest| rest.split(' ').next())
            .map_or(0, |n| n.parse::<usize>().expect("+N more"));
        let total = row.matches("<li>").count() + unlisted;
        let first = get(&list);
        assert_eq!(numbered(&first, &list).0, 1, "/{list}");
        let own = list.split('?').next().unwrap().to_owned();
        let mut pages: Vec<usize> = links(&first, "href")
            .iter()
            .map(|h| resolve(&list, h))
            .filter_map(|h| h.strip_prefix(&format!("{own}/"))?.parse().ok())
            .collect();
        pages.sort_unstable();
        pages.dedup();
        let last = match (pages.first(), pages.last()) {
            (Some(second), Some(last)) => {
                get(&format!("{own}/{second}"));
                get(&format!("{own}/{last}"))
            }
            _ => first,
        };
        let (start, on_last) = numbered(&last, &list);
        assert_eq!(
            start + on_last - 1,
            total,
            "/{list}: as many pairs as the map counts"
        );
        types += 1;
    }
    types
}

/// The number of the first pair a relation type's page lists, and how many
/// it lists.
fn numbered(html: &str, page: &str) -> (usize, usize) {
    let list = html
        .split("<ol class=\"pairs\" start=\"")
        .nth(1)
        .unwrap_or_else(|| panic!("/{page} lists pairs"));
    let start = list
        .split('"')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("/{page} numbers its pairs"));
    (
        start,
        list.split("</ol>").next().unwrap().matches("<li>").count(),
    )
}

/// The links to concept pages on the page at `page`, as paths from the root.
fn concept_links(html: &str, page: &str) -> Vec<String> {
    links(html, "href")
        .into_iter()
        .map(|h| resolve(page, &h))
        .filter(|h| h.starts_with("concept/") || h.starts_with("resource?iri="))
        .collect()
}

/// How many concepts are under the top concepts (themselves included).
fn under_top(snapshot: &glossgraph::server::snapshot::Snapshot) -> usize {
    let mut reachable = BTreeSet::new();
    let mut todo: Vec<usize> = snapshot.concepts.top.clone();
    while let Some(i) = todo.pop() {
        if reachable.insert(i) {
            todo.extend(&snapshot.concepts.concepts[i].narrower);
        }
    }
    reachable.len()
}

fn live_concepts(snapshot: &glossgraph::server::snapshot::Snapshot) -> usize {
    snapshot
        .concepts
        .concepts
        .iter()
        .filter(|c| !c.deprecated && !c.collection)
        .count()
}

#[test]
fn a_large_vocabulary_browses_in_small_pages_that_reach_every_concept() {
    let Some((project, store)) = crate::search::with_unesco() else {
        return;
    };
    let state = state_of(&project, store, glossgraph::server::Limits::default());
    let snapshot = state.snapshot();
    let app = TestApp::new(state.clone());
    let mut walk = Walk {
        app: &app,
        largest: Default::default(),
    };
    let home = walk.get("", "home", HOME);
    assert!(
        home.contains("<details data-branch="),
        "the hierarchy opens by branch"
    );

    // The A–Z: every letter, every page of it.
    let (in_az, az_pages) = walk.az(&home);
    assert_eq!(
        in_az.len(),
        live_concepts(&snapshot),
        "the A–Z pages list every concept once"
    );
    assert!(
        az_pages.iter().any(|p| p.matches('/').count() == 2),
        "a letter with more than a page's concepts is paged: {az_pages:?}"
    );

    // The hierarchy: every branch from the home page down.
    let (mut in_tree, branches, top_pages) = walk.tops(&home);
    assert!(top_pages > 1, "585 top concepts take several pages");
    let (shown, opened) = walk.branches(branches, 1);
    in_tree.extend(shown);
    let reachable = under_top(&snapshot);
    assert!(opened > 100, "{opened} branches");
    assert!(
        in_tree.len() >= reachable,
        "the branches reach {} of the {reachable} concepts under the top concepts",
        in_tree.len(),
    );
    assert!(
        reachable > 4_000,
        "UNESCO's tree is shown, not only the glossary's: {reachable}"
    );

    // Concept pages, a sample of them.
    for path in in_az.iter().step_by(40) {
        walk.get(path, "concept page (1 in 40)", CONCEPT);
    }
    eprintln!(
        "largest pages, bytes: {:?}; {opened} branches",
        walk.largest
    );
    let mut get = |path: &str| walk.get(path, "other", usize::MAX);
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
    // A vocabulary of SKOS relations only has its map: how its associative
    // relations join the branches.
    let map = get("map");
    assert!(map.len() <= INDEX, "the map is {} bytes", map.len());
    // The glossary's typed relations, and UNESCO's skos:related; the
    // diagram's "+N more" leads to the type's own pages.
    assert!(map_lists(&mut get, &map) > 1);
    let diagram = &map[..map.find("</svg>").expect("the map's diagram")];
    assert!(
        diagram.contains("<a href=\"map/related\"><text"),
        "{diagram}"
    );
    let related = map
        .split(">Related</a></h3>")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .unwrap_or_else(|| panic!("the map counts skos:related: {map}"));
    assert!(related.contains("resource?iri="), "{related}");
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

/// The generated glossary's size: 100,000 entries, or GLOSSGRAPH_LARGE_ENTRIES.
fn large_entries() -> usize {
    std::env::var("GLOSSGRAPH_LARGE_ENTRIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000)
}

/// Memory the generated glossary needs while it is built and served (its
/// store, the build's buffers, the server's indexes), with room to spare.
const LARGE_MEMORY: u64 = 6 << 30;

/// Memory available now, from /proc/meminfo.
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[test]
fn a_generated_100000_entry_glossary_browses_in_small_pages_that_paint_within_a_second() {
    let entries = large_entries();
    match available_memory() {
        Some(free) if free < LARGE_MEMORY => {
            // The only size a test may skip for want of memory (issue 25).
            eprintln!(
                "skipped: {entries} generated entries need {} GiB free, and {} GiB is",
                LARGE_MEMORY >> 30,
                free >> 30
            );
            return;
        }
        _ => {}
    }
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    // Entries with labels, definitions and relations: what the index pages
    // show. The full entries' pages are the 10,000-entry benchmarks'.
    crate::generated::glossary::write_with(
        dir.path(),
        entries,
        1,
        crate::generated::glossary::Detail::Lean,
    )
    .unwrap();
    let project = glossgraph::project::Project::open(dir.path()).unwrap();
    let built =
        glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory).unwrap();
    eprintln!(
        "{entries} entries generated and built in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let state = state_of(&project, built.store, glossgraph::server::Limits::default());
    let snapshot = state.snapshot();
    // The concept with the most broader and narrower concepts.
    let busiest = snapshot
        .concepts
        .concepts
        .iter()
        .max_by_key(|c| c.narrower.len() + c.broader.len())
        .map(|c| c.iri.rsplit('/').next().unwrap().to_owned())
        .unwrap();

    // First in a browser, before any page is kept: each is made for it. What
    // the server prepares in the background when it loads a graph (the A–Z
    // order, the map's counts: 12 s here in a debug build) is ready first.
    glossgraph::server::browse::prepare(&snapshot);
    if let Some(modules) = crate::search::playwright() {
        let server = crate::util::TestServer::start(state.clone());
        let branch = snapshot
            .concepts
            .top
            .iter()
            .map(|&t| &snapshot.concepts.concepts[t])
            .find(|c| !c.narrower.is_empty())
            .map(|c| c.iri.rsplit('/').next().unwrap().to_owned())
            .expect("a top concept with narrower ones");
        let pages = [
            ("generated-home", "/".to_owned()),
            ("generated-az", "/az/A".to_owned()),
            ("generated-top", "/top".to_owned()),
            ("generated-branch", format!("/hierarchy/{branch}")),
            ("generated-concept", format!("/concept/{busiest}")),
            ("generated-map", "/map".to_owned()),
        ];
        let pages: Vec<(&str, &str)> = pages.iter().map(|(n, p)| (*n, p.as_str())).collect();
        crate::accessibility::tour(&modules, &server, &pages);
    }

    let app = TestApp::new(state.clone());
    let mut walk = Walk {
        app: &app,
        largest: Default::default(),
    };
    let home = walk.get("", "home", HOME);
    let (in_az, az_pages) = walk.az(&home);
    assert_eq!(
        in_az.len(),
        live_concepts(&snapshot),
        "the A–Z lists every concept"
    );
    let (_, mut branches, top_pages) = walk.tops(&home);
    // Every branch under the home page's top concepts; 1 in 20 of the rest.
    let on_home = links(&home, "data-branch").len();
    let rest = branches.split_off(on_home);
    let (_, opened_home) = walk.branches(branches, 1);
    let (_, opened_rest) = walk.branches(rest, 20);
    assert!(
        opened_home > 0 && opened_rest > 0,
        "{opened_home} and {opened_rest} branches"
    );
    // Every concept page would take long in a debug build: 1 in 100, and the
    // one with the most broader and narrower concepts.
    for path in in_az.iter().step_by(100) {
        walk.get(path, "concept page (1 in 100)", CONCEPT);
    }
    walk.get(
        &format!("concept/{busiest}"),
        "concept page (the most linked)",
        CONCEPT,
    );
    let map = walk.get("map", "map", INDEX);
    assert!(
        map.contains("class=\"unlisted\""),
        "the map lists the first pairs of each type"
    );
    let types = map_lists(|path| walk.get(path, "relation type's pairs", INDEX), &map);
    assert!(types > 3, "{types} relation types on the map");
    eprintln!(
        "largest pages at {entries} entries, bytes: {:?}; {} A–Z pages, {top_pages} top pages, {} branches",
        walk.largest,
        az_pages.len(),
        opened_home + opened_rest
    );
}

#[test]
fn index_pages_are_kept_per_language_with_validators() {
    let Some((project, store)) = crate::search::with_unesco() else {
        return;
    };
    let app = TestApp::new(state_of(
        &project,
        store,
        glossgraph::server::Limits::default(),
    ));
    for path in [
        "/",
        "/az/A",
        "/top/2",
        "/map",
        "/hierarchy/european-commission",
    ] {
        let first = app.get(path, &[("accept", "text/html")]);
        assert_eq!(first.status().as_u16(), 200, "{path}");
        let etag = first.header("etag");
        assert!(!etag.is_empty(), "{path} has an ETag");
        assert!(first.header("vary").contains("Accept-Language"), "{path}");
        // Kept: the same bytes again, and 304 for a client that has them.
        let again = app.get(path, &[("accept", "text/html")]);
        assert_eq!(again.body, first.body, "{path}");
        let cached = app.get(
            path,
            &[("accept", "text/html"), ("if-none-match", etag.as_str())],
        );
        assert_eq!(cached.status().as_u16(), 304, "{path}");
        // Another language at the same address: another page, another ETag.
        let russian = app.get(path, &[("accept", "text/html"), ("accept-language", "ru")]);
        assert!(russian.text().contains("lang=ru"), "{path}");
        assert_ne!(russian.header("etag"), etag, "{path}");
        assert_ne!(russian.body, first.body, "{path}");
    }
    // A letter has one address: `u0041` is not another spelling of `A`.
    for path in ["/az/u0041", "/az/u00416", "/az/AB"] {
        let response = app.get(path, &[("accept", "text/html")]);
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
    // A letter with no concept in this language is an empty page.
    let empty = app.get("/az/u0416", &[("accept", "text/html")]);
    assert_eq!(empty.status().as_u16(), 200);
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
        .split(">Part of</a></h3>")
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
    // The type's own page lists the same pairs; other addresses are not pages.
    let listed = app.get("/map/part-of", &[("accept", "text/html")]).text();
    let listed = listed
        .split("<ol class=\"pairs\" start=\"1\">")
        .nth(1)
        .and_then(|rest| rest.split("</ol>").next())
        .unwrap_or_else(|| panic!("/map/part-of lists its pairs: {listed}"));
    assert_eq!(
        listed.replace("../", ""),
        part_of.trim_start_matches("\n<ul class=\"pairs\">")
    );
    for missing in [
        "/map/no-such-type",
        "/map/part-of/1",
        "/map/part-of/2",
        "/map/part-of/x",
    ] {
        let response = app.get(missing, &[("accept", "text/html")]);
        assert_eq!(response.status().as_u16(), 404, "{missing}");
    }
}
