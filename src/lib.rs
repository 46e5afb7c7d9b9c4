//! glossgraph publishes a glossary as linked data: plain-language entries become a
//! SKOS knowledge graph in an embedded Oxigraph store, exported in every common
//! RDF format and queried with SPARQL.
//!
//! The flow runs one way, in layers that import only from below (checked by
//! `layers.rs`): leaves (`diagnostic`, `iri`, `input`, …) → what a glossary
//! is (`config`, `ontology`) and where quads are kept (`store`) → `project` →
//! the pipeline: `source` reads entries, `check` finds mistakes across them,
//! `convert` turns them into quads, `build` loads them into the store → the
//! readers of the built graph (`export`, `query`, `search`, `lint`,
//! `server`, `import`, `push`) → `commands`, which the binary calls.

pub mod build;
pub mod check;
pub mod commands;
pub mod config;
pub mod convert;
pub mod diagnostic;
pub mod export;
pub mod files;
pub mod import;
pub mod input;
pub mod iri;
#[cfg(test)]
mod layers;
pub mod lint;
pub mod memory;
pub mod ontology;
pub mod order;
pub mod parallel;
pub mod project;
pub mod push;
pub mod query;
pub mod release;
pub mod releases;
pub mod results;
pub mod search;
pub mod server;
pub mod site;
pub mod source;
pub mod store;
pub mod text;
pub mod vocab;
