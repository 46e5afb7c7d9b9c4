//! Reading RDF vocabularies with Oxigraph's parsers, and looking things up in
//! them by subject.

use crate::import::error::{ImportError, located};
use crate::import::fetch::Fetched;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNodeRef, NamedOrBlankNode, Term, Triple};
use std::collections::HashMap;

/// The format of a vocabulary: from the server's media type, else the file
/// extension, else the first characters.
pub fn format_of(fetched: &Fetched, text_start: &[u8]) -> Option<RdfFormat> {
    let generic = |m: &str| {
        matches!(
            m,
            "text/plain"
                | "application/octet-stream"
                | "binary/octet-stream"
                | "application/xml"
                | "text/xml"
        )
    };
    if let Some(media_type) = &fetched.media_type
        && !generic(media_type)
        && let Some(format) = RdfFormat::from_media_type(media_type)
    {
        return Some(format);
    }
    let name = fetched.url.as_deref().unwrap_or(&fetched.name);
    let path = name.split(['?', '#']).next().unwrap_or(name);
    if let Some(format) = crate::store::vocabulary_format(path) {
        return Some(format);
    }
    let start = String::from_utf8_lossy(&text_start[..text_start.len().min(2048)]).to_string();
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

/// The triples of a vocabulary (named graphs merged).
pub fn parse(fetched: &Fetched) -> Result<Vec<Triple>, ImportError> {
    let input = fetched.name.as_str();
    let Some(format) = format_of(fetched, &fetched.bytes) else {
        return Err(ImportError::Input {
            input: input.to_owned(),
            diagnostics: vec![located(
                input,
                1,
                1,
                "import/rdf-format",
                "not an RDF file glossgraph can tell the format of",
                "give a Turtle (.ttl), N-Triples (.nt), N-Quads (.nq), TriG (.trig), RDF/XML (.rdf, .owl, .xml) or JSON-LD (.jsonld) file",
            )],
        });
    };
    let base = match &fetched.url {
        Some(url) => url.clone(),
        None => {
            let path = std::path::Path::new(input);
            let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
            format!("file://{}", absolute.display())
        }
    };
    let mut parser = RdfParser::from_format(format);
    if let Ok(with_base) = RdfParser::from_format(format).with_base_iri(base.replace(' ', "%20")) {
        parser = with_base;
    }
    let mut triples = Vec::new();
    for quad in parser.for_slice(&fetched.bytes) {
        match quad {
            Ok(quad) => triples.push(Triple::from(quad)),
            Err(e) => {
                let (line, column) = e.location().map_or((1, 1), |l| {
                    (l.start.line as usize + 1, l.start.column as usize + 1)
                });
                return Err(ImportError::Input {
                    input: input.to_owned(),
                    diagnostics: vec![located(
                        input,
                        line,
                        column,
                        "import/rdf-syntax",
                        format!("not valid {}: {e}", format.name()),
                        "fix the file, or export it again from the tool that made it",
                    )],
                });
            }
        }
    }
    Ok(triples)
}

/// Triples indexed by subject.
pub struct Graph {
    triples: Vec<Triple>,
    by_subject: HashMap<NamedOrBlankNode, Vec<usize>>,
}

impl Graph {
    pub fn new(mut triples: Vec<Triple>) -> Self {
        triples.sort_by(crate::export::triple_cmp);
        triples.dedup();
        let mut by_subject: HashMap<NamedOrBlankNode, Vec<usize>> = HashMap::new();
        for (i, t) in triples.iter().enumerate() {
            by_subject.entry(t.subject.clone()).or_default().push(i);
        }
        Self {
            triples,
            by_subject,
        }
    }

    pub fn len(&self) -> usize {
        self.triples.len()
    }

    pub fn triples(&self) -> &[Triple] {
        &self.triples
    }

    /// Every triple about `subject`.
    pub fn about<'a>(
        &'a self,
        subject: &NamedOrBlankNode,
    ) -> impl Iterator<Item = &'a Triple> + 'a {
        self.by_subject
            .get(subject)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.triples[i])
    }

    /// The objects of `subject predicate ?o`.
    pub fn objects<'a>(
        &'a self,
        subject: &NamedOrBlankNode,
        predicate: NamedNodeRef<'a>,
    ) -> impl Iterator<Item = &'a Term> + 'a {
        self.about(subject)
            .filter(move |t| t.predicate.as_ref() == predicate)
            .map(|t| &t.object)
    }

    /// The subjects typed `class`.
    pub fn instances(&self, class: NamedNodeRef<'_>) -> Vec<NamedOrBlankNode> {
        let mut out: Vec<NamedOrBlankNode> = self
            .triples
            .iter()
            .filter(|t| {
                t.predicate.as_ref() == oxigraph::model::vocab::rdf::TYPE
                    && t.object.as_ref() == class.into()
            })
            .map(|t| t.subject.clone())
            .collect();
        out.sort_by_cached_key(ToString::to_string);
        out.dedup();
        out
    }
}
