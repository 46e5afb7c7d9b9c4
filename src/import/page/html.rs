//! A page's HTML as lines, read with a real HTML parser (html5ever, through
//! `scraper`): headings, paragraphs and list items in document order, with
//! links; scripts, styles and forms left out; navigation, footers and elements
//! marked as promotions (by class, id, `data-ad*` attributes, ARIA labels or a
//! configured CSS selector) kept as furniture so the report can list them.

use super::lines::{Kind, Line};
use crate::import::markdown::Span;
use scraper::{ElementRef, Html, Node, Selector};

/// Elements whose content is never page text.
const SKIPPED: &[&str] = &[
    "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "button", "form", "input", "select", "textarea", "option", "video", "audio", "map",
];
/// Elements that are site chrome rather than the page's content.
const CHROME: &[(&str, &str)] = &[("nav", "site navigation"), ("footer", "page footer")];
/// Elements that start and end a line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "aside",
    "main",
    "header",
    "body",
    "html",
    "ul",
    "ol",
    "dl",
    "li",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "details",
    "summary",
    "address",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hgroup",
    "fieldset",
    "legend",
    "center",
];
/// Elements that group a part of the page.
const CONTAINERS: &[&str] = &[
    "section",
    "aside",
    "article",
    "main",
    "header",
    "div",
    "figure",
    "details",
    "blockquote",
    "body",
];
/// Class and id words that mark promotions.
const PROMO_WORDS: &[&str] = &[
    "ad",
    "ads",
    "adv",
    "advert",
    "adverts",
    "advertisement",
    "advertising",
    "adslot",
    "adunit",
    "adbox",
    "promo",
    "promos",
    "promotion",
    "promotional",
    "sponsor",
    "sponsored",
    "sponsorship",
    "cta",
    "upsell",
    "newsletter",
    "subscribe",
    "subscription",
    "paywall",
    "marketing",
    "affiliate",
    "outbrain",
    "taboola",
];

/// Deepest element nesting read. HTML parsing slows down with the square of
/// the depth, and real pages nest a few dozen elements deep.
pub const MAX_DEPTH: usize = 4_000;

/// Elements that never hold others, or that the parser closes at their next
/// sibling (so they do not nest when left open).
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "!doctype",
];
/// Elements whose content is text, not tags.
const RAW: &[&str] = &["script", "style", "textarea", "title"];

