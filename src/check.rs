//! Checks that need the vocabulary or the whole glossary: relation types and
//! targets exist, no hierarchy cycles, one preferred label per language.
//!
//! Layer: pipeline, beside `convert`; above `source`.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Pos, did_you_mean};
use crate::ontology::{Direction, Ontology};
use crate::source::Summary;
use crate::source::{Entry, Source, Spanned};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::collections::hash_map::Entry as Slot;

/// The warning an entry marked `needs-review` gets, saying what it lacks.
fn needs_review(entry: &Entry, review: &Spanned<String>) -> Diagnostic {
    let lacks: Vec<&str> = [
        (entry.terms.is_empty(), "no term"),
        (entry.definitions.is_empty(), "no definition"),
    ]
    .into_iter()
    .filter_map(|(lacking, what)| lacking.then_some(what))
    .collect();
    let (message, help) = if lacks.is_empty() {
        (
            format!("needs review: {}", review.value),
            "do what it says, then remove `needs-review`",
        )
    } else {
        (
            format!("needs review ({}): {}", lacks.join(", "), review.value),
            "until it has them it is published without; add them, then remove `needs-review`",
        )
    };
    Diagnostic::warning("check/needs-review", &entry.path, review.pos, message).with_help(help)
}

/// Checks of one entry against the vocabulary and the settings.
pub fn entry(entry: &Entry, config: &Config, ontology: &Ontology) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let path = entry.path.as_path();
    let keys: Vec<&str> = ontology
        .relation_types()
        .iter()
        .map(|t| t.key.as_str())
        .collect();
    for relation in &entry.relations {
        let key = &relation.key;
        if ontology.relation_type(&key.value).is_none() {
            let help = match did_you_mean(&key.value, keys.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? Relation types: {}", keys.join(", ")),
                None => format!(
                    "relation types: {}; a new type is declared in ontology/glossary.ttl",
                    keys.join(", ")
                ),
            };
            out.push(
                Diagnostic::error(
                    "check/unknown-relation-type",
                    path,
                    key.pos,
                    format!("unknown relation type `{}`", key.value),
                )
                .with_help(help),
            );
        }
    }
    if let Some(review) = &entry.needs_review {
        out.push(needs_review(entry, review));
    }
    if let Some(register) = &entry.register
        && ontology.register(&register.value).is_none()
    {
        out.push(
            Diagnostic::error(
                "check/unknown-register",
                path,
                register.pos,
                format!("unknown register `{}`", register.value),
            )
            .with_help(format!("registers: {}", ontology.register_keys())),
        );
    }
    if config.citations.article.is_none() {
        for source in &entry.sources {
            if let Source::Article { text, .. } = &source.value {
                out.push(
                    Diagnostic::error(
                        "check/article-without-act",
                        path,
                        source.pos,
                        format!("`{text}` cites an Article, but glossary.toml names no act"),
                    )
                    .with_help("set `article` under `[citations]` in glossary.toml, or cite the source by IRI"),
                );
            }
        }
    }
    let texts = entry
        .terms
        .iter()
        .chain(&entry.alt_labels)
        .chain(&entry.hidden_labels)
        .chain(&entry.definitions)
        .chain(entry.notes.iter().map(|n| &n.text));
    for text in texts {
        if !config.languages.contains(&text.lang) {
            out.push(
                Diagnostic::warning(
                    "check/unlisted-language",
                    path,
                    text.pos,
                    format!("language `{}` is not listed in glossary.toml", text.lang),
                )
                .with_help(format!(
                    "add it to `languages` (now {}) so pages can offer it",
                    config.languages.join(", ")
                )),
            );
        }
    }
    let mut seen_langs = BTreeMap::new();
    for (field, texts) in [("term", &entry.terms), ("definition", &entry.definitions)] {
        seen_langs.clear();
        for text in texts {
            if let Some(first) = seen_langs.insert(text.lang.as_str(), text.pos) {
                out.push(
                    Diagnostic::error(
                        "check/duplicate-language",
                        path,
                        text.pos,
                        format!(
                            "a second `{field}` in `{}` (first at line {})",
                            text.lang, first.line
                        ),
                    )
                    .with_help("keep one per language; put other names in `alt-labels`"),
                );
            }
        }
    }
    if entry.term(config.default_language()).is_none() && !entry.terms.is_empty() {
        out.push(
            Diagnostic::warning(
                "check/missing-default-term",
                path,
                entry.terms[0].pos,
                format!(
                    "no term in the default language `{}`",
                    config.default_language()
                ),
            )
            .with_help("add the term in the glossary's first language"),
        );
    }
    for fact in &entry.key_facts {
        let signalled = ontology.relation_type_for_fact_label(&fact.label);
        if let (Some(t), true) = (signalled, fact.targets.is_empty()) {
            out.push(
                Diagnostic::warning(
                    "check/fact-without-targets",
                    path,
                    fact.pos,
                    format!("key fact `{}` names the relation type `{}` but lists no targets", fact.label, t.key),
                )
                .with_help("add `targets: [ids]` (with `label:` and `value:`) so the relation is published"),
            );
        }
    }
    out.extend(characters(entry));
    out
}

