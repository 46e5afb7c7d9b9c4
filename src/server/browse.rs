//! Browsing a vocabulary of any size: the A–Z a letter at a time
//! (`/az/{letter}`, and `/az/{letter}/{n}` past [`AZ_PAGE`] concepts) and
//! the hierarchy a branch at a time (`/hierarchy/{id}`, or
//! `/hierarchy?iri=` for a published vocabulary's concept). The home page
//! shows a vocabulary of up to [`WHOLE`] concepts whole, as before; a larger
//! one by its top concepts and its letters, so that no page grows with the
//! vocabulary. Each branch is a `<details>` that opens onto its page without
//! JavaScript, and with it is filled in place (`assets/autocomplete.js`).

use super::AppState;
use super::html::{
    Branch, Layout, LetterGroup, LetterLink, Link, TreeRow, concept_link, lang_query,
};
use super::resource::PageParams;
use super::respond::{AppError, Head, Validators};
use super::snapshot::Snapshot;
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Response, header};

/// Concepts a home page shows whole: its hierarchy (counting a concept once
/// under each broader one) and its A–Z each.
pub const WHOLE: usize = 400;
/// Concepts on one page of a letter.
pub const AZ_PAGE: usize = 300;
/// Top concepts a home page shows (UNESCO has 585); all of them are on
/// `/top`, [`TOP_PAGE`] a page.
pub const TOP_ON_HOME: usize = 60;
pub const TOP_PAGE: usize = 200;

/// The answer with the index page at `path` (from the root, without its
/// query) in `lang`: 304 for a client that has it, else its HTML, made by
/// `make`, and kept (see [`kept`]) unless `path` is `None`.
pub fn respond(
    snapshot: &Snapshot,
    headers: &HeaderMap,
    path: Option<&str>,
    lang: &str,
    make: impl FnOnce() -> Result<String, AppError>,
) -> Result<Response<Body>, AppError> {
    let vary = if snapshot.languages().len() > 1 {
        vec![(header::VARY, "Accept-Language".to_owned())]
    } else {
        Vec::new()
    };
    let validators = Validators::new(
        snapshot.fingerprint,
        &format!("html-{lang}"),
        snapshot.built_at,
    );
    Head::new(validators, "text/html; charset=utf-8", &vary).respond(headers, || match path {
        Some(path) => kept(snapshot, path, lang, || make().map(String::into_bytes)),
        None => make().map(axum::body::Bytes::from),
    })
}

/// The HTML of the index page at `path` in `lang`: made by `make` on first
/// request and then kept with the snapshot (`Snapshot::pages`), since at
/// 100,000 concepts making a page costs far more than sending it.
pub(super) fn kept(
    snapshot: &Snapshot,
    path: &str,
    lang: &str,
    make: impl FnOnce() -> Result<Vec<u8>, AppError>,
) -> Result<axum::body::Bytes, AppError> {
    let key = (path.to_owned(), lang.to_owned());
    if let Some(body) = snapshot.pages.get(&key) {
        return Ok(body);
    }
    let body = axum::body::Bytes::from(make()?);
    snapshot.pages.put(key, body.clone());
    Ok(body)
}

/// Makes, on a thread of its own, what the first reader of a large
/// vocabulary would otherwise wait for (see [`prepare`]); let go of as soon
/// as the snapshot is replaced and unused.
pub fn prepare_in_background(snapshot: &std::sync::Arc<Snapshot>) {
    let snapshot = std::sync::Arc::downgrade(snapshot);
    // Without a thread the first request makes it: slower, not wrong.
    let _ = std::thread::Builder::new()
        .name("prepare".to_owned())
        .spawn(move || {
            if let Some(snapshot) = snapshot.upgrade() {
                prepare(&snapshot);
            }
        });
}

