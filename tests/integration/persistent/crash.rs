//! `glossgraph --store DIR build` killed with SIGKILL at random points of a
//! full build, of an incremental build, and of the swap of the new
//! generation into place: the live store is always complete (the graph
//! before the build or the graph after it, never a mix), and the next build
//! succeeds with no cleanup, keeps the generation that was live before it
//! and leaves nothing of the killed builds behind.

use crate::crash::{self, Ended, Glossary, Rng, Sources};
use crate::util::{glossgraph, text};
use glossgraph::build::{self, StoreChoice};
use glossgraph::project::Project;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// Enough entries for a build to take measurable time (about 0.4 s for a
/// full build and 0.2 s for an incremental one in a debug build on two
/// cores), few enough to read the store back quickly.
const ENTRIES: usize = 50;
/// Kills of each kind of build: 3 × 34 ≥ 100.
const KILLS: usize = 34;

/// A graph told apart cheaply: its quad count and the sum of its quads'
/// hashes (a sum, so the order quads are read in does not matter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Graph {
    quads: usize,
    sum: u64,
}

impl Graph {
    fn of(quads: impl IntoIterator<Item = oxigraph::model::Quad>) -> Self {
        let mut graph = Graph { quads: 0, sum: 0 };
        for quad in quads {
            graph.quads += 1;
            let hash = xxhash_rust::xxh3::xxh3_64(quad.to_string().as_bytes());
            graph.sum = graph.sum.wrapping_add(hash);
        }
        graph
    }
}

/// The graph of `generation`, read as every later open reads it (read-only).
fn graph_of(generation: &Path) -> Graph {
    let db = oxigraph::store::Store::open_read_only(generation.join("store"))
        .unwrap_or_else(|e| panic!("{} does not open: {e}", generation.display()));
    Graph::of(glossgraph::store::quads(&db).unwrap())
}

/// Each file under `dir` with its size and modification time.
fn stamps(dir: &Path) -> BTreeMap<PathBuf, (u64, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for item in std::fs::read_dir(&dir).unwrap() {
            let item = item.unwrap();
            let meta = item.metadata().unwrap();
            if meta.is_dir() {
                pending.push(item.path());
            } else {
                out.insert(item.path(), (meta.len(), meta.modified().unwrap()));
            }
        }
    }
    out
}

/// A generation whose graph was read, and its files then.
struct Read {
    generation: String,
    stamps: BTreeMap<PathBuf, (u64, SystemTime)>,
    graph: Graph,
}

/// The generation `current` points at (`gen-N`).
fn live_generation(store: &Path) -> Option<String> {
    std::fs::read_link(store.join("current"))
        .ok()
        .map(|p| p.to_string_lossy().into_owned())
}

