//! What each concept converted is called: its entry id, made from its IRI or
//! its preferred label (unique, and not the id of an entry elsewhere in the
//! glossary), and its terms: two concepts cannot share a term, so a preferred
//! label that another concept has as its term is qualified by the label of
//! a broader concept, as thesauri qualify homonyms (`Bank (River)`), or where
//! the concept has no broader concept with a label in that language, becomes
//! an alternative label.

use super::IdSource;
use super::concept::Concept;
use super::read::Candidate;
use super::report::{SkosReport, Tally};
use crate::import::draft::Tagged;
use crate::import::target::Target;
use crate::iri::id_from;
use crate::ontology::{Direction, Ontology};
use oxigraph::model::NamedNode;
use std::collections::{BTreeMap, BTreeSet};

/// Longest id made from a label or an IRI.
const MAX_ID: usize = 64;

/// A concept to convert, and the id of its entry.
pub(super) struct Named {
    pub iri: NamedNode,
    /// What it says, with terms no other concept has.
    pub concept: Concept,
    pub id: String,
}

/// Gives each of `candidates` an id, from its IRI or its label as `source`
/// says, and the terms no entry of `target` it does not replace and no
/// candidate before it has. A candidate left with no term is marked for
/// review; the ids made unique and the terms made alternative labels are
/// counted in `report.tally`.
pub(super) fn name(
    candidates: Vec<Candidate>,
    target: &Target<'_>,
    source: IdSource,
    report: &mut SkosReport,
) -> Vec<Named> {
    // Entries in another folder than the one written to keep their ids.
    let elsewhere: BTreeSet<String> = target
        .entries
        .iter()
        .filter(|e| e.path != target.path_for(&e.id))
        .map(|e| e.id.clone())
        .collect();
    let ids = assign(
        &candidates,
        source,
        target.language(),
        &elsewhere,
        &mut report.tally,
    );
    let mut terms = Terms::of_entries(target, &ids);
    let qualifiers = Qualifiers::of(&candidates, &target.project.ontology);
    let mut named = Vec::with_capacity(candidates.len());
    for (Candidate { iri, concept }, id) in candidates.into_iter().zip(ids) {
        // Only concepts' terms must be unique: a collection may share its
        // name with a concept or another collection (a domain and the
        // microthesaurus within it, both "Culture").
        let concept = match concept.members {
            Some(_) => concept,
            None => terms.claim(&iri, concept, &qualifiers, report),
        };
        named.push(Named { iri, concept, id });
    }
    named
}

/// What can qualify a homonym: each concept's broader concepts (stated
/// either way round), and the preferred labels of all the concepts.
struct Qualifiers {
    broader: BTreeMap<String, BTreeSet<String>>,
    labels: BTreeMap<String, Vec<Tagged>>,
}

impl Qualifiers {
    fn of(candidates: &[Candidate], ontology: &Ontology) -> Self {
        let mut broader: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut labels = BTreeMap::new();
        for Candidate { iri, concept } in candidates {
            labels.insert(iri.as_str().to_owned(), concept.terms.clone());
            for (key, other) in &concept.relations {
                let (narrow, broad) = match ontology.relation_type(key).map(|t| t.direction) {
                    Some(Direction::Broader) => (iri, other),
                    Some(Direction::Narrower) => (other, iri),
                    _ => continue,
                };
                broader
                    .entry(narrow.as_str().to_owned())
                    .or_default()
                    .insert(broad.as_str().to_owned());
            }
        }
        Self { broader, labels }
    }

    /// `label` qualified by the label in its language of each broader
    /// concept of `iri` in turn: `Bank (River)`.
    fn of_label<'a>(
        &'a self,
        iri: &NamedNode,
        label: &'a Tagged,
    ) -> impl Iterator<Item = String> + 'a {
        self.broader
            .get(iri.as_str())
            .into_iter()
            .flatten()
            .filter_map(|b| self.labels.get(b)?.iter().find(|l| l.lang == label.lang))
            .map(|q| format!("{} ({})", label.text, q.text))
    }
}

/// The terms taken, by language and in lowercase, each with what has it
/// (`existing entry `id`` or a concept's `<iri>`), for the report.
struct Terms(BTreeMap<(String, String), String>);

impl Terms {
    /// The terms of the concepts of `target` whose ids are not among `new_ids`.
    fn of_entries(target: &Target<'_>, new_ids: &[String]) -> Self {
        let new_ids: BTreeSet<&str> = new_ids.iter().map(String::as_str).collect();
        let mut taken = BTreeMap::new();
        for e in target
            .entries
            .iter()
            .filter(|e| !new_ids.contains(e.id.as_str()) && !e.is_collection())
        {
            for t in &e.terms {
                taken.insert(
                    (t.lang.clone(), t.value.to_lowercase()),
                    format!("existing entry `{}`", e.id),
                );
            }
        }
        Self(taken)
    }