/// A located error for the first forbidden character of each text of `entry`.
fn characters(entry: &Entry) -> Vec<Diagnostic> {
    let mut texts: Vec<(&str, &str, Pos, bool)> = Vec::new();
    for (field, list) in [
        ("term", &entry.terms),
        ("alt-labels", &entry.alt_labels),
        ("hidden-labels", &entry.hidden_labels),
    ] {
        texts.extend(list.iter().map(|t| (field, t.value.as_str(), t.pos, false)));
    }
    texts.extend(
        entry
            .definitions
            .iter()
            .map(|t| ("definition", t.value.as_str(), t.pos, true)),
    );
    if let Some(n) = &entry.notation {
        texts.push(("notation", n.value.as_str(), n.pos, false));
    }
    for f in &entry.key_facts {
        texts.push(("key-facts", f.label.as_str(), f.pos, false));
        texts.push(("key-facts", f.value.as_str(), f.pos, true));
    }
    for m in &entry.misconceptions {
        texts.push(("misconceptions", m.claim.as_str(), m.pos, true));
        texts.push(("misconceptions", m.correction.as_str(), m.pos, true));
    }
    texts.extend(
        entry
            .notes
            .iter()
            .map(|n| ("notes", n.text.value.as_str(), n.text.pos, true)),
    );
    for source in &entry.sources {
        if let Source::Article { text, .. } = &source.value {
            texts.push(("sources", text.as_str(), source.pos, false));
        }
    }
    for section in &entry.sections {
        texts.push((
            "a section title",
            section.title.as_str(),
            section.pos,
            false,
        ));
        texts.push(("a section", section.markdown.as_str(), section.pos, true));
    }
    texts
        .into_iter()
        .filter_map(|(field, text, pos, prose)| {
            let c = crate::text::first_forbidden(text, prose)?;
            Some(
                Diagnostic::error(
                    "check/forbidden-character",
                    &entry.path,
                    pos,
                    format!(
                        "{field} holds {}, which published text may not hold",
                        crate::text::describe(c)
                    ),
                )
                .with_help(if prose {
                    "delete it (or the escape that wrote it, such as `\\u0007` in a quoted YAML string); prose may hold tabs and line breaks, no other control character"
                } else {
                    "delete it (or the escape that wrote it, such as `\\u0007` in a quoted YAML string); names hold no control characters, not even tabs or line breaks"
                }),
            )
        })
        .collect()
}

