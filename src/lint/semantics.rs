//! SKOS's semantics over a [`Graph`], without a general reasoner: the
//! sub-property hierarchy (SKOS's own, ISO 25964's and any `rdfs:subPropertyOf`
//! the data declares), inverses, symmetric properties, and the classes implied
//! by domains and ranges. What the checks need comes out as edge lists and
//! class flags, so `<A> skos:narrowMatch <B>` counts as `<B> skos:broader <A>`,
//! and `<A> skos:broader <B>` makes both concepts.

use super::graph::{Graph, Id};
use crate::vocab::{iso_thes, skos};
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{NamedNodeRef, Term};
use std::collections::{BTreeSet, HashMap, HashSet};

const OWL_INVERSE_OF: &str = "http://www.w3.org/2002/07/owl#inverseOf";
const OWL_SYMMETRIC: &str = "http://www.w3.org/2002/07/owl#SymmetricProperty";

/// SKOS terms the checks refer to that `crate::vocab` does not name.
pub mod extra {
    use oxigraph::model::NamedNodeRef;
    const fn skos(local: &'static str) -> NamedNodeRef<'static> {
        NamedNodeRef::new_unchecked(local)
    }
    pub const COLLECTION: NamedNodeRef<'static> =
        skos("http://www.w3.org/2004/02/skos/core#Collection");
    pub const ORDERED_COLLECTION: NamedNodeRef<'static> =
        skos("http://www.w3.org/2004/02/skos/core#OrderedCollection");
    pub const MEMBER: NamedNodeRef<'static> = skos("http://www.w3.org/2004/02/skos/core#member");
    pub const MEMBER_LIST: NamedNodeRef<'static> =
        skos("http://www.w3.org/2004/02/skos/core#memberList");
    pub const MAPPING_RELATION: NamedNodeRef<'static> =
        skos("http://www.w3.org/2004/02/skos/core#mappingRelation");
}

/// Sub-property axioms of the SKOS RDF schema and of ISO 25964's SKOS extension.
const SUB_PROPERTIES: &[(NamedNodeRef<'static>, NamedNodeRef<'static>)] = &[
    (skos::BROADER, skos::BROADER_TRANSITIVE),
    (skos::NARROWER, skos::NARROWER_TRANSITIVE),
    (skos::BROADER_TRANSITIVE, skos::SEMANTIC_RELATION),
    (skos::NARROWER_TRANSITIVE, skos::SEMANTIC_RELATION),
    (skos::RELATED, skos::SEMANTIC_RELATION),
    (extra::MAPPING_RELATION, skos::SEMANTIC_RELATION),
    (skos::BROAD_MATCH, skos::BROADER),
    (skos::BROAD_MATCH, extra::MAPPING_RELATION),
    (skos::NARROW_MATCH, skos::NARROWER),
    (skos::NARROW_MATCH, extra::MAPPING_RELATION),
    (skos::RELATED_MATCH, skos::RELATED),
    (skos::RELATED_MATCH, extra::MAPPING_RELATION),
    (skos::CLOSE_MATCH, extra::MAPPING_RELATION),
    (skos::EXACT_MATCH, skos::CLOSE_MATCH),
    (skos::TOP_CONCEPT_OF, skos::IN_SCHEME),
    (skos::PREF_LABEL, rdfs::LABEL),
    (skos::ALT_LABEL, rdfs::LABEL),
    (skos::HIDDEN_LABEL, rdfs::LABEL),
    (skos::DEFINITION, skos::NOTE),
    (skos::SCOPE_NOTE, skos::NOTE),
    (skos::EXAMPLE, skos::NOTE),
    (skos::HISTORY_NOTE, skos::NOTE),
    (skos::EDITORIAL_NOTE, skos::NOTE),
    (skos::CHANGE_NOTE, skos::NOTE),
    (iso_thes::BROADER_GENERIC, skos::BROADER),
    (iso_thes::BROADER_PARTITIVE, skos::BROADER),
    (iso_thes::BROADER_INSTANTIAL, skos::BROADER),
    (iso_thes::NARROWER_GENERIC, skos::NARROWER),
    (iso_thes::NARROWER_PARTITIVE, skos::NARROWER),
    (iso_thes::NARROWER_INSTANTIAL, skos::NARROWER),
];

/// `owl:inverseOf` pairs of SKOS (each listed once).
const INVERSES: &[(NamedNodeRef<'static>, NamedNodeRef<'static>)] = &[
    (skos::BROADER, skos::NARROWER),
    (skos::BROADER_TRANSITIVE, skos::NARROWER_TRANSITIVE),
    (skos::BROAD_MATCH, skos::NARROW_MATCH),
    (skos::HAS_TOP_CONCEPT, skos::TOP_CONCEPT_OF),
    (iso_thes::BROADER_GENERIC, iso_thes::NARROWER_GENERIC),
    (iso_thes::BROADER_PARTITIVE, iso_thes::NARROWER_PARTITIVE),
    (iso_thes::BROADER_INSTANTIAL, iso_thes::NARROWER_INSTANTIAL),
];

/// Symmetric SKOS properties.
const SYMMETRIC: &[NamedNodeRef<'static>] = &[
    skos::RELATED,
    skos::RELATED_MATCH,
    skos::CLOSE_MATCH,
    skos::EXACT_MATCH,
];

/// The property hierarchy: for each predicate used in the graph, every property
/// it implies and whether the implied statement runs the other way.
pub struct Properties {
    /// Predicate id → (implied property IRI, reversed).
    implied: HashMap<Id, Vec<(String, bool)>>,
}

impl Properties {
    fn new(g: &Graph) -> Self {
        let mut supers: HashMap<String, Vec<String>> = HashMap::new();
        let mut inverse: HashMap<String, Vec<String>> = HashMap::new();
        let mut symmetric: HashSet<String> =
            SYMMETRIC.iter().map(|p| p.as_str().to_owned()).collect();
        for (sub, sup) in SUB_PROPERTIES {
            supers
                .entry(sub.as_str().into())
                .or_default()
                .push(sup.as_str().into());
        }
        for (a, b) in INVERSES {
            inverse
                .entry(a.as_str().into())
                .or_default()
                .push(b.as_str().into());
            inverse
                .entry(b.as_str().into())
                .or_default()
                .push(a.as_str().into());
        }
        let iri_of = |id: Id| match g.term(id) {
            Term::NamedNode(n) => Some(n.as_str().to_owned()),
            _ => None,
        };
        if let Some(p) = g.iri(rdfs::SUB_PROPERTY_OF) {
            for (s, o) in g.pairs(p) {
                if let (Some(s), Some(o)) = (iri_of(s), iri_of(o)) {
                    supers.entry(s).or_default().push(o);
                }
            }
        }
        if let Some(p) = g.iri(NamedNodeRef::new_unchecked(OWL_INVERSE_OF)) {
            for (s, o) in g.pairs(p) {
                if let (Some(s), Some(o)) = (iri_of(s), iri_of(o)) {
                    inverse.entry(s.clone()).or_default().push(o.clone());
                    inverse.entry(o).or_default().push(s);
                }
            }
        }
        if let (Some(ty), Some(sym)) = (
            g.iri(rdf::TYPE),
            g.iri(NamedNodeRef::new_unchecked(OWL_SYMMETRIC)),
        ) {
            for s in g.subjects(ty, sym) {
                if let Some(s) = iri_of(s) {
                    symmetric.insert(s);
                }
            }
        }
        let mut implied = HashMap::new();
        for p in g.predicates() {
            let Some(start) = iri_of(p) else { continue };
            let mut seen: BTreeSet<(String, bool)> = BTreeSet::new();
            let mut todo = vec![(start, false)];
            while let Some((q, reversed)) = todo.pop() {
                if !seen.insert((q.clone(), reversed)) {
                    continue;
                }
                for sup in supers.get(&q).into_iter().flatten() {
                    todo.push((sup.clone(), reversed));
                }
                for inv in inverse.get(&q).into_iter().flatten() {
                    todo.push((inv.clone(), !reversed));
                }
                if symmetric.contains(&q) {
                    todo.push((q.clone(), !reversed));
                }
            }
            implied.insert(p, seen.into_iter().collect());
        }
        Self { implied }
    }

