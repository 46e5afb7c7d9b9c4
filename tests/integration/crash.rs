//! Commands killed with SIGKILL part-way through their writes: what each
//! leaves on disk is whole (the previous state or the new one), and the next
//! run succeeds without manual cleanup. The kill points are random, seeded
//! by `GLOSSGRAPH_CRASH_SEED` (else the clock) and the seed is printed, so a
//! failure reproduces. This module holds the helpers and the tests of `site`
//! and `import`; the persistent store's test is `persistent::crash`.

use crate::util::{glossgraph, text};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The site's manifest, in the folder.
const MANIFEST: &str = ".glossgraph/site.json";

pub use crate::generated::Rng;

/// The two edits a test switches on and off: the glossary's title (every
/// entry is converted again) and an entry edited plus one added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Sources {
    pub retitled: bool,
    pub edited: bool,
}

/// A generated glossary as it was written, to apply [`Sources`] to.
pub struct Glossary {
    pub data: PathBuf,
    config: String,
    entry: PathBuf,
    entry_text: String,
    entry_id: String,
}

impl Glossary {
    /// Writes a glossary of `entries` entries into `data` (the benchmarks'
    /// generator, seed 1: the same glossary every run).
    pub fn generate(data: &Path, entries: usize) -> Self {
        crate::generated::glossary::write(data, entries, 1)
            .expect("the generated glossary is written");
        let entry = files(&data.join("entries"))
            .into_keys()
            .next()
            .map(|name| data.join("entries").join(name))
            .expect("an entry");
        Glossary {
            data: data.to_owned(),
            config: std::fs::read_to_string(data.join("glossary.toml")).unwrap(),
            entry_text: std::fs::read_to_string(&entry).unwrap(),
            entry_id: entry.file_stem().unwrap().to_string_lossy().into_owned(),
            entry,
        }
    }

    /// Makes the sources `sources`.
    pub fn write(&self, sources: Sources) {
        let config = if sources.retitled {
            self.config
                .replace("Generated glossary", "Generated glossary, retitled")
        } else {
            self.config.clone()
        };
        std::fs::write(self.data.join("glossary.toml"), config).unwrap();
        let added = self.data.join("entries/crash-added.md");
        if sources.edited {
            std::fs::write(
                &self.entry,
                format!(
                    "{}\n## Edited\n\nA section written to change this entry.\n",
                    self.entry_text
                ),
            )
            .unwrap();
            std::fs::write(
                &added,
                format!(
                    "---\nterm: Added entry\ndefinition: An entry added to give the build work.\nrelations:\n  related: [{}]\n---\n",
                    self.entry_id
                ),
            )
            .unwrap();
        } else {
            std::fs::write(&self.entry, &self.entry_text).unwrap();
            let _ = std::fs::remove_file(&added);
        }
    }
}

/// Says `line` on standard error as the test runs: libtest captures only
/// the `print!` family, and the seed and the figure must show in a plain
/// `cargo test`.
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// This run's random kill points, from `GLOSSGRAPH_CRASH_SEED` or the clock;
/// says which, with the way to run the test again with it.
pub fn random(test: &str) -> Rng {
    let seed = std::env::var("GLOSSGRAPH_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    say(&format!(
        "{test}: kill points seeded with GLOSSGRAPH_CRASH_SEED={seed}"
    ));
    // xorshift needs a seed other than zero.
    Rng(seed.max(1))
}

/// A uniform fraction in `0..1`.
pub fn fraction(rng: &mut Rng) -> f64 {
    (rng.next() >> 11) as f64 / (1u64 << 53) as f64
}

/// How a run that was to be killed ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Killed,
    /// It finished before the signal came.
    Finished(ExitStatus),
}

/// `glossgraph ARGS` in `dir`, with no output kept.
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_glossgraph"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("GLOSSGRAPH_DATA")
        .env_remove("GLOSSGRAPH_STORE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// Runs `command` and sends it SIGKILL once `ready` says so (it is asked
/// again and again: a few milliseconds' wait would miss short steps),
/// `then` later.
pub fn kill_when(command: &mut Command, mut ready: impl FnMut() -> bool, then: Duration) -> Ended {
    let mut child = command.spawn().expect("glossgraph runs");
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return Ended::Finished(status);
        }
        if ready() {
            break;
        }
        std::thread::yield_now();
    }
    std::thread::sleep(then);
    // A child that has exited but is not yet reaped takes the signal
    // harmlessly; its status tells.
    let _ = child.kill();
    let status = child.wait().expect("the child can be waited for");
    match status.signal() {
        Some(9) => Ended::Killed,
        _ => Ended::Finished(status),
    }
}

