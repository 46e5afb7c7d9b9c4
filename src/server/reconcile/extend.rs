//! Data extension: the properties proposed for the one type, and the values of
//! chosen properties on reconciled concepts, in 1.0's shape (rows as an array)
//! or 0.2's (rows keyed by id, values without a language, which 0.2's values
//! cannot carry).

use super::super::AppState;
use super::super::respond::AppError;
use super::super::snapshot::Snapshot;
use super::graph::{CONCEPT, default_language, known_type, objects, properties};
use super::{MAX_BATCH, Protocol, Sent, blocking, param, params, reply, sent, too_many};
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::Response;
use axum::http::header::HeaderMap;
use oxigraph::model::Term;
use serde::Deserialize;
use serde_json::{Value, json};

/// `GET /reconcile/extend/propose?type=&limit=` (JSONP with `callback`).
pub async fn propose(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let params = params(raw.as_deref());
    let kind = param(&params, "type").unwrap_or(CONCEPT).to_owned();
    if !known_type(Some(&kind)) {
        return Err(AppError::bad_request(format!(
            "unknown type `{kind}`; the type is {CONCEPT}"
        )));
    }
    let limit: usize = param(&params, "limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(20)
        .min(100);
    let properties: Vec<Value> = properties(&snapshot)
        .into_iter()
        .take(limit)
        .map(|(id, name, _)| json!({"id": id, "name": name}))
        .collect();
    reply(
        &json!({ "type": kind, "limit": limit, "properties": properties }),
        param(&params, "callback"),
    )
}

/// `POST /reconcile/extend`: a data extension query as JSON (1.0), or as the
/// form field `extend=` (0.2). The endpoints take the form field too.
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response<Body>, AppError> {
    let (text, protocol) = match sent(&headers, &body)? {
        Sent::Extend(text) => (text, Protocol::V02),
        Sent::Json(text) => (text, Protocol::V1),
        Sent::Queries(_) => return Err(AppError::bad_request("the form has no `extend` field")),
    };
    let value = extend(state.snapshot(), &text, protocol).await?;
    reply(&value, None)
}

#[derive(Debug, Deserialize)]
struct Extension {
    ids: Vec<String>,
    properties: Vec<ExtensionProperty>,
}

#[derive(Debug, Deserialize)]
struct ExtensionProperty {
    id: String,
    #[serde(default)]
    settings: serde_json::Map<String, Value>,
}

/// Answers the data extension query `text` in `protocol`'s shape, off the
/// async workers.
pub async fn extend(
    snapshot: std::sync::Arc<Snapshot>,
    text: &str,
    protocol: Protocol,
) -> Result<Value, AppError> {
    let text = text.to_owned();
    blocking(move || extension(&snapshot, &text, protocol)).await
}

/// Answers the data extension query `text` (JSON) from `snapshot` in
/// `protocol`'s shape.
pub fn extension(snapshot: &Snapshot, text: &str, protocol: Protocol) -> Result<Value, AppError> {
    let query: Extension = serde_json::from_str(text)
        .map_err(|e| AppError::bad_request(format!("not a data extension query: {e}")))?;
    if query.ids.len() > MAX_BATCH {
        return Err(too_many(query.ids.len()));
    }
    let properties = properties(snapshot);
    let default_lang = default_language(snapshot);
    let mut meta = Vec::new();
    let mut chosen = Vec::new();
    for p in &query.properties {
        let (id, name, predicate) = properties
            .iter()
            .find(|(id, ..)| *id == p.id)
            .ok_or_else(|| AppError::bad_request(format!("unknown property `{}`", p.id)))?;
        let lang = p
            .settings
            .get("lang")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| default_lang.clone());
        let is_entity = !matches!(
            id.as_str(),
            "prefLabel" | "altLabel" | "definition" | "notation"
        );
        let mut m = json!({"id": id, "name": name});
        if is_entity && !matches!(id.as_str(), "exactMatch" | "closeMatch" | "inScheme") {
            m["type"] = json!({"id": CONCEPT, "name": "Concept"});
        }
        meta.push(m);
        chosen.push((id.clone(), predicate.clone(), lang));
    }
    let mut rows_1 = Vec::new();
    let mut rows_02 = serde_json::Map::new();
    for entity in &query.ids {
        let mut props_1 = Vec::new();
        let mut props_02 = serde_json::Map::new();
        for (id, predicate, lang) in &chosen {
            let mut found: Vec<Value> = Vec::new();
            for o in objects(snapshot, entity, predicate.as_ref()) {
                match o {
                    Term::Literal(l) if l.language().is_some_and(|x| x != lang) => {}
                    Term::Literal(l) => {
                        let mut v = json!({"str": l.value()});
                        if let (Some(x), Protocol::V1) = (l.language(), protocol) {
                            v["lang"] = Value::String(x.to_owned());
                        }
                        found.push(v);
                    }
                    Term::NamedNode(n) => match snapshot.concepts.get(n.as_str()) {
                        Some(i) => found.push(json!({"id": n.as_str(), "name": snapshot.concepts.label(i, &[lang.as_str()])})),
                        None => found.push(json!({"str": n.as_str()})),
                    },
                    Term::BlankNode(_) => {}
                }
            }
            props_1.push(json!({"id": id, "values": found}));
            props_02.insert(id.clone(), Value::Array(found));
        }
        rows_1.push(json!({"id": entity, "properties": props_1}));
        rows_02.insert(entity.clone(), Value::Object(props_02));
    }
    Ok(match protocol {
        Protocol::V1 => json!({"meta": meta, "rows": rows_1}),
        Protocol::V02 => json!({"meta": meta, "rows": rows_02}),
    })
}
