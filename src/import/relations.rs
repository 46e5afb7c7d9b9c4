//! Relations between imported concepts, arranged the way glossgraph wants them:
//! each relation once (a relation and its inverse are one), the most specific
//! type only (`part-of` rather than also `broader`), no self-relations, no
//! hierarchy cycles, and all relations between two entries stated in one of
//! them: the narrower concept for hierarchical ones, else the entry that
//! stated the first of them.

use crate::ontology::{Direction, Ontology, RelationType};
use crate::source::{Entry, Summary};
use std::collections::{BTreeMap, BTreeSet};

/// The relations entries of the glossary state: an import may not state one
/// between two entries when the other already states one (all relations
/// between two entries are stated in one of them).
#[derive(Debug, Clone, Default)]
pub struct Existing(BTreeMap<String, Vec<(String, String)>>);

impl Existing {
    /// The relations `entries` state, each as (relation key, target id).
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a Entry>, ontology: &Ontology) -> Self {
        Self(
            entries
                .into_iter()
                .map(|e| {
                    let s = Summary::of(e, ontology);
                    (
                        s.id,
                        s.relations.into_iter().map(|(k, t, ..)| (k, t)).collect(),
                    )
                })
                .collect(),
        )
    }

    /// Why `id` may not state a relation to `other`, if `other` states one to `id`.
    pub fn states_back(&self, id: &str, other: &str) -> Option<String> {
        self.0
            .get(other)?
            .iter()
            .find(|(_, t)| t == id)
            .map(|(key, _)| stated_back(other, key, id))
    }
}

/// Why an entry may not state a relation to `other`: `other` already states
/// `key: id`.
pub fn stated_back(other: &str, key: &str, id: &str) -> String {
    format!(
        "`{other}` already states `{key}: {id}`, and all relations between two entries are stated in one of them"
    )
}

/// A relation as an input states it: `from` is related to `to` by the type `key`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stated {
    pub from: String,
    pub key: String,
    pub to: String,
}

/// The relations each entry states, and what had to change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Arranged {
    /// Entry id → (relation key, target id), in a stable order.
    pub by_owner: BTreeMap<String, Vec<(String, String)>>,
    /// Relations left out: (the relation, why).
    pub dropped: Vec<(Stated, String)>,
    /// Relations stated in the other entry than the input stated them in:
    /// (as given, as stated).
    pub moved: Vec<(Stated, Stated)>,
    /// Relations implied by a more specific one between the same concepts
    /// (`related` by `works-with`), so not stated: (as given, why).
    pub implied: Vec<(Stated, String)>,
}

/// A relation oriented from the alphabetically first entry of its pair.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Canonical {
    a: String,
    b: String,
    key: String,
}

