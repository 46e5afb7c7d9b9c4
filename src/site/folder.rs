//! The output folder: which files glossgraph wrote there (a manifest, so that
//! a user's own files are never overwritten or deleted), and a rebuild that
//! writes only what changed, each file under a temporary name first and all
//! of them renamed into place only once the whole site has been rendered.

use super::SiteError;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Where the manifest and the host rules live inside the folder; the rules
/// keep it from being served.
pub const PRIVATE_DIR: &str = ".glossgraph";
const MANIFEST: &str = ".glossgraph/site.json";
const TEMP_SUFFIX: &str = ".glossgraph-new";

/// What a rebuild did to the folder.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    pub written: Vec<String>,
    pub unchanged: usize,
    pub deleted: Vec<String>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    generator: String,
    /// Each file's path in the folder and a hash of its bytes.
    files: BTreeMap<String, String>,
}

pub struct Folder {
    root: PathBuf,
    previous: BTreeMap<String, String>,
    next: BTreeMap<String, String>,
    /// Changed files, written under a temporary name, by their final path.
    staged: Vec<String>,
    unchanged: usize,
}

impl Folder {
    /// Opens `root` for a rebuild. A folder holding files that glossgraph did
    /// not write is refused unless `force`, which keeps those files (and
    /// never deletes them) while writing the site beside them.
    pub fn open(root: &Path, force: bool) -> Result<Self, SiteError> {
        let io_error = |source| SiteError::Io {
            path: root.to_owned(),
            source,
        };
        let previous = match fs::read(root.join(MANIFEST)) {
            Ok(bytes) => {
                serde_json::from_slice::<Manifest>(&bytes)
                    .map_err(|e| SiteError::Manifest {
                        path: root.join(MANIFEST),
                        reason: e.to_string(),
                    })?
                    .files
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(io_error(e)),
        };
        let mut found = Vec::new();
        match files_under(root, root, &mut found) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(e)),
        }
        // Temporary files of a run killed before it moved them into place:
        // glossgraph's own, so they neither make the folder foreign nor stay.
        for file in found.extract_if(.., |f| f.ends_with(TEMP_SUFFIX)) {
            let path = root.join(&file);
            fs::remove_file(&path).map_err(|source| SiteError::Io { path, source })?;
        }
        if !force {
            let mut foreign = found;
            foreign.retain(|f| f != MANIFEST && !previous.contains_key(f));
            if !foreign.is_empty() {
                foreign.sort();
                return Err(SiteError::Foreign {
                    dir: root.to_owned(),
                    count: foreign.len(),
                    examples: foreign.into_iter().take(5).collect(),
                });
            }
        }
        Ok(Self {
            root: root.to_owned(),
            previous,
            next: BTreeMap::new(),
            staged: Vec::new(),
            unchanged: 0,
        })
    }

    /// Adds the file `path` holding `bytes` to the site; written (under a
    /// temporary name) only if it differs from what the folder holds.
    pub fn put(&mut self, path: &str, bytes: &[u8]) -> Result<(), SiteError> {
        let hash = hash(bytes);
        let target = self.root.join(path);
        let same = self.previous.get(path) == Some(&hash)
            && fs::metadata(&target).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
        match self.next.get(path) {
            Some(h) if *h == hash => return Ok(()),
            Some(_) => {
                return Err(SiteError::Render {
                    address: path.to_owned(),
                    status: 200,
                    detail: "two different answers were to be written to this one file".into(),
                });
            }
            None => {}
        }
        self.next.insert(path.to_owned(), hash);
        if same {
            self.unchanged += 1;
            return Ok(());
        }
        let temp = temp_path(&target);
        let write = || -> io::Result<()> {
            if let Some(parent) = temp.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&temp, bytes)
        };
        write().map_err(|source| SiteError::Io {
            path: target,
            source,
        })?;
        self.staged.push(path.to_owned());
        Ok(())
    }

    /// Whether the site being written has the file `path` holding `bytes`.
    pub fn holds(&self, path: &str, bytes: &[u8]) -> bool {
        self.next.get(path) == Some(&hash(bytes))
    }

    /// Moves every changed file into place, deletes the files of the last
    /// build that this one no longer has, and records the new manifest.
    pub fn commit(mut self) -> Result<Changes, SiteError> {
        let staged = std::mem::take(&mut self.staged);
        // While the files move, the folder holds old and new ones. Recorded
        // first: each moving file is the site's, with no known content (an
        // empty hash, which no bytes have), so that a run after a kill here
        // rewrites every one of them and takes none for a user's file.
        if !staged.is_empty() {
            let mut moving = self.previous.clone();
            for path in &staged {
                moving.insert(path.clone(), String::new());
            }
            self.record(moving)?;
        }
        for path in &staged {
            let target = self.root.join(path);
            fs::rename(temp_path(&target), &target).map_err(|source| SiteError::Io {
                path: target.clone(),
                source,
            })?;
        }
        let gone: Vec<String> = self
            .previous
            .keys()
            .filter(|p| !self.next.contains_key(*p))
            .cloned()
            .collect();
        let mut dirs = BTreeSet::new();
        for path in &gone {
            let target = self.root.join(path);
            match fs::remove_file(&target) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(SiteError::Io {
                        path: target,
                        source,
                    });
                }
            }
            dirs.extend(target.ancestors().skip(1).map(Path::to_path_buf));
        }
        // Folders left empty by deletions go too (deepest first); a folder
        // still holding anything, the user's files included, stays.
        for dir in dirs
            .iter()
            .rev()
            .filter(|d| d.starts_with(&self.root) && **d != self.root)
        {
            let _ = fs::remove_dir(dir);
        }
        let files = std::mem::take(&mut self.next);
        self.record(files)?;
        Ok(Changes {
            written: staged,
            unchanged: self.unchanged,
            deleted: gone,
        })
    }

    /// Writes the manifest listing `files`, replacing the last one at once.
    fn record(&self, files: BTreeMap<String, String>) -> Result<(), SiteError> {
        let manifest = Manifest {
            generator: format!("glossgraph {}", env!("CARGO_PKG_VERSION")),
            files,
        };
        let bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| SiteError::Manifest {
            path: self.root.join(MANIFEST),
            reason: e.to_string(),
        })?;
        let target = self.root.join(MANIFEST);
        let temp = temp_path(&target);
        fs::create_dir_all(self.root.join(PRIVATE_DIR))
            .and_then(|()| fs::write(&temp, bytes))
            .and_then(|()| fs::rename(&temp, &target))
            .map_err(|source| SiteError::Io {
                path: target,
                source,
            })
    }
}

