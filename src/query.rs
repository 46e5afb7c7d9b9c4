//! SPARQL over the built graph, and the named queries in `queries/*.rq`.
//!
//! A named query starts with a comment header:
//!
//! ```sparql
//! # title: What the EU AI Office works with
//! # description: Concepts linked to a concept by "works with".
//! # param: concept (iri) = concept/eu-ai-office -- the concept to start from
//! ```
//!
//! Parameters are bound in the parsed query, never by editing its text: as if a
//! `VALUES` block opened the query's `WHERE` group, so filters and patterns in
//! it see the value.
//!
//! `remote` sends the same queries to a SPARQL store elsewhere.
//!
//! Layer: a reader of the built graph; above `build`.

pub mod negations;
pub mod remote;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Pos};
use oxigraph::model::{Literal, NamedNode, Term, Variable};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use spargebra::algebra::GraphPattern;
use spargebra::term::GroundTerm;
use spargebra::{Query, SparqlParser};
use std::path::{Path, PathBuf};

/// A documented query from the queries folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedQuery {
    /// The file name without `.rq`.
    pub name: String,
    pub title: String,
    pub description: String,
    pub params: Vec<Param>,
    pub text: String,
    pub path: PathBuf,
}

/// A variable of a named query that callers may bind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub kind: ParamKind,
    pub default: Option<String>,
    pub description: String,
}

/// What a parameter's value is turned into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// An IRI; a relative one is resolved against the glossary's base IRI.
    Iri,
    /// A plain string.
    String,
    /// An `xsd:integer`.
    Integer,
}

