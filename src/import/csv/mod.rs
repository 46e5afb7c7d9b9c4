//! Spreadsheets (CSV, one concept per row) to entries.
//!
//! The first row names the columns, in any order and case: `id`, `term`,
//! `definition`, `alt-labels`, `hidden-labels`, `register`, `notation`,
//! `sources`, `deprecated`, `replaced-by`, one column per relation type key
//! (`broader`, `narrower`, `related`, `part-of`, `works-with`…), and
//! `exact-match`, `close-match`, `broad-match`, `narrow-match`,
//! `related-match`. `term`, `definition`, `alt-labels` and `hidden-labels`
//! take a language: `term@de`. Only `term` (in some language) and
//! `definition` are required; a missing `id` is made from the term.
//!
//! Cells with several values separate them with `;` (with `|` when the file
//! itself is separated by semicolons). Relation cells name entries by id or by
//! term. Each relation is stated once: when two rows state relations between
//! the same two concepts, they are stated in one of them (the report says
//! which).
//!
//! Like the page importer, this one reads, then resolves, then writes: the
//! header and each row are read into drafts (`read`), the cells naming entries
//! are resolved to ids and the relations arranged (`resolve`), and the entries
//! are written all or none. Every mistake in the header, the cells and the
//! names is reported, each at its line and column, before anything is written.

mod cells;
mod read;
mod report;
mod resolve;

pub use report::CsvReport;

use super::characters;
use super::draft::Draft;
use super::error::{ImportError, located};
use super::target::Target;
use super::write::{self, Planned};
use crate::diagnostic::Diagnostic;
use crate::input::{self, FetchLimits, Kind};
use crate::project::Project;
use crate::text::Escapes;
use std::path::PathBuf;
use std::time::Duration;

/// How to import a spreadsheet.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    /// The folder entries are written to.
    pub out_dir: PathBuf,
    /// Overwrite entry files that exist.
    pub force: bool,
    /// Limits on reading the spreadsheet.
    pub limits: FetchLimits,
    /// Remove characters published text may not hold (and report each)
    /// instead of refusing the spreadsheet.
    pub sanitize: bool,
}

impl CsvOptions {
    /// Options writing to `out_dir`, reading at most 64 MiB in 60 s.
    pub fn new(out_dir: impl Into<PathBuf>) -> Self {
        Self {
            out_dir: out_dir.into(),
            force: false,
            limits: FetchLimits {
                timeout: Duration::from_secs(60),
                max_bytes: 64 * 1024 * 1024,
                redirects: 5,
            },
            sanitize: false,
        }
    }
}

/// Spreadsheets, as servers label them.
const CSV: Kind = Kind {
    name: "a CSV file",
    accept: "text/csv, text/tab-separated-values;q=0.9, text/plain;q=0.8, */*;q=0.1",
    takes: |media_type| {
        matches!(
            media_type,
            "text/csv"
                | "text/plain"
                | "text/tab-separated-values"
                | "application/csv"
                | "application/octet-stream"
        )
    },
};

/// Imports the spreadsheet `input` (a file or URL) as entries of `project`,
/// written to `options.out_dir`. Nothing is written unless every row imports
/// and the new entries pass `glossgraph check`.
pub fn import(
    input: &str,
    project: &Project,
    options: &CsvOptions,
) -> Result<CsvReport, ImportError> {
    let fetched = input::fetch(input, &options.limits, &CSV)?;
    let text = input::decode(&fetched)?;
    let target = Target::load(project, &options.out_dir)?;
    let (planned, report) = plan(input, &text, &target, options.sanitize)?;
    write::write_all(&planned, options.force)?;
    Ok(report)
}

/// The entry files the spreadsheet `text` (named `input` in messages)
/// becomes in `target`, checked as `import` checks them, and the report;
/// reads the folder, writes nothing. With `sanitize`, characters published
/// text may not hold are removed (and reported) instead of refused.
pub fn plan(
    input: &str,
    text: &str,
    target: &Target<'_>,
    sanitize: bool,
) -> Result<(Vec<Planned>, CsvReport), ImportError> {
    let mut sanitized = Vec::new();
    let (starts, _) = cells::scan(text, read::delimiter(input, text));
    let text = characters::source(
        input,
        text,
        Escapes::None,
        |f| cells::locate(&starts, f.start),
        sanitize,
        &mut sanitized,
    )?;
    let mut mistakes = Mistakes::new(input);
    let (rows, blank) = read::rows(&text, target, &mut mistakes)?;
    let resolved = resolve::names(rows, target, &mut mistakes);
    mistakes.finish()?;
    let mut report = CsvReport {
        input: input.to_owned(),
        sanitized,
        blank,
        ..CsvReport::default()
    };
    let entries = resolved.into_entries(&target.project.ontology, &mut report);
    let planned = prepare(entries, target, &mut report)?;
    Ok((planned, report))
}

/// The files for `entries` (each with the line of its row) in `target`, once
/// they pass `glossgraph check`. Records each entry in `report.written`, and
/// what `glossgraph check` warns about in `report.warnings`.
fn prepare(
    entries: Vec<(usize, Draft)>,
    target: &Target<'_>,
    report: &mut CsvReport,
) -> Result<Vec<Planned>, ImportError> {
    let mut drafts = Vec::with_capacity(entries.len());
    for (line, draft) in entries {
        report
            .written
            .push((line, draft.id.clone(), target.path_for(&draft.id)));
        drafts.push(draft);
    }
    let (planned, warnings) = target.prepare(&drafts)?;
    report.warnings = warnings;
    Ok(planned)
}

/// The mistakes found in a spreadsheet so far, each at its line and column.
struct Mistakes<'a> {
    /// The spreadsheet, as given.
    input: &'a str,
    found: Vec<Diagnostic>,
}

impl<'a> Mistakes<'a> {
    fn new(input: &'a str) -> Self {
        Self {
            input,
            found: Vec::new(),
        }
    }

    /// Notes a mistake at `line` and `column` of the spreadsheet.
    fn at(
        &mut self,
        line: usize,
        column: usize,
        code: &'static str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.found
            .push(located(self.input, line, column, code, message, help));
    }

    /// The mistakes found so far, in the order found, as the import's error.
    fn take_error(&mut self) -> ImportError {
        ImportError::Input {
            input: self.input.to_owned(),
            diagnostics: std::mem::take(&mut self.found),
        }
    }

    /// Fails with every mistake found, sorted by place, if there is one.
    fn finish(mut self) -> Result<(), ImportError> {
        if self.found.is_empty() {
            return Ok(());
        }
        crate::diagnostic::sort(&mut self.found);
        Err(self.take_error())
    }
}
