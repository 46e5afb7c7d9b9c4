//! The named queries (`queries/*.rq`): listed at `/queries`, run at
//! `/queries/{name}` with their parameters bound as typed terms in the parsed
//! query.
//!
//! A browser (an `Accept` that ranks a page above every data format) gets a
//! page: the parameters as a form, and the answer as a table once every
//! required parameter has a value. Every other client gets the format it
//! negotiates, as from the SPARQL endpoint, and `/queries/{name}.{ext}`
//! (`json`, `xml`, `csv`, `tsv`; `ttl`, `jsonld`… for graphs; `html`) gives
//! one format without negotiating.

use super::AppState;
use super::html::{self, Alternate, Lang, Layout, Link, ParamView, QueriesPage, QueryView};
use super::negotiate::negotiate;
use super::resource::PageParams;
use super::respond::{
    self, AppError, FormatUrls, content_type, insert, json, prefers_page, rdf_types, typed,
};
use super::snapshot::Snapshot;
use super::sparql::{
    Dataset, RESULT_EXTENSIONS, RESULT_OFFERS, Serialization, answer, evaluate_limited,
    evaluation_error, form, gives_graph, too_many,
};
use crate::config::Config;
use crate::query::{self, NamedQuery, ParamKind, bind};
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{self, HeaderMap};
use axum::http::{Response, StatusCode};
use oxigraph::model::Term;
use oxigraph::sparql::QueryResults;
use spargebra::Query;

/// At most this many concepts are offered as suggestions for an IRI parameter.
const MAX_SUGGESTIONS: usize = 1_000;

/// The media types a query's answer can be negotiated as.
fn data_types(query: &Query) -> Vec<&'static str> {
    if gives_graph(query) {
        rdf_types().to_vec()
    } else {
        RESULT_OFFERS.iter().map(|(m, _)| *m).collect()
    }
}

