//! A lint report and its three formats: text for people, JSON for scripts, and
//! SARIF 2.1.0 for code-scanning tools. All three list the findings in the same
//! stable order (source, line, column, resource, rule, message).

use super::finding::{Finding, Severity};
use super::rules::{self, RULES};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// How many findings of one rule the text format prints; JSON and SARIF have all.
pub const TEXT_LIMIT_PER_RULE: usize = 50;

/// The version of the JSON report's layout, raised on incompatible changes.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Json,
    Sarif,
}

/// Which findings make lint exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Errors only (the default).
    #[default]
    Error,
    /// Errors and warnings.
    Warning,
}

/// What was linted, in numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Stats {
    /// Distinct triples in the graph (0 if it was not built).
    pub triples: usize,
    /// Concepts the vocabulary describes.
    pub concepts: usize,
    /// Concept schemes it describes.
    pub schemes: usize,
}

/// Every finding of one run of lint.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// What was linted: the glossary folder, or the files and URLs given.
    pub sources: Vec<String>,
    pub findings: Vec<Finding>,
    pub stats: Stats,
}

impl Report {
    /// Puts the findings in their stable order and drops exact repeats.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (
                &a.location.source,
                a.location.line,
                a.location.column,
                &a.location.iri,
                &a.rule,
                &a.message,
            )
                .cmp(&(
                    &b.location.source,
                    b.location.line,
                    b.location.column,
                    &b.location.iri,
                    &b.rule,
                    &b.message,
                ))
        });
        self.findings.dedup();
    }

    /// Shows paths under `dir` relative to it (as editors and terminals link
    /// them, and as SARIF consumers expect relative to the repository root).
    pub fn relative_to(&mut self, dir: &std::path::Path) {
        let strip = |source: &mut String| {
            if let Ok(relative) = std::path::Path::new(source.as_str()).strip_prefix(dir) {
                *source = relative.display().to_string();
            }
        };
        for f in &mut self.findings {
            if let Some(source) = &mut f.location.source {
                strip(source);
            }
        }
        for source in &mut self.sources {
            strip(source);
        }
    }

    /// The number of findings of each severity: (errors, warnings, infos).
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |s| self.findings.iter().filter(|f| f.severity == s).count();
        (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
        )
    }

    /// The process exit code: 1 if a finding is at or above `fail_on`, else 0.
    pub fn exit_code(&self, fail_on: FailOn) -> u8 {
        let (errors, warnings, _) = self.counts();
        let failing = match fail_on {
            FailOn::Error => errors,
            FailOn::Warning => errors + warnings,
        };
        u8::from(failing > 0)
    }

    /// Writes the report in `format`.
    pub fn write(&self, format: ReportFormat, out: &mut dyn Write) -> io::Result<()> {
        match format {
            ReportFormat::Text => self.write_text(out),
            ReportFormat::Json => {
                serde_json::to_writer_pretty(&mut *out, &self.json())?;
                writeln!(out)
            }
            ReportFormat::Sarif => {
                serde_json::to_writer_pretty(&mut *out, &self.sarif())?;
                writeln!(out)
            }
        }
    }

    /// The one-line summary closing the text format.
    pub fn summary(&self) -> String {
        let (errors, warnings, infos) = self.counts();
        format!(
            "glossgraph lint: {errors} error(s), {warnings} warning(s), {infos} info ({} triples, {} concepts, {} schemes)",
            self.stats.triples, self.stats.concepts, self.stats.schemes
        )
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        // Grouped by severity, then rule; each group in the report's order.
        let mut groups: BTreeMap<(Severity, &str), Vec<&Finding>> = BTreeMap::new();
        for f in &self.findings {
            groups
                .entry((f.severity, f.rule.as_str()))
                .or_default()
                .push(f);
        }
        for ((severity, rule), findings) in &groups {
            let summary = rules::rule(rule).map_or("", |r| r.summary);
            let dash = if summary.is_empty() { "" } else { " — " };
            writeln!(
                out,
                "{severity}[{rule}]{dash}{summary}: {} finding(s)",
                findings.len()
            )?;
            let mut last_help: Option<&str> = None;
            for f in findings.iter().take(TEXT_LIMIT_PER_RULE) {
                write!(out, "  {}: {}", f.location.short(), f.message)?;
                if f.location.source.is_some()
                    && let Some(iri) = &f.location.iri
                {
                    write!(out, "\n    at: <{iri}>")?;
                }
                writeln!(out)?;
                if f.help.as_deref() != last_help
                    && let Some(help) = &f.help
                {
                    writeln!(out, "    help: {help}")?;
                }
                last_help = f.help.as_deref();
            }
            if findings.len() > TEXT_LIMIT_PER_RULE {
                writeln!(
                    out,
                    "  … and {} more (--format json lists them all)",
                    findings.len() - TEXT_LIMIT_PER_RULE
                )?;
            }
            writeln!(out)?;
        }
        writeln!(out, "{}", self.summary())
    }

    /// The JSON report (see the README's "Lint" section for the layout).
    pub fn json(&self) -> Value {
        let (errors, warnings, infos) = self.counts();
        json!({
            "tool": "glossgraph",
            "version": env!("CARGO_PKG_VERSION"),
            "format": JSON_FORMAT_VERSION,
            "sources": self.sources,
            "summary": {
                "errors": errors,
                "warnings": warnings,
                "infos": infos,
                "triples": self.stats.triples,
                "concepts": self.stats.concepts,
                "schemes": self.stats.schemes,
            },
            "findings": self.findings,
        })
    }

    /// The SARIF 2.1.0 log.
    pub fn sarif(&self) -> Value {
        let mut ids: Vec<&str> = self.findings.iter().map(|f| f.rule.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let index: BTreeMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let descriptors: Vec<Value> = ids.iter().map(|id| descriptor(id)).collect();
        let results: Vec<Value> = self
            .findings
            .iter()
            .map(|f| {
                let mut text = f.message.clone();
                if let Some(help) = &f.help {
                    text.push_str("\nHelp: ");
                    text.push_str(help);
                }
                let mut location = serde_json::Map::new();
                if let Some(source) = &f.location.source {
                    let mut physical =
                        json!({ "artifactLocation": { "uri": artifact_uri(source) } });
                    if let Some(line) = f.location.line {
                        let mut region = json!({ "startLine": line });
                        if let Some(column) = f.location.column {
                            region["startColumn"] = json!(column);
                        }
                        physical["region"] = region;
                    }
                    location.insert("physicalLocation".into(), physical);
                }
                if let Some(iri) = &f.location.iri {
                    location.insert(
                        "logicalLocations".into(),
                        json!([{ "fullyQualifiedName": iri, "kind": "resource" }]),
                    );
                }
                let mut result = json!({
                    "ruleId": f.rule,
                    "ruleIndex": index[f.rule.as_str()],
                    "level": level(f.severity),
                    "message": { "text": text },
                });
                if !location.is_empty() {
                    result["locations"] = json!([Value::Object(location)]);
                }
                if !f.related.is_empty() {
                    result["properties"] = json!({ "related": f.related });
                }
                result
            })
            .collect();
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "glossgraph",
                        "semanticVersion": env!("CARGO_PKG_VERSION"),
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }]
        })
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A SARIF reportingDescriptor for a rule id.
fn descriptor(id: &str) -> Value {
    let rule = rules::rule(id);
    let summary = rule.map_or_else(|| family_summary(id), |r| r.summary.to_owned());
    let mut d = json!({
        "id": id,
        "name": rule_name(id),
        "shortDescription": { "text": sentence(&summary) },
        "defaultConfiguration": { "level": level(rule.map_or(Severity::Error, |r| r.severity)) },
    });
    if let Some(code) = rule.and_then(|r| r.qskos) {
        d["properties"] = json!({ "qskos": code });
    }
    d
}

