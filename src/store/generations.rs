//! A persistent store (RocksDB) kept in generations, each built apart and
//! swapped in atomically.
//!
//! Layout of a store directory:
//!
//! ```text
//! DIR/current        symlink to the live generation, replaced atomically
//! DIR/gen-N/store/   the Oxigraph (RocksDB) database
//! DIR/gen-N/…        what the builder keeps beside it (its manifest)
//! DIR/lock           held while building, so two builds never race
//! ```
//!
//! A new generation starts empty or as a checkpoint of the live one (RocksDB
//! hard-links its files, so this is cheap), and only once it is complete and
//! sealed does `current` point at it. Only a build writes, and only to the
//! generation it makes; every other open (servers, queries, the next build's
//! checkpoint) is read-only and takes no lock, so a build runs while servers
//! serve the live generation and several servers share one store. Readers of
//! the old generation are never disturbed; every generation but the live one
//! and the one live before it (those of killed builds too) is removed.

use oxigraph::model::{GraphNameRef, NamedNodeRef, Quad};
use oxigraph::store::{StorageError, Store};
use std::fs;
use std::path::{Path, PathBuf};

/// What can go wrong with a store's directory.
#[derive(Debug, thiserror::Error)]
pub enum GenerationError {
    #[error("cannot {action} {}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// RocksDB cannot open a generation: a damaged or foreign store. The
    /// entries hold everything it had, so the way out is to build it anew.
    #[error("cannot open the store in {}; delete {} and build again", .generation.display(), .dir.display())]
    Open {
        generation: PathBuf,
        dir: PathBuf,
        source: StorageError,
    },
    #[error("the store failed")]
    Storage(#[from] StorageError),
}

fn io<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(std::io::Error) -> GenerationError + 'a {
    move |source| GenerationError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// A store directory, locked for building.
pub struct Generations {
    dir: PathBuf,
    /// Held until dropped: the lock on `DIR/lock`.
    _lock: fs::File,
}

impl Generations {
    /// Takes the build lock of the store in `dir` (creating the directory),
    /// calling `on_wait` first if another build holds it.
    pub fn lock(dir: &Path, on_wait: impl FnOnce()) -> Result<Self, GenerationError> {
        fs::create_dir_all(dir).map_err(io("create", dir))?;
        let lock_path = dir.join("lock");
        let lock = fs::File::create(&lock_path).map_err(io("create", &lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                on_wait();
                lock.lock().map_err(io("lock", &lock_path))?;
            }
            Err(fs::TryLockError::Error(e)) => return Err(io("lock", &lock_path)(e)),
        }
        Ok(Self {
            dir: dir.to_owned(),
            _lock: lock,
        })
    }

    /// The live generation's directory, if there is one.
    pub fn live(&self) -> Option<PathBuf> {
        fs::read_link(self.dir.join("current"))
            .ok()
            .map(|target| self.dir.join(target))
    }

    /// The store of `generation`, read-only.
    pub fn open(&self, generation: &Path) -> Result<Store, GenerationError> {
        Store::open_read_only(generation.join("store")).map_err(|source| GenerationError::Open {
            generation: generation.to_owned(),
            dir: self.dir.clone(),
            source,
        })
    }

    /// A new, empty generation directory. It becomes live only through
    /// [`NewGeneration::publish`]; dropped unpublished, it is removed.
    pub fn begin(&self) -> Result<NewGeneration<'_>, GenerationError> {
        let number = self.numbered()?.last().map_or(1, |(n, _)| n + 1);
        let dir = self.dir.join(format!("gen-{number}"));
        fs::create_dir_all(&dir).map_err(io("create", &dir))?;
        Ok(NewGeneration {
            generations: self,
            number,
            dir,
            previous: self.live(),
            published: false,
        })
    }

    fn numbered(&self) -> Result<Vec<(u64, PathBuf)>, GenerationError> {
        let mut found = Vec::new();
        for item in fs::read_dir(&self.dir).map_err(io("list", &self.dir))? {
            let item = item.map_err(io("list", &self.dir))?;
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
}

/// A generation being built.
pub struct NewGeneration<'a> {
    generations: &'a Generations,
    number: u64,
    /// Its directory, where the builder may keep files beside the store.
    pub dir: PathBuf,
    /// The generation live when this one began: kept for the readers that
    /// opened it.
    previous: Option<PathBuf>,
    published: bool,
}

impl NewGeneration<'_> {
    /// Where its store is.
    pub fn store_dir(&self) -> PathBuf {
        self.dir.join("store")
    }

    /// A new store in this generation: empty, or a checkpoint of `from`.
    pub fn create_store(&self, from: Option<&Store>) -> Result<Store, GenerationError> {
        if let Some(from) = from {
            from.backup(self.store_dir())?;
        }
        Ok(Store::open(self.store_dir())?)
    }

