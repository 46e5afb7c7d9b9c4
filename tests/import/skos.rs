//! SKOS vocabularies to entries: the round trip back to the same SKOS
//! statements (on a small thesaurus, the DPV AI Act vocabulary in three
//! formats, UNESCO and glossgraph's own export), and every shared vocabulary
//! file imported or refused cleanly.
//!
//! What round-trips, for each converted concept `c` (now `φ(c)`, its concept
//! IRI in the glossary):
//! - `c a skos:Concept`;
//! - `skos:prefLabel`, `altLabel`, `hiddenLabel`, `definition` literals (SKOS-XL
//!   labels as their literal forms), whitespace collapsed, untagged text in the
//!   glossary's default language;
//! - `skos:notation` as a plain literal;
//! - `skos:scopeNote`, `example`, `historyNote`, `editorialNote`,
//!   `changeNote` and `note` in every language, text trimmed but otherwise as
//!   written (untagged text as labels are);
//! - `skos:broader`, `narrower`, `related` and ISO 25964's typed broader and
//!   narrower relations between converted concepts, in both directions (typed
//!   ones also as their SKOS super-property);
//! - the same relations to resources not converted, as `skos:broadMatch`,
//!   `narrowMatch` or `relatedMatch` from the converted concept;
//! - `skos:exactMatch`, `closeMatch`, `broadMatch`, `narrowMatch`,
//!   `relatedMatch`, targets that are converted concepts replaced by `φ`;
//! - `owl:deprecated true`, and `dcterms:isReplacedBy` of a deprecated
//!   concept by a converted one;
//!
//! and for each collection `k` converted (now `φ(k)`, its IRI in the
//! glossary), `k a skos:Collection` (or `skos:OrderedCollection`), its labels,
//! definition, notes and notation as a concept's, `skos:member` of each
//! member converted, replaced by `φ`, and the order of its `skos:memberList`
//! (compared as the list of members, not as list cells; its items are also
//! members, and an ordered collection a collection, as SKOS entails);
//!
//! and, added by the importer, `φ(c) skos:exactMatch c` where the two differ
//! (a collection names `k` as its `dcterms:source`, not compared here).

use crate::util::{files_in, fixture, project, root, suite};
use glossgraph::import::ImportError;
use glossgraph::import::skos::{self, IdSource, SkosOptions, SkosReport};
use glossgraph::project::Project;
use oxigraph::io::RdfParser;
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const ISO: &str = "http://purl.org/iso25964/skos-thes#";
const SKOSXL: &str = "http://www.w3.org/2008/05/skos-xl#";
const OWL_DEPRECATED: &str = "http://www.w3.org/2002/07/owl#deprecated";
const IS_REPLACED_BY: &str = "http://purl.org/dc/terms/isReplacedBy";

/// A new, empty glossary in a temporary folder.
fn fresh_glossary(languages: &[&str]) -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    let languages: Vec<String> = languages.iter().map(|l| format!("\"{l}\"")).collect();
    std::fs::write(
        dir.path().join("glossary.toml"),
        format!(
            "base = \"https://test.example/\"\nlanguages = [{}]\n[title]\nen = \"Test\"\n",
            languages.join(", ")
        ),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("entries")).unwrap();
    let project = Project::open(dir.path()).unwrap();
    (dir, project)
}

fn options(project: &Project) -> SkosOptions {
    SkosOptions::new(project.entries_dir())
}

fn iri(text: &str) -> NamedNode {
    NamedNode::new(text).unwrap()
}

fn skos(local: &str) -> NamedNode {
    iri(&format!("{SKOS}{local}"))
}

