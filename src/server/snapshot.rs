//! One built graph as the server sees it: the store plus what every page needs
//! at hand (labels and hierarchy of every concept), read once when the graph is
//! built and replaced whole when it is rebuilt.

use super::respond::Rendered;
use super::search_index::SearchFiles;
use crate::config::Config;
use crate::export::{Exporter, Format};
use crate::ontology::Ontology;
use crate::order::natural_cmp;
use crate::query::NamedQuery;
use crate::vocab::{owl, skos};
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{GraphNameRef, NamedNodeRef, NamedOrBlankNodeRef, Term, TermRef};
use oxigraph::store::{StorageError, Store};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// A concept's labels and place in the hierarchy.
#[derive(Debug, Clone)]
pub struct ConceptInfo {
    pub iri: String,
    /// Preferred labels as (language, text), sorted by language.
    pub labels: Vec<(String, String)>,
    pub alt_labels: Vec<(String, String)>,
    /// Labels for search only, and notations: (language, text).
    pub hidden_labels: Vec<(String, String)>,
    pub notations: Vec<String>,
    /// The schemes the concept is in (positions in `ConceptIndex::schemes`).
    pub schemes: Vec<u16>,
    pub broader: Vec<usize>,
    pub narrower: Vec<usize>,
    pub deprecated: bool,
    /// Whether it is a collection (`skos:Collection`), not a concept: it has
    /// a page, but is in no index, search or hierarchy.
    pub collection: bool,
    /// A collection's members, in the order of its member list if it has
    /// one (`ordered`), else by label.
    pub members: Vec<usize>,
    pub ordered: bool,
    /// The collections it is a member of, by label.
    pub member_of: Vec<usize>,
}

/// Every concept, by position and by IRI.
#[derive(Debug, Clone, Default)]
pub struct ConceptIndex {
    pub concepts: Vec<ConceptInfo>,
    by_iri: HashMap<String, usize>,
    /// Top concepts of the scheme, sorted by label.
    pub top: Vec<usize>,
    /// Every concept scheme a concept is in.
    pub schemes: Vec<String>,
}

impl ConceptIndex {
    pub fn get(&self, iri: &str) -> Option<usize> {
        self.by_iri.get(iri).copied()
    }

    /// The label of concept `i` in the first of `languages` it has, else any label,
    /// else the end of its IRI.
    pub fn label(&self, i: usize, languages: &[&str]) -> &str {
        self.label_in(i, languages).1
    }

    /// `label`, with its language (`""` when untagged or the end of the IRI).
    pub fn label_in(&self, i: usize, languages: &[&str]) -> (&str, &str) {
        let c = &self.concepts[i];
        languages
            .iter()
            .find_map(|l| c.labels.iter().find(|(lang, _)| lang == l))
            .or_else(|| c.labels.first())
            .map(|(lang, text)| (lang.as_str(), text.as_str()))
            .unwrap_or_else(|| ("", c.iri.rsplit(['/', '#']).next().unwrap_or(&c.iri)))
    }

    fn add(&mut self, iri: &str, collection: bool) {
        if self.by_iri.contains_key(iri) {
            return;
        }
        self.by_iri.insert(iri.to_owned(), self.concepts.len());
        self.concepts.push(ConceptInfo {
            iri: iri.to_owned(),
            labels: Vec::new(),
            alt_labels: Vec::new(),
            hidden_labels: Vec::new(),
            notations: Vec::new(),
            schemes: Vec::new(),
            broader: Vec::new(),
            narrower: Vec::new(),
            deprecated: false,
            collection,
            members: Vec::new(),
            ordered: false,
            member_of: Vec::new(),
        });
    }

