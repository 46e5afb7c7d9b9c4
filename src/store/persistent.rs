//! The persistent store (RocksDB): built into a new generation directory and
//! swapped in atomically, and rebuilt incrementally.
//!
//! Layout of a store directory:
//!
//! ```text
//! DIR/current        symlink to the live generation, replaced atomically
//! DIR/gen-N/store/   the Oxigraph (RocksDB) database
//! DIR/gen-N/manifest.json  what was built: a hash and summary per entry file
//! DIR/lock           held while building, so two builds never race
//! ```
//!
//! A build starts from a checkpoint of the live generation (RocksDB hard-links
//! its files, so this is cheap), replaces only the graphs of entries whose file
//! changed, rewrites the scheme graph, and only then points `current` at it.
//! Readers of the old generation are never disturbed; the generation before
//! the previous one is removed.

use super::{BuildError, Built, Stats, distinct_triples, insert_scheme};
use crate::convert::{self, Summary};
use crate::diagnostic::{self, Diagnostic};
use crate::glossary;
use crate::ontology::GLOSSARY_TTL;
use crate::project::Project;
use crate::source::{self, Entry};
use crate::{check, store};
use oxigraph::model::{GraphNameRef, NamedNode, NamedNodeRef};
use oxigraph::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Bumped when the manifest or the conversion changes in a way old stores cannot follow.
const FORMAT: u32 = 2;

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Manifest {
    format: u32,
    /// glossgraph's version: a new version may convert differently.
    version: String,
    /// Hashes of `glossary.toml` and of the vocabulary: if either changes, every entry does.
    config: String,
    ontology: String,
    /// Per entry file (relative to the entries folder): its content hash and summary.
    entries: BTreeMap<String, Recorded>,
    /// Distinct triples outside the scheme graph, and quads in the store: kept
    /// up to date by each build, so that a one-entry change never counts the
    /// whole store.
    triples: usize,
    quads: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Recorded {
    hash: String,
    summary: Summary,
}

fn hash(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> BuildError + 'a {
    move |source| BuildError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// Brings the store in `dir` up to date with the project's sources and opens it.
pub fn build_persistent(project: &Project, dir: &Path) -> Result<Built, BuildError> {
    fs::create_dir_all(dir).map_err(io("create", dir))?;
    let lock_path = dir.join("lock");
    let lock = fs::File::create(&lock_path).map_err(io("create", &lock_path))?;
    lock.lock().map_err(io("lock", &lock_path))?;

    let current_link = dir.join("current");
    let current = fs::read_link(&current_link)
        .ok()
        .map(|target| dir.join(target));
    let previous = match &current {
        Some(generation) => read_manifest(generation)?,
        None => None,
    };
    // The settings and the vocabulary files they list: if any changes, everything is rebuilt.
    let mut config_bytes =
        fs::read(project.config_path()).map_err(io("read", &project.config_path()))?;
    for file in &project.config.vocabularies {
        let path = project.dir.join(file);
        config_bytes.extend(fs::read(&path).map_err(io("read", &path))?);
    }
    let fresh = Manifest {
        format: FORMAT,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        config: hash(&config_bytes),
        ontology: hash(GLOSSARY_TTL.as_bytes()),
        entries: BTreeMap::new(),
        triples: 0,
        quads: 0,
    };
    // Earlier entries can be reused only if everything they were converted with is the same.
    let reusable = previous.filter(|m| {
        m.format == fresh.format
            && m.version == fresh.version
            && m.config == fresh.config
            && m.ontology == fresh.ontology
    });

    let plan = plan(project, reusable.as_ref())?;
    let mut manifest = fresh;
    manifest.entries = plan.recorded.clone();
    if plan.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(BuildError::Invalid(plan.diagnostics));
    }

    // Nothing changed: open the live generation as it is.
    if let (Some(generation), Some(old)) = (&current, &reusable)
        && plan.changed.is_empty()
        && plan.removed.is_empty()
        && old.entries == manifest.entries
    {
        let store = Store::open(generation.join("store"))?;
        return Ok(Built {
            store,
            warnings: plan.diagnostics,
            stats: Stats {
                entries: manifest.entries.len(),
                converted: 0,
                quads: old.quads,
            },
        });
    }
    let scheme_iri = NamedNode::new_unchecked(&project.config.base);
    let scheme = scheme_iri.as_ref();

    let number = next_generation(dir)?;
    let generation = dir.join(format!("gen-{number}"));
    let store_dir = generation.join("store");
    fs::create_dir_all(&generation).map_err(io("create", &generation))?;
    let result = (|| -> Result<Store, BuildError> {
        let graph = |id: &str| NamedNode::new_unchecked(project.config.concept_iri(id));
        let summaries: Vec<Summary> = manifest
            .entries
            .values()
            .map(|r| r.summary.clone())
            .collect();
        let store = match (&current, &reusable) {
            (Some(old_dir), Some(old)) => {
                Store::open(old_dir.join("store"))?.backup(&store_dir)?;
                let store = Store::open(&store_dir)?;
                let mut counts = Counts {
                    triples: old.triples,
                    quads: old.quads,
                };
                counts.quads -= graph_len(&store, scheme)?;
                store.remove_named_graph(scheme)?;
                let cleared: std::collections::BTreeSet<&str> = plan
                    .removed
                    .iter()
                    .map(String::as_str)
                    .chain(plan.changed.iter().map(|e| e.id.as_str()))
                    .collect();
                for id in &cleared {
                    let g = graph(id);
                    counts.remove(&store, g.as_ref())?;
                    store.remove_named_graph(&g)?;
                }
                for entry in &plan.changed {
                    counts.add(
                        &store,
                        convert::entry(entry, &project.config, &project.ontology),
                    )?;
                }
                counts.quads += insert_scheme(&store, project, &summaries, counts.triples)?;
                manifest.triples = counts.triples;
                manifest.quads = counts.quads;
                store
            }
            _ => {
                let vocabularies = store::vocabulary_quads(project).map_err(BuildError::Invalid)?;
                let store = Store::open(&store_dir)?;
                let mut loader = store.bulk_loader();
                loader.load_quads(store::all_quads(project, vocabularies, &plan.changed))?;
                loader.commit()?;
                manifest.triples = distinct_triples(&store)?;
                insert_scheme(&store, project, &summaries, manifest.triples)?;
                manifest.quads = store.len()?;
                store
            }
        };
        store.flush()?;
        Ok(store)
    })();
    let store = match result {
        Ok(store) => store,
        Err(e) => {
            // A failed build leaves the live generation as it was.
            let _ = fs::remove_dir_all(&generation);
            return Err(e);
        }
    };
    write_manifest(&generation, &manifest)?;
    swap(dir, &current_link, &format!("gen-{number}"))?;
    remove_old_generations(dir, number);
    Ok(Built {
        store,
        warnings: plan.diagnostics,
        stats: Stats {
            entries: manifest.entries.len(),
            converted: plan.changed.len(),
            quads: manifest.quads,
        },
    })
}

/// Distinct triples outside the scheme graph, and all quads, as graphs come and go.
struct Counts {
    triples: usize,
    quads: usize,
}

impl Counts {
    /// Counts graph `g` out, before it is removed. A triple counts once however
    /// many graphs hold it, so only a triple no other graph holds lowers the
    /// distinct count. The scheme graph is not in the store while this runs.
    fn remove(&mut self, store: &Store, g: NamedNodeRef<'_>) -> Result<(), BuildError> {
        for quad in store.quads_for_pattern(None, None, None, Some(g.into())) {
            let quad = quad?;
            let mut holders = store.quads_for_pattern(
                Some(quad.subject.as_ref()),
                Some(quad.predicate.as_ref()),
                Some(quad.object.as_ref()),
                None,
            );
            holders.next().transpose()?;
            if holders.next().transpose()?.is_none() {
                self.triples = self.triples.saturating_sub(1);
            }
            self.quads = self.quads.saturating_sub(1);
        }
        Ok(())
    }

    /// Inserts one entry's quads (one graph, empty before) and counts them in:
    /// a triple no graph holds yet raises the distinct count.
    fn add(
        &mut self,
        store: &Store,
        mut quads: Vec<oxigraph::model::Quad>,
    ) -> Result<(), BuildError> {
        quads.sort_by(crate::export::quad_cmp);
        quads.dedup();
        for quad in &quads {
            let held = store
                .quads_for_pattern(
                    Some(quad.subject.as_ref()),
                    Some(quad.predicate.as_ref()),
                    Some(quad.object.as_ref()),
                    None,
                )
                .next()
                .transpose()?
                .is_some();
            if !held {
                self.triples += 1;
            }
        }
        self.quads += quads.len();
        store.extend(quads)?;
        Ok(())
    }
}

fn graph_len(store: &Store, g: NamedNodeRef<'_>) -> Result<usize, BuildError> {
    let mut n = 0;
    for quad in store.quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g))) {
        quad?;
        n += 1;
    }
    Ok(n)
}

