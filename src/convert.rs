//! Entries to RDF quads: a pure function of an entry, the glossary's settings and
//! the vocabulary. No I/O.
//!
//! Each entry gets a named graph of its own (named by the concept's IRI) holding
//! every triple the entry gives rise to, including the inverse triples about its
//! targets, so an entry can be replaced by replacing its graph alone. Typed
//! relations are also written as their SKOS super-properties, so SKOS-only tools
//! see the hierarchy without a reasoner.
//!
//! Layer: pipeline, beside `check`; above `source`.

use crate::config::Config;
use crate::iri::{self, Part};
use crate::ontology::{Direction, Ontology};
use crate::releases::Manifest;
use crate::source::{Entry, MatchKind, Members, NoteKind, Source, Summary};
use crate::vocab::{GG_ONTOLOGY, dcat, dcterms, foaf, gg, owl, rdfs, schema, skos, void};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{GraphName, Literal, NamedNode, NamedNodeRef, Quad, Term};
use rustc_hash::FxHashSet;
use std::collections::BTreeSet;

/// Collects quads into one graph.
struct Graph {
    name: GraphName,
    quads: Vec<Quad>,
}

impl Graph {
    fn new(name: NamedNode) -> Self {
        Self {
            name: name.into(),
            quads: Vec::new(),
        }
    }

    fn add(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, o: impl Into<Term>) {
        self.quads.push(Quad::new(
            s.clone(),
            p.into_owned(),
            o.into(),
            self.name.clone(),
        ));
    }

    fn iri(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, o: NamedNodeRef<'_>) {
        self.add(s, p, o.into_owned());
    }
}

fn iri(text: &str) -> NamedNode {
    NamedNode::new_unchecked(text)
}

fn lang(value: &str, language: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(value, language)
}

fn integer(n: usize) -> Literal {
    Literal::new_typed_literal(n.to_string(), xsd::INTEGER)
}

/// The `skos:note` a section is also published as: its title, a blank line,
/// its text.
fn section_note(title: &str, plain: &str) -> String {
    format!("{title}\n\n{plain}")
}

/// Whether `note` is the `skos:note` of a section titled one of `titles`,
/// which readers of the graph show (or import) as the section instead.
pub fn is_section_note(note: &str, titles: &[String]) -> bool {
    titles.iter().any(|title| {
        note.strip_prefix(title.as_str())
            .is_some_and(|rest| rest.starts_with("\n\n"))
    })
}

