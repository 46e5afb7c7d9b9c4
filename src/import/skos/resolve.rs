//! Resolving what concepts name by IRI to the entries they become. Relations
//! between concepts converted become relations between entries, arranged as
//! [`relations::arrange`] says (each stated once, in one of the two entries;
//! in the one whose key fact names the other, if any); relations to resources
//! not converted become mappings. Replacements, key-fact mentions and mappings
//! that name concepts converted are given their ids (or, for mappings, their
//! IRIs in the glossary); the replacements and mentions of others are left out.

use super::concept::{Fact, MAPPINGS};
use super::ids::Named;
use super::report::Tally;
use crate::import::draft::{Draft, DraftFact};
use crate::import::relations::{self, Stated};
use crate::iri::Base;
use crate::ontology::{Direction, Ontology};
use crate::project::Project;
use oxigraph::model::NamedNode;
use std::collections::{BTreeMap, BTreeSet};

/// The entries the concepts `named` become, each with its concept's IRI, in
/// the same order. What is left out or changed on the way is counted in
/// `tally`.
pub(super) fn entries(
    named: Vec<Named>,
    project: &Project,
    tally: &mut Tally,
) -> Vec<(NamedNode, Draft)> {
    let ids = Ids(named
        .iter()
        .map(|n| (n.iri.as_str().to_owned(), n.id.clone()))
        .collect());
    let mut links = Links::of(&named, &ids, &project.ontology, tally);
    named
        .into_iter()
        .map(|n| draft(n, &ids, &mut links, &project.config.base, tally))
        .collect()
}

/// Concept IRI → entry id, for the concepts converted.
struct Ids(BTreeMap<String, String>);

impl Ids {
    /// The id of the entry the concept `iri` becomes, if it is converted.
    fn of(&self, iri: &NamedNode) -> Option<&str> {
        self.0.get(iri.as_str()).map(String::as_str)
    }
}

/// What the relations of the concepts converted become, by entry id.
struct Links {
    /// The relations each entry states (relation key → target ids, keys in
    /// order), but for those its key facts state.
    relations: BTreeMap<String, Vec<(String, Vec<String>)>>,
    /// The relations each entry has to resources not converted, as mappings.
    external: External,
}

/// Entry id → (mapping kind, IRI) of the relations to resources not converted.
type External = BTreeMap<String, Vec<(String, NamedNode)>>;

impl Links {
    /// The relations of `named`: those to concepts converted (with ids in
    /// `ids`) arranged, those to other resources made mappings. The
    /// relations made mappings or left out are counted in `tally`.
    fn of(named: &[Named], ids: &Ids, ontology: &Ontology, tally: &mut Tally) -> Self {
        let (stated, external) = split(named, ids, ontology, tally);
        let by_facts = by_facts(named, ids, ontology);
        // An entry whose key fact names another states all their relations.
        let pinned: BTreeMap<(String, String), String> = by_facts
            .iter()
            .map(|(id, _, to)| ((id.clone(), to.clone()), id.clone()))
            .collect();
        let arranged = relations::arrange(&stated, ontology, &pinned);
        for (s, why) in &arranged.dropped {
            tally.lose(
                &format!("relations left out: {why}"),
                format!("{} {} {}", s.from, s.key, s.to),
            );
        }
        let relations = arranged
            .by_owner
            .into_iter()
            .map(|(id, owned)| {
                let grouped = relations::grouped(owned.into_iter().filter(|(key, to)| {
                    !by_facts.contains(&(id.clone(), key.clone(), to.clone()))
                }));
                (id, grouped)
            })
            .collect();
        Self {
            relations,
            external,
        }
    }
}

/// The relations of `named` to concepts converted (with ids in `ids`), in the
/// order given; and, by id, those to other resources as mappings (broader →
/// broad match, narrower → narrow match, others → related match), counted in
/// `tally`.
fn split(
    named: &[Named],
    ids: &Ids,
    ontology: &Ontology,
    tally: &mut Tally,
) -> (Vec<Stated>, External) {
    let mut stated = Vec::new();
    let mut mappings = External::new();
    for Named { iri, concept, id } in named {
        for (key, other) in &concept.relations {
            if let Some(to) = ids.of(other) {
                stated.push(Stated {
                    from: id.clone(),
                    key: key.clone(),
                    to: to.to_owned(),
                });
                continue;
            }
            let kind = match ontology.relation_type(key).map(|t| t.direction) {
                Some(Direction::Broader) => "broad",
                Some(Direction::Narrower) => "narrow",
                _ => "related",
            };
            tally.change(
                "relations to concepts not converted became mappings (broader → broad match, narrower → narrow match, others → related match)",
                format!("{iri} {key} {other}"),
            );
            mappings
                .entry(id.clone())
                .or_default()
                .push((kind.to_owned(), other.clone()));
        }
    }
    (stated, mappings)
}

/// The relations the key facts of `named` state, as (id, relation key, target
/// id): a key fact whose label names a relation type relates its entry to the
/// concepts converted it mentions.
fn by_facts(named: &[Named], ids: &Ids, ontology: &Ontology) -> BTreeSet<(String, String, String)> {
    let mut stated = BTreeSet::new();
    for Named { concept, id, .. } in named {
        for fact in &concept.facts {
            if let Some(t) = ontology.relation_type_for_fact_label(&fact.label) {
                for to in fact.mentions.iter().filter_map(|m| ids.of(m)) {
                    stated.insert((id.clone(), t.key.clone(), to.to_owned()));
                }
            }
        }
    }
    stated
}

