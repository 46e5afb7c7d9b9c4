//! The glossary page layout, read from lines: a `Definition · <register>` line,
//! the term, a one-sentence definition, sections (a heading, then paragraphs),
//! `Key facts` / `At a glance` with `Label: value` items, `Common misconceptions`
//! / `What people often get wrong` with `Often heard:` / `Actually:` pairs, and
//! `Going deeper` links. Site furniture is set aside wherever it sits, and
//! every problem is reported with its line.

use super::furniture::Detector;
use super::lines::{Kind, Line, heading_like};
use crate::diagnostic::Diagnostic;
use crate::import::error::located;
use crate::import::markdown::Span;

/// Headings of the key-facts part.
const FACTS: &[&str] = &["key facts", "at a glance", "quick facts", "facts"];
/// Headings of the misconceptions part.
const MISCONCEPTIONS: &[&str] = &[
    "common misconceptions",
    "what people often get wrong",
    "misconceptions",
    "myths and facts",
];
/// Headings of the further-reading part.
const LINKS: &[&str] = &[
    "going deeper",
    "further reading",
    "read more",
    "references",
    "sources",
];
/// Labels of a misconception's claim and correction.
const CLAIM: &str = "often heard";
const CORRECTION: &str = "actually";

/// A section of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub line: usize,
    pub blocks: Vec<Block>,
}

/// A paragraph or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Span>),
    List(Vec<Vec<Span>>),
}

/// A `Label: value` key fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub label: String,
    pub value: String,
    pub line: usize,
}

/// An `Often heard:` claim and its `Actually:` correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misconception {
    pub claim: String,
    pub correction: String,
    pub line: usize,
}

/// A part of the page that was left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub first_line: usize,
    pub last_line: usize,
    /// Its heading, or its first words.
    pub title: String,
    pub reason: String,
}

impl Dropped {
    /// One line left out, titled by its text.
    fn line(line: &Line, reason: impl Into<String>) -> Self {
        Self {
            first_line: line.line,
            last_line: line.line,
            title: snippet(&line.text),
            reason: reason.into(),
        }
    }
}

/// What the page says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    /// The register as written on the header line, and the line.
    pub register: Option<(String, usize)>,
    pub term: String,
    pub term_line: usize,
    pub definition: String,
    pub sections: Vec<Section>,
    pub facts: Vec<Fact>,
    pub misconceptions: Vec<Misconception>,
    /// (text, address, line) of each further-reading link.
    pub links: Vec<(String, String, usize)>,
    /// `Going deeper` items without a link: (text, line).
    pub unlinked: Vec<(String, usize)>,
    pub dropped: Vec<Dropped>,
}

/// A heading and what follows it, up to the next heading or the end of the
/// HTML element that holds it.
struct Part {
    heads: Vec<usize>,
    body: Vec<usize>,
    /// The HTML element the part is in (0 in plain text).
    container: usize,
}

/// Where a line's text would continue if an advert interrupted it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    None,
    Section,
    Facts,
    Misconceptions,
    Links,
}

