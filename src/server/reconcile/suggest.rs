//! What a client shows while a person chooses: suggest services for entities,
//! types and properties (`?prefix=`, the same answers for 1.0 and 0.2), 0.2's
//! flyouts (a snippet of HTML in JSON) and previews (an HTML page that fits the
//! manifest's `width` and `height`). All take JSONP's `callback`, which
//! OpenRefine 3's suggest widget may use.

use super::super::AppState;
use super::super::respond::{AppError, typed};
use super::super::search::{MAX_QUERY_CHARS, find};
use super::super::snapshot::Snapshot;
use super::graph::{CONCEPT, definition, known_type, properties};
use super::{blocking, language, param, params, reply};
use crate::search::normalise;
use askama::Template;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::Response;
use serde_json::{Value, json};

const CONCEPT_DESCRIPTION: &str = "A SKOS concept of the glossary or of a vocabulary it publishes";

/// `GET /reconcile/suggest/entity?prefix=&cursor=&lang=`.
pub async fn entity(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let params = params(raw.as_deref());
    let prefix = param(&params, "prefix").unwrap_or_default().to_owned();
    if prefix.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_request(format!(
            "`prefix` is limited to {MAX_QUERY_CHARS} characters"
        )));
    }
    let cursor: usize = param(&params, "cursor")
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
        .min(1000);
    let lang = language(&params, &snapshot);
    let s = snapshot.clone();
    let hits = blocking(move || {
        Ok(find(&s, &prefix, &lang, cursor + 10, None, false)
            .into_iter()
            .skip(cursor)
            .map(|h| (h.concept as usize, lang.clone()))
            .collect::<Vec<_>>())
    })
    .await?;
    let result: Vec<Value> = hits
        .into_iter()
        .map(|(i, lang)| {
            let c = &snapshot.concepts.concepts[i];
            let mut v = json!({"id": c.iri, "name": snapshot.concepts.label(i, &[lang.as_str()]), "notable": [{"id": CONCEPT, "name": "Concept"}]});
            if let Some(d) = definition(&snapshot, &c.iri, &lang) {
                v["description"] = Value::String(d);
            }
            v
        })
        .collect();
    reply(&json!({ "result": result }), param(&params, "callback"))
}

/// `GET /reconcile/suggest/type?prefix=`: the one type, `skos:Concept`.
pub async fn kind(RawQuery(raw): RawQuery) -> Result<Response<Body>, AppError> {
    let params = params(raw.as_deref());
    let prefix = normalise(param(&params, "prefix").unwrap_or_default());
    let result: Vec<Value> = ["concept", "skos concept"]
        .iter()
        .any(|n| n.starts_with(&prefix) || prefix.is_empty())
        .then(|| json!({"id": CONCEPT, "name": "Concept", "description": CONCEPT_DESCRIPTION}))
        .into_iter()
        .collect();
    reply(&json!({ "result": result }), param(&params, "callback"))
}

/// `GET /reconcile/suggest/property?prefix=`.
pub async fn property(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let params = params(raw.as_deref());
    let prefix = normalise(param(&params, "prefix").unwrap_or_default());
    let result: Vec<Value> = properties(&snapshot)
        .into_iter()
        .filter(|(id, name, _)| {
            normalise(id).starts_with(&prefix)
                || normalise(name).split(' ').any(|w| w.starts_with(&prefix))
                || prefix.is_empty()
        })
        .map(|(id, name, p)| json!({"id": id, "name": name, "description": p.as_str()}))
        .collect();
    reply(&json!({ "result": result }), param(&params, "callback"))
}

/// A flyout: what a suggested item is, in a line or two.
#[derive(Template)]
#[template(
    ext = "html",
    source = "<div class=\"glossgraph-flyout\"><strong>{{ name }}</strong>{% if let Some(text) = text %}<p>{{ text }}</p>{% endif %}</div>"
)]
struct Flyout {
    name: String,
    text: Option<String>,
}

/// `GET /reconcile/flyout?id=`: a 0.2 flyout for a suggested concept,
/// property or type, as `{"id", "html"}`.
pub async fn flyout(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let params = params(raw.as_deref());
    let id = param(&params, "id").ok_or_else(|| AppError::bad_request("`id` is required"))?;
    let lang = language(&params, &snapshot);
    let card = flyout_of(&snapshot, id, &lang).ok_or_else(|| {
        AppError::not_found(format!("there is no concept, property or type `{id}`"))
    })?;
    let html = card.render().map_err(AppError::internal)?;
    reply(
        &json!({ "id": id, "html": html }),
        param(&params, "callback"),
    )
}

fn flyout_of(snapshot: &Snapshot, id: &str, lang: &str) -> Option<Flyout> {
    if let Some(i) = snapshot.concepts.get(id) {
        return Some(Flyout {
            name: snapshot.concepts.label(i, &[lang]).to_owned(),
            text: definition(snapshot, id, lang),
        });
    }
    if !id.is_empty() && known_type(Some(id)) {
        return Some(Flyout {
            name: "Concept".into(),
            text: Some(CONCEPT_DESCRIPTION.into()),
        });
    }
    properties(snapshot)
        .into_iter()
        .find(|(key, ..)| key == id)
        .map(|(_, name, predicate)| Flyout {
            name,
            text: Some(predicate.as_str().to_owned()),
        })
}

/// `GET /reconcile/preview?id=IRI`: a small HTML card. OpenRefine 3 puts the
/// id into the manifest's `preview.url` as it is (then `encodeURI`s the
/// whole), so `id` arrives unencoded; both ways parse the same.
pub async fn preview(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let params = params(raw.as_deref());
    let id = param(&params, "id").ok_or_else(|| AppError::bad_request("`id` is required"))?;
    let i = snapshot
        .concepts
        .get(id)
        .ok_or_else(|| AppError::not_found(format!("there is no concept <{id}>")))?;
    let lang = language(&params, &snapshot);
    let concept = &snapshot.concepts.concepts[i];
    let card = super::super::html::PreviewCard {
        lang: lang.clone(),
        iri: concept.iri.clone(),
        label: snapshot.concepts.label(i, &[lang.as_str()]).to_owned(),
        definition: definition(&snapshot, &concept.iri, &lang),
        broader: concept
            .broader
            .iter()
            .map(|b| snapshot.concepts.label(*b, &[lang.as_str()]).to_owned())
            .collect(),
    };
    Ok(typed(
        "text/html; charset=utf-8",
        card.render().map_err(AppError::internal)?,
    ))
}
