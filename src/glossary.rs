//! Loading a glossary's entries and checking them together: the step every
//! command shares before it converts or stores anything.

use crate::check;
use crate::diagnostic::{self, Diagnostic};
use crate::parallel;
use crate::project::Project;
use crate::source::Summary;
use crate::source::{self, Entry};
use std::path::PathBuf;

/// Entries that parsed, with every finding about the sources.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub entries: Vec<Entry>,
    pub summaries: Vec<Summary>,
    /// Errors and warnings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The entries folder could not be listed.
#[derive(Debug, thiserror::Error)]
#[error("cannot list the entries in {}: {source}", .path.display())]
pub struct ListError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Parses and checks every entry of the project.
pub fn load(project: &Project) -> Result<Loaded, ListError> {
    let files = files(project)?;
    let options = source::ParseOptions::of(&project.config);
    let mut entries = Vec::with_capacity(files.len());
    let mut diagnostics = Vec::new();
    for parsed in parallel::map(&files, |path| source::parse_file(path, &options)) {
        match parsed {
            Ok(entry) => entries.push(entry),
            Err(found) => diagnostics.extend(found),
        }
    }
    Ok(check_all(project, entries, diagnostics))
}

/// The project's entry files, in a stable order.
pub fn files(project: &Project) -> Result<Vec<PathBuf>, ListError> {
    let dir = project.entries_dir();
    source::entry_files(&dir).map_err(|source| ListError { path: dir, source })
}

/// Runs the entry and glossary checks over parsed entries.
pub fn check_all(
    project: &Project,
    entries: Vec<Entry>,
    mut diagnostics: Vec<Diagnostic>,
) -> Loaded {
    let per_entry = parallel::map(&entries, |e| {
        (
            Summary::of(e, &project.ontology),
            check::entry(e, &project.config, &project.ontology),
        )
    });
    let mut summaries = Vec::with_capacity(entries.len());
    for (summary, found) in per_entry {
        summaries.push(summary);
        diagnostics.extend(found);
    }
    diagnostics.extend(check::glossary(&summaries, &project.ontology));
    diagnostic::sort(&mut diagnostics);
    Loaded {
        entries,
        summaries,
        diagnostics,
    }
}
