//! What can go wrong when importing, each case naming the input and, where
//! known, the line.

use crate::diagnostic::Diagnostic;
use crate::input::FetchError;
use std::path::PathBuf;

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Mistakes in an input, each at its line (every one found, not only the first).
    #[error("cannot import {input}: {}; nothing was written", summary(.diagnostics))]
    Input {
        input: String,
        diagnostics: Vec<Diagnostic>,
    },
    /// An input could not be read or fetched. (Not its source: the message
    /// says all of it.)
    #[error("{0}; nothing was written")]
    Fetch(FetchError),
    /// Files that exist and would be replaced.
    #[error(
        "{} already exist{}: {}; pass --force to overwrite, or import into another folder with --out; nothing was written",
        if .0.len() == 1 { "an entry file" } else { "entry files" },
        if .0.len() == 1 { "s" } else { "" },
        list_paths(.0)
    )]
    Exists(Vec<PathBuf>),
    /// Two inputs of one run make the same entry.
    #[error(
        "two inputs make the entry `{id}`: {first} and {second}; import them separately into different folders, or fix one of them; nothing was written"
    )]
    Collision {
        id: String,
        first: String,
        second: String,
    },
    /// The entries made would not pass `glossgraph check`.
    #[error(
        "the imported entries would not pass `glossgraph check` ({} error(s), first: {}); nothing was written",
        .0.len(),
        .0.first().map(|d| d.message.as_str()).unwrap_or("none")
    )]
    Invalid(Vec<Diagnostic>),
    /// Converting would leave out part of the source, and that was not allowed.
    #[error(
        "{report}importing would lose {lost} thing(s) the source says (listed above as lost); pass --allow-loss to write the entries without them; nothing was written"
    )]
    Lossy { lost: usize, report: String },
    /// A bad option, such as an invalid CSS selector or base IRI.
    #[error("{0}")]
    Options(String),
    /// Reading or writing files failed.
    #[error("cannot {action} {}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

impl From<FetchError> for ImportError {
    fn from(e: FetchError) -> Self {
        Self::Fetch(e)
    }
}

impl ImportError {
    /// The located findings behind this error, for printing one per line.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Self::Input { diagnostics, .. } => diagnostics,
            Self::Invalid(diagnostics) => diagnostics,
            _ => &[],
        }
    }
}

/// A located error about an input (a file or a URL).
pub(crate) fn located(
    input: &str,
    line: usize,
    column: usize,
    code: &'static str,
    message: impl Into<String>,
    help: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(
        code,
        std::path::Path::new(input),
        crate::diagnostic::Pos::new(line.max(1), column.max(1)),
        message,
    )
    .with_help(help)
}

fn summary(diagnostics: &[Diagnostic]) -> String {
    match diagnostics {
        [] => "no details".into(),
        [one] => format!("line {}: {}", one.pos.line, one.message),
        [first, rest @ ..] => format!(
            "line {}: {} (and {} more problem(s))",
            first.pos.line,
            first.message,
            rest.len()
        ),
    }
}

fn list_paths(paths: &[PathBuf]) -> String {
    const SHOWN: usize = 5;
    let mut text = paths
        .iter()
        .take(SHOWN)
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        text.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    text
}
