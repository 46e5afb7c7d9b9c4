//! What a static site holds: every address `serve` answers for `GET` without
//! a query string, listed from the snapshot. The renderer asks the router for
//! each and finds out from the answers which of them negotiate.

use crate::server::respond::EXTENSIONS;
use crate::server::snapshot::Snapshot;

/// One address to ask for, relative to the base IRI's path (`concept/x.ttl`;
/// `""` is the home page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub path: String,
    /// Whether the site is wrong without it; an optional address that answers
    /// 404 (a format a resource does not have) is left out.
    pub required: bool,
}

impl Address {
    fn required(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            required: true,
        }
    }

    fn optional(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            required: false,
        }
    }
}

/// The address a browser reaches for a page that does not exist; its answer
/// becomes the site's `404.html`.
pub const NOT_FOUND_PROBE: &str = "glossgraph-site-not-found";

/// Every address of the site, each once, in a stable order.
pub fn addresses(snapshot: &Snapshot, base_path: &str) -> Vec<Address> {
    let mut out = Vec::new();
    resource(&mut out, "", "index");
    resource(&mut out, "dataset", "dataset");
    resource(&mut out, "ontology", "ontology");
    // The vocabulary answers at its own IRI's path only on a root base.
    if base_path == "/" {
        resource(&mut out, "glossgraph/ns", "glossgraph/ns");
        // Its page's links to the formats are relative: `ontology.ttl`.
        for (ext, _) in EXTENSIONS {
            out.push(Address::optional(format!("glossgraph/ontology.{ext}")));
        }
    }
    for c in &snapshot.concepts.concepts {
        if let Some(id) = snapshot.config.base.concept_id(&c.iri)
            && is_plain_segment(id)
        {
            resource(&mut out, &format!("concept/{id}"), &format!("concept/{id}"));
            // Its diagram alone; a concept with nothing to draw has none.
            out.push(Address::optional(format!("concept/{id}.svg")));
        }
    }
    // The A–Z a letter at a time, and the hierarchy a branch at a time.
    out.extend(
        crate::server::browse::paths(snapshot)
            .into_iter()
            .filter(|p| !p.contains('?'))
            .map(Address::required),
    );
    // The releases: the changes page and feed, each snapshot, and each
    // release's concepts at their version IRIs.
    out.push(Address::required("map"));
    out.push(Address::required("changes"));
    out.push(Address::required("changes.atom"));
    let history = &snapshot.history;
    for (i, release) in history.releases.iter().enumerate() {
        let version = &release.version;
        out.push(Address::required(format!("releases/{version}/dump.nq.gz")));
        for iri in history.concepts(i) {
            if let Some(id) = snapshot.config.base.concept_id(&iri)
                && is_plain_segment(id)
            {
                let path = format!("v/{version}/concept/{id}");
                resource(&mut out, &path, &path);
            }
        }
    }
    out.push(Address::required(".well-known/void"));
    for file in [
        "context.jsonld",
        "sitemap.xml",
        "robots.txt",
        "favicon.ico",
        "search",
        "queries",
    ] {
        out.push(Address::required(file));
    }
    for (ext, _) in EXTENSIONS.iter().filter(|(e, _)| *e != "html") {
        out.push(Address::required(format!("dump.{ext}")));
        out.push(Address::required(format!("dump.{ext}.gz")));
    }
    out.extend(crate::server::asset_paths().map(Address::required));
    // The search box's index, for hosts where no `/api/search` answers.
    out.extend(
        crate::server::search::static_paths(snapshot)
            .iter()
            .map(|p| Address::required(p.trim_start_matches('/'))),
    );
    // A named query's answer over this build's graph is as fixed as a page;
    // one that fails (a timeout) is left out with a warning.
    for q in &snapshot.queries {
        out.push(Address::optional(format!("queries/{}", q.name)));
        for ext in ["html", "json", "xml", "csv", "tsv"] {
            out.push(Address::optional(format!("queries/{}.{ext}", q.name)));
        }
    }
    out
}

/// The ids of concepts [`addresses`] leaves out: their address and their
/// file name would differ, which no host without rules maps.
pub fn left_out(snapshot: &Snapshot) -> Vec<String> {
    snapshot
        .concepts
        .concepts
        .iter()
        .filter_map(|c| snapshot.config.base.concept_id(&c.iri))
        .filter(|id| !is_plain_segment(id))
        .map(str::to_owned)
        .collect()
}

/// A resource with a page and RDF: the bare address and each format's own.
fn resource(out: &mut Vec<Address>, bare: &str, stem: &str) {
    out.push(Address::required(bare));
    for (ext, _) in EXTENSIONS {
        out.push(Address::optional(format!("{stem}.{ext}")));
    }
}

/// An id that is one path segment needing no escaping, so that its address
/// and its file name are the same string.
fn is_plain_segment(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::is_plain_segment;

    #[test]
    fn only_ids_that_are_their_own_file_names_are_listed() {
        assert!(is_plain_segment("eu-ai-office"));
        assert!(is_plain_segment("c_10.2"));
        assert!(!is_plain_segment(""));
        assert!(!is_plain_segment(".hidden"));
        assert!(!is_plain_segment("a/b"));
        assert!(!is_plain_segment("a%20b"));
        assert!(!is_plain_segment("straße"));
    }
}
