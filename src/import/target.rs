//! The glossary an import adds to: its existing entries (to match mentions,
//! avoid collisions and restated relations) and the folder new entries go to.
//! New entries are read back and checked with the existing ones before any is
//! written.

use super::draft::Draft;
use super::error::ImportError;
use super::write::Planned;
use crate::build;
use crate::check;
use crate::diagnostic::Diagnostic;
use crate::project::Project;
use crate::source::Summary;
use crate::source::{self, Entry};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The glossary and the folder an import writes to.
pub struct Target<'p> {
    pub project: &'p Project,
    /// Where new entry files go.
    pub out_dir: PathBuf,
    /// Entries already there: the glossary's, then those in `out_dir` if it is
    /// another folder; one per id.
    pub entries: Vec<Entry>,
}

impl<'p> Target<'p> {
    /// Reads the existing entries of `project` and of `out_dir`. Entries that do
    /// not parse are left out (`glossgraph check` reports them).
    pub fn load(project: &'p Project, out_dir: &Path) -> Result<Self, ImportError> {
        // A new glossary may have no entries folder yet.
        let mut entries = if project.entries_dir().exists() {
            build::read(project)
                .map_err(|e| ImportError::Io {
                    action: "list the entries in",
                    path: e.path.clone(),
                    source: e.source,
                })?
                .entries
        } else {
            Vec::new()
        };
        let same = same_dir(&project.entries_dir(), out_dir);
        if !same && out_dir.is_dir() {
            let files = source::entry_files(out_dir).map_err(|source| ImportError::Io {
                action: "list the entries in",
                path: out_dir.to_owned(),
                source,
            })?;
            let options = crate::source::ParseOptions::of(&project.config);
            for path in files {
                if let Ok(entry) = source::parse_file(&path, &options) {
                    entries.push(entry);
                }
            }
        }
        let mut seen = BTreeSet::new();
        entries.retain(|e| seen.insert(e.id.clone()));
        Ok(Self {
            project,
            out_dir: out_dir.to_owned(),
            entries,
        })
    }

    /// The existing entry with `id`.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Where the entry `id` is written: in the glossary, the file of the
    /// entry it rewrites, if any.
    pub fn path_for(&self, id: &str) -> PathBuf {
        match self.entry(id) {
            Some(existing) if self.into_glossary() => existing.path.clone(),
            _ => self.out_dir.join(format!("{id}.md")),
        }
    }

    /// Whether new entries go into the glossary's own entries folder.
    pub fn into_glossary(&self) -> bool {
        same_dir(&self.project.entries_dir(), &self.out_dir)
    }

    /// The existing entry a new one for `term` (whose id would be `id`) is
    /// about, and how it was recognised: by id, or by a preferred or
    /// alternative label in any language (ignoring case).
    pub fn recognise(&self, id: &str, term: &str) -> Option<(&Entry, &'static str)> {
        if let Some(entry) = self.entry(id) {
            return Some((entry, "id"));
        }
        let term = term.trim().to_lowercase();
        let same = |t: &crate::source::Text| t.value.trim().to_lowercase() == term;
        self.entries.iter().find_map(|e| {
            if e.terms.iter().any(same) {
                Some((e, "preferred label"))
            } else if e.alt_labels.iter().any(same) {
                Some((e, "alternative label"))
            } else {
                None
            }
        })
    }

    /// What writing `planned` changes in the graph the glossary builds, as
    /// `glossgraph diff` writes it.
    pub fn change(&self, planned: &[Planned]) -> Result<String, ImportError> {
        let project = self.project;
        let failed = |e: crate::release::ReleaseError| {
            ImportError::Options(format!("cannot compare the graphs: {e}"))
        };
        let graph =
            |name: &str, read: &build::Read| -> Result<crate::release::Graph, ImportError> {
                let built = build::from_read(project, read)
                    .map_err(|e| failed(crate::release::ReleaseError::Build(e)))?;
                let text = crate::release::canonical_nquads_of(&built.store).map_err(|e| {
                    failed(crate::release::ReleaseError::Build(
                        build::BuildError::Storage(e),
                    ))
                })?;
                Ok(crate::release::Graph::canonical(name.to_owned(), text))
            };
        let list = |e: crate::build::ListError| ImportError::Io {
            action: "list the entries in",
            path: e.path.clone(),
            source: e.source,
        };
        let mut read = build::read(project).map_err(list)?;
        let before = graph("the glossary", &read)?;
        let options = crate::source::ParseOptions::of(&project.config);
        for file in planned {
            if let Ok(entry) = source::parse_str(&file.text, &file.path, &options) {
                match read.entries.iter().position(|e| e.id == entry.id) {
                    Some(i) => read.entries[i] = entry,
                    None => read.entries.push(entry),
                }
            }
        }
        read.summaries = read
            .entries
            .iter()
            .map(|e| Summary::of(e, &project.ontology))
            .collect();
        let after = graph("with the pages", &read)?;
        let diff = crate::release::diff::diff(&before, &after, &project.ontology, self.language());
        Ok(crate::release::report::write(
            &diff,
            crate::release::report::DiffFormat::Text,
        ))
    }

    /// The glossary's default language.
    pub fn language(&self) -> &str {
        self.project.config.default_language()
    }

    /// The files for `drafts`, each read back with the glossary's parser and
    /// checked with the existing entries (those the drafts replace left out).
    /// Returns the files and the warnings `glossgraph check` would give them.
    pub fn prepare(
        &self,
        drafts: &[Draft],
    ) -> Result<(Vec<Planned>, Vec<Diagnostic>), ImportError> {
        let options = crate::source::ParseOptions::of(&self.project.config);
        let ontology = &self.project.ontology;
        let mut planned = Vec::with_capacity(drafts.len());
        let mut parsed = Vec::with_capacity(drafts.len());
        let mut problems = Vec::new();
        for draft in drafts {
            let path = self.path_for(&draft.id);
            let text = draft.to_text(self.language());
            match source::parse_str(&text, &path, &options) {
                Ok(entry) => {
                    problems.extend(check::entry(&entry, &self.project.config, ontology));
                    parsed.push(entry);
                }
                Err(found) => problems.extend(found),
            }
            planned.push(Planned { path, text });
        }
        let new_ids: BTreeSet<&str> = drafts.iter().map(|d| d.id.as_str()).collect();
        let kept: Vec<Summary> = self
            .entries
            .iter()
            .filter(|e| !new_ids.contains(e.id.as_str()))
            .map(|e| Summary::of(e, ontology))
            .collect();
        let before = check::glossary(&kept, ontology);
        let mut all = kept;
        all.extend(parsed.iter().map(|e| Summary::of(e, ontology)));
        problems.extend(
            check::glossary(&all, ontology)
                .into_iter()
                .filter(|d| !before.contains(d)),
        );
        crate::diagnostic::sort(&mut problems);
        let (errors, warnings): (Vec<_>, Vec<_>) =
            problems.into_iter().partition(Diagnostic::is_error);
        if errors.is_empty() {
            Ok((planned, warnings))
        } else {
            Err(ImportError::Invalid(errors))
        }
    }
}

/// Whether two paths name the same folder.
fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
