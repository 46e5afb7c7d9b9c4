//! A diff written for people (text, or Markdown for a pull-request comment)
//! or for programs (JSON, or an RDF changeset).

use super::diff::{ConceptChange, Diff, PropertyChange, Statements, TextChange};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use std::fmt::Write as _;

/// How a diff is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    /// A summary table, then each concept's changes folded (`<details>`).
    Markdown,
    Json,
    /// The Talis changeset vocabulary, in Turtle: one `cs:ChangeSet` per
    /// resource changed, its statements reified.
    Rdf,
}

/// The changeset vocabulary.
pub const CHANGESET: &str = "http://purl.org/vocab/changeset/schema#";

/// `diff` in `format`.
pub fn write(diff: &Diff, format: DiffFormat) -> String {
    match format {
        DiffFormat::Text => text(diff),
        DiffFormat::Markdown => markdown(diff),
        DiffFormat::Json => {
            let mut out = serde_json::to_string_pretty(diff).unwrap_or_default();
            out.push('\n');
            out
        }
        DiffFormat::Rdf => changeset(diff),
    }
}

/// What kinds of change a concept had, in words.
fn kinds(c: &ConceptChange) -> Vec<&'static str> {
    let mut out = Vec::new();
    if c.deprecated.is_some() {
        out.push("deprecated");
    }
    if c.undeprecated {
        out.push("no longer deprecated");
    }
    if !c.labels.is_empty() {
        out.push("relabelled");
    }
    if !c.definitions.is_empty() {
        out.push("definition changed");
    }
    if c.broader.is_some() {
        out.push("moved in the hierarchy");
    }
    if !c.relations.is_empty() {
        out.push("relations changed");
    }
    if !c.mappings.is_empty() {
        out.push("mappings changed");
    }
    if !c.other.is_empty() {
        out.push("other statements changed");
    }
    out
}

fn quoted(text: &Option<String>) -> String {
    text.as_ref()
        .map_or_else(|| "(none)".to_owned(), |t| format!("“{t}”"))
}

/// One line for each change of a concept, without markup.
fn lines(c: &ConceptChange) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(by) = &c.deprecated {
        out.push(if by.is_empty() {
            "deprecated, with no replacement".to_owned()
        } else {
            format!("deprecated, replaced by {}", by.join(", "))
        });
    }
    if c.undeprecated {
        out.push("no longer deprecated".to_owned());
    }
    let texts = |what: &str, list: &[TextChange], out: &mut Vec<String>| {
        for t in list {
            out.push(format!(
                "{what}@{}: {} → {}",
                t.lang,
                quoted(&t.from),
                quoted(&t.to)
            ));
        }
    };
    texts("label", &c.labels, &mut out);
    texts("definition", &c.definitions, &mut out);
    let property = |p: &PropertyChange, out: &mut Vec<String>| {
        let mut parts: Vec<String> = p.added.iter().map(|a| format!("+ {a}")).collect();
        parts.extend(p.removed.iter().map(|r| format!("− {r}")));
        out.push(format!("{}: {}", p.label, parts.join(", ")));
    };
    if let Some(b) = &c.broader {
        property(b, &mut out);
    }
    for p in c.relations.iter().chain(&c.mappings) {
        property(p, &mut out);
    }
    out.extend(statement_lines(&c.other));
    out
}

fn statement_lines(s: &Statements) -> Vec<String> {
    s.added
        .iter()
        .map(|a| format!("+ {a}"))
        .chain(s.removed.iter().map(|r| format!("− {r}")))
        .collect()
}

/// What changed, in a line, naming both graphs.
pub fn summary(diff: &Diff) -> String {
    if diff.is_empty() {
        return format!("{} and {} are the same graph", diff.from, diff.to);
    }
    format!(
        "{} → {}: {}; {} other resource(s) changed; {} statement(s) added, {} removed",
        diff.from,
        diff.to,
        diff.summary(),
        diff.others.len(),
        diff.statements_added,
        diff.statements_removed
    )
}

fn text(diff: &Diff) -> String {
    let mut out = summary(diff);
    out.push('\n');
    for c in &diff.added {
        let _ = writeln!(out, "+ {} “{}”", c.iri, c.label);
    }
    for c in &diff.removed {
        let _ = writeln!(out, "− {} “{}”", c.iri, c.label);
    }
    for c in &diff.changed {
        let _ = writeln!(out, "~ {} “{}”: {}", c.iri, c.label, kinds(c).join(", "));
        for line in lines(c) {
            let _ = writeln!(out, "    {line}");
        }
    }
    for s in &diff.others {
        let _ = writeln!(out, "~ {}", s.subject);
        for line in statement_lines(&s.statements) {
            let _ = writeln!(out, "    {line}");
        }
    }
    out
}

