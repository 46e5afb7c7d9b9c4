//! `glossary.toml`: the scheme's metadata, base IRI, languages and paths.
//!
//! Layer: what a glossary is, beside `ontology`; above the leaves (`iri`, `input`, `diagnostic`).

use crate::diagnostic::{Diagnostic, LineIndex, Pos};
use crate::iri::Base;
use oxigraph::model::{Literal, NamedNode};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// The settings of one glossary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The base IRI, under which every IRI of the glossary is minted.
    pub base: Base,
    /// Language tags in fallback order; never empty.
    pub languages: Vec<String>,
    pub title: BTreeMap<String, String>,
    pub description: BTreeMap<String, String>,
    pub version: Option<String>,
    pub license: Option<String>,
    /// `xsd:date` lexical forms.
    pub created: Option<String>,
    pub modified: Option<String>,
    pub publisher: Option<Publisher>,
    pub citations: Citations,
    /// Relative to the directory holding `glossary.toml`.
    pub entries_dir: String,
    pub queries_dir: String,
    /// RDF vocabulary files published beside the entries, as they are
    /// (relative to the folder holding `glossary.toml`).
    pub vocabularies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    pub name: String,
    pub url: Option<String>,
}

/// How cited Articles become IRIs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Citations {
    /// The act itself, for `dcterms:source` of the scheme.
    pub act: Option<String>,
    /// A template with `{}` where the Article number goes.
    pub article: Option<String>,
}

impl Citations {
    /// The IRI of Article `number`, if articles are configured.
    pub fn article_iri(&self, number: u32) -> Option<String> {
        self.article
            .as_ref()
            .map(|t| t.replacen("{}", &number.to_string(), 1))
    }
}

