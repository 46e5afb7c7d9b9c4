//! glossgraph publishes a glossary as linked data: plain-language entries become a
//! SKOS knowledge graph in an embedded Oxigraph store, exported in every common
//! RDF format and queried with SPARQL.
//!
//! The flow runs one way: `source` reads entries, `check` finds mistakes across
//! them, `convert` turns them into quads, `store` builds the graph, and
//! `export` and `query` read it.

pub mod build;
pub mod check;
pub mod commands;
pub mod config;
pub mod convert;
pub mod diagnostic;
pub mod export;
pub mod import;
pub mod input;
pub mod iri;
pub mod lint;
pub mod ontology;
pub mod order;
pub mod parallel;
pub mod project;
pub mod query;
pub mod results;
pub mod search;
pub mod server;
pub mod source;
pub mod store;
pub mod vocab;
