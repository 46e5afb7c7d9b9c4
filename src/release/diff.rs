//! What changed between two graphs, concept by concept: added, removed,
//! deprecated (and by what replaced), relabelled and redefined per language,
//! moved in the hierarchy, relations added or removed by type, mappings
//! changed, and every other statement about the concept (or its parts,
//! `…#section-1`); then, statement by statement, what changed about every
//! other resource, grouped by subject.
//!
//! Both graphs come canonically labelled ([`super::Graph`]), so a blank node
//! compares by its canonical label, never by the label a file gave it.

use super::Graph;
use crate::ontology::Ontology;
use crate::vocab::{dcterms, owl, skos};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{NamedOrBlankNode, Term, Triple};
use std::collections::{BTreeMap, BTreeSet, HashSet};

const ISO_THES: &str = "http://purl.org/iso25964/skos-thes#";

/// A concept named in a diff.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Named {
    pub iri: String,
    pub label: String,
}

/// A text in one language, before and after (`None`: there was none).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TextChange {
    pub lang: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// What one property gained and lost.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PropertyChange {
    pub property: String,
    /// Its name for people: a relation type's label, else the compact IRI.
    pub label: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// Statements added and removed, as N-Triples lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Statements {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

impl Statements {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// How a concept that is in both graphs changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConceptChange {
    pub iri: String,
    pub label: String,
    /// Newly deprecated: with what replaces it, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<Vec<String>>,
    /// Deprecated before, not now.
    pub undeprecated: bool,
    pub labels: Vec<TextChange>,
    pub definitions: Vec<TextChange>,
    /// Broader concepts gained and lost: a move in the hierarchy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broader: Option<PropertyChange>,
    pub relations: Vec<PropertyChange>,
    pub mappings: Vec<PropertyChange>,
    /// Everything else about the concept and its parts.
    pub other: Statements,
}

/// What changed about a resource that is not a concept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SubjectChange {
    pub subject: String,
    #[serde(flatten)]
    pub statements: Statements,
}

/// What changed from one graph to another.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diff {
    pub from: String,
    pub to: String,
    pub added: Vec<Named>,
    pub removed: Vec<Named>,
    pub changed: Vec<ConceptChange>,
    pub others: Vec<SubjectChange>,
    /// Every statement added and removed, by subject (concepts' too): what
    /// an RDF changeset lists.
    #[serde(skip)]
    pub by_subject: Vec<SubjectChange>,
    /// Statements in all.
    pub statements_added: usize,
    pub statements_removed: usize,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.statements_added == 0 && self.statements_removed == 0
    }

    /// What changed, in a line: concepts added, removed, changed and
    /// deprecated.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "no change".to_owned();
        }
        format!(
            "{} concept(s) added, {} removed, {} changed ({} deprecated)",
            self.added.len(),
            self.removed.len(),
            self.changed.len(),
            self.deprecated().count()
        )
    }

    /// The concepts newly deprecated.
    pub fn deprecated(&self) -> impl Iterator<Item = &ConceptChange> {
        self.changed.iter().filter(|c| c.deprecated.is_some())
    }
}

/// What changed from `a` to `b`. `language` is the one labels are shown in
/// (else any).
pub fn diff(a: &Graph, b: &Graph, ontology: &Ontology, language: &str) -> Diff {
    let in_a: HashSet<&Triple> = a.triples.iter().collect();
    let in_b: HashSet<&Triple> = b.triples.iter().collect();
    let removed: Vec<&Triple> = a.triples.iter().filter(|t| !in_b.contains(t)).collect();
    let added: Vec<&Triple> = b.triples.iter().filter(|t| !in_a.contains(t)).collect();
    let concepts_a = concepts(&a.triples);
    let concepts_b = concepts(&b.triples);
    let all: BTreeSet<&str> = concepts_a.union(&concepts_b).copied().collect();

    // Each changed statement goes to the concept it is about, if any.
    let mut by_concept: BTreeMap<&str, (Vec<&Triple>, Vec<&Triple>)> = BTreeMap::new();
    let mut by_subject: BTreeMap<String, Statements> = BTreeMap::new();
    let mut every: BTreeMap<String, Statements> = BTreeMap::new();
    for (side, list) in [(0, &removed), (1, &added)] {
        for t in list.iter().copied() {
            push(
                every.entry(t.subject.to_string()).or_default(),
                side,
                t.to_string(),
            );
            match owner(&t.subject, &all) {
                Some(c) => {
                    let entry = by_concept.entry(c).or_default();
                    if side == 0 {
                        &mut entry.0
                    } else {
                        &mut entry.1
                    }
                    .push(t);
                }
                None => push(
                    by_subject.entry(t.subject.to_string()).or_default(),
                    side,
                    t.to_string(),
                ),
            }
        }
    }
    let label = |iri: &str| -> String {
        label_of(&b.triples, iri, language)
            .or_else(|| label_of(&a.triples, iri, language))
            .unwrap_or_else(|| iri.rsplit(['/', '#']).next().unwrap_or(iri).to_owned())
    };
    let mut diff = Diff {
        from: a.name.clone(),
        to: b.name.clone(),
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        others: subject_changes(by_subject),
        by_subject: subject_changes(every),
        statements_added: added.len(),
        statements_removed: removed.len(),
    };
    for (iri, (gone, new)) in by_concept {
        let named = Named {
            iri: iri.to_owned(),
            label: label(iri),
        };
        match (concepts_a.contains(iri), concepts_b.contains(iri)) {
            (false, true) => diff.added.push(named),
            (true, false) => diff.removed.push(named),
            _ => diff
                .changed
                .push(change(named, &gone, &new, &b.triples, ontology)),
        }
    }
    diff
}

