//! Glossary rules for our own entries, beyond what `glossgraph check` already
//! finds (missing targets, cycles, duplicate labels, restated relations): the
//! seed-style structure of each concept is complete, sources cite the act's
//! Articles, and no two entry files differ only by case.

use super::finding::{Finding, Location};
use crate::config::Config;
use crate::diagnostic::Pos;
use crate::source::{Entry, Source};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where an entry's findings point when no field is at fault: its term.
pub fn entry_location(entry: &Entry) -> Location {
    let pos = entry.terms.first().map_or(Pos::new(1, 1), |t| t.pos);
    Location::file(&entry.path, pos)
}

/// The rules about each parsed entry.
pub fn check(entries: &[Entry], config: &Config) -> Vec<Finding> {
    let mut out = Vec::new();
    // A collection groups concepts; the prose and sources are its members'.
    for entry in entries.iter().filter(|e| !e.is_collection()) {
        if entry.sections.is_empty() {
            out.push(
                Finding::new(
                    "glossary/missing-sections",
                    entry_location(entry),
                    format!("`{}` has no `##` sections after its front matter", entry.id),
                )
                .with_help("explain the term in `## …` sections, like the seed entries (what it is, what it does, how it relates)"),
            );
        }
        if entry.sources.is_empty() {
            out.push(
                Finding::new(
                    "glossary/no-sources",
                    entry_location(entry),
                    format!("`{}` cites no source", entry.id),
                )
                .with_help("add `sources: [Article N]` naming the Articles the entry rests on"),
            );
        } else if config.citations.article.is_some()
            && !entry
                .sources
                .iter()
                .any(|s| matches!(s.value, Source::Article { .. }))
        {
            out.push(
                Finding::new(
                    "glossary/no-article-source",
                    Location::file(&entry.path, entry.sources[0].pos),
                    format!(
                        "`{}` cites no Article of the act, only other sources",
                        entry.id
                    ),
                )
                .with_help("add the Article(s) the entry rests on, such as `Article 64`"),
            );
        }
    }
    out
}

/// Entry files whose names differ only by case: one id on a case-insensitive
/// file system, two on others.
pub fn case_clashes(files: &[PathBuf]) -> Vec<Finding> {
    let mut by_lower: BTreeMap<String, Vec<&Path>> = BTreeMap::new();
    for f in files {
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        by_lower.entry(stem).or_default().push(f);
    }
    let mut out = Vec::new();
    for paths in by_lower.values() {
        let names: Vec<String> = paths
            .iter()
            .map(|p| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect();
        let distinct: std::collections::BTreeSet<&String> = names.iter().collect();
        if distinct.len() < 2 {
            continue;
        }
        for (path, name) in paths.iter().zip(&names).skip(1) {
            out.push(
                Finding::new(
                    "glossary/id-case-clash",
                    Location::file(*path, Pos::new(1, 1)),
                    format!("`{name}` differs from `{}` only by case", names[0]),
                )
                .with_help("ids are lowercase; merge the two entries or rename one, since on many systems they are one file"),
            );
        }
    }
    out
}
