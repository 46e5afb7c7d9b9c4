//! `glossary.toml`. A configuration that reads gives graphs that every export
//! format writes and reads back whole: its scheme graph (the scheme, the
//! dataset description, the publisher) and an entry's graph under it (the
//! concept IRIs minted from `base`, the Articles cited through `article`).
#![no_main]

use glossgraph::config;
use glossgraph::convert;
use glossgraph::export::Exporter;
use glossgraph_fuzz::{project, round_trip, target};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(config) = config::parse_str(text, Path::new("glossary.toml")) else {
        return;
    };
    let ontology = &project().ontology;
    let exporter = Exporter::new(&config).expect("the shipped context reads");
    round_trip(
        &exporter,
        &convert::scheme(&config, &Default::default(), &[], ontology, 0),
    );
    // An entry citing Articles, with relations and parts of every kind.
    let entry = target()
        .entry("single-point-of-contact")
        .expect("the glossary has the entry");
    round_trip(&exporter, &convert::entry(entry, &config, ontology));
});
