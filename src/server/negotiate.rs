//! Content negotiation: the one function every route uses to pick a media type
//! from an `Accept` header, and the same for languages from `Accept-Language`.
//!
//! Media ranges are matched as RFC 9110 says: the most specific range that
//! matches an offer gives its quality (`text/turtle` over `text/*` over `*/*`,
//! parameters must match where the range has them), `q=0` refuses. Among offers
//! of equal quality the client's order wins, then the server's.

/// One entry of an `Accept` header.
#[derive(Debug, Clone, PartialEq)]
struct Range<'a> {
    kind: &'a str,
    subtype: &'a str,
    params: Vec<(&'a str, &'a str)>,
    /// Quality in thousandths, 0..=1000.
    q: u16,
}

fn parse_accept(header: &str) -> Vec<Range<'_>> {
    header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let (kind, subtype) = parts.next()?.trim().split_once('/')?;
            let (kind, subtype) = (kind.trim(), subtype.trim());
            if kind.is_empty() || subtype.is_empty() || (kind == "*" && subtype != "*") {
                return None;
            }
            let mut q = 1000;
            let mut params = Vec::new();
            for param in parts {
                let Some((name, value)) = param.split_once('=') else {
                    continue;
                };
                let (name, value) = (name.trim(), value.trim().trim_matches('"'));
                if name.eq_ignore_ascii_case("q") {
                    q = parse_q(value)?;
                } else {
                    params.push((name, value));
                }
            }
            Some(Range {
                kind,
                subtype,
                params,
                q,
            })
        })
        .collect()
}

/// A quality value: `0`, `1`, or up to three decimals. Anything else drops the range.
fn parse_q(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// How well `range` matches the media type `offer`: `None` if it does not,
/// otherwise a specificity (higher is more specific).
fn specificity(range: &Range<'_>, offer: &str) -> Option<u8> {
    let (essence, offer_params) = offer.split_once(';').unwrap_or((offer, ""));
    let (kind, subtype) = essence.split_once('/')?;
    let kind_matches = range.kind == "*" || range.kind.eq_ignore_ascii_case(kind);
    let subtype_matches = range.subtype == "*" || range.subtype.eq_ignore_ascii_case(subtype);
    if !kind_matches || !subtype_matches {
        return None;
    }
    // Looked up in place: this runs for every offer and range of every request.
    let ours = |name: &str| {
        offer_params
            .split(';')
            .filter_map(|p| p.split_once('='))
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().trim_matches('"'))
    };
    for (name, value) in &range.params {
        // Parameters we do not offer (such as charset=utf-8 for text) are fine
        // when they name what we send anyway; `profile` and others must match.
        match ours(name) {
            Some(v) if v.eq_ignore_ascii_case(value) => {}
            // JSON-LD's `profile` is a list of IRIs: each one asked for must be offered.
            Some(v) if name.eq_ignore_ascii_case("profile") => {
                if !value
                    .split_whitespace()
                    .all(|p| v.split_whitespace().any(|o| o == p))
                {
                    return None;
                }
            }
            None if name.eq_ignore_ascii_case("charset") && value.eq_ignore_ascii_case("utf-8") => {
            }
            _ => return None,
        }
    }
    Some(match (range.kind, range.subtype) {
        ("*", _) => 1,
        (_, "*") => 2,
        _ => 3 + u8::from(!range.params.is_empty()),
    })
}

/// The best of `offers` (media types, most preferred by the server first) for an
/// `Accept` header. No header, or an empty one, accepts anything: the first
/// offer. `None` means nothing offered is acceptable (answer 406).
pub fn negotiate<'a>(accept: Option<&str>, offers: &[&'a str]) -> Option<&'a str> {
    best(accept, offers).map(|i| offers[i])
}