/// The quads of one entry, in the graph named by its concept IRI. Relations of
/// unknown types and sources that cannot be resolved are left out: `check` reports them.
pub fn entry(entry: &Entry, config: &Config, ontology: &Ontology) -> Vec<Quad> {
    let concept = config.base.concept(&entry.id);
    let scheme = config.base.scheme();
    let mut g = Graph::new(concept.clone());
    let body = entry.language.as_str();

    if let Some(members) = &entry.members {
        collection(&mut g, &concept, members, config);
    } else {
        g.iri(&concept, rdf::TYPE, skos::CONCEPT);
        g.iri(&concept, rdf::TYPE, schema::DEFINED_TERM);
        g.iri(&concept, schema::IN_DEFINED_TERM_SET, scheme.as_ref());
        g.add(
            &concept,
            schema::TERM_CODE,
            Literal::new_simple_literal(&entry.id),
        );
    }
    g.iri(&concept, skos::IN_SCHEME, scheme.as_ref());
    for t in &entry.terms {
        g.add(&concept, skos::PREF_LABEL, lang(&t.value, &t.lang));
        g.add(&concept, schema::NAME, lang(&t.value, &t.lang));
    }
    for t in &entry.alt_labels {
        g.add(&concept, skos::ALT_LABEL, lang(&t.value, &t.lang));
    }
    for t in &entry.hidden_labels {
        g.add(&concept, skos::HIDDEN_LABEL, lang(&t.value, &t.lang));
    }
    for t in &entry.definitions {
        g.add(&concept, skos::DEFINITION, lang(&t.value, &t.lang));
        g.add(&concept, schema::DESCRIPTION, lang(&t.value, &t.lang));
    }
    if let Some(register) = entry
        .register
        .as_ref()
        .and_then(|r| ontology.register(&r.value))
    {
        g.iri(&concept, gg::REGISTER, register.iri.as_ref());
    }
    if let Some(notation) = &entry.notation {
        g.add(
            &concept,
            skos::NOTATION,
            Literal::new_simple_literal(&notation.value),
        );
    }

    for (i, section) in entry.sections.iter().enumerate() {
        let part = iri::part(&concept, Part::Section, i + 1);
        g.iri(&concept, gg::SECTION, part.as_ref());
        g.iri(&part, rdf::TYPE, gg::SECTION_CLASS);
        g.add(&part, gg::POSITION, integer(i + 1));
        g.add(&part, gg::TITLE, lang(&section.title, body));
        g.add(&part, gg::TEXT, lang(&section.markdown, body));
        // SKOS-only tools show notes: give them the prose as plain text.
        g.add(
            &concept,
            skos::NOTE,
            lang(&section_note(&section.title, &section.plain), body),
        );
    }
    for (i, fact) in entry.key_facts.iter().enumerate() {
        let part = iri::part(&concept, Part::Fact, i + 1);
        g.iri(&concept, gg::KEY_FACT, part.as_ref());
        g.iri(&part, rdf::TYPE, gg::KEY_FACT_CLASS);
        g.add(&part, gg::POSITION, integer(i + 1));
        g.add(&part, gg::FACT_LABEL, lang(&fact.label, body));
        g.add(&part, gg::FACT_VALUE, lang(&fact.value, body));
        if let Some(t) = ontology.relation_type_for_fact_label(&fact.label) {
            g.iri(&part, gg::SIGNALS, t.iri.as_ref());
        }
        for target in &fact.targets {
            g.add(&part, gg::MENTIONS, config.base.concept(&target.value));
        }
    }
    for (i, m) in entry.misconceptions.iter().enumerate() {
        let part = iri::part(&concept, Part::Misconception, i + 1);
        g.iri(&concept, gg::MISCONCEPTION, part.as_ref());
        g.iri(&part, rdf::TYPE, gg::MISCONCEPTION_CLASS);
        g.add(&part, gg::POSITION, integer(i + 1));
        g.add(&part, gg::CLAIM, lang(&m.claim, body));
        g.add(&part, gg::CORRECTION, lang(&m.correction, body));
    }

    let relations = entry.all_relations(|label| {
        ontology
            .relation_type_for_fact_label(label)
            .map(|t| t.key.as_str())
    });
    for relation in relations {
        let Some(t) = ontology.relation_type(&relation.key.value) else {
            continue;
        };
        let target = config.base.concept(&relation.target.value);
        let (forward, backward) = ontology.expand(t);
        for p in forward {
            g.add(&concept, p.as_ref(), target.clone());
        }
        for p in backward {
            g.add(&target, p.as_ref(), concept.clone());
        }
    }

    for source in &entry.sources {
        let target = match &source.value {
            Source::Article { number, .. } => config.citations.article_iri(*number),
            Source::Iri(i) => Some(i.clone()),
        };
        if let Some(target) = target {
            g.add(&concept, dcterms::SOURCE, iri(&target));
        }
        // The source is the Article (whose IRI ELI defines); the paragraph or
        // point cited within it is kept as written, in a standard form.
        if let Some(citation) = source.value.citation() {
            g.add(
                &concept,
                gg::CITATION,
                Literal::new_simple_literal(citation),
            );
        }
    }
    for note in &entry.notes {
        let p = match note.kind {
            NoteKind::Scope => skos::SCOPE_NOTE,
            NoteKind::Example => skos::EXAMPLE,
            NoteKind::History => skos::HISTORY_NOTE,
            NoteKind::Editorial => skos::EDITORIAL_NOTE,
            NoteKind::Change => skos::CHANGE_NOTE,
            NoteKind::Note => skos::NOTE,
        };
        g.add(&concept, p, lang(&note.text.value, &note.text.lang));
    }
    for m in &entry.mappings {
        let p = match m.kind {
            MatchKind::Exact => skos::EXACT_MATCH,
            MatchKind::Close => skos::CLOSE_MATCH,
            MatchKind::Broad => skos::BROAD_MATCH,
            MatchKind::Narrow => skos::NARROW_MATCH,
            MatchKind::Related => skos::RELATED_MATCH,
        };
        g.add(&concept, p, iri(&m.iri));
    }
    if entry.deprecated.as_ref().is_some_and(|d| d.value) {
        g.add(&concept, owl::DEPRECATED, Literal::from(true));
        if let Some(by) = &entry.replaced_by {
            let by = config.base.concept(&by.value);
            g.add(&concept, dcterms::IS_REPLACED_BY, by.clone());
            g.add(&by, dcterms::REPLACES, concept.clone());
        }
    }
    dedup(g.quads)
}