    /// The concepts (typed `skos:Concept` or a subclass of it, or deprecated
    /// and typed by no class of RDF, OWL or SKOS, as thesauri publish their
    /// retired descriptors), then the collections that are not concepts.
    fn read(store: &Store) -> Result<Self, StorageError> {
        let mut index = Self::default();
        let mut classes = vec![(Term::from(skos::CONCEPT), false)];
        let mut i = 0;
        while i < classes.len() {
            for quad in store.quads_for_pattern(
                None,
                Some(rdfs::SUB_CLASS_OF),
                Some(classes[i].0.as_ref()),
                None,
            ) {
                let sub = Term::from(quad?.subject);
                if !classes.iter().any(|(c, _)| *c == sub) {
                    classes.push((sub, false));
                }
            }
            i += 1;
        }
        classes.push((skos::COLLECTION.into(), true));
        classes.push((skos::ORDERED_COLLECTION.into(), true));
        for (class, collection) in &classes {
            for quad in store.quads_for_pattern(None, Some(rdf::TYPE), Some(class.as_ref()), None) {
                if let NamedOrBlankNodeRef::NamedNode(n) = quad?.subject.as_ref() {
                    index.add(n.as_str(), *collection);
                }
            }
        }
        for quad in store.quads_for_pattern(None, Some(owl::DEPRECATED), None, None) {
            let quad = quad?;
            if let NamedOrBlankNodeRef::NamedNode(n) = quad.subject.as_ref()
                && matches!(&quad.object, Term::Literal(l) if is_true(l.value()))
                && !index.by_iri.contains_key(n.as_str())
                && !typed_by_a_standard_class(store, n)?
            {
                index.add(n.as_str(), false);
            }
        }
        let each = |predicate: NamedNodeRef<'_>| {
            store.quads_for_pattern(None, Some(predicate), None, None)
        };
        for (predicate, kind) in [
            (skos::PREF_LABEL, 0),
            (skos::ALT_LABEL, 1),
            (skos::HIDDEN_LABEL, 2),
        ] {
            for quad in each(predicate) {
                let quad = quad?;
                let (Some(i), Term::Literal(l)) = (index.subject(&quad.subject), &quad.object)
                else {
                    continue;
                };
                let entry = (
                    l.language().unwrap_or_default().to_owned(),
                    l.value().to_owned(),
                );
                let c = &mut index.concepts[i];
                let list = match kind {
                    0 => &mut c.labels,
                    1 => &mut c.alt_labels,
                    _ => &mut c.hidden_labels,
                };
                if !list.contains(&entry) {
                    list.push(entry);
                }
            }
        }
        // A concept with no preferred label (a retired descriptor often has
        // only an `rdfs:label`) is named by its `rdfs:label`s.
        let unlabelled: Vec<bool> = index.concepts.iter().map(|c| c.labels.is_empty()).collect();
        for quad in each(rdfs::LABEL) {
            let quad = quad?;
            if let (Some(i), Term::Literal(l)) = (index.subject(&quad.subject), &quad.object)
                && unlabelled[i]
            {
                let entry = (
                    l.language().unwrap_or_default().to_owned(),
                    l.value().to_owned(),
                );
                if !index.concepts[i].labels.contains(&entry) {
                    index.concepts[i].labels.push(entry);
                }
            }
        }
        for quad in each(skos::BROADER) {
            let quad = quad?;
            if let (Some(child), Term::NamedNode(parent)) =
                (index.subject(&quad.subject), &quad.object)
                && let Some(parent) = index.get(parent.as_str())
                && !index.concepts[child].broader.contains(&parent)
            {
                index.concepts[child].broader.push(parent);
                index.concepts[parent].narrower.push(child);
            }
        }
        for quad in each(skos::IN_SCHEME) {
            let quad = quad?;
            if let (Some(i), Term::NamedNode(scheme)) = (index.subject(&quad.subject), &quad.object)
            {
                let s = match index.schemes.iter().position(|x| x == scheme.as_str()) {
                    Some(s) => s,
                    None => {
                        index.schemes.push(scheme.as_str().to_owned());
                        index.schemes.len() - 1
                    }
                } as u16;
                index.concepts[i].schemes.push(s);
            }
        }
        for quad in each(skos::NOTATION) {
            let quad = quad?;
            if let (Some(i), Term::Literal(l)) = (index.subject(&quad.subject), &quad.object) {
                index.concepts[i].notations.push(l.value().to_owned());
            }
        }
        for quad in each(owl::DEPRECATED) {
            let quad = quad?;
            if let (Some(i), Term::Literal(l)) = (index.subject(&quad.subject), &quad.object) {
                index.concepts[i].deprecated = is_true(l.value());
            }
        }
        // The top concepts of every scheme, the glossary's and each published
        // vocabulary's, as stated either way.
        let mut declared = vec![false; index.schemes.len()];
        for (predicate, top_is_object) in
            [(skos::HAS_TOP_CONCEPT, true), (skos::TOP_CONCEPT_OF, false)]
        {
            for quad in each(predicate) {
                let quad = quad?;
                let (top, scheme) = match (top_is_object, &quad.subject, &quad.object) {
                    (true, oxigraph::model::NamedOrBlankNode::NamedNode(s), Term::NamedNode(t)) => {
                        (t.as_str(), s.as_str())
                    }
                    (
                        false,
                        oxigraph::model::NamedOrBlankNode::NamedNode(t),
                        Term::NamedNode(s),
                    ) => (t.as_str(), s.as_str()),
                    _ => continue,
                };
                if let Some(i) = index.get(top) {
                    index.top.push(i);
                }
                if let Some(s) = index.schemes.iter().position(|x| x == scheme) {
                    declared[s] = true;
                }
            }
        }
        index.read_members(store)?;
        // Where a scheme declares no top concepts (or a concept is in no
        // scheme): its concepts with no broader one.
        let undeclared: Vec<usize> = (0..index.concepts.len())
            .filter(|i| {
                let c = &index.concepts[*i];
                c.broader.is_empty()
                    && !c.collection
                    && !c.deprecated
                    && !c.schemes.iter().any(|s| declared[*s as usize])
            })
            .collect();
        index.top.extend(undeclared);
        for c in &mut index.concepts {
            c.labels.sort();
            c.alt_labels.sort();
        }
        let by_label = |index: &Self, list: &mut Vec<usize>| {
            list.sort_by(|a, b| {
                natural_cmp(
                    &index.label(*a, &[]).to_lowercase(),
                    &index.label(*b, &[]).to_lowercase(),
                )
            });
            list.dedup();
        };
        let mut top = std::mem::take(&mut index.top);
        by_label(&index, &mut top);
        index.top = top;
        for i in 0..index.concepts.len() {
            let mut narrower = std::mem::take(&mut index.concepts[i].narrower);
            by_label(&index, &mut narrower);
            index.concepts[i].narrower = narrower;
            let mut member_of = std::mem::take(&mut index.concepts[i].member_of);
            by_label(&index, &mut member_of);
            index.concepts[i].member_of = member_of;
            if !index.concepts[i].ordered {
                let mut members = std::mem::take(&mut index.concepts[i].members);
                by_label(&index, &mut members);
                index.concepts[i].members = members;
            }
        }
        Ok(index)
    }

    /// Each collection's members (those of its `skos:memberList` first, in
    /// order, then the others), and the collections each is in.
    fn read_members(&mut self, store: &Store) -> Result<(), StorageError> {
        let mut listed: HashMap<usize, Vec<usize>> = HashMap::new();
        for quad in store.quads_for_pattern(None, Some(skos::MEMBER_LIST), None, None) {
            let quad = quad?;
            let Some(c) = self.subject(&quad.subject) else {
                continue;
            };
            let mut cell = quad.object;
            let mut items = Vec::new();
            // A well-formed list ends; a malformed one is cut at its length.
            while let Term::BlankNode(_) | Term::NamedNode(_) = &cell {
                let node = match &cell {
                    Term::BlankNode(b) => oxigraph::model::NamedOrBlankNode::from(b.clone()),
                    Term::NamedNode(n) if n.as_ref() != rdf::NIL => n.clone().into(),
                    _ => break,
                };
                if items.len() > self.concepts.len() {
                    break;
                }
                let value = |p| -> Result<Option<Term>, StorageError> {
                    Ok(store
                        .quads_for_pattern(Some(node.as_ref()), Some(p), None, None)
                        .next()
                        .transpose()?
                        .map(|q| q.object))
                };
                if let Some(Term::NamedNode(first)) = value(rdf::FIRST)?
                    && let Some(m) = self.get(first.as_str())
                {
                    items.push(m);
                }
                match value(rdf::REST)? {
                    Some(rest) => cell = rest,
                    None => break,
                }
            }
            listed.insert(c, items);
        }
        let mut members: Vec<(usize, usize)> = Vec::new();
        for quad in store.quads_for_pattern(None, Some(skos::MEMBER), None, None) {
            let quad = quad?;
            if let (Some(c), Term::NamedNode(m)) = (self.subject(&quad.subject), &quad.object)
                && let Some(m) = self.get(m.as_str())
            {
                members.push((c, m));
            }
        }
        members.sort_by(|a, b| (a.0, &self.concepts[a.1].iri).cmp(&(b.0, &self.concepts[b.1].iri)));
        for (c, items) in listed {
            self.concepts[c].ordered = true;
            for m in items {
                if !self.concepts[c].members.contains(&m) {
                    self.concepts[c].members.push(m);
                }
            }
        }
        for (c, m) in members {
            if !self.concepts[c].members.contains(&m) {
                self.concepts[c].members.push(m);
            }
            if !self.concepts[m].member_of.contains(&c) {
                self.concepts[m].member_of.push(c);
            }
        }
        Ok(())
    }

    /// The search index of every concept's labels and notations.
    pub fn search_index(&self) -> crate::search::Index {
        use crate::search::{LabelInput, LabelKind};
        let mut labels = Vec::new();
        for (i, c) in self.concepts.iter().enumerate() {
            if c.collection {
                continue;
            }
            let concept = i as u32;
            for (list, kind) in [
                (&c.labels, LabelKind::Preferred),
                (&c.alt_labels, LabelKind::Alternative),
                (&c.hidden_labels, LabelKind::Hidden),
            ] {
                labels.extend(list.iter().map(|(lang, text)| LabelInput {
                    concept,
                    lang,
                    kind,
                    text,
                }));
            }
            labels.extend(c.notations.iter().map(|text| LabelInput {
                concept,
                lang: "",
                kind: LabelKind::Notation,
                text,
            }));
        }
        let deprecated = self.concepts.iter().map(|c| c.deprecated).collect();
        crate::search::Index::build(labels, deprecated)
    }

    fn subject(&self, subject: &oxigraph::model::NamedOrBlankNode) -> Option<usize> {
        match subject {
            oxigraph::model::NamedOrBlankNode::NamedNode(n) => self.get(n.as_str()),
            oxigraph::model::NamedOrBlankNode::BlankNode(_) => None,
        }
    }
}

