//! HTML pages: plain view models built from the graph, rendered by askama
//! templates (in `templates/`) that escape every value. The only unescaped
//! values are section prose (CommonMark rendered with raw HTML and unsafe links
//! removed), the embedded JSON-LD (escaped for `<script>`) and [`Lang`]'s
//! attributes (made of a checked language tag).
//!
//! A page is in one language, that of its interface text (see `interface`);
//! what it shows in another, such as a label the reader's language lacks,
//! carries its own `lang` (and `dir` when the direction changes).

use super::interface::Interface;
use super::snapshot::Snapshot;
use crate::ontology::Direction;
use crate::vocab::{dcterms, gg, owl, skos};
use askama::Template;
use oxigraph::model::vocab::rdf;
use oxigraph::model::{NamedNodeRef, Term, Triple};
use pulldown_cmark::{Event, Parser, Tag};
use std::fmt;

/// The language the vocabulary's labels and descriptions are written in.
const ONTOLOGY_LANGUAGE: &str = "en";

/// The ` lang="…"` (and ` dir="…"`) attributes of text in a language other
/// than that of the element around it; nothing otherwise. Untagged text is
/// taken to be in the language around it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lang(Option<(String, Option<&'static str>)>);

impl Lang {
    /// The attributes of text in `tag` inside an element in `around`.
    pub fn of(tag: &str, around: &str) -> Self {
        // Only a tag's characters reach the page unescaped (RDF tags are BCP 47).
        let is_tag = tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if tag.is_empty() || !is_tag || tag.eq_ignore_ascii_case(around) {
            return Self(None);
        }
        let dir = (is_rtl(tag) != is_rtl(around)).then_some(direction(tag));
        Self(Some((tag.to_owned(), dir)))
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((tag, dir)) = &self.0 {
            write!(f, " lang=\"{tag}\"")?;
            if let Some(dir) = dir {
                write!(f, " dir=\"{dir}\"")?;
            }
        }
        Ok(())
    }
}

/// Written as it is: `Lang::of` lets only letters, digits and hyphens in.
impl askama::filters::HtmlSafe for Lang {}

/// Whether `tag`'s script is written right to left (by its primary language).
fn is_rtl(tag: &str) -> bool {
    let primary = tag
        .split('-')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    matches!(
        primary.as_str(),
        "ar" | "arc" | "ckb" | "dv" | "fa" | "he" | "ks" | "ps" | "sd" | "syr" | "ug" | "ur" | "yi"
    )
}

/// `dir`'s value for `tag`.
pub fn direction(tag: &str) -> &'static str {
    if is_rtl(tag) { "rtl" } else { "ltr" }
}

/// Text with the attributes of its language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    pub lang: Lang,
}

/// A link with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub href: String,
    pub label: String,
    /// The label's language, when not the page's.
    pub lang: Lang,
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
    /// The page's language: the reader's when the interface speaks it.
    pub lang: String,
    pub dir: &'static str,
    /// The language the reader chose (of the content, and of the links).
    pub chosen: String,
    /// `?lang=…` when that is not the default, for links to other pages.
    pub lang_query: String,
    pub ui: &'static Interface,
    pub title: String,
    pub site_title: Text,
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
    /// The link to the home page: `./` from a page at the root, where an
    /// empty link would name the page itself.
    pub fn home(&self) -> String {
        let root = if self.root.is_empty() {
            "./"
        } else {
            &self.root
        };
        format!("{root}{}", self.lang_query)
    }

    /// A page for a reader who chose `lang`; `path` is the page's own path
    /// relative to the root, for language links.
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
        let ui = Interface::choose(lang, snapshot.languages());
        let page = ui.page_language(lang);
        let site_title = text_in(&snapshot.config.title, lang, snapshot.languages())
            .map(|(tag, text)| Text {
                text,
                lang: Lang::of(&tag, page),
            })
            .unwrap_or_default();
        Self {
            lang: page.to_owned(),
            dir: direction(page),
            chosen: lang.to_owned(),
            lang_query: lang_query(snapshot, lang),
            ui,
            title,
            site_title,
            root: root.to_owned(),
            alternates: Vec::new(),
            languages,
            query: String::new(),
            json_ld: String::new(),
        }
    }
}

