//! A pretty Turtle and TriG writer: one block per subject, predicates and objects
//! sorted, prefixed names only where every Turtle reader accepts them, and long
//! text in `"""` strings so prose stays readable in diffs.

use crate::order::{quad_cmp, triple_cmp};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{GraphNameRef, NamedNodeRef, Quad, TermRef, Triple};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Writes `triples` as Turtle. The triples must be sorted with `triple_cmp` and distinct.
pub fn write_turtle(
    triples: &[Triple],
    prefixes: &[(String, String)],
    out: &mut dyn Write,
) -> io::Result<()> {
    debug_assert!(triples.windows(2).all(|w| triple_cmp(&w[0], &w[1]).is_lt()));
    let names = Names::new(prefixes);
    let used = names.used(triples.iter().map(|t| {
        (
            t.subject.as_ref().into(),
            t.predicate.as_ref(),
            t.object.as_ref(),
        )
    }));
    names.write_prelude(&used, out)?;
    let mut block = String::new();
    names.write_block(triples.iter().map(|t| t.as_ref()), "", &mut block);
    out.write_all(block.as_bytes())
}

/// Writes `quads` as TriG, one block per named graph. The quads must be sorted with
/// `quad_cmp` and distinct.
pub fn write_trig(
    quads: &[Quad],
    prefixes: &[(String, String)],
    out: &mut dyn Write,
) -> io::Result<()> {
    debug_assert!(quads.windows(2).all(|w| quad_cmp(&w[0], &w[1]).is_lt()));
    let names = Names::new(prefixes);
    let mut terms: Vec<(TermRef<'_>, NamedNodeRef<'_>, TermRef<'_>)> = quads
        .iter()
        .map(|q| {
            (
                q.subject.as_ref().into(),
                q.predicate.as_ref(),
                q.object.as_ref(),
            )
        })
        .collect();
    for q in quads {
        if let GraphNameRef::NamedNode(g) = q.graph_name.as_ref() {
            terms.push((g.into(), rdf::TYPE, g.into()));
        }
    }
    let used = names.used(terms.into_iter());
    names.write_prelude(&used, out)?;
    let mut start = 0;
    let mut text = String::new();
    while start < quads.len() {
        let graph = quads[start].graph_name.as_ref();
        let end = start
            + quads[start..]
                .iter()
                .take_while(|q| q.graph_name.as_ref() == graph)
                .count();
        let triples = quads[start..end].iter().map(|q| {
            oxigraph::model::TripleRef::new(
                q.subject.as_ref(),
                q.predicate.as_ref(),
                q.object.as_ref(),
            )
        });
        text.clear();
        match graph {
            GraphNameRef::DefaultGraph => names.write_block(triples, "", &mut text),
            GraphNameRef::NamedNode(g) => {
                let _ = writeln!(text, "{} {{", names.term(g.into()));
                names.write_block(triples, "    ", &mut text);
                text.push_str("}\n\n");
            }
            GraphNameRef::BlankNode(g) => {
                let _ = writeln!(text, "{} {{", names.term(g.into()));
                names.write_block(triples, "    ", &mut text);
                text.push_str("}\n\n");
            }
        }
        out.write_all(text.as_bytes())?;
        start = end;
    }
    Ok(())
}

struct Names<'a> {
    prefixes: &'a [(String, String)],
}

impl<'a> Names<'a> {
    fn new(prefixes: &'a [(String, String)]) -> Self {
        Self { prefixes }
    }

