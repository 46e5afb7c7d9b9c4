//! A guard run before the SPARQL parser: queries whose negations (`!`) nest
//! deeper than the parser can afford are refused without being parsed.
//!
//! spargebra 0.4 (without its `sparql-12` feature, as glossgraph builds it)
//! parses the operand of each `!` twice, first as SPARQL 1.2's `!!`, which
//! it then rejects, so every negation nested in another doubles the parse:
//! 20 nested `!(` take 3 s, 25 over a minute, in 75 bytes a client can send
//! to `/sparql` (found by the `sparql_request` fuzz target). Nothing else in
//! the grammar grows this way (parentheses, paths, groups, sub-queries and
//! function calls nested hundreds deep parse in milliseconds).
//!
//! The guard counts the work: a character inside `k` nested negations is
//! read 2^k times (once outside any), and a query is refused when the sum
//! passes [`BUDGET`] or four reads per character, whichever is more: a long
//! query inside a negation or two parses in time linear in its length, and
//! neither depth nor a long run of nested siblings adds up to a long parse.
//! The count is lexical: a `(` belongs to a negation's operand when `!`
//! precedes it, directly or across a function's name (`!BOUND(`, `!<f>(`,
//! `!ex:f(`); strings, IRIs and comments are skipped.

/// The characters read accepted for a short query: about a tenth of a second
/// of parsing on the machine the figures were measured on, where reads took
/// 0.35 to 2.5 µs each depending on the query's shape (20 nested `!(`
/// count 9.2 million reads and took 3.2 s). Hand-written queries, with
/// negations two or three deep, count about as many reads as characters.
pub const BUDGET: u64 = 1 << 16;

/// Where a query's negations make it too costly to parse: the 1-based line
/// and column of the innermost `!` open when the budget ran out, and how
/// many negations were open there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub line: usize,
    pub column: usize,
    pub depth: usize,
}

impl std::fmt::Display for TooDeep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: this `!` is nested in {} others, and each nested negation doubles the time the query takes to parse; write the condition with fewer negations inside negations (`!(a && b)` is `!a || !b`)",
            self.line,
            self.column,
            self.depth - 1
        )
    }
}

impl std::error::Error for TooDeep {}

/// Checks that the negations of `text` leave its parse within budget.
pub fn check(text: &str) -> Result<(), TooDeep> {
    let chars: Vec<char> = text.chars().collect();
    // One entry per open `(`: the `!` whose operand it opened, if any.
    let mut open: Vec<Option<(usize, usize)>> = Vec::new();
    let mut depth = 0u32;
    let mut work = 0u64;
    let budget = BUDGET.max(4 * chars.len() as u64);
    // Where the `!` waiting for its operand's `(` is.
    let mut pending: Option<(usize, usize)> = None;
    let (mut line, mut column) = (1, 1);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let len = match c {
            '#' => chars[i..].iter().take_while(|&&c| c != '\n').count(),
            '"' | '\'' => {
                pending = None;
                string_len(&chars[i..])
            }
            // An IRI (a function's name keeps the `!` waiting), else `<`.
            '<' => iri_len(&chars[i..]).unwrap_or_else(|| {
                pending = None;
                1
            }),
            '!' if chars.get(i + 1) != Some(&'=') => {
                pending = Some((line, column));
                1
            }
            '(' => {
                let negation = pending.take();
                depth += u32::from(negation.is_some());
                open.push(negation);
                1
            }
            ')' => {
                if let Some(Some(_)) = open.pop() {
                    depth -= 1;
                }
                pending = None;
                1
            }
            _ => {
                // A function's name keeps the `!` waiting for its `(`;
                // anything else (a variable, an operator) was the operand.
                if !(c.is_whitespace() || c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.'))
                {
                    pending = None;
                }
                1
            }
        };
        work = work.saturating_add((len as u64).saturating_mul(1 << depth.min(40)));
        if work > budget {
            let (line, column) = open.iter().rev().find_map(|n| *n).unwrap_or((line, column));
            return Err(TooDeep {
                line,
                column,
                depth: depth as usize,
            });
        }
        for &c in &chars[i..(i + len).min(chars.len())] {
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        i += len.max(1);
    }
    Ok(())
}

/// The length of the string literal `chars` starts with (`'…'`, `"…"`,
/// `'''…'''`, `"""…"""`), to the end of the text if it is not closed.
fn string_len(chars: &[char]) -> usize {
    let quote = chars[0];
    let long = chars.len() >= 3 && chars[1] == quote && chars[2] == quote;
    let open = if long { 3 } else { 1 };
    let mut i = open;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == quote
                && (!long
                    || (chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote))) =>
            {
                return i + open;
            }
            '\n' if !long => return i,
            _ => i += 1,
        }
    }
    chars.len()
}

