//! The persistent store (RocksDB): built into a new generation directory and
//! swapped in atomically, and rebuilt incrementally.
//!
//! Layout of a store directory:
//!
//! ```text
//! DIR/current        symlink to the live generation, replaced atomically
//! DIR/gen-N/store/   the Oxigraph (RocksDB) database
//! DIR/gen-N/manifest.json  what was built: hash, metadata and summary per entry file
//! DIR/lock           held while building, so two builds never race
//! ```
//!
//! A build starts from a checkpoint of the live generation (RocksDB hard-links
//! its files, so this is cheap), replaces only the graphs of entries whose file
//! changed, updates the scheme graph by its difference, and only then points
//! `current` at it. A file is read again only if its size, times or inode
//! changed since the last build, or it changed close to that build's scan.
//! Only a build writes, and only to the generation it makes; every other
//! open (servers, queries, the next build's checkpoint) is read-only and
//! takes no lock, so a build runs while servers serve the live generation,
//! several servers share one store, and `serve --watch` rebuilds the store it
//! serves. Readers of the old generation are never disturbed; the generation
//! before the previous one is removed.

use super::{BuildError, Built, Stats};
use crate::convert;
use crate::diagnostic::{self, Diagnostic};
use crate::glossary;
use crate::ontology::GLOSSARY_TTL;
use crate::project::Project;
use crate::source::Summary;
use crate::source::{self, Entry};
use crate::{check, parallel, store};
use oxigraph::model::{GraphNameRef, NamedNode, NamedNodeRef};
use oxigraph::store::Store;
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::{Path, PathBuf};

/// Bumped when the manifest or the conversion changes in a way old stores cannot follow.
const FORMAT: u32 = 3;

/// How close to a scan a file's timestamps must be for its metadata not to be
/// trusted: an edit in the same timestamp tick as the scan that read the file
/// would leave size and times unchanged. Two seconds covers the coarsest file
/// systems (FAT); finer ones only hash a few more files.
const RACY_NANOS: i64 = 2_000_000_000;

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Manifest {
    format: u32,
    /// glossgraph's version: a new version may convert differently.
    version: String,
    /// Hashes of `glossary.toml` and of the vocabulary: if either changes, every entry does.
    config: String,
    ontology: String,
    /// When the entry files were examined, in nanoseconds since the Unix epoch:
    /// metadata recorded then is trusted only for files last changed well before.
    scanned: i64,
    /// The entry files, sorted by path.
    files: Vec<File>,
    /// The summary of each of `files`, in the same order: the glossary checks
    /// and the scheme graph take them as one slice, without copying.
    summaries: Vec<Summary>,
    /// Distinct triples outside the scheme graph, and quads in the store: kept
    /// up to date by each build, so that a one-entry change never counts the
    /// whole store.
    triples: usize,
    quads: usize,
}

/// An entry file as it was when converted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct File {
    /// Relative to the entries folder.
    path: String,
    /// Of the content.
    hash: u64,
    /// The file's metadata when it was read: while it stays the same (and the
    /// file was not changed near the scan), the file is not read again.
    stat: Stat,
}

/// What identifies a file's version without reading it. The change time is
/// set by the kernel on every write and cannot be set back by tools that
/// restore modification times, and the inode changes when an editor replaces
/// the file.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
struct Stat {
    len: u64,
    modified: i64,
    changed: i64,
    inode: u64,
    device: u64,
}

impl Stat {
    /// Matches no file.
    const UNKNOWN: Self = Self {
        len: u64::MAX,
        modified: i64::MAX,
        changed: i64::MAX,
        inode: 0,
        device: 0,
    };

