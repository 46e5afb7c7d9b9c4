//! `glossgraph push`: keeps a triple store that someone else runs (Virtuoso,
//! GraphDB, Fuseki, an Oxigraph server, …) holding the build's graphs, one
//! named graph per entry as in the build, sending only what changed.
//!
//! A push reads the store's [manifest](manifest), compares each graph's hash
//! with the build's, marks the graphs it is about to write or delete as
//! pending, writes them, and then writes the new manifest. Neither protocol
//! has transactions across requests, so the manifest is what makes an
//! interrupted push safe: a pending graph is resent (or deleted) by the next
//! push, and while a push runs the manifest is rewritten every few seconds
//! so that a push stopped halfway leaves little to resend.
//!
//! `--atomic` (SPARQL Update only) loads changed graphs into staging graphs
//! first, then moves them into place, deletes the removed ones and writes
//! the manifest in one update request, which stores that run an update
//! request as one transaction (Oxigraph does) apply all
//! at once.
//!
//! Layer: publishing, above build; beside `site`.

mod digest;
mod graphs;
mod http;
mod manifest;
mod progress;
mod target;

pub use http::{Credentials, HttpError};
pub use progress::size;
pub use target::Protocol;

use graphs::{Local, Naming};
use http::Http;
use manifest::Manifest;
use oxigraph::store::{StorageError, Store};
use progress::Progress;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use target::Target;

/// How and where to push.
#[derive(Debug, Clone)]
pub struct Options {
    /// The Graph Store Protocol endpoint, or the update endpoint.
    pub url: String,
    pub protocol: Protocol,
    /// Where the manifest is read under `Update` (default: `url`).
    pub query_url: Option<String>,
    pub credentials: Credentials,
    pub graph_prefix: Option<String>,
    pub dry_run: bool,
    /// Resend every graph, whatever the manifest says.
    pub full: bool,
    pub atomic: bool,
    /// The largest request body, in bytes (a blank-node structure larger
    /// than this alone is sent whole).
    pub max_body: usize,
    pub retries: u32,
    pub timeout: Duration,
    /// Show progress on standard error (a terminal).
    pub progress: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error(transparent)]
    Http(Box<HttpError>),
    #[error("the store's manifest <{iri}> cannot be read: {message}")]
    Manifest { iri: String, message: String },
    #[error(
        "`--atomic` needs `--protocol update`: the Graph Store Protocol has no request that changes several graphs at once"
    )]
    AtomicNeedsUpdate,
    #[error("the build cannot be read")]
    Storage(#[from] StorageError),
    #[error("cannot start an HTTP client")]
    Client(#[source] reqwest::Error),
}

impl From<HttpError> for PushError {
    fn from(e: HttpError) -> Self {
        Self::Http(Box::new(e))
    }
}

impl PushError {
    /// Whether the user can fix it (credentials, a refused request, options).
    pub fn is_input_mistake(&self) -> bool {
        match self {
            Self::Http(e) => matches!(
                **e,
                HttpError::Unauthorized { .. } | HttpError::Refused { .. }
            ),
            Self::AtomicNeedsUpdate => true,
            Self::Manifest { .. } | Self::Storage(_) | Self::Client(_) => false,
        }
    }
}

/// What a push did (or, dry, would do).
#[derive(Debug, Default)]
pub struct Pushed {
    /// Graphs written, with their triples.
    pub sent: Vec<(String, usize)>,
    pub deleted: Vec<String>,
    pub unchanged: usize,
    pub bytes: u64,
    pub requests: u64,
    pub seconds: f64,
    pub dry_run: bool,
}

/// How often the manifest is rewritten while graphs are sent.
const CHECKPOINT: Duration = Duration::from_secs(10);

/// Pushes the graphs of `store` (built for a glossary whose base IRI is `base`).
pub fn push(store: &Store, base: &str, options: &Options) -> Result<Pushed, PushError> {
    let started = Instant::now();
    if options.atomic && options.protocol != Protocol::Update {
        return Err(PushError::AtomicNeedsUpdate);
    }
    let naming = Naming::new(base, options.graph_prefix.as_deref());
    let manifest_iri = naming.manifest();
    let local = graphs::local(store, &naming)?;
    let http = Http::new(
        options.credentials.clone(),
        options.retries,
        options.timeout,
    )
    .map_err(PushError::Client)?;
    let mut target = Target {
        http,
        protocol: options.protocol,
        url: options.url.clone(),
        query_url: options
            .query_url
            .clone()
            .unwrap_or_else(|| options.url.clone()),
        bytes: 0,
        requests: 0,
    };
    let before = match target.read(&manifest_iri)? {
        Some(body) => {
            Manifest::parse(&body, &manifest_iri).map_err(|message| PushError::Manifest {
                iri: manifest_iri.clone(),
                message,
            })?
        }
        None => Manifest::default(),
    };
    let plan = Plan::new(&local, &before, options.full);
    let mut pushed = Pushed {
        sent: plan
            .put
            .iter()
            .map(|g| (g.target.clone(), g.triples))
            .collect(),
        deleted: plan.delete.clone(),
        unchanged: local.len() - plan.put.len(),
        dry_run: options.dry_run,
        ..Pushed::default()
    };
    let after = Manifest {
        held: local
            .iter()
            .map(|g| (g.target.clone(), g.hash.clone()))
            .collect(),
        pending: Default::default(),
    };
    if !options.dry_run && (!plan.is_empty() || before != after) {
        if options.atomic {
            atomic(&mut target, store, &plan, &after, &manifest_iri, options)?;
        } else {
            in_place(
                &mut target,
                store,
                &plan,
                &before,
                &after,
                &manifest_iri,
                options,
            )?;
        }
    }
    pushed.bytes = target.bytes;
    pushed.requests = target.requests;
    pushed.seconds = started.elapsed().as_secs_f64();
    Ok(pushed)
}

/// What a push changes: graphs to write, graphs to delete.
struct Plan<'a> {
    put: Vec<&'a Local>,
    delete: Vec<String>,
}

