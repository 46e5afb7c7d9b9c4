//! Resolving what a spreadsheet's cells name: relation and `replaced-by` cells
//! name entries, of the spreadsheet or of the glossary, by id or by term. The
//! relations between the spreadsheet's entries are then arranged as
//! [`relations::arrange`] says: each stated once, in one of the two entries.

use super::Mistakes;
use super::read::Row;
use super::report::CsvReport;
use crate::diagnostic::did_you_mean;
use crate::import::draft::Draft;
use crate::import::labels::LabelIndex;
use crate::import::relations::{self, Existing, Stated};
use crate::import::target::Target;
use crate::ontology::{Direction, Ontology};
use std::collections::{BTreeMap, BTreeSet};

/// The rows, with the entries their cells name.
pub(super) struct Resolved {
    /// The rows read, each draft with its replacement.
    rows: Vec<Row>,
    /// Relations between the spreadsheet's entries, in the order given.
    stated: Vec<Stated>,
    /// Relations to the glossary's entries, stated as given.
    to_existing: Vec<Stated>,
    /// Relations to the glossary's entries that already state one back, and why
    /// they are left out.
    dropped: Vec<(Stated, String)>,
    /// Where each relation was given: line, cell and value.
    cells: BTreeMap<Stated, (usize, usize, String)>,
}

/// Resolves the relation and `replaced-by` cells of `rows` to the ids of the
/// entries they name: the rows' own, or those of `target` the rows do not
/// replace. A value that names no entry, or several, is noted in `mistakes`
/// and left out. Gives the rows with their replacements set, and their
/// relations sorted by the entries they go to.
pub(super) fn names(
    mut rows: Vec<Row>,
    target: &Target<'_>,
    mistakes: &mut Mistakes<'_>,
) -> Resolved {
    let names = Names::new(&rows, target);
    let existing = Existing::of(
        target.entries.iter().filter(|e| !names.new.contains(&e.id)),
        &target.project.ontology,
    );
    let mut resolved = Resolved {
        rows: Vec::new(),
        stated: Vec::new(),
        to_existing: Vec::new(),
        dropped: Vec::new(),
        cells: BTreeMap::new(),
    };
    let mut pairs = Pairs::default();
    for row in &mut rows {
        for (key, value, col) in &row.relations {
            let Some(to) = names.id(value, row.line, *col, mistakes) else {
                continue;
            };
            pairs.add(&row.draft.id, &to, (row.line, *col, key, value));
            let s = Stated {
                from: row.draft.id.clone(),
                key: key.clone(),
                to,
            };
            resolved
                .cells
                .entry(s.clone())
                .or_insert_with(|| (row.line, *col, value.clone()));
            if !names.existing.contains(s.to.as_str()) {
                resolved.stated.push(s);
                continue;
            }
            match existing.states_back(&s.from, &s.to) {
                Some(why) => resolved.dropped.push((s, why)),
                None => resolved.to_existing.push(s),
            }
        }
        if let Some((value, col)) = &row.replaced_by
            && let Some(by) = names.id(value, row.line, *col, mistakes)
        {
            row.draft.replaced_by = Some(by);
        }
    }
    pairs.clashes(&target.project.ontology, mistakes);
    resolved.rows = rows;
    resolved
}

/// A relation cell's value as the file has it: line, cell, column name and value.
type Cell<'r> = (usize, usize, &'r str, &'r str);

/// The relation cells stating something between each two entries.
#[derive(Default)]
struct Pairs<'r> {
    between: BTreeMap<(String, String), Vec<Cell<'r>>>,
}

impl<'r> Pairs<'r> {
    fn add(&mut self, from: &str, to: &str, cell: Cell<'r>) {
        let pair = if from <= to {
            (from.to_owned(), to.to_owned())
        } else {
            (to.to_owned(), from.to_owned())
        };
        self.between.entry(pair).or_default().push(cell);
    }

