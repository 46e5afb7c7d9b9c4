//! SKOS vocabularies (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD; files
//! or URLs) to entries that convert back to the same SKOS statements.
//!
//! Every `skos:Concept` with an IRI, a preferred label and a definition becomes
//! an entry (a placeholder definition can be given for concepts without one).
//! What round-trips, for a converted concept `c` that becomes `{base}concept/{id}`:
//!
//! - `c a skos:Concept`;
//! - `skos:prefLabel`, `skos:altLabel`, `skos:hiddenLabel` and `skos:definition`
//!   (one per language), with whitespace runs collapsed and text without a
//!   language tag in the glossary's default language;
//! - `skos:notation` (one, as a plain literal);
//! - `skos:broader`, `skos:narrower`, `skos:related` (and glossgraph's typed
//!   relations) between converted concepts, in both directions;
//! - `skos:exactMatch`, `closeMatch`, `broadMatch`, `narrowMatch`,
//!   `relatedMatch`, with converted concepts' IRIs replaced by their new ones;
//! - for glossgraph's own exports, sections, key facts, misconceptions, the
//!   register, sources, deprecation and replacement as well.
//!
//! Anything else is listed in the report: changed (second preferred labels
//! become alternative labels, relations to concepts not converted become
//! mappings, hierarchy cycles are broken, notes become sections…) or not
//! converted (with counts per property).

mod concept;
mod graph;
mod ids;
mod read;
mod report;

pub use report::{Converted, Count, InputSummary, SkosReport, Tally};

use super::draft::{Draft, DraftFact};
use super::error::ImportError;
use super::relations::{self, Stated};
use super::target::Target;
use super::write;
use crate::input::FetchLimits;
use crate::ontology::Direction;
use crate::project::Project;
use crate::vocab::skos;
use ids::Named;
use oxigraph::model::NamedNode;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Warnings kept in the report.
const WARNINGS_SHOWN: usize = 10;

/// Where entry ids come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdSource {
    /// The IRI's last part when it reads as words (`AIOffice` → `ai-office`),
    /// else the preferred label (`concept10` → `right-to-education`).
    #[default]
    Auto,
    /// The preferred label in the glossary's default language (or any).
    Label,
    /// The IRI's last part.
    LocalName,
}

/// How to convert vocabularies.
#[derive(Debug, Clone)]
pub struct SkosOptions {
    /// The folder entries are written to.
    pub out_dir: PathBuf,
    /// Overwrite entry files that exist.
    pub force: bool,
    /// A definition for concepts that have none; without it they are skipped.
    pub placeholder_definition: Option<String>,
    pub ids: IdSource,
    pub limits: FetchLimits,
}

impl SkosOptions {
    pub fn new(out_dir: impl Into<PathBuf>) -> Self {
        Self {
            out_dir: out_dir.into(),
            force: false,
            placeholder_definition: None,
            ids: IdSource::Auto,
            limits: FetchLimits::VOCABULARY,
        }
    }
}

/// What a vocabulary holds, for publishing it as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inspection {
    pub inputs: Vec<InputSummary>,
    pub concepts: usize,
    pub schemes: usize,
    pub languages: BTreeSet<String>,
}

impl std::fmt::Display for Inspection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for input in &self.inputs {
            writeln!(f, "read {}: {} triples", input.input, input.triples)?;
        }
        let languages: Vec<&str> = self.languages.iter().map(String::as_str).collect();
        writeln!(
            f,
            "{} concept(s) in {} scheme(s); label languages: {}",
            self.concepts,
            self.schemes,
            if languages.is_empty() {
                "none".to_owned()
            } else {
                languages.join(", ")
            }
        )
    }
}

/// What vocabularies hold, and how to publish them as they are beside a
/// glossary's entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    pub inspection: Inspection,
    /// The glossary folder and its settings file.
    pub dir: std::path::PathBuf,
    pub config: std::path::PathBuf,
}

