//! The persistent store's build: only entries whose file changed are
//! converted again, into a new generation of the store (`store::generations`)
//! that goes live only when complete.
//!
//! Each generation keeps a manifest beside its store: the hash, metadata and
//! summary of every entry file it was built from. A build starts from a
//! checkpoint of the live generation, replaces only the graphs of entries
//! whose file changed, and updates the scheme graph by its difference. A file
//! is read again only if its size, times or inode changed since the last
//! build, or it changed close to that build's scan.

use super::{BuildError, Built, Stats};
use crate::check;
use crate::convert;
use crate::diagnostic::{self, Diagnostic};
use crate::ontology::GLOSSARY_TTL;
use crate::parallel;
use crate::project::Project;
use crate::source::{self, Entry, ParseOptions, Summary};
use crate::store::Order;
use crate::store::generations::{Counts, Generations};
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::Path;

/// The manifest's file name in a generation's directory.
const MANIFEST: &str = "manifest.json";

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

/// Brings the store in `dir` up to date with the project's sources and opens
/// it. `on_wait` is called if another build of it is running.
pub(super) fn build(
    project: &Project,
    dir: &Path,
    on_wait: impl FnOnce(),
) -> Result<Built, BuildError> {
    let generations = Generations::lock(dir, on_wait)?;
    let live = generations.live();
    let previous = match &live {
        Some(generation) => read_manifest(generation)?,
        None => None,
    };
    // The settings and the vocabulary files they list: if any changes, everything is rebuilt.
    let io = |action: &'static str, path: &Path| {
        let path = path.to_owned();
        move |source| BuildError::Io {
            action,
            path,
            source,
        }
    };
    let mut config_bytes =
        fs::read(project.config_path()).map_err(io("read", &project.config_path()))?;
    for file in &project.config.vocabularies {
        let path = project.dir.join(file);
        config_bytes.extend(fs::read(&path).map_err(io("read", &path))?);
    }
    // The releases are described in the scheme graph, so they count as settings.
    for r in &project.releases.releases {
        config_bytes.extend(format!("\0release {} {}", r.version, r.date).as_bytes());
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
    let old_scheme = match (&live, &reusable) {
        (Some(_), Some(old)) if !unchanged => Some(convert::scheme(
            &project.config,
            &project.releases,
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
            // `plan` gives each earlier summary to at most one file.
            Origin::Kept(i) => old_summaries.get_mut(i).and_then(Option::take),
            Origin::New(summary) => Some(summary),
        });
    }
    let summaries: Vec<Summary> = summaries.into_iter().flatten().collect();
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
    if let Some(generation) = &live
        && old_triples.is_some()
        && unchanged
    {
        return Ok(Built {
            store: generations.open(generation)?,
            warnings: diagnostics,
            stats: Stats {
                entries: manifest.files.len(),
                converted: 0,
                quads: manifest.quads,
            },
            fingerprint: manifest.fingerprint(),
            location: Some(generation.join("store")),
            vocabularies: Vec::new(),
        });
    }

    let generation = generations.begin()?;
    let store = match (&live, old_scheme) {
        (Some(live), Some(old_scheme)) => {
            let store = generation.create_store(Some(&generations.open(live)?))?;
            update(
                project,
                &store,
                &plan.removed,
                &plan.changed,
                &mut manifest,
                old_scheme,
            )?;
            store
        }
        _ => {
            let store = generation.create_store(None)?;
            load_all(project, &store, &plan.changed, &mut manifest)?;
            store
        }
    };
    let bytes = serde_json::to_vec(&manifest).map_err(BuildError::Manifest)?;
    let location = generation.store_dir();
    let store = generation.publish(store, (MANIFEST, &bytes))?;
    Ok(Built {
        store,
        warnings: diagnostics,
        stats: Stats {
            entries: manifest.files.len(),
            converted: plan.changed.len(),
            quads: manifest.quads,
        },
        fingerprint: manifest.fingerprint(),
        location: Some(location),
        vocabularies: Vec::new(),
    })
}

/// Brings a checkpoint of the live store up to date: the graphs of the
/// `removed` ids and of the `changed` entries go, the changed entries come
/// in, and the scheme graph (`old_scheme` in the checkpoint) changes by its
/// difference. Keeps `manifest`'s counts.
fn update(
    project: &Project,
    store: &oxigraph::store::Store,
    removed: &[String],
    changed: &[Entry],
    manifest: &mut Manifest,
    old_scheme: Vec<oxigraph::model::Quad>,
) -> Result<(), BuildError> {
    let scheme = project.config.base.scheme();
    let mut counts = Counts {
        triples: manifest.triples,
        quads: manifest.quads,
        uncounted: scheme.as_ref(),
    };
    let cleared: std::collections::BTreeSet<&str> = removed
        .iter()
        .map(String::as_str)
        .chain(changed.iter().map(|e| e.id.as_str()))
        .collect();
    for id in &cleared {
        counts.remove_graph(store, project.config.base.concept(id).as_ref())?;
    }
    for entry in changed {
        counts.add_graph(
            store,
            convert::entry(entry, &project.config, &project.ontology),
        )?;
    }
    let new_scheme = convert::scheme(
        &project.config,
        &project.releases,
        &manifest.summaries,
        &project.ontology,
        counts.triples,
    );
    counts.replace_uncounted(store, old_scheme, new_scheme)?;
    manifest.triples = counts.triples;
    manifest.quads = counts.quads;
    Ok(())
}

/// Loads everything into an empty store: the ontology, the vocabularies and
/// `entries` (all of them: nothing could be reused), then the scheme graph.
/// Sets `manifest`'s counts.
fn load_all(
    project: &Project,
    store: &oxigraph::store::Store,
    entries: &[Entry],
    manifest: &mut Manifest,
) -> Result<(), BuildError> {
    let (loaded, vocabularies, ()) =
        super::load_parsed(store, project, Order::AsConverted, |sender| {
            for entry in entries {
                if sender.send(entry).is_err() {
                    break;
                }
            }
        });
    let errors: Vec<Diagnostic> = vocabularies.into_iter().filter_map(|v| v.error).collect();
    if !errors.is_empty() {
        return Err(BuildError::Invalid(errors));
    }
    let (tally, _) = loaded?;
    manifest.triples = tally.triples();
    store.extend(convert::scheme(
        &project.config,
        &project.releases,
        &manifest.summaries,
        &project.ontology,
        manifest.triples,
    ))?;
    manifest.quads = store.len()?;
    Ok(())
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
    let paths = super::files(project)?;
    let options = ParseOptions::of(&project.config);
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
    let path = generation.join(MANIFEST);
    match fs::read(&path) {
        // An unreadable manifest only costs a full rebuild.
        Ok(bytes) => Ok(serde_json::from_slice::<Manifest>(&bytes)
            .ok()
            .filter(|m| m.files.len() == m.summaries.len())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(BuildError::Io {
            action: "read",
            path,
            source,
        }),
    }
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
