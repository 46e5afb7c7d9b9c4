//! Compact JSON-LD against the project's context (`ontology/context.jsonld`).
//!
//! Oxigraph writes only expanded JSON-LD and no maintained Rust crate compacts
//! without an async runtime, so this writer produces the compact form directly:
//! it knows the shape of the context (prefixes, plain terms, `@id`-typed terms,
//! language maps) and uses a term only where the values fit its definition,
//! falling back to a compact IRI otherwise. Parts of a concept (`…#section-1`)
//! referenced once are embedded in it. Tests check that expanding the output
//! gives back the same graph.
//!
//! The two other forms JSON-LD clients ask for by profile come from the same
//! triples: flattened (compacted, every node at the top of `@graph`) and
//! expanded (no context, full IRIs, every value an object in an array).

use crate::order::triple_cmp;
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{LiteralRef, NamedOrBlankNodeRef, TermRef, Triple};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// How a context term's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `"term": "iri"`: any value, written in full.
    Plain,
    /// `"@type": "@id"`: IRIs and blank nodes as strings.
    Id,
    /// `"@container": "@language"`: language-tagged strings as a language map.
    Language,
}

/// The parts of a JSON-LD context this writer uses.
#[derive(Debug, Clone)]
pub struct Context {
    /// The context object, written at the top of every document.
    object: Value,
    /// (prefix, namespace), longest namespace first.
    prefixes: Vec<(String, String)>,
    /// IRI to (term, kind), one term per IRI.
    terms: HashMap<String, (String, Kind)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error("the JSON-LD context is not valid JSON")]
    Json(#[from] serde_json::Error),
    #[error("the JSON-LD context has no `@context` object")]
    NoContext,
    #[error("the JSON-LD context term `{0}` has a definition this writer does not support")]
    Unsupported(String),
}

impl Context {
    /// Reads a context document of the form `{"@context": {…}}`.
    pub fn parse(json: &str) -> Result<Self, ContextError> {
        let document: Value = serde_json::from_str(json)?;
        let object = document
            .get("@context")
            .cloned()
            .ok_or(ContextError::NoContext)?;
        let map = object.as_object().ok_or(ContextError::NoContext)?;
        let mut prefixes = Vec::new();
        for (name, value) in map {
            if let Value::String(iri) = value
                && !name.contains(':')
                && (iri.ends_with('/') || iri.ends_with('#'))
                && iri.contains("://")
            {
                prefixes.push((name.clone(), iri.clone()));
            }
        }
        prefixes.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        let expand = |value: &str| -> String {
            match value.split_once(':') {
                Some((prefix, local)) if !local.starts_with("//") => prefixes
                    .iter()
                    .find(|(p, _)| p == prefix)
                    .map_or_else(|| value.to_owned(), |(_, ns)| format!("{ns}{local}")),
                _ => value.to_owned(),
            }
        };
        let mut terms = HashMap::new();
        for (name, value) in map {
            if name.starts_with('@') || prefixes.iter().any(|(p, _)| p == name) {
                continue;
            }
            let (iri, kind) = match value {
                Value::String(iri) => (expand(iri), Kind::Plain),
                Value::Object(def) => {
                    let iri = def
                        .get("@id")
                        .and_then(Value::as_str)
                        .ok_or_else(|| ContextError::Unsupported(name.clone()))?;
                    let kind = match (
                        def.get("@type").and_then(Value::as_str),
                        def.get("@container").and_then(Value::as_str),
                    ) {
                        (None, None) => Kind::Plain,
                        (Some("@id"), None) => Kind::Id,
                        (None, Some("@language")) => Kind::Language,
                        _ => return Err(ContextError::Unsupported(name.clone())),
                    };
                    (expand(iri), kind)
                }
                _ => return Err(ContextError::Unsupported(name.clone())),
            };
            // One term per IRI; the first in the context wins.
            terms.entry(iri).or_insert((name.clone(), kind));
        }
        Ok(Self {
            object,
            prefixes,
            terms,
        })
    }

    /// The term the context defines for `iri`, if any.
    pub fn term(&self, iri: &str) -> Option<&str> {
        self.terms.get(iri).map(|(t, _)| t.as_str())
    }

