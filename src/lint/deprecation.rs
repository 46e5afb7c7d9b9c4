//! Deprecated concepts. A thesaurus keeps its retired descriptors so that
//! their IRIs go on answering: `owl:deprecated true`, typed by a subclass of
//! `skos:Concept` or by nothing at all, often with only an `rdfs:label` and
//! no place in the hierarchy. qSKOS's orphan, label and language checks make
//! no sense for them (qskos.rs leaves them out); these rules say instead
//! what a reader of a retired concept needs: where to go instead.

use super::finding::Finding;
use super::graph::Id;
use super::semantics::Skos;
use crate::vocab::{dcterms, owl, skos};
use oxigraph::model::Term;
use oxigraph::model::vocab::rdf;
use std::collections::BTreeSet;

/// The deprecated concepts: `owl:deprecated true` on a concept, or on a
/// resource typed by no class of RDF, RDFS, OWL or SKOS (the server's
/// `ConceptIndex` reads them the same way).
pub fn retired(s: &Skos<'_>) -> BTreeSet<Id> {
    let g = s.g;
    let Some(deprecated) = g.iri(owl::DEPRECATED) else {
        return BTreeSet::new();
    };
    let ty = g.iri(rdf::TYPE);
    g.pairs(deprecated)
        .filter(|&(_, value)| matches!(g.term(value), Term::Literal(l) if matches!(l.value(), "true" | "1")))
        .map(|(x, _)| x)
        .filter(|&x| {
            matches!(g.term(x), Term::NamedNode(_))
                && !s.is_scheme(x)
                && !s.is_collection(x)
                && (s.is_concept(x)
                    || ty.is_none_or(|ty| {
                        !g.objects(x, ty).any(|class| {
                            matches!(g.term(class), Term::NamedNode(c) if crate::vocab::STANDARD_NAMESPACES.iter().any(|ns| c.as_str().starts_with(ns)))
                        })
                    }))
        })
        .collect()
}

/// The deprecation rules. Concepts under `own` (the glossary's base) are
/// left to `check`, which reports a deprecated replacement and a relation to
/// a deprecated entry at the entry's line.
pub fn check(s: &Skos<'_>, retired: &BTreeSet<Id>, own: Option<&str>) -> Vec<Finding> {
    let g = s.g;
    let mut out = Vec::new();
    let is_own = |x: Id| matches!((g.term(x), own), (Term::NamedNode(n), Some(base)) if n.as_str().starts_with(base));
    let values = |x: Id, p| {
        g.iri(p)
            .map(|p| g.objects(x, p).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    for &x in retired {
        let replacements = values(x, dcterms::IS_REPLACED_BY);
        let noted = [skos::HISTORY_NOTE, skos::CHANGE_NOTE, skos::EDITORIAL_NOTE]
            .into_iter()
            .any(|p| !values(x, p).is_empty());
        if replacements.is_empty() && !noted {
            out.push(
                Finding::new(
                    "deprecated/no-replacement",
                    g.locate(x),
                    format!("{} is deprecated, with no replacement and no note saying why", g.term(x)),
                )
                .with_help("name the concept to use instead (dcterms:isReplacedBy), or say why in a skos:historyNote or skos:changeNote"),
            );
        }
        if is_own(x) {
            continue;
        }
        for by in replacements {
            if retired.contains(&by) {
                out.push(
                    Finding::new(
                        "deprecated/deprecated-replacement",
                        g.locate(x),
                        format!("{} is replaced by {}, which is deprecated too", g.term(x), g.term(by)),
                    )
                    .with_help("point to the replacement's own replacement, so readers arrive at a live concept")
                    .with_related([g.show(by)]),
                );
            }
        }
    }
    // A live concept's own statements (a retired one naming a live one is
    // its history, not a dangling link).
    let mut linked: BTreeSet<(Id, Id)> = BTreeSet::new();
    for x in g.ids() {
        if !s.is_concept(x) || retired.contains(&x) || is_own(x) {
            continue;
        }
        for (p, y) in g.outgoing(x) {
            if retired.contains(&y) && s.props.is_a(p, skos::SEMANTIC_RELATION) {
                linked.insert((x, y));
            }
        }
    }
    for (x, y) in linked {
        out.push(
            Finding::new(
                "deprecated/linked-from-live",
                g.locate(x),
                format!(
                    "{} is related to {}, which is deprecated",
                    g.term(x),
                    g.term(y)
                ),
            )
            .with_help("relate the live concept to the deprecated one's replacement instead")
            .with_related([g.show(y)]),
        );
    }
    out
}