/// The text of `map` in `lang`, else in the first of `fallback` it has, else
/// any; with its language.
fn text_in(
    map: &std::collections::BTreeMap<String, String>,
    lang: &str,
    fallback: &[String],
) -> Option<(String, String)> {
    std::iter::once(lang)
        .chain(fallback.iter().map(String::as_str))
        .find_map(|l| map.get_key_value(l))
        .or_else(|| map.iter().next())
        .map(|(tag, text)| (tag.clone(), text.clone()))
}

/// The language of pages for a reader who chose `lang`.
fn page_language<'a>(snapshot: &Snapshot, lang: &'a str) -> &'a str {
    Interface::choose(lang, snapshot.languages()).page_language(lang)
}

/// The languages to try, in order: the chosen one, then the configured fallbacks.
pub(super) fn order<'a>(lang: &'a str, snapshot: &'a Snapshot) -> Vec<&'a str> {
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

/// The link to a concept from a page at `root`, for a reader who chose `lang`.
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
    let (tag, label) = snapshot.concepts.label_in(i, &order(lang, snapshot));
    Link {
        href,
        label: label.to_owned(),
        lang: Lang::of(tag, page_language(snapshot, lang)),
    }
}

/// `?lang=xx` when the language is not the default, so links keep the reader's choice.
pub(super) fn lang_query(snapshot: &Snapshot, lang: &str) -> String {
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
    pub title: Text,
    pub description: Option<Text>,
    pub count: usize,
    /// The whole hierarchy, when it is small; else `branches`, its top
    /// concepts, each opening on its own page.
    pub tree: Vec<TreeRow>,
    pub branches: Vec<Branch>,
    /// When `branches` are not all the top concepts: how many there are,
    /// and the pages listing them.
    pub all_top: Option<(usize, String)>,
    /// Each letter, leading to its concepts: on this page when they are
    /// few (`index`), else on the letter's page.
    pub letters: Vec<LetterLink>,
    pub index: Vec<LetterGroup>,
    /// The collections no other collection holds, by label.
    pub collections: Vec<Link>,
}

/// One line of the hierarchy, with the list markup to open before it and close after it.
#[derive(Debug, Clone)]
pub struct TreeRow {
    pub link: Link,
    pub opens: usize,
    pub end_li: bool,
    pub close: usize,
}

/// A concept of the hierarchy shown closed: its narrower concepts are on
/// the page `href` (and fetched into this one by script).
#[derive(Debug, Clone)]
pub struct Branch {
    pub link: Link,
    pub narrower: usize,
    pub href: String,
}

