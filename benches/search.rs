//! Search benchmark: builds the label index over generated labels (default one
//! million), then times a mix of autocomplete queries, and for comparison the
//! same kind of lookup as a SPARQL `CONTAINS` scan in Oxigraph.
//!
//! `cargo bench --bench search` (release). `GLOSSGRAPH_BENCH_LABELS=N` sets the
//! number of labels; `GLOSSGRAPH_BENCH_SPARQL=0` skips the SPARQL comparison.
//! Prints a Markdown table for BENCHMARKS.md.

use glossgraph::search::{Index, LabelInput, LabelKind, Query};
use std::time::{Duration, Instant};

#[path = "support/mod.rs"]
mod support;

use support::{Rng, word};

/// Labels of `concepts` concepts: a preferred label in three languages and an
/// alternative one, one to four words each, from a vocabulary with a Zipf-like
/// spread (a few common words, a long tail).
fn labels(count: usize) -> (Vec<(u32, &'static str, LabelKind, String)>, usize) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let vocabulary: Vec<String> = (0..60_000).map(|_| word(&mut rng)).collect();
    let pick = |rng: &mut Rng| -> String {
        // Squaring a uniform number favours the start of the vocabulary.
        let u = rng.below(1 << 20) as f64 / f64::from(1 << 20);
        vocabulary[((u * u) * vocabulary.len() as f64) as usize].clone()
    };
    let mut out = Vec::with_capacity(count);
    let mut concept = 0u32;
    while out.len() < count {
        for (lang, kind) in [
            ("en", LabelKind::Preferred),
            ("fr", LabelKind::Preferred),
            ("de", LabelKind::Preferred),
            ("en", LabelKind::Alternative),
        ] {
            let words = 1 + rng.below(4);
            let text: Vec<String> = (0..words).map(|_| pick(&mut rng)).collect();
            out.push((concept, lang, kind, text.join(" ")));
        }
        concept += 1;
    }
    out.truncate(count);
    (out, concept as usize)
}

/// Queries as people type them: prefixes of labels, whole labels, a word from
/// the middle, a typo.
fn queries(labels: &[(u32, &'static str, LabelKind, String)], n: usize) -> Vec<String> {
    let mut rng = Rng(42);
    (0..n)
        .map(|i| {
            let label = &labels[rng.below(labels.len())].3;
            match i % 5 {
                0 | 1 => label.chars().take(2 + rng.below(8)).collect(),
                2 => label.clone(),
                3 => label
                    .split(' ')
                    .next_back()
                    .unwrap_or(label)
                    .chars()
                    .skip(1)
                    .collect(),
                _ => {
                    let mut chars: Vec<char> = label.chars().collect();
                    if chars.len() > 4 {
                        let at = 1 + rng.below(chars.len() - 2);
                        chars.swap(at, at + 1);
                    }
                    chars.into_iter().collect()
                }
            }
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let count: usize = std::env::var("GLOSSGRAPH_BENCH_LABELS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let (labels, concepts) = labels(count);
    let before = rss_kib().unwrap_or(0);
    let started = Instant::now();
    let index = Index::build(
        labels.iter().map(|(concept, lang, kind, text)| LabelInput {
            concept: *concept,
            lang,
            kind: *kind,
            text,
        }),
        vec![false; concepts],
    );
    let build = started.elapsed();
    let after = rss_kib().unwrap_or(0);
    let queries = queries(&labels, 20_000);
    // Warm up, then time every query.
    for q in queries.iter().take(1000) {
        index.search(&Query {
            text: q,
            languages: &["en", "fr"],
            limit: 10,
            deprecated: false,
        });
    }
    let mut times = Vec::with_capacity(queries.len());
    let mut by_kind: [Vec<Duration>; 5] = Default::default();
    let mut found = 0usize;
    for (i, q) in queries.iter().enumerate() {
        let t = Instant::now();
        let hits = index.search(&Query {
            text: q,
            languages: &["en", "fr"],
            limit: 10,
            deprecated: false,
        });
        let elapsed = t.elapsed();
        times.push(elapsed);
        by_kind[i % 5].push(elapsed);
        found += usize::from(!hits.is_empty());
    }
    if std::env::var("GLOSSGRAPH_BENCH_DETAIL").is_ok() {
        let mut slowest: Vec<(Duration, &String)> = times.iter().copied().zip(&queries).collect();
        slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        for (t, q) in slowest.iter().take(12) {
            let again = Instant::now();
            let hits = index.search(&Query {
                text: q,
                languages: &["en", "fr"],
                limit: 10,
                deprecated: false,
            });
            eprintln!(
                "slow: {t:?} (again {:?}, {} hits, best {:?}) {q:?}",
                again.elapsed(),
                hits.len(),
                hits.first().map(|h| h.matched)
            );
        }
    }
    times.sort();
    if std::env::var("GLOSSGRAPH_BENCH_DETAIL").is_ok() {
        for (kind, mut t) in ["prefix", "prefix", "whole label", "word inside", "typo"]
            .into_iter()
            .zip(by_kind)
        {
            t.sort();
            eprintln!(
                "{kind}: p50 {:?} p99 {:?} max {:?}",
                percentile(&t, 0.5),
                percentile(&t, 0.99),
                t.last().copied().unwrap_or_default()
            );
        }
    }
    println!(
        "| labels | concepts | index build | index heap | process RSS growth | queries | found | p50 | p90 | p99 | max |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {} | {} | {:.2} s | {:.0} MiB | {:.0} MiB | {} | {:.1}% | {:.3} ms | {:.3} ms | {:.3} ms | {:.3} ms |",
        index.len(),
        concepts,
        build.as_secs_f64(),
        index.heap_bytes() as f64 / 1048576.0,
        after.saturating_sub(before) as f64 / 1024.0,
        queries.len(),
        100.0 * found as f64 / queries.len() as f64,
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.9).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().map_or(0.0, |t| t.as_secs_f64() * 1e3),
    );
    if std::env::var("GLOSSGRAPH_BENCH_SPARQL").is_ok_and(|v| v == "0") {
        return;
    }
    // The same lookups as a SPARQL CONTAINS scan over the same labels.
    use oxigraph::model::{GraphName, Literal, NamedNode, Quad};
    let store = oxigraph::store::Store::new().expect("store");
    let label = NamedNode::new_unchecked("http://www.w3.org/2004/02/skos/core#prefLabel");
    let mut loader = store.bulk_loader();
    loader
        .load_quads(labels.iter().map(|(concept, lang, _, text)| {
            Quad::new(
                NamedNode::new_unchecked(format!("http://example.org/c{concept}")),
                label.clone(),
                Literal::new_language_tagged_literal_unchecked(text, *lang),
                GraphName::DefaultGraph,
            )
        }))
        .expect("load");
    loader.commit().expect("commit");
    let mut sparql = Vec::new();
    let mut ours = Vec::new();
    for q in queries.iter().step_by(queries.len() / 20).take(20) {
        let escaped = q.replace('\\', "\\\\").replace('"', "\\\"").to_lowercase();
        let text = format!(
            "SELECT ?c WHERE {{ ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(CONTAINS(LCASE(STR(?l)), \"{escaped}\")) }} LIMIT 10"
        );
        let t = Instant::now();
        let results = oxigraph::sparql::SparqlEvaluator::new()
            .parse_query(&text)
            .expect("query")
            .on_store(&store)
            .execute()
            .expect("runs");
        if let oxigraph::sparql::QueryResults::Solutions(s) = results {
            let _ = s.count();
        }
        sparql.push(t.elapsed());
        let t = Instant::now();
        index.search(&Query {
            text: q,
            languages: &["en"],
            limit: 10,
            deprecated: false,
        });
        ours.push(t.elapsed());
    }
    sparql.sort();
    ours.sort();
    let (s, o) = (percentile(&sparql, 0.5), percentile(&ours, 0.5));
    println!();
    println!("| lookup over {} labels | median | ratio |", index.len());
    println!("|---|---|---|");
    println!(
        "| SPARQL `CONTAINS(LCASE(…))` scan, Oxigraph in memory | {:.2} ms | 1× |",
        s.as_secs_f64() * 1e3
    );
    println!(
        "| glossgraph label index | {:.3} ms | {:.0}× faster |",
        o.as_secs_f64() * 1e3,
        s.as_secs_f64() / o.as_secs_f64().max(1e-9)
    );
}
