//! A YAML reader that keeps every node's position and refuses what entries never need.
//!
//! Entries are small, hand-written documents, so this reader is strict: aliases are
//! refused (which rules out "billion laughs" expansion), nesting is limited, and a
//! key written twice in one mapping is an error rather than a silent overwrite.
//! Scalars stay text; each field decides what its text means.

use crate::diagnostic::Pos;
use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// Deepest nesting of mappings and sequences an entry may use.
pub const MAX_DEPTH: usize = 16;
/// Most nodes one front-matter block may hold.
pub const MAX_NODES: usize = 100_000;

/// A YAML value with the position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An empty plain scalar, `~` or `null`.
    Null,
    /// Any other scalar, as written (quoted or not).
    Text {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    /// Pairs in document order; keys are scalars.
    Map(Vec<(Key, Node)>),
}

/// A mapping key and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub pos: Pos,
    pub text: String,
}

impl Node {
    /// A short name of the node's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "nothing",
            Value::Text { .. } => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match &self.value {
            Value::Text { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// A YAML problem at a position relative to the start of the YAML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
    pub help: &'static str,
}

/// The innermost flow collection (`[` or `{`) still open at `at`, if it was
/// opened on an earlier line, with its position. Quoted text and comments
/// are skipped; a bracket counts only where a value starts (after `key: `,
/// `- `, or inside another flow collection), as YAML reads it.
fn unclosed_flow(text: &str, at: Pos) -> Option<(char, Pos)> {
    let mut open: Vec<(char, Pos)> = Vec::new();
    for (index, line) in text.lines().enumerate().take(at.line) {
        let mut quote: Option<char> = None;
        let mut value_starts = true;
        let mut previous = ' ';
        for (column, c) in line.chars().enumerate() {
            if index + 1 == at.line && column + 1 >= at.column {
                break;
            }
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if value_starts || !open.is_empty() => quote = Some(c),
                (None, '#') if previous == ' ' || column == 0 => break,
                (None, '[' | '{') if value_starts || !open.is_empty() => {
                    open.push((c, Pos::new(index + 1, column + 1)));
                }
                (None, ']' | '}') => {
                    open.pop();
                }
                (None, ':' | '-' | ',') => value_starts = true,
                (None, ' ') => {}
                (None, _) => value_starts = false,
            }
            previous = c;
        }
    }
    open.last().copied().filter(|(_, pos)| pos.line < at.line)
}

/// Parses one YAML document. An empty document is `Value::Null`. Positions are
/// relative to the text.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    parse_at(text, 1)
}

/// `parse` for text that starts on line `first_line` of its file: positions are
/// still relative to the text, line numbers written in messages are the file's.
pub fn parse_at(text: &str, first_line: usize) -> Result<Node, YamlError> {
    let mut reader = Reader {
        parser: Parser::new_from_str(text),
        text,
        nodes: 0,
        first_line,
    };
    let mut root = None;
    loop {
        let (event, span) = reader.next()?;
        match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => {}
            Event::DocumentEnd => {}
            Event::StreamEnd => break,
            event => {
                if root.is_some() {
                    return Err(YamlError {
                        pos: pos(&span),
                        message: "more than one YAML document in the front matter".into(),
                        help: "remove the extra `---` or `...` line inside the front matter",
                    });
                }
                root = Some(reader.node(event, span, 0)?);
            }
        }
    }
    Ok(root.unwrap_or(Node {
        pos: Pos::new(1, 1),
        value: Value::Null,
    }))
}

