//! The label index: every label of every concept, normalised, in three finite
//! state transducers (`fst`): whole labels, words, and word suffixes.
//!
//! Why this structure: whole-label and word lookups, prefixes and Levenshtein
//! automata are what autocomplete needs, and an `fst` answers all of them from
//! one compact sorted set in microseconds. Infixes come from a second set of
//! word suffixes. A full-text engine (tantivy) would add a large dependency and
//! a second copy of the data for features (phrase queries, BM25) that labels do
//! not need; a SPARQL `CONTAINS` scan is linear in the labels. Measured figures
//! are in BENCHMARKS.md.

use super::normalize::{is_stopword, normalise, stem, variants};
use fst::automaton::Str;
use fst::{Automaton, IntoStreamer, Map, MapBuilder, Streamer};
use std::collections::HashMap;

/// Labels a query takes at most from the whole-label prefix search, and
/// candidate labels it examines at most in each word stage: a two-letter
/// query over a million labels stays well under a millisecond. The labels
/// come in sorted order, so short labels sharing the prefix come first.
const PREFIX_CAP: usize = 1_000;
const STAGE_CAP: usize = 2_000;
/// Candidate labels examined for infixes, typos and partial matches, where each check
/// costs more: the shortest labels of each word, which match best.
const LOOSE_STAGE_CAP: usize = 500;
/// Words a driver word expands to at most (prefixes, suffixes).
const WORD_CAP: usize = 2_000;
/// Words a misspelt driver word expands to at most, and the number of
/// one-typo neighbours after which two-typo ones are not looked for: one.
/// Looking further whenever there are few one-typo neighbours (20 was tried)
/// doubles the cost of most typo queries and changed no answer in the
/// matching test set.
const FUZZY_WORD_CAP: usize = 300;
const FUZZY_ENOUGH: usize = 1;

/// What kind of label a label is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelKind {
    Preferred,
    Alternative,
    /// Found by search, never shown.
    Hidden,
    Notation,
}

impl LabelKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Preferred => "preferred",
            Self::Alternative => "alternative",
            Self::Hidden => "hidden",
            Self::Notation => "notation",
        }
    }
}

/// A label to index.
#[derive(Debug, Clone)]
pub struct LabelInput<'a> {
    pub concept: u32,
    /// A language tag, or empty.
    pub lang: &'a str,
    pub kind: LabelKind,
    pub text: &'a str,
}

/// How a label matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Match {
    /// The whole preferred label.
    ExactPreferred,
    /// The whole alternative or hidden label, or the notation.
    ExactAlternative,
    /// The label starts with the query.
    Prefix,
    /// Every word of the query starts a word of the label.
    Words,
    /// Some word of the query is inside a word of the label.
    Infix,
    /// Some word of the query is a word of the label with a typo or two.
    Fuzzy,
    /// At least half the words of the query match words of the label.
    Partial,
}

impl Match {
    pub fn name(self) -> &'static str {
        match self {
            Self::ExactPreferred => "exact-preferred",
            Self::ExactAlternative => "exact-alternative",
            Self::Prefix => "prefix",
            Self::Words => "words",
            Self::Infix => "infix",
            Self::Fuzzy => "fuzzy",
            Self::Partial => "partial",
        }
    }

    fn base_score(self) -> f64 {
        match self {
            Self::ExactPreferred => 100.0,
            Self::ExactAlternative => 92.0,
            Self::Prefix => 78.0,
            Self::Words => 66.0,
            Self::Infix => 48.0,
            Self::Fuzzy => 36.0,
            Self::Partial => 42.0,
        }
    }
}

struct Label {
    concept: u32,
    lang: u16,
    kind: LabelKind,
    text: Box<str>,
    /// The normalised form, and the written-out umlaut form if there is one.
    norm: Box<str>,
    variant: Option<Box<str>>,
}

/// The labels found so far, each with its best match and the share of the
/// query's words it matched.
#[derive(Default)]
struct Found(HashMap<u32, (Match, f32)>);

impl Found {
    fn note(&mut self, label: u32, m: Match, coverage: f32) {
        let best = self.0.entry(label).or_insert((m, coverage));
        if (m, std::cmp::Reverse(coverage.to_bits()))
            < (best.0, std::cmp::Reverse(best.1.to_bits()))
        {
            *best = (m, coverage);
        }
    }