/// What makes an entry with `members` a collection: its class, and each
/// member. An ordered collection also lists them in order (`skos:memberList`,
/// an RDF list whose cells are parts of the collection, `…#member-1`, like
/// a concept's sections: named, so that they can be diffed and pushed as
/// they are) and still states each as a `skos:member`, so that SKOS-only
/// tools see them without the list.
fn collection(g: &mut Graph, subject: &NamedNode, members: &Members, config: &Config) {
    g.iri(subject, rdf::TYPE, skos::COLLECTION);
    let iris: Vec<NamedNode> = members
        .ids
        .iter()
        .map(|m| config.base.concept(&m.value))
        .collect();
    for member in &iris {
        g.add(subject, skos::MEMBER, member.clone());
    }
    if !members.ordered {
        return;
    }
    g.iri(subject, rdf::TYPE, skos::ORDERED_COLLECTION);
    let mut head: Term = rdf::NIL.into_owned().into();
    for (i, member) in iris.iter().enumerate().rev() {
        let cell = iri::part(subject, Part::MemberListCell, i + 1);
        g.add(&cell, rdf::FIRST, member.clone());
        g.add(&cell, rdf::REST, head);
        head = cell.into();
    }
    g.add(subject, skos::MEMBER_LIST, head);
}

/// Keeps the first of each repeated quad, in order.
fn dedup(quads: Vec<Quad>) -> Vec<Quad> {
    let mut seen = FxHashSet::with_capacity_and_hasher(quads.len(), Default::default());
    let first: Vec<bool> = quads.iter().map(|q| seen.insert(q.as_ref())).collect();
    drop(seen);
    quads
        .into_iter()
        .zip(first)
        .filter_map(|(q, first)| first.then_some(q))
        .collect()
}

/// The ids of concepts with no broader concept: the scheme's top concepts.
/// Deprecated concepts and collections are never top concepts.
pub fn top_concepts<'a>(summaries: &'a [Summary], ontology: &Ontology) -> Vec<&'a str> {
    let mut has_broader = BTreeSet::new();
    for s in summaries {
        for (key, target, ..) in &s.relations {
            match ontology.relation_type(key).map(|t| t.direction) {
                Some(Direction::Broader) => {
                    has_broader.insert(s.id.as_str());
                }
                Some(Direction::Narrower) => {
                    has_broader.insert(target.as_str());
                }
                _ => {}
            }
        }
    }
    summaries
        .iter()
        .filter(|s| !s.deprecated && !s.collection && !has_broader.contains(s.id.as_str()))
        .map(|s| s.id.as_str())
        .collect()
}

/// Dumps the server offers, as (file name, media type).
pub const DUMPS: &[(&str, &str)] = &[
    ("dump.ttl", "text/turtle"),
    ("dump.nt", "application/n-triples"),
    ("dump.nq", "application/n-quads"),
    ("dump.trig", "application/trig"),
    ("dump.jsonld", "application/ld+json"),
    ("dump.rdf", "application/rdf+xml"),
];