/// The line where elements first nest deeper than [`MAX_DEPTH`], if they do
/// (estimated from the tags, without building the tree).
pub fn too_deep(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut depth: usize = 0;
    let mut i = 0;
    while let Some(found) = bytes[i..].iter().position(|b| *b == b'<') {
        i += found + 1;
        if bytes[i..].starts_with(b"!--") {
            i = find(bytes, i, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let name_len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'!' || **b == b'-')
            .count();
        if name_len == 0 {
            continue;
        }
        let name = source[start..start + name_len].to_ascii_lowercase();
        let end = find(bytes, start, b">").unwrap_or(bytes.len());
        let self_closing = end > 0 && bytes.get(end - 1) == Some(&b'/');
        i = end.min(bytes.len());
        if FLAT.contains(&name.as_str()) || self_closing {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        if RAW.contains(&name.as_str()) {
            let close = format!("</{name}");
            i = find_ignore_case(source, i, &close).unwrap_or(bytes.len());
            continue;
        }
        depth += 1;
        if depth > MAX_DEPTH {
            return Some(1 + source[..start].matches('\n').count());
        }
    }
    None
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ignore_case(text: &str, from: usize, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    text.as_bytes()
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// The lines of an HTML page. `selectors` are extra CSS selectors for
/// furniture; relative links are resolved against `base` (the page's address)
/// when there is one, and left out otherwise.
pub fn html_lines(source: &str, selectors: &[(String, Selector)], base: Option<&str>) -> Vec<Line> {
    let document = Html::parse_document(source);
    let mut reader = Reader {
        base: base.and_then(|b| reqwest::Url::parse(b).ok()),
        source,
        cursor: 0,
        lines: Vec::new(),
        spans: Vec::new(),
        href: None,
        line: 0,
        pending_term: None,
        open: Vec::new(),
        containers: Vec::new(),
        kinds: Vec::new(),
        furniture: Vec::new(),
        skip: 0,
        count: 0,
    };
    // Depth-first, without recursion: pages can nest deeply.
    let root = document.tree.root();
    let mut node = root;
    'walk: loop {
        reader.open(node.value(), ElementRef::wrap(node), selectors);
        if let Some(child) = node.first_child() {
            node = child;
            continue;
        }
        loop {
            reader.close(node.value());
            if node == root {
                break 'walk;
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                break;
            }
            match node.parent() {
                Some(parent) => node = parent,
                None => break 'walk,
            }
        }
    }
    reader.flush(Kind::Text);
    reader.lines
}

/// An element being read.
struct Open {
    /// Its number in document order, naming its furniture group.
    number: usize,
    /// It starts furniture.
    furniture: bool,
    /// It groups a part of the page.
    container: bool,
}

struct Reader<'s> {
    /// The page's address, for relative links.
    base: Option<reqwest::Url>,
    source: &'s str,
    /// Where the search for the next text's line starts.
    cursor: usize,
    lines: Vec<Line>,
    /// The current line's text so far.
    spans: Vec<Span>,
    /// The link being read, if inside `<a href>`.
    href: Option<String>,
    /// The line the current text starts on.
    line: usize,
    /// A `<dt>`'s text, waiting for its `<dd>`.
    pending_term: Option<String>,
    /// The open elements (outside skipped ones).
    open: Vec<Open>,
    /// The numbers of the open sectioning elements.
    containers: Vec<usize>,
    /// The kinds of the open block elements.
    kinds: Vec<Kind>,
    /// Open furniture elements: (number, reason).
    furniture: Vec<(usize, String)>,
    /// Depth inside skipped elements.
    skip: usize,
    /// Elements opened so far.
    count: usize,
}

impl Reader<'_> {
    fn open(
        &mut self,
        node: &Node,
        element: Option<ElementRef<'_>>,
        selectors: &[(String, Selector)],
    ) {
        match node {
            Node::Element(value) => {
                let name = value.name();
                if self.skip > 0 || SKIPPED.contains(&name) {
                    self.skip += 1;
                    return;
                }
                self.count += 1;
                let reason = CHROME
                    .iter()
                    .find(|(tag, _)| *tag == name)
                    .map(|(tag, what)| format!("{what} (<{tag}>)"))
                    .or_else(|| promo_marker(value))
                    .or_else(|| {
                        let element = element?;
                        selectors
                            .iter()
                            .find(|(_, s)| s.matches(&element))
                            .map(|(text, _)| format!("matches the configured selector `{text}`"))
                    });
                if let Some(reason) = &reason {
                    if BLOCKS.contains(&name) {
                        self.flush(self.kind());
                    }
                    self.furniture.push((self.count, reason.clone()));
                }
                let container = CONTAINERS.contains(&name);
                self.open.push(Open {
                    number: self.count,
                    furniture: reason.is_some(),
                    container,
                });
                if name == "br" {
                    self.push_text(" ");
                } else if name == "a" {
                    self.end_span();
                    self.href = value.attr("href").and_then(|h| self.absolute(h.trim()));
                } else if BLOCKS.contains(&name) {
                    self.flush(self.kind());
                    self.kinds.push(match name {
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                            Kind::Heading(name.as_bytes()[1] - b'0')
                        }
                        "li" | "dd" => Kind::Item,
                        _ => Kind::Text,
                    });
                }
                if container {
                    self.containers.push(self.count);
                }
            }
            Node::Text(text) if self.skip == 0 => {
                let text: &str = text;
                if !text.trim().is_empty() {
                    let line = self.find_line(text);
                    if self.line == 0 {
                        self.line = line;
                    }
                }
                self.push_text(text);
            }
            _ => {}
        }
    }

    fn close(&mut self, node: &Node) {
        let Node::Element(element) = node else {
            return;
        };
        let name = element.name();
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        let open = self.open.pop();
        if name == "a" {
            self.end_span();
            self.href = None;
        } else if name == "dt" {
            self.end_span();
            let term = self.take_text();
            self.kinds.pop();
            self.pending_term = Some(term);
        } else if BLOCKS.contains(&name) {
            let kind = self.kinds.pop().unwrap_or(Kind::Text);
            if name == "dd"
                && let Some(term) = self.pending_term.take()
            {
                let term = term.trim().trim_end_matches(':').to_owned();
                self.spans.insert(0, Span::text(format!("{term}:")));
            }
            self.flush(kind);
        }
        if open.as_ref().is_some_and(|o| o.container) {
            self.flush(self.kind());
            self.containers.pop();
        }
        if let Some(open) = open
            && open.furniture
        {
            self.flush(self.kind());
            if self
                .furniture
                .last()
                .is_some_and(|(n, _)| *n == open.number)
            {
                self.furniture.pop();
            }
        }
    }

    /// An http(s) address for a link, resolved against the page's address.
    fn absolute(&self, href: &str) -> Option<String> {
        let url = match &self.base {
            Some(base) => base.join(href).ok()?,
            None => reqwest::Url::parse(href).ok()?,
        };
        matches!(url.scheme(), "http" | "https").then(|| url.to_string())
    }

    fn kind(&self) -> Kind {
        self.kinds.last().copied().unwrap_or(Kind::Text)
    }

    fn push_text(&mut self, text: &str) {
        match self.spans.last_mut() {
            Some(last) if last.href == self.href => last.text.push_str(text),
            _ => self.spans.push(Span {
                text: text.to_owned(),
                href: self.href.clone(),
            }),
        }
    }

    /// Ends the current span, so text after it starts a new one.
    fn end_span(&mut self) {
        if self.spans.last().is_some_and(|s| s.href.is_some()) {
            self.spans.push(Span::text(""));
        }
    }

    fn take_text(&mut self) -> String {
        let text: String = self.spans.drain(..).map(|s| s.text).collect();
        self.line = 0;
        crate::import::markdown::collapse(&text)
    }

    /// Ends the current line (if it has text) as a line of `kind`.
    fn flush(&mut self, kind: Kind) {
        let spans: Vec<Span> = std::mem::take(&mut self.spans)
            .into_iter()
            .filter(|s| !s.text.trim().is_empty())
            .collect();
        let line = std::mem::take(&mut self.line);
        if spans.is_empty() {
            return;
        }
        let mut line = Line::new(kind, spans, line);
        // The outermost furniture element names the block.
        line.furniture = self.furniture.first().cloned();
        line.container = self.containers.last().copied().unwrap_or(0);
        self.lines.push(line);
    }

    /// The line of the source where `text` (a text node's content) is, found by
    /// its first word after the previous text's place.
    fn find_line(&mut self, text: &str) -> usize {
        // The text as written in the source, up to the first character that
        // may have been an entity or a line break.
        let start = text.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
        let mut probe: String = start
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || " .,;:!?()-'".contains(*c))
            .take(40)
            .collect();
        probe.truncate(probe.trim_end().len());
        if probe.is_empty() {
            return 0;
        }
        match self
            .source
            .get(self.cursor..)
            .and_then(|rest| rest.find(&probe))
        {
            Some(found) => {
                let at = self.cursor + found;
                self.cursor = at + probe.len();
                1 + self.source[..at].matches('\n').count()
            }
            None => 0,
        }
    }
}