/// What a build has to do.
struct Plan {
    /// Entries to convert: new or changed files.
    changed: Vec<Entry>,
    /// Ids whose graphs must go: deleted files, and the old ids of changed files.
    removed: Vec<String>,
    recorded: BTreeMap<String, Recorded>,
    diagnostics: Vec<Diagnostic>,
}

fn plan(project: &Project, previous: Option<&Manifest>) -> Result<Plan, BuildError> {
    let entries_dir = project.entries_dir();
    let files = source::entry_files(&entries_dir).map_err(|source| glossary::ListError {
        path: entries_dir.clone(),
        source,
    })?;
    let options = project.parse_options();
    let mut changed = Vec::new();
    let mut recorded = BTreeMap::new();
    let mut diagnostics = Vec::new();
    for path in files {
        let key = path
            .strip_prefix(&entries_dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        let bytes = match source::read(&path) {
            Ok(bytes) => bytes,
            Err(d) => {
                diagnostics.push(d);
                continue;
            }
        };
        let file_hash = hash(&bytes);
        let old = previous
            .and_then(|m| m.entries.get(&key))
            .filter(|r| r.hash == file_hash);
        if let Some(old) = old {
            recorded.insert(key, old.clone());
            continue;
        }
        match source::parse_bytes(&bytes, &path, &options) {
            Ok(entry) => {
                diagnostics.extend(check::entry(&entry, &project.config, &project.ontology));
                let summary = Summary::of(&entry, &project.ontology);
                recorded.insert(
                    key,
                    Recorded {
                        hash: file_hash,
                        summary,
                    },
                );
                changed.push(entry);
            }
            Err(found) => diagnostics.extend(found),
        }
    }
    let summaries: Vec<Summary> = recorded.values().map(|r| r.summary.clone()).collect();
    diagnostics.extend(check::glossary(&summaries, &project.ontology));
    diagnostic::sort(&mut diagnostics);
    let mut removed = Vec::new();
    if let Some(previous) = previous {
        for (key, old) in &previous.entries {
            let kept = recorded.get(key).is_some_and(|r| r.hash == old.hash);
            if !kept {
                removed.push(old.summary.id.clone());
            }
        }
    }
    Ok(Plan {
        changed,
        removed,
        recorded,
        diagnostics,
    })
}

fn read_manifest(generation: &Path) -> Result<Option<Manifest>, BuildError> {
    let path = generation.join("manifest.json");
    match fs::read(&path) {
        // An unreadable manifest only costs a full rebuild.
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io("read", &path)(e)),
    }
}

