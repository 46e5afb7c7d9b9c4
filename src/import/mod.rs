//! Importers: glossary pages, SKOS vocabularies and spreadsheets become glossgraph sources.
//!
//! Each importer reads its inputs into [`draft::Draft`]s, writes them in the
//! entry format, reads them back with the glossary's own parser and checks
//! them with the existing entries; only then are the files written, all or
//! none (see [`write::write_all`]). Existing files are never overwritten without `force`.
//!
//! - [`page::import`]: glossary pages (plain text or HTML, files or URLs).
//! - [`skos::to_entries`]: concepts of SKOS vocabularies.
//! - [`csv::import`]: one concept per spreadsheet row.
//! - [`init()`]: a new glossary folder.
//!
//! Layer: a reader, beside `lint` and `server`: importers check what they write
//! with the build's own reading of entries.

mod characters;
pub mod csv;
pub mod draft;
pub mod error;
pub mod init;
pub mod labels;
pub mod markdown;
pub mod page;
mod relations;
pub mod skos;
pub mod target;
pub mod write;
pub mod yaml;

pub use crate::input::{FetchLimits, FetchProblem};
pub use error::ImportError;
pub use init::{InitOptions, InitReport, init};
