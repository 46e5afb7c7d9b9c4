//! Every IRI glossgraph publishes, minted in one place.
//!
//! A published IRI is cited, linked to and loaded into other stores, so it must
//! never change: this module owns that promise, and its tests pin every form.
//! A glossary's IRIs hang off its base (`Base`); the glossgraph vocabulary's
//! are fixed (`vocabulary`); files read from disk are named by `file://` IRIs
//! (`file`). Ids are slugs (`is_slug`, `slugify`), since they become path
//! segments.
//!
//! Layer: a leaf; it imports nothing of the crate but `vocab`.

use oxigraph::model::NamedNode;
use std::fmt;
use std::path::Path;

/// A glossary's base IRI (absolute, ending in `/`) and the IRIs under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base(String);

/// The kinds of part a concept has, each numbered from 1 under the
/// concept's IRI: `…/concept/x#section-1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Section,
    Fact,
    Misconception,
    /// A cell of an ordered collection's member list.
    MemberListCell,
}

impl Part {
    fn fragment(self) -> &'static str {
        match self {
            Part::Section => "section",
            Part::Fact => "fact",
            Part::Misconception => "misconception",
            Part::MemberListCell => "member",
        }
    }
}

impl Base {
    /// `base` must be an absolute IRI ending in `/`; `config` checks that
    /// before it makes one.
    pub fn new(base: impl Into<String>) -> Self {
        Self(base.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The concept scheme: the base itself.
    pub fn scheme(&self) -> NamedNode {
        self.iri(String::new())
    }

    /// The concept `id`, which is also the name of the graph holding its entry.
    pub fn concept(&self, id: &str) -> NamedNode {
        self.iri(format!("concept/{id}"))
    }

    /// The namespace of the concepts (`concept:` in exports, `void:uriSpace`).
    pub fn concepts(&self) -> String {
        format!("{}concept/", self.0)
    }

    /// The id of a concept IRI of this glossary.
    pub fn concept_id<'a>(&self, iri: &'a str) -> Option<&'a str> {
        iri.strip_prefix(&self.0)?.strip_prefix("concept/")
    }

    /// The dataset description (VoID and DCAT).
    pub fn dataset(&self) -> NamedNode {
        self.iri("dataset".into())
    }

    /// The DCAT distribution of the dump `file` (`dump.ttl` → `dataset#dump-ttl`).
    pub fn distribution(&self, file: &str) -> NamedNode {
        self.iri(format!("dataset#{}", file.replace('.', "-")))
    }

    /// The publisher named in `glossary.toml`.
    pub fn publisher(&self) -> NamedNode {
        self.iri("dataset#publisher".into())
    }

    /// The SPARQL endpoint.
    pub fn endpoint(&self) -> NamedNode {
        self.iri("sparql".into())
    }

    /// The default graph in the endpoint's service description.
    pub fn default_graph(&self) -> NamedNode {
        self.iri("dataset#default-graph".into())
    }

    /// A file the server answers at the base: `dump.ttl`, `sitemap.xml`, `queries`.
    pub fn file(&self, name: &str) -> NamedNode {
        self.iri(name.to_owned())
    }

    /// The graph a vocabulary file listed in `glossary.toml` is published in:
    /// `graph/` and the slug of its file name.
    pub fn vocabulary_graph(&self, path: &str) -> NamedNode {
        let name = Path::new(path)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(path);
        self.iri(format!("graph/{}", slugify(name)))
    }

    /// `value` as an IRI: itself if it has a scheme, else resolved against the base.
    pub fn resolve(&self, value: &str) -> String {
        if value.contains(':') {
            value.to_owned()
        } else {
            format!("{}{value}", self.0)
        }
    }

    fn iri(&self, path: String) -> NamedNode {
        NamedNode::new_unchecked(format!("{}{path}", self.0))
    }
}