/// Most runs that finish before their kill allow: a run measured on a
/// busier machine makes kill points too late, so each run that finishes
/// first brings the later ones forward (see [`sooner`]); this many mean
/// something is wrong.
pub fn too_many_finished(kills: usize) -> usize {
    5 * kills
}

/// Kill points a fifth sooner, after a run finished before its kill.
pub fn sooner(span: &mut Duration) {
    *span = span.mul_f64(0.8);
}

/// Runs `command` and sends it SIGKILL after `delay`.
pub fn kill_after(command: &mut Command, delay: Duration) -> Ended {
    kill_when(command, || true, delay)
}

/// How long `glossgraph ARGS` takes in `dir`; it must succeed.
pub fn timed(dir: &Path, args: &[&str]) -> Duration {
    let started = Instant::now();
    let out = glossgraph(dir, args);
    assert!(
        out.status.success(),
        "glossgraph {args:?}: {}",
        text(&out.stderr)
    );
    started.elapsed()
}

/// Every file under `dir` by its path relative to it, with its bytes.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for item in std::fs::read_dir(dir).expect("a readable folder") {
            let item = item.expect("a readable folder");
            let path = item.path();
            if item.file_type().expect("a file type").is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).expect("under the root");
                out.insert(
                    relative.to_string_lossy().into_owned(),
                    std::fs::read(&path).expect("a readable file"),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

/// Entries of the glossary the site is written from: a `site` run takes
/// about a second in a debug build.
const SITE_ENTRIES: usize = 10;
/// Kills of `site`: half at random points of the whole run, half while it
/// moves its files into place.
const SITE_KILLS: usize = 20;

/// Whether the file at `path` was replaced since this was called (its inode
/// or time changed): a file renamed into place shows it at once.
fn replaced(path: &Path) -> impl FnMut() -> bool + use<> {
    use std::os::unix::fs::MetadataExt;
    let path = path.to_owned();
    let stamp = move || {
        std::fs::metadata(&path)
            .map(|m| (m.ino(), m.mtime_nsec(), m.mtime()))
            .ok()
    };
    let first = stamp();
    move || stamp() != first
}

/// `glossgraph site` killed at random points of a rewrite (an edit made
/// and undone in turn): every file a host would serve is whole, as one of
/// the two sites has it, and the next run (with the same sources, or with
/// the edit undone) succeeds and leaves the folder as a clean run writes it.
#[test]
fn a_site_killed_at_random_points_keeps_whole_files_and_is_finished_by_the_next_run() {
    let started = Instant::now();
    let mut rng = random("crash::site");
    let dir = tempfile::tempdir().unwrap();
    let glossary = Glossary::generate(&dir.path().join("data"), SITE_ENTRIES);
    let states = [
        Sources::default(),
        Sources {
            retitled: true,
            edited: true,
        },
    ];
    // What a clean run writes for each state, each into a new folder.
    let clean: Vec<BTreeMap<String, Vec<u8>>> = (0..2)
        .map(|i| {
            glossary.write(states[i]);
            let out = format!("clean-{i}");
            timed(dir.path(), &["--data", "data", "site", "-o", &out]);
            files(&dir.path().join(out))
        })
        .collect();
    // The files a host would serve: temporary files and the manifest (which
    // records the files being moved) are never served.
    let served = |mut all: BTreeMap<String, Vec<u8>>| {
        all.retain(|path, _| !path.ends_with(".glossgraph-new") && path != MANIFEST);
        all
    };
    let clean_served: Vec<_> = clean.iter().cloned().map(served).collect();
    let args = ["--data", "data", "site", "-o", "site"];
    let site = dir.path().join("site");
    // The files that differ between the two sites: the first of them
    // replaced, created or deleted shows that files are moving into place.
    let differ: Vec<PathBuf> = clean_served[0]
        .keys()
        .chain(clean_served[1].keys())
        .filter(|p| clean_served[0].get(*p) != clean_served[1].get(*p))
        .map(|p| site.join(p))
        .collect();
    let moving_now = || {
        let mut watched: Vec<_> = differ.iter().map(|p| replaced(p)).collect();
        move || watched.iter_mut().any(|changed| changed())
    };
    glossary.write(states[0]);
    timed(dir.path(), &args);
    // One rewrite measured, whole and from its first file moved on: the
    // kills fall within these.
    glossary.write(states[1]);
    let began = Instant::now();
    let mut moved = moving_now();
    let mut child = command(dir.path(), &args).spawn().unwrap();
    while !moved() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "no file was moved into place"
        );
        std::thread::yield_now();
    }
    let moving_from = began.elapsed();
    assert!(child.wait().unwrap().success(), "the measured run failed");
    let mut whole = began.elapsed();
    let mut moving = whole.saturating_sub(moving_from);
    assert!(
        files(&site) == clean[1],
        "a site run differs from a clean one"
    );
    let mut current = 1;
    let (mut kills, mut old, mut mixed, mut new, mut finished) = (0, 0, 0, 0, 0);
    while kills < SITE_KILLS {
        assert!(
            finished < too_many_finished(SITE_KILLS),
            "site runs finished before the kill {finished} times"
        );
        let next = 1 - current;
        glossary.write(states[next]);
        let in_move = kills % 2 == 1;
        let (at, ended) = if in_move {
            let at = moving.mul_f64(fraction(&mut rng));
            (
                at,
                kill_when(&mut command(dir.path(), &args), moving_now(), at),
            )
        } else {
            let at = whole.mul_f64(fraction(&mut rng));
            (at, kill_after(&mut command(dir.path(), &args), at))
        };
        if let Ended::Finished(status) = ended {
            assert!(status.success(), "a site run failed: {status}");
            assert!(
                files(&site) == clean[next],
                "a site run differs from a clean one"
            );
            current = next;
            finished += 1;
            sooner(if in_move { &mut moving } else { &mut whole });
            continue;
        }
        kills += 1;
        let kill = format!(
            "site kill {kills} at {at:?}{}",
            if in_move {
                " after the files began to move"
            } else {
                ""
            }
        );
        // Every file a host would serve is whole: as one of the two sites has it.
        let seen = served(files(&site));
        for (path, bytes) in &seen {
            assert!(
                clean_served[current].get(path) == Some(bytes)
                    || clean_served[next].get(path) == Some(bytes),
                "{kill}: {path} is in neither site as it is"
            );
        }
        if seen == clean_served[current] {
            old += 1;
        } else if seen == clean_served[next] {
            new += 1;
        } else {
            mixed += 1;
        }
        // The next run, of these sources or with the edit undone, finishes
        // the work with no cleanup.
        let then = if rng.chance(50) { current } else { next };
        glossary.write(states[then]);
        let out = glossgraph(dir.path(), &args);
        assert!(
            out.status.success(),
            "{kill}: the next site run failed: {}",
            text(&out.stderr)
        );
        let after = files(&site);
        let differing: BTreeSet<&String> = after
            .keys()
            .chain(clean[then].keys())
            .filter(|path| after.get(*path) != clean[then].get(*path))
            .collect();
        assert!(
            differing.is_empty(),
            "{kill}: after the next run these files differ from a clean run's: {differing:?}"
        );
        current = then;
    }
    say(&format!(
        "crash::site: {kills}/{kills} site runs killed with SIGKILL left only whole files and the next run wrote a clean site, in {:.0?}; kills up to {whole:?} in, half of them in the {moving:?} of moving files: {old} left the previous site, {mixed} a mix of whole files of both, {new} the new site; {finished} finished first",
        started.elapsed()
    ));
}

