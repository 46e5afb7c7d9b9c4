//! Reads one entry file: YAML front matter between `---` lines, then a Markdown body.
//!
//! Every problem found is reported, not just the first, each with the line and
//! column where it is and what to do about it.

use super::markdown;
use super::model::{
    Entry, KeyFact, Mapping, MatchKind, Members, Misconception, Note, NoteKind, Relation, Source,
    Spanned, Text,
};
use super::yaml::{self, Key, Node, Value};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, LineIndex, Pos, did_you_mean};
use crate::iri::{id_from, is_slug};
use oxigraph::model::{Literal, NamedNode};
use std::path::Path;

/// Largest entry file accepted. Entries are pages of prose, not data dumps.
pub const MAX_ENTRY_BYTES: usize = 1024 * 1024;

/// The front-matter keys an entry may use, in the order the README documents them.
pub const KEYS: &[&str] = &[
    "term",
    "alt-labels",
    "hidden-labels",
    "definition",
    "register",
    "notation",
    "relations",
    "key-facts",
    "misconceptions",
    "sources",
    "mappings",
    "notes",
    "members",
    "ordered",
    "language",
    "deprecated",
    "replaced-by",
    "needs-review",
];

/// Keys that say what a concept is, which a collection (an entry with
/// `members:`) does not have.
const CONCEPT_KEYS: &[&str] = &[
    "register",
    "relations",
    "key-facts",
    "misconceptions",
    "mappings",
    "deprecated",
    "replaced-by",
];

/// What parsing an entry needs to know about its glossary.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// The language of text written without one.
    pub default_language: String,
}

impl ParseOptions {
    /// How the glossary with these settings parses its entries.
    pub fn of(config: &Config) -> Self {
        Self {
            default_language: config.default_language().to_owned(),
        }
    }
}

/// Parses an entry from its bytes. `path` names the file in messages; the
/// entry's id is its file name without `.md`.
pub fn parse_bytes(
    bytes: &[u8],
    path: &Path,
    options: &ParseOptions,
) -> Result<Entry, Vec<Diagnostic>> {
    if bytes.len() > MAX_ENTRY_BYTES {
        return Err(vec![
            Diagnostic::error(
                "source/too-large",
                path,
                Pos::new(1, 1),
                format!(
                    "entry file is {} bytes; entries may be at most {} bytes",
                    bytes.len(),
                    MAX_ENTRY_BYTES
                ),
            )
            .with_help("split the entry, or move reference material out of the glossary"),
        ]);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_str(text, path, options),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            // The prefix is valid UTF-8 by construction.
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let pos = LineIndex::new(valid).pos(valid.len());
            Err(vec![
                Diagnostic::error("source/encoding", path, pos, "the file is not valid UTF-8")
                    .with_help("save the file as UTF-8 text"),
            ])
        }
    }
}

/// Parses an entry from its text.
pub fn parse_str(
    text: &str,
    path: &Path,
    options: &ParseOptions,
) -> Result<Entry, Vec<Diagnostic>> {
    let mut r = Reader {
        path,
        diagnostics: Vec::new(),
        line_offset: 1,
    };
    let id = r.id();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Text that looks the same is the same: `Cafe\u{301}` is read as `Café`.
    let text = crate::text::nfc(text);
    let text = text.as_ref();
    let Some((front, body, body_line)) = r.split(text) else {
        return Err(r.diagnostics);
    };
    let root = match yaml::parse_at(front, r.line_offset) {
        Ok(root) => root,
        Err(e) => {
            let pos = r.at(e.pos);
            r.diagnostics
                .push(Diagnostic::error("source/yaml", path, pos, e.message).with_help(e.help));
            return Err(r.diagnostics);
        }
    };
    let mut entry = Entry {
        id: id.unwrap_or_default(),
        path: path.to_owned(),
        language: options.default_language.clone(),
        terms: Vec::new(),
        alt_labels: Vec::new(),
        hidden_labels: Vec::new(),
        definitions: Vec::new(),
        register: None,
        notation: None,
        relations: Vec::new(),
        key_facts: Vec::new(),
        misconceptions: Vec::new(),
        sources: Vec::new(),
        mappings: Vec::new(),
        sections: Vec::new(),
        notes: Vec::new(),
        deprecated: None,
        replaced_by: None,
        needs_review: None,
        members: None,
    };
    r.front_matter(&root, &mut entry);
    match markdown::sections(body) {
        Ok(sections) => {
            entry.sections = sections
                .into_iter()
                .map(|mut s| {
                    s.pos.line += body_line - 1;
                    s
                })
                .collect();
        }
        Err(errors) => {
            for e in errors {
                let pos = Pos::new(e.pos.line + body_line - 1, e.pos.column);
                r.diagnostics
                    .push(Diagnostic::error("source/body", path, pos, e.message).with_help(e.help));
            }
        }
    }
    if r.diagnostics.iter().any(Diagnostic::is_error) {
        Err(r.diagnostics)
    } else {
        Ok(entry)
    }
}