/// Reads the page from its lines. `input` names it in messages; `detector`
/// is made from the term and definition once they are known.
pub fn read(
    input: &str,
    lines: Vec<Line>,
    detector: impl FnOnce(&str, &str) -> Detector,
) -> Result<Page, Vec<Diagnostic>> {
    let mut page = Page::default();
    let mut errors = Vec::new();
    let error = |line: usize, code: &'static str, message: String, help: &str| {
        located(input, line, 1, code, message, help)
    };

    // Furniture the HTML marks itself.
    let mut lines_left = Vec::with_capacity(lines.len());
    let mut group: Option<(usize, Dropped)> = None;
    for line in lines {
        match &line.furniture {
            Some((id, reason)) => match &mut group {
                Some((current, dropped)) if current == id => {
                    dropped.last_line = line.line.max(dropped.last_line)
                }
                _ => {
                    if let Some((_, dropped)) = group.take() {
                        page.dropped.push(dropped);
                    }
                    group = Some((
                        *id,
                        Dropped {
                            first_line: line.line,
                            last_line: line.line,
                            title: snippet(&line.text),
                            reason: reason.clone(),
                        },
                    ));
                }
            },
            None => {
                if let Some((_, dropped)) = group.take() {
                    page.dropped.push(dropped);
                }
                lines_left.push(line);
            }
        }
    }
    if let Some((_, dropped)) = group.take() {
        page.dropped.push(dropped);
    }
    let lines = lines_left;
    if lines.is_empty() {
        return Err(vec![error(
            1,
            "import/no-term",
            "the page has no text".into(),
            "give a page with a `Definition · <register>` line, the term and its definition",
        )]);
    }

    // The header line, the term and the definition.
    let header = lines
        .iter()
        .position(|l| header_register(&l.text).is_some());
    let term_at = match header {
        Some(h) => {
            page.register = header_register(&lines[h].text).map(|r| (r, lines[h].line));
            h + 1
        }
        None => lines
            .iter()
            .position(|l| l.kind == Kind::Heading(1))
            .unwrap_or(0),
    };
    let preamble = header.unwrap_or(term_at);
    if preamble > 0 {
        let first = &lines[0];
        let last = &lines[preamble - 1];
        page.dropped.push(Dropped {
            first_line: first.line,
            last_line: last.line,
            title: snippet(&first.text),
            reason: "before the page's header (site header or navigation)".into(),
        });
    }
    let Some(term_line) = lines.get(term_at) else {
        let at = lines.last().map_or(1, |l| l.line + 1);
        return Err(vec![error(
            at,
            "import/no-term",
            "no term line after the `Definition · …` line".into(),
            "put the term on the line after `Definition · <register>`, and its one-sentence definition on the next",
        )]);
    };
    let is_term = match term_line.kind {
        Kind::Heading(_) => true,
        Kind::Text => heading_like(&term_line.text),
        Kind::Item => false,
    };
    if !is_term || term_line.labelled().is_some() {
        return Err(vec![error(
            term_line.line,
            "import/no-term",
            format!(
                "no term line: expected the term (a short line naming it), found `{}`",
                snippet(&term_line.text)
            ),
            "put the term on its own line after `Definition · <register>`, then the one-sentence definition",
        )]);
    }
    page.term = term_line.text.clone();
    page.term_line = term_line.line;
    let mut at = term_at + 1;
    let definition_line = lines
        .get(at)
        .filter(|l| matches!(l.kind, Kind::Text | Kind::Heading(0)) && marker(&l.text).is_none());
    let Some(definition_line) = definition_line else {
        let line = lines.get(at).map_or(term_line.line + 1, |l| l.line);
        return Err(vec![error(
            line,
            "import/no-definition",
            format!("no definition after the term `{}`", page.term),
            "write the one-sentence definition on the line after the term",
        )]);
    };
    page.definition = definition_line.text.clone();
    at += 1;
    let detector = detector(&page.term, &page.definition);

    // The rest, heading by heading.
    let mut parts: Vec<Part> = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(at) {
        let heading = line.is_heading() || marker(&line.text).is_some();
        let container = line.container;
        match parts.last_mut() {
            Some(part) if heading && part.body.is_empty() => part.heads.push(i),
            // Short lines just above a heading in the same element (a kicker)
            // belong to the heading.
            Some(part)
                if heading
                    && part.heads.is_empty()
                    && part.container == container
                    && part
                        .body
                        .iter()
                        .all(|&b| lines[b].kind == Kind::Text && heading_like(&lines[b].text)) =>
            {
                part.heads.append(&mut part.body);
                part.heads.push(i);
            }
            Some(part) if !heading && (part.body.is_empty() || part.container == container) => {
                part.container = container;
                part.body.push(i);
            }
            _ => parts.push(Part {
                heads: if heading { vec![i] } else { Vec::new() },
                body: if heading { Vec::new() } else { vec![i] },
                container,
            }),
        }
    }

    let mut context = Context::None;
    for mut part in parts {
        // Headings in another element than the one right above the text (an
        // empty `Going deeper` at the end of the article, then a sidebar's
        // `Related terms`) are headings with no text under them: they do not
        // say what the text is.
        if let Some(&last) = part.heads.last() {
            let own = lines[last].container;
            let (others, heads): (Vec<usize>, Vec<usize>) =
                part.heads.iter().partition(|&&h| lines[h].container != own);
            for h in others {
                page.dropped
                    .push(Dropped::line(&lines[h], "a heading with no text under it"));
            }
            part.heads = heads;
        }
        let kind = part.heads.iter().find_map(|&h| marker(&lines[h].text));
        match kind {
            Some(context_kind) => {
                context = context_kind;
                read_lines(
                    &mut page,
                    &mut errors,
                    input,
                    &lines,
                    &part.body,
                    context,
                    &detector,
                );
            }
            None => {
                let heading = part.heads.last().map(|&h| lines[h].text.as_str());
                // An advert may interrupt a part of the page: what follows it in
                // the shape of that part continues the part, and is not judged
                // with it.
                let mut split = part.body.len();
                while split > 1 && fits(&lines[part.body[split - 1]], context, &detector) {
                    split -= 1;
                }
                let text_of = |body: &[usize]| {
                    body.iter()
                        .map(|&i| lines[i].text.as_str())
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                let verdict = detector
                    .block(heading, &text_of(&part.body[..split]))
                    .or_else(|| {
                        // Judged whole when the last lines are not a continuation.
                        (split < part.body.len())
                            .then(|| detector.block(heading, &text_of(&part.body)))
                            .flatten()
                            .inspect(|_| split = part.body.len())
                    });
                if let Some(reason) = verdict {
                    let first = part
                        .heads
                        .first()
                        .or(part.body.first())
                        .copied()
                        .unwrap_or(0);
                    let last = part.body[..split]
                        .last()
                        .or(part.heads.last())
                        .copied()
                        .unwrap_or(first);
                    page.dropped.push(Dropped {
                        first_line: lines[first].line,
                        last_line: lines[last].line,
                        title: snippet(heading.unwrap_or(&lines[first].text)),
                        reason,
                    });
                    let rest = &part.body[split..];
                    if !rest.is_empty() {
                        read_lines(
                            &mut page,
                            &mut errors,
                            input,
                            &lines,
                            rest,
                            context,
                            &detector,
                        );
                    }
                    continue;
                }
                if part.heads.len() > 1 {
                    for &h in &part.heads[..part.heads.len() - 1] {
                        page.dropped.push(Dropped::line(
                            &lines[h],
                            "a heading or label directly above the section's heading",
                        ));
                    }
                }
                match part.heads.last() {
                    Some(&h) if part.body.is_empty() => page
                        .dropped
                        .push(Dropped::line(&lines[h], "a heading with no text under it")),
                    Some(&h) => {
                        page.sections.push(Section {
                            title: lines[h].text.clone(),
                            line: lines[h].line,
                            blocks: Vec::new(),
                        });
                        context = Context::Section;
                        read_lines(
                            &mut page,
                            &mut errors,
                            input,
                            &lines,
                            &part.body,
                            context,
                            &detector,
                        );
                        // Every line under the heading was site furniture: an
                        // entry's section cannot be a heading alone.
                        if page.sections.last().is_some_and(|s| s.blocks.is_empty()) {
                            page.sections.pop();
                            page.dropped.push(Dropped::line(
                                &lines[h],
                                "a heading whose text was all left out as site furniture",
                            ));
                        }
                    }
                    None if context == Context::None => {
                        let first = &lines[part.body[0]];
                        errors.push(error(
                            first.line,
                            "import/stray-text",
                            format!(
                                "text under no heading after the definition: `{}`",
                                snippet(&first.text)
                            ),
                            "the page layout has one definition sentence after the term, then sections that each start with a heading",
                        ));
                    }
                    None => read_lines(
                        &mut page,
                        &mut errors,
                        input,
                        &lines,
                        &part.body,
                        context,
                        &detector,
                    ),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(page)
    } else {
        Err(errors)
    }
}

/// Reads the lines of one part of the page.
fn read_lines(
    page: &mut Page,
    errors: &mut Vec<Diagnostic>,
    input: &str,
    lines: &[Line],
    body: &[usize],
    context: Context,
    detector: &Detector,
) {
    let drop = |page: &mut Page, line: &Line, reason: String| {
        page.dropped.push(Dropped::line(line, reason))
    };
    // An `Often heard:` waiting for its `Actually:`.
    let mut claim: Option<(String, usize)> = None;
    for &i in body {
        let line = &lines[i];
        match context {
            Context::Section | Context::None => {
                if let Some(reason) = detector.paragraph(&line.text) {
                    drop(page, line, reason);
                    continue;
                }
                let Some(section) = page.sections.last_mut() else {
                    continue;
                };
                match (line.kind, section.blocks.last_mut()) {
                    (Kind::Item, Some(Block::List(items))) => items.push(line.spans.clone()),
                    (Kind::Item, _) => section.blocks.push(Block::List(vec![line.spans.clone()])),
                    _ => section.blocks.push(Block::Paragraph(line.spans.clone())),
                }
            }
            Context::Facts => match line.labelled() {
                Some((label, value)) if detector.paragraph(&line.text).is_none() => {
                    page.facts.push(Fact {
                        label,
                        value,
                        line: line.line,
                    })
                }
                _ => {
                    if let Some(reason) = detector.paragraph(&line.text) {
                        drop(page, line, reason);
                    } else {
                        errors.push(located(
                            input,
                            line.line,
                            1,
                            "import/key-fact",
                            format!(
                                "a key fact without a colon: `{}`",
                                snippet(&line.text)
                            ),
                            "write each key fact as `- Label: value`, like `- Location: within the European Commission`",
                        ));
                    }
                }
            },
            Context::Misconceptions => {
                let labelled = line.labelled();
                let label = labelled.as_ref().map(|(l, _)| l.to_lowercase());
                match (label.as_deref(), labelled) {
                    (Some(CLAIM), Some((_, text))) => {
                        if let Some((_, at)) = claim.take() {
                            errors.push(without_correction(input, at));
                        }
                        claim = Some((text, line.line));
                    }
                    (Some(CORRECTION), Some((_, text))) => match claim.take() {
                        Some((claim, at)) => page.misconceptions.push(Misconception {
                            claim,
                            correction: text,
                            line: at,
                        }),
                        None => errors.push(located(
                            input,
                            line.line,
                            1,
                            "import/misconception",
                            "an `Actually:` correction without an `Often heard:` claim before it",
                            "write each misconception as an `Often heard: <claim>` line followed by an `Actually: <correction>` line",
                        )),
                    },
                    _ => {
                        if let Some(reason) = detector.paragraph(&line.text) {
                            drop(page, line, reason);
                        } else if let Some((text, _)) = &mut claim {
                            // A claim written over several paragraphs.
                            text.push(' ');
                            text.push_str(&line.text);
                        } else if let Some(last) = page.misconceptions.last_mut() {
                            last.correction.push(' ');
                            last.correction.push_str(&line.text);
                        } else {
                            errors.push(located(
                                input,
                                line.line,
                                1,
                                "import/misconception",
                                format!(
                                    "expected `Often heard: <claim>`, found `{}`",
                                    snippet(&line.text)
                                ),
                                "write each misconception as an `Often heard: <claim>` line followed by an `Actually: <correction>` line",
                            ));
                        }
                    }
                }
            }
            Context::Links => {
                let links = line.links();
                if links.is_empty() {
                    if let Some(reason) = detector.paragraph(&line.text) {
                        drop(page, line, reason);
                    } else {
                        page.unlinked.push((line.text.clone(), line.line));
                    }
                }
                for (text, href) in links {
                    page.links.push((text, href, line.line));
                }
            }
        }
    }
    if let Some((_, at)) = claim {
        errors.push(without_correction(input, at));
    }
}

fn without_correction(input: &str, line: usize) -> Diagnostic {
    located(
        input,
        line,
        1,
        "import/misconception",
        "a misconception without its correction: `Often heard:` is not followed by `Actually:`",
        "add an `Actually: <correction>` line after the `Often heard:` line, or remove the claim",
    )
}

/// Whether a line has the shape of what `context` holds, so that after an
/// advert it continues that part of the page.
fn fits(line: &Line, context: Context, detector: &Detector) -> bool {
    match context {
        Context::Facts => line.labelled().is_some() && detector.paragraph(&line.text).is_none(),
        Context::Misconceptions => line.labelled().is_some_and(|(label, _)| {
            let label = label.to_lowercase();
            label == CLAIM || label == CORRECTION
        }),
        Context::Section => {
            super::furniture::cues(&line.text).is_empty() && detector.relevance(&line.text) >= 2
        }
        Context::Links => !line.links().is_empty(),
        Context::None => false,
    }
}

/// The part of the page a heading opens, if it is one of the fixed parts.
fn marker(heading: &str) -> Option<Context> {
    let h = heading.trim().trim_end_matches(':').trim().to_lowercase();
    if FACTS.contains(&h.as_str()) {
        Some(Context::Facts)
    } else if MISCONCEPTIONS.contains(&h.as_str()) {
        Some(Context::Misconceptions)
    } else if LINKS.contains(&h.as_str()) {
        Some(Context::Links)
    } else {
        None
    }
}

/// The register named by a `Definition · <register>` header line.
pub fn header_register(text: &str) -> Option<String> {
    let rest = text
        .trim()
        .strip_prefix("Definition")
        .or_else(|| text.trim().strip_prefix("DEFINITION"))
        .or_else(|| text.trim().strip_prefix("definition"))?;
    let rest = rest.trim_start();
    let sep = rest.chars().next()?;
    if !matches!(sep, '·' | '•' | '|' | '—' | '–' | '-' | ':' | '/') {
        return None;
    }
    let register = rest[sep.len_utf8()..].trim();
    let words = register.split_whitespace().count();
    (words > 0 && words <= 4).then(|| register.to_owned())
}

/// The first words of a text, for messages.
pub fn snippet(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::super::furniture::FurnitureRules;
    use super::super::lines::text_lines;
    use super::*;

    fn read_text(text: &str) -> Result<Page, Vec<Diagnostic>> {
        read("page.txt", text_lines(text), |t, d| {
            Detector::new(&FurnitureRules::default(), t, d, &Default::default())
        })
    }

    fn lines_of(errors: Vec<Diagnostic>) -> Vec<(usize, String)> {
        errors
            .into_iter()
            .map(|d| (d.pos.line, d.message))
            .collect()
    }

    #[test]
    fn header_lines() {
        assert_eq!(
            header_register("Definition · Plain-language").as_deref(),
            Some("Plain-language")
        );
        assert_eq!(
            header_register("Definition | Legal").as_deref(),
            Some("Legal")
        );
        assert_eq!(
            header_register("Definitions of terms and conditions apply here"),
            None
        );
        assert_eq!(header_register("Definition"), None);
    }

    #[test]
    fn a_page_without_a_term_line_is_refused_at_its_line() {
        let errors = read_text("Definition · Plain-language\nThe AI Pact is a voluntary initiative of the Commission that companies join.\n").unwrap_err();
        assert_eq!(lines_of(errors)[0].0, 2);
    }

    #[test]
    fn every_bad_line_is_reported() {
        let text = "Definition · Plain-language\nAI Pact\nThe AI Pact is a voluntary initiative.\nKey facts\n- Launched: 2024\n- Voluntary for all companies\nCommon misconceptions\nOften heard: It is binding.\nOften heard: It replaces the Act.\nActually: It prepares for it.\nOften heard: It is a law.\n";
        let errors = lines_of(read_text(text).unwrap_err());
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert_eq!(errors[0].0, 6);
        assert!(errors[0].1.contains("without a colon"));
        assert_eq!(errors[1].0, 8);
        assert!(errors[1].1.contains("without its correction"));
        assert_eq!(errors[2].0, 11);
    }

    #[test]
    fn an_advert_inside_the_key_facts_leaves_the_facts_whole() {
        let text = "Definition · Technical\nAI Pact\nThe AI Pact is a voluntary initiative of the European Commission.\nKey facts\n- Launched: 2024\nSponsored\nAcme Compliance helps you get ready. Try it free today.\n- Scope: all companies\n";
        let page = read_text(text).unwrap();
        assert_eq!(page.facts.len(), 2, "{page:?}");
        assert_eq!(page.facts[1].label, "Scope");
        assert_eq!(page.dropped.len(), 1, "{:?}", page.dropped);
        assert_eq!(
            (page.dropped[0].first_line, page.dropped[0].last_line),
            (6, 7)
        );
    }

    // Found by the `page_text` fuzz target: a heading whose only text was
    // furniture (judged line by line, after its part as a whole was kept)
    // became a section with no text, which the entry reader refuses.
    #[test]
    fn a_heading_over_nothing_but_furniture_is_no_section() {
        let input = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fuzz/regressions/page_text/crash-99fa91d62b185ec14357bb5833bc40ed4f50c65b"
        );
        let page = read_text(&std::fs::read_to_string(input).unwrap()).unwrap();
        assert!(
            page.sections.iter().all(|s| !s.blocks.is_empty()),
            "{page:?}"
        );
        let dropped: Vec<_> = page
            .dropped
            .iter()
            .map(|d| (d.first_line, d.reason.as_str()))
            .collect();
        assert!(
            dropped.contains(&(6, "a heading whose text was all left out as site furniture")),
            "{dropped:?}"
        );
    }
}
