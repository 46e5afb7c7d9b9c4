//! Writing imported prose as CommonMark that reads back as the same text:
//! characters with a meaning in Markdown are escaped, paragraphs are wrapped,
//! and links stay links.

/// A run of text, possibly a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    /// An absolute http(s) address the text links to.
    pub href: Option<String>,
}

impl Span {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            href: None,
        }
    }
}

/// Width paragraphs are wrapped to.
const WIDTH: usize = 78;

/// A paragraph: the spans' text with single spaces, escaped and wrapped.
pub fn paragraph(spans: &[Span]) -> String {
    let words = words(spans);
    wrap_words(&words, WIDTH, "", "")
}

/// A bulleted list, one item per entry of `items`.
pub fn list(items: &[Vec<Span>]) -> String {
    items
        .iter()
        .map(|spans| wrap_words(&words(spans), WIDTH, "- ", "  "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A section title for a `## ` heading line.
pub fn heading(title: &str) -> String {
    let title = collapse(title);
    let mut out = String::new();
    for (i, word) in title.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&escape_word(word).replace('#', "\\#"));
    }
    out
}

/// A word: its escaped Markdown, and the raw first character (for line starts).
struct Word {
    markdown: String,
    raw: String,
}

fn words(spans: &[Span]) -> Vec<Word> {
    let mut out = Vec::new();
    for span in spans {
        let text = collapse(&span.text);
        if text.is_empty() {
            continue;
        }
        let parts: Vec<&str> = text.split(' ').collect();
        let last = parts.len() - 1;
        for (i, part) in parts.iter().enumerate() {
            let mut markdown = escape_word(part);
            if let Some(href) = &span.href {
                if i == 0 {
                    markdown.insert(0, '[');
                }
                if i == last {
                    markdown.push_str(&format!("]({})", link_destination(href)));
                }
            }
            out.push(Word {
                markdown,
                raw: if span.href.is_some() && i == 0 {
                    "[".into()
                } else {
                    (*part).to_owned()
                },
            });
        }
    }
    out
}

/// Link destinations in angle brackets need `<`, `>` and line ends escaped.
fn link_destination(href: &str) -> String {
    format!(
        "<{}>",
        href.replace('\\', "\\\\")
            .replace('<', "\\<")
            .replace('>', "\\>")
    )
}

fn wrap_words(words: &[Word], width: usize, first_prefix: &str, prefix: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    let mut line_len = 0;
    let mut start = true;
    for word in words {
        let len = word.markdown.chars().count();
        if !start && line_len + 1 + len > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
            line_len = 0;
            start = true;
        }
        if start {
            line.push_str(if out.is_empty() { first_prefix } else { prefix });
            let escaped = escape_line_start(&word.raw, &word.markdown);
            line_len += escaped.chars().count();
            line.push_str(&escaped);
            start = false;
        } else {
            line.push(' ');
            line.push_str(&word.markdown);
            line_len += 1 + len;
        }
    }
    out.push_str(&line);
    out
}

/// Escapes what would start a block (heading, list, quote, rule, fence) when a
/// word begins a line.
fn escape_line_start(raw: &str, markdown: &str) -> String {
    let Some(first) = raw.chars().next() else {
        return markdown.to_owned();
    };
    if markdown.starts_with('\\') {
        return markdown.to_owned();
    }
    if "-+=#>~".contains(first) {
        return format!("\\{markdown}");
    }
    if first.is_ascii_digit() {
        let digits = raw.chars().take_while(char::is_ascii_digit).count();
        if digits <= 9
            && let Some(after) = raw.chars().nth(digits)
            && (after == '.' || after == ')')
        {
            // The escaped word starts with the same digits (digits need no escape).
            let split = markdown
                .char_indices()
                .nth(digits)
                .map_or(markdown.len(), |(i, _)| i);
            return format!("{}\\{}", &markdown[..split], &markdown[split..]);
        }
    }
    markdown.to_owned()
}

/// Escapes the characters that have an inline meaning in CommonMark.
fn escape_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let chars: Vec<char> = word.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '&' if chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') =>
            {
                out.push_str("\\&");
            }
            c => out.push(c),
        }
    }
    out
}

/// Single spaces in place of runs of whitespace, trimmed.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::markdown::plain_text;

    const TRICKY: &[&str] = &[
        "plain prose, with commas — and dashes",
        "# not a heading",
        "- not a list",
        "+ not a list",
        "* not emphasis *",
        "1. not a numbered list",
        "2) nor this",
        "> not a quote",
        "--- not a rule",
        "=== not an underline",
        "~~~ not a fence",
        "```not code```",
        "_under_ and __strong__ and snake_case",
        "[not a link](http://x) and ![not an image](y)",
        "<b>not html</b> and <http://not.autolink>",
        "&amp; stays &amp; and &#65; too & alone",
        "back\\slash and trailing backslash\\",
        "a | pipe",
        "1998. A year at the start",
    ];

    #[test]
    fn escaped_paragraphs_read_back_as_the_same_text() {
        for text in TRICKY {
            let markdown = paragraph(&[Span::text(*text)]);
            assert_eq!(plain_text(&markdown), *text, "{text:?} became {markdown:?}");
        }
    }

    #[test]
    fn wrapped_lines_never_start_a_block() {
        let text = TRICKY.join(" ");
        let markdown = paragraph(&[Span::text(text.clone())]);
        assert!(markdown.lines().count() > 3);
        assert_eq!(plain_text(&markdown), text);
        // Narrow wrapping puts every tricky word at a line start.
        let narrow = wrap_words(&words(&[Span::text(text.clone())]), 1, "", "");
        assert_eq!(plain_text(&narrow), text);
    }

    #[test]
    fn links_stay_links() {
        let spans = [
            Span::text("See"),
            Span {
                text: "Article 64 [of the Act]".into(),
                href: Some("https://example.org/a_(b)<c>".into()),
            },
            Span::text("for more."),
        ];
        let markdown = paragraph(&spans);
        assert_eq!(
            plain_text(&markdown),
            "See Article 64 [of the Act] for more."
        );
        let html = {
            let mut out = String::new();
            pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new(&markdown));
            out
        };
        assert!(
            html.contains("href=\"https://example.org/a_(b)%3Cc%3E\""),
            "{html}"
        );
    }

    #[test]
    fn lists_and_headings() {
        let items = vec![vec![Span::text("- first")], vec![Span::text("2. second")]];
        let markdown = list(&items);
        assert_eq!(plain_text(&markdown), "- - first\n- 2. second");
        let title = heading("C# and #tags ##");
        let section = format!("## {title}\n\ntext\n");
        let sections = crate::source::markdown::sections(&section).unwrap();
        assert_eq!(sections[0].title, "C# and #tags ##");
    }
}
