//! Writing a batch of files all or nothing: every file goes to a temporary file
//! first, and is renamed into place only when all are written. If
//! a rename fails, the files already renamed are put back as they were. The
//! renames are recorded in a journal first (`source::journal`), so that if
//! the process is killed while renaming, whoever lists the folder next
//! finishes them: the batch is never read in part. The temporary files sit in
//! a hidden folder of the batch's own, which the next import removes if a
//! kill left it.

use super::error::ImportError;
use crate::source::journal;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A file to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub path: PathBuf,
    pub text: String,
}

/// The files among `paths` that exist already.
pub fn existing(paths: impl IntoIterator<Item = PathBuf>) -> Vec<PathBuf> {
    paths.into_iter().filter(|p| p.exists()).collect()
}

/// Writes every planned file, or none. Without `force`, a file that exists is
/// an error before anything is written.
pub fn write_all(files: &[Planned], force: bool) -> Result<(), ImportError> {
    let Some(dir) = common_folder(files) else {
        return Ok(());
    };
    // A batch that a killed import left is finished first: its files exist.
    journal::finish(&dir).map_err(|source| ImportError::Io {
        action: "finish the interrupted import in",
        path: dir.clone(),
        source,
    })?;
    if !force {
        let exists = existing(files.iter().map(|f| f.path.clone()));
        if !exists.is_empty() {
            return Err(ImportError::Exists(exists));
        }
    }
    let io = |action: &'static str, path: &Path| {
        let path = path.to_owned();
        move |source| ImportError::Io {
            action,
            path,
            source,
        }
    };
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    for file in files {
        if let Some(dir) = parent(&file.path)
            && !dir.exists()
        {
            // Remember the topmost folder created, to remove it if anything fails.
            let mut top = dir.to_owned();
            while let Some(up) = parent(&top).filter(|p| !p.exists()) {
                top = up.to_owned();
            }
            std::fs::create_dir_all(dir).map_err(io("create the folder", dir))?;
            created_dirs.push(top);
        }
    }
    let result = Staging::new(&dir).and_then(|staging| {
        let temporaries = staging.write(files)?;
        persist(&dir, files, temporaries)
    });
    if result.is_err() {
        for dir in created_dirs.iter().rev() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    result
}

fn parent(path: &Path) -> Option<&Path> {
    path.parent().filter(|p| !p.as_os_str().is_empty())
}

/// The folder holding every file of the batch (where its journal goes);
/// `None` for an empty batch.
fn common_folder(files: &[Planned]) -> Option<PathBuf> {
    let mut common: Option<&Path> = None;
    for file in files {
        let dir = parent(&file.path).unwrap_or(Path::new("."));
        common = Some(match common {
            None => dir,
            Some(c) => c.ancestors().find(|a| dir.starts_with(a)).unwrap_or(c),
        });
    }
    common.map(|c| {
        if c.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            c.to_owned()
        }
    })
}

/// A hidden folder of its own, inside the batch's folder, where an import
/// writes its files before moving them into place, locked while the import
/// runs: a folder nobody holds locked was left by a killed import.
struct Staging {
    dir: tempfile::TempDir,
    _lock: std::fs::File,
}

/// Begins the name of staging folders (hidden: never read as entries).
const STAGING: &str = ".glossgraph-import-";

impl Staging {
    /// A new staging folder in `dir`, after removing those that killed
    /// imports left there.
    fn new(dir: &Path) -> Result<Self, ImportError> {
        let fail = |source| ImportError::Io {
            action: "create a temporary folder in",
            path: dir.to_owned(),
            source,
        };
        if let Ok(items) = std::fs::read_dir(dir) {
            for item in items.flatten() {
                let left = item.file_name().to_string_lossy().starts_with(STAGING)
                    && item.file_type().is_ok_and(|t| t.is_dir())
                    && match std::fs::File::open(item.path().join("lock")) {
                        Ok(lock) => lock.try_lock().is_ok(),
                        // Killed before it made its lock.
                        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
                    };
                if left {
                    let _ = std::fs::remove_dir_all(item.path());
                }
            }
        }
        let staging = tempfile::Builder::new()
            .prefix(STAGING)
            .tempdir_in(dir)
            .map_err(fail)?;
        let lock = std::fs::File::create(staging.path().join("lock")).map_err(fail)?;
        lock.lock().map_err(fail)?;
        Ok(Self {
            dir: staging,
            _lock: lock,
        })
    }