fn write_manifest(generation: &Path, manifest: &Manifest) -> Result<(), BuildError> {
    let path = generation.join("manifest.json");
    let bytes = serde_json::to_vec(manifest).map_err(|e| BuildError::Store(e.to_string()))?;
    let mut file = tempfile::NamedTempFile::new_in(generation).map_err(io("write", &path))?;
    std::io::Write::write_all(&mut file, &bytes).map_err(io("write", &path))?;
    file.as_file().sync_all().map_err(io("write", &path))?;
    file.persist(&path)
        .map_err(|e| io("write", &path)(e.error))?;
    Ok(())
}

fn generations(dir: &Path) -> Result<Vec<(u64, PathBuf)>, BuildError> {
    let mut found = Vec::new();
    for item in fs::read_dir(dir).map_err(io("list", dir))? {
        let item = item.map_err(io("list", dir))?;
        let name = item.file_name();
        if let Some(n) = name
            .to_str()
            .and_then(|n| n.strip_prefix("gen-"))
            .and_then(|n| n.parse().ok())
        {
            found.push((n, item.path()));
        }
    }
    found.sort();
    Ok(found)
}

fn next_generation(dir: &Path) -> Result<u64, BuildError> {
    Ok(generations(dir)?.last().map_or(1, |(n, _)| n + 1))
}

/// Points `current` at `target` atomically: a new link renamed over the old one.
fn swap(dir: &Path, current_link: &Path, target: &str) -> Result<(), BuildError> {
    let temporary = dir.join(format!("current.{}", std::process::id()));
    let _ = fs::remove_file(&temporary);
    std::os::unix::fs::symlink(target, &temporary).map_err(io("link", &temporary))?;
    fs::rename(&temporary, current_link).map_err(io("switch", current_link))?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Keeps the new generation and the one before it (which open readers may still use).
fn remove_old_generations(dir: &Path, newest: u64) {
    if let Ok(all) = generations(dir) {
        for (n, path) in all {
            if n + 1 < newest {
                let _ = fs::remove_dir_all(path);
            }
        }
    }
}