#[derive(Debug, Clone)]
pub struct LetterLink {
    pub letter: String,
    pub href: String,
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
        let title = layout.site_title.clone();
        let description =
            text_in(&config.description, lang, snapshot.languages()).map(|(tag, text)| Text {
                lang: Lang::of(&tag, &layout.lang),
                text,
            });
        layout.json_ld = script_json(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "DefinedTermSet",
            "@id": config.base.as_str(),
            "name": title.text,
            "description": description.as_ref().map(|d| &d.text),
        }));
        // A small vocabulary is shown whole; a large one by its top concepts
        // and its letters, the rest on pages of their own (`browse`).
        let top = &snapshot.concepts.top;
        let (tree, branches) = match super::browse::whole_tree(snapshot, lang) {
            Some(tree) => (tree, Vec::new()),
            None => {
                let shown = &top[..top.len().min(super::browse::TOP_ON_HOME)];
                (
                    Vec::new(),
                    super::browse::branches(snapshot, shown, lang, ""),
                )
            }
        };
        let all_top = (branches.len() < top.len() && !branches.is_empty())
            .then(|| (top.len(), super::browse::top_href(snapshot, 1, lang, "")));
        let groups = super::browse::letters(snapshot, lang);
        let inline = groups.iter().map(|g| g.concepts.len()).sum::<usize>() <= super::browse::WHOLE;
        let letters = groups
            .iter()
            .map(|g| LetterLink {
                href: if inline {
                    format!("#letter-{}", g.anchor)
                } else {
                    super::browse::az_href(snapshot, &g.anchor, 1, lang, "")
                },
                letter: g.letter.clone(),
            })
            .collect();
        let index = if inline {
            groups.iter().map(|g| g.group(snapshot, lang, "")).collect()
        } else {
            Vec::new()
        };
        let mut collections: Vec<Link> = (0..snapshot.concepts.concepts.len())
            .filter(|i| {
                let c = &snapshot.concepts.concepts[*i];
                c.collection && c.member_of.is_empty()
            })
            .map(|i| concept_link(snapshot, i, lang, ""))
            .collect();
        collections.sort_by_key(|a| a.label.to_lowercase());
        Self {
            layout,
            title,
            description,
            collections,
            count: snapshot
                .concepts
                .concepts
                .iter()
                .filter(|c| !c.collection)
                .count(),
            tree,
            branches,
            all_top,
            letters,
            index,
        }
    }
}

#[derive(Template)]
#[template(path = "concept.html")]
pub struct ConceptPage {
    pub layout: Layout,
    pub iri: String,
    pub label: Text,
    /// In the reader's language (or untagged).
    pub alt_labels: Vec<String>,
    pub alt_lang: Lang,
    pub definition: Option<Text>,
    pub register: Option<Text>,
    /// SKOS's documentation properties besides the definition.
    pub notes: Vec<NoteGroup>,
    pub deprecated: bool,
    pub replaced_by: Option<Link>,
    /// Each path from a top concept down to the concept's broader one.
    pub breadcrumbs: Vec<Vec<Link>>,
    /// The broader concepts, each a branch opening onto its narrower ones.
    pub siblings: Vec<Branch>,
    pub sections: Vec<SectionView>,
    pub facts: Vec<FactView>,
    pub misconceptions: Vec<MisconceptionView>,
    pub relations: Vec<RelationGroup>,
    pub mappings: Vec<Link>,
    pub sources: Vec<Link>,
    /// Whether the page is a collection's: it lists `members` (in order,
    /// when `ordered`).
    pub collection: bool,
    pub members: Vec<Link>,
    pub ordered: bool,
    /// The collections the concept (or collection) is in.
    pub in_collections: Vec<Link>,
    /// The releases the concept appeared and changed in, oldest first.
    pub history: Vec<HistoryItem>,
    /// What the diagram draws: `relations`, then the mappings.
    pub neighbours: Vec<RelationGroup>,
}

impl ConceptPage {
    /// The neighbourhood diagram (SVG), its "+N more" rows leading to `more`;
    /// empty when the concept has no neighbours.
    pub fn diagram(&self, more: &str) -> String {
        if self.neighbours.is_empty() {
            return String::new();
        }
        super::diagram::svg(
            &self.label.text,
            &self.neighbours,
            more,
            "diagram",
            self.layout.ui.more,
        )
    }
}

/// A release a concept appeared or changed in, linking to the concept as
/// that release has it.
pub struct HistoryItem {
    pub version: String,
    pub date: String,
    pub href: String,
    pub added: bool,
}

/// The values of one SKOS documentation property (a scope note, an
/// example…), in the first of the reader's languages that has any.
pub struct NoteGroup {
    pub label: &'static str,
    pub texts: Vec<String>,
    pub lang: Lang,
}

pub struct SectionView {
    /// Its `lang` is relative to the section's.
    pub title: Text,
    /// Sanitised HTML.
    pub html: String,
    /// The language of the text, when not the page's.
    pub lang: Lang,
}

pub struct FactView {
    pub label: Text,
    pub value: Text,
    pub links: Vec<Link>,
}

pub struct MisconceptionView {
    pub claim: Text,
    pub correction: Text,
}

