//! The entry reader (YAML front matter and Markdown), and what `build` does
//! with what it accepts: an entry that passes `check` converts to a graph
//! that every export format writes and reads back whole.
#![no_main]

use glossgraph::source;
use glossgraph_fuzz::{entry_path, parse_options, passes_check, publish, summaries};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut entry) = source::parse_bytes(data, &entry_path(), parse_options()) else {
        return;
    };
    // An entry with the term of one of the glossary's is read as an edit of
    // that entry's file (an id comes from the file name alone), so that the
    // glossary's own entries, the seeds, pass `check`.
    let same_term = summaries().iter().find(|s| {
        s.terms.iter().any(|(lang, label, ..)| {
            entry
                .terms
                .iter()
                .any(|t| t.lang == *lang && t.value.to_lowercase() == label.to_lowercase())
        })
    });
    if let Some(same) = same_term {
        entry.id = same.id.clone();
        entry.path = same.path.clone();
    }
    if passes_check(&entry) {
        publish(&entry);
    }
});
