//! Glossary pages (plain text or HTML, files or URLs) to entries.
//!
//! A page is read into lines (`lines`, `html`), its layout into parts
//! (`layout`), with site furniture set aside (`furniture`). Key facts whose
//! label names a relation type become relations to the existing concepts their
//! value mentions; what cannot be matched stays text and is reported.

mod furniture;
mod html;
mod layout;
mod lines;
mod report;

pub use furniture::FurnitureRules;
pub use layout::Dropped;
pub use report::{Linked, PageOutcome, PageReport, SkippedRelation, UnresolvedMention};

use super::characters;
use super::draft::{Draft, DraftFact, DraftSection, Tagged};
use super::error::ImportError;
use super::labels::{LabelIndex, Unmatched};
use super::markdown;
use super::relations::{Existing, stated_back};
use super::target::Target;
use super::write::{self, Planned};
use crate::diagnostic::Diagnostic;
use crate::input::{self, FetchLimits, Fetched, Kind};
use crate::iri::id_from;
use crate::project::Project;
use crate::text::{Escapes, Found};
use layout::{Block, Page};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// How to import pages.
#[derive(Debug, Clone)]
pub struct PageOptions {
    /// The folder entries are written to.
    pub out_dir: PathBuf,
    /// Overwrite entry files that exist.
    pub force: bool,
    /// Rewrite the glossary's entry a page is about (by id, preferred or
    /// alternative label) from the page, keeping its id.
    pub update: bool,
    /// Extra signs of site furniture.
    pub rules: FurnitureRules,
    /// Limits on reading each input.
    pub limits: FetchLimits,
    /// Remove characters published text may not hold (and report each)
    /// instead of refusing the page.
    pub sanitize: bool,
}

impl PageOptions {
    /// Options writing to `out_dir` with the default limits and no extra rules.
    pub fn new(out_dir: impl Into<PathBuf>) -> Self {
        Self {
            out_dir: out_dir.into(),
            force: false,
            update: false,
            rules: FurnitureRules::default(),
            limits: FetchLimits::PAGE,
            sanitize: false,
        }
    }
}

