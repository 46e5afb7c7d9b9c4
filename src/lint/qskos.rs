//! qSKOS quality issues (Mader, Haslhofer and Isaac, "Finding quality issues in
//! SKOS vocabularies"; `../shared/conformance/qskos/qskos-issues.tsv`): the
//! analytical ones that say something about one vocabulary. Relation clashes
//! (qSKOS `rc`) and inconsistent preferred labels (`ipl`) are the SKOS
//! conditions S27 and S14 and are reported under those ids; disjoint labels
//! (`dlv`) are S13 when the labels are identical and `qskos/disjoint-labels`
//! when they differ only in case or spacing. Broken links (`bl`) are in
//! `links.rs`, since they need the network.

use super::finding::Finding;
use super::graph::{Graph, Id};
use super::semantics::{Edges, Skos, extra};
use super::skos::{lexical_labels, valid_language};
use crate::vocab::{compact, skos};
use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{NamedNodeRef, Term};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Every qSKOS finding. Deprecated concepts (`retired`) are not orphans nor
/// undocumented, nor missing a preferred label when they have an
/// `rdfs:label`, nor short of a language: they are kept so that their IRIs
/// answer, not to be browsed.
pub fn check(s: &Skos<'_>, retired: &BTreeSet<Id>) -> Vec<Finding> {
    let mut out = Vec::new();
    let concepts = s.own_concepts();
    let live: Vec<Id> = concepts
        .iter()
        .copied()
        .filter(|c| !retired.contains(c))
        .collect();
    orphans_and_clusters(s, &live, &mut out);
    cycles(s, &mut out);
    hierarchical_redundancy(s, &mut out);
    mapping_clashes(s, &mut out);
    labels(s, &concepts, retired, &mut out);
    documentation(s, &live, &mut out);
    schemes_and_top_concepts(s, &mut out);
    unidirectional(s, &mut out);
    literals(s, &mut out);
    notations(s, &concepts, &mut out);
    reflexive_and_mappings(s, &mut out);
    undefined_skos_terms(s, &mut out);
    associative(s, &mut out);
    out
}

fn names(g: &Graph, ids: &[Id], most: usize) -> String {
    let mut shown: Vec<String> = ids
        .iter()
        .take(most)
        .map(|x| g.term(*x).to_string())
        .collect();
    if ids.len() > most {
        shown.push(format!("and {} more", ids.len() - most));
    }
    shown.join(", ")
}

/// Orphan concepts (`oc`) and disconnected clusters (`dcc`).
fn orphans_and_clusters(s: &Skos<'_>, concepts: &[Id], out: &mut Vec<Finding>) {
    let g = s.g;
    let own: HashSet<Id> = concepts.iter().copied().collect();
    for &c in concepts {
        if !s.semantic.from(c).iter().any(|&o| o != c) {
            out.push(
                Finding::new(
                    "qskos/orphan-concept",
                    g.locate(c),
                    format!("{} has no broader, narrower, related or mapped concept", g.term(c)),
                )
                .with_help("place the concept in the hierarchy (skos:broader) or relate it to another concept"),
            );
        }
    }
    // Components over the vocabulary's own relations between its own concepts.
    let mut component: HashMap<Id, usize> = HashMap::new();
    let mut clusters: Vec<Vec<Id>> = Vec::new();
    for &c in concepts {
        if component.contains_key(&c) {
            continue;
        }
        let index = clusters.len();
        let mut members = Vec::new();
        let mut todo = vec![c];
        component.insert(c, index);
        while let Some(x) = todo.pop() {
            members.push(x);
            for &y in s.semantic_internal.from(x) {
                if own.contains(&y) && !component.contains_key(&y) {
                    component.insert(y, index);
                    todo.push(y);
                }
            }
        }
        members.sort_unstable();
        clusters.push(members);
    }
    let mut clusters: Vec<Vec<Id>> = clusters.into_iter().filter(|c| c.len() > 1).collect();
    if clusters.len() < 2 {
        return;
    }
    clusters.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let largest = clusters[0].len();
    for cluster in &clusters[1..] {
        out.push(
            Finding::new(
                "qskos/disconnected-cluster",
                g.locate(cluster[0]),
                format!(
                    "{} concepts are not connected to the rest of the vocabulary (the largest cluster has {largest}): {}",
                    cluster.len(),
                    names(g, cluster, 5)
                ),
            )
            .with_help("relate one of these concepts to a concept of the main hierarchy, or publish them as a scheme of their own")
            .with_related(cluster.iter().map(|x| g.show(*x))),
        );
    }
}

