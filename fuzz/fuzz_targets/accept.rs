//! The `Accept` and `Accept-Language` parsers. What is chosen is always one
//! of the offers (or nothing, for `Accept`), and an empty header takes the
//! server's first choice.
#![no_main]

use glossgraph::server::negotiate::{accept_languages, best, choose_language, negotiate};
use libfuzzer_sys::fuzz_target;

/// Offers as the server makes them: pages and RDF, SPARQL results.
const OFFERS: &[&[&str]] = &[
    &[
        "text/html",
        "text/turtle",
        "application/ld+json",
        "application/rdf+xml",
        "application/n-triples",
        "application/n-quads",
        "application/trig",
    ],
    &[
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
        "application/json",
        "application/xml",
        "text/xml",
    ],
    &[
        "application/ld+json;profile=\"http://www.w3.org/ns/json-ld#compacted\"",
        "application/ld+json",
    ],
    &[],
];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    // The header, then (after a line break) offers of the input's own, one a line.
    let (header, own) = text.split_once('\n').unwrap_or((text, ""));
    let own: Vec<&str> = own.lines().collect();
    let offers: &[&str] = match usize::from(choice) % (OFFERS.len() + 1) {
        i if i < OFFERS.len() => OFFERS[i],
        _ => &own,
    };

    let chosen = best(Some(header), offers);
    if let Some(i) = chosen {
        assert!(i < offers.len(), "best chose offer {i} of {}", offers.len());
    }
    assert_eq!(
        negotiate(Some(header), offers),
        chosen.map(|i| offers[i]),
        "negotiate and best disagree"
    );
    if header.trim().is_empty() {
        assert_eq!(chosen, (!offers.is_empty()).then_some(0), "an empty header");
    }

    let available: Vec<String> = own.iter().map(|l| l.to_ascii_lowercase()).collect();
    for tag in accept_languages(header) {
        assert!(!tag.is_empty(), "an empty language tag");
        assert_eq!(tag, tag.to_ascii_lowercase(), "a tag not in lowercase");
    }
    let language = choose_language(Some(header), Some(header), &available);
    assert!(
        available.iter().any(|a| a == language) || (available.is_empty() && language == "en"),
        "chose `{language}`, not one of {available:?}"
    );
});
