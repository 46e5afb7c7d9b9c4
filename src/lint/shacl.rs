//! SHACL validation, evaluated natively over the lint [`Graph`].
//!
//! Lint evaluates SHACL Core (and SHACL-SPARQL's `sh:sparql` constraints)
//! itself rather than through rudof's `shacl` crate (0.3.37, the current
//! release, which replaced `shacl_validation`). That crate was tried again: it
//! now follows every path form and blank-node values without panicking, but
//! its `rudof_rdf` dependency turns on Oxigraph's `rdf-12` and HTTP client
//! features whatever features we ask for. The first adds `Term::Triple`, so a
//! dozen of our `match`es on terms stop compiling; the second would let a
//! `SERVICE` in a query sent to the server, or in a shape's `sh:sparql`, fetch
//! any address. It also brings reqwest 0.12 beside our 0.13 and 85 more
//! packages. `default-features = false` removes none of that, only its
//! SHACL-SPARQL, which it then skips silently (SkoHub's shapes use it); with
//! SHACL-SPARQL on, a blank-node focus node makes the whole validation fail.
//! Neither it nor any SHACL engine applies SKOS's semantics (that is why
//! pySHACL with SkoHub's shapes misses 6 of the 51 SKOS Reference examples),
//! so the SKOS conditions are Rust over the same index (`skos.rs`) and SHACL
//! checks what SHACL is for: the shape of the published data
//! (`ontology/shapes.ttl`, and any shapes given with `--shapes`).
//!
//! What is evaluated: targets (`sh:targetClass`, implicit class targets,
//! `sh:targetNode`, `sh:targetSubjectsOf`, `sh:targetObjectsOf`); every path
//! form; `sh:class`, `sh:datatype`, `sh:nodeKind`, `sh:minCount`,
//! `sh:maxCount`, `sh:minLength`, `sh:maxLength`, `sh:pattern`,
//! `sh:languageIn`, `sh:uniqueLang`, `sh:in`, `sh:hasValue`, `sh:equals`,
//! `sh:disjoint`, the four value ranges, `sh:node`, `sh:property`, `sh:and`,
//! `sh:or`, `sh:not`, `sh:xone`, `sh:closed` and `sh:sparql` (SELECT, with
//! `sh:prefixes`), `sh:severity`, `sh:message` and `sh:deactivated`. Anything
//! else a shape uses (`sh:lessThan`, qualified value shapes, SPARQL-based
//! constraint components) is reported as `shacl/unsupported`, never silently
//! skipped. `sh:pattern` and the value ranges are evaluated by Oxigraph's
//! SPARQL `REGEX` and comparison operators, which is how SHACL defines them.

use super::finding::{Finding, Severity};
use super::graph::{Graph, Id};
use crate::vocab::compact;
use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, Term, Variable};
use oxigraph::sparql::{CancellationToken, QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use spargebra::{Query, SparqlParser};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant};

/// The shapes a published glossary conforms to, shipped in the binary.
pub const SHAPES_TTL: &str = include_str!("../../ontology/shapes.ttl");

const SH: &str = "http://www.w3.org/ns/shacl#";
/// Deepest nesting of `sh:node`, `sh:and`… followed when validating.
const MAX_DEPTH: usize = 32;

fn sh(local: &str) -> String {
    format!("{SH}{local}")
}

/// A SHACL property path.
#[derive(Debug, Clone)]
enum Path {
    Predicate(Id),
    Inverse(Box<Path>),
    Sequence(Vec<Path>),
    Alternative(Vec<Path>),
    ZeroOrMore(Box<Path>),
    OneOrMore(Box<Path>),
    ZeroOrOne(Box<Path>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodeKind {
    Iri,
    Blank,
    Literal,
    BlankOrIri,
    BlankOrLiteral,
    IriOrLiteral,
}

#[derive(Debug, Clone)]
enum Constraint {
    Class(Id),
    Datatype(NamedNode),
    NodeKind(NodeKind),
    MinCount(usize),
    MaxCount(usize),
    MinLength(usize),
    MaxLength(usize),
    Pattern(String, String),
    LanguageIn(Vec<String>),
    UniqueLang,
    In(Vec<Id>),
    HasValue(Id),
    Equals(Id),
    Disjoint(Id),
    /// (SPARQL operator, bound): the value must satisfy `value OP bound`.
    Range(&'static str, Term),
    Node(usize),
    And(Vec<usize>),
    Or(Vec<usize>),
    Not(usize),
    Xone(Vec<usize>),
    Closed(BTreeSet<Id>),
    Sparql(Box<SparqlConstraint>),
    Unsupported(String),
}

#[derive(Debug, Clone)]
struct SparqlConstraint {
    query: Query,
    message: Option<String>,
}

#[derive(Debug, Clone)]
enum Target {
    Class(Id),
    Node(Id),
    SubjectsOf(Id),
    ObjectsOf(Id),
}

#[derive(Debug, Clone)]
struct Shape {
    /// The shape's IRI, or a description of a blank-node shape.
    name: String,
    path: Option<(Path, String)>,
    targets: Vec<Target>,
    severity: Severity,
    message: Option<String>,
    deactivated: bool,
    constraints: Vec<Constraint>,
    properties: Vec<usize>,
}

/// Shapes compiled against one data graph.
pub struct Shapes {
    shapes: Vec<Shape>,
    /// Problems with the shapes themselves.
    pub problems: Vec<Finding>,
}

/// A shapes graph could not be read.
#[derive(Debug, thiserror::Error)]
#[error("the shapes in {origin} are not valid Turtle")]
pub struct ShapesError {
    pub origin: String,
    pub source: oxigraph::io::RdfSyntaxError,
}

/// Reads a shapes graph in Turtle.
pub fn parse_shapes(turtle: &str, origin: &str) -> Result<Graph, ShapesError> {
    let triples = oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
        .for_slice(turtle.as_bytes())
        .map(|q| q.map(oxigraph::model::Triple::from))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| ShapesError {
            origin: origin.to_owned(),
            source,
        })?;
    Ok(Graph::new(triples))
}

/// Reads the shapes in `shapes` and maps their terms into `data` (which gains
/// the terms, not triples).
pub fn compile(shapes: &Graph, data: &mut Graph, origin: &str) -> Shapes {
    let mut c = Compiler {
        sg: shapes,
        depth: 0,
        data,
        origin: origin.to_owned(),
        shapes: Vec::new(),
        index: HashMap::new(),
        problems: Vec::new(),
    };
    let roots = c.roots();
    for root in roots {
        c.shape(root);
    }
    Shapes {
        shapes: c.shapes,
        problems: c.problems,
    }
}

struct Compiler<'a> {
    sg: &'a Graph,
    /// How deep the shape or path being read is nested.
    depth: usize,
    origin: String,
    data: &'a mut Graph,
    shapes: Vec<Shape>,
    index: HashMap<Id, usize>,
    problems: Vec<Finding>,
}

impl Compiler<'_> {
    fn p(&self, local: &str) -> Option<Id> {
        self.sg.iri(NamedNodeRef::new_unchecked(&sh(local)))
    }

