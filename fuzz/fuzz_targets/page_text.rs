//! The page importer on plain text: lines, then the page's layout (term,
//! definition, sections, key facts, misconceptions, links) into an entry,
//! checked with the glossary's entries. What it would write reads back and
//! publishes in every export format.
#![no_main]

use glossgraph::import::page::{self, FurnitureRules};
use glossgraph::input::Fetched;
use glossgraph_fuzz::{imported, target};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let page = Fetched {
        name: "page.txt".into(),
        bytes: data.to_vec(),
        media_type: Some("text/plain".into()),
        charset: None,
        url: None,
    };
    imported(page::plan(
        &[page],
        target(),
        &FurnitureRules::default(),
        &[],
        false,
    ));
});
