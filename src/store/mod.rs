//! Building the graph into an Oxigraph store, in memory (the default) or on disk
//! (with the `rocksdb` feature), and reading it back.
//!
//! A build never leaves a half-written store: in memory the new store replaces
//! nothing until it is complete; on disk it is built in a new directory that is
//! swapped in only when complete.

#[cfg(feature = "rocksdb")]
mod persistent;

#[cfg(feature = "rocksdb")]
pub use persistent::build_persistent;

use crate::convert;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Pos;
use crate::glossary::{self, ListError};
use crate::input;
use crate::project::Project;
use crate::source::{self, Entry};
use oxigraph::model::{GraphName, NamedNode, NamedNodeRef, Quad, Term, Triple};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::{StorageError, Store};
use std::borrow::Borrow;
use std::sync::mpsc::SyncSender;

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
    pub location: Option<std::path::PathBuf>,
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
    #[error("store error: {0}")]
    Storage(#[from] StorageError),
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        action: &'static str,
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Store(String),
}

fn count_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.is_error()).count()
}

/// Builds the project's graph into a new in-memory store.
///
/// A second thread parses the vocabularies and then the entries while this
/// one converts and inserts them (inserting is the slowest stage); the entries
/// are checked together once all are parsed. Sources with errors thus cost a
/// store that is thrown away, never a half-built one.
pub fn build(project: &Project) -> Result<Built, BuildError> {
    let files = glossary::files(project)?;
    let store = Store::new()?;
    let options = source::ParseOptions::of(&project.config);
    let (loaded, vocabulary_errors, diagnostics) =
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
    let loaded = glossary::check_all(project, entries, diagnostics);
    // Errors in the entries are reported first, as `check` does.
    if loaded.has_errors() {
        return Err(BuildError::Invalid(loaded.diagnostics));
    }
    if !vocabulary_errors.is_empty() {
        return Err(BuildError::Invalid(vocabulary_errors));
    }
    let scheme = convert::scheme(
        &project.config,
        &loaded.summaries,
        &project.ontology,
        tally.triples(),
    );
    let fingerprint = scheme.iter().fold(tally.fingerprint, |sum, quad| {
        sum.wrapping_add(quad_hashes(quad).1 as u64)
    });
    // Every graph's quads are distinct, and so are the graphs: the count
    // needs no pass over the store.
    let quads = tally.quads + scheme.len();
    store.extend(scheme)?;
    debug_assert_eq!(Some(quads), store.len().ok());
    Ok(Built {
        stats: Stats {
            entries: loaded.entries.len(),
            converted: loaded.entries.len(),
            quads,
        },
        store,
        warnings: loaded.diagnostics,
        fingerprint,
        location: None,
    })
}

/// The order quads go into the store in.
#[derive(Clone, Copy)]
pub(super) enum Order {
    /// As converted: entry by entry (on disk, where RocksDB sorts them anyway).
    #[cfg_attr(not(feature = "rocksdb"), allow(dead_code))]
    AsConverted,
    /// In windows of `PREDICATE_WINDOW` quads sorted by predicate (in
    /// memory). Oxigraph's in-memory store chains each predicate's quads
    /// through pointers and allocates them in insertion order, so a scan of
    /// one predicate (`?s a ?type`, every `skos:prefLabel`) then reads memory
    /// in runs instead of one scattered node at a time. At 10k entries a
    /// count by type took 34 instead of 67 ms, and the build 4% longer (see
    /// BENCHMARKS.md, **Count by type in memory**).
    GroupedByPredicate,
}

/// Quads per window sorted by predicate: about 11 generated entries. Larger
/// windows scanned no faster and built slower (8,192: 14% against 4%), as
/// the quads left the cache before they were inserted.
const PREDICATE_WINDOW: usize = 1024;

/// What `load_parsed` gives back: the load's outcome, the vocabularies'
/// syntax errors, and what the entries' parser returned.
pub(super) type Parsed<E, T> = (Result<(Tally, Vec<E>), BuildError>, Vec<Diagnostic>, T);