    fn one(&self, node: Id, local: &str) -> Option<Id> {
        let p = self.p(local)?;
        self.sg.objects(node, p).next()
    }

    fn all(&self, node: Id, local: &str) -> Vec<Id> {
        self.p(local)
            .map(|p| self.sg.objects(node, p).collect())
            .unwrap_or_default()
    }

    /// Shapes with targets: where validation starts.
    fn roots(&self) -> Vec<Id> {
        let mut roots = BTreeSet::new();
        for local in [
            "targetClass",
            "targetNode",
            "targetSubjectsOf",
            "targetObjectsOf",
        ] {
            if let Some(p) = self.p(local) {
                roots.extend(self.sg.pairs(p).map(|(s, _)| s));
            }
        }
        if let (Some(ty), Some(node_shape)) = (
            self.sg.iri(rdf::TYPE),
            self.sg.iri(NamedNodeRef::new_unchecked(&sh("NodeShape"))),
        ) {
            for s in self.sg.subjects(ty, node_shape) {
                if self.is_class(s) {
                    roots.insert(s);
                }
            }
        }
        roots.into_iter().collect()
    }

    fn is_class(&self, node: Id) -> bool {
        let Some(ty) = self.sg.iri(rdf::TYPE) else {
            return false;
        };
        self.sg.objects(node, ty).any(|c| {
            matches!(self.sg.term(c), Term::NamedNode(n) if n.as_str() == "http://www.w3.org/2000/01/rdf-schema#Class" || n.as_str() == "http://www.w3.org/2002/07/owl#Class")
        })
    }

    fn data_id(&mut self, node: Id) -> Id {
        self.data.intern_term(self.sg.term(node).clone())
    }

