//! An entry an importer has made, before it is a file: plain values, no positions.
//!
//! [`Draft::to_text`] writes it in the entry format (YAML front matter and a
//! Markdown body) that `crate::source` reads back.

use super::markdown;
use super::yaml::Yaml;
use crate::source::NoteKind;

/// Text in one language.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tagged {
    /// A lowercase BCP 47 language tag.
    pub lang: String,
    pub text: String,
}

impl Tagged {
    pub fn new(lang: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            lang: lang.into(),
            text: text.into(),
        }
    }
}

/// A key fact: `Label: value`, with the ids of the entries the value names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftFact {
    pub label: String,
    pub value: String,
    pub targets: Vec<String>,
}

/// A section: its title and its body as CommonMark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftSection {
    pub title: String,
    pub markdown: String,
}

/// An entry to be written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    /// The id: the file name without `.md`.
    pub id: String,
    /// The language of the body and of text without a language, when it is not
    /// the glossary's default.
    pub language: Option<String>,
    pub terms: Vec<Tagged>,
    pub alt_labels: Vec<Tagged>,
    pub hidden_labels: Vec<Tagged>,
    pub definitions: Vec<Tagged>,
    /// A register's key, such as `plain-language`.
    pub register: Option<String>,
    pub notation: Option<String>,
    /// Relation type key and target ids, in the order written.
    pub relations: Vec<(String, Vec<String>)>,
    pub key_facts: Vec<DraftFact>,
    /// (often heard, actually)
    pub misconceptions: Vec<(String, String)>,
    /// `Article N` or IRIs.
    pub sources: Vec<String>,
    /// Mapping kind (`exact`, `close`, …) and IRIs.
    pub mappings: Vec<(String, Vec<String>)>,
    pub deprecated: bool,
    pub replaced_by: Option<String>,
    pub sections: Vec<DraftSection>,
    /// Documentation notes by kind (`scope`, `example`, … as
    /// [`NoteKind::ALL`] lists them), each text in its language.
    pub notes: Vec<(NoteKind, Vec<Tagged>)>,
    /// What the editor must still do (`needs-review:`), such as write the
    /// definition the source did not have.
    pub needs_review: Option<String>,
    /// For a collection, the ids of its members (`members:`).
    pub members: Option<Vec<String>>,
    /// Whether the collection's members are in order (`ordered: true`).
    pub ordered: bool,
}

impl Draft {
    /// The file text: front matter between `---` lines, then the sections.
    /// `default_language` is the glossary's; text in it is written without a tag.
    pub fn to_text(&self, default_language: &str) -> String {
        let body_language = self.language.as_deref().unwrap_or(default_language);
        let mut y = Yaml::default();
        y.line("---");
        // First, where an editor opening the file sees it.
        if let Some(review) = &self.needs_review {
            y.pair(0, "needs-review", review);
        }
        y.texts("term", &self.terms, body_language, false);
        y.texts("alt-labels", &self.alt_labels, body_language, true);
        y.texts("hidden-labels", &self.hidden_labels, body_language, true);
        y.texts("definition", &self.definitions, body_language, false);
        if let Some(register) = &self.register {
            y.pair(0, "register", register);
        }
        if let Some(notation) = &self.notation {
            y.pair(0, "notation", notation);
        }
        if let Some(language) = &self.language {
            y.pair(0, "language", language);
        }
        let relations: Vec<_> = self
            .relations
            .iter()
            .filter(|(_, ids)| !ids.is_empty())
            .collect();
        if !relations.is_empty() {
            y.line("relations:");
            for (key, ids) in relations {
                y.list(2, key, ids);
            }
        }
        if !self.key_facts.is_empty() {
            y.line("key-facts:");
            for fact in &self.key_facts {
                y.fact(fact);
            }
        }
        if !self.misconceptions.is_empty() {
            y.line("misconceptions:");
            for (claim, correction) in &self.misconceptions {
                y.item_pair(2, "often-heard", claim);
                y.pair(4, "actually", correction);
            }
        }
        if !self.sources.is_empty() {
            y.list(0, "sources", &self.sources);
        }
        let mappings: Vec<_> = self
            .mappings
            .iter()
            .filter(|(_, iris)| !iris.is_empty())
            .collect();
        if !mappings.is_empty() {
            y.line("mappings:");
            for (kind, iris) in mappings {
                y.list(2, kind, iris);
            }
        }
        let notes: Vec<_> = self.notes.iter().filter(|(_, t)| !t.is_empty()).collect();
        if !notes.is_empty() {
            y.line("notes:");
            for (kind, texts) in notes {
                y.texts_at(2, kind.key(), texts, body_language, true);
            }
        }
        match &self.members {
            Some(ids) if ids.is_empty() => y.line("members: []"),
            Some(ids) => y.list(0, "members", ids),
            None => {}
        }
        if self.ordered {
            y.line("ordered: true");
        }
        if self.deprecated {
            y.line("deprecated: true");
        }
        if let Some(by) = &self.replaced_by {
            y.pair(0, "replaced-by", by);
        }
        y.line("---");
        let mut text = y.finish();
        for section in &self.sections {
            text.push('\n');
            text.push_str("## ");
            text.push_str(&markdown::heading(&section.title));
            text.push_str("\n\n");
            text.push_str(section.markdown.trim());
            text.push('\n');
        }
        text
    }
}

