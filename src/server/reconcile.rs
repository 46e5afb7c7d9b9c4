//! The Reconciliation Service API (W3C community draft 1.0) at `/reconcile`,
//! for OpenRefine and other matching tools: the manifest, reconciliation
//! queries (JSON, and the form-encoded `queries=` of the older protocol that
//! OpenRefine 3 sends), suggest services for entities, types and properties,
//! previews and data extension.
//!
//! Entity ids are concept IRIs; the one type is `skos:Concept`. Candidates come
//! from the label index; property conditions are checked on the graph.

use super::AppState;
use super::html::script_json;
use super::respond::{AppError, json, typed};
use super::search::find;
use super::snapshot::Snapshot;
use crate::search::{Match, normalise};
use crate::vocab::skos;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::header::{self, HeaderMap};
use axum::http::{Response, StatusCode};
use oxigraph::model::{NamedNode, NamedNodeRef, Term};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

/// Most queries one request may carry.
pub const MAX_BATCH: usize = 1000;
/// Most candidates one query returns.
pub const MAX_CANDIDATES: usize = 100;
const CONCEPT: &str = "http://www.w3.org/2004/02/skos/core#Concept";

/// The properties the service can match and return: (id, name, predicate).
fn properties(snapshot: &Snapshot) -> Vec<(String, String, NamedNode)> {
    let mut out: Vec<(String, String, NamedNode)> = [
        ("prefLabel", "preferred label", skos::PREF_LABEL),
        ("altLabel", "alternative label", skos::ALT_LABEL),
        ("definition", "definition", skos::DEFINITION),
        ("notation", "notation", skos::NOTATION),
        ("broader", "broader concept", skos::BROADER),
        ("narrower", "narrower concept", skos::NARROWER),
        ("related", "related concept", skos::RELATED),
        ("exactMatch", "exact match", skos::EXACT_MATCH),
        ("closeMatch", "close match", skos::CLOSE_MATCH),
        ("inScheme", "concept scheme", skos::IN_SCHEME),
    ]
    .into_iter()
    .map(|(id, name, p)| (id.to_owned(), name.to_owned(), p.into_owned()))
    .collect();
    for t in snapshot.ontology.relation_types() {
        if t.iri.as_str().starts_with(crate::vocab::GG_NS) {
            out.push((t.key.clone(), t.label.clone(), t.iri.clone()));
        }
    }
    out
}

/// The manifest (service description).
fn manifest(snapshot: &Snapshot) -> Value {
    let title = snapshot
        .config
        .title
        .values()
        .next()
        .cloned()
        .unwrap_or_default();
    let languages: Vec<Value> = snapshot
        .languages()
        .iter()
        .map(|l| json!({"value": l, "name": l}))
        .collect();
    json!({
        "versions": ["1.0-draft", "0.2"],
        "name": format!("{title} (glossgraph)"),
        "lang": snapshot.languages().first().cloned().unwrap_or_else(|| "en".into()),
        "documentation": snapshot.config.base.file("queries").as_str(),
        "serviceVersion": env!("CARGO_PKG_VERSION"),
        "identifierSpace": snapshot.config.base.as_str(),
        "schemaSpace": skos::NS,
        "view": { "url": "{id}" },
        "defaultTypes": [{ "id": CONCEPT, "name": "Concept" }],
        "suggest": { "entity": true, "property": true, "type": true },
        "preview": { "width": 400, "height": 220 },
        "extend": {
            "proposeProperties": true,
            "propertySettings": [{
                "type": "select",
                "id": "lang",
                "name": "Language",
                "default": snapshot.languages().first().cloned().unwrap_or_else(|| "en".into()),
                "helpText": "The language of labels and definitions",
                "choices": languages,
            }],
        },
    })
}