    fn list(&self, head: Id) -> Vec<Id> {
        let (Some(first), Some(rest)) = (self.sg.iri(rdf::FIRST), self.sg.iri(rdf::REST)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut at = head;
        let mut seen = HashSet::new();
        while seen.insert(at) {
            if matches!(self.sg.term(at), Term::NamedNode(n) if n.as_ref() == rdf::NIL) {
                break;
            }
            match self.sg.objects(at, first).next() {
                Some(item) => out.push(item),
                None => break,
            }
            match self.sg.objects(at, rest).next() {
                Some(next) => at = next,
                None => break,
            }
        }
        out
    }

    fn text(&self, node: Id) -> Option<String> {
        match self.sg.term(node) {
            Term::Literal(l) => Some(l.value().to_owned()),
            Term::NamedNode(n) => Some(n.as_str().to_owned()),
            Term::BlankNode(_) => None,
        }
    }

    fn integer(&self, node: Id) -> Option<usize> {
        self.text(node)?.trim().parse().ok()
    }

    fn path(&mut self, node: Id) -> Option<Path> {
        if let Term::NamedNode(_) = self.sg.term(node) {
            return Some(Path::Predicate(self.data_id(node)));
        }
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let path = self.complex_path(node);
        self.depth -= 1;
        path
    }

    fn complex_path(&mut self, node: Id) -> Option<Path> {
        if let Some(inner) = self.one(node, "inversePath") {
            return Some(Path::Inverse(Box::new(self.path(inner)?)));
        }
        if let Some(list) = self.one(node, "alternativePath") {
            let items = self.list(list);
            return Some(Path::Alternative(
                items.into_iter().filter_map(|i| self.path(i)).collect(),
            ));
        }
        for (local, make) in [
            ("zeroOrMorePath", Path::ZeroOrMore as fn(Box<Path>) -> Path),
            ("oneOrMorePath", Path::OneOrMore),
            ("zeroOrOnePath", Path::ZeroOrOne),
        ] {
            if let Some(inner) = self.one(node, local) {
                return Some(make(Box::new(self.path(inner)?)));
            }
        }
        let items = self.list(node);
        if !items.is_empty() {
            return Some(Path::Sequence(
                items.into_iter().filter_map(|i| self.path(i)).collect(),
            ));
        }
        None
    }

    fn shape(&mut self, node: Id) -> usize {
        if let Some(i) = self.index.get(&node) {
            return *i;
        }
        let index = self.shapes.len();
        self.index.insert(node, index);
        let too_deep = self.depth >= MAX_DEPTH;
        let name = match self.sg.term(node) {
            Term::NamedNode(n) => format!("<{}>", n.as_str()),
            _ => "a blank-node shape".to_owned(),
        };
        self.shapes.push(Shape {
            name,
            path: None,
            targets: Vec::new(),
            severity: Severity::Error,
            message: None,
            deactivated: false,
            constraints: Vec::new(),
            properties: Vec::new(),
        });
        if too_deep {
            // Shapes nested deeper than this are not followed (they conform).
            self.problems.push(
                Finding::new(
                    "shacl/unsupported",
                    super::finding::Location {
                        source: Some(self.origin.clone()),
                        ..super::finding::Location::default()
                    },
                    format!("shapes are nested more than {MAX_DEPTH} levels deep; the deeper ones were skipped"),
                )
                .with_help("flatten the shapes"),
            );
            return index;
        }
        self.depth += 1;
        let shape = self.build(node);
        self.depth -= 1;
        self.shapes[index] = shape;
        index
    }

    fn build(&mut self, node: Id) -> Shape {
        let mut shape = self.shapes[self.index[&node]].clone();
        shape.path = self.one(node, "path").and_then(|p| {
            let shown = show_path(self.sg, p);
            self.path(p).map(|path| (path, shown))
        });
        shape.severity = match self
            .one(node, "severity")
            .map(|s| self.sg.show(s))
            .as_deref()
        {
            Some(s) if s == sh("Warning") => Severity::Warning,
            Some(s) if s == sh("Info") => Severity::Info,
            _ => Severity::Error,
        };
        shape.message = self.message(node);
        shape.deactivated = self
            .one(node, "deactivated")
            .and_then(|d| self.text(d))
            .as_deref()
            == Some("true");
        for (local, kind) in [
            ("targetClass", 0),
            ("targetNode", 1),
            ("targetSubjectsOf", 2),
            ("targetObjectsOf", 3),
        ] {
            for t in self.all(node, local) {
                let id = self.data_id(t);
                shape.targets.push(match kind {
                    0 => Target::Class(id),
                    1 => Target::Node(id),
                    2 => Target::SubjectsOf(id),
                    _ => Target::ObjectsOf(id),
                });
            }
        }
        if self.is_class(node) {
            let id = self.data_id(node);
            shape.targets.push(Target::Class(id));
        }
        let mut constraints = Vec::new();
        let property_p = self.p("property");
        for (p, o) in self.sg.outgoing(node).collect::<Vec<_>>() {
            let Term::NamedNode(pn) = self.sg.term(p) else {
                continue;
            };
            let Some(local) = pn.as_str().strip_prefix(SH) else {
                continue;
            };
            let local = local.to_owned();
            if Some(p) == property_p {
                let i = self.shape(o);
                shape.properties.push(i);
                continue;
            }
            if let Some(c) = self.constraint(node, &local, o) {
                constraints.push(c);
            }
        }
        shape.constraints = constraints;
        shape
    }

    fn message(&self, node: Id) -> Option<String> {
        let messages = self.all(node, "message");
        let pick = messages
            .iter()
            .find(|m| matches!(self.sg.term(**m), Term::Literal(l) if l.language() == Some("en")))
            .or(messages.first())?;
        self.text(*pick)
    }

    fn constraint(&mut self, node: Id, local: &str, o: Id) -> Option<Constraint> {
        let count = |c: &Self| c.integer(o);
        Some(match local {
            "class" => Constraint::Class(self.data_id(o)),
            "datatype" => match self.sg.term(o) {
                Term::NamedNode(n) => Constraint::Datatype(n.clone()),
                _ => return None,
            },
            "nodeKind" => Constraint::NodeKind(match self.sg.show(o).strip_prefix(SH) {
                Some("IRI") => NodeKind::Iri,
                Some("BlankNode") => NodeKind::Blank,
                Some("Literal") => NodeKind::Literal,
                Some("BlankNodeOrIRI") => NodeKind::BlankOrIri,
                Some("BlankNodeOrLiteral") => NodeKind::BlankOrLiteral,
                Some("IRIOrLiteral") => NodeKind::IriOrLiteral,
                _ => {
                    return Some(Constraint::Unsupported(format!(
                        "sh:nodeKind {}",
                        self.sg.show(o)
                    )));
                }
            }),
            "minCount" => Constraint::MinCount(count(self)?),
            "maxCount" => Constraint::MaxCount(count(self)?),
            "minLength" => Constraint::MinLength(count(self)?),
            "maxLength" => Constraint::MaxLength(count(self)?),
            "pattern" => {
                let flags = self
                    .one(node, "flags")
                    .and_then(|f| self.text(f))
                    .unwrap_or_default();
                Constraint::Pattern(self.text(o)?, flags)
            }
            "languageIn" => Constraint::LanguageIn(
                self.list(o)
                    .into_iter()
                    .filter_map(|l| self.text(l))
                    .map(|l| l.to_ascii_lowercase())
                    .collect(),
            ),
            "uniqueLang" if self.text(o).as_deref() == Some("true") => Constraint::UniqueLang,
            "in" => {
                let items = self.list(o);
                Constraint::In(items.into_iter().map(|i| self.data_id(i)).collect())
            }
            "hasValue" => Constraint::HasValue(self.data_id(o)),
            "equals" => Constraint::Equals(self.data_id(o)),
            "disjoint" => Constraint::Disjoint(self.data_id(o)),
            "minInclusive" => Constraint::Range(">=", self.sg.term(o).clone()),
            "maxInclusive" => Constraint::Range("<=", self.sg.term(o).clone()),
            "minExclusive" => Constraint::Range(">", self.sg.term(o).clone()),
            "maxExclusive" => Constraint::Range("<", self.sg.term(o).clone()),
            "node" => Constraint::Node(self.shape(o)),
            "not" => Constraint::Not(self.shape(o)),
            "and" | "or" | "xone" => {
                let members: Vec<usize> = self.list(o).into_iter().map(|m| self.shape(m)).collect();
                match local {
                    "and" => Constraint::And(members),
                    "or" => Constraint::Or(members),
                    _ => Constraint::Xone(members),
                }
            }
            "closed" => {
                if self.text(o).as_deref() != Some("true") {
                    return None;
                }
                let mut allowed = BTreeSet::new();
                if let Some(list) = self.one(node, "ignoredProperties") {
                    for p in self.list(list) {
                        allowed.insert(self.data_id(p));
                    }
                }
                for property in self.all(node, "property") {
                    if let Some(path) = self.one(property, "path")
                        && let Term::NamedNode(_) = self.sg.term(path)
                    {
                        allowed.insert(self.data_id(path));
                    }
                }
                Constraint::Closed(allowed)
            }
            "sparql" => return Some(self.sparql(o)),
            "lessThan"
            | "lessThanOrEquals"
            | "qualifiedValueShape"
            | "qualifiedMinCount"
            | "qualifiedMaxCount" => {
                if local.starts_with("qualifiedM") {
                    return None;
                }
                Constraint::Unsupported(format!("sh:{local}"))
            }
            _ => return None,
        })
    }

    fn sparql(&mut self, node: Id) -> Constraint {
        let Some(select) = self.one(node, "select").and_then(|s| self.text(s)) else {
            return Constraint::Unsupported("sh:sparql without sh:select".into());
        };
        let mut prologue = String::new();
        let mut seen = HashSet::new();
        let mut todo = self.all(node, "prefixes");
        while let Some(o) = todo.pop() {
            if !seen.insert(o) {
                continue;
            }
            for d in self.all(o, "declare") {
                if let (Some(prefix), Some(ns)) = (
                    self.one(d, "prefix").and_then(|p| self.text(p)),
                    self.one(d, "namespace").and_then(|n| self.text(n)),
                ) {
                    prologue.push_str(&format!("PREFIX {prefix}: <{ns}>\n"));
                }
            }
            todo.extend(self.all(o, "prefixes"));
        }
        let text = format!("{prologue}{select}");
        let parsed = crate::query::negations::check(&text)
            .map_err(|e| e.to_string())
            .and_then(|()| {
                SparqlParser::new()
                    .parse_query(&text)
                    .map_err(|e| e.to_string())
            });
        match parsed {
            Ok(query) => Constraint::Sparql(Box::new(SparqlConstraint {
                query,
                message: self.message(node),
            })),
            Err(e) => {
                self.problems.push(
                    Finding::new(
                        "shacl/unsupported",
                        super::finding::Location {
                            source: Some(self.origin.clone()),
                            ..super::finding::Location::default()
                        },
                        format!("a sh:sparql constraint does not parse: {e}"),
                    )
                    .with_help("fix the query, or declare its prefixes with sh:prefixes"),
                );
                Constraint::Unsupported("sh:sparql that does not parse".into())
            }
        }
    }
}

/// A path as written in messages: `skos:prefLabel`, `^skos:broader`, or "a complex path".
fn show_path(sg: &Graph, node: Id) -> String {
    let inverse = sg.iri(NamedNodeRef::new_unchecked(&sh("inversePath")));
    match sg.term(node) {
        Term::NamedNode(n) => compact(n.as_str()),
        _ => match inverse.and_then(|p| sg.objects(node, p).next()) {
            Some(inner) => match sg.term(inner) {
                Term::NamedNode(n) => format!("^{}", compact(n.as_str())),
                _ => "a complex path".to_owned(),
            },
            None => "a complex path".to_owned(),
        },
    }
}

/// One constraint not met.
struct Violation {
    component: &'static str,
    value: Option<Id>,
    detail: String,
}

/// Evaluates shapes over one data graph.
pub struct Validator<'a> {
    g: &'a Graph,
    store: Option<&'a Store>,
    subclasses: RefCell<HashMap<Id, HashSet<Id>>>,
    empty: Store,
    reported_unsupported: RefCell<HashSet<String>>,
    /// How long one shape may take over all its focus nodes.
    limit: Duration,
    /// Cancels the `sh:sparql` query running when the shape's time is up.
    token: RefCell<CancellationToken>,
    progress: bool,
}

