//! A generator of realistic glossaries for the benchmarks: entries with two or
//! three languages, alternative labels, sections, key facts, misconceptions and
//! three to eight relations each, in a hierarchy; deterministic by seed.

use super::{Rng, Vocabulary};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

/// How much each entry says.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything an editor writes: sections, key facts, misconceptions, sources.
    Full,
    /// Only what the index pages and the relations show: labels, definition,
    /// relations (the hierarchy and the typed relations are as in `Full`).
    Lean,
}

/// Writes a glossary of `entries` entries into `dir` (which must not hold one).
pub fn write(dir: &Path, entries: usize, seed: u64) -> std::io::Result<()> {
    write_with(dir, entries, seed, Detail::Full)
}

/// [`write`], with entries of the given detail.
pub fn write_with(dir: &Path, entries: usize, seed: u64, detail: Detail) -> std::io::Result<()> {
    let mut rng = Rng(seed.max(1));
    let vocabulary = Vocabulary::new(&mut rng, 20_000);
    std::fs::create_dir_all(dir.join("entries"))?;
    std::fs::write(
        dir.join("glossary.toml"),
        "base = \"https://bench.glossgraph.example/\"\nlanguages = [\"en\", \"de\", \"fr\"]\nversion = \"1\"\n\n[title]\nen = \"Generated glossary\"\n\n[citations]\narticle = \"http://data.europa.eu/eli/reg/2024/1689/art_{}/oj\"\n",
    )?;
    let ids: Vec<String> = (0..entries)
        .map(|i| format!("{}-{i}", vocabulary.pick(&mut rng)))
        .collect();
    let mut pairs: HashSet<(usize, usize)> = HashSet::new();
    let types = [
        "works-with",
        "related",
        "supervises",
        "advises",
        "designated-by",
        "enforced-by",
        "established-by",
    ];
    for (i, id) in ids.iter().enumerate() {
        let mut text = String::from("---\nterm:\n");
        let mut terms = Vec::new();
        for lang in ["en", "de", "fr"] {
            if lang == "fr" && !rng.chance(40) || lang == "de" && !rng.chance(70) {
                continue;
            }
            // Unique per language: the entry number keeps terms apart.
            let term = format!("{} {i}", vocabulary.phrase(&mut rng, 1, 3));
            let _ = writeln!(text, "  {lang}: {term}");
            terms.push(lang);
        }
        text.push_str("alt-labels:\n");
        for lang in &terms {
            let count = 1 + rng.below(2);
            let _ = writeln!(
                text,
                "  {lang}: [{}]",
                (0..count)
                    .map(|_| vocabulary.phrase(&mut rng, 2, 1))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        text.push_str("definition:\n");
        for lang in &terms {
            let _ = writeln!(text, "  {lang}: {}", vocabulary.sentence(&mut rng, 12, 10));
        }
        text.push_str("register: plain-language\n");
        // A hierarchy: most entries sit under an earlier one; then associative
        // relations to earlier entries, each pair stated once.
        let mut relations: Vec<(&str, usize)> = Vec::new();
        if i > 0 && rng.chance(85) {
            let parent = i - 1 - rng.below(i.min(50));
            relations.push((if rng.chance(50) { "kind-of" } else { "part-of" }, parent));
            pairs.insert((parent.min(i), parent.max(i)));
        }
        let wanted = 3 + rng.below(6);
        let mut tries = 0;
        while relations.len() < wanted && i > 0 && tries < 20 {
            tries += 1;
            let other = rng.below(i);
            if pairs.insert((other.min(i), other.max(i))) {
                relations.push((types[rng.below(types.len())], other));
            }
        }
        // One key per type, its targets in a list.
        if !relations.is_empty() {
            text.push_str("relations:\n");
        }
        relations.sort();
        let mut at = 0;
        while at < relations.len() {
            let kind = relations[at].0;
            let targets: Vec<&str> = relations[at..]
                .iter()
                .take_while(|r| r.0 == kind)
                .map(|r| ids[r.1].as_str())
                .collect();
            at += targets.len();
            let _ = writeln!(text, "  {kind}: [{}]", targets.join(", "));
        }
        if detail == Detail::Lean {
            text.push_str("---\n");
            std::fs::write(dir.join("entries").join(format!("{id}.md")), text)?;
            continue;
        }
        text.push_str("key-facts:\n");
        let facts = 4 + rng.below(3);
        for _ in 0..facts {
            let label = capitalised(vocabulary.pick(&mut rng));
            let _ = writeln!(text, "  - {label}: {}", vocabulary.phrase(&mut rng, 4, 6));
        }
        text.push_str("misconceptions:\n");
        let misconceptions = 1 + rng.below(3);
        for _ in 0..misconceptions {
            let _ = writeln!(
                text,
                "  - often-heard: {}\n    actually: {}",
                vocabulary.sentence(&mut rng, 8, 1),
                vocabulary.sentence(&mut rng, 16, 1)
            );
        }
        let sources = 2 + rng.below(3);
        let _ = writeln!(
            text,
            "sources: [{}]",
            (0..sources)
                .map(|_| format!("Article {}", 1 + rng.below(113)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        text.push_str("---\n");
        let sections = 2 + rng.below(2);
        for _ in 0..sections {
            let _ = write!(
                text,
                "\n## {}\n\n",
                capitalised(&vocabulary.phrase(&mut rng, 3, 1))
            );
            for _ in 0..2 {
                let paragraph: Vec<String> = (0..4)
                    .map(|_| vocabulary.sentence(&mut rng, 10, 8))
                    .collect();
                let _ = writeln!(text, "{}\n", paragraph.join(" "));
            }
        }
        std::fs::write(dir.join("entries").join(format!("{id}.md")), text)?;
    }
    Ok(())
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
