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

use crate::convert::{self, Summary};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Pos;
use crate::glossary::{self, ListError};
use crate::project::Project;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, NamedNode, NamedNodeRef, Quad, Term, Triple};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::{StorageError, Store};

/// A built store and what the build found.
pub struct Built {
    pub store: Store,
    /// Warnings about the sources (errors stop the build).
    pub warnings: Vec<Diagnostic>,
    pub stats: Stats,
    /// A hash of everything the graph was built from (sources, settings,
    /// glossgraph's version), when the build has it at hand: it changes
    /// whenever the graph can, so the server bases its ETags on it instead of
    /// hashing every quad. `None`: the server hashes the store.
    pub fingerprint: Option<u64>,
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
pub fn build(project: &Project) -> Result<Built, BuildError> {
    let loaded = glossary::load(project)?;
    if loaded.has_errors() {
        return Err(BuildError::Invalid(loaded.diagnostics));
    }
    let vocabularies = vocabulary_quads(project).map_err(BuildError::Invalid)?;
    let store = Store::new()?;
    let mut loader = store.bulk_loader();
    loader.load_quads(all_quads(project, vocabularies, &loaded.entries))?;
    loader.commit()?;
    write_scheme(&store, project, &loaded.summaries)?;
    Ok(Built {
        stats: Stats {
            entries: loaded.entries.len(),
            converted: loaded.entries.len(),
            quads: store.len()?,
        },
        store,
        warnings: loaded.diagnostics,
        fingerprint: None,
    })
}

/// The ontology, the vocabularies and the entries' quads, as one stream: the
/// bulk loader must get everything in one call, since on disk each call writes
/// its own set of files (one call per entry made 40,000 files for 10,000
/// entries, and a build seven times slower than `oxigraph load`).
pub(super) fn all_quads<'a>(
    project: &'a Project,
    vocabularies: Vec<Quad>,
    entries: &'a [crate::source::Entry],
) -> impl Iterator<Item = Quad> + 'a {
    convert::ontology(&project.ontology)
        .into_iter()
        .chain(vocabularies)
        .chain(
            entries
                .iter()
                .flat_map(|e| convert::entry(e, &project.config, &project.ontology)),
        )
}

/// The RDF format of a vocabulary file, from its extension.
pub fn vocabulary_format(path: &str) -> Option<RdfFormat> {
    let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
    match extension.as_str() {
        "ttl" => Some(RdfFormat::Turtle),
        "nt" => Some(RdfFormat::NTriples),
        "nq" => Some(RdfFormat::NQuads),
        "trig" => Some(RdfFormat::TriG),
        "rdf" | "owl" | "xml" => Some(RdfFormat::RdfXml),
        "jsonld" | "json" => Some(RdfFormat::JsonLd {
            profile: Default::default(),
        }),
        _ => None,
    }
}

/// The graph a vocabulary file listed in `glossary.toml` is published in:
/// `{base}graph/{file name}`.
pub fn vocabulary_graph(config: &crate::config::Config, path: &str) -> NamedNode {
    let name = std::path::Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path);
    NamedNode::new_unchecked(format!(
        "{}graph/{}",
        config.base,
        crate::source::slugify(name)
    ))
}

/// The triples of the vocabulary files listed in `glossary.toml`, each in its
/// own graph. Syntax errors are located findings.
pub fn vocabulary_quads(project: &Project) -> Result<Vec<Quad>, Vec<Diagnostic>> {
    let mut quads = Vec::new();
    let mut errors = Vec::new();
    for file in &project.config.vocabularies {
        let path = project.dir.join(file);
        let graph = GraphName::NamedNode(vocabulary_graph(&project.config, file));
        let Some(format) = vocabulary_format(file) else {
            continue;
        };
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                errors.push(
                    Diagnostic::error(
                        "source/io",
                        &path,
                        Pos::new(1, 1),
                        format!("cannot read the vocabulary: {e}"),
                    )
                    .with_help("fix the path under `vocabularies` in glossary.toml"),
                );
                continue;
            }
        };
        for quad in RdfParser::from_format(format).for_slice(&bytes) {
            match quad {
                Ok(quad) => quads.push(Triple::from(quad).in_graph(graph.clone())),
                Err(e) => {
                    let pos = e.location().map_or(Pos::new(1, 1), |l| {
                        Pos::new(l.start.line as usize + 1, l.start.column as usize + 1)
                    });
                    errors.push(
                        Diagnostic::error("source/rdf-syntax", &path, pos, e.to_string())
                            .with_help("fix the RDF file, or remove it from `vocabularies`"),
                    );
                    break;
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(quads)
    } else {
        Err(errors)
    }
}

/// Replaces the scheme graph, which depends on every entry and on the size of the rest.
fn write_scheme(store: &Store, project: &Project, summaries: &[Summary]) -> Result<(), BuildError> {
    let scheme = oxigraph::model::NamedNode::new_unchecked(&project.config.base);
    store.remove_named_graph(&scheme)?;
    let triples = distinct_triples(store)?;
    insert_scheme(store, project, summaries, triples)?;
    Ok(())
}

/// Writes the scheme graph into a store that has none, given the number of
/// distinct triples in the rest; returns the quads written.
fn insert_scheme(
    store: &Store,
    project: &Project,
    summaries: &[Summary],
    triples: usize,
) -> Result<usize, BuildError> {
    let quads = convert::scheme(&project.config, summaries, &project.ontology, triples);
    let written = quads.len();
    store.extend(quads)?;
    Ok(written)
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
    triples.sort_by(crate::export::triple_cmp);
    triples.dedup();
    Ok(triples)
}