    /// The prefixes some term of these statements is written with.
    fn used<'t>(
        &self,
        statements: impl Iterator<Item = (TermRef<'t>, NamedNodeRef<'t>, TermRef<'t>)>,
    ) -> BTreeSet<usize> {
        let mut used = BTreeSet::new();
        let mut note = |t: TermRef<'_>| {
            let iri = match t {
                TermRef::NamedNode(n) => Some(n),
                TermRef::Literal(l) if !is_plain(l.datatype()) => Some(l.datatype()),
                _ => None,
            };
            if let Some(i) = iri.and_then(|n| self.prefixed(n.as_str())) {
                used.insert(i.0);
            }
        };
        for (s, p, o) in statements {
            note(s);
            if p != rdf::TYPE {
                note(p.into());
            }
            note(o);
        }
        used
    }

    fn write_prelude(&self, used: &BTreeSet<usize>, out: &mut dyn Write) -> io::Result<()> {
        for &i in used {
            let (name, iri) = &self.prefixes[i];
            writeln!(out, "@prefix {name}: <{}> .", escape_iri(iri))?;
        }
        if !used.is_empty() {
            writeln!(out)?;
        }
        Ok(())
    }

    /// The index of the prefix to write `iri` with, and the local name.
    fn prefixed<'i>(&self, iri: &'i str) -> Option<(usize, &'i str)> {
        self.prefixes
            .iter()
            .enumerate()
            .filter_map(|(i, (_, ns))| iri.strip_prefix(ns.as_str()).map(|local| (i, local)))
            .filter(|(_, local)| is_safe_local_name(local))
            // The longest namespace wins, so `concept:x` beats `glossary:concept/x`.
            .max_by_key(|(i, _)| self.prefixes[*i].1.len())
    }

    fn term(&self, t: TermRef<'_>) -> String {
        let mut s = String::new();
        self.write_term(t, &mut s);
        s
    }

    fn write_iri(&self, iri: &str, out: &mut String) {
        match self.prefixed(iri) {
            Some((i, local)) => {
                out.push_str(&self.prefixes[i].0);
                out.push(':');
                out.push_str(local);
            }
            None => {
                out.push('<');
                out.push_str(&escape_iri(iri));
                out.push('>');
            }
        }
    }

    fn write_term(&self, t: TermRef<'_>, out: &mut String) {
        match t {
            TermRef::NamedNode(n) => self.write_iri(n.as_str(), out),
            TermRef::BlankNode(b) => {
                out.push_str("_:");
                out.push_str(b.as_str());
            }
            TermRef::Literal(l) => {
                let value = l.value();
                let datatype = l.datatype();
                if datatype == xsd::BOOLEAN && matches!(value, "true" | "false")
                    || datatype == xsd::INTEGER && is_canonical_integer(value)
                {
                    out.push_str(value);
                    return;
                }
                write_string(value, out);
                if let Some(language) = l.language() {
                    out.push('@');
                    out.push_str(language);
                } else if datatype != xsd::STRING {
                    out.push_str("^^");
                    self.write_iri(datatype.as_str(), out);
                }
            }
        }
    }

    /// Writes the statements (sorted by subject) as one block per subject: short
    /// object lists on the predicate's line, long ones one object per line.
    fn write_block<'t>(
        &self,
        triples: impl Iterator<Item = oxigraph::model::TripleRef<'t>>,
        indent: &str,
        out: &mut String,
    ) {
        let mut triples = triples.peekable();
        let mut first_subject = true;
        while let Some(t) = triples.next() {
            if !first_subject {
                out.push('\n');
            }
            first_subject = false;
            out.push_str(indent);
            self.write_term(t.subject.into(), out);
            let mut current = Some(t);
            while let Some(t) = current.take() {
                let mut objects = vec![self.term(t.object)];
                while let Some(next) =
                    triples.next_if(|n| n.subject == t.subject && n.predicate == t.predicate)
                {
                    objects.push(self.term(next.object));
                }
                out.push('\n');
                out.push_str(indent);
                out.push_str("    ");
                if t.predicate == rdf::TYPE {
                    out.push('a');
                } else {
                    self.write_iri(t.predicate.as_str(), out);
                }
                let total: usize = objects.iter().map(|o| o.len() + 2).sum();
                let one_line = objects.len() == 1
                    || (total <= 72 && objects.iter().all(|o| !o.contains('\n')));
                if one_line {
                    out.push(' ');
                    out.push_str(&objects.join(", "));
                } else {
                    for (i, object) in objects.iter().enumerate() {
                        out.push_str(if i == 0 { "\n" } else { ",\n" });
                        out.push_str(indent);
                        out.push_str("        ");
                        out.push_str(object);
                    }
                }
                current = triples.next_if(|n| n.subject == t.subject);
                out.push_str(if current.is_some() { " ;" } else { " .\n" });
            }
        }
        if !first_subject && indent.is_empty() {
            out.push('\n');
        }
    }
}

