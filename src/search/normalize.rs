//! Text normalisation for matching: the same letters match however they are
//! written (compatibility forms, case, accents, punctuation).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Letters with no decomposition and the letters they match, as
/// [`normalise`] folds them (the static search index hands this table to
/// the search box's script, so both fold alike).
pub const FOLDS: &[(char, &str)] = &[
    ('ß', "ss"),
    ('æ', "ae"),
    ('œ', "oe"),
    ('ø', "o"),
    ('ð', "d"),
    ('đ', "d"),
    ('ł', "l"),
    ('þ', "th"),
    ('ı', "i"),
];

/// Apostrophes and accents written alone: dropped, so "Act’s" is "acts".
pub const DROPPED: &[char] = &['\'', '’', '‘', 'ʼ', '`', '´'];

/// The matching form of `text`: NFKC, lowercase, accents removed, letters with
/// no decomposition folded (`ß` → `ss`, `ø` → `o`, `æ` → `ae`: [`FOLDS`]),
/// apostrophes dropped and any other punctuation turned into single spaces.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.nfkc().flat_map(char::to_lowercase).nfd() {
        if is_combining_mark(c) || DROPPED.contains(&c) {
            continue;
        }
        if let Some((_, folded)) = FOLDS.iter().find(|(from, _)| *from == c) {
            out.push_str(folded);
            space = false;
        } else if c == '.' && !out.ends_with(|d: char| d.is_ascii_digit()) {
            // Dots inside abbreviations ("A.I.") go; between digits they separate.
        } else if c.is_alphanumeric() {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Letters also written out, and how: German umlauts (see [`variants`]).
pub const WRITTEN_OUT: &[(char, &str)] = &[
    ('ä', "ae"),
    ('ö', "oe"),
    ('ü', "ue"),
    ('Ä', "Ae"),
    ('Ö', "Oe"),
    ('Ü', "Ue"),
];

/// Other spellings a label is also found by: German umlauts written out
/// (`Behörde` is also `behoerde`), so both ways of typing them match.
pub fn variants(text: &str) -> Option<String> {
    let written_out = |c: char| WRITTEN_OUT.iter().find(|(from, _)| *from == c);
    if !text.chars().any(|c| written_out(c).is_some()) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        match written_out(c) {
            Some((_, to)) => out.push_str(to),
            None => out.push(c),
        }
    }
    Some(normalise(&out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(normalise("Comisión Europea"), "comision europea");
        assert_eq!(normalise("  EU  AI—Office! "), "eu ai office");
        assert_eq!(normalise("the Act’s bodies"), "the acts bodies");
        assert_eq!(normalise("Straße"), "strasse");
        assert_eq!(normalise("ﬁnance"), "finance");
        assert_eq!(normalise("Ｆｕｌｌ"), "full");
        assert_eq!(normalise("Образование"), "образование");
        assert_eq!(normalise("École"), "ecole");
    }

    #[test]
    fn umlauts_match_written_out_or_dropped() {
        assert_eq!(normalise("Behörde"), "behorde");
        assert_eq!(variants("Behörde").as_deref(), Some("behoerde"));
        assert_eq!(variants("Office"), None);
    }
}

/// Words a query may contain that no label needs to: articles, prepositions and
/// conjunctions of the languages glossaries are written in.
pub const STOPWORDS: &[&str] = &[
    // English
    "a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with",
    // French
    "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "un", "une",
    // Spanish
    "con", "del", "el", "las", "los", "para", "por", "una", "y", // German
    "das", "dem", "den", "der", "die", "fur", "im", "und", // Russian
    "в", "во", "для", "и", "на", "о", "по", "с", "со",
];

/// Whether a normalised word is a stopword.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&word)
}

/// A crude stem of a normalised word: common plural and case endings of
/// English, French, Spanish and Russian removed, so "authorities" meets
/// "authority" and "школы" meets "школа". Words of three letters or fewer stay.
pub fn stem(word: &str) -> &str {
    let length = word.chars().count();
    if length <= 3 {
        return word;
    }
    if word
        .chars()
        .next()
        .is_some_and(|c| ('\u{0400}'..='\u{04ff}').contains(&c))
    {
        const ENDINGS: &[&str] = &[
            "иями", "ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими", "иях", "ией", "ий",
            "ый", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ов", "ев", "ей", "ам", "ям", "ах",
            "ях", "ом", "ем", "ую", "юю", "ия", "ие", "ии", "ы", "и", "а", "я", "е", "у", "ю", "о",
            "ь",
        ];
        for ending in ENDINGS {
            if let Some(s) = word.strip_suffix(ending)
                && s.chars().count() >= 3
            {
                return s;
            }
        }
        return word;
    }
    let singular = plural_stem(word);
    // Final vowels of singular forms ("authority", "biblioteca", "musée").
    for (ending, shortest) in [("y", 3), ("e", 4), ("a", 4), ("o", 4)] {
        if let Some(s) = singular.strip_suffix(ending)
            && s.chars().count() >= shortest
        {
            return s;
        }
    }
    singular
}

/// The word without an English, French or Spanish plural ending.
fn plural_stem(word: &str) -> &str {
    if let Some(s) = word.strip_suffix("ies") {
        return if s.chars().count() >= 2 { s } else { word };
    }
    for ending in ["ches", "shes", "sses", "xes", "zes"] {
        if word.ends_with(ending) {
            return &word[..word.len() - 2];
        }
    }
    match word.strip_suffix('s').or_else(|| word.strip_suffix('x')) {
        Some(s) if !s.ends_with('s') && s.chars().count() >= 3 => s,
        _ => word,
    }
}

#[cfg(test)]
mod stem_tests {
    use super::*;

    #[test]
    fn stopwords() {
        assert!(is_stopword("the") && is_stopword("de") && !is_stopword("board"));
    }

    #[test]
    fn plurals_and_singulars_share_stems() {
        for (a, b) in [
            ("authorities", "authority"),
            ("bodies", "body"),
            ("systems", "system"),
            ("penalties", "penalty"),
            ("bibliotheques", "bibliotheque"),
            ("bibliotecas", "biblioteca"),
            ("terremotos", "terremoto"),
            ("museos", "museo"),
            ("школы", "школа"),
            ("землетрясение", "землетрясения"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_eq!(stem("class"), "class");
        assert_eq!(stem("ai"), "ai");
    }
}