/// The A–Z order in the default language, the map's counts, then the A–Z
/// order in the glossary's other languages: at 100,000 entries the map reads
/// two million statements (2.3 s in a release build), and each A–Z sorts
/// every label (about 50 ms). The vocabularies' other languages are sorted
/// when first asked for: there may be dozens, seldom read.
pub fn prepare(snapshot: &Snapshot) {
    let languages = &snapshot.config.languages;
    letters(snapshot, &languages[0]);
    if let Err(e) = relation_map(snapshot) {
        tracing::warn!("the map's counts could not be made: {e:?}");
    }
    for lang in &languages[1..] {
        letters(snapshot, lang);
    }
}

/// The whole hierarchy as rows, if it has no more than [`WHOLE`].
pub fn whole_tree(snapshot: &Snapshot, lang: &str) -> Option<Vec<TreeRow>> {
    let mut depths: Vec<(usize, usize)> = Vec::new();
    let mut path = Vec::new();
    for &top in &snapshot.concepts.top {
        walk(snapshot, top, 0, &mut path, &mut depths);
        if depths.len() > WHOLE {
            return None;
        }
    }
    Some(
        depths
            .iter()
            .enumerate()
            .map(|(n, &(i, depth))| {
                let previous = n.checked_sub(1).map(|p| depths[p].1);
                let next = depths.get(n + 1).map(|d| d.1);
                let opens = match previous {
                    None => depth + 1,
                    Some(p) => depth.saturating_sub(p),
                };
                let has_children = next.is_some_and(|d| d > depth);
                TreeRow {
                    link: concept_link(snapshot, i, lang, ""),
                    opens,
                    end_li: !has_children,
                    close: if has_children {
                        0
                    } else {
                        depth - next.unwrap_or(0).min(depth)
                    },
                }
            })
            .collect(),
    )
}

/// Concept `i` and those under it, depth first, each with its depth.
fn walk(
    snapshot: &Snapshot,
    i: usize,
    depth: usize,
    path: &mut Vec<usize>,
    out: &mut Vec<(usize, usize)>,
) {
    // A cycle in an imported vocabulary must not loop forever.
    if path.contains(&i) || depth > 32 {
        return;
    }
    out.push((i, depth));
    path.push(i);
    for &child in &snapshot.concepts.concepts[i].narrower {
        walk(snapshot, child, depth + 1, path, out);
    }
    path.pop();
}

/// `concepts` as closed branches, linked from a page at `root`.
pub fn branches(snapshot: &Snapshot, concepts: &[usize], lang: &str, root: &str) -> Vec<Branch> {
    concepts
        .iter()
        .map(|&i| Branch {
            link: concept_link(snapshot, i, lang, root),
            narrower: snapshot.concepts.concepts[i].narrower.len(),
            href: branch_href(snapshot, i, lang, root),
        })
        .collect()
}

/// The page of concept `i`'s narrower concepts.
fn branch_href(snapshot: &Snapshot, i: usize, lang: &str, root: &str) -> String {
    let iri = &snapshot.concepts.concepts[i].iri;
    match snapshot.config.base.concept_id(iri) {
        Some(id) => format!("{root}hierarchy/{id}{}", lang_query(snapshot, lang)),
        None => format!(
            "{root}hierarchy?iri={}{}",
            form_urlencoded::byte_serialize(iri.as_bytes()).collect::<String>(),
            lang_query(snapshot, lang).replacen('?', "&", 1)
        ),
    }
}

/// One letter of the A–Z: the concepts whose label in the reader's language
/// starts with it, in order.
pub struct Letter {
    pub letter: String,
    pub anchor: String,
    pub concepts: Vec<usize>,
}

impl Letter {
    /// The letter with a link to each of its concepts.
    pub fn group(&self, snapshot: &Snapshot, lang: &str, root: &str) -> LetterGroup {
        LetterGroup {
            letter: self.letter.clone(),
            anchor: self.anchor.clone(),
            links: links(snapshot, &self.concepts, lang, root),
        }
    }
}

/// A link to each of `concepts`, from a page at `root`.
fn links(snapshot: &Snapshot, concepts: &[usize], lang: &str, root: &str) -> Vec<Link> {
    concepts
        .iter()
        .map(|&i| concept_link(snapshot, i, lang, root))
        .collect()
}

