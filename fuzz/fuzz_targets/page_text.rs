//! The page importer on plain text: lines, then the page's layout (term,
//! definition, sections, key facts, misconceptions, links) into an entry,
//! checked with the glossary's entries. What it would write reads back and
//! publishes in every export format.
#![no_main]

use glossgraph_fuzz::{import_page, page};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    import_page(page("page.txt", data, "text/plain", None));
});