/// The triples of RDF files, as Oxigraph reads them.
fn read(files: &[&Path]) -> Vec<Triple> {
    let mut out = Vec::new();
    for file in files {
        let format = glossgraph::input::format_from_path(&file.to_string_lossy()).unwrap();
        let bytes = std::fs::read(file).unwrap();
        for quad in RdfParser::from_format(format).for_slice(&bytes) {
            out.push(Triple::from(quad.unwrap()));
        }
    }
    out
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How to compare label statements.
#[derive(Clone, Copy, PartialEq)]
enum Labels {
    /// Preferred and alternative labels exactly.
    Exact,
    /// Preferred and alternative labels as one set (a preferred label another
    /// concept also has becomes an alternative label).
    Merged,
}

/// The statements the converted concepts should have, computed from the
/// source statements by the rules in this file's header.
fn expected(
    source: &[Triple],
    report: &SkosReport,
    project: &Project,
    placeholder: Option<&str>,
) -> HashSet<Triple> {
    let ids = report.ids();
    let phi = |node: &NamedNode| -> Option<NamedNode> {
        ids.get(node.as_str())
            .map(|id| project.config.base.concept(id))
    };
    let default = project.config.default_language();
    let literal = |term: &Term| -> Option<Term> {
        let Term::Literal(l) = term else { return None };
        let value = collapse(l.value());
        let lang = l.language().unwrap_or(default).to_ascii_lowercase();
        Some(Literal::new_language_tagged_literal_unchecked(value, lang).into())
    };
    let forms: BTreeMap<String, Vec<Term>> = {
        let mut forms: BTreeMap<String, Vec<Term>> = BTreeMap::new();
        for t in source {
            if t.predicate.as_str() == format!("{SKOSXL}literalForm") {
                forms
                    .entry(t.subject.to_string())
                    .or_default()
                    .push(t.object.clone());
            }
        }
        forms
    };
    let values: BTreeMap<String, Vec<Term>> = {
        let mut values: BTreeMap<String, Vec<Term>> = BTreeMap::new();
        for t in source {
            if t.predicate == rdf::VALUE {
                values
                    .entry(t.subject.to_string())
                    .or_default()
                    .push(t.object.clone());
            }
        }
        values
    };
    let inverse = |p: &str| -> Option<String> {
        let local = p.strip_prefix(SKOS).or_else(|| p.strip_prefix(ISO))?;
        let ns = if p.starts_with(SKOS) { SKOS } else { ISO };
        let inverse = match local {
            "broader" => "narrower",
            "narrower" => "broader",
            "related" => "related",
            l if l.starts_with("broader") => return Some(format!("{ISO}narrower{}", &l[7..])),
            l if l.starts_with("narrower") => return Some(format!("{ISO}broader{}", &l[8..])),
            _ => return None,
        };
        Some(format!("{ns}{inverse}"))
    };
    // The SKOS super-property of a relation, and its mapping form.
    let skos_of = |p: &str| -> Option<(&'static str, &'static str)> {
        let local = p.strip_prefix(SKOS).or_else(|| p.strip_prefix(ISO))?;
        if local.starts_with("broader") && local != "broaderTransitive" {
            Some(("broader", "broadMatch"))
        } else if local.starts_with("narrower") && local != "narrowerTransitive" {
            Some(("narrower", "narrowMatch"))
        } else if local == "related" {
            Some(("related", "relatedMatch"))
        } else {
            None
        }
    };
    let mut out = HashSet::new();
    let mut has_definition = BTreeSet::new();
    for t in source {
        let NamedOrBlankNode::NamedNode(s) = &t.subject else {
            continue;
        };
        let p = t.predicate.as_str();
        let object_phi = match &t.object {
            Term::NamedNode(o) => phi(o),
            _ => None,
        };
        let Some(subject) = phi(s) else {
            // A relation from a resource not converted to a converted concept.
            if let (Some(o), Some((_, _))) = (&object_phi, skos_of(p))
                && let Some(inv) = inverse(p)
                && let Some((_, mapping)) = skos_of(&inv)
            {
                out.insert(Triple::new(o.clone(), skos(mapping), s.clone()));
            }
            continue;
        };
        let deprecated = |s: &NamedNode| {
            source.iter().any(|d| {
                d.subject == NamedOrBlankNode::from(s.clone())
                    && d.predicate.as_str() == OWL_DEPRECATED
                    && matches!(&d.object, Term::Literal(l) if matches!(l.value(), "true" | "1"))
            })
        };
        match p.strip_prefix(SKOS) {
            _ if p == OWL_DEPRECATED && deprecated(s) => {
                out.insert(Triple::new(
                    subject,
                    iri(OWL_DEPRECATED),
                    Literal::from(true),
                ));
            }
            // Kept where the concept is deprecated, and its replacement converted.
            _ if p == IS_REPLACED_BY => {
                if let Some(by) = &object_phi
                    && deprecated(s)
                {
                    out.insert(Triple::new(subject, iri(IS_REPLACED_BY), by.clone()));
                }
            }
            _ if t.predicate == rdf::TYPE && is_kept_class(&t.object) => {
                // An ordered collection is a collection, as SKOS entails.
                if t.object == Term::from(skos("OrderedCollection")) {
                    out.insert(Triple::new(subject.clone(), rdf::TYPE, skos("Collection")));
                }
                out.insert(Triple::new(subject, rdf::TYPE, t.object.clone()));
            }
            Some("member") => {
                if let Some(member) = &object_phi {
                    out.insert(Triple::new(subject, skos("member"), member.clone()));
                }
            }
            Some("memberList") => {
                let items: Vec<NamedNode> = list_items(source, &t.object)
                    .iter()
                    .filter_map(&phi)
                    .collect();
                // SKOS entails that the items of a member list are members.
                for member in &items {
                    out.insert(Triple::new(subject.clone(), skos("member"), member.clone()));
                }
                out.insert(Triple::new(subject, skos("memberList"), listed(&items)));
            }
            Some(local @ ("prefLabel" | "altLabel" | "hiddenLabel")) => {
                if let Some(l) = literal(&t.object) {
                    out.insert(Triple::new(subject, skos(local), l));
                }
            }
            Some("definition") => {
                let texts = match &t.object {
                    Term::Literal(_) => vec![t.object.clone()],
                    other => values.get(&other.to_string()).cloned().unwrap_or_default(),
                };
                for text in texts {
                    if let Some(l) = literal(&text) {
                        has_definition.insert(subject.clone());
                        out.insert(Triple::new(subject.clone(), skos("definition"), l));
                    }
                }
            }
            Some(
                local @ ("scopeNote" | "example" | "historyNote" | "editorialNote" | "changeNote"
                | "note"),
            ) => {
                let note = match &t.object {
                    Term::Literal(l) if l.language().is_some() && !l.value().trim().is_empty() => {
                        Some(Term::from(Literal::new_language_tagged_literal_unchecked(
                            l.value().trim(),
                            l.language().unwrap_or_default().to_ascii_lowercase(),
                        )))
                    }
                    other => literal(other),
                };
                if let Some(l) = note {
                    out.insert(Triple::new(subject, skos(local), l));
                }
            }
            Some("notation") => {
                if let Term::Literal(l) = &t.object {
                    out.insert(Triple::new(
                        subject,
                        skos("notation"),
                        Literal::new_simple_literal(collapse(l.value())),
                    ));
                }
            }
            Some(
                m @ ("exactMatch" | "closeMatch" | "broadMatch" | "narrowMatch" | "relatedMatch"),
            ) => {
                let target: Term = match (&object_phi, &t.object) {
                    (Some(o), _) => o.clone().into(),
                    (None, Term::Literal(l)) if l.datatype() == xsd::ANY_URI => {
                        iri(l.value()).into()
                    }
                    (None, other) => other.clone(),
                };
                out.insert(Triple::new(subject, skos(m), target));
            }
            _ => {
                if let Some(local) = p.strip_prefix(SKOSXL)
                    && let Some(kind) = local.strip_suffix("Label")
                {
                    for form in forms.get(&t.object.to_string()).into_iter().flatten() {
                        if let Some(l) = literal(form) {
                            out.insert(Triple::new(
                                subject.clone(),
                                skos(&format!("{kind}Label")),
                                l,
                            ));
                        }
                    }
                } else if let Some((broad, mapping)) = skos_of(p) {
                    match (&object_phi, inverse(p)) {
                        (Some(o), Some(inv)) => {
                            for (pp, inv) in [
                                (p.to_owned(), inv),
                                (
                                    format!("{SKOS}{broad}"),
                                    inverse(&format!("{SKOS}{broad}")).unwrap(),
                                ),
                            ] {
                                out.insert(Triple::new(subject.clone(), iri(&pp), o.clone()));
                                out.insert(Triple::new(o.clone(), iri(&inv), subject.clone()));
                            }
                        }
                        _ => {
                            if let Term::NamedNode(o) = &t.object {
                                out.insert(Triple::new(subject, skos(mapping), o.clone()));
                            }
                        }
                    }
                }
            }
        }
    }
    // The one addition: each entry names the concept it was as its exact match.
    for converted in report.converted.iter().filter(|c| !c.collection) {
        let subject = project.config.base.concept(&converted.id);
        if subject.as_str() != converted.iri {
            out.insert(Triple::new(
                subject,
                skos("exactMatch"),
                iri(&converted.iri),
            ));
        }
    }
    if let Some(text) = placeholder {
        for converted in report.converted.iter().filter(|c| !c.collection) {
            let subject = project.config.base.concept(&converted.id);
            if !has_definition.contains(&subject) {
                out.insert(Triple::new(
                    subject,
                    skos("definition"),
                    Literal::new_language_tagged_literal_unchecked(
                        text,
                        project.config.default_language(),
                    ),
                ));
            }
        }
    }
    out
}

/// The classes that round-trip: concepts' and collections'.
fn is_kept_class(class: &Term) -> bool {
    ["Concept", "Collection", "OrderedCollection"]
        .iter()
        .any(|c| *class == Term::from(skos(c)))
}

/// The items of the RDF list `head` in `triples`.
fn list_items(triples: &[Triple], head: &Term) -> Vec<NamedNode> {
    let mut items = Vec::new();
    let mut node = head.clone();
    while node != Term::from(rdf::NIL.into_owned()) && items.len() <= triples.len() {
        let cell = |p| {
            triples
                .iter()
                .find(|t| Term::from(t.subject.clone()) == node && t.predicate == p)
                .map(|t| t.object.clone())
        };
        if let Some(Term::NamedNode(first)) = cell(rdf::FIRST) {
            items.push(first);
        }
        match cell(rdf::REST) {
            Some(rest) => node = rest,
            None => break,
        }
    }
    items
}

/// A member list as one literal, so that two lists compare by their items.
fn listed(items: &[NamedNode]) -> Literal {
    let iris: Vec<&str> = items.iter().map(NamedNode::as_str).collect();
    Literal::new_simple_literal(iris.join(" "))
}

/// The statements the built glossary makes about the converted concepts, in
/// the properties that round-trip.
fn actual(project: &Project, report: &SkosReport) -> HashSet<Triple> {
    let built = glossgraph::build::build(project, &glossgraph::build::StoreChoice::Memory)
        .unwrap_or_else(|e| panic!("{e}"));
    let concepts: BTreeSet<String> = report
        .converted
        .iter()
        .map(|c| project.config.base.concept(&c.id).into_string())
        .collect();
    let kept = |p: &str| {
        p.strip_prefix(SKOS).is_some_and(|l| {
            matches!(
                l,
                "prefLabel"
                    | "altLabel"
                    | "hiddenLabel"
                    | "definition"
                    | "notation"
                    | "scopeNote"
                    | "example"
                    | "historyNote"
                    | "editorialNote"
                    | "changeNote"
                    | "note"
                    | "broader"
                    | "narrower"
                    | "related"
                    | "exactMatch"
                    | "closeMatch"
                    | "broadMatch"
                    | "narrowMatch"
                    | "relatedMatch"
                    | "member"
            )
        }) || p.starts_with(ISO)
            || p == OWL_DEPRECATED
            || p == IS_REPLACED_BY
    };
    let all: Vec<Triple> = glossgraph::store::quads(&built.store)
        .unwrap()
        .into_iter()
        .map(Triple::from)
        .collect();
    all.iter()
        .filter(|t| concepts.contains(t.subject.to_string().trim_matches(['<', '>'])))
        .filter_map(|t| {
            if t.predicate == skos("memberList") {
                let items = list_items(&all, &t.object);
                return Some(Triple::new(
                    t.subject.clone(),
                    t.predicate.clone(),
                    listed(&items),
                ));
            }
            let kept = kept(t.predicate.as_str())
                || (t.predicate == rdf::TYPE && is_kept_class(&t.object));
            kept.then(|| t.clone())
        })
        .collect()
}

/// `actual` with each homonym's qualifier taken off: a preferred label
/// `X (Q)` the source does not have, where it has `X` for the same concept.
fn unqualified(actual: HashSet<Triple>, expected: &HashSet<Triple>) -> HashSet<Triple> {
    actual
        .into_iter()
        .map(|t| {
            if expected.contains(&t) || t.predicate != skos("prefLabel") {
                return t;
            }
            let Term::Literal(l) = &t.object else {
                return t;
            };
            let Some(inner) = l
                .value()
                .strip_suffix(')')
                .and_then(|v| v.rsplit_once(" ("))
                .map(|(inner, _)| inner)
            else {
                return t;
            };
            let plain = Triple::new(
                t.subject.clone(),
                t.predicate.clone(),
                Literal::new_language_tagged_literal_unchecked(
                    inner,
                    l.language().unwrap_or_default(),
                ),
            );
            if expected.contains(&plain) { plain } else { t }
        })
        .collect()
}

fn merge_labels(triples: HashSet<Triple>) -> HashSet<Triple> {
    triples
        .into_iter()
        .map(|t| {
            if t.predicate.as_str() == format!("{SKOS}altLabel") {
                Triple::new(t.subject, skos("prefLabel"), t.object)
            } else {
                t
            }
        })
        .collect()
}

fn assert_round_trip(
    files: &[&Path],
    labels: Labels,
    placeholder: Option<&str>,
    languages: &[&str],
) -> SkosReport {
    let (_dir, project) = fresh_glossary(languages);
    let inputs: Vec<String> = files
        .iter()
        .map(|f| f.to_string_lossy().into_owned())
        .collect();
    // What is lost is the report's to say (tested on its own); the round
    // trip is of what is kept.
    let options = SkosOptions {
        placeholder_definition: placeholder.map(str::to_owned),
        allow_loss: true,
        ..options(&project)
    };
    let report = skos::to_entries(&inputs, &project, &options).unwrap_or_else(|e| panic!("{e}"));
    let mut expected = expected(&read(files), &report, &project, placeholder);
    let mut actual = unqualified(actual(&project, &report), &expected);
    if labels == Labels::Merged {
        expected = merge_labels(expected);
        actual = merge_labels(actual);
    }
    let missing: Vec<_> = expected.difference(&actual).take(10).collect();
    let extra: Vec<_> = actual.difference(&expected).take(10).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "not round-tripped:\n{missing:#?}\nnot in the source:\n{extra:#?}\n{report}"
    );
    assert!(!expected.is_empty());
    report
}

