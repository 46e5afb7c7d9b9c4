//! The RDF vocabularies `glossary.toml` publishes beside the entries, each
//! parsed (through `crate::input`) into a graph of its own.

use crate::diagnostic::{Diagnostic, Pos};
use crate::input::{self, FetchLimits, FetchProblem};
use crate::project::Project;
use crate::text::{self, Escapes};
use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphName, NamedNode, Quad, Term, Triple};
use std::path::{Path, PathBuf};

/// Quads a vocabulary's parser hands on at a time: few enough that loading
/// starts at once, enough that the channel costs nothing per quad.
const BATCH: usize = 4096;

/// What was read of one vocabulary file.
#[derive(Debug, Clone)]
pub struct VocabularyRead {
    /// As `glossary.toml` lists it.
    pub file: String,
    pub path: PathBuf,
    pub format: RdfFormat,
    /// The graph it is published in.
    pub graph: NamedNode,
    /// The prefixes it declares, and the base IRI it ends with.
    pub prefixes: Vec<(String, String)>,
    pub base: Option<String>,
    /// Why it was not read whole, if it was not.
    pub error: Option<Diagnostic>,
}

/// Parses the vocabulary files listed in `glossary.toml`, each into its own
/// graph, and hands their quads to `send` in batches, stopping when it
/// returns false.
pub(super) fn parse(
    project: &Project,
    mut send: impl FnMut(Vec<Quad>) -> bool,
) -> Vec<VocabularyRead> {
    let mut read = Vec::new();
    let mut batch = Vec::with_capacity(BATCH);
    for file in &project.config.vocabularies {
        // `glossary.toml` lists only files of a known format.
        let Some(format) = input::format_from_path(file) else {
            continue;
        };
        let path = project.dir.join(file);
        let graph = project.config.base.vocabulary_graph(file);
        let mut vocabulary = VocabularyRead {
            file: file.clone(),
            path: path.clone(),
            format,
            graph: graph.clone(),
            prefixes: Vec::new(),
            base: None,
            error: None,
        };
        let fetched = match input::fetch(
            &path.to_string_lossy(),
            &FetchLimits::VOCABULARY,
            &input::RDF,
        ) {
            Ok(fetched) => fetched,
            Err(e) => {
                let detail = match e.problem {
                    FetchProblem::File(detail) => detail,
                    other => other.to_string(),
                };
                vocabulary.error = Some(
                    Diagnostic::error(
                        "source/io",
                        &path,
                        Pos::new(1, 1),
                        format!("cannot read the vocabulary: {detail}"),
                    )
                    .with_help("fix the path under `vocabularies` in glossary.toml"),
                );
                read.push(vocabulary);
                continue;
            }
        };
        let graph = GraphName::NamedNode(graph);
        let mut stopped = false;
        let mut refused = None;
        let parsed = fetched.parse_rdf(format, false, |quad| {
            if let Some(problem) = forbidden_text(&quad, &fetched.bytes, &path) {
                refused = Some(problem);
                return false;
            }
            batch.push(Triple::from(quad).in_graph(graph.clone()));
            if batch.len() == BATCH
                && !send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
            {
                stopped = true;
            }
            !stopped
        });
        match parsed {
            Ok(_) if refused.is_some() => vocabulary.error = refused,
            Ok(parsed) => {
                vocabulary.prefixes = parsed.prefixes;
                vocabulary.base = parsed.base;
            }
            Err(e) => {
                vocabulary.error = Some(
                    Diagnostic::error(
                        "source/rdf-syntax",
                        &path,
                        Pos::new(e.line, e.column),
                        e.message,
                    )
                    .with_help("fix the RDF file, or remove it from `vocabularies`"),
                );
            }
        }
        read.push(vocabulary);
        if stopped {
            return read;
        }
    }
    if !batch.is_empty() {
        send(batch);
    }
    read
}

/// A located error when `quad` holds a literal published text may not hold
/// (`crate::text`): pages and RDF/XML exports could not carry it.
fn forbidden_text(quad: &Quad, source: &[u8], path: &Path) -> Option<Diagnostic> {
    let Term::Literal(literal) = &quad.object else {
        return None;
    };
    let c = text::first_forbidden(literal.value(), true)?;
    // Where the file writes it, as itself or as an escape.
    let source = String::from_utf8_lossy(source);
    let pos = text::scan(&source, Escapes::Rdf)
        .into_iter()
        .find(|f| f.character == c)
        .map_or(Pos::new(1, 1), |f| Pos::new(f.line, f.column));
    Some(
        Diagnostic::error(
            "source/forbidden-character",
            path,
            pos,
            format!(
                "the value of {} {} holds {}, which published text may not hold",
                quad.subject,
                quad.predicate,
                text::describe(c)
            ),
        )
        .with_help("delete it (or the escape that writes it) from the vocabulary; `glossgraph import skos --to-entries --sanitize` drops such characters when it converts a vocabulary"),
    )
}
