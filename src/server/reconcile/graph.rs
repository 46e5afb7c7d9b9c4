//! What the service reads from the graph: its one type, the properties it can
//! match and return, and a concept's values and definition.

use super::super::snapshot::Snapshot;
use crate::vocab::skos;
use oxigraph::model::{NamedNode, NamedNodeRef, Term};

/// The one type of entity: every candidate is a `skos:Concept`.
pub const CONCEPT: &str = "http://www.w3.org/2004/02/skos/core#Concept";

/// The properties the service can match and return: (id, name, predicate).
pub fn properties(snapshot: &Snapshot) -> Vec<(String, String, NamedNode)> {
    let mut out: Vec<(String, String, NamedNode)> = [
        ("prefLabel", "preferred label", skos::PREF_LABEL),
        ("altLabel", "alternative label", skos::ALT_LABEL),
        ("definition", "definition", skos::DEFINITION),
        ("notation", "notation", skos::NOTATION),
        ("broader", "broader concept", skos::BROADER),
        ("narrower", "narrower concept", skos::NARROWER),
        ("related", "related concept", skos::RELATED),
        ("exactMatch", "exact match", skos::EXACT_MATCH),
        ("closeMatch", "close match", skos::CLOSE_MATCH),
        ("inScheme", "concept scheme", skos::IN_SCHEME),
    ]
    .into_iter()
    .map(|(id, name, p)| (id.to_owned(), name.to_owned(), p.into_owned()))
    .collect();
    for t in snapshot.ontology.relation_types() {
        if t.iri.as_str().starts_with(crate::vocab::GG_NS) {
            out.push((t.key.clone(), t.label.clone(), t.iri.clone()));
        }
    }
    out
}

/// Whether a type named in a query is the service's one type (or none).
pub fn known_type(kind: Option<&str>) -> bool {
    matches!(
        kind,
        None | Some("") | Some(CONCEPT) | Some("skos:Concept") | Some("Concept")
    )
}

/// The objects of `predicate` on a concept: IRIs, and literals.
pub fn objects(snapshot: &Snapshot, concept: &str, predicate: NamedNodeRef<'_>) -> Vec<Term> {
    let subject = NamedNode::new_unchecked(concept);
    let mut out: Vec<Term> = snapshot
        .store
        .quads_for_pattern(Some(subject.as_ref().into()), Some(predicate), None, None)
        .filter_map(Result::ok)
        .map(|q| q.object)
        .collect();
    out.sort_by_key(|t| t.to_string());
    out.dedup();
    out
}

/// A concept's definition in `lang`, else in any language.
pub fn definition(snapshot: &Snapshot, iri: &str, lang: &str) -> Option<String> {
    let definitions = objects(snapshot, iri, skos::DEFINITION);
    let texts: Vec<(&str, &str)> = definitions
        .iter()
        .filter_map(|o| match o {
            Term::Literal(l) => Some((l.language().unwrap_or_default(), l.value())),
            _ => None,
        })
        .collect();
    texts
        .iter()
        .find(|(l, _)| *l == lang)
        .or_else(|| texts.first())
        .map(|(_, t)| (*t).to_owned())
}

/// The language answers are in when a request names none.
pub fn default_language(snapshot: &Snapshot) -> String {
    snapshot.languages().first().cloned().unwrap_or_default()
}
