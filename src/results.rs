//! Writing query results: SPARQL result formats, RDF for graph results, and a
//! readable table for people at a terminal.
//!
//! Layer: a reader, above `export`.

use crate::export::{Exporter, Format};
use oxigraph::model::{Term, Triple};
use oxigraph::sparql::QueryResults;
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use std::io::{self, Write};

/// How to write results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultsFormat {
    Table,
    Json,
    Xml,
    Csv,
    Tsv,
    Rdf(Format),
}

/// Longest cell shown in a table before it is cut short.
const MAX_CELL: usize = 72;

/// Writes results. Solutions and booleans asked for in an RDF format, or graphs
/// asked for in a results format, fall back to TSV and Turtle.
pub fn write(
    results: QueryResults<'_>,
    format: ResultsFormat,
    exporter: &Exporter,
    default_language: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let to_io = |e: oxigraph::sparql::QueryEvaluationError| io::Error::other(e.to_string());
    match results {
        QueryResults::Graph(triples) => {
            let triples: Vec<Triple> = triples.collect::<Result<_, _>>().map_err(to_io)?;
            let format = match format {
                ResultsFormat::Rdf(f) => f,
                _ => Format::Turtle,
            };
            exporter.write_graph(triples, format, out)
        }
        QueryResults::Boolean(value) => match results_format(format) {
            Some(f) => {
                QueryResultsSerializer::from_format(f).serialize_boolean_to_writer(out, value)?;
                Ok(())
            }
            None => writeln!(out, "{value}"),
        },
        QueryResults::Solutions(solutions) => {
            let variables = solutions.variables().to_vec();
            if format == ResultsFormat::Table {
                let rows: Vec<Vec<String>> = solutions
                    .map(|s| {
                        s.map(|s| {
                            variables
                                .iter()
                                .map(|v| {
                                    s.get(v)
                                        .map(|t| cell(t, exporter, default_language))
                                        .unwrap_or_default()
                                })
                                .collect()
                        })
                    })
                    .collect::<Result<_, _>>()
                    .map_err(to_io)?;
                let header: Vec<String> = variables.iter().map(|v| v.as_str().to_owned()).collect();
                return write_table(&header, &rows, out);
            }
            let f = results_format(format).unwrap_or(QueryResultsFormat::Tsv);
            let mut writer = QueryResultsSerializer::from_format(f)
                .serialize_solutions_to_writer(out, variables)?;
            for solution in solutions {
                writer.serialize(&solution.map_err(to_io)?)?;
            }
            writer.finish()?;
            Ok(())
        }
    }
}

fn results_format(format: ResultsFormat) -> Option<QueryResultsFormat> {
    match format {
        ResultsFormat::Json => Some(QueryResultsFormat::Json),
        ResultsFormat::Xml => Some(QueryResultsFormat::Xml),
        ResultsFormat::Csv => Some(QueryResultsFormat::Csv),
        ResultsFormat::Tsv => Some(QueryResultsFormat::Tsv),
        ResultsFormat::Table | ResultsFormat::Rdf(_) => None,
    }
}

/// A term as a person reads it: IRIs with prefixes, literals as their text
/// (with the language where it is not the glossary's default).
fn cell(term: &Term, exporter: &Exporter, default_language: &str) -> String {
    let text = match term {
        Term::NamedNode(n) => {
            let iri = n.as_str();
            exporter
                .prefixes()
                .iter()
                .filter_map(|(p, ns)| {
                    iri.strip_prefix(ns.as_str())
                        .map(|local| (ns.len(), format!("{p}:{local}")))
                })
                .max_by_key(|(len, _)| *len)
                .map_or_else(|| iri.to_owned(), |(_, short)| short)
        }
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        Term::Literal(l) => match l.language() {
            Some(language) if language != default_language => format!("{} @{language}", l.value()),
            _ => l.value().to_owned(),
        },
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > MAX_CELL {
        let cut: String = text.chars().take(MAX_CELL - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn write_table(header: &[String], rows: &[Vec<String>], out: &mut dyn Write) -> io::Result<()> {
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(c));
        }
    }
    let line = |cells: &[String], out: &mut dyn Write| -> io::Result<()> {
        let mut text = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            text.push_str(c);
            if i + 1 < cells.len() {
                text.extend(std::iter::repeat_n(' ', w - width(c)));
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(header, out)?;
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
    line(&rule, out)?;
    for row in rows {
        line(row, out)?;
    }
    writeln!(
        out,
        "({} row{})",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    )
}
