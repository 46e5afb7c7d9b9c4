//! The characters published text may hold, and where a source holds others.
//!
//! No published text holds a C0 or C1 control (prose aside, which may hold
//! tabs and line breaks) or a Unicode noncharacter: XML 1.0 cannot carry most
//! of them, so an RDF/XML export would not be well-formed, and the rest are
//! invisible mistakes (a YAML `"\u0007"`, a pasted control). Surrogates
//! cannot occur: every input is decoded to Rust strings, which hold none.
//! Entries are read in Unicode NFC, so text that looks the same is the same.

use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::{IsNormalized, is_nfc_quick};

/// Whether published text may not hold `c`; `prose` may hold tabs and line breaks.
pub fn forbidden(c: char, prose: bool) -> bool {
    let line_break_or_tab = matches!(c, '\t' | '\n' | '\r');
    let control = c.is_control() && !(prose && line_break_or_tab);
    let code = u32::from(c);
    let noncharacter = (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE;
    control || noncharacter
}

/// The first character of `text` published text may not hold.
pub fn first_forbidden(text: &str, prose: bool) -> Option<char> {
    text.chars().find(|c| forbidden(*c, prose))
}

/// `U+0007, a control character`: how messages name a forbidden character.
pub fn describe(c: char) -> String {
    let kind = match c {
        '\t' => "a tab",
        '\n' | '\r' => "a line break",
        c if c.is_control() => "a control character",
        _ => "a Unicode noncharacter",
    };
    format!("U+{:04X}, {kind}", u32::from(c))
}

/// `text` without the characters published text may not hold: in a name
/// (`prose` false) a tab or line break becomes a space, anything else
/// forbidden is dropped. Gives the characters replaced, in order.
pub fn sanitize(text: &str, prose: bool) -> (Cow<'_, str>, Vec<char>) {
    if first_forbidden(text, prose).is_none() {
        return (Cow::Borrowed(text), Vec::new());
    }
    let mut replaced = Vec::new();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !forbidden(c, prose) {
            out.push(c);
            continue;
        }
        replaced.push(c);
        if matches!(c, '\t' | '\n' | '\r') {
            out.push(' ');
        }
    }
    (Cow::Owned(out), replaced)
}

/// `text` for a page that shows what a request said: each character
/// published text may not hold shown as U+FFFD, the replacement character.
pub fn visible(text: &str) -> Cow<'_, str> {
    if first_forbidden(text, true).is_none() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if forbidden(c, true) { '\u{fffd}' } else { c })
            .collect(),
    )
}

/// `text` in Unicode NFC, borrowed when it already is (nearly always).
pub fn nfc(text: &str) -> Cow<'_, str> {
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => Cow::Borrowed(text),
        _ => {
            let normal: String = text.nfc().collect();
            if normal == text {
                Cow::Borrowed(text)
            } else {
                Cow::Owned(normal)
            }
        }
    }
}

/// How a source file writes characters besides as themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escapes {
    /// Only as themselves (CSV, plain text).
    None,
    /// Also as HTML character references, `&#7;` or `&#x7;`.
    Html,
    /// Also as `\u0007` or `\U00000007` (Turtle, N-Triples, JSON), or as an
    /// XML character reference (RDF/XML).
    Rdf,
}

/// A forbidden character in a source file, where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// 1-based line and column (in characters).
    pub line: usize,
    pub column: usize,
    pub character: char,
    /// The bytes that write it: the character, or its escape.
    pub start: usize,
    pub end: usize,
}

