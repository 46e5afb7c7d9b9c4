//! RDF inputs: their format (from a media type, an extension or their first
//! bytes, through Oxigraph's `RdfFormat`), their base IRI, and parsing them
//! with located syntax errors.

use super::fetch::{Fetched, Kind};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Quad;

/// RDF in any format Oxigraph reads; `text/plain`, XML and JSON too, since
/// servers and files often say no more.
pub const RDF: Kind = Kind {
    name: "an RDF vocabulary",
    accept: "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.8, application/ld+json;q=0.7, application/trig;q=0.6, application/n-quads;q=0.6, */*;q=0.1",
    takes: |media_type| RdfFormat::from_media_type(media_type).is_some() || is_generic(media_type),
};

/// The extensions of RDF files glossgraph reads, for messages.
pub const EXTENSIONS: &str = "Turtle (.ttl), N-Triples (.nt), N-Quads (.nq), TriG (.trig), RDF/XML (.rdf, .owl, .xml) or JSON-LD (.jsonld, .json)";

/// Media types that say nothing about which RDF format a document is in.
fn is_generic(media_type: &str) -> bool {
    matches!(
        media_type,
        "text/plain"
            | "application/octet-stream"
            | "binary/octet-stream"
            | "application/xml"
            | "text/xml"
            | "application/json"
    )
}

/// The RDF format of a file from its extension: Oxigraph's list, with `.owl`
/// for RDF/XML and without `.txt` and `.n3`, which hold other things as often.
pub fn format_from_path(path: &str) -> Option<RdfFormat> {
    let extension = path.rsplit_once('.')?.1;
    if extension.eq_ignore_ascii_case("owl") {
        return Some(RdfFormat::RdfXml);
    }
    if extension.eq_ignore_ascii_case("txt") || extension.eq_ignore_ascii_case("n3") {
        return None;
    }
    RdfFormat::from_extension(extension)
}

/// The RDF format of the first bytes of a document, when nothing else says.
pub fn sniff(bytes: &[u8]) -> Option<RdfFormat> {
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]);
    let start = start.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('{') || start.starts_with('[') {
        Some(RdfFormat::JsonLd {
            profile: Default::default(),
        })
    } else if start.starts_with("<?xml") || start.contains("<rdf:RDF") {
        Some(RdfFormat::RdfXml)
    } else if start.starts_with("@prefix")
        || start.starts_with("@base")
        || start.to_ascii_lowercase().starts_with("prefix")
    {
        Some(RdfFormat::Turtle)
    } else {
        None
    }
}

/// What parsing a document found besides its quads.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The prefixes it declares, in order.
    pub prefixes: Vec<(String, String)>,
    /// The base IRI it ends with (its own `@base`, else the one given).
    pub base: Option<String>,
}

/// A syntax error at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    /// What is wrong, without the position (which `line` and `column` say).
    pub message: String,
}

impl Fetched {
    /// The RDF format: from the server's media type unless it is generic,
    /// else from the extension of the address or path.
    pub fn rdf_format(&self) -> Option<RdfFormat> {
        if let Some(media_type) = &self.media_type
            && !is_generic(media_type)
            && let Some(format) = RdfFormat::from_media_type(media_type)
        {
            return Some(format);
        }
        let name = self.url.as_deref().unwrap_or(&self.name);
        format_from_path(name.split(['?', '#']).next().unwrap_or(name))
    }

    /// The IRI relative IRIs in the document resolve against: the address it
    /// was fetched from, or the file's `file://` IRI.
    pub fn base_iri(&self) -> Option<String> {
        match &self.url {
            Some(url) => Some(url.clone()),
            None => crate::iri::file(std::path::Path::new(&self.name)),
        }
    }