impl<'a> Validator<'a> {
    /// A validator over `g`; `store` (the same graph in Oxigraph) is needed only
    /// for `sh:sparql` constraints.
    pub fn new(
        g: &'a Graph,
        store: Option<&'a Store>,
    ) -> Result<Self, oxigraph::store::StorageError> {
        Ok(Self {
            g,
            store,
            subclasses: RefCell::new(HashMap::new()),
            empty: Store::new()?,
            reported_unsupported: RefCell::new(HashSet::new()),
            limit: Duration::MAX,
            token: RefCell::new(CancellationToken::new()),
            progress: false,
        })
    }

    /// Stops each shape after `limit` (its results so far are kept, and a
    /// finding says it was stopped); with `progress`, says on standard error
    /// which shape runs.
    pub fn limited(mut self, limit: Duration, progress: bool) -> Self {
        self.limit = limit;
        self.progress = progress;
        self
    }

    /// Every result of every shape with targets, as findings.
    pub fn validate(&self, shapes: &Shapes) -> Vec<Finding> {
        let mut out = shapes.problems.clone();
        let targeted: Vec<(usize, &Shape)> = shapes
            .shapes
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.targets.is_empty() && !s.deactivated)
            .collect();
        for (n, &(i, shape)) in targeted.iter().enumerate() {
            if self.progress {
                eprint!(
                    "\r\x1b[Kglossgraph lint: shape {}/{} {}",
                    n + 1,
                    targeted.len(),
                    shape.name
                );
            }
            let focus_nodes = self.focus_nodes(shape);
            let token = CancellationToken::new();
            *self.token.borrow_mut() = token.clone();
            let started = Instant::now();
            let deadline = started.checked_add(self.limit);
            let checked = std::thread::scope(|scope| {
                // Cancels a query still running at the deadline; told to
                // stand down when the shape ends first.
                let (done, ended) = std::sync::mpsc::channel::<()>();
                let limit = self.limit;
                if limit < Duration::MAX {
                    scope.spawn(move || {
                        // Disconnected: the shape ended in time.
                        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                            ended.recv_timeout(limit)
                        {
                            token.cancel();
                        }
                    });
                }
                let mut checked = 0;
                for &focus in &focus_nodes {
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        break;
                    }
                    for (shape_index, v) in self.check(shapes, i, focus, 0) {
                        out.push(self.finding(shapes, shape_index, focus, v));
                    }
                    if self.token.borrow().is_cancelled() {
                        break;
                    }
                    checked += 1;
                }
                drop(done);
                checked
            });
            let stopped = self.token.borrow().is_cancelled() || checked < focus_nodes.len();
            if stopped {
                out.push(
                    Finding::new(
                        "shacl/time-limit",
                        super::finding::Location::default(),
                        format!(
                            "the shape {} was stopped after {:.1} s, with {checked} of its {} focus nodes checked: its results are incomplete",
                            shape.name,
                            started.elapsed().as_secs_f64(),
                            focus_nodes.len()
                        ),
                    )
                    .with_severity(Severity::Warning)
                    .with_help("give it more time with --shape-timeout SECONDS, or make its SPARQL cheaper")
                    .with_related([shape.name.trim_matches(['<', '>']).to_owned()]),
                );
            }
        }
        if self.progress && !targeted.is_empty() {
            eprint!("\r\x1b[K");
        }
        out
    }

    fn finding(&self, shapes: &Shapes, index: usize, focus: Id, v: Violation) -> Finding {
        let shape = &shapes.shapes[index];
        let path = shape
            .path
            .as_ref()
            .map(|(_, shown)| format!(" {shown}"))
            .unwrap_or_default();
        let value = v
            .value
            .filter(|x| *x != focus)
            .map(|x| format!(" (value {})", self.g.term(x)))
            .unwrap_or_default();
        let mut message = format!("{}{path}: {}{value}", self.g.term(focus), v.detail);
        if let Some(m) = &shape.message
            && v.component != "shacl/sparql"
        {
            message.push_str(&format!(" — {m}"));
        }
        let mut f =
            Finding::new(v.component, self.g.locate(focus), message).with_severity(shape.severity);
        if v.component == "shacl/unsupported" {
            f = f.with_severity(Severity::Warning);
        }
        f.with_help(format!("the shape {} requires it", shape.name))
            .with_related([shape.name.trim_matches(['<', '>']).to_owned()])
    }

    fn focus_nodes(&self, shape: &Shape) -> Vec<Id> {
        let mut out = BTreeSet::new();
        for t in &shape.targets {
            match *t {
                Target::Node(n) => {
                    out.insert(n);
                }
                Target::Class(c) => out.extend(self.instances(c)),
                Target::SubjectsOf(p) => out.extend(self.g.pairs(p).map(|(s, _)| s)),
                Target::ObjectsOf(p) => out.extend(self.g.pairs(p).map(|(_, o)| o)),
            }
        }
        out.into_iter().collect()
    }

    fn subclasses_of(&self, class: Id) -> HashSet<Id> {
        if let Some(found) = self.subclasses.borrow().get(&class) {
            return found.clone();
        }
        let mut found = HashSet::from([class]);
        if let Some(sub) = self.g.iri(rdfs::SUB_CLASS_OF) {
            let mut todo = vec![class];
            while let Some(c) = todo.pop() {
                for child in self.g.subjects(sub, c) {
                    if found.insert(child) {
                        todo.push(child);
                    }
                }
            }
        }
        self.subclasses.borrow_mut().insert(class, found.clone());
        found
    }

    fn instances(&self, class: Id) -> Vec<Id> {
        let Some(ty) = self.g.iri(rdf::TYPE) else {
            return Vec::new();
        };
        let mut out: Vec<Id> = self
            .subclasses_of(class)
            .into_iter()
            .flat_map(|c| self.g.subjects(ty, c).collect::<Vec<_>>())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    fn is_instance(&self, x: Id, class: Id) -> bool {
        let Some(ty) = self.g.iri(rdf::TYPE) else {
            return false;
        };
        let classes = self.subclasses_of(class);
        self.g.objects(x, ty).any(|t| classes.contains(&t))
    }

    fn values(&self, path: &Path, x: Id) -> Vec<Id> {
        let mut out = self.step(path, x, false);
        out.sort_unstable();
        out.dedup();
        out
    }

    fn step(&self, path: &Path, x: Id, inverse: bool) -> Vec<Id> {
        match path {
            Path::Predicate(p) => {
                if inverse {
                    self.g.subjects(*p, x).collect()
                } else {
                    self.g.objects(x, *p).collect()
                }
            }
            Path::Inverse(inner) => self.step(inner, x, !inverse),
            Path::Sequence(items) => {
                let mut at = vec![x];
                let ordered: Vec<&Path> = if inverse {
                    items.iter().rev().collect()
                } else {
                    items.iter().collect()
                };
                for item in ordered {
                    let mut next: Vec<Id> = at
                        .iter()
                        .flat_map(|y| self.step(item, *y, inverse))
                        .collect();
                    next.sort_unstable();
                    next.dedup();
                    at = next;
                }
                at
            }
            Path::Alternative(items) => items
                .iter()
                .flat_map(|i| self.step(i, x, inverse))
                .collect(),
            Path::ZeroOrOne(inner) => {
                let mut out = vec![x];
                out.extend(self.step(inner, x, inverse));
                out
            }
            Path::ZeroOrMore(inner) | Path::OneOrMore(inner) => {
                let mut seen = HashSet::new();
                let mut todo = self.step(inner, x, inverse);
                if matches!(path, Path::ZeroOrMore(_)) {
                    seen.insert(x);
                }
                while let Some(y) = todo.pop() {
                    if seen.insert(y) {
                        todo.extend(self.step(inner, y, inverse));
                    }
                }
                seen.into_iter().collect()
            }
        }
    }

    fn conforms(&self, shapes: &Shapes, shape: usize, x: Id, depth: usize) -> bool {
        depth > MAX_DEPTH || self.check(shapes, shape, x, depth + 1).is_empty()
    }

    /// The violations of shape `index` at focus node `x`, with the shape each comes from.
    fn check(&self, shapes: &Shapes, index: usize, x: Id, depth: usize) -> Vec<(usize, Violation)> {
        let shape = &shapes.shapes[index];
        let mut out = Vec::new();
        if shape.deactivated {
            return out;
        }
        let values = match &shape.path {
            Some((path, _)) => self.values(path, x),
            None => vec![x],
        };
        for c in &shape.constraints {
            for v in self.constraint(shapes, shape, c, x, &values, depth) {
                out.push((index, v));
            }
        }
        for &p in &shape.properties {
            for v in &values {
                out.extend(self.check(shapes, p, *v, depth + 1));
            }
        }
        out
    }

    fn constraint(
        &self,
        shapes: &Shapes,
        shape: &Shape,
        c: &Constraint,
        x: Id,
        values: &[Id],
        depth: usize,
    ) -> Vec<Violation> {
        let g = self.g;
        let each = |component: &'static str,
                    ok: &dyn Fn(Id) -> bool,
                    detail: &dyn Fn(Id) -> String|
         -> Vec<Violation> {
            values
                .iter()
                .filter(|v| !ok(**v))
                .map(|v| Violation {
                    component,
                    value: Some(*v),
                    detail: detail(*v),
                })
                .collect()
        };
        let one = |component: &'static str, detail: String| {
            vec![Violation {
                component,
                value: None,
                detail,
            }]
        };
        match c {
            Constraint::Class(class) => {
                each("shacl/class", &|v| self.is_instance(v, *class), &|_| {
                    format!("expected an instance of {}", g.term(*class))
                })
            }
            Constraint::Datatype(dt) => each(
                "shacl/datatype",
                &|v| match g.term(v) {
                    Term::Literal(l) => l.datatype() == dt.as_ref() && well_formed(l),
                    _ => false,
                },
                &|_| format!("expected a literal of datatype {}", compact(dt.as_str())),
            ),
            Constraint::NodeKind(kind) => each(
                "shacl/node-kind",
                &|v| {
                    let t = g.term(v);
                    let (iri, blank, literal) = (
                        matches!(t, Term::NamedNode(_)),
                        matches!(t, Term::BlankNode(_)),
                        matches!(t, Term::Literal(_)),
                    );
                    match kind {
                        NodeKind::Iri => iri,
                        NodeKind::Blank => blank,
                        NodeKind::Literal => literal,
                        NodeKind::BlankOrIri => blank || iri,
                        NodeKind::BlankOrLiteral => blank || literal,
                        NodeKind::IriOrLiteral => iri || literal,
                    }
                },
                &|_| {
                    format!(
                        "expected {}",
                        match kind {
                            NodeKind::Iri => "an IRI",
                            NodeKind::Blank => "a blank node",
                            NodeKind::Literal => "a literal",
                            NodeKind::BlankOrIri => "an IRI or a blank node",
                            NodeKind::BlankOrLiteral => "a blank node or a literal",
                            NodeKind::IriOrLiteral => "an IRI or a literal",
                        }
                    )
                },
            ),
            Constraint::MinCount(n) if values.len() < *n => one(
                "shacl/min-count",
                format!("expected at least {n} value(s), found {}", values.len()),
            ),
            Constraint::MaxCount(n) if values.len() > *n => one(
                "shacl/max-count",
                format!("expected at most {n} value(s), found {}", values.len()),
            ),
            Constraint::MinCount(_) | Constraint::MaxCount(_) => Vec::new(),
            Constraint::MinLength(n) | Constraint::MaxLength(n) => {
                let min = matches!(c, Constraint::MinLength(_));
                each(
                    if min {
                        "shacl/min-length"
                    } else {
                        "shacl/max-length"
                    },
                    &|v| match lexical(g.term(v)) {
                        Some(text) => {
                            let len = text.chars().count();
                            if min { len >= *n } else { len <= *n }
                        }
                        None => false,
                    },
                    &|_| {
                        format!(
                            "expected a length of {} {n}",
                            if min { "at least" } else { "at most" }
                        )
                    },
                )
            }
            Constraint::Pattern(pattern, flags) => each(
                "shacl/pattern",
                &|v| match lexical(g.term(v)) {
                    Some(text) => self.ask(
                        "ASK { FILTER(REGEX(?v, ?p, ?f)) }",
                        &[("v", text), ("p", pattern.clone()), ("f", flags.clone())],
                    ),
                    None => false,
                },
                &|_| format!("expected a match of /{pattern}/{flags}"),
            ),
            Constraint::LanguageIn(languages) => each(
                "shacl/language-in",
                &|v| match g.term(v) {
                    Term::Literal(l) => l.language().is_some_and(|tag| {
                        let tag = tag.to_ascii_lowercase();
                        languages.iter().any(|want| {
                            want == "*"
                                || tag == *want
                                || tag
                                    .strip_prefix(want.as_str())
                                    .is_some_and(|r| r.starts_with('-'))
                        })
                    }),
                    _ => false,
                },
                &|_| format!("expected a language among {}", languages.join(", ")),
            ),
            Constraint::UniqueLang => {
                let mut seen: HashMap<String, usize> = HashMap::new();
                for v in values {
                    if let Term::Literal(l) = g.term(*v)
                        && let Some(tag) = l.language()
                    {
                        *seen.entry(tag.to_ascii_lowercase()).or_default() += 1;
                    }
                }
                let mut twice: Vec<&String> = seen
                    .iter()
                    .filter(|(_, n)| **n > 1)
                    .map(|(k, _)| k)
                    .collect();
                twice.sort();
                twice
                    .into_iter()
                    .map(|tag| Violation {
                        component: "shacl/unique-lang",
                        value: None,
                        detail: format!("more than one value in the language `{tag}`"),
                    })
                    .collect()
            }
            Constraint::In(allowed) => each("shacl/in", &|v| allowed.contains(&v), &|_| {
                format!(
                    "expected one of {}",
                    allowed
                        .iter()
                        .map(|a| g.term(*a).to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
            Constraint::HasValue(want) if !values.contains(want) => one(
                "shacl/has-value",
                format!("expected the value {}", g.term(*want)),
            ),
            Constraint::HasValue(_) => Vec::new(),
            Constraint::Equals(p) | Constraint::Disjoint(p) => {
                let other: BTreeSet<Id> = g.objects(x, *p).collect();
                let mine: BTreeSet<Id> = values.iter().copied().collect();
                if matches!(c, Constraint::Disjoint(_)) {
                    mine.intersection(&other)
                        .map(|v| Violation {
                            component: "shacl/disjoint",
                            value: Some(*v),
                            detail: format!("a value shared with {}", compact(&g.show(*p))),
                        })
                        .collect()
                } else {
                    mine.symmetric_difference(&other)
                        .map(|v| Violation {
                            component: "shacl/equals",
                            value: Some(*v),
                            detail: format!("values differ from those of {}", compact(&g.show(*p))),
                        })
                        .collect()
                }
            }
            Constraint::Range(op, bound) => each(
                "shacl/value-range",
                &|v| match g.term(v) {
                    Term::Literal(_) => self.ask_terms(
                        &format!("ASK {{ FILTER(?v {op} ?b) }}"),
                        &[("v", g.term(v).clone()), ("b", bound.clone())],
                    ),
                    _ => false,
                },
                &|_| format!("expected a value {op} {bound}"),
            ),
            Constraint::Node(s) => each(
                "shacl/node",
                &|v| self.conforms(shapes, *s, v, depth),
                &|_| format!("expected a value conforming to {}", shapes.shapes[*s].name),
            ),
            Constraint::Not(s) => each(
                "shacl/not",
                &|v| !self.conforms(shapes, *s, v, depth),
                &|_| {
                    format!(
                        "expected a value not conforming to {}",
                        shapes.shapes[*s].name
                    )
                },
            ),
            Constraint::And(members) => each(
                "shacl/and",
                &|v| members.iter().all(|m| self.conforms(shapes, *m, v, depth)),
                &|_| "expected to conform to all of the listed shapes".to_owned(),
            ),
            Constraint::Or(members) => each(
                "shacl/or",
                &|v| members.iter().any(|m| self.conforms(shapes, *m, v, depth)),
                &|_| {
                    format!(
                        "expected to conform to at least one of {} shapes",
                        members.len()
                    )
                },
            ),
            Constraint::Xone(members) => each(
                "shacl/xone",
                &|v| {
                    members
                        .iter()
                        .filter(|m| self.conforms(shapes, **m, v, depth))
                        .count()
                        == 1
                },
                &|_| {
                    format!(
                        "expected to conform to exactly one of {} shapes",
                        members.len()
                    )
                },
            ),
            Constraint::Closed(allowed) => {
                let mut out = Vec::new();
                for v in values {
                    for (p, o) in g.outgoing(*v) {
                        if !allowed.contains(&p) {
                            out.push(Violation {
                                component: "shacl/closed",
                                value: Some(o),
                                detail: format!(
                                    "the property {} is not allowed",
                                    compact(&g.show(p))
                                ),
                            });
                        }
                    }
                }
                out
            }
            Constraint::Sparql(sparql) => {
                let mut out = Vec::new();
                for v in values {
                    out.extend(self.sparql(sparql, shape, *v));
                }
                out
            }
            Constraint::Unsupported(what) => {
                if self
                    .reported_unsupported
                    .borrow_mut()
                    .insert(format!("{}{what}", shape.name))
                {
                    one(
                        "shacl/unsupported",
                        format!(
                            "lint does not evaluate {what} (in {}); it was skipped",
                            shape.name
                        ),
                    )
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn ask(&self, query: &str, bindings: &[(&str, String)]) -> bool {
        let terms: Vec<(&str, Term)> = bindings
            .iter()
            .map(|(k, v)| (*k, Term::Literal(Literal::new_simple_literal(v))))
            .collect();
        self.ask_terms(query, &terms)
    }

    fn ask_terms(&self, query: &str, bindings: &[(&str, Term)]) -> bool {
        let Ok(parsed) = SparqlParser::new().parse_query(query) else {
            return false;
        };
        let bindings: Vec<(Variable, Term)> = bindings
            .iter()
            .map(|(k, v)| (Variable::new_unchecked(*k), v.clone()))
            .collect();
        let Ok(bound) = crate::query::bind(parsed, &bindings) else {
            return false;
        };
        matches!(
            SparqlEvaluator::new()
                .for_query(bound)
                .on_store(&self.empty)
                .execute(),
            Ok(QueryResults::Boolean(true))
        )
    }

    fn sparql(&self, c: &SparqlConstraint, shape: &Shape, this: Id) -> Vec<Violation> {
        let Some(store) = self.store else {
            return Vec::new();
        };
        let term = self.g.term(this).clone();
        if matches!(term, Term::BlankNode(_)) {
            // Blank nodes of the data cannot be named in a query.
            return Vec::new();
        }
        let Ok(bound) =
            crate::query::bind(c.query.clone(), &[(Variable::new_unchecked("this"), term)])
        else {
            return Vec::new();
        };
        let mut prepared = SparqlEvaluator::new()
            .with_cancellation_token(self.token.borrow().clone())
            .for_query(bound);
        prepared.dataset_mut().set_default_graph_as_union();
        let mut out = Vec::new();
        if let Ok(QueryResults::Solutions(solutions)) = prepared.on_store(store).execute() {
            for solution in solutions.flatten() {
                let value = solution.get("value").and_then(|v| self.g.id(v));
                let mut detail = c
                    .message
                    .clone()
                    .or_else(|| shape.message.clone())
                    .unwrap_or_else(|| "a SPARQL constraint found a problem".to_owned());
                for (var, val) in solution.iter() {
                    for form in [
                        format!("{{?{}}}", var.as_str()),
                        format!("{{${}}}", var.as_str()),
                    ] {
                        detail = detail.replace(&form, &val.to_string());
                    }
                }
                out.push(Violation {
                    component: "shacl/sparql",
                    value,
                    detail,
                });
            }
        }
        out
    }
}

/// A literal's lexical form is valid for its datatype (for the XSD types Oxigraph knows).
fn well_formed(l: &Literal) -> bool {
    let dt = l.datatype();
    if dt == rdf::LANG_STRING {
        return l.language().is_some();
    }
    if dt == xsd::STRING
        || !dt
            .as_str()
            .starts_with(xsd::STRING.as_str().trim_end_matches("string"))
    {
        return true;
    }
    let value = l.value();
    match dt.as_str().rsplit('#').next().unwrap_or_default() {
        "integer" | "int" | "long" | "short" | "byte" | "nonNegativeInteger"
        | "positiveInteger" | "negativeInteger" | "nonPositiveInteger" | "unsignedInt"
        | "unsignedLong" => {
            let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        }
        "boolean" => matches!(value, "true" | "false" | "1" | "0"),
        "decimal" => value.parse::<f64>().is_ok() && !value.contains(['e', 'E']),
        "double" | "float" => {
            value.parse::<f64>().is_ok() || matches!(value, "INF" | "-INF" | "NaN")
        }
        "date" => is_date(value),
        "dateTime" => value
            .split_once('T')
            .is_some_and(|(d, t)| is_date(d) && t.len() >= 8),
        _ => true,
    }
}

fn is_date(value: &str) -> bool {
    let core = value.trim_end_matches('Z');
    let core = match core.rfind(['+', '-']) {
        Some(i) if i >= 10 => &core[..i],
        _ => core,
    };
    let parts: Vec<&str> = core.trim_start_matches('-').split('-').collect();
    parts.len() == 3
        && parts[0].len() >= 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

fn lexical(term: &Term) -> Option<String> {
    match term {
        Term::NamedNode(n) => Some(n.as_str().to_owned()),
        Term::Literal(l) => Some(l.value().to_owned()),
        Term::BlankNode(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{RdfFormat, RdfParser};
    use oxigraph::model::Triple;

    const PREFIXES: &str = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n";

    fn run(shapes: &str, data: &str) -> Vec<Finding> {
        let sg = parse_shapes(&format!("{PREFIXES}{shapes}"), "test").unwrap();
        let text = format!("{PREFIXES}{data}");
        let triples: Vec<Triple> = RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(text.as_bytes())
            .map(|q| Triple::from(q.unwrap()))
            .collect();
        let store = Store::new().unwrap();
        for t in &triples {
            store
                .insert(t.as_ref().in_graph(NamedNodeRef::new_unchecked("urn:test")))
                .unwrap();
        }
        let mut g = Graph::new(triples);
        let compiled = compile(&sg, &mut g, "test");
        Validator::new(&g, Some(&store))
            .unwrap()
            .validate(&compiled)
    }

    fn rules(findings: &[Finding]) -> Vec<&str> {
        let mut out: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn cardinality_datatype_and_language() {
        let shapes = "ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:label ; sh:minCount 1 ; sh:datatype rdf:langString ; sh:uniqueLang true ] .";
        assert!(run(shapes, "ex:a a ex:C ; ex:label \"A\"@en .").is_empty());
        assert_eq!(rules(&run(shapes, "ex:a a ex:C .")), ["shacl/min-count"]);
        assert_eq!(
            rules(&run(shapes, "ex:a a ex:C ; ex:label \"A\" .")),
            ["shacl/datatype"]
        );
        assert_eq!(
            rules(&run(shapes, "ex:a a ex:C ; ex:label \"A\"@en, \"B\"@en .")),
            ["shacl/unique-lang"]
        );
    }

    #[test]
    fn inverse_paths_or_and_sparql() {
        let shapes = "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ;
            sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:maxCount 0 ] ;
            sh:or ( [ sh:path ex:t ; sh:minCount 1 ] [ sh:path ex:u ; sh:minCount 1 ] ) ;
            sh:sparql [ sh:message \"self loop\" ; sh:select \"SELECT $this WHERE { $this <http://ex.org/p> $this }\" ] .";
        assert!(run(shapes, "ex:a ex:p ex:b ; ex:t 1 .").is_empty());
        assert_eq!(
            rules(&run(shapes, "ex:a ex:p ex:b . ex:c ex:p ex:a ; ex:u 1 .")),
            ["shacl/max-count", "shacl/or"]
        );
        assert_eq!(
            rules(&run(shapes, "ex:a ex:p ex:a ; ex:t 1 .")),
            ["shacl/max-count", "shacl/sparql"]
        );
    }

    #[test]
    fn pattern_and_ranges_use_sparql_operators() {
        let shapes = "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:n ; sh:pattern \"^[0-9]+$\" ; sh:minInclusive 1 ] .";
        assert!(run(shapes, "ex:a ex:n 5 .").is_empty());
        assert_eq!(rules(&run(shapes, "ex:a ex:n 0 .")), ["shacl/value-range"]);
        assert_eq!(
            rules(&run(shapes, "ex:a ex:n \"x\" .")),
            ["shacl/pattern", "shacl/value-range"]
        );
    }

    #[test]
    fn sparql_with_only_filters() {
        let shapes = "ex:S sh:targetClass ex:C ; sh:sparql [ sh:select \"SELECT $this WHERE { FILTER NOT EXISTS { $this <http://ex.org/p> ?x } }\" ] .";
        assert!(run(shapes, "ex:a a ex:C ; ex:p 1 .").is_empty());
        assert_eq!(rules(&run(shapes, "ex:a a ex:C .")), ["shacl/sparql"]);
    }

    #[test]
    fn cyclic_and_deeply_nested_shapes_do_not_overflow() {
        let shapes =
            "ex:S sh:targetNode ex:a ; sh:property [ sh:path _:p ] . _:p sh:inversePath _:p .";
        let _ = run(shapes, "ex:a ex:n 5 .");
        let mut nested = String::from("ex:S sh:targetNode ex:a ; sh:node ");
        for _ in 0..5000 {
            nested.push_str("[ sh:node ");
        }
        nested.push_str("ex:T");
        for _ in 0..5000 {
            nested.push_str(" ]");
        }
        nested.push_str(" . ex:T sh:minCount 1 .");
        let found = run(&nested, "ex:a ex:n 5 .");
        assert!(
            found.iter().any(|f| f.message.contains("nested more than")),
            "{found:?}"
        );
    }

    #[test]
    fn unsupported_features_are_reported() {
        let shapes = "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:n ; sh:lessThan ex:m ] .";
        assert_eq!(rules(&run(shapes, "ex:a ex:n 5 .")), ["shacl/unsupported"]);
    }
}