/// One condition of a 1.0 reconciliation query (other fields, such as `lang`,
/// are allowed and ignored).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Condition {
    match_type: MatchType,
    property_id: Option<String>,
    property_value: Value,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    match_quantifier: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    match_qualifier: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum MatchType {
    Name,
    Id,
    Property,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Query1 {
    #[serde(rename = "type")]
    kind: Option<String>,
    limit: Option<f64>,
    lang: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    dir: Option<String>,
    conditions: Vec<Condition>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch1 {
    queries: Vec<Query1>,
}

/// A query of the 0.2 protocol (OpenRefine 3).
#[derive(Debug, Deserialize)]
struct Query02 {
    query: Option<String>,
    #[serde(rename = "type")]
    kind: Option<Value>,
    limit: Option<f64>,
    #[serde(default)]
    properties: Vec<Property02>,
}

#[derive(Debug, Deserialize)]
struct Property02 {
    #[serde(alias = "p")]
    pid: String,
    v: Value,
}

/// What the service matches one query on, whatever protocol it came in.
struct Request {
    names: Vec<String>,
    ids: Vec<String>,
    conditions: Vec<PropertyCondition>,
    kind: Option<String>,
    limit: usize,
    lang: Option<String>,
}

struct PropertyCondition {
    property: String,
    values: Vec<String>,
    required: bool,
    quantifier: Quantifier,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quantifier {
    Any,
    All,
    None,
}

fn values(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().flat_map(values).collect(),
        Value::String(s) => vec![s.clone()],
        Value::Number(n) => vec![n.to_string()],
        Value::Bool(b) => vec![b.to_string()],
        Value::Object(o) => o
            .get("id")
            .and_then(Value::as_str)
            .map(|s| vec![s.to_owned()])
            .unwrap_or_default(),
        Value::Null => Vec::new(),
    }
}

fn limit(limit: Option<f64>) -> usize {
    limit.map_or(10, |l| {
        if l.is_finite() && l >= 1.0 {
            (l as usize).min(MAX_CANDIDATES)
        } else {
            10
        }
    })
}

impl Request {
    fn from_1(q: Query1, index: usize) -> Result<Self, AppError> {
        if q.conditions.is_empty() {
            return Err(AppError::bad_request(format!(
                "query {index} has no conditions"
            )));
        }
        let mut request = Request {
            names: Vec::new(),
            ids: Vec::new(),
            conditions: Vec::new(),
            kind: q.kind,
            limit: limit(q.limit),
            lang: q.lang,
        };
        for c in q.conditions {
            let vs = values(&c.property_value);
            match c.match_type {
                MatchType::Name => request.names.extend(vs),
                MatchType::Id => request.ids.extend(vs),
                MatchType::Property => {
                    let property = c.property_id.ok_or_else(|| {
                        AppError::bad_request(format!(
                            "query {index}: a `property` condition needs a `propertyId`"
                        ))
                    })?;
                    let quantifier = match c.match_quantifier.as_deref() {
                        None | Some("any") => Quantifier::Any,
                        Some("all") => Quantifier::All,
                        Some("none") => Quantifier::None,
                        Some(other) => {
                            return Err(AppError::bad_request(format!(
                                "query {index}: unknown matchQuantifier `{other}`"
                            )));
                        }
                    };
                    request.conditions.push(PropertyCondition {
                        property,
                        values: vs,
                        required: c.required,
                        quantifier,
                    });
                }
            }
        }
        Ok(request)
    }

    fn from_02(q: Query02) -> Self {
        let kind = match q.kind {
            Some(Value::String(s)) => Some(s),
            Some(Value::Array(a)) => a.first().and_then(Value::as_str).map(str::to_owned),
            _ => None,
        };
        Request {
            names: q.query.into_iter().collect(),
            ids: Vec::new(),
            conditions: q
                .properties
                .into_iter()
                .map(|p| PropertyCondition {
                    property: p.pid,
                    values: values(&p.v),
                    required: false,
                    quantifier: Quantifier::Any,
                })
                .collect(),
            kind,
            limit: limit(q.limit),
            lang: None,
        }
    }
}

/// A scored candidate.
struct Candidate {
    concept: usize,
    score: f64,
    exact: bool,
    features: Vec<Value>,
}

fn known_type(kind: Option<&str>) -> bool {
    matches!(
        kind,
        None | Some("") | Some(CONCEPT) | Some("skos:Concept") | Some("Concept")
    )
}

/// The objects of `predicate` on a concept, as text: IRIs, and literals.
fn objects(snapshot: &Snapshot, concept: &str, predicate: NamedNodeRef<'_>) -> Vec<Term> {
    let subject = NamedNode::new_unchecked(concept);
    let mut out: Vec<Term> = snapshot
        .store
        .quads_for_pattern(Some(subject.as_ref().into()), Some(predicate), None, None)
        .filter_map(Result::ok)
        .map(|q| q.object)
        .collect();
    out.sort_by_key(|t| t.to_string());
    out.dedup();
    out
}

/// Whether a concept's values of a property match a value given as an id or a name.
fn value_matches(snapshot: &Snapshot, objects: &[Term], value: &str) -> bool {
    let wanted = normalise(value);
    objects.iter().any(|o| match o {
        Term::NamedNode(n) => {
            n.as_str() == value
                || snapshot.concepts.get(n.as_str()).is_some_and(|i| {
                    let c = &snapshot.concepts.concepts[i];
                    c.labels
                        .iter()
                        .chain(&c.alt_labels)
                        .any(|(_, t)| normalise(t) == wanted)
                })
        }
        Term::Literal(l) => normalise(l.value()) == wanted,
        Term::BlankNode(_) => false,
    })
}

fn reconcile(snapshot: &Snapshot, request: &Request) -> Result<Vec<Candidate>, AppError> {
    if !known_type(request.kind.as_deref()) {
        return Ok(Vec::new());
    }
    // A property the service does not have matches nothing: a required
    // condition on it leaves no candidates, an optional one changes no score.
    let properties = properties(snapshot);
    let lang = request
        .lang
        .clone()
        .unwrap_or_else(|| snapshot.languages().first().cloned().unwrap_or_default());
    // Candidates: by id, else by name.
    let mut scored: Vec<(usize, f64, bool)> = Vec::new();
    for id in &request.ids {
        if let Some(i) = snapshot.concepts.get(id) {
            scored.push((i, 100.0, true));
        }
    }
    for name in &request.names {
        for hit in find(snapshot, name, &lang, (request.limit * 3).max(10), None) {
            let exact = matches!(hit.matched, Match::ExactPreferred | Match::ExactAlternative);
            let i = hit.concept as usize;
            match scored.iter_mut().find(|(c, ..)| *c == i) {
                Some(existing) if existing.1 >= hit.score => {}
                Some(existing) => *existing = (i, hit.score, exact),
                None => scored.push((i, hit.score, exact)),
            }
        }
    }
    let mut candidates = Vec::new();
    for (concept, name_score, exact) in scored {
        let iri = snapshot.concepts.concepts[concept].iri.clone();
        let mut score = name_score;
        let mut features = vec![
            json!({"id": "name", "name": "Name similarity", "value": (name_score * 100.0).round() / 100.0}),
        ];
        let mut excluded = false;
        for c in &request.conditions {
            let known = properties.iter().find(|(id, ..)| *id == c.property);
            let name = known.map_or(c.property.as_str(), |(_, name, _)| name.as_str());
            let objects = known
                .map(|(_, _, predicate)| objects(snapshot, &iri, predicate.as_ref()))
                .unwrap_or_default();
            let matched: Vec<bool> = c
                .values
                .iter()
                .map(|v| value_matches(snapshot, &objects, v))
                .collect();
            let satisfied = match c.quantifier {
                Quantifier::Any => matched.iter().any(|m| *m),
                Quantifier::All => !matched.is_empty() && matched.iter().all(|m| *m),
                Quantifier::None => !matched.iter().any(|m| *m),
            };
            features.push(json!({"id": format!("property:{}", c.property), "name": format!("Matches {name}"), "value": satisfied}));
            if c.required && !satisfied {
                excluded = true;
            } else if satisfied {
                score += 10.0;
            } else {
                score -= 5.0;
            }
        }
        if !excluded {
            candidates.push(Candidate {
                concept,
                score: score.clamp(0.0, 100.0),
                exact,
                features,
            });
        }
    }
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
    candidates.truncate(request.limit);
    // A match only when one candidate is an exact name (or id) match and no other is.
    let exact_count = candidates.iter().filter(|c| c.exact).count();
    for c in &mut candidates {
        c.exact = c.exact && exact_count == 1;
    }
    Ok(candidates)
}

fn candidate_json(snapshot: &Snapshot, candidate: &Candidate, lang: &str, features: bool) -> Value {
    let concept = &snapshot.concepts.concepts[candidate.concept];
    let languages = [lang];
    let mut value = json!({
        "id": concept.iri,
        "name": snapshot.concepts.label(candidate.concept, &languages),
        "score": (candidate.score * 100.0).round() / 100.0,
        "match": candidate.exact,
        "type": [{ "id": CONCEPT, "name": "Concept" }],
    });
    if let Some(definition) = definition(snapshot, &concept.iri, lang) {
        value["description"] = Value::String(definition);
    }
    if features {
        value["features"] = Value::Array(candidate.features.clone());
    }
    value
}

fn definition(snapshot: &Snapshot, iri: &str, lang: &str) -> Option<String> {
    let definitions = objects(snapshot, iri, skos::DEFINITION);
    let texts: Vec<(&str, &str)> = definitions
        .iter()
        .filter_map(|o| match o {
            Term::Literal(l) => Some((l.language().unwrap_or_default(), l.value())),
            _ => None,
        })
        .collect();
    texts
        .iter()
        .find(|(l, _)| *l == lang)
        .or_else(|| texts.first())
        .map(|(_, t)| (*t).to_owned())
}

/// Runs reconciliation off the async workers: a batch can be CPU work.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(AppError::internal)?
}

/// The JSON of a `queries=` form field or a JSON body, parsed with a located error.
fn parse_json(text: &str, what: &str) -> Result<Value, AppError> {
    serde_json::from_str(text)
        .map_err(|e| AppError::bad_request(format!("{what} is not valid JSON: {e}")))
}

/// Answers a batch in whichever protocol it came in. `legacy` allows the 0.2
/// shape (`{"q0": {"query": …}}`), which OpenRefine 3 sends as a form field.
fn answer(snapshot: &Snapshot, batch: Value, legacy: bool) -> Result<Value, AppError> {
    match batch {
        // 1.0: {"queries": [ {conditions: …}, … ]}
        Value::Object(ref o) if o.get("queries").is_some_and(Value::is_array) => {
            let batch: Batch1 = serde_json::from_value(batch).map_err(|e| {
                AppError::bad_request(format!("not a reconciliation query batch: {e}"))
            })?;
            if batch.queries.len() > MAX_BATCH {
                return Err(too_many(batch.queries.len()));
            }
            let mut results = Vec::with_capacity(batch.queries.len());
            for (i, q) in batch.queries.into_iter().enumerate() {
                let request = Request::from_1(q, i)?;
                let lang = request
                    .lang
                    .clone()
                    .unwrap_or_else(|| snapshot.languages().first().cloned().unwrap_or_default());
                let candidates = reconcile(snapshot, &request)?;
                results.push(json!({ "candidates": candidates.iter().map(|c| candidate_json(snapshot, c, &lang, true)).collect::<Vec<_>>() }));
            }
            Ok(json!({ "results": results }))
        }
        // 0.2: {"q0": {"query": …}, …}
        Value::Object(o) if legacy => {
            if o.len() > MAX_BATCH {
                return Err(too_many(o.len()));
            }
            let lang = snapshot.languages().first().cloned().unwrap_or_default();
            let mut out = serde_json::Map::new();
            for (key, q) in o {
                let q: Query02 = serde_json::from_value(q).map_err(|e| {
                    AppError::bad_request(format!(
                        "query `{key}` is not a reconciliation query: {e}"
                    ))
                })?;
                let candidates = reconcile(snapshot, &Request::from_02(q))?;
                out.insert(key, json!({ "result": candidates.iter().map(|c| candidate_json(snapshot, c, &lang, false)).collect::<Vec<_>>() }));
            }
            Ok(Value::Object(out))
        }
        _ => Err(AppError::bad_request(
            "a reconciliation batch is a JSON object: {\"queries\": [...]}",
        )),
    }
}

fn too_many(n: usize) -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the batch has {n} queries; send at most {MAX_BATCH} per request"),
    )
}

