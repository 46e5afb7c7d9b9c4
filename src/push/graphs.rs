//! The graphs a push sends: each named graph of the build under the name it
//! has in the store, a hash of its content, and its content as N-Triples in
//! pieces of bounded size.

use oxigraph::model::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxigraph::model::{Graph, GraphNameRef, NamedNode, NamedOrBlankNode, Term, Triple};
use oxigraph::store::{StorageError, Store};
use std::collections::HashMap;

/// How the build's graphs are named in the store: by default as they are;
/// with a prefix, a graph under the base IRI gets the prefix in place of the
/// base, and any other graph (the glossgraph vocabulary) the prefix followed
/// by `external/` and its IRI percent-encoded.
pub struct Naming {
    base: String,
    prefix: Option<String>,
}

impl Naming {
    pub fn new(base: &str, prefix: Option<&str>) -> Self {
        Self {
            base: base.to_owned(),
            prefix: prefix.map(str::to_owned),
        }
    }

    /// The name in the store of the build's graph `graph`.
    pub fn target(&self, graph: &str) -> String {
        let Some(prefix) = &self.prefix else {
            return graph.to_owned();
        };
        match graph.strip_prefix(&self.base) {
            Some(rest) => format!("{prefix}{rest}"),
            None => format!(
                "{prefix}external/{}",
                percent_encoding::utf8_percent_encode(graph, percent_encoding::NON_ALPHANUMERIC)
            ),
        }
    }

    /// The graph in the store that records what glossgraph pushed there.
    pub fn manifest(&self) -> String {
        format!(
            "{}glossgraph/push",
            self.prefix.as_deref().unwrap_or(&self.base)
        )
    }
}

/// The most statements in one request body, whatever their size: Virtuoso
/// 7.2 refuses an update of some 5,000 (`SP030 … memory exhausted`) where
/// the bytes are well within `--max-body`.
pub const MAX_LINES: usize = 2_000;

/// One graph of the build as the store is to hold it.
pub struct Local {
    /// Its name in the build.
    pub name: NamedNode,
    /// Its name in the store.
    pub target: String,
    /// `xxh3-128:` and the hash of its canonical N-Triples.
    pub hash: String,
    pub triples: usize,
}

/// Every named graph of `store`, in the order of their names.
pub fn local(store: &Store, naming: &Naming) -> Result<Vec<Local>, StorageError> {
    let mut names: Vec<NamedNode> = store
        .named_graphs()
        .filter_map(|g| match g {
            Ok(NamedOrBlankNode::NamedNode(n)) => Some(Ok(n)),
            Ok(NamedOrBlankNode::BlankNode(_)) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<Result<_, _>>()?;
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let lines = canonical(store, &name)?.1;
            let mut hasher = xxhash_rust::xxh3::Xxh3::new();
            for line in &lines {
                hasher.update(line.as_bytes());
                hasher.update(b"\n");
            }
            Ok(Local {
                target: naming.target(name.as_str()),
                hash: format!("xxh3-128:{:032x}", hasher.digest128()),
                triples: lines.len(),
                name,
            })
        })
        .collect()
}

/// The triples of `graph` with blank nodes labelled canonically (RDFC-1.0),
/// sorted by their N-Triples line, and those lines: the same graph always
/// gives the same lines, whatever its blank nodes were called.
fn canonical(store: &Store, graph: &NamedNode) -> Result<(Vec<Triple>, Vec<String>), StorageError> {
    let mut triples: Vec<Triple> = store
        .quads_for_pattern(
            None,
            None,
            None,
            Some(GraphNameRef::NamedNode(graph.as_ref())),
        )
        .map(|q| q.map(Triple::from))
        .collect::<Result<_, _>>()?;
    if triples.iter().any(has_blank_node) {
        let mut canonical: Graph = triples.iter().collect();
        canonical.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
            hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
        });
        triples = canonical.iter().map(|t| t.into_owned()).collect();
    }
    let mut pairs: Vec<(String, Triple)> =
        triples.into_iter().map(|t| (format!("{t} ."), t)).collect();
    pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(pairs.into_iter().map(|(line, t)| (t, line)).unzip())
}

fn has_blank_node(t: &Triple) -> bool {
    matches!(t.subject, NamedOrBlankNode::BlankNode(_)) || matches!(t.object, Term::BlankNode(_))
}

