//! A batch of files moved into a folder all or nothing, even when the
//! process moving them is killed: no file system renames several files at
//! once, so the writer first records every move (temporary file →
//! destination) in a journal in the folder, then renames, then removes the
//! journal. Whoever lists the folder next ([`super::listing`], the next
//! import) and finds a journal finishes the moves, so no reader sees part of
//! a batch. While the writer moves, it holds the journal locked, and a
//! reader waits for it rather than racing it.
//!
//! The temporary files are in the folder itself or in a hidden folder inside
//! it that holds nothing else of value: finishing a batch removes that folder.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The journal's name in the folder (hidden: never read as an entry).
pub const JOURNAL: &str = ".glossgraph-batch.journal";

#[derive(serde::Serialize, serde::Deserialize)]
struct Moves {
    /// (temporary file, destination), relative to the folder.
    moves: Vec<(PathBuf, PathBuf)>,
}

/// A batch whose journal is written: its moves will happen, now or when the
/// folder is next listed. Dropping it releases the lock without removing
/// the journal; [`Batch::done`] and [`Batch::abandon`] remove it.
pub struct Batch {
    dir: PathBuf,
    /// The journal, locked until the batch is dropped.
    _lock: fs::File,
}

/// Records `moves` (temporary file, destination; both under `dir`) in a new
/// journal in `dir`, which is durable and locked when this returns. From
/// then on the batch is committed.
pub fn begin(dir: &Path, moves: &[(PathBuf, PathBuf)]) -> io::Result<Batch> {
    let relative = |p: &PathBuf| p.strip_prefix(dir).unwrap_or(p).to_owned();
    let moves = Moves {
        moves: moves
            .iter()
            .map(|(from, to)| (relative(from), relative(to)))
            .collect(),
    };
    let bytes = serde_json::to_vec(&moves).map_err(io::Error::other)?;
    let mut temporary = tempfile::Builder::new()
        .prefix(".glossgraph-batch-")
        .tempfile_in(dir)?;
    // Locked before it has its name, so no reader can finish it early.
    temporary.as_file().lock()?;
    temporary.write_all(&bytes)?;
    temporary.as_file().sync_all()?;
    let file = temporary.persist(dir.join(JOURNAL)).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(Batch {
        dir: dir.to_owned(),
        _lock: file,
    })
}

impl Batch {
    /// Every move happened: the journal goes.
    pub fn done(self) -> io::Result<()> {
        sync_dir(&self.dir);
        fs::remove_file(self.dir.join(JOURNAL))
    }

    /// The batch will not happen (a move failed and the writer puts back
    /// what it moved): the journal goes first, so nobody finishes it.
    pub fn abandon(self) {
        let _ = fs::remove_file(self.dir.join(JOURNAL));
        sync_dir(&self.dir);
    }
}

/// Finishes the batch a killed writer left in `dir`, if any: each temporary
/// file still there is moved into place, then the journal is removed. Waits
/// for a writer that is still moving.
pub fn finish(dir: &Path) -> io::Result<()> {
    let path = dir.join(JOURNAL);
    let mut file = match fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    file.lock()?;
    // The writer (or another reader) may have finished and removed it meanwhile.
    if !same_file(&file, &path) {
        return Ok(());
    }
    let moves: Moves = serde_json::from_reader(&mut file).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{} records an interrupted import but cannot be read ({e}); check the entries it names and delete it",
                path.display()
            ),
        )
    })?;
    for (from, to) in &moves.moves {
        match fs::rename(dir.join(from), dir.join(to)) {
            Ok(()) => {}
            // Moved before the writer was killed.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    sync_dir(dir);
    fs::remove_file(&path)?;
    sync_dir(dir);
    let staging: BTreeSet<&Path> = moves
        .moves
        .iter()
        .filter_map(|(from, _)| from.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    for folder in staging {
        let _ = fs::remove_dir_all(dir.join(folder));
    }
    Ok(())
}

/// Whether `path` still names the file open as `file`.
fn same_file(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Makes the folder's entries (new names, removed names) durable; where a
/// folder cannot be synced, a power loss may undo them, which a kill cannot.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_left_by_a_killed_writer_is_finished() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        let staging = dir.path().join(".staging");
        fs::create_dir(&sub).unwrap();
        fs::create_dir(&staging).unwrap();
        let moves = vec![
            (staging.join("1"), dir.path().join("a.md")),
            (staging.join("2"), sub.join("b.md")),
        ];
        fs::write(&moves[0].0, "A").unwrap();
        fs::write(&moves[1].0, "B").unwrap();
        let batch = begin(dir.path(), &moves).unwrap();
        // Killed after the first move: the lock goes with the process.
        fs::rename(&moves[0].0, &moves[0].1).unwrap();
        drop(batch);
        finish(dir.path()).unwrap();
        assert_eq!(fs::read_to_string(dir.path().join("a.md")).unwrap(), "A");
        assert_eq!(fs::read_to_string(sub.join("b.md")).unwrap(), "B");
        assert!(!dir.path().join(JOURNAL).exists());
        assert!(!staging.exists(), "the staging folder is left");
        // Nothing left to do.
        finish(dir.path()).unwrap();
    }

    #[test]
    fn a_reader_waits_for_the_writer_and_an_abandoned_batch_is_not_finished() {
        let dir = tempfile::tempdir().unwrap();
        let moves = vec![(dir.path().join(".t"), dir.path().join("a.md"))];
        fs::write(&moves[0].0, "A").unwrap();
        let batch = begin(dir.path(), &moves).unwrap();
        let reader = {
            let dir = dir.path().to_owned();
            std::thread::spawn(move || finish(&dir))
        };
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(!reader.is_finished(), "the reader did not wait");
        batch.abandon();
        reader.join().unwrap().unwrap();
        assert!(!dir.path().join("a.md").exists());
        assert!(moves[0].0.exists());
    }
}