    /// Whether a triple with predicate `p` implies `target` (forwards, backwards).
    pub fn implies(&self, p: Id, target: NamedNodeRef<'_>) -> (bool, bool) {
        let mut out = (false, false);
        for (q, reversed) in self.implied.get(&p).into_iter().flatten() {
            if q == target.as_str() {
                if *reversed {
                    out.1 = true;
                } else {
                    out.0 = true;
                }
            }
        }
        out
    }

    /// Whether `p` is `target` or one of its sub-properties (in either direction).
    pub fn is_a(&self, p: Id, target: NamedNodeRef<'_>) -> bool {
        let (f, b) = self.implies(p, target);
        f || b
    }
}

/// Directed edges, as an adjacency list.
#[derive(Debug, Default, Clone)]
pub struct Edges {
    pub out: HashMap<Id, Vec<Id>>,
}

impl Edges {
    fn add(&mut self, a: Id, b: Id) {
        self.out.entry(a).or_default().push(b);
    }

    fn finish(&mut self) {
        for v in self.out.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
    }

    /// The targets of `a`.
    pub fn from(&self, a: Id) -> &[Id] {
        self.out.get(&a).map_or(&[], Vec::as_slice)
    }

    /// Whether the edge is there.
    pub fn has(&self, a: Id, b: Id) -> bool {
        self.from(a).binary_search(&b).is_ok()
    }

