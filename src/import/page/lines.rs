//! A page as a list of lines, whatever form it came in: headings, paragraphs and
//! list items, each with the line of the input it starts on.

use crate::import::markdown::{Span, collapse};

/// What a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A heading: its level in HTML (1–6), 0 when guessed from plain text.
    Heading(u8),
    /// A paragraph.
    Text,
    /// A list item.
    Item,
}

/// One line of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub kind: Kind,
    /// The text, with links where the page has them.
    pub spans: Vec<Span>,
    /// The plain text, whitespace collapsed.
    pub text: String,
    /// The 1-based line of the input it starts on; 0 when not known.
    pub line: usize,
    /// For HTML: the element that marks this line as site furniture (its
    /// number, to group lines) and why.
    pub furniture: Option<(usize, String)>,
    /// For HTML: the number of the nearest sectioning element around the line
    /// (`section`, `aside`, `div`…); 0 in plain text.
    pub container: usize,
}

impl Line {
    pub fn new(kind: Kind, spans: Vec<Span>, line: usize) -> Self {
        let text = collapse(
            &spans
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        );
        Self {
            kind,
            spans,
            text,
            line,
            furniture: None,
            container: 0,
        }
    }

    pub fn is_heading(&self) -> bool {
        matches!(self.kind, Kind::Heading(_))
    }

    /// The http(s) addresses the line links to or names.
    pub fn links(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .spans
            .iter()
            .filter_map(|s| Some((collapse(&s.text), s.href.clone()?)))
            .collect();
        for word in self.text.split_whitespace() {
            let word = word.trim_end_matches(['.', ',', ';', ')', '>', '"', '\'']);
            let word = word.trim_start_matches(['(', '<', '"', '\'']);
            if (word.starts_with("http://") || word.starts_with("https://"))
                && oxigraph::model::NamedNode::new(word).is_ok()
                && !out.iter().any(|(_, href)| href == word)
            {
                out.push((word.to_owned(), word.to_owned()));
            }
        }
        out
    }

    /// `Label: value` split at the first colon, if the label is short.
    pub fn labelled(&self) -> Option<(String, String)> {
        let (label, value) = self.text.split_once(':')?;
        let label = label.trim();
        let value = value.trim();
        let words = label.split_whitespace().count();
        // `https://…` is not a label.
        let url = value.starts_with("//");
        (!label.is_empty() && words <= 8 && !url && !value.is_empty())
            .then(|| (label.to_owned(), value.to_owned()))
    }
}

/// Bullets that start a list item in plain text.
const BULLETS: &[&str] = &["- ", "• ", "* ", "– ", "— ", "· ", "‣ ", "▪ "];

/// The lines of a plain-text page: blank lines are skipped, bullets make items,
/// and short lines that are not sentences are headings.
pub fn text_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        let (kind, content) = match BULLETS.iter().find_map(|b| trimmed.strip_prefix(b)) {
            Some(rest) => (Kind::Item, rest.trim()),
            None if heading_like(trimmed) => (Kind::Heading(0), trimmed),
            None => (Kind::Text, trimmed),
        };
        out.push(Line::new(kind, vec![Span::text(content)], i + 1));
    }
    out
}

/// Whether a line of plain text reads as a heading: short, and not a sentence
/// or a `Label: value` line.
pub fn heading_like(text: &str) -> bool {
    let text = text.trim();
    let words = text.split_whitespace().count();
    let last = text.chars().last().unwrap_or('.');
    words > 0
        && words <= 12
        && text.chars().count() <= 90
        && !matches!(last, '.' | ',' | ';' | ':' | '…')
        && !text.contains(": ")
        && !text.contains(". ")
        && !text.contains("? ")
        && !text.contains("! ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_lines_get_kinds_and_line_numbers() {
        let lines = text_lines(
            "Definition · Plain-language\n\nEU AI Office\nThe Office is a body of the Commission.\n- Location: Brussels\nDoing it right? Don’t stop.\n",
        );
        let kinds: Vec<_> = lines.iter().map(|l| (l.kind, l.line)).collect();
        assert_eq!(
            kinds,
            [
                (Kind::Heading(0), 1),
                (Kind::Heading(0), 3),
                (Kind::Text, 4),
                (Kind::Item, 5),
                (Kind::Text, 6)
            ]
        );
        assert_eq!(
            lines[3].labelled(),
            Some(("Location".into(), "Brussels".into()))
        );
    }

    #[test]
    fn links_are_found_in_text_and_spans() {
        let line = Line::new(
            Kind::Item,
            vec![Span::text("See https://example.org/a. and (http://x.org)")],
            1,
        );
        let hrefs: Vec<_> = line.links().into_iter().map(|(_, h)| h).collect();
        assert_eq!(hrefs, ["https://example.org/a", "http://x.org"]);
        assert_eq!(line.labelled(), None);
    }
}
