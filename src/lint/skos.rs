//! The integrity conditions of the SKOS Reference that make a graph
//! inconsistent — S9, S13, S14, S27, S37 and S46 — under SKOS's semantics, so
//! a clash hidden behind two steps of the hierarchy, an inverse or a
//! sub-property is found.

use super::finding::Finding;
use super::graph::Id;
use super::semantics::Skos;
use crate::vocab::skos;
use oxigraph::model::Term;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Every SKOS integrity finding, sorted by the resource they are about.
pub fn check(s: &Skos<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    classes(s, &mut out);
    labels(s, &mut out);
    s27(s, &mut out);
    s46(s, &mut out);
    out
}

/// S9 (Concept vs ConceptScheme) and S37 (Collection vs both).
fn classes(s: &Skos<'_>, out: &mut Vec<Finding>) {
    let g = s.g;
    for x in g.ids() {
        let (concept, scheme, collection) = (s.is_concept(x), s.is_scheme(x), s.is_collection(x));
        if concept && scheme {
            out.push(
                Finding::new(
                    "skos/S9",
                    g.locate(x),
                    format!("{} is both a skos:Concept and a skos:ConceptScheme (stated, or implied by the properties used on it)", g.term(x)),
                )
                .with_help("a concept scheme groups concepts and cannot be one; use a separate resource for the scheme, or remove the statement that makes it a concept"),
            );
        }
        if collection && (concept || scheme) {
            let other = if concept {
                "skos:Concept"
            } else {
                "skos:ConceptScheme"
            };
            out.push(
                Finding::new(
                    "skos/S37",
                    g.locate(x),
                    format!("{} is both a skos:Collection and a {other} (stated, or implied by the properties used on it)", g.term(x)),
                )
                .with_help("collections only group concepts: they cannot take part in semantic relations (skos:broader, skos:narrower, skos:related) nor be a scheme; relate its members instead"),
            );
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Pref,
    Alt,
    Hidden,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Pref => "skos:prefLabel",
            Kind::Alt => "skos:altLabel",
            Kind::Hidden => "skos:hiddenLabel",
        }
    }
}

/// The lexical labels of every resource: resource → [(kind, literal)].
pub fn lexical_labels(s: &Skos<'_>) -> BTreeMap<Id, Vec<(u8, Id)>> {
    let g = s.g;
    let mut by_subject: BTreeMap<Id, Vec<(u8, Id)>> = BTreeMap::new();
    for p in g.predicates() {
        let kinds: Vec<u8> = [skos::PREF_LABEL, skos::ALT_LABEL, skos::HIDDEN_LABEL]
            .iter()
            .enumerate()
            .filter(|(_, k)| s.props.implies(p, **k).0)
            .map(|(i, _)| i as u8)
            .collect();
        if kinds.is_empty() {
            continue;
        }
        for (x, literal) in g.pairs(p) {
            if matches!(g.term(literal), Term::Literal(_)) {
                for k in &kinds {
                    by_subject.entry(x).or_default().push((*k, literal));
                }
            }
        }
    }
    for v in by_subject.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    by_subject
}

fn kind(k: u8) -> Kind {
    match k {
        0 => Kind::Pref,
        1 => Kind::Alt,
        _ => Kind::Hidden,
    }
}