/// The A–Z in `lang`: the concepts (not deprecated, not collections) by
/// their label in that language, grouped by initial. Sorted once per
/// snapshot and language and kept: every A–Z page needs the whole order, and
/// sorting 100,000 labels for each would cost more than the page.
pub fn letters(snapshot: &Snapshot, lang: &str) -> std::sync::Arc<Vec<Letter>> {
    let kept = || snapshot.letters.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(letters) = kept().get(lang) {
        return letters.clone();
    }
    // Sorted without the lock: a request in another language need not wait.
    let order = super::html::order(lang, snapshot);
    let mut concepts: Vec<(String, usize)> = (0..snapshot.concepts.concepts.len())
        .filter(|i| {
            let c = &snapshot.concepts.concepts[*i];
            !c.deprecated && !c.collection
        })
        .map(|i| (snapshot.concepts.label_in(i, &order).1.to_lowercase(), i))
        .collect();
    concepts.sort();
    let mut letters: Vec<Letter> = Vec::new();
    for (label, i) in concepts {
        let letter = label
            .chars()
            .next()
            .filter(|c| c.is_alphabetic())
            .map_or_else(|| "#".to_owned(), |c| c.to_uppercase().collect());
        match letters.last_mut() {
            Some(last) if last.letter == letter => last.concepts.push(i),
            _ => letters.push(Letter {
                anchor: anchor(&letter),
                letter,
                concepts: vec![i],
            }),
        }
    }
    // `lang` is one of the snapshot's languages (`PageParams::language`).
    kept()
        .entry(lang.to_owned())
        .or_insert_with(|| std::sync::Arc::new(letters))
        .clone()
}

/// A letter as a path segment and fragment, in ASCII so that a static
/// host finds the file by its name: `A`, `_` for what is not a letter,
/// `u0416` for `Ж`.
fn anchor(letter: &str) -> String {
    letter
        .chars()
        .map(|c| match c {
            c if c.is_ascii_alphanumeric() => c.to_string(),
            c if c.is_alphanumeric() => format!("u{:04x}", c as u32),
            _ => "_".to_owned(),
        })
        .collect()
}

/// Whether `a` is what [`anchor`] makes of one letter, in its one spelling
/// (`u0041` and `u00416` are not).
fn is_anchor(a: &str) -> bool {
    let letter = letter_of(a);
    a == "_"
        || (a.len() == 1 && a.chars().all(|c| c.is_ascii_alphanumeric()))
        || (letter != a && anchor(&letter) == a)
}

/// The letter an anchor stands for: `u0416` is `Ж`.
fn letter_of(anchor: &str) -> String {
    anchor
        .strip_prefix('u')
        .filter(|hex| hex.len() >= 4)
        .and_then(|hex| u32::from_str_radix(hex, 16).ok())
        .and_then(char::from_u32)
        .filter(|c| c.is_alphabetic())
        .map_or_else(|| anchor.to_owned(), |c| c.to_string())
}

/// Page `n` (from 1) of the letter `anchor`, from a page at `root`.
pub fn az_href(snapshot: &Snapshot, anchor: &str, n: usize, lang: &str, root: &str) -> String {
    let page = if n > 1 {
        format!("/{n}")
    } else {
        String::new()
    };
    format!("{root}az/{anchor}{page}{}", lang_query(snapshot, lang))
}

/// The addresses of every letter page and every branch page, in the
/// default language: what a static site writes.
pub fn paths(snapshot: &Snapshot) -> Vec<String> {
    let lang = snapshot.config.default_language();
    let mut out = Vec::new();
    for group in letters(snapshot, lang).iter() {
        for n in 1..=group.concepts.len().div_ceil(AZ_PAGE) {
            out.push(az_href(snapshot, &group.anchor, n, lang, ""));
        }
    }
    for n in 1..=snapshot.concepts.top.len().div_ceil(TOP_PAGE).max(1) {
        out.push(top_href(snapshot, n, lang, ""));
    }
    for (i, c) in snapshot.concepts.concepts.iter().enumerate() {
        if !c.narrower.is_empty() && snapshot.config.base.concept_id(&c.iri).is_some() {
            out.push(branch_href(snapshot, i, lang, ""));
        }
    }
    match relation_map(snapshot) {
        Ok(map) => {
            for (t, pairs) in map.typed(snapshot) {
                for n in 1..=pairs.len().div_ceil(MAP_LIST) {
                    out.push(map_href(snapshot, &t.key, n, lang, ""));
                }
            }
        }
        Err(e) => tracing::warn!("the map's counts could not be made: {e:?}"),
    }
    out
}

