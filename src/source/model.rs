//! The in-memory model of a glossary entry, independent of the file it came from.

use crate::diagnostic::Pos;
use std::path::PathBuf;

/// A value and the position in its source file where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Spanned<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> Spanned<T> {
    pub const fn new(value: T, pos: Pos) -> Self {
        Self { value, pos }
    }
}

/// Text in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// A BCP 47 language tag, lowercase.
    pub lang: String,
    pub value: String,
    pub pos: Pos,
}

/// One glossary entry: a term with its definition, prose and relations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The entry's identifier, taken from its file name; part of its IRI.
    pub id: String,
    pub path: PathBuf,
    /// The language of the body and of text written without a language.
    pub language: String,
    /// Preferred terms, at most one per language.
    pub terms: Vec<Text>,
    pub alt_labels: Vec<Text>,
    /// Labels for search only, such as common misspellings.
    pub hidden_labels: Vec<Text>,
    /// One-line definitions, at most one per language.
    pub definitions: Vec<Text>,
    /// Front-matter key of the definition's register, such as `plain-language`.
    pub register: Option<Spanned<String>>,
    pub notation: Option<Spanned<String>>,
    pub relations: Vec<Relation>,
    pub key_facts: Vec<KeyFact>,
    pub misconceptions: Vec<Misconception>,
    pub sources: Vec<Spanned<Source>>,
    pub mappings: Vec<Mapping>,
    pub sections: Vec<Section>,
    /// SKOS documentation notes (`notes:`), of each kind in any language.
    pub notes: Vec<Note>,
    pub deprecated: Option<Spanned<bool>>,
    /// The entry that replaces this one, when deprecated.
    pub replaced_by: Option<Spanned<String>>,
    /// What an editor must still do, as an importer wrote it (`needs-review:`).
    /// An entry so marked may lack its term or definition: `check` warns
    /// instead of refusing it, and the graph holds what it has.
    pub needs_review: Option<Spanned<String>>,
    /// What the entry groups when it is a collection (`members:`), not a
    /// concept; `None` for a concept.
    pub members: Option<Members>,
}

/// The members of a collection: concepts and other collections, by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Members {
    pub ids: Vec<Spanned<String>>,
    /// Whether their order is part of what the collection says (`ordered: true`).
    pub ordered: bool,
    /// Where `members:` is.
    pub pos: Pos,
}

/// A relation stated in the front matter: `relations: { part-of: [target] }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// The relation type's front-matter key, as written.
    pub key: Spanned<String>,
    /// The target entry's id.
    pub target: Spanned<String>,
}

/// A labelled statement, such as `Location: within the European Commission`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFact {
    pub label: String,
    pub value: String,
    /// Entries the value refers to. Where the label names a relation type, each
    /// target is also related to the entry by that type.
    pub targets: Vec<Spanned<String>>,
    pub pos: Pos,
}

/// A claim often heard, and its correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misconception {
    pub claim: String,
    pub correction: String,
    pub pos: Pos,
}

/// Where an entry's facts come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// An Article of the regulation configured in `glossary.toml`, as written
    /// (`Art. 3(47)`), its number (3) and the paragraph or point cited within
    /// it (`(47)`, empty for the whole Article).
    Article {
        text: String,
        number: u32,
        point: String,
    },
    /// Any other source, by IRI.
    Iri(String),
}

impl Source {
    /// An Article citation as published, whatever its spelling: `Article 3(47)`.
    pub fn citation(&self) -> Option<String> {
        match self {
            Source::Article { number, point, .. } => Some(format!("Article {number}{point}")),
            Source::Iri(_) => None,
        }
    }
}

/// The kinds of SKOS mapping to concepts of other vocabularies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchKind {
    Exact,
    Close,
    Broad,
    Narrow,
    Related,
}

impl MatchKind {
    pub const ALL: [(&'static str, MatchKind); 5] = [
        ("exact", MatchKind::Exact),
        ("close", MatchKind::Close),
        ("broad", MatchKind::Broad),
        ("narrow", MatchKind::Narrow),
        ("related", MatchKind::Related),
    ];
}

/// A link to a concept of another vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub kind: MatchKind,
    pub iri: String,
    pub pos: Pos,
}

/// The kinds of SKOS documentation note an entry may hold, each published
/// as its SKOS property (`scope` as `skos:scopeNote`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NoteKind {
    Scope,
    Example,
    History,
    Editorial,
    Change,
    Note,
}

impl NoteKind {
    /// Each kind's key under `notes:`, in the order entries list them.
    pub const ALL: [(&'static str, NoteKind); 6] = [
        ("scope", NoteKind::Scope),
        ("example", NoteKind::Example),
        ("history", NoteKind::History),
        ("editorial", NoteKind::Editorial),
        ("change", NoteKind::Change),
        ("note", NoteKind::Note),
    ];

    pub fn key(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("note", |(key, _)| key)
    }
}

/// A documentation note: its kind and its text, as written (line breaks kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub kind: NoteKind,
    pub text: Text,
}

/// A `##` section of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    /// The section's CommonMark source, trimmed.
    pub markdown: String,
    /// The section's text with Markdown removed, paragraphs separated by blank lines.
    pub plain: String,
    pub pos: Pos,
}

impl Entry {
    /// Whether the entry is a collection (it has `members:`), not a concept.
    pub fn is_collection(&self) -> bool {
        self.members.is_some()
    }

    /// The preferred term in `lang`, if the entry has one.
    pub fn term(&self, lang: &str) -> Option<&str> {
        self.terms
            .iter()
            .find(|t| t.lang == lang)
            .map(|t| t.value.as_str())
    }

    /// Every relation the entry states, from `relations` and from key facts whose
    /// label names a relation type (given by `type_of_fact_label`).
    pub fn all_relations<'a>(
        &'a self,
        type_of_fact_label: impl Fn(&str) -> Option<&'a str>,
    ) -> Vec<Relation> {
        let mut all = self.relations.clone();
        for fact in &self.key_facts {
            if let Some(key) = type_of_fact_label(&fact.label) {
                for target in &fact.targets {
                    all.push(Relation {
                        key: Spanned::new(key.to_owned(), target.pos),
                        target: target.clone(),
                    });
                }
            }
        }
        all
    }
}
