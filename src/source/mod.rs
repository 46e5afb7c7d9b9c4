//! Reading glossary sources: entry files into the `Entry` model.
//!
//! Parsing is per file and reports every problem it finds; checks that need
//! the whole glossary (targets exist, no cycles) live in `crate::check`.
//!
//! Layer: pipeline, its first step; above `project`.

mod entry;
pub mod journal;
pub mod markdown;
mod model;
mod summary;
pub mod yaml;

pub use entry::{KEYS, MAX_ENTRY_BYTES, ParseOptions, article_citation, parse_bytes, parse_str};
pub use model::{
    Entry, KeyFact, Mapping, MatchKind, Members, Misconception, Note, NoteKind, Relation, Section,
    Source, Spanned, Text,
};
pub use summary::Summary;

use crate::diagnostic::{Diagnostic, Pos};
use std::io;
use std::path::{Path, PathBuf};

/// Parses the entry at `path`.
pub fn parse_file(path: &Path, options: &ParseOptions) -> Result<Entry, Vec<Diagnostic>> {
    let bytes = read(path).map_err(|d| vec![d])?;
    parse_bytes(&bytes, path, options)
}

/// Reads a source file, refusing files too large to be entries before reading them.
pub fn read(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let unreadable = |e: io::Error| {
        Diagnostic::error(
            "source/io",
            path,
            Pos::new(1, 1),
            format!("cannot read the file: {e}"),
        )
        .with_help("check that the file exists and is readable")
    };
    let len = std::fs::metadata(path).map_err(unreadable)?.len();
    if len > MAX_ENTRY_BYTES as u64 {
        return Err(Diagnostic::error(
            "source/too-large",
            path,
            Pos::new(1, 1),
            format!("entry file is {len} bytes; entries may be at most {MAX_ENTRY_BYTES} bytes"),
        )
        .with_help("split the entry, or move reference material out of the glossary"));
    }
    std::fs::read(path).map_err(unreadable)
}

/// The entry files under `dir` (recursively), sorted by path.
pub fn entry_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    Ok(listing(dir)?.entries)
}

/// What a folder of entries holds: the entry files (`.md`) and the other
/// files, which glossgraph does not read, each sorted by path. Hidden files
/// and folders are in neither.
#[derive(Debug, Default)]
pub struct Listing {
    pub entries: Vec<PathBuf>,
    pub others: Vec<PathBuf>,
}

/// What `dir` holds. A batch of files that a killed import was moving in is
/// finished first ([`journal`]), so that it is read whole.
pub fn listing(dir: &Path) -> io::Result<Listing> {
    let mut found = Listing::default();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        journal::finish(&dir)?;
        for item in std::fs::read_dir(&dir)? {
            let item = item?;
            let path = item.path();
            let name = item.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            if item.file_type()?.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.entries.push(path);
            } else {
                found.others.push(path);
            }
        }
    }
    found.entries.sort();
    found.others.sort();
    Ok(found)
}

/// A warning for a file in the entries folder that is not an entry: an
/// entry saved as `.txt` or `.markdown` would otherwise vanish silently.
pub fn not_an_entry(path: &Path) -> Diagnostic {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    Diagnostic::warning(
        "source/not-an-entry",
        path,
        Pos::new(1, 1),
        format!("`{name}` is not read: entries are Markdown files ending in `.md`"),
    )
    .with_help(
        "rename it to end in `.md` if it is an entry; otherwise move it out of the entries folder",
    )
}
