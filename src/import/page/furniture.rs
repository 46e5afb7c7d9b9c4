//! Telling site furniture (adverts and other promotional blocks the site
//! inserts) from the page's content, by what a block does rather than by any
//! particular words: furniture carries calls to action (sign in, free, try,
//! subscribe, membership, sponsored…) and says little or nothing about the
//! term. Extra phrases and CSS selectors can be configured.

use crate::import::labels::label_key;
use std::collections::BTreeSet;

/// Extra patterns for furniture, on top of the built-in signs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FurnitureRules {
    /// Text that marks a block as furniture wherever it appears (case-insensitive).
    pub phrases: Vec<String>,
    /// CSS selectors of furniture elements in HTML pages.
    pub selectors: Vec<String>,
}

/// Kinds of calls to action, each with the words and phrases that show it.
const CUES: &[(&str, &[&str])] = &[
    (
        "account",
        &[
            "sign in",
            "sign up",
            "signup",
            "log in",
            "login",
            "create an account",
            "create your account",
            "register now",
            "register today",
            "register for free",
        ],
    ),
    (
        "price",
        &[
            "free",
            "free trial",
            "discount",
            "coupon",
            "promo code",
            "% off",
            "save",
            "pricing",
            "buy",
            "purchase",
            "order now",
            "deal",
            "offer",
            "no credit card",
            "money-back",
            "per month",
            "a month",
        ],
    ),
    (
        "membership",
        &[
            "membership",
            "premium",
            "upgrade",
            "subscribe",
            "subscription",
            "subscriber",
            "newsletter",
            "inbox",
            "pro plan",
        ],
    ),
    (
        "promotion",
        &[
            "sponsored",
            "sponsor",
            "advertisement",
            "advertising",
            "advertiser",
            "promoted",
            "partner content",
            "affiliate",
        ],
    ),
    (
        "action",
        &[
            "try",
            "get started",
            "download",
            "claim",
            "join",
            "click",
            "tap",
            "learn more",
            "book a demo",
            "request a demo",
            "don't miss",
            "limited time",
            "act now",
            "today only",
            "start your",
            "shop now",
            "get your",
            "grab",
        ],
    ),
];

/// Labels that mark what follows as an advert.
const MARKERS: &[&str] = &[
    "advertisement",
    "advert",
    "ad",
    "ads",
    "sponsored",
    "sponsored content",
    "sponsored by",
    "promoted",
    "promotion",
    "partner content",
    "paid content",
    "paid partnership",
];

/// Top-level domains that make a word a web address ("example.org").
const DOMAINS: &[&str] = &[
    "org", "com", "net", "io", "eu", "co", "ai", "app", "dev", "info", "biz", "uk", "de", "fr",
];

/// Words in a definition that say nothing about its topic.
const COMMON: &[&str] = &[
    "is", "are", "be", "that", "which", "who", "the", "a", "an", "of", "and", "or", "to", "in",
    "on", "for", "with", "by", "as", "at", "from", "it", "its", "this", "help", "make", "use",
    "provide", "include", "can", "may", "will", "one", "any", "other", "such", "under", "so",
];

/// Judges blocks of one page.
#[derive(Debug, Clone)]
pub struct Detector {
    phrases: Vec<String>,
    /// The words of the term and the definition.
    topic: BTreeSet<String>,
    /// The term's words, to find it mentioned.
    term: Vec<String>,
}

/// The words used by so many entries of a glossary (a quarter or more, in a
/// glossary of eight or more) that sharing them says nothing about a topic,
/// such as "AI" and "Act" in a glossary of the AI Act.
pub fn common_words<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    let mut n = 0;
    for text in texts {
        n += 1;
        let words: BTreeSet<String> = label_key(text).into_iter().collect();
        for word in words {
            *counts.entry(word).or_default() += 1;
        }
    }
    if n < 8 {
        return BTreeSet::new();
    }
    let threshold = (n / 4).max(2);
    counts
        .into_iter()
        .filter(|(_, count)| *count >= threshold)
        .map(|(word, _)| word)
        .collect()
}

impl Detector {
    /// A detector for the page of `term`; `common` are words that say nothing
    /// about a topic in this glossary (see [`common_words`]).
    pub fn new(
        rules: &FurnitureRules,
        term: &str,
        definition: &str,
        common: &BTreeSet<String>,
    ) -> Self {
        let topic = label_key(&format!("{term} {definition}"))
            .into_iter()
            .filter(|w| !COMMON.contains(&w.as_str()) && !common.contains(w))
            .collect();
        Self {
            phrases: rules
                .phrases
                .iter()
                .map(|p| p.trim().to_lowercase())
                .filter(|p| !p.is_empty())
                .collect(),
            topic,
            term: label_key(term),
        }
    }

    /// Why a block (its heading and text) is furniture, if it is.
    pub fn block(&self, heading: Option<&str>, text: &str) -> Option<String> {
        let all = match heading {
            Some(h) => format!("{h}\n{text}"),
            None => text.to_owned(),
        };
        if let Some(reason) = self.marked(heading, text, &all) {
            return Some(reason);
        }
        let cues = cues(&all);
        let relevance = self.relevance(&all);
        let about = self.about(relevance);
        if cues.len() >= 2 && relevance <= 1 {
            return Some(format!("calls to action ({}) and {about}", cues.join(", ")));
        }
        if cues.len() >= 4 && relevance <= 3 {
            return Some(format!(
                "mostly calls to action ({}), {about}",
                cues.join(", ")
            ));
        }
        None
    }

