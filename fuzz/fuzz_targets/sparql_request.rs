//! Reading SPARQL Protocol requests: the query string of a GET, the query
//! string, `Content-Type` and body of a POST (a form or the query itself),
//! with their `default-graph-uri` and `named-graph-uri`; then the query and
//! the dataset's IRIs parsed as `/sparql` parses them; the Graph Store
//! Protocol's `?graph=` and `?default`; and the parameters of a named query
//! (`/queries/{name}?param=value`) bound into it. A request encoded as a
//! form, in any of the three ways a client may send it, reads back as
//! itself.
#![no_main]

use glossgraph::server::{SparqlRequest, StoreGraph, bind_request};
use glossgraph_fuzz::{named_queries, project};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    // Three parts, split at the first two NUL bytes.
    let mut parts = rest.splitn(3, |b| *b == 0);
    let first = parts.next().unwrap_or_default();
    let second = parts.next().unwrap_or_default();
    let third = parts.next().unwrap_or_default();
    let text = |bytes: &[u8]| std::str::from_utf8(bytes).ok().map(str::to_owned);

    let read = match mode % 4 {
        // GET /sparql?{first}
        0 => {
            let Some(raw) = text(first) else { return };
            let _ = StoreGraph::from_query(Some(&raw));
            SparqlRequest::from_get(Some(&raw)).ok().flatten()
        }
        // POST /sparql?{first}, Content-Type: {second}, body: {third}
        1 => {
            let (Some(raw), Some(content_type)) = (text(first), text(second)) else {
                return;
            };
            SparqlRequest::from_post(Some(&raw), Some(&content_type), third).ok()
        }
        // GET /queries/{name}?{first}, the named query chosen by the mode.
        3 => {
            let Some(raw) = text(first) else { return };
            let queries = named_queries();
            let (named, query) = &queries[usize::from(mode / 4) % queries.len()];
            let _ = bind_request(named, query.clone(), Some(&raw), &project().config);
            return;
        }
        // The query {first} over the default graph {second} and the named
        // graph {third}, sent each way.
        _ => {
            let (Some(query), Some(default), Some(named)) =
                (text(first), text(second), text(third))
            else {
                return;
            };
            round_trip(SparqlRequest {
                query,
                default_graphs: vec![default],
                named_graphs: vec![named],
            });
            return;
        }
    };
    if let Some(request) = read {
        let _ = request.parse(project().config.base.as_str());
    }
});

/// `request` sent as a GET, as a POSTed form and as a POSTed query reads back
/// as itself.
fn round_trip(request: SparqlRequest) {
    let graphs = |form: &mut form_urlencoded::Serializer<'_, String>| {
        for g in &request.default_graphs {
            form.append_pair("default-graph-uri", g);
        }
        for g in &request.named_graphs {
            form.append_pair("named-graph-uri", g);
        }
    };
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("query", &request.query);
    graphs(&mut form);
    let whole = form.finish();
    let mut form = form_urlencoded::Serializer::new(String::new());
    graphs(&mut form);
    let dataset_only = form.finish();

    let get = SparqlRequest::from_get(Some(&whole));
    assert_eq!(get.ok().flatten().as_ref(), Some(&request), "GET ?{whole}");
    let posted = SparqlRequest::from_post(
        None,
        Some("application/x-www-form-urlencoded"),
        whole.as_bytes(),
    );
    assert_eq!(posted.ok().as_ref(), Some(&request), "POST form {whole}");
    let posted = SparqlRequest::from_post(
        Some(&dataset_only),
        Some("application/sparql-query; charset=UTF-8"),
        request.query.as_bytes(),
    );
    assert_eq!(
        posted.ok().as_ref(),
        Some(&request),
        "POST query ?{dataset_only}"
    );
}
