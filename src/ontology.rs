//! The glossgraph vocabulary (`ontology/glossary.ttl`), and the relation types and
//! registers it declares, read from that file so a new type is a Turtle edit.
//!
//! Layer: what a glossary is, beside `config`; above `vocab`.

use crate::vocab::{gg, owl, rdfs, skos, standard_inverse};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNode, NamedNodeRef, Term, Triple};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The vocabulary as shipped in this binary.
pub const GLOSSARY_TTL: &str = include_str!("../ontology/glossary.ttl");
/// The JSON-LD context for compact output.
pub const CONTEXT_JSONLD: &str = include_str!("../ontology/context.jsonld");

/// Where a relation type sits in SKOS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Under `skos:broader`: the target is more general.
    Broader,
    /// Under `skos:narrower`.
    Narrower,
    /// Under `skos:related`.
    Related,
}

/// A relation an entry may state between concepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationType {
    pub iri: NamedNode,
    /// The front-matter key, such as `part-of`.
    pub key: String,
    /// English label, such as "part of".
    pub label: String,
    /// Its labels in every language the vocabulary gives (English among them).
    pub labels: Labels,
    /// Key-fact labels that signal this type, such as "Location".
    pub fact_labels: Vec<String>,
    /// Every property the relation is also written as, up to SKOS.
    pub super_properties: Vec<NamedNode>,
    /// The type written in the other direction (itself when symmetric).
    pub inverse: NamedNode,
    pub direction: Direction,
}

/// A register a definition may be written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    pub iri: NamedNode,
    pub key: String,
    /// English label, such as "plain language".
    pub label: String,
    pub labels: Labels,
}

/// A name in each language the vocabulary gives one, as (language, text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels(Vec<(String, String)>);

impl Labels {
    /// The label in `lang` (or its primary subtag), else the English one,
    /// with the language it is in.
    pub fn get<'a>(&'a self, lang: &str) -> (&'a str, &'a str) {
        let primary = lang.split('-').next().unwrap_or_default();
        self.0
            .iter()
            .find(|(l, _)| l.eq_ignore_ascii_case(lang))
            .or_else(|| self.0.iter().find(|(l, _)| l.eq_ignore_ascii_case(primary)))
            .or_else(|| self.0.iter().find(|(l, _)| l == "en"))
            .map_or(("", "en"), |(l, t)| (t.as_str(), l.as_str()))
    }
}

