//! The search index as static files, for a copy of the site on a host that
//! runs no glossgraph: every label of every concept, under the start of each
//! of its normalised words, in small JSON shards that the search box's script
//! (`assets/autocomplete.js`) fetches one keystroke at a time.
//!
//! Why shards by word start: a prefix typed so far names one shard, and the
//! concepts whose labels have a word starting with it are all in it, so
//! prefixes, whole words and typos after the shard's key are found there with
//! one small fetch. A shard starts one character long and is split into
//! longer keys (one more character each) while it is larger than
//! [`SHARD_BYTES`]; a split shard keeps the labels that fit, best for its key
//! first, so the box has suggestions for a short prefix without fetching the
//! rest.
//!
//! `serve` answers the same files (`/search-index.json`,
//! `/search-index/{name}.json`) so a static copy is made by fetching them.

use super::AppState;
use super::html;
use super::respond::{AppError, Validators, content_type, representation};
use super::snapshot::Snapshot;
use crate::search::{self, LabelKind};
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::Response;
use axum::http::header::HeaderMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// A shard larger than this (bytes of JSON) is split by one more character
/// of its key, and keeps only the labels that fit.
pub const SHARD_BYTES: usize = 8 * 1024;

/// Fewer bytes than any label takes in a shard (`[0,"","p","x"],`).
const MIN_LABEL_BYTES: usize = 16;

/// The version of the shards' format, in `search-index.json`.
pub const FORMAT: u32 = 1;

/// Where the index's settings are, relative to the root.
pub const SETTINGS_PATH: &str = "search-index.json";

/// The folder of the shards, relative to the root.
pub const SHARDS_DIR: &str = "search-index";

/// Every file of the static search index.
#[derive(Debug)]
pub struct SearchFiles {
    /// `search-index.json`.
    settings: Bytes,
    /// Shard file name (without `.json`) → JSON.
    shards: BTreeMap<String, Bytes>,
}

impl SearchFiles {
    /// The index of `snapshot`'s labels.
    pub fn build(snapshot: &Snapshot) -> Self {
        let default = snapshot
            .languages()
            .first()
            .map_or("", String::as_str)
            .to_owned();
        let concepts: Vec<Concept> = (0..snapshot.concepts.concepts.len())
            .map(|i| Concept::of(snapshot, i, &default))
            .collect();
        let shards = shards(&labels(snapshot), &concepts, SHARD_BYTES);
        let settings = Settings {
            format: FORMAT,
            shards: format!("{SHARDS_DIR}/{{name}}.json"),
            shard_bytes: SHARD_BYTES,
            languages: snapshot.languages(),
            folds: search::FOLDS.iter().map(|(c, s)| (*c, *s)).collect(),
            dropped: search::DROPPED.iter().collect(),
            written_out: search::WRITTEN_OUT.iter().map(|(c, s)| (*c, *s)).collect(),
            stopwords: search::STOPWORDS,
        };
        Self {
            settings: json_bytes(&settings),
            shards,
        }
    }

    /// Every file's path below the root, settings first.
    pub fn paths(&self) -> impl Iterator<Item = String> + '_ {
        std::iter::once(format!("/{SETTINGS_PATH}")).chain(
            self.shards
                .keys()
                .map(|name| format!("/{SHARDS_DIR}/{name}.json")),
        )
    }

    /// The settings: the normalisation the script must apply, where shards are.
    pub fn settings(&self) -> &Bytes {
        &self.settings
    }

    /// The shard of file name `name` (without `.json`).
    pub fn shard(&self, name: &str) -> Option<&Bytes> {
        self.shards.get(name)
    }

    /// Every shard, by file name.
    pub fn shards(&self) -> impl Iterator<Item = (&str, &Bytes)> {
        self.shards.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// The file name of the shard of `key`: letters `a`–`z` and digits as they
/// are, any other character as `_` + its code point in hex + `_` (`об` is
/// `_43e__431_`), so names are ASCII on every host and never collide.
pub fn file_name(key: &str) -> String {
    let mut name = String::with_capacity(key.len());
    for c in key.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else {
            name.push_str(&format!("_{:x}_", u32::from(c)));
        }
    }
    name
}

