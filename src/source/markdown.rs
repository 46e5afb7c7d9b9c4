//! Splits an entry's Markdown body into its `##` sections.

use super::model::Section;
use crate::diagnostic::{LineIndex, Pos};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// A problem in the body, at a position relative to the body's first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyError {
    pub pos: Pos,
    pub message: String,
    pub help: &'static str,
}

/// Reads the sections of `body`: each `##` heading starts one, running to the next.
pub fn sections(body: &str) -> Result<Vec<Section>, Vec<BodyError>> {
    let lines = LineIndex::new(body);
    let mut errors = Vec::new();
    // (title, heading start, content start) of each section.
    let mut heads: Vec<(String, usize, usize)> = Vec::new();
    // Level-one headings, reported once as such.
    let mut h1: Vec<std::ops::Range<usize>> = Vec::new();
    let mut parser = Parser::new(body).into_offset_iter();
    while let Some((event, range)) = parser.next() {
        let Event::Start(Tag::Heading { level, .. }) = event else {
            continue;
        };
        let mut title = String::new();
        for (event, _) in parser.by_ref() {
            match event {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => title.push_str(&t),
                Event::SoftBreak | Event::HardBreak => title.push(' '),
                _ => {}
            }
        }
        match level {
            HeadingLevel::H1 => {
                errors.push(BodyError {
                    pos: lines.pos(range.start),
                    message: "a `#` heading in the body".into(),
                    help: "sections start with `##`; the term itself comes from `term:` in the front matter",
                });
                h1.push(range);
            }
            HeadingLevel::H2 => {
                let title = title.trim().to_owned();
                if title.is_empty() {
                    errors.push(BodyError {
                        pos: lines.pos(range.start),
                        message: "a section heading with no title".into(),
                        help: "write the section's title after `## `",
                    });
                }
                heads.push((title, range.start, range.end));
            }
            _ => {}
        }
    }
    let first = heads.first().map_or(body.len(), |h| h.1);
    let stray = body[..first]
        .char_indices()
        .find(|(i, c)| !c.is_whitespace() && !h1.iter().any(|r| r.contains(i)))
        .map(|(i, _)| i);
    if let Some(offset) = stray {
        errors.push(BodyError {
            pos: lines.pos(offset),
            message: "text before the first `##` section heading".into(),
            help: "put it under a `## Heading`, or move a one-line definition to `definition:` in the front matter",
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut sections = Vec::with_capacity(heads.len());
    for (i, (title, start, content_start)) in heads.iter().enumerate() {
        let end = heads.get(i + 1).map_or(body.len(), |h| h.1);
        let markdown = body[*content_start..end].trim().to_owned();
        let pos = lines.pos(*start);
        if markdown.is_empty() {
            return Err(vec![BodyError {
                pos,
                message: format!("section `{title}` has no text"),
                help: "write the section's prose under its heading, or remove the heading",
            }]);
        }
        sections.push(Section {
            title: title.clone(),
            plain: plain_text(&markdown),
            markdown,
            pos,
        });
    }
    Ok(sections)
}

/// The text of some Markdown without its markup: soft line breaks become spaces,
/// blocks are separated by blank lines and list items start with `- `.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => {
                end_line(&mut out);
                out.push_str("- ");
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::List(_),
            ) => end_block(&mut out),
            _ => {}
        }
    }
    out.trim().to_owned()
}

fn end_line(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn end_block(out: &mut String) {
    end_line(out);
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_level_two_headings() {
        let body =
            "\n## First\n\nOne line\nwrapped.\n\n### Detail\n\nMore.\n\n## Second\n\n- a\n- b\n";
        let sections = sections(body).unwrap();
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].title, "First");
        assert_eq!(sections[0].pos, Pos::new(2, 1));
        assert_eq!(
            sections[0].markdown,
            "One line\nwrapped.\n\n### Detail\n\nMore."
        );
        assert_eq!(sections[0].plain, "One line wrapped.\n\nDetail\n\nMore.");
        assert_eq!(sections[1].plain, "- a\n- b");
    }

    #[test]
    fn a_heading_inside_a_code_block_is_not_a_section() {
        let body = "## Only\n\n```\n## not a heading\n```\n";
        let sections = sections(body).unwrap();
        assert_eq!(sections.len(), 1);
        assert!(sections[0].markdown.contains("## not a heading"));
    }

    #[test]
    fn rejects_text_before_the_first_section_and_level_one_headings() {
        let errors = sections("Intro.\n\n# Title\n\n## A\n\ntext\n").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(sections("# Title\n\n## A\n\ntext\n").unwrap_err().len(), 1);
        assert_eq!(errors[0].pos, Pos::new(3, 1));
        assert!(errors[0].message.contains("`#` heading"));
        assert_eq!(errors[1].pos, Pos::new(1, 1));
    }

    #[test]
    fn rejects_an_empty_section() {
        let errors = sections("## A\n\n## B\n\ntext\n").unwrap_err();
        assert!(errors[0].message.contains("`A` has no text"));
    }
}
