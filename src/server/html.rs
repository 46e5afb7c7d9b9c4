//! HTML pages: plain view models built from the graph, rendered by askama
//! templates (in `templates/`) that escape every value. The only unescaped
//! values are section prose (CommonMark rendered with raw HTML and unsafe links
//! removed) and the embedded JSON-LD (escaped for `<script>`).

use super::snapshot::Snapshot;
use crate::ontology::Direction;
use crate::vocab::{dcterms, gg, owl, skos};
use askama::Template;
use oxigraph::model::vocab::rdf;
use oxigraph::model::{NamedNodeRef, Term, Triple};
use pulldown_cmark::{Event, Parser, Tag};

/// A link with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub href: String,
    pub label: String,
}

/// A representation of the page in another format.
#[derive(Debug, Clone)]
pub struct Alternate {
    pub href: String,
    pub media_type: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Clone)]
pub struct LanguageLink {
    pub code: String,
    pub href: String,
    pub current: bool,
}

/// What every page shares.
#[derive(Debug, Clone)]
pub struct Layout {
    pub lang: String,
    pub title: String,
    pub site_title: String,
    /// The relative path from this page to the glossary's root (`""` or `"../"`).
    pub root: String,
    pub alternates: Vec<Alternate>,
    pub languages: Vec<LanguageLink>,
    /// The search text, echoed in the search box.
    pub query: String,
    /// schema.org JSON-LD, already escaped for a `<script>` element.
    pub json_ld: String,
}

impl Layout {
    /// `path` is the page's own path relative to the root, for language links.
    pub fn new(snapshot: &Snapshot, lang: &str, title: String, root: &str, path: &str) -> Self {
        let languages = snapshot
            .languages()
            .iter()
            .map(|code| LanguageLink {
                code: code.clone(),
                href: format!(
                    "{root}{path}{}lang={code}",
                    if path.contains('?') { '&' } else { '?' }
                ),
                current: code == lang,
            })
            .collect();
        Self {
            lang: lang.to_owned(),
            title,
            site_title: text_in(&snapshot.config.title, lang, snapshot.languages())
                .unwrap_or_default(),
            root: root.to_owned(),
            alternates: Vec::new(),
            languages,
            query: String::new(),
            json_ld: String::new(),
        }
    }
}

fn text_in(
    map: &std::collections::BTreeMap<String, String>,
    lang: &str,
    fallback: &[String],
) -> Option<String> {
    map.get(lang)
        .or_else(|| fallback.iter().find_map(|l| map.get(l)))
        .or_else(|| map.values().next())
        .cloned()
}

/// The languages to try, in order: the chosen one, then the configured fallbacks.
fn order<'a>(lang: &'a str, snapshot: &'a Snapshot) -> Vec<&'a str> {
    let mut order = vec![lang];
    order.extend(
        snapshot
            .languages()
            .iter()
            .map(String::as_str)
            .filter(|l| *l != lang),
    );
    order
}

/// The link to a concept from a page at `root`.
pub fn concept_link(snapshot: &Snapshot, i: usize, lang: &str, root: &str) -> Link {
    let iri = &snapshot.concepts.concepts[i].iri;
    let href = match snapshot.config.base.concept_id(iri) {
        Some(id) => format!("{root}concept/{id}{}", lang_query(snapshot, lang)),
        // A concept of a published vocabulary: its page here.
        None => {
            let query = lang_query(snapshot, lang).replacen('?', "&", 1);
            format!(
                "{root}resource?iri={}{query}",
                form_urlencoded::byte_serialize(iri.as_bytes()).collect::<String>()
            )
        }
    };
    Link {
        href,
        label: snapshot
            .concepts
            .label(i, &order(lang, snapshot))
            .to_owned(),
    }
}

/// `?lang=xx` when the language is not the default, so links keep the reader's choice.
fn lang_query(snapshot: &Snapshot, lang: &str) -> String {
    if snapshot.languages().first().is_some_and(|l| l == lang) {
        String::new()
    } else {
        format!("?lang={lang}")
    }
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
    pub title: String,
    pub description: Option<String>,
    pub count: usize,
    pub tree: Vec<TreeRow>,
    pub index: Vec<LetterGroup>,
}

/// One line of the hierarchy, with the list markup to open before it and close after it.
#[derive(Debug, Clone)]
pub struct TreeRow {
    pub link: Link,
    pub opens: usize,
    pub end_li: bool,
    pub close: usize,
}

