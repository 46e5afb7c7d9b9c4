//! What one SKOS concept says, in terms of the entry format: labels and
//! definitions by language, notation, mappings, sources, documentation notes
//! of every kind, relations to other resources, and, for glossgraph's own exports, sections,
//! key facts, misconceptions and the register. Whatever has no place in an
//! entry is counted for the report.

use super::graph::Graph;
use super::report::Tally;
use crate::config::Config;
use crate::import::draft::{DraftSection, Tagged};
use crate::import::markdown::collapse;
use crate::ontology::Ontology;
use crate::source::NoteKind;
use crate::vocab::{dcterms, gg, owl, schema, skos};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Term};

/// SKOS-XL.
pub(super) const SKOSXL: &str = "http://www.w3.org/2008/05/skos-xl#";
/// Dublin Core elements 1.1.
const DC: &str = "http://purl.org/dc/elements/1.1/";

/// What reading a concept needs.
pub struct Context<'a> {
    pub graph: &'a Graph,
    pub ontology: &'a Ontology,
    pub config: &'a Config,
    /// The glossary's default language: of the body and of text without a tag.
    pub language: &'a str,
}

/// A key fact and the IRIs its value mentions.
#[derive(Debug, Clone)]
pub struct Fact {
    pub label: String,
    pub value: String,
    pub mentions: Vec<NamedNode>,
}

/// What a concept says, before ids are given.
#[derive(Debug, Clone, Default)]
pub struct Concept {
    pub terms: Vec<Tagged>,
    pub alt_labels: Vec<Tagged>,
    pub hidden_labels: Vec<Tagged>,
    pub definitions: Vec<Tagged>,
    pub notation: Option<String>,
    pub register: Option<String>,
    pub sources: Vec<String>,
    /// Articles cited with their paragraph or point (`gg:citation`, in
    /// glossgraph's own exports): they stand for the Article sources they are in.
    pub citations: Vec<String>,
    /// (mapping kind, target)
    pub mappings: Vec<(String, NamedNode)>,
    pub deprecated: bool,
    pub replaced_by: Option<NamedNode>,
    pub sections: Vec<DraftSection>,
    /// Documentation notes, by kind, in every language.
    pub notes: Vec<(NoteKind, Vec<Tagged>)>,
    pub facts: Vec<Fact>,
    pub misconceptions: Vec<(String, String)>,
    /// (relation type key, other resource), from this concept.
    pub relations: Vec<(String, NamedNode)>,
    /// What the editor must still do with its entry (`needs-review`), such
    /// as give the term the source did not.
    pub review: Vec<String>,
    /// For a collection, its members (those of its `skos:memberList` first,
    /// in order, then the others): it becomes an entry with `members`.
    pub members: Option<Vec<NamedNode>>,
    /// Whether the collection orders its members (`skos:memberList`).
    pub ordered: bool,
}

/// What a collection cannot say, as an entry with `members` cannot: it
/// groups concepts, and relations, mappings and deprecation are theirs.
fn leave_out_concept_statements(c: &mut Concept, tally: &mut Tally, iri: &NamedNode) {
    let count = c.relations.len()
        + c.mappings.len()
        + usize::from(c.deprecated)
        + usize::from(c.replaced_by.is_some())
        + usize::from(c.register.is_some());
    for _ in 0..count {
        tally.lose(
            "statements only a concept can make (relations, mappings, deprecation) left out of a collection",
            iri,
        );
    }
    c.relations.clear();
    c.mappings.clear();
    c.deprecated = false;
    c.replaced_by = None;
    c.register = None;
}