    /// The best match found so far.
    fn best(&self) -> Option<Match> {
        self.0.values().map(|(m, _)| *m).min()
    }

    /// How many distinct concepts the labels found belong to.
    fn concepts(&self, index: &Index) -> usize {
        let mut concepts: Vec<u32> = self
            .0
            .keys()
            .map(|l| index.labels[*l as usize].concept)
            .collect();
        concepts.sort_unstable();
        concepts.dedup();
        concepts.len()
    }
}

/// A concept that matched, through its best label.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub concept: u32,
    /// The label that matched (see `Index::label`).
    pub label: u32,
    pub matched: Match,
    /// 0 to 100; higher is better.
    pub score: f64,
}

/// What to search for.
#[derive(Debug, Clone)]
pub struct Query<'a> {
    pub text: &'a str,
    /// Languages to prefer, best first (the requested one, then the fallbacks).
    pub languages: &'a [&'a str],
    pub limit: usize,
    /// Whether deprecated concepts are returned (last) or left out.
    pub deprecated: bool,
}

/// Every label, searchable.
pub struct Index {
    labels: Vec<Label>,
    languages: Vec<String>,
    deprecated: Vec<bool>,
    full: Map<Vec<u8>>,
    full_groups: Vec<Vec<u32>>,
    words: Map<Vec<u8>>,
    postings: Vec<Vec<u32>>,
    suffixes: Map<Vec<u8>>,
    suffix_groups: Vec<Vec<u32>>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("labels", &self.labels.len())
            .finish()
    }
}

/// Builds an fst map from unsorted (key, value) pairs, grouping values by key.
fn grouped_map(mut pairs: Vec<(Box<str>, u32)>) -> (Map<Vec<u8>>, Vec<Vec<u32>>) {
    pairs.sort_unstable();
    pairs.dedup();
    let mut builder = MapBuilder::memory();
    let mut groups: Vec<Vec<u32>> = Vec::new();
    let mut i = 0;
    while i < pairs.len() {
        let key = &pairs[i].0;
        let mut group = Vec::new();
        while i < pairs.len() && &pairs[i].0 == key {
            group.push(pairs[i].1);
            i += 1;
        }
        // Keys are sorted and distinct, so insertion cannot fail.
        if builder.insert(key.as_bytes(), groups.len() as u64).is_ok() {
            groups.push(group);
        }
    }
    let bytes = builder.into_inner().unwrap_or_default();
    (Map::new(bytes).unwrap_or_default(), groups)
}

