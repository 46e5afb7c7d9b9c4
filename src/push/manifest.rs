//! The manifest a push keeps in the store (the graph `{base}glossgraph/push`,
//! or under `--graph-prefix`): which graphs glossgraph wrote there, each with
//! the hash of the content it holds, and which graphs a push was writing
//! when it stopped. It is never wrong about the store: before a graph is
//! touched it is marked pending, and only a graph known to be complete has a
//! hash.
//!
//! ```turtle
//! <M> a gg:PushManifest ; dcterms:modified "…"^^xsd:dateTime ;
//!     gg:pending <G2> .
//! <G1> gg:contentHash "xxh3-128:…" .
//! ```

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedOrBlankNode, Term};
use std::collections::{BTreeMap, BTreeSet};

const GG: &str = "https://w3id.org/glossgraph/ns#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const MODIFIED: &str = "http://purl.org/dc/terms/modified";

/// What the store holds, as far as glossgraph knows.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Manifest {
    /// Graphs complete in the store, with the hash of their content.
    pub held: BTreeMap<String, String>,
    /// Graphs a push was writing or deleting: their content is unknown.
    pub pending: BTreeSet<String>,
}

impl Manifest {
    /// Reads the manifest from the N-Triples of its graph.
    pub fn parse(ntriples: &[u8], iri: &str) -> Result<Self, String> {
        let mut manifest = Self::default();
        for triple in RdfParser::from_format(RdfFormat::NTriples).for_slice(ntriples) {
            let t = triple.map_err(|e| e.to_string())?;
            let NamedOrBlankNode::NamedNode(subject) = t.subject else {
                continue;
            };
            match (t.predicate.as_str().strip_prefix(GG), t.object) {
                (Some("contentHash"), Term::Literal(hash)) => {
                    manifest
                        .held
                        .insert(subject.into_string(), hash.value().to_owned());
                }
                (Some("pending"), Term::NamedNode(graph)) if subject.as_str() == iri => {
                    manifest.pending.insert(graph.into_string());
                }
                _ => {}
            }
        }
        // A graph both hashed and pending was being rewritten: unknown.
        for graph in &manifest.pending {
            manifest.held.remove(graph);
        }
        Ok(manifest)
    }

    /// Every graph the store may hold because of glossgraph.
    pub fn graphs(&self) -> impl Iterator<Item = &String> {
        self.held.keys().chain(&self.pending)
    }

    /// The manifest as N-Triples lines.
    pub fn lines(&self, iri: &str) -> Vec<String> {
        let now = httpdate::fmt_http_date(std::time::SystemTime::now());
        let modified = iso_date(&now);
        let mut lines = vec![
            format!("<{iri}> <{RDF_TYPE}> <{GG}PushManifest> ."),
            format!(
                "<{iri}> <{MODIFIED}> \"{modified}\"^^<http://www.w3.org/2001/XMLSchema#dateTime> ."
            ),
        ];
        lines.extend(self.pending.iter().map(|g| pending_line(iri, g)));
        lines.extend(
            self.held
                .iter()
                .map(|(g, hash)| format!("<{g}> <{GG}contentHash> \"{hash}\" .")),
        );
        lines
    }
}

/// The line that marks `graph` as being written.
pub fn pending_line(iri: &str, graph: &str) -> String {
    format!("<{iri}> <{GG}pending> <{graph}> .")
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` as `1994-11-06T08:49:37Z`.
fn iso_date(http_date: &str) -> String {
    let parts: Vec<&str> = http_date.split_whitespace().collect();
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| parts.get(2) == Some(m))
    .map_or(1, |i| i + 1);
    format!(
        "{}-{month:02}-{}T{}Z",
        parts.get(3).unwrap_or(&"1970"),
        parts.get(1).unwrap_or(&"01"),
        parts.get(4).unwrap_or(&"00:00:00")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_writes_and_a_pending_graph_is_never_held() {
        let m = "urn:m";
        let manifest = Manifest {
            held: BTreeMap::from([
                ("urn:g1".to_owned(), "xxh3-128:1".to_owned()),
                ("urn:g2".to_owned(), "xxh3-128:2".to_owned()),
            ]),
            pending: BTreeSet::from(["urn:g3".to_owned()]),
        };
        let text = manifest.lines(m).join("\n");
        assert_eq!(Manifest::parse(text.as_bytes(), m).unwrap(), manifest);
        let marked = format!("{text}\n{}\n", pending_line(m, "urn:g1"));
        let read = Manifest::parse(marked.as_bytes(), m).unwrap();
        assert!(!read.held.contains_key("urn:g1"));
        assert_eq!(read.graphs().count(), 3);
        assert_eq!(
            iso_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            "1994-11-06T08:49:37Z"
        );
    }
}
