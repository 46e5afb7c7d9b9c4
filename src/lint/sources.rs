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
use crate::store::vocabulary_format;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNode, Term, Triple};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// Largest vocabulary read, from a file or a URL.
pub const MAX_SOURCE_BYTES: u64 = 1 << 30;

/// One source, read and parsed.
pub struct Parsed {
    pub triples: Vec<Triple>,
    pub origin: Origin,
}

/// Reads and parses `spec` (a path or an http(s) URL). A source that cannot be
/// read or parsed is a finding, and gives no triples.
pub fn read(spec: &str, fetch_timeout: Duration) -> Result<Parsed, Box<Finding>> {
    let (bytes, format, base) = if spec.starts_with("http://") || spec.starts_with("https://") {
        fetch(spec, fetch_timeout)?
    } else {
        load(spec)?
    };
    parse(spec, &bytes, format, &base)
}

fn at_start(spec: &str) -> Location {
    Location {
        source: Some(spec.to_owned()),
        line: Some(1),
        column: Some(1),
        iri: None,
    }
}

fn load(spec: &str) -> Result<(Vec<u8>, RdfFormat, String), Box<Finding>> {
    let path = Path::new(spec);
    let format = vocabulary_format(spec).ok_or_else(|| {
        Finding::new(
            "source/format",
            at_start(spec),
            format!("cannot tell the RDF format of `{spec}` from its extension"),
        )
        .with_help("name the file .ttl, .nt, .nq, .trig, .rdf, .owl, .xml, .jsonld or .json")
    })?;
    let unreadable = |e: std::io::Error| {
        Finding::new(
            "source/io",
            at_start(spec),
            format!("cannot read the file: {e}"),
        )
        .with_help("check that the file exists and is readable")
    };
    let len = std::fs::metadata(path).map_err(unreadable)?.len();
    if len > MAX_SOURCE_BYTES {
        return Err(Box::new(
            Finding::new(
                "source/too-large",
                at_start(spec),
                format!("the file is {len} bytes; lint reads at most {MAX_SOURCE_BYTES} bytes"),
            )
            .with_help("split the vocabulary into several files"),
        ));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let base = file_iri(&absolute);
    Ok((bytes, format, base))
}

/// A `file:` IRI for an absolute path, percent-encoding what IRIs cannot hold.
pub fn file_iri(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for c in text.chars() {
        match c {
            ' ' | '%' | '#' | '?' | '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`' => {
                let mut buffer = [0u8; 4];
                for b in c.encode_utf8(&mut buffer).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c if c.is_control() => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn fetch(url: &str, timeout: Duration) -> Result<(Vec<u8>, RdfFormat, String), Box<Finding>> {
    let failed = |message: String| {
        Finding::new(
            "source/fetch",
            Location {
                source: Some(url.to_owned()),
                ..Location::default()
            },
            message,
        )
        .with_help("check the URL, or download the file and lint it from disk")
    };
    let client = crate::remote::client(timeout, 5)
        .map_err(|e| failed(format!("cannot make an HTTP client: {e}")))?;
    let response = client
        .get(url)
        .header(
            "Accept",
            "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.8, application/ld+json;q=0.7, application/trig;q=0.6, application/n-quads;q=0.6",
        )
        .send()
        .map_err(|e| failed(format!("cannot fetch {url}: {e}")))?;
    let status = response.status();
    if !status.is_success() {
        return Err(failed(format!("fetching {url} answered {status}")).into());
    }
    let final_url = response.url().to_string();
    let media_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let format = media_type
        .as_deref()
        .and_then(RdfFormat::from_media_type)
        .or_else(|| vocabulary_format(final_url.split(['?', '#']).next().unwrap_or(&final_url)))
        .ok_or_else(|| {
            failed(format!(
                "{url} answered with {}, which is not an RDF format glossgraph reads",
                media_type.as_deref().unwrap_or("no content type")
            ))
        })?;
    let mut bytes = Vec::new();
    response
        .take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| failed(format!("reading {url} failed: {e}")))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(failed(format!("{url} is larger than {MAX_SOURCE_BYTES} bytes")).into());
    }
    Ok((bytes, format, final_url))
}

/// Parses `bytes` as `format` against `base`; a syntax error is a located finding.
pub fn parse(
    spec: &str,
    bytes: &[u8],
    format: RdfFormat,
    base: &str,
) -> Result<Parsed, Box<Finding>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let parser = RdfParser::from_format(format).lenient();
    let parser = parser
        .with_base_iri(base)
        .unwrap_or_else(|_| RdfParser::from_format(format).lenient());
    let mut quads = parser.for_slice(bytes);
    let mut triples = Vec::new();
    for quad in quads.by_ref() {
        match quad {
            Ok(q) => triples.push(Triple::from(q)),
            Err(e) => {
                let (line, column) = e.location().map_or((1, 1), |l| {
                    (l.start.line as usize + 1, l.start.column as usize + 1)
                });
                return Err(Box::new(
                    Finding::new(
                        "source/rdf-syntax",
                        Location::file(spec, Pos::new(line, column)),
                        without_position(&e.to_string()),
                    )
                    .with_help(
                        "fix the syntax error; lint reads nothing from a file that does not parse",
                    ),
                ));
            }
        }
    }
    let prefixes: Vec<(String, String)> = quads
        .prefixes()
        .map(|(p, i)| (p.to_owned(), i.to_owned()))
        .collect();
    let base = quads.base_iri().unwrap_or(base).to_owned();
    let text = String::from_utf8_lossy(bytes);
    let lines = subject_lines(&text, format, &triples, &prefixes, &base);
    Ok(Parsed {
        triples,
        origin: Origin {
            source: spec.to_owned(),
            lines,
        },
    })
}

/// A parser message without its leading "Parser error at line 3 column 4: ",
/// which the finding's location already says.
pub fn without_position(message: &str) -> String {
    match message.strip_prefix("Parser error at line ") {
        Some(rest) => rest.split_once(": ").map_or(message, |(_, m)| m).to_owned(),
        None => message.to_owned(),
    }
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

    #[test]
    fn subjects_are_found_by_any_spelling() {
        let text =
            "@prefix : <http://ex.org/> .\n:a :p :b .\n\n<http://ex.org/b> :p :a .\n<c> :p :a .\n";
        let read = parse(
            "v.ttl",
            text.as_bytes(),
            RdfFormat::Turtle,
            "http://ex.org/base/v.ttl",
        )
        .unwrap();
        assert_eq!(read.origin.lines.get("http://ex.org/a"), Some(&2));
        assert_eq!(read.origin.lines.get("http://ex.org/b"), Some(&4));
        assert_eq!(read.origin.lines.get("http://ex.org/base/c"), Some(&5));
    }

    #[test]
    fn a_syntax_error_is_located() {
        let err = parse("v.ttl", b"<a> <b> .\n", RdfFormat::Turtle, "http://ex.org/")
            .err()
            .unwrap();
        assert_eq!(err.rule, "source/rdf-syntax");
        assert_eq!(err.location.line, Some(1));
    }

    #[test]
    fn file_iris_are_escaped() {
        assert_eq!(
            file_iri(Path::new("/a b/c#d.ttl")),
            "file:///a%20b/c%23d.ttl"
        );
    }
}