#[derive(Clone)]
pub struct RelationGroup {
    pub label: Text,
    pub links: Vec<Link>,
    /// Neighbours of this type left out of `links` (the map lists the first few).
    pub unlisted: usize,
    /// Where this group's "+N more" leads, if not to the page's own list.
    pub more: Option<String>,
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

    /// The value in the first language of `languages` that has one, else
    /// any, with its language (`""` when untagged).
    fn text(
        &self,
        subject: &str,
        predicate: NamedNodeRef<'_>,
        languages: &[&str],
    ) -> Option<(&'a str, &'a str)> {
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
            .copied()
    }

    /// `text`, marked when not in `around`; empty when there is none.
    fn text_around(
        &self,
        subject: &str,
        predicate: NamedNodeRef<'_>,
        languages: &[&str],
        around: &str,
    ) -> Text {
        self.text(subject, predicate, languages)
            .map(|(tag, text)| Text {
                text: text.to_owned(),
                lang: Lang::of(tag, around),
            })
            .unwrap_or_default()
    }

    /// Every text of `predicate` in the first of `languages` that has one
    /// (else in the first language it has, or none), sorted, with its tag.
    fn texts_in_first(
        &self,
        subject: &str,
        predicate: NamedNodeRef<'_>,
        languages: &[&str],
    ) -> (&'a str, Vec<String>) {
        let Some((tag, _)) = self.text(subject, predicate, languages) else {
            return ("", Vec::new());
        };
        let mut out: Vec<String> = self
            .objects(subject, predicate)
            .filter_map(|o| match o {
                Term::Literal(l) if l.language().unwrap_or_default() == tag => {
                    Some(l.value().to_owned())
                }
                _ => None,
            })
            .collect();
        out.sort();
        (tag, out)
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
                    lang: Lang::default(),
                },
            }
        };
        let page = layout.lang.clone();
        let ui = layout.ui;
        let (label_lang, label) = snapshot.concepts.label_in(i, &languages);
        let label = Text {
            text: label.to_owned(),
            lang: Lang::of(label_lang, &page),
        };
        let definition = d
            .text(iri, skos::DEFINITION, &languages)
            .map(|(tag, text)| Text {
                text: text.to_owned(),
                lang: Lang::of(tag, &page),
            });
        let register = d.iris(iri, gg::REGISTER).first().and_then(|r| {
            snapshot
                .ontology
                .registers
                .iter()
                .find(|g| g.iri.as_str() == *r)
                .map(|g| {
                    let (text, tag) = g.labels.get(&page);
                    Text {
                        text: text.to_owned(),
                        lang: Lang::of(tag, &page),
                    }
                })
        });
        let section_titles: Vec<String> = d
            .parts(iri, gg::SECTION)
            .into_iter()
            .flat_map(|part| d.objects(part, gg::TITLE))
            .filter_map(|o| match o {
                Term::Literal(l) => Some(l.value().to_owned()),
                _ => None,
            })
            .collect();
        let notes = [
            (skos::SCOPE_NOTE, ui.scope_note),
            (skos::EXAMPLE, ui.example),
            (skos::NOTE, ui.note),
            (skos::HISTORY_NOTE, ui.history_note),
            (skos::CHANGE_NOTE, ui.change_note),
            (skos::EDITORIAL_NOTE, ui.editorial_note),
        ]
        .into_iter()
        .filter_map(|(p, label)| {
            let (tag, mut texts) = d.texts_in_first(iri, p, &languages);
            if p == skos::NOTE {
                // The page shows a section as a section, not again as a note.
                texts.retain(|t| !crate::convert::is_section_note(t, &section_titles));
            }
            (!texts.is_empty()).then(|| NoteGroup {
                label,
                texts,
                lang: Lang::of(tag, &page),
            })
        })
        .collect();
        let sections = d
            .parts(iri, gg::SECTION)
            .into_iter()
            .map(|part| {
                let (tag, text) = d.text(part, gg::TEXT, &languages).unwrap_or_default();
                let around = if tag.is_empty() { page.as_str() } else { tag };
                SectionView {
                    title: d.text_around(part, gg::TITLE, &languages, around),
                    html: markdown_to_html(text),
                    lang: Lang::of(tag, &page),
                }
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
                    label: d.text_around(part, gg::FACT_LABEL, &languages, &page),
                    value: d.text_around(part, gg::FACT_VALUE, &languages, &page),
                    links,
                }
            })
            .collect();
        let misconceptions = d
            .parts(iri, gg::MISCONCEPTION)
            .into_iter()
            .map(|part| MisconceptionView {
                claim: d.text_around(part, gg::CLAIM, &languages, &page),
                correction: d.text_around(part, gg::CORRECTION, &languages, &page),
            })
            .collect();
        let relations = relation_groups(snapshot, &d, iri, ui, &page, &link_to);
        let mappings: Vec<Link> = [
            (skos::EXACT_MATCH, ui.exact_match),
            (skos::CLOSE_MATCH, ui.close_match),
            (skos::BROAD_MATCH, ui.broad_match),
            (skos::NARROW_MATCH, ui.narrow_match),
            (skos::RELATED_MATCH, ui.related_match),
        ]
        .into_iter()
        .flat_map(|(p, label)| {
            let mut targets = d.iris(iri, p);
            targets.sort_unstable();
            targets.into_iter().map(move |t| Link {
                href: t.to_owned(),
                label: label.to_owned(),
                lang: Lang::default(),
            })
        })
        .collect();
        let mut neighbours = relations.clone();
        if !mappings.is_empty() {
            neighbours.push(RelationGroup {
                label: Text {
                    text: ui.mappings.to_owned(),
                    lang: Lang::default(),
                },
                links: mappings
                    .iter()
                    .map(|m| Link {
                        href: m.href.clone(),
                        label: format!("{} {}", m.label, m.href),
                        lang: Lang::default(),
                    })
                    .collect(),
                unlisted: 0,
                more: None,
            });
        }
        // Cited Articles as written (`Article 3(47)`), linking to the Article;
        // then every other source by its IRI.
        let mut sources: Vec<Link> = d
            .objects(iri, gg::CITATION)
            .filter_map(|o| match o {
                Term::Literal(l) => citation_link(snapshot, ui, l.value()),
                _ => None,
            })
            .collect();
        for s in d.iris(iri, dcterms::SOURCE) {
            if !sources.iter().any(|c| c.href == s) {
                sources.push(Link {
                    href: s.to_owned(),
                    label: source_label(snapshot, ui, s),
                    lang: Lang::default(),
                });
            }
        }
        sources.sort_by(|a, b| crate::order::natural_cmp(&a.label, &b.label));
        let deprecated = info.deprecated
            || d.objects(iri, owl::DEPRECATED)
                .any(|o| matches!(o, Term::Literal(l) if l.value() == "true"));
        let replaced_by = d
            .iris(iri, dcterms::IS_REPLACED_BY)
            .first()
            .map(|t| link_to(t));
        // Breadcrumbs: every path up to a top concept (a few at most), each
        // from the top down; and each broader concept's narrower ones, the
        // concept's siblings, as branches opened on demand.
        let breadcrumbs: Vec<Vec<Link>> = broader_paths(snapshot, i)
            .into_iter()
            .map(|path| {
                path.into_iter()
                    .rev()
                    .map(|p| concept_link(snapshot, p, lang, &root))
                    .collect()
            })
            .collect();
        let siblings = super::browse::branches(snapshot, &info.broader, lang, &root);
        let links = |list: &[usize]| -> Vec<Link> {
            list.iter()
                .map(|m| concept_link(snapshot, *m, lang, &root))
                .collect()
        };
        let (members, in_collections) = (links(&info.members), links(&info.member_of));
        layout.json_ld = script_json(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "DefinedTerm",
            "@id": iri,
            "name": label.text,
            "description": definition.as_ref().map(|d| &d.text),
            "alternateName": info.alt_labels.iter().filter(|(l, _)| l == lang).map(|(_, t)| t).collect::<Vec<_>>(),
            // A published vocabulary's concept: its notation and its own scheme.
            "termCode": snapshot.config.base.concept_id(iri).map(str::to_owned).or_else(|| {
                d.objects(iri, skos::NOTATION).find_map(|o| match o {
                    Term::Literal(l) => Some(l.value().to_owned()),
                    _ => None,
                })
            }),
            "inDefinedTermSet": d.iris(iri, skos::IN_SCHEME).first().copied().unwrap_or(snapshot.config.base.as_str()),
            "url": iri,
        }));
        Self {
            layout,
            iri: iri.to_owned(),
            label,
            alt_labels: d.texts(iri, skos::ALT_LABEL, lang),
            alt_lang: Lang::of(lang, &page),
            definition,
            register,
            notes,
            deprecated,
            replaced_by,
            breadcrumbs,
            siblings,
            sections,
            facts,
            misconceptions,
            relations,
            mappings,
            sources,
            collection: info.collection,
            members,
            ordered: info.ordered,
            in_collections,
            history: history(snapshot, iri, &root),
            neighbours,
        }
    }
}