    /// Writes each file into the staging folder, durably, and closes it: a
    /// batch of 100,000 entries must not hold as many files open.
    fn write(&self, files: &[Planned]) -> Result<Vec<tempfile::TempPath>, ImportError> {
        let mut temporaries = Vec::with_capacity(files.len());
        for file in files {
            let fail = |source| ImportError::Io {
                action: "write a temporary file for",
                path: file.path.clone(),
                source,
            };
            let mut temporary = tempfile::Builder::new()
                .suffix(".tmp")
                .tempfile_in(self.dir.path())
                .map_err(fail)?;
            temporary
                .as_file_mut()
                .write_all(file.text.as_bytes())
                .map_err(fail)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let permissions = std::fs::metadata(&file.path)
                    .map(|m| m.permissions())
                    .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
                temporary
                    .as_file()
                    .set_permissions(permissions)
                    .map_err(fail)?;
            }
            temporary.as_file().sync_all().map_err(fail)?;
            temporaries.push(temporary.into_temp_path());
        }
        Ok(temporaries)
    }
}

fn persist(
    dir: &Path,
    files: &[Planned],
    temporaries: Vec<tempfile::TempPath>,
) -> Result<(), ImportError> {
    let moves: Vec<(PathBuf, PathBuf)> = files
        .iter()
        .zip(&temporaries)
        .map(|(file, temporary)| (temporary.to_path_buf(), file.path.clone()))
        .collect();
    let batch = journal::begin(dir, &moves).map_err(|source| ImportError::Io {
        action: "record the import in",
        path: dir.join(journal::JOURNAL),
        source,
    })?;
    // (path, the content it had before, if any) of each file renamed so far.
    let mut done: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
    for (file, temporary) in files.iter().zip(temporaries) {
        let before = std::fs::read(&file.path).ok();
        match temporary.persist(&file.path) {
            Ok(_) => done.push((file.path.clone(), before)),
            Err(e) => {
                batch.abandon();
                for (path, before) in done.into_iter().rev() {
                    let _ = match before {
                        Some(bytes) => std::fs::write(&path, bytes),
                        None => std::fs::remove_file(&path),
                    };
                }
                return Err(ImportError::Io {
                    action: "write",
                    path: file.path.clone(),
                    source: e.error,
                });
            }
        }
    }
    batch.done().map_err(|source| ImportError::Io {
        action: "remove",
        path: dir.join(journal::JOURNAL),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_all_files_and_refuses_to_overwrite_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("new/sub/a.md");
        let b = dir.path().join("new/sub/b.md");
        let files = vec![
            Planned {
                path: a.clone(),
                text: "A".into(),
            },
            Planned {
                path: b.clone(),
                text: "B".into(),
            },
        ];
        write_all(&files, false).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "A");
        let again = vec![Planned {
            path: b.clone(),
            text: "B2".into(),
        }];
        assert!(
            matches!(write_all(&again, false), Err(ImportError::Exists(p)) if p == [b.clone()])
        );
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "B");
        write_all(&again, true).unwrap();
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "B2");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("new/sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "no temporary files left: {names:?}");
    }

    #[test]
    fn a_failed_rename_puts_back_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.md");
        std::fs::write(&a, "old").unwrap();
        // A folder where a file should go makes the second rename fail.
        let blocked = dir.path().join("b.md");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("x"), "x").unwrap();
        let files = vec![
            Planned {
                path: a.clone(),
                text: "new".into(),
            },
            Planned {
                path: blocked.clone(),
                text: "B".into(),
            },
        ];
        assert!(matches!(
            write_all(&files, true),
            Err(ImportError::Io { .. })
        ));
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old");
    }
}
