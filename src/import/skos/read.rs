//! Reading vocabularies: the inputs into one graph, and the concepts in it
//! that can become entries, each read by [`concept::read`]. A concept without
//! an IRI is skipped, and the report says why; one without a preferred label
//! or a definition becomes an entry with what it has, marked `needs-review`
//! (or, given a placeholder definition, with that, marked too).

use super::concept::{self, Concept};
use super::graph::{self, Graph};
use super::report::{InputSummary, SkosReport};
use crate::import::draft::Tagged;
use crate::import::error::ImportError;
use crate::import::markdown::collapse;
use crate::input::{self, FetchError, FetchLimits, FetchProblem, Fetched};
use crate::vocab::{dcat, owl, skos, void};
use oxigraph::model::{NamedNode, NamedOrBlankNode};

/// A concept that can become an entry.
pub(super) struct Candidate {
    pub iri: NamedNode,
    /// What it says.
    pub concept: Concept,
}

/// Reads the vocabularies `inputs` (files or URLs, within `limits`). Fails
/// on the first input that cannot be read or is empty.
pub(super) fn fetch(inputs: &[String], limits: &FetchLimits) -> Result<Vec<Fetched>, ImportError> {
    inputs
        .iter()
        .map(|input| {
            let fetched = input::fetch(input, limits, &input::RDF)?;
            if fetched.bytes.iter().all(u8::is_ascii_whitespace) {
                return Err(FetchError {
                    input: input.clone(),
                    problem: FetchProblem::Empty,
                }
                .into());
            }
            Ok(fetched)
        })
        .collect()
}

/// Parses the vocabularies `fetched` into one graph, so that relations across
/// them resolve. Gives the graph and, for each input, how many triples it
/// has. Fails on the first input that is not RDF. With `sanitize`,
/// characters published text may not hold are removed from literals (each
/// noted in `removed`) instead of failing the import.
pub(super) fn vocabularies(
    fetched: &[Fetched],
    sanitize: bool,
    removed: &mut Vec<String>,
) -> Result<(Graph, Vec<InputSummary>), ImportError> {
    let mut triples = Vec::new();
    let mut summaries = Vec::new();
    for vocabulary in fetched {
        let read = graph::parse(vocabulary, sanitize, removed)?;
        summaries.push(InputSummary {
            input: vocabulary.name.clone(),
            triples: read.len(),
        });
        triples.extend(read);
    }
    Ok((Graph::new(triples), summaries))
}

/// The `skos:Concept`s of `ctx.graph` that can become entries, in the order
/// of their IRIs. Counts them all in `report.concepts`; those that cannot become
/// entries (blank nodes) go to `report.skipped` with why. A concept without a
/// preferred label or a definition is marked for review (counted in
/// `report.tally`), and without a definition given `placeholder` when it is
/// not blank.
pub(super) fn concepts(
    ctx: &concept::Context<'_>,
    placeholder: Option<&str>,
    report: &mut SkosReport,
) -> Vec<Candidate> {
    let subjects = ctx.graph.instances(skos::CONCEPT);
    report.concepts = subjects.len();
    let mut candidates = Vec::new();
    for subject in subjects {
        let iri = match subject {
            NamedOrBlankNode::NamedNode(n) => n,
            NamedOrBlankNode::BlankNode(b) => {
                report.skipped.push((
                    b.to_string(),
                    "a blank node: a concept needs an IRI to become an entry".into(),
                ));
                continue;
            }
        };
        let mut c = concept::read(ctx, &iri, false, &mut report.tally);
        if c.terms.is_empty() {
            report.tally.change(
                "concepts without a preferred label, marked needs-review",
                &iri,
            );
            c.review
                .push("the source gives no preferred label: choose the term".into());
        }
        if c.definitions.is_empty() {
            match placeholder {
                Some(text) if !text.trim().is_empty() => {
                    c.definitions
                        .push(Tagged::new(ctx.language, collapse(text)));
                    report.tally.change(
                        "concepts without a definition given the placeholder definition, marked needs-review",
                        &iri,
                    );
                    c.review
                        .push("the definition is the placeholder given at import: write it".into());
                }
                _ => {
                    report
                        .tally
                        .change("concepts without a definition, marked needs-review", &iri);
                    c.review
                        .push("the source gives no definition: write one".into());
                }
            }
        }
        candidates.push(Candidate { iri, concept: c });
    }
    candidates
}