struct Reader<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    text: &'a str,
    nodes: usize,
    first_line: usize,
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), YamlError> {
        match self.parser.next_event() {
            Some(Ok(pair)) => Ok(pair),
            Some(Err(e)) => {
                let at = Pos::new(e.marker().line(), e.marker().col() + 1);
                // The parser notices an unclosed `[` or `{` only on a later
                // line, and names what it found there: point at the bracket.
                if let Some((bracket, open)) = unclosed_flow(self.text, at) {
                    let close = if bracket == '[' { ']' } else { '}' };
                    return Err(YamlError {
                        pos: open,
                        message: format!("this `{bracket}` is never closed with `{close}`"),
                        help: "close it, like `alt-labels: [one, two]`, or write one item per line as `- item`",
                    });
                }
                Err(YamlError {
                    pos: at,
                    message: format!("invalid YAML: {}", e.info()),
                    help: "check the indentation and quoting near this position; quote text that contains `: ` or starts with a special character",
                })
            }
            None => Err(YamlError {
                pos: Pos::new(1, 1),
                message: "invalid YAML: unexpected end of input".into(),
                help: "check that every list and mapping is closed",
            }),
        }
    }

    fn node(&mut self, event: Event<'a>, span: Span, depth: usize) -> Result<Node, YamlError> {
        self.nodes += 1;
        let at = pos(&span);
        if self.nodes > MAX_NODES {
            return Err(YamlError {
                pos: at,
                message: format!("front matter has more than {MAX_NODES} values"),
                help: "an entry's front matter should be small; move long text into the Markdown body",
            });
        }
        if depth >= MAX_DEPTH {
            return Err(YamlError {
                pos: at,
                message: format!("front matter is nested more than {MAX_DEPTH} levels deep"),
                help: "entries need at most three levels; flatten this value",
            });
        }
        let value = match event {
            Event::Alias(_) => {
                return Err(YamlError {
                    pos: at,
                    message: "YAML aliases (`*name`) are not allowed in entries".into(),
                    help: "write the value out in full where it is used",
                });
            }
            Event::Scalar(text, style, _, tag) => {
                let quoted = !matches!(style, ScalarStyle::Plain);
                let is_null = !quoted
                    && tag.is_none()
                    && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL");
                if is_null {
                    Value::Null
                } else {
                    Value::Text {
                        text: text.into_owned(),
                        quoted,
                    }
                }
            }
            Event::SequenceStart(_, _) => {
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, span, depth + 1)?);
                }
                Value::Seq(items)
            }
            Event::MappingStart(_, _) => {
                let mut pairs: Vec<(Key, Node)> = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::MappingEnd) {
                        break;
                    }
                    let key_node = self.node(event, span, depth + 1)?;
                    let key = match key_node.value {
                        Value::Text { text, .. } => Key {
                            pos: key_node.pos,
                            text,
                        },
                        Value::Null => Key {
                            pos: key_node.pos,
                            text: String::new(),
                        },
                        _ => {
                            return Err(YamlError {
                                pos: key_node.pos,
                                message: format!(
                                    "a mapping key must be text, not {}",
                                    key_node.kind()
                                ),
                                help: "write keys as plain words, like `term:`",
                            });
                        }
                    };
                    if let Some((first, _)) = pairs.iter().find(|(k, _)| k.text == key.text) {
                        return Err(YamlError {
                            pos: key.pos,
                            message: format!(
                                "key `{}` is written twice (first at line {})",
                                key.text,
                                first.pos.line + self.first_line - 1
                            ),
                            help: "keep one of them; YAML would silently drop the first",
                        });
                    }
                    let (event, span) = self.next()?;
                    let value = self.node(event, span, depth + 1)?;
                    pairs.push((key, value));
                }
                Value::Map(pairs)
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::SequenceEnd
            | Event::MappingEnd
            | Event::Nothing => {
                return Err(YamlError {
                    pos: at,
                    message: "invalid YAML: unexpected structure".into(),
                    help: "check the indentation near this position",
                });
            }
        };
        Ok(Node { pos: at, value })
    }
}

fn pos(span: &Span) -> Pos {
    Pos::new(span.start.line(), span.start.col() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(node: &Node) -> &str {
        node.as_text().expect("text")
    }

    #[test]
    fn keeps_positions_and_order() {
        let node = parse("term: AI Office\nalt:\n  - one\n  - 'two'\n").unwrap();
        let Value::Map(pairs) = node.value else {
            panic!()
        };
        assert_eq!(pairs[0].0.text, "term");
        assert_eq!(pairs[0].0.pos, Pos::new(1, 1));
        assert_eq!(text(&pairs[0].1), "AI Office");
        assert_eq!(pairs[0].1.pos, Pos::new(1, 7));
        let Value::Seq(items) = &pairs[1].1.value else {
            panic!()
        };
        assert_eq!(items[1].pos, Pos::new(4, 5));
        assert_eq!(
            items[1].value,
            Value::Text {
                text: "two".into(),
                quoted: true
            }
        );
    }

    #[test]
    fn null_forms_are_null_but_quoted_ones_are_text() {
        let node = parse("a:\nb: ~\nc: ''\n").unwrap();
        let Value::Map(pairs) = node.value else {
            panic!()
        };
        assert_eq!(pairs[0].1.value, Value::Null);
        assert_eq!(pairs[1].1.value, Value::Null);
        assert_eq!(
            pairs[2].1.value,
            Value::Text {
                text: String::new(),
                quoted: true
            }
        );
    }

    #[test]
    fn refuses_aliases() {
        let err = parse("a: &x [1, 2]\nb: *x\n").unwrap_err();
        assert_eq!(err.pos, Pos::new(2, 4));
        assert!(err.message.contains("aliases"));
    }

    #[test]
    fn refuses_an_alias_bomb_quickly() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..30 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&text).unwrap_err();
        assert_eq!(err.pos.line, 2);
    }

    #[test]
    fn refuses_deep_nesting_without_overflowing_the_stack() {
        // The scanner's own limit or ours, whichever comes first: a clean error either way.
        let text = "[".repeat(100_000);
        let err = parse(&text).unwrap_err();
        assert!(
            err.message.contains("nested") || err.message.contains("recursion"),
            "{}",
            err.message
        );
        let text = format!("{}x{}", "- ".repeat(20), "");
        assert!(parse(&text).unwrap_err().message.contains("nested"));
    }

    #[test]
    fn refuses_duplicate_keys() {
        let err = parse("term: a\ndefinition: b\nterm: c\n").unwrap_err();
        assert_eq!(err.pos, Pos::new(3, 1));
        assert!(err.message.contains("first at line 1"), "{}", err.message);
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let err = parse("term: a\n  bad: [\n").unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
        assert!(err.pos.line >= 2);
    }
}
