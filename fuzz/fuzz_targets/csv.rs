//! The CSV importer: the header into columns, each row into an entry, the
//! names in relation cells resolved to entries, all checked with the
//! glossary's entries. What it would write reads back and publishes in every
//! export format.
#![no_main]

use glossgraph::import::csv;
use glossgraph::input::{self, Fetched};
use glossgraph_fuzz::{imported, target};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sheet = Fetched {
        name: "sheet.csv".into(),
        bytes: data.to_vec(),
        media_type: Some("text/csv".into()),
        charset: None,
        url: None,
    };
    let Ok(text) = input::decode(&sheet) else {
        return;
    };
    imported(csv::plan(&sheet.name, &text, target(), false));
});
