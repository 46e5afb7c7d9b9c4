//! Reading a spreadsheet: the header into columns, then each row into a draft
//! whose relation and `replaced-by` cells are kept as written, for
//! [`super::resolve`] to resolve. Every mistake is noted at its line and column.

use super::Mistakes;
use super::cells;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::import::draft::{Draft, Tagged};
use crate::import::error::{ImportError, located};
use crate::import::markdown::collapse;
use crate::import::target::Target;
use crate::iri::{id_from, is_slug};
use crate::ontology::Ontology;
use oxigraph::model::{Literal, NamedNode};
use std::collections::BTreeMap;

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

/// The columns other than relation types and mappings, as the help lists them.
const COLUMNS: &[&str] = &[
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
];

/// Mapping columns and the kind of mapping each holds.
const MAPPINGS: &[(&str, &str)] = &[
    ("exact-match", "exact"),
    ("close-match", "close"),
    ("broad-match", "broad"),
    ("narrow-match", "narrow"),
    ("related-match", "related"),
];

impl Column {
    /// The column named `base` (lowercase, with hyphens), given the language
    /// `lang` (`term@de`); `None` when no column has that name, or it takes no
    /// language and was given one.
    fn of(base: &str, lang: Option<String>, ontology: &Ontology) -> Option<Self> {
        match (base, &lang) {
            ("id", None) => Some(Self::Id),
            ("term" | "preferred-label" | "pref-label", _) => Some(Self::Term(lang)),
            ("definition", _) => Some(Self::Definition(lang)),
            ("alt-labels" | "alt-label" | "alternative-labels" | "alternative-label", _) => {
                Some(Self::AltLabels(lang))
            }
            ("hidden-labels" | "hidden-label", _) => Some(Self::HiddenLabels(lang)),
            ("register", None) => Some(Self::Register),
            ("notation", None) => Some(Self::Notation),
            ("sources" | "source", None) => Some(Self::Sources),
            ("deprecated", None) => Some(Self::Deprecated),
            ("replaced-by", None) => Some(Self::ReplacedBy),
            (key, None) if ontology.relation_type(key).is_some() => {
                Some(Self::Relation(key.to_owned()))
            }
            (key, None) => MAPPINGS
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, kind)| Self::Mapping(kind)),
            _ => None,
        }
    }
}

/// A row read, before the entries its cells name are resolved.
pub(super) struct Row {
    /// The line the row starts on.
    pub line: usize,
    /// The entry, without its relations and replacement: one term per
    /// language, the glossary's language first.
    pub draft: Draft,
    /// (relation key, value, column) of each value of a relation cell.
    pub relations: Vec<(String, String, usize)>,
    /// The `replaced-by` cell and its column.
    pub replaced_by: Option<(String, usize)>,
}

/// Reads the spreadsheet `text` into rows for `target`, noting every mistake
/// in `mistakes`. Gives a row for each one with a term, a definition and an id
/// (made from its term when the `id` cell is empty), whether or not its other
/// cells have mistakes, so that the names in them are checked too, and the
/// lines of the blank rows, which are skipped. Fails at once when the header cannot be read or has no `term`
/// or no `definition` column.
pub(super) fn rows(
    text: &str,
    target: &Target<'_>,
    mistakes: &mut Mistakes<'_>,
) -> Result<(Vec<Row>, Vec<usize>), ImportError> {
    let input = mistakes.input;
    let delimiter = delimiter(input, text);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| ImportError::Input {
        input: input.to_owned(),
        diagnostics: vec![csv_error(input, &e)],
    })?;
    let sheet = Sheet {
        ontology: &target.project.ontology,
        language: target.language(),
        separator: if delimiter == b';' { '|' } else { ';' },
        columns: columns(headers, &target.project.ontology, mistakes)?,
    };
    // A quote left open merges rows: read none of them.
    if !sheet.quotes_closed(text, delimiter, mistakes) {
        return Err(mistakes.take_error());
    }
    let mut rows = Vec::new();
    let mut blank = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) if record.iter().all(|c| c.trim().is_empty()) => {
                blank.push(record.position().map_or(0, |p| p.line() as usize));
            }
            Ok(record) => rows.extend(sheet.row(&record, mistakes)),
            Err(e) => {
                mistakes.found.push(csv_error(input, &e));
                break;
            }
        }
    }
    unique_ids(&rows, mistakes);
    Ok((rows, blank))
}

