//! Where each cell of a spreadsheet's text starts, and the quotes left open.
//!
//! A quote left open does not make a CSV reader fail: it reads on, through
//! line ends, to the next quote in the file, and the rows in between become
//! part of one cell (an alternative label that holds three rows, and a report
//! of 30 entries for 31 rows). This scanner reads the text as RFC 4180 does
//! and says where each quoted cell opened and where it closed, so that a
//! quote never closed, or one that runs on over a whole row, is an error at
//! the line where it opened.

/// A quoted cell: where its opening quote is, and what it runs over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted {
    /// The opening quote: its 1-based line and its cell's 1-based number.
    pub line: usize,
    pub cell: usize,
    /// The line it closes on, or `None` when the file ends inside it.
    pub closed: Option<usize>,
    /// The lines after the first, as the file has them (empty when it closes
    /// on the line it opened on).
    pub continued: Vec<String>,
}

/// The position (1-based line and cell number) of each byte offset where a
/// cell starts, in order, and every quoted cell, reading `text` with cells
/// separated by `delimiter`.
pub fn scan(text: &str, delimiter: u8) -> (Vec<(usize, usize, usize)>, Vec<Quoted>) {
    let bytes = text.as_bytes();
    let mut starts = vec![(0, 1, 1)];
    let mut quoted = Vec::new();
    let (mut line, mut cell) = (1, 1);
    let mut i = 0;
    let mut at_cell_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        if at_cell_start && b == b'"' {
            let (opened, opened_cell) = (line, cell);
            let mut j = i + 1;
            let mut closed = None;
            while j < bytes.len() {
                match bytes[j] {
                    b'"' if bytes.get(j + 1) == Some(&b'"') => j += 2,
                    b'"' => {
                        closed = Some(line);
                        j += 1;
                        break;
                    }
                    b'\n' => {
                        line += 1;
                        j += 1;
                    }
                    _ => j += 1,
                }
            }
            let continued = text[i..j.min(text.len())]
                .lines()
                .skip(1)
                .map(str::to_owned)
                .collect();
            quoted.push(Quoted {
                line: opened,
                cell: opened_cell,
                closed,
                continued,
            });
            i = j;
            at_cell_start = false;
            continue;
        }
        at_cell_start = false;
        if b == delimiter {
            cell += 1;
            at_cell_start = true;
            starts.push((i + 1, line, cell));
        } else if b == b'\n' {
            line += 1;
            cell = 1;
            at_cell_start = true;
            starts.push((i + 1, line, cell));
        }
        i += 1;
    }
    (starts, quoted)
}

/// The line and cell number of byte `offset`, given the cell starts `scan` found.
pub fn locate(starts: &[(usize, usize, usize)], offset: usize) -> (usize, usize) {
    let at = starts.partition_point(|(start, _, _)| *start <= offset);
    starts
        .get(at.saturating_sub(1))
        .map_or((1, 1), |(_, line, cell)| (*line, *cell))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_followed_across_lines() {
        let text = "id,term\na,\"x, \"\"y\"\"\"\nb,\"two\nlines\"\nc,\"open\nd,D\n";
        let (starts, quoted) = scan(text, b',');
        assert_eq!(
            quoted,
            [
                Quoted {
                    line: 2,
                    cell: 2,
                    closed: Some(2),
                    continued: vec![]
                },
                Quoted {
                    line: 3,
                    cell: 2,
                    closed: Some(4),
                    continued: vec!["lines\"".into()]
                },
                Quoted {
                    line: 5,
                    cell: 2,
                    closed: None,
                    continued: vec!["d,D".into()]
                },
            ]
        );
        assert_eq!(locate(&starts, text.find("x,").unwrap()), (2, 2));
        assert_eq!(locate(&starts, text.find("b,").unwrap()), (3, 1));
        assert_eq!(locate(&starts, 0), (1, 1));
    }
}