/// The parsed vocabulary.
#[derive(Debug, Clone)]
pub struct Ontology {
    pub triples: Vec<Triple>,
    /// Private: `by_fact_label` is derived from it.
    relation_types: Vec<RelationType>,
    pub registers: Vec<Register>,
    /// Normalised key-fact label → index in `relation_types`: every key fact of
    /// every entry is looked up here while building.
    by_fact_label: HashMap<String, usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum OntologyError {
    #[error("the vocabulary is not valid Turtle")]
    Syntax(#[from] oxigraph::io::RdfSyntaxError),
    #[error("relation type <{iri}>: {problem}")]
    RelationType { iri: String, problem: String },
    #[error("register <{iri}>: {problem}")]
    Register { iri: String, problem: String },
}

impl Ontology {
    /// The vocabulary shipped in this binary.
    pub fn builtin() -> Result<Self, OntologyError> {
        Self::parse(GLOSSARY_TTL)
    }

    pub fn parse(turtle: &str) -> Result<Self, OntologyError> {
        let triples = RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(turtle.as_bytes())
            .map(|q| q.map(Triple::from))
            .collect::<Result<Vec<Triple>, _>>()?;
        let index = Index::new(&triples);
        let mut relation_types = vec![
            builtin(skos::BROADER, "broader", skos::NARROWER, Direction::Broader),
            builtin(
                skos::NARROWER,
                "narrower",
                skos::BROADER,
                Direction::Narrower,
            ),
            builtin(skos::RELATED, "related", skos::RELATED, Direction::Related),
        ];
        for iri in index.subjects_of_type(gg::RELATION_TYPE) {
            relation_types.push(index.relation_type(iri)?);
        }
        check_relation_types(&relation_types)?;
        let registers = index
            .subjects_of_type(gg::REGISTER_CLASS)
            .into_iter()
            .map(|iri| {
                let fail = |problem: &str| OntologyError::Register {
                    iri: iri.to_string(),
                    problem: problem.into(),
                };
                let (label, labels) = index
                    .labels(iri)
                    .ok_or_else(|| fail("no single English rdfs:label"))?;
                Ok(Register {
                    iri: iri.into_owned(),
                    key: index
                        .one_literal(iri, gg::KEY)
                        .ok_or_else(|| fail("no single gg:key"))?,
                    label,
                    labels,
                })
            })
            .collect::<Result<Vec<_>, OntologyError>>()?;
        let by_fact_label = relation_types
            .iter()
            .enumerate()
            .flat_map(|(i, t)| t.fact_labels.iter().map(move |l| (normalise_label(l), i)))
            .collect();
        Ok(Self {
            triples,
            relation_types,
            registers,
            by_fact_label,
        })
    }

    /// Every relation type, in the vocabulary's order.
    pub fn relation_types(&self) -> &[RelationType] {
        &self.relation_types
    }

    /// The relation type with front-matter key `key`.
    pub fn relation_type(&self, key: &str) -> Option<&RelationType> {
        self.relation_types.iter().find(|t| t.key == key)
    }

    pub fn relation_type_by_iri(&self, iri: NamedNodeRef<'_>) -> Option<&RelationType> {
        self.relation_types.iter().find(|t| t.iri.as_ref() == iri)
    }

    /// The relation type a key-fact label signals (ignoring case and a final colon).
    pub fn relation_type_for_fact_label(&self, label: &str) -> Option<&RelationType> {
        let i = *self.by_fact_label.get(&normalise_label(label))?;
        self.relation_types.get(i)
    }

    pub fn register(&self, key: &str) -> Option<&Register> {
        self.registers.iter().find(|r| r.key == key)
    }

    /// The register a person wrote, by key or label, ignoring case, spaces
    /// and punctuation (`Plain language`, `plain-language`): how importers
    /// read a register.
    pub fn register_written(&self, written: &str) -> Option<&Register> {
        let letters = |text: &str| {
            text.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase()
        };
        let wanted = letters(written);
        self.registers
            .iter()
            .find(|r| letters(&r.key) == wanted || letters(&r.label) == wanted)
    }

    /// The registers' keys, for messages: `plain-language, legal`.
    pub fn register_keys(&self) -> String {
        let keys: Vec<&str> = self.registers.iter().map(|r| r.key.as_str()).collect();
        keys.join(", ")
    }

    /// Every property written for a relation of type `t` from subject to target,
    /// and every property written back from target to subject.
    pub fn expand(&self, t: &RelationType) -> (Vec<NamedNode>, Vec<NamedNode>) {
        let mut forward = vec![t.iri.clone()];
        forward.extend(t.super_properties.iter().cloned());
        let backward = forward
            .iter()
            .map(|p| {
                self.relation_type_by_iri(p.as_ref())
                    .map(|r| r.inverse.clone())
                    .or_else(|| standard_inverse(p.as_ref()).map(NamedNodeRef::into_owned))
                    .unwrap_or_else(|| p.clone())
            })
            .collect();
        (forward, backward)
    }
}

fn normalise_label(label: &str) -> String {
    label.trim().trim_end_matches(':').trim().to_lowercase()
}

fn builtin(
    iri: NamedNodeRef<'_>,
    key: &str,
    inverse: NamedNodeRef<'_>,
    direction: Direction,
) -> RelationType {
    RelationType {
        iri: iri.into_owned(),
        key: key.into(),
        label: key.into(),
        labels: Labels(vec![("en".into(), key.into())]),
        fact_labels: Vec::new(),
        super_properties: Vec::new(),
        inverse: inverse.into_owned(),
        direction,
    }
}

/// Every type's inverse must be declared, point back, and sit on the other side of SKOS.
fn check_relation_types(types: &[RelationType]) -> Result<(), OntologyError> {
    let mut keys = BTreeSet::new();
    let mut fact_labels = BTreeMap::new();
    for t in types {
        let fail = |problem: String| OntologyError::RelationType {
            iri: t.iri.to_string(),
            problem,
        };
        if !keys.insert(t.key.as_str()) {
            return Err(fail(format!(
                "the key `{}` is used by another type too",
                t.key
            )));
        }
        for label in &t.fact_labels {
            if let Some(other) = fact_labels.insert(normalise_label(label), &t.key) {
                return Err(fail(format!(
                    "the key-fact label `{label}` also signals `{other}`"
                )));
            }
        }
        let inverse = types.iter().find(|i| i.iri == t.inverse).ok_or_else(|| {
            fail(format!(
                "its inverse <{}> is not a relation type",
                t.inverse
            ))
        })?;
        if inverse.inverse != t.iri {
            return Err(fail(format!(
                "its inverse <{}> names <{}> as inverse",
                inverse.iri, inverse.inverse
            )));
        }
        let expected = match t.direction {
            Direction::Broader => Direction::Narrower,
            Direction::Narrower => Direction::Broader,
            Direction::Related => Direction::Related,
        };
        if inverse.direction != expected {
            return Err(fail(format!(
                "its inverse <{}> is not on the opposite side of SKOS",
                inverse.iri
            )));
        }
    }
    Ok(())
}

/// Lookups over the vocabulary's triples.
struct Index<'a> {
    triples: &'a [Triple],
}

impl<'a> Index<'a> {
    fn new(triples: &'a [Triple]) -> Self {
        Self { triples }
    }