/// Strongly connected components of `edges` with more than one node, or with a self-loop.
fn cyclic_components(edges: &Edges) -> Vec<Vec<Id>> {
    // Iterative Tarjan.
    let mut index: HashMap<Id, usize> = HashMap::new();
    let mut low: HashMap<Id, usize> = HashMap::new();
    let mut on_stack: HashSet<Id> = HashSet::new();
    let mut stack: Vec<Id> = Vec::new();
    let mut next = 0usize;
    let mut out = Vec::new();
    let mut nodes: Vec<Id> = edges.out.keys().copied().collect();
    nodes.sort_unstable();
    for root in nodes {
        if index.contains_key(&root) {
            continue;
        }
        let mut call: Vec<(Id, usize)> = vec![(root, 0)];
        index.insert(root, next);
        low.insert(root, next);
        next += 1;
        stack.push(root);
        on_stack.insert(root);
        while let Some(&mut (v, ref mut i)) = call.last_mut() {
            let succ = edges.from(v);
            if *i < succ.len() {
                let w = succ[*i];
                *i += 1;
                if let std::collections::hash_map::Entry::Vacant(e) = index.entry(w) {
                    e.insert(next);
                    low.insert(w, next);
                    next += 1;
                    stack.push(w);
                    on_stack.insert(w);
                    call.push((w, 0));
                } else if on_stack.contains(&w) {
                    let lw = index[&w];
                    let lv = low[&v];
                    low.insert(v, lv.min(lw));
                }
            } else {
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    let lv = low[&v];
                    let lp = low[&parent];
                    low.insert(parent, lp.min(lv));
                }
                if low[&v] == index[&v] {
                    let mut members = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack.remove(&w);
                        members.push(w);
                        if w == v {
                            break;
                        }
                    }
                    if members.len() > 1 || edges.has(v, v) {
                        members.sort_unstable();
                        out.push(members);
                    }
                }
            }
        }
    }
    out.sort_unstable();
    out
}

/// Cyclic hierarchical relations (`chr`).
fn cycles(s: &Skos<'_>, out: &mut Vec<Finding>) {
    let g = s.g;
    for members in cyclic_components(&s.hierarchy) {
        let first = members[0];
        let cycle = if members.len() == 1 {
            format!("{} is broader than itself", g.term(first))
        } else {
            let mut path = s.hierarchy.path(first, first).unwrap_or_default();
            if path.is_empty() {
                path = members.clone();
            }
            let shown: Vec<String> = path.iter().map(|x| g.term(*x).to_string()).collect();
            format!("hierarchy cycle: {}", shown.join(" → "))
        };
        out.push(
            Finding::new("qskos/cyclic-hierarchy", g.locate(first), cycle)
                .with_help("a concept cannot be broader than itself; remove or reverse one of the skos:broader/skos:narrower links")
                .with_related(members.iter().map(|x| g.show(*x))),
        );
    }
}

/// Hierarchical redundancy (`hr`): `a broader c` while a longer path also leads from a to c.
fn hierarchical_redundancy(s: &Skos<'_>, out: &mut Vec<Finding>) {
    let g = s.g;
    let mut memo: HashMap<Id, Vec<Id>> = HashMap::new();
    for (a, c) in s.hierarchy.all() {
        if a == c {
            continue;
        }
        let via = s.hierarchy.from(a).iter().copied().find(|&b| {
            b != c && b != a && {
                let up = s.hierarchy.reachable(b, &mut memo);
                up.binary_search(&c).is_ok()
            }
        });
        if let Some(b) = via {
            out.push(
                Finding::new(
                    "qskos/hierarchical-redundancy",
                    g.locate(a),
                    format!(
                        "{} has {} as a broader concept, which it already reaches through {}",
                        g.term(a),
                        g.term(c),
                        g.term(b)
                    ),
                )
                .with_help("remove the direct skos:broader link; the hierarchy implies it")
                .with_related([g.show(c)]),
            );
        }
    }
}