#[derive(Template)]
#[template(path = "az.html")]
pub struct AzPage {
    pub layout: Layout,
    pub letter: String,
    pub letters: Vec<LetterLink>,
    pub links: Vec<Link>,
    /// (number, link, whether it is this page), when there are several.
    pub pages: Vec<(usize, String, bool)>,
}

/// The number of a page after the first from its path segment. Page 1 has
/// none: `/az/A/1` would be a second address for `/az/A`. `what` names the
/// pages in the 404.
fn page_number(n: &str, what: &str) -> Result<usize, AppError> {
    n.parse::<usize>()
        .ok()
        .filter(|n| *n > 1)
        .ok_or_else(|| AppError::not_found(format!("there is no page `{n}` of {what}")))
}

/// Links to each of `count` pages (`href` of each), `n` the one shown; none
/// when there is only one (`templates/pager.html`).
fn pager(count: usize, n: usize, href: impl Fn(usize) -> String) -> Vec<(usize, String, bool)> {
    if count < 2 {
        return Vec::new();
    }
    (1..=count).map(|p| (p, href(p), p == n)).collect()
}

/// `GET /az/{letter}`: the concepts whose label starts with the letter.
pub async fn letter(
    state: State<AppState>,
    Path(anchor): Path<String>,
    headers: HeaderMap,
    raw: RawQuery,
) -> Result<Response<Body>, AppError> {
    az(state, anchor, 1, headers, raw)
}

/// `GET /az/{letter}/{n}`: page `n` of them.
pub async fn letter_page(
    state: State<AppState>,
    Path((anchor, n)): Path<(String, String)>,
    headers: HeaderMap,
    raw: RawQuery,
) -> Result<Response<Body>, AppError> {
    let n = page_number(&n, "this letter")?;
    az(state, anchor, n, headers, raw)
}

fn az(
    State(state): State<AppState>,
    anchor: String,
    n: usize,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let lang = PageParams::parse(raw.as_deref()).language(&snapshot, &headers);
    let root = if n > 1 { "../../" } else { "../" };
    let groups = letters(&snapshot, &lang);
    // A letter of another language (the language links keep the page) is
    // an empty page of this one; what is no letter at all is not found.
    let empty;
    let group = match groups.iter().find(|g| g.anchor == anchor) {
        Some(group) => group,
        None if n == 1 && is_anchor(&anchor) => {
            empty = Letter {
                letter: letter_of(&anchor),
                anchor: anchor.clone(),
                concepts: Vec::new(),
            };
            &empty
        }
        None => {
            return Err(AppError::not_found(format!(
                "`{anchor}` is not a letter of the A–Z"
            )));
        }
    };
    let count = group.concepts.len().div_ceil(AZ_PAGE).max(1);
    if n > count {
        return Err(AppError::not_found(format!(
            "the letter `{}` has {count} page(s)",
            group.letter
        )));
    }
    let own = az_href(&snapshot, &anchor, n, &lang, "");
    let path = own.split('?').next().unwrap_or(&own).to_owned();
    // An empty letter's page is not kept: any letter of any script has one.
    let keep = (!group.concepts.is_empty()).then_some(path.as_str());
    respond(&snapshot, &headers, keep, &lang, || {
        let mut layout = Layout::new(&snapshot, &lang, group.letter.clone(), root, &path);
        layout.title = format!("{}: {}", layout.ui.a_to_z, group.letter);
        let page = AzPage {
            letters: groups
                .iter()
                .map(|g| LetterLink {
                    letter: g.letter.clone(),
                    href: az_href(&snapshot, &g.anchor, 1, &lang, root),
                })
                .collect(),
            links: links(
                &snapshot,
                &group.concepts[(n - 1) * AZ_PAGE..group.concepts.len().min(n * AZ_PAGE)],
                &lang,
                root,
            ),
            pages: pager(count, n, |p| az_href(&snapshot, &anchor, p, &lang, root)),
            letter: group.letter.clone(),
            layout,
        };
        page.render().map_err(AppError::internal)
    })
}

