//! Characters published text may not hold (`crate::text`) in what an import
//! reads: each an error at its line and column, or with `--sanitize` removed
//! and reported. Checked in the source, before anything is made of it, so
//! that the error points at the file the user has, not at an entry not yet
//! written.

use super::error::{ImportError, located};
use crate::text::{self, Escapes, Found};
use oxigraph::model::{Literal, Term, Triple};
use std::borrow::Cow;

const HELP: &str =
    "delete it from the source, or pass --sanitize to drop every such character (each is reported)";

/// `source` (the text of `input`) ready to read: as it is when it writes no
/// forbidden character; else, with `sanitize`, without them (each noted in
/// `removed`), or an error naming each. `at` gives the line and column a
/// character is reported at (a spreadsheet's columns are its cells).
pub fn source<'t>(
    input: &str,
    source: &'t str,
    escapes: Escapes,
    at: impl Fn(&Found) -> (usize, usize),
    sanitize: bool,
    removed: &mut Vec<String>,
) -> Result<Cow<'t, str>, ImportError> {
    let (clean, found) = text::strip(source, escapes);
    if found.is_empty() {
        return Ok(clean);
    }
    if sanitize {
        removed.extend(found.iter().map(|f| {
            let (line, column) = at(f);
            format!("{input}:{line}:{column}: removed {}", written(source, f))
        }));
        return Ok(clean);
    }
    Err(ImportError::Input {
        input: input.to_owned(),
        diagnostics: found
            .iter()
            .map(|f| {
                let (line, column) = at(f);
                located(
                    input,
                    line,
                    column,
                    "import/forbidden-character",
                    format!("{}, which published text may not hold", written(source, f)),
                    HELP,
                )
            })
            .collect(),
    })
}

/// Checks the literals of `triples`, read from `input` (whose text is
/// `source`), the same way: each forbidden character an error located where
/// the file writes it, or with `sanitize` removed from the literal and noted.
pub fn literals(
    input: &str,
    source: &[u8],
    triples: &mut [Triple],
    sanitize: bool,
    removed: &mut Vec<String>,
) -> Result<(), ImportError> {
    let mut errors = Vec::new();
    // Scanned only when a literal needs locating.
    let mut written: Option<Vec<Found>> = None;
    for t in triples.iter_mut() {
        let Term::Literal(literal) = &t.object else {
            continue;
        };
        let (clean, replaced) = text::sanitize(literal.value(), true);
        let Some(&first) = replaced.first() else {
            continue;
        };
        let statement = format!("the value of {} {}", t.subject, t.predicate);
        if sanitize {
            for c in &replaced {
                removed.push(format!(
                    "{input}: {statement}: removed {}",
                    text::describe(*c)
                ));
            }
            let clean = clean.into_owned();
            t.object = Term::Literal(match literal.language() {
                Some(lang) => Literal::new_language_tagged_literal_unchecked(clean, lang),
                None => Literal::new_typed_literal(clean, literal.datatype()),
            });
            continue;
        }
        let written = written
            .get_or_insert_with(|| text::scan(&String::from_utf8_lossy(source), Escapes::Rdf));
        let (line, column) = written
            .iter()
            .find(|f| f.character == first)
            .map_or((1, 1), |f| (f.line, f.column));
        errors.push(located(
            input,
            line,
            column,
            "import/forbidden-character",
            format!(
                "{statement} holds {}, which published text may not hold",
                text::describe(first)
            ),
            HELP,
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        crate::diagnostic::sort(&mut errors);
        Err(ImportError::Input {
            input: input.to_owned(),
            diagnostics: errors,
        })
    }
}

/// `U+0007, a control character` or, for an escape,
/// `` `&#7;` (U+0007, a control character) ``.
fn written(source: &str, f: &Found) -> String {
    let text = &source[f.start..f.end];
    if text.chars().count() == 1 {
        text::describe(f.character)
    } else {
        format!("`{text}` ({})", text::describe(f.character))
    }
}

/// Lines shown of what `--sanitize` removed; the rest are counted.
const SHOWN: usize = 20;

/// Writes what `--sanitize` removed, for a report.
pub fn write_removed(f: &mut std::fmt::Formatter<'_>, removed: &[String]) -> std::fmt::Result {
    if removed.is_empty() {
        return Ok(());
    }
    writeln!(
        f,
        "removed {} character(s) published text may not hold (--sanitize):",
        removed.len()
    )?;
    for line in removed.iter().take(SHOWN) {
        writeln!(f, "  {line}")?;
    }
    if removed.len() > SHOWN {
        writeln!(f, "  and {} more", removed.len() - SHOWN)?;
    }
    Ok(())
}