/// The length of the IRI reference `chars` starts with, if `<` opens one
/// (SPARQL's `IRIREF`: no spaces, no `<>"{}|^\`\\`), not a comparison.
fn iri_len(chars: &[char]) -> Option<usize> {
    let end = chars[1..].iter().position(|&c| {
        c == '>' || c <= ' ' || matches!(c, '<' | '"' | '{' | '}' | '|' | '^' | '`' | '\\')
    })?;
    (chars[1 + end] == '>').then_some(end + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(pattern: &str, times: usize) -> String {
        let closing = pattern.matches('(').count() * times;
        format!(
            "SELECT * WHERE {{ FILTER({}?x{}) }}",
            pattern.repeat(times),
            ")".repeat(closing + 1)
        )
    }

    #[test]
    fn negations_count_only_when_nested() {
        // Siblings, not nesting: any number.
        let siblings = format!(
            "SELECT * WHERE {{ ?s ?p ?o FILTER({}true) }}",
            "!BOUND(?x) && !(?a = 1) && ".repeat(50)
        );
        assert_eq!(check(&siblings), Ok(()));
        // `!=`, and `!` in strings, IRIs and comments, are no negations.
        let noise = format!(
            "SELECT * WHERE {{ ?s <http://x/!(> \"!(\" . # !(\n FILTER({}?s != 1{}) }}",
            "(?s != ".repeat(30),
            ")".repeat(30)
        );
        assert_eq!(check(&noise), Ok(()));
        // Parentheses alone nest freely.
        assert_eq!(check(&nested("(", 500)), Ok(()));
    }

    #[test]
    fn negations_nested_too_deep_are_refused_at_the_innermost_one_open() {
        for pattern in ["!(", "(!", "!BOUND(", "!<http://x/f>(", "!ex:f(", "! ( "] {
            assert_eq!(check(&nested(pattern, 8)), Ok(()), "{pattern}");
            let refused = check(&nested(pattern, 30)).unwrap_err();
            assert!((11..=16).contains(&refused.depth), "{pattern}: {refused:?}");
            assert_eq!(refused.line, 1);
        }
        let lines = format!(
            "SELECT * WHERE {{\n FILTER({}?x{})\n}}",
            "!(\n".repeat(30),
            ")".repeat(31)
        );
        let refused = check(&lines).unwrap_err();
        assert_eq!((refused.line, refused.column), (1 + refused.depth, 1));
    }

    #[test]
    fn many_siblings_each_nested_add_up() {
        let one = format!("{}?x{} && ", "!(".repeat(10), ")".repeat(10));
        let few = format!("SELECT * WHERE {{ FILTER({}true) }}", one.repeat(4));
        assert_eq!(check(&few), Ok(()));
        let many = format!("SELECT * WHERE {{ FILTER({}true) }}", one.repeat(400));
        assert!(check(&many).is_err());
    }

    // The `sparql_request` fuzz target's input
    // (fuzz/regressions/sparql_request/timeout-2c239e2c…): over 10 s to parse.
    #[test]
    fn the_fuzzed_query_is_refused_before_parsing() {
        let input = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fuzz/regressions/sparql_request/timeout-2c239e2c375fad9de2a4845d6a4ec2f4ff8e1646"
        );
        let bytes = std::fs::read(input).unwrap();
        let query = String::from_utf8_lossy(bytes.splitn(3, |b| *b == 0).nth(2).unwrap());
        assert!(check(&query).is_err());
    }
}