#[derive(Template)]
#[template(path = "hierarchy.html")]
pub struct HierarchyPage {
    pub layout: Layout,
    /// The concept whose narrower concepts these are; none for the top ones.
    pub concept: Option<Link>,
    pub branches: Vec<Branch>,
    /// (number, link, whether it is this page), when there are several.
    pub pages: Vec<(usize, String, bool)>,
}

/// `GET /top`, `GET /top/{n}`: the top concepts of every scheme.
pub async fn top(
    State(state): State<AppState>,
    n: Option<Path<String>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let n = match n {
        None => 1,
        Some(Path(n)) => page_number(&n, "the top concepts")?,
    };
    let top = &snapshot.concepts.top;
    let count = top.len().div_ceil(TOP_PAGE).max(1);
    if n > count {
        return Err(AppError::not_found(format!(
            "the top concepts fill {count} page(s)"
        )));
    }
    let lang = PageParams::parse(raw.as_deref()).language(&snapshot, &headers);
    let root = if n > 1 { "../" } else { "" };
    let own = top_href(&snapshot, n, &lang, "");
    let path = own.split('?').next().unwrap_or(&own).to_owned();
    respond(&snapshot, &headers, Some(&path), &lang, || {
        let mut layout = Layout::new(&snapshot, &lang, String::new(), root, &path);
        layout.title = layout.ui.by_hierarchy.to_owned();
        let shown: Vec<usize> = top
            .iter()
            .skip((n - 1) * TOP_PAGE)
            .take(TOP_PAGE)
            .copied()
            .collect();
        let page = HierarchyPage {
            concept: None,
            branches: branches(&snapshot, &shown, &lang, root),
            pages: pager(count, n, |p| top_href(&snapshot, p, &lang, root)),
            layout,
        };
        page.render().map_err(AppError::internal)
    })
}

/// Page `n` of the top concepts, from a page at `root`.
pub fn top_href(snapshot: &Snapshot, n: usize, lang: &str, root: &str) -> String {
    let page = if n > 1 {
        format!("/{n}")
    } else {
        String::new()
    };
    format!("{root}top{page}{}", lang_query(snapshot, lang))
}

/// `GET /hierarchy/{id}`: the narrower concepts of a concept of the glossary.
pub async fn branch(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let iri = snapshot.config.base.concept(&id);
    hierarchy(
        &snapshot,
        iri.as_str(),
        "../",
        &format!("hierarchy/{id}"),
        &headers,
        raw,
    )
}

/// `GET /hierarchy?iri=`: the narrower concepts of any concept.
pub async fn branch_of(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let iri = form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "iri")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| AppError::bad_request("give the concept as `?iri=`"))?;
    let path = format!(
        "hierarchy?iri={}",
        form_urlencoded::byte_serialize(iri.as_bytes()).collect::<String>()
    );
    hierarchy(&snapshot, &iri, "", &path, &headers, raw)
}

