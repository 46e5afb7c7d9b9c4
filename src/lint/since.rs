//! `lint --since A`: the changes since A (a release, a git revision, an RDF
//! file) that break what others built on A. A concept IRI once published is
//! cited, so it may be deprecated but not dropped; a preferred label that
//! other vocabularies map to is how their editors recognise it.
//!
//! A concept deprecated with neither replacement nor note is
//! `deprecated/no-replacement`, reported with or without `--since`.

use super::finding::{Finding, Location};
use super::graph::{Graph, Id};
use super::semantics::Skos;
use crate::project::Project;
use crate::release::{self, ReleaseError};
use crate::vocab::skos;
use oxigraph::model::vocab::rdf;
use oxigraph::model::{NamedNode, Term};
use std::collections::{BTreeMap, BTreeSet};

/// What A says that the checks need: its concepts, their preferred labels,
/// and the concepts any mapping points to.
#[derive(Default)]
struct Before {
    concepts: BTreeSet<String>,
    labels: BTreeMap<String, BTreeSet<(String, String)>>,
    mapped: BTreeSet<String>,
}

const MAPPINGS: [oxigraph::model::NamedNodeRef<'static>; 5] = [
    skos::EXACT_MATCH,
    skos::CLOSE_MATCH,
    skos::BROAD_MATCH,
    skos::NARROW_MATCH,
    skos::RELATED_MATCH,
];

impl Before {
    /// Reads `graph`, parsing only the lines the checks need.
    fn read(graph: &release::Graph) -> Self {
        let typed = format!("> <{}> <{}> ", rdf::TYPE.as_str(), skos::CONCEPT.as_str());
        let label = format!("> <{}> ", skos::PREF_LABEL.as_str());
        let mappings: Vec<String> = MAPPINGS
            .iter()
            .map(|p| format!("> <{}> <", p.as_str()))
            .collect();
        let mut out = Self::default();
        for line in graph.lines() {
            let has = |needle: &str| line.windows(needle.len()).any(|w| w == needle.as_bytes());
            if !(has(&typed) || has(&label) || mappings.iter().any(|m| has(m))) {
                continue;
            }
            let Some(quad) = release::input::parse_line(line) else {
                continue;
            };
            let oxigraph::model::NamedOrBlankNode::NamedNode(subject) = &quad.subject else {
                continue;
            };
            match (&quad.object, quad.predicate.as_ref()) {
                (Term::NamedNode(class), p)
                    if p == rdf::TYPE && class.as_ref() == skos::CONCEPT =>
                {
                    out.concepts.insert(subject.as_str().to_owned());
                }
                (Term::Literal(l), p) if p == skos::PREF_LABEL => {
                    out.labels
                        .entry(subject.as_str().to_owned())
                        .or_default()
                        .insert((
                            l.language().unwrap_or_default().to_owned(),
                            l.value().to_owned(),
                        ));
                }
                (Term::NamedNode(target), p) if MAPPINGS.contains(&p) && target != subject => {
                    out.mapped.insert(target.as_str().to_owned());
                }
                _ => {}
            }
        }
        out
    }
}

/// The findings of the changes from `since` to the graph `s` is about.
pub fn check(
    project: &Project,
    since: &str,
    s: &Skos<'_>,
    retired: &BTreeSet<Id>,
) -> Result<Vec<Finding>, ReleaseError> {
    let input = release::Input::parse(since, &project.releases)?;
    let before = Before::read(&release::input::load(&input, project)?);
    let name = input.name();
    let g = s.g;
    let id = |iri: &str| g.id(NamedNode::new_unchecked(iri).as_ref());
    let mut out = Vec::new();
    for iri in &before.concepts {
        let now = id(iri).filter(|&x| (s.is_concept(x) || retired.contains(&x)) && s.described(x));
        let Some(x) = now else {
            out.push(
                Finding::new(
                    "since/concept-removed",
                    Location::iri(iri.clone()),
                    format!("<{iri}> was a concept in {name} and is no longer in the graph"),
                )
                .with_help("keep it and deprecate it (in an entry: `deprecated: true` and `replaced-by: ID`), so that the IRI others cite keeps answering"),
            );
            continue;
        };
        let mapped = before.mapped.contains(iri) || is_mapped_to(s, x);
        let was = before.labels.get(iri).cloned().unwrap_or_default();
        let is = pref_labels(g, x);
        if mapped && !was.is_empty() && was != is {
            let changed: Vec<String> = was
                .iter()
                .filter(|l| !is.contains(l))
                .map(|(lang, text)| {
                    let new = is
                        .iter()
                        .find(|(l, _)| l == lang)
                        .map_or("none".to_owned(), |(_, t)| format!("“{t}”"));
                    format!("“{text}”@{lang} → {new}")
                })
                .collect();
            out.push(
                Finding::new(
                    "since/mapped-concept-relabelled",
                    g.locate(x),
                    format!(
                        "{} is the target of a mapping, and its preferred label changed since {name}: {}",
                        g.term(x),
                        changed.join(", ")
                    ),
                )
                .with_help("keep the old label as an alternative label (`alt-labels`), so those who map to the concept still find it by the name they know"),
            );
        }
    }
    Ok(out)
}

/// Whether another resource maps to `x` in the current graph.
fn is_mapped_to(s: &Skos<'_>, x: Id) -> bool {
    s.g.incoming(x)
        .any(|(p, from)| from != x && MAPPINGS.iter().any(|m| s.props.is_a(p, *m)))
}

fn pref_labels(g: &Graph, x: Id) -> BTreeSet<(String, String)> {
    let Some(p) = g.iri(skos::PREF_LABEL) else {
        return BTreeSet::new();
    };
    g.objects(x, p)
        .filter_map(|o| match g.term(o) {
            Term::Literal(l) => Some((
                l.language().unwrap_or_default().to_owned(),
                l.value().to_owned(),
            )),
            _ => None,
        })
        .collect()
}
