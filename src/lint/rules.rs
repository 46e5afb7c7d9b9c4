//! The catalogue of lint rules: stable ids, default severities and what each
//! one checks. Reports (and SARIF's `rules`) are built from it.
//!
//! Ids never change meaning once released; a rule that is dropped keeps its id
//! unused. Findings of the entry parser (`source/…`), of `glossgraph check`
//! (`check/…`) and of `glossary.toml` (`config/…`) keep the codes those
//! modules give them; they are listed here by family.

use super::finding::Severity;

/// One rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, such as `skos/S27`.
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what the rule requires.
    pub summary: &'static str,
    /// The qSKOS issue it implements, by qSKOS's abbreviation (`oc`, `rc`…).
    pub qskos: Option<&'static str>,
}

const fn def(
    id: &'static str,
    severity: Severity,
    qskos: Option<&'static str>,
    summary: &'static str,
) -> Rule {
    Rule {
        id,
        severity,
        summary,
        qskos,
    }
}

use Severity::{Error, Info, Warning};

/// Every rule lint applies itself (besides `source/…`, `check/…`, `config/…`).
pub const RULES: &[Rule] = &[
    // SKOS Reference integrity conditions, under SKOS's own semantics.
    def(
        "skos/S9",
        Error,
        None,
        "skos:ConceptScheme is disjoint with skos:Concept",
    ),
    def(
        "skos/S13",
        Error,
        Some("dlv"),
        "skos:prefLabel, skos:altLabel and skos:hiddenLabel are pairwise disjoint",
    ),
    def(
        "skos/S14",
        Error,
        Some("ipl"),
        "a resource has no more than one skos:prefLabel per language tag",
    ),
    def(
        "skos/S27",
        Error,
        Some("rc"),
        "skos:related is disjoint with skos:broaderTransitive",
    ),
    def(
        "skos/S37",
        Error,
        None,
        "skos:Collection is disjoint with skos:Concept and skos:ConceptScheme",
    ),
    def(
        "skos/S46",
        Error,
        Some("mc"),
        "skos:exactMatch is disjoint with skos:broadMatch and skos:relatedMatch",
    ),
    // qSKOS quality issues.
    def(
        "qskos/orphan-concept",
        Info,
        Some("oc"),
        "a concept has no semantic relation to another concept",
    ),
    def(
        "qskos/disconnected-cluster",
        Info,
        Some("dcc"),
        "a set of concepts is not connected to the rest of the vocabulary",
    ),
    def(
        "qskos/cyclic-hierarchy",
        Warning,
        Some("chr"),
        "following skos:broader leads back to where it started",
    ),
    def(
        "qskos/mapping-clash",
        Warning,
        Some("mc"),
        "concepts linked by skos:exactMatch are also hierarchically or associatively related",
    ),
    def(
        "qskos/hierarchical-redundancy",
        Warning,
        Some("hr"),
        "a skos:broader relation is implied by a longer path of the hierarchy",
    ),
    def(
        "qskos/overlapping-labels",
        Warning,
        Some("ol"),
        "two concepts of one scheme share a label in one language",
    ),
    def(
        "qskos/disjoint-labels",
        Warning,
        Some("dlv"),
        "a resource's preferred, alternative and hidden labels differ only in case or spacing",
    ),
    def(
        "qskos/missing-labels",
        Warning,
        Some("ml"),
        "a concept or concept scheme has no label",
    ),
    def(
        "qskos/empty-label",
        Warning,
        Some("el"),
        "a label is empty or only white space",
    ),
    def(
        "qskos/incomplete-language-coverage",
        Info,
        Some("ilc"),
        "a concept has no preferred label in a language the vocabulary uses",
    ),
    def(
        "qskos/undocumented-concept",
        Info,
        Some("uc"),
        "a concept has no SKOS documentation (definition, notes, example)",
    ),
    def(
        "qskos/omitted-top-concepts",
        Warning,
        Some("otc"),
        "a concept scheme names no top concept",
    ),
    def(
        "qskos/top-concept-with-broader",
        Warning,
        Some("tchbc"),
        "a top concept has a broader concept",
    ),
    def(
        "qskos/unidirectional-relation",
        Warning,
        Some("urc"),
        "a relation is stated in one direction only",
    ),
    def(
        "qskos/invalid-language-tag",
        Error,
        Some("oilt"),
        "a literal has a language tag that is not BCP 47",
    ),
    def(
        "qskos/omitted-language-tag",
        Warning,
        Some("oilt"),
        "a label or documentation text has no language tag",
    ),
    def(
        "qskos/ambiguous-notation",
        Warning,
        Some("anr"),
        "a notation is used twice in a scheme, or a concept has several",
    ),
    def(
        "qskos/broken-link",
        Warning,
        Some("bl"),
        "an HTTP link does not resolve (only with --check-links)",
    ),
    def(
        "qskos/reflexive-relation",
        Warning,
        Some("rrc"),
        "a concept is related to itself",
    ),
    def(
        "qskos/mapping-within-scheme",
        Warning,
        Some("mri"),
        "a mapping relation links two concepts of the same scheme",
    ),
    def(
        "qskos/undefined-skos-term",
        Warning,
        Some("usr"),
        "a term in the SKOS namespace that SKOS does not define",
    ),
    def(
        "qskos/unprintable-characters",
        Warning,
        Some("ucil"),
        "a label contains control or other unprintable characters",
    ),
    def(
        "qskos/valueless-associative-relation",
        Info,
        Some("var"),
        "two concepts with the same broader concept are also related",
    ),
    def(
        "qskos/solely-transitive-relation",
        Info,
        Some("strc"),
        "concepts linked only by skos:broaderTransitive/narrowerTransitive",
    ),
    // RDF well-formedness of vocabulary files.
    def(
        "rdf/invalid-iri",
        Error,
        None,
        "an IRI is not valid (RFC 3987)",
    ),
    // Deprecated concepts.
    def(
        "deprecated/no-replacement",
        Warning,
        None,
        "a deprecated concept names no replacement (dcterms:isReplacedBy) and no note says why",
    ),
    def(
        "deprecated/deprecated-replacement",
        Warning,
        None,
        "a deprecated concept's replacement is deprecated too",
    ),
    def(
        "deprecated/linked-from-live",
        Warning,
        None,
        "a concept in use is related to a deprecated concept",
    ),
    // Changes since an earlier graph (`--since`).
    def(
        "since/concept-removed",
        Error,
        None,
        "a concept of the earlier graph is gone instead of deprecated",
    ),
    def(
        "since/mapped-concept-relabelled",
        Warning,
        None,
        "a concept that mappings point to has a changed preferred label",
    ),
    // Glossary rules, for our entries.
    def(
        "glossary/missing-sections",
        Warning,
        None,
        "an entry has no `##` sections of prose",
    ),
    def(
        "glossary/no-sources",
        Warning,
        None,
        "an entry cites no source",
    ),
    def(
        "glossary/no-article-source",
        Warning,
        None,
        "an entry cites no Article of the act set in glossary.toml",
    ),
    def(
        "glossary/id-case-clash",
        Error,
        None,
        "two entry files have names that differ only by case",
    ),
    def(
        "glossary/not-built",
        Info,
        None,
        "the sources have errors, so the graph checks did not run",
    ),
    // Reading sources.
    def(
        "source/fetch",
        Error,
        None,
        "a source URL could not be fetched",
    ),
    def(
        "source/format",
        Error,
        None,
        "a source's RDF format is unknown",
    ),
    def(
        "source/rdf-syntax",
        Error,
        None,
        "an RDF file has a syntax error",
    ),
    def("source/io", Error, None, "a file cannot be read"),
    // SHACL constraint components (the severity comes from the shape's sh:severity).
    def(
        "shacl/class",
        Error,
        None,
        "sh:class: every value is an instance of a class",
    ),
    def(
        "shacl/datatype",
        Error,
        None,
        "sh:datatype: every value is a literal of a datatype",
    ),
    def(
        "shacl/node-kind",
        Error,
        None,
        "sh:nodeKind: every value is an IRI, blank node or literal",
    ),
    def(
        "shacl/min-count",
        Error,
        None,
        "sh:minCount: at least so many values",
    ),
    def(
        "shacl/max-count",
        Error,
        None,
        "sh:maxCount: at most so many values",
    ),
    def(
        "shacl/min-length",
        Error,
        None,
        "sh:minLength: values at least so long",
    ),
    def(
        "shacl/max-length",
        Error,
        None,
        "sh:maxLength: values at most so long",
    ),
    def(
        "shacl/pattern",
        Error,
        None,
        "sh:pattern: values match a regular expression",
    ),
    def(
        "shacl/language-in",
        Error,
        None,
        "sh:languageIn: values in listed languages",
    ),
    def(
        "shacl/unique-lang",
        Error,
        None,
        "sh:uniqueLang: at most one value per language",
    ),
    def("shacl/in", Error, None, "sh:in: values among a list"),
    def(
        "shacl/has-value",
        Error,
        None,
        "sh:hasValue: a value is present",
    ),
    def(
        "shacl/equals",
        Error,
        None,
        "sh:equals: the same values as another property",
    ),
    def(
        "shacl/disjoint",
        Error,
        None,
        "sh:disjoint: no value shared with another property",
    ),
    def(
        "shacl/value-range",
        Error,
        None,
        "sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive",
    ),
    def(
        "shacl/node",
        Error,
        None,
        "sh:node: values conform to a shape",
    ),
    def(
        "shacl/and",
        Error,
        None,
        "sh:and: conforms to all of the shapes",
    ),
    def(
        "shacl/or",
        Error,
        None,
        "sh:or: conforms to one of the shapes at least",
    ),
    def(
        "shacl/not",
        Error,
        None,
        "sh:not: does not conform to the shape",
    ),
    def(
        "shacl/xone",
        Error,
        None,
        "sh:xone: conforms to exactly one of the shapes",
    ),
    def(
        "shacl/closed",
        Error,
        None,
        "sh:closed: no properties but those the shape names",
    ),
    def(
        "shacl/sparql",
        Error,
        None,
        "sh:sparql: a SPARQL-based constraint",
    ),
    def(
        "shacl/unsupported",
        Warning,
        None,
        "a shape uses a SHACL feature lint does not evaluate",
    ),
    def(
        "shacl/time-limit",
        Warning,
        None,
        "a shape ran past its time limit and was stopped; its results are incomplete",
    ),
];

/// The rule with this id, if lint defines it.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_are_unique_and_namespaced() {
        let mut seen = BTreeSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "{} twice", r.id);
            let family = r.id.split('/').next().unwrap_or_default();
            assert!(
                [
                    "skos",
                    "qskos",
                    "rdf",
                    "deprecated",
                    "since",
                    "glossary",
                    "source",
                    "shacl"
                ]
                .contains(&family),
                "{}",
                r.id
            );
        }
    }
}
