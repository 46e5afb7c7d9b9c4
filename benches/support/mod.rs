//! What the benchmarks share: a deterministic random generator and made-up
//! words, and the generator of realistic glossaries.

#![allow(dead_code)]

pub mod glossary;

/// A small deterministic generator (xorshift64*): the same seed, the same data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const SYLLABLES: &[&str] = &[
    "ad", "al", "an", "ar", "as", "at", "ba", "be", "bi", "bo", "ca", "ce", "ci", "co", "cu", "da",
    "de", "di", "do", "du", "el", "em", "en", "er", "es", "et", "fa", "fe", "fi", "fo", "ga", "ge",
    "gi", "go", "gu", "ha", "he", "hi", "ho", "ic", "id", "il", "im", "in", "ir", "is", "it", "ja",
    "ka", "ke", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "mu", "na", "ne", "ni", "no",
    "nu", "ob", "od", "ol", "om", "on", "or", "os", "pa", "pe", "pi", "po", "pu", "ra", "re", "ri",
    "ro", "ru", "sa", "se", "si", "so", "su", "ta", "te", "ti", "to", "tu", "ul", "um", "un", "ur",
    "us", "va", "ve", "vi", "vo", "za", "ze", "zi", "zo", "ment", "tion", "ance", "ity", "ism",
    "ure", "ogy", "ics", "ship", "hood",
];

/// A made-up word of two to four syllables.
pub fn word(rng: &mut Rng) -> String {
    let n = 2 + rng.below(3);
    (0..n)
        .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
        .collect()
}

/// A vocabulary of `n` words; `pick` draws from it with a Zipf-like spread.
pub struct Vocabulary(pub Vec<String>);

impl Vocabulary {
    pub fn new(rng: &mut Rng, n: usize) -> Self {
        Self((0..n).map(|_| word(rng)).collect())
    }

    pub fn pick(&self, rng: &mut Rng) -> &str {
        // Squaring a uniform number favours the start of the vocabulary.
        let u = rng.below(1 << 20) as f64 / f64::from(1 << 20);
        &self.0[((u * u) * self.0.len() as f64) as usize]
    }

    /// `least` to `least + spread - 1` words joined by spaces.
    pub fn phrase(&self, rng: &mut Rng, least: usize, spread: usize) -> String {
        let n = least + rng.below(spread.max(1));
        (0..n)
            .map(|_| self.pick(rng).to_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A sentence of `least` to `least + spread - 1` words, with a capital and a full stop.
    pub fn sentence(&self, rng: &mut Rng, least: usize, spread: usize) -> String {
        let mut text = self.phrase(rng, least, spread);
        if let Some(first) = text.get(..1) {
            text.replace_range(..1, &first.to_uppercase());
        }
        text.push('.');
        text
    }
}
