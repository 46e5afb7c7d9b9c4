//! Reading RDF vocabularies to lint: files (format by extension) and URLs
//! (format by media type, then by extension), and where each subject is
//! written, so findings can name a line.
//!
//! Parsing is lenient (Oxigraph skips IRI and language-tag validation), so a
//! bad IRI or language tag is a located finding of its own instead of a syntax
//! error that stops the whole file; `rdf/invalid-iri` and
//! `qskos/invalid-language-tag` then report each one.

use super::finding::{Finding, Location};
use super::graph::Origin;
use crate::diagnostic::Pos;
use crate::input::{self, FetchLimits, FetchProblem, Fetched};
use oxigraph::io::RdfFormat;
use oxigraph::model::{NamedNode, Term, Triple};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

/// One source, read and parsed.
pub struct Parsed {
    pub triples: Vec<Triple>,
    pub origin: Origin,
}

/// Reads and parses `spec` (a path or an http(s) URL). A source that cannot be
/// read or parsed is a finding, and gives no triples.
pub fn read(spec: &str, fetch_timeout: Duration) -> Result<Parsed, Box<Finding>> {
    let format = if input::is_url(spec) {
        None
    } else {
        Some(input::format_from_path(spec).ok_or_else(|| {
            Finding::new(
                "source/format",
                at_start(spec),
                format!("cannot tell the RDF format of `{spec}` from its extension"),
            )
            .with_help(format!("name the file as {}", input::EXTENSIONS))
        })?)
    };
    let limits = FetchLimits {
        timeout: fetch_timeout,
        ..FetchLimits::VOCABULARY
    };
    let fetched = input::fetch(spec, &limits, &input::RDF).map_err(|e| {
        let (rule, message, help) = match &e.problem {
            FetchProblem::File(detail) => (
                "source/io",
                format!("cannot read the file: {detail}"),
                "check that the file exists and is readable",
            ),
            FetchProblem::TooBig { .. } => (
                "source/too-large",
                e.problem.to_string(),
                "split the vocabulary into several files",
            ),
            _ => (
                "source/fetch",
                e.to_string(),
                "check the URL, or download the file and lint it from disk",
            ),
        };
        Finding::new(rule, at_start(spec), message).with_help(help)
    })?;
    let format = format.or_else(|| fetched.rdf_format()).ok_or_else(|| {
        Finding::new(
            "source/fetch",
            at_start(spec),
            format!(
                "{spec} answered with {}, which is not an RDF format glossgraph reads",
                fetched.media_type.as_deref().unwrap_or("no content type")
            ),
        )
        .with_help("check the URL, or download the file and lint it from disk")
    })?;
    parse(&fetched, format)
}

fn at_start(spec: &str) -> Location {
    Location {
        source: Some(spec.to_owned()),
        line: Some(1),
        column: Some(1),
        iri: None,
    }
}

/// Parses `fetched` as `format`, leniently (bad IRIs and language tags are
/// findings of their own); a syntax error is a located finding.
pub fn parse(fetched: &Fetched, format: RdfFormat) -> Result<Parsed, Box<Finding>> {
    let mut triples = Vec::new();
    let parsed = fetched
        .parse_rdf(format, true, |quad| {
            triples.push(Triple::from(quad));
            true
        })
        .map_err(|e| {
            Box::new(
                Finding::new(
                    "source/rdf-syntax",
                    Location::file(&fetched.name, Pos::new(e.line, e.column)),
                    e.message,
                )
                .with_help(
                    "fix the syntax error; lint reads nothing from a file that does not parse",
                ),
            )
        })?;
    let base = parsed.base.unwrap_or_default();
    let bytes = fetched
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&fetched.bytes);
    let text = String::from_utf8_lossy(bytes);
    let lines = subject_lines(&text, format, &triples, &parsed.prefixes, &base);
    Ok(Parsed {
        triples,
        origin: Origin {
            source: fetched.name.clone(),
            lines,
        },
    })
}

/// Where the subjects of each vocabulary the build read are written, found
/// in its text (read again, not parsed again) from the triples of its graph.
pub fn vocabulary_origins(
    vocabularies: &[crate::build::VocabularyRead],
    quads: &[oxigraph::model::Quad],
) -> Vec<Origin> {
    let mut origins = Vec::new();
    for v in vocabularies.iter().filter(|v| v.error.is_none()) {
        let Ok(bytes) = std::fs::read(&v.path) else {
            continue;
        };
        let graph = oxigraph::model::GraphNameRef::NamedNode(v.graph.as_ref());
        let triples: Vec<Triple> = quads
            .iter()
            .filter(|q| q.graph_name.as_ref() == graph)
            .map(|q| Triple::from(q.clone()))
            .collect();
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let text = String::from_utf8_lossy(bytes);
        let base = v.base.as_deref().unwrap_or_default();
        origins.push(Origin {
            source: v.path.display().to_string(),
            lines: subject_lines(&text, v.format, &triples, &v.prefixes, base),
        });
    }
    origins
}

