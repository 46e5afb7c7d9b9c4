//! Reading RDF vocabularies (through `crate::input`), and looking things up in
//! them by subject.

use crate::import::characters;
use crate::import::error::{ImportError, located};
use crate::input::{self, Fetched};
use oxigraph::model::{NamedNodeRef, NamedOrBlankNode, Term, Triple};
use std::collections::HashMap;

/// The triples of a vocabulary (named graphs merged). Its format comes from
/// the server's media type, else the extension, else its first bytes.
///
/// Literals holding characters published text may not hold are an error, or
/// with `sanitize` lose them (each noted in `removed`).
pub fn parse(
    fetched: &Fetched,
    sanitize: bool,
    removed: &mut Vec<String>,
) -> Result<Vec<Triple>, ImportError> {
    let input = fetched.name.as_str();
    let Some(format) = fetched
        .rdf_format()
        .or_else(|| input::sniff(&fetched.bytes))
    else {
        return Err(ImportError::Input {
            input: input.to_owned(),
            diagnostics: vec![located(
                input,
                1,
                1,
                "import/rdf-format",
                "not an RDF file glossgraph can tell the format of",
                format!("give a {} file", input::EXTENSIONS),
            )],
        });
    };
    let mut triples = Vec::new();
    fetched
        .parse_rdf(format, false, |quad| {
            triples.push(Triple::from(quad));
            true
        })
        .map_err(|e| ImportError::Input {
            input: input.to_owned(),
            diagnostics: vec![located(
                input,
                e.line,
                e.column,
                "import/rdf-syntax",
                format!("not valid {}: {e}", format.name()),
                "fix the file, or export it again from the tool that made it",
            )],
        })?;
    characters::literals(input, &fetched.bytes, &mut triples, sanitize, removed)?;
    Ok(triples)
}

/// Triples indexed by subject.
pub struct Graph {
    triples: Vec<Triple>,
    by_subject: HashMap<NamedOrBlankNode, Vec<usize>>,
}

impl Graph {
    pub fn new(mut triples: Vec<Triple>) -> Self {
        triples.sort_by(crate::order::triple_cmp);
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