/// Loads the ontology, the vocabularies and the entries into an empty store
/// while a second thread parses: first the vocabularies, in batches, then
/// the entries `parse_entries` sends (it should stop once a send fails:
/// loading stopped on an error). Parsing overlaps inserting, the slowest
/// stage, and a vocabulary is never held whole in memory.
pub(super) fn load_parsed<E, T>(
    store: &Store,
    project: &Project,
    order: Order,
    parse_entries: impl FnOnce(&SyncSender<E>) -> T + Send,
) -> Parsed<E, T>
where
    E: Borrow<Entry> + Send,
    T: Send,
{
    let (batch_sender, batches) = std::sync::mpsc::sync_channel::<Vec<Quad>>(4);
    let (entry_sender, entries) = std::sync::mpsc::sync_channel::<E>(256);
    std::thread::scope(|scope| {
        let parser = scope.spawn(move || {
            let errors = parse_vocabularies(project, |batch| batch_sender.send(batch).is_ok());
            // Closed: the loader goes on to the entries.
            drop(batch_sender);
            (errors, parse_entries(&entry_sender))
        });
        let loaded = load(store, project, order, batches, entries);
        let (errors, parsed) = parser
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (loaded, errors, parsed)
    })
}

/// Loads the ontology, the vocabularies' batches and the entries into an
/// empty store and tallies what went in. Gives back the entries it
/// converted, in order.
///
/// Everything goes through one bulk-loader call, since on disk each call writes
/// its own set of files (one call per entry made 40,000 files for 10,000
/// entries). (Tallying the vocabularies on the parsing thread instead was
/// slower: 216–238 against 194–210 ms for UNESCO, medians of 25 interleaved
/// builds.)
fn load<E: Borrow<Entry>>(
    store: &Store,
    project: &Project,
    order: Order,
    vocabularies: impl IntoIterator<Item = Vec<Quad>>,
    entries: impl IntoIterator<Item = E>,
) -> Result<(Tally, Vec<E>), BuildError> {
    let mut tally = Tally::default();
    let mut converted = Vec::new();
    // A parsed file may state a triple twice; converted quads are distinct.
    let quads = std::iter::once((convert::ontology(&project.ontology), false))
        .chain(vocabularies.into_iter().map(|batch| (batch, true)))
        .chain(entries.into_iter().map(|entry| {
            let quads = convert::entry(entry.borrow(), &project.config, &project.ontology);
            converted.push(entry);
            (quads, false)
        }))
        .map(|(quads, may_repeat)| tally.add(quads, may_repeat));
    let mut loader = store.bulk_loader();
    match order {
        Order::AsConverted => loader.load_quads(quads.flatten())?,
        Order::GroupedByPredicate => {
            loader.load_quads(grouped_by_predicate(quads, PREDICATE_WINDOW))?
        }
    }
    loader.commit()?;
    Ok((tally, converted))
}

/// The quads of `batches`, gathered into windows of at least `window` quads
/// (or what is left at the end), each sorted by predicate. Within one
/// predicate, quads keep their order.
fn grouped_by_predicate(
    batches: impl Iterator<Item = Vec<Quad>>,
    window: usize,
) -> impl Iterator<Item = Quad> {
    let mut batches = batches.peekable();
    std::iter::from_fn(move || {
        batches.peek()?;
        let mut gathered = Vec::with_capacity(window);
        while gathered.len() < window {
            match batches.next() {
                Some(batch) => gathered.extend(batch),
                None => break,
            }
        }
        // Stable: equal predicates keep their order.
        gathered.sort_by_cached_key(|quad| {
            std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, quad.predicate.as_str())
        });
        Some(gathered)
    })
    .flatten()
}

/// What went into a store, tallied as it went in: the number of distinct
/// triples (for the dataset description) and a fingerprint of the content
/// (for ETags).
#[derive(Default)]
pub(super) struct Tally {
    /// A 128-bit hash of each distinct triple (whatever its graph): counting
    /// them takes a tenth of the time of a SPARQL `DISTINCT` over the store.
    triples: std::collections::HashSet<u128, PassThrough>,
    /// A 128-bit hash of each parsed quad, to drop the ones a file repeats.
    parsed: std::collections::HashSet<u128, PassThrough>,
    /// The sum of the quads' hashes: the same quads give the same sum in any order.
    pub fingerprint: u64,
    /// The quads added.
    pub quads: usize,
}