#[test]
fn a_small_thesaurus_converts_back_to_the_same_skos_statements() {
    let file = fixture("vocabulary.ttl");
    let report = assert_round_trip(&[Path::new(&file)], Labels::Exact, None, &["en", "de"]);
    assert_eq!(report.converted.len(), 4);
    let ids: Vec<&str> = report.converted.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        ["authority", "board", "secretariat", "supervisory-authority"]
    );
    let changes: Vec<&str> = report.tally.changes.keys().map(String::as_str).collect();
    assert!(
        changes.iter().any(|c| c.starts_with("SKOS-XL labels")),
        "{changes:?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c.starts_with("relations to concepts not converted became mappings"))
    );
    assert!(report.unlisted_languages.is_empty());
    // Its scheme's label and top concepts: the glossary's scheme has its own.
    assert_eq!(
        report
            .tally
            .regenerated
            .get("statements describing the vocabulary (its scheme, dataset, distributions)"),
        Some(&3),
        "{report}"
    );
    assert_eq!(report.lost(), 0, "{report}");
}

#[test]
fn the_entries_are_readable_and_say_what_the_concepts_say() {
    let (_dir, project) = fresh_glossary(&["en", "de"]);
    skos::to_entries(&[fixture("vocabulary.ttl")], &project, &options(&project)).unwrap();
    let entries = project.entries_dir();
    let read = |id: &str| crate::util::parse(&entries.join(format!("{id}.md")), &project);
    let sa = read("supervisory-authority");
    assert_eq!(sa.term("en"), Some("Supervisory authority"));
    assert_eq!(sa.term("de"), Some("Aufsichtsbehörde"));
    assert_eq!(
        sa.definitions[0].value,
        "An authority that supervises compliance: \"watchdog\" # not a comment"
    );
    // Scope notes are notes, in both languages, their text as written.
    let scope: BTreeSet<(&str, &str)> = sa
        .notes
        .iter()
        .filter(|n| n.kind == glossgraph::source::NoteKind::Scope)
        .map(|n| (n.text.lang.as_str(), n.text.value.as_str()))
        .collect();
    assert_eq!(
        scope,
        BTreeSet::from([
            ("de", "Für Stellen mit Durchsetzungsbefugnissen."),
            ("en", "Used for bodies with *enforcement* powers."),
        ])
    );
    assert!(sa.sections.is_empty());
    let secretariat = read("secretariat");
    let relations: Vec<(&str, &str)> = secretariat
        .relations
        .iter()
        .map(|r| (r.key.value.as_str(), r.target.value.as_str()))
        .collect();
    assert_eq!(relations, [("part-of", "board")]);
    assert_eq!(secretariat.sources.len(), 1);
    // Both directions of a relation are stated once, in the narrower concept.
    let authority = read("authority");
    assert!(authority.relations.is_empty(), "{:?}", authority.relations);
    let board = read("board");
    assert_eq!(board.alt_labels.len(), 2);
    assert_eq!(board.mappings.len(), 4, "{:?}", board.mappings);
    // The first names the concept it was.
    assert_eq!(board.mappings[0].iri, "http://vocab.example.org/gov/Board");
}