/// The names in the store's folder that start with `prefix`.
fn named(store: &Path, prefix: &str) -> BTreeSet<String> {
    std::fs::read_dir(store)
        .map(|items| {
            items
                .map(|i| i.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(prefix))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a generation not among `before` has started sealing: its manifest
/// (or the temporary file it is written to) is there, so what is left of the
/// build is writing it, switching `current` and removing old generations.
fn sealing(store: &Path, before: &BTreeSet<String>) -> bool {
    named(store, "gen-").difference(before).any(|generation| {
        std::fs::read_dir(store.join(generation)).is_ok_and(|mut items| {
            items.any(|i| {
                i.is_ok_and(|i| {
                    let name = i.file_name();
                    let name = name.to_string_lossy();
                    name == "manifest.json" || name.starts_with(".tmp")
                })
            })
        })
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// A full build (the title changed), killed at a uniform fraction of one.
    Full,
    /// An incremental build (an entry edited, one added or removed), killed
    /// at a uniform fraction of one.
    Incremental,
    /// An incremental build, killed once its new generation is sealing
    /// (its manifest is being written), at a uniform fraction of the time
    /// from then to the switch of `current`.
    Swap,
}

/// What the kills of one phase left.
#[derive(Debug, Default)]
struct Tally {
    kills: usize,
    /// The store held the graph before the killed build, or after it.
    old: usize,
    new: usize,
    /// Runs that finished before the signal came (not counted as kills).
    finished: usize,
    /// The latest kill point, after the start (or after sealing began).
    latest: Duration,
}

struct Run {
    dir: tempfile::TempDir,
    glossary: Glossary,
    /// The graph each state of the sources builds to (built in memory,
    /// apart from the store under test).
    graphs: HashMap<Sources, Graph>,
    /// What the live store holds.
    sources: Option<Sources>,
    rng: Rng,
    /// The live generation as last read.
    read: Option<Read>,
}

impl Run {
    /// Makes the sources `sources`; the graph they build to.
    fn write(&mut self, sources: Sources) -> Graph {
        self.glossary.write(sources);
        let data = &self.glossary.data;
        *self.graphs.entry(sources).or_insert_with(|| {
            let project = Project::open(data).expect("the glossary opens");
            let built = build::build(&project, &StoreChoice::Memory).expect("the glossary builds");
            Graph::of(glossgraph::store::quads(&built.store).unwrap())
        })
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    /// The graph of the generation `current` points at; `None` if no build
    /// was ever published. Reading a graph is slow in a debug build (every
    /// term is looked up), so a generation read before whose files are all
    /// as they were then is not read again: RocksDB never rewrites a data
    /// file, and the others change their time when written.
    fn live(&mut self) -> Option<Graph> {
        let store = self.store();
        let generation = live_generation(&store)?;
        let dir = store.join(&generation);
        if let Some(read) = &self.read
            && read.generation == generation
            && read.stamps == stamps(&dir)
        {
            return Some(read.graph);
        }
        let graph = graph_of(&dir);
        self.read = Some(Read {
            generation,
            stamps: stamps(&dir),
            graph,
        });
        Some(graph)
    }

    fn build_args(store: &str) -> [&str; 5] {
        ["--data", "data", "--store", store, "build"]
    }

    /// The sources after the next edit of `phase`.
    fn next(&self, phase: Phase) -> Sources {
        match (self.sources, phase) {
            (None, _) => Sources::default(),
            (Some(s), Phase::Full) => Sources {
                retitled: !s.retitled,
                ..s
            },
            (Some(s), _) => Sources {
                edited: !s.edited,
                ..s
            },
        }
    }

    /// How long a build of `phase`'s next edit takes (that build completes):
    /// whole, or for a swap the time from its sealing to the switch of
    /// `current` as this process sees them (both a little late, so kills
    /// land on both sides of the switch). With no store yet, a first build
    /// is measured in a store of its own, and the first kill is of a first
    /// build.
    fn measure(&mut self, phase: Phase) -> Duration {
        let next = self.next(phase);
        self.write(next);
        let name = if self.sources.is_some() {
            "store"
        } else {
            "measured"
        };
        let store = self.dir.path().join(name);
        let before = named(&store, "gen-");
        let live = live_generation(&store);
        let started = Instant::now();
        let mut child = crash::command(self.dir.path(), &Self::build_args(name))
            .spawn()
            .expect("glossgraph runs");
        let mut span = None;
        if phase == Phase::Swap {
            while !sealing(&store, &before) {
                assert!(
                    child.try_wait().unwrap().is_none(),
                    "the build never sealed"
                );
                std::thread::yield_now();
            }
            let sealed = Instant::now();
            while live_generation(&store) == live && child.try_wait().unwrap().is_none() {
                std::thread::yield_now();
            }
            span = Some(sealed.elapsed());
        }
        assert!(child.wait().unwrap().success(), "the measured build failed");
        let span = span.unwrap_or_else(|| started.elapsed());
        if self.sources.is_some() {
            self.sources = Some(next);
        } else {
            std::fs::remove_dir_all(&store).unwrap();
        }
        span
    }

    /// Kills builds of `phase` until `KILLS` were killed, checking after each.
    fn phase(&mut self, phase: Phase) -> Tally {
        let mut span = self.measure(phase);
        let mut tally = Tally::default();
        while tally.kills < KILLS {
            assert!(
                tally.finished < crash::too_many_finished(KILLS),
                "{phase:?}: the builds finished before the kill {} times: kill points of up to {span:?} are too late",
                tally.finished
            );
            let old = self.sources.map(|s| self.graphs[&s]);
            let next = self.next(phase);
            let new = self.write(next);
            let store = self.store();
            let at = span.mul_f64(crash::fraction(&mut self.rng));
            let mut command = crash::command(self.dir.path(), &Self::build_args("store"));
            let before = named(&store, "gen-");
            let ended = match phase {
                Phase::Full | Phase::Incremental => crash::kill_after(&mut command, at),
                Phase::Swap => crash::kill_when(&mut command, || sealing(&store, &before), at),
            };
            if let Ended::Finished(status) = ended {
                assert!(status.success(), "{phase:?}: a build failed: {status}");
                self.sources = Some(next);
                tally.finished += 1;
                crash::sooner(&mut span);
                continue;
            }
            tally.kills += 1;
            tally.latest = tally.latest.max(at);
            let kill = format!("{phase:?} kill {} at {at:?}", tally.kills);

            // The live store is whole: the graph before or after the build.
            let seen = self.live();
            if seen == Some(new) {
                tally.new += 1;
            } else if seen == old {
                tally.old += 1;
            } else {
                panic!(
                    "{kill}: the live store holds {seen:?}, neither the graph before the build ({old:?}) nor after it ({new:?})"
                );
            }

            // The next build, of these sources or of the previous ones (the
            // edit undone), succeeds as it is and builds their graph.
            let then = match self.sources {
                Some(previous) if self.rng.chance(50) => previous,
                _ => next,
            };
            let expected = self.write(then);
            let live_before = live_generation(&store);
            let out = glossgraph(self.dir.path(), &Self::build_args("store"));
            assert!(
                out.status.success(),
                "{kill}: the next build failed: {}",
                text(&out.stderr)
            );
            assert_eq!(
                self.live(),
                Some(expected),
                "{kill}: the next build's graph"
            );
            self.sources = Some(then);
            // A build that published keeps the generation live before it
            // (servers may still read it) and removes every other one,
            // those of killed builds included, and their temporary links.
            let live = live_generation(&store);
            if live != live_before {
                let kept: BTreeSet<String> = live.into_iter().chain(live_before).collect();
                assert_eq!(
                    named(&store, "gen-"),
                    kept,
                    "{kill}: the generations after the next build"
                );
                assert_eq!(
                    named(&store, "current."),
                    BTreeSet::new(),
                    "{kill}: temporary links left behind"
                );
            }
        }
        tally
    }
}

#[test]
fn a_build_killed_at_random_points_leaves_a_complete_store() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let glossary = Glossary::generate(&dir.path().join("data"), ENTRIES);
    let mut run = Run {
        dir,
        glossary,
        graphs: HashMap::new(),
        sources: None,
        rng: crash::random("persistent::crash"),
        read: None,
    };
    let mut report = Vec::new();
    let mut kills = 0;
    for phase in [Phase::Full, Phase::Incremental, Phase::Swap] {
        let tally = run.phase(phase);
        kills += tally.kills;
        report.push(format!(
            "{phase:?}: {} killed (up to {:?} in), {} left the graph before, {} the graph after; {} finished first",
            tally.kills, tally.latest, tally.old, tally.new, tally.finished
        ));
    }
    crash::say(&format!(
        "persistent::crash: {kills}/{kills} builds killed with SIGKILL left a complete store and the next build succeeded, in {:.0?}; {}",
        started.elapsed(),
        report.join("; ")
    ));
}