fn subject_changes(by_subject: BTreeMap<String, Statements>) -> Vec<SubjectChange> {
    by_subject
        .into_iter()
        .map(|(subject, statements)| SubjectChange {
            subject,
            statements,
        })
        .collect()
}

/// The IRIs of the concepts (`skos:Concept`) of `triples`.
fn concepts(triples: &[Triple]) -> BTreeSet<&str> {
    triples
        .iter()
        .filter(|t| t.predicate == rdf::TYPE && t.object == Term::from(skos::CONCEPT.into_owned()))
        .filter_map(|t| match &t.subject {
            NamedOrBlankNode::NamedNode(n) => Some(n.as_str()),
            NamedOrBlankNode::BlankNode(_) => None,
        })
        .collect()
}

/// The concept a statement about `subject` is about: the subject, or the
/// concept it is a part of (`…#section-1`).
fn owner<'a>(subject: &NamedOrBlankNode, concepts: &BTreeSet<&'a str>) -> Option<&'a str> {
    let NamedOrBlankNode::NamedNode(n) = subject else {
        return None;
    };
    let iri = n.as_str();
    let whole = iri.split_once('#').map_or(iri, |(whole, _)| whole);
    concepts.get(iri).or_else(|| concepts.get(whole)).copied()
}

/// The preferred label of `iri` in `language`, else any.
fn label_of(triples: &[Triple], iri: &str, language: &str) -> Option<String> {
    let labels: Vec<&oxigraph::model::Literal> = triples
        .iter()
        .filter(|t| t.predicate == skos::PREF_LABEL && subject_is(t, iri))
        .filter_map(|t| match &t.object {
            Term::Literal(l) => Some(l),
            _ => None,
        })
        .collect();
    labels
        .iter()
        .find(|l| l.language() == Some(language))
        .or_else(|| labels.first())
        .map(|l| l.value().to_owned())
}

fn subject_is(t: &Triple, iri: &str) -> bool {
    matches!(&t.subject, NamedOrBlankNode::NamedNode(n) if n.as_str() == iri)
}

/// A term as the reports show it: an IRI bare, a literal in N-Triples.
fn shown(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => n.as_str().to_owned(),
        other => other.to_string(),
    }
}

