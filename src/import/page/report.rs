//! What importing pages did, for the command line to print.

use super::layout::Dropped;
use crate::diagnostic::Diagnostic;
use std::fmt;
use std::path::PathBuf;

/// What importing pages did.
#[derive(Debug, Clone, Default)]
pub struct PageReport {
    /// One per page, in the order given.
    pub pages: Vec<PageOutcome>,
    /// What `glossgraph check` warns about in the new entries.
    pub warnings: Vec<Diagnostic>,
    /// What `--sanitize` removed, one line each.
    pub sanitized: Vec<String>,
    /// With `--update`: what rewriting the entries changes in the graph, as
    /// `glossgraph diff` says it.
    pub change: Option<String>,
}

/// What became of one page.
#[derive(Debug, Clone, Default)]
pub struct PageOutcome {
    pub input: String,
    pub id: String,
    pub term: String,
    /// The entry file written.
    pub path: PathBuf,
    /// The file existed and was overwritten (`--force`, `--update`).
    pub replaced: bool,
    /// The page rewrote the glossary's entry it is about (`--update`).
    pub updates: bool,
    /// Another file of the glossary has this id (the new entry is written elsewhere).
    pub shadows: Option<PathBuf>,
    /// The register's key, if the page names a known one.
    pub register: Option<String>,
    pub sections: usize,
    pub facts: usize,
    pub misconceptions: usize,
    pub sources: usize,
    /// Relations made from key facts.
    pub relations: Vec<Linked>,
    /// Parts of relation key facts that name no concept.
    pub unresolved: Vec<UnresolvedMention>,
    /// Relations found but not stated, and why.
    pub skipped: Vec<SkippedRelation>,
    /// Parts of the page left out, and why.
    pub dropped: Vec<Dropped>,
    /// Anything else worth knowing.
    pub notes: Vec<String>,
}

/// A relation made from a key fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linked {
    /// The relation type's key, such as `part-of`.
    pub key: String,
    /// The target entry's id.
    pub target: String,
    /// The key fact's label and line.
    pub fact: String,
    pub line: usize,
    /// The words of the value that name the target, and the label they matched.
    pub mention: String,
    pub label: String,
    /// The words are part of the label, not all of it.
    pub partial: bool,
}

/// Words of a relation key fact that name no concept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnresolvedMention {
    pub fact: String,
    pub line: usize,
    pub mention: String,
    pub why: String,
}

/// A relation found but not stated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRelation {
    pub key: String,
    pub target: String,
    pub fact: String,
    pub line: usize,
    pub reason: String,
}

impl PageOutcome {
    /// The ids of the targets of relations of type `key`.
    pub fn targets(&self, key: &str) -> Vec<&str> {
        self.relations
            .iter()
            .filter(|r| r.key == key)
            .map(|r| r.target.as_str())
            .collect()
    }
}

impl fmt::Display for PageReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(change) = &self.change {
            writeln!(f, "the change to the graph:")?;
            for line in change.lines() {
                writeln!(f, "  {line}")?;
            }
        }
        for page in &self.pages {
            write!(f, "{page}")?;
        }
        crate::import::characters::write_removed(f, &self.sanitized)?;
        for warning in &self.warnings {
            writeln!(f, "{warning}")?;
        }
        Ok(())
    }
}

impl fmt::Display for PageOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} → {}{}: `{}`, {} section(s), {} key fact(s), {} misconception(s), {} source(s)",
            self.input,
            self.path.display(),
            if self.updates {
                " (updated)"
            } else if self.replaced {
                " (overwritten)"
            } else {
                ""
            },
            self.term,
            self.sections,
            self.facts,
            self.misconceptions,
            self.sources
        )?;
        if let Some(register) = &self.register {
            writeln!(f, "  register: {register}")?;
        }
        if let Some(other) = &self.shadows {
            writeln!(
                f,
                "  note: the glossary already has an entry `{}` ({}); both cannot be in one glossary",
                self.id,
                other.display()
            )?;
        }
        for r in &self.relations {
            write!(
                f,
                "  relation {} → {} (key fact `{}`, line {}: “{}”",
                r.key, r.target, r.fact, r.line, r.mention
            )?;
            if r.partial {
                write!(f, ", partly matching the label “{}”", r.label)?;
            }
            writeln!(f, ")")?;
        }
        for u in &self.unresolved {
            writeln!(
                f,
                "  unresolved in key fact `{}` (line {}): “{}”: {}; it stays text",
                u.fact, u.line, u.mention, u.why
            )?;
        }
        for s in &self.skipped {
            writeln!(
                f,
                "  skipped relation {} → {} (key fact `{}`, line {}): {}",
                s.key, s.target, s.fact, s.line, s.reason
            )?;
        }
        for d in &self.dropped {
            let lines = if d.first_line == 0 {
                "a block".to_owned()
            } else if d.first_line == d.last_line {
                format!("line {}", d.first_line)
            } else {
                format!("lines {}–{}", d.first_line, d.last_line)
            };
            writeln!(f, "  dropped {lines} “{}”: {}", d.title, d.reason)?;
        }
        for note in &self.notes {
            writeln!(f, "  note: {note}")?;
        }
        Ok(())
    }
}