/// Paths from concept `i` up through its broader concepts to a top one,
/// nearest first; at most [`PATHS`], none longer than 32 steps or looping.
fn broader_paths(snapshot: &Snapshot, i: usize) -> Vec<Vec<usize>> {
    fn up(snapshot: &Snapshot, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        let last = *path.last().unwrap_or(&0);
        let broader = &snapshot.concepts.concepts[last].broader;
        if broader.is_empty() || path.len() > 32 {
            if path.len() > 1 {
                out.push(path[1..].to_vec());
            }
            return;
        }
        for &parent in broader {
            if out.len() >= PATHS {
                return;
            }
            if !path.contains(&parent) {
                path.push(parent);
                up(snapshot, path, out);
                path.pop();
            }
        }
    }
    let mut out = Vec::new();
    up(snapshot, &mut vec![i], &mut out);
    out
}

/// Breadcrumb trails a concept page shows at most.
const PATHS: usize = 4;

/// The releases a concept of the glossary appeared and changed in.
fn history(snapshot: &Snapshot, iri: &str, root: &str) -> Vec<HistoryItem> {
    let Some(id) = snapshot.config.base.concept_id(iri) else {
        return Vec::new();
    };
    let changes = snapshot.history.changes(iri);
    changes
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            let release = &snapshot.history.releases[i];
            HistoryItem {
                version: release.version.clone(),
                date: release.date.clone(),
                href: format!("{root}v/{}/concept/{id}", release.version),
                added: n == 0,
            }
        })
        .collect()
}