struct Reader<'a> {
    path: &'a Path,
    diagnostics: Vec<Diagnostic>,
    /// The file line on which the YAML text starts.
    line_offset: usize,
}

impl Reader<'_> {
    fn error(
        &mut self,
        code: &'static str,
        pos: Pos,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let pos = self.at(pos);
        self.diagnostics
            .push(Diagnostic::error(code, self.path, pos, message).with_help(help));
    }

    /// A position in the YAML text as a position in the file.
    fn at(&self, pos: Pos) -> Pos {
        Pos::new(pos.line + self.line_offset - 1, pos.column)
    }

    fn id(&mut self) -> Option<String> {
        let stem = self
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if is_slug(stem) {
            return Some(stem.to_owned());
        }
        let suggestion = id_from(stem, "");
        self.diagnostics.push(
            Diagnostic::error(
                "source/invalid-id",
                self.path,
                Pos::new(1, 1),
                format!("`{stem}` is not a valid entry id"),
            )
            .with_help(if suggestion.is_empty() {
                "name the file with lowercase letters, digits and hyphens, like `eu-ai-office.md`".to_owned()
            } else {
                format!("ids are lowercase letters, digits and single hyphens; rename the file to `{suggestion}.md`")
            }),
        );
        None
    }

    /// Splits the text into front matter, body and the body's first line number.
    fn split<'t>(&mut self, text: &'t str) -> Option<(&'t str, &'t str, usize)> {
        if text.trim().is_empty() {
            self.diagnostics.push(
                Diagnostic::error("source/front-matter", self.path, Pos::new(1, 1), "the entry file is empty")
                    .with_help("write the front matter (a `---` line, `term:`, `definition:`, a `---` line), then `## sections`"),
            );
            return None;
        }
        let mut lines = text.split_inclusive('\n');
        let first = lines.next().unwrap_or_default();
        if first.trim_end() != "---" {
            self.diagnostics.push(
                Diagnostic::error(
                    "source/front-matter",
                    self.path,
                    Pos::new(1, 1),
                    "the entry does not start with a `---` line",
                )
                .with_help("begin the file with `---`, the YAML front matter (term, definition, …), then `---` and the body"),
            );
            return None;
        }
        self.line_offset = 2;
        let front_start = first.len();
        let mut offset = front_start;
        for (i, line) in lines.enumerate() {
            if line.trim_end() == "---" {
                let front = &text[front_start..offset];
                let body = &text[offset + line.len()..];
                return Some((front, body, i + 3));
            }
            offset += line.len();
        }
        self.diagnostics.push(
            Diagnostic::error(
                "source/front-matter",
                self.path,
                Pos::new(1, 1),
                "the front matter is not closed",
            )
            .with_help("add a line with only `---` after the YAML front matter"),
        );
        None
    }

    fn front_matter(&mut self, root: &Node, entry: &mut Entry) {
        let pairs = match &root.value {
            Value::Map(pairs) => pairs,
            Value::Null => {
                self.error(
                    "source/missing-term",
                    root.pos,
                    "the front matter is empty",
                    "write at least `term:` and `definition:` between the `---` lines",
                );
                return;
            }
            _ => {
                self.error(
                    "source/type",
                    root.pos,
                    format!(
                        "the front matter must be a mapping of keys, not {}",
                        root.kind()
                    ),
                    "write `key: value` lines, like `term: EU AI Office`",
                );
                return;
            }
        };
        // The language comes first: it is the default for the other fields.
        if let Some((_, node)) = pairs.iter().find(|(k, _)| k.text == "language")
            && let Some(lang) = self.language_tag(node)
        {
            entry.language = lang;
        }
        for (key, node) in pairs {
            match key.text.as_str() {
                "term" => entry.terms = self.texts(node, &entry.language, "term", false, false),
                "alt-labels" => {
                    entry.alt_labels = self.texts(node, &entry.language, "alt-labels", true, false)
                }
                "hidden-labels" => {
                    entry.hidden_labels =
                        self.texts(node, &entry.language, "hidden-labels", true, false)
                }
                "definition" => {
                    entry.definitions =
                        self.texts(node, &entry.language, "definition", false, false)
                }
                "register" => {
                    entry.register = self
                        .text(node, "register")
                        .map(|t| Spanned::new(t, self.at(node.pos)))
                }
                "notation" => {
                    entry.notation = self
                        .text(node, "notation")
                        .map(|t| Spanned::new(t, self.at(node.pos)))
                }
                "relations" => entry.relations = self.relations(node),
                "key-facts" => entry.key_facts = self.key_facts(node),
                "misconceptions" => entry.misconceptions = self.misconceptions(node),
                "sources" => entry.sources = self.sources(node),
                "mappings" => entry.mappings = self.mappings(node),
                "notes" => entry.notes = self.notes(node, &entry.language),
                "language" => {}
                "deprecated" => entry.deprecated = self.boolean(node, "deprecated"),
                "replaced-by" => entry.replaced_by = self.target(node),
                "needs-review" => {
                    entry.needs_review = self
                        .text(node, "needs-review")
                        .map(|t| Spanned::new(t, self.at(node.pos)))
                }
                "members" => {
                    let ids = self
                        .list(node, "members")
                        .into_iter()
                        .filter_map(|item| self.target(item))
                        .collect();
                    entry.members = Some(Members {
                        ids,
                        ordered: false,
                        pos: self.at(node.pos),
                    });
                }
                "ordered" => {}
                other => self.unknown_key(key, other, KEYS, "an entry"),
            }
        }
        self.collection(pairs, entry);
        // An entry marked for review may lack them; `check` says so.
        let reviewed = entry.needs_review.is_none();
        if reviewed && entry.terms.is_empty() && !pairs.iter().any(|(k, _)| k.text == "term") {
            self.error(
                "source/missing-term",
                root.pos,
                "the entry has no `term`",
                "add `term: <the preferred term>` to the front matter",
            );
        }
        // A collection is named, and need not be defined.
        if reviewed
            && !entry.is_collection()
            && entry.definitions.is_empty()
            && !pairs.iter().any(|(k, _)| k.text == "definition")
        {
            self.error(
                "source/missing-definition",
                root.pos,
                "the entry has no `definition`",
                "add `definition: <one plain-language sentence>` to the front matter",
            );
        }
        if entry.replaced_by.is_some() && !entry.deprecated.as_ref().is_some_and(|d| d.value) {
            let pos = entry.replaced_by.as_ref().map_or(root.pos, |r| r.pos);
            self.error(
                "source/replaced-by",
                pos,
                "`replaced-by` is set but the entry is not deprecated",
                "add `deprecated: true`, or remove `replaced-by`",
            );
        }
    }

    /// What makes the entry a collection: `ordered` applies to `members`,
    /// and keys that say what a concept is have no place beside them.
    fn collection(&mut self, pairs: &[(Key, Node)], entry: &mut Entry) {
        let ordered = pairs.iter().find(|(k, _)| k.text == "ordered");
        match (&mut entry.members, ordered) {
            (Some(members), Some((_, node))) => {
                members.ordered = self.boolean(node, "ordered").is_some_and(|b| b.value);
            }
            (None, Some((key, _))) => self.error(
                "source/ordered",
                key.pos,
                "`ordered` is set but the entry has no `members`",
                "`ordered: true` says a collection's members are in order; add `members:`, or remove `ordered`",
            ),
            _ => {}
        }
        if entry.is_collection() {
            for (key, _) in pairs
                .iter()
                .filter(|(k, _)| CONCEPT_KEYS.contains(&k.text.as_str()))
            {
                self.error(
                    "source/collection-key",
                    key.pos,
                    format!("`{}` is set on a collection (an entry with `members`)", key.text),
                    "a collection groups concepts and says nothing about them: move it to a member's entry, or remove `members` to make this entry a concept",
                );
            }
        }
    }

    fn unknown_key(&mut self, key: &Key, name: &str, known: &[&str], within: &str) {
        let help = match did_you_mean(name, known.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? Known keys: {}", known.join(", ")),
            None => format!("known keys: {}", known.join(", ")),
        };
        self.error(
            "source/unknown-key",
            key.pos,
            format!("unknown key `{name}` in {within}"),
            help,
        );
    }

    /// A non-empty scalar's text, in NFC (a quoted scalar's escapes may
    /// write what the file, read in NFC, does not).
    fn text(&mut self, node: &Node, field: &str) -> Option<String> {
        match &node.value {
            Value::Text { text, .. } if !text.trim().is_empty() => {
                Some(crate::text::nfc(text.trim()).into_owned())
            }
            Value::Text { .. } | Value::Null => {
                self.error(
                    "source/empty-value",
                    node.pos,
                    format!("`{field}` is empty"),
                    format!("write a value for `{field}`, or remove the key"),
                );
                None
            }
            _ => {
                self.error(
                    "source/type",
                    node.pos,
                    format!("`{field}` must be text, not {}", node.kind()),
                    format!("write `{field}: <text>`"),
                );
                None
            }
        }
    }

    fn boolean(&mut self, node: &Node, field: &str) -> Option<Spanned<bool>> {
        match node.as_text() {
            Some("true") => Some(Spanned::new(true, self.at(node.pos))),
            Some("false") => Some(Spanned::new(false, self.at(node.pos))),
            _ => {
                self.error(
                    "source/type",
                    node.pos,
                    format!("`{field}` must be `true` or `false`"),
                    format!("write `{field}: true`"),
                );
                None
            }
        }
    }

    fn language_tag(&mut self, node: &Node) -> Option<String> {
        let tag = self.text(node, "language")?;
        self.check_language(&tag, node.pos)
    }

    fn check_language(&mut self, tag: &str, pos: Pos) -> Option<String> {
        match Literal::new_language_tagged_literal("", tag) {
            Ok(literal) => literal.language().map(str::to_owned),
            Err(e) => {
                self.error(
                    "source/language-tag",
                    pos,
                    format!("`{tag}` is not a valid language tag ({e})"),
                    "use a BCP 47 tag such as `en`, `de` or `pt-BR`",
                );
                None
            }
        }
    }

    /// Text in the default language (`key: text`), or per language (`key: {en: text}`).
    /// With `many`, each language may have a list.
    /// `prose` keeps a text's line breaks (notes), where names and
    /// definitions keep single spaces.
    fn texts(
        &mut self,
        node: &Node,
        default_language: &str,
        field: &str,
        many: bool,
        prose: bool,
    ) -> Vec<Text> {
        if many && node.value == Value::Null {
            return Vec::new();
        }
        let mut out = Vec::new();
        match &node.value {
            Value::Map(pairs) => {
                for (key, value) in pairs {
                    let Some(lang) = self.check_language(&key.text, key.pos) else {
                        continue;
                    };
                    self.texts_in(value, &lang, field, many, prose, &mut out);
                }
            }
            _ => self.texts_in(node, default_language, field, many, prose, &mut out),
        }
        out
    }

    /// `notes:`: a mapping from kinds of note (`scope`, `example`, …) to texts,
    /// as `alt-labels` takes them (one, a list, or either per language). A
    /// note's text is kept as written, line breaks and all.
    fn notes(&mut self, node: &Node, default_language: &str) -> Vec<Note> {
        if node.value == Value::Null {
            return Vec::new();
        }
        let kinds: Vec<&str> = NoteKind::ALL.iter().map(|(k, _)| *k).collect();
        let Value::Map(pairs) = &node.value else {
            self.error(
                "source/type",
                node.pos,
                format!("`notes` must be a mapping, not {}", node.kind()),
                "write `notes:` then lines like `  scope: Used for …` (kinds: scope, example, history, editorial, change, note)",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, value) in pairs {
            let Some((_, kind)) = NoteKind::ALL.iter().find(|(k, _)| *k == key.text) else {
                self.unknown_key(key, &key.text, &kinds, "`notes`");
                continue;
            };
            let field = format!("notes.{}", key.text);
            let texts = self.texts(value, default_language, &field, true, true);
            out.extend(texts.into_iter().map(|text| Note { kind: *kind, text }));
        }
        out
    }

    fn texts_in(
        &mut self,
        node: &Node,
        lang: &str,
        field: &str,
        many: bool,
        prose: bool,
        out: &mut Vec<Text>,
    ) {
        match &node.value {
            Value::Seq(items) if many => {
                for item in items {
                    self.texts_in(item, lang, field, false, prose, out);
                }
            }
            Value::Seq(_) => self.error(
                "source/type",
                node.pos,
                format!("`{field}` must be one text per language, not a list"),
                format!("keep one `{field}` and move the others to `alt-labels`"),
            ),
            _ => {
                if let Some(value) = self.text(node, field) {
                    // Prose keeps the author's line breaks.
                    let value = if prose {
                        value.trim().to_owned()
                    } else {
                        collapse_whitespace(&value)
                    };
                    out.push(Text {
                        lang: lang.to_owned(),
                        value,
                        pos: self.at(node.pos),
                    });
                }
            }
        }
    }

    /// One or more scalars: `key: x` or `key: [x, y]`.
    fn list<'n>(&mut self, node: &'n Node, field: &str) -> Vec<&'n Node> {
        match &node.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Text { .. } => vec![node],
            Value::Null => {
                self.error(
                    "source/empty-value",
                    node.pos,
                    format!("`{field}` is empty"),
                    format!("list at least one value under `{field}`, or remove the key"),
                );
                Vec::new()
            }
            Value::Map(_) => {
                self.error(
                    "source/type",
                    node.pos,
                    format!("`{field}` must be a list, not a mapping"),
                    format!("write `{field}: [a, b]` or one `- item` per line"),
                );
                Vec::new()
            }
        }
    }

    fn target(&mut self, node: &Node) -> Option<Spanned<String>> {
        let id = self.text(node, "target")?;
        if is_slug(&id) {
            Some(Spanned::new(id, self.at(node.pos)))
        } else {
            let suggestion = id_from(&id, "");
            self.error(
                "source/invalid-target",
                node.pos,
                format!("`{id}` is not an entry id"),
                format!(
                    "refer to entries by their id (file name without `.md`), such as `{suggestion}`"
                ),
            );
            None
        }
    }

    fn relations(&mut self, node: &Node) -> Vec<Relation> {
        // An optional list left empty (`key:` with nothing after it) is just empty.
        if node.value == Value::Null {
            return Vec::new();
        }
        let Value::Map(pairs) = &node.value else {
            self.error(
                "source/type",
                node.pos,
                format!(
                    "`relations` must be a mapping of relation types to ids, not {}",
                    node.kind()
                ),
                "write `relations:` then lines like `  part-of: european-commission`",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, value) in pairs {
            for item in self.list(value, &key.text) {
                if let Some(target) = self.target(item) {
                    out.push(Relation {
                        key: Spanned::new(key.text.clone(), self.at(key.pos)),
                        target,
                    });
                }
            }
        }
        out
    }

    fn key_facts(&mut self, node: &Node) -> Vec<KeyFact> {
        // An optional list left empty (`key:` with nothing after it) is just empty.
        if node.value == Value::Null {
            return Vec::new();
        }
        let Value::Seq(items) = &node.value else {
            self.error(
                "source/type",
                node.pos,
                format!("`key-facts` must be a list, not {}", node.kind()),
                "write one `- Label: value` line per fact",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            if let Some(fact) = self.key_fact(item) {
                out.push(fact);
            }
        }
        out
    }

    fn key_fact(&mut self, node: &Node) -> Option<KeyFact> {
        const LONG_FORM: &[&str] = &["label", "value", "targets"];
        let help = "write `- Label: value`, or `label:`, `value:` and `targets:` on separate lines";
        let Value::Map(pairs) = &node.value else {
            self.error(
                "source/key-fact",
                node.pos,
                format!("a key fact must be `Label: value`, not {}", node.kind()),
                help,
            );
            return None;
        };
        let pos = self.at(node.pos);
        let long = pairs.iter().any(|(k, _)| k.text == "label")
            && pairs.iter().any(|(k, _)| k.text == "value");
        if long {
            let (mut label, mut value, mut targets) = (None, None, Vec::new());
            for (key, v) in pairs {
                match key.text.as_str() {
                    "label" => label = self.text(v, "label"),
                    "value" => value = self.text(v, "value"),
                    "targets" => {
                        for item in self.list(v, "targets") {
                            targets.extend(self.target(item));
                        }
                    }
                    other => self.unknown_key(key, other, LONG_FORM, "a key fact"),
                }
            }
            return Some(KeyFact {
                label: label?,
                value: collapse_whitespace(&value?),
                targets,
                pos,
            });
        }
        match pairs.as_slice() {
            [(key, v)] if !key.text.trim().is_empty() => Some(KeyFact {
                label: key.text.trim().to_owned(),
                value: collapse_whitespace(&self.text(v, &key.text)?),
                targets: Vec::new(),
                pos,
            }),
            _ => {
                self.error(
                    "source/key-fact",
                    node.pos,
                    "a key fact must have exactly one `Label: value`",
                    help,
                );
                None
            }
        }
    }

    fn misconceptions(&mut self, node: &Node) -> Vec<Misconception> {
        // An optional list left empty (`key:` with nothing after it) is just empty.
        if node.value == Value::Null {
            return Vec::new();
        }
        const KEYS: &[&str] = &["often-heard", "actually"];
        let Value::Seq(items) = &node.value else {
            self.error(
                "source/type",
                node.pos,
                format!("`misconceptions` must be a list, not {}", node.kind()),
                "write `- often-heard: …` with `actually: …` under it, per misconception",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let Value::Map(pairs) = &item.value else {
                self.error(
                    "source/misconception",
                    item.pos,
                    format!("a misconception must be a mapping, not {}", item.kind()),
                    "write `- often-heard: …` with `actually: …` under it",
                );
                continue;
            };
            let (mut claim, mut correction) = (None, None);
            for (key, v) in pairs {
                match key.text.as_str() {
                    "often-heard" => claim = self.text(v, "often-heard"),
                    "actually" => correction = self.text(v, "actually"),
                    other => self.unknown_key(key, other, KEYS, "a misconception"),
                }
            }
            for (missing, what) in [
                (claim.is_none(), "often-heard"),
                (correction.is_none(), "actually"),
            ] {
                if missing && !pairs.iter().any(|(k, _)| k.text == what) {
                    self.error(
                        "source/misconception",
                        item.pos,
                        format!("a misconception without `{what}`"),
                        "each misconception needs both `often-heard:` (the claim) and `actually:` (the correction)",
                    );
                }
            }
            if let (Some(claim), Some(correction)) = (claim, correction) {
                out.push(Misconception {
                    claim: collapse_whitespace(&claim),
                    correction: collapse_whitespace(&correction),
                    pos: self.at(item.pos),
                });
            }
        }
        out
    }

    fn sources(&mut self, node: &Node) -> Vec<Spanned<Source>> {
        // An optional list left empty (`key:` with nothing after it) is just empty.
        if node.value == Value::Null {
            return Vec::new();
        }
        let mut out = Vec::new();
        for item in self.list(node, "sources") {
            let Some(text) = self.text(item, "source") else {
                continue;
            };
            if let Some((number, point)) = article_citation(&text) {
                out.push(Spanned::new(
                    Source::Article {
                        text,
                        number,
                        point,
                    },
                    self.at(item.pos),
                ));
            } else if text.starts_with("http://") || text.starts_with("https://") {
                match NamedNode::new(&text) {
                    Ok(_) => out.push(Spanned::new(Source::Iri(text), self.at(item.pos))),
                    Err(e) => self.error(
                        "source/source-citation",
                        item.pos,
                        format!("`{text}` is not a valid IRI ({e})"),
                        "write the source's full address, with spaces and special characters percent-encoded",
                    ),
                }
            } else {
                self.error(
                    "source/source-citation",
                    item.pos,
                    format!("`{text}` is neither an Article nor an IRI"),
                    "cite an Article as `Article 64` or `Article 3(47)`, or give an http(s) IRI",
                );
            }
        }
        out
    }

    fn mappings(&mut self, node: &Node) -> Vec<Mapping> {
        // An optional list left empty (`key:` with nothing after it) is just empty.
        if node.value == Value::Null {
            return Vec::new();
        }
        let kinds: Vec<&str> = MatchKind::ALL.iter().map(|(k, _)| *k).collect();
        let Value::Map(pairs) = &node.value else {
            self.error(
                "source/type",
                node.pos,
                format!("`mappings` must be a mapping, not {}", node.kind()),
                "write `mappings:` then lines like `  exact: [https://…]`",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, value) in pairs {
            let Some((_, kind)) = MatchKind::ALL.iter().find(|(k, _)| *k == key.text) else {
                self.unknown_key(key, &key.text, &kinds, "`mappings`");
                continue;
            };
            for item in self.list(value, &key.text) {
                let Some(iri) = self.text(item, &key.text) else {
                    continue;
                };
                match NamedNode::new(&iri) {
                    Ok(_) if iri.contains(':') => out.push(Mapping {
                        kind: *kind,
                        iri,
                        pos: self.at(item.pos),
                    }),
                    Ok(_) => self.error(
                        "source/mapping-iri",
                        item.pos,
                        format!("`{iri}` is not an absolute IRI"),
                        "write the full IRI of the other vocabulary's concept, starting with `https://`",
                    ),
                    Err(e) => self.error(
                        "source/mapping-iri",
                        item.pos,
                        format!("`{iri}` is not a valid IRI ({e})"),
                        "write the full IRI of the other vocabulary's concept, starting with `https://`",
                    ),
                }
            }
        }
        out
    }
}

/// The Article number and the point within it in `Article 64`, `Art. 3(47)`
/// or `article 5(1)(a)`: (64, ""), (3, "(47)"), (5, "(1)(a)").
pub fn article_citation(text: &str) -> Option<(u32, String)> {
    let lower = text.to_lowercase();
    let rest = ["article ", "art. ", "art "]
        .iter()
        .find_map(|prefix| lower.strip_prefix(prefix))?
        .trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let tail = rest[digits.len()..].trim();
    let tail_ok = tail.is_empty() || (tail.starts_with('(') && tail.ends_with(')'));
    if digits.is_empty() || !tail_ok || tail.contains(char::is_whitespace) {
        return None;
    }
    let number = digits.parse().ok().filter(|n| *n > 0)?;
    Some((number, tail.to_owned()))
}

/// Single spaces in place of runs of whitespace (YAML's folded text keeps some newlines).
fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ParseOptions {
        ParseOptions {
            default_language: "en".into(),
        }
    }

    fn parse(text: &str) -> Result<Entry, Vec<Diagnostic>> {
        parse_str(text, Path::new("entries/test-entry.md"), &options())
    }

    fn messages(text: &str) -> Vec<String> {
        parse(text)
            .unwrap_err()
            .iter()
            .map(|d| format!("{}:{}: {}", d.pos.line, d.pos.column, d.message))
            .collect()
    }

    const FULL: &str = "---
term:
  en: AI Office
  de: KI-Büro
alt-labels: [European AI Office]
definition: >-
  The Commission body
  for general-purpose AI.
register: plain-language
relations:
  part-of: european-commission
  works-with: [european-ai-board, advisory-forum]
key-facts:
  - Location: within the Commission
  - label: Works with
    value: the Board
    targets: [european-ai-board]
misconceptions:
  - often-heard: It is an agency.
    actually: It is not.
sources: [Article 64, Art. 3(47), https://example.org/x]
mappings:
  exact: [https://w3id.org/dpv/legal/eu/aiact#AIOffice]
---

## What it is

Prose.
";

    #[test]
    fn reads_every_part_of_a_full_entry() {
        let entry = parse(FULL).unwrap();
        assert_eq!(entry.id, "test-entry");
        assert_eq!(entry.term("en"), Some("AI Office"));
        assert_eq!(entry.term("de"), Some("KI-Büro"));
        assert_eq!(entry.terms[0].pos, Pos::new(3, 7));
        assert_eq!(entry.alt_labels[0].value, "European AI Office");
        assert_eq!(
            entry.definitions[0].value,
            "The Commission body for general-purpose AI."
        );
        assert_eq!(entry.register.as_ref().unwrap().value, "plain-language");
        let relations: Vec<_> = entry
            .relations
            .iter()
            .map(|r| {
                (
                    r.key.value.as_str(),
                    r.target.value.as_str(),
                    r.target.pos.line,
                )
            })
            .collect();
        assert_eq!(
            relations,
            [
                ("part-of", "european-commission", 11),
                ("works-with", "european-ai-board", 12),
                ("works-with", "advisory-forum", 12)
            ]
        );
        assert_eq!(entry.key_facts.len(), 2);
        assert_eq!(entry.key_facts[0].label, "Location");
        assert_eq!(entry.key_facts[1].targets[0].value, "european-ai-board");
        assert_eq!(entry.misconceptions[0].correction, "It is not.");
        assert_eq!(
            entry
                .sources
                .iter()
                .map(|s| s.value.clone())
                .collect::<Vec<_>>(),
            [
                Source::Article {
                    text: "Article 64".into(),
                    number: 64,
                    point: String::new(),
                },
                Source::Article {
                    text: "Art. 3(47)".into(),
                    number: 3,
                    point: "(47)".into(),
                },
                Source::Iri("https://example.org/x".into())
            ]
        );
        assert_eq!(entry.mappings[0].kind, MatchKind::Exact);
        assert_eq!(entry.sections[0].title, "What it is");
        assert_eq!(entry.sections[0].pos, Pos::new(26, 1));
    }

    #[test]
    fn reports_every_problem_with_its_position() {
        let text = "---
term: X
definiton: typo
relations:
  part-of: Not An Id
key-facts:
  - just text
misconceptions:
  - often-heard: claim only
sources: [Annex III]
mappings:
  exact: [not an iri]
---
## A

text
";
        assert_eq!(
            messages(text),
            [
                "3:1: unknown key `definiton` in an entry",
                "5:12: `Not An Id` is not an entry id",
                "7:5: a key fact must be `Label: value`, not text",
                "9:5: a misconception without `actually`",
                "10:11: `Annex III` is neither an Article nor an IRI",
                "12:11: `not an iri` is not a valid IRI (Invalid IRI code point ' ')",
                "2:1: the entry has no `definition`",
            ]
        );
    }

    #[test]
    fn front_matter_must_open_and_close() {
        assert_eq!(
            messages("term: x\n"),
            ["1:1: the entry does not start with a `---` line"]
        );
        assert_eq!(
            messages("---\nterm: x\n"),
            ["1:1: the front matter is not closed"]
        );
    }

    #[test]
    fn yaml_errors_are_located_in_the_file() {
        let errors = messages("---\nterm: x\ndefinition: a: b\n---\n");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("3:"), "{errors:?}");
        assert!(errors[0].contains("invalid YAML"), "{errors:?}");
        // An unclosed `[` is reported where it is, not where the parser gives up.
        assert_eq!(
            messages("---\nterm: x\nalt-labels: [a, \"b]\"\ndefinition: y\n---\n"),
            ["3:13: this `[` is never closed with `]`"]
        );
        assert_eq!(
            messages("---\nterm: x\ndefinition: [a\n---\n"),
            ["3:13: this `[` is never closed with `]`"]
        );
        // A list over two lines is fine, and an error after it is not blamed on it.
        let later = messages("---\nterm: x\nalt-labels: [a,\n  b]\ndefinition: a: b\n---\n");
        assert!(
            later[0].starts_with("5:") && later[0].contains("invalid YAML"),
            "{later:?}"
        );
    }

    #[test]
    fn ids_come_from_valid_file_names() {
        let err = parse_str(
            "---\nterm: x\ndefinition: y\n---\n",
            Path::new("AI Office.md"),
            &options(),
        )
        .unwrap_err();
        assert_eq!(err[0].code, "source/invalid-id");
        assert!(err[0].help.as_deref().unwrap().contains("ai-office.md"));
    }

    #[test]
    fn a_bom_and_crlf_line_ends_are_accepted() {
        let text = "\u{feff}---\r\nterm: x\r\ndefinition: y\r\n---\r\n## A\r\n\r\ntext\r\n";
        let entry = parse(text).unwrap();
        assert_eq!(entry.term("en"), Some("x"));
        assert_eq!(entry.sections[0].markdown, "text");
    }

    #[test]
    fn text_is_read_in_nfc() {
        let text = "---\nterm: \"Cafe\\u0301\"\ndefinition: A cafe\u{301}.\n---\n## A\n\nq\u{307}\u{323}\n";
        let entry = parse(text).unwrap();
        assert_eq!(entry.term("en"), Some("Caf\u{e9}"));
        assert_eq!(entry.definitions[0].value, "A caf\u{e9}.");
        assert_eq!(entry.sections[0].markdown, "q\u{323}\u{307}");
    }

    #[test]
    fn invalid_utf8_is_located() {
        let err = parse_bytes(b"---\nterm: caf\xe9\n", Path::new("x.md"), &options()).unwrap_err();
        assert_eq!(err[0].code, "source/encoding");
        assert_eq!(err[0].pos, Pos::new(2, 10));
    }

    #[test]
    fn language_tags_are_validated_and_lowercased() {
        let entry = parse("---\nterm: {EN: a}\ndefinition: b\n---\n").unwrap();
        assert_eq!(entry.terms[0].lang, "en");
        assert_eq!(
            messages("---\nterm: {e n: a}\ndefinition: b\n---\n").len(),
            1
        );
    }

    #[test]
    fn article_citations() {
        let cited = |text: &str| article_citation(text).map(|(n, p)| (n, p.to_owned()));
        assert_eq!(cited("Article 64"), Some((64, String::new())));
        assert_eq!(cited("Art. 3(47)"), Some((3, "(47)".into())));
        assert_eq!(cited("article 5(1)(a)"), Some((5, "(1)(a)".into())));
        assert_eq!(cited("Article 3 (47)"), Some((3, "(47)".into())));
        assert_eq!(cited("Article"), None);
        assert_eq!(cited("Article 64 and 65"), None);
        assert_eq!(cited("Article 5(1) (a)"), None);
    }
}