    /// Parses the document as `format`, handing each quad to `each` until it
    /// returns false. `lenient` skips IRI and language-tag validation (lint
    /// reports those itself, one finding each). Stops at the first syntax
    /// error.
    pub fn parse_rdf(
        &self,
        format: RdfFormat,
        lenient: bool,
        mut each: impl FnMut(Quad) -> bool,
    ) -> Result<Parsed, SyntaxError> {
        let bytes = self
            .bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&self.bytes);
        let mut parser = RdfParser::from_format(format);
        if lenient {
            parser = parser.lenient();
        }
        let base = self.base_iri();
        if let Some(base) = &base
            && let Ok(with_base) = parser.clone().with_base_iri(base)
        {
            parser = with_base;
        }
        let mut quads = parser.for_slice(bytes);
        for quad in quads.by_ref() {
            match quad {
                Ok(quad) => {
                    if !each(quad) {
                        break;
                    }
                }
                Err(e) => {
                    let (line, column) = e.location().map_or((1, 1), |l| {
                        (l.start.line as usize + 1, l.start.column as usize + 1)
                    });
                    return Err(SyntaxError {
                        line,
                        column,
                        message: without_position(&e.to_string()),
                    });
                }
            }
        }
        Ok(Parsed {
            prefixes: quads
                .prefixes()
                .map(|(p, i)| (p.to_owned(), i.to_owned()))
                .collect(),
            base: quads.base_iri().map(str::to_owned).or(base),
        })
    }
}

/// A parser message without its leading "Parser error at line 3 column 4: ",
/// which the location already says.
fn without_position(message: &str) -> String {
    match message.strip_prefix("Parser error at line ") {
        Some(rest) => rest.split_once(": ").map_or(message, |(_, m)| m).to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(name: &str, bytes: &[u8]) -> Fetched {
        Fetched {
            name: name.into(),
            bytes: bytes.to_vec(),
            media_type: None,
            charset: None,
            url: None,
        }
    }

    #[test]
    fn formats_come_from_media_types_then_extensions() {
        let mut fetched = document("http://ex.org/v.rdf?x=1", b"");
        assert_eq!(fetched.rdf_format(), Some(RdfFormat::RdfXml));
        fetched.media_type = Some("text/turtle".into());
        assert_eq!(fetched.rdf_format(), Some(RdfFormat::Turtle));
        fetched.media_type = Some("text/plain".into());
        assert_eq!(fetched.rdf_format(), Some(RdfFormat::RdfXml));
        for (path, format) in [
            ("a.TTL", Some(RdfFormat::Turtle)),
            ("a.owl", Some(RdfFormat::RdfXml)),
            ("a.xml", Some(RdfFormat::RdfXml)),
            ("a.nq", Some(RdfFormat::NQuads)),
            ("a.txt", None),
            ("a.n3", None),
            ("a", None),
        ] {
            assert_eq!(format_from_path(path), format, "{path}");
        }
        assert_eq!(
            sniff(b"\xEF\xBB\xBF @prefix x: <y> ."),
            Some(RdfFormat::Turtle)
        );
        assert_eq!(sniff(b"<?xml version=\"1.0\"?>"), Some(RdfFormat::RdfXml));
        assert_eq!(sniff(b"hello"), None);
    }

    #[test]
    fn a_syntax_error_is_located_and_said_once() {
        let err = document("v.ttl", b"<http://a> <http://b> .\n")
            .parse_rdf(RdfFormat::Turtle, false, |_| true)
            .unwrap_err();
        assert_eq!((err.line, err.column), (1, 23));
        assert!(!err.message.starts_with("Parser error"), "{err}");
    }

    #[test]
    fn relative_iris_resolve_against_the_file_and_prefixes_are_kept() {
        let mut quads = Vec::new();
        let parsed = document(
            "/data/v.ttl",
            b"@prefix ex: <http://ex.org/> .\n<a> ex:p ex:b .\n",
        )
        .parse_rdf(RdfFormat::Turtle, false, |q| {
            quads.push(q);
            true
        })
        .unwrap();
        assert_eq!(quads[0].subject.to_string(), "<file:///data/a>");
        assert_eq!(parsed.prefixes, [("ex".into(), "http://ex.org/".into())]);
    }
}