    /// The concept `iri` as `c` says, with the terms not taken, which it then
    /// takes; a preferred label already taken is qualified by a broader
    /// concept's label, or, with none free, becomes an alternative label
    /// (each counted in `report.tally`); with all taken, it is marked for
    /// review.
    fn claim(
        &mut self,
        iri: &NamedNode,
        mut c: Concept,
        qualifiers: &Qualifiers,
        report: &mut SkosReport,
    ) -> Concept {
        let mut clashes = Vec::new();
        let taken = |t: &Tagged| self.0.get(&(t.lang.clone(), t.text.to_lowercase()));
        let mut terms = Vec::with_capacity(c.terms.len());
        for t in &c.terms {
            let Some(other) = taken(t) else {
                terms.push(t.clone());
                continue;
            };
            let qualified = qualifiers
                .of_label(iri, t)
                .map(|text| Tagged::new(&t.lang, text))
                .find(|q| taken(q).is_none());
            match qualified {
                Some(q) => {
                    report.tally.change(
                        "homonyms qualified by the label of a broader concept",
                        format!(
                            "{iri} “{}”@{} → “{}” (the term of {other})",
                            t.text, t.lang, q.text
                        ),
                    );
                    terms.push(q);
                }
                None => clashes.push((t.clone(), other.clone())),
            }
        }
        c.terms = terms;
        if c.terms.is_empty() && !clashes.is_empty() {
            report.tally.change(
                "concepts whose preferred labels are all other concepts' terms, marked needs-review",
                iri,
            );
            let others: Vec<&str> = clashes.iter().map(|(_, o)| o.as_str()).collect();
            c.review.push(format!(
                "its preferred labels are the terms of {}: give it a term of its own",
                others.join(", ")
            ));
        }
        for (label, other) in clashes {
            report.tally.change(
                "preferred labels another concept has as its term became alternative labels",
                format!(
                    "{iri} “{}”@{} (the term of {other})",
                    label.text, label.lang
                ),
            );
            c.alt_labels.push(label);
        }
        for t in &c.terms {
            self.0.insert(
                (t.lang.clone(), t.text.to_lowercase()),
                format!("<{}>", iri.as_str()),
            );
        }
        c
    }
}

/// The last part of an IRI: after the last `#`, else the last `/` (ignoring a
/// final one).
fn local_name(iri: &str) -> &str {
    if let Some((_, fragment)) = iri.rsplit_once('#')
        && !fragment.is_empty()
    {
        return fragment;
    }
    iri.trim_end_matches('/')
        .rsplit_once('/')
        .map_or(iri, |(_, last)| last)
}

/// A slug of a local name, splitting camel case (`AIOffice` → `ai-office`).
fn local_slug(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut spaced = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_uppercase() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                spaced.push(' ');
            }
        }
        spaced.push(c);
    }
    id_from(&spaced, "")
}

/// Whether a local name reads as words rather than a code (`concept10`, `c1`).
fn reads_as_words(slug: &str) -> bool {
    let letters = slug.chars().filter(char::is_ascii_alphabetic).count();
    let trailing_digits = slug.chars().rev().take_while(char::is_ascii_digit).count();
    letters >= 4 && trailing_digits < 2
}

/// At most [`MAX_ID`] characters, cut at a hyphen.
fn shorten(slug: String) -> String {
    if slug.len() <= MAX_ID {
        return slug;
    }
    let cut = &slug[..MAX_ID];
    cut.rsplit_once('-')
        .map_or(cut, |(head, _)| head)
        .trim_end_matches('-')
        .to_owned()
}

/// An id for each candidate: from its IRI or label as `source` says, unique
/// among them and not one of `taken`.
fn assign(
    candidates: &[Candidate],
    source: IdSource,
    language: &str,
    taken: &BTreeSet<String>,
    tally: &mut Tally,
) -> Vec<String> {
    let mut used: BTreeSet<String> = taken.clone();
    let mut out = Vec::with_capacity(candidates.len());
    for Candidate { iri, concept: c } in candidates {
        let local = shorten(local_slug(local_name(iri.as_str())));
        let label = c
            .terms
            .iter()
            .find(|t| t.lang == language)
            .or(c.terms.first())
            .map(|t| shorten(id_from(&t.text, &t.lang)))
            .unwrap_or_default();
        let preferred = match source {
            IdSource::LocalName => [local, label],
            IdSource::Label => [label, local],
            IdSource::Auto if reads_as_words(&local) => [local, label],
            IdSource::Auto => [label, local],
        };
        let options: Vec<&String> = preferred.iter().filter(|s| !s.is_empty()).collect();
        let base = options
            .first()
            .map_or_else(|| "concept".to_owned(), |s| (*s).clone());
        let id = match options.iter().find(|s| !used.contains(**s)) {
            Some(free) => (*free).clone(),
            None => (2..)
                .map(|n| format!("{base}-{n}"))
                .find(|candidate| !used.contains(candidate))
                .unwrap_or(base.clone()),
        };
        if id != base {
            tally.change(
                "ids that would have clashed were made unique",
                format!("{iri} → {id}"),
            );
        }
        used.insert(id.clone());
        out.push(id);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_iris_and_labels() {
        assert_eq!(
            local_name("https://w3id.org/dpv/legal/eu/aiact#AIOffice"),
            "AIOffice"
        );
        assert_eq!(
            local_name("http://vocabularies.unesco.org/thesaurus/concept10"),
            "concept10"
        );
        assert_eq!(local_name("http://example.org/a/b/"), "b");
        assert_eq!(local_slug("AIOffice"), "ai-office");
        assert_eq!(
            local_slug("ProhibitedAISystem-A5-1-f"),
            "prohibited-ai-system-a5-1-f"
        );
        assert_eq!(
            local_slug("gpaiModelWithSystemicRisk"),
            "gpai-model-with-systemic-risk"
        );
        assert!(reads_as_words("ai-office"));
        assert!(!reads_as_words("concept10"));
        assert!(!reads_as_words("c1"));
        assert_eq!(shorten("a-".repeat(40) + "end").len(), 63);
    }
}
