//! One finding of the linter: which rule, how serious, what is wrong and where.

use crate::diagnostic::{self, Diagnostic, Pos};
use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// How serious a finding is. Ordered from most to least serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The vocabulary is inconsistent or cannot be published as it is.
    Error,
    /// Most likely a mistake: the vocabulary works, but should be fixed.
    Warning,
    /// A quality observation; often deliberate.
    Info,
}

impl Severity {
    /// The name used in every output format: `error`, `warning` or `info`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<diagnostic::Severity> for Severity {
    fn from(severity: diagnostic::Severity) -> Self {
        match severity {
            diagnostic::Severity::Error => Self::Error,
            diagnostic::Severity::Warning => Self::Warning,
        }
    }
}

/// Where a finding is: a place in a file (our entries, `glossary.toml`, an RDF
/// file), a URL, and the IRI of the resource it is about, as far as known.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// The file or URL, as given (paths relative to where lint was run from
    /// when they were given so).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column in characters, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The resource the finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iri: Option<String>,
}

impl Location {
    /// A position in a file.
    pub fn file(path: impl Into<PathBuf>, pos: Pos) -> Self {
        Self {
            source: Some(path.into().display().to_string()),
            line: Some(pos.line),
            column: Some(pos.column),
            iri: None,
        }
    }

    /// A resource, with no file position (yet).
    pub fn iri(iri: impl Into<String>) -> Self {
        Self {
            iri: Some(iri.into()),
            ..Self::default()
        }
    }

    /// The same location, about `iri`.
    #[must_use]
    pub fn with_iri(mut self, iri: impl Into<String>) -> Self {
        self.iri = Some(iri.into());
        self
    }

    /// `file:line:column` (as much of it as is known), else `<iri>`.
    pub fn short(&self) -> String {
        match (&self.source, self.line, self.column) {
            (Some(s), Some(l), Some(c)) => format!("{s}:{l}:{c}"),
            (Some(s), Some(l), None) => format!("{s}:{l}"),
            (Some(s), None, _) => s.clone(),
            (None, ..) => self
                .iri
                .as_ref()
                .map_or_else(|| "-".to_owned(), |i| format!("<{i}>")),
        }
    }
}

/// One problem found by one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's stable id, such as `skos/S27` or `qskos/orphan-concept`.
    pub rule: String,
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    pub location: Location,
    /// Other resources the finding involves (the other end of a clash, the
    /// members of a cycle), in a stable order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
}

impl Finding {
    /// A finding of `rule` with the rule's default severity.
    pub fn new(rule: &'static str, location: Location, message: impl Into<String>) -> Self {
        let severity = super::rules::rule(rule).map_or(Severity::Error, |r| r.severity);
        Self {
            rule: rule.to_owned(),
            severity,
            message: message.into(),
            help: None,
            location,
            related: Vec::new(),
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    #[must_use]
    pub fn with_related(mut self, related: impl IntoIterator<Item = String>) -> Self {
        self.related = related.into_iter().collect();
        self
    }

    /// Whether the finding is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A diagnostic of `check` or of the entry parser, as a finding with the same code.
impl From<Diagnostic> for Finding {
    fn from(d: Diagnostic) -> Self {
        Self {
            rule: d.code.to_owned(),
            severity: d.severity.into(),
            message: d.message,
            help: d.help,
            location: Location::file(d.path, d.pos),
            related: Vec::new(),
        }
    }
}

/// `location: severity[rule]: message`, then the help on its own line.
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}[{}]: {}",
            self.location.short(),
            self.severity,
            self.rule,
            self.message
        )?;
        if self.location.source.is_some()
            && let Some(iri) = &self.location.iri
        {
            write!(f, "\n  at: <{iri}>")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnostic_keeps_its_code_and_position() {
        let d = Diagnostic::error("check/cycle", "entries/a.md".as_ref(), Pos::new(3, 4), "x")
            .with_help("y");
        let f = Finding::from(d);
        assert_eq!(f.rule, "check/cycle");
        assert_eq!(
            f.to_string(),
            "entries/a.md:3:4: error[check/cycle]: x\n  help: y"
        );
    }

    #[test]
    fn an_rdf_finding_names_its_iri_and_line() {
        let mut location = Location::iri("http://example.org/A");
        assert_eq!(location.short(), "<http://example.org/A>");
        location.source = Some("v.ttl".into());
        location.line = Some(7);
        let f = Finding::new("skos/S27", location, "clash");
        assert_eq!(
            f.to_string(),
            "v.ttl:7: error[skos/S27]: clash\n  at: <http://example.org/A>"
        );
    }
}
