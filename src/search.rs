//! Finding concepts by label: case- and accent-insensitive matching of preferred
//! and alternative labels, ranked exact > prefix > word prefix > infix.

use crate::server::snapshot::ConceptIndex;

/// A concept that matched a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub concept: usize,
    /// The alternative label that matched, when the preferred one did not.
    pub alternative: Option<String>,
    /// Lower is better.
    pub rank: u8,
}

/// Lowercase, with common Latin diacritics folded, for matching.
pub fn normalise(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            '’' => '\'',
            c => c,
        })
        .collect()
}

fn rank(label: &str, query: &str) -> Option<u8> {
    let label = normalise(label);
    if label == query {
        Some(0)
    } else if label.starts_with(query) {
        Some(1)
    } else if label
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.starts_with(query))
    {
        Some(2)
    } else if label.contains(query) {
        Some(3)
    } else {
        None
    }
}

/// Up to `limit` concepts whose labels match `query`, best first; labels in
/// `lang` rank before others at the same level.
pub fn find(index: &ConceptIndex, query: &str, lang: &str, limit: usize) -> Vec<Hit> {
    let query = normalise(query.trim());
    if query.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(u8, bool, String, Hit)> = Vec::new();
    for (i, c) in index.concepts.iter().enumerate() {
        let preferred = c
            .labels
            .iter()
            .filter_map(|(l, t)| rank(t, &query).map(|r| (r * 2, l == lang, None)));
        let alternative = c
            .alt_labels
            .iter()
            .filter_map(|(l, t)| rank(t, &query).map(|r| (r * 2 + 1, l == lang, Some(t.clone()))));
        let best = preferred
            .chain(alternative)
            .min_by_key(|(r, in_lang, _)| (*r, !*in_lang));
        if let Some((r, in_lang, alt)) = best {
            let deprecated = u8::from(c.deprecated) * 100;
            hits.push((
                r + deprecated,
                !in_lang,
                index.label(i, &[lang]).to_lowercase(),
                Hit {
                    concept: i,
                    alternative: alt,
                    rank: r,
                },
            ));
        }
    }
    hits.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
    hits.into_iter().take(limit).map(|(.., h)| h).collect()
}
