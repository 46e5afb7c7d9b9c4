//! A small YAML writer for entry front matter: block style only, every scalar
//! written plain when that is certainly safe, folded (`>-`) when long, and
//! double-quoted with escapes otherwise, so any text reads back unchanged.

use super::draft::{DraftFact, Tagged};

/// Values that would make a line longer than this are folded.
const FOLD_AT: usize = 100;
/// Folded lines are at most this long.
const WIDTH: usize = 78;

/// Builds front-matter text line by line.
#[derive(Debug, Default)]
pub struct Yaml {
    out: String,
}

impl Yaml {
    pub fn finish(self) -> String {
        self.out
    }

    pub fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// `key: value` at `indent`.
    pub fn pair(&mut self, indent: usize, key: &str, value: &str) {
        let prefix = format!("{}{}: ", " ".repeat(indent), key_text(key));
        self.value(&prefix, indent + 2, value);
    }

    /// `- key: value` at `indent`; further keys of the item go at `indent + 2`.
    pub fn item_pair(&mut self, indent: usize, key: &str, value: &str) {
        let prefix = format!("{}- {}: ", " ".repeat(indent), key_text(key));
        self.value(&prefix, indent + 4, value);
    }

    /// `key:` and one `- item` line per item.
    pub fn list(&mut self, indent: usize, key: &str, items: &[String]) {
        self.line(&format!("{}{}:", " ".repeat(indent), key_text(key)));
        for item in items {
            let prefix = format!("{}- ", " ".repeat(indent + 2));
            self.value(&prefix, indent + 4, item);
        }
    }

    /// Texts in one language or several: `key: text` (or a list with `many`)
    /// when all are in `default_language`, else one key per language.
    pub fn texts(&mut self, key: &str, texts: &[Tagged], default_language: &str, many: bool) {
        self.texts_at(0, key, texts, default_language, many);
    }

    /// [`Yaml::texts`] with `key` at `indent`.
    pub fn texts_at(
        &mut self,
        indent: usize,
        key: &str,
        texts: &[Tagged],
        default_language: &str,
        many: bool,
    ) {
        if texts.is_empty() {
            return;
        }
        let all_default = texts.iter().all(|t| t.lang == default_language);
        let values = |lang: &str| -> Vec<String> {
            texts
                .iter()
                .filter(|t| t.lang == lang)
                .map(|t| t.text.clone())
                .collect()
        };
        if all_default {
            let values = values(default_language);
            if many {
                self.list(indent, key, &values);
            } else {
                self.pair(indent, key, &values[0]);
            }
            return;
        }
        self.line(&format!("{}{}:", " ".repeat(indent), key_text(key)));
        let mut langs: Vec<&str> = Vec::new();
        for t in texts {
            if !langs.contains(&t.lang.as_str()) {
                langs.push(&t.lang);
            }
        }
        for lang in langs {
            let values = values(lang);
            if many {
                self.list(indent + 2, lang, &values);
            } else {
                self.pair(indent + 2, lang, &values[0]);
            }
        }
    }

    /// A key fact: `- Label: value`, or the long form with targets.
    pub fn fact(&mut self, fact: &DraftFact) {
        if fact.targets.is_empty() && fact.label.chars().count() <= 200 {
            self.item_pair(2, &fact.label, &fact.value);
        } else {
            self.item_pair(2, "label", &fact.label);
            self.pair(4, "value", &fact.value);
            if !fact.targets.is_empty() {
                self.list(4, "targets", &fact.targets);
            }
        }
    }

    /// Writes `value` after `prefix`: plain, quoted, or folded onto lines at `indent`.
    fn value(&mut self, prefix: &str, indent: usize, value: &str) {
        let room = WIDTH.saturating_sub(indent).max(20);
        if prefix.chars().count() + value.chars().count() > FOLD_AT && fold_safe(value) {
            self.out.push_str(prefix);
            self.out.push_str(">-\n");
            for line in wrap(value, room) {
                self.out.push_str(&" ".repeat(indent));
                self.out.push_str(&line);
                self.out.push('\n');
            }
        } else {
            self.out.push_str(prefix);
            self.out.push_str(&scalar(value));
            self.out.push('\n');
        }
    }
}

/// A mapping key: plain if safe, else double-quoted.
fn key_text(key: &str) -> String {
    scalar(key)
}

