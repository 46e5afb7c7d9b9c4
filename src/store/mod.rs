//! The Oxigraph store: quads loaded into it, in memory (the default) or on
//! disk (with the `rocksdb` feature, see `generations`), and read back.
//!
//! The store knows quads and graphs, nothing of entries, projects or checks:
//! `crate::build` decides what goes in.
//!
//! Layer: store; it imports only the leaves (`order`).

#[cfg(feature = "rocksdb")]
pub mod generations;

use oxigraph::model::{NamedNodeRef, NamedOrBlankNode, Quad, Term, Triple};
use oxigraph::store::{StorageError, Store};

/// Quads to load, and whether they may repeat quads loaded before them
/// (parsed files may; converted entries never do).
pub struct Batch {
    pub quads: Vec<Quad>,
    pub may_repeat: bool,
}

/// Loads `batches` into an empty store in `order`, in one bulk load, and
/// tallies what went in.
///
/// One call, since on disk each bulk load writes its own set of files (one
/// call per entry made 40,000 files for 10,000 entries).
pub fn load(
    store: &Store,
    order: Order,
    batches: impl IntoIterator<Item = Batch>,
) -> Result<Tally, StorageError> {
    let mut tally = Tally::default();
    let quads = batches
        .into_iter()
        .map(|batch| tally.add(batch.quads, batch.may_repeat));
    let mut loader = store.bulk_loader();
    match order {
        Order::AsConverted => loader.load_quads(quads.flatten())?,
        Order::GroupedByPredicate => {
            loader.load_quads(grouped_by_predicate(quads, PREDICATE_WINDOW))?
        }
    }
    loader.commit()?;
    Ok(tally)
}

/// The order quads go into the store in.
#[derive(Clone, Copy)]
pub enum Order {
    /// As converted: entry by entry (on disk, where RocksDB sorts them anyway).
    AsConverted,
    /// In windows of `PREDICATE_WINDOW` quads sorted by predicate (in
    /// memory). Oxigraph's in-memory store chains each predicate's quads
    /// through pointers and allocates them in insertion order, so a scan of
    /// one predicate (`?s a ?type`, every `skos:prefLabel`) then reads memory
    /// in runs instead of one scattered node at a time. At 10k entries a
    /// count by type took 34 instead of 67 ms, and the build 4% longer (see
    /// BENCHMARKS.md, **Count by type in memory**).
    GroupedByPredicate,
}

/// Quads per window sorted by predicate: about 11 generated entries. Larger
/// windows scanned no faster and built slower (8,192: 14% against 4%), as
/// the quads left the cache before they were inserted.
const PREDICATE_WINDOW: usize = 1024;

/// The quads of `batches`, gathered into windows of at least `window` quads
/// (or what is left at the end), each sorted by predicate. Within one
/// predicate, quads keep their order.
fn grouped_by_predicate(
    batches: impl Iterator<Item = Vec<Quad>>,
    window: usize,
) -> impl Iterator<Item = Quad> {
    let mut batches = batches.peekable();
    std::iter::from_fn(move || {
        batches.peek()?;
        let mut gathered = Vec::with_capacity(window);
        while gathered.len() < window {
            match batches.next() {
                Some(batch) => gathered.extend(batch),
                None => break,
            }
        }
        // Stable: equal predicates keep their order.
        gathered.sort_by_cached_key(|quad| {
            std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, quad.predicate.as_str())
        });
        Some(gathered)
    })
    .flatten()
}

/// What went into a store, tallied as it went in: the number of distinct
/// triples (for the dataset description) and a fingerprint of the content
/// (for ETags).
#[derive(Default)]
pub struct Tally {
    /// A 128-bit hash of each distinct triple (whatever its graph): counting
    /// them takes a tenth of the time of a SPARQL `DISTINCT` over the store.
    triples: std::collections::HashSet<u128, PassThrough>,
    /// A 128-bit hash of each parsed quad, to drop the ones a file repeats.
    parsed: std::collections::HashSet<u128, PassThrough>,
    /// The sum of the quads' hashes: the same quads give the same sum in any order.
    pub fingerprint: u64,
    /// The quads added.
    pub quads: usize,
}

impl Tally {
    /// Tallies `quads` and gives back those to insert: all of them, unless
    /// `may_repeat` (parsed quads), then those not seen before. Quads that
    /// cannot repeat must be distinct, and in a graph no other call adds to.
    pub fn add(&mut self, mut quads: Vec<Quad>, may_repeat: bool) -> Vec<Quad> {
        self.triples.reserve(quads.len());
        quads.retain(|quad| {
            let (triple, hash) = quad_hashes(quad);
            if may_repeat && !self.parsed.insert(hash) {
                return false;
            }
            self.triples.insert(triple);
            self.fingerprint = self.fingerprint.wrapping_add(hash as u64);
            true
        });
        self.quads += quads.len();
        quads
    }