/// Checks across all entries, from their summaries.
pub fn glossary(summaries: &[Summary], ontology: &Ontology) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Hash maps: a rebuild runs these checks over every entry of the glossary.
    let mut by_id: FxHashMap<&str, &Summary> =
        FxHashMap::with_capacity_and_hasher(summaries.len(), Default::default());
    for s in summaries {
        if let Some(first) = by_id.insert(&s.id, s) {
            out.push(
                Diagnostic::error(
                    "check/duplicate-id",
                    &s.path,
                    Pos::new(1, 1),
                    format!("the id `{}` is also used by {}", s.id, first.path.display()),
                )
                .with_help("ids come from file names and must be unique; rename one of the files"),
            );
        }
    }
    // Sorted, for suggestions that do not depend on hashing; made only when needed.
    let mut ids: Option<Vec<&str>> = None;
    let mut labels: FxHashMap<(&str, String), (&Summary, usize)> = FxHashMap::default();
    for s in summaries {
        // Only concepts' terms must be unique: a collection may share its
        // name with a concept ("Fish", and the group of kinds of fish) or
        // another collection.
        let terms = if s.collection { &[][..] } else { &s.terms[..] };
        for (lang, label, line, column) in terms {
            let (first, first_line) = match labels.entry((lang.as_str(), label.to_lowercase())) {
                Slot::Vacant(slot) => {
                    slot.insert((s, *line));
                    continue;
                }
                Slot::Occupied(first) => *first.get(),
            };
            out.push(
                Diagnostic::error(
                    "check/duplicate-label",
                    &s.path,
                    Pos::new(*line, *column),
                    format!(
                        "the term `{label}`@{lang} is also the term of `{}` (line {first_line})",
                        first.id
                    ),
                )
                .with_help("two concepts cannot share a preferred term in one language; qualify one, like `Board (AI Act)`"),
            );
        }
        for (key, target, line, column) in &s.relations {
            let pos = Pos::new(*line, *column);
            if target == &s.id {
                out.push(
                    Diagnostic::error(
                        "check/self-relation",
                        &s.path,
                        pos,
                        format!("`{}` is related to itself by `{key}`", s.id),
                    )
                    .with_help("remove the relation; a concept cannot be related to itself"),
                );
            } else if !by_id.contains_key(target.as_str()) {
                let ids = ids.get_or_insert_with(|| {
                    let mut ids: Vec<&str> = by_id.keys().copied().collect();
                    ids.sort_unstable();
                    ids
                });
                let help = match did_you_mean(target, ids.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`? Otherwise create `{target}.md`"),
                    None => format!("create an entry `{target}.md`, or fix the id"),
                };
                out.push(
                    Diagnostic::error(
                        "check/missing-target",
                        &s.path,
                        pos,
                        format!("`{key}` points to `{target}`, which is not an entry"),
                    )
                    .with_help(help),
                );
            } else if by_id[target.as_str()].collection {
                out.push(
                    Diagnostic::error(
                        "check/collection-target",
                        &s.path,
                        pos,
                        format!("`{key}` points to `{target}`, which is a collection"),
                    )
                    .with_help("relations link concepts; point to one of the collection's members, or list this entry in its `members`"),
                );
            } else if by_id[target.as_str()].deprecated && !s.deprecated {
                out.push(
                    Diagnostic::warning(
                        "check/deprecated-target",
                        &s.path,
                        pos,
                        format!("`{key}` points to the deprecated entry `{target}`"),
                    )
                    .with_help("point to the entry that replaces it"),
                );
            }
        }
    }
    out.extend(replacements(summaries, &by_id));
    out.extend(members(summaries, &by_id));
    out.extend(cycles(summaries, &by_id, ontology));
    out.extend(restated_relations(summaries, &by_id));
    out
}

/// A deprecated entry's replacement is another concept of the glossary, and
/// (a warning) one that is not deprecated itself.
fn replacements(summaries: &[Summary], by_id: &FxHashMap<&str, &Summary>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in summaries {
        let Some((by, line, column)) = &s.replaced_by else {
            continue;
        };
        let pos = Pos::new(*line, *column);
        let error = |message: String, help: &str| {
            Diagnostic::error("check/replacement", &s.path, pos, message).with_help(help)
        };
        match by_id.get(by.as_str()) {
            _ if by == &s.id => out.push(error(
                format!("`{}` is replaced by itself", s.id),
                "name the entry that replaces it, or remove `replaced-by`",
            )),
            None => {
                let mut ids: Vec<&str> = by_id.keys().copied().collect();
                ids.sort_unstable();
                let help = match did_you_mean(by, ids.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("create an entry `{by}.md`, or fix the id"),
                };
                out.push(error(
                    format!("`replaced-by` names `{by}`, which is not an entry"),
                    &help,
                ));
            }
            Some(target) if target.collection => out.push(error(
                format!("`replaced-by` names `{by}`, which is a collection"),
                "a concept is replaced by a concept",
            )),
            Some(target) if target.deprecated => out.push(
                Diagnostic::warning(
                    "check/deprecated-replacement",
                    &s.path,
                    pos,
                    format!("`{}` is replaced by `{by}`, which is deprecated too", s.id),
                )
                .with_help("name the entry that replaces both, so readers need not follow a chain"),
            ),
            Some(_) => {}
        }
    }
    out
}

/// A collection's members are entries, none of them the collection, and no
/// collection is (through others) a member of itself.
fn members(summaries: &[Summary], by_id: &FxHashMap<&str, &Summary>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut ids: Option<Vec<&str>> = None;
    for s in summaries {
        for (member, line, column) in &s.members {
            let pos = Pos::new(*line, *column);
            if member == &s.id {
                out.push(
                    Diagnostic::error(
                        "check/member-cycle",
                        &s.path,
                        pos,
                        format!("the collection `{}` lists itself as a member", s.id),
                    )
                    .with_help("remove it from `members`"),
                );
            } else if !by_id.contains_key(member.as_str()) {
                let ids = ids.get_or_insert_with(|| {
                    let mut ids: Vec<&str> = by_id.keys().copied().collect();
                    ids.sort_unstable();
                    ids
                });
                let help = match did_you_mean(member, ids.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`? Otherwise create `{member}.md`"),
                    None => format!("create an entry `{member}.md`, or fix the id"),
                };
                out.push(
                    Diagnostic::error(
                        "check/missing-member",
                        &s.path,
                        pos,
                        format!("member `{member}` of `{}` is not an entry", s.id),
                    )
                    .with_help(help),
                );
            }
        }
    }
    // collection -> [(member collection, where it is listed)]
    let mut nested: Edges<'_> = FxHashMap::default();
    for s in summaries {
        for (member, line, column) in &s.members {
            if member != &s.id && by_id.get(member.as_str()).is_some_and(|m| m.collection) {
                nested
                    .entry(&s.id)
                    .or_default()
                    .push((member, s, Pos::new(*line, *column)));
            }
        }
    }
    out.extend(each_cycle(
        &nested,
        "check/member-cycle",
        "collections that contain each other",
        "a collection cannot be a member of itself; remove one of these members",
    ));
    out
}