/// A dump's format and whether it is gzipped.
type DumpKey = (Format, bool);

/// The graph being served and what is derived from it.
pub struct Snapshot {
    pub store: Store,
    pub config: Config,
    pub ontology: Ontology,
    pub exporter: Exporter,
    pub queries: Vec<NamedQuery>,
    pub concepts: ConceptIndex,
    /// Every label, for search and reconciliation.
    pub search: crate::search::Index,
    /// A hash of the content, or of everything it was built from: the same for
    /// the same graph, and different when the graph differs. The base of every
    /// ETag.
    pub fingerprint: u64,
    /// When this snapshot was made: every response's `Last-Modified`.
    pub built_at: SystemTime,
    pub quads: usize,
    languages: Vec<String>,
    /// Dumps, made on first request: (format, gzipped) → bytes.
    dumps: Mutex<HashMap<DumpKey, Arc<Vec<u8>>>>,
    /// The A–Z of each language, sorted on first request (`browse::letters`).
    pub(super) letters: Mutex<HashMap<String, Arc<Vec<super::browse::Letter>>>>,
    /// Index pages (home, A–Z, top concepts, branches, map) as HTML, made
    /// on first request: (path, language) → body (see `browse::respond`).
    pub pages: ResponseCache<(String, String), axum::body::Bytes>,
    /// What `/map` counts, on first request.
    pub(super) relation_map: Mutex<Option<Arc<super::browse::RelationMap>>>,
    /// Concept representations, made on first request.
    pub rendered: ResponseCache<RenderedKey, Arc<Rendered>>,
    /// Representations of concepts at version IRIs, made on first request.
    pub versions: ResponseCache<VersionKey, Arc<Rendered>>,
    /// Compressed responses, made on first request (see `compress`).
    pub compressed: ResponseCache<super::compress::CompressedKey, axum::body::Bytes>,
    /// The static search index, made on first request.
    search_files: std::sync::OnceLock<SearchFiles>,
    /// The glossary's releases (none unless [`Snapshot::with_history`]).
    pub history: Arc<super::history::History>,
    _held: Held,
}