    /// Every edge, sorted.
    pub fn all(&self) -> Vec<(Id, Id)> {
        let mut out: Vec<(Id, Id)> = self
            .out
            .iter()
            .flat_map(|(a, bs)| bs.iter().map(move |b| (*a, *b)))
            .collect();
        out.sort_unstable();
        out
    }

    /// The nodes reachable from `a` in one or more steps, memoised in `memo`.
    pub fn reachable<'m>(&self, a: Id, memo: &'m mut HashMap<Id, Vec<Id>>) -> &'m [Id] {
        if let std::collections::hash_map::Entry::Vacant(entry) = memo.entry(a) {
            let mut seen = HashSet::new();
            let mut todo: Vec<Id> = self.from(a).to_vec();
            while let Some(x) = todo.pop() {
                if seen.insert(x) {
                    todo.extend_from_slice(self.from(x));
                }
            }
            let mut list: Vec<Id> = seen.into_iter().collect();
            list.sort_unstable();
            entry.insert(list);
        }
        memo.get(&a).map_or(&[], Vec::as_slice)
    }

    /// A shortest path of one or more steps from `a` to `b` (both included), if any.
    pub fn path(&self, a: Id, b: Id) -> Option<Vec<Id>> {
        let mut parent: HashMap<Id, Id> = HashMap::new();
        let mut queue = std::collections::VecDeque::new();
        let visit =
            |x: Id, queue: &mut std::collections::VecDeque<Id>, parent: &mut HashMap<Id, Id>| {
                for &y in self.from(x) {
                    if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(y) {
                        e.insert(x);
                        queue.push_back(y);
                    }
                }
            };
        visit(a, &mut queue, &mut parent);
        while let Some(x) = queue.pop_front() {
            if x == b {
                let mut path = vec![b];
                let mut at = b;
                while let Some(&p) = parent.get(&at) {
                    path.push(p);
                    if p == a || path.len() > parent.len() + 1 {
                        break;
                    }
                    at = p;
                }
                path.reverse();
                return Some(path);
            }
            visit(x, &mut queue, &mut parent);
        }
        None
    }
}

/// Class membership flags.
const CONCEPT: u8 = 1;
const SCHEME: u8 = 2;
const COLLECTION: u8 = 4;
const EXPLICIT_CONCEPT: u8 = 8;
const EXPLICIT_SCHEME: u8 = 16;

