//! Reading what glossgraph is given: a file or an http(s) URL, under one set
//! of limits (size, and for URLs a timeout, redirects and a content-type
//! check), as text or as RDF. The build, lint and every importer read their
//! inputs here, so an input is read the same way whichever command reads it.
//!
//! Layer: a leaf; it imports nothing of the crate but `iri`.

mod fetch;
mod rdf;

pub use fetch::{
    FetchError, FetchLimits, FetchProblem, Fetched, Kind, client, decode, fetch, install_crypto,
    is_url, parse_content_type,
};
pub use rdf::{EXTENSIONS, Parsed, RDF, SyntaxError, format_from_path, sniff};