impl ParamKind {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "iri" => Some(Self::Iri),
            "string" => Some(Self::String),
            "integer" => Some(Self::Integer),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Iri => "iri",
            Self::String => "string",
            Self::Integer => "integer",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// A syntax error, as [`syntax_message`] words it.
    #[error("invalid SPARQL: {0}")]
    Syntax(String),
    #[error("the query is refused: {0}")]
    TooDeep(#[from] negations::TooDeep),
    #[error("the query failed")]
    Evaluation(#[from] oxigraph::sparql::QueryEvaluationError),
    #[error("no named query `{name}` in {}; known: {}", .dir.display(), .known.join(", "))]
    UnknownName {
        name: String,
        dir: PathBuf,
        known: Vec<String>,
    },
    #[error("the query has no parameter `{name}`; its parameters: {known}")]
    UnknownParam { name: String, known: String },
    #[error("parameter `{name}` must be {expected}, not `{value}`")]
    BadParam {
        name: String,
        expected: &'static str,
        value: String,
    },
    #[error("{} has {} error(s)", .0.first().map(|d| d.path.display().to_string()).unwrap_or_default(), .0.len())]
    Header(Vec<Diagnostic>),
    #[error("cannot read {}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the base IRI `{base}` is not an IRI")]
    BadBase {
        base: String,
        source: oxigraph::model::IriParseError,
    },
    #[error(transparent)]
    Remote(#[from] remote::RemoteError),
}

impl NamedQuery {
    /// Reads a named query from its text; `path` names it in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, Vec<Diagnostic>> {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let mut title = None;
        let mut description = String::new();
        let mut params = Vec::new();
        let mut errors = Vec::new();
        let mut last_key = "";
        for (i, line) in text.lines().enumerate() {
            let Some(comment) = line.strip_prefix('#') else {
                if line.trim().is_empty() {
                    continue;
                }
                break;
            };
            let pos = Pos::new(i + 1, 1);
            let comment = comment.trim();
            if let Some(rest) = comment.strip_prefix("title:") {
                title = Some(rest.trim().to_owned());
                last_key = "title";
            } else if let Some(rest) = comment.strip_prefix("description:") {
                description = rest.trim().to_owned();
                last_key = "description";
            } else if let Some(rest) = comment.strip_prefix("param:") {
                match parse_param(rest) {
                    Some(param) => params.push(param),
                    None => errors.push(
                        Diagnostic::error("query/header", path, pos, format!("cannot read the parameter `{}`", rest.trim()))
                            .with_help("write `# param: name (iri|string|integer) = default -- description`; the default is optional"),
                    ),
                }
                last_key = "param";
            } else if last_key == "description" && !comment.is_empty() {
                description.push(' ');
                description.push_str(comment);
            } else {
                last_key = "";
            }
        }
        let Some(title) = title else {
            errors.push(
                Diagnostic::error(
                    "query/header",
                    path,
                    Pos::new(1, 1),
                    "the query has no `# title:` line",
                )
                .with_help("start the file with `# title: …` and `# description: …` comment lines"),
            );
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            name,
            title,
            description,
            params,
            text: text.to_owned(),
            path: path.to_owned(),
        })
    }

    /// The terms to bind for `values` (name, text) and the parameters' defaults.
    pub fn bindings(
        &self,
        values: &[(String, String)],
        config: &Config,
    ) -> Result<Vec<(Variable, Term)>, QueryError> {
        let known = || {
            if self.params.is_empty() {
                "none".to_owned()
            } else {
                self.params
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        for (name, _) in values {
            if !self.params.iter().any(|p| &p.name == name) {
                return Err(QueryError::UnknownParam {
                    name: name.clone(),
                    known: known(),
                });
            }
        }
        let mut out = Vec::new();
        for param in &self.params {
            let value = values
                .iter()
                .rev()
                .find(|(name, _)| name == &param.name)
                .map(|(_, v)| v.as_str())
                .or(param.default.as_deref());
            if let Some(value) = value {
                out.push((
                    Variable::new_unchecked(&param.name),
                    param_term(&param.name, param.kind, value, config)?,
                ));
            }
        }
        Ok(out)
    }
}

fn parse_param(text: &str) -> Option<Param> {
    let (spec, description) = match text.split_once(" -- ") {
        Some((spec, description)) => (spec.trim(), description.trim().to_owned()),
        None => (text.trim(), String::new()),
    };
    let (head, default) = match spec.split_once('=') {
        Some((head, default)) => (head.trim(), Some(default.trim().to_owned())),
        None => (spec, None),
    };
    let (name, kind) = head.split_once('(')?;
    let name = name.trim().trim_start_matches('?');
    let kind = ParamKind::parse(kind.trim().strip_suffix(')')?.trim())?;
    let valid = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    valid.then(|| Param {
        name: name.to_owned(),
        kind,
        default,
        description,
    })
}

/// The term for a parameter's text value.
pub fn param_term(
    name: &str,
    kind: ParamKind,
    value: &str,
    config: &Config,
) -> Result<Term, QueryError> {
    let bad = |expected| QueryError::BadParam {
        name: name.to_owned(),
        expected,
        value: value.to_owned(),
    };
    match kind {
        ParamKind::Iri => NamedNode::new(config.base.resolve(value))
            .map(Term::from)
            .map_err(|_| bad("an IRI")),
        ParamKind::String => Ok(Literal::new_simple_literal(value).into()),
        ParamKind::Integer => value
            .parse::<i64>()
            .map(|n| Literal::from(n).into())
            .map_err(|_| bad("an integer")),
    }
}

/// The named queries in `dir`, sorted by name.
pub fn named_queries(dir: &Path) -> Result<Vec<NamedQuery>, QueryError> {
    let io = |source| QueryError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rq"))
        .collect();
    paths.sort();
    let mut queries = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|source| QueryError::Io {
            path: path.clone(),
            source,
        })?;
        match NamedQuery::parse(&text, &path) {
            Ok(q) => queries.push(q),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(queries)
    } else {
        Err(QueryError::Header(errors))
    }
}

/// The named query `name` in `dir`.
pub fn named_query(dir: &Path, name: &str) -> Result<NamedQuery, QueryError> {
    let queries = named_queries(dir)?;
    let known: Vec<String> = queries.iter().map(|q| q.name.clone()).collect();
    queries
        .into_iter()
        .find(|q| q.name == name)
        .ok_or_else(|| QueryError::UnknownName {
            name: name.to_owned(),
            dir: dir.to_owned(),
            known,
        })
}

/// Runs a query over the union of all graphs (unless it names its own dataset),
/// with `bindings` bound at the start of its `WHERE` group.
pub fn run<'a>(
    store: &'a Store,
    text: &str,
    base: &str,
    bindings: Vec<(Variable, Term)>,
) -> Result<QueryResults<'a>, QueryError> {
    let query = parse(text, base)?;
    let mut prepared = SparqlEvaluator::new().for_query(bind(query, &bindings)?);
    if prepared.dataset().is_default_dataset() {
        prepared.dataset_mut().set_default_graph_as_union();
    }
    Ok(prepared.on_store(store).execute()?)
}

