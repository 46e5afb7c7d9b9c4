//! Reconciliation queries: a batch in either protocol (1.0's `{"queries": [...]}`,
//! or 0.2's `{"q0": {...}}` that OpenRefine 3 sends as the form field
//! `queries`) read into one `Request` a query, matched on the label index and
//! checked on the graph, and answered in the protocol it came in.

use super::super::respond::AppError;
use super::super::search::find;
use super::super::snapshot::Snapshot;
use super::graph::{CONCEPT, default_language, definition, known_type, objects, properties};
use super::{MAX_BATCH, MAX_CANDIDATES, too_many};
use crate::search::{Match, normalise};
use oxigraph::model::Term;
use serde::Deserialize;
use serde_json::{Value, json};

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
    #[expect(
        dead_code,
        reason = "accepted and not used: no property has qualifiers"
    )]
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
    #[expect(
        dead_code,
        reason = "accepted and not used: the text direction changes no match"
    )]
    dir: Option<String>,
    conditions: Vec<Condition>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch1 {
    queries: Vec<Query1>,
}

/// A query of the 0.2 protocol (OpenRefine 3). Its schema allows no other
/// fields, so a misspelt one (`props`) is refused rather than ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Query02 {
    query: Option<String>,
    #[serde(rename = "type")]
    kind: Option<Value>,
    limit: Option<f64>,
    #[serde(default)]
    properties: Vec<Property02>,
    #[expect(dead_code, reason = "accepted and not used: the type is never strict")]
    type_strict: Option<String>,
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

    fn from_02(q: Query02, key: &str) -> Result<Self, AppError> {
        if q.query.as_deref().is_none_or(str::is_empty) && q.properties.is_empty() {
            return Err(AppError::bad_request(format!(
                "query `{key}` has neither a `query` nor `properties`"
            )));
        }
        let kind = match q.kind {
            Some(Value::String(s)) => Some(s),
            Some(Value::Array(a)) => a.first().and_then(Value::as_str).map(str::to_owned),
            _ => None,
        };
        Ok(Request {
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
        })
    }
}

/// A scored candidate.
struct Candidate {
    concept: usize,
    score: f64,
    exact: bool,
    features: Vec<Value>,
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
        .unwrap_or_else(|| default_language(snapshot));
    // Candidates: by id, else by name.
    let mut scored: Vec<(usize, f64, bool)> = Vec::new();
    for id in &request.ids {
        if let Some(i) = snapshot.concepts.get(id) {
            scored.push((i, 100.0, true));
        }
    }
    for name in &request.names {
        for hit in find(
            snapshot,
            name,
            &lang,
            (request.limit * 3).max(10),
            None,
            false,
        ) {
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

/// Answers a batch in whichever protocol it came in. `legacy` allows the 0.2
/// shape (`{"q0": {"query": …}}`), which OpenRefine 3 sends as a form field.
pub fn answer(snapshot: &Snapshot, batch: Value, legacy: bool) -> Result<Value, AppError> {
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
                    .unwrap_or_else(|| default_language(snapshot));
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
            let lang = default_language(snapshot);
            let mut out = serde_json::Map::new();
            for (key, q) in o {
                let q: Query02 = serde_json::from_value(q).map_err(|e| {
                    AppError::bad_request(format!(
                        "query `{key}` is not a reconciliation query: {e}"
                    ))
                })?;
                let candidates = reconcile(snapshot, &Request::from_02(q, &key)?)?;
                out.insert(key, json!({ "result": candidates.iter().map(|c| candidate_json(snapshot, c, &lang, false)).collect::<Vec<_>>() }));
            }
            Ok(Value::Object(out))
        }
        _ => Err(AppError::bad_request(
            "a reconciliation batch is a JSON object: {\"queries\": [...]}",
        )),
    }
}