/// Text that Markdown shows as written: what could start markup escaped,
/// and characters HTML would read as markup written as references.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.chars().enumerate() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            // A list marker at the start of a list item's text.
            '+' | '-' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` as a code span: shown as it is, whatever it holds.
fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn link(label: &str, iri: &str) -> String {
    format!("[{}](<{}>)", md(label), iri.replace(['<', '>'], ""))
}

fn markdown(diff: &Diff) -> String {
    let mut out = format!(
        "### Vocabulary changes: {} → {}\n\n",
        md(&diff.from),
        md(&diff.to)
    );
    if diff.is_empty() {
        out.push_str("No change.\n");
        return out;
    }
    out.push_str("| change | count |\n|---|---:|\n");
    for (what, n) in [
        ("concepts added", diff.added.len()),
        ("concepts removed", diff.removed.len()),
        ("concepts deprecated", diff.deprecated().count()),
        ("concepts changed", diff.changed.len()),
        ("other resources changed", diff.others.len()),
        ("statements added", diff.statements_added),
        ("statements removed", diff.statements_removed),
    ] {
        let _ = writeln!(out, "| {what} | {n} |");
    }
    for (heading, list) in [("Added", &diff.added), ("Removed", &diff.removed)] {
        if !list.is_empty() {
            let links: Vec<String> = list.iter().map(|c| link(&c.label, &c.iri)).collect();
            let _ = write!(out, "\n**{heading}:** {}\n", links.join(", "));
        }
    }
    for c in &diff.changed {
        let _ = write!(
            out,
            "\n<details><summary>{}: {}</summary>\n\n",
            md(&c.label),
            kinds(c).join(", ")
        );
        let _ = writeln!(out, "{}\n", code(&c.iri));
        for line in lines(c) {
            // Only statements' lines start with a sign: shown as N-Triples.
            match line.strip_prefix(['+', '−']) {
                Some(statement) => {
                    let sign = if line.starts_with('+') {
                        "added"
                    } else {
                        "removed"
                    };
                    let _ = writeln!(out, "- {sign} {}", code(statement.trim()));
                }
                _ => {
                    let _ = writeln!(out, "- {}", md(&line));
                }
            }
        }
        out.push_str("\n</details>\n");
    }
    if !diff.others.is_empty() {
        out.push_str("\n<details><summary>Other resources</summary>\n\n");
        for s in &diff.others {
            let _ = writeln!(out, "- {}", code(&s.subject));
            for (sign, lines) in [
                ("added", &s.statements.added),
                ("removed", &s.statements.removed),
            ] {
                for line in lines {
                    let _ = writeln!(out, "  - {sign} {}", code(line));
                }
            }
        }
        out.push_str("\n</details>\n");
    }
    out
}

/// One `cs:ChangeSet` per resource changed (`cs:subjectOfChange`), with its
/// statements added (`cs:addition`) and removed (`cs:removal`) as
/// `rdf:Statement`s.
fn changeset(diff: &Diff) -> String {
    let cs = |local: &str| NamedNode::new_unchecked(format!("{CHANGESET}{local}"));
    let mut triples: Vec<Triple> = Vec::new();
    let mut n = 0usize;
    let mut node = |prefix: &str| {
        n += 1;
        BlankNode::new_unchecked(format!("{prefix}{n}"))
    };
    let parsed = |line: &str| -> Option<Triple> {
        oxigraph::io::RdfParser::from_format(RdfFormat::NTriples)
            .for_slice(format!("{line} .\n").as_bytes())
            .next()?
            .ok()
            .map(Triple::from)
    };
    for change in &diff.by_subject {
        let subject = &change.subject;
        let (added, removed) = (&change.statements.added, &change.statements.removed);
        let set = node("change");
        triples.push(Triple::new(set.clone(), rdf::TYPE, cs("ChangeSet")));
        if let Ok(s) = NamedNode::new(subject.trim_matches(['<', '>'])) {
            triples.push(Triple::new(set.clone(), cs("subjectOfChange"), s));
        }
        triples.push(Triple::new(
            set.clone(),
            cs("changeReason"),
            Literal::new_simple_literal(format!("{} → {}", diff.from, diff.to)),
        ));
        for (kind, lines) in [("addition", added), ("removal", removed)] {
            for line in lines {
                let Some(t) = parsed(line) else { continue };
                let statement = node("statement");
                triples.push(Triple::new(set.clone(), cs(kind), statement.clone()));
                triples.push(Triple::new(statement.clone(), rdf::TYPE, rdf::STATEMENT));
                let subject: Term = match t.subject {
                    NamedOrBlankNode::NamedNode(n) => n.into(),
                    NamedOrBlankNode::BlankNode(b) => b.into(),
                };
                triples.push(Triple::new(statement.clone(), rdf::SUBJECT, subject));
                triples.push(Triple::new(statement.clone(), rdf::PREDICATE, t.predicate));
                triples.push(Triple::new(statement, rdf::OBJECT, t.object));
            }
        }
    }
    let mut serializer = RdfSerializer::from_format(RdfFormat::Turtle)
        .with_prefix("cs", CHANGESET)
        .and_then(|s| s.with_prefix("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"))
        .expect("valid prefixes")
        .for_writer(Vec::new());
    for t in &triples {
        let _ = serializer.serialize_triple(t);
    }
    String::from_utf8(serializer.finish().unwrap_or_default()).unwrap_or_default()
}