#[test]
fn the_dpv_ai_act_vocabulary_converts_back_in_all_three_formats_alike() {
    let names = [
        "vocab/dpv/dpv-2.3_legal_eu_aiact_eu-aiact.ttl",
        "vocab/dpv/dpv-2.3_legal_eu_aiact_eu-aiact.jsonld",
        "vocab/dpv/dpv-2.3_legal_eu_aiact_eu-aiact.rdf",
    ];
    let mut files = Vec::new();
    for name in names {
        let Some(file) = suite(name) else { return };
        files.push(file);
    }
    let mut written: Option<BTreeMap<String, String>> = None;
    for file in &files {
        let (_dir, project) = fresh_glossary(&["en"]);
        let options = SkosOptions {
            allow_loss: true,
            ..options(&project)
        };
        let report =
            skos::to_entries(&[file.to_string_lossy().into_owned()], &project, &options).unwrap();
        assert_eq!(report.concepts, 170);
        assert_eq!(report.converted.len(), 170, "{report}");
        let texts: BTreeMap<String, String> = files_in(&project.entries_dir())
            .into_iter()
            .map(|f| {
                let text = std::fs::read_to_string(project.entries_dir().join(&f)).unwrap();
                (f, text)
            })
            .collect();
        match &written {
            None => written = Some(texts),
            Some(first) => assert!(first == &texts, "{} gives other entries", file.display()),
        }
    }
    let report = assert_round_trip(&[files[0].as_path()], Labels::Exact, None, &["en"]);
    assert!(report.ids().values().any(|id| *id == "ai-office"));
}

#[test]
fn unesco_converts_with_four_languages_and_its_hierarchy() {
    let Some(file) = suite("vocab/unesco/unesco-thesaurus.ttl") else {
        return;
    };
    // UNESCO has no definitions: every concept converts with what it has,
    // in four languages, marked for review.
    let report = assert_round_trip(
        &[file.as_path()],
        Labels::Merged,
        None,
        &["en", "fr", "es", "ru"],
    );
    assert_eq!((report.concepts, report.collections), (4420, 95));
    assert_eq!(
        report.converted.len() + report.skipped.len(),
        4420 + 95,
        "{report}"
    );
    // Its 7 domains and 88 microthesauri are collections, with their
    // members; what is lost of them is that they are also ISO 25964 concept
    // groups (and UNESCO's own classes) with sub- and super-groups, which
    // entries do not say (their membership does). Lost besides: the dates of
    // creation and change, which entries do not hold, and an owl:imports of
    // its ontology.
    let lost: Vec<&str> = report
        .tally
        .not_converted
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        lost,
        [
            "dcterms:created",
            "dcterms:modified",
            "iso-thes:subGroup",
            "iso-thes:superGroup",
            "rdf:type <http://purl.org/iso25964/skos-thes#ConceptGroup>",
            "rdf:type <http://vocabularies.unesco.org/ontology#Domain>",
            "rdf:type <http://vocabularies.unesco.org/ontology#MicroThesaurus>",
            "statements about an untyped resource"
        ],
        "{report}"
    );
    assert!(
        report.tally.lost.is_empty() && report.skipped.is_empty(),
        "{report}"
    );
    assert!(report.converted.len() > 4400, "{report}");
    assert!(
        report
            .tally
            .lost
            .keys()
            .all(|c| !c.starts_with("relations left out"))
    );
    // With a placeholder, that is their definition (and they are marked).
    let (_dir, project) = fresh_glossary(&["en", "fr", "es", "ru"]);
    let input = file.to_string_lossy().into_owned();
    let options = SkosOptions {
        placeholder_definition: Some("Definition to be written.".into()),
        allow_loss: true,
        ..options(&project)
    };
    let report = skos::to_entries(&[input], &project, &options).unwrap();
    let id = report.ids()["http://vocabularies.unesco.org/thesaurus/concept10"];
    assert_eq!(id, "right-to-education");
    let entry = crate::util::parse(&project.entries_dir().join(format!("{id}.md")), &project);
    let langs: BTreeSet<&str> = entry.terms.iter().map(|t| t.lang.as_str()).collect();
    assert_eq!(langs, ["en", "es", "fr", "ru"].into());
    assert_eq!(entry.definitions[0].value, "Definition to be written.");
    assert!(entry.needs_review.is_some());
}