    /// Why a single paragraph is furniture, if it is (stricter than for blocks:
    /// a paragraph is dropped only when clearly an advert).
    pub fn paragraph(&self, text: &str) -> Option<String> {
        if let Some(reason) = self.marked(None, text, text) {
            return Some(reason);
        }
        let cues = cues(text);
        let relevance = self.relevance(text);
        (cues.len() >= 3 && relevance == 0).then(|| {
            format!(
                "calls to action ({}) and nothing about the term",
                cues.join(", ")
            )
        })
    }

    fn marked(&self, heading: Option<&str>, text: &str, all: &str) -> Option<String> {
        let lower = all.to_lowercase();
        if let Some(phrase) = self.phrases.iter().find(|p| lower.contains(p.as_str())) {
            return Some(format!("contains the configured pattern `{phrase}`"));
        }
        let first_line = text.lines().next().unwrap_or_default();
        let label = |line: &str| -> Option<String> {
            let line = line.trim();
            let head = line.split(':').next().unwrap_or(line).trim();
            let head = head.trim_end_matches(['.', '!', '—', '–', '-']).trim();
            MARKERS
                .iter()
                .find(|m| head.eq_ignore_ascii_case(m))
                .map(|_| head.to_owned())
        };
        heading
            .and_then(label)
            .or_else(|| label(first_line))
            .map(|m| format!("marked `{m}`"))
    }

    /// How much a text is about the term: the topic words it uses, and two more
    /// if it names the term.
    pub fn relevance(&self, text: &str) -> usize {
        let words = label_key(text);
        let shared: BTreeSet<&String> = words.iter().filter(|w| self.topic.contains(*w)).collect();
        let names_term = !self.term.is_empty()
            && words
                .windows(self.term.len())
                .any(|w| w == self.term.as_slice());
        shared.len() + if names_term { 2 } else { 0 }
    }

    fn about(&self, relevance: usize) -> &'static str {
        if relevance == 0 {
            "nothing about the term"
        } else {
            "little about the term"
        }
    }
}

/// The kinds of calls to action in `text`, with the word that shows each.
pub fn cues(text: &str) -> Vec<String> {
    let normal = normalise(text);
    let padded = format!(" {normal} ");
    let mut found = Vec::new();
    for (_, phrases) in CUES {
        if let Some(phrase) = phrases.iter().find(|p| {
            if p.starts_with('%') {
                normal.contains(*p)
            } else {
                padded.contains(&format!(" {p} "))
            }
        }) {
            found.push((*phrase).to_owned());
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if let Some(address) = words.iter().find(|w| is_address(w)) {
        found.push(
            address
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_owned(),
        );
    }
    let second_person = normal
        .split(' ')
        .filter(|w| matches!(*w, "you" | "your" | "yours" | "you're" | "you'll"))
        .count();
    if second_person >= 3 {
        found.push("you".into());
    }
    found
}

/// Lowercase words separated by single spaces, with straight apostrophes.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '’' | '‘' => '\'',
            c => c,
        };
        if c.is_alphanumeric() || c == '\'' || c == '%' || c == '-' {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim().to_owned()
}

/// Whether a word is a web address: a URL, `www.…`, or `name.tld`.
fn is_address(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != ':');
    let lower = word.to_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") {
        return true;
    }
    let Some((name, tld)) = lower.rsplit_once('.') else {
        return false;
    };
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && DOMAINS.contains(&tld)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detector() -> Detector {
        Detector::new(
            &FurnitureRules::default(),
            "AI Pact",
            "The AI Pact is a voluntary initiative of the European Commission that invites companies to prepare early for the AI Act.",
            &BTreeSet::new(),
        )
    }

    #[test]
    fn finds_kinds_of_calls_to_action() {
        assert_eq!(
            cues(
                "Sign up — it’s FREE! Visit shop.example.com and subscribe to your newsletter. Your inbox, your way."
            ),
            ["sign up", "free", "subscribe", "shop.example.com", "you"]
        );
        assert!(cues("The Board meets twice a year.").is_empty());
        assert_eq!(cues("Save 20% off today"), ["% off"]);
    }

    #[test]
    fn adverts_are_furniture_and_content_is_not() {
        let d = detector();
        assert!(
            d.block(
                Some("Upgrade your toolkit"),
                "Start your free 14-day trial of ComplyBot today. No credit card required — subscribe now."
            )
            .is_some()
        );
        // Calls to action about the term itself stay.
        assert_eq!(
            d.block(
                Some("How companies take part"),
                "Any company can join the AI Pact free of charge by signing its pledges; members of the Pact network share practices with the European Commission."
            ),
            None
        );
        assert!(
            d.block(Some("Sponsored"), "Acme audits.")
                .unwrap()
                .contains("marked `Sponsored`")
        );
        assert!(d.paragraph("Advertisement: Acme audits.").is_some());
        assert_eq!(d.paragraph("Companies can join for free."), None);
    }

    #[test]
    fn words_most_entries_use_are_common() {
        let texts = [
            "AI Act body one",
            "AI Act body two",
            "AI Act three",
            "AI four",
            "five",
            "six",
            "seven",
            "eight",
        ];
        let common = common_words(texts);
        assert_eq!(
            common.into_iter().collect::<Vec<_>>(),
            ["act", "ai", "body"]
        );
        assert!(common_words(["AI", "AI"]).is_empty());
    }

    #[test]
    fn configured_phrases_mark_furniture() {
        let rules = FurnitureRules {
            phrases: vec!["Partner Spotlight".into()],
            selectors: vec![],
        };
        let d = Detector::new(&rules, "AI Pact", "A pact.", &BTreeSet::new());
        assert!(
            d.block(Some("Partner spotlight"), "Meet Acme.")
                .unwrap()
                .contains("configured pattern")
        );
    }
}