    fn of(meta: &fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        let nanos = |secs: i64, nsec: i64| secs.saturating_mul(1_000_000_000).saturating_add(nsec);
        Self {
            len: meta.len(),
            modified: nanos(meta.mtime(), meta.mtime_nsec()),
            changed: nanos(meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
            device: meta.dev(),
        }
    }

    /// Whether the file's times are far enough before `scanned` that an edit
    /// after the scan must have changed them.
    fn settled_before(&self, scanned: i64) -> bool {
        self.modified.max(self.changed) < scanned.saturating_sub(RACY_NANOS)
    }
}

fn now_nanos() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

impl Manifest {
    /// A hash of what the store was built from: the conversion (format,
    /// version), the settings, the vocabulary and every entry file's content.
    /// The same inputs convert to the same graph, so it changes whenever the
    /// graph can.
    fn fingerprint(&self) -> u64 {
        let mut h = xxhash_rust::xxh3::Xxh3Default::new();
        let mut field = |bytes: &[u8]| {
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        field(&self.format.to_le_bytes());
        field(self.version.as_bytes());
        field(self.config.as_bytes());
        field(self.ontology.as_bytes());
        for file in &self.files {
            field(file.path.as_bytes());
            field(&file.hash.to_le_bytes());
        }
        h.digest()
    }
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
    match lock.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            // Said here, not left to the caller: the wait may be long, and a
            // server starting on this store would otherwise just seem stuck.
            eprintln!(
                "glossgraph: another build of {} is running; waiting for it to finish",
                dir.display()
            );
            lock.lock().map_err(io("lock", &lock_path))?;
        }
        Err(fs::TryLockError::Error(e)) => return Err(io("lock", &lock_path)(e)),
    }

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
    let scanned = now_nanos();
    let config = hash(&config_bytes);
    let ontology = hash(GLOSSARY_TTL.as_bytes());
    let version = env!("CARGO_PKG_VERSION");
    // Earlier entries can be reused only if everything they were converted with is the same.
    let reusable = previous.filter(|m| {
        m.format == FORMAT && m.version == version && m.config == config && m.ontology == ontology
    });

    let plan = plan(project, reusable.as_ref())?;
    let mut diagnostics = plan.diagnostics;
    if diagnostics.iter().any(Diagnostic::is_error) {
        diagnostic::sort(&mut diagnostics);
        return Err(BuildError::Invalid(diagnostics));
    }
    let unchanged = plan.changed.is_empty() && plan.removed.is_empty();
    // The scheme graph in the live store, to be updated by its difference
    // rather than rewritten: it names every concept. Computed before the
    // summaries move into the new manifest.
    let old_scheme = match (&current, &reusable) {
        (Some(_), Some(old)) if !unchanged => Some(convert::scheme(
            &project.config,
            &old.summaries,
            &project.ontology,
            old.triples,
        )),
        _ => None,
    };
    let (old_summaries, old_triples, old_quads) = match reusable {
        Some(m) => (m.summaries, Some(m.triples), m.quads),
        None => (Vec::new(), None, 0),
    };
    let mut old_summaries: Vec<Option<Summary>> = old_summaries.into_iter().map(Some).collect();
    let mut summaries = Vec::with_capacity(plan.origins.len());
    for origin in plan.origins {
        summaries.push(match origin {
            Origin::Kept(i) => old_summaries
                .get_mut(i)
                .and_then(Option::take)
                .ok_or_else(|| BuildError::Store("an entry was planned twice".into()))?,
            Origin::New(summary) => summary,
        });
    }
    drop(old_summaries);
    diagnostics.extend(check::glossary(&summaries, &project.ontology));
    diagnostic::sort(&mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(BuildError::Invalid(diagnostics));
    }
    let mut manifest = Manifest {
        format: FORMAT,
        version: version.to_owned(),
        config,
        ontology,
        scanned,
        files: plan.files,
        summaries,
        triples: old_triples.unwrap_or(0),
        quads: old_quads,
    };

    // Nothing changed: open the live generation as it is. (Files whose
    // metadata changed but not their content are read again next time too,
    // which costs little.)
    if let Some(generation) = &current
        && old_triples.is_some()
        && unchanged
    {
        let store = open_live(dir, generation)?;
        return Ok(Built {
            store,
            warnings: diagnostics,
            stats: Stats {
                entries: manifest.files.len(),
                converted: 0,
                quads: manifest.quads,
            },
            fingerprint: manifest.fingerprint(),
            location: Some(generation.join("store")),
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
        let store = match (&current, old_scheme) {
            (Some(old_dir), Some(old_scheme)) => {
                open_live(dir, old_dir)?.backup(&store_dir)?;
                let store = Store::open(&store_dir)?;
                let mut counts = Counts {
                    triples: manifest.triples,
                    quads: manifest.quads,
                    scheme,
                };
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
                let new_scheme = convert::scheme(
                    &project.config,
                    &manifest.summaries,
                    &project.ontology,
                    counts.triples,
                );
                counts.replace_scheme(&store, old_scheme, new_scheme)?;
                manifest.triples = counts.triples;
                manifest.quads = counts.quads;
                store
            }
            _ => {
                let store = Store::open(&store_dir)?;
                let (loaded, vocabulary_errors, ()) =
                    store::load_parsed(&store, project, store::Order::AsConverted, |sender| {
                        for entry in &plan.changed {
                            if sender.send(entry).is_err() {
                                break;
                            }
                        }
                    });
                if !vocabulary_errors.is_empty() {
                    return Err(BuildError::Invalid(vocabulary_errors));
                }
                let (tally, _) = loaded?;
                manifest.triples = tally.triples();
                insert_scheme(&store, project, &manifest.summaries, manifest.triples)?;
                manifest.quads = store.len()?;
                store
            }
        };
        store.flush()?;
        // Sealed: the writer closes (waiting for RocksDB's background work)
        // before anyone else opens the generation, and from now on it is
        // only ever opened read-only.
        drop(store);
        Ok(Store::open_read_only(&store_dir)?)
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
        warnings: diagnostics,
        stats: Stats {
            entries: manifest.files.len(),
            converted: plan.changed.len(),
            quads: manifest.quads,
        },
        fingerprint: manifest.fingerprint(),
        location: Some(store_dir),
    })
}

/// The live generation's store, read-only. If RocksDB cannot open it (a
/// damaged or foreign store), the message says how to start over: the
/// entries hold everything the store had.
fn open_live(dir: &Path, generation: &Path) -> Result<Store, BuildError> {
    Store::open_read_only(generation.join("store")).map_err(|e| {
        BuildError::Store(format!(
            "cannot open the store in {}: {e}; delete {} and build again",
            generation.display(),
            dir.display()
        ))
    })
}

/// Distinct triples outside the scheme graph, and all quads, as graphs come and go.
struct Counts<'a> {
    triples: usize,
    quads: usize,
    /// Its triples are not counted as distinct triples, so it is ignored when
    /// looking for other graphs that hold a triple.
    scheme: NamedNodeRef<'a>,
}

