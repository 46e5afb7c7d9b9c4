//! `glossgraph lint`: the SKOS Reference examples, the bad-input corpus, the
//! project's own glossary, real vocabularies, SARIF and pySHACL.

mod conformance;
mod corpus;
mod data;
mod interop;
mod links;
mod util;
mod vocabularies;