/// One scalar: plain when it certainly reads back as the same text, else double-quoted.
pub fn scalar(text: &str) -> String {
    if plain_safe(text) {
        text.to_owned()
    } else {
        quoted(text)
    }
}

/// Whether `text` can be written as a plain scalar in block context and read
/// back as exactly itself (and as text, never null, a boolean or a number).
fn plain_safe(text: &str) -> bool {
    const RESERVED: &[&str] = &[
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n",
    ];
    let Some(first) = text.chars().next() else {
        return false;
    };
    !(text.trim() != text
        || "-?:,[]{}#&*!|>'\"%@`.+".contains(first)
        || first.is_ascii_digit()
        || text.contains(": ")
        || text.ends_with(':')
        || text.contains(" #")
        || text.chars().any(needs_escape)
        || text.contains('\t')
        || RESERVED.iter().any(|r| r.eq_ignore_ascii_case(text)))
}

/// Characters written as escapes in double-quoted scalars: controls, line and
/// paragraph separators, the byte-order mark.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// A double-quoted scalar with every special character escaped.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `text` survives folding: single spaces between words, nothing to escape.
fn fold_safe(text: &str) -> bool {
    !text.is_empty()
        && text.trim() == text
        && !text.contains("  ")
        && !text.chars().any(|c| needs_escape(c) || c == '\t')
}

/// Splits text at single spaces into lines of at most `width` characters
/// (a longer word gets a line of its own).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::yaml::{Value, parse};

    fn read_back(yaml: &str) -> Vec<(String, String)> {
        let node = parse(yaml).unwrap_or_else(|e| panic!("{e:?} in\n{yaml}"));
        let Value::Map(pairs) = node.value else {
            panic!("not a mapping: {yaml}")
        };
        pairs
            .into_iter()
            .map(|(k, v)| (k.text, v.as_text().unwrap_or_default().to_owned()))
            .collect()
    }

    const TRICKY: &[&str] = &[
        "plain words",
        "Often heard: a claim",
        "ends with colon:",
        "# not a comment",
        "a # b",
        "- dash",
        "? question",
        "'single' start",
        "\"double\" start",
        "null",
        "NULL",
        "~",
        "true",
        "no",
        "123",
        "1.5e3",
        ".inf",
        "+1",
        "0x1F",
        "  leading space",
        "trailing space ",
        "tab\there",
        "line\nbreak",
        "back\\slash",
        "quote \" inside",
        "control \u{7} bell",
        "nel \u{85} next line",
        "separator \u{2028} here",
        "bom \u{feff} here",
        "[flow] start",
        "{brace",
        "*alias",
        "&anchor",
        "!tag",
        "%directive",
        "@at",
        "`tick",
        "|literal",
        ">folded",
        "https://example.org/a#b",
        "The Act’s advisory and board bodies — ‘quoted’ ünïcödé 日本語",
        "---",
        "...",
        "",
    ];

    #[test]
    fn every_tricky_scalar_reads_back_unchanged() {
        for text in TRICKY {
            let yaml = format!("key: {}\n{}: value\n", scalar(text), scalar(text));
            let pairs = read_back(&yaml);
            assert_eq!(pairs[0].1, *text, "value {text:?} written as {yaml}");
            if !text.is_empty() {
                assert_eq!(pairs[1].0, *text, "key {text:?} written as {yaml}");
            }
        }
    }

    #[test]
    fn long_text_is_folded_and_reads_back() {
        let text = "The AI Office sits within the European Commission rather than being a separate, standalone agency: it concentrates expertise — and #hashes, -dashes, 'quotes' and \"double quotes\" — inside the Commission’s structure.".repeat(3);
        let mut y = Yaml::default();
        y.pair(0, "definition", &text);
        let out = y.finish();
        assert!(out.starts_with("definition: >-\n  "), "{out}");
        assert!(out.lines().all(|l| l.chars().count() <= WIDTH), "{out}");
        assert_eq!(read_back(&out)[0].1, text);
    }

    #[test]
    fn unfoldable_long_text_is_quoted() {
        let text = format!("{}  double  spaces\nand a newline", "word ".repeat(30));
        let mut y = Yaml::default();
        y.pair(0, "definition", &text);
        let out = y.finish();
        assert!(out.starts_with("definition: \""), "{out}");
        assert_eq!(read_back(&out)[0].1, text);
    }

    #[test]
    fn wrap_keeps_words_whole() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("averyverylongword x", 5), ["averyverylongword", "x"]);
    }
}
