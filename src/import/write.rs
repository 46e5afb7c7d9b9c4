//! Writing a batch of files all or nothing: every file goes to a temporary file
//! in its folder first, and is renamed into place only when all are written. If
//! a rename fails, the files already renamed are put back as they were.

use super::error::ImportError;
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
    let result = write_temporaries(files).and_then(|temporaries| persist(files, temporaries));
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

fn write_temporaries(files: &[Planned]) -> Result<Vec<tempfile::NamedTempFile>, ImportError> {
    let mut temporaries = Vec::with_capacity(files.len());
    for file in files {
        let dir = parent(&file.path).unwrap_or(Path::new("."));
        let fail = |source| ImportError::Io {
            action: "write a temporary file beside",
            path: file.path.clone(),
            source,
        };
        // A leading dot keeps the temporary file out of `entry_files`.
        let mut temporary = tempfile::Builder::new()
            .prefix(".glossgraph-import-")
            .suffix(".tmp")
            .tempfile_in(dir)
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
        temporaries.push(temporary);
    }
    Ok(temporaries)
}

fn persist(
    files: &[Planned],
    temporaries: Vec<tempfile::NamedTempFile>,
) -> Result<(), ImportError> {
    // (path, the content it had before, if any) of each file renamed so far.
    let mut done: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
    for (file, temporary) in files.iter().zip(temporaries) {
        let before = std::fs::read(&file.path).ok();
        match temporary.persist(&file.path) {
            Ok(_) => done.push((file.path.clone(), before)),
            Err(e) => {
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
    Ok(())
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
