//! Building a glossary's graph: the one pipeline every command shares. Entry
//! files are read (`source`), checked together (`check`), converted (`convert`)
//! and loaded with the ontology and the published vocabularies into a store
//! (`store`), in memory or, with the `rocksdb` feature, incrementally on disk
//! (`incremental`).
//!
//! Sources with errors build nothing: a failed build costs a store that is
//! thrown away, never a half-built one, and leaves a persistent store as it was.
//!
//! Layer: build; above `store`, `check` and `convert`, below the readers
//! (`export`, `query`, `lint`, `server`, …).

#[cfg(feature = "rocksdb")]
mod incremental;
mod vocabularies;

use crate::check;
use crate::convert;
use crate::diagnostic::{self, Diagnostic};
use crate::parallel;
use crate::project::Project;
use crate::source::{self, Entry, ParseOptions, Summary};
use crate::store::{self, Batch, Order, Tally};
use oxigraph::store::{StorageError, Store};
use std::borrow::Borrow;
use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;

pub use vocabularies::VocabularyRead;

/// Where the graph is kept.
#[derive(Debug, Clone)]
pub enum StoreChoice {
    /// Built in memory on every run.
    Memory,
    /// Kept on disk in `dir` and updated incrementally (the `rocksdb`
    /// feature). `on_wait` is called when another build of it is running and
    /// this one waits for it: the wait may be long, and a caller that says
    /// nothing would seem stuck.
    Persistent { dir: PathBuf, on_wait: fn(&Path) },
}

/// A built store and what the build found.
pub struct Built {
    pub store: Store,
    /// Warnings about the sources (errors stop the build).
    pub warnings: Vec<Diagnostic>,
    pub stats: Stats,
    /// A hash of the graph (in memory: of every quad loaded; persistent: of
    /// everything the graph was built from, from the manifest): it changes
    /// whenever the graph can, so the server bases its ETags on it instead of
    /// hashing every quad.
    pub fingerprint: u64,
    /// The persistent store's directory; `None` for a store in memory.
    pub location: Option<PathBuf>,
    /// What was read of each vocabulary file (in memory only: a persistent
    /// build may not read them).
    pub vocabularies: Vec<VocabularyRead>,
}

/// What a build did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Entries in the glossary.
    pub entries: usize,
    /// Entries converted by this build (the others were unchanged).
    pub converted: usize,
    /// Quads in the store.
    pub quads: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the sources have {} error(s); nothing was built", count_errors(.0))]
    Invalid(Vec<Diagnostic>),
    #[error(transparent)]
    List(#[from] ListError),
    #[error("the store failed")]
    Storage(#[from] StorageError),
    #[cfg(feature = "rocksdb")]
    #[error(transparent)]
    Generation(#[from] store::generations::GenerationError),
    #[error("cannot {action} {}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the store's manifest")]
    Manifest(#[source] serde_json::Error),
    #[error(
        "this glossgraph was built without the `rocksdb` feature, so it has no persistent store; rebuild it with `cargo install --path . --features rocksdb`, or leave out --store"
    )]
    NoPersistentStore,
}

fn count_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.is_error()).count()
}

/// The entries folder could not be listed.
#[derive(Debug, thiserror::Error)]
#[error("cannot list the entries in {}", .path.display())]
pub struct ListError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Builds the project's graph where `choice` says.
pub fn build(project: &Project, choice: &StoreChoice) -> Result<Built, BuildError> {
    match choice {
        StoreChoice::Memory => in_memory(project),
        #[cfg(feature = "rocksdb")]
        StoreChoice::Persistent { dir, on_wait } => {
            incremental::build(project, dir, || on_wait(dir))
        }
        #[cfg(not(feature = "rocksdb"))]
        StoreChoice::Persistent { .. } => Err(BuildError::NoPersistentStore),
    }
}