/// `search-index.json`.
#[derive(Serialize)]
struct Settings<'a> {
    format: u32,
    /// The path of a shard relative to the root, `{name}` from [`file_name`].
    shards: String,
    shard_bytes: usize,
    /// The languages in fallback order; the first is the default.
    languages: &'a [String],
    folds: BTreeMap<char, &'static str>,
    dropped: Vec<&'static char>,
    written_out: BTreeMap<char, &'static str>,
    stopwords: &'static [&'static str],
}

/// A concept as shards show it: its page and its preferred label in each
/// language.
struct Concept {
    /// Relative to the root, with no `?lang=`.
    href: String,
    /// The first preferred label in each language, or the end of its IRI
    /// under `""` when it has none.
    labels: BTreeMap<String, String>,
    deprecated: bool,
}

impl Concept {
    fn of(snapshot: &Snapshot, i: usize, default: &str) -> Self {
        let info = &snapshot.concepts.concepts[i];
        let mut labels = BTreeMap::new();
        for (lang, text) in &info.labels {
            labels.entry(lang.clone()).or_insert_with(|| text.clone());
        }
        if labels.is_empty() {
            let (lang, text) = snapshot.concepts.label_in(i, &[]);
            labels.insert(lang.to_owned(), text.to_owned());
        }
        Self {
            href: html::concept_link(snapshot, i, default, "").href,
            labels,
            deprecated: info.deprecated,
        }
    }
}

/// A label to index.
struct Label {
    concept: u32,
    lang: String,
    kind: LabelKind,
    text: String,
    norm: String,
    variant: Option<String>,
}

impl Label {
    fn kind(&self) -> &'static str {
        match self.kind {
            LabelKind::Preferred => "p",
            LabelKind::Alternative => "a",
            LabelKind::Hidden => "h",
            LabelKind::Notation => "n",
        }
    }
}

/// Every label of every concept, in the order a shard lists them.
fn labels(snapshot: &Snapshot) -> Vec<Label> {
    let mut labels = Vec::new();
    for (i, c) in snapshot.concepts.concepts.iter().enumerate() {
        // Search finds concepts; a collection is reached from its members.
        if c.collection {
            continue;
        }
        let notations = c.notations.iter().map(|n| (String::new(), n.clone()));
        for (list, kind) in [
            (c.labels.clone(), LabelKind::Preferred),
            (c.alt_labels.clone(), LabelKind::Alternative),
            (c.hidden_labels.clone(), LabelKind::Hidden),
            (notations.collect(), LabelKind::Notation),
        ] {
            for (lang, text) in list {
                let norm = search::normalise(&text);
                if norm.is_empty() {
                    continue;
                }
                labels.push(Label {
                    concept: i as u32,
                    variant: search::variants(&text),
                    lang,
                    kind,
                    text,
                    norm,
                });
            }
        }
    }
    labels
}

/// The shards of `labels`, each at most `limit` bytes unless its key cannot
/// be split further, by file name.
fn shards(labels: &[Label], concepts: &[Concept], limit: usize) -> BTreeMap<String, Bytes> {
    let mut postings: Vec<(Box<str>, u32)> = Vec::new();
    for (id, label) in labels.iter().enumerate() {
        for form in std::iter::once(&label.norm).chain(label.variant.as_ref()) {
            for word in form.split(' ') {
                postings.push((word.into(), id as u32));
            }
        }
    }
    postings.sort_unstable();
    postings.dedup();
    let mut shards = BTreeMap::new();
    let mut start = 0;
    while start < postings.len() {
        let first: String = postings[start].0.chars().take(1).collect();
        let end = start
            + postings[start..]
                .iter()
                .take_while(|(w, _)| w.starts_with(first.as_str()))
                .count();
        let mut shard = Split {
            labels,
            concepts,
            limit,
            out: &mut shards,
        };
        shard.split(&first, &postings[start..end]);
        start = end;
    }
    shards
}

/// A shard as sent.
#[derive(Serialize)]
struct Shard<'a> {
    key: &'a str,
    /// Whether every label with a word starting with `key` is here; if not,
    /// this holds those that fit, best for `key` first, and `next` lists the
    /// characters after `key` that have shards of their own (none when `key`
    /// is a word too common for one shard).
    complete: bool,
    #[serde(skip_serializing_if = "str::is_empty")]
    next: &'a str,
    /// (page, preferred labels by language, deprecated) of the concepts
    /// `labels` name, by position.
    concepts: Vec<(&'a str, &'a BTreeMap<String, String>, u8)>,
    /// (concept's position in `concepts`, language, kind, text): kinds are
    /// `p`referred, `a`lternative, `h`idden and `n`otation.
    labels: Vec<(usize, &'a str, &'static str, &'a str)>,
}