impl Draft {
    /// Keeps what `existing` (the entry this draft rewrites) says that the
    /// draft's source cannot: alternative and hidden labels (and the old
    /// term, when the term changed, so it is still found by that name),
    /// notation, sources, relations, mappings, notes and deprecation. The
    /// draft's own values come first; nothing is said twice.
    pub fn keep_from(&mut self, existing: &crate::source::Entry) {
        let same = |a: &Tagged, b: &Tagged| {
            a.lang == b.lang && a.text.to_lowercase() == b.text.to_lowercase()
        };
        let tagged = |t: &crate::source::Text| Tagged::new(&t.lang, &t.value);
        let mut alt: Vec<Tagged> = existing.terms.iter().map(tagged).collect();
        alt.extend(existing.alt_labels.iter().map(tagged));
        for label in alt {
            if !self
                .terms
                .iter()
                .chain(&self.alt_labels)
                .any(|t| same(t, &label))
            {
                self.alt_labels.push(label);
            }
        }
        for label in existing.hidden_labels.iter().map(tagged) {
            if !self.hidden_labels.iter().any(|t| same(t, &label)) {
                self.hidden_labels.push(label);
            }
        }
        if self.notation.is_none() {
            self.notation = existing.notation.as_ref().map(|n| n.value.clone());
        }
        for source in &existing.sources {
            let written = match &source.value {
                crate::source::Source::Article { text, .. } => text.clone(),
                crate::source::Source::Iri(iri) => iri.clone(),
            };
            if !self.sources.contains(&written) {
                self.sources.push(written);
            }
        }
        for relation in &existing.relations {
            let (key, target) = (&relation.key.value, &relation.target.value);
            let stated = self
                .relations
                .iter()
                .any(|(k, ts)| k == key && ts.contains(target))
                || self.key_facts.iter().any(|f| f.targets.contains(target));
            if stated {
                continue;
            }
            match self.relations.iter_mut().find(|(k, _)| k == key) {
                Some((_, targets)) => targets.push(target.clone()),
                None => self.relations.push((key.clone(), vec![target.clone()])),
            }
        }
        for mapping in &existing.mappings {
            let Some((kind, _)) = crate::source::MatchKind::ALL
                .iter()
                .find(|(_, k)| *k == mapping.kind)
            else {
                continue;
            };
            let kind = (*kind).to_owned();
            match self.mappings.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, iris)) if !iris.contains(&mapping.iri) => iris.push(mapping.iri.clone()),
                Some(_) => {}
                None => self.mappings.push((kind, vec![mapping.iri.clone()])),
            }
        }
        for note in &existing.notes {
            let text = tagged(&note.text);
            match self.notes.iter_mut().find(|(k, _)| *k == note.kind) {
                Some((_, texts)) if !texts.contains(&text) => texts.push(text),
                Some(_) => {}
                None => self.notes.push((note.kind, vec![text])),
            }
        }
        if existing.deprecated.as_ref().is_some_and(|d| d.value) {
            self.deprecated = true;
            self.replaced_by = existing.replaced_by.as_ref().map(|r| r.value.clone());
        }
    }
}
