//! Search over HTTP: the results page (the search form works without
//! JavaScript) and `/api/search`, the JSON the autocomplete uses.

use super::AppState;
use super::html::{self, Layout, SearchPage, SearchResult};
use super::resource::PageParams;
use super::respond::{AppError, insert, json, typed};
pub use super::search_index::static_paths;
use super::snapshot::Snapshot;
use crate::search::{Hit, LabelKind, Match, Query};
use askama::Template;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::Response;
use axum::http::header::{self, HeaderMap};

/// Longest search text accepted (characters).
pub const MAX_QUERY_CHARS: usize = 200;
/// Most results one request returns.
pub const MAX_LIMIT: usize = 100;

/// One concept found, as the results page, the JSON API and the command
/// line show it.
#[derive(Debug, Clone)]
pub struct Found {
    /// The concept's position in the snapshot's index.
    pub concept: usize,
    pub iri: String,
    /// The concept's label in the language asked for (or the next there is),
    /// and its page, relative to the root.
    pub label: String,
    pub href: String,
    /// The label that matched, its language and kind.
    pub text: String,
    pub lang: String,
    pub kind: LabelKind,
    pub matched: Match,
    /// 0 to 100; higher is better.
    pub score: f64,
    pub deprecated: bool,
}

/// The concepts whose labels match `text`, best first, as [`Found`]s.
pub fn found(
    snapshot: &Snapshot,
    text: &str,
    lang: &str,
    limit: usize,
    scheme: Option<&str>,
    deprecated: bool,
) -> Vec<Found> {
    find(snapshot, text, lang, limit, scheme, deprecated)
        .into_iter()
        .map(|hit| {
            let (text, label_lang, kind) = snapshot.search.label(hit.label);
            let concept = &snapshot.concepts.concepts[hit.concept as usize];
            let link = html::concept_link(snapshot, hit.concept as usize, lang, "");
            Found {
                concept: hit.concept as usize,
                iri: concept.iri.clone(),
                label: link.label,
                href: link.href,
                text: text.to_owned(),
                lang: label_lang.to_owned(),
                kind,
                matched: hit.matched,
                score: hit.score,
                deprecated: concept.deprecated,
            }
        })
        .collect()
}

/// Searches the snapshot's labels: `lang` first, then the glossary's fallback
/// order; only concepts of `scheme` if one is given; deprecated concepts
/// (after the others) only if asked for.
pub fn find(
    snapshot: &Snapshot,
    text: &str,
    lang: &str,
    limit: usize,
    scheme: Option<&str>,
    deprecated: bool,
) -> Vec<Hit> {
    let mut languages: Vec<&str> = vec![lang];
    languages.extend(
        snapshot
            .languages()
            .iter()
            .map(String::as_str)
            .filter(|l| *l != lang),
    );
    let scheme = scheme.map(|s| {
        snapshot
            .concepts
            .schemes
            .iter()
            .position(|x| x == s)
            .map(|p| p as u16)
    });
    let wanted = if scheme.is_some() {
        limit.saturating_mul(4).max(50)
    } else {
        limit
    };
    let hits = snapshot.search.search(&Query {
        text,
        languages: &languages,
        limit: wanted,
        deprecated,
    });
    hits.into_iter()
        .filter(|h| match scheme {
            None => true,
            Some(None) => false,
            Some(Some(s)) => snapshot.concepts.concepts[h.concept as usize]
                .schemes
                .contains(&s),
        })
        .take(limit)
        .collect()
}

fn checked(text: Option<String>) -> Result<String, AppError> {
    let text = text.unwrap_or_default();
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_request(format!(
            "search text is limited to {MAX_QUERY_CHARS} characters"
        )));
    }
    // A control character matches no label; pages show what was searched for.
    Ok(crate::text::sanitize(text.trim(), false)
        .0
        .trim()
        .to_owned())
}

/// `GET /search?q=`: a results page.
pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let params = PageParams::parse(raw.as_deref());
    let lang = params.language(&snapshot, &headers);
    let query = checked(params.q.clone())?;
    // The language links keep the search.
    let path = format!(
        "search?q={}",
        form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
    );
    let mut layout = Layout::new(&snapshot, &lang, String::new(), "", &path);
    layout.title = layout.ui.search_title(&query);
    layout.query = query.clone();
    let results = found(&snapshot, &query, &lang, 50, None, params.deprecated)
        .into_iter()
        .map(|f| {
            let matched =
                (f.kind != LabelKind::Preferred || f.text != f.label).then(|| html::Text {
                    lang: html::Lang::of(&f.lang, &layout.lang),
                    text: f.text,
                });
            SearchResult {
                link: html::concept_link(&snapshot, f.concept, &lang, ""),
                matched,
            }
        })
        .collect();
    let body = SearchPage { layout, results }
        .render()
        .map_err(AppError::internal)?;
    Ok(typed("text/html; charset=utf-8", body))
}

/// `GET /api/search?q=&lang=&limit=&scheme=&deprecated=`: concepts as JSON,
/// best first.
pub async fn api(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let params = PageParams::parse(raw.as_deref());
    let lang = params.language(&snapshot, &headers);
    let query = checked(params.q.clone())?;
    let mut limit = 10;
    let mut scheme = None;
    for (k, v) in form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "limit" => {
                limit = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| {
                        AppError::bad_request(format!(
                            "`limit` must be a number from 1 to {MAX_LIMIT}"
                        ))
                    })?;
            }
            "scheme" => scheme = Some(v.into_owned()),
            _ => {}
        }
    }
    let results: Vec<serde_json::Value> = found(
        &snapshot,
        &query,
        &lang,
        limit,
        scheme.as_deref(),
        params.deprecated,
    )
    .into_iter()
    .map(|f| {
        serde_json::json!({
            "iri": f.iri,
            "label": f.label,
            "href": f.href,
            "matched": { "text": f.text, "lang": f.lang, "kind": f.kind.name() },
            "match": f.matched.name(),
            "score": (f.score * 100.0).round() / 100.0,
            "deprecated": f.deprecated,
        })
    })
    .collect();
    let mut response =
        json(&serde_json::json!({ "query": query, "lang": lang, "results": results }));
    insert(
        response.headers_mut(),
        header::CACHE_CONTROL,
        "public, max-age=60",
    );
    Ok(response)
}