/// The byte that separates the cells of `text`: a tab in `.tsv` files and
/// when the header has tabs and no commas, a semicolon when it has semicolons
/// and no commas, else a comma.
pub(super) fn delimiter(input: &str, text: &str) -> u8 {
    let header_line = text.lines().next().unwrap_or_default();
    if input.to_ascii_lowercase().ends_with(".tsv")
        || (header_line.contains('\t') && !header_line.contains(','))
    {
        b'\t'
    } else if header_line.contains(';') && !header_line.contains(',') {
        b';'
    } else {
        b','
    }
}

/// What each column of the header `headers` holds: `None` for one that is
/// noted in `mistakes` (unknown, or with a bad language tag). Fails, with the
/// mistakes found so far, when there is no `term` or no `definition` column.
fn columns(
    headers: &::csv::StringRecord,
    ontology: &Ontology,
    mistakes: &mut Mistakes<'_>,
) -> Result<Vec<Option<Column>>, ImportError> {
    let mut columns = Vec::with_capacity(headers.len());
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, name) in headers.iter().enumerate() {
        let col = i + 1;
        let normal = name.trim().to_lowercase().replace(['_', ' '], "-");
        if let Some(first) = seen.insert(normal.clone(), col) {
            mistakes.at(
                1,
                col,
                "import/csv-column",
                format!("the column `{name}` is there twice (first as column {first})"),
                "keep one of them",
            );
        }
        let (base, lang) = match normal.split_once('@') {
            Some((base, lang)) => match Literal::new_language_tagged_literal("", lang) {
                Ok(l) => (base, l.language().map(str::to_owned)),
                Err(e) => {
                    mistakes.at(
                        1,
                        col,
                        "import/csv-column",
                        format!("`{lang}` in `{name}` is not a language tag ({e})"),
                        "write the language as a BCP 47 tag, like `term@de` or `term@pt-br`",
                    );
                    columns.push(None);
                    continue;
                }
            },
            None => (normal.as_str(), None),
        };
        let column = Column::of(base, lang, ontology);
        if column.is_none() {
            mistakes.at(
                1,
                col,
                "import/csv-column",
                format!("unknown column `{name}`"),
                unknown_column_help(base, ontology),
            );
        }
        columns.push(column);
    }
    let has = |want: fn(&Column) -> bool| columns.iter().flatten().any(want);
    let has_term = has(|c| matches!(c, Column::Term(_)));
    let has_definition = has(|c| matches!(c, Column::Definition(_)));
    if !has_term {
        mistakes.at(
            1,
            1,
            "import/csv-column",
            "there is no `term` column",
            "name a column `term` (or `term@en`, `term@de`…)",
        );
    }
    if !has_definition {
        mistakes.at(
            1,
            1,
            "import/csv-column",
            "there is no `definition` column",
            "name a column `definition` (or `definition@en`…)",
        );
    }
    if !has_term || !has_definition {
        return Err(mistakes.take_error());
    }
    Ok(columns)
}

/// The help for the unknown column `base`: the known name it is closest to,
/// if any, and every known name.
fn unknown_column_help(base: &str, ontology: &Ontology) -> String {
    let mut known: Vec<String> = COLUMNS.iter().map(|s| (*s).to_owned()).collect();
    known.extend(ontology.relation_types().iter().map(|t| t.key.clone()));
    known.extend(MAPPINGS.iter().map(|(k, _)| (*k).to_owned()));
    let columns = format!(
        "{}; `term`, `definition`, `alt-labels` and `hidden-labels` take a language, like `term@de`",
        known.join(", ")
    );
    match did_you_mean(base, known.iter().map(String::as_str)) {
        Some(near) => format!("did you mean `{near}`? Columns: {columns}"),
        None => format!("columns: {columns}"),
    }
}

/// What reading a row needs: the glossary's vocabulary and language, the
/// separator of values in a cell, and the columns.
struct Sheet<'a> {
    ontology: &'a Ontology,
    /// The glossary's default language, for text in columns without one.
    language: &'a str,
    /// Between the values of one cell.
    separator: char,
    columns: Vec<Option<Column>>,
}