    /// Notes each two entries that cells relate both hierarchically and
    /// associatively, which SKOS forbids (`skos:related` is disjoint with
    /// `skos:broaderTransitive`), quoting both cells as the file has them.
    fn clashes(&self, ontology: &Ontology, mistakes: &mut Mistakes<'_>) {
        let related = |key: &str| {
            ontology
                .relation_type(key)
                .is_some_and(|t| t.direction == Direction::Related)
        };
        for ((a, b), cells) in &self.between {
            let (Some(assoc), Some(hier)) = (
                cells.iter().find(|c| related(c.2)),
                cells.iter().find(|c| !related(c.2)),
            ) else {
                continue;
            };
            let (later, earlier) = if (assoc.0, assoc.1) > (hier.0, hier.1) {
                (assoc, hier)
            } else {
                (hier, assoc)
            };
            mistakes.at(
                later.0,
                later.1,
                "import/csv-clash",
                format!(
                    "`{}: {}` here and `{}: {}` on line {} (cell {}) relate `{a}` and `{b}` both associatively and hierarchically",
                    later.2, later.3, earlier.2, earlier.3, earlier.0, earlier.1
                ),
                "SKOS keeps the two apart (skos:related is disjoint with skos:broaderTransitive): keep one of the two cells",
            );
        }
    }
}

/// The entries a cell can name.
struct Names<'t> {
    /// The ids of the spreadsheet's rows.
    new: BTreeSet<String>,
    /// The ids of the glossary's entries that no row replaces.
    existing: BTreeSet<&'t str>,
    /// The terms and labels of both: the rows' terms and alternative labels,
    /// the existing entries' terms, alternative and hidden labels.
    index: LabelIndex,
}

impl<'t> Names<'t> {
    fn new(rows: &[Row], target: &'t Target<'_>) -> Self {
        let new: BTreeSet<String> = rows.iter().map(|r| r.draft.id.clone()).collect();
        let mut index =
            LabelIndex::of_entries(target.entries.iter().filter(|e| !new.contains(&e.id)));
        for row in rows {
            let d = &row.draft;
            index.add(
                &d.id,
                d.terms.iter().chain(&d.alt_labels).map(|t| t.text.as_str()),
            );
        }
        let existing = target
            .entries
            .iter()
            .map(|e| e.id.as_str())
            .filter(|id| !new.contains(*id))
            .collect();
        Self {
            new,
            existing,
            index,
        }
    }

    /// The id of the entry `value` (in the cell at `line` and `col`) names by
    /// id or by term; `None`, noted in `mistakes`, when it names none or
    /// several.
    fn id(
        &self,
        value: &str,
        line: usize,
        col: usize,
        mistakes: &mut Mistakes<'_>,
    ) -> Option<String> {
        if self.new.contains(value) || self.existing.contains(value) {
            return Some(value.to_owned());
        }
        match self.index.exact(value).as_slice() {
            [one] => Some(one.clone()),
            [] => {
                let all = self
                    .new
                    .iter()
                    .map(String::as_str)
                    .chain(self.existing.iter().copied());
                let help = match did_you_mean(value, all) {
                    Some(near) => format!("did you mean `{near}`? Name entries by id or by term"),
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
    }
}

impl Resolved {
    /// The entries, each with the line of its row: the relations between the
    /// spreadsheet's entries arranged, and those to the glossary's entries as
    /// given, grouped by relation type. The relations moved to the other entry,
    /// left out, or implied by a more specific one go into `report`.
    pub(super) fn into_entries(
        self,
        ontology: &Ontology,
        report: &mut CsvReport,
    ) -> Vec<(usize, Draft)> {
        let arranged = relations::arrange(&self.stated, ontology, &BTreeMap::new());
        report.moved = arranged.moved;
        report.dropped = self.dropped;
        report.dropped.extend(arranged.dropped);
        report.implied = arranged.implied;
        report.cells = self.cells;
        let mut entries = Vec::with_capacity(self.rows.len());
        for row in self.rows {
            let mut d = row.draft;
            let mine = arranged
                .by_owner
                .get(&d.id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let to_existing = self
                .to_existing
                .iter()
                .filter(|s| s.from == d.id)
                .map(|s| (s.key.clone(), s.to.clone()));
            d.relations = relations::grouped(mine.iter().cloned().chain(to_existing));
            entries.push((row.line, d));
        }
        entries
    }
}