/// [`negotiate`], giving the position of the offer chosen.
pub fn best(accept: Option<&str>, offers: &[&str]) -> Option<usize> {
    let header = match accept.map(str::trim) {
        None | Some("") => return (!offers.is_empty()).then_some(0),
        Some(header) => header,
    };
    // One plain type (`text/turtle`, as curl and most RDF clients send):
    // the first offer of that type, without parsing.
    if !header.contains([',', ';', '*', ' ']) {
        let plain = offers.iter().position(|o| {
            let essence = o.split_once(';').map_or(*o, |(e, _)| e);
            essence.eq_ignore_ascii_case(header)
        });
        if plain.is_some() {
            return plain;
        }
    }
    let ranges = parse_accept(header);
    if ranges.is_empty() {
        return (!offers.is_empty()).then_some(0);
    }
    let mut best: Option<(u16, usize, usize)> = None;
    for (server_rank, offer) in offers.iter().enumerate() {
        // The most specific matching range decides; its position breaks ties.
        let matched = ranges
            .iter()
            .enumerate()
            .filter_map(|(i, r)| specificity(r, offer).map(|s| (s, i, r.q)))
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let Some((_, client_rank, q)) = matched else {
            continue;
        };
        if q == 0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((bq, bc, bs)) => q > bq || (q == bq && (client_rank, server_rank) < (bc, bs)),
        };
        if better {
            best = Some((q, client_rank, server_rank));
        }
    }
    best.map(|(.., server_rank)| server_rank)
}

/// The languages a client asks for in `Accept-Language`, best first (q=0 dropped,
/// lowercase; `*` kept).
pub fn accept_languages(header: &str) -> Vec<String> {
    let mut tags: Vec<(u16, usize, String)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, item)| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim().to_ascii_lowercase();
            if tag.is_empty() {
                return None;
            }
            let mut q = 1000;
            for p in parts {
                if let Some(("q", v)) = p.split_once('=').map(|(n, v)| (n.trim(), v.trim())) {
                    q = parse_q(v)?;
                }
            }
            (q > 0).then_some((q, i, tag))
        })
        .collect();
    tags.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter().map(|(.., t)| t).collect()
}

