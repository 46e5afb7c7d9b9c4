//! The glossary's releases as the server answers them, read from their
//! snapshots (never rebuilt): a concept that was in a release and is no
//! longer answers 410 Gone; `/v/VERSION/concept/ID` is the concept as that
//! release had it; `/releases/VERSION/dump.nq.gz` is the release's snapshot;
//! `/changes` lists the releases, as a page and an Atom feed.

use crate::release::{self, Manifest, Release, ReleaseError};
use crate::vocab::skos;
use oxigraph::model::vocab::rdf;
use oxigraph::model::{NamedNode, NamedOrBlankNode, Term, Triple};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The releases of a glossary, and the concepts each had.
#[derive(Debug, Default)]
pub struct History {
    pub releases: Vec<Release>,
    dir: PathBuf,
    /// Every concept of any release: the last release (by position) it is in.
    last_seen: HashMap<String, usize>,
    /// Every concept of any release: the releases it appeared or changed in.
    changes: HashMap<String, Vec<usize>>,
    /// Release snapshots' triples, read on first request.
    graphs: Mutex<HashMap<usize, Arc<Released>>>,
}

/// A release's triples, and where each subject's are.
#[derive(Debug)]
pub struct Released {
    triples: Vec<Triple>,
    by_subject: HashMap<NamedOrBlankNode, Vec<usize>>,
}

impl Released {
    fn new(mut triples: Vec<Triple>) -> Self {
        triples.sort_by(crate::order::triple_cmp);
        triples.dedup();
        let mut by_subject: HashMap<NamedOrBlankNode, Vec<usize>> = HashMap::new();
        for (i, t) in triples.iter().enumerate() {
            by_subject.entry(t.subject.clone()).or_default().push(i);
        }
        Self {
            triples,
            by_subject,
        }
    }

    /// What the release says about `iri` and its parts (`…#section-1`), and
    /// the blank nodes they lead to: the concept's description, as
    /// `store::describe` gives it for the graph served now.
    pub fn described(&self, iri: &str) -> Vec<Triple> {
        let prefix = format!("{iri}#");
        let start = NamedOrBlankNode::from(NamedNode::new_unchecked(iri));
        let mut seen: std::collections::HashSet<NamedOrBlankNode> =
            std::iter::once(start.clone()).collect();
        let mut pending = vec![start];
        let mut out = Vec::new();
        while let Some(subject) = pending.pop() {
            for &i in self.by_subject.get(&subject).into_iter().flatten() {
                let t = &self.triples[i];
                let next: Option<NamedOrBlankNode> = match &t.object {
                    Term::NamedNode(n) if n.as_str().starts_with(&prefix) => Some(n.clone().into()),
                    Term::BlankNode(b) => Some(b.clone().into()),
                    _ => None,
                };
                if let Some(next) = next
                    && seen.insert(next.clone())
                {
                    pending.push(next);
                }
                out.push(t.clone());
            }
        }
        out.sort_by(crate::order::triple_cmp);
        out
    }

