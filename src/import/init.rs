//! `glossgraph init DIR`: a new glossary folder that `glossgraph serve` publishes
//! at once: `glossary.toml` with every setting explained, one example entry and
//! one named query.

use super::error::ImportError;
use super::write::{self, Planned};
use std::fmt;
use std::path::{Path, PathBuf};

/// The example entry's id.
pub const EXAMPLE_ID: &str = "linked-data";

/// What the new glossary is called and where it will be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitOptions {
    /// The address the glossary will be published at, ending in `/`.
    pub base: String,
    /// The glossary's title.
    pub title: String,
    /// The glossary's first language.
    pub language: String,
    /// Overwrite the settings, example entry and query if they exist.
    pub force: bool,
}

impl Default for InitOptions {
    fn default() -> Self {
        Self {
            base: "https://glossary.example.org/".into(),
            title: "My glossary".into(),
            language: "en".into(),
            force: false,
        }
    }
}

/// The files `init` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitReport {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    /// Whether `base` is still the example address (no `--base` was given).
    pub example_base: bool,
}

impl fmt::Display for InitReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "created a glossary in {}:", self.dir.display())?;
        for file in &self.files {
            writeln!(f, "  {}", file.display())?;
        }
        let serve = format!("glossgraph --data {} serve", self.dir.display());
        if self.example_base {
            writeln!(
                f,
                "next: set `base` in glossary.toml to the address you will publish at, then run `{serve}`"
            )
        } else {
            writeln!(f, "next: run `{serve}`")
        }
    }
}

