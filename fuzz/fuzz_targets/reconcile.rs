//! Reconciliation requests: a batch of queries in either protocol (1.0's
//! `{"queries": [...]}`, 0.2's `{"q0": {...}}`) and data extension queries,
//! as JSON, answered from the glossary's graph. Each answer has a result for
//! every query, and every candidate is a concept of the glossary scored
//! between 0 and 100.
#![no_main]

use glossgraph::server::{ReconcileProtocol, reconcile_batch, reconcile_extension};
use glossgraph_fuzz::snapshot;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let snapshot = snapshot();
    match mode % 4 {
        0 | 1 => {
            let legacy = mode % 4 == 1;
            let Ok(answer) = reconcile_batch(snapshot, text, legacy) else {
                return;
            };
            let asked: Value = serde_json::from_str(text).expect("an answered batch is JSON");
            let results: Vec<&Value> = match answer.get("results") {
                Some(results) => {
                    let results = results.as_array().expect("`results` is an array");
                    assert_eq!(
                        Some(results.len()),
                        asked["queries"].as_array().map(Vec::len),
                        "a result for each query"
                    );
                    results.iter().collect()
                }
                None => {
                    let results = answer.as_object().expect("a 0.2 answer is an object");
                    assert_eq!(
                        Some(results.len()),
                        asked.as_object().map(|o| o.len()),
                        "a result for each query"
                    );
                    results.values().collect()
                }
            };
            for result in results {
                let candidates = result
                    .get("candidates")
                    .or_else(|| result.get("result"))
                    .and_then(Value::as_array)
                    .expect("a result lists candidates");
                for candidate in candidates {
                    let id = candidate["id"].as_str().expect("a candidate has an id");
                    assert!(snapshot.concepts.get(id).is_some(), "`{id}` is no concept");
                    let score = candidate["score"]
                        .as_f64()
                        .expect("a candidate has a score");
                    assert!((0.0..=100.0).contains(&score), "score {score}");
                }
            }
        }
        _ => {
            let protocol = if mode % 4 == 2 {
                ReconcileProtocol::V1
            } else {
                ReconcileProtocol::V02
            };
            let Ok(answer) = reconcile_extension(snapshot, text, protocol) else {
                return;
            };
            let asked: Value = serde_json::from_str(text).expect("an answered query is JSON");
            let ids = asked["ids"].as_array().expect("an answered query has ids");
            let rows = match &answer["rows"] {
                Value::Array(rows) => rows.len(),
                Value::Object(rows) => rows.len(),
                other => panic!("rows are {other}"),
            };
            // 0.2's rows are keyed by id, so an id asked twice is one row.
            let distinct: std::collections::BTreeSet<&str> =
                ids.iter().filter_map(Value::as_str).collect();
            assert!(
                rows == ids.len() || rows == distinct.len(),
                "{rows} rows for {} ids",
                ids.len()
            );
        }
    }
});