/// S13 (pref, alt and hidden labels pairwise disjoint) and S14 (one prefLabel per language).
fn labels(s: &Skos<'_>, out: &mut Vec<Finding>) {
    let g = s.g;
    for (x, labels) in lexical_labels(s) {
        let mut kinds_of: BTreeMap<Id, BTreeSet<Kind>> = BTreeMap::new();
        for (k, literal) in &labels {
            kinds_of.entry(*literal).or_default().insert(kind(*k));
        }
        for (literal, kinds) in &kinds_of {
            if kinds.len() > 1 {
                let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
                out.push(
                    Finding::new(
                        "skos/S13",
                        g.locate(x),
                        format!("{} has the label {} as {}", g.term(x), g.term(*literal), names.join(" and ")),
                    )
                    .with_help("a label is preferred, alternative or hidden, never two of them: remove it from all but one"),
                );
            }
        }
        let mut by_language: BTreeMap<String, Vec<Id>> = BTreeMap::new();
        for (k, literal) in &labels {
            if kind(*k) == Kind::Pref
                && let Term::Literal(l) = g.term(*literal)
            {
                by_language
                    .entry(l.language().unwrap_or_default().to_ascii_lowercase())
                    .or_default()
                    .push(*literal);
            }
        }
        for (language, literals) in by_language {
            if literals.len() > 1 {
                let shown: Vec<String> = literals.iter().map(|l| g.term(*l).to_string()).collect();
                let which = if language.is_empty() {
                    "without a language tag".to_owned()
                } else {
                    format!("in `{language}`")
                };
                out.push(
                    Finding::new(
                        "skos/S14",
                        g.locate(x),
                        format!(
                            "{} has {} preferred labels {which}: {}",
                            g.term(x),
                            literals.len(),
                            shown.join(", ")
                        ),
                    )
                    .with_help(
                        "keep one skos:prefLabel per language and make the others skos:altLabel",
                    ),
                );
            }
        }
    }
}

/// S27: skos:related is disjoint with skos:broaderTransitive (and so, by
/// symmetry and inverses, with skos:narrowerTransitive).
fn s27(s: &Skos<'_>, out: &mut Vec<Finding>) {
    let g = s.g;
    let mut memo: HashMap<Id, Vec<Id>> = HashMap::new();
    for (a, b) in s.related.all() {
        if a > b {
            continue;
        }
        let down = s
            .broader_transitive
            .reachable(a, &mut memo)
            .binary_search(&b)
            .is_ok();
        let up = !down
            && s.broader_transitive
                .reachable(b, &mut memo)
                .binary_search(&a)
                .is_ok();
        if !(down || up) {
            continue;
        }
        let (from, to) = if down { (a, b) } else { (b, a) };
        let path = s
            .broader_transitive
            .path(from, to)
            .unwrap_or_else(|| vec![from, to]);
        let shown: Vec<String> = path.iter().map(|x| g.term(*x).to_string()).collect();
        let how = if path.len() > 2 {
            format!(" through the hierarchy {}", shown.join(" → "))
        } else {
            String::new()
        };
        // Point at the resource whose statement says they are related.
        let stated_by_a = g
            .outgoing(a)
            .any(|(p, o)| o == b && s.props.is_a(p, skos::RELATED) && g.states(a, p, b));
        let (at, other) = if stated_by_a { (a, b) } else { (b, a) };
        out.push(
            Finding::new(
                "skos/S27",
                g.locate(at),
                format!(
                    "{} and {} are related (skos:related) and {} is also narrower than {}{how}",
                    g.term(at),
                    g.term(other),
                    g.term(from),
                    g.term(to)
                ),
            )
            .with_help("two concepts are either in one hierarchy or associatively related, not both: remove the skos:related (or the matching mapping), or the hierarchical link")
            .with_related([g.show(other)]),
        );
    }
}

/// S46: skos:exactMatch is disjoint with skos:broadMatch and skos:relatedMatch.
fn s46(s: &Skos<'_>, out: &mut Vec<Finding>) {
    let g = s.g;
    let mut seen = BTreeSet::new();
    for (edges, what) in [
        (&s.broad_match, "skos:broadMatch (or skos:narrowMatch)"),
        (&s.related_match, "skos:relatedMatch"),
    ] {
        for (a, b) in edges.all() {
            let key = (a.min(b), a.max(b));
            if !s.exact(a, b) || !seen.insert(key) {
                continue;
            }
            out.push(
                Finding::new(
                    "skos/S46",
                    g.locate(a),
                    format!(
                        "{} and {} are linked by skos:exactMatch (stated or through other exact matches) and by {what}",
                        g.term(a),
                        g.term(b)
                    ),
                )
                .with_help("an exact match is not also a broader or related match: keep the mapping that is true and remove the other")
                .with_related([g.show(b)]),
            );
        }
    }
}

/// Whether a literal's language tag is valid BCP 47 (as Oxigraph checks it).
pub fn valid_language(tag: &str) -> bool {
    oxigraph::model::Literal::new_language_tagged_literal("", tag).is_ok()
}
