//! Integration tests: the library on the project's own glossary, and the
//! `glossgraph` binary on fixtures, in one test binary.

mod accessibility;
mod browse;
mod check;
mod cli;
mod collections;
mod crash;
mod deploy;
mod deprecation;
mod diagram;
mod export;
/// The benchmarks' generator of glossaries.
#[path = "../../benches/support/mod.rs"]
mod generated;
mod graph_store;
mod import;
mod interop;
mod language;
mod manifest;
mod metrics;
#[cfg(feature = "rocksdb")]
mod persistent;
mod push;
mod queries;
mod reconcile;
mod release;
mod remote_sparql;
mod search;
mod server;
mod site;
mod site_apache;
mod site_caddy;
mod sparql;
mod stores;
mod util;