/// Arranges `stated` (in the order the input gives them; unknown types are
/// dropped). `pinned` names, for some pairs, the entry that must state their
/// relations (because a key fact of it names the other).
pub fn arrange(
    stated: &[Stated],
    ontology: &Ontology,
    pinned: &BTreeMap<(String, String), String>,
) -> Arranged {
    let mut out = Arranged::default();
    let inverse_key = |t: &RelationType| -> Option<String> {
        ontology
            .relation_type_by_iri(t.inverse.as_ref())
            .map(|i| i.key.clone())
    };
    // Canonical relations, and for each pair the entry that stated it first.
    let mut relations: BTreeSet<Canonical> = BTreeSet::new();
    let mut first_from: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut original: BTreeMap<Canonical, Vec<Stated>> = BTreeMap::new();
    for s in stated {
        let Some(t) = ontology.relation_type(&s.key) else {
            out.dropped
                .push((s.clone(), format!("`{}` is not a relation type", s.key)));
            continue;
        };
        if s.from == s.to {
            out.dropped
                .push((s.clone(), "a concept cannot be related to itself".into()));
            continue;
        }
        let canonical = if s.from < s.to {
            Canonical {
                a: s.from.clone(),
                b: s.to.clone(),
                key: t.key.clone(),
            }
        } else {
            let Some(key) = inverse_key(t) else {
                out.dropped
                    .push((s.clone(), format!("`{}` has no inverse", s.key)));
                continue;
            };
            Canonical {
                a: s.to.clone(),
                b: s.from.clone(),
                key,
            }
        };
        first_from
            .entry((canonical.a.clone(), canonical.b.clone()))
            .or_insert_with(|| s.from.clone());
        original
            .entry(canonical.clone())
            .or_default()
            .push(s.clone());
        relations.insert(canonical);
    }

    // The most specific types only: `part-of` implies `broader`.
    let by_pair = group(&relations);
    let mut kept: BTreeSet<Canonical> = BTreeSet::new();
    for ((a, b), keys) in &by_pair {
        for key in keys {
            let Some(t) = ontology.relation_type(key) else {
                continue;
            };
            let implied_by = keys.iter().find(|other| {
                *other != key
                    && ontology
                        .relation_type(other)
                        .is_some_and(|o| o.super_properties.contains(&t.iri))
            });
            if let Some(by) = implied_by {
                let canonical = Canonical {
                    a: a.clone(),
                    b: b.clone(),
                    key: key.clone(),
                };
                for s in original.get(&canonical).into_iter().flatten() {
                    out.implied.push((
                        s.clone(),
                        format!("implied by `{by}` between the same concepts"),
                    ));
                }
            } else {
                kept.insert(Canonical {
                    a: a.clone(),
                    b: b.clone(),
                    key: key.clone(),
                });
            }
        }
    }

    // No hierarchy cycles: child → parent edges, broken where a walk comes back.
    let direction = |key: &str| ontology.relation_type(key).map(|t| t.direction);
    let mut parents: BTreeMap<String, Vec<(String, Canonical)>> = BTreeMap::new();
    for r in &kept {
        match direction(&r.key) {
            Some(Direction::Broader) => parents
                .entry(r.a.clone())
                .or_default()
                .push((r.b.clone(), r.clone())),
            Some(Direction::Narrower) => parents
                .entry(r.b.clone())
                .or_default()
                .push((r.a.clone(), r.clone())),
            _ => {}
        }
    }
    for cut in back_edges(&parents) {
        kept.remove(&cut);
        let stated = original
            .get(&cut)
            .and_then(|all| all.first())
            .cloned()
            .unwrap_or_else(|| Stated {
                from: cut.a.clone(),
                key: cut.key.clone(),
                to: cut.b.clone(),
            });
        out.dropped.push((
            stated,
            "it closes a hierarchy cycle (a concept would be broader than itself)".into(),
        ));
    }

    // One entry states all relations of a pair.
    for ((a, b), keys) in group(&kept) {
        let owner = if let Some(owner) = pinned
            .get(&(a.clone(), b.clone()))
            .or_else(|| pinned.get(&(b.clone(), a.clone())))
        {
            owner.clone()
        } else if keys
            .iter()
            .any(|k| direction(k) == Some(Direction::Broader))
        {
            a.clone()
        } else if keys
            .iter()
            .any(|k| direction(k) == Some(Direction::Narrower))
        {
            b.clone()
        } else {
            first_from
                .get(&(a.clone(), b.clone()))
                .cloned()
                .unwrap_or_else(|| a.clone())
        };
        for key in keys {
            let canonical = Canonical {
                a: a.clone(),
                b: b.clone(),
                key: key.clone(),
            };
            let (stated_key, target) = if owner == a {
                (key.clone(), b.clone())
            } else {
                let Some(inverse) = ontology.relation_type(&key).and_then(inverse_key) else {
                    continue;
                };
                (inverse, a.clone())
            };
            for given in original.get(&canonical).into_iter().flatten() {
                if given.from != owner {
                    out.moved.push((
                        given.clone(),
                        Stated {
                            from: owner.clone(),
                            key: stated_key.clone(),
                            to: target.clone(),
                        },
                    ));
                }
            }
            out.by_owner
                .entry(owner.clone())
                .or_default()
                .push((stated_key, target));
        }
    }
    for relations in out.by_owner.values_mut() {
        relations.sort();
        relations.dedup();
    }
    out
}

/// Relation key → target ids, as [`Draft::relations`] has them: keys in order,
/// targets in the order given, each once.
///
/// [`Draft::relations`]: super::draft::Draft::relations
pub fn grouped(relations: impl Iterator<Item = (String, String)>) -> Vec<(String, Vec<String>)> {
    let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, to) in relations {
        let list = grouped.entry(key).or_default();
        if !list.contains(&to) {
            list.push(to);
        }
    }
    grouped.into_iter().collect()
}