impl std::fmt::Display for Advice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // glossary.toml lists vocabulary files by path relative to the glossary folder.
        let files: Vec<String> = self
            .inspection
            .inputs
            .iter()
            .map(|i| {
                let name = i.input.rsplit(['/', '\\']).next().unwrap_or(&i.input);
                format!("\"{name}\"")
            })
            .collect();
        write!(
            f,
            "{}to publish as it is, save the file(s) in {} and add to {}:\n  vocabularies = [{}]\nto convert to entries instead, run again with --to-entries\n",
            self.inspection,
            self.dir.display(),
            self.config.display(),
            files.join(", ")
        )
    }
}

/// Reads vocabularies and says what they hold and how to publish them in
/// `project` as they are, writing nothing.
pub fn advise(
    inputs: &[String],
    project: &Project,
    limits: &FetchLimits,
) -> Result<Advice, ImportError> {
    Ok(Advice {
        inspection: inspect(inputs, limits)?,
        dir: project.dir.clone(),
        config: project.config_path(),
    })
}

/// Reads vocabularies and says what they hold, writing nothing.
pub fn inspect(inputs: &[String], limits: &FetchLimits) -> Result<Inspection, ImportError> {
    let (graph, summaries) = read::vocabularies(inputs, limits)?;
    let mut languages = BTreeSet::new();
    for t in graph.triples() {
        if let oxigraph::model::Term::Literal(l) = &t.object
            && t.predicate.as_ref() == skos::PREF_LABEL
            && let Some(lang) = l.language()
        {
            languages.insert(lang.to_ascii_lowercase());
        }
    }
    Ok(Inspection {
        inputs: summaries,
        concepts: graph.instances(skos::CONCEPT).len(),
        schemes: graph.instances(skos::CONCEPT_SCHEME).len(),
        languages,
    })
}