    /// `prefix:local` for an IRI in a known namespace, else the IRI itself.
    fn compact_iri(&self, iri: &str) -> String {
        for (prefix, ns) in &self.prefixes {
            if let Some(local) = iri.strip_prefix(ns.as_str())
                && !local.is_empty()
                && !local.starts_with("//")
                && !self.is_term(&format!("{prefix}:{local}"))
            {
                return format!("{prefix}:{local}");
            }
        }
        iri.to_owned()
    }

    fn is_term(&self, name: &str) -> bool {
        self.object.get(name).is_some()
    }

    /// A `@type` value: a term where the context has a plain one, else a compact IRI.
    fn compact_type(&self, iri: &str) -> String {
        match self.terms.get(iri) {
            Some((term, Kind::Plain)) => term.clone(),
            _ => self.compact_iri(iri),
        }
    }

    fn node_id(&self, node: NamedOrBlankNodeRef<'_>) -> String {
        match node {
            NamedOrBlankNodeRef::NamedNode(n) => self.compact_iri(n.as_str()),
            NamedOrBlankNodeRef::BlankNode(b) => format!("_:{}", b.as_str()),
        }
    }
}

/// Whether a part referenced once is written inside its concept (compacted)
/// or every node stands at the top of `@graph` (flattened).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    Embedded,
    Flat,
}

/// Writes `triples` as a compact JSON-LD document: the context, then `@graph`.
/// The triples must be sorted with `triple_cmp` and distinct.
pub fn document(triples: &[Triple], context: &Context, nesting: Nesting) -> Value {
    debug_assert!(triples.windows(2).all(|w| triple_cmp(&w[0], &w[1]).is_lt()));
    // Subjects in order, each with its triples.
    let mut subjects: Vec<(NamedOrBlankNodeRef<'_>, &[Triple])> = Vec::new();
    let mut start = 0;
    while start < triples.len() {
        let s = triples[start].subject.as_ref();
        let end = start
            + triples[start..]
                .iter()
                .take_while(|t| t.subject.as_ref() == s)
                .count();
        subjects.push((s, &triples[start..end]));
        start = end;
    }
    let index: HashMap<NamedOrBlankNodeRef<'_>, &[Triple]> = subjects.iter().copied().collect();
    // A part (`…#x` of its subject) referenced once is written inside its subject.
    let mut references: HashMap<TermRef<'_>, (usize, NamedOrBlankNodeRef<'_>)> = HashMap::new();
    let embedded = if nesting == Nesting::Embedded {
        triples
    } else {
        &[]
    };
    for t in embedded {
        let entry = references
            .entry(t.object.as_ref())
            .or_insert((0, t.subject.as_ref()));
        entry.0 += 1;
    }
    let parent_of: HashMap<NamedOrBlankNodeRef<'_>, NamedOrBlankNodeRef<'_>> = references
        .into_iter()
        .filter_map(|(child, (count, parent))| match (child, parent) {
            (TermRef::NamedNode(c), NamedOrBlankNodeRef::NamedNode(p)) if count == 1 => {
                let child = NamedOrBlankNodeRef::NamedNode(c);
                let is_part = c
                    .as_str()
                    .strip_prefix(p.as_str())
                    .is_some_and(|rest| rest.starts_with('#'));
                (is_part && index.contains_key(&child)).then_some((child, parent))
            }
            _ => None,
        })
        .collect();
    let writer = Writer {
        context,
        index: &index,
        parent_of: &parent_of,
    };
    let graph = subjects
        .iter()
        .filter(|(subject, _)| !parent_of.contains_key(subject))
        .map(|(subject, statements)| writer.node(*subject, statements))
        .collect();
    let mut document = Map::new();
    document.insert("@context".into(), context.object.clone());
    document.insert("@graph".into(), Value::Array(graph));
    Value::Object(document)
}

struct Writer<'a> {
    context: &'a Context,
    index: &'a HashMap<NamedOrBlankNodeRef<'a>, &'a [Triple]>,
    /// Embedded parts and the subject they are written in.
    parent_of: &'a HashMap<NamedOrBlankNodeRef<'a>, NamedOrBlankNodeRef<'a>>,
}