#[test]
fn glossgraphs_own_export_converts_back_to_the_same_graph() {
    let data = project();
    let built = glossgraph::build::build(&data, &glossgraph::build::StoreChoice::Memory).unwrap();
    let quads = glossgraph::store::quads(&built.store).unwrap();
    let original: HashSet<Triple> = quads.iter().cloned().map(Triple::from).collect();
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("glossary.ttl");
    let mut out = Vec::new();
    glossgraph::export::Exporter::new(&data.config)
        .unwrap()
        .write(quads, glossgraph::export::Format::Turtle, &mut out)
        .unwrap();
    std::fs::write(&export, out).unwrap();

    // The same settings, no entries.
    let copy = dir.path().join("data");
    std::fs::create_dir_all(copy.join("entries")).unwrap();
    std::fs::copy(
        root().join("data/glossary.toml"),
        copy.join("glossary.toml"),
    )
    .unwrap();
    let project = Project::open(&copy).unwrap();
    let options = SkosOptions {
        ids: IdSource::LocalName,
        ..options(&project)
    };
    let report =
        skos::to_entries(&[export.to_string_lossy().into_owned()], &project, &options).unwrap();
    assert_eq!((report.concepts, report.collections), (44, 3), "{report}");
    assert_eq!(report.converted.len(), 47, "{report}");
    let rebuilt =
        glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory).unwrap();
    let again: HashSet<Triple> = glossgraph::store::quads(&rebuilt.store)
        .unwrap()
        .into_iter()
        .map(Triple::from)
        .collect();
    let missing: Vec<_> = original.difference(&again).take(10).collect();
    let extra: Vec<_> = again.difference(&original).take(10).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}\n{report}"
    );
}

/// Every file under a folder.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for item in std::fs::read_dir(dir).unwrap() {
        let path = item.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn every_shared_vocabulary_file_imports_or_is_reported_cleanly() {
    let Some(dir) = suite("vocab") else { return };
    let files = walk(&dir);
    assert!(files.len() >= 40, "{files:?}");
    let mut converted = 0;
    let mut refused = Vec::new();
    for file in &files {
        let (_dir, project) = fresh_glossary(&["en"]);
        let options = SkosOptions {
            placeholder_definition: Some("To be written.".into()),
            allow_loss: true,
            ..options(&project)
        };
        let input = file.to_string_lossy().into_owned();
        let result = std::panic::catch_unwind(|| {
            skos::to_entries(std::slice::from_ref(&input), &project, &options)
        });
        match result {
            Err(_) => panic!("{} panicked", file.display()),
            Ok(Ok(report)) => {
                let concepts = report.converted.iter().filter(|c| !c.collection).count();
                assert_eq!(
                    concepts + report.skipped.len(),
                    report.concepts,
                    "{}: every concept is converted or reported",
                    file.display()
                );
                assert_eq!(
                    files_in(&project.entries_dir()).len(),
                    report.converted.len()
                );
                if report.converted.len() < 1000 {
                    // The entries build into a graph `serve` can publish.
                    glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory)
                        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                }
                converted += report.converted.len();
            }
            Ok(Err(e)) => {
                assert!(e.to_string().contains(&input), "{e}");
                assert!(files_in(&project.entries_dir()).is_empty());
                refused.push(file.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
    }
    // Only the files that are not RDF are refused.
    refused.sort();
    assert_eq!(
        refused,
        [
            "LICENSE",
            "LICENSE.md",
            "SOURCE.txt",
            "SOURCE.txt",
            "SOURCE.txt"
        ]
    );
    assert!(converted > 10_000);
}

#[test]
fn skosmos_edge_cases_are_reported() {
    let Some(dir) = suite("vocab/skosmos-testdata") else {
        return;
    };
    let run = |name: &str| -> SkosReport {
        let (_dir, project) = fresh_glossary(&["en"]);
        let options = SkosOptions {
            placeholder_definition: Some("To be written.".into()),
            allow_loss: true,
            ..options(&project)
        };
        let report = skos::to_entries(
            &[dir.join(name).to_string_lossy().into_owned()],
            &project,
            &options,
        )
        .unwrap();
        glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory).unwrap();
        report
    };
    let has = |report: &SkosReport, start: &str| {
        let tally = &report.tally;
        tally
            .changes
            .keys()
            .chain(tally.lost.keys())
            .any(|k| k.starts_with(start))
    };
    let cycle = run("cycle.ttl");
    assert!(
        has(&cycle, "relations left out: it closes a hierarchy cycle"),
        "{cycle}"
    );
    assert!(
        has(
            &cycle,
            "relations left out: a concept cannot be related to itself"
        ),
        "{cycle}"
    );
    // Two concepts whose labels are all another's: marked for review.
    let dup = run("dup.ttl");
    assert!(dup.skipped.is_empty(), "{dup}");
    assert!(
        has(
            &dup,
            "concepts whose preferred labels are all other concepts' terms"
        ),
        "{dup}"
    );
    let nolang = run("nolang.ttl");
    assert!(has(&nolang, "text without a language tag"), "{nolang}");
    let xl = run("xl.ttl");
    assert!(has(&xl, "SKOS-XL labels read as plain labels"), "{xl}");
    assert!(
        has(&xl, "definitions given as resources: their rdf:value used"),
        "{xl}"
    );
    // Skosmos's groups: four collections, one within another, round-trip.
    let groups = assert_round_trip(
        &[dir.join("groups.ttl").as_path()],
        Labels::Exact,
        Some("To be written."),
        &["en"],
    );
    assert_eq!(groups.collections, 4, "{groups}");
    assert_eq!(groups.converted.len(), 7 + 4, "{groups}");
    let hash = run("hash.ttl");
    let ids: Vec<&str> = hash.converted.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["hash-mark", "hypertext"]);
    let date = run("date.ttl");
    assert_eq!(
        date.tally
            .not_converted
            .get("<http://www.skosmos.skos/date/ownDate>"),
        Some(&2),
        "{date}"
    );
}

