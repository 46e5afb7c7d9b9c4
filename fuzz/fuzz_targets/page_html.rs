//! The page importer on HTML: the nesting guard, the HTML read into lines
//! (site furniture set aside, links resolved against the page's address),
//! then as `page_text`.
#![no_main]

use glossgraph_fuzz::{import_page, page};
use libfuzzer_sys::fuzz_target;

/// Where the page was fetched from, for resolving its links.
const URL: &str = "https://glossary.example.org/terms/page.html";

fuzz_target!(|data: &[u8]| {
    import_page(page(URL, data, "text/html", Some(URL)));
});