impl Writer<'_> {
    fn node(&self, subject: NamedOrBlankNodeRef<'_>, statements: &[Triple]) -> Value {
        let context = self.context;
        let mut object = Map::new();
        object.insert("@id".into(), Value::String(context.node_id(subject)));
        let mut start = 0;
        while start < statements.len() {
            let p = statements[start].predicate.as_ref();
            let end = start
                + statements[start..]
                    .iter()
                    .take_while(|t| t.predicate.as_ref() == p)
                    .count();
            let values: Vec<TermRef<'_>> = statements[start..end]
                .iter()
                .map(|t| t.object.as_ref())
                .collect();
            start = end;
            if p == rdf::TYPE {
                let (types, others): (Vec<_>, Vec<_>) = values
                    .into_iter()
                    .partition(|v| matches!(v, TermRef::NamedNode(_)));
                let types: Vec<Value> = types
                    .into_iter()
                    .filter_map(|v| match v {
                        TermRef::NamedNode(n) => {
                            Some(Value::String(context.compact_type(n.as_str())))
                        }
                        _ => None,
                    })
                    .collect();
                if !types.is_empty() {
                    object.insert("@type".into(), one_or_many(types));
                }
                if !others.is_empty() {
                    let values = others.into_iter().map(|v| full_value(v, context)).collect();
                    object.insert(context.compact_iri(rdf::TYPE.as_str()), one_or_many(values));
                }
                continue;
            }
            let (term, kind) = match context.terms.get(p.as_str()) {
                Some((term, kind)) => (Some(term.as_str()), *kind),
                None => (None, Kind::Plain),
            };
            let fits = |v: &TermRef<'_>| match kind {
                Kind::Plain => true,
                Kind::Id => matches!(v, TermRef::NamedNode(_) | TermRef::BlankNode(_)),
                Kind::Language => matches!(v, TermRef::Literal(l) if l.language().is_some()),
            };
            let (fitting, rest): (Vec<_>, Vec<_>) = values.into_iter().partition(fits);
            if let (Some(term), false) = (term, fitting.is_empty()) {
                let value = match kind {
                    Kind::Language => language_map(&fitting),
                    Kind::Id => one_or_many(
                        fitting
                            .iter()
                            .map(|v| self.value(subject, *v, true))
                            .collect(),
                    ),
                    Kind::Plain => one_or_many(
                        fitting
                            .iter()
                            .map(|v| self.value(subject, *v, false))
                            .collect(),
                    ),
                };
                object.insert(term.to_owned(), value);
            } else {
                let mut all = fitting;
                all.extend(rest);
                let values = all.iter().map(|v| self.value(subject, *v, false)).collect();
                object.insert(context.compact_iri(p.as_str()), one_or_many(values));
                continue;
            }
            if !rest.is_empty() {
                let values = rest.iter().map(|v| full_value(*v, context)).collect();
                object.insert(context.compact_iri(p.as_str()), one_or_many(values));
            }
        }
        Value::Object(object)
    }

    /// One value of `subject`: an embedded part, an IRI string under an `@id`-typed
    /// term (`as_id`), or a full value.
    fn value(&self, subject: NamedOrBlankNodeRef<'_>, v: TermRef<'_>, as_id: bool) -> Value {
        match v {
            TermRef::NamedNode(n)
                if self.parent_of.get(&NamedOrBlankNodeRef::NamedNode(n)) == Some(&subject) =>
            {
                let child = NamedOrBlankNodeRef::NamedNode(n);
                self.node(child, self.index[&child])
            }
            TermRef::NamedNode(n) if as_id => Value::String(self.context.compact_iri(n.as_str())),
            TermRef::BlankNode(b) if as_id => Value::String(format!("_:{}", b.as_str())),
            _ => full_value(v, self.context),
        }
    }
}

/// Writes `triples` (sorted with `triple_cmp`, distinct) as an expanded
/// JSON-LD document: an array of node objects, each at the top level, which is
/// also the expanded form flattened.
pub fn expanded(triples: &[Triple]) -> Value {
    let mut nodes: Vec<Value> = Vec::new();
    let mut current: Option<(NamedOrBlankNodeRef<'_>, Map<String, Value>)> = None;
    for t in triples {
        let subject = t.subject.as_ref();
        if current.as_ref().is_none_or(|(s, _)| *s != subject) {
            nodes.extend(current.take().map(|(_, node)| Value::Object(node)));
            let id = match subject {
                NamedOrBlankNodeRef::NamedNode(n) => n.as_str().to_owned(),
                NamedOrBlankNodeRef::BlankNode(b) => format!("_:{}", b.as_str()),
            };
            current = Some((
                subject,
                Map::from_iter([("@id".to_owned(), Value::String(id))]),
            ));
        }
        let Some((_, node)) = current.as_mut() else {
            continue;
        };
        let (key, value) = match t.object.as_ref() {
            TermRef::NamedNode(n) if t.predicate == rdf::TYPE => {
                ("@type".to_owned(), Value::String(n.as_str().to_owned()))
            }
            object => (t.predicate.as_str().to_owned(), expanded_value(object)),
        };
        if let Value::Array(values) = node.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
            values.push(value);
        }
    }
    nodes.extend(current.map(|(_, node)| Value::Object(node)));
    Value::Array(nodes)
}