/// SARIF rule names are identifiers: `skos/S27` → `SkosS27`.
fn rule_name(id: &str) -> String {
    id.split(['/', '-'])
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut s: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}

fn family_summary(id: &str) -> String {
    match id.split('/').next() {
        Some("source") => format!("a glossary entry file is malformed ({id})"),
        Some("check") => format!("a glossary-wide check of the entries failed ({id})"),
        Some("config") => format!("glossary.toml is invalid ({id})"),
        _ => id.to_owned(),
    }
}

/// A SARIF artifact URI for a path or URL: URLs as they are, relative paths
/// with `/`, absolute paths as `file:` URIs.
fn artifact_uri(source: &str) -> String {
    if source.contains("://") {
        return source.to_owned();
    }
    let path = std::path::Path::new(source);
    if path.is_absolute()
        && let Some(iri) = crate::iri::file(path)
    {
        return iri;
    }
    source
        .replace('\\', "/")
        .chars()
        .map(|c| match c {
            ' ' => "%20".to_owned(),
            '#' => "%23".to_owned(),
            '?' => "%3F".to_owned(),
            '%' => "%25".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// Every rule lint can report, for documentation: (id, severity, qSKOS code, summary).
pub fn catalogue() -> Vec<(&'static str, Severity, Option<&'static str>, &'static str)> {
    RULES
        .iter()
        .map(|r| (r.id, r.severity, r.qskos, r.summary))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::finding::Location;

    fn report() -> Report {
        let mut r = Report {
            sources: vec!["v.ttl".into()],
            findings: vec![
                Finding::new(
                    "qskos/orphan-concept",
                    Location::iri("http://ex.org/b"),
                    "b is alone",
                ),
                Finding::new(
                    "skos/S27",
                    Location {
                        source: Some("v.ttl".into()),
                        line: Some(3),
                        column: None,
                        iri: Some("http://ex.org/a".into()),
                    },
                    "a clash",
                )
                .with_help("fix it"),
            ],
            stats: Stats {
                triples: 3,
                concepts: 2,
                schemes: 0,
            },
        };
        r.sort();
        r
    }

    #[test]
    fn paths_are_shown_relative_to_a_folder() {
        let mut r = report();
        r.findings[0].location.source = Some("/work/g/data/entries/a.md".into());
        r.sources = vec!["/work/g/data".into()];
        r.relative_to(std::path::Path::new("/work/g"));
        assert_eq!(
            r.findings[0].location.source.as_deref(),
            Some("data/entries/a.md")
        );
        assert_eq!(r.sources, ["data"]);
    }

    #[test]
    fn exit_codes_follow_fail_on() {
        let r = report();
        assert_eq!(r.exit_code(FailOn::Error), 1);
        let mut w = r.clone();
        w.findings.retain(|f| f.severity != Severity::Error);
        assert_eq!(w.exit_code(FailOn::Error), 0);
        assert_eq!(w.exit_code(FailOn::Warning), 0);
        w.findings[0].severity = Severity::Warning;
        assert_eq!(w.exit_code(FailOn::Warning), 1);
    }

    #[test]
    fn text_is_grouped_by_severity_and_rule() {
        let mut out = Vec::new();
        report().write(ReportFormat::Text, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("error[skos/S27] — skos:related is disjoint with skos:broaderTransitive: 1 finding(s)\n  v.ttl:3: a clash\n    at: <http://ex.org/a>\n    help: fix it\n"), "{text}");
        assert!(text.contains("info[qskos/orphan-concept]"), "{text}");
        assert!(text.ends_with("glossgraph lint: 1 error(s), 0 warning(s), 1 info (3 triples, 2 concepts, 0 schemes)\n"), "{text}");
    }

    #[test]
    fn sarif_results_point_at_rules() {
        let sarif = report().sarif();
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        for r in results {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
        assert_eq!(rules[1]["name"], "SkosS27");
    }
}