impl Tally {
    /// Tallies `quads` and gives back those to insert: all of them, unless
    /// `may_repeat` (parsed quads), then those not seen before. Quads that
    /// cannot repeat must be distinct, and in a graph no other call adds to.
    fn add(&mut self, mut quads: Vec<Quad>, may_repeat: bool) -> Vec<Quad> {
        self.triples.reserve(quads.len());
        quads.retain(|quad| {
            let (triple, hash) = quad_hashes(quad);
            if may_repeat && !self.parsed.insert(hash) {
                return false;
            }
            self.triples.insert(triple);
            self.fingerprint = self.fingerprint.wrapping_add(hash as u64);
            true
        });
        self.quads += quads.len();
        quads
    }

    pub fn triples(&self) -> usize {
        self.triples.len()
    }
}

/// A quad's hashes: 128 bits of its triple, and 128 bits of the whole quad.
fn quad_hashes(quad: &Quad) -> (u128, u128) {
    use std::hash::Hash;
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    quad.subject.hash(&mut hasher);
    quad.predicate.hash(&mut hasher);
    quad.object.hash(&mut hasher);
    let triple = hasher.digest128();
    quad.graph_name.hash(&mut hasher);
    (triple, hasher.digest128())
}

/// The keys are already uniform hashes: use their low bits as they are.
#[derive(Default, Clone, Copy)]
struct PassThrough(u64);

impl std::hash::BuildHasher for PassThrough {
    type Hasher = PassThrough;
    fn build_hasher(&self) -> PassThrough {
        PassThrough(0)
    }
}

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
}

/// The graph a vocabulary file listed in `glossary.toml` is published in:
/// `{base}graph/{file name}`.
pub fn vocabulary_graph(config: &crate::config::Config, path: &str) -> NamedNode {
    config.base.vocabulary_graph(path)
}

/// Quads a vocabulary's parser hands on at a time: few enough that loading
/// starts at once, enough that the channel costs nothing per quad.
const BATCH: usize = 4096;

/// Parses the vocabulary files listed in `glossary.toml`, each into its own
/// graph, and hands their quads to `send` in batches, stopping when it
/// returns false. Gives back the syntax errors, as located findings.
fn parse_vocabularies(
    project: &Project,
    mut send: impl FnMut(Vec<Quad>) -> bool,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut batch = Vec::with_capacity(BATCH);
    for file in &project.config.vocabularies {
        let path = project.dir.join(file);
        let graph = GraphName::NamedNode(vocabulary_graph(&project.config, file));
        // `glossary.toml` lists only files of a known format.
        let Some(format) = input::format_from_path(file) else {
            continue;
        };
        let fetched = match input::fetch(
            &path.to_string_lossy(),
            &input::FetchLimits::VOCABULARY,
            &input::RDF,
        ) {
            Ok(fetched) => fetched,
            Err(e) => {
                errors.push(
                    Diagnostic::error(
                        "source/io",
                        &path,
                        Pos::new(1, 1),
                        match e.problem {
                            input::FetchProblem::File(detail) => {
                                format!("cannot read the vocabulary: {detail}")
                            }
                            other => format!("cannot read the vocabulary: {other}"),
                        },
                    )
                    .with_help("fix the path under `vocabularies` in glossary.toml"),
                );
                continue;
            }
        };
        let mut stopped = false;
        let parsed = fetched.parse_rdf(format, false, |quad| {
            batch.push(Triple::from(quad).in_graph(graph.clone()));
            if batch.len() == BATCH
                && !send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
            {
                stopped = true;
            }
            !stopped
        });
        if stopped {
            return errors;
        }
        if let Err(e) = parsed {
            errors.push(
                Diagnostic::error(
                    "source/rdf-syntax",
                    &path,
                    Pos::new(e.line, e.column),
                    e.message,
                )
                .with_help("fix the RDF file, or remove it from `vocabularies`"),
            );
        }
    }
    if !batch.is_empty() {
        send(batch);
    }
    errors
}