/// The scheme graph: the concept scheme, its top concepts and the dataset
/// description, with the `releases` made. `triples` is the number of distinct
/// triples in the rest of the dataset; the count written includes the
/// triples of this graph.
pub fn scheme(
    config: &Config,
    releases: &Manifest,
    summaries: &[Summary],
    ontology: &Ontology,
    other_triples: usize,
) -> Vec<Quad> {
    let scheme = config.base.scheme();
    let mut g = Graph::new(scheme.clone());
    g.iri(&scheme, rdf::TYPE, skos::CONCEPT_SCHEME);
    g.iri(&scheme, rdf::TYPE, schema::DEFINED_TERM_SET);
    for (language, title) in &config.title {
        g.add(&scheme, skos::PREF_LABEL, lang(title, language));
        g.add(&scheme, dcterms::TITLE, lang(title, language));
        g.add(&scheme, schema::NAME, lang(title, language));
    }
    for (language, description) in &config.description {
        g.add(&scheme, dcterms::DESCRIPTION, lang(description, language));
        g.add(&scheme, schema::DESCRIPTION, lang(description, language));
    }
    for id in top_concepts(summaries, ontology) {
        let concept = config.base.concept(id);
        g.add(&scheme, skos::HAS_TOP_CONCEPT, concept.clone());
        g.add(&concept, skos::TOP_CONCEPT_OF, scheme.clone());
    }
    for s in summaries.iter().filter(|s| !s.collection) {
        g.add(
            &scheme,
            schema::HAS_DEFINED_TERM,
            config.base.concept(&s.id),
        );
    }
    describe(&mut g, &scheme, config, releases);
    versions(&mut g, &scheme, config, releases);

    let dataset = config.base.dataset();
    g.iri(&dataset, rdf::TYPE, void::DATASET);
    g.iri(&dataset, rdf::TYPE, dcat::DATASET);
    for (language, title) in &config.title {
        g.add(&dataset, dcterms::TITLE, lang(title, language));
    }
    for (language, description) in &config.description {
        g.add(&dataset, dcterms::DESCRIPTION, lang(description, language));
    }
    describe(&mut g, &dataset, config, releases);
    g.add(&dataset, void::ROOT_RESOURCE, scheme.clone());
    g.add(
        &dataset,
        void::URI_SPACE,
        Literal::new_simple_literal(config.base.concepts()),
    );
    g.add(&dataset, void::SPARQL_ENDPOINT, config.base.endpoint());
    // The concepts: what the dataset is a vocabulary of (its pages say so).
    let concepts = summaries.iter().filter(|s| !s.collection).count();
    g.add(&dataset, void::ENTITIES, integer(concepts));
    for vocabulary in [skos::NS, schema::NS, dcterms::NS, GG_ONTOLOGY] {
        g.add(&dataset, void::VOCABULARY, iri(vocabulary));
    }
    for (file, media_type) in DUMPS {
        let url = config.base.file(file);
        g.add(&dataset, void::DATA_DUMP, url.clone());
        let distribution = config.base.distribution(file);
        g.add(&dataset, dcat::DISTRIBUTION, distribution.clone());
        g.iri(&distribution, rdf::TYPE, dcat::DISTRIBUTION_CLASS);
        g.add(&distribution, dcat::DOWNLOAD_URL, url);
        g.add(
            &distribution,
            dcat::MEDIA_TYPE,
            iri(&format!(
                "https://www.iana.org/assignments/media-types/{media_type}"
            )),
        );
    }
    release_distributions(&mut g, &dataset, config, releases);
    let mut quads = dedup(g.quads);
    // The triple count, counting this graph and the count's own triple.
    let total = other_triples + quads.len() + 1;
    quads.push(Quad::new(
        dataset,
        void::TRIPLES,
        integer(total),
        GraphName::NamedNode(scheme),
    ));
    quads
}