fn hierarchy(
    snapshot: &Snapshot,
    iri: &str,
    root: &str,
    path: &str,
    headers: &HeaderMap,
    raw: Option<String>,
) -> Result<Response<Body>, AppError> {
    let lang = PageParams::parse(raw.as_deref()).language(snapshot, headers);
    let Some(i) = snapshot.concepts.get(iri) else {
        return Err(AppError::not_found(format!("there is no concept <{iri}>")));
    };
    respond(snapshot, headers, Some(path), &lang, || {
        let concept = concept_link(snapshot, i, &lang, root);
        let mut layout = Layout::new(snapshot, &lang, concept.label.clone(), root, path);
        layout.title = format!("{}: {}", concept.label, layout.ui.narrower);
        let page = HierarchyPage {
            branches: branches(
                snapshot,
                &snapshot.concepts.concepts[i].narrower,
                &lang,
                root,
            ),
            concept: Some(concept),
            pages: Vec::new(),
            layout,
        };
        page.render().map_err(AppError::internal)
    })
}

#[derive(Template)]
#[template(path = "map.html")]
pub struct MapPage {
    pub layout: Layout,
    pub rows: Vec<MapRow>,
    pub diagram: String,
}

/// A relation type on the map: its label and, most frequent first, the
/// first [`MAP_PAIRS`] pairs of top concepts it links (from the branch of
/// one to the branch of the other) with how many pairs of concepts it joins
/// between them; and how many pairs are not listed.
pub struct MapRow {
    pub label: String,
    /// The type's own page, listing every pair.
    pub href: String,
    pub pairs: Vec<(Link, Link, usize)>,
    pub unlisted: usize,
}

/// Pairs of top concepts the map lists for each relation type: at 100,000
/// concepts a type can join hundreds of thousands of pairs.
const MAP_PAIRS: usize = 30;

/// Pairs on each page of a relation type's own list (`/map/{type}`).
const MAP_LIST: usize = 100;

#[derive(Template)]
#[template(path = "map_type.html")]
pub struct MapTypePage {
    pub layout: Layout,
    pub label: String,
    /// The map's address.
    pub map: String,
    /// The pairs on this page, and the number of the first.
    pub pairs: Vec<(Link, Link, usize)>,
    pub start: usize,
    pub total: usize,
    /// (number, link, whether it is this page), when there are several.
    pub pages: Vec<(usize, String, bool)>,
}

/// What the map counts, once per snapshot: for each relation type (one
/// direction of each pair of inverse types, the upward one of a hierarchical
/// pair; and `skos:related`, each pair of concepts once), the pairs of top
/// concepts it joins and how many pairs of concepts between them, most first.
pub struct RelationMap(Vec<(oxigraph::model::NamedNode, Vec<Joined>)>);

impl RelationMap {
    /// Each type on the map with its pairs.
    fn typed<'a>(
        &'a self,
        snapshot: &'a Snapshot,
    ) -> impl Iterator<Item = (&'a crate::ontology::RelationType, &'a [Joined])> {
        self.0.iter().filter_map(|(iri, pairs)| {
            let t = snapshot
                .ontology
                .relation_types()
                .iter()
                .find(|t| t.iri == *iri)?;
            Some((t, pairs.as_slice()))
        })
    }
}

/// Two top concepts (by index), and how many pairs of concepts a type joins
/// between their branches.
type Joined = ((usize, usize), usize);

