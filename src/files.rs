//! Writing a file whole or not at all: through a temporary file beside it,
//! flushed to disk and renamed into place, so that a reader (or a crash)
//! sees the old file or the new one, never part of one.
//!
//! Layer: below every writer of user files.

use std::io::{self, Write};
use std::path::Path;

/// Writes what `write` writes to `path`, atomically. The file keeps the
/// permissions of the one it replaces, or gets the usual ones (temporary
/// files are private).
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    {
        let mut out = io::BufWriter::new(file.as_file_mut());
        write(&mut out)?;
        out.flush()?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions = std::fs::metadata(path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        file.as_file().set_permissions(permissions)?;
    }
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}