impl fmt::Display for Base {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Part `position` (from 1) of `kind` of `concept`.
pub fn part(concept: &NamedNode, kind: Part, position: usize) -> NamedNode {
    NamedNode::new_unchecked(format!(
        "{}#{}-{position}",
        concept.as_str(),
        kind.fragment()
    ))
}

/// The glossgraph vocabulary: fixed, whatever the glossary, and the name of
/// the graph that holds it.
pub fn vocabulary() -> NamedNode {
    NamedNode::new_unchecked(crate::vocab::GG_ONTOLOGY)
}

/// The `file://` IRI of `path`, made absolute against the current folder
/// (and with links resolved, when it exists); characters IRIs cannot hold are
/// percent-encoded. `None` only when the current folder cannot be read.
pub fn file(path: &Path) -> Option<String> {
    let absolute = match std::fs::canonicalize(path) {
        Ok(absolute) => absolute,
        Err(_) => std::path::absolute(path).ok()?,
    };
    url::Url::from_file_path(absolute)
        .ok()
        .map(|url| url.to_string())
}

/// Whether `id` is a slug: lowercase ASCII words of letters and digits joined
/// by single hyphens.
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The slug closest to `text`: lowercase ASCII words joined by hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// The id a new entry gets from its term in language `lang` (a BCP 47 tag):
/// the term spelt in ASCII, then [`slugify`]d. German spells `ä`, `ö`, `ü`
/// as `ae`, `oe`, `ue` (`Klimaänderung` → `klimaaenderung`), as German does
/// when it has no umlauts; other letters lose their accents (`Ça va` →
/// `ca-va`) or take their usual Latin spelling (`ß` → `ss`, `æ` → `ae`), and
/// other scripts are romanised (`Закон` → `zakon`). A character with no
/// Latin spelling is left out, never made a hyphen. The same term always
/// gives the same id, so a re-import finds the entries it wrote.
pub fn id_from(term: &str, lang: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let german = lang
        .split('-')
        .next()
        .is_some_and(|l| l.eq_ignore_ascii_case("de"));
    let mut ascii = String::with_capacity(term.len());
    for c in term.nfc() {
        if c.is_ascii() {
            ascii.push(c);
            continue;
        }
        let umlaut = match c {
            'ä' | 'Ä' => Some("ae"),
            'ö' | 'Ö' => Some("oe"),
            'ü' | 'Ü' => Some("ue"),
            _ => None,
        };
        match umlaut.filter(|_| german) {
            Some(spelt) => ascii.push_str(spelt),
            None => ascii.push_str(deunicode::deunicode_char(c).unwrap_or_default()),
        }
    }
    slugify(&ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IRIs a glossary publishes. Each one is cited somewhere once
    /// published: a change here breaks every link to it. Add forms; never
    /// change one.
    #[test]
    fn published_iris_never_change() {
        let base = Base::new("https://g.example/terms/");
        let concept = base.concept("ai-office");
        let minted = [
            (base.scheme(), "https://g.example/terms/"),
            (concept.clone(), "https://g.example/terms/concept/ai-office"),
            (
                part(&concept, Part::Section, 1),
                "https://g.example/terms/concept/ai-office#section-1",
            ),
            (
                part(&concept, Part::Fact, 2),
                "https://g.example/terms/concept/ai-office#fact-2",
            ),
            (
                part(&concept, Part::Misconception, 10),
                "https://g.example/terms/concept/ai-office#misconception-10",
            ),
            (base.dataset(), "https://g.example/terms/dataset"),
            (
                base.distribution("dump.ttl"),
                "https://g.example/terms/dataset#dump-ttl",
            ),
            (
                base.publisher(),
                "https://g.example/terms/dataset#publisher",
            ),
            (
                base.default_graph(),
                "https://g.example/terms/dataset#default-graph",
            ),
            (base.endpoint(), "https://g.example/terms/sparql"),
            (base.file("dump.nq"), "https://g.example/terms/dump.nq"),
            (
                base.vocabulary_graph("vocabularies/UNESCO Thesaurus.ttl"),
                "https://g.example/terms/graph/unesco-thesaurus-ttl",
            ),
            (vocabulary(), "https://w3id.org/glossgraph/ns"),
        ];
        for (iri, expected) in minted {
            assert_eq!(iri.as_str(), expected);
        }
        assert_eq!(base.concepts(), "https://g.example/terms/concept/");
    }

    #[test]
    fn concept_ids_are_read_back_from_their_iris() {
        let base = Base::new("https://g.example/");
        assert_eq!(
            base.concept_id(base.concept("eu-ai-office").as_str()),
            Some("eu-ai-office")
        );
        assert_eq!(base.concept_id("https://g.example/dataset"), None);
        assert_eq!(base.concept_id("https://other.example/concept/x"), None);
        assert_eq!(base.resolve("concept/x"), "https://g.example/concept/x");
        assert_eq!(base.resolve("urn:x"), "urn:x");
    }

    #[test]
    fn file_iris_are_absolute_and_escaped() {
        assert_eq!(
            file(Path::new("/a b/c#d%e.ttl")).as_deref(),
            Some("file:///a%20b/c%23d%25e.ttl")
        );
        let relative = file(Path::new("x.ttl")).unwrap();
        assert!(relative.starts_with("file:///"), "{relative}");
        assert!(relative.ends_with("/x.ttl"), "{relative}");
    }

    #[test]
    fn slugs() {
        assert!(is_slug("eu-ai-office"));
        assert!(is_slug("article-5"));
        assert!(!is_slug("EU"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
        assert!(!is_slug(""));
        assert_eq!(slugify("EU AI Office (2024)"), "eu-ai-office-2024");
        assert_eq!(slugify("  Ça va  "), "a-va");
    }

    /// Ids of new entries: each pair is a term in a language and the id it
    /// gets. Changing one changes the id a re-import gives an entry.
    #[test]
    fn terms_in_any_script_give_ascii_ids_without_lost_characters() {
        for (term, lang, id) in [
            ("Klimaänderung", "de", "klimaaenderung"),
            ("Abbruchmüll", "de-AT", "abbruchmuell"),
            ("Öffentliche Straße", "de", "oeffentliche-strasse"),
            ("Klimaänderung", "en", "klimaanderung"),
            ("  Ça va  ", "fr", "ca-va"),
            ("Ærø", "da", "aero"),
            ("Закон об ИИ", "ru", "zakon-ob-ii"),
            ("Νόμος", "el", "nomos"),
            ("EU AI Office (2024)", "en", "eu-ai-office-2024"),
            ("a\u{E000}b", "en", "ab"),
            ("Kl\u{0061}\u{0308}ger", "de", "klaeger"),
        ] {
            assert_eq!(id_from(term, lang), id, "{term} ({lang})");
        }
    }
}