/// Every forbidden character `source` writes, as itself or through `escapes`.
/// Tabs and line breaks are the file's own structure here; whether a field
/// may hold them is the field's to say.
pub fn scan(source: &str, escapes: Escapes) -> Vec<Found> {
    let mut found = Vec::new();
    let (mut line, mut column) = (1, 1);
    let mut chars = source.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let written = match (c, escapes) {
            ('&', Escapes::Html | Escapes::Rdf) => character_reference(&source[at..]),
            ('\\', Escapes::Rdf) => backslash_escape(&source[at..]),
            _ if forbidden(c, true) => Some((c, c.len_utf8())),
            _ => None,
        };
        if let Some((character, len)) = written.filter(|(w, _)| forbidden(*w, true)) {
            found.push(Found {
                line,
                column,
                character,
                start: at,
                end: at + len,
            });
        }
        if c == '\n' || (c == '\r' && chars.peek().is_none_or(|(_, next)| *next != '\n')) {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    found
}

/// `source` without the forbidden characters `scan` finds (escapes and all),
/// and what was removed.
pub fn strip(source: &str, escapes: Escapes) -> (Cow<'_, str>, Vec<Found>) {
    let found = scan(source, escapes);
    if found.is_empty() {
        return (Cow::Borrowed(source), found);
    }
    let mut out = String::with_capacity(source.len());
    let mut from = 0;
    for f in &found {
        out.push_str(&source[from..f.start]);
        from = f.end;
    }
    out.push_str(&source[from..]);
    (Cow::Owned(out), found)
}

/// The character `&#7;` or `&#x7;` at the start of `text` writes, and its length.
fn character_reference(text: &str) -> Option<(char, usize)> {
    let rest = text.strip_prefix("&#")?;
    let (radix, digits_at) = match rest.as_bytes().first()? {
        b'x' | b'X' => (16, 3),
        _ => (10, 2),
    };
    let digits = text[digits_at..]
        .bytes()
        .take_while(|b| b.is_ascii_hexdigit())
        .count();
    let end = digits_at + digits;
    if digits == 0 || digits > 8 || text.as_bytes().get(end) != Some(&b';') {
        return None;
    }
    let code = u32::from_str_radix(&text[digits_at..end], radix).ok()?;
    Some((char::from_u32(code)?, end + 1))
}

/// The character `\u0007` or `\U00000007` at the start of `text` writes, and its length.
fn backslash_escape(text: &str) -> Option<(char, usize)> {
    let digits = match text.as_bytes().get(1)? {
        b'u' => 4,
        b'U' => 8,
        _ => return None,
    };
    let hex = text.get(2..2 + digits)?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)?,
        2 + digits,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_noncharacters_are_forbidden() {
        for c in ['\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}'] {
            assert!(forbidden(c, true), "{c:?}");
        }
        for c in [
            '\u{fdd0}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{1fffe}',
            '\u{10ffff}',
        ] {
            assert!(forbidden(c, true), "{c:?}");
        }
        for c in ['\t', '\n', '\r'] {
            assert!(forbidden(c, false) && !forbidden(c, true), "{c:?}");
        }
        // Format characters are text: RTL marks, joiners, the BOM as a character.
        for c in ['\u{200f}', '\u{200d}', '\u{feff}', '\u{fffd}', 'é', '😀'] {
            assert!(!forbidden(c, false), "{c:?}");
        }
        assert_eq!(describe('\0'), "U+0000, a control character");
        assert_eq!(describe('\u{fffe}'), "U+FFFE, a Unicode noncharacter");
    }

    #[test]
    fn sanitizing_keeps_words_apart() {
        let (text, replaced) = sanitize("AI\tOffice\u{7}\n", false);
        assert_eq!(text, "AI Office ");
        assert_eq!(replaced, ['\t', '\u{7}', '\n']);
        assert_eq!(visible("x\u{7}y\n"), "x\u{fffd}y\n");
        let (text, replaced) = sanitize("line\none", true);
        assert!(matches!(text, Cow::Borrowed("line\none")) && replaced.is_empty());
    }

    #[test]
    fn text_is_read_in_nfc() {
        assert_eq!(nfc("Cafe\u{301}"), "Café");
        assert!(matches!(nfc("Café"), Cow::Borrowed(_)));
    }

    #[test]
    fn sources_are_scanned_for_characters_and_their_escapes() {
        let at = |text: &str, escapes| -> Vec<(usize, usize, char)> {
            scan(text, escapes)
                .iter()
                .map(|f| (f.line, f.column, f.character))
                .collect()
        };
        assert_eq!(
            at("a,b\nc\u{7}d\r\ne\0", Escapes::None),
            [(2, 2, '\u{7}'), (3, 2, '\0')]
        );
        assert_eq!(
            at("<p>a&#7;b&#x1B;&#65;&#xFFFE;</p>", Escapes::Html),
            [(1, 5, '\u{7}'), (1, 10, '\u{1b}'), (1, 21, '\u{fffe}')]
        );
        assert_eq!(at("&#7", Escapes::Html), []);
        assert_eq!(
            at("\"x\\u0007\" \"\\U0000FFFF\" \"\\u00e9\" \\n", Escapes::Rdf),
            [(1, 3, '\u{7}'), (1, 12, '\u{ffff}')]
        );
        assert_eq!(at("a\\u0007", Escapes::Html), []);
        let (clean, found) = strip("a&#7;b\u{0}c", Escapes::Html);
        assert_eq!((clean.as_ref(), found.len()), ("abc", 2));
    }
}