impl Config {
    /// The default language: the first configured one.
    pub fn default_language(&self) -> &str {
        &self.languages[0]
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    base: Spanned<String>,
    languages: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    title: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    description: BTreeMap<Spanned<String>, Spanned<String>>,
    version: Option<Spanned<String>>,
    license: Option<Spanned<String>>,
    created: Option<Spanned<DateValue>>,
    modified: Option<Spanned<DateValue>>,
    publisher: Option<RawPublisher>,
    #[serde(default)]
    citations: RawCitations,
    #[serde(default)]
    paths: RawPaths,
    #[serde(default)]
    vocabularies: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DateValue {
    Date(toml::value::Datetime),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublisher {
    name: Spanned<String>,
    url: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCitations {
    act: Option<Spanned<String>>,
    article: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPaths {
    #[serde(default = "default_entries")]
    entries: String,
    #[serde(default = "default_queries")]
    queries: String,
}

impl Default for RawPaths {
    fn default() -> Self {
        Self {
            entries: default_entries(),
            queries: default_queries(),
        }
    }
}

fn default_entries() -> String {
    "entries".into()
}

fn default_queries() -> String {
    "../queries".into()
}

/// Parses `glossary.toml` text; `path` names it in messages.
pub fn parse_str(text: &str, path: &Path) -> Result<Config, Vec<Diagnostic>> {
    let lines = LineIndex::new(text);
    let at = |span: std::ops::Range<usize>| lines.pos(span.start);
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let pos = e.span().map_or(Pos::new(1, 1), at);
        vec![
            Diagnostic::error("config/syntax", path, pos, e.message().trim().to_owned())
                .with_help("see the `glossary.toml` section of README.md for every setting"),
        ]
    })?;
    let mut errors = Vec::new();
    let mut error = |span: std::ops::Range<usize>, message: String, help: &str| {
        errors.push(Diagnostic::error("config/value", path, at(span), message).with_help(help));
    };

    let base = raw.base.get_ref().clone();
    if NamedNode::new(&base).is_err() || !base.contains("://") || !base.ends_with('/') {
        error(
            raw.base.span(),
            format!("`base` is `{base}`, not an absolute IRI ending in `/`"),
            "write the address the glossary is published at, like `https://glossary.example.org/`",
        );
    } else if base.contains(['?', '#']) {
        // Concept IRIs extend the base's path, and their parts add a
        // fragment (`…/concept/x#section-1`): a second `#` makes no IRI.
        error(
            raw.base.span(),
            format!("`base` is `{base}`, which has a query or fragment (`?`, `#`)"),
            "write the address the glossary is published at, a path ending in `/`, like `https://glossary.example.org/terms/`",
        );
    }
    let mut languages: Vec<String> = Vec::new();
    for tag in raw.languages.get_ref() {
        match Literal::new_language_tagged_literal("", tag.get_ref()) {
            Ok(l) => {
                let tag_text = l.language().unwrap_or_default().to_owned();
                if languages.contains(&tag_text) {
                    error(
                        tag.span(),
                        format!("language `{tag_text}` is listed twice"),
                        "list each language once",
                    );
                }
                languages.push(tag_text);
            }
            Err(e) => error(
                tag.span(),
                format!("`{}` is not a valid language tag ({e})", tag.get_ref()),
                "use BCP 47 tags such as `en`, `de` or `pt-BR`",
            ),
        }
    }
    if raw.languages.get_ref().is_empty() {
        error(
            raw.languages.span(),
            "`languages` is empty".into(),
            "list at least one language, like `languages = [\"en\"]`",
        );
    }
    // Published text holds no control character or noncharacter (`crate::text`).
    let text = |value: Spanned<String>,
                key: &str,
                errors: &mut dyn FnMut(std::ops::Range<usize>, String, &str)| {
        if let Some(c) = crate::text::first_forbidden(value.get_ref(), true) {
            errors(
                value.span(),
                format!(
                    "`{key}` holds {}, which published text may not hold",
                    crate::text::describe(c)
                ),
                "delete it (or the `\\u` escape that writes it)",
            );
        }
        value.into_inner()
    };
    let tagged = |map: BTreeMap<Spanned<String>, Spanned<String>>,
                  key: &str,
                  errors: &mut dyn FnMut(std::ops::Range<usize>, String, &str)| {
        let mut out = BTreeMap::new();
        for (tag, value) in map {
            let value = text(value, &format!("{key}.{}", tag.get_ref()), errors);
            match Literal::new_language_tagged_literal("", tag.get_ref()) {
                Ok(l) => {
                    out.insert(l.language().unwrap_or_default().to_owned(), value);
                }
                Err(e) => errors(
                    tag.span(),
                    format!("`{}` is not a valid language tag ({e})", tag.get_ref()),
                    "use BCP 47 tags such as `en`, `de` or `pt-BR`",
                ),
            }
        }
        out
    };
    let title = tagged(raw.title, "title", &mut error);
    let description = tagged(raw.description, "description", &mut error);
    let version = raw.version.map(|v| text(v, "version", &mut error));
    let publisher_name = raw
        .publisher
        .as_ref()
        .map(|p| text(p.name.clone(), "publisher.name", &mut error));
    if title.is_empty() {
        error(
            0..0,
            "the glossary has no title".into(),
            "add a `[title]` table with `en = \"…\"` (one line per language)",
        );
    }
    let mut iri = |value: Option<Spanned<String>>, key: &str| {
        let value = value?;
        if NamedNode::new(value.get_ref()).is_ok() && value.get_ref().contains(':') {
            Some(value.into_inner())
        } else {
            error(
                value.span(),
                format!("`{key}` is `{}`, not an absolute IRI", value.get_ref()),
                "write a full address starting with `https://`",
            );
            None
        }
    };
    let license = iri(raw.license, "license");
    let publisher_url = raw.publisher.as_ref().and_then(|p| p.url.clone());
    let publisher_url = iri(publisher_url, "publisher.url");
    let act = iri(raw.citations.act, "citations.act");
    let article = match raw.citations.article {
        Some(t) if !t.get_ref().contains("{}") => {
            error(
                t.span(),
                "`citations.article` has no `{}` for the Article number".into(),
                "write a template like `http://data.europa.eu/eli/reg/2024/1689/art_{}/oj`",
            );
            None
        }
        Some(t) => {
            let example = t.get_ref().replacen("{}", "1", 1);
            if NamedNode::new(&example).is_ok() && example.contains(':') {
                Some(t.into_inner())
            } else {
                error(
                    t.span(),
                    format!("`citations.article` does not make an IRI (`{example}`)"),
                    "write a template like `http://data.europa.eu/eli/reg/2024/1689/art_{}/oj`",
                );
                None
            }
        }
        None => None,
    };
    let mut date = |value: Option<Spanned<DateValue>>, key: &str| {
        let value = value?;
        let span = value.span();
        let text = match value.into_inner() {
            DateValue::Date(d) => d.to_string(),
            DateValue::Text(t) => t,
        };
        let ok = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if ok {
            Some(text)
        } else {
            error(
                span,
                format!("`{key}` is `{text}`, not a date"),
                "write dates as `YYYY-MM-DD`",
            );
            None
        }
    };
    let created = date(raw.created, "created");
    let modified = date(raw.modified, "modified");
    for file in &raw.vocabularies {
        if crate::input::format_from_path(file.get_ref()).is_none() {
            error(
                file.span(),
                format!("`{}` is not an RDF file glossgraph reads", file.get_ref()),
                &format!("list {} files", crate::input::EXTENSIONS),
            );
        }
    }
    if !errors.is_empty() {
        crate::diagnostic::sort(&mut errors);
        return Err(errors);
    }
    Ok(Config {
        base: Base::new(base),
        languages,
        title,
        description,
        version,
        license,
        created,
        modified,
        publisher: publisher_name.map(|name| Publisher {
            name,
            url: publisher_url,
        }),
        citations: Citations { act, article },
        entries_dir: raw.paths.entries,
        queries_dir: raw.paths.queries,
        vocabularies: raw
            .vocabularies
            .into_iter()
            .map(Spanned::into_inner)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str =
        "base = \"https://g.example/\"\nlanguages = [\"en\", \"DE\"]\n[title]\nen = \"G\"\n";

    #[test]
    fn published_text_holds_no_control_character() {
        let text = "base = \"https://g.example/\"\nlanguages = [\"en\"]\nversion = \"1\\u0000\"\n[title]\nen = \"G\\u0007\"\n[publisher]\nname = \"P\\uFFFE\"\n";
        let errors = parse_str(text, Path::new("glossary.toml")).unwrap_err();
        let said: Vec<String> = errors
            .iter()
            .map(|d| format!("{}:{} {}", d.pos.line, d.pos.column, d.message))
            .collect();
        assert_eq!(
            said,
            [
                "3:11 `version` holds U+0000, a control character, which published text may not hold",
                "5:6 `title.en` holds U+0007, a control character, which published text may not hold",
                "7:8 `publisher.name` holds U+FFFE, a Unicode noncharacter, which published text may not hold",
            ]
        );
    }

    #[test]
    fn reads_a_minimal_config_with_defaults() {
        let config = parse_str(MINIMAL, Path::new("glossary.toml")).unwrap();
        assert_eq!(config.languages, ["en", "de"]);
        assert_eq!(config.default_language(), "en");
        assert_eq!(config.entries_dir, "entries");
        assert_eq!(config.base.as_str(), "https://g.example/");
    }

    #[test]
    fn locates_bad_values() {
        let text = "base = \"g.example\"\nlanguages = [\"en\", \"e n\"]\ncreated = \"26 Nov\"\n[title]\nen = \"G\"\n[citations]\narticle = \"http://x/art\"\n";
        let errors = parse_str(text, Path::new("glossary.toml")).unwrap_err();
        let found: Vec<_> = errors
            .iter()
            .map(|d| (d.pos.line, d.message.as_str()))
            .collect();
        assert_eq!(
            found[0],
            (
                1,
                "`base` is `g.example`, not an absolute IRI ending in `/`"
            )
        );
        assert_eq!(found[1].0, 2);
        assert!(found.iter().any(|(l, m)| *l == 7 && m.contains("no `{}`")));
        assert!(
            found
                .iter()
                .any(|(l, m)| *l == 3 && m.contains("not a date"))
        );
    }

    /// Found by fuzzing (fuzz/regressions/config/base-with-fragment.toml):
    /// a base with a fragment made concept parts with two.
    #[test]
    fn a_base_with_a_query_or_fragment_is_refused() {
        for base in ["https://g.example/#x/", "https://g.example/?a=b/"] {
            let text = MINIMAL.replace("https://g.example/", base);
            let errors = parse_str(&text, Path::new("glossary.toml")).unwrap_err();
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].pos.line, 1);
            assert!(
                errors[0].message.contains("has a query or fragment"),
                "{}",
                errors[0].message
            );
        }
    }

    #[test]
    fn unknown_settings_are_errors_with_their_line() {
        let errors = parse_str(&format!("colour = 1\n{MINIMAL}"), Path::new("g.toml")).unwrap_err();
        assert!(
            errors[0].message.contains("unknown field `colour`"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn article_iris_fill_the_template() {
        let citations = Citations {
            act: None,
            article: Some("http://data.europa.eu/eli/reg/2024/1689/art_{}/oj".into()),
        };
        assert_eq!(
            citations.article_iri(64).as_deref(),
            Some("http://data.europa.eu/eli/reg/2024/1689/art_64/oj")
        );
    }
}