/// Parses a query, resolving relative IRIs against `base`.
pub fn parse(text: &str, base: &str) -> Result<Query, QueryError> {
    negations::check(text)?;
    SparqlParser::new()
        .with_base_iri(base)
        .map_err(|e| QueryError::BadBase {
            base: base.to_owned(),
            source: e,
        })?
        .parse_query(text)
        .map_err(|e| QueryError::Syntax(syntax_message(&e, text)))
}

/// Joins a one-row `VALUES` of `bindings` into the query's top `WHERE` group,
/// below its filters so they see the values.
pub fn bind(query: Query, bindings: &[(Variable, Term)]) -> Result<Query, QueryError> {
    if bindings.is_empty() {
        return Ok(query);
    }
    let mut variables = Vec::new();
    let mut row = Vec::new();
    for (variable, term) in bindings {
        let ground = match term {
            Term::NamedNode(n) => GroundTerm::NamedNode(n.clone()),
            Term::Literal(l) => GroundTerm::Literal(l.clone()),
            Term::BlankNode(_) => {
                return Err(QueryError::BadParam {
                    name: variable.as_str().to_owned(),
                    expected: "an IRI or a literal",
                    value: term.to_string(),
                });
            }
        };
        variables.push(variable.clone());
        row.push(Some(ground));
    }
    let values = GraphPattern::Values {
        variables,
        bindings: vec![row],
    };
    Ok(match query {
        Query::Select {
            dataset,
            pattern,
            base_iri,
        } => Query::Select {
            dataset,
            pattern: inject(pattern, values),
            base_iri,
        },
        Query::Construct {
            template,
            dataset,
            pattern,
            base_iri,
        } => Query::Construct {
            template,
            dataset,
            pattern: inject(pattern, values),
            base_iri,
        },
        Query::Describe {
            dataset,
            pattern,
            base_iri,
        } => Query::Describe {
            dataset,
            pattern: inject(pattern, values),
            base_iri,
        },
        Query::Ask {
            dataset,
            pattern,
            base_iri,
        } => Query::Ask {
            dataset,
            pattern: inject(pattern, values),
            base_iri,
        },
    })
}

fn inject(pattern: GraphPattern, values: GraphPattern) -> GraphPattern {
    let inner = |p: Box<GraphPattern>| Box::new(inject(*p, values.clone()));
    match pattern {
        // Solution modifiers and the WHERE group's filters and BINDs: go below them.
        GraphPattern::Project {
            inner: p,
            variables,
        } => GraphPattern::Project {
            inner: inner(p),
            variables,
        },
        GraphPattern::Distinct { inner: p } => GraphPattern::Distinct { inner: inner(p) },
        GraphPattern::Reduced { inner: p } => GraphPattern::Reduced { inner: inner(p) },
        GraphPattern::Slice {
            inner: p,
            start,
            length,
        } => GraphPattern::Slice {
            inner: inner(p),
            start,
            length,
        },
        GraphPattern::OrderBy {
            inner: p,
            expression,
        } => GraphPattern::OrderBy {
            inner: inner(p),
            expression,
        },
        GraphPattern::Group {
            inner: p,
            variables,
            aggregates,
        } => GraphPattern::Group {
            inner: inner(p),
            variables,
            aggregates,
        },
        GraphPattern::Extend {
            inner: p,
            variable,
            expression,
        } => GraphPattern::Extend {
            inner: inner(p),
            variable,
            expression,
        },
        GraphPattern::Filter { expr, inner: p } => GraphPattern::Filter {
            expr,
            inner: inner(p),
        },
        other => GraphPattern::Join {
            left: Box::new(values),
            right: Box::new(other),
        },
    }
}