impl Index {
    /// Indexes `labels`; `deprecated[c]` says whether concept `c` is deprecated.
    pub fn build<'a>(
        labels: impl IntoIterator<Item = LabelInput<'a>>,
        deprecated: Vec<bool>,
    ) -> Self {
        let mut languages: Vec<String> = Vec::new();
        let mut stored = Vec::new();
        for input in labels {
            let lang = match languages.iter().position(|l| l == input.lang) {
                Some(i) => i,
                None => {
                    languages.push(input.lang.to_owned());
                    languages.len() - 1
                }
            } as u16;
            let norm = normalise(input.text);
            if norm.is_empty() {
                continue;
            }
            stored.push(Label {
                concept: input.concept,
                lang,
                kind: input.kind,
                variant: variants(input.text).map(String::into_boxed_str),
                text: input.text.into(),
                norm: norm.into_boxed_str(),
            });
        }
        let mut full_pairs = Vec::with_capacity(stored.len());
        let mut word_pairs = Vec::new();
        for (id, label) in stored.iter().enumerate() {
            let id = id as u32;
            for form in std::iter::once(&label.norm).chain(label.variant.as_ref()) {
                full_pairs.push((form.clone(), id));
                if label.kind != LabelKind::Notation {
                    for word in form.split(' ') {
                        word_pairs.push((Box::<str>::from(word), id));
                    }
                }
            }
        }
        let (full, full_groups) = grouped_map(full_pairs);
        let (words, mut postings) = grouped_map(word_pairs);
        // Shorter labels first: when a common word has more labels than a stage
        // examines, the ones it examines are those the query covers best.
        let lengths: Vec<usize> = stored.iter().map(|l| l.norm.matches(' ').count()).collect();
        for group in &mut postings {
            group.sort_unstable_by_key(|&l| (lengths[l as usize], l));
        }
        // Every proper suffix of three or more characters of every word.
        let mut suffix_pairs = Vec::new();
        let mut stream = words.stream();
        while let Some((word, word_id)) = stream.next() {
            let Ok(word) = std::str::from_utf8(word) else {
                continue;
            };
            for (i, _) in word.char_indices().skip(1) {
                let suffix = &word[i..];
                if suffix.chars().count() >= 3 {
                    suffix_pairs.push((Box::<str>::from(suffix), word_id as u32));
                }
            }
        }
        let (suffixes, suffix_groups) = grouped_map(suffix_pairs);
        Self {
            labels: stored,
            languages,
            deprecated,
            full,
            full_groups,
            words,
            postings,
            suffixes,
            suffix_groups,
        }
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// A label's text, language and kind.
    pub fn label(&self, id: u32) -> (&str, &str, LabelKind) {
        let l = &self.labels[id as usize];
        (&l.text, &self.languages[l.lang as usize], l.kind)
    }

    /// Approximate heap bytes held by the index.
    pub fn heap_bytes(&self) -> usize {
        let labels: usize = self
            .labels
            .iter()
            .map(|l| {
                std::mem::size_of::<Label>()
                    + l.text.len()
                    + l.norm.len()
                    + l.variant.as_ref().map_or(0, |v| v.len())
            })
            .sum();
        let groups = |g: &Vec<Vec<u32>>| g.iter().map(|v| 24 + v.len() * 4).sum::<usize>();
        labels
            + self.full.as_fst().as_bytes().len()
            + self.words.as_fst().as_bytes().len()
            + self.suffixes.as_fst().as_bytes().len()
            + groups(&self.full_groups)
            + groups(&self.postings)
            + groups(&self.suffix_groups)
    }

    /// The best labels for `query`, one hit per concept, best first.
    pub fn search(&self, query: &Query<'_>) -> Vec<Hit> {
        let norm = normalise(query.text);
        if norm.is_empty() || query.limit == 0 {
            return Vec::new();
        }
        let all: Vec<&str> = norm.split(' ').collect();
        // Articles and prepositions need not match; a query of only those must.
        let mut tokens: Vec<&str> = all.iter().copied().filter(|t| !is_stopword(t)).collect();
        if tokens.is_empty() {
            tokens = all.clone();
        }
        let mut found = Found::default();
        // The whole label (with or without the query's stopwords), then labels
        // starting with the query.
        let content = tokens.join(" ");
        for key in [norm.as_str(), content.as_str()] {
            if let Some(group) = self.full.get(key) {
                for &l in &self.full_groups[group as usize] {
                    let m = if self.labels[l as usize].kind == LabelKind::Preferred {
                        Match::ExactPreferred
                    } else {
                        Match::ExactAlternative
                    };
                    found.note(l, m, 1.0);
                }
            }
        }
        let mut stream = self
            .full
            .search(Str::new(&norm).starts_with())
            .into_stream();
        let mut examined = 0;
        while let Some((_, group)) = stream.next() {
            for &l in &self.full_groups[group as usize] {
                found.note(l, Match::Prefix, 1.0);
            }
            examined += self.full_groups[group as usize].len();
            if examined >= PREFIX_CAP {
                break;
            }
        }
        // Word by word: the longest word of the query finds candidates, and each
        // candidate is checked against the other words. Looser stages run only
        // while too few concepts are found.
        // Every word must match, so the rarest word finds the fewest candidates;
        // partial matches try each word, rarest first.
        let mut drivers: Vec<(&str, usize)> =
            tokens.iter().map(|t| (*t, self.frequency(t))).collect();
        drivers.sort_by_key(|&(t, frequency)| (frequency, std::cmp::Reverse(t.chars().count())));
        // A word found as typed narrows the candidates for typos far more than
        // the misspelt word's neighbours do: typos are looked for in the labels
        // that have the rarest such word, if all of them can be examined.
        let typed = drivers
            .iter()
            .position(|&(_, frequency)| frequency > 0 && frequency < STAGE_CAP);
        let wanted = query.limit.max(10);
        for stage in [Match::Words, Match::Infix, Match::Fuzzy, Match::Partial] {
            if found.concepts(self) >= wanted {
                break;
            }
            // Typos and partial matches only when nothing matches as typed, and
            // partial matches only when no label has every word (typos allowed).
            if stage >= Match::Fuzzy && found.best().is_some_and(|m| m <= Match::Infix)
                || stage == Match::Partial && found.best().is_some_and(|m| m <= Match::Fuzzy)
            {
                break;
            }
            // Which words find the candidates, and how: partial matches start
            // from each word as typed (prefixes and stems); typos from the
            // rarest word found as typed, then (if that finds no label with
            // every word) from the rarest word's neighbours; the others from the
            // rarest word.
            let attempts: Vec<(&str, Match)> = match stage {
                Match::Partial => drivers.iter().map(|&(d, _)| (d, Match::Words)).collect(),
                Match::Fuzzy => typed
                    .filter(|_| tokens.len() > 1)
                    .map(|i| (drivers[i].0, Match::Words))
                    .into_iter()
                    .chain([(drivers[0].0, Match::Fuzzy)])
                    .collect(),
                _ => vec![(drivers[0].0, stage)],
            };
            let cap = if stage >= Match::Infix {
                LOOSE_STAGE_CAP
            } else {
                STAGE_CAP
            };
            for (n, &(driver, driver_stage)) in attempts.iter().enumerate() {
                if stage == Match::Fuzzy && n > 0 && found.best().is_some_and(|m| m <= Match::Fuzzy)
                {
                    break;
                }
                let mut examined = 0;
                // A one-word query's infix candidates hold it by construction
                // (their word has a suffix starting with it): no check needed.
                let checked = !(stage == Match::Infix && tokens.len() == 1);
                'words: for word in self.driver_words(driver, driver_stage) {
                    for &l in &self.postings[word as usize] {
                        if !checked {
                            found.note(l, Match::Infix, 1.0);
                        } else if let Some((m, coverage)) = self.check_words(l, &tokens, stage) {
                            found.note(l, m, coverage);
                        }
                        examined += 1;
                        if examined >= cap {
                            break 'words;
                        }
                    }
                }
            }
        }
        self.rank(found.0, query)
    }

    /// How many labels have a word starting with `token`'s stem (counted up to
    /// a cap): a measure of how common the word is.
    fn frequency(&self, token: &str) -> usize {
        let mut total = 0;
        let mut stream = self
            .words
            .search(Str::new(stem(token)).starts_with())
            .into_stream();
        while let Some((_, word)) = stream.next() {
            total += self.postings[word as usize].len();
            if total >= STAGE_CAP {
                break;
            }
        }
        total
    }

    /// Words the driver word can match in a stage.
    fn driver_words(&self, driver: &str, stage: Match) -> Vec<u32> {
        let mut out = Vec::new();
        let length = driver.chars().count();
        match stage {
            Match::Infix if length >= 3 => {
                let mut stream = self
                    .suffixes
                    .search(Str::new(driver).starts_with())
                    .into_stream();
                while let Some((_, group)) = stream.next() {
                    out.extend_from_slice(&self.suffix_groups[group as usize]);
                    if out.len() >= WORD_CAP {
                        break;
                    }
                }
                out.sort_unstable();
                out.dedup();
            }
            Match::Fuzzy if typo_budget(length) > 0 && driver.len() <= FUZZY_MAX_BYTES => {
                // Byte edits bound character edits: a character is at most as many
                // bytes as the longest in the word. Candidates are checked by
                // character later.
                // One typo first; two only if one finds few words (it is
                // cheaper, and closer words are better candidates).
                let widest = driver.chars().map(char::len_utf8).max().unwrap_or(1) as u32;
                for typos in 1..=typo_budget(length) {
                    out.clear();
                    let automaton = TypoAutomaton {
                        query: driver.as_bytes(),
                        budget: (typos * widest) as u8,
                    };
                    let mut stream = self.words.search(automaton).into_stream();
                    while let Some((_, word)) = stream.next() {
                        out.push(word as u32);
                        if out.len() >= FUZZY_WORD_CAP {
                            break;
                        }
                    }
                    if out.len() >= FUZZY_ENOUGH {
                        break;
                    }
                }
            }
            Match::Words => {
                // The stem finds both the singular and the plural.
                let mut stream = self
                    .words
                    .search(Str::new(stem(driver)).starts_with())
                    .into_stream();
                while let Some((_, word)) = stream.next() {
                    out.push(word as u32);
                    if out.len() >= WORD_CAP {
                        break;
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// How well the query words match the words of label `l` at a stage no
    /// looser than `stage`, and the share of query words that matched; `None`
    /// if the label does not match at that stage.
    fn check_words(&self, l: u32, tokens: &[&str], stage: Match) -> Option<(Match, f32)> {
        let label = &self.labels[l as usize];
        // Partial matches take words as typed (prefixes, stems, infixes): a
        // typo in some words and others missing is too loose to be useful.
        let word_stage = if stage == Match::Partial {
            Match::Infix
        } else {
            stage
        };
        let mut worst = Match::Words;
        let mut matched = 0;
        for token in tokens {
            let best = std::iter::once(&label.norm)
                .chain(label.variant.as_ref())
                .flat_map(|form| form.split(' '))
                .filter_map(|word| word_match(token, word, word_stage))
                .min();
            match best {
                Some(m) => {
                    worst = worst.max(m);
                    matched += 1;
                }
                None if stage == Match::Partial => {}
                None => return None,
            }
        }
        if stage == Match::Partial {
            // At least half the query's words, and at least one; the label whose
            // own words the query covers ranks first among equals.
            if matched == 0 || matched * 2 < tokens.len() {
                return None;
            }
            let words: Vec<&str> = label.norm.split(' ').filter(|w| !is_stopword(w)).collect();
            let covered = words
                .iter()
                .filter(|w| {
                    tokens
                        .iter()
                        .any(|t| word_match(t, w, word_stage).is_some())
                })
                .count();
            let query_share = matched as f32 / tokens.len() as f32;
            let label_share = covered as f32 / words.len().max(1) as f32;
            return Some((
                Match::Partial,
                (0.7 * query_share + 0.3 * label_share).min(1.0),
            ));
        }
        Some((worst, 1.0))
    }

    fn rank(&self, found: HashMap<u32, (Match, f32)>, query: &Query<'_>) -> Vec<Hit> {
        let norm_len = normalise(query.text).chars().count() as f64;
        let mut best: HashMap<u32, Hit> = HashMap::new();
        for (l, (matched, coverage)) in found {
            let label = &self.labels[l as usize];
            let deprecated = self
                .deprecated
                .get(label.concept as usize)
                .copied()
                .unwrap_or(false);
            if deprecated && !query.deprecated {
                continue;
            }
            let lang = &self.languages[label.lang as usize];
            let language_bonus = match query
                .languages
                .iter()
                .position(|q| q == lang || lang.split('-').next() == Some(q))
            {
                Some(0) => 6.0,
                Some(i) => (4.0 - i as f64).max(1.0),
                None => 0.0,
            };
            let kind_bonus = if label.kind == LabelKind::Preferred {
                2.0
            } else {
                0.0
            };
            let extra = (label.norm.chars().count() as f64 - norm_len).max(0.0);
            let mut score =
                matched.base_score() * f64::from(coverage) + language_bonus + kind_bonus
                    - (extra * 0.25).min(10.0);
            if deprecated {
                score -= 60.0;
            }
            let score = score.clamp(0.0, 100.0);
            let hit = Hit {
                concept: label.concept,
                label: l,
                matched,
                score,
            };
            match best.get(&label.concept) {
                Some(current)
                    if current.score > score
                        || (current.score == score
                            && self.labels[current.label as usize].text <= label.text) => {}
                _ => {
                    best.insert(label.concept, hit);
                }
            }
        }
        let mut hits: Vec<Hit> = best.into_values().collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| {
                    self.labels[a.label as usize]
                        .text
                        .len()
                        .cmp(&self.labels[b.label as usize].text.len())
                })
                .then_with(|| {
                    self.labels[a.label as usize]
                        .text
                        .cmp(&self.labels[b.label as usize].text)
                })
                .then(a.concept.cmp(&b.concept))
        });
        hits.truncate(query.limit);
        hits
    }
}

/// Longest word (in bytes) typo matching is tried for.
const FUZZY_MAX_BYTES: usize = 47;

/// One row of the edit-distance table.
type Row = [u8; FUZZY_MAX_BYTES + 1];

/// Words within `budget` byte edits of `query`, where swapping two neighbours
/// is one edit (optimal string alignment): an automaton run over the words'
/// bytes. A state is the last two rows of the table and the last byte, in fixed
/// arrays so a transition allocates nothing. (`fst`'s own Levenshtein
/// automaton finds nothing for Cyrillic queries, and counts a swap as two.)
struct TypoAutomaton<'a> {
    query: &'a [u8],
    budget: u8,
}