/// The items of the RDF list `head`, if it is a well-formed list of IRIs.
fn list(g: &Graph, head: &Term) -> Option<Vec<NamedNode>> {
    let mut items = Vec::new();
    let mut node = head.clone();
    let mut seen = std::collections::HashSet::new();
    loop {
        let cell: NamedOrBlankNode = match &node {
            Term::NamedNode(n) if n.as_ref() == rdf::NIL => return Some(items),
            Term::NamedNode(n) => n.clone().into(),
            Term::BlankNode(b) => b.clone().into(),
            _ => return None,
        };
        if !seen.insert(cell.clone()) {
            return None;
        }
        match g.objects(&cell, rdf::FIRST).next() {
            Some(Term::NamedNode(first)) => items.push(first.clone()),
            _ => return None,
        }
        node = g.objects(&cell, rdf::REST).next()?.clone();
    }
}

/// Mapping properties and their keys in entries, in the order entries list
/// them.
pub(super) const MAPPINGS: &[(NamedNodeRef<'static>, &str)] = &[
    (skos::EXACT_MATCH, "exact"),
    (skos::CLOSE_MATCH, "close"),
    (skos::BROAD_MATCH, "broad"),
    (skos::NARROW_MATCH, "narrow"),
    (skos::RELATED_MATCH, "related"),
];

/// The SKOS documentation properties (but `skos:definition`) and the kinds
/// of note entries hold them as.
pub(super) const NOTES: &[(NamedNodeRef<'static>, NoteKind)] = &[
    (skos::SCOPE_NOTE, NoteKind::Scope),
    (skos::EXAMPLE, NoteKind::Example),
    (skos::HISTORY_NOTE, NoteKind::History),
    (skos::EDITORIAL_NOTE, NoteKind::Editorial),
    (skos::CHANGE_NOTE, NoteKind::Change),
    (skos::NOTE, NoteKind::Note),
];

/// Properties glossgraph writes itself when it builds the glossary.
const REGENERATED: &[NamedNodeRef<'static>] = &[
    skos::IN_SCHEME,
    skos::TOP_CONCEPT_OF,
    schema::NAME,
    schema::DESCRIPTION,
    schema::TERM_CODE,
    schema::IN_DEFINED_TERM_SET,
    dcterms::REPLACES,
];

/// Reads the concept `iri`, or with `collection`, the collection `iri`.
pub fn read(ctx: &Context<'_>, iri: &NamedNode, collection: bool, tally: &mut Tally) -> Concept {
    let subject = NamedOrBlankNode::NamedNode(iri.clone());
    let g = ctx.graph;
    let mut c = Concept::default();
    let mut prefs: Vec<Tagged> = Vec::new();
    let mut alts: Vec<Tagged> = Vec::new();
    let mut hiddens: Vec<Tagged> = Vec::new();
    let mut definitions: Vec<Tagged> = Vec::new();
    let mut members: Vec<NamedNode> = Vec::new();
    let mut ordered: Vec<NamedNode> = Vec::new();
    // glossgraph writes each section also as a `skos:note` (`is_section_note`).
    let section_titles: Vec<String> = g
        .objects(&subject, gg::SECTION)
        .filter_map(|part| match part {
            Term::NamedNode(n) => Some(NamedOrBlankNode::NamedNode(n.clone())),
            Term::BlankNode(b) => Some(NamedOrBlankNode::BlankNode(b.clone())),
            _ => None,
        })
        .flat_map(|part| {
            g.objects(&part, gg::TITLE)
                .filter_map(|t| match t {
                    Term::Literal(l) => Some(l.value().to_owned()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for t in g.about(&subject) {
        let p = t.predicate.as_ref();
        let o = &t.object;
        let ps = p.as_str();
        if p == rdf::TYPE {
            let written = [
                skos::CONCEPT,
                schema::DEFINED_TERM,
                skos::COLLECTION,
                skos::ORDERED_COLLECTION,
            ];
            if !written.iter().any(|w| o.as_ref() == (*w).into()) {
                tally.not_converted(&format!("rdf:type {o}"));
            }
        } else if p == skos::MEMBER {
            match o {
                Term::NamedNode(n) => members.push(n.clone()),
                _ => tally.lose("collection members that are blank nodes left out", iri),
            }
        } else if p == skos::MEMBER_LIST {
            match list(g, o) {
                Some(items) => {
                    c.ordered = true;
                    ordered.extend(items);
                }
                None => tally.lose("member lists that are not RDF lists of IRIs left out", iri),
            }
        } else if p == skos::PREF_LABEL {
            if let Some(l) = text(ctx, o, "preferred label", tally) {
                prefs.push(l);
            }
        } else if p == skos::ALT_LABEL {
            if let Some(l) = text(ctx, o, "alternative label", tally) {
                alts.push(l);
            }
        } else if p == skos::HIDDEN_LABEL {
            if let Some(l) = text(ctx, o, "hidden label", tally) {
                hiddens.push(l);
            }
        } else if let Some(kind) = ps.strip_prefix(SKOSXL) {
            let list = match kind {
                "prefLabel" => &mut prefs,
                "altLabel" => &mut alts,
                "hiddenLabel" => &mut hiddens,
                _ => {
                    tally.not_converted(ps);
                    continue;
                }
            };
            tally.change("SKOS-XL labels read as plain labels (the label resources' own statements are not kept)", iri);
            for label in xl_forms(g, o) {
                if let Some(label) = text(ctx, &label, "label", tally) {
                    list.push(label);
                }
            }
        } else if p == skos::DEFINITION {
            match o {
                Term::Literal(_) => {
                    if let Some(d) = text(ctx, o, "definition", tally) {
                        definitions.push(d);
                    }
                }
                _ => {
                    let values: Vec<Term> = match o {
                        Term::NamedNode(n) => {
                            g.objects(&n.clone().into(), rdf::VALUE).cloned().collect()
                        }
                        Term::BlankNode(b) => {
                            g.objects(&b.clone().into(), rdf::VALUE).cloned().collect()
                        }
                        _ => Vec::new(),
                    };
                    if values.is_empty() {
                        tally.lose(
                            "definitions given as resources without an rdf:value left out",
                            iri,
                        );
                    } else {
                        tally.change("definitions given as resources: their rdf:value used", iri);
                    }
                    for v in values {
                        if let Some(d) = text(ctx, &v, "definition", tally) {
                            definitions.push(d);
                        }
                    }
                }
            }
        } else if p == skos::NOTATION {
            match o {
                Term::Literal(l) if c.notation.is_none() && !l.value().trim().is_empty() => {
                    if !is_plain(l) {
                        tally.lose("typed notations kept without their datatype", iri);
                    }
                    c.notation = Some(collapse(l.value()));
                }
                _ => tally.lose("second notations left out (an entry has one)", iri),
            }
        } else if let Some((_, kind)) = MAPPINGS.iter().find(|(m, _)| *m == p) {
            match o {
                Term::NamedNode(n) => c.mappings.push(((*kind).to_owned(), n.clone())),
                Term::Literal(l) if l.datatype() == oxigraph::model::vocab::xsd::ANY_URI => {
                    match NamedNode::new(l.value()) {
                        Ok(n) => {
                            tally
                                .change("mappings written as xsd:anyURI literals became IRIs", iri);
                            c.mappings.push(((*kind).to_owned(), n));
                        }
                        Err(_) => tally.lose("mappings that are not IRIs left out", iri),
                    }
                }
                _ => tally.lose("mappings that are not IRIs left out", iri),
            }
        } else if let Some(key) = relation_key(ctx.ontology, p) {
            match o {
                Term::NamedNode(n) => c.relations.push((key, n.clone())),
                _ => tally.lose("relations to blank nodes left out", iri),
            }
        } else if REGENERATED.contains(&p) {
            tally.regenerated(ps);
        } else if p == skos::NOTE
            && matches!(o, Term::Literal(l) if crate::convert::is_section_note(l.value(), &section_titles))
        {
            // A section's title and plain text, which glossgraph writes itself.
            tally.regenerated(ps);
        } else if let Some((_, kind)) = NOTES.iter().find(|(n, _)| *n == p) {
            if let Some(note) = note_text(ctx, o, tally) {
                match c.notes.iter_mut().find(|(k, _)| k == kind) {
                    Some((_, texts)) => texts.push(note),
                    None => c.notes.push((*kind, vec![note])),
                }
            }
        } else if p == owl::DEPRECATED {
            c.deprecated = matches!(o, Term::Literal(l) if matches!(l.value(), "true" | "1"));
        } else if p == dcterms::IS_REPLACED_BY {
            match o {
                Term::NamedNode(n) => c.replaced_by = Some(n.clone()),
                _ => tally.not_converted(ps),
            }
        } else if p == dcterms::SOURCE || ps == format!("{DC}source") {
            match o {
                Term::NamedNode(n) => match source(ctx.config, n.as_str()) {
                    Some(source) => c.sources.push(source),
                    // The entry format cites Articles and web pages.
                    None => {
                        tally.lose(
                            "sources that are neither http(s) IRIs nor Articles left out",
                            iri,
                        );
                    }
                },
                _ => {
                    tally.lose("sources given as text rather than IRIs left out", iri);
                }
            }
        } else if p == gg::CITATION {
            match o {
                Term::Literal(l) if crate::source::article_citation(l.value()).is_some() => {
                    c.citations.push(l.value().to_owned());
                }
                _ => tally.not_converted(ps),
            }
        } else if p == gg::REGISTER {
            match o {
                Term::NamedNode(n) => match ctx.ontology.registers.iter().find(|r| r.iri == *n) {
                    Some(r) => c.register = Some(r.key.clone()),
                    None => tally.not_converted(ps),
                },
                _ => tally.not_converted(ps),
            }
        } else if p == gg::SECTION || p == gg::KEY_FACT || p == gg::MISCONCEPTION {
            // Read below, in order.
        } else {
            tally.not_converted(ps);
        }
    }
    if collection {
        for m in members {
            if !ordered.contains(&m) {
                ordered.push(m);
            }
        }
        c.members = Some(ordered);
        leave_out_concept_statements(&mut c, tally, iri);
    } else if !members.is_empty() || c.ordered {
        c.ordered = false;
        tally.lose(
            "members of a resource that is not a collection left out",
            iri,
        );
    }
    parts(ctx, &subject, &mut c, tally, iri);
    split_terms(ctx, prefs, &mut c, tally, iri);
    c.alt_labels.extend(alts);
    c.hidden_labels = hiddens;
    dedup_labels(&mut c);
    // One definition per language.
    definitions.sort();
    for d in definitions {
        if c.definitions.iter().any(|x| x.lang == d.lang) {
            tally.lose(
                "second definitions in a language left out (an entry has one per language)",
                iri,
            );
        } else {
            c.definitions.push(d);
        }
    }
    if !c.deprecated && c.replaced_by.take().is_some() {
        tally.lose("dcterms:isReplacedBy without owl:deprecated left out", iri);
    }
    c
}

/// The relation type a property states: one of the vocabulary's types, or the
/// one type that declares it as a super-property (ISO 25964's SKOS extension).
pub fn relation_key(ontology: &Ontology, p: NamedNodeRef<'_>) -> Option<String> {
    if let Some(t) = ontology.relation_type_by_iri(p) {
        return Some(t.key.clone());
    }
    let mut types = ontology
        .relation_types()
        .iter()
        .filter(|t| t.super_properties.iter().any(|s| s.as_ref() == p));
    match (types.next(), types.next()) {
        (Some(t), None) => Some(t.key.clone()),
        _ => None,
    }
}

/// An `Article N` source when the IRI is an Article of the glossary's act.
impl Concept {
    /// The entry's sources: the Articles cited as written, then every other
    /// source (an Article a citation is in is not repeated).
    pub fn all_sources(&self) -> Vec<String> {
        let cited: Vec<u32> = self
            .citations
            .iter()
            .filter_map(|c| crate::source::article_citation(c).map(|(n, _)| n))
            .collect();
        let mut all = self.citations.clone();
        all.extend(
            self.sources
                .iter()
                .filter(|s| {
                    !crate::source::article_citation(s)
                        .is_some_and(|(n, point)| point.is_empty() && cited.contains(&n))
                })
                .cloned(),
        );
        all
    }
}

/// A source as an entry writes it: `Article N` when `iri` is an Article of
/// the glossary's act, else `iri` if it is an http(s) IRI; `None` for
/// another kind of IRI (`file:`, `urn:`), which an entry cannot cite.
fn source(config: &Config, iri: &str) -> Option<String> {
    if let Some(template) = &config.citations.article
        && let Some((before, after)) = template.split_once("{}")
        && let Some(middle) = iri.strip_prefix(before).and_then(|r| r.strip_suffix(after))
        && !middle.is_empty()
        && middle.bytes().all(|b| b.is_ascii_digit())
        && !middle.starts_with('0')
    {
        return Some(format!("Article {middle}"));
    }
    (iri.starts_with("http://") || iri.starts_with("https://")).then(|| iri.to_owned())
}

fn is_plain(l: &Literal) -> bool {
    l.language().is_some() || l.datatype() == oxigraph::model::vocab::xsd::STRING
}

/// A literal's text and language (the default one when untagged); whitespace
/// runs become single spaces.
fn text(ctx: &Context<'_>, o: &Term, what: &str, tally: &mut Tally) -> Option<Tagged> {
    let Term::Literal(l) = o else {
        tally.lose(
            "labels, definitions and notes that are not text left out",
            format!("{what} {o}"),
        );
        return None;
    };
    let value = collapse(l.value());
    if value.is_empty() {
        tally.lose(
            "empty labels, definitions and notes left out",
            format!("{what} {o}"),
        );
        return None;
    }
    let lang = match l.language() {
        Some(lang) => lang.to_ascii_lowercase(),
        None => {
            tally.change(
                &format!(
                    "text without a language tag given the glossary's default language `{}`",
                    ctx.language
                ),
                format!("{what} “{value}”"),
            );
            ctx.language.to_owned()
        }
    };
    if value != l.value() {
        tally.change(
            "whitespace in text collapsed to single spaces",
            format!("{what} “{value}”"),
        );
    }
    Some(Tagged::new(lang, value))
}

/// A note's text as the vocabulary has it, line breaks and all (notes are
/// prose), trimmed.
fn note_text(ctx: &Context<'_>, o: &Term, tally: &mut Tally) -> Option<Tagged> {
    match o {
        Term::Literal(l) if !l.value().trim().is_empty() && l.language().is_some() => {
            let value = l.value().trim();
            if value != l.value() {
                tally.change(
                    "spaces and line breaks around notes trimmed",
                    format!("note “{value}”"),
                );
            }
            let lang = l.language().unwrap_or_default().to_ascii_lowercase();
            Some(Tagged::new(lang, value))
        }
        _ => text(ctx, o, "note", tally),
    }
}

/// The literal forms of a SKOS-XL label resource.
fn xl_forms(g: &Graph, label: &Term) -> Vec<Term> {
    let subject: NamedOrBlankNode = match label {
        Term::NamedNode(n) => n.clone().into(),
        Term::BlankNode(b) => b.clone().into(),
        _ => return Vec::new(),
    };
    let form = NamedNode::new_unchecked(format!("{SKOSXL}literalForm"));
    g.objects(&subject, form.as_ref()).cloned().collect()
}

/// One term per language (the first in order); other preferred labels become
/// alternative labels.
fn split_terms(
    ctx: &Context<'_>,
    mut prefs: Vec<Tagged>,
    c: &mut Concept,
    tally: &mut Tally,
    iri: &NamedNode,
) {
    prefs.sort();
    prefs.dedup();
    // The default language first, then the others in order.
    prefs.sort_by_key(|t| t.lang != ctx.language);
    for label in prefs {
        if c.terms.iter().any(|t| t.lang == label.lang) {
            tally.change(
                "second preferred labels in a language became alternative labels",
                iri,
            );
            c.alt_labels.push(label);
        } else {
            c.terms.push(label);
        }
    }
}

fn dedup_labels(c: &mut Concept) {
    let terms = c.terms.clone();
    let mut seen: Vec<Tagged> = terms.clone();
    c.alt_labels.sort();
    c.alt_labels.retain(|l| {
        let new = !seen.contains(l);
        seen.push(l.clone());
        new
    });
    c.hidden_labels.sort();
    c.hidden_labels.retain(|l| {
        let new = !seen.contains(l);
        seen.push(l.clone());
        new
    });
}

/// The sections, key facts and misconceptions glossgraph writes, in order.
fn parts(
    ctx: &Context<'_>,
    subject: &NamedOrBlankNode,
    c: &mut Concept,
    tally: &mut Tally,
    iri: &NamedNode,
) {
    let g = ctx.graph;
    let ordered = |p: NamedNodeRef<'_>| -> Vec<NamedOrBlankNode> {
        let mut parts: Vec<(i64, String, NamedOrBlankNode)> = g
            .objects(subject, p)
            .filter_map(|o| match o {
                Term::NamedNode(n) => Some(NamedOrBlankNode::NamedNode(n.clone())),
                Term::BlankNode(b) => Some(NamedOrBlankNode::BlankNode(b.clone())),
                _ => None,
            })
            .map(|part| {
                let position = g
                    .objects(&part, gg::POSITION)
                    .find_map(|o| match o {
                        Term::Literal(l) => l.value().parse().ok(),
                        _ => None,
                    })
                    .unwrap_or(i64::MAX);
                (position, part.to_string(), part)
            })
            .collect();
        parts.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        parts.into_iter().map(|(_, _, p)| p).collect()
    };
    let one = |part: &NamedOrBlankNode, p: NamedNodeRef<'_>| -> Option<(String, String)> {
        g.objects(part, p).find_map(|o| match o {
            Term::Literal(l) => Some((
                l.value().to_owned(),
                l.language().unwrap_or(ctx.language).to_ascii_lowercase(),
            )),
            _ => None,
        })
    };
    let mut other_language = false;
    for part in ordered(gg::SECTION) {
        match (one(&part, gg::TITLE), one(&part, gg::TEXT)) {
            (Some((title, lang)), Some((text, _))) if lang == ctx.language => {
                c.sections.push(DraftSection {
                    title: collapse(&title),
                    markdown: text.trim().to_owned(),
                })
            }
            (Some(_), Some(_)) => other_language = true,
            _ => tally.lose("sections without a title or text left out", iri),
        }
    }
    for part in ordered(gg::KEY_FACT) {
        match (one(&part, gg::FACT_LABEL), one(&part, gg::FACT_VALUE)) {
            (Some((label, lang)), Some((value, _))) if lang == ctx.language => {
                let mentions = g
                    .objects(&part, gg::MENTIONS)
                    .filter_map(|o| match o {
                        Term::NamedNode(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect();
                c.facts.push(Fact {
                    label: collapse(&label),
                    value: collapse(&value),
                    mentions,
                });
            }
            (Some(_), Some(_)) => other_language = true,
            _ => tally.lose("key facts without a label or value left out", iri),
        }
    }
    for part in ordered(gg::MISCONCEPTION) {
        match (one(&part, gg::CLAIM), one(&part, gg::CORRECTION)) {
            (Some((claim, lang)), Some((correction, _))) if lang == ctx.language => c
                .misconceptions
                .push((collapse(&claim), collapse(&correction))),
            (Some(_), Some(_)) => other_language = true,
            _ => tally.lose("misconceptions without a claim or correction left out", iri),
        }
    }
    if other_language {
        tally.lose("sections, key facts and misconceptions in other languages than the glossary's default left out", iri);
    }
}