/// Edges of a graph of entries: node → (the node it leads to, the entry
/// that states the edge, where).
type Edges<'a> = FxHashMap<&'a str, Vec<(&'a str, &'a Summary, Pos)>>;

/// An error for each cycle of `edges`, once whichever node it is met from,
/// at the edge that closes it: `{what}: a → b → a`.
fn each_cycle(
    edges: &Edges<'_>,
    code: &'static str,
    what: &str,
    help: &'static str,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut reported: FxHashSet<Vec<&str>> = FxHashSet::default();
    // In order, so a cycle is reported from the same place every time.
    let mut starts: Vec<&str> = edges.keys().copied().collect();
    starts.sort_unstable();
    walk_cycles(
        starts,
        |node| edges.get(node).map_or(&[][..], Vec::as_slice),
        |e| e.0,
        |path, &(to, stated_in, pos)| {
            let from = path.iter().position(|n| *n == to).unwrap_or(0);
            let mut cycle: Vec<&str> = path[from..].to_vec();
            let mut key = cycle.clone();
            key.sort_unstable();
            if reported.insert(key) {
                cycle.push(to);
                let message = format!("{what}: {}", cycle.join(" → "));
                out.push(Diagnostic::error(code, &stated_in.path, pos, message).with_help(help));
            }
        },
    );
    out
}