#[derive(Debug, Clone)]
pub struct LetterGroup {
    pub letter: String,
    pub anchor: String,
    pub links: Vec<Link>,
}

impl HomePage {
    pub fn build(snapshot: &Snapshot, mut layout: Layout, lang: &str) -> Self {
        let config = &snapshot.config;
        let title = text_in(&config.title, lang, snapshot.languages()).unwrap_or_default();
        let description = text_in(&config.description, lang, snapshot.languages());
        layout.json_ld = script_json(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "DefinedTermSet",
            "@id": config.base.as_str(),
            "name": title,
            "description": description,
        }));
        // The hierarchy, depth first, each concept under each of its parents.
        let mut depths: Vec<(usize, usize)> = Vec::new();
        let mut path = Vec::new();
        for &top in &snapshot.concepts.top {
            walk(snapshot, top, 0, &mut path, &mut depths);
        }
        let tree = depths
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
            .collect();
        // A–Z by the label in the reader's language.
        let mut links: Vec<Link> = (0..snapshot.concepts.concepts.len())
            .filter(|i| !snapshot.concepts.concepts[*i].deprecated)
            .map(|i| concept_link(snapshot, i, lang, ""))
            .collect();
        links.sort_by_key(|a| a.label.to_lowercase());
        let mut index: Vec<LetterGroup> = Vec::new();
        for link in links {
            let letter = link
                .label
                .chars()
                .next()
                .map(|c| {
                    if c.is_alphabetic() {
                        c.to_uppercase().collect()
                    } else {
                        "#".to_owned()
                    }
                })
                .unwrap_or_else(|| "#".to_owned());
            match index.last_mut() {
                Some(group) if group.letter == letter => group.links.push(link),
                _ => index.push(LetterGroup {
                    anchor: letter
                        .chars()
                        .map(|c| if c.is_alphanumeric() { c } else { '_' })
                        .collect(),
                    letter,
                    links: vec![link],
                }),
            }
        }
        Self {
            layout,
            title,
            description,
            count: snapshot.concepts.concepts.len(),
            tree,
            index,
        }
    }
}

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

#[derive(Template)]
#[template(path = "concept.html")]
pub struct ConceptPage {
    pub layout: Layout,
    pub iri: String,
    pub label: String,
    pub alt_labels: Vec<String>,
    pub definition: Option<String>,
    pub register: Option<String>,
    pub deprecated: bool,
    pub replaced_by: Option<Link>,
    pub breadcrumbs: Vec<Link>,
    pub sections: Vec<SectionView>,
    pub facts: Vec<FactView>,
    pub misconceptions: Vec<MisconceptionView>,
    pub relations: Vec<RelationGroup>,
    pub mappings: Vec<Link>,
    pub sources: Vec<Link>,
}

pub struct SectionView {
    pub title: String,
    /// Sanitised HTML.
    pub html: String,
}

pub struct FactView {
    pub label: String,
    pub value: String,
    pub links: Vec<Link>,
}

pub struct MisconceptionView {
    pub claim: String,
    pub correction: String,
}

pub struct RelationGroup {
    pub label: String,
    pub links: Vec<Link>,
}

/// Statements of one subject, for picking values by language.
struct Described<'a> {
    triples: &'a [Triple],
}

