//! The page importer on HTML: the nesting guard, the HTML read into lines
//! (site furniture set aside, links resolved against the page's address),
//! then as `page_text`.
#![no_main]

use glossgraph::import::page::{self, FurnitureRules};
use glossgraph::input::Fetched;
use glossgraph_fuzz::{imported, target};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let page = Fetched {
        name: "https://glossary.example.org/terms/page.html".into(),
        bytes: data.to_vec(),
        media_type: Some("text/html".into()),
        charset: None,
        url: Some("https://glossary.example.org/terms/page.html".into()),
    };
    imported(page::plan(
        &[page],
        target(),
        &FurnitureRules::default(),
        &[],
        false,
    ));
});