/// Relations by type, with the type's label: typed relations of the vocabulary
/// first, then SKOS relations no typed one already shows.
fn relation_groups(
    snapshot: &Snapshot,
    d: &Described<'_>,
    iri: &str,
    ui: &Interface,
    page: &str,
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
        let (text, tag) = t.labels.get(page);
        let label = Text {
            text: capitalise(text),
            lang: Lang::of(tag, page),
        };
        groups.push(group(label, targets, link_to));
    }
    for t in builtin {
        let targets: Vec<&str> = d
            .iris(iri, t.iri.as_ref())
            .into_iter()
            .filter(|x| !shown.iter().any(|(dir, s)| *dir == t.direction && s == x))
            .collect();
        if !targets.is_empty() {
            let label = match t.direction {
                Direction::Broader => ui.broader,
                Direction::Narrower => ui.narrower,
                Direction::Related => ui.related,
            };
            let label = Text {
                text: label.to_owned(),
                lang: Lang::default(),
            };
            groups.push(group(label, targets, link_to));
        }
    }
    groups
}

fn group(label: Text, targets: Vec<&str>, link_to: &dyn Fn(&str) -> Link) -> RelationGroup {
    let mut links: Vec<Link> = targets.into_iter().map(link_to).collect();
    links.sort_by_key(|a| a.label.to_lowercase());
    RelationGroup {
        label,
        links,
        unlisted: 0,
        more: None,
    }
}