    /// The IRIs of the concepts it has, sorted.
    pub fn concepts(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .triples
            .iter()
            .filter_map(|t| concept(&t.subject, &t.predicate, &t.object))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

impl History {
    /// The releases in the releases folder `dir` (none if it has none).
    /// Reads every snapshot once, checking its SHA-256, for the concepts
    /// it holds; their statements are read when first asked for.
    pub fn read(dir: PathBuf) -> Result<Self, ReleaseError> {
        let manifest = Manifest::read(&dir)?;
        let mut last_seen = HashMap::new();
        let mut changes: HashMap<String, Vec<usize>> = HashMap::new();
        let mut before: HashMap<Vec<u8>, u64> = HashMap::new();
        // Read at every start and rebuild: the concepts are found in the
        // canonical lines (`<iri> rdf:type skos:Concept …`), nothing parsed.
        let typed = format!("> <{}> <{}> ", rdf::TYPE.as_str(), skos::CONCEPT.as_str());
        for (i, r) in manifest.releases.iter().enumerate() {
            let text = release::input::canonical(&dir, r)?;
            let mut concepts = Vec::new();
            for line in text.split(|b| *b == b'\n') {
                let Some(end) = find(line, typed.as_bytes()) else {
                    continue;
                };
                if let Some(iri) = line[..end].strip_prefix(b"<")
                    && let Ok(iri) = std::str::from_utf8(iri)
                {
                    last_seen.insert(iri.to_owned(), i);
                    concepts.push(iri.to_owned());
                }
            }
            // A concept changed in this release when the statements about
            // it and its parts differ from the release before's.
            let now = descriptions(&text);
            for iri in concepts {
                if before.get(iri.as_bytes()) != now.get(iri.as_bytes()) {
                    changes.entry(iri).or_default().push(i);
                }
            }
            before = now;
        }
        Ok(Self {
            releases: manifest.releases,
            dir,
            last_seen,
            changes,
            graphs: Mutex::default(),
        })
    }

    /// The releases (by position) in which the concept `iri` appeared or
    /// changed, oldest first.
    pub fn changes(&self, iri: &str) -> &[usize] {
        self.changes.get(iri).map_or(&[], Vec::as_slice)
    }

    pub fn get(&self, version: &str) -> Option<(usize, &Release)> {
        self.releases
            .iter()
            .enumerate()
            .find(|(_, r)| r.version == version)
    }

    /// For a concept no longer published: the last release that had it, and
    /// the release that first did not (`None`: since the last release).
    pub fn gone(&self, iri: &str) -> Option<(&Release, Option<&Release>)> {
        let last = *self.last_seen.get(iri)?;
        Some((&self.releases[last], self.releases.get(last + 1)))
    }

    /// Release `i`, read from its snapshot on first use.
    pub fn graph(&self, i: usize) -> Result<Arc<Released>, ReleaseError> {
        if let Some(graph) = self.graphs.lock().ok().and_then(|g| g.get(&i).cloned()) {
            return Ok(graph);
        }
        let triples = release::input::snapshot(&self.dir, &self.releases[i])?
            .into_iter()
            .map(Triple::from)
            .collect();
        let graph = Arc::new(Released::new(triples));
        if let Ok(mut graphs) = self.graphs.lock() {
            graphs.insert(i, graph.clone());
        }
        Ok(graph)
    }

    /// The IRIs of the concepts release `i` had, sorted (none if its
    /// snapshot cannot be read).
    pub fn concepts(&self, i: usize) -> Vec<String> {
        self.graph(i).map(|g| g.concepts()).unwrap_or_default()
    }

    /// The snapshot file of release `i`.
    pub fn snapshot_path(&self, i: usize) -> PathBuf {
        self.releases[i].snapshot(&self.dir)
    }
}

/// A digest of each subject's statements in canonical N-Quads `text`, a
/// subject's parts (`<iri#section-1>`) counted as the subject: the
/// order-free sum of each line's hash.
fn descriptions(text: &[u8]) -> HashMap<Vec<u8>, u64> {
    let mut out: HashMap<Vec<u8>, u64> = HashMap::new();
    for line in text.split(|b| *b == b'\n') {
        let Some(subject) = line
            .strip_prefix(b"<")
            .and_then(|rest| rest.iter().position(|b| *b == b'>').map(|end| &rest[..end]))
        else {
            continue;
        };
        let key = subject.split(|b| *b == b'#').next().unwrap_or(subject);
        let hash = xxhash_rust::xxh3::xxh3_64(line);
        match out.get_mut(key) {
            Some(sum) => *sum = sum.wrapping_add(hash),
            None => {
                out.insert(key.to_vec(), hash);
            }
        }
    }
    out
}

/// Where `needle` first is in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The concept a statement says is a `skos:Concept`, if it does.
fn concept(subject: &NamedOrBlankNode, predicate: &NamedNode, object: &Term) -> Option<String> {
    match (subject, object) {
        (NamedOrBlankNode::NamedNode(n), Term::NamedNode(class))
            if *predicate == rdf::TYPE && class.as_ref() == skos::CONCEPT =>
        {
            Some(n.as_str().to_owned())
        }
        _ => None,
    }
}