/// Converts the concepts of the vocabularies in `inputs` (read together, so
/// relations across them resolve) to entries of `project` in `options.out_dir`.
/// Nothing is written unless all of them pass `glossgraph check`.
pub fn to_entries(
    inputs: &[String],
    project: &Project,
    options: &SkosOptions,
) -> Result<SkosReport, ImportError> {
    let (graph, summaries) = read::vocabularies(inputs, &options.limits)?;
    let target = Target::load(project, &options.out_dir)?;
    let language = target.language().to_owned();
    let ctx = concept::Context {
        graph: &graph,
        ontology: &project.ontology,
        config: &project.config,
        language: &language,
    };
    let mut report = SkosReport {
        inputs: summaries,
        triples: graph.len(),
        out_dir: options.out_dir.clone(),
        ..SkosReport::default()
    };
    let candidates = read::concepts(&ctx, options.placeholder_definition.as_deref(), &mut report);
    let named = ids::name(candidates, &target, options.ids, &mut report);
    let tally = &mut report.tally;
    let id_of: BTreeMap<&str, &str> = named
        .iter()
        .map(|n| (n.iri.as_str(), n.id.as_str()))
        .collect();

    // Relations between converted concepts; the others become mappings.
    let ontology = &project.ontology;
    let mut stated: Vec<Stated> = Vec::new();
    let mut pinned: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut external: BTreeMap<String, Vec<(String, NamedNode)>> = BTreeMap::new();
    let mut fact_relations: BTreeSet<(String, String, String)> = BTreeSet::new();
    for Named {
        iri,
        concept: c,
        id,
    } in &named
    {
        for (key, other) in &c.relations {
            match id_of.get(other.as_str()) {
                Some(to) => stated.push(Stated {
                    from: id.clone(),
                    key: key.clone(),
                    to: (*to).to_owned(),
                }),
                None => {
                    let kind = match ontology.relation_type(key).map(|t| t.direction) {
                        Some(Direction::Broader) => "broad",
                        Some(Direction::Narrower) => "narrow",
                        _ => "related",
                    };
                    tally.change(
                        "relations to concepts not converted became mappings (broader → broad match, narrower → narrow match, others → related match)",
                        format!("{iri} {key} {other}"),
                    );
                    external
                        .entry(id.clone())
                        .or_default()
                        .push((kind.to_owned(), other.clone()));
                }
            }
        }
        for fact in &c.facts {
            if let Some(t) = ontology.relation_type_for_fact_label(&fact.label) {
                for m in &fact.mentions {
                    if let Some(to) = id_of.get(m.as_str()) {
                        pinned.insert((id.clone(), (*to).to_owned()), id.clone());
                        fact_relations.insert((id.clone(), t.key.clone(), (*to).to_owned()));
                    }
                }
            }
        }
    }
    let arranged = relations::arrange(&stated, ontology, &pinned);
    for (s, why) in &arranged.dropped {
        tally.change(
            &format!("relations left out: {why}"),
            format!("{} {} {}", s.from, s.key, s.to),
        );
    }

    // Entries.
    let mut drafts = Vec::with_capacity(named.len());
    for Named {
        iri,
        concept: c,
        id,
    } in &named
    {
        let mut draft = Draft {
            id: id.clone(),
            terms: c.terms.clone(),
            alt_labels: c.alt_labels.clone(),
            hidden_labels: c.hidden_labels.clone(),
            definitions: c.definitions.clone(),
            register: c.register.clone(),
            notation: c.notation.clone(),
            misconceptions: c.misconceptions.clone(),
            sources: dedup(c.sources.clone()),
            deprecated: c.deprecated,
            sections: c.sections.clone(),
            ..Draft::default()
        };
        if let Some(by) = &c.replaced_by {
            match id_of.get(by.as_str()) {
                Some(by) => draft.replaced_by = Some((*by).to_owned()),
                None => tally.change("replacements by concepts not converted left out", iri),
            }
        }
        let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (key, to) in arranged
            .by_owner
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            if !fact_relations.contains(&(id.clone(), key.clone(), to.clone())) {
                grouped.entry(key.clone()).or_default().push(to.clone());
            }
        }
        draft.relations = grouped.into_iter().collect();
        for fact in &c.facts {
            let mut targets: Vec<String> = Vec::new();
            for m in &fact.mentions {
                match id_of.get(m.as_str()) {
                    Some(to) if !targets.iter().any(|t| t == to) => targets.push((*to).to_owned()),
                    Some(_) => {}
                    None => tally.change("key-fact mentions of concepts not converted left out", m),
                }
            }
            draft.key_facts.push(DraftFact {
                label: fact.label.clone(),
                value: fact.value.clone(),
                targets,
            });
        }
        let mut mappings: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let all = c
            .mappings
            .iter()
            .chain(external.get(id).map(Vec::as_slice).unwrap_or_default());
        for (kind, to) in all {
            let to = match id_of.get(to.as_str()) {
                Some(other) => project.config.base.concept(other).into_string(),
                None => to.as_str().to_owned(),
            };
            mappings.entry(kind.clone()).or_default().push(to);
        }
        let order = ["exact", "close", "broad", "narrow", "related"];
        draft.mappings = order
            .iter()
            .filter_map(|k| Some(((*k).to_owned(), dedup(mappings.remove(*k)?))))
            .collect();
        for t in draft
            .terms
            .iter()
            .chain(&draft.alt_labels)
            .chain(&draft.hidden_labels)
            .chain(&draft.definitions)
        {
            if !project.config.languages.contains(&t.lang) {
                report.unlisted_languages.insert(t.lang.clone());
            }
        }
        report.converted.push(Converted {
            iri: iri
                .to_string()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned(),
            id: id.clone(),
            path: target.path_for(id),
        });
        drafts.push(draft);
    }
    let (planned, warnings) = target.prepare(&drafts)?;
    write::write_all(&planned, options.force)?;
    report.warning_count = warnings.len();
    report.warnings = warnings.into_iter().take(WARNINGS_SHOWN).collect();
    Ok(report)
}

fn dedup(mut items: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    items.retain(|i| seen.insert(i.clone()));
    items
}