/// Entries that parsed, with every finding about the sources.
#[derive(Debug, Clone)]
pub struct Read {
    pub entries: Vec<Entry>,
    pub summaries: Vec<Summary>,
    /// Errors and warnings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Read {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and checks every entry of the project (on every core), building
/// nothing: what `check` reports.
pub fn read(project: &Project) -> Result<Read, ListError> {
    let dir = project.entries_dir();
    let listing = source::listing(&dir).map_err(|source| ListError { path: dir, source })?;
    let files = listing.entries;
    let options = ParseOptions::of(&project.config);
    let mut entries = Vec::with_capacity(files.len());
    let mut diagnostics: Vec<Diagnostic> = listing
        .others
        .iter()
        .map(|p| source::not_an_entry(p))
        .collect();
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
fn check_all(project: &Project, entries: Vec<Entry>, mut diagnostics: Vec<Diagnostic>) -> Read {
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
    Read {
        entries,
        summaries,
        diagnostics,
    }
}

/// Builds the project's graph into a new in-memory store.
///
/// A second thread parses the vocabularies and then the entries while this
/// one converts and inserts them (inserting is the slowest stage); the entries
/// are checked together once all are parsed.
fn in_memory(project: &Project) -> Result<Built, BuildError> {
    let files = files(project)?;
    let options = ParseOptions::of(&project.config);
    let store = Store::new()?;
    let (loaded, vocabularies, diagnostics) =
        load_parsed(&store, project, Order::GroupedByPredicate, |sender| {
            let mut diagnostics = Vec::new();
            for path in &files {
                match source::parse_file(path, &options) {
                    // A closed channel: loading stopped on an error, which it reports.
                    Ok(entry) => {
                        if sender.send(entry).is_err() {
                            break;
                        }
                    }
                    Err(found) => diagnostics.extend(found),
                }
            }
            diagnostics
        });
    let (tally, entries) = loaded?;
    finish_in_memory(
        project,
        store,
        tally,
        vocabularies,
        check_all(project, entries, diagnostics),
    )
}

/// Builds the graph of entries already read (and checked) into a new
/// in-memory store: for `lint`, which reports on the entries too and so must
/// not read them twice.
pub fn from_read(project: &Project, read: &Read) -> Result<Built, BuildError> {
    if read.has_errors() {
        return Err(BuildError::Invalid(read.diagnostics.clone()));
    }
    let store = Store::new()?;
    let (loaded, vocabularies, ()) =
        load_parsed(&store, project, Order::GroupedByPredicate, |sender| {
            for entry in &read.entries {
                if sender.send(entry).is_err() {
                    break;
                }
            }
        });
    let (tally, _) = loaded?;
    finish_in_memory(
        project,
        store,
        tally,
        vocabularies,
        Read {
            entries: Vec::new(),
            summaries: read.summaries.clone(),
            diagnostics: read.diagnostics.clone(),
        },
    )
}

/// Adds the scheme graph to a store holding everything else, unless the
/// sources have errors.
fn finish_in_memory(
    project: &Project,
    store: Store,
    mut tally: Tally,
    vocabularies: Vec<VocabularyRead>,
    read: Read,
) -> Result<Built, BuildError> {
    // Errors in the entries are reported first, as `check` does.
    if read.has_errors() {
        return Err(BuildError::Invalid(read.diagnostics));
    }
    let vocabulary_errors: Vec<Diagnostic> = vocabularies
        .iter()
        .filter_map(|v| v.error.clone())
        .collect();
    if !vocabulary_errors.is_empty() {
        return Err(BuildError::Invalid(vocabulary_errors));
    }
    let scheme = convert::scheme(
        &project.config,
        &project.releases,
        &read.summaries,
        &project.ontology,
        tally.triples(),
    );
    // Every graph's quads are distinct, and so are the graphs: the count
    // needs no pass over the store.
    store.extend(tally.add(scheme, false))?;
    debug_assert_eq!(Some(tally.quads), store.len().ok());
    Ok(Built {
        stats: Stats {
            entries: read.summaries.len(),
            converted: read.summaries.len(),
            quads: tally.quads,
        },
        store,
        warnings: read.diagnostics,
        fingerprint: tally.fingerprint,
        location: None,
        vocabularies,
    })
}

/// What `load_parsed` gives back: the load's outcome, what was read of each
/// vocabulary, and what the entries' parser returned.
type Parsed<E, T> = (
    Result<(Tally, Vec<E>), StorageError>,
    Vec<VocabularyRead>,
    T,
);

/// Loads the ontology, the vocabularies and the entries into an empty store
/// while a second thread parses: first the vocabularies, in batches, then
/// the entries `parse_entries` sends (it should stop once a send fails:
/// loading stopped on an error). Parsing overlaps inserting, the slowest
/// stage, and a vocabulary is never held whole in memory. Gives back the
/// entries it converted, in order.
///
/// (Tallying the vocabularies on the parsing thread instead was slower:
/// 216–238 against 194–210 ms for UNESCO, medians of 25 interleaved builds.)
fn load_parsed<E, T>(
    store: &Store,
    project: &Project,
    order: Order,
    parse_entries: impl FnOnce(&SyncSender<E>) -> T + Send,
) -> Parsed<E, T>
where
    E: Borrow<Entry> + Send,
    T: Send,
{
    let (batch_sender, batches) = std::sync::mpsc::sync_channel::<Vec<oxigraph::model::Quad>>(4);
    let (entry_sender, entries) = std::sync::mpsc::sync_channel::<E>(256);
    std::thread::scope(|scope| {
        let parser = scope.spawn(move || {
            let read = vocabularies::parse(project, |batch| batch_sender.send(batch).is_ok());
            // Closed: the loader goes on to the entries.
            drop(batch_sender);
            (read, parse_entries(&entry_sender))
        });
        let mut converted = Vec::new();
        // A parsed file may state a triple twice; converted quads are distinct.
        let ontology = Batch {
            quads: convert::ontology(&project.ontology),
            may_repeat: false,
        };
        let vocabularies = batches.into_iter().map(|quads| Batch {
            quads,
            may_repeat: true,
        });
        let entries = entries.into_iter().map(|entry| {
            let quads = convert::entry(entry.borrow(), &project.config, &project.ontology);
            converted.push(entry);
            Batch {
                quads,
                may_repeat: false,
            }
        });
        let loaded = store::load(
            store,
            order,
            std::iter::once(ontology).chain(vocabularies).chain(entries),
        );
        let (read, parsed) = parser
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (loaded.map(|tally| (tally, converted)), read, parsed)
    })
}
