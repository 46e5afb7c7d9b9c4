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

mod report;

pub use report::CsvReport;

use super::draft::{Draft, Tagged};
use super::error::{ImportError, located};
use super::labels::LabelIndex;
use super::relations::{self, Stated};
use super::target::Target;
use super::write;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::input::{self, FetchLimits, Kind};
use crate::iri::{is_slug, slugify};
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

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Id,
    Term(Option<String>),
    Definition(Option<String>),
    AltLabels(Option<String>),
    HiddenLabels(Option<String>),
    Register,
    Notation,
    Sources,
    Deprecated,
    ReplacedBy,
    Relation(String),
    Mapping(&'static str),
}

const MAPPINGS: &[(&str, &str)] = &[
    ("exact-match", "exact"),
    ("close-match", "close"),
    ("broad-match", "broad"),
    ("narrow-match", "narrow"),
    ("related-match", "related"),
];

/// A row read, before relations are resolved.
struct Row {
    line: usize,
    draft: Draft,
    /// (relation key, cell value, column) to resolve.
    relations: Vec<(String, String, usize)>,
    replaced_by: Option<(String, usize)>,
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
    let language = target.language().to_owned();
    let mut errors: Vec<Diagnostic> = Vec::new();
    let error = |line: usize, column: usize, code: &'static str, message: String, help: String| {
        located(input, line, column, code, message, help)
    };

    let header_line = text.lines().next().unwrap_or_default();
    let delimiter = if input.to_ascii_lowercase().ends_with(".tsv")
        || (header_line.contains('\t') && !header_line.contains(','))
    {
        b'\t'
    } else if header_line.contains(';') && !header_line.contains(',') {
        b';'
    } else {
        b','
    };
    let separator = if delimiter == b';' { '|' } else { ';' };
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());

    // The columns.
    let headers = reader.headers().map_err(|e| csv_error(input, &e))?.clone();
    let ontology = &project.ontology;
    let mut columns = Vec::with_capacity(headers.len());
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, name) in headers.iter().enumerate() {
        let normal = name.trim().to_lowercase().replace(['_', ' '], "-");
        if let Some(first) = seen.insert(normal.clone(), i + 1) {
            errors.push(error(
                1,
                i + 1,
                "import/csv-column",
                format!("the column `{name}` is there twice (first as column {first})"),
                "keep one of them".into(),
            ));
        }
        let (base, lang) = match normal.split_once('@') {
            Some((base, lang)) => {
                match oxigraph::model::Literal::new_language_tagged_literal("", lang) {
                    Ok(l) => (base.to_owned(), l.language().map(str::to_owned)),
                    Err(e) => {
                        errors.push(error(
                            1,
                            i + 1,
                            "import/csv-column",
                            format!("`{lang}` in `{name}` is not a language tag ({e})"),
                            "write the language as a BCP 47 tag, like `term@de` or `term@pt-br`"
                                .into(),
                        ));
                        columns.push(None);
                        continue;
                    }
                }
            }
            None => (normal.clone(), None),
        };
        let column = match (base.as_str(), &lang) {
            ("id", None) => Some(Column::Id),
            ("term" | "preferred-label" | "pref-label", _) => Some(Column::Term(lang)),
            ("definition", _) => Some(Column::Definition(lang)),
            ("alt-labels" | "alt-label" | "alternative-labels" | "alternative-label", _) => {
                Some(Column::AltLabels(lang))
            }
            ("hidden-labels" | "hidden-label", _) => Some(Column::HiddenLabels(lang)),
            ("register", None) => Some(Column::Register),
            ("notation", None) => Some(Column::Notation),
            ("sources" | "source", None) => Some(Column::Sources),
            ("deprecated", None) => Some(Column::Deprecated),
            ("replaced-by", None) => Some(Column::ReplacedBy),
            (key, None) if ontology.relation_type(key).is_some() => {
                Some(Column::Relation(key.to_owned()))
            }
            (key, None) => MAPPINGS
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, kind)| Column::Mapping(kind)),
            _ => None,
        };
        if column.is_none() {
            let mut known: Vec<String> = [
                "id",
                "term",
                "definition",
                "alt-labels",
                "hidden-labels",
                "register",
                "notation",
                "sources",
                "deprecated",
                "replaced-by",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
            known.extend(ontology.relation_types().iter().map(|t| t.key.clone()));
            known.extend(MAPPINGS.iter().map(|(k, _)| (*k).to_owned()));
            let near = did_you_mean(&base, known.iter().map(String::as_str));
            let help = match near {
                Some(near) => format!(
                    "did you mean `{near}`? Columns: {}; `term`, `definition`, `alt-labels` and `hidden-labels` take a language, like `term@de`",
                    known.join(", ")
                ),
                None => format!(
                    "columns: {}; `term`, `definition`, `alt-labels` and `hidden-labels` take a language, like `term@de`",
                    known.join(", ")
                ),
            };
            errors.push(error(
                1,
                i + 1,
                "import/csv-column",
                format!("unknown column `{name}`"),
                help,
            ));
        }
        columns.push(column);
    }
    let has = |want: fn(&Column) -> bool| columns.iter().flatten().any(want);
    if !has(|c| matches!(c, Column::Term(_))) {
        errors.push(error(
            1,
            1,
            "import/csv-column",
            "there is no `term` column".into(),
            "name a column `term` (or `term@en`, `term@de`…)".into(),
        ));
    }
    if !has(|c| matches!(c, Column::Definition(_))) {
        errors.push(error(
            1,
            1,
            "import/csv-column",
            "there is no `definition` column".into(),
            "name a column `definition` (or `definition@en`…)".into(),
        ));
    }
    if !has(|c| matches!(c, Column::Term(_))) || !has(|c| matches!(c, Column::Definition(_))) {
        return Err(ImportError::Input {
            input: input.to_owned(),
            diagnostics: errors,
        });
    }

    // The rows.
    let split = |cell: &str| -> Vec<String> {
        cell.split(separator)
            .map(super::markdown::collapse)
            .filter(|v| !v.is_empty())
            .collect()
    };
    let mut rows: Vec<Row> = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.extend(csv_error(input, &e).diagnostics().iter().cloned());
                break;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() > columns.len() {
            errors.push(error(
                line,
                columns.len() + 1,
                "import/csv-row",
                format!(
                    "this row has {} cells, the header {}",
                    record.len(),
                    columns.len()
                ),
                "remove the extra cells, or quote cells that contain the separator".into(),
            ));
            continue;
        }
        let mut row = Row {
            line,
            draft: Draft::default(),
            relations: Vec::new(),
            replaced_by: None,
        };
        let mut id = None;
        for (i, cell) in record.iter().enumerate() {
            let cell = cell.trim();
            let col = i + 1;
            let Some(Some(column)) = columns.get(i) else {
                continue;
            };
            if cell.is_empty() {
                continue;
            }
            let lang = |l: &Option<String>| l.clone().unwrap_or_else(|| language.clone());
            let d = &mut row.draft;
            match column {
                Column::Id => {
                    if is_slug(cell) {
                        id = Some(cell.to_owned());
                    } else {
                        errors.push(error(
                            line,
                            col,
                            "import/csv-id",
                            format!("`{cell}` is not an entry id"),
                            format!(
                                "ids are lowercase letters, digits and single hyphens, like `{}`",
                                slugify(cell)
                            ),
                        ));
                    }
                }
                Column::Term(l) => d
                    .terms
                    .push(Tagged::new(lang(l), super::markdown::collapse(cell))),
                Column::Definition(l) => d
                    .definitions
                    .push(Tagged::new(lang(l), super::markdown::collapse(cell))),
                Column::AltLabels(l) => d
                    .alt_labels
                    .extend(split(cell).into_iter().map(|v| Tagged::new(lang(l), v))),
                Column::HiddenLabels(l) => d
                    .hidden_labels
                    .extend(split(cell).into_iter().map(|v| Tagged::new(lang(l), v))),
                Column::Register => match ontology
                    .registers
                    .iter()
                    .find(|r| r.key == cell || r.label.eq_ignore_ascii_case(cell))
                {
                    Some(r) => d.register = Some(r.key.clone()),
                    None => errors.push(error(
                        line,
                        col,
                        "import/csv-register",
                        format!("unknown register `{cell}`"),
                        format!(
                            "registers: {}",
                            ontology
                                .registers
                                .iter()
                                .map(|r| r.key.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )),
                },
                Column::Notation => d.notation = Some(cell.to_owned()),
                Column::Sources => {
                    for source in split(cell) {
                        let article = is_article(&source);
                        let iri = (source.starts_with("http://") || source.starts_with("https://"))
                            && oxigraph::model::NamedNode::new(&source).is_ok();
                        if article || iri {
                            d.sources.push(source);
                        } else {
                            errors.push(error(
                                line,
                                col,
                                "import/csv-source",
                                format!("`{source}` is neither an Article nor an IRI"),
                                "cite an Article as `Article 64` or give an http(s) IRI".into(),
                            ));
                        }
                    }
                }
                Column::Deprecated => match cell.to_lowercase().as_str() {
                    "true" | "yes" | "1" | "x" => d.deprecated = true,
                    "false" | "no" | "0" => {}
                    _ => errors.push(error(
                        line,
                        col,
                        "import/csv-deprecated",
                        format!("`{cell}` is not yes or no"),
                        "write `true` or `false`".into(),
                    )),
                },
                Column::ReplacedBy => row.replaced_by = Some((cell.to_owned(), col)),
                Column::Relation(key) => {
                    for value in split(cell) {
                        row.relations.push((key.clone(), value, col));
                    }
                }
                Column::Mapping(kind) => {
                    for value in split(cell) {
                        match oxigraph::model::NamedNode::new(&value) {
                            Ok(_) if value.contains(':') => match d.mappings.iter_mut().find(|(k, _)| k == kind) {
                                Some((_, iris)) => iris.push(value),
                                None => d.mappings.push(((*kind).to_owned(), vec![value])),
                            },
                            _ => errors.push(error(line, col, "import/csv-mapping", format!("`{value}` is not an IRI"), "give the full IRI of the other vocabulary's concept, starting with `https://`".into())),
                        }
                    }
                }
            }
        }
        let d = &mut row.draft;
        if d.terms.is_empty() {
            errors.push(error(
                line,
                1,
                "import/csv-term",
                "this row has no term".into(),
                "fill in the `term` cell (or a `term@…` one)".into(),
            ));
            continue;
        }
        if d.definitions.is_empty() {
            errors.push(error(
                line,
                1,
                "import/csv-definition",
                format!("`{}` has no definition", d.terms[0].text),
                "fill in the `definition` cell: one plain-language sentence".into(),
            ));
            continue;
        }
        let made = id.unwrap_or_else(|| {
            let term = d
                .terms
                .iter()
                .find(|t| t.lang == language)
                .unwrap_or(&d.terms[0]);
            slugify(&term.text)
        });
        if made.is_empty() {
            errors.push(error(
                line,
                1,
                "import/csv-id",
                format!("cannot make an id from the term `{}`", d.terms[0].text),
                "fill in the `id` cell".into(),
            ));
            continue;
        }
        d.id = made;
        // Terms: one per language; more are alternative labels.
        d.terms.sort_by_key(|t| t.lang != language);
        rows.push(row);
    }
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    for row in &rows {
        if let Some(first) = ids.insert(row.draft.id.clone(), row.line) {
            errors.push(error(
                row.line,
                1,
                "import/csv-id",
                format!(
                    "the id `{}` is also the id of the row on line {first}",
                    row.draft.id
                ),
                "give one of the rows another `id`".into(),
            ));
        }
    }

    // Relations, by id or term.
    let mut index =
        LabelIndex::of_entries(target.entries.iter().filter(|e| !ids.contains_key(&e.id)));
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
        .filter(|id| !ids.contains_key(*id))
        .collect();
    let stated_by_existing: BTreeMap<String, Vec<(String, String)>> = target
        .entries
        .iter()
        .filter(|e| !ids.contains_key(&e.id))
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
        .keys()
        .map(String::as_str)
        .chain(existing.iter().copied())
        .collect();
    let resolve =
        |value: &str, line: usize, col: usize, errors: &mut Vec<Diagnostic>| -> Option<String> {
            if ids.contains_key(value) || existing.contains(value) {
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
                    errors.push(error(
                        line,
                        col,
                        "import/csv-target",
                        format!("no concept `{value}`"),
                        help,
                    ));
                    None
                }
                many => {
                    errors.push(error(
                        line,
                        col,
                        "import/csv-target",
                        format!(
                            "`{value}` is a term of several concepts: {}",
                            many.join(", ")
                        ),
                        "name the entry by its id".into(),
                    ));
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
            let Some(to) = resolve(value, row.line, *col, &mut errors) else {
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
            && let Some(by) = resolve(value, row.line, *col, &mut errors)
        {
            row.draft.replaced_by = Some(by);
        }
    }
    if !errors.is_empty() {
        crate::diagnostic::sort(&mut errors);
        return Err(ImportError::Input {
            input: input.to_owned(),
            diagnostics: errors,
        });
    }
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
        // One term per language: a second one is an alternative label.
        let mut terms: Vec<Tagged> = Vec::new();
        for t in std::mem::take(&mut d.terms) {
            if terms.iter().any(|x| x.lang == t.lang) {
                d.alt_labels.push(t);
            } else {
                terms.push(t);
            }
        }
        d.terms = terms;
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

/// Whether a source reads as an Article: `Article 64`, `Art. 3(47)`.
fn is_article(text: &str) -> bool {
    let lower = text.to_lowercase();
    let Some(rest) = ["article ", "art. ", "art "]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
    else {
        return false;
    };
    let rest = rest.trim_start();
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let tail = &rest[digits..];
    digits > 0 && (tail.is_empty() || (tail.starts_with('(') && tail.ends_with(')')))
}

/// A CSV reading error at its line.
fn csv_error(input: &str, e: &::csv::Error) -> ImportError {
    let line = e.position().map_or(1, |p| p.line() as usize);
    let message = match e.kind() {
        ::csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text".to_owned(),
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("this row has {len} cells, the header {expected_len}")
        }
        _ => format!("cannot read the CSV: {e}"),
    };
    ImportError::Input {
        input: input.to_owned(),
        diagnostics: vec![located(
            input,
            line,
            1,
            "import/csv",
            message,
            "save the spreadsheet as CSV (UTF-8), with a header row",
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles() {
        assert!(is_article("Article 64"));
        assert!(is_article("Art. 3(47)"));
        assert!(!is_article("Artificial intelligence"));
        assert!(!is_article("Article 5 and 6"));
    }
}