/// Relation keys per pair.
fn group(relations: &BTreeSet<Canonical>) -> BTreeMap<(String, String), Vec<String>> {
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for r in relations {
        out.entry((r.a.clone(), r.b.clone()))
            .or_default()
            .push(r.key.clone());
    }
    out
}

/// The edges that close cycles in a depth-first walk from every node, in order.
fn back_edges(parents: &BTreeMap<String, Vec<(String, Canonical)>>) -> Vec<Canonical> {
    let mut cuts = Vec::new();
    crate::check::walk_cycles(
        parents.keys().map(String::as_str),
        |node| parents.get(node).map_or(&[][..], Vec::as_slice),
        |(parent, _)| parent.as_str(),
        |_, (_, relation)| cuts.push(relation.clone()),
    );
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(from: &str, key: &str, to: &str) -> Stated {
        Stated {
            from: from.into(),
            key: key.into(),
            to: to.into(),
        }
    }

    fn owned(a: &Arranged) -> Vec<(String, String, String)> {
        a.by_owner
            .iter()
            .flat_map(|(o, rs)| {
                rs.iter()
                    .map(move |(k, t)| (o.clone(), k.clone(), t.clone()))
            })
            .collect()
    }

    fn triple(o: &str, k: &str, t: &str) -> (String, String, String) {
        (o.into(), k.into(), t.into())
    }

    #[test]
    fn both_directions_become_one_statement_in_the_narrower_entry() {
        let ontology = Ontology::builtin().unwrap();
        let a = arrange(
            &[
                s("animal", "narrower", "cat"),
                s("cat", "broader", "animal"),
                s("cat", "related", "dog"),
                s("dog", "related", "cat"),
            ],
            &ontology,
            &BTreeMap::new(),
        );
        assert_eq!(
            owned(&a),
            [
                triple("cat", "broader", "animal"),
                triple("cat", "related", "dog")
            ]
        );
        assert!(a.dropped.is_empty());
        // `animal narrower cat` came first, from `animal`: stated in `cat` instead.
        assert_eq!(a.moved[0].1, s("cat", "broader", "animal"));
    }

    #[test]
    fn the_most_specific_type_wins_over_its_skos_super_properties() {
        let ontology = Ontology::builtin().unwrap();
        let a = arrange(
            &[
                s("office", "part-of", "commission"),
                s("office", "broader", "commission"),
                s("commission", "has-part", "office"),
                s("commission", "narrower", "office"),
                s("office", "works-with", "board"),
                s("board", "related", "office"),
            ],
            &ontology,
            &BTreeMap::new(),
        );
        assert_eq!(
            owned(&a),
            [
                triple("office", "part-of", "commission"),
                triple("office", "works-with", "board")
            ]
        );
    }

    #[test]
    fn cycles_and_self_relations_are_dropped_with_a_reason() {
        let ontology = Ontology::builtin().unwrap();
        let a = arrange(
            &[
                s("a", "narrower", "b"),
                s("b", "narrower", "b"),
                s("c", "broader", "d"),
                s("d", "broader", "c"),
                s("c", "funds", "a"),
            ],
            &ontology,
            &BTreeMap::new(),
        );
        assert_eq!(a.dropped.len(), 3, "{:?}", a.dropped);
        assert!(a.dropped[0].1.contains("itself"));
        assert!(a.dropped[1].1.contains("relation type"));
        assert!(a.dropped[2].1.contains("cycle"));
        assert_eq!(owned(&a).len(), 2);
    }

    #[test]
    fn grouped_lists_keys_in_order_and_each_target_once() {
        let pairs = [
            ("related", "b"),
            ("broader", "c"),
            ("related", "a"),
            ("related", "b"),
        ];
        let grouped = grouped(pairs.iter().map(|(k, t)| ((*k).into(), (*t).into())));
        assert_eq!(
            grouped,
            [
                ("broader".to_owned(), vec!["c".to_owned()]),
                ("related".to_owned(), vec!["b".to_owned(), "a".to_owned()])
            ]
        );
    }

    #[test]
    fn pinned_pairs_stay_with_their_entry() {
        let ontology = Ontology::builtin().unwrap();
        let mut pinned = BTreeMap::new();
        pinned.insert(
            ("parent".to_owned(), "child".to_owned()),
            "parent".to_owned(),
        );
        let a = arrange(&[s("child", "broader", "parent")], &ontology, &pinned);
        assert_eq!(owned(&a), [triple("parent", "narrower", "child")]);
    }
}