impl<'a> Plan<'a> {
    fn new(local: &'a [Local], before: &Manifest, full: bool) -> Self {
        let put = local
            .iter()
            .filter(|g| full || before.held.get(&g.target) != Some(&g.hash))
            .collect();
        let targets: std::collections::BTreeSet<&String> =
            local.iter().map(|g| &g.target).collect();
        let delete = before
            .graphs()
            .filter(|g| !targets.contains(g))
            .cloned()
            .collect();
        Self { put, delete }
    }

    fn is_empty(&self) -> bool {
        self.put.is_empty() && self.delete.is_empty()
    }
}

/// Writes the manifest `manifest` over the old one, in bounded requests.
fn write_manifest(
    target: &mut Target,
    iri: &str,
    manifest: &Manifest,
    max_body: usize,
) -> Result<(), HttpError> {
    target.replace(iri, documents(manifest.lines(iri), max_body))
}

/// Lines gathered into documents of at most `max_body` bytes and
/// `graphs::MAX_LINES` lines.
fn documents(lines: Vec<String>, max_body: usize) -> Vec<String> {
    let mut documents = vec![String::new()];
    let mut count = 0;
    for line in lines {
        let current = documents.last_mut().expect("one");
        if !current.is_empty()
            && (current.len() + line.len() + 1 > max_body || count == graphs::MAX_LINES)
        {
            documents.push(String::new());
            count = 0;
        }
        let current = documents.last_mut().expect("one");
        current.push_str(&line);
        current.push('\n');
        count += 1;
    }
    documents
}

/// Adds to the manifest, as it is, that `graphs` are pending: small
/// requests, whatever the manifest's size.
fn mark_pending(
    target: &mut Target,
    iri: &str,
    graphs: &[String],
    max_body: usize,
) -> Result<(), HttpError> {
    if graphs.is_empty() {
        return Ok(());
    }
    let marks = graphs
        .iter()
        .map(|g| manifest::pending_line(iri, g))
        .collect();
    for document in documents(marks, max_body) {
        target.add(iri, document)?;
    }
    Ok(())
}