/// The number of distinct triples across all graphs.
pub fn distinct_triples(store: &Store) -> Result<usize, BuildError> {
    let query = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }";
    let results = SparqlEvaluator::new()
        .parse_query(query)
        .map_err(|e| BuildError::Store(e.to_string()))?
        .on_store(store)
        .execute()
        .map_err(|e| BuildError::Store(e.to_string()))?;
    if let QueryResults::Solutions(mut solutions) = results
        && let Some(solution) = solutions.next()
    {
        let solution = solution.map_err(|e| BuildError::Store(e.to_string()))?;
        if let Some(Term::Literal(n)) = solution.get("n") {
            return n
                .value()
                .parse()
                .map_err(|_| BuildError::Store("bad count".into()));
        }
    }
    Err(BuildError::Store("counting triples gave no answer".into()))
}

/// Every quad in the store.
pub fn quads(store: &Store) -> Result<Vec<Quad>, StorageError> {
    store.iter().collect()
}

/// What the graph says about a concept: every triple whose subject is the concept
/// or one of its parts (`…#section-1`), from every graph, sorted and distinct.
pub fn describe(store: &Store, concept: NamedNodeRef<'_>) -> Result<Vec<Triple>, StorageError> {
    let mut triples = Vec::new();
    let mut parts = Vec::new();
    let prefix = format!("{}#", concept.as_str());
    for quad in store.quads_for_pattern(Some(concept.into()), None, None, None) {
        let quad = quad?;
        if let Term::NamedNode(part) = &quad.object
            && part.as_str().starts_with(&prefix)
        {
            parts.push(part.clone());
        }
        triples.push(Triple::from(quad));
    }
    for part in &parts {
        for quad in store.quads_for_pattern(Some(part.as_ref().into()), None, None, None) {
            triples.push(Triple::from(quad?));
        }
    }
    triples.sort_by(crate::order::triple_cmp);
    triples.dedup();
    Ok(triples)
}

#[cfg(test)]
mod tests {
    use super::grouped_by_predicate;
    use oxigraph::model::{GraphName, Literal, NamedNode, Quad};

    fn quad(subject: &str, predicate: &str, n: usize) -> Quad {
        Quad::new(
            NamedNode::new(format!("http://example.org/{subject}")).unwrap(),
            NamedNode::new(format!("http://example.org/{predicate}")).unwrap(),
            Literal::from(n as i64),
            GraphName::DefaultGraph,
        )
    }

    #[test]
    fn quads_are_grouped_by_predicate_within_each_window_and_none_is_lost() {
        // Three batches of one subject each, with predicates p and q interleaved.
        let batches: Vec<Vec<Quad>> = (0..3)
            .map(|b| {
                (0..4)
                    .map(|i| quad(&format!("s{b}"), ["p", "q"][i % 2], b * 4 + i))
                    .collect()
            })
            .collect();
        let all: Vec<Quad> = batches.iter().flatten().cloned().collect();
        // A window of 6 gathers the first two batches (8 quads), then the last.
        let grouped: Vec<Quad> = grouped_by_predicate(batches.into_iter(), 6).collect();
        assert_eq!(grouped.len(), all.len());
        let predicates: Vec<&str> = grouped
            .iter()
            .map(|q| q.predicate.as_str().rsplit('/').next().unwrap())
            .collect();
        // Each window holds one run per predicate.
        let runs = |window: &[&str]| window.windows(2).filter(|w| w[0] != w[1]).count() + 1;
        assert_eq!(runs(&predicates[..8]), 2, "{predicates:?}");
        assert_eq!(runs(&predicates[8..]), 2, "{predicates:?}");
        // Within a predicate, the order is kept, and windows do not mix.
        for p in ["p", "q"] {
            let order = |quads: &[Quad]| -> Vec<String> {
                quads
                    .iter()
                    .filter(|q| q.predicate.as_str().ends_with(p))
                    .map(|q| q.object.to_string())
                    .collect()
            };
            assert_eq!(order(&grouped), order(&all));
        }
    }

    #[test]
    fn no_batches_give_no_quads() {
        assert_eq!(grouped_by_predicate(std::iter::empty(), 8).count(), 0);
    }
}