impl Counts<'_> {
    /// Whether a graph other than the scheme graph holds the triple, not
    /// counting `except`.
    fn held(
        &self,
        store: &Store,
        quad: &oxigraph::model::Quad,
        except: Option<NamedNodeRef<'_>>,
    ) -> Result<bool, BuildError> {
        for holder in store.quads_for_pattern(
            Some(quad.subject.as_ref()),
            Some(quad.predicate.as_ref()),
            Some(quad.object.as_ref()),
            None,
        ) {
            let holder = holder?;
            let GraphNameRef::NamedNode(g) = holder.graph_name.as_ref() else {
                return Ok(true);
            };
            if g != self.scheme && Some(g) != except {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Counts graph `g` out, before it is removed. A triple counts once however
    /// many graphs hold it, so only a triple no other graph holds lowers the
    /// distinct count.
    fn remove(&mut self, store: &Store, g: NamedNodeRef<'_>) -> Result<(), BuildError> {
        for quad in store.quads_for_pattern(None, None, None, Some(g.into())) {
            let quad = quad?;
            if !self.held(store, &quad, Some(g))? {
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
        quads.sort_by(crate::order::quad_cmp);
        quads.dedup();
        for quad in &quads {
            if !self.held(store, quad, None)? {
                self.triples += 1;
            }
        }
        self.quads += quads.len();
        store.extend(quads)?;
        Ok(())
    }

    /// Turns the scheme graph from `old` into `new` by their difference: a
    /// one-entry change touches a few of its quads, not one per concept.
    fn replace_scheme(
        &mut self,
        store: &Store,
        old: Vec<oxigraph::model::Quad>,
        new: Vec<oxigraph::model::Quad>,
    ) -> Result<(), BuildError> {
        let old: std::collections::HashSet<_> = old.into_iter().collect();
        let new: std::collections::HashSet<_> = new.into_iter().collect();
        for quad in old.difference(&new) {
            if store.contains(quad)? {
                store.remove(quad)?;
                self.quads = self.quads.saturating_sub(1);
            }
        }
        for quad in new.difference(&old) {
            if !store.contains(quad)? {
                store.insert(quad)?;
                self.quads += 1;
            }
        }
        Ok(())
    }
}

/// What a build has to do.
struct Plan {
    /// Entries to convert: new or changed files.
    changed: Vec<Entry>,
    /// Ids whose graphs must go: deleted files, and the old ids of changed files.
    removed: Vec<String>,
    /// Every entry file now, sorted by path, and where its summary comes from.
    files: Vec<File>,
    origins: Vec<Origin>,
    /// The findings about each new or changed file (the glossary checks come later).
    diagnostics: Vec<Diagnostic>,
}

/// Where an entry file's summary comes from.
enum Origin {
    /// The previous build's, at this position: the file is unchanged.
    Kept(usize),
    New(Summary),
}

/// Finds the new and changed entry files, given the previous build's
/// manifest. A file whose metadata is as recorded, and was last changed well
/// before the previous scan, is not read.
/// What scanning one entry file found (`old` is its index in the last manifest).
enum Scan {
    /// Unchanged since the last build.
    Kept(usize, File),
    Unreadable(Option<usize>, Diagnostic),
    /// New or changed: the entry with its summary and findings, or why it did not parse.
    Changed {
        old: Option<usize>,
        file: File,
        parsed: Result<Box<Parsed>, Vec<Diagnostic>>,
    },
}

/// A new or changed entry, with its summary and the checks' findings.
struct Parsed {
    entry: Entry,
    summary: Summary,
    found: Vec<Diagnostic>,
}

fn plan(project: &Project, previous: Option<&Manifest>) -> Result<Plan, BuildError> {
    let entries_dir = project.entries_dir();
    let paths = source::entry_files(&entries_dir).map_err(|source| glossary::ListError {
        path: entries_dir.clone(),
        source,
    })?;
    let options = source::ParseOptions::of(&project.config);
    let (old_files, old_summaries, scanned) = match previous {
        Some(m) => (m.files.as_slice(), m.summaries.as_slice(), m.scanned),
        None => (&[][..], &[][..], 0),
    };
    let by_path: std::collections::HashMap<&str, usize> = old_files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let mut seen = vec![false; old_files.len()];
    let old_id = |i: usize| old_summaries.get(i).map(|s| s.id.clone());
    let mut plan = Plan {
        changed: Vec::new(),
        removed: Vec::new(),
        files: Vec::with_capacity(paths.len()),
        origins: Vec::with_capacity(paths.len()),
        diagnostics: Vec::new(),
    };
    // Reading, hashing and parsing go on every core; the plan is assembled in order.
    let scans = parallel::map(&paths, |path| {
        let key = path
            .strip_prefix(&entries_dir)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let stat = fs::metadata(path).ok().map(|m| Stat::of(&m));
        let old = by_path.get(key.as_str()).copied();
        if let Some(i) = old
            && let Some(stat) = stat
            && old_files[i].stat == stat
            && stat.settled_before(scanned)
        {
            return Scan::Kept(i, old_files[i].clone());
        }
        let bytes = match source::read(path) {
            Ok(bytes) => bytes,
            Err(d) => return Scan::Unreadable(old, d),
        };
        let file = File {
            path: key,
            hash: xxhash_rust::xxh3::xxh3_64(&bytes),
            // Without metadata, the file is read again next time.
            stat: stat.unwrap_or(Stat::UNKNOWN),
        };
        if let Some(i) = old
            && old_files[i].hash == file.hash
        {
            return Scan::Kept(i, file);
        }
        let parsed = source::parse_bytes(&bytes, path, &options).map(|entry| {
            let found = check::entry(&entry, &project.config, &project.ontology);
            let summary = Summary::of(&entry, &project.ontology);
            Box::new(Parsed {
                entry,
                summary,
                found,
            })
        });
        Scan::Changed { old, file, parsed }
    });
    for scan in scans {
        match scan {
            Scan::Kept(i, file) => {
                seen[i] = true;
                plan.files.push(file);
                plan.origins.push(Origin::Kept(i));
            }
            Scan::Unreadable(old, d) => {
                if let Some(i) = old {
                    seen[i] = true;
                    plan.removed.extend(old_id(i));
                }
                plan.diagnostics.push(d);
            }
            Scan::Changed { old, file, parsed } => {
                if let Some(i) = old {
                    seen[i] = true;
                    plan.removed.extend(old_id(i));
                }
                match parsed {
                    Ok(parsed) => {
                        let Parsed {
                            entry,
                            summary,
                            found,
                        } = *parsed;
                        plan.diagnostics.extend(found);
                        plan.files.push(file);
                        plan.origins.push(Origin::New(summary));
                        plan.changed.push(entry);
                    }
                    Err(found) => plan.diagnostics.extend(found),
                }
            }
        }
    }
    // Files gone since the last build.
    for (i, seen) in seen.into_iter().enumerate() {
        if !seen {
            plan.removed.extend(old_id(i));
        }
    }
    Ok(plan)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_near_the_scan_is_not_trusted() {
        let scanned = 10 * RACY_NANOS;
        let at = |t: i64| Stat {
            len: 1,
            modified: t,
            changed: t,
            inode: 1,
            device: 1,
        };
        assert!(at(scanned - RACY_NANOS - 1).settled_before(scanned));
        assert!(!at(scanned - RACY_NANOS).settled_before(scanned));
        assert!(!at(scanned + 1).settled_before(scanned));
        // Written after the scan with the modification time set back.
        let restored = Stat {
            changed: scanned,
            ..at(0)
        };
        assert!(!restored.settled_before(scanned));
        assert!(!Stat::UNKNOWN.settled_before(i64::MAX));
    }
}