/// Counts the snapshots in memory (see [`held`]).
struct Held;

static HELD: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Held {
    fn new() -> Self {
        HELD.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Held
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        HELD.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        // The snapshot's other fields are dropped by now (`_held` is its
        // last). Its store was allocated by build threads that have since
        // ended, whose free pages the allocator keeps until asked.
        crate::memory::release_free();
    }
}

/// Snapshots in memory: the one served, and those a rebuild replaced that
/// requests begun before it still read. More than a few, for longer than the
/// slowest request, is memory kept that should have been freed.
pub fn held() -> usize {
    HELD.load(std::sync::atomic::Ordering::Relaxed)
}

/// Which representation of which concept: (concept index, served under
/// /resource rather than /concept, asked for by extension rather than by
/// `Accept`, variant such as `html-en` or `ttl`). Each has its own headers.
pub type RenderedKey = (u32, bool, bool, String);

/// A version IRI's representation: (release, concept id, explicit, variant).
pub type VersionKey = (usize, String, bool, String);

/// Responses as sent, so that a repeated request costs a lookup instead of a
/// store read, a render or a compression. A snapshot never changes, so entries
/// never go stale; the cache is bounded by size (`Limits::response_cache`).
///
/// When full, it drops entries picked at random. A hit then costs a read lock
/// and nothing more (no recency to update), and a crawler going through more
/// pages than fit still finds the share that fits, where emptying the cache
/// or dropping the least recent would leave it none.
pub struct ResponseCache<K, V> {
    kept: std::sync::RwLock<Kept<K, V>>,
    /// Bytes kept at most; zero once the snapshot is replaced.
    limit: std::sync::atomic::AtomicUsize,
}