    /// Seals `store` (its writer closes, waiting for RocksDB's background
    /// work, before anyone else opens the generation), writes `file` beside it
    /// atomically, makes the generation live and removes the generation before
    /// the previous one. Returns the store opened read-only, as every later
    /// open is.
    pub fn publish(mut self, store: Store, file: (&str, &[u8])) -> Result<Store, GenerationError> {
        store.flush()?;
        drop(store);
        let store = Store::open_read_only(self.store_dir())?;
        let (name, bytes) = file;
        let path = self.dir.join(name);
        let mut temporary =
            tempfile::NamedTempFile::new_in(&self.dir).map_err(io("write", &path))?;
        std::io::Write::write_all(&mut temporary, bytes).map_err(io("write", &path))?;
        temporary.as_file().sync_all().map_err(io("write", &path))?;
        temporary
            .persist(&path)
            .map_err(|e| io("write", &path)(e.error))?;
        self.switch()?;
        self.published = true;
        self.remove_old();
        Ok(store)
    }

    /// Points `current` at this generation atomically: a new link renamed
    /// over the old one.
    fn switch(&self) -> Result<(), GenerationError> {
        let dir = &self.generations.dir;
        let current = dir.join("current");
        let temporary = dir.join(format!("current.{}", std::process::id()));
        let _ = fs::remove_file(&temporary);
        std::os::unix::fs::symlink(format!("gen-{}", self.number), &temporary)
            .map_err(io("link", &temporary))?;
        fs::rename(&temporary, &current).map_err(io("switch", &current))?;
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Keeps this generation and the one live before it (which open readers
    /// may still use), and removes the rest. A build killed before it
    /// published leaves its generation (and perhaps a temporary link) behind:
    /// they are removed here, under the lock, rather than kept in place of
    /// the previous live generation as "the number before this one" was.
    fn remove_old(&self) {
        if let Ok(all) = self.generations.numbered() {
            for (n, path) in all {
                if n != self.number && Some(&path) != self.previous.as_ref() {
                    let _ = fs::remove_dir_all(path);
                }
            }
        }
        if let Ok(items) = fs::read_dir(&self.generations.dir) {
            for item in items.flatten() {
                if item.file_name().to_string_lossy().starts_with("current.") {
                    let _ = fs::remove_file(item.path());
                }
            }
        }
    }
}

impl Drop for NewGeneration<'_> {
    /// A generation left unpublished (a failed build) is removed; the live
    /// one is as it was.
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Replaces graphs of a store in place while keeping its counts: distinct
/// triples outside one graph left out of the count (the scheme graph, whose
/// triples the dataset description counts itself), and all quads.
pub struct Counts<'a> {
    pub triples: usize,
    pub quads: usize,
    pub uncounted: NamedNodeRef<'a>,
}

impl Counts<'_> {
    /// Whether a graph other than the uncounted one holds the triple, not
    /// counting `except`.
    fn held(
        &self,
        store: &Store,
        quad: &Quad,
        except: Option<NamedNodeRef<'_>>,
    ) -> Result<bool, StorageError> {
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
            if g != self.uncounted && Some(g) != except {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Counts graph `g` out and removes it. A triple counts once however many
    /// graphs hold it, so only a triple no other graph holds lowers the
    /// distinct count.
    pub fn remove_graph(&mut self, store: &Store, g: NamedNodeRef<'_>) -> Result<(), StorageError> {
        for quad in store.quads_for_pattern(None, None, None, Some(g.into())) {
            let quad = quad?;
            if !self.held(store, &quad, Some(g))? {
                self.triples = self.triples.saturating_sub(1);
            }
            self.quads = self.quads.saturating_sub(1);
        }
        store.remove_named_graph(g)?;
        Ok(())
    }

    /// Inserts the quads of one graph that is empty so far, counting them
    /// in: a triple no graph holds yet raises the distinct count.
    pub fn add_graph(&mut self, store: &Store, mut quads: Vec<Quad>) -> Result<(), StorageError> {
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

    /// Turns the uncounted graph from `old` into `new` by their difference:
    /// a one-entry change touches a few of its quads, not one per concept.
    pub fn replace_uncounted(
        &mut self,
        store: &Store,
        old: Vec<Quad>,
        new: Vec<Quad>,
    ) -> Result<(), StorageError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn publish(generations: &Generations) {
        let generation = generations.begin().unwrap();
        let store = generation.create_store(None).unwrap();
        generation.publish(store, ("manifest", b"{}")).unwrap();
    }

    #[test]
    fn publishing_keeps_the_previous_live_generation_and_removes_what_killed_builds_left() {
        let dir = tempfile::tempdir().unwrap();
        let generations = Generations::lock(dir.path(), || {}).unwrap();
        publish(&generations);
        // A build killed after it began (no destructor runs), and one killed
        // while switching `current`.
        std::mem::forget(generations.begin().unwrap());
        std::os::unix::fs::symlink("gen-2", dir.path().join("current.999")).unwrap();
        publish(&generations);
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|i| i.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["current", "gen-1", "gen-3", "lock"]);
        assert_eq!(generations.live(), Some(dir.path().join("gen-3")));
    }
}
