//! What converting a vocabulary did: the entries written, what changed on
//! the way (the same said another way, or marked for review), and what is
//! lost: concepts left out, statements left out and why, and statements with
//! no place in an entry. Any loss stops the import unless it is allowed.

use crate::diagnostic::Diagnostic;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;

/// Examples kept per kind of finding.
const EXAMPLES: usize = 3;

/// A count, with the first few examples.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Count {
    pub count: usize,
    pub examples: Vec<String>,
}

impl Count {
    fn add(&mut self, example: String) {
        self.count += 1;
        if self.examples.len() < EXAMPLES && !self.examples.contains(&example) {
            self.examples.push(example);
        }
    }
}

/// Findings counted while reading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// What the entries say another way than the source, by kind.
    pub changes: BTreeMap<String, Count>,
    /// What the source says that no entry will, by why.
    pub lost: BTreeMap<String, Count>,
    /// Statements about concepts with no place in an entry, by property.
    pub not_converted: BTreeMap<String, usize>,
    /// Statements glossgraph writes itself when it builds, by property.
    pub regenerated: BTreeMap<String, usize>,
}

impl Tally {
    pub fn change(&mut self, what: &str, example: impl fmt::Display) {
        self.changes
            .entry(what.to_owned())
            .or_default()
            .add(example.to_string());
    }

    pub fn lose(&mut self, why: &str, example: impl fmt::Display) {
        self.lost
            .entry(why.to_owned())
            .or_default()
            .add(example.to_string());
    }

    pub fn not_converted(&mut self, property: &str) {
        *self.not_converted.entry(short(property)).or_default() += 1;
    }

    pub fn regenerated(&mut self, property: &str) {
        *self.regenerated.entry(short(property)).or_default() += 1;
    }
}

/// A property with a known prefix, else in angle brackets (unless it is
/// already bracketed, or is not an IRI).
fn short(iri: &str) -> String {
    if iri.starts_with('<') || iri.contains(' ') {
        iri.to_owned()
    } else {
        crate::vocab::compact(iri)
    }
}

/// One vocabulary file read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSummary {
    pub input: String,
    pub triples: usize,
}

/// A concept converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub iri: String,
    pub id: String,
    pub path: PathBuf,
    /// Whether it was a collection (and its entry has `members`).
    pub collection: bool,
}

/// What converting vocabularies to entries did.
#[derive(Debug, Clone, Default)]
pub struct SkosReport {
    pub inputs: Vec<InputSummary>,
    /// Distinct triples across the inputs.
    pub triples: usize,
    /// Concepts found (`skos:Concept` subjects).
    pub concepts: usize,
    /// Collections found (`skos:Collection`, `skos:OrderedCollection`
    /// subjects that are not concepts).
    pub collections: usize,
    /// Concepts written, in IRI order.
    pub converted: Vec<Converted>,
    /// Concepts not written: IRI (or blank node) and why.
    pub skipped: Vec<(String, String)>,
    pub tally: Tally,
    /// Languages of the new entries that `glossary.toml` does not list.
    pub unlisted_languages: BTreeSet<String>,
    /// What `glossgraph check` warns about in the new entries (first few).
    pub warnings: Vec<Diagnostic>,
    /// How many warnings there were in all.
    pub warning_count: usize,
    /// The folder written to.
    pub out_dir: PathBuf,
    /// What `--sanitize` removed, one line each.
    pub sanitized: Vec<String>,
}

impl SkosReport {
    /// How much of the source no entry says: concepts left out, statements
    /// left out and statements with no place in an entry.
    pub fn lost(&self) -> usize {
        self.skipped.len()
            + self.tally.lost.values().map(|c| c.count).sum::<usize>()
            + self.tally.not_converted.values().sum::<usize>()
    }

    /// The id each converted concept's IRI became.
    pub fn ids(&self) -> BTreeMap<&str, &str> {
        self.converted
            .iter()
            .map(|c| (c.iri.as_str(), c.id.as_str()))
            .collect()
    }
}

impl fmt::Display for SkosReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for input in &self.inputs {
            writeln!(f, "read {}: {} triples", input.input, input.triples)?;
        }
        writeln!(
            f,
            "{} concept(s) and {} collection(s) found, {} written to {}, {} skipped",
            self.concepts,
            self.collections,
            self.converted.len(),
            self.out_dir.display(),
            self.skipped.len()
        )?;
        crate::import::characters::write_removed(f, &self.sanitized)?;
        let mut reasons: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (iri, why) in &self.skipped {
            reasons.entry(why.as_str()).or_default().push(iri.as_str());
        }
        for (why, iris) in reasons {
            write!(f, "  skipped {}: {why}", iris.len())?;
            let shown: Vec<&str> = iris.iter().take(EXAMPLES).copied().collect();
            writeln!(f, " (e.g. {})", shown.join(", "))?;
        }
        if !self.tally.changes.is_empty() {
            writeln!(
                f,
                "changed on the way (said another way, or marked for review):"
            )?;
            write_counts(f, &self.tally.changes)?;
        }
        if !self.tally.lost.is_empty() {
            writeln!(f, "lost (left out of the entries):")?;
            write_counts(f, &self.tally.lost)?;
        }
        if !self.tally.not_converted.is_empty() {
            let list: Vec<String> = self
                .tally
                .not_converted
                .iter()
                .map(|(p, n)| format!("{p} ×{n}"))
                .collect();
            writeln!(
                f,
                "lost, with no place in an entry (statements, by property or by what they describe): {}",
                list.join(", ")
            )?;
        }
        if !self.tally.regenerated.is_empty() {
            let list: Vec<String> = self
                .tally
                .regenerated
                .iter()
                .map(|(p, n)| format!("{p} ×{n}"))
                .collect();
            writeln!(
                f,
                "written anew by glossgraph for this glossary: {}",
                list.join(", ")
            )?;
        }
        if !self.unlisted_languages.is_empty() {
            let list: Vec<&str> = self.unlisted_languages.iter().map(String::as_str).collect();
            writeln!(
                f,
                "languages not listed in glossary.toml: {}; add them to `languages` to publish them",
                list.join(", ")
            )?;
        }
        for warning in &self.warnings {
            writeln!(f, "{warning}")?;
        }
        if self.warning_count > self.warnings.len() {
            writeln!(
                f,
                "… and {} more warning(s); run `glossgraph check`",
                self.warning_count - self.warnings.len()
            )?;
        }
        Ok(())
    }
}

/// Each kind counted, with its first examples.
fn write_counts(f: &mut fmt::Formatter<'_>, counts: &BTreeMap<String, Count>) -> fmt::Result {
    for (what, count) in counts {
        writeln!(
            f,
            "  {}: {what} (e.g. {})",
            count.count,
            count.examples.join("; ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_are_shortened_with_known_prefixes() {
        assert_eq!(
            short("http://purl.org/dc/terms/modified"),
            "dcterms:modified"
        );
        assert_eq!(short("http://example.org/p"), "<http://example.org/p>");
        assert_eq!(short("rdf:type <http://x>"), "rdf:type <http://x>");
    }

    #[test]
    fn counts_keep_a_few_distinct_examples() {
        let mut tally = Tally::default();
        for i in 0..10 {
            tally.change("x", i % 2);
        }
        assert_eq!(tally.changes["x"].count, 10);
        assert_eq!(tally.changes["x"].examples, ["0", "1"]);
    }
}