/// Mapping clashes (`mc`) beyond S46: exact matches that are also in one hierarchy or related.
fn mapping_clashes(s: &Skos<'_>, out: &mut Vec<Finding>) {
    let g = s.g;
    let mut memo: HashMap<Id, Vec<Id>> = HashMap::new();
    for class in s.exact_classes() {
        for (i, &a) in class.iter().enumerate() {
            for &b in &class[i + 1..] {
                // Reported as S46 already.
                if s.broad_match.has(a, b) || s.broad_match.has(b, a) || s.related_match.has(a, b) {
                    continue;
                }
                let related = s.related.has(a, b);
                let hierarchical = s
                    .broader_transitive
                    .reachable(a, &mut memo)
                    .binary_search(&b)
                    .is_ok()
                    || s.broader_transitive
                        .reachable(b, &mut memo)
                        .binary_search(&a)
                        .is_ok();
                if !(related || hierarchical) {
                    continue;
                }
                let how = if related {
                    "associatively related"
                } else {
                    "in one hierarchy"
                };
                out.push(
                    Finding::new(
                        "qskos/mapping-clash",
                        g.locate(a),
                        format!("{} and {} are exact matches but also {how}", g.term(a), g.term(b)),
                    )
                    .with_help("concepts that mean the same are not broader, narrower or related to each other: fix the mapping or the relation")
                    .with_related([g.show(b)]),
                );
            }
        }
    }
}

fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Labels: missing (`ml`), empty (`el`), overlapping (`ol`), near-identical
/// across label kinds (`dlv`), unprintable characters (`ucil`), and
/// incomplete language coverage (`ilc`).
fn labels(s: &Skos<'_>, concepts: &[Id], retired: &BTreeSet<Id>, out: &mut Vec<Finding>) {
    let g = s.g;
    let all = lexical_labels(s);
    let own: BTreeSet<Id> = concepts.iter().copied().collect();
    let empty: Vec<(u8, Id)> = Vec::new();
    // Overlapping labels: (language, normalised text) → concepts.
    let mut shared: BTreeMap<(String, String), BTreeSet<Id>> = BTreeMap::new();
    let mut languages: BTreeSet<String> = BTreeSet::new();
    let mut pref_languages: BTreeMap<Id, BTreeSet<String>> = BTreeMap::new();
    for (&x, labels) in &all {
        let mut near: BTreeMap<String, BTreeMap<Id, BTreeSet<u8>>> = BTreeMap::new();
        for &(kind, literal) in labels {
            let Term::Literal(l) = g.term(literal) else {
                continue;
            };
            let text = l.value();
            let language = l.language().unwrap_or_default().to_owned();
            if text.trim().is_empty() {
                out.push(
                    Finding::new(
                        "qskos/empty-label",
                        g.locate(x),
                        format!("{} has an empty label {}", g.term(x), g.term(literal)),
                    )
                    .with_help("remove the empty label or write the label's text"),
                );
                continue;
            }
            if let Some(bad) = text.chars().find(|c| unprintable(*c)) {
                out.push(
                    Finding::new(
                        "qskos/unprintable-characters",
                        g.locate(x),
                        format!(
                            "the label {} of {} contains the unprintable character U+{:04X}",
                            g.term(literal),
                            g.term(x),
                            bad as u32
                        ),
                    )
                    .with_help("remove control and invisible formatting characters from labels"),
                );
            }
            near.entry(format!("{language}\u{0}{}", normalise(text)))
                .or_default()
                .entry(literal)
                .or_default()
                .insert(kind);
            if own.contains(&x) && kind < 2 {
                shared
                    .entry((language.clone(), normalise(text)))
                    .or_default()
                    .insert(x);
            }
            if own.contains(&x) && kind == 0 {
                languages.insert(language.clone());
                pref_languages.entry(x).or_default().insert(language);
            }
        }
        // Disjoint labels that differ only in case or spacing (identical ones are S13).
        for literals in near.values() {
            let kinds: BTreeSet<u8> = literals.values().flatten().copied().collect();
            if literals.len() > 1 && kinds.len() > 1 {
                let shown: Vec<String> = literals.keys().map(|l| g.term(*l).to_string()).collect();
                out.push(
                    Finding::new(
                        "qskos/disjoint-labels",
                        g.locate(x),
                        format!("{} has labels of different kinds that differ only in case or spacing: {}", g.term(x), shown.join(", ")),
                    )
                    .with_help("a preferred label need not be repeated as an alternative or hidden label; remove the variant"),
                );
            }
        }
    }
    for ((language, text), holders) in &shared {
        if holders.len() < 2 {
            continue;
        }
        let holders: Vec<Id> = holders.iter().copied().collect();
        let lang = if language.is_empty() {
            String::new()
        } else {
            format!("@{language}")
        };
        out.push(
            Finding::new(
                "qskos/overlapping-labels",
                g.locate(holders[1]),
                format!(
                    "\"{text}\"{lang} is a label of {} concepts: {}",
                    holders.len(),
                    names(g, &holders, 5)
                ),
            )
            .with_help("qualify the labels so each names one concept, such as `Board (AI Act)`")
            .with_related(holders.iter().map(|x| g.show(*x))),
        );
    }
    let rdfs_label = g.iri(rdfs::LABEL);
    for &c in concepts {
        let named =
            retired.contains(&c) && rdfs_label.is_some_and(|p| g.objects(c, p).next().is_some());
        if !named && !all.get(&c).unwrap_or(&empty).iter().any(|(k, _)| *k == 0) {
            out.push(
                Finding::new(
                    "qskos/missing-labels",
                    g.locate(c),
                    format!("the concept {} has no skos:prefLabel", g.term(c)),
                )
                .with_help("give every concept a preferred label"),
            );
        }
    }
    if languages.len() > 1 {
        for (c, have) in &pref_languages {
            if retired.contains(c) {
                continue;
            }
            let missing: Vec<&str> = languages.difference(have).map(String::as_str).collect();
            if !missing.is_empty() {
                out.push(
                    Finding::new(
                        "qskos/incomplete-language-coverage",
                        g.locate(*c),
                        format!(
                            "{} has no preferred label in {}",
                            g.term(*c),
                            missing.join(", ")
                        ),
                    )
                    .with_help("add the missing translations, or accept the gap"),
                );
            }
        }
    }
}