fn relation_map(snapshot: &Snapshot) -> Result<std::sync::Arc<RelationMap>, AppError> {
    // Held while counting: only the map waits for it (a second request would
    // count again), and the background `prepare` usually has it ready.
    let mut kept = snapshot
        .relation_map
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(map) = kept.as_ref() {
        return Ok(map.clone());
    }
    let tops = top_of_each(snapshot);
    let mut types: Vec<(oxigraph::model::NamedNode, bool)> = Vec::new();
    for t in snapshot.ontology.relation_types() {
        if t.iri.as_str().starts_with(crate::vocab::skos::NS)
            || t.direction == crate::ontology::Direction::Narrower
            || types.iter().any(|(iri, _)| *iri == t.inverse)
        {
            continue;
        }
        // A type that is its own inverse (works with) is symmetric too.
        types.push((t.iri.clone(), t.inverse == t.iri));
    }
    // A vocabulary's associative relations, stated both ways or one; last,
    // so that those the typed ones already count (the build states each
    // typed associative relation as skos:related too) are left out.
    types.push((crate::vocab::skos::RELATED.into_owned(), true));
    let mut typed = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (iri, symmetric) in types {
        let plain = iri.as_ref() == crate::vocab::skos::RELATED;
        let mut joined = std::collections::HashSet::new();
        for quad in snapshot
            .store
            .quads_for_pattern(None, Some(iri.as_ref()), None, None)
        {
            let quad = quad.map_err(AppError::internal)?;
            let (
                oxigraph::model::NamedOrBlankNode::NamedNode(s),
                oxigraph::model::Term::NamedNode(o),
            ) = (&quad.subject, &quad.object)
            else {
                continue;
            };
            if let (Some(a), Some(b)) = (
                snapshot.concepts.get(s.as_str()),
                snapshot.concepts.get(o.as_str()),
            ) && tops.contains_key(&a)
                && tops.contains_key(&b)
            {
                if plain && typed.contains(&pair(a, b, true)) {
                    continue;
                }
                if !plain {
                    typed.insert(pair(a, b, true));
                }
                joined.insert(pair(a, b, symmetric));
            }
        }
        let mut pairs: std::collections::HashMap<(usize, usize), usize> = Default::default();
        for (a, b) in joined {
            *pairs
                .entry(pair(tops[&a], tops[&b], symmetric))
                .or_default() += 1;
        }
        if pairs.is_empty() {
            continue;
        }
        let mut pairs: Vec<Joined> = pairs.into_iter().collect();
        pairs.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        out.push((iri, pairs));
    }
    Ok(kept
        .get_or_insert_with(|| std::sync::Arc::new(RelationMap(out)))
        .clone())
}

/// `(a, b)`, or for a symmetric relation the two in one order.
fn pair(a: usize, b: usize, symmetric: bool) -> (usize, usize) {
    if symmetric {
        (a.min(b), a.max(b))
    } else {
        (a, b)
    }
}

/// `GET /map`: how the relation types connect the top concepts' branches:
/// each relation between two concepts counted between the top concepts
/// above them. A page with its diagram and the same as a list.
pub async fn map(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let lang = PageParams::parse(raw.as_deref()).language(&snapshot, &headers);
    respond(&snapshot, &headers, Some("map"), &lang, || {
        let mut layout = Layout::new(&snapshot, &lang, String::new(), "", "map");
        layout.title = layout.ui.map.to_owned();
        let counted = relation_map(&snapshot)?;
        let mut rows = Vec::new();
        let mut drawn = Vec::new();
        for (t, pairs) in counted.typed(&snapshot) {
            let label = super::html::capitalise(t.labels.get(&lang).0);
            let links = pair_links(&snapshot, &pairs[..pairs.len().min(MAP_PAIRS)], &lang, "");
            let unlisted = pairs.len() - links.len();
            let href = map_href(&snapshot, &t.key, 1, &lang, "");
            drawn.push(super::html::RelationGroup {
                label: super::html::Text {
                    text: label.clone(),
                    lang: super::html::Lang::default(),
                },
                links: links
                    .iter()
                    .map(|(a, b, n)| Link {
                        href: a.href.clone(),
                        label: format!("{} → {} ({n})", a.label, b.label),
                        lang: super::html::Lang::default(),
                    })
                    .collect(),
                unlisted,
                more: Some(href.clone()),
            });
            rows.push(MapRow {
                label,
                href,
                pairs: links,
                unlisted,
            });
        }
        let title = layout.site_title.text.clone();
        let page = MapPage {
            diagram: super::diagram::svg(&title, &drawn, "#pairs", "map", layout.ui.more),
            rows,
            layout,
        };
        page.render().map_err(AppError::internal)
    })
}

/// Pairs of top concepts as links from a page at `root`.
fn pair_links(
    snapshot: &Snapshot,
    pairs: &[Joined],
    lang: &str,
    root: &str,
) -> Vec<(Link, Link, usize)> {
    pairs
        .iter()
        .map(|&((a, b), n)| {
            (
                concept_link(snapshot, a, lang, root),
                concept_link(snapshot, b, lang, root),
                n,
            )
        })
        .collect()
}

