//! Micro-benchmarks of each stage on a generated glossary: parse and check the
//! entries, convert them to quads, load the quads into a store, serialise the
//! graph in each format, and search its labels.
//!
//! `cargo bench --bench pipeline` (release; `GLOSSGRAPH_BENCH_ENTRIES=N` sets the
//! glossary's size, default 1,000). Under `cargo test --bench pipeline` each
//! benchmark runs once, as a smoke test.

#[path = "support/mod.rs"]
mod support;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use glossgraph::build::{self, StoreChoice};
use glossgraph::export::{Exporter, Format};
use glossgraph::project::Project;
use glossgraph::{convert, server, store};
use oxigraph::model::Quad;
use std::hint::black_box;

// The allocator the binary uses, so stage times add up to its build time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn entries() -> usize {
    std::env::var("GLOSSGRAPH_BENCH_ENTRIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000)
}

fn pipeline(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let n = entries();
    support::glossary::write(dir.path(), n, 1).expect("the generated glossary is written");
    let project = Project::open(dir.path()).expect("the generated glossary opens");
    let loaded = build::read(&project).expect("the entries are listed");
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics.first());
    let quads: Vec<Quad> = loaded
        .entries
        .iter()
        .flat_map(|e| convert::entry(e, &project.config, &project.ontology))
        .collect();

    let mut group = c.benchmark_group(format!("{n} entries"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("parse and check", |b| {
        b.iter(|| black_box(build::read(&project).unwrap()))
    });
    group.bench_function("convert", |b| {
        b.iter(|| {
            let count: usize = loaded
                .entries
                .iter()
                .map(|e| convert::entry(e, &project.config, &project.ontology).len())
                .sum();
            black_box(count)
        })
    });
    group.throughput(Throughput::Elements(quads.len() as u64));
    group.bench_function("load quads", |b| {
        b.iter_batched(
            || quads.clone(),
            |quads| {
                let store = oxigraph::store::Store::new().unwrap();
                let mut loader = store.bulk_loader();
                loader.load_quads(quads).unwrap();
                loader.commit().unwrap();
                black_box(store)
            },
            BatchSize::LargeInput,
        )
    });
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("build (sources to store)", |b| {
        b.iter(|| black_box(build::build(&project, &StoreChoice::Memory).unwrap().stats))
    });
    let exporter = Exporter::new(&project.config).unwrap();
    let built = build::build(&project, &StoreChoice::Memory).unwrap();
    let all = store::quads(&built.store).unwrap();
    group.throughput(Throughput::Elements(all.len() as u64));
    for format in [
        Format::Turtle,
        Format::TriG,
        Format::NTriples,
        Format::NQuads,
        Format::RdfXml,
        Format::JsonLd,
    ] {
        group.bench_function(format!("serialise {}", format.name()), |b| {
            b.iter_batched(
                || all.clone(),
                |quads| {
                    let mut out = Vec::with_capacity(1 << 20);
                    exporter.write(quads, format, &mut out).unwrap();
                    black_box(out.len())
                },
                BatchSize::LargeInput,
            )
        });
    }
    let snapshot = server::snapshot_of(&project, built).unwrap();
    let languages = ["en", "de", "fr"];
    // A whole label, a prefix, a word inside a label and a typo, all taken
    // from the glossary so that each finds something.
    let label = snapshot.concepts.label(n / 2, &languages).to_owned();
    let first_word = label.split(' ').next().unwrap_or(&label).to_owned();
    let prefix: String = first_word.chars().take(3).collect();
    let inner = label.split(' ').nth(1).unwrap_or(&label).to_owned();
    let mut typo = first_word.clone();
    if typo.len() > 4 {
        typo.remove(2);
    }
    group.throughput(Throughput::Elements(1));
    for (kind, text) in [
        ("whole label", label.as_str()),
        ("prefix", prefix.as_str()),
        ("inner word", inner.as_str()),
        ("typo", typo.as_str()),
    ] {
        let query = glossgraph::search::Query {
            text,
            languages: &languages,
            limit: 10,
            deprecated: true,
        };
        assert!(
            !snapshot.search.search(&query).is_empty(),
            "`{text}` ({kind}) finds something"
        );
        group.bench_function(format!("search {kind}"), |b| {
            b.iter(|| black_box(snapshot.search.search(&query)))
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