fn is_plain(datatype: NamedNodeRef<'_>) -> bool {
    datatype == xsd::STRING || datatype == rdf::LANG_STRING
}

/// Local names every Turtle reader accepts unescaped: a letter or `_`, then
/// letters, digits, `_` and `-`.
fn is_safe_local_name(local: &str) -> bool {
    let mut chars = local.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn is_canonical_integer(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && value != "-0"
}

/// Characters not allowed raw in an IRIREF are written as `\u` escapes.
fn escape_iri(iri: &str) -> String {
    let mut out = String::with_capacity(iri.len());
    for c in iri.chars() {
        if matches!(
            c,
            '\u{0}'..='\u{20}' | '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\'
        ) {
            let _ = write!(out, "\\u{:04X}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// A string literal: `"…"` for one line, `"""…"""` for text with line breaks.
fn write_string(value: &str, out: &mut String) {
    let long = value.contains('\n');
    out.push_str(if long { "\"\"\"" } else { "\"" });
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' if long => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push_str(if long { "\"\"\"" } else { "\"" });
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{Literal, NamedNode};

    fn prefixes() -> Vec<(String, String)> {
        vec![
            ("ex".into(), "http://example.org/".into()),
            ("c".into(), "http://example.org/concept/".into()),
        ]
    }

    fn turtle(mut triples: Vec<Triple>) -> String {
        triples.sort_by(triple_cmp);
        let mut out = Vec::new();
        write_turtle(&triples, &prefixes(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn groups_by_subject_and_uses_safe_prefixed_names() {
        let s = NamedNode::new_unchecked("http://example.org/concept/a");
        let part = NamedNode::new_unchecked("http://example.org/concept/a#part-1");
        let p = NamedNode::new_unchecked("http://example.org/p");
        let text = turtle(vec![
            Triple::new(
                s.clone(),
                p.clone(),
                Literal::new_language_tagged_literal_unchecked("two\nlines \"q\"", "en"),
            ),
            Triple::new(
                s.clone(),
                rdf::TYPE,
                NamedNode::new_unchecked("http://example.org/C"),
            ),
            Triple::new(s.clone(), p.clone(), part.clone()),
            Triple::new(part, p, Literal::from(3)),
        ]);
        assert_eq!(
            text,
            "@prefix ex: <http://example.org/> .\n@prefix c: <http://example.org/concept/> .\n\n\
             c:a\n    a ex:C ;\n    ex:p\n        <http://example.org/concept/a#part-1>,\n        \"\"\"two\nlines \\\"q\\\"\"\"\"@en .\n\n\
             <http://example.org/concept/a#part-1>\n    ex:p 3 .\n\n"
        );
    }

    #[test]
    fn escapes_control_characters_and_odd_iris() {
        let s = NamedNode::new_unchecked("http://other.example/x y");
        let text = turtle(vec![
            Triple::new(
                NamedNode::new_unchecked("http://example.org/s"),
                NamedNode::new_unchecked("http://example.org/p"),
                Literal::new_simple_literal("tab\there\u{1}"),
            ),
            Triple::new(s.clone(), rdf::TYPE, s),
        ]);
        assert!(text.contains("\"tab\\there\\u0001\""), "{text}");
        assert!(text.contains("<http://other.example/x\\u0020y>"), "{text}");
    }

    #[test]
    fn safe_local_names() {
        assert!(is_safe_local_name("eu-ai-office"));
        assert!(!is_safe_local_name("2024-act"));
        assert!(!is_safe_local_name("a#b"));
        assert!(!is_safe_local_name("a."));
        assert!(!is_safe_local_name(""));
    }
}