/// Imports each page in `inputs` (file paths or http(s) URLs) as an entry of
/// `project`, written to `options.out_dir`. Nothing is written unless every
/// page imports and the new entries pass `glossgraph check`.
pub fn import(
    inputs: &[String],
    project: &Project,
    options: &PageOptions,
) -> Result<PageReport, ImportError> {
    let selectors = options
        .rules
        .selectors
        .iter()
        .map(|s| {
            scraper::Selector::parse(s)
                .map(|parsed| (s.clone(), parsed))
                .map_err(|e| {
                    ImportError::Options(format!(
                        "`{s}` is not a CSS selector ({e}); give selectors like `div.promo` or `aside[data-ad]`"
                    ))
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let target = Target::load(project, &options.out_dir)?;
    let pages = inputs
        .iter()
        .map(|input| input::fetch(input, &options.limits, &PAGE))
        .collect::<Result<Vec<_>, _>>()?;
    let (planned, mut report) = plan(&pages, &target, options, &selectors)?;
    if report.pages.iter().any(|p| p.updates) {
        report.change = Some(target.change(&planned)?);
    }
    write::write_all(&planned, options.force || options.update)?;
    Ok(report)
}

/// The entry files `pages` become in `target`, checked as `import` checks
/// them, and what the report says of each page; reads the folder, writes
/// nothing. `selectors` are `options.rules.selectors` parsed.
pub fn plan(
    pages: &[Fetched],
    target: &Target<'_>,
    options: &PageOptions,
    selectors: &[(String, scraper::Selector)],
) -> Result<(Vec<Planned>, PageReport), ImportError> {
    let (rules, sanitize) = (&options.rules, options.sanitize);
    let texts: Vec<String> = target
        .entries
        .iter()
        .map(|e| {
            e.terms
                .iter()
                .chain(&e.definitions)
                .map(|t| t.value.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let stated = Existing::of(&target.entries, &target.project.ontology);
    let common = furniture::common_words(texts.iter().map(String::as_str));
    let mut read: Vec<(Page, String, &Fetched, bool)> = Vec::new();
    let mut sources_of: BTreeMap<String, String> = BTreeMap::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut failed: Vec<&str> = Vec::new();
    let mut sanitized = Vec::new();
    for fetched in pages {
        let input = &fetched.name;
        let text = input::decode(fetched)?;
        let html = is_html(fetched, &text);
        let escapes = if html { Escapes::Html } else { Escapes::None };
        let at = |f: &Found| (f.line, f.column);
        let text = match characters::source(input, &text, escapes, at, sanitize, &mut sanitized) {
            Ok(text) => text,
            Err(e) => {
                errors.extend(e.diagnostics().iter().cloned());
                failed.push(input);
                continue;
            }
        };
        let lines = if html {
            if let Some(line) = html::too_deep(&text) {
                errors.push(super::error::located(
                    input,
                    line,
                    1,
                    "import/too-deep",
                    format!(
                        "the HTML nests elements more than {} deep from here",
                        html::MAX_DEPTH
                    ),
                    "give the page as the site serves it, or as plain text",
                ));
                failed.push(input);
                continue;
            }
            html::html_lines(&text, selectors, fetched.url.as_deref())
        } else {
            lines::text_lines(&text)
        };
        let page = match layout::read(input, lines, |term, definition| {
            furniture::Detector::new(rules, term, definition, &common)
        }) {
            Ok(page) => page,
            Err(found) => {
                errors.extend(found);
                failed.push(input);
                continue;
            }
        };
        let id = id_from(&page.term, target.language());
        if id.is_empty() {
            errors.push(super::error::located(
                input,
                page.term_line,
                1,
                "import/id",
                format!("cannot make an entry id from the term `{}`", page.term),
                "ids are made of the term's letters and digits spelt in ASCII, and this term has none: write this entry by hand, under an id of your choosing",
            ));
            failed.push(input);
            continue;
        }
        // A page about an entry of the glossary, imported into it: only
        // with --update (that entry rewritten, its id kept), or --force when
        // the id is the same (the file overwritten).
        let mut id = id;
        let mut updates = false;
        if target.into_glossary()
            && let Some((existing, by)) = target.recognise(&id, &page.term)
        {
            if options.update {
                id = existing.id.clone();
                updates = true;
            } else if !(options.force && existing.id == id) {
                errors.push(super::error::located(
                    input,
                    page.term_line,
                    1,
                    "import/exists",
                    format!(
                        "`{}` is the glossary's entry `{}` ({}), by its {by}",
                        page.term,
                        existing.id,
                        existing.path.display()
                    ),
                    "pass --update to rewrite that entry from this page, keeping its id (the change to the graph is shown), or leave this page out",
                ));
                failed.push(input);
                continue;
            }
        }
        if let Some(first) = sources_of.insert(id.clone(), input.clone()) {
            return Err(ImportError::Collision {
                id,
                first,
                second: input.clone(),
            });
        }
        read.push((page, id, fetched, updates));
    }
    if !errors.is_empty() {
        let input = match failed.as_slice() {
            [one] => (*one).to_owned(),
            many => format!("{} pages", many.len()),
        };
        return Err(ImportError::Input {
            input,
            diagnostics: errors,
        });
    }
    // The batch is resolved as a whole, so that the order of the pages given
    // changes nothing: every page's term is known before any key fact is
    // matched, and where two pages state a relation to each other, the one
    // whose id sorts first states it.
    let batch: Vec<(&str, &str)> = read
        .iter()
        .map(|(page, id, ..)| (id.as_str(), page.term.as_str()))
        .collect();
    let mut by_id: Vec<usize> = (0..read.len()).collect();
    by_id.sort_by_key(|&i| &read[i].1);
    let mut made: Vec<Option<(Draft, PageOutcome)>> = read.iter().map(|_| None).collect();
    let mut earlier: Vec<Draft> = Vec::new();
    for i in by_id {
        let (page, id, fetched, updates) = &read[i];
        let (mut draft, mut outcome) =
            make_draft(page, id, fetched, target, &batch, &earlier, &stated);
        outcome.updates = *updates;
        if let Some(existing) = target.entry(id).filter(|_| *updates) {
            draft.keep_from(existing);
        }
        earlier.push(draft.clone());
        made[i] = Some((draft, outcome));
    }
    let (drafts, mut outcomes): (Vec<Draft>, Vec<PageOutcome>) = made.into_iter().flatten().unzip();
    let (planned, warnings) = target.prepare(&drafts)?;
    for (outcome, file) in outcomes.iter_mut().zip(&planned) {
        outcome.path = file.path.clone();
        outcome.replaced = file.path.exists();
    }
    Ok((
        planned,
        PageReport {
            pages: outcomes,
            warnings,
            sanitized,
            change: None,
        },
    ))
}

/// Media types a page may have.
const PAGE: Kind = Kind {
    name: "an HTML or text page",
    accept: "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.8, text/markdown;q=0.8, */*;q=0.1",
    takes: |media_type| {
        matches!(
            media_type,
            "text/html" | "application/xhtml+xml" | "text/plain" | "text/markdown"
        )
    },
};

/// Whether the page is HTML: by its media type, its file extension or its start.
fn is_html(fetched: &Fetched, text: &str) -> bool {
    if let Some(media_type) = &fetched.media_type {
        return media_type.contains("html");
    }
    let lower_name = fetched.name.to_ascii_lowercase();
    if [".html", ".htm", ".xhtml"]
        .iter()
        .any(|e| lower_name.ends_with(e))
    {
        return true;
    }
    let start: String = text
        .trim_start()
        .chars()
        .take(1024)
        .collect::<String>()
        .to_lowercase();
    start.starts_with('<')
        && [
            "<!doctype html",
            "<html",
            "<body",
            "<head",
            "<h1",
            "<p>",
            "<div",
            "<article",
        ]
        .iter()
        .any(|tag| start.contains(tag))
}

/// The entry for a page, and what the report says about it. `batch` holds
/// the id and term of every page imported with it; `earlier`, the entries
/// made of those whose ids sort before `id`.
fn make_draft(
    page: &Page,
    id: &str,
    fetched: &Fetched,
    target: &Target<'_>,
    batch: &[(&str, &str)],
    earlier: &[Draft],
    stated: &Existing,
) -> (Draft, PageOutcome) {
    let project = target.project;
    let ontology = &project.ontology;
    let lang = target.language().to_owned();
    let mut outcome = PageOutcome {
        input: fetched.name.clone(),
        id: id.to_owned(),
        term: page.term.clone(),
        shadows: target
            .entry(id)
            .map(|e| e.path.clone())
            .filter(|p| *p != target.path_for(id)),
        dropped: {
            let mut dropped = page.dropped.clone();
            dropped.sort_by_key(|d| d.first_line);
            dropped
        },
        ..PageOutcome::default()
    };
    let mut draft = Draft {
        id: id.to_owned(),
        terms: vec![Tagged::new(&lang, &page.term)],
        definitions: vec![Tagged::new(&lang, &page.definition)],
        ..Draft::default()
    };
    if let Some((written, line)) = &page.register {
        match ontology.register_written(written) {
            Some(register) => {
                draft.register = Some(register.key.clone());
                outcome.register = Some(register.key.clone());
            }
            None => outcome.notes.push(format!(
                "line {line}: the register `{written}` is not one glossgraph knows ({}); left out",
                ontology.register_keys()
            )),
        }
    }
    for section in &page.sections {
        let markdown = section
            .blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(spans) => markdown::paragraph(spans),
                Block::List(items) => markdown::list(items),
            })
            .collect::<Vec<_>>()
            .join("\n\n");
        draft.sections.push(DraftSection {
            title: section.title.clone(),
            markdown,
        });
    }

    // Concepts a key fact can name: the glossary's, and the batch's other pages.
    let mut index = LabelIndex::of_entries(target.entries.iter().filter(|e| e.id != id));
    for &(other, term) in batch.iter().filter(|(other, _)| *other != id) {
        index.add(other, [term]);
    }
    for fact in &page.facts {
        let mut targets = Vec::new();
        if let Some(t) = ontology.relation_type_for_fact_label(&fact.label) {
            let mentions = index.mentions(&fact.value);
            for found in mentions.found {
                if let Some(reason) = owned_elsewhere(id, &found.id, stated, earlier) {
                    outcome.skipped.push(SkippedRelation {
                        key: t.key.clone(),
                        target: found.id.clone(),
                        fact: fact.label.clone(),
                        line: fact.line,
                        reason,
                    });
                    continue;
                }
                targets.push(found.id.clone());
                outcome.relations.push(Linked {
                    key: t.key.clone(),
                    target: found.id,
                    fact: fact.label.clone(),
                    line: fact.line,
                    mention: found.mention,
                    label: found.label,
                    partial: found.partial,
                });
            }
            for u in mentions.unresolved {
                outcome.unresolved.push(UnresolvedMention {
                    fact: fact.label.clone(),
                    line: fact.line,
                    mention: u.mention,
                    why: match u.why {
                        Unmatched::NoConcept => "no concept has a label with these words".into(),
                        Unmatched::Ambiguous(ids) => {
                            format!("several concepts could be meant: {}", ids.join(", "))
                        }
                        Unmatched::Negated => "it says what the concept is not".into(),
                    },
                });
            }
        }
        draft.key_facts.push(DraftFact {
            label: fact.label.clone(),
            value: fact.value.clone(),
            targets,
        });
    }
    draft.misconceptions = page
        .misconceptions
        .iter()
        .map(|m| (m.claim.clone(), m.correction.clone()))
        .collect();
    for (_, href, _) in &page.links {
        if oxigraph::model::NamedNode::new(href).is_ok() && !draft.sources.contains(href) {
            draft.sources.push(href.clone());
        }
    }
    for (text, line) in &page.unlinked {
        outcome.notes.push(format!(
            "line {line}: `Going deeper` item without a link left out: {}",
            layout::snippet(text)
        ));
    }
    outcome.sections = draft.sections.len();
    outcome.facts = draft.key_facts.len();
    outcome.misconceptions = draft.misconceptions.len();
    outcome.sources = draft.sources.len();
    (draft, outcome)
}

/// Why `id` may not state a relation to `other`: `other` (an existing entry, or
/// a page of the batch whose id sorts before `id`) already states one to `id`.
fn owned_elsewhere(id: &str, other: &str, stated: &Existing, earlier: &[Draft]) -> Option<String> {
    let because = |key: &str| stated_back(other, key, id);
    if let Some(d) = earlier.iter().find(|d| d.id == other) {
        for fact in &d.key_facts {
            if fact.targets.iter().any(|t| t == id) {
                return Some(because(&fact.label));
            }
        }
        for (key, targets) in &d.relations {
            if targets.iter().any(|t| t == id) {
                return Some(because(key));
            }
        }
        return None;
    }
    stated.states_back(id, other)
}