/// The collections (`skos:Collection`, `skos:OrderedCollection`) of
/// `ctx.graph` that can become entries with `members`, in the order of their
/// IRIs, counted in `report.collections`. One that is also a concept is read
/// as a concept (SKOS makes the two disjoint); one without an IRI is lost;
/// one without a preferred label is marked for review.
pub(super) fn collections(ctx: &concept::Context<'_>, report: &mut SkosReport) -> Vec<Candidate> {
    let concepts: std::collections::HashSet<NamedOrBlankNode> =
        ctx.graph.instances(skos::CONCEPT).into_iter().collect();
    let mut subjects = ctx.graph.instances(skos::COLLECTION);
    subjects.extend(ctx.graph.instances(skos::ORDERED_COLLECTION));
    subjects.sort_by_cached_key(ToString::to_string);
    subjects.dedup();
    subjects.retain(|s| !concepts.contains(s));
    report.collections = subjects.len();
    let mut candidates = Vec::new();
    for subject in subjects {
        let iri = match subject {
            NamedOrBlankNode::NamedNode(n) => n,
            NamedOrBlankNode::BlankNode(b) => {
                report.tally.lose(
                    "collections that are blank nodes (a collection needs an IRI to become an entry)",
                    b,
                );
                continue;
            }
        };
        let mut c = concept::read(ctx, &iri, true, &mut report.tally);
        if c.terms.is_empty() {
            report.tally.change(
                "collections without a preferred label, marked needs-review",
                &iri,
            );
            c.review
                .push("the source gives no preferred label: name the collection".into());
        }
        candidates.push(Candidate { iri, concept: c });
    }
    candidates
}

/// Counts in `report.tally` the statements about resources that are not
/// concepts or collections. What a concept points to but its classes (a SKOS-XL label, a
/// key fact, a definition given as a resource…) is read, or reported, with
/// the concept.
/// The vocabulary's description of itself (its scheme, dataset,
/// distributions, ontology header and what they point to) and glossgraph's
/// own vocabulary are written anew for the glossary, and counted so. Any
/// other (an ontology class, an untyped resource) is lost, counted
/// by the kind of resource. Collections are read as entries
/// ([`collections`]).
pub(super) fn others(graph: &Graph, report: &mut SkosReport) {
    use oxigraph::model::Term;
    use std::collections::HashSet;
    let of = |class| -> HashSet<NamedOrBlankNode> { graph.instances(class).into_iter().collect() };
    // What `subjects` point to, but their classes.
    let objects = |subjects: &HashSet<NamedOrBlankNode>| -> HashSet<NamedOrBlankNode> {
        subjects
            .iter()
            .flat_map(|s| graph.about(s))
            .filter(|t| t.predicate.as_ref() != oxigraph::model::vocab::rdf::TYPE)
            .filter_map(|t| match &t.object {
                Term::NamedNode(n) => Some(n.clone().into()),
                Term::BlankNode(b) => Some(b.clone().into()),
                _ => None,
            })
            .collect()
    };
    let mut concepts = of(skos::CONCEPT);
    concepts.extend(of(skos::COLLECTION));
    concepts.extend(of(skos::ORDERED_COLLECTION));
    let mut with_concepts = objects(&concepts);
    // An ordered collection's member list, read with it, cell by cell.
    let mut cells: Vec<NamedOrBlankNode> = with_concepts.iter().cloned().collect();
    while let Some(cell) = cells.pop() {
        for rest in graph.objects(&cell, oxigraph::model::vocab::rdf::REST) {
            let rest: NamedOrBlankNode = match rest {
                Term::BlankNode(b) => b.clone().into(),
                Term::NamedNode(n) => n.clone().into(),
                _ => continue,
            };
            if with_concepts.insert(rest.clone()) {
                cells.push(rest);
            }
        }
    }
    let mut description: HashSet<NamedOrBlankNode> = [
        skos::CONCEPT_SCHEME,
        void::DATASET,
        dcat::DATASET,
        dcat::DISTRIBUTION_CLASS,
        owl::ONTOLOGY,
    ]
    .into_iter()
    .flat_map(of)
    .collect();
    description.extend(objects(&description));
    let mut kinds: std::collections::HashMap<&NamedOrBlankNode, String> =
        std::collections::HashMap::new();
    for t in graph.triples() {
        let subject = &t.subject;
        if concepts.contains(subject) {
            continue;
        }
        // Before what concepts point to: each concept names its scheme.
        if description.contains(subject) {
            report.tally.regenerated(
                "statements describing the vocabulary (its scheme, dataset, distributions)",
            );
            continue;
        }
        if with_concepts.contains(subject) {
            continue;
        }
        if matches!(subject, NamedOrBlankNode::NamedNode(n) if n.as_str().starts_with(crate::vocab::GG_ONTOLOGY))
        {
            report
                .tally
                .regenerated("statements of glossgraph's own vocabulary");
            continue;
        }
        let kind = kinds.entry(subject).or_insert_with(|| {
            let class = graph
                .objects(subject, oxigraph::model::vocab::rdf::TYPE)
                .find_map(|o| match o {
                    Term::NamedNode(class) => Some(class.as_str()),
                    _ => None,
                });
            match class {
                Some(class) => format!("statements about a {}", crate::vocab::compact(class)),
                None => "statements about an untyped resource".to_owned(),
            }
        });
        report.tally.not_converted(kind);
    }
}