/// Creates a glossary in `dir` (which may exist, but must not hold a glossary
/// unless `force`). The settings and the example are checked before anything
/// is written.
pub fn init(dir: &Path, options: &InitOptions) -> Result<InitReport, ImportError> {
    let config_path = dir.join(crate::project::CONFIG_FILE);
    if config_path.exists() && !options.force {
        return Err(ImportError::Options(format!(
            "{} already holds a glossary ({} exists); pass --force to overwrite its settings and example, or choose another folder",
            dir.display(),
            config_path.display()
        )));
    }
    let language = options.language.trim().to_lowercase();
    let mut languages = vec![language.clone()];
    if language != "en" {
        // The example entry is in English.
        languages.push("en".into());
    }
    let config = config_text(&options.base, &options.title, &languages);
    crate::config::parse_str(&config, &config_path).map_err(|diagnostics| {
        ImportError::Options(format!(
            "the settings would not be valid: {}",
            diagnostics
                .iter()
                .map(|d| d.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })?;
    let entry_path = dir.join("entries").join(format!("{EXAMPLE_ID}.md"));
    let entry = example_entry(language != "en");
    let parse_options = crate::source::ParseOptions {
        default_language: language,
    };
    crate::source::parse_str(&entry, &entry_path, &parse_options).map_err(ImportError::Invalid)?;
    let query_path = dir.join("queries").join("concepts.rq");
    let files = vec![
        Planned {
            path: config_path,
            text: config,
        },
        Planned {
            path: entry_path,
            text: entry,
        },
        Planned {
            path: query_path,
            text: QUERY.into(),
        },
    ];
    write::write_all(&files, options.force)?;
    Ok(InitReport {
        dir: dir.to_owned(),
        files: files.into_iter().map(|f| f.path).collect(),
        example_base: options.base == InitOptions::default().base,
    })
}

/// A TOML string.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn config_text(base: &str, title: &str, languages: &[String]) -> String {
    // Language tags are bare TOML keys (letters, digits and hyphens).
    let first = languages.first().map_or("en", String::as_str);
    let languages = languages
        .iter()
        .map(|l| toml_string(l))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        r#"# glossgraph settings for this glossary. Paths are relative to this file.
# `glossgraph serve` in this folder builds the glossary and serves it at
# http://127.0.0.1:7878/ (pages, RDF, SPARQL, dumps).

# Every concept is published at {{base}}concept/{{id}} and the scheme at {{base}}.
# Set this to the address you will publish at before anyone links to it:
# concept IRIs must never change once published.
base = {base}

# Languages of terms and definitions, in fallback order. The first is the
# language of text written without a language tag.
languages = [{languages}]

version = "0.1.0"
# The licence readers may reuse the glossary under (an IRI). CC BY 4.0 lets
# anyone reuse it with attribution; change it before publishing if yours differs.
license = "https://creativecommons.org/licenses/by/4.0/"
# created = "2026-01-01"
# modified = "2026-01-01"

# RDF vocabularies published as they are, beside the entries (Turtle, N-Triples,
# RDF/XML, JSON-LD…), each in its own graph:
# vocabularies = ["vocab/thesaurus.ttl"]

[title]
{first} = {title}

# [description]
# {first} = "What this glossary covers, and for whom."

# [publisher]
# name = "Your organisation"
# url = "https://example.org/"

# Where an entry's `sources: [Article 5]` point, if the glossary explains one
# act: `{{}}` is the Article number.
# [citations]
# act = "http://data.europa.eu/eli/reg/2024/1689/oj"
# article = "http://data.europa.eu/eli/reg/2024/1689/art_{{}}/oj"

[paths]
entries = "entries"   # one Markdown file per entry; the file name is the id
queries = "queries"   # named SPARQL queries (*.rq)
"#,
        base = toml_string(base),
        title = toml_string(title),
    )
}

fn example_entry(tagged: bool) -> String {
    let language = if tagged { "language: en\n" } else { "" };
    format!(
        r#"---
# An example entry: copy it to start a new one. The file name is the id.
term: Linked data
alt-labels: [Linked Open Data]
definition: >-
  Linked data is structured data published on the web so that each thing has
  an address of its own and links to related things elsewhere.
register: plain-language
{language}# relations:
#   part-of: another-entry-id
#   works-with: [one-entry, another-entry]
key-facts:
  - Identifiers: every thing is named by an HTTP address
  - Format: RDF, readable by people and programs alike
misconceptions:
  - often-heard: Linked data has to be open data.
    actually: >-
      Linked data describes how data is published and connected; a licence
      decides whether it is open.
sources: [https://www.w3.org/DesignIssues/LinkedData.html]
# mappings:
#   exact: [https://other.example.org/concept/linked-data]
---

## What it is

Linked data names things with web addresses, describes them in RDF, and links
them to descriptions elsewhere, so that programs can follow the links as
people follow links between pages.

## Why a glossary uses it

Each term of this glossary gets an address of its own that people can cite and
other vocabularies can link to, and the whole glossary can be queried.
"#
    )
}

/// The example named query.
const QUERY: &str = r#"# title: Concepts
# description: Every concept of the glossary with its preferred term.
# param: lang (string) = en -- the language of the terms shown
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?concept ?term WHERE {
  ?concept a skos:Concept ;
    skos:prefLabel ?term .
  FILTER(LANGMATCHES(LANG(?term), ?lang))
}
ORDER BY LCASE(STR(?term))
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_are_valid_for_any_title_and_language() {
        let text = config_text(
            "https://g.example/",
            "A \"quoted\" title\nwith a newline",
            &["de".into(), "en".into()],
        );
        let config = crate::config::parse_str(&text, Path::new("glossary.toml")).unwrap();
        assert_eq!(config.title["de"], "A \"quoted\" title\nwith a newline");
        assert_eq!(config.languages, ["de", "en"]);
        assert_eq!(config.queries_dir, "queries");
    }

    #[test]
    fn a_bad_base_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("g");
        let options = InitOptions {
            base: "not an iri".into(),
            ..InitOptions::default()
        };
        let err = init(&target, &options).unwrap_err();
        assert!(err.to_string().contains("`base`"), "{err}");
        assert!(!target.exists());
    }
}
