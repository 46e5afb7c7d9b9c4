//! Finding the concepts a short text mentions, by their preferred and
//! alternative labels: ignoring case, articles, plurals and possessives, and
//! allowing several mentions in one text ("national authorities and the Board").
//!
//! A whole label found in the text is a match. What is left is split at commas
//! and conjunctions; a part whose words all occur, in order, in the labels of
//! exactly one concept is a partial match ("national authorities" → "national
//! competent authority"), reported as such. Anything else is unresolved, with
//! the reason, and never guessed.

use std::collections::BTreeSet;

/// A word of a text, normalised for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    /// Lowercase and singular.
    word: String,
    /// Written as a possessive (`Act’s`, `members'`).
    possessive: bool,
    /// A comma, semicolon, colon, full stop or dash: mentions never span it.
    separator: bool,
    /// Byte range in the original text.
    start: usize,
    end: usize,
}

/// Articles, dropped before matching.
const ARTICLES: &[&str] = &["a", "an", "the"];
/// Words that join mentions.
const CONJUNCTIONS: &[&str] = &["and", "or", "nor", "&", "plus", "versus", "vs"];
/// Words that never name a concept on their own.
const STOP_WORDS: &[&str] = &[
    "of",
    "for",
    "to",
    "in",
    "on",
    "at",
    "by",
    "with",
    "within",
    "from",
    "into",
    "its",
    "their",
    "his",
    "her",
    "our",
    "your",
    "this",
    "that",
    "these",
    "those",
    "as",
    "well",
    "including",
    "such",
    "other",
    "all",
    "any",
    "each",
    "some",
    "both",
    "between",
    "across",
    "under",
    "over",
    "via",
    "also",
    "than",
    "eg",
    "ie",
    "etc",
    "who",
    "which",
    "whose",
    "where",
    "it",
    "they",
    "them",
    "is",
    "are",
    "be",
    "being",
    "been",
    "was",
    "were",
    "mainly",
    "mostly",
    "only",
    "especially",
    "notably",
    "together",
    "alongside",
    "among",
    "amongst",
    "through",
    "about",
    "around",
    "per",
    "towards",
    "toward",
    "upon",
    "relevant",
    "various",
    "several",
    "many",
];
/// Words that turn a part of the text into something the concept is not.
const NEGATIONS: &[&str] = &[
    "not", "no", "never", "without", "except", "unlike", "neither", "rather", "instead",
];
/// Head nouns too general to identify a concept ("advisory bodies" → "advisory").
const GENERIC: &[&str] = &[
    "body",
    "entity",
    "organisation",
    "organization",
    "group",
    "party",
    "actor",
    "one",
    "thing",
    "institution",
    "structure",
    "level",
];

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let flush = |word: &mut String, start: usize, end: usize, out: &mut Vec<Token>| {
        if word.is_empty() {
            return;
        }
        let mut w = std::mem::take(word).to_lowercase();
        let mut possessive = false;
        if let Some(stem) = w.strip_suffix("'s") {
            w = stem.to_owned();
            possessive = true;
        } else if let Some(stem) = w.strip_suffix('\'') {
            w = stem.to_owned();
            possessive = true;
        }
        let w: String = w.chars().filter(|c| *c != '\'').collect();
        if w.is_empty() {
            return;
        }
        out.push(Token {
            word: singular(&w),
            possessive,
            separator: false,
            start,
            end,
        });
    };
    for (i, &(offset, c)) in chars.iter().enumerate() {
        let c = match c {
            '’' | '‘' | '`' | '´' => '\'',
            c => c,
        };
        let next_is_alnum = chars.get(i + 1).is_some_and(|(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || (c == '\'' && !word.is_empty()) {
            if word.is_empty() {
                start = offset;
            }
            word.push(c);
            continue;
        }
        flush(&mut word, start, offset, &mut out);
        if c == '&' {
            word.push('&');
            flush(&mut word, offset, offset + 1, &mut out);
            continue;
        }
        let separator =
            matches!(c, ',' | ';' | ':' | '!' | '?' | '—' | '–') || (c == '.' && !next_is_alnum);
        if separator {
            out.push(Token {
                word: c.to_string(),
                possessive: false,
                separator: true,
                start: offset,
                end: offset + c.len_utf8(),
            });
        }
    }
    flush(&mut word, start, text.len(), &mut out);
    out.retain(|t| !ARTICLES.contains(&t.word.as_str()));
    out
}

/// A word in the singular, by English spelling rules; both sides of a match use
/// it, so only consistency matters.
fn singular(word: &str) -> String {
    let n = word.chars().count();
    if n <= 3 || word.chars().any(|c| c.is_ascii_digit()) {
        return word.to_owned();
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["sses", "ches", "shes", "xes", "zes"] {
        if word.ends_with(suffix) {
            return word[..word.len() - 2].to_owned();
        }
    }
    if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return word.to_owned();
    }
    word.strip_suffix('s').unwrap_or(word).to_owned()
}

/// The normalised words of a label.
pub fn label_key(label: &str) -> Vec<String> {
    tokens(label)
        .into_iter()
        .filter(|t| !t.separator)
        .map(|t| t.word)
        .collect()
}

/// A concept and its labels.
#[derive(Debug, Clone)]
struct Indexed {
    id: String,
    /// (label as written, its key)
    labels: Vec<(String, Vec<String>)>,
}

/// The concepts mentions are matched against.
#[derive(Debug, Clone, Default)]
pub struct LabelIndex {
    concepts: Vec<Indexed>,
}

/// A concept found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: String,
    /// The words of the text that name it.
    pub mention: String,
    /// The label they matched.
    pub label: String,
    /// The mention's words occur in the label with others (not the whole label).
    pub partial: bool,
}