/// Rows of the spreadsheet imported: each entry relates to the one before,
/// so the import must be whole for the glossary to build.
const IMPORT_ROWS: usize = 200;
/// Kills of `import csv`: half at random points of the whole run, half
/// once it has written its journal and moves its files into place.
const IMPORT_KILLS: usize = 20;

/// `glossgraph import csv` killed at random points: every command that
/// reads the entries folder afterwards finds all the imported entries or
/// none (a kill while the files move in leaves a journal, and the reader
/// finishes the moves first), the glossary checks, and the import run again
/// (if nothing was written) succeeds and leaves nothing of the killed one.
#[test]
fn an_import_killed_at_random_points_writes_all_its_entries_or_none() {
    let started = Instant::now();
    let mut rng = random("crash::import");
    let dir = tempfile::tempdir().unwrap();
    let glossary = Glossary::generate(&dir.path().join("data"), SITE_ENTRIES);
    let entries = glossary.data.join("entries");
    let mut rows = String::from("id,term,definition,related\n");
    for i in 0..IMPORT_ROWS {
        let related = if i == 0 {
            String::new()
        } else {
            format!("imported-{}", i - 1)
        };
        rows.push_str(&format!(
            "imported-{i},Imported term {i},\"An imported definition, number {i}.\",{related}\n"
        ));
    }
    std::fs::write(dir.path().join("rows.csv"), rows).unwrap();
    let args = ["--data", "data", "import", "csv", "rows.csv"];
    // The entry files (hidden files and folders are not read as entries).
    let visible = |all: BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        all.into_iter()
            .filter(|(path, _)| !path.starts_with('.'))
            .collect()
    };
    let before = visible(files(&entries));
    let hidden = || -> Vec<String> {
        std::fs::read_dir(&entries)
            .unwrap()
            .map(|i| i.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect()
    };
    // One import measured: whole, and while its journal is there (written
    // just before the files move into place, removed after). The journal is
    // there for milliseconds: on a loaded machine this thread may not run
    // while it is, so an import whose journal went unseen is run again.
    let journal = entries.join(".glossgraph-batch.journal");
    let moves = || journal.exists();
    let reset = || {
        for i in 0..IMPORT_ROWS {
            let _ = std::fs::remove_file(entries.join(format!("imported-{i}.md")));
        }
    };
    let mut attempts = 0;
    let (mut moving, mut whole) = loop {
        attempts += 1;
        let began = Instant::now();
        let mut child = command(dir.path(), &args).spawn().unwrap();
        while !moves() && child.try_wait().unwrap().is_none() {
            std::thread::yield_now();
        }
        if !moves() {
            assert!(
                child.wait().unwrap().success(),
                "the measured import failed"
            );
            assert!(
                attempts < 10,
                "the import wrote no journal that this test saw, {attempts} times"
            );
            reset();
            continue;
        }
        let journaled = Instant::now();
        while moves() && child.try_wait().unwrap().is_none() {
            std::thread::yield_now();
        }
        // The time the journal was there, as seen from here.
        let moving = journaled.elapsed();
        assert!(
            child.wait().unwrap().success(),
            "the measured import failed"
        );
        break (moving, began.elapsed());
    };
    let imported = visible(files(&entries));
    assert_eq!(imported.len(), before.len() + IMPORT_ROWS);
    reset();

    let (mut kills, mut none, mut all, mut journaled, mut finished) = (0, 0, 0, 0, 0);
    while kills < IMPORT_KILLS {
        assert!(
            finished < too_many_finished(IMPORT_KILLS),
            "imports finished before the kill {finished} times"
        );
        let in_place = kills % 2 == 1;
        let (at, ended) = if in_place {
            let at = moving.mul_f64(fraction(&mut rng));
            (at, kill_when(&mut command(dir.path(), &args), moves, at))
        } else {
            let at = whole.mul_f64(fraction(&mut rng));
            (at, kill_after(&mut command(dir.path(), &args), at))
        };
        if let Ended::Finished(status) = ended {
            assert!(status.success(), "an import failed: {status}");
            reset();
            finished += 1;
            sooner(if in_place { &mut moving } else { &mut whole });
            continue;
        }
        kills += 1;
        let kill = format!(
            "import kill {kills} at {at:?}{}",
            if in_place {
                " after its journal was written"
            } else {
                ""
            }
        );
        // On disk, part of the import only with the journal that finishes it.
        let raw = visible(files(&entries));
        if raw != before && raw != imported {
            let missing = imported.keys().filter(|p| !raw.contains_key(*p)).count();
            assert!(
                journal.exists(),
                "{kill}: the entries folder holds part of the import ({missing} of {IMPORT_ROWS} entries missing) and no journal"
            );
            journaled += 1;
        }
        // What a command reading the folder sees: all or none.
        let out = glossgraph(dir.path(), &["--data", "data", "check"]);
        assert!(
            out.status.success(),
            "{kill}: the glossary does not check: {}",
            text(&out.stderr)
        );
        let seen = visible(files(&entries));
        if seen == before {
            none += 1;
            let out = glossgraph(dir.path(), &args);
            assert!(
                out.status.success(),
                "{kill}: the import run again failed: {}",
                text(&out.stderr)
            );
            assert_eq!(
                hidden(),
                Vec::<String>::new(),
                "{kill}: left behind after the import ran again"
            );
        } else {
            assert!(
                seen == imported,
                "{kill}: a command reading the entries found part of the import"
            );
            all += 1;
        }
        assert!(visible(files(&entries)) == imported, "{kill}");
        assert!(
            !hidden().iter().any(|n| n.ends_with(".journal")),
            "{kill}: a journal is left"
        );
        reset();
    }
    say(&format!(
        "crash::import: {kills}/{kills} imports of {IMPORT_ROWS} rows killed with SIGKILL were read whole or not at all, in {:.0?}; kills up to {whole:?} in, half of them in the {moving:?} its journal was there: {none} wrote none, {all} all ({journaled} of them finished from the journal by the next command); {finished} finished first",
        started.elapsed()
    ));
}