impl Drop for Folder {
    /// A build that failed part-way leaves the folder as it was: the files
    /// written so far under temporary names are removed.
    fn drop(&mut self) {
        for path in &self.staged {
            let _ = fs::remove_file(temp_path(&self.root.join(path)));
        }
    }
}

fn hash(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

fn temp_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(TEMP_SUFFIX);
    target.with_file_name(name)
}

/// Every file under `dir`, as a path relative to `root` with `/` separators.
fn files_under(root: &Path, dir: &Path, out: &mut Vec<String>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            files_under(root, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            let parts: Vec<_> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebuild_writes_only_what_changed_and_deletes_what_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let mut folder = Folder::open(dir.path(), false).unwrap();
        folder.put("a.html", b"one").unwrap();
        folder.put("sub/b.ttl", b"two").unwrap();
        let first = folder.commit().unwrap();
        assert_eq!(first.written, ["a.html", "sub/b.ttl"]);

        let mut folder = Folder::open(dir.path(), false).unwrap();
        folder.put("a.html", b"ONE").unwrap();
        let second = folder.commit().unwrap();
        assert_eq!(second.written, ["a.html"]);
        assert_eq!(second.deleted, ["sub/b.ttl"]);
        assert_eq!(fs::read(dir.path().join("a.html")).unwrap(), b"ONE");
        assert!(!dir.path().join("sub").exists(), "an emptied folder goes");

        let mut folder = Folder::open(dir.path(), false).unwrap();
        folder.put("a.html", b"ONE").unwrap();
        let third = folder.commit().unwrap();
        assert!(third.written.is_empty());
        assert_eq!(third.unchanged, 1);
    }

    #[test]
    fn a_failed_build_leaves_the_folder_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let mut folder = Folder::open(dir.path(), false).unwrap();
        folder.put("a.html", b"one").unwrap();
        folder.commit().unwrap();
        let mut folder = Folder::open(dir.path(), false).unwrap();
        folder.put("a.html", b"changed").unwrap();
        folder.put("new.html", b"new").unwrap();
        drop(folder);
        let mut left = Vec::new();
        files_under(dir.path(), dir.path(), &mut left).unwrap();
        left.sort();
        assert_eq!(left, [".glossgraph/site.json", "a.html"]);
        assert_eq!(fs::read(dir.path().join("a.html")).unwrap(), b"one");
    }

    /// SIGKILL runs no destructor: `forget` leaves what a killed run leaves.
    #[test]
    fn a_run_killed_part_way_is_finished_by_the_next_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut folder = Folder::open(dir.path(), false).unwrap();
        folder.put("a.html", b"one").unwrap();
        folder.put("b.html", b"two").unwrap();
        folder.commit().unwrap();

        // Killed while rendering: its temporary files are not someone
        // else's, and do not stay.
        let mut folder = Folder::open(dir.path(), false).unwrap();
        folder.put("a.html", b"changed").unwrap();
        folder.put("new.html", b"new").unwrap();
        std::mem::forget(folder);
        drop(Folder::open(dir.path(), false).unwrap());
        let mut left = Vec::new();
        files_under(dir.path(), dir.path(), &mut left).unwrap();
        assert!(!left.iter().any(|f| f.ends_with(TEMP_SUFFIX)), "{left:?}");

        // Killed while moving files, after `a.html` moved: then the edit is
        // undone. The next run must rewrite `a.html` even though its bytes
        // are those the last complete run recorded.
        let dir = tempfile::tempdir().unwrap();
        let mut folder = Folder::open(dir.path(), false).unwrap();
        folder.put("a.html", b"one").unwrap();
        folder.put("b.html", b"two").unwrap();
        folder.commit().unwrap();
        let mut folder = Folder::open(dir.path(), false).unwrap();
        folder.put("a.html", b"changed").unwrap();
        folder.put("new.html", b"new").unwrap();
        // As `commit` does before its first move.
        let mut moving = folder.previous.clone();
        for path in &folder.staged {
            moving.insert(path.clone(), String::new());
        }
        folder.record(moving).unwrap();
        let a = dir.path().join("a.html");
        fs::rename(temp_path(&a), &a).unwrap();
        let n = dir.path().join("new.html");
        fs::rename(temp_path(&n), &n).unwrap();
        std::mem::forget(folder);
        let mut folder = Folder::open(dir.path(), false).expect("new.html is the site's");
        folder.put("a.html", b"one").unwrap();
        folder.put("b.html", b"two").unwrap();
        folder.commit().unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"one");
        assert!(!n.exists());
    }

    #[test]
    fn files_glossgraph_did_not_write_are_never_touched() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let Err(SiteError::Foreign {
            count, examples, ..
        }) = Folder::open(dir.path(), false)
        else {
            panic!("a folder with someone's files must be refused");
        };
        assert_eq!((count, examples), (1, vec!["notes.txt".to_owned()]));
        let mut folder = Folder::open(dir.path(), true).unwrap();
        folder.put("a.html", b"one").unwrap();
        folder.commit().unwrap();
        // Adopted with --force: the next build deletes nothing of the user's.
        let folder = Folder::open(dir.path(), true).unwrap();
        let changes = folder.commit().unwrap();
        assert_eq!(changes.deleted, ["a.html"]);
        assert_eq!(fs::read(dir.path().join("notes.txt")).unwrap(), b"mine");
    }
}
