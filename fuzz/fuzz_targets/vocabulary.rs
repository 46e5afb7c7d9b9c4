//! Vocabulary loading: the format sniffed from the first bytes (or, failing
//! that, chosen by the input), parsed as `build` parses the vocabularies
//! `glossary.toml` lists, then converted to entries by the SKOS importer.
//! What the importer would write reads back and publishes in every export
//! format.
#![no_main]

use glossgraph::import::skos::{self, SkosOptions};
use glossgraph::input::{self, Fetched};
use glossgraph_fuzz::{imported, target};
use libfuzzer_sys::fuzz_target;
use oxigraph::io::{JsonLdProfileSet, RdfFormat};

/// The formats a vocabulary may be in, for inputs whose start says none.
const FORMATS: [RdfFormat; 6] = [
    RdfFormat::Turtle,
    RdfFormat::NTriples,
    RdfFormat::NQuads,
    RdfFormat::TriG,
    RdfFormat::RdfXml,
    RdfFormat::JsonLd {
        profile: JsonLdProfileSet::empty(),
    },
];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let format = input::sniff(bytes).unwrap_or(FORMATS[usize::from(choice) % FORMATS.len()]);
    let vocabulary = Fetched {
        // The importer tells the format by the extension.
        name: format!("/vocabularies/fuzzed.{}", format.file_extension()),
        bytes: bytes.to_vec(),
        media_type: None,
        charset: None,
        url: None,
    };
    // As `build` reads a vocabulary of `glossary.toml`.
    let _ = vocabulary.parse_rdf(format, false, |_| true);
    let options = SkosOptions::new(&target().out_dir);
    imported(skos::plan(&[vocabulary], target(), &options));
});