impl Sheet<'_> {
    /// Whether every quoted cell of `text` closes, and on a line of its own
    /// row: a definition may hold line breaks, but not lines that read as
    /// rows (as many separators as the header, less one); other cells hold
    /// none. Notes each that does not in `mistakes`.
    fn quotes_closed(&self, text: &str, delimiter: u8, mistakes: &mut Mistakes<'_>) -> bool {
        const HELP: &str = "close the quote where the cell ends; a quote inside a quoted cell is written twice (`\"\"`)";
        let mut closed = true;
        for q in cells::scan(text, delimiter).1 {
            let snippet = |line: &str| {
                let short: String = line.chars().take(60).collect();
                if short.len() < line.len() {
                    format!("{short}…")
                } else {
                    short
                }
            };
            let Some(last) = q.closed else {
                mistakes.at(
                    q.line,
                    q.cell,
                    "import/csv-quote",
                    format!(
                        "the quote that opens this cell is never closed: the cell would run to the end of the file, over {} more line(s)",
                        q.continued.len()
                    ),
                    HELP,
                );
                closed = false;
                continue;
            };
            let prose = matches!(
                self.columns.get(q.cell - 1),
                Some(Some(Column::Definition(_)))
            );
            let separators = self.columns.len().saturating_sub(1).max(1);
            let row_like = q
                .continued
                .iter()
                .find(|l| l.bytes().filter(|b| *b == delimiter).count() >= separators);
            let taken = match (prose, row_like) {
                (_, Some(line)) => line,
                (false, None) => match q.continued.first() {
                    Some(line) => line,
                    None => continue,
                },
                (true, None) => continue,
            };
            mistakes.at(
                q.line,
                q.cell,
                "import/csv-quote",
                format!(
                    "the quote that opens this cell closes only on line {last}, so the cell takes in `{}`{}",
                    snippet(taken),
                    if prose { ", which reads as a row" } else { "; only a definition may hold a line break" }
                ),
                HELP,
            );
            closed = false;
        }
        closed
    }

    /// The row `record` holds; `None` when it is blank, or (noted in
    /// `mistakes`) when it has more cells than the header, or no term, no
    /// definition or no id.
    fn row(&self, record: &::csv::StringRecord, mistakes: &mut Mistakes<'_>) -> Option<Row> {
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|c| c.trim().is_empty()) {
            return None;
        }
        if record.len() > self.columns.len() {
            mistakes.at(
                line,
                self.columns.len() + 1,
                "import/csv-row",
                format!(
                    "this row has {} cells, the header {}",
                    record.len(),
                    self.columns.len()
                ),
                "remove the extra cells, or quote cells that contain the separator",
            );
            return None;
        }
        let mut row = Row {
            line,
            draft: Draft::default(),
            relations: Vec::new(),
            replaced_by: None,
        };
        for (i, cell) in record.iter().enumerate() {
            let cell = cell.trim();
            let Some(Some(column)) = self.columns.get(i) else {
                continue;
            };
            if !cell.is_empty() {
                self.cell(column, cell, i + 1, &mut row, mistakes);
            }
        }
        self.complete(row, mistakes)
    }

    /// Reads `cell` (not empty), in the column number `col` holding `column`,
    /// into `row`.
    fn cell(
        &self,
        column: &Column,
        cell: &str,
        col: usize,
        row: &mut Row,
        mistakes: &mut Mistakes<'_>,
    ) {
        let line = row.line;
        let lang = |l: &Option<String>| l.clone().unwrap_or_else(|| self.language.to_owned());
        let d = &mut row.draft;
        match column {
            Column::Id => {
                if is_slug(cell) {
                    d.id = cell.to_owned();
                } else {
                    mistakes.at(
                        line,
                        col,
                        "import/csv-id",
                        format!("`{cell}` is not an entry id"),
                        format!(
                            "ids are lowercase letters, digits and single hyphens, like `{}`",
                            id_from(cell, self.language)
                        ),
                    );
                }
            }
            Column::Term(l) => d.terms.push(Tagged::new(lang(l), collapse(cell))),
            Column::Definition(l) => d.definitions.push(Tagged::new(lang(l), collapse(cell))),
            Column::AltLabels(l) => d
                .alt_labels
                .extend(self.values(cell).map(|v| Tagged::new(lang(l), v))),
            Column::HiddenLabels(l) => d
                .hidden_labels
                .extend(self.values(cell).map(|v| Tagged::new(lang(l), v))),
            Column::Register => match self.ontology.register_written(cell) {
                Some(r) => d.register = Some(r.key.clone()),
                None => mistakes.at(
                    line,
                    col,
                    "import/csv-register",
                    format!("unknown register `{cell}`"),
                    format!("registers: {}", self.ontology.register_keys()),
                ),
            },
            Column::Notation => d.notation = Some(cell.to_owned()),
            Column::Sources => {
                for source in self.values(cell) {
                    let iri = (source.starts_with("http://") || source.starts_with("https://"))
                        && NamedNode::new(&source).is_ok();
                    if is_article(&source) || iri {
                        d.sources.push(source);
                    } else {
                        mistakes.at(
                            line,
                            col,
                            "import/csv-source",
                            format!("`{source}` is neither an Article nor an IRI"),
                            "cite an Article as `Article 64` or give an http(s) IRI",
                        );
                    }
                }
            }
            Column::Deprecated => match cell.to_lowercase().as_str() {
                "true" | "yes" | "1" | "x" => d.deprecated = true,
                "false" | "no" | "0" => {}
                _ => mistakes.at(
                    line,
                    col,
                    "import/csv-deprecated",
                    format!("`{cell}` is not yes or no"),
                    "write `true` or `false`",
                ),
            },
            Column::ReplacedBy => row.replaced_by = Some((cell.to_owned(), col)),
            Column::Relation(key) => {
                for value in self.values(cell) {
                    row.relations.push((key.clone(), value, col));
                }
            }
            Column::Mapping(kind) => {
                for value in self.values(cell) {
                    if NamedNode::new(&value).is_ok() && value.contains(':') {
                        match d.mappings.iter_mut().find(|(k, _)| k == kind) {
                            Some((_, iris)) => iris.push(value),
                            None => d.mappings.push(((*kind).to_owned(), vec![value])),
                        }
                    } else {
                        mistakes.at(
                            line,
                            col,
                            "import/csv-mapping",
                            format!("`{value}` is not an IRI"),
                            "give the full IRI of the other vocabulary's concept, starting with `https://`",
                        );
                    }
                }
            }
        }
    }

    /// The values of a cell that may have several, with whitespace runs
    /// collapsed and empty ones left out.
    fn values(&self, cell: &str) -> impl Iterator<Item = String> {
        cell.split(self.separator)
            .map(collapse)
            .filter(|v| !v.is_empty())
    }

    /// `row` once all its cells are read, if it has a term, a definition and
    /// an id (made from the term in the glossary's language, else the first,
    /// when the `id` cell is empty); else `None`, noted in `mistakes`. A
    /// second term in a language becomes an alternative label.
    fn complete(&self, mut row: Row, mistakes: &mut Mistakes<'_>) -> Option<Row> {
        let (line, d) = (row.line, &mut row.draft);
        if d.terms.is_empty() {
            mistakes.at(
                line,
                1,
                "import/csv-term",
                "this row has no term",
                "fill in the `term` cell (or a `term@…` one)",
            );
            return None;
        }
        if d.definitions.is_empty() {
            mistakes.at(
                line,
                1,
                "import/csv-definition",
                format!("`{}` has no definition", d.terms[0].text),
                "fill in the `definition` cell: one plain-language sentence",
            );
            return None;
        }
        if let Some((_, col)) = &row.replaced_by
            && !d.deprecated
        {
            mistakes.at(
                line,
                *col,
                "import/csv-replaced-by",
                "the row names what replaces it but is not deprecated",
                "write `true` in its `deprecated` cell, or empty the `replaced-by` cell",
            );
            return None;
        }
        if d.id.is_empty() {
            let term = d
                .terms
                .iter()
                .find(|t| t.lang == self.language)
                .unwrap_or(&d.terms[0]);
            d.id = id_from(&term.text, &term.lang);
        }
        if d.id.is_empty() {
            mistakes.at(
                line,
                1,
                "import/csv-id",
                format!("cannot make an id from the term `{}`", d.terms[0].text),
                "fill in the `id` cell",
            );
            return None;
        }
        // One term per language, the glossary's first; more are alternative labels.
        d.terms.sort_by_key(|t| t.lang != self.language);
        let mut terms: Vec<Tagged> = Vec::new();
        for t in std::mem::take(&mut d.terms) {
            if terms.iter().any(|x| x.lang == t.lang) {
                d.alt_labels.push(t);
            } else {
                terms.push(t);
            }
        }
        d.terms = terms;
        Some(row)
    }
}

/// Notes each row whose id an earlier row has.
fn unique_ids(rows: &[Row], mistakes: &mut Mistakes<'_>) {
    // Id → the line of the last row with it.
    let mut lines: BTreeMap<&str, usize> = BTreeMap::new();
    for row in rows {
        if let Some(first) = lines.insert(&row.draft.id, row.line) {
            mistakes.at(
                row.line,
                1,
                "import/csv-id",
                format!(
                    "the id `{}` is also the id of the row on line {first}",
                    row.draft.id
                ),
                "give one of the rows another `id`",
            );
        }
    }
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

/// A CSV reading error, at its line.
fn csv_error(input: &str, e: &::csv::Error) -> Diagnostic {
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
    located(
        input,
        line,
        1,
        "import/csv",
        message,
        "save the spreadsheet as CSV (UTF-8), with a header row",
    )
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