    pub fn triples(&self) -> usize {
        self.triples.len()
    }
}

/// A quad's hashes: 128 bits of its triple, and 128 bits of the whole quad.
fn quad_hashes(quad: &Quad) -> (u128, u128) {
    use std::hash::Hash;
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    quad.subject.hash(&mut hasher);
    quad.predicate.hash(&mut hasher);
    quad.object.hash(&mut hasher);
    let triple = hasher.digest128();
    quad.graph_name.hash(&mut hasher);
    (triple, hasher.digest128())
}

/// The keys are already uniform hashes: use their low bits as they are.
#[derive(Default, Clone, Copy)]
struct PassThrough(u64);

impl std::hash::BuildHasher for PassThrough {
    type Hasher = PassThrough;
    fn build_hasher(&self) -> PassThrough {
        PassThrough(0)
    }
}

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
}

/// Every quad in the store.
pub fn quads(store: &Store) -> Result<Vec<Quad>, StorageError> {
    store.iter().collect()
}

/// What the graph says about a concept (or a collection): every triple whose
/// subject is it, one of its parts (`…#section-1`) or a blank node one of
/// these points to, from every graph, sorted and distinct. Blank nodes are
/// followed (the concise bounded description) so that what they say, such
/// as the cells of an ordered collection's member list, comes with them.
pub fn describe(store: &Store, concept: NamedNodeRef<'_>) -> Result<Vec<Triple>, StorageError> {
    let mut triples = Vec::new();
    let prefix = format!("{}#", concept.as_str());
    let mut pending: Vec<NamedOrBlankNode> = vec![concept.into_owned().into()];
    let mut seen: std::collections::HashSet<NamedOrBlankNode> = pending.iter().cloned().collect();
    while let Some(subject) = pending.pop() {
        for quad in store.quads_for_pattern(Some(subject.as_ref()), None, None, None) {
            let quad = quad?;
            let next: Option<NamedOrBlankNode> = match &quad.object {
                Term::NamedNode(part) if part.as_str().starts_with(&prefix) => {
                    Some(part.clone().into())
                }
                Term::BlankNode(b) => Some(b.clone().into()),
                _ => None,
            };
            if let Some(next) = next
                && seen.insert(next.clone())
            {
                pending.push(next);
            }
            triples.push(Triple::from(quad));
        }
    }
    triples.sort_by(crate::order::triple_cmp);
    triples.dedup();
    Ok(triples)
}

#[cfg(test)]
mod tests {
    use super::grouped_by_predicate;
    use oxigraph::model::{GraphName, Literal, NamedNode, Quad};

    fn quad(subject: &str, predicate: &str, n: usize) -> Quad {
        Quad::new(
            NamedNode::new(format!("http://example.org/{subject}")).unwrap(),
            NamedNode::new(format!("http://example.org/{predicate}")).unwrap(),
            Literal::from(n as i64),
            GraphName::DefaultGraph,
        )
    }

    #[test]
    fn quads_are_grouped_by_predicate_within_each_window_and_none_is_lost() {
        // Three batches of one subject each, with predicates p and q interleaved.
        let batches: Vec<Vec<Quad>> = (0..3)
            .map(|b| {
                (0..4)
                    .map(|i| quad(&format!("s{b}"), ["p", "q"][i % 2], b * 4 + i))
                    .collect()
            })
            .collect();
        let all: Vec<Quad> = batches.iter().flatten().cloned().collect();
        // A window of 6 gathers the first two batches (8 quads), then the last.
        let grouped: Vec<Quad> = grouped_by_predicate(batches.into_iter(), 6).collect();
        assert_eq!(grouped.len(), all.len());
        let predicates: Vec<&str> = grouped
            .iter()
            .map(|q| q.predicate.as_str().rsplit('/').next().unwrap())
            .collect();
        // Each window holds one run per predicate.
        let runs = |window: &[&str]| window.windows(2).filter(|w| w[0] != w[1]).count() + 1;
        assert_eq!(runs(&predicates[..8]), 2, "{predicates:?}");
        assert_eq!(runs(&predicates[8..]), 2, "{predicates:?}");
        // Within a predicate, the order is kept, and windows do not mix.
        for p in ["p", "q"] {
            let order = |quads: &[Quad]| -> Vec<String> {
                quads
                    .iter()
                    .filter(|q| q.predicate.as_str().ends_with(p))
                    .map(|q| q.object.to_string())
                    .collect()
            };
            assert_eq!(order(&grouped), order(&all));
        }
    }

    #[test]
    fn no_batches_give_no_quads() {
        assert_eq!(grouped_by_predicate(std::iter::empty(), 8).count(), 0);
    }
}
