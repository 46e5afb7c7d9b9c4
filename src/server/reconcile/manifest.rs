//! The two service manifests. No manifest can be valid for both versions
//! (1.0-draft's `suggest` holds booleans where 0.2's holds service
//! descriptions, and their view templates are written `{id}` and `{{id}}`),
//! and both specifications have the manifest answer a `GET` without
//! parameters, so each version has an endpoint of its own: `/reconcile` for
//! 1.0-draft and `/reconcile/0.2` for 0.2, the one OpenRefine 3 reads.

use super::super::snapshot::Snapshot;
use super::graph::CONCEPT;
use crate::vocab::skos;
use axum::http::HeaderMap;
use axum::http::header;
use serde_json::{Value, json};

/// The preview's frame, in pixels.
const PREVIEW_WIDTH: u32 = 400;
const PREVIEW_HEIGHT: u32 = 220;

fn name(snapshot: &Snapshot) -> String {
    let title = snapshot
        .config
        .title
        .values()
        .next()
        .cloned()
        .unwrap_or_default();
    format!("{title} (glossgraph)")
}

fn first_language(snapshot: &Snapshot) -> String {
    snapshot
        .languages()
        .first()
        .cloned()
        .unwrap_or_else(|| "en".into())
}

fn language_choices(snapshot: &Snapshot) -> Vec<Value> {
    snapshot
        .languages()
        .iter()
        .map(|l| json!({"value": l, "name": l}))
        .collect()
}

/// The 1.0-draft manifest: the other services are at fixed paths below the
/// endpoint, so it names none.
pub fn draft(snapshot: &Snapshot) -> Value {
    json!({
        "versions": ["1.0-draft"],
        "name": name(snapshot),
        "lang": first_language(snapshot),
        "documentation": snapshot.config.base.file("queries").as_str(),
        "serviceVersion": env!("CARGO_PKG_VERSION"),
        "identifierSpace": snapshot.config.base.as_str(),
        "schemaSpace": skos::NS,
        "view": { "url": "{id}" },
        "defaultTypes": [{ "id": CONCEPT, "name": "Concept" }],
        "suggest": { "entity": true, "property": true, "type": true },
        "preview": { "width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT },
        "extend": {
            "proposeProperties": true,
            "propertySettings": [{
                "type": "select",
                "id": "lang",
                "name": "Language",
                "default": first_language(snapshot),
                "helpText": "The language of labels and definitions",
                "choices": language_choices(snapshot),
            }],
        },
    })
}

/// The 0.2 manifest. Its services are absolute URLs (`services`, see
/// `services_url`): the client calls them from elsewhere.
pub fn v02(snapshot: &Snapshot, services: &str) -> Value {
    let suggest = |kind: &str| {
        json!({
            "service_url": services,
            "service_path": format!("/suggest/{kind}"),
            "flyout_service_path": "/flyout?id=${id}",
        })
    };
    json!({
        "versions": ["0.2"],
        "name": name(snapshot),
        "documentation": snapshot.config.base.file("queries").as_str(),
        "serviceVersion": env!("CARGO_PKG_VERSION"),
        "identifierSpace": snapshot.config.base.as_str(),
        "schemaSpace": skos::NS,
        // Ids are the concepts' IRIs: the view of an entity is its IRI.
        "view": { "url": "{{id}}" },
        "defaultTypes": [{ "id": CONCEPT, "name": "Concept" }],
        "suggest": {
            "entity": suggest("entity"),
            "property": suggest("property"),
            "type": suggest("type"),
        },
        "preview": {
            "url": format!("{services}/preview?id={{{{id}}}}"),
            "width": PREVIEW_WIDTH,
            "height": PREVIEW_HEIGHT,
        },
        "extend": {
            "propose_properties": {
                "service_url": services,
                "service_path": "/extend/propose",
            },
            "property_settings": [{
                "type": "select",
                "name": "lang",
                "label": "Language",
                "default": first_language(snapshot),
                "help_text": "The language of labels and definitions",
                "choices": language_choices(snapshot),
            }],
        },
        "batchSize": super::MAX_BATCH,
    })
}

/// Where the client reached the services (`…/reconcile`, no final slash), for
/// the 0.2 manifest's absolute URLs. The base IRI's host when the request came
/// to it (so a proxy's `https` is kept), else the host the request names, so
/// that a glossary served on `127.0.0.1` but published elsewhere has its
/// suggest, preview and proposals answered by the server that was asked.
pub fn services_url(snapshot: &Snapshot, headers: &HeaderMap) -> String {
    let base = snapshot.config.base.as_str();
    let path = super::super::base_path(base);
    let path = path.trim_end_matches('/');
    let authority = base.split_once("://").map_or(base, |(_, rest)| rest);
    let authority = authority.split('/').next().unwrap_or_default();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| plausible_host(h));
    match host {
        Some(host) if !host.eq_ignore_ascii_case(authority) => {
            let scheme = match headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
            {
                Some(p) if p.eq_ignore_ascii_case("https") => "https",
                _ => "http",
            };
            format!("{scheme}://{host}{path}/reconcile")
        }
        _ => format!("{}/reconcile", base.trim_end_matches('/')),
    }
}

/// A host name, IPv4 or bracketed IPv6 address, with an optional port: nothing
/// that could change a URL's path or query once written into one.
fn plausible_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::plausible_host;

    #[test]
    fn hosts_that_would_change_a_url_are_not_plausible() {
        for host in ["127.0.0.1:7878", "eu-ai.glossgraph.org", "[::1]:8080"] {
            assert!(plausible_host(host), "{host}");
        }
        for host in ["", "evil.org/x?", "a b", "host#frag", "user@host"] {
            assert!(!plausible_host(host), "{host}");
        }
    }
}