#[derive(Clone)]
struct TypoState {
    previous: Row,
    row: Row,
    last: u8,
    /// Bytes read so far.
    depth: usize,
}

impl Automaton for TypoAutomaton<'_> {
    type State = Option<Box<TypoState>>;

    fn start(&self) -> Self::State {
        let over = self.budget.saturating_add(1);
        let mut row = [over; FUZZY_MAX_BYTES + 1];
        for (i, cell) in row.iter_mut().enumerate().take(self.query.len() + 1) {
            *cell = (i as u8).min(over);
        }
        Some(Box::new(TypoState {
            previous: [over; FUZZY_MAX_BYTES + 1],
            row,
            last: 0,
            depth: 0,
        }))
    }

    fn is_match(&self, state: &Self::State) -> bool {
        state
            .as_ref()
            .is_some_and(|s| s.row[self.query.len()] <= self.budget)
    }

    fn can_match(&self, state: &Self::State) -> bool {
        state.is_some()
    }

    fn accept(&self, state: &Self::State, byte: u8) -> Self::State {
        let s = state.as_ref()?;
        let (previous, row) = (&s.previous, &s.row);
        // Only cells within `budget` of the diagonal can stay within budget;
        // the others are "over" and need no computing.
        let over = self.budget.saturating_add(1);
        let depth = s.depth + 1;
        let budget = usize::from(self.budget);
        let mut next = [over; FUZZY_MAX_BYTES + 1];
        next[0] = depth.min(usize::from(over)) as u8;
        let mut alive = next[0] <= self.budget;
        let first = depth.saturating_sub(budget).max(1);
        let last = (depth + budget).min(self.query.len());
        for j in first..=last {
            let q = self.query[j - 1];
            let cost = u8::from(q != byte);
            let mut cell = row[j - 1]
                .saturating_add(cost)
                .min(row[j].saturating_add(1))
                .min(next[j - 1].saturating_add(1));
            if j > 1 && q == s.last && self.query[j - 2] == byte {
                cell = cell.min(previous[j - 2].saturating_add(1));
            }
            next[j] = cell.min(over);
            alive |= next[j] <= self.budget;
        }
        // Dead once every cell is over budget.
        alive.then(|| {
            Box::new(TypoState {
                previous: *row,
                row: next,
                last: byte,
                depth,
            })
        })
    }
}