/// The scheme's releases: each a version (`{base}releases/V/`, which
/// answers with that release), the last one its prior version. The graph
/// describes itself as the last release: right after `release`, the working
/// tree's graph is the snapshot, and `diff` between them is empty.
fn versions(g: &mut Graph, scheme: &NamedNode, config: &Config, releases: &Manifest) {
    for r in &releases.releases {
        g.add(
            scheme,
            dcterms::HAS_VERSION,
            release_iri(config, &r.version),
        );
    }
    if let [.., prior, _] = releases.releases.as_slice() {
        g.add(
            scheme,
            owl::PRIOR_VERSION,
            release_iri(config, &prior.version),
        );
    }
}

/// `{base}releases/VERSION/`: a release, as the scheme's versions name it.
pub fn release_iri(config: &Config, version: &str) -> NamedNode {
    config.base.file(&format!("releases/{version}/"))
}

/// Each release's snapshot, a DCAT distribution of the dataset.
fn release_distributions(g: &mut Graph, dataset: &NamedNode, config: &Config, releases: &Manifest) {
    for r in &releases.releases {
        let distribution = config.base.distribution(&format!("release-{}", r.version));
        g.add(dataset, dcat::DISTRIBUTION, distribution.clone());
        g.iri(&distribution, rdf::TYPE, dcat::DISTRIBUTION_CLASS);
        g.add(
            &distribution,
            dcterms::TITLE,
            Literal::new_simple_literal(format!("Release {}", r.version)),
        );
        g.add(
            &distribution,
            owl::VERSION_INFO,
            Literal::new_simple_literal(&r.version),
        );
        g.add(
            &distribution,
            dcterms::ISSUED,
            Literal::new_typed_literal(&r.date, xsd::DATE),
        );
        g.add(
            &distribution,
            dcat::DOWNLOAD_URL,
            config
                .base
                .file(&format!("releases/{}/dump.nq.gz", r.version)),
        );
        g.add(
            &distribution,
            dcat::MEDIA_TYPE,
            iri("https://www.iana.org/assignments/media-types/application/n-quads"),
        );
        g.add(
            &distribution,
            dcat::COMPRESS_FORMAT,
            iri("https://www.iana.org/assignments/media-types/application/gzip"),
        );
    }
}

/// Licence, publisher, version and dates, shared by the scheme and the
/// dataset. The version and its date are the last release's, if one was
/// made, else those `glossary.toml` sets.
fn describe(g: &mut Graph, subject: &NamedNode, config: &Config, releases: &Manifest) {
    if let Some(license) = &config.license {
        g.add(subject, dcterms::LICENSE, iri(license));
    }
    let version = releases
        .last()
        .map(|r| &r.version)
        .or(config.version.as_ref());
    if let Some(version) = version {
        g.add(
            subject,
            owl::VERSION_INFO,
            Literal::new_simple_literal(version),
        );
    }
    if let Some(last) = releases.last() {
        g.add(
            subject,
            dcterms::ISSUED,
            Literal::new_typed_literal(&last.date, xsd::DATE),
        );
    }
    for (p, date) in [
        (dcterms::CREATED, &config.created),
        (dcterms::MODIFIED, &config.modified),
    ] {
        if let Some(date) = date {
            g.add(subject, p, Literal::new_typed_literal(date, xsd::DATE));
        }
    }
    if let Some(act) = &config.citations.act {
        g.add(subject, dcterms::SOURCE, iri(act));
    }
    if let Some(publisher) = &config.publisher {
        let node = config.base.publisher();
        g.add(subject, dcterms::PUBLISHER, node.clone());
        g.iri(&node, rdf::TYPE, foaf::ORGANIZATION);
        g.add(
            &node,
            foaf::NAME,
            Literal::new_simple_literal(&publisher.name),
        );
        g.add(
            &node,
            rdfs::LABEL,
            Literal::new_simple_literal(&publisher.name),
        );
        if let Some(url) = &publisher.url {
            g.add(&node, foaf::HOMEPAGE, iri(url));
        }
    }
}

/// The vocabulary's triples, in the graph named by its IRI.
pub fn ontology(ontology: &Ontology) -> Vec<Quad> {
    let name = GraphName::NamedNode(iri::vocabulary());
    dedup(
        ontology
            .triples
            .iter()
            .map(|t| t.clone().in_graph(name.clone()))
            .collect(),
    )
}