/// The content of `graph` as N-Triples documents of at most `limit` bytes
/// each (a larger document only for a blank-node structure that alone is
/// larger): the triples that share a blank node always travel together, as
/// blank nodes in separate requests are separate nodes.
pub fn pieces(store: &Store, graph: &NamedNode, limit: usize) -> Result<Vec<String>, StorageError> {
    let (triples, lines) = canonical(store, graph)?;
    // Triples joined by a blank node form one unit, named by its smallest
    // triple; every other triple is a unit of its own.
    let mut parent: HashMap<String, String> = HashMap::new();
    fn root(parent: &mut HashMap<String, String>, node: &str) -> String {
        let mut at = node.to_owned();
        while let Some(up) = parent.get(&at).filter(|up| **up != at) {
            at = up.clone();
        }
        at
    }
    for t in &triples {
        let blanks: Vec<&str> = [
            match &t.subject {
                NamedOrBlankNode::BlankNode(b) => Some(b.as_str()),
                NamedOrBlankNode::NamedNode(_) => None,
            },
            match &t.object {
                Term::BlankNode(b) => Some(b.as_str()),
                _ => None,
            },
        ]
        .into_iter()
        .flatten()
        .collect();
        for b in &blanks {
            parent
                .entry((*b).to_owned())
                .or_insert_with(|| (*b).to_owned());
        }
        if let [a, b] = blanks[..] {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            if ra != rb {
                parent.insert(ra, rb);
            }
        }
    }
    let mut units: Vec<Vec<&str>> = Vec::new();
    let mut unit_of: HashMap<String, usize> = HashMap::new();
    for (t, line) in triples.iter().zip(&lines) {
        let blank = match (&t.subject, &t.object) {
            (NamedOrBlankNode::BlankNode(b), _) => Some(b.as_str()),
            (_, Term::BlankNode(b)) => Some(b.as_str()),
            _ => None,
        };
        match blank.map(|b| root(&mut parent, b)) {
            Some(r) => {
                let index = *unit_of.entry(r).or_insert_with(|| {
                    units.push(Vec::new());
                    units.len() - 1
                });
                units[index].push(line);
            }
            None => units.push(vec![line]),
        }
    }
    let mut documents = Vec::new();
    let mut current = String::new();
    let mut lines_in_current = 0;
    for unit in units {
        let size: usize = unit.iter().map(|l| l.len() + 1).sum();
        if !current.is_empty()
            && (current.len() + size > limit || lines_in_current + unit.len() > MAX_LINES)
        {
            documents.push(std::mem::take(&mut current));
            lines_in_current = 0;
        }
        lines_in_current += unit.len();
        for line in unit {
            current.push_str(line);
            current.push('\n');
        }
    }
    if !current.is_empty() || documents.is_empty() {
        documents.push(current);
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{RdfFormat, RdfParser};

    fn store(nquads: &str) -> Store {
        let store = Store::new().unwrap();
        store
            .load_from_reader(RdfParser::from_format(RdfFormat::NQuads), nquads.as_bytes())
            .unwrap();
        store
    }

    const G: &str = "http://example.org/g";

    #[test]
    fn the_hash_is_the_content_s_whatever_the_blank_nodes_are_called() {
        let naming = Naming::new("http://example.org/", None);
        let a = store(&format!(
            "<http://example.org/s> <http://example.org/p> _:x <{G}> .\n_:x <http://example.org/q> \"1\" <{G}> .\n"
        ));
        let b = store(&format!(
            "_:other <http://example.org/q> \"1\" <{G}> .\n<http://example.org/s> <http://example.org/p> _:other <{G}> .\n"
        ));
        let c = store(&format!(
            "<http://example.org/s> <http://example.org/p> _:x <{G}> .\n_:x <http://example.org/q> \"2\" <{G}> .\n"
        ));
        let hash = |s: &Store| local(s, &naming).unwrap().remove(0).hash;
        assert_eq!(hash(&a), hash(&b));
        assert_ne!(hash(&a), hash(&c));
    }

    #[test]
    fn pieces_stay_within_the_limit_and_keep_blank_node_structures_whole() {
        let mut nquads = String::new();
        for i in 0..200 {
            nquads.push_str(&format!(
                "<http://example.org/s{i}> <http://example.org/p> _:b{i} <{G}> .\n_:b{i} <http://example.org/q> _:c{i} <{G}> .\n_:c{i} <http://example.org/r> \"{i}\" <{G}> .\n"
            ));
        }
        let s = store(&nquads);
        let graph = NamedNode::new(G).unwrap();
        let documents = pieces(&s, &graph, 2_000).unwrap();
        assert!(documents.len() > 5, "{}", documents.len());
        let mut lines = 0;
        for d in &documents {
            assert!(d.len() <= 2_000, "{}", d.len());
            let parsed: Graph = RdfParser::from_format(RdfFormat::NTriples)
                .for_slice(d.as_bytes())
                .map(|t| Triple::from(t.unwrap()))
                .collect();
            lines += parsed.len();
            // Every blank node is used whole in the document it appears in:
            // each chain is subject → _:b → _:c → literal.
            assert_eq!(parsed.len() % 3, 0, "{d}");
        }
        assert_eq!(lines, 600);
    }

    #[test]
    fn names_in_the_store() {
        let plain = Naming::new("https://g.example/", None);
        assert_eq!(
            plain.target("https://g.example/concept/a"),
            "https://g.example/concept/a"
        );
        assert_eq!(plain.manifest(), "https://g.example/glossgraph/push");
        let prefixed = Naming::new("https://g.example/", Some("urn:x:"));
        assert_eq!(
            prefixed.target("https://g.example/concept/a"),
            "urn:x:concept/a"
        );
        assert_eq!(
            prefixed.target("https://w3id.org/glossgraph/ns"),
            "urn:x:external/https%3A%2F%2Fw3id%2Eorg%2Fglossgraph%2Fns"
        );
        assert_eq!(prefixed.manifest(), "urn:x:glossgraph/push");
    }
}