/// What SKOS's semantics say about the graph.
pub struct Skos<'g> {
    pub g: &'g Graph,
    pub props: Properties,
    /// `skos:broader`, from every sub-property and inverse (mapping relations included).
    pub broader: Edges,
    /// `skos:broader` without mapping relations: the vocabulary's own hierarchy.
    pub hierarchy: Edges,
    /// `skos:broaderTransitive` as stated or implied (its closure is [`Edges::reachable`]).
    pub broader_transitive: Edges,
    /// `skos:related`, both ways.
    pub related: Edges,
    /// `skos:broadMatch`, from itself and `skos:narrowMatch`.
    pub broad_match: Edges,
    /// `skos:relatedMatch`, both ways.
    pub related_match: Edges,
    /// `skos:exactMatch` statements, both ways (its closure is [`Skos::exact_class`]).
    pub exact_match: Edges,
    /// Every semantic relation, both ways (for connectivity).
    pub semantic: Edges,
    /// Semantic relations that are not mappings, both ways.
    pub semantic_internal: Edges,
    exact_root: HashMap<Id, Id>,
    classes: Vec<u8>,
}

impl<'g> Skos<'g> {
    /// Applies SKOS's semantics to `g`.
    pub fn new(g: &'g Graph) -> Self {
        let props = Properties::new(g);
        let mut s = Self {
            g,
            props,
            broader: Edges::default(),
            hierarchy: Edges::default(),
            broader_transitive: Edges::default(),
            related: Edges::default(),
            broad_match: Edges::default(),
            related_match: Edges::default(),
            exact_match: Edges::default(),
            semantic: Edges::default(),
            semantic_internal: Edges::default(),
            exact_root: HashMap::new(),
            classes: vec![0; g.ids().count()],
        };
        s.collect_edges();
        s.collect_classes();
        s.collect_exact();
        s
    }

    fn collect_edges(&mut self) {
        let g = self.g;
        for p in g.predicates() {
            let implies = |t| self.props.implies(p, t);
            let broader = implies(skos::BROADER);
            let transitive = implies(skos::BROADER_TRANSITIVE);
            let related = implies(skos::RELATED);
            let broad_match = implies(skos::BROAD_MATCH);
            let related_match = implies(skos::RELATED_MATCH);
            let exact = implies(skos::EXACT_MATCH);
            let semantic = self.props.is_a(p, skos::SEMANTIC_RELATION);
            let mapping = self.props.is_a(p, extra::MAPPING_RELATION);
            let any = [
                broader,
                transitive,
                related,
                broad_match,
                related_match,
                exact,
            ]
            .iter()
            .any(|(f, b)| *f || *b);
            if !any && !semantic {
                continue;
            }
            for (a, b) in g.pairs(p) {
                if !is_resource(g.term(b)) {
                    continue;
                }
                let put = |edges: &mut Edges, (f, r): (bool, bool)| {
                    if f {
                        edges.add(a, b);
                    }
                    if r {
                        edges.add(b, a);
                    }
                };
                put(&mut self.broader, broader);
                if !mapping {
                    put(&mut self.hierarchy, broader);
                }
                put(&mut self.broader_transitive, transitive);
                put(&mut self.related, related);
                put(&mut self.broad_match, broad_match);
                put(&mut self.related_match, related_match);
                put(&mut self.exact_match, exact);
                if semantic {
                    put(&mut self.semantic, (true, true));
                    if !mapping {
                        put(&mut self.semantic_internal, (true, true));
                    }
                }
            }
        }
        for e in [
            &mut self.broader,
            &mut self.hierarchy,
            &mut self.broader_transitive,
            &mut self.related,
            &mut self.broad_match,
            &mut self.related_match,
            &mut self.exact_match,
            &mut self.semantic,
            &mut self.semantic_internal,
        ] {
            e.finish();
        }
    }

