//! Blank nodes across a change. Canonical labels (RDFC-1.0) depend on all
//! that surrounds a blank node, so one statement changed inside a structure
//! of blank nodes relabels the structure, and a comparison by label sees it
//! removed and added whole. Here the blank nodes of the statements removed
//! are paired with those of the statements added by what they say (their
//! properties and values, and what points to them); a paired node takes
//! its old label, and what is left is the change itself.

use super::Graph;
use oxigraph::model::{BlankNode, NamedOrBlankNode, Term, Triple};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Rewrites the blank nodes of `added` (statements of `b`) that match one
/// of `removed` (statements of `a`) to that one's label, then drops the
/// statements both lists now share. `unchanged` is true of a line of `a`
/// that `b` has too: a pairing that would give such a line's blank node
/// another meaning is not made.
pub fn align(
    a: &Graph,
    b: &Graph,
    unchanged: impl Fn(&[u8]) -> bool,
    removed: &mut Vec<Triple>,
    added: &mut Vec<Triple>,
) {
    let mut renamed = pairs(a, b, removed, added);
    renamed.retain(|new, old| new != old);
    if renamed.is_empty() {
        return;
    }
    // A label of `added` that no pairing gives but another node takes.
    let taken: HashSet<String> = renamed.values().cloned().collect();
    for label in blank_nodes(added) {
        if taken.contains(label) && !renamed.contains_key(label) {
            renamed.insert(label.to_owned(), format!("{label}b"));
        }
    }
    // Safe only if no statement both graphs make names a renamed node.
    let moved: HashSet<&str> = renamed
        .iter()
        .flat_map(|(new, old)| [new.as_str(), old.as_str()])
        .collect();
    let names_moved = |line: &[u8]| labels_in(line).any(|label| moved.contains(label));
    if a.lines().any(|line| unchanged(line) && names_moved(line)) {
        return;
    }
    let rename = |node: &BlankNode| match renamed.get(node.as_str()) {
        Some(old) => BlankNode::new_unchecked(old.as_str()),
        None => node.clone(),
    };
    for t in added.iter_mut() {
        if let NamedOrBlankNode::BlankNode(b) = &t.subject {
            t.subject = rename(b).into();
        }
        if let Term::BlankNode(b) = &t.object {
            t.object = rename(b).into();
        }
    }
    let before: HashSet<Triple> = removed.iter().cloned().collect();
    let after: HashSet<Triple> = added.iter().cloned().collect();
    removed.retain(|t| !after.contains(t));
    added.retain(|t| !before.contains(t));
    added.sort_by(crate::order::triple_cmp);
    added.dedup();
}

/// The blank node labels a canonical N-Quads line names.
fn labels_in(line: &[u8]) -> impl Iterator<Item = &str> {
    line.split(|c| *c == b' ')
        .filter_map(|token| token.strip_prefix(b"_:"))
        .filter_map(|label| std::str::from_utf8(label).ok())
}

/// The label in `removed` of each blank node of `added` that matches one,
/// by what each says in its graph and what points to it in the change.
fn pairs(a: &Graph, b: &Graph, removed: &[Triple], added: &[Triple]) -> HashMap<String, String> {
    let (old, new) = (blank_nodes(removed), blank_nodes(added));
    let mut renamed: HashMap<String, String> = HashMap::new();
    if old.is_empty() || new.is_empty() {
        return renamed;
    }
    let described = |graph: &Graph, nodes: &BTreeSet<&str>, change: &[Triple]| -> Vec<Triple> {
        let mut out: Vec<Triple> = nodes
            .iter()
            .flat_map(|n| graph.triples(format!("_:{n} ").as_bytes()))
            .collect();
        out.extend(
            change
                .iter()
                .filter(|t| matches!(t.object, Term::BlankNode(_)))
                .cloned(),
        );
        out
    };
    let (old_triples, new_triples) = (described(a, &old, removed), described(b, &new, added));
    // Two rounds: pairing the inner nodes of a structure first lets the
    // outer ones compare by what they point to.
    for _ in 0..2 {
        // A node paired in the round before is written by its old label
        // on both sides.
        let known: HashMap<String, String> =
            renamed.values().map(|a| (a.clone(), a.clone())).collect();
        let old_sigs = signatures(&old_triples, &old, &known);
        let new_sigs = signatures(&new_triples, &new, &renamed);
        let mut index: HashMap<&String, Vec<&str>> = HashMap::new();
        for (b, sig) in &new_sigs {
            for feature in sig {
                index.entry(feature).or_default().push(b);
            }
        }
        // Every candidate pair with what it shares (the same label counting
        // one more), best first.
        let mut candidates: Vec<(usize, &str, &str)> = Vec::new();
        for (a, sig) in &old_sigs {
            let mut shared: BTreeMap<&str, usize> = BTreeMap::new();
            for feature in sig {
                for b in index.get(feature).into_iter().flatten() {
                    *shared.entry(b).or_default() += 2;
                }
            }
            candidates.extend(
                shared
                    .into_iter()
                    .map(|(b, n)| (n + usize::from(*a == b), *a, b)),
            );
        }
        candidates.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(y.1)).then(x.2.cmp(y.2)));
        renamed.clear();
        let mut taken: HashSet<&str> = HashSet::new();
        for (_, a, b) in candidates {
            if !renamed.contains_key(b) && taken.insert(a) {
                renamed.insert(b.to_owned(), a.to_owned());
            }
        }
    }
    renamed
}

fn blank_nodes(triples: &[Triple]) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    for t in triples {
        if let NamedOrBlankNode::BlankNode(b) = &t.subject {
            out.insert(b.as_str());
        }
        if let Term::BlankNode(b) = &t.object {
            out.insert(b.as_str());
        }
    }
    out
}

/// What each of `nodes` says and what points to it, in `triples`: another
/// blank node is written by the label `renamed` gives it, else as `_`.
fn signatures<'a>(
    triples: &[Triple],
    nodes: &BTreeSet<&'a str>,
    renamed: &HashMap<String, String>,
) -> BTreeMap<&'a str, BTreeSet<String>> {
    let show = |term: &Term| match term {
        Term::BlankNode(b) => renamed
            .get(b.as_str())
            .map_or("_".to_owned(), |a| format!("_:{a}")),
        other => other.to_string(),
    };
    let mut out: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for t in triples {
        if let NamedOrBlankNode::BlankNode(b) = &t.subject
            && let Some(node) = nodes.get(b.as_str())
        {
            out.entry(node)
                .or_default()
                .insert(format!("> {} {}", t.predicate, show(&t.object)));
        }
        if let Term::BlankNode(b) = &t.object
            && let Some(node) = nodes.get(b.as_str())
        {
            let subject: Term = t.subject.clone().into();
            out.entry(node)
                .or_default()
                .insert(format!("< {} {}", show(&subject), t.predicate));
        }
    }
    out
}