#[test]
fn files_that_are_not_rdf_or_broken_are_refused_with_their_line() {
    let (dir, project) = fresh_glossary(&["en"]);
    let broken = dir.path().join("broken.ttl");
    std::fs::write(&broken, "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n<a> skos:prefLabel \"x\" ;\n  skos:broader .\n").unwrap();
    let err = skos::to_entries(
        &[broken.to_string_lossy().into_owned()],
        &project,
        &options(&project),
    )
    .unwrap_err();
    let d = &err.diagnostics()[0];
    assert_eq!(d.pos.line, 4);
    assert!(err.to_string().contains("broken.ttl"));
    let err =
        skos::to_entries(&[fixture("ai-pact.txt")], &project, &options(&project)).unwrap_err();
    assert!(err.to_string().contains("not an RDF file"), "{err}");
    let err = skos::to_entries(&[fixture("empty.txt")], &project, &options(&project)).unwrap_err();
    assert!(matches!(err, ImportError::Fetch(_)), "{err}");
    assert!(files_in(&project.entries_dir()).is_empty());
}

/// Found by fuzzing (the `vocabulary` target): a source that is no web page
/// (a relative IRI resolved against the file, a URN) was written into the
/// entry, whose reader then refused the import's own output.
#[test]
fn sources_an_entry_cannot_cite_are_left_out_and_reported() {
    let (dir, project) = fresh_glossary(&["en"]);
    let file = dir.path().join("sources.ttl");
    std::fs::write(
        &file,
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
         @prefix dcterms: <http://purl.org/dc/terms/> .\n\
         <https://v.example/c> a skos:Concept ; skos:prefLabel \"Cited\"@en ;\n\
         skos:definition \"A concept with sources.\"@en ;\n\
         dcterms:source <statute#art-6>, <urn:isbn:0451450523>, <https://v.example/law> .\n",
    )
    .unwrap();
    let options = SkosOptions {
        allow_loss: true,
        ..options(&project)
    };
    let report =
        skos::to_entries(&[file.to_string_lossy().into_owned()], &project, &options).unwrap();
    assert_eq!(report.converted.len(), 1, "{report}");
    assert_eq!(report.lost(), 2, "{report}");
    assert_eq!(
        report
            .tally
            .lost
            .get("sources that are neither http(s) IRIs nor Articles left out")
            .map(|c| c.count),
        Some(2),
        "{report}"
    );
    let text = std::fs::read_to_string(project.entries_dir().join("cited.md")).unwrap();
    assert!(text.contains("https://v.example/law"), "{text}");
    assert!(!text.contains("urn:") && !text.contains("file:"), "{text}");
}

#[test]
fn existing_entries_are_kept_unless_forced() {
    let (_dir, project) = fresh_glossary(&["en", "de"]);
    let input = fixture("vocabulary.ttl");
    skos::to_entries(std::slice::from_ref(&input), &project, &options(&project)).unwrap();
    let board = project.entries_dir().join("board.md");
    std::fs::write(&board, "mine").unwrap();
    let err =
        skos::to_entries(std::slice::from_ref(&input), &project, &options(&project)).unwrap_err();
    assert!(
        matches!(err, ImportError::Exists(ref paths) if paths.len() == 4),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&board).unwrap(), "mine");
    let forced = SkosOptions {
        force: true,
        ..options(&project)
    };
    let report = skos::to_entries(&[input], &project, &forced).unwrap();
    assert_eq!(report.converted.len(), 4, "re-importing keeps the same ids");
    assert_ne!(std::fs::read_to_string(&board).unwrap(), "mine");
}

#[test]
fn inspecting_a_vocabulary_writes_nothing() {
    let inspection = skos::inspect(
        &[fixture("vocabulary.ttl")],
        &glossgraph::import::FetchLimits::VOCABULARY,
    )
    .unwrap();
    assert_eq!(inspection.concepts, 4);
    assert_eq!(inspection.schemes, 1);
    assert_eq!(
        inspection.languages,
        ["de".to_owned(), "en".to_owned()].into()
    );
}

/// GEMET names its concepts by number, so ids come from German labels: they
/// are spelt in ASCII as German does (never `klima-nderung`), and the same
/// vocabulary imported again gives the same ids.
#[test]
fn ids_from_labels_in_other_scripts_are_spelt_in_ascii_and_stable() {
    let vocabulary = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
        <https://v.example/concept/1> a skos:Concept ; skos:prefLabel \"Klimaänderung\"@de ;\n\
          skos:definition \"Eine Änderung des Klimas.\"@de .\n\
        <https://v.example/concept/2> a skos:Concept ; skos:prefLabel \"Abbruchmüll\"@de ;\n\
          skos:definition \"Abfall aus dem Abbruch von Gebäuden.\"@de .\n\
        <https://v.example/concept/3> a skos:Concept ; skos:prefLabel \"Straßenverkehr\"@de ;\n\
          skos:definition \"Verkehr auf Straßen.\"@de .\n";
    let mut runs = Vec::new();
    for _ in 0..2 {
        let (dir, project) = fresh_glossary(&["de"]);
        let file = dir.path().join("gemet.ttl");
        std::fs::write(&file, vocabulary).unwrap();
        let report = skos::to_entries(
            &[file.to_string_lossy().into_owned()],
            &project,
            &options(&project),
        )
        .unwrap();
        let mut ids: Vec<String> = report.converted.iter().map(|c| c.id.clone()).collect();
        ids.sort();
        runs.push(ids);
    }
    assert_eq!(
        runs[0],
        ["abbruchmuell", "klimaaenderung", "strassenverkehr"]
    );
    assert_eq!(runs[0], runs[1]);
}

/// A concept with every kind of SKOS documentation note, in two languages,
/// one of them paragraphs.
const NOTES: &str = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://v.example/c/audit> a skos:Concept ;
  skos:prefLabel "Audit"@en , "Prüfung"@de ;
  skos:definition "A check of records against rules."@en ;
  skos:scopeNote "Used for checks by an outside body."@en , "Für Prüfungen durch Dritte."@de ;
  skos:example "A yearly audit of a provider's logs."@en ;
  skos:historyNote """Added in 2024.

Split from *Inspection* in 2025: "inspection" now means site visits."""@en ;
  skos:editorialNote "Check the German label."@en ;
  skos:changeNote "Definition shortened."@en , "Definition gekürzt."@de ;
  skos:note "A plain note."@en , "Zweite Notiz."@de , "Dritte Notiz."@de .
