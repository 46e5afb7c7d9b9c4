//! A stable, human-friendly order for RDF terms: by kind, then by text with runs
//! of digits compared as numbers (`#fact-2` before `#fact-10`). Exports sort
//! by it, so it is part of their output format.
//!
//! Layer: a leaf.

use oxigraph::model::{Quad, TermRef, Triple};
use std::cmp::Ordering;

/// Compares two strings, treating runs of ASCII digits as numbers.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (trim_zeros(&a[..da]), trim_zeros(&b[..db]));
                let by_value = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                // Equal values with different zero padding: fewer digits first.
                match by_value.then(da.cmp(&db)) {
                    Ordering::Equal => {}
                    other => return other,
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => match x.cmp(y) {
                Ordering::Equal => {
                    a = &a[1..];
                    b = &b[1..];
                }
                other => return other,
            },
        }
    }
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|&&c| c == b'0').count();
    &digits[zeros.min(digits.len().saturating_sub(1))..]
}

/// Orders terms: IRIs, then blank nodes, then literals (by value, language, datatype).
pub fn term_cmp(a: TermRef<'_>, b: TermRef<'_>) -> Ordering {
    fn rank(t: TermRef<'_>) -> u8 {
        match t {
            TermRef::NamedNode(_) => 0,
            TermRef::BlankNode(_) => 1,
            TermRef::Literal(_) => 2,
        }
    }
    match (a, b) {
        (TermRef::NamedNode(x), TermRef::NamedNode(y)) => natural_cmp(x.as_str(), y.as_str()),
        (TermRef::BlankNode(x), TermRef::BlankNode(y)) => natural_cmp(x.as_str(), y.as_str()),
        (TermRef::Literal(x), TermRef::Literal(y)) => natural_cmp(x.value(), y.value())
            .then_with(|| x.language().cmp(&y.language()))
            .then_with(|| x.datatype().as_str().cmp(y.datatype().as_str())),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// Orders triples by subject, then predicate (`rdf:type` first), then object.
pub fn triple_cmp(a: &Triple, b: &Triple) -> Ordering {
    term_cmp(a.subject.as_ref().into(), b.subject.as_ref().into())
        .then_with(|| predicate_cmp(a.predicate.as_str(), b.predicate.as_str()))
        .then_with(|| term_cmp(a.object.as_ref(), b.object.as_ref()))
}

/// Orders quads by graph (the default graph first), then as triples.
pub fn quad_cmp(a: &Quad, b: &Quad) -> Ordering {
    use oxigraph::model::GraphNameRef;
    fn graph(q: &Quad) -> Option<TermRef<'_>> {
        match q.graph_name.as_ref() {
            GraphNameRef::DefaultGraph => None,
            GraphNameRef::NamedNode(n) => Some(n.into()),
            GraphNameRef::BlankNode(n) => Some(n.into()),
        }
    }
    let by_graph = match (graph(a), graph(b)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => term_cmp(x, y),
    };
    by_graph
        .then_with(|| term_cmp(a.subject.as_ref().into(), b.subject.as_ref().into()))
        .then_with(|| predicate_cmp(a.predicate.as_str(), b.predicate.as_str()))
        .then_with(|| term_cmp(a.object.as_ref(), b.object.as_ref()))
}

fn predicate_cmp(a: &str, b: &str) -> Ordering {
    const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    (a != RDF_TYPE)
        .cmp(&(b != RDF_TYPE))
        .then_with(|| natural_cmp(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_compare_as_numbers() {
        let mut v = vec!["fact-10", "fact-2", "fact-1", "fact-02", "fact"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["fact", "fact-1", "fact-2", "fact-02", "fact-10"]);
        assert_eq!(natural_cmp("a0", "a00"), Ordering::Less);
        assert_eq!(natural_cmp("abc", "abd"), Ordering::Less);
    }
}