/// The line on which each subject IRI is first written as a subject, found by
/// matching the first token of each line against the ways the subject can be
/// written (full IRI, prefixed name, IRI relative to the base).
pub fn subject_lines(
    text: &str,
    format: RdfFormat,
    triples: &[Triple],
    prefixes: &[(String, String)],
    base: &str,
) -> HashMap<String, usize> {
    let subjects: HashSet<&str> = triples
        .iter()
        .filter_map(|t| match &t.subject {
            oxigraph::model::NamedOrBlankNode::NamedNode(n) => Some(n.as_str()),
            _ => None,
        })
        .collect();
    let base_dir = base.rsplit_once('/').map_or(base, |(dir, _)| dir);
    let mut forms: HashMap<String, &str> = HashMap::new();
    for &iri in &subjects {
        forms.insert(format!("<{iri}>"), iri);
        forms.insert(iri.to_owned(), iri);
        for (prefix, namespace) in prefixes {
            if let Some(local) = iri.strip_prefix(namespace.as_str()) {
                forms.insert(format!("{prefix}:{local}"), iri);
            }
        }
        if let Some(relative) = iri.strip_prefix(base) {
            forms.insert(format!("<{relative}>"), iri);
            forms.insert(relative.to_owned(), iri);
        }
        if let Some(relative) = iri.strip_prefix(base_dir).and_then(|r| r.strip_prefix('/')) {
            forms.insert(format!("<{relative}>"), iri);
            forms.insert(relative.to_owned(), iri);
        }
    }
    let mut lines = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let token = match format {
            RdfFormat::RdfXml => attribute(line, "about=\""),
            RdfFormat::JsonLd { .. } => {
                attribute(line, "\"@id\": \"").or_else(|| attribute(line, "\"@id\":\""))
            }
            RdfFormat::TriG | RdfFormat::NQuads => first_token(line.trim_start()),
            _ if line.starts_with(char::is_whitespace) => None,
            _ => first_token(line),
        };
        if let Some(iri) = token.and_then(|t| forms.get(t)) {
            lines.entry((*iri).to_owned()).or_insert(i + 1);
        }
    }
    lines
}

fn first_token(line: &str) -> Option<&str> {
    if line.starts_with('<') {
        return line.find('>').map(|end| &line[..=end]);
    }
    if line.starts_with(['@', '#', '_', '[', '(', '}', '{']) || line.is_empty() {
        return None;
    }
    let end = line.find(char::is_whitespace).unwrap_or(line.len());
    Some(line[..end].trim_end_matches([';', ',', '.']))
}

fn attribute<'a>(line: &'a str, opening: &str) -> Option<&'a str> {
    let start = line.find(opening)? + opening.len();
    let end = line[start..].find('"')?;
    Some(&line[start..start + end])
}

/// Every IRI in the triples that is not valid, as findings (one per IRI).
pub fn invalid_iris(graph: &super::graph::Graph) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut checked: HashSet<&str> = HashSet::new();
    for &[s, p, o] in graph.triples() {
        for id in [s, p, o] {
            let iri = match graph.term(id) {
                Term::NamedNode(n) => n.as_str(),
                Term::Literal(l) if l.language().is_none() => l.datatype().as_str(),
                _ => continue,
            };
            if !checked.insert(iri) {
                continue;
            }
            if let Err(e) = NamedNode::new(iri) {
                out.push(
                    Finding::new(
                        "rdf/invalid-iri",
                        graph.locate(s),
                        format!("<{iri}> is not a valid IRI ({e})"),
                    )
                    .with_help("percent-encode spaces and other characters IRIs cannot hold, and write absolute IRIs"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetched(name: &str, text: &str) -> Fetched {
        Fetched {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
            media_type: None,
            charset: None,
            url: Some("http://ex.org/base/v.ttl".into()),
        }
    }

    #[test]
    fn subjects_are_found_by_any_spelling() {
        let text =
            "@prefix : <http://ex.org/> .\n:a :p :b .\n\n<http://ex.org/b> :p :a .\n<c> :p :a .\n";
        let read = parse(&fetched("v.ttl", text), RdfFormat::Turtle).unwrap();
        assert_eq!(read.origin.lines.get("http://ex.org/a"), Some(&2));
        assert_eq!(read.origin.lines.get("http://ex.org/b"), Some(&4));
        assert_eq!(read.origin.lines.get("http://ex.org/base/c"), Some(&5));
    }

    #[test]
    fn a_syntax_error_is_located() {
        let err = parse(&fetched("v.ttl", "<a> <b> .\n"), RdfFormat::Turtle)
            .err()
            .unwrap();
        assert_eq!(err.rule, "source/rdf-syntax");
        assert_eq!(err.location.line, Some(1));
    }
}