/// Every relation is published in both directions from one statement, and all
/// triples a relation gives rise to go into the graph of the entry that states
/// it. So that no triple sits in two entries' graphs (where the published merge
/// would count it twice), all relations between two entries are stated in one
/// of them.
fn restated_relations(summaries: &[Summary], by_id: &FxHashMap<&str, &Summary>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // The entry (and first statement) that owns each pair of entries.
    let mut owner: FxHashMap<(&str, &str), (&Summary, &str, &str, Pos)> = FxHashMap::default();
    for s in summaries {
        for (key, target, line, column) in &s.relations {
            if !by_id.contains_key(target.as_str()) || target == &s.id {
                continue;
            }
            let pos = Pos::new(*line, *column);
            let pair = if s.id.as_str() < target.as_str() {
                (s.id.as_str(), target.as_str())
            } else {
                (target.as_str(), s.id.as_str())
            };
            let (first, first_key, first_target, first_pos) = match owner.entry(pair) {
                Slot::Vacant(slot) => {
                    slot.insert((s, key, target, pos));
                    continue;
                }
                Slot::Occupied(first) => *first.get(),
            };
            if first.id != s.id {
                out.push(
                    Diagnostic::error(
                        "check/restated-relation",
                        &s.path,
                        pos,
                        format!(
                            "`{key}: {target}`: relations between `{}` and `{target}` are already stated in `{}` (line {}: `{first_key}: {first_target}`)",
                            s.id,
                            first.id,
                            first_pos.line
                        ),
                    )
                    .with_help(
                        "state every relation between two entries in one of them; each relation is published in both directions, so the other entry shows it too",
                    ),
                );
            }
        }
    }
    out
}

/// Hierarchy cycles: following broader relations (and narrower ones backwards)
/// must never come back to where it started.
fn cycles(
    summaries: &[Summary],
    by_id: &FxHashMap<&str, &Summary>,
    ontology: &Ontology,
) -> Vec<Diagnostic> {
    // child -> [(parent, where it is stated)]
    let mut parents: Edges<'_> = FxHashMap::default();
    for s in summaries {
        for (key, target, line, column) in &s.relations {
            if !by_id.contains_key(target.as_str()) || target == &s.id {
                continue;
            }
            let pos = Pos::new(*line, *column);
            match ontology.relation_type(key).map(|t| t.direction) {
                Some(Direction::Broader) => {
                    parents.entry(&s.id).or_default().push((target, s, pos))
                }
                Some(Direction::Narrower) => {
                    parents.entry(target).or_default().push((&s.id, s, pos))
                }
                _ => {}
            }
        }
    }
    each_cycle(
        &parents,
        "check/cycle",
        "hierarchy cycle",
        "a concept cannot be broader than itself; remove or reverse one of these relations",
    )
}

/// A depth-first walk of a directed graph from each of `starts` in turn
/// (nodes already reached are not walked again). `on_back_edge` gets each
/// edge that leads back onto the current path, i.e. closes a cycle, with the
/// path's nodes from the walk's start. Iterative, so a deep hierarchy cannot
/// overflow the stack.
pub fn walk_cycles<'a, E: 'a>(
    starts: impl IntoIterator<Item = &'a str>,
    edges: impl Fn(&str) -> &'a [E],
    target: impl Fn(&'a E) -> &'a str,
    mut on_back_edge: impl FnMut(&[&'a str], &'a E),
) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        OnPath,
        Done,
    }
    let mut state: FxHashMap<&str, State> = FxHashMap::default();
    // The path's nodes, and for each the index of its next edge to follow.
    let mut path: Vec<&str> = Vec::new();
    let mut next: Vec<usize> = Vec::new();
    for start in starts {
        if state.contains_key(start) {
            continue;
        }
        state.insert(start, State::OnPath);
        path.push(start);
        next.push(0);
        while let (Some(&node), Some(edge)) = (path.last(), next.last_mut()) {
            let Some(e) = edges(node).get(*edge) else {
                state.insert(node, State::Done);
                path.pop();
                next.pop();
                continue;
            };
            *edge += 1;
            let to = target(e);
            match state.get(to) {
                None => {
                    state.insert(to, State::OnPath);
                    path.push(to);
                    next.push(0);
                }
                Some(State::OnPath) => on_back_edge(&path, e),
                Some(State::Done) => {}
            }
        }
    }
}