/// Graph by graph: mark the changes pending, make them, write the manifest.
fn in_place(
    target: &mut Target,
    store: &Store,
    plan: &Plan<'_>,
    before: &Manifest,
    after: &Manifest,
    iri: &str,
    options: &Options,
) -> Result<(), PushError> {
    // What the store holds as the push goes: untouched graphs as before,
    // the touched ones pending until done.
    let mut now = before.clone();
    let touched: Vec<String> = plan
        .put
        .iter()
        .map(|g| g.target.clone())
        .chain(plan.delete.iter().cloned())
        .collect();
    for graph in &touched {
        now.held.remove(graph);
        now.pending.insert(graph.clone());
    }
    mark_pending(target, iri, &touched, options.max_body)?;
    let total: usize = plan.put.iter().map(|g| g.triples).sum();
    let mut progress = Progress::new(options.progress, plan.put.len() + plan.delete.len(), total);
    let mut saved = Instant::now();
    for graph in &plan.put {
        target.replace(
            &graph.target,
            graphs::pieces(store, &graph.name, options.max_body)?,
        )?;
        now.pending.remove(&graph.target);
        now.held.insert(graph.target.clone(), graph.hash.clone());
        progress.done(graph.triples, target.bytes);
        if saved.elapsed() > CHECKPOINT {
            write_manifest(target, iri, &now, options.max_body)?;
            saved = Instant::now();
        }
    }
    for graph in &plan.delete {
        target.delete(graph)?;
        now.pending.remove(graph);
        progress.done(0, target.bytes);
    }
    write_manifest(target, iri, after, options.max_body)?;
    progress.finish();
    Ok(())
}

/// Into staging graphs, then everything in place in one update request.
fn atomic(
    target: &mut Target,
    store: &Store,
    plan: &Plan<'_>,
    after: &Manifest,
    iri: &str,
    options: &Options,
) -> Result<(), PushError> {
    let staging: BTreeMap<&str, String> = plan
        .put
        .iter()
        .enumerate()
        .map(|(i, g)| (g.target.as_str(), format!("{iri}/staging/{i}")))
        .collect();
    // Staging graphs are recorded as pending, so that a push that stops
    // before moving them leaves none behind for long: the next one deletes them.
    let staged: Vec<String> = staging.values().cloned().collect();
    mark_pending(target, iri, &staged, options.max_body)?;
    let total: usize = plan.put.iter().map(|g| g.triples).sum();
    let mut progress = Progress::new(options.progress, plan.put.len(), total);
    for graph in &plan.put {
        target.replace(
            &staging[graph.target.as_str()],
            graphs::pieces(store, &graph.name, options.max_body)?,
        )?;
        progress.done(graph.triples, target.bytes);
    }
    let mut update = String::new();
    for graph in &plan.put {
        update.push_str(&format!(
            "MOVE SILENT GRAPH <{}> TO GRAPH <{}> ;\n",
            staging[graph.target.as_str()],
            graph.target
        ));
    }
    for graph in &plan.delete {
        update.push_str(&format!("DROP SILENT GRAPH <{graph}> ;\n"));
    }
    update.push_str(&format!(
        "DROP SILENT GRAPH <{iri}> ;\nINSERT DATA {{ GRAPH <{iri}> {{\n{}\n}} }}",
        after.lines(iri).join("\n")
    ));
    target.update(update)?;
    progress.finish();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(target: &str, hash: &str) -> Local {
        Local {
            name: oxigraph::model::NamedNode::new(target).unwrap(),
            target: target.to_owned(),
            hash: hash.to_owned(),
            triples: 1,
        }
    }

    #[test]
    fn a_plan_sends_what_changed_and_deletes_what_is_gone_or_was_half_written() {
        let graphs = [
            local("urn:a", "1"),
            local("urn:b", "2"),
            local("urn:c", "3"),
        ];
        let before = Manifest {
            held: BTreeMap::from([
                ("urn:a".to_owned(), "1".to_owned()),
                ("urn:b".to_owned(), "old".to_owned()),
                ("urn:gone".to_owned(), "9".to_owned()),
            ]),
            pending: ["urn:c".to_owned(), "urn:stale".to_owned()].into(),
        };
        let plan = Plan::new(&graphs, &before, false);
        let put: Vec<&str> = plan.put.iter().map(|g| g.target.as_str()).collect();
        assert_eq!(put, ["urn:b", "urn:c"]);
        assert_eq!(plan.delete, ["urn:gone", "urn:stale"]);
        assert_eq!(Plan::new(&graphs, &before, true).put.len(), 3);
    }

    #[test]
    fn documents_stay_within_the_limit() {
        let lines: Vec<String> = (0..100).map(|i| format!("line {i:03}")).collect();
        let docs = documents(lines, 50);
        assert!(docs.iter().all(|d| d.len() <= 50));
        assert_eq!(docs.concat().lines().count(), 100);
        // Many short lines: bounded in number too.
        let lines: Vec<String> = (0..5_000).map(|i| format!("{i}")).collect();
        let docs = documents(lines, usize::MAX);
        assert_eq!(docs.len(), 3);
        assert!(docs.iter().all(|d| d.lines().count() <= graphs::MAX_LINES));
    }
}
