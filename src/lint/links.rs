//! Broken links (qSKOS `bl`), only with `--check-links`: every http(s) IRI the
//! vocabulary points to but does not describe itself, requested with a bounded
//! number of threads, a timeout per request and a budget for the whole check.

use super::finding::{Finding, Location, Severity};
use super::graph::{Graph, Id};
use oxigraph::model::Term;
use oxigraph::model::vocab::rdf;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How links are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkOptions {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Time allowed for one request (redirects included).
    pub timeout: Duration,
    /// Time allowed for the whole check; links not reached by then are reported as unchecked.
    pub budget: Duration,
    /// Most links checked.
    pub max_links: usize,
}

impl Default for LinkOptions {
    fn default() -> Self {
        Self {
            concurrency: 8,
            timeout: Duration::from_secs(10),
            budget: Duration::from_secs(120),
            max_links: 2000,
        }
    }
}

/// The links to check: http(s) IRIs in object position (not classes), not
/// described by the graph and not under `own` (the glossary's base, served by
/// `glossgraph serve` rather than necessarily live), each with the first
/// subject that uses it.
pub fn links(g: &Graph, own: Option<&str>) -> BTreeMap<String, Id> {
    let ty = g.iri(rdf::TYPE);
    let mut out = BTreeMap::new();
    for &[s, p, o] in g.triples() {
        if Some(p) == ty || g.outgoing(o).next().is_some() {
            continue;
        }
        if let Term::NamedNode(n) = g.term(o)
            && (n.as_str().starts_with("http://") || n.as_str().starts_with("https://"))
            && !own.is_some_and(|base| n.as_str().starts_with(base))
        {
            out.entry(n.as_str().to_owned()).or_insert(s);
        }
    }
    out
}

/// Requests every link and reports those that fail.
pub fn check(g: &Graph, own: Option<&str>, options: &LinkOptions) -> Vec<Finding> {
    let all = links(g, own);
    let mut out = Vec::new();
    let client = match crate::input::client(options.timeout, 10) {
        Ok(c) => c,
        Err(e) => {
            out.push(Finding::new(
                "qskos/broken-link",
                Location::default(),
                format!("links were not checked: cannot make an HTTP client ({e})"),
            ));
            return out;
        }
    };
    let items: Vec<(String, Id)> = all.into_iter().collect();
    let skipped = items.len().saturating_sub(options.max_links);
    let queue = Mutex::new(
        items
            .into_iter()
            .take(options.max_links)
            .collect::<Vec<_>>(),
    );
    let results = Mutex::new(Vec::new());
    let unchecked = Mutex::new(0usize);
    let deadline = Instant::now() + options.budget;
    std::thread::scope(|scope| {
        for _ in 0..options.concurrency.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.pop());
                    let Some((url, subject)) = next else { break };
                    if Instant::now() >= deadline {
                        if let Ok(mut n) = unchecked.lock() {
                            *n += 1;
                        }
                        continue;
                    }
                    if let Some(problem) = probe(&client, &url)
                        && let Ok(mut r) = results.lock()
                    {
                        r.push((url, subject, problem));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort();
    for (url, subject, problem) in results {
        out.push(
            Finding::new(
                "qskos/broken-link",
                g.locate(subject),
                format!("the link <{url}> is broken: {problem}"),
            )
            .with_help("fix or remove the link, or point it to where the resource moved")
            .with_related([url]),
        );
    }
    let unchecked = unchecked.into_inner().unwrap_or_default() + skipped;
    if unchecked > 0 {
        out.push(
            Finding::new(
                "qskos/broken-link",
                Location::default(),
                format!(
                    "{unchecked} link(s) were not checked: the check stops after {} links or {} s",
                    options.max_links,
                    options.budget.as_secs()
                ),
            )
            .with_severity(Severity::Info),
        );
    }
    out
}

/// `None` if the link answers; otherwise what went wrong.
fn probe(client: &reqwest::blocking::Client, url: &str) -> Option<String> {
    let head = client.head(url).send();
    let status = match head {
        Ok(r) if r.status().is_success() => return None,
        // Some servers refuse HEAD; ask again with GET before calling the link broken.
        Ok(r) if !matches!(r.status().as_u16(), 404 | 410) => match client.get(url).send() {
            Ok(r) if r.status().is_success() => return None,
            Ok(r) => r.status(),
            Err(e) => return Some(describe(&e)),
        },
        Ok(r) => r.status(),
        Err(e) => return Some(describe(&e)),
    };
    Some(format!("HTTP {status}"))
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "no answer in time".to_owned()
    } else if e.is_connect() {
        "cannot connect".to_owned()
    } else if e.is_redirect() {
        "too many redirects".to_owned()
    } else {
        e.to_string()
    }
}