    fn collect_classes(&mut self) {
        let g = self.g;
        // Classes under skos:Concept, skos:ConceptScheme, skos:Collection.
        let mut class_flags: HashMap<Id, u8> = HashMap::new();
        for (class, flag) in [
            (skos::CONCEPT, CONCEPT | EXPLICIT_CONCEPT),
            (skos::CONCEPT_SCHEME, SCHEME | EXPLICIT_SCHEME),
            (extra::COLLECTION, COLLECTION),
            (extra::ORDERED_COLLECTION, COLLECTION),
        ] {
            if let Some(id) = g.iri(class) {
                *class_flags.entry(id).or_default() |= flag;
            }
        }
        if let Some(sub) = g.iri(rdfs::SUB_CLASS_OF) {
            // Walk sub-classes down from the SKOS classes.
            let mut todo: Vec<(Id, u8)> = class_flags.iter().map(|(k, v)| (*k, *v)).collect();
            while let Some((class, flag)) = todo.pop() {
                for child in g.subjects(sub, class).collect::<Vec<_>>() {
                    let entry = class_flags.entry(child).or_default();
                    if *entry & flag != flag {
                        *entry |= flag;
                        todo.push((child, flag));
                    }
                }
            }
        }
        if let Some(ty) = g.iri(rdf::TYPE) {
            for (x, class) in g.pairs(ty) {
                if let Some(flag) = class_flags.get(&class) {
                    self.classes[x as usize] |= flag;
                }
            }
        }
        // Domains and ranges.
        for p in g.predicates() {
            let semantic = self.props.is_a(p, skos::SEMANTIC_RELATION);
            let in_scheme = self.props.implies(p, skos::IN_SCHEME);
            let top = self.props.implies(p, skos::HAS_TOP_CONCEPT);
            let member = self.props.implies(p, extra::MEMBER).0
                || self.props.implies(p, extra::MEMBER_LIST).0;
            let any = semantic || in_scheme.0 || in_scheme.1 || top.0 || top.1 || member;
            if !any {
                continue;
            }
            for (a, b) in g.pairs(p) {
                let b_ok = is_resource(g.term(b));
                let mut set = |x: Id, flag: u8| self.classes[x as usize] |= flag;
                if semantic && b_ok {
                    set(a, CONCEPT);
                    set(b, CONCEPT);
                }
                if in_scheme.0 && b_ok {
                    set(b, SCHEME);
                }
                if in_scheme.1 {
                    set(a, SCHEME);
                }
                if top.0 && b_ok {
                    set(a, SCHEME);
                    set(b, CONCEPT);
                }
                if top.1 && b_ok {
                    set(b, SCHEME);
                    set(a, CONCEPT);
                }
                if member {
                    set(a, COLLECTION);
                }
            }
        }
    }