struct Kept<K, V> {
    map: indexmap::IndexMap<K, V>,
    size: usize,
}

/// What the response caches of a snapshot hold (`Snapshot::caches`).
pub struct CacheSizes {
    /// Bytes kept, by cache.
    pub sizes: [(&'static str, usize); 4],
    /// Bytes each keeps at most.
    pub limit: usize,
}

/// Bytes each response cache keeps unless the server says otherwise.
pub const RESPONSE_CACHE: usize = 64 * 1024 * 1024;

/// What a cached response holds, in bytes.
pub trait Size {
    fn size(&self) -> usize;
}

impl Size for axum::body::Bytes {
    fn size(&self) -> usize {
        self.len()
    }
}

impl Size for Arc<Rendered> {
    fn size(&self) -> usize {
        Rendered::size(self)
    }
}

impl<K, V> Default for ResponseCache<K, V> {
    fn default() -> Self {
        Self {
            kept: std::sync::RwLock::new(Kept {
                map: indexmap::IndexMap::new(),
                size: 0,
            }),
            limit: std::sync::atomic::AtomicUsize::new(RESPONSE_CACHE),
        }
    }
}

impl<K: Eq + std::hash::Hash, V: Clone + Size> ResponseCache<K, V> {
    pub fn get(&self, key: &K) -> Option<V> {
        self.kept.read().ok()?.map.get(key).cloned()
    }

    pub fn put(&self, key: K, value: V) {
        let Ok(mut kept) = self.kept.write() else {
            return;
        };
        let limit = self.limit();
        let size = value.size();
        if size > limit {
            return;
        }
        // A response made twice (two requests at once) replaces itself.
        if let Some(replaced) = kept.map.swap_remove(&key) {
            kept.size -= replaced.size();
        }
        // A pseudo-random walk seeded by the new key: no state, no lock of
        // its own, and a different pick at each insertion.
        let mut pick = std::hash::BuildHasher::hash_one(kept.map.hasher(), &key);
        while kept.size + size > limit {
            pick = pick.rotate_left(23).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let len = kept.map.len();
            let Some((_, dropped)) = kept.map.swap_remove_index(pick as usize % len.max(1)) else {
                break;
            };
            kept.size -= dropped.size();
        }
        kept.map.insert(key, value);
        kept.size += size;
    }

    fn limit(&self) -> usize {
        self.limit.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Keeps at most `bytes` from now on (what is kept already stays until
    /// the next insertion makes room).
    pub fn keep_at_most(&self, bytes: usize) {
        self.limit
            .store(bytes, std::sync::atomic::Ordering::Relaxed);
    }

    /// Bytes kept now.
    pub fn size(&self) -> usize {
        self.kept.read().map_or(0, |k| k.size)
    }

    /// Empties the cache and keeps nothing from now on.
    fn retire(&self) {
        let Ok(mut kept) = self.kept.write() else {
            return;
        };
        self.keep_at_most(0);
        *kept = Kept {
            map: indexmap::IndexMap::new(),
            size: 0,
        };
    }
}

impl Snapshot {
    /// A snapshot of `store`, whose fingerprint is a hash of every quad: one
    /// pass over the whole store. [`Snapshot::of_built`] avoids it when the
    /// build knows its fingerprint.
    pub fn new(
        store: Store,
        config: Config,
        ontology: Ontology,
        queries: Vec<NamedQuery>,
    ) -> Result<Self, SnapshotError> {
        let (fingerprint, quads) = content_hash(&store)?;
        Self::with_fingerprint(store, None, config, ontology, queries, fingerprint, quads)
    }

    /// A snapshot of a build, with the build's fingerprint and quad count (the
    /// persistent store's come from its manifest), so that opening an
    /// unchanged store does not read every quad.
    pub fn of_built(
        built: crate::build::Built,
        config: Config,
        ontology: Ontology,
        queries: Vec<NamedQuery>,
    ) -> Result<Self, SnapshotError> {
        Self::with_fingerprint(
            built.store,
            built.location.as_deref(),
            config,
            ontology,
            queries,
            built.fingerprint,
            built.stats.quads,
        )
    }

    fn with_fingerprint(
        store: Store,
        location: Option<&std::path::Path>,
        config: Config,
        ontology: Ontology,
        queries: Vec<NamedQuery>,
        fingerprint: u64,
        quads: usize,
    ) -> Result<Self, SnapshotError> {
        let exporter = Exporter::new(&config)?;
        let concepts = ConceptIndex::read(&store)?;
        let search = concepts.search_index();
        let store = match location {
            Some(dir) => reopened(store, dir)?,
            None => store,
        };
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for c in &concepts.concepts {
            for (lang, _) in &c.labels {
                if !lang.is_empty() {
                    *counts.entry(lang).or_default() += 1;
                }
            }
        }
        let mut others: Vec<(&str, usize)> = counts
            .into_iter()
            .filter(|(l, _)| !config.languages.iter().any(|c| c == l))
            .collect();
        others.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let languages: Vec<String> = config
            .languages
            .iter()
            .cloned()
            .chain(others.into_iter().map(|(l, _)| l.to_owned()))
            .collect();
        Ok(Self {
            store,
            config,
            ontology,
            exporter,
            queries,
            concepts,
            search,
            fingerprint,
            built_at: SystemTime::now(),
            quads,
            languages,
            dumps: Mutex::new(HashMap::new()),
            letters: Mutex::new(HashMap::new()),
            pages: ResponseCache::default(),
            relation_map: Mutex::new(None),
            rendered: ResponseCache::default(),
            versions: ResponseCache::default(),
            compressed: ResponseCache::default(),
            search_files: std::sync::OnceLock::new(),
            history: Arc::default(),
            _held: Held::new(),
        })
    }

    /// The snapshot with the glossary's releases.
    #[must_use]
    pub fn with_history(mut self, history: super::history::History) -> Self {
        self.history = Arc::new(history);
        self
    }

    /// The whole graph in `format`, gzipped if asked; made once per snapshot.
    pub fn dump(&self, format: Format, gzip: bool) -> Result<Arc<Vec<u8>>, SnapshotError> {
        let key = (format, gzip);
        if let Some(bytes) = self
            .dumps
            .lock()
            .map_err(|_| SnapshotError::Poisoned)?
            .get(&key)
        {
            return Ok(bytes.clone());
        }
        let plain = if gzip {
            self.dump(format, false)?
        } else {
            let quads = crate::store::quads(&self.store)?;
            let mut out = Vec::new();
            self.exporter.write(quads, format, &mut out)?;
            Arc::new(out)
        };
        let bytes = if gzip {
            let gzipped = super::compress::Encoding::Gzip.encode(&plain)?;
            Arc::new(gzipped)
        } else {
            plain
        };
        let mut dumps = self.dumps.lock().map_err(|_| SnapshotError::Poisoned)?;
        // Caches retire together (see `retire`).
        if self.rendered.limit() > 0 {
            dumps.insert(key, bytes.clone());
        }
        Ok(bytes)
    }

    /// How much each response cache holds, and how much it may.
    pub fn caches(&self) -> CacheSizes {
        CacheSizes {
            sizes: [
                ("pages", self.pages.size()),
                ("concepts", self.rendered.size()),
                ("versions", self.versions.size()),
                ("compressed", self.compressed.size()),
            ],
            limit: self.rendered.limit(),
        }
    }

    /// Keeps at most `bytes` in each of its response caches.
    pub fn keep_at_most(&self, bytes: usize) {
        self.rendered.keep_at_most(bytes);
        self.versions.keep_at_most(bytes);
        self.compressed.keep_at_most(bytes);
        self.pages.keep_at_most(bytes);
    }

    /// Lets go of what this snapshot keeps to answer faster (responses,
    /// dumps), once a rebuild has replaced it. Requests begun before still
    /// read it, some for long: a cancelled query runs on to its next read of
    /// the store, seconds for a cross join. Its graph is freed when they end;
    /// its caches, which weigh as much again, now.
    pub fn retire(&self) {
        self.rendered.retire();
        self.versions.retire();
        self.compressed.retire();
        self.pages.retire();
        *self.letters.lock().unwrap_or_else(|e| e.into_inner()) = HashMap::new();
        *self.relation_map.lock().unwrap_or_else(|e| e.into_inner()) = None;
        if let Ok(mut dumps) = self.dumps.lock() {
            *dumps = HashMap::new();
        }
    }

    /// The static search index (see `search_index`), made on first use.
    pub fn search_files(&self) -> &SearchFiles {
        self.search_files.get_or_init(|| SearchFiles::build(self))
    }

    /// Whether [`Snapshot::search_files`] has been made.
    pub fn has_search_files(&self) -> bool {
        self.search_files.get().is_some()
    }

    /// The languages pages are offered in, in fallback order: those of
    /// `glossary.toml`, then the other languages of preferred labels, most used
    /// first (a published vocabulary brings its own).
    pub fn languages(&self) -> &[String] {
        &self.languages
    }
}

/// `store`, closed and opened again. Reading the concept index decodes every
/// label, which fills RocksDB's string cache (up to 128 MiB, the size Oxigraph
/// gives it) with strings the index now holds; a server that keeps them would
/// start at several times the memory of one that has answered nothing. Opened
/// again, the store's caches fill only as requests need them.
fn reopened(store: Store, dir: &std::path::Path) -> Result<Store, StorageError> {
    #[cfg(feature = "rocksdb")]
    {
        drop(store);
        Store::open_read_only(dir)
    }
    // Only a persistent build has a directory.
    #[cfg(not(feature = "rocksdb"))]
    {
        let _ = dir;
        Ok(store)
    }
}

/// A hash of every quad in `store`, independent of their order, and their number.
fn content_hash(store: &Store) -> Result<(u64, usize), StorageError> {
    // Each term as a kind byte and length-prefixed strings, into one reused
    // buffer: no formatting and no allocation per quad.
    fn field(buf: &mut Vec<u8>, text: &str) {
        buf.extend_from_slice(&(text.len() as u64).to_le_bytes());
        buf.extend_from_slice(text.as_bytes());
    }
    fn term(buf: &mut Vec<u8>, t: TermRef<'_>) {
        match t {
            TermRef::NamedNode(n) => {
                buf.push(b'I');
                field(buf, n.as_str());
            }
            TermRef::BlankNode(b) => {
                buf.push(b'B');
                field(buf, b.as_str());
            }
            TermRef::Literal(l) => {
                buf.push(b'L');
                field(buf, l.value());
                field(buf, l.language().unwrap_or_default());
                field(buf, l.datatype().as_str());
            }
        }
    }
    let mut sum: u64 = 0;
    let mut quads = 0;
    let mut buf = Vec::new();
    for quad in store.iter() {
        let quad = quad?;
        buf.clear();
        term(&mut buf, quad.subject.as_ref().into());
        term(&mut buf, quad.predicate.as_ref().into());
        term(&mut buf, quad.object.as_ref());
        match quad.graph_name.as_ref() {
            GraphNameRef::DefaultGraph => buf.push(b'D'),
            GraphNameRef::NamedNode(n) => term(&mut buf, n.into()),
            GraphNameRef::BlankNode(b) => term(&mut buf, b.into()),
        }
        // Order-independent: the same quads give the same sum in any order.
        sum = sum.wrapping_add(xxhash_rust::xxh3::xxh3_64(&buf));
        quads += 1;
    }
    Ok((sum, quads))
}

/// A snapshot could not be made from a store, or a dump written from it.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read the graph to serve it")]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Context(#[from] crate::export::ContextError),
    #[error("cannot write a dump")]
    Dump(#[from] std::io::Error),
    #[error("the dump cache was left inconsistent by a panic")]
    Poisoned,
}

/// `xsd:boolean`'s two spellings of true.
fn is_true(value: &str) -> bool {
    matches!(value, "true" | "1")
}

/// Whether `n` is typed by a class of RDF, RDFS, OWL or SKOS: a deprecated
/// property, class or scheme is not a retired concept.
fn typed_by_a_standard_class(store: &Store, n: NamedNodeRef<'_>) -> Result<bool, StorageError> {
    for quad in store.quads_for_pattern(Some(n.into()), Some(rdf::TYPE), None, None) {
        if let Term::NamedNode(class) = quad?.object
            && crate::vocab::STANDARD_NAMESPACES
                .iter()
                .any(|ns| class.as_str().starts_with(ns))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let project = crate::project::Project::open(&data).unwrap();
        let built = crate::build::build(&project, &crate::build::StoreChoice::Memory).unwrap();
        super::super::snapshot_of(&project, built).unwrap()
    }

    #[test]
    fn a_replaced_snapshot_keeps_no_cached_response_or_dump() {
        use super::super::compress::Encoding;
        let state = super::super::AppState::new(snapshot(), super::super::Limits::default());
        let old = state.snapshot();
        let page = axum::body::Bytes::from_static(b"a page");
        old.compressed.put((1, Encoding::Gzip), page.clone());
        old.dump(Format::Turtle, false).unwrap();
        assert_eq!(old.dumps.lock().unwrap().len(), 1);
        state.replace(snapshot());
        // A request begun before still reads the old snapshot, which answers
        // but keeps nothing more.
        assert!(old.compressed.get(&(1, Encoding::Gzip)).is_none());
        assert!(old.dumps.lock().unwrap().is_empty());
        old.compressed.put((2, Encoding::Gzip), page);
        assert!(old.compressed.get(&(2, Encoding::Gzip)).is_none());
        assert!(!old.dump(Format::Turtle, true).unwrap().is_empty());
        assert!(old.dumps.lock().unwrap().is_empty());
        // The new one keeps what it makes.
        let new = state.snapshot();
        new.dump(Format::Turtle, false).unwrap();
        assert_eq!(new.dumps.lock().unwrap().len(), 1);
    }

    fn page(n: usize) -> axum::body::Bytes {
        axum::body::Bytes::from(vec![b'x'; 1000 + n % 7])
    }

    #[test]
    fn a_full_cache_stays_within_its_limit_and_keeps_what_fits() {
        let cache = ResponseCache::<usize, axum::body::Bytes>::default();
        cache.keep_at_most(100_000);
        for n in 0..1000 {
            cache.put(n, page(n));
            assert!(cache.size() <= 100_000, "{} bytes after {n}", cache.size());
        }
        // About a hundred pages fit, and nearly that many are kept.
        let kept = (0..1000).filter(|n| cache.get(n).is_some()).count();
        assert!((90..=100).contains(&kept), "{kept} kept");
        // Put again, a page replaces itself and drops nothing else.
        let before = cache.size();
        let n = (0..1000).find(|n| cache.get(n).is_some()).unwrap();
        cache.put(n, page(n));
        assert_eq!(cache.size(), before);
        assert_eq!((0..1000).filter(|n| cache.get(n).is_some()).count(), kept);
        // Larger than the whole cache: not kept, nothing dropped for it.
        cache.put(5000, axum::body::Bytes::from(vec![0; 100_001]));
        assert!(cache.get(&5000).is_none());
        assert_eq!(cache.size(), before);
    }

    /// A crawler reading twice as many pages as fit, in the same order each
    /// time: emptying the cache when full (as it once did), or dropping the
    /// least recent page, would give it no hits at all.
    #[test]
    fn a_crawl_larger_than_the_cache_still_finds_part_of_it_kept() {
        let cache = ResponseCache::<usize, axum::body::Bytes>::default();
        cache.keep_at_most(100_000);
        let mut hits = 0;
        for round in 0..5 {
            for n in 0..200 {
                match cache.get(&n) {
                    Some(_) => hits += usize::from(round > 0),
                    None => cache.put(n, page(n)),
                }
            }
        }
        // 800 requests after the first round, of which random dropping
        // answers about a quarter (184–224 in eight runs).
        assert!(hits > 120, "{hits} hits of 800");
    }

    #[test]
    fn a_retired_cache_is_empty_and_keeps_nothing() {
        let cache = ResponseCache::<usize, axum::body::Bytes>::default();
        cache.put(1, page(1));
        assert!(cache.get(&1).is_some());
        cache.retire();
        assert_eq!(cache.size(), 0);
        assert!(cache.get(&1).is_none());
        cache.put(2, page(2));
        assert!(cache.get(&2).is_none());
    }
}
