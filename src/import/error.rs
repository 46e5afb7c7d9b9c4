//! What can go wrong when importing, each case naming the input and, where
//! known, the line.

use crate::diagnostic::Diagnostic;
use std::fmt;
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
    /// An input could not be read or fetched.
    #[error("cannot read {input}: {problem}; nothing was written")]
    Fetch {
        input: String,
        problem: FetchProblem,
    },
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
    /// A bad option, such as an invalid CSS selector or base IRI.
    #[error("{0}")]
    Options(String),
    /// Reading or writing files failed.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
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

    /// 1 for a mistake in the input or the arguments, 2 for anything else
    /// (file system, network).
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Input { .. }
            | Self::Exists(_)
            | Self::Collision { .. }
            | Self::Invalid(_)
            | Self::Options(_) => 1,
            Self::Fetch { problem, .. } if problem.is_input_mistake() => 1,
            Self::Fetch { .. } | Self::Io { .. } => 2,
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

/// Why an input could not be read or fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchProblem {
    /// The file does not exist or cannot be read.
    File(String),
    /// The server did not answer within the timeout.
    Timeout { millis: u64 },
    /// The server could not be reached.
    Connect(String),
    /// The server answered with an error status.
    Status { code: u16, reason: String },
    /// More redirects than allowed, usually a redirect loop.
    Redirects { limit: usize },
    /// The input is larger than the limit.
    TooBig { limit: u64, size: Option<u64> },
    /// The server says the input is an image.
    Image(String),
    /// The server says the input is of a kind this importer does not read.
    ContentType { found: String, expected: String },
    /// The bytes are not text.
    Binary { line: usize },
    /// A text encoding this importer does not read.
    Charset(String),
    /// The input is empty.
    Empty,
    /// Any other transfer failure.
    Transfer(String),
}

impl FetchProblem {
    /// Whether the user gave a wrong input (rather than the network failing).
    pub fn is_input_mistake(&self) -> bool {
        !matches!(
            self,
            Self::Timeout { .. } | Self::Connect(_) | Self::Transfer(_)
        )
    }
}

impl fmt::Display for FetchProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(e) => write!(f, "{e}; check the path"),
            Self::Timeout { millis } => write!(
                f,
                "no complete answer within {} s (timed out); try again later, or pass a longer --timeout",
                *millis as f64 / 1000.0
            ),
            Self::Connect(e) => write!(
                f,
                "cannot connect ({e}); check the address and your network"
            ),
            Self::Status { code, reason } => write!(
                f,
                "the server answered {code} {reason}; check the URL (a 404 means there is no page at this address)"
            ),
            Self::Redirects { limit } => write!(
                f,
                "more than {limit} redirects (a redirect loop?); open the URL in a browser to see where it leads and give the final address"
            ),
            Self::TooBig { limit, size } => match size {
                Some(size) => write!(
                    f,
                    "it is {size} bytes, more than the limit of {limit} bytes; is this the right input?"
                ),
                None => write!(
                    f,
                    "it is more than the limit of {limit} bytes; is this the right input?"
                ),
            },
            Self::Image(kind) => write!(
                f,
                "it is an image ({kind}), not a glossary page; give the address of the page itself"
            ),
            Self::ContentType { found, expected } => {
                write!(f, "it is `{found}`, not {expected}")
            }
            Self::Binary { line } => write!(
                f,
                "line {line}: it holds binary data, not text; give the page as HTML or plain UTF-8 text"
            ),
            Self::Charset(charset) => write!(
                f,
                "it is in the `{charset}` encoding; save it as UTF-8 and import the file"
            ),
            Self::Empty => write!(f, "line 1: it is empty, there is no text to import"),
            Self::Transfer(e) => write!(f, "the transfer failed ({e})"),
        }
    }
}