/// `GET /queries`: the named queries, as a page or JSON.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let chosen = negotiate(accept, &["text/html", "application/json"])
        .ok_or_else(|| AppError::not_acceptable(&["text/html", "application/json"]))?;
    let views: Vec<QueryView> = snapshot.queries.iter().map(view).collect();
    let mut response = if chosen == "text/html" {
        let params = super::resource::PageParams::parse(raw.as_deref());
        let lang = params.language(&snapshot, &headers);
        let title = super::interface::Interface::choose(&lang, snapshot.languages()).named_queries;
        let layout = Layout::new(&snapshot, &lang, title.into(), "", "queries");
        let page = QueriesPage {
            layout,
            queries: views,
        }
        .render()
        .map_err(AppError::internal)?;
        typed(&content_type(chosen), page)
    } else {
        let list: Vec<serde_json::Value> = snapshot
            .queries
            .iter()
            .map(|q| {
                serde_json::json!({
                    "name": q.name,
                    "title": q.title,
                    "description": q.description,
                    "href": format!("queries/{}", q.name),
                    "params": q.params.iter().map(|p| serde_json::json!({
                        "name": p.name, "type": p.kind.name(), "default": p.default, "description": p.description,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        json(&serde_json::Value::Array(list))
    };
    insert(response.headers_mut(), header::VARY, "Accept");
    Ok(response)
}

fn view(q: &NamedQuery) -> QueryView {
    QueryView {
        href: format!("queries/{}", q.name),
        title: q.title.clone(),
        description: q.description.clone(),
        params: q
            .params
            .iter()
            .map(|p| ParamView {
                name: p.name.clone(),
                kind: p.kind.name(),
                default: p.default.clone(),
                description: p.description.clone(),
            })
            .collect(),
        text: q.text.clone(),
    }
}

/// `GET /queries/{name}` and `/queries/{name}.{ext}`, with `?param=value`:
/// runs a named query, as a page for a browser (see `page`) and in the
/// format asked for otherwise.
pub async fn run_named(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let (named, ext) = find(&snapshot, &file)?;
    let query = crate::query::parse(&named.text, snapshot.config.base.as_str()).map_err(|e| {
        AppError::internal(format!(
            "the named query `{}` does not parse: {e}",
            named.name
        ))
    })?;
    let format = match ext {
        Some("html") => None,
        Some(e) => Some(
            Serialization::all(&query)
                .into_iter()
                .find(|(x, _)| *x == e)
                .map(|(_, s)| s)
                .ok_or_else(|| {
                    AppError::not_found(format!("the query `{}` has no format `.{e}`", named.name))
                })?,
        ),
        None if prefers_page(&headers, &data_types(&query)) => None,
        None => Some(Serialization::negotiated(&query, &headers)),
    };
    let Some(serialization) = format else {
        return page(
            &state,
            &snapshot,
            &headers,
            named,
            query,
            raw.as_deref(),
            ext.is_none(),
        )
        .await;
    };
    let query = bind_request(named, query, raw.as_deref(), &snapshot.config)?;
    let key = (&named.name, &raw);
    let mut response = answer(&state, &key, query, Dataset::default(), serialization).await?;
    if ext.is_none() {
        insert(response.headers_mut(), header::VARY, "Accept");
    }
    Ok(response)
}

/// `query`, the named query `named` parsed, with the parameters of the query
/// string `raw` bound (their defaults where not given).
pub fn bind_request(
    named: &NamedQuery,
    query: Query,
    raw: Option<&str>,
    config: &Config,
) -> Result<Query, AppError> {
    let values = form(raw.unwrap_or_default().as_bytes())?;
    let bindings = named
        .bindings(&values, config)
        .map_err(|e| AppError::bad_request(e.to_string()))?;
    bind(query, &bindings).map_err(|e| AppError::bad_request(e.to_string()))
}

/// The named query a path names, and the format extension it ends with: a
/// query's own name wins over a name and an extension.
fn find<'a>(
    snapshot: &'a Snapshot,
    file: &'a str,
) -> Result<(&'a NamedQuery, Option<&'a str>), AppError> {
    let named = |name: &str| snapshot.queries.iter().find(|q| q.name == name);
    if let Some(q) = named(file) {
        return Ok((q, None));
    }
    file.rsplit_once('.')
        .and_then(|(name, ext)| named(name).map(|q| (q, Some(ext))))
        .ok_or_else(|| {
            AppError::not_found(format!("there is no named query `{file}`; see queries"))
        })
}

/// A named query's page.
#[derive(Template)]
#[template(path = "query.html")]
pub struct QueryPage {
    pub layout: Layout,
    /// The form's target: the query's own address.
    pub action: String,
    pub description: String,
    pub fields: Vec<Field>,
    /// The interface language, kept by the form when the query has no `lang`
    /// parameter of its own and the glossary has several languages.
    pub hidden_lang: Option<String>,
    /// Concepts to suggest for IRI parameters (value, label).
    pub suggestions: Vec<Link>,
    /// What is wrong with the request, each a sentence.
    pub errors: Vec<String>,
    /// The answer, once every required parameter has a value and none is wrong.
    pub table: Option<Table>,
    /// The same answer in the other formats.
    pub formats: Vec<Alternate>,
    pub text: String,
}

/// A parameter as a form field.
pub struct Field {
    pub name: String,
    /// `iri`, `string` or `integer`: the template picks the input for it.
    pub kind: &'static str,
    pub value: String,
    pub required: bool,
    pub description: String,
    pub error: Option<String>,
}

/// A query's answer, to show as a table.
pub struct Table {
    /// The variables of a SELECT; empty for ASK and graphs.
    pub columns: Vec<String>,
    /// A SELECT's solutions, or a graph's triples (subject, predicate, object).
    pub rows: Vec<Vec<Cell>>,
    /// An ASK's answer.
    pub boolean: Option<bool>,
    /// Whether the rows are triples.
    pub graph: bool,
}

/// One term of an answer.
#[derive(Default)]
pub struct Cell {
    pub text: String,
    /// A concept's page, or the IRI itself.
    pub href: Option<String>,
    /// The full IRI, where the text is a concept's label.
    pub iri: Option<String>,
    /// The label's language attributes, where it is not the page's.
    pub label_lang: Lang,
    /// A literal's language.
    pub lang: Option<String>,
}

/// The page of a named query: the form, and the answer once the parameters
/// are complete; 400 with the form when a value is wrong. `lang` is the
/// query's own parameter when it declares one, and otherwise chooses the
/// page's language (as on every page). An empty field counts as not given,
/// as browsers send every field of a form.
async fn page(
    state: &AppState,
    snapshot: &Snapshot,
    headers: &HeaderMap,
    named: &NamedQuery,
    query: Query,
    raw: Option<&str>,
    negotiated: bool,
) -> Result<Response<Body>, AppError> {
    let lang = PageParams::parse(raw).language(snapshot, headers);
    let own_lang = named.params.iter().any(|p| p.name == "lang");
    let values: Vec<(String, String)> = form(raw.unwrap_or_default().as_bytes())?
        .into_iter()
        .filter(|(k, v)| !v.is_empty() && (k != "lang" || own_lang))
        .collect();
    let given = |name: &str| {
        values
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let fields: Vec<Field> = named
        .params
        .iter()
        .map(|p| {
            let value = given(&p.name).or(p.default.as_deref());
            Field {
                name: p.name.clone(),
                kind: p.kind.name(),
                value: value.unwrap_or_default().to_owned(),
                required: p.default.is_none(),
                description: p.description.clone(),
                error: given(&p.name).and_then(|v| {
                    query::param_term(&p.name, p.kind, v, &snapshot.config)
                        .err()
                        .map(|e| e.to_string())
                }),
            }
        })
        .collect();
    let query_string: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(values.iter())
        .finish();
    let with_query = |path: String| {
        if query_string.is_empty() {
            path
        } else {
            format!("{path}?{query_string}")
        }
    };
    let mut errors = Vec::new();
    let mut table = None;
    match named.bindings(&values, &snapshot.config) {
        Err(e) => errors.push(e.to_string()),
        Ok(_) if fields.iter().any(|f| f.required && f.value.is_empty()) => {}
        Ok(bindings) => {
            let query =
                bind(query.clone(), &bindings).map_err(|e| AppError::bad_request(e.to_string()))?;
            let max_rows = state.limits().max_result_rows;
            let (page_lang, key) = (lang.clone(), (&named.name, raw));
            let evaluation =
                evaluate_limited(state, &key, query, Dataset::default(), move |results, s| {
                    tabulate(results, s, max_rows, &page_lang)
                });
            table = Some(evaluation.await?);
        }
    }
    let formats = if table.is_some() {
        format_links(&named.name, &query)
            .into_iter()
            .map(|mut a| {
                a.href = with_query(a.href);
                a
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut layout = Layout::new(
        snapshot,
        &lang,
        named.title.clone(),
        "../",
        &with_query(format!("queries/{}", named.name)),
    );
    layout.alternates = formats.clone();
    let several_languages = snapshot.languages().len() > 1;
    let page = QueryPage {
        layout,
        action: named.name.clone(),
        description: named.description.clone(),
        suggestions: if named.params.iter().any(|p| p.kind == ParamKind::Iri) {
            suggestions(snapshot, &lang)
        } else {
            Vec::new()
        },
        hidden_lang: (several_languages && !own_lang).then(|| lang.clone()),
        fields,
        errors,
        table,
        formats,
        text: named.text.clone(),
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut response = typed(
        &content_type("text/html"),
        page.render().map_err(AppError::internal)?,
    );
    *response.status_mut() = status;
    let vary = match (negotiated, several_languages) {
        (true, true) => Some("Accept, Accept-Language"),
        (true, false) => Some("Accept"),
        (false, true) => Some("Accept-Language"),
        (false, false) => None,
    };
    if let Some(vary) = vary {
        insert(response.headers_mut(), header::VARY, vary);
    }
    insert(response.headers_mut(), header::CACHE_CONTROL, "no-cache");
    Ok(response)
}

/// The explicit format URLs of a query's answer, relative to its page.
fn format_links(name: &str, query: &Query) -> Vec<Alternate> {
    if gives_graph(query) {
        respond::alternates(FormatUrls::Extension(name))
    } else {
        RESULT_EXTENSIONS
            .iter()
            .map(|(ext, format, label)| Alternate {
                href: format!("{name}.{ext}"),
                media_type: format.media_type(),
                label,
            })
            .collect()
    }
}

/// The glossary's concepts as values for an IRI parameter: relative to the
/// base IRI where they are under it, as the parameters' defaults are.
fn suggestions(snapshot: &Snapshot, lang: &str) -> Vec<Link> {
    let base = snapshot.config.base.as_str();
    let mut links: Vec<Link> = snapshot
        .concepts
        .concepts
        .iter()
        .enumerate()
        .take(MAX_SUGGESTIONS)
        .map(|(i, c)| Link {
            href: c.iri.strip_prefix(base).unwrap_or(&c.iri).to_owned(),
            label: snapshot.concepts.label(i, &[lang]).to_owned(),
            lang: Lang::default(),
        })
        .collect();
    links.sort_by(|a, b| a.label.cmp(&b.label));
    links
}

/// Reads an answer into a table, at most `max_rows` rows of it.
fn tabulate(
    results: QueryResults<'_>,
    snapshot: &Snapshot,
    max_rows: usize,
    lang: &str,
) -> Result<Table, AppError> {
    let cell = |term: Option<&Term>| cell(snapshot, term, lang);
    let mut table = Table {
        columns: Vec::new(),
        rows: Vec::new(),
        boolean: None,
        graph: false,
    };
    match results {
        QueryResults::Solutions(solutions) => {
            let variables = solutions.variables().to_vec();
            table.columns = variables.iter().map(|v| v.as_str().to_owned()).collect();
            for solution in solutions {
                if table.rows.len() >= max_rows {
                    return Err(too_many(max_rows));
                }
                let solution = solution.map_err(evaluation_error)?;
                table
                    .rows
                    .push(variables.iter().map(|v| cell(solution.get(v))).collect());
            }
        }
        QueryResults::Boolean(value) => table.boolean = Some(value),
        QueryResults::Graph(triples) => {
            table.graph = true;
            for triple in triples {
                if table.rows.len() >= max_rows {
                    return Err(too_many(max_rows));
                }
                let t = triple.map_err(evaluation_error)?;
                table.rows.push(vec![
                    cell(Some(&t.subject.into())),
                    cell(Some(&t.predicate.into())),
                    cell(Some(&t.object)),
                ]);
            }
        }
    }
    Ok(table)
}

/// A term as a cell: a concept of the glossary links to its page by its
/// label, another IRI links to itself, a literal keeps its language.
fn cell(snapshot: &Snapshot, term: Option<&Term>, lang: &str) -> Cell {
    match term {
        None => Cell::default(),
        Some(Term::NamedNode(n)) => match snapshot.concepts.get(n.as_str()) {
            Some(i) => {
                let link = html::concept_link(snapshot, i, lang, "../");
                Cell {
                    text: link.label,
                    href: Some(link.href),
                    iri: Some(n.as_str().to_owned()),
                    label_lang: link.lang,
                    lang: None,
                }
            }
            None => Cell {
                text: n.as_str().to_owned(),
                href: Some(n.as_str().to_owned()),
                ..Cell::default()
            },
        },
        Some(Term::Literal(l)) => Cell {
            text: l.value().to_owned(),
            lang: l.language().map(str::to_owned),
            ..Cell::default()
        },
        Some(Term::BlankNode(b)) => Cell {
            text: b.to_string(),
            ..Cell::default()
        },
    }
}