/// Why an element is a promotion, from its class, id, data and ARIA attributes.
fn promo_marker(element: &scraper::node::Element) -> Option<String> {
    for attribute in ["class", "id"] {
        let Some(value) = element.attr(attribute) else {
            continue;
        };
        for word in value.split(|c: char| !c.is_ascii_alphanumeric()) {
            let word = word.to_ascii_lowercase();
            if PROMO_WORDS.contains(&word.as_str()) {
                return Some(format!(
                    "marked as a promotion ({attribute}=\"{}\")",
                    value.trim()
                ));
            }
        }
    }
    for (name, value) in element.attrs() {
        let name = name.to_ascii_lowercase();
        if name == "data-ad" || name.starts_with("data-ad-") {
            return Some(format!("marked as an advert ({name})"));
        }
        if name.starts_with("aria-") {
            let value = value.to_lowercase();
            if ["advert", "sponsor", "promot"]
                .iter()
                .any(|w| value.contains(w))
            {
                return Some(format!("marked as a promotion ({name}=\"{value}\")"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(html: &str) -> Vec<Line> {
        html_lines(html, &[], None)
    }

    #[test]
    fn headings_paragraphs_items_and_links() {
        let html = "<html><head><title>x</title><style>p{}</style></head><body>\n<h1>EU AI Office</h1>\n<p>The <em>Office</em> is a body.</p>\n<ul><li><strong>Location:</strong> Brussels, see <a href=\"https://example.org/x\">the site</a></li></ul>\n<dl><dt>Often heard</dt><dd>a claim</dd></dl>\n<script>var x = '<p>no</p>';</script></body></html>";
        let lines = lines(html);
        let found: Vec<_> = lines
            .iter()
            .map(|l| (l.kind, l.text.as_str(), l.line))
            .collect();
        assert_eq!(
            found,
            [
                (Kind::Heading(1), "EU AI Office", 2),
                (Kind::Text, "The Office is a body.", 3),
                (Kind::Item, "Location: Brussels, see the site", 4),
                (Kind::Item, "Often heard: a claim", 5),
            ]
        );
        assert_eq!(
            lines[2].links(),
            [("the site".to_owned(), "https://example.org/x".to_owned())]
        );
    }

    #[test]
    fn relative_links_resolve_against_the_pages_address() {
        let html = "<p><a href=\"/eli/art_1\">one</a> <a href=\"mailto:x@y\">two</a></p>";
        let links = html_lines(html, &[], Some("https://example.org/glossary/term"))[0].links();
        assert_eq!(
            links,
            [("one".to_owned(), "https://example.org/eli/art_1".to_owned())]
        );
        assert!(html_lines(html, &[], None)[0].links().is_empty());
    }

    #[test]
    fn promotions_and_chrome_are_marked() {
        let html = "<nav><a href=\"/\">Home</a></nav><main><p>Text</p><div class=\"box promo-box\"><h3>Deal</h3><p>Buy</p></div><p data-ad-slot=\"1\">Ad text</p></main><footer>© site</footer>";
        let lines = lines(html);
        let marks: Vec<_> = lines
            .iter()
            .map(|l| (l.text.as_str(), l.furniture.as_ref().map(|f| f.1.as_str())))
            .collect();
        assert_eq!(marks[0], ("Home", Some("site navigation (<nav>)")));
        assert_eq!(marks[1], ("Text", None));
        assert_eq!(
            marks[2],
            (
                "Deal",
                Some("marked as a promotion (class=\"box promo-box\")")
            )
        );
        assert_eq!(
            lines[2].furniture.as_ref().map(|f| f.0),
            lines[3].furniture.as_ref().map(|f| f.0)
        );
        assert!(marks[4].1.unwrap().contains("data-ad-slot"));
        assert_eq!(marks[5], ("© site", Some("page footer (<footer>)")));
    }

    #[test]
    fn configured_selectors_mark_furniture() {
        let selector = Selector::parse("div.partner").unwrap();
        let lines = html_lines(
            "<p>Text</p><div class=\"partner\"><p>Spotlight</p></div>",
            &[("div.partner".into(), selector)],
            None,
        );
        assert!(
            lines[1]
                .furniture
                .as_ref()
                .unwrap()
                .1
                .contains("div.partner")
        );
    }

    #[test]
    fn nesting_depth_is_estimated_from_the_tags() {
        let deep = format!("<p>x</p>\n{}", "<div>".repeat(MAX_DEPTH + 1));
        assert_eq!(too_deep(&deep), Some(2));
        let flat = format!(
            "<!doctype html><ul>{}</ul><br/><img src=x><script>{}</script><!-- {} -->",
            "<li>item".repeat(10 * MAX_DEPTH),
            "<div>".repeat(2 * MAX_DEPTH),
            "<div>".repeat(2 * MAX_DEPTH)
        );
        assert_eq!(too_deep(&flat), None);
        let balanced = "<div><span>a</span></div>".repeat(2 * MAX_DEPTH);
        assert_eq!(too_deep(&balanced), None);
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let html = format!("{}text{}", "<div>".repeat(3_000), "</div>".repeat(3_000));
        let lines = lines(&html);
        assert_eq!(lines.len(), 1);
    }
}