impl<'a> Described<'a> {
    fn objects(&self, subject: &str, predicate: NamedNodeRef<'_>) -> std::vec::IntoIter<&'a Term> {
        self.triples
            .iter()
            .filter(|t| t.predicate.as_ref() == predicate && subject_is(t, subject))
            .map(|t| &t.object)
            .collect::<Vec<_>>()
            .into_iter()
    }

    fn iris(&self, subject: &str, predicate: NamedNodeRef<'_>) -> Vec<&'a str> {
        self.objects(subject, predicate)
            .filter_map(|o| match o {
                Term::NamedNode(n) => Some(n.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The value in the first language of `languages` that has one, else any.
    fn text(
        &self,
        subject: &str,
        predicate: NamedNodeRef<'_>,
        languages: &[&str],
    ) -> Option<String> {
        let values: Vec<(&str, &str)> = self
            .objects(subject, predicate)
            .filter_map(|o| match o {
                Term::Literal(l) => Some((l.language().unwrap_or_default(), l.value())),
                _ => None,
            })
            .collect();
        languages
            .iter()
            .find_map(|lang| values.iter().find(|(l, _)| l == lang))
            .or_else(|| values.first())
            .map(|(_, v)| (*v).to_owned())
    }

    fn texts(&self, subject: &str, predicate: NamedNodeRef<'_>, lang: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .objects(subject, predicate)
            .filter_map(|o| match o {
                Term::Literal(l) if l.language().is_none_or(|l| l == lang) => {
                    Some(l.value().to_owned())
                }
                _ => None,
            })
            .collect();
        out.sort();
        out
    }

    fn position(&self, subject: &str) -> i64 {
        self.objects(subject, gg::POSITION)
            .find_map(|o| match o {
                Term::Literal(l) => l.value().parse().ok(),
                _ => None,
            })
            .unwrap_or(i64::MAX)
    }

    /// The parts linked by `predicate`, in their `gg:position` order.
    fn parts(&self, subject: &str, predicate: NamedNodeRef<'_>) -> Vec<&'a str> {
        let mut parts = self.iris(subject, predicate);
        parts.sort_by_key(|p| (self.position(p), p.to_string()));
        parts
    }
}

fn subject_is(t: &Triple, iri: &str) -> bool {
    matches!(&t.subject, oxigraph::model::NamedOrBlankNode::NamedNode(n) if n.as_str() == iri)
}

impl ConceptPage {
    /// The page of concept `i`, from what the graph says about it.
    pub fn build(
        snapshot: &Snapshot,
        mut layout: Layout,
        i: usize,
        lang: &str,
        triples: &[Triple],
    ) -> Self {
        let d = Described { triples };
        let info = &snapshot.concepts.concepts[i];
        let iri = info.iri.as_str();
        let languages = order(lang, snapshot);
        let root = layout.root.clone();
        let link_to = |target: &str| -> Link {
            match snapshot.concepts.get(target) {
                Some(t) => concept_link(snapshot, t, lang, &root),
                None => Link {
                    href: target.to_owned(),
                    label: target.to_owned(),
                },
            }
        };
        let label = snapshot.concepts.label(i, &languages).to_owned();
        let definition = d.text(iri, skos::DEFINITION, &languages);
        let register = d.iris(iri, gg::REGISTER).first().and_then(|r| {
            snapshot
                .ontology
                .registers
                .iter()
                .find(|g| g.iri.as_str() == *r)
                .map(|g| g.label.clone())
        });
        let sections = d
            .parts(iri, gg::SECTION)
            .into_iter()
            .map(|part| SectionView {
                title: d.text(part, gg::TITLE, &languages).unwrap_or_default(),
                html: markdown_to_html(&d.text(part, gg::TEXT, &languages).unwrap_or_default()),
            })
            .collect();
        let facts = d
            .parts(iri, gg::KEY_FACT)
            .into_iter()
            .map(|part| {
                let mut links: Vec<Link> = d
                    .iris(part, gg::MENTIONS)
                    .into_iter()
                    .map(&link_to)
                    .collect();
                links.sort_by_key(|a| a.label.to_lowercase());
                FactView {
                    label: d.text(part, gg::FACT_LABEL, &languages).unwrap_or_default(),
                    value: d.text(part, gg::FACT_VALUE, &languages).unwrap_or_default(),
                    links,
                }
            })
            .collect();
        let misconceptions = d
            .parts(iri, gg::MISCONCEPTION)
            .into_iter()
            .map(|part| MisconceptionView {
                claim: d.text(part, gg::CLAIM, &languages).unwrap_or_default(),
                correction: d.text(part, gg::CORRECTION, &languages).unwrap_or_default(),
            })
            .collect();
        let relations = relation_groups(snapshot, &d, iri, &link_to);
        let mappings = [
            (skos::EXACT_MATCH, "Same as"),
            (skos::CLOSE_MATCH, "Close to"),
            (skos::BROAD_MATCH, "Narrower than"),
            (skos::NARROW_MATCH, "Broader than"),
            (skos::RELATED_MATCH, "Related to"),
        ]
        .into_iter()
        .flat_map(|(p, label)| {
            let mut targets = d.iris(iri, p);
            targets.sort_unstable();
            targets.into_iter().map(move |t| Link {
                href: t.to_owned(),
                label: label.to_owned(),
            })
        })
        .collect();
        let mut sources: Vec<Link> = d
            .iris(iri, dcterms::SOURCE)
            .into_iter()
            .map(|s| Link {
                href: s.to_owned(),
                label: source_label(snapshot, s),
            })
            .collect();
        sources.sort_by(|a, b| crate::order::natural_cmp(&a.label, &b.label));
        let deprecated = info.deprecated
            || d.objects(iri, owl::DEPRECATED)
                .any(|o| matches!(o, Term::Literal(l) if l.value() == "true"));
        let replaced_by = d
            .iris(iri, dcterms::IS_REPLACED_BY)
            .first()
            .map(|t| link_to(t));
        // Breadcrumbs: the first broader concept at each step, up to the top.
        let mut breadcrumbs = Vec::new();
        let mut current = i;
        let mut seen = vec![i];
        while let Some(&parent) = snapshot.concepts.concepts[current]
            .broader
            .iter()
            .min_by_key(|p| snapshot.concepts.label(**p, &languages).to_lowercase())
        {
            if seen.contains(&parent) {
                break;
            }
            seen.push(parent);
            breadcrumbs.push(concept_link(snapshot, parent, lang, &root));
            current = parent;
        }
        breadcrumbs.reverse();
        layout.json_ld = script_json(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "DefinedTerm",
            "@id": iri,
            "name": label,
            "description": definition,
            "alternateName": info.alt_labels.iter().filter(|(l, _)| l == lang).map(|(_, t)| t).collect::<Vec<_>>(),
            "termCode": snapshot.config.base.concept_id(iri),
            "inDefinedTermSet": snapshot.config.base.as_str(),
            "url": iri,
        }));
        Self {
            layout,
            iri: iri.to_owned(),
            label,
            alt_labels: d.texts(iri, skos::ALT_LABEL, lang),
            definition,
            register,
            deprecated,
            replaced_by,
            breadcrumbs,
            sections,
            facts,
            misconceptions,
            relations,
            mappings,
            sources,
        }
    }
}

/// Relations by type, with the type's label: typed relations of the vocabulary
/// first, then SKOS relations no typed one already shows.
fn relation_groups(
    snapshot: &Snapshot,
    d: &Described<'_>,
    iri: &str,
    link_to: &dyn Fn(&str) -> Link,
) -> Vec<RelationGroup> {
    let mut groups = Vec::new();
    let mut shown: Vec<(Direction, String)> = Vec::new();
    let mut builtin = Vec::new();
    for t in snapshot.ontology.relation_types() {
        let is_skos = t.iri.as_str().starts_with(skos::NS);
        if is_skos {
            builtin.push(t);
            continue;
        }
        let targets = d.iris(iri, t.iri.as_ref());
        if targets.is_empty() {
            continue;
        }
        shown.extend(targets.iter().map(|x| (t.direction, (*x).to_owned())));
        groups.push(group(&capitalise(&t.label), targets, link_to));
    }
    for t in builtin {
        let targets: Vec<&str> = d
            .iris(iri, t.iri.as_ref())
            .into_iter()
            .filter(|x| !shown.iter().any(|(dir, s)| *dir == t.direction && s == x))
            .collect();
        if !targets.is_empty() {
            let label = match t.direction {
                Direction::Broader => "Broader concepts",
                Direction::Narrower => "Narrower concepts",
                Direction::Related => "Related concepts",
            };
            groups.push(group(label, targets, link_to));
        }
    }
    groups
}

fn group(label: &str, targets: Vec<&str>, link_to: &dyn Fn(&str) -> Link) -> RelationGroup {
    let mut links: Vec<Link> = targets.into_iter().map(link_to).collect();
    links.sort_by_key(|a| a.label.to_lowercase());
    RelationGroup {
        label: label.to_owned(),
        links,
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// "Article 64" for an Article's ELI, else the IRI.
fn source_label(snapshot: &Snapshot, iri: &str) -> String {
    if let Some(template) = &snapshot.config.citations.article
        && let Some((before, after)) = template.split_once("{}")
        && let Some(number) = iri.strip_prefix(before).and_then(|r| r.strip_suffix(after))
        && number.bytes().all(|b| b.is_ascii_digit())
    {
        return format!("Article {number}");
    }
    iri.to_owned()
}

/// CommonMark to HTML with raw HTML shown as text and only safe link targets.
pub fn markdown_to_html(markdown: &str) -> String {
    let events = Parser::new(markdown).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = is_safe_url(&dest_url);
            Event::Start(Tag::Link {
                link_type,
                dest_url: if safe { dest_url } else { "#".into() },
                title,
                id,
            })
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = is_safe_url(&dest_url);
            Event::Start(Tag::Image {
                link_type,
                dest_url: if safe { dest_url } else { "#".into() },
                title,
                id,
            })
        }
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _))
            if !scheme.contains('/') && !scheme.contains('?') && !scheme.contains('#') =>
        {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// JSON for a `<script>` element: `<`, `>` and `&` escaped so no text can end it.
pub fn script_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub layout: Layout,
    pub results: Vec<SearchResult>,
}

pub struct SearchResult {
    pub link: Link,
    /// The alternative label that matched, when it was not the preferred one.
    pub matched: Option<String>,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub layout: Layout,
    pub heading: String,
    pub detail: Vec<Code>,
    /// Concepts the reader may have meant (for a page not found).
    pub suggestions: Vec<Link>,
}

/// A stretch of a message: text, or a name written in backticks, shown as code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub text: String,
    pub code: bool,
}

impl Code {
    /// `text` cut at its backticks: every second stretch is code.
    pub fn split(text: &str) -> Vec<Code> {
        text.split('`')
            .enumerate()
            .filter(|(_, t)| !t.is_empty())
            .map(|(i, t)| Code {
                text: t.to_owned(),
                code: i % 2 == 1,
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "queries.html")]
pub struct QueriesPage {
    pub layout: Layout,
    pub queries: Vec<QueryView>,
}

pub struct QueryView {
    pub href: String,
    pub title: String,
    pub description: String,
    pub params: Vec<ParamView>,
    pub text: String,
}

pub struct ParamView {
    pub name: String,
    pub kind: &'static str,
    pub default: Option<String>,
    pub description: String,
}

#[derive(Template)]
#[template(path = "ontology.html")]
pub struct OntologyPage {
    pub layout: Layout,
    pub iri: String,
    pub description: String,
    pub types: Vec<RelationTypeView>,
}

pub struct RelationTypeView {
    pub local: String,
    pub label: String,
    pub key: String,
    pub inverse: String,
    pub skos: String,
    pub fact_labels: String,
}

impl OntologyPage {
    pub fn build(snapshot: &Snapshot, layout: Layout) -> Self {
        let short = |iri: &str| {
            crate::vocab::PREFIXES
                .iter()
                .find_map(|(p, ns)| iri.strip_prefix(ns).map(|l| format!("{p}:{l}")))
                .unwrap_or_else(|| iri.to_owned())
        };
        let types = snapshot
            .ontology
            .relation_types()
            .iter()
            .filter(|t| t.iri.as_str().starts_with(crate::vocab::GG_NS))
            .map(|t| RelationTypeView {
                local: t
                    .iri
                    .as_str()
                    .trim_start_matches(crate::vocab::GG_NS)
                    .to_owned(),
                label: t.label.clone(),
                key: t.key.clone(),
                inverse: short(t.inverse.as_str()),
                skos: t
                    .super_properties
                    .iter()
                    .map(|p| short(p.as_str()))
                    .collect::<Vec<_>>()
                    .join(", "),
                fact_labels: t.fact_labels.join(", "),
            })
            .collect();
        let description = snapshot
            .ontology
            .triples
            .iter()
            .find(|t| {
                subject_is(t, crate::vocab::GG_ONTOLOGY)
                    && t.predicate.as_ref() == dcterms::DESCRIPTION
            })
            .and_then(|t| match &t.object {
                Term::Literal(l) => Some(l.value().to_owned()),
                _ => None,
            })
            .unwrap_or_default();
        Self {
            layout,
            iri: crate::vocab::GG_ONTOLOGY.to_owned(),
            description,
            types,
        }
    }
}

/// Whether a subject is typed as a concept (used to check a resource before rendering).
pub fn is_concept(triples: &[Triple], iri: &str) -> bool {
    triples.iter().any(|t| {
        subject_is(t, iri)
            && t.predicate == rdf::TYPE
            && t.object == skos::CONCEPT.into_owned().into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_prose_and_drops_raw_html_and_script_links() {
        let html = markdown_to_html(
            "Some *text* <script>alert(1)</script> [x](javascript:alert(1)) [y](https://e.org)",
        );
        assert!(html.contains("<em>text</em>"));
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://e.org\""));
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let text = script_json(&serde_json::json!({"name": "</script><script>alert(1)</script>"}));
        assert!(!text.contains("</script>"));
        assert!(text.contains("\\u003c/script\\u003e"));
    }
}

/// `sitemap.xml` (XML-escaped by askama).
#[derive(Template)]
#[template(path = "sitemap.xml", escape = "html")]
pub struct Sitemap {
    pub urls: Vec<String>,
}

/// The reconciliation service's preview of a concept.
#[derive(Template)]
#[template(path = "preview.html")]
pub struct PreviewCard {
    pub iri: String,
    pub label: String,
    pub definition: Option<String>,
    pub broader: Vec<String>,
}