fn form_field(raw: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(raw)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `GET /reconcile`: the manifest, or (`?queries=`) a 0.2 batch, with JSONP `callback`.
pub async fn get(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let raw = raw.unwrap_or_default();
    let callback = form_field(raw.as_bytes(), "callback");
    let value = match form_field(raw.as_bytes(), "queries") {
        Some(queries) => {
            let batch = parse_json(&queries, "`queries`")?;
            let s = snapshot.clone();
            blocking(move || answer(&s, batch, true)).await?
        }
        None => manifest(&snapshot),
    };
    match callback {
        Some(callback)
            if callback
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                && !callback.is_empty() =>
        {
            Ok(typed(
                "text/javascript",
                format!("{callback}({})", script_json(&value)),
            ))
        }
        Some(_) => Err(AppError::bad_request(
            "`callback` must be a JavaScript identifier",
        )),
        None => Ok(json(&value)),
    }
}

/// `POST /reconcile`: a batch as JSON, or as the form field `queries=`.
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let (text, legacy) = sent(&headers, &body, "queries")?;
    let batch = parse_json(&text, "the batch")?;
    let value = blocking(move || answer(&snapshot, batch, legacy)).await?;
    Ok(json(&value))
}

/// The JSON text a POST sends: the form field `field` of the older protocol
/// (then `true`), or else the body.
fn sent(headers: &HeaderMap, body: &[u8], field: &str) -> Result<(String, bool), AppError> {
    match media_type(headers).as_deref() {
        Some("application/x-www-form-urlencoded") => {
            let text = form_field(body, field)
                .ok_or_else(|| AppError::bad_request(format!("the form has no `{field}` field")))?;
            Ok((text, true))
        }
        _ => {
            let text = String::from_utf8(body.to_vec())
                .map_err(|_| AppError::bad_request("the request is not valid UTF-8"))?;
            Ok((text, false))
        }
    }
}