"#;

#[test]
fn notes_of_every_kind_convert_back_as_themselves_in_every_language() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.ttl");
    std::fs::write(&file, NOTES).unwrap();
    let report = assert_round_trip(&[&file], Labels::Exact, None, &["en", "de"]);
    assert_eq!(report.converted.len(), 1);
    let changes: Vec<&str> = report.tally.changes.keys().map(String::as_str).collect();
    assert!(
        !changes.iter().any(|c| c.contains("note")),
        "notes are kept as they are: {changes:?}"
    );
    assert!(report.tally.not_converted.is_empty(), "{report}");
    assert_eq!(report.lost(), 0, "{report}");
}

/// Collections: nested, ordered in an order that is not their IRIs', named
/// in two languages, with a notation and a scope note, and one named like a
/// concept (only concepts' terms must be unique).
const COLLECTIONS: &str = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix : <https://v.example/c/> .
:fish a skos:Concept ; skos:prefLabel "Fish"@en ; skos:definition "An animal that lives in water."@en .
:carp a skos:Concept ; skos:prefLabel "Carp"@en , "Karppi"@fi ; skos:definition "A freshwater fish."@en ; skos:broader :fish .
:pike a skos:Concept ; skos:prefLabel "Pike"@en ; skos:definition "A predatory freshwater fish."@en ; skos:broader :fish .
:tuna a skos:Concept ; skos:prefLabel "Tuna"@en ; skos:definition "A saltwater fish."@en ; skos:broader :fish .
:kinds a skos:Collection ; skos:prefLabel "Fish"@en ; skos:member :fresh , :tuna .
:fresh a skos:OrderedCollection ; skos:prefLabel "Freshwater fish"@en , "Makean veden kalat"@fi ;
  skos:notation "F" ; skos:scopeNote "Largest first."@en ; skos:memberList ( :pike :carp ) .
"#;

#[test]
fn collections_convert_back_with_their_members_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("collections.ttl");
    std::fs::write(&file, COLLECTIONS).unwrap();
    let report = assert_round_trip(&[&file], Labels::Exact, None, &["en", "fi"]);
    assert_eq!((report.concepts, report.collections), (4, 2), "{report}");
    assert_eq!(report.lost(), 0, "{report}");
    let (_dir, project) = fresh_glossary(&["en", "fi"]);
    skos::to_entries(
        &[file.to_string_lossy().into_owned()],
        &project,
        &options(&project),
    )
    .unwrap();
    let text = std::fs::read_to_string(project.entries_dir().join("fresh.md")).unwrap();
    assert!(
        text.contains("members:\n  - pike\n  - carp\nordered: true\n"),
        "{text}"
    );
    assert!(
        text.contains("sources:\n  - https://v.example/c/fresh\n"),
        "{text}"
    );
    let kinds = crate::util::parse(&project.entries_dir().join("kinds.md"), &project);
    let members: Vec<&str> = kinds
        .members
        .iter()
        .flat_map(|m| &m.ids)
        .map(|m| m.value.as_str())
        .collect();
    assert_eq!(members, ["fresh", "tuna"]);
    assert_eq!(kinds.terms[0].value, "Fish");
}

/// Homonyms (GEMET has 130) are qualified by their broader concept's label,
/// as thesauri do, rather than skipped.
#[test]
fn homonyms_are_qualified_by_their_broader_concepts_label() {
    let vocabulary = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
        @prefix : <https://v.example/> .\n\
        :finance a skos:Concept ; skos:prefLabel \"Finance\"@en ; skos:definition \"Money matters.\"@en .\n\
        :river a skos:Concept ; skos:prefLabel \"River\"@en ; skos:definition \"Flowing water.\"@en ;\n\
          skos:narrower :bank2 .\n\
        :bank1 a skos:Concept ; skos:prefLabel \"Bank\"@en ; skos:definition \"A business that keeps money.\"@en ;\n\
          skos:broader :finance .\n\
        :bank2 a skos:Concept ; skos:prefLabel \"Bank\"@en ; skos:definition \"The land beside a river.\"@en .\n";
    let (dir, project) = fresh_glossary(&["en"]);
    let file = dir.path().join("homonyms.ttl");
    std::fs::write(&file, vocabulary).unwrap();
    let report = skos::to_entries(
        &[file.to_string_lossy().into_owned()],
        &project,
        &options(&project),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.converted.len(), 4, "{report}");
    assert!(report.skipped.is_empty(), "{report}");
    let terms: BTreeSet<String> = files_in(&project.entries_dir())
        .iter()
        .map(|f| {
            let entry = crate::util::parse(&project.entries_dir().join(f), &project);
            entry.terms[0].value.clone()
        })
        .collect();
    assert_eq!(
        terms,
        BTreeSet::from(["Bank", "Bank (River)", "Finance", "River"].map(String::from))
    );
    assert!(
        report
            .tally
            .changes
            .contains_key("homonyms qualified by the label of a broader concept"),
        "{report}"
    );
}

/// Concepts an entry needs more for: no preferred label, no definition,
/// nothing but a broader concept, a label every other concept's term
/// with no broader concept to qualify it, in several scripts; and a
/// deprecated concept with its replacement and a relation to a blank node.
const FOR_REVIEW: &str = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix : <https://v.example/c/> .
:water a skos:Concept ; skos:prefLabel "Water"@en , "Вода"@ru ; skos:definition "H2O."@en .
:nameless a skos:Concept ; skos:altLabel "Nameless"@en , "無名"@ja ; skos:definition "Has no preferred label."@en .
:undefined a skos:Concept ; skos:prefLabel "Undefined"@en , "Ohne Definition"@de ;
  skos:scopeNote "Used while a definition is written."@en ; skos:broader :water .
:bare a skos:Concept ; skos:broader :water .
:same1 a skos:Concept ; skos:prefLabel "Same"@en ; skos:definition "The first."@en .
:same2 a skos:Concept ; skos:prefLabel "Same"@en ; skos:definition "The second."@en .
:aqua a skos:Concept ; skos:prefLabel "Aqua"@en ; skos:definition "Water, by an old name."@en ;
  owl:deprecated true ; dcterms:isReplacedBy :water ; skos:related [ skos:prefLabel "A blank node"@en ] .
"#;