/// Why part of a text names no concept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmatched {
    /// No concept has a label with these words.
    NoConcept,
    /// Several concepts do; their ids.
    Ambiguous(Vec<String>),
    /// The text says what the concept is not ("not a separate agency").
    Negated,
}

/// A part of a text that names no concept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub mention: String,
    pub why: Unmatched,
}

/// What a text mentions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentions {
    /// In the order of the text, one per concept.
    pub found: Vec<Found>,
    pub unresolved: Vec<Unresolved>,
}

impl LabelIndex {
    /// Adds a concept with its labels (preferred and alternative, any language).
    pub fn add<'a>(&mut self, id: &str, labels: impl IntoIterator<Item = &'a str>) {
        let mut keyed: Vec<(String, Vec<String>)> = labels
            .into_iter()
            .map(|l| (l.to_owned(), label_key(l)))
            .filter(|(_, k)| !k.is_empty())
            .collect();
        keyed.dedup_by(|a, b| a.1 == b.1);
        self.concepts.push(Indexed {
            id: id.to_owned(),
            labels: keyed,
        });
    }

    /// The index of the entries' preferred, alternative and hidden labels.
    pub fn of_entries<'e>(entries: impl IntoIterator<Item = &'e crate::source::Entry>) -> Self {
        let mut index = Self::default();
        for e in entries {
            let labels = e
                .terms
                .iter()
                .chain(&e.alt_labels)
                .chain(&e.hidden_labels)
                .map(|t| t.value.as_str());
            index.add(&e.id, labels);
        }
        index
    }

    /// The ids of concepts with a label equal to `text` (ignoring case,
    /// articles, plurals and possessives).
    pub fn exact(&self, text: &str) -> Vec<String> {
        let key = label_key(text);
        let mut ids: Vec<String> = self
            .concepts
            .iter()
            .filter(|c| c.labels.iter().any(|(_, k)| *k == key))
            .map(|c| c.id.clone())
            .collect();
        ids.dedup();
        ids
    }

    /// The concepts `text` mentions, and the parts it mentions none in.
    pub fn mentions(&self, text: &str) -> Mentions {
        let tokens = tokens(text);
        let mut used = vec![false; tokens.len()];
        let mut out = Mentions::default();
        let mention = |from: usize, to: usize| text[tokens[from].start..tokens[to].end].to_owned();

        // Whole labels, longest first at each place.
        let mut i = 0;
        while i < tokens.len() {
            let mut best: Option<(usize, Vec<(&str, &str)>)> = None;
            for concept in &self.concepts {
                for (label, key) in &concept.labels {
                    let n = key.len();
                    let fits = i + n <= tokens.len()
                        && tokens[i..i + n]
                            .iter()
                            .zip(key)
                            .all(|(t, w)| !t.separator && t.word == *w);
                    if !fits {
                        continue;
                    }
                    match &mut best {
                        Some((len, found)) if *len == n => {
                            if !found.iter().any(|(id, _)| *id == concept.id) {
                                found.push((&concept.id, label));
                            }
                        }
                        Some((len, _)) if *len > n => {}
                        _ => best = Some((n, vec![(concept.id.as_str(), label.as_str())])),
                    }
                }
            }
            match best {
                Some((n, found)) => {
                    let words = mention(i, i + n - 1);
                    if let [(id, label)] = found.as_slice() {
                        out.found.push(Found {
                            id: (*id).to_owned(),
                            mention: words,
                            label: (*label).to_owned(),
                            partial: false,
                        });
                    } else {
                        out.unresolved.push(Unresolved {
                            mention: words,
                            why: Unmatched::Ambiguous(
                                found.iter().map(|(id, _)| (*id).to_owned()).collect(),
                            ),
                        });
                    }
                    used[i..i + n].iter_mut().for_each(|u| *u = true);
                    i += n;
                }
                None => i += 1,
            }
        }

        // The rest, part by part.
        let mut part: Vec<usize> = Vec::new();
        let mut parts: Vec<Vec<usize>> = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            let breaks = used[i] || t.separator || CONJUNCTIONS.contains(&t.word.as_str());
            if breaks {
                if !part.is_empty() {
                    parts.push(std::mem::take(&mut part));
                }
            } else {
                part.push(i);
            }
        }
        if !part.is_empty() {
            parts.push(part);
        }
        for part in parts {
            let (Some(&first), Some(&last)) = (part.first(), part.last()) else {
                continue;
            };
            let words = mention(first, last);
            let is = |i: &usize, list: &[&str]| list.contains(&tokens[*i].word.as_str());
            if part.iter().any(|i| is(i, NEGATIONS)) {
                out.unresolved.push(Unresolved {
                    mention: words,
                    why: Unmatched::Negated,
                });
                continue;
            }
            let meaningful: Vec<usize> = part
                .iter()
                .copied()
                .filter(|i| !is(i, STOP_WORDS))
                .collect();
            let mut content: Vec<&str> = meaningful
                .iter()
                .filter(|i| !tokens[**i].possessive && !is(i, GENERIC))
                .map(|i| tokens[*i].word.as_str())
                .collect();
            if content.is_empty() {
                // Only possessives (or generic words) left: "the Commission’s".
                content = meaningful
                    .iter()
                    .filter(|i| !is(i, GENERIC))
                    .map(|i| tokens[*i].word.as_str())
                    .collect();
            }
            if content.is_empty() {
                continue;
            }
            let mut candidates: Vec<(&str, &str)> = Vec::new();
            for concept in &self.concepts {
                if let Some((label, _)) = concept
                    .labels
                    .iter()
                    .find(|(_, key)| is_subsequence(&content, key))
                    && !candidates.iter().any(|(id, _)| *id == concept.id)
                {
                    candidates.push((&concept.id, label));
                }
            }
            match candidates.as_slice() {
                [(id, label)] => out.found.push(Found {
                    id: (*id).to_owned(),
                    mention: words,
                    label: (*label).to_owned(),
                    partial: true,
                }),
                [] => out.unresolved.push(Unresolved {
                    mention: words,
                    why: Unmatched::NoConcept,
                }),
                many => out.unresolved.push(Unresolved {
                    mention: words,
                    why: Unmatched::Ambiguous(
                        many.iter().map(|(id, _)| (*id).to_owned()).collect(),
                    ),
                }),
            }
        }
        // One mention per concept, in the order of the text.
        let position = |m: &str| text.find(m).unwrap_or(usize::MAX);
        out.found.sort_by_key(|f| position(&f.mention));
        let mut seen = BTreeSet::new();
        out.found.retain(|f| seen.insert(f.id.clone()));
        out.unresolved.sort_by_key(|u| position(&u.mention));
        out
    }
}