/// A SPARQL syntax error as a person reads it: where, what is there, and
/// the keywords and punctuation that could come instead. The parser's own
/// message also lists every Unicode range a name may continue with (some
/// forty of them), which says nothing to a reader.
pub fn syntax_message(error: &spargebra::SparqlSyntaxError, text: &str) -> String {
    let message = error.to_string();
    let Some((position, expected)) = message
        .strip_prefix("error at ")
        .and_then(|rest| rest.split_once(": expected "))
    else {
        return message;
    };
    let Some((line, column)) = position
        .split_once(':')
        .and_then(|(l, c)| Some((l.parse::<usize>().ok()?, c.parse::<usize>().ok()?)))
    else {
        return message;
    };
    // The whole word the position falls in, as the reader wrote it.
    let chars: Vec<char> = text
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or_default()
        .chars()
        .collect();
    let mut start = column.saturating_sub(1).min(chars.len());
    while start > 0 && start < chars.len() && !chars[start - 1].is_whitespace() {
        start -= 1;
    }
    let found: String = chars[start..]
        .iter()
        .take_while(|c| !c.is_whitespace())
        .take(24)
        .collect();
    let at = if found.is_empty() {
        "at the end".to_owned()
    } else {
        format!("at `{found}`")
    };
    // Keywords (`WHERE`) and quoted punctuation (`"}"`) are kept; the
    // character ranges a name may continue with are dropped.
    let mut words: Vec<&str> = expected
        .trim_start_matches("one of ")
        .split(", ")
        .filter_map(
            |t| match t.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
                Some(quoted) => Some(quoted),
                None => t
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_')
                    .then_some(t),
            },
        )
        .filter(|t| !t.is_empty() && *t != "_")
        .collect();
    words.sort_unstable();
    words.dedup();
    const SHOWN: usize = 12;
    let mut out = format!("line {line}, column {column}, {at}");
    if !words.is_empty() {
        let listed: Vec<String> = words.iter().take(SHOWN).map(|w| format!("`{w}`")).collect();
        out.push_str(": expected ");
        if words.len() > 1 {
            out.push_str("one of ");
        }
        out.push_str(&listed.join(", "));
        if words.len() > SHOWN {
            out.push_str(&format!(" or {} more", words.len() - SHOWN));
        }
    }
    out
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn syntax_errors_say_where_and_what_could_come_without_unicode_ranges() {
        let message = |text: &str| {
            let e = spargebra::SparqlParser::new()
                .parse_query(text)
                .unwrap_err();
            syntax_message(&e, text)
        };
        let missing = message("SELECT ?s WHERE {\n  ?s ?p\n}");
        assert_eq!(
            missing,
            "line 3, column 2, at the end: expected one of `LATERAL`, `SERVICE`"
        );
        let typo = message("SELEC * WHERE { ?s ?p ?o }");
        assert!(typo.starts_with("line 1, column 10, at `WHERE`"), "{typo}");
        let open = message("SELECT * WHERE { ?s ?p ?o");
        assert_eq!(
            open,
            "line 1, column 26, at the end: expected one of `,`, `.`, `;`, `{`, `{|`, `}`, `~`"
        );
        for m in [&missing, &typo, &open] {
            assert!(!m.contains("..=") && !m.contains("\\u{"), "{m}");
            assert!(m.len() < 400, "{m}");
        }
    }

    #[test]
    fn reads_a_header() {
        let text = "# title: Partners\n# description: Concepts that\n#   work together.\n# param: concept (iri) = concept/x -- where to start\nSELECT * {}\n";
        let q = NamedQuery::parse(text, Path::new("queries/partners.rq")).unwrap();
        assert_eq!(q.name, "partners");
        assert_eq!(q.title, "Partners");
        assert_eq!(q.description, "Concepts that work together.");
        assert_eq!(
            q.params,
            [Param {
                name: "concept".into(),
                kind: ParamKind::Iri,
                default: Some("concept/x".into()),
                description: "where to start".into()
            }]
        );
    }

    #[test]
    fn a_query_without_title_or_with_a_bad_param_is_refused() {
        let err = NamedQuery::parse("SELECT * {}", Path::new("q.rq")).unwrap_err();
        assert!(err[0].message.contains("title"));
        let err =
            NamedQuery::parse("# title: x\n# param: n (number)\n", Path::new("q.rq")).unwrap_err();
        assert_eq!(err[0].pos.line, 2);
    }

    #[test]
    fn parameters_become_typed_terms_not_text() {
        let config = crate::config::parse_str(
            "base = \"https://g.example/\"\nlanguages = [\"en\"]\n[title]\nen = \"G\"\n",
            Path::new("g.toml"),
        )
        .unwrap();
        assert_eq!(
            param_term("c", ParamKind::Iri, "concept/x", &config).unwrap(),
            Term::from(NamedNode::new_unchecked("https://g.example/concept/x"))
        );
        assert!(param_term("c", ParamKind::Iri, "> } DROP ALL {", &config).is_err());
        assert_eq!(
            param_term("s", ParamKind::String, "\" } DROP ALL { \"", &config).unwrap(),
            Term::from(Literal::new_simple_literal("\" } DROP ALL { \""))
        );
        assert!(param_term("n", ParamKind::Integer, "4x", &config).is_err());
    }
}