/// How the concept `named` changed, from the statements about it that
/// went (`gone`) and came (`new`); `now` is the later graph.
fn change(
    named: Named,
    gone: &[&Triple],
    new: &[&Triple],
    now: &[Triple],
    ontology: &Ontology,
) -> ConceptChange {
    let iri = named.iri.as_str();
    let mut texts: BTreeMap<(&str, String), TextChange> = BTreeMap::new();
    let mut properties: BTreeMap<String, PropertyChange> = BTreeMap::new();
    let mut other = Statements::default();
    let mut deprecated = None;
    let mut undeprecated = false;
    for (side, list) in [(0, gone), (1, new)] {
        for t in list {
            let p = t.predicate.as_str();
            if !subject_is(t, iri) {
                push(&mut other, side, t.to_string());
                continue;
            }
            if t.predicate == skos::PREF_LABEL || t.predicate == skos::DEFINITION {
                if let Term::Literal(l) = &t.object {
                    let lang = l.language().unwrap_or_default().to_owned();
                    let key = if t.predicate == skos::PREF_LABEL {
                        "label"
                    } else {
                        "definition"
                    };
                    let change = texts.entry((key, lang.clone())).or_insert(TextChange {
                        lang,
                        from: None,
                        to: None,
                    });
                    let slot = if side == 0 {
                        &mut change.from
                    } else {
                        &mut change.to
                    };
                    *slot = Some(l.value().to_owned());
                    continue;
                }
            } else if t.predicate == owl::DEPRECATED {
                let is_true = matches!(&t.object, Term::Literal(l) if l.value() == "true");
                if is_true && side == 1 {
                    let by = now
                        .iter()
                        .filter(|r| subject_is(r, iri) && r.predicate == dcterms::IS_REPLACED_BY)
                        .map(|r| shown(&r.object))
                        .collect();
                    deprecated = Some(by);
                } else if is_true {
                    undeprecated = true;
                }
                continue;
            } else if let Some(label) = relation_label(ontology, p) {
                let change = properties.entry(p.to_owned()).or_insert(PropertyChange {
                    property: p.to_owned(),
                    label,
                    added: Vec::new(),
                    removed: Vec::new(),
                });
                let list = if side == 0 {
                    &mut change.removed
                } else {
                    &mut change.added
                };
                list.push(shown(&t.object));
                continue;
            }
            push(&mut other, side, t.to_string());
        }
    }
    // The deprecation names its replacement already.
    if deprecated.is_some() {
        let replaced_by = format!("<{}>", dcterms::IS_REPLACED_BY.as_str());
        other.added.retain(|line| !line.contains(&replaced_by));
    }
    // A typed relation is also written as its super-properties: show the
    // most specific property for each target.
    let rank = |p: &str| {
        if p.starts_with(skos::NS) {
            2
        } else if p.starts_with(ISO_THES) {
            1
        } else {
            0
        }
    };
    let mut best: BTreeMap<(bool, String), i32> = BTreeMap::new();
    let relation_props: Vec<&PropertyChange> = properties
        .values()
        .filter(|c| !is_mapping(&c.property) && c.property != skos::BROADER.as_str())
        .collect();
    for c in &relation_props {
        for (added, targets) in [(true, &c.added), (false, &c.removed)] {
            for target in targets.iter() {
                let r = rank(&c.property);
                best.entry((added, target.clone()))
                    .and_modify(|b| *b = (*b).min(r))
                    .or_insert(r);
            }
        }
    }
    let mut broader = None;
    let mut relations = Vec::new();
    let mut mappings = Vec::new();
    for (p, mut c) in properties {
        if p == skos::BROADER.as_str() {
            broader = Some(c);
        } else if is_mapping(&p) {
            mappings.push(c);
        } else {
            let r = rank(&p);
            c.added.retain(|t| best.get(&(true, t.clone())) == Some(&r));
            c.removed
                .retain(|t| best.get(&(false, t.clone())) == Some(&r));
            if !c.added.is_empty() || !c.removed.is_empty() {
                relations.push(c);
            }
        }
    }
    let (labels, definitions): (Vec<_>, Vec<_>) =
        texts.into_iter().partition(|((key, _), _)| *key == "label");
    ConceptChange {
        iri: named.iri,
        label: named.label,
        deprecated,
        undeprecated,
        labels: labels.into_iter().map(|(_, c)| c).collect(),
        definitions: definitions.into_iter().map(|(_, c)| c).collect(),
        broader,
        relations,
        mappings,
        other,
    }
}

fn push(statements: &mut Statements, side: usize, line: String) {
    if side == 0 {
        statements.removed.push(line);
    } else {
        statements.added.push(line);
    }
}

fn is_mapping(p: &str) -> bool {
    [
        skos::EXACT_MATCH,
        skos::CLOSE_MATCH,
        skos::BROAD_MATCH,
        skos::NARROW_MATCH,
        skos::RELATED_MATCH,
    ]
    .iter()
    .any(|m| m.as_str() == p)
}

/// The name of a relation or mapping property, if `p` is one: a relation
/// type's label, else its compact IRI.
fn relation_label(ontology: &Ontology, p: &str) -> Option<String> {
    if let Some(t) = ontology
        .relation_types()
        .iter()
        .find(|t| t.iri.as_str() == p)
    {
        return Some(t.label.clone());
    }
    let inverse = ontology
        .relation_types()
        .iter()
        .any(|t| t.inverse.as_str() == p);
    let skos_relation = [skos::BROADER, skos::NARROWER, skos::RELATED]
        .iter()
        .any(|r| r.as_str() == p);
    (inverse || skos_relation || is_mapping(p) || p.starts_with(ISO_THES))
        .then(|| crate::vocab::compact(p))
}