/// The entry the concept `named` becomes, and its IRI: its relations and
/// mappings to other resources taken from `links`, its replacement, key-fact
/// mentions and mappings resolved through `ids`. The replacements and mentions
/// of concepts not converted are left out and counted in `tally`.
fn draft(
    named: Named,
    ids: &Ids,
    links: &mut Links,
    base: &Base,
    tally: &mut Tally,
) -> (NamedNode, Draft) {
    let Named {
        iri,
        concept: c,
        id,
    } = named;
    let sources = dedup(c.all_sources());
    let replaced_by = c.replaced_by.and_then(|by| {
        let by = ids.of(&by).map(str::to_owned);
        if by.is_none() {
            tally.lose("replacements by concepts not converted left out", &iri);
        }
        by
    });
    let key_facts = c.facts.iter().map(|f| key_fact(f, ids, tally)).collect();
    let external = links.external.remove(&id).unwrap_or_default();
    let mut mappings = mappings(c.mappings.into_iter().chain(external), ids, base);
    let mut sources = sources;
    let members = c.members.map(|members| {
        let mut out: Vec<String> = Vec::with_capacity(members.len());
        for m in &members {
            match ids.of(m) {
                Some(member) if !out.iter().any(|o| o == member) => out.push(member.to_owned()),
                Some(_) => {}
                None => tally.lose("collection members not converted left out", m),
            }
        }
        out
    });
    if members.is_some() {
        // A collection says which it was as its source: a mapping would
        // make it a concept (the mapping properties are between concepts).
        if base.concept(&id) != iri && !sources.contains(&iri.as_str().to_owned()) {
            // An entry cites only http(s) IRIs (found by fuzzing: an
            // `httts:` collection made an entry its reader refused).
            if iri.as_str().starts_with("http://") || iri.as_str().starts_with("https://") {
                tally.change(
                    "each collection converted names the collection it was as its source (dcterms:source)",
                    &iri,
                );
                sources.push(iri.as_str().to_owned());
            } else {
                tally.lose(
                    "collections whose IRI is not http(s) name no source (an entry cites only http(s) IRIs)",
                    &iri,
                );
            }
        }
    } else if base.concept(&id) != iri {
        // The entry says which concept it was: the same concept, elsewhere.
        tally.change(
            "each concept converted is the exact match (skos:exactMatch) of its entry",
            &iri,
        );
        match mappings.iter_mut().find(|(k, _)| k == "exact") {
            Some((_, iris)) if iris.contains(&iri.as_str().to_owned()) => {}
            Some((_, iris)) => iris.insert(0, iri.as_str().to_owned()),
            None => mappings.insert(0, ("exact".to_owned(), vec![iri.as_str().to_owned()])),
        }
    }
    let draft = Draft {
        relations: links.relations.remove(&id).unwrap_or_default(),
        mappings,
        id,
        terms: c.terms,
        alt_labels: c.alt_labels,
        hidden_labels: c.hidden_labels,
        definitions: c.definitions,
        register: c.register,
        notation: c.notation,
        key_facts,
        misconceptions: c.misconceptions,
        sources,
        deprecated: c.deprecated,
        replaced_by,
        sections: c.sections,
        notes: c.notes,
        needs_review: (!c.review.is_empty()).then(|| c.review.join("; ")),
        members,
        ordered: c.ordered,
        ..Draft::default()
    };
    (iri, draft)
}

/// A key fact, its targets the ids of the concepts converted it mentions (each
/// once); the mentions of others are left out and counted in `tally`.
fn key_fact(fact: &Fact, ids: &Ids, tally: &mut Tally) -> DraftFact {
    let mut targets: Vec<String> = Vec::new();
    for m in &fact.mentions {
        match ids.of(m) {
            Some(to) if !targets.iter().any(|t| t == to) => targets.push(to.to_owned()),
            Some(_) => {}
            None => tally.lose("key-fact mentions of concepts not converted left out", m),
        }
    }
    DraftFact {
        label: fact.label.clone(),
        value: fact.value.clone(),
        targets,
    }
}

/// The (mapping kind, IRI) pairs `given`, grouped by kind in the order entries
/// list them, each IRI once; concepts converted are given their IRIs in the
/// glossary (of `base`).
fn mappings(
    given: impl Iterator<Item = (String, NamedNode)>,
    ids: &Ids,
    base: &Base,
) -> Vec<(String, Vec<String>)> {
    let mut by_kind: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (kind, to) in given {
        let to = match ids.of(&to) {
            Some(other) => base.concept(other).into_string(),
            None => to.into_string(),
        };
        by_kind.entry(kind).or_default().push(to);
    }
    MAPPINGS
        .iter()
        .filter_map(|(_, k)| Some(((*k).to_owned(), dedup(by_kind.remove(*k)?))))
        .collect()
}

/// `items` without repeats, each where it first appears.
fn dedup(mut items: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    items.retain(|i| seen.insert(i.clone()));
    items
}