pub(super) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A `gg:citation` (`Article 3(47)`) as a link to its Article, labelled in
/// the interface's language (`Artikel 3(47)`).
fn citation_link(snapshot: &Snapshot, ui: &Interface, citation: &str) -> Option<Link> {
    let (number, point) = crate::source::article_citation(citation)?;
    Some(Link {
        href: snapshot.config.citations.article_iri(number)?,
        label: ui.article(&format!("{number}{point}")),
        lang: Lang::default(),
    })
}

/// "Article 64" (in the interface's language) for an Article's ELI, else the IRI.
fn source_label(snapshot: &Snapshot, ui: &Interface, iri: &str) -> String {
    if let Some(template) = &snapshot.config.citations.article
        && let Some((before, after)) = template.split_once("{}")
        && let Some(number) = iri.strip_prefix(before).and_then(|r| r.strip_suffix(after))
        && number.bytes().all(|b| b.is_ascii_digit())
    {
        return ui.article(number);
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
    pub matched: Option<Text>,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub layout: Layout,
    pub heading: String,
    /// What went wrong, in English (the server's messages are), or what
    /// the page says in its own language.
    pub detail: Vec<Code>,
    pub detail_in_page_language: bool,
    /// An address the detail leads to, written out.
    pub link: Option<String>,
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
    /// Details quote requests, which may hold any character: those published
    /// text may not hold are shown as U+FFFD.
    pub fn split(text: &str) -> Vec<Code> {
        crate::text::visible(text)
            .split('`')
            .enumerate()
            .filter(|(_, t)| !t.is_empty())
            .map(|(i, t)| Code {
                text: t.to_owned(),
                code: i % 2 == 1,
            })
            .collect()
    }
}

impl MessagePage {
    /// The detail's language attributes.
    pub fn detail_lang(&self) -> Lang {
        if self.detail_in_page_language {
            return Lang::of(&self.layout.lang, &self.layout.lang);
        }
        Lang::of("en", &self.layout.lang)
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
    pub description: Text,
    pub types: Vec<RelationTypeView>,
    /// The language of the vocabulary's labels, when not the page's.
    pub labels_lang: Lang,
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
                Term::Literal(l) => Some(Text {
                    text: l.value().to_owned(),
                    lang: Lang::of(l.language().unwrap_or_default(), &layout.lang),
                }),
                _ => None,
            })
            .unwrap_or_default();
        Self {
            labels_lang: Lang::of(ONTOLOGY_LANGUAGE, &layout.lang),
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
    fn text_in_another_language_gets_its_lang_and_direction() {
        assert_eq!(Lang::of("en", "de").to_string(), " lang=\"en\"");
        assert_eq!(Lang::of("de", "de").to_string(), "");
        assert_eq!(Lang::of("DE", "de").to_string(), "");
        // Untagged text is taken to be in the language around it.
        assert_eq!(Lang::of("", "de").to_string(), "");
        assert_eq!(Lang::of("ar", "fr").to_string(), " lang=\"ar\" dir=\"rtl\"");
        assert_eq!(Lang::of("en", "he").to_string(), " lang=\"en\" dir=\"ltr\"");
        assert_eq!(Lang::of("fa-IR", "ar").to_string(), " lang=\"fa-IR\"");
        // Nothing but a tag's characters is written.
        assert_eq!(Lang::of("en\" onclick=\"x", "de").to_string(), "");
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
    /// The language asked for.
    pub lang: String,
    pub iri: String,
    pub label: String,
    pub definition: Option<String>,
    pub broader: Vec<String>,
}

impl PreviewCard {
    pub fn ui(&self) -> &'static Interface {
        Interface::choose(&self.lang, &[])
    }

    /// The card's language: that asked for when the interface speaks it.
    pub fn page_language(&self) -> &str {
        self.ui().page_language(&self.lang)
    }
}
