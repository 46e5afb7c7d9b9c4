//! SKOS vocabularies (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD; files
//! or URLs) to entries that convert back to the same SKOS statements.
//!
//! Every `skos:Concept` with an IRI becomes an entry. One without a preferred
//! label or a definition, or whose labels are all other concepts' terms,
//! becomes an entry with what it has, marked `needs-review` for the editor
//! (a placeholder definition can be given for concepts without one).
//! What round-trips, for a converted concept `c` that becomes `{base}concept/{id}`:
//!
//! - `c a skos:Concept`;
//! - `skos:prefLabel`, `skos:altLabel`, `skos:hiddenLabel` and `skos:definition`
//!   (one per language), with whitespace runs collapsed and text without a
//!   language tag in the glossary's default language;
//! - `skos:notation` (one, as a plain literal);
//! - `skos:scopeNote`, `example`, `historyNote`, `editorialNote`,
//!   `changeNote` and `note`, in every language, as the entry's `notes`
//!   (text kept as written);
//! - `skos:broader`, `skos:narrower`, `skos:related` (and glossgraph's typed
//!   relations) between converted concepts, in both directions;
//! - `skos:exactMatch`, `closeMatch`, `broadMatch`, `narrowMatch`,
//!   `relatedMatch`, with converted concepts' IRIs replaced by their new ones;
//! - for glossgraph's own exports, sections, key facts, misconceptions, the
//!   register, sources, deprecation and replacement as well.
//!
//! Anything else is listed in the report: changed (second preferred labels
//! become alternative labels, relations to concepts not converted become
//! mappings, concepts lacking a label or definition are marked for review…)
//! or lost (a relation that closes a hierarchy cycle, a second notation,
//! statements with no place in an entry, counted per property). Any loss
//! stops the import unless it is allowed (`allow_loss`).
//!
//! Like the CSV and page importers, this one reads, then resolves, then
//! writes: the vocabularies are read into one graph, and each concept that can
//! be an entry into what it says (`read`, `concept`); each is given an id and
//! the terms no other concept has (`ids`); the IRIs they name are resolved to
//! the entries those concepts become, and the relations between them arranged
//! (`resolve`); and the entries are written all or none.

mod concept;
mod graph;
mod ids;
mod read;
mod report;
mod resolve;

pub use report::{Converted, Count, InputSummary, SkosReport, Tally};

use super::draft::Draft;
use super::error::ImportError;
use super::target::Target;
use super::write::{self, Planned};
use crate::input::{FetchLimits, Fetched};
use crate::project::Project;
use crate::vocab::skos;
use oxigraph::model::NamedNode;
use std::collections::BTreeSet;
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
    /// A definition for concepts that have none; without it their entries
    /// have none (each is marked `needs-review` either way).
    pub placeholder_definition: Option<String>,
    pub ids: IdSource,
    pub limits: FetchLimits,
    /// Remove characters published text may not hold (and report each)
    /// instead of refusing the vocabulary.
    pub sanitize: bool,
    /// Write the entries even if part of the source is lost on the way
    /// (the report lists what); otherwise any loss writes nothing.
    pub allow_loss: bool,
}

impl SkosOptions {
    pub fn new(out_dir: impl Into<PathBuf>) -> Self {
        Self {
            out_dir: out_dir.into(),
            force: false,
            placeholder_definition: None,
            ids: IdSource::Auto,
            limits: FetchLimits::VOCABULARY,
            sanitize: false,
            allow_loss: false,
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
    let (graph, summaries) =
        read::vocabularies(&read::fetch(inputs, limits)?, false, &mut Vec::new())?;
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
/// Nothing is written unless all of them pass `glossgraph check`, and,
/// unless `options.allow_loss`, nothing of the source is lost.
pub fn to_entries(
    inputs: &[String],
    project: &Project,
    options: &SkosOptions,
) -> Result<SkosReport, ImportError> {
    let fetched = read::fetch(inputs, &options.limits)?;
    let target = Target::load(project, &options.out_dir)?;
    let (planned, report) = plan(&fetched, &target, options)?;
    let lost = report.lost();
    if lost > 0 && !options.allow_loss {
        return Err(ImportError::Lossy {
            lost,
            report: report.to_string(),
        });
    }
    write::write_all(&planned, options.force)?;
    Ok(report)
}

/// The entry files the concepts of `vocabularies` become in `target`,
/// checked as `to_entries` checks them, and the report; reads the folder,
/// writes nothing.
pub fn plan(
    vocabularies: &[Fetched],
    target: &Target<'_>,
    options: &SkosOptions,
) -> Result<(Vec<Planned>, SkosReport), ImportError> {
    let mut sanitized = Vec::new();
    let (graph, summaries) = read::vocabularies(vocabularies, options.sanitize, &mut sanitized)?;
    let project = target.project;
    let ctx = concept::Context {
        graph: &graph,
        ontology: &project.ontology,
        config: &project.config,
        language: target.language(),
    };
    let mut report = SkosReport {
        inputs: summaries,
        triples: graph.len(),
        out_dir: target.out_dir.clone(),
        sanitized,
        ..SkosReport::default()
    };
    let mut candidates =
        read::concepts(&ctx, options.placeholder_definition.as_deref(), &mut report);
    candidates.extend(read::collections(&ctx, &mut report));
    read::others(&graph, &mut report);
    let named = ids::name(candidates, target, options.ids, &mut report);
    let entries = resolve::entries(named, project, &mut report.tally);
    let planned = prepare(entries, target, &mut report)?;
    Ok((planned, report))
}

/// The files for `entries` (each with the IRI of its concept) in `target`,
/// once they pass `glossgraph check`. Records each entry in
/// `report.converted`, the languages of their text that `glossary.toml` does
/// not list in `report.unlisted_languages`, and what `glossgraph check` warns
/// about in `report.warnings` (the first [`WARNINGS_SHOWN`]) and
/// `report.warning_count`.
fn prepare(
    entries: Vec<(NamedNode, Draft)>,
    target: &Target<'_>,
    report: &mut SkosReport,
) -> Result<Vec<Planned>, ImportError> {
    let listed = &target.project.config.languages;
    let mut drafts = Vec::with_capacity(entries.len());
    for (iri, draft) in entries {
        for t in draft
            .terms
            .iter()
            .chain(&draft.alt_labels)
            .chain(&draft.hidden_labels)
            .chain(&draft.definitions)
        {
            if !listed.contains(&t.lang) {
                report.unlisted_languages.insert(t.lang.clone());
            }
        }
        report.converted.push(Converted {
            iri: iri.into_string(),
            id: draft.id.clone(),
            path: target.path_for(&draft.id),
            collection: draft.members.is_some(),
        });
        drafts.push(draft);
    }
    let (planned, warnings) = target.prepare(&drafts)?;
    report.warning_count = warnings.len();
    report.warnings = warnings.into_iter().take(WARNINGS_SHOWN).collect();
    Ok(planned)
}