#[test]
fn concepts_without_a_label_or_definition_are_imported_and_marked_for_review() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("review.ttl");
    std::fs::write(&file, FOR_REVIEW).unwrap();
    // Every statement comes back, nothing added but the exact matches; the
    // one change is the second "Same", which becomes an alternative label.
    let report = assert_round_trip(&[&file], Labels::Merged, None, &["en", "de", "ru", "ja"]);
    assert_eq!(report.concepts, 7);
    assert_eq!(report.converted.len(), 7, "{report}");
    assert!(report.skipped.is_empty(), "{report}");
    // The one thing lost: the relation to a blank node, and what it says.
    assert_eq!(report.lost(), 1, "{report}");
    assert!(
        report
            .tally
            .lost
            .contains_key("relations to blank nodes left out"),
        "{report}"
    );

    let (_dir, project) = fresh_glossary(&["en", "de", "ru", "ja"]);
    let options = SkosOptions {
        allow_loss: true,
        ..options(&project)
    };
    let report = skos::to_entries(&[file.to_string_lossy().into_owned()], &project, &options)
        .unwrap_or_else(|e| panic!("{e}"));
    let ids = report.ids();
    let review = |iri: &str| -> Option<String> {
        let id = &ids[format!("https://v.example/c/{iri}").as_str()];
        let entry = crate::util::parse(&project.entries_dir().join(format!("{id}.md")), &project);
        let warnings: Vec<String> =
            glossgraph::check::entry(&entry, &project.config, &project.ontology)
                .into_iter()
                .filter(|d| d.code == "check/needs-review")
                .map(|d| d.message)
                .collect();
        assert_eq!(
            warnings.len(),
            usize::from(entry.needs_review.is_some()),
            "{iri}: {warnings:?}"
        );
        warnings.into_iter().next()
    };
    assert_eq!(review("water"), None);
    let nameless = review("nameless").unwrap();
    assert!(
        nameless.contains("no term") && nameless.contains("no preferred label"),
        "{nameless}"
    );
    let undefined = review("undefined").unwrap();
    assert!(
        undefined.contains("no definition") && !undefined.contains("no term"),
        "{undefined}"
    );
    let bare = review("bare").unwrap();
    assert!(bare.contains("no term, no definition"), "{bare}");
    assert_eq!(review("same1"), None);
    let same = review("same2").unwrap();
    assert!(same.contains("give it a term of its own"), "{same}");
    // And the glossary builds, the entries marked for review in it.
    let built = glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory)
        .unwrap_or_else(|e| panic!("{e}"));
    let marked = built
        .warnings
        .iter()
        .filter(|d| d.code == "check/needs-review")
        .count();
    assert_eq!(marked, 4, "{:#?}", built.warnings);
}

/// What a vocabulary says that no entry can: a second notation, a relation
/// closing a cycle, a property entries do not have, a collection without an
/// IRI (the one with an IRI converts).
const LOSSY: &str = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix : <https://v.example/c/> .
:a a skos:Concept ; skos:prefLabel "A"@en ; skos:definition "First."@en ;
  skos:notation "1" , "one" ; dcterms:created "2020-01-01" ; skos:broader :b .
:b a skos:Concept ; skos:prefLabel "B"@en ; skos:definition "Second."@en ; skos:broader :a .
:letters a skos:Collection ; skos:member :a , :b .
[] a skos:Collection ; skos:member :a .
"#;

#[test]
fn an_import_that_would_lose_part_of_the_source_writes_nothing_unless_allowed() {
    let (dir, project) = fresh_glossary(&["en"]);
    let file = dir.path().join("lossy.ttl");
    std::fs::write(&file, LOSSY).unwrap();
    let input = [file.to_string_lossy().into_owned()];
    let err = skos::to_entries(&input, &project, &options(&project)).unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, ImportError::Lossy { lost: 4, .. }),
        "{message}"
    );
    for what in [
        "second notations left out",
        "relations left out: it closes a hierarchy cycle",
        "dcterms:created ×1",
        "collections that are blank nodes",
        "pass --allow-loss",
        "nothing was written",
    ] {
        assert!(message.contains(what), "{what}: {message}");
    }
    assert!(files_in(&project.entries_dir()).is_empty());
    let allowed = SkosOptions {
        allow_loss: true,
        ..options(&project)
    };
    let report = skos::to_entries(&input, &project, &allowed).unwrap();
    assert_eq!(report.lost(), 4, "{report}");
    assert_eq!(files_in(&project.entries_dir()).len(), 3);
    let letters = crate::util::parse(&project.entries_dir().join("letters.md"), &project);
    let members: Vec<&str> = letters
        .members
        .iter()
        .flat_map(|m| &m.ids)
        .map(|m| m.value.as_str())
        .collect();
    assert_eq!(members, ["a", "b"]);
}

/// Found by fuzzing (the `vocabulary` target, fuzz/regressions/vocabulary/):
/// a collection whose IRI is not http(s) was named as its entry's source,
/// which the entry reader refuses.
#[test]
fn a_collection_whose_iri_is_not_http_is_imported_without_a_source() {
    let (dir, project) = fresh_glossary(&["en"]);
    let vocabulary = dir.path().join("vocabulary.ttl");
    std::fs::write(
        &vocabulary,
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
         @prefix ex: <urn:example:> .\n\
         ex:a a skos:Concept ; skos:prefLabel \"A\"@en .\n\
         ex:b a skos:Concept ; skos:prefLabel \"B\"@en .\n\
         ex:group a skos:Collection ; skos:prefLabel \"Group\"@en ; skos:member ex:a, ex:b .\n",
    )
    .unwrap();
    let inputs = [vocabulary.display().to_string()];
    // Refused as lossy without --allow-loss, saying what is lost…
    let refused = skos::to_entries(&inputs, &project, &options(&project)).unwrap_err();
    let said = refused.to_string();
    assert!(
        said.contains("collections whose IRI is not http(s)"),
        "{said}"
    );
    // …and written with it, each entry read back.
    let mut lossy = options(&project);
    lossy.allow_loss = true;
    skos::to_entries(&inputs, &project, &lossy).unwrap();
    let entries: Vec<_> = walk(&project.entries_dir())
        .iter()
        .map(|file| crate::util::parse(file, &project))
        .collect();
    assert_eq!(entries.len(), 3);
    let group = entries
        .iter()
        .find(|e| e.members.is_some())
        .expect("the collection is an entry");
    assert!(group.sources.is_empty(), "{:?}", group.sources);
    assert_eq!(group.members.as_ref().map(|m| m.ids.len()), Some(2));
}
