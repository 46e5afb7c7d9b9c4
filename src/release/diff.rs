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
use super::input::parse_line;
use crate::ontology::Ontology;
use crate::vocab::{dcterms, owl, skos};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{GraphName, NamedOrBlankNode, Term, Triple};
use std::collections::{BTreeMap, HashMap};

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
    let (gone, came) = changed_lines(a, b);
    // A statement moved from one named graph to another is not a change.
    let mut removed = statements(&gone, b);
    let mut added = statements(&came, a);
    let gone_lines: std::collections::HashSet<&[u8]> = gone.iter().copied().collect();
    super::blank::align(
        a,
        b,
        |line| !gone_lines.contains(line),
        &mut removed,
        &mut added,
    );
    let mut kinds: HashMap<String, (bool, bool)> = HashMap::new();
    let mut is_concept = |iri: &str| -> (bool, bool) {
        *kinds.entry(iri.to_owned()).or_insert_with(|| {
            let prefix = format!(
                "<{iri}> <{}> <{}> ",
                rdf::TYPE.as_str(),
                skos::CONCEPT.as_str()
            );
            (a.has(prefix.as_bytes()), b.has(prefix.as_bytes()))
        })
    };

    // Each changed statement goes to the concept it is about, if any.
    let mut by_concept: BTreeMap<String, (Vec<&Triple>, Vec<&Triple>)> = BTreeMap::new();
    let mut by_subject: BTreeMap<String, Statements> = BTreeMap::new();
    let mut every: BTreeMap<String, Statements> = BTreeMap::new();
    for (side, list) in [(0, &removed), (1, &added)] {
        for t in list {
            push(
                every.entry(t.subject.to_string()).or_default(),
                side,
                t.to_string(),
            );
            match owner(&t.subject, &mut is_concept) {
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
        label_of(b, iri, language)
            .or_else(|| label_of(a, iri, language))
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
            label: label(&iri),
            iri: iri.clone(),
        };
        match is_concept(&iri) {
            (false, true) => diff.added.push(named),
            (true, false) => diff.removed.push(named),
            _ => diff.changed.push(change(named, &gone, &new, b, ontology)),
        }
    }
    diff
}

/// The lines of `a` that `b` lacks, and those of `b` that `a` lacks: one
/// pass over both, as they are sorted.
fn changed_lines<'a>(a: &'a Graph, b: &'a Graph) -> (Vec<&'a [u8]>, Vec<&'a [u8]>) {
    let (mut gone, mut came) = (Vec::new(), Vec::new());
    let (mut x, mut y) = (a.lines().peekable(), b.lines().peekable());
    loop {
        match (x.peek(), y.peek()) {
            (Some(l), Some(r)) if l == r => {
                x.next();
                y.next();
            }
            (Some(l), Some(r)) if l < r => {
                gone.push(*l);
                x.next();
            }
            (Some(_), Some(r)) => {
                came.push(*r);
                y.next();
            }
            (Some(l), None) => {
                gone.push(*l);
                x.next();
            }
            (None, Some(r)) => {
                came.push(*r);
                y.next();
            }
            (None, None) => break,
        }
    }
    (gone, came)
}

/// The statements of `lines` that `other` does not make in any graph, each
/// once.
fn statements(lines: &[&[u8]], other: &Graph) -> Vec<Triple> {
    let mut out: Vec<Triple> = Vec::new();
    for line in lines {
        let Some(quad) = parse_line(line) else {
            continue;
        };
        // The line without its graph: the statement, then a space.
        let statement = match &quad.graph_name {
            GraphName::DefaultGraph => line.strip_suffix(b" .").unwrap_or(line),
            g => {
                let suffix = format!(" {g} .");
                line.strip_suffix(suffix.as_bytes()).unwrap_or(line)
            }
        };
        let mut prefix = statement.to_vec();
        prefix.push(b' ');
        if !other.has(&prefix) {
            out.push(Triple::from(quad));
        }
    }
    out.sort_by(crate::order::triple_cmp);
    out.dedup();
    out
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

/// The concept a statement about `subject` is about: the subject, or the
/// concept it is a part of (`…#section-1`), if either is a concept in
/// either graph (`is_concept`).
fn owner(
    subject: &NamedOrBlankNode,
    is_concept: &mut impl FnMut(&str) -> (bool, bool),
) -> Option<String> {
    let NamedOrBlankNode::NamedNode(n) = subject else {
        return None;
    };
    let iri = n.as_str();
    let whole = iri.split_once('#').map_or(iri, |(whole, _)| whole);
    [iri, whole]
        .into_iter()
        .find(|i| is_concept(i) != (false, false))
        .map(str::to_owned)
}

/// The statements `graph` makes with subject `iri` and predicate `p`.
fn about(graph: &Graph, iri: &str, p: &str) -> Vec<Triple> {
    graph.triples(format!("<{iri}> <{p}> ").as_bytes())
}

/// The preferred label of `iri` in `graph`, in `language`, else any.
fn label_of(graph: &Graph, iri: &str, language: &str) -> Option<String> {
    let labels: Vec<oxigraph::model::Literal> = about(graph, iri, skos::PREF_LABEL.as_str())
        .into_iter()
        .filter_map(|t| match t.object {
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
    now: &Graph,
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
                    let by = about(now, iri, dcterms::IS_REPLACED_BY.as_str())
                        .iter()
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