fn media_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
}

fn params(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `GET /reconcile/suggest/entity?prefix=&cursor=&lang=`.
pub async fn suggest_entity(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let params = params(raw.as_deref());
    let prefix = param(&params, "prefix").unwrap_or_default().to_owned();
    if prefix.chars().count() > super::search::MAX_QUERY_CHARS {
        return Err(AppError::bad_request(
            "`prefix` is limited to 200 characters",
        ));
    }
    let cursor: usize = param(&params, "cursor")
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
        .min(1000);
    let lang = param(&params, "lang")
        .map(str::to_owned)
        .unwrap_or_else(|| snapshot.languages().first().cloned().unwrap_or_default());
    let s = snapshot.clone();
    let hits = blocking(move || {
        Ok(find(&s, &prefix, &lang, cursor + 10, None)
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
    Ok(json(&json!({ "result": result })))
}

/// `GET /reconcile/suggest/type?prefix=`: the one type, `skos:Concept`.
pub async fn suggest_type(RawQuery(raw): RawQuery) -> Response<Body> {
    let params = params(raw.as_deref());
    let prefix = normalise(param(&params, "prefix").unwrap_or_default());
    let result: Vec<Value> = ["concept", "skos concept"]
        .iter()
        .any(|n| n.starts_with(&prefix) || prefix.is_empty())
        .then(|| json!({"id": CONCEPT, "name": "Concept", "description": "A SKOS concept of the glossary or of a vocabulary it publishes"}))
        .into_iter()
        .collect();
    json(&json!({ "result": result }))
}

/// `GET /reconcile/suggest/property?prefix=`.
pub async fn suggest_property(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Response<Body> {
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
    json(&json!({ "result": result }))
}

/// `GET /reconcile/preview?id=IRI`: a small HTML card.
pub async fn preview(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    use askama::Template;
    let snapshot = state.snapshot();
    let params = params(raw.as_deref());
    let id = param(&params, "id").ok_or_else(|| AppError::bad_request("`id` is required"))?;
    let i = snapshot
        .concepts
        .get(id)
        .ok_or_else(|| AppError::not_found(format!("there is no concept <{id}>")))?;
    let lang = param(&params, "lang")
        .map(str::to_owned)
        .unwrap_or_else(|| snapshot.languages().first().cloned().unwrap_or_default());
    let concept = &snapshot.concepts.concepts[i];
    let card = super::html::PreviewCard {
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

/// `GET /reconcile/extend/propose?type=&limit=`.
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
    Ok(json(
        &json!({ "type": kind, "limit": limit, "properties": properties }),
    ))
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

/// `POST /reconcile/extend`: property values of entities, as JSON (1.0) or as
/// the form field `extend=` (0.2, OpenRefine 3).
pub async fn extend(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let (text, old) = sent(&headers, &body, "extend")?;
    let query: Extension = serde_json::from_str(&text)
        .map_err(|e| AppError::bad_request(format!("not a data extension query: {e}")))?;
    if query.ids.len() > MAX_BATCH {
        return Err(too_many(query.ids.len()));
    }
    let value = blocking(move || extension(&snapshot, &query, old)).await?;
    Ok(json(&value))
}

fn extension(snapshot: &Arc<Snapshot>, query: &Extension, old: bool) -> Result<Value, AppError> {
    let properties = properties(snapshot);
    let default_lang = snapshot.languages().first().cloned().unwrap_or_default();
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
    let mut rows_new = Vec::new();
    let mut rows_old = serde_json::Map::new();
    for entity in &query.ids {
        let mut props_new = Vec::new();
        let mut props_old = serde_json::Map::new();
        for (id, predicate, lang) in &chosen {
            let mut found: Vec<Value> = Vec::new();
            for o in objects(snapshot, entity, predicate.as_ref()) {
                match o {
                    Term::Literal(l) if l.language().is_some_and(|x| x != lang) => {}
                    Term::Literal(l) => {
                        let mut v = json!({"str": l.value()});
                        if let Some(x) = l.language() {
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
            props_new.push(json!({"id": id, "values": found}));
            props_old.insert(id.clone(), Value::Array(found));
        }
        rows_new.push(json!({"id": entity, "properties": props_new}));
        rows_old.insert(entity.clone(), Value::Object(props_old));
    }
    Ok(if old {
        json!({"meta": meta, "rows": rows_old})
    } else {
        json!({"meta": meta, "rows": rows_new})
    })
}