/// A value object of expanded JSON-LD: every literal as `@value` with its
/// language or datatype (none for `xsd:string`), every node as `@id`.
fn expanded_value(v: TermRef<'_>) -> Value {
    match v {
        TermRef::NamedNode(n) => object([("@id", Value::String(n.as_str().into()))]),
        TermRef::BlankNode(b) => object([("@id", Value::String(format!("_:{}", b.as_str())))]),
        TermRef::Literal(l) => {
            let value = ("@value", Value::String(l.value().into()));
            match l.language() {
                Some(language) => object([value, ("@language", Value::String(language.into()))]),
                None if l.datatype() == xsd::STRING => object([value]),
                None => object([
                    value,
                    ("@type", Value::String(l.datatype().as_str().into())),
                ]),
            }
        }
    }
}

fn one_or_many(mut values: Vec<Value>) -> Value {
    if values.len() == 1 {
        values.remove(0)
    } else {
        Value::Array(values)
    }
}

/// `{"en": "text"}`, or `{"en": ["a", "b"]}` where a language has several.
fn language_map(values: &[TermRef<'_>]) -> Value {
    let mut by_language: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for v in values {
        if let TermRef::Literal(l) = v {
            by_language
                .entry(l.language().unwrap_or_default())
                .or_default()
                .push(Value::String(l.value().to_owned()));
        }
    }
    Value::Object(
        by_language
            .into_iter()
            .map(|(k, v)| (k.to_owned(), one_or_many(v)))
            .collect(),
    )
}

/// A value under a key with no coercion: strings, numbers and booleans where
/// JSON-LD reads them back as the same literal, value objects otherwise.
fn full_value(v: TermRef<'_>, context: &Context) -> Value {
    match v {
        TermRef::NamedNode(n) => object([("@id", Value::String(context.compact_iri(n.as_str())))]),
        TermRef::BlankNode(b) => object([("@id", Value::String(format!("_:{}", b.as_str())))]),
        TermRef::Literal(l) => literal(l, context),
    }
}

fn literal(l: LiteralRef<'_>, context: &Context) -> Value {
    let value = l.value();
    if let Some(language) = l.language() {
        return object([
            ("@value", Value::String(value.into())),
            ("@language", Value::String(language.into())),
        ]);
    }
    let datatype = l.datatype();
    if datatype == xsd::STRING {
        return Value::String(value.into());
    }
    if datatype == xsd::BOOLEAN && matches!(value, "true" | "false") {
        return Value::Bool(value == "true");
    }
    if datatype == xsd::INTEGER
        && let Ok(n) = value.parse::<i64>()
    {
        // JSON-LD writes native numbers back in canonical form only.
        if n.to_string() == value && n.unsigned_abs() < 1 << 53 {
            return Value::Number(n.into());
        }
    }
    object([
        ("@value", Value::String(value.into())),
        (
            "@type",
            Value::String(context.compact_iri(datatype.as_str())),
        ),
    ])
}

fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ontology::CONTEXT_JSONLD;

    #[test]
    fn the_shipped_context_is_supported() {
        let context = Context::parse(CONTEXT_JSONLD).unwrap();
        assert_eq!(
            context.term("http://www.w3.org/2004/02/skos/core#prefLabel"),
            Some("prefLabel")
        );
        assert_eq!(
            context.compact_iri("http://www.w3.org/2004/02/skos/core#Collection"),
            "skos:Collection"
        );
        assert_eq!(
            context.compact_iri("https://example.org/x"),
            "https://example.org/x"
        );
    }

    #[test]
    fn unsupported_definitions_are_refused() {
        let err =
            Context::parse(r#"{"@context": {"x": {"@id": "http://e/x", "@container": "@list"}}}"#)
                .unwrap_err();
        assert!(err.to_string().contains("`x`"));
    }
}