/// Whether every word of `words` occurs in `key`, in order.
fn is_subsequence(words: &[&str], key: &[String]) -> bool {
    let mut key = key.iter();
    words.iter().all(|w| key.any(|k| k == w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> LabelIndex {
        let mut index = LabelIndex::default();
        index.add("european-commission", ["European Commission", "Commission"]);
        index.add(
            "national-competent-authority",
            ["national competent authority"],
        );
        index.add(
            "market-surveillance-authority",
            ["market surveillance authority"],
        );
        index.add("notifying-authority", ["notifying authority"]);
        index.add(
            "european-ai-board",
            [
                "European Artificial Intelligence Board",
                "AI Board",
                "Board",
            ],
        );
        index.add("advisory-forum", ["advisory forum"]);
        index.add("eu-ai-act", ["EU AI Act", "Artificial Intelligence Act"]);
        index.add("member-state", ["Member State"]);
        index
    }

    fn ids(m: &Mentions) -> Vec<&str> {
        m.found.iter().map(|f| f.id.as_str()).collect()
    }

    #[test]
    fn tokens_ignore_case_articles_plurals_and_possessives() {
        assert_eq!(label_key("The Member States’"), ["member", "state"]);
        assert_eq!(label_key("the Act's bodies"), ["act", "body"]);
        assert_eq!(
            label_key("Authorities, classes & boxes"),
            ["authority", "class", "&", "box"]
        );
        assert_eq!(
            label_key("general-purpose AI models"),
            ["general", "purpose", "ai", "model"]
        );
        assert_eq!(
            label_key("Regulation (EU) 2024/1689"),
            ["regulation", "eu", "2024", "1689"]
        );
    }

    #[test]
    fn several_targets_in_one_value() {
        let m = index().mentions("national authorities and the Act’s advisory and board bodies");
        assert_eq!(
            ids(&m),
            [
                "national-competent-authority",
                "advisory-forum",
                "european-ai-board"
            ]
        );
        assert!(m.found[0].partial);
        assert_eq!(m.found[0].mention, "national authorities");
        assert!(!m.found[2].partial);
        assert!(m.unresolved.is_empty(), "{:?}", m.unresolved);
    }

    #[test]
    fn negated_and_unknown_parts_are_unresolved() {
        let m = index().mentions("within the European Commission, not a separate agency");
        assert_eq!(ids(&m), ["european-commission"]);
        assert_eq!(m.found[0].mention, "European Commission");
        assert_eq!(
            m.unresolved,
            [Unresolved {
                mention: "not a separate agency".into(),
                why: Unmatched::Negated
            }]
        );
        let m = index().mentions("the standardisation organisations");
        assert!(m.found.is_empty());
        assert_eq!(m.unresolved[0].why, Unmatched::NoConcept);
    }

    #[test]
    fn ambiguous_parts_are_not_guessed() {
        let m = index().mentions("the authorities");
        assert!(m.found.is_empty());
        let Unmatched::Ambiguous(candidates) = &m.unresolved[0].why else {
            panic!("{m:?}")
        };
        assert_eq!(candidates.len(), 3);
    }

    #[test]
    fn the_longest_label_wins_and_each_concept_counts_once() {
        let m = index().mentions("the Commission and the European Commission’s AI Board");
        assert_eq!(ids(&m), ["european-commission", "european-ai-board"]);
        assert_eq!(index().exact("the member states"), ["member-state"]);
    }
}
