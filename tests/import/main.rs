//! Integration tests of the importers: glossary pages (text, HTML, over HTTP),
//! SKOS vocabularies, spreadsheets and `init`, on fixtures and on the shared
//! seed page and vocabularies.

mod characters;
mod csv;
mod http;
mod init;
mod page;
mod skos;
mod util;