/// The language to show: `?lang=` if available, else the best of
/// `Accept-Language` (a tag or its primary subtag), else the first available.
pub fn choose_language<'a>(
    requested: Option<&str>,
    accept_language: Option<&str>,
    available: &'a [String],
) -> &'a str {
    let find = |tag: &str| {
        let tag = tag.to_ascii_lowercase();
        available
            .iter()
            .find(|a| **a == tag)
            .or_else(|| {
                let primary = tag.split('-').next().unwrap_or_default();
                available
                    .iter()
                    .find(|a| a.split('-').next() == Some(primary))
            })
            .map(String::as_str)
    };
    if let Some(lang) = requested.and_then(find) {
        return lang;
    }
    if let Some(header) = accept_language {
        for tag in accept_languages(header) {
            if tag == "*" {
                break;
            }
            if let Some(lang) = find(&tag) {
                return lang;
            }
        }
    }
    available.first().map_or("en", String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RDF: &[&str] = &[
        "text/html",
        "text/turtle",
        "application/ld+json",
        "application/rdf+xml",
        "application/n-triples",
        "application/n-quads",
    ];

    /// Headers real clients send, and what each must get.
    #[test]
    fn real_clients_get_the_representation_they_ask_for() {
        let cases = [
            // rdflib Graph.parse(url): every parser's media type, no q-values.
            (
                "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, application/n-quads, application/trix, application/trig",
                "application/rdf+xml",
            ),
            // rdflib with format="turtle"
            (
                "text/turtle, application/x-turtle, */*;q=0.1",
                "text/turtle",
            ),
            // Comunica 4
            (
                "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5,text/n3;q=0.35,application/xml;q=0.3,image/svg+xml;q=0.3,text/xml;q=0.3,text/html;q=0.2,application/xhtml+xml;q=0.18",
                "application/n-quads",
            ),
            // jsonld.js document loader
            (
                "application/ld+json, application/json",
                "application/ld+json",
            ),
            // raptor's rapper
            (
                "application/rdf+xml, text/rdf;q=0.6, */*;q=0.1",
                "application/rdf+xml",
            ),
            // Chromium and Firefox
            (
                "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
                "text/html",
            ),
            (
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "text/html",
            ),
            // curl
            ("*/*", "text/html"),
        ];
        for (header, expected) in cases {
            assert_eq!(negotiate(Some(header), RDF), Some(expected), "{header}");
        }
    }

    #[test]
    fn q_values_wildcards_and_order() {
        assert_eq!(
            negotiate(Some("text/turtle;q=0.5, application/ld+json"), RDF),
            Some("application/ld+json")
        );
        assert_eq!(negotiate(Some("text/*"), RDF), Some("text/html"));
        assert_eq!(
            negotiate(Some("text/*;q=0.5, text/turtle"), RDF),
            Some("text/turtle")
        );
        assert_eq!(
            negotiate(Some("*/*;q=0.1, text/html;q=0"), RDF),
            Some("text/turtle")
        );
        assert_eq!(
            negotiate(Some("application/n-triples, text/turtle"), RDF),
            Some("application/n-triples")
        );
        assert_eq!(negotiate(Some("TEXT/Turtle"), RDF), Some("text/turtle"));
    }

    #[test]
    fn parameters_must_match() {
        assert_eq!(
            negotiate(Some("text/turtle; charset=utf-8"), RDF),
            Some("text/turtle")
        );
        assert_eq!(negotiate(Some("text/turtle;charset=latin-1"), RDF), None);
        let offers = [
            "application/ld+json;profile=\"http://www.w3.org/ns/json-ld#compacted\"",
            "text/turtle",
        ];
        assert_eq!(
            negotiate(
                Some("application/ld+json;profile=\"http://www.w3.org/ns/json-ld#compacted\""),
                &offers
            ),
            Some(offers[0])
        );
    }

    #[test]
    fn json_ld_profiles_are_lists_of_iris() {
        let ns = "http://www.w3.org/ns/json-ld#";
        let offer = |profiles: &str| format!("application/ld+json;profile=\"{profiles}\"");
        let compacted = offer(&format!("{ns}compacted"));
        let flattened = offer(&format!("{ns}flattened {ns}compacted"));
        let expanded = offer(&format!("{ns}expanded {ns}flattened"));
        let offers = ["application/ld+json", &compacted, &flattened, &expanded];
        let ask = |profiles: &str| negotiate(Some(&offer(profiles)), &offers);
        assert_eq!(ask(&format!("{ns}compacted")), Some(compacted.as_str()));
        assert_eq!(ask(&format!("{ns}flattened")), Some(flattened.as_str()));
        assert_eq!(
            ask(&format!("{ns}compacted {ns}flattened")),
            Some(flattened.as_str())
        );
        assert_eq!(ask(&format!("{ns}expanded")), Some(expanded.as_str()));
        assert_eq!(ask(&format!("{ns}framed")), None);
        assert_eq!(ask(&format!("{ns}expanded {ns}compacted")), None);
        assert_eq!(
            negotiate(Some("application/ld+json"), &offers),
            Some("application/ld+json")
        );
    }

    /// A header of one plain type skips parsing: it must choose as parsing does.
    #[test]
    fn one_plain_type_chooses_as_the_full_parse() {
        let offers = [
            "text/html",
            "application/ld+json",
            "application/ld+json;profile=\"http://www.w3.org/ns/json-ld#expanded\"",
            "text/turtle",
            "text/n3",
        ];
        for header in [
            "text/turtle",
            "TEXT/N3",
            "application/ld+json",
            "image/png",
            "nonsense",
        ] {
            let parsed = format!("{header};q=1");
            assert_eq!(
                negotiate(Some(header), &offers),
                negotiate(Some(&parsed), &offers),
                "{header}"
            );
        }
    }

    #[test]
    fn nothing_acceptable_is_none_and_no_header_is_the_default() {
        assert_eq!(negotiate(Some("image/png"), RDF), None);
        assert_eq!(negotiate(Some("text/turtle;q=0"), &["text/turtle"]), None);
        assert_eq!(negotiate(None, RDF), Some("text/html"));
        assert_eq!(negotiate(Some(""), RDF), Some("text/html"));
        // Malformed ranges are ignored, not fatal.
        assert_eq!(
            negotiate(Some("garbage, text/turtle;q=2, application/rdf+xml"), RDF),
            Some("application/rdf+xml")
        );
    }

    #[test]
    fn languages() {
        let available = vec!["en".to_owned(), "de".to_owned(), "fr".to_owned()];
        assert_eq!(choose_language(Some("fr"), Some("de"), &available), "fr");
        assert_eq!(
            choose_language(Some("xx"), Some("de-AT, en;q=0.5"), &available),
            "de"
        );
        assert_eq!(
            choose_language(None, Some("es, fr;q=0.8, *;q=0.1"), &available),
            "fr"
        );
        assert_eq!(choose_language(None, Some("de;q=0, es"), &available), "en");
        assert_eq!(choose_language(None, None, &available), "en");
        assert_eq!(
            accept_languages("da, en-gb;q=0.8, en;q=0.7"),
            ["da", "en-gb", "en"]
        );
    }
}