/// Typos allowed in a word of `length` characters: none up to three, one for
/// four or five, two beyond (a swap of neighbours counts as one).
fn typo_budget(length: usize) -> u32 {
    match length {
        0..=3 => 0,
        4..=5 => 1,
        _ => 2,
    }
}

/// How `token` matches `word`, if it does at a stage no better than `stage`.
fn word_match(token: &str, word: &str, stage: Match) -> Option<Match> {
    if word.starts_with(token) || stem(word) == stem(token) {
        return Some(Match::Words);
    }
    if stage >= Match::Infix && token.chars().count() >= 3 && word.contains(token) {
        return Some(Match::Infix);
    }
    if stage >= Match::Fuzzy {
        let length = token.chars().count();
        let budget = typo_budget(length) as usize;
        if budget > 0 && word.chars().count().abs_diff(length) <= budget + 2 {
            let (t, w) = (stem(token), stem(word));
            // Optimal string alignment: a swap of neighbours counts as one edit.
            if strsim::osa_distance(token, word) <= budget || strsim::osa_distance(t, w) <= budget {
                return Some(Match::Fuzzy);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        let labels = [
            (0, "en", LabelKind::Preferred, "EU AI Office"),
            (0, "en", LabelKind::Alternative, "European AI Office"),
            (1, "en", LabelKind::Preferred, "European Commission"),
            (1, "es", LabelKind::Preferred, "Comisión Europea"),
            (2, "de", LabelKind::Preferred, "Marktüberwachungsbehörde"),
            (
                2,
                "en",
                LabelKind::Preferred,
                "market surveillance authority",
            ),
            (3, "en", LabelKind::Preferred, "Office furniture"),
            (4, "en", LabelKind::Preferred, "Old office"),
            (5, "en", LabelKind::Notation, "AI-5"),
        ];
        let deprecated = vec![false, false, false, false, true, false];
        Index::build(
            labels.iter().map(|(c, lang, kind, text)| LabelInput {
                concept: *c,
                lang,
                kind: *kind,
                text,
            }),
            deprecated,
        )
    }

    fn search(index: &Index, text: &str) -> Vec<(u32, Match)> {
        index
            .search(&Query {
                text,
                languages: &["en"],
                limit: 10,
                deprecated: false,
            })
            .into_iter()
            .map(|h| (h.concept, h.matched))
            .collect()
    }

    #[test]
    fn ranks_exact_then_alternative_then_prefix_then_words() {
        let index = index();
        assert_eq!(
            search(&index, "eu ai office")[0],
            (0, Match::ExactPreferred)
        );
        assert_eq!(
            search(&index, "European AI office")[0],
            (0, Match::ExactAlternative)
        );
        assert_eq!(
            search(&index, "europ")[..2]
                .iter()
                .map(|h| h.1)
                .collect::<Vec<_>>(),
            [Match::Prefix, Match::Prefix]
        );
        let office = search(&index, "office");
        assert_eq!(
            office[0].0, 3,
            "a label starting with the word ranks first: {office:?}"
        );
        assert!(office.contains(&(0, Match::Words)));
        assert!(
            office.iter().all(|h| h.0 != 4),
            "deprecated concepts are left out"
        );
    }

    #[test]
    fn folds_accents_umlauts_and_finds_infixes_and_typos() {
        let index = index();
        assert_eq!(
            search(&index, "comision europea")[0],
            (1, Match::ExactPreferred)
        );
        assert_eq!(
            search(&index, "Marktueberwachungsbehoerde")[0],
            (2, Match::ExactPreferred)
        );
        assert_eq!(search(&index, "überwachung")[0], (2, Match::Infix));
        assert_eq!(search(&index, "survelance")[0], (2, Match::Fuzzy));
        assert_eq!(search(&index, "comission")[0], (1, Match::Fuzzy));
        assert_eq!(search(&index, "ai-5")[0], (5, Match::ExactAlternative));
        assert!(search(&index, "zzzz").is_empty());
        assert!(search(&index, "  ").is_empty());
    }

    #[test]
    fn a_swap_of_neighbours_is_one_typo() {
        assert_eq!(strsim::osa_distance("chnage", "change"), 1);
        assert_eq!(strsim::osa_distance("change", "change"), 0);
        assert_eq!(strsim::osa_distance("chang", "change"), 1);
        assert_eq!(strsim::osa_distance("kitten", "sitting"), 3);
        let labels = [(0u32, "en", LabelKind::Preferred, "Climate change")];
        let index = Index::build(
            labels.iter().map(|(c, lang, kind, text)| LabelInput {
                concept: *c,
                lang,
                kind: *kind,
                text,
            }),
            vec![false],
        );
        assert_eq!(search(&index, "climate chnage")[0], (0, Match::Fuzzy));
    }

    #[test]
    fn typos_are_found_in_any_script() {
        let labels = [
            (0u32, "ru", LabelKind::Preferred, "Искусственный интеллект"),
            (1, "ru", LabelKind::Preferred, "Беженцы"),
        ];
        let index = Index::build(
            labels.iter().map(|(c, lang, kind, text)| LabelInput {
                concept: *c,
                lang,
                kind: *kind,
                text,
            }),
            vec![false, false],
        );
        assert_eq!(
            search(&index, "искуственный интеллект")[0],
            (0, Match::Fuzzy)
        );
        assert_eq!(search(&index, "беженец")[0].0, 1);
    }

    #[test]
    fn deprecated_concepts_come_last_when_asked_for() {
        let index = index();
        let hits = index.search(&Query {
            text: "office",
            languages: &["en"],
            limit: 10,
            deprecated: true,
        });
        assert_eq!(hits.last().map(|h| h.concept), Some(4));
    }
}
