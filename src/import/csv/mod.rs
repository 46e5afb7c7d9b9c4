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
//! The header and each row are read into drafts first (`read`); then the cells
//! naming entries are resolved, and the entries written all or none. Every
//! mistake in the header, the cells and the names is reported, each at its line
//! and column, before anything is written.

mod read;
mod report;

pub use report::CsvReport;

use super::error::{ImportError, located};
use super::labels::LabelIndex;
use super::relations::{self, Stated};
use super::target::Target;
use super::write;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::input::{self, FetchLimits, Kind};
use crate::project::Project;
use crate::source::Summary;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

/// How to import a spreadsheet.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    pub out_dir: PathBuf,
    pub force: bool,
    pub limits: FetchLimits,
}

impl CsvOptions {
    pub fn new(out_dir: impl Into<PathBuf>) -> Self {
        Self {
            out_dir: out_dir.into(),
            force: false,
            limits: FetchLimits {
                timeout: Duration::from_secs(60),
                max_bytes: 64 * 1024 * 1024,
                redirects: 5,
            },
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

/// Imports the spreadsheet `input` (a file or URL) into `project`.
pub fn import(
    input: &str,
    project: &Project,
    options: &CsvOptions,
) -> Result<CsvReport, ImportError> {
    let fetched = input::fetch(input, &options.limits, &CSV)?;
    let text = input::decode(&fetched)?;
    let target = Target::load(project, &options.out_dir)?;
    let ontology = &project.ontology;
    let mut mistakes = Mistakes::new(input);
    let mut rows = read::rows(&text, &target, &mut mistakes)?;
    let ids: BTreeSet<String> = rows.iter().map(|r| r.draft.id.clone()).collect();

    // Relations, by id or term.
    let mut index = LabelIndex::of_entries(target.entries.iter().filter(|e| !ids.contains(&e.id)));
    for row in &rows {
        let d = &row.draft;
        index.add(
            &d.id,
            d.terms.iter().chain(&d.alt_labels).map(|t| t.text.as_str()),
        );
    }
    let existing: BTreeSet<&str> = target
        .entries
        .iter()
        .map(|e| e.id.as_str())
        .filter(|id| !ids.contains(*id))
        .collect();
    let stated_by_existing: BTreeMap<String, Vec<(String, String)>> = target
        .entries
        .iter()
        .filter(|e| !ids.contains(&e.id))
        .map(|e| {
            (
                e.id.clone(),
                Summary::of(e, ontology)
                    .relations
                    .into_iter()
                    .map(|(k, t, ..)| (k, t))
                    .collect(),
            )
        })
        .collect();
    let all_ids: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .chain(existing.iter().copied())
        .collect();
    let resolve =
        |value: &str, line: usize, col: usize, mistakes: &mut Mistakes<'_>| -> Option<String> {
            if ids.contains(value) || existing.contains(value) {
                return Some(value.to_owned());
            }
            match index.exact(value).as_slice() {
                [one] => Some(one.clone()),
                [] => {
                    let help = match did_you_mean(value, all_ids.iter().copied()) {
                        Some(near) => {
                            format!("did you mean `{near}`? Name entries by id or by term")
                        }
                        None => {
                            "name entries by their id or their term; add a row for a new one".into()
                        }
                    };
                    mistakes.at(
                        line,
                        col,
                        "import/csv-target",
                        format!("no concept `{value}`"),
                        help,
                    );
                    None
                }
                many => {
                    mistakes.at(
                        line,
                        col,
                        "import/csv-target",
                        format!(
                            "`{value}` is a term of several concepts: {}",
                            many.join(", ")
                        ),
                        "name the entry by its id",
                    );
                    None
                }
            }
        };
    let mut stated = Vec::new();
    let mut to_existing: Vec<(String, String, String)> = Vec::new();
    let mut report = CsvReport {
        input: input.to_owned(),
        ..CsvReport::default()
    };
    for row in &mut rows {
        for (key, value, col) in &row.relations {
            let Some(to) = resolve(value, row.line, *col, &mut mistakes) else {
                continue;
            };
            let s = Stated {
                from: row.draft.id.clone(),
                key: key.clone(),
                to: to.clone(),
            };
            if existing.contains(to.as_str()) {
                let back = stated_by_existing
                    .get(&to)
                    .and_then(|r| r.iter().find(|(_, t)| *t == row.draft.id));
                match back {
                    Some((k, _)) => report.dropped.push((s, format!("`{to}` already states `{k}: {}`, and all relations between two entries are stated in one of them", row.draft.id))),
                    None => to_existing.push((s.from, s.key, s.to)),
                }
            } else {
                stated.push(s);
            }
        }
        if let Some((value, col)) = &row.replaced_by
            && let Some(by) = resolve(value, row.line, *col, &mut mistakes)
        {
            row.draft.replaced_by = Some(by);
        }
    }
    mistakes.finish()?;
    let arranged = relations::arrange(&stated, ontology, &BTreeMap::new());
    report.moved = arranged.moved.clone();
    report.dropped.extend(arranged.dropped.clone());
    report.implied = arranged.implied.clone();
    let mut drafts = Vec::with_capacity(rows.len());
    for row in rows {
        let mut d = row.draft;
        let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mine = arranged
            .by_owner
            .get(&d.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (key, to) in mine.iter().cloned().chain(
            to_existing
                .iter()
                .filter(|(f, ..)| *f == d.id)
                .map(|(_, k, t)| (k.clone(), t.clone())),
        ) {
            let list = grouped.entry(key).or_default();
            if !list.contains(&to) {
                list.push(to);
            }
        }
        d.relations = grouped.into_iter().collect();
        report
            .written
            .push((row.line, d.id.clone(), target.path_for(&d.id)));
        drafts.push(d);
    }
    let (planned, warnings) = target.prepare(&drafts)?;
    write::write_all(&planned, options.force)?;
    report.warnings = warnings;
    Ok(report)
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