/// Writes the shard of `key` (whose `postings` all start with it) into
/// `out`, splitting it while it is too large.
struct Split<'a> {
    labels: &'a [Label],
    concepts: &'a [Concept],
    limit: usize,
    out: &'a mut BTreeMap<String, Bytes>,
}

impl Split<'_> {
    fn split(&mut self, key: &str, postings: &[(Box<str>, u32)]) {
        let (labels, concepts, limit) = (self.labels, self.concepts, self.limit);
        let length = key.chars().count();
        // The labels in the order a partial shard keeps them: those with the
        // key as a whole word, then those starting with it, then preferred
        // labels before the others, shorter first.
        let mut ranked: Vec<(bool, bool, u8, usize, u32)> = Vec::new();
        for (word, label) in postings {
            let l = &labels[*label as usize];
            let whole = word.chars().count() == length;
            ranked.push((
                !whole,
                !l.norm.starts_with(key),
                l.kind as u8,
                l.norm.len(),
                *label,
            ));
        }
        ranked.sort_unstable();
        let mut seen = std::collections::HashSet::new();
        ranked.retain(|r| seen.insert(r.4));
        let all: Vec<u32> = ranked.iter().map(|r| r.4).collect();
        let mut next: Vec<char> = postings
            .iter()
            .filter_map(|(w, _)| w.chars().nth(length))
            .collect();
        next.dedup();
        // A label takes more than `MIN_LABEL_BYTES`: more labels than fit so
        // are not rendered to find that out.
        if all.len() <= limit / MIN_LABEL_BYTES {
            let whole = render(key, true, "", &all, labels, concepts);
            if whole.len() <= limit {
                self.out.insert(file_name(key), whole);
                return;
            }
        }
        // Too large: the most labels that fit. A word so common that its own
        // shard is too large (no longer word to split by) keeps only those.
        let next: String = next.into_iter().collect();
        let (mut low, mut high) = (0, all.len().min(limit / MIN_LABEL_BYTES));
        while low < high {
            let middle = (low + high).div_ceil(2);
            if render(key, false, &next, &all[..middle], labels, concepts).len() <= limit {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        self.out.insert(
            file_name(key),
            render(key, false, &next, &all[..low], labels, concepts),
        );
        let mut start = postings
            .iter()
            .take_while(|(w, _)| w.chars().count() == length)
            .count();
        for c in next.chars() {
            let child = format!("{key}{c}");
            let end = start
                + postings[start..]
                    .iter()
                    .take_while(|(w, _)| w.starts_with(child.as_str()))
                    .count();
            self.split(&child, &postings[start..end]);
            start = end;
        }
    }
}

/// The JSON of a shard holding `chosen` labels, listed by their normalised
/// form so the same labels always give the same bytes.
fn render(
    key: &str,
    complete: bool,
    next: &str,
    chosen: &[u32],
    labels: &[Label],
    concepts: &[Concept],
) -> Bytes {
    let mut chosen: Vec<&Label> = chosen.iter().map(|l| &labels[*l as usize]).collect();
    chosen.sort_by(|a, b| {
        (
            &a.norm,
            &a.text,
            &a.lang,
            a.kind as u8,
            &concepts[a.concept as usize].href,
        )
            .cmp(&(
                &b.norm,
                &b.text,
                &b.lang,
                b.kind as u8,
                &concepts[b.concept as usize].href,
            ))
    });
    let mut positions: BTreeMap<u32, usize> = BTreeMap::new();
    let mut shard = Shard {
        key,
        complete,
        next,
        concepts: Vec::new(),
        labels: Vec::with_capacity(chosen.len()),
    };
    for label in chosen {
        let position = *positions.entry(label.concept).or_insert_with(|| {
            let c = &concepts[label.concept as usize];
            shard
                .concepts
                .push((&c.href, &c.labels, u8::from(c.deprecated)));
            shard.concepts.len() - 1
        });
        shard
            .labels
            .push((position, &label.lang, label.kind(), &label.text));
    }
    json_bytes(&shard)
}

fn json_bytes(value: &impl Serialize) -> Bytes {
    // Plain data of strings and numbers: serialising cannot fail.
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

/// Every request path of the static search index, below the root
/// (`/search-index.json`, `/search-index/ab.json` …), for a static copy.
pub fn static_paths(snapshot: &Snapshot) -> Vec<String> {
    snapshot.search_files().paths().collect()
}

/// The files of `state`'s snapshot, built off the event loop the first time.
async fn files(state: &AppState) -> Result<std::sync::Arc<Snapshot>, AppError> {
    let snapshot = state.snapshot();
    if !snapshot.has_search_files() {
        let building = snapshot.clone();
        tokio::task::spawn_blocking(move || {
            building.search_files();
        })
        .await
        .map_err(AppError::internal)?;
    }
    Ok(snapshot)
}

fn answer(
    snapshot: &Snapshot,
    headers: &HeaderMap,
    variant: &str,
    body: &Bytes,
) -> Result<Response<Body>, AppError> {
    let validators = Validators::new(
        snapshot.fingerprint,
        &format!("search-{variant}"),
        snapshot.built_at,
    );
    representation(
        headers,
        validators,
        &content_type("application/json"),
        &[],
        || Ok(body.clone()),
    )
}

/// `GET /search-index.json`: the settings.
pub async fn settings(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response<Body>, AppError> {
    let snapshot = files(&state).await?;
    answer(
        &snapshot,
        &headers,
        "settings",
        snapshot.search_files().settings(),
    )
}

/// `GET /search-index/{name}.json`: a shard.
pub async fn shard(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response<Body>, AppError> {
    let snapshot = files(&state).await?;
    let found = file
        .strip_suffix(".json")
        .and_then(|name| Some((name, snapshot.search_files().shard(name)?)));
    let Some((name, body)) = found else {
        return Err(AppError::not_found(format!(
            "no search shard `{file}`: no label has a word starting with its key"
        )));
    };
    answer(&snapshot, &headers, name, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Concepts with many words starting alike, so that a small limit splits
    /// their shards several times; umlauts, Cyrillic and a notation.
    fn fixture() -> (Vec<Label>, Vec<Concept>) {
        let texts: &[(&str, LabelKind, &str)] = &[
            ("en", LabelKind::Preferred, "European Commission"),
            ("de", LabelKind::Preferred, "Europäische Kommission"),
            ("en", LabelKind::Alternative, "Commission"),
            ("en", LabelKind::Preferred, "Committee"),
            ("en", LabelKind::Preferred, "Competent authority"),
            ("de", LabelKind::Preferred, "Zuständige Behörde"),
            ("en", LabelKind::Preferred, "Conformity assessment"),
            ("en", LabelKind::Preferred, "Code of practice"),
            ("en", LabelKind::Hidden, "Comission"),
            ("en", LabelKind::Preferred, "Coordination group"),
            ("en", LabelKind::Preferred, "Co-regulation"),
            ("en", LabelKind::Preferred, "Compliance"),
            ("en", LabelKind::Preferred, "Complaint"),
            ("en", LabelKind::Preferred, "Computer vision"),
            ("en", LabelKind::Preferred, "Commitment"),
            ("ru", LabelKind::Preferred, "Образование"),
            ("", LabelKind::Notation, "AI-5"),
        ];
        let mut labels = Vec::new();
        let mut concepts = Vec::new();
        for (i, (lang, kind, text)) in texts.iter().enumerate() {
            // Two labels a concept: the German ones belong to the one before.
            let concept = if *lang == "de" || *kind != LabelKind::Preferred {
                concepts.len() - 1
            } else {
                concepts.push(Concept {
                    href: format!("concept/c{i}"),
                    labels: BTreeMap::from([(lang.to_string(), text.to_string())]),
                    deprecated: i == 3,
                });
                concepts.len() - 1
            };
            labels.push(Label {
                concept: concept as u32,
                lang: lang.to_string(),
                kind: *kind,
                text: text.to_string(),
                norm: search::normalise(text),
                variant: search::variants(text),
            });
        }
        (labels, concepts)
    }

    fn parse(bytes: &Bytes) -> serde_json::Value {
        serde_json::from_slice(bytes).expect("a shard is JSON")
    }

    /// The labels a shard holds, as (page, text).
    fn held(shard: &serde_json::Value) -> Vec<(String, String)> {
        let concepts = shard["concepts"].as_array().unwrap();
        shard["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let concept = &concepts[l[0].as_u64().unwrap() as usize];
                (
                    concept[0].as_str().unwrap().to_owned(),
                    l[3].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn every_word_of_every_label_leads_to_a_shard_that_holds_it() {
        let (labels, concepts) = fixture();
        let shards = shards(&labels, &concepts, 600);
        assert!(
            shards.values().any(|s| parse(s)["complete"] == false),
            "the limit splits some shard: {:?}",
            shards.keys().collect::<Vec<_>>()
        );
        for label in &labels {
            let wanted = (
                concepts[label.concept as usize].href.clone(),
                label.text.clone(),
            );
            for word in label
                .norm
                .split(' ')
                .chain(label.variant.iter().flat_map(|v| v.split(' ')))
            {
                // The script's walk: one character, then one more while split.
                let chars: Vec<char> = word.chars().collect();
                let mut depth = 1;
                loop {
                    let key: String = chars[..depth].iter().collect();
                    let shard = parse(
                        shards
                            .get(&file_name(&key))
                            .unwrap_or_else(|| panic!("no shard `{key}` on the way to `{word}`")),
                    );
                    assert_eq!(shard["key"], key.as_str());
                    if shard["complete"] == true || depth == chars.len() {
                        assert!(
                            held(&shard).contains(&wanted),
                            "shard `{key}` lacks {wanted:?} for `{word}`"
                        );
                        break;
                    }
                    let next = shard["next"].as_str().unwrap();
                    assert!(
                        next.contains(chars[depth]),
                        "`{key}` has no `{}`",
                        chars[depth]
                    );
                    depth += 1;
                }
            }
        }
    }

    #[test]
    fn shards_fit_their_limit_and_do_not_depend_on_the_labels_order() {
        let (mut labels, concepts) = fixture();
        let shards = shards(&labels, &concepts, 600);
        for (name, shard) in &shards {
            let complete = parse(shard)["complete"] == true;
            assert!(
                shard.len() <= 600 || complete,
                "{name}: {} bytes",
                shard.len()
            );
        }
        // A split shard keeps what fits, best for its key first.
        let co = parse(&shards["co"]);
        assert_eq!(co["complete"], false);
        assert!(!held(&co).is_empty());
        assert!(co["next"].as_str().unwrap().contains('m'));
        labels.reverse();
        assert_eq!(shards, super::shards(&labels, &concepts, 600));
        // Cyrillic keys have ASCII names.
        assert!(shards.contains_key(&file_name("о")));
        // A concept's page, its names and whether it is deprecated.
        let committee = parse(&shards[&file_name("comm")]);
        assert!(
            committee
                .to_string()
                .contains(r#"["concept/c3",{"en":"Committee"},1]"#)
        );
    }

    #[test]
    fn a_word_too_common_for_one_shard_keeps_its_best_labels() {
        let concepts: Vec<Concept> = (0..40)
            .map(|i| Concept {
                href: format!("concept/c{i}"),
                labels: BTreeMap::from([("en".into(), format!("Office {i}"))]),
                deprecated: false,
            })
            .collect();
        let labels: Vec<Label> = (0..80)
            .map(|i| {
                let text = if i < 40 {
                    format!("Office {i}")
                } else {
                    format!("Regional office of the district {i}")
                };
                Label {
                    concept: i % 40,
                    lang: "en".into(),
                    kind: if i < 40 {
                        LabelKind::Preferred
                    } else {
                        LabelKind::Alternative
                    },
                    norm: search::normalise(&text),
                    variant: None,
                    text,
                }
            })
            .collect();
        let shards = shards(&labels, &concepts, 600);
        let office = parse(&shards["office"]);
        assert_eq!(
            (&office["complete"], &office["next"]),
            (&json!(false), &json!(null))
        );
        assert!(shards["office"].len() <= 600);
        let kept = held(&office);
        assert!(kept.len() >= 5, "{kept:?}");
        assert!(
            kept.iter().all(|(_, text)| text.starts_with("Office ")),
            "{kept:?}"
        );
    }

    #[test]
    fn file_names_are_ascii_and_distinct() {
        assert_eq!(file_name("ab1"), "ab1");
        assert_eq!(file_name("об"), "_43e__431_");
        assert_eq!(file_name("é"), "_e9_");
        assert_ne!(file_name("e9"), file_name("é"));
    }
}