    fn collect_exact(&mut self) {
        let mut parent: HashMap<Id, Id> = HashMap::new();
        fn find(parent: &mut HashMap<Id, Id>, x: Id) -> Id {
            let mut root = x;
            while let Some(&p) = parent.get(&root) {
                if p == root {
                    break;
                }
                root = p;
            }
            let mut at = x;
            while at != root {
                let next = parent.get(&at).copied().unwrap_or(root);
                parent.insert(at, root);
                at = next;
            }
            root
        }
        for (a, b) in self.exact_match.all() {
            parent.entry(a).or_insert(a);
            parent.entry(b).or_insert(b);
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent.insert(ra.max(rb), ra.min(rb));
            }
        }
        let keys: Vec<Id> = parent.keys().copied().collect();
        for k in keys {
            let root = find(&mut parent, k);
            self.exact_root.insert(k, root);
        }
    }

    /// Whether `a skos:exactMatch b` holds (exactMatch is symmetric and transitive).
    pub fn exact(&self, a: Id, b: Id) -> bool {
        match (self.exact_root.get(&a), self.exact_root.get(&b)) {
            // In one class of two or more, or a stated self-match.
            (Some(x), Some(y)) => x == y && (a != b || !self.exact_match.from(a).is_empty()),
            _ => false,
        }
    }

    /// The groups of resources linked by skos:exactMatch (two or more each).
    pub fn exact_classes(&self) -> Vec<Vec<Id>> {
        let mut groups: HashMap<Id, Vec<Id>> = HashMap::new();
        for (k, root) in &self.exact_root {
            groups.entry(*root).or_default().push(*k);
        }
        let mut out: Vec<Vec<Id>> = groups
            .into_values()
            .filter(|v| v.len() > 1)
            .map(|mut v| {
                v.sort_unstable();
                v
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// Whether `x` is a concept (stated or implied).
    pub fn is_concept(&self, x: Id) -> bool {
        self.classes[x as usize] & CONCEPT != 0
    }

    /// Whether `x` is a concept scheme (stated or implied).
    pub fn is_scheme(&self, x: Id) -> bool {
        self.classes[x as usize] & SCHEME != 0
    }

    /// Whether `x` is a collection (stated or implied).
    pub fn is_collection(&self, x: Id) -> bool {
        self.classes[x as usize] & COLLECTION != 0
    }

    /// Whether `x` is stated to be a concept scheme.
    pub fn is_stated_scheme(&self, x: Id) -> bool {
        self.classes[x as usize] & EXPLICIT_SCHEME != 0
    }

    /// The concepts this vocabulary describes: concepts with statements of their
    /// own (not only targets of mappings to other vocabularies), sorted.
    pub fn own_concepts(&self) -> Vec<Id> {
        self.g
            .ids()
            .filter(|&x| self.is_concept(x) && self.g.outgoing(x).next().is_some())
            .collect()
    }

    /// The concept schemes this vocabulary describes, sorted.
    pub fn own_schemes(&self) -> Vec<Id> {
        self.g
            .ids()
            .filter(|&x| self.is_scheme(x) && self.g.outgoing(x).next().is_some())
            .collect()
    }

    /// Whether `x` has statements of its own.
    pub fn described(&self, x: Id) -> bool {
        self.g.outgoing(x).next().is_some()
    }

    /// The values of `x` for every property implying `target` (forwards only).
    pub fn values(&self, x: Id, target: NamedNodeRef<'_>) -> Vec<(Id, Id)> {
        self.g
            .outgoing(x)
            .filter(|(p, _)| self.props.implies(*p, target).0)
            .collect()
    }
}

/// IRIs and blank nodes, not literals.
fn is_resource(term: &Term) -> bool {
    !matches!(term, Term::Literal(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{RdfFormat, RdfParser};
    use oxigraph::model::Triple;

    fn graph(ttl: &str) -> Graph {
        let text = format!(
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix : <http://ex.org/> .\n{ttl}"
        );
        Graph::new(
            RdfParser::from_format(RdfFormat::Turtle)
                .for_slice(text.as_bytes())
                .map(|q| Triple::from(q.unwrap())),
        )
    }

    #[test]
    fn narrow_match_is_broader_backwards_and_related_match_is_symmetric() {
        let g = graph(":a skos:narrowMatch :b ; skos:relatedMatch :c .");
        let s = Skos::new(&g);
        let id = |l: &str| {
            g.iri(NamedNodeRef::new_unchecked(&format!("http://ex.org/{l}")))
                .unwrap()
        };
        assert!(s.broader.has(id("b"), id("a")));
        assert!(s.broader_transitive.has(id("b"), id("a")));
        assert!(s.related.has(id("c"), id("a")));
        assert!(s.is_concept(id("c")));
    }

    #[test]
    fn exact_match_is_an_equivalence() {
        let g = graph(":a skos:exactMatch :b . :b skos:exactMatch :c . :d skos:exactMatch :d .");
        let s = Skos::new(&g);
        let id = |l: &str| {
            g.iri(NamedNodeRef::new_unchecked(&format!("http://ex.org/{l}")))
                .unwrap()
        };
        assert!(s.exact(id("a"), id("c")));
        assert!(s.exact(id("c"), id("a")));
        assert!(s.exact(id("d"), id("d")));
    }

    #[test]
    fn declared_sub_properties_and_inverses_count() {
        let g = graph(
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
             :partOf rdfs:subPropertyOf skos:broader . :hasPart owl:inverseOf :partOf .
             :x :hasPart :y .",
        );
        let s = Skos::new(&g);
        let id = |l: &str| {
            g.iri(NamedNodeRef::new_unchecked(&format!("http://ex.org/{l}")))
                .unwrap()
        };
        assert!(s.broader.has(id("y"), id("x")));
    }
}