fn unprintable(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t' && c != '\r')
        || matches!(c, '\u{FFFD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Undocumented concepts (`uc`).
fn documentation(s: &Skos<'_>, concepts: &[Id], out: &mut Vec<Finding>) {
    let g = s.g;
    for &c in concepts {
        if s.values(c, skos::NOTE).is_empty() {
            out.push(
                Finding::new(
                    "qskos/undocumented-concept",
                    g.locate(c),
                    format!(
                        "{} has no definition, scope note, example or other SKOS note",
                        g.term(c)
                    ),
                )
                .with_help("add a skos:definition"),
            );
        }
    }
}

/// Concept schemes: missing labels (`ml`), omitted top concepts (`otc`), and
/// top concepts having broader concepts (`tchbc`).
fn schemes_and_top_concepts(s: &Skos<'_>, out: &mut Vec<Finding>) {
    let g = s.g;
    let label_properties = [
        skos::PREF_LABEL.as_str(),
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://purl.org/dc/terms/title",
        "http://purl.org/dc/elements/1.1/title",
    ];
    let mut tops: BTreeSet<Id> = BTreeSet::new();
    for scheme in s.own_schemes() {
        let labelled = label_properties.iter().any(|p| {
            g.iri(NamedNodeRef::new_unchecked(p))
                .is_some_and(|p| g.objects(scheme, p).next().is_some())
        });
        if !labelled && s.is_stated_scheme(scheme) {
            out.push(
                Finding::new(
                    "qskos/missing-labels",
                    g.locate(scheme),
                    format!(
                        "the concept scheme {} has no label or title",
                        g.term(scheme)
                    ),
                )
                .with_help("give the scheme a skos:prefLabel or dcterms:title"),
            );
        }
        let scheme_tops: Vec<Id> = g
            .outgoing(scheme)
            .filter(|(p, _)| s.props.implies(*p, skos::HAS_TOP_CONCEPT).0)
            .map(|(_, o)| o)
            .chain(
                g.incoming(scheme)
                    .filter(|(p, _)| s.props.implies(*p, skos::HAS_TOP_CONCEPT).1)
                    .map(|(_, x)| x),
            )
            .collect();
        if scheme_tops.is_empty() {
            out.push(
                Finding::new(
                    "qskos/omitted-top-concepts",
                    g.locate(scheme),
                    format!("the concept scheme {} names no top concept", g.term(scheme)),
                )
                .with_help("state the entry points of the hierarchy with skos:hasTopConcept (and skos:topConceptOf)"),
            );
        }
        tops.extend(scheme_tops);
    }
    for top in tops {
        if let Some(&parent) = s.hierarchy.from(top).iter().find(|&&p| p != top) {
            out.push(
                Finding::new(
                    "qskos/top-concept-with-broader",
                    g.locate(top),
                    format!("the top concept {} has the broader concept {}", g.term(top), g.term(parent)),
                )
                .with_help("a top concept is an entry point of the hierarchy: remove skos:topConceptOf/hasTopConcept or the skos:broader link")
                .with_related([g.show(parent)]),
            );
        }
    }
}

/// Unidirectionally related concepts (`urc`), in the triples as stated.
fn unidirectional(s: &Skos<'_>, out: &mut Vec<Finding>) {
    let g = s.g;
    let pairs = [
        (skos::BROADER, skos::NARROWER),
        (skos::NARROWER, skos::BROADER),
        (skos::RELATED, skos::RELATED),
        (skos::HAS_TOP_CONCEPT, skos::TOP_CONCEPT_OF),
        (skos::TOP_CONCEPT_OF, skos::HAS_TOP_CONCEPT),
    ];
    for (p, inverse) in pairs {
        let Some(pid) = g.iri(p) else { continue };
        let inv = g.iri(inverse);
        for (a, b) in g.pairs(pid) {
            if a == b
                || !s.described(b)
                || !matches!(g.term(b), Term::NamedNode(_) | Term::BlankNode(_))
            {
                continue;
            }
            if inv.is_some_and(|inv| g.has(b, inv, a)) {
                continue;
            }
            out.push(
                Finding::new(
                    "qskos/unidirectional-relation",
                    g.locate(a),
                    format!(
                        "{} {} {}, but {} does not state {} {}",
                        g.term(a),
                        compact(p.as_str()),
                        g.term(b),
                        g.term(b),
                        compact(inverse.as_str()),
                        g.term(a)
                    ),
                )
                .with_help("state the inverse too, so tools without a reasoner see the relation from both ends")
                .with_related([g.show(b)]),
            );
        }
    }
}

/// Omitted or invalid language tags (`oilt`).
fn literals(s: &Skos<'_>, out: &mut Vec<Finding>) {
    let g = s.g;
    let mut reported: HashSet<Id> = HashSet::new();
    for &[x, p, o] in g.triples() {
        let Term::Literal(l) = g.term(o) else {
            continue;
        };
        if let Some(language) = l.language() {
            if !valid_language(language) && reported.insert(o) {
                out.push(
                    Finding::new(
                        "qskos/invalid-language-tag",
                        g.locate(x),
                        format!("{} has the literal {} whose language tag `{language}` is not valid BCP 47", g.term(x), g.term(o)),
                    )
                    .with_help("use a tag such as `en`, `de` or `pt-BR`"),
                );
            }
            continue;
        }
        let texty = [
            skos::NOTE,
            skos::PREF_LABEL,
            skos::ALT_LABEL,
            skos::HIDDEN_LABEL,
        ]
        .iter()
        .any(|t| s.props.implies(p, *t).0);
        if texty && l.datatype() == xsd::STRING {
            out.push(
                Finding::new(
                    "qskos/omitted-language-tag",
                    g.locate(x),
                    format!(
                        "{} has the text {} with no language tag",
                        g.term(x),
                        g.term(o)
                    ),
                )
                .with_help("tag labels and notes with their language, like \"text\"@en"),
            );
        }
    }
}

/// Ambiguous notations (`anr`): one notation for two concepts of a scheme, or
/// several notations of one datatype on a concept.
fn notations(s: &Skos<'_>, concepts: &[Id], out: &mut Vec<Finding>) {
    let g = s.g;
    let Some(notation) = g.iri(skos::NOTATION) else {
        return;
    };
    let mut used: BTreeMap<(Option<Id>, Id), BTreeSet<Id>> = BTreeMap::new();
    for &c in concepts {
        let values: Vec<Id> = g.objects(c, notation).collect();
        let mut by_type: BTreeMap<String, Vec<Id>> = BTreeMap::new();
        for &v in &values {
            if let Term::Literal(l) = g.term(v) {
                by_type
                    .entry(l.datatype().as_str().to_owned())
                    .or_default()
                    .push(v);
            }
        }
        for (datatype, vs) in &by_type {
            if vs.len() > 1 {
                out.push(
                    Finding::new(
                        "qskos/ambiguous-notation",
                        g.locate(c),
                        format!(
                            "{} has {} notations of the datatype <{datatype}>: {}",
                            g.term(c),
                            vs.len(),
                            names(g, vs, 5)
                        ),
                    )
                    .with_help("a concept has one notation per notation system; keep one"),
                );
            }
        }
        let schemes: Vec<Id> = s
            .values(c, skos::IN_SCHEME)
            .into_iter()
            .map(|(_, o)| o)
            .collect();
        for &v in &values {
            if schemes.is_empty() {
                used.entry((None, v)).or_default().insert(c);
            }
            for &scheme in &schemes {
                used.entry((Some(scheme), v)).or_default().insert(c);
            }
        }
    }
    for ((_, value), holders) in used {
        if holders.len() > 1 {
            let holders: Vec<Id> = holders.into_iter().collect();
            out.push(
                Finding::new(
                    "qskos/ambiguous-notation",
                    g.locate(holders[1]),
                    format!(
                        "the notation {} is used by {} concepts of one scheme: {}",
                        g.term(value),
                        holders.len(),
                        names(g, &holders, 5)
                    ),
                )
                .with_help("a notation identifies one concept within its scheme; give each its own")
                .with_related(holders.iter().map(|x| g.show(*x))),
            );
        }
    }
}

/// Reflexively related concepts (`rrc`) and mapping relations within one scheme (`mri`).
fn reflexive_and_mappings(s: &Skos<'_>, out: &mut Vec<Finding>) {
    let g = s.g;
    for p in g.predicates() {
        let mapping = s.props.is_a(p, extra::MAPPING_RELATION);
        let associative = s.props.is_a(p, skos::RELATED);
        if !(mapping || associative) {
            continue;
        }
        for (a, b) in g.pairs(p) {
            if a == b {
                out.push(
                    Finding::new(
                        "qskos/reflexive-relation",
                        g.locate(a),
                        format!("{} is related to itself by {}", g.term(a), g.term(p)),
                    )
                    .with_help(
                        "remove the statement; a concept is not related or mapped to itself",
                    ),
                );
                continue;
            }
            if !mapping || !s.described(b) {
                continue;
            }
            let schemes_a: BTreeSet<Id> = s
                .values(a, skos::IN_SCHEME)
                .into_iter()
                .map(|(_, o)| o)
                .collect();
            let shared = s
                .values(b, skos::IN_SCHEME)
                .into_iter()
                .map(|(_, o)| o)
                .find(|o| schemes_a.contains(o));
            if let Some(scheme) = shared {
                out.push(
                    Finding::new(
                        "qskos/mapping-within-scheme",
                        g.locate(a),
                        format!("{} and {} are both in {} but linked by the mapping relation {}", g.term(a), g.term(b), g.term(scheme), g.term(p)),
                    )
                    .with_help("mapping relations link concepts of different schemes; within a scheme use skos:broader, skos:narrower or skos:related")
                    .with_related([g.show(b)]),
                );
            }
        }
    }
}

/// The terms the SKOS namespace defines (SKOS Reference, section 11).
const SKOS_TERMS: &[&str] = &[
    "Concept",
    "ConceptScheme",
    "Collection",
    "OrderedCollection",
    "inScheme",
    "hasTopConcept",
    "topConceptOf",
    "prefLabel",
    "altLabel",
    "hiddenLabel",
    "notation",
    "note",
    "changeNote",
    "definition",
    "editorialNote",
    "example",
    "historyNote",
    "scopeNote",
    "semanticRelation",
    "broader",
    "narrower",
    "related",
    "broaderTransitive",
    "narrowerTransitive",
    "member",
    "memberList",
    "mappingRelation",
    "broadMatch",
    "narrowMatch",
    "relatedMatch",
    "exactMatch",
    "closeMatch",
];

/// Undefined SKOS resources (`usr`): invented or deprecated terms in the SKOS namespace.
fn undefined_skos_terms(s: &Skos<'_>, out: &mut Vec<Finding>) {
    let g = s.g;
    let ty = g.iri(rdf::TYPE);
    let mut reported = HashSet::new();
    for &[x, p, o] in g.triples() {
        let mut used = vec![p];
        if Some(p) == ty {
            used.push(o);
        }
        for term in used {
            let Term::NamedNode(n) = g.term(term) else {
                continue;
            };
            let Some(local) = n.as_str().strip_prefix(skos::NS) else {
                continue;
            };
            if local.is_empty() || SKOS_TERMS.contains(&local) || !reported.insert(term) {
                continue;
            }
            out.push(
                Finding::new(
                    "qskos/undefined-skos-term",
                    g.locate(x),
                    format!(
                        "<{}> is not defined by SKOS (it may be misspelt or from an old draft)",
                        n.as_str()
                    ),
                )
                .with_help(format!("SKOS defines: {}", SKOS_TERMS.join(", "))),
            );
        }
    }
}

/// Valueless associative relations (`var`) and solely transitive relations (`strc`).
fn associative(s: &Skos<'_>, out: &mut Vec<Finding>) {
    let g = s.g;
    for (a, b) in s.related.all() {
        if a >= b {
            continue;
        }
        let parents_a = s.hierarchy.from(a);
        if let Some(&parent) = s
            .hierarchy
            .from(b)
            .iter()
            .find(|p| parents_a.binary_search(p).is_ok())
        {
            out.push(
                Finding::new(
                    "qskos/valueless-associative-relation",
                    g.locate(a),
                    format!("{} and {} are related, and both are narrower than {}", g.term(a), g.term(b), g.term(parent)),
                )
                .with_help("siblings are related through their broader concept already; keep skos:related for links the hierarchy does not show")
                .with_related([g.show(b)]),
            );
        }
    }
    let mut memo: HashMap<Id, Vec<Id>> = HashMap::new();
    for (p, reversed) in [
        (skos::BROADER_TRANSITIVE, false),
        (skos::NARROWER_TRANSITIVE, true),
    ] {
        let Some(pid) = g.iri(p) else { continue };
        for (a, b) in g.pairs(pid) {
            let (lower, upper) = if reversed { (b, a) } else { (a, b) };
            if s.hierarchy
                .reachable(lower, &mut memo)
                .binary_search(&upper)
                .is_ok()
            {
                continue;
            }
            out.push(
                Finding::new(
                    "qskos/solely-transitive-relation",
                    g.locate(a),
                    format!("{} and {} are linked by {} only, with no skos:broader/skos:narrower path between them", g.term(a), g.term(b), compact(p.as_str())),
                )
                .with_help("state the hierarchy with skos:broader and skos:narrower; the transitive properties are for queries")
                .with_related([g.show(b)]),
            );
        }
    }
}