    fn objects(
        &self,
        subject: NamedNodeRef<'_>,
        predicate: NamedNodeRef<'_>,
    ) -> impl Iterator<Item = &'a Term> {
        self.triples
            .iter()
            .filter(move |t| {
                t.subject.as_ref() == subject.into() && t.predicate.as_ref() == predicate
            })
            .map(|t| &t.object)
    }

    fn subjects_of_type(&self, class: NamedNodeRef<'_>) -> Vec<NamedNodeRef<'a>> {
        let mut found: Vec<_> = self
            .triples
            .iter()
            .filter(|t| {
                t.predicate.as_ref() == oxigraph::model::vocab::rdf::TYPE
                    && t.object.as_ref() == class.into()
            })
            .filter_map(|t| match &t.subject {
                oxigraph::model::NamedOrBlankNode::NamedNode(n) => Some(n.as_ref()),
                oxigraph::model::NamedOrBlankNode::BlankNode(_) => None,
            })
            .collect();
        found.sort();
        found.dedup();
        found
    }

    fn literals(&self, subject: NamedNodeRef<'_>, predicate: NamedNodeRef<'_>) -> Vec<String> {
        self.objects(subject, predicate)
            .filter_map(|o| match o {
                Term::Literal(l) => Some(l.value().to_owned()),
                _ => None,
            })
            .collect()
    }

    /// The English `rdfs:label` (untagged counts as English) and every
    /// label by language; `None` unless there is one English label and at
    /// most one in each other language.
    fn labels(&self, subject: NamedNodeRef<'_>) -> Option<(String, Labels)> {
        let mut labels: Vec<(String, String)> = Vec::new();
        for o in self.objects(subject, rdfs::LABEL) {
            let Term::Literal(l) = o else { continue };
            let lang = l.language().unwrap_or("en").to_ascii_lowercase();
            if labels.iter().any(|(seen, _)| *seen == lang) {
                return None;
            }
            labels.push((lang, l.value().to_owned()));
        }
        labels.sort();
        let english = labels.iter().find(|(l, _)| l == "en")?.1.clone();
        Some((english, Labels(labels)))
    }

    fn one_literal(
        &self,
        subject: NamedNodeRef<'_>,
        predicate: NamedNodeRef<'_>,
    ) -> Option<String> {
        match self.literals(subject, predicate).as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }

    fn iris(&self, subject: NamedNodeRef<'_>, predicate: NamedNodeRef<'_>) -> Vec<NamedNode> {
        self.objects(subject, predicate)
            .filter_map(|o| match o {
                Term::NamedNode(n) => Some(n.clone()),
                _ => None,
            })
            .collect()
    }

    fn relation_type(&self, iri: NamedNodeRef<'_>) -> Result<RelationType, OntologyError> {
        let fail = |problem: &str| OntologyError::RelationType {
            iri: iri.to_string(),
            problem: problem.into(),
        };
        let key = self
            .one_literal(iri, gg::KEY)
            .ok_or_else(|| fail("it needs exactly one gg:key"))?;
        let (label, labels) = self.labels(iri).ok_or_else(|| {
            fail("it needs exactly one English rdfs:label, and at most one in each other language")
        })?;
        let mut fact_labels = self.literals(iri, gg::KEY_FACT_LABEL);
        fact_labels.sort();
        let mut super_properties = self.iris(iri, rdfs::SUB_PROPERTY_OF);
        super_properties.sort();
        let symmetric = self
            .objects(iri, oxigraph::model::vocab::rdf::TYPE)
            .any(|o| o.as_ref() == owl::SYMMETRIC_PROPERTY.into());
        let inverse = match (self.iris(iri, owl::INVERSE_OF).as_slice(), symmetric) {
            ([inverse], false) => inverse.clone(),
            ([], true) => iri.into_owned(),
            _ => {
                return Err(fail(
                    "it needs exactly one owl:inverseOf, or to be an owl:SymmetricProperty",
                ));
            }
        };
        let has = |p: NamedNodeRef<'_>| super_properties.iter().any(|s| s.as_ref() == p);
        let direction = match (has(skos::BROADER), has(skos::NARROWER), has(skos::RELATED)) {
            (true, false, false) => Direction::Broader,
            (false, true, false) => Direction::Narrower,
            (false, false, true) => Direction::Related,
            _ => {
                return Err(fail(
                    "it must be a sub-property of exactly one of skos:broader, skos:narrower and skos:related",
                ));
            }
        };
        Ok(RelationType {
            iri: iri.into_owned(),
            key,
            label,
            labels,
            fact_labels,
            super_properties,
            inverse,
            direction,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped vocabulary names its relation types and registers in
    /// every language the pages' interface speaks, so no page shows them in
    /// another language.
    #[test]
    fn relation_types_and_registers_are_named_in_every_interface_language() {
        let ontology = Ontology::builtin().unwrap();
        let named = ontology
            .relation_types()
            .iter()
            .filter(|t| t.iri.as_str().starts_with(crate::vocab::GG_NS))
            .map(|t| (&t.key, &t.labels))
            .chain(ontology.registers.iter().map(|r| (&r.key, &r.labels)));
        for (key, labels) in named {
            for lang in ["en", "de", "fr"] {
                assert_eq!(labels.get(lang).1, lang, "{key} has no {lang} label");
            }
        }
        let part_of = ontology.relation_type("part-of").unwrap();
        assert_eq!(part_of.labels.get("de-AT"), ("Teil von", "de"));
        assert_eq!(part_of.labels.get("es"), ("part of", "en"));
    }
    use crate::vocab::iso_thes;

    #[test]
    fn the_shipped_vocabulary_is_valid() {
        let ontology = Ontology::builtin().unwrap();
        let part_of = ontology.relation_type("part-of").unwrap();
        assert_eq!(part_of.direction, Direction::Broader);
        assert_eq!(
            part_of.inverse.as_str(),
            "https://w3id.org/glossgraph/ns#hasPart"
        );
        assert_eq!(
            ontology
                .relation_type_for_fact_label("location:")
                .unwrap()
                .key,
            "part-of"
        );
        assert_eq!(
            ontology
                .relation_type_for_fact_label("Works with")
                .unwrap()
                .key,
            "works-with"
        );
        assert!(
            ontology
                .relation_type_for_fact_label("Definition")
                .is_none()
        );
        assert_eq!(
            ontology.register("plain-language").unwrap().label,
            "Plain-language"
        );
    }

    #[test]
    fn registers_are_read_as_people_write_them() {
        let o = Ontology::builtin().unwrap();
        for written in [
            "plain-language",
            "Plain language",
            "PLAIN-LANGUAGE",
            "Plain-language",
        ] {
            assert_eq!(
                o.register_written(written).map(|r| r.key.as_str()),
                Some("plain-language"),
                "{written}"
            );
        }
        assert!(o.register_written("legalese").is_none());
        assert!(
            o.register_keys().contains("plain-language, "),
            "{}",
            o.register_keys()
        );
    }

    #[test]
    fn expansion_writes_super_properties_and_inverses() {
        let ontology = Ontology::builtin().unwrap();
        let (forward, backward) = ontology.expand(ontology.relation_type("part-of").unwrap());
        assert_eq!(
            forward[1..],
            [
                iso_thes::BROADER_PARTITIVE.into_owned(),
                skos::BROADER.into_owned()
            ]
        );
        assert_eq!(
            backward,
            [
                NamedNode::new_unchecked("https://w3id.org/glossgraph/ns#hasPart"),
                iso_thes::NARROWER_PARTITIVE.into_owned(),
                skos::NARROWER.into_owned()
            ]
        );
        let (forward, backward) = ontology.expand(ontology.relation_type("works-with").unwrap());
        assert_eq!(forward, backward);
    }

    #[test]
    fn a_relation_type_without_inverse_is_refused() {
        let ttl = "@prefix gg: <https://w3id.org/glossgraph/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
gg:funds a gg:RelationType ; gg:key \"funds\" ; rdfs:label \"funds\" ; rdfs:subPropertyOf skos:related .";
        let err = Ontology::parse(ttl).unwrap_err().to_string();
        assert!(err.contains("owl:inverseOf"), "{err}");
    }

    #[test]
    fn a_new_relation_type_is_a_turtle_edit() {
        let ttl = format!(
            "{GLOSSARY_TTL}\ngg:funds a gg:RelationType ; gg:key \"funds\" ; rdfs:label \"funds\"@en ;
             gg:keyFactLabel \"Funds\"@en ; rdfs:subPropertyOf skos:related ; owl:inverseOf gg:fundedBy .
             gg:fundedBy a gg:RelationType ; gg:key \"funded-by\" ; rdfs:label \"funded by\"@en ;
             rdfs:subPropertyOf skos:related ; owl:inverseOf gg:funds ."
        );
        let ontology = Ontology::parse(&ttl).unwrap();
        assert_eq!(
            ontology.relation_type_for_fact_label("Funds").unwrap().key,
            "funds"
        );
    }
}
