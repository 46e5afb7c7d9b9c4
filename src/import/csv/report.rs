//! What importing a spreadsheet did, for the command line to print.

use crate::diagnostic::Diagnostic;
use crate::import::relations::Stated;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// What importing a spreadsheet did.
#[derive(Debug, Clone, Default)]
pub struct CsvReport {
    /// The spreadsheet, as given.
    pub input: String,
    /// (line, id, file) of each entry written.
    pub written: Vec<(usize, String, PathBuf)>,
    /// Relations stated in the other row than the spreadsheet gave them in:
    /// (as given, as stated).
    pub moved: Vec<(Stated, Stated)>,
    /// Relations not stated, and why.
    pub dropped: Vec<(Stated, String)>,
    /// Relations not stated separately because a more specific one implies them.
    pub implied: Vec<(Stated, String)>,
    /// What `glossgraph check` warns about in the new entries.
    pub warnings: Vec<Diagnostic>,
    /// What `--sanitize` removed, one line each.
    pub sanitized: Vec<String>,
    /// The lines of blank rows, skipped.
    pub blank: Vec<usize>,
    /// Where each relation was given: its line, its cell and the cell's
    /// value as the file has it.
    pub cells: BTreeMap<Stated, (usize, usize, String)>,
}

impl CsvReport {
    /// The cell that gave `s`, quoted as the file has it.
    fn quote(&self, s: &Stated) -> String {
        match self.cells.get(s) {
            Some((line, cell, value)) => {
                format!(
                    "line {line} (cell {cell}), `{}: {value}` (row of `{}`)",
                    s.key, s.from
                )
            }
            None => format!("`{}: {}` (row of `{}`)", s.key, s.to, s.from),
        }
    }
}

impl fmt::Display for CsvReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dir = self
            .written
            .first()
            .and_then(|(_, _, p)| p.parent())
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        // Every row is accounted for: an entry each, or blank.
        let rows = self.written.len() + self.blank.len();
        write!(
            f,
            "{}: {rows} row(s), {} entr{} written to {dir}",
            self.input,
            self.written.len(),
            if self.written.len() == 1 { "y" } else { "ies" }
        )?;
        match self.blank.as_slice() {
            [] => writeln!(f)?,
            lines => writeln!(
                f,
                ", {} blank row(s) skipped (line {})",
                lines.len(),
                lines
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )?,
        }
        crate::import::characters::write_removed(f, &self.sanitized)?;
        for (given, stated) in &self.moved {
            writeln!(
                f,
                "  {} is stated in `{}` as `{}: {}`: each relation is stated once, in one of the two entries",
                self.quote(given),
                stated.from,
                stated.key,
                stated.to
            )?;
        }
        for (what, relations) in [
            ("left out", &self.dropped),
            ("not stated separately", &self.implied),
        ] {
            for (s, why) in relations {
                writeln!(f, "  {}: {what}, {why}", self.quote(s))?;
            }
        }
        for w in &self.warnings {
            writeln!(f, "{w}")?;
        }
        Ok(())
    }
}