/// Page `n` of the pairs a relation type joins, from a page at `root`.
pub fn map_href(snapshot: &Snapshot, key: &str, n: usize, lang: &str, root: &str) -> String {
    let page = if n > 1 {
        format!("/{n}")
    } else {
        String::new()
    };
    format!("{root}map/{key}{page}{}", lang_query(snapshot, lang))
}

/// `GET /map/{type}`: every pair of top concepts a relation type joins,
/// most first, where the map lists the first few.
pub async fn map_type(
    state: State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
    raw: RawQuery,
) -> Result<Response<Body>, AppError> {
    map_list(state, key, 1, headers, raw)
}

/// `GET /map/{type}/{n}`: page `n` of them.
pub async fn map_type_page(
    state: State<AppState>,
    Path((key, n)): Path<(String, String)>,
    headers: HeaderMap,
    raw: RawQuery,
) -> Result<Response<Body>, AppError> {
    let n = page_number(&n, &format!("the relation type `{key}`"))?;
    map_list(state, key, n, headers, raw)
}

fn map_list(
    State(state): State<AppState>,
    key: String,
    n: usize,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let counted = relation_map(&snapshot)?;
    let Some((t, pairs)) = counted.typed(&snapshot).find(|(t, _)| t.key == key) else {
        return Err(AppError::not_found(format!(
            "no relation type `{key}` joins the branches of the top concepts"
        )));
    };
    let count = pairs.len().div_ceil(MAP_LIST);
    if n > count {
        return Err(AppError::not_found(format!(
            "the pairs of `{key}` fill {count} page(s)"
        )));
    }
    let lang = PageParams::parse(raw.as_deref()).language(&snapshot, &headers);
    let root = if n > 1 { "../../" } else { "../" };
    let own = map_href(&snapshot, &key, n, &lang, "");
    let path = own.split('?').next().unwrap_or(&own).to_owned();
    respond(&snapshot, &headers, Some(&path), &lang, || {
        let label = super::html::capitalise(t.labels.get(&lang).0);
        let mut layout = Layout::new(&snapshot, &lang, label.clone(), root, &path);
        layout.title = format!("{}: {label}", layout.ui.map);
        let start = (n - 1) * MAP_LIST;
        let shown = &pairs[start..pairs.len().min(start + MAP_LIST)];
        let page = MapTypePage {
            label,
            map: format!("{root}map{}", lang_query(&snapshot, &lang)),
            pairs: pair_links(&snapshot, shown, &lang, root),
            start: start + 1,
            total: pairs.len(),
            pages: pager(count, n, |p| map_href(&snapshot, &key, p, &lang, root)),
            layout,
        };
        page.render().map_err(AppError::internal)
    })
}

/// For each concept, the top concept whose branch it is in (the first
/// found going up); none for a concept under no top concept.
fn top_of_each(snapshot: &Snapshot) -> std::collections::HashMap<usize, usize> {
    let mut out = std::collections::HashMap::new();
    let mut todo: Vec<(usize, usize)> = snapshot.concepts.top.iter().map(|&t| (t, t)).collect();
    while let Some((i, top)) = todo.pop() {
        if out.contains_key(&i) {
            continue;
        }
        out.insert(i, top);
        todo.extend(
            snapshot.concepts.concepts[i]
                .narrower
                .iter()
                .map(|&n| (n, top)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepare_sorts_the_a_to_z_of_every_language_of_the_glossary() {
        let fixture =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/server");
        let project = crate::project::Project::open(&fixture).unwrap();
        let built = crate::build::build(&project, &crate::build::StoreChoice::Memory).unwrap();
        let snapshot = super::super::snapshot_of(&project, built).unwrap();
        prepare(&snapshot);
        let kept = snapshot.letters.lock().unwrap();
        let mut languages: Vec<&str> = kept.keys().map(String::as_str).collect();
        languages.sort_unstable();
        assert_eq!(languages, ["de", "en", "fr"]);
        assert!(snapshot.relation_map.lock().unwrap().is_some());
    }
}
