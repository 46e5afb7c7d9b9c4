//! `glossgraph site`: the glossary as a folder of static files that answers
//! like `serve` on any host, with the rules that make a web server negotiate.
//!
//! Every file is what the server's own router answers for an address
//! ([`render`]), so the site and `serve` cannot disagree. An address whose
//! answer varies by `Accept` (a concept, the home page) is asked once per
//! media type the server offers; its answers become files and the host rules
//! ([`hosts`]) pick among them as `serve` would. The folder is rewritten
//! incrementally and only once everything rendered ([`folder`]).
//!
//! Layer: above `server`, whose router it drives; below `commands`.

mod folder;
pub mod hosts;
mod plan;
mod render;

use crate::server::respond::RESOURCE_OFFERS;
use crate::server::snapshot::Snapshot;
use crate::server::{self, AppState, Limits};
use axum::Router;
use axum::http::StatusCode;
use folder::Folder;
pub use folder::{Changes, PRIVATE_DIR};
use render::Answer;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Which web server's rules to write beside the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    Nginx,
    Apache,
    Caddy,
    /// No rules: GitHub Pages, GitLab Pages, S3 website hosting.
    Plain,
}

impl Host {
    pub const ALL: [Host; 4] = [Host::Nginx, Host::Apache, Host::Caddy, Host::Plain];
}

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("cannot write {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a manifest glossgraph wrote ({reason}); remove the folder's `.glossgraph` folder to start the site afresh", .path.display())]
    Manifest { path: PathBuf, reason: String },
    #[error(
        "{} holds {count} file(s) glossgraph did not write, such as {}; choose an empty or new folder with -o, or pass --force to write the site beside them (they are never deleted)",
        .dir.display(),
        .examples.join(", ")
    )]
    Foreign {
        dir: PathBuf,
        count: usize,
        examples: Vec<String>,
    },
    #[error("the server answered {status} at {address}: {detail}")]
    Render {
        address: String,
        status: u16,
        detail: String,
    },
    #[error("cannot start the renderer")]
    Runtime(#[source] std::io::Error),
}

/// One address that negotiates, and the files that hold its answers.
#[derive(Debug, Clone)]
pub struct Negotiated {
    /// The address, relative to the base IRI's path (`""` for the home page).
    pub path: String,
    /// Its answers, each with the media types (from [`probes`], the server's
    /// preference first) that get it.
    pub variants: Vec<Variant>,
    /// The variant answered when a request names no type.
    pub default: usize,
    /// What a request naming only types the resource lacks gets.
    pub otherwise: Otherwise,
}

impl Negotiated {
    /// An address with the same answer whatever the request accepts.
    fn single(path: String, file: String, headers: Vec<(String, String)>) -> Self {
        Self {
            path,
            variants: vec![Variant {
                accepts: Vec::new(),
                file,
                headers,
            }],
            default: 0,
            otherwise: Otherwise::Variant(0),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Otherwise {
    /// 406, with the body in `file`.
    NotAcceptable {
        file: String,
        headers: Vec<(String, String)>,
    },
    /// A variant all the same, as `serve` answers query results.
    Variant(usize),
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub accepts: Vec<&'static str>,
    pub file: String,
    /// The headers `serve` sends with this answer.
    pub headers: Vec<(String, String)>,
}

/// What the site holds, for the host rules and the report.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// The base IRI's path (`/`, `/glossary/`): where the folder is served.
    pub base_path: String,
    /// Every file at its own address, with the headers `serve` sends there.
    pub files: BTreeMap<String, Vec<(String, String)>>,
    pub negotiated: Vec<Negotiated>,
    /// The page for addresses that hold nothing.
    pub not_found: String,
}

/// The media types each negotiating address is asked for: every type a
/// resource is offered in, then those of query results, then the wildcards
/// (which do not always choose the first type: a dataset description sends
/// its page only to a client naming HTML).
pub fn probes() -> Vec<&'static str> {
    let mut probes: Vec<&str> = Vec::new();
    let extra = [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ];
    let wildcards = ["*/*", "text/*", "application/*"];
    for t in RESOURCE_OFFERS
        .iter()
        .map(|o| o.media_type)
        .chain(extra)
        .chain(wildcards)
    {
        if !probes.contains(&t) {
            probes.push(t);
        }
    }
    probes
}

/// A type no resource has: its answer is the 406.
const UNACCEPTABLE: &str = "image/x-glossgraph-none";
/// What a browser sends, for the 404 page.
const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// How to write a site.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The web servers to write rules for.
    pub hosts: &'a [Host],
    /// Write beside files glossgraph did not write.
    pub force: bool,
    /// A live endpoint for the `sparql` page to send readers to.
    pub sparql_endpoint: Option<&'a str>,
}

/// The page at `sparql`, where a static folder cannot answer queries.
const SPARQL_PAGE: &str = "sparql.html";

/// What `site` did.
#[derive(Debug)]
pub struct Written {
    pub site: Site,
    pub changes: Changes,
    pub warnings: Vec<String>,
}

/// Writes the site of `snapshot` to `out`, with the rules for `options.hosts`.
pub fn write(snapshot: Snapshot, out: &Path, options: &Options) -> Result<Written, SiteError> {
    let folder = Folder::open(out, options.force)?;
    let base_path = server::base_path(snapshot.config.base.as_str());
    let addresses = plan::addresses(&snapshot, &base_path);
    let mut warnings = Vec::new();
    let left_out = plan::left_out(&snapshot);
    if let Some(first) = left_out.first() {
        warnings.push(format!(
            "{} concept(s) left out of the site, such as `{first}`: an id with characters other than letters, digits, `-`, `_`, `.` and `~` needs escaping in its address, which static hosts map to files differently; `serve` answers for them",
            left_out.len()
        ));
    }
    let sparql_page = server::static_copy::sparql_page(&snapshot, options.sparql_endpoint);
    let state = AppState::new(snapshot, Limits::default());
    let router = server::app(state);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(SiteError::Runtime)?;
    let folder = Arc::new(Mutex::new(folder));
    let mut site = Site {
        base_path: base_path.clone(),
        ..Site::default()
    };
    runtime.block_on(async {
        let answered = fetch_all(&router, &base_path, addresses, &folder).await?;
        let mut files = Vec::new();
        let mut negotiating = Vec::new();
        for (path, outcome) in answered {
            match outcome {
                // A bare address (`search`) held in a file with its type's
                // extension is, for the rules, an address with one answer.
                Outcome::File { file, headers } if file != path && !path.is_empty() => {
                    site.negotiated
                        .push(Negotiated::single(path, file, headers));
                }
                Outcome::File { file, headers } => files.push((file, headers)),
                Outcome::Negotiates(answer) => negotiating.push((path, answer)),
                Outcome::Skipped(reason) => warnings.push(reason),
            }
        }
        site.files = files.into_iter().collect();
        // Every page links to `sparql`; here it says where queries go.
        put(&folder, SPARQL_PAGE, sparql_page.as_bytes())?;
        let html = (
            "content-type".to_owned(),
            "text/html; charset=utf-8".to_owned(),
        );
        site.negotiated.push(Negotiated::single(
            "sparql".into(),
            SPARQL_PAGE.into(),
            vec![html],
        ));
        site.negotiated
            .extend(negotiate_all(&router, &base_path, negotiating, &folder).await?);
        let probe = format!("{base_path}{}", plan::NOT_FOUND_PROBE);
        let answer = render::get(&router, &probe, Some(BROWSER))
            .await
            .map_err(|detail| render_error(&probe, 0, detail))?;
        site.not_found = "errors/404.html".to_owned();
        put(&folder, &site.not_found, &answer.body)?;
        Ok::<(), SiteError>(())
    })?;
    let mut folder = Arc::into_inner(folder)
        .and_then(|m| m.into_inner().ok())
        .ok_or_else(|| render_error("the site", 0, "a renderer is still running".into()))?;
    for host in options.hosts {
        for (path, bytes) in hosts::rules(*host, &site) {
            folder.put(&path, &bytes)?;
        }
    }
    let changes = folder.commit()?;
    Ok(Written {
        site,
        changes,
        warnings,
    })
}

enum Outcome {
    File {
        file: String,
        headers: Vec<(String, String)>,
    },
    Negotiates(Answer),
    Skipped(String),
}

/// Asks for every address with no `Accept` header, on every core: a plain
/// answer is written as its file; one that varies by `Accept` comes back to
/// be asked again for each type.
async fn fetch_all(
    router: &Router,
    base_path: &str,
    addresses: Vec<plan::Address>,
    folder: &Arc<Mutex<Folder>>,
) -> Result<Vec<(String, Outcome)>, SiteError> {
    let (router, base_path, folder) = (router.clone(), base_path.to_owned(), folder.clone());
    let mut all = on_every_core(addresses, move |addresses, i| {
        let (router, base_path, folder) = (router.clone(), base_path.clone(), folder.clone());
        async move {
            let address = &addresses[i];
            let outcome = fetch_one(&router, &base_path, address, &folder).await?;
            Ok((address.path.clone(), outcome))
        }
    })
    .await?;
    all.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(all)
}

/// `work(items, i)` for each item, in twice as many tasks as there are
/// cores (rendering waits on nothing, but answers differ in cost), each
/// taking every n-th item; the results in no particular order.
async fn on_every_core<T, R, F, Fut>(items: Vec<T>, work: F) -> Result<Vec<R>, SiteError>
where
    T: Send + Sync + 'static,
    R: Send + 'static,
    F: Fn(Arc<Vec<T>>, usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<R, SiteError>> + Send + 'static,
{
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
    let items = Arc::new(items);
    let work = Arc::new(work);
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..workers {
        let (items, work) = (items.clone(), work.clone());
        tasks.spawn(async move {
            let mut done = Vec::new();
            for i in (worker..items.len()).step_by(workers) {
                done.push(work(items.clone(), i).await?);
            }
            Ok::<_, SiteError>(done)
        });
    }
    let mut all = Vec::with_capacity(items.len());
    while let Some(done) = tasks.join_next().await {
        all.extend(done.map_err(|e| render_error("the site", 0, e.to_string()))??);
    }
    Ok(all)
}

async fn fetch_one(
    router: &Router,
    base_path: &str,
    address: &plan::Address,
    folder: &Mutex<Folder>,
) -> Result<Outcome, SiteError> {
    let uri = format!("{base_path}{}", address.path);
    let answer = render::get(router, &uri, None)
        .await
        .map_err(|detail| render_error(&uri, 0, detail))?;
    if answer.status != StatusCode::OK {
        if !address.required && answer.status == StatusCode::NOT_FOUND {
            return Ok(Outcome::Skipped(String::new()));
        }
        if !address.required {
            return Ok(Outcome::Skipped(format!(
                "{uri} left out: the server answered {}",
                answer.status.as_u16()
            )));
        }
        return Err(render_error(
            &uri,
            answer.status.as_u16(),
            String::from_utf8_lossy(&answer.body).into_owned(),
        ));
    }
    if answer.varies_by_accept() {
        return Ok(Outcome::Negotiates(answer));
    }
    let file = file_name(&address.path, answer.header("content-type").unwrap_or(""));
    put(folder, &file, &answer.body)?;
    Ok(Outcome::File {
        file,
        headers: answer.headers,
    })
}

/// [`negotiate`] for every address that negotiates, on every core, in the
/// order of their paths.
async fn negotiate_all(
    router: &Router,
    base_path: &str,
    negotiating: Vec<(String, Answer)>,
    folder: &Arc<Mutex<Folder>>,
) -> Result<Vec<Negotiated>, SiteError> {
    let (router, base_path, folder) = (router.clone(), base_path.to_owned(), folder.clone());
    let mut all = on_every_core(negotiating, move |negotiating, i| {
        let (router, base_path, folder) = (router.clone(), base_path.clone(), folder.clone());
        async move {
            let (path, default) = &negotiating[i];
            negotiate(&router, &base_path, path, default, &folder).await
        }
    })
    .await?;
    all.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(all)
}

/// Asks a negotiating address for each type in [`probes`] and files each
/// distinct answer: where the answer names its own address
/// (`Content-Location`) and that file holds the same bytes, that file.
async fn negotiate(
    router: &Router,
    base_path: &str,
    path: &str,
    default: &Answer,
    folder: &Mutex<Folder>,
) -> Result<Negotiated, SiteError> {
    let uri = &format!("{base_path}{path}");
    let ask = |accept| async move {
        render::get(router, uri, accept)
            .await
            .map_err(|detail| render_error(uri, 0, detail))
    };
    let mut variants: Vec<(Variant, u128)> = Vec::new();
    let mut index = |answer: Answer, accept: Option<&'static str>| -> Result<usize, SiteError> {
        let hash = xxhash_rust::xxh3::xxh3_128(&answer.body);
        let i = match variants
            .iter()
            .position(|(v, h)| *h == hash && v.headers == answer.headers)
        {
            Some(i) => i,
            None => {
                let file = variant_file(path, &answer, folder)?;
                let variant = Variant {
                    accepts: Vec::new(),
                    file,
                    headers: answer.headers,
                };
                variants.push((variant, hash));
                variants.len() - 1
            }
        };
        variants[i].0.accepts.extend(accept);
        Ok(i)
    };
    // Asked first: where `serve` answers a type it lacks with its default
    // rather than 406 (query results do), a type answered with that same
    // default under another type is not offered, and must not outrank one
    // that is.
    let refused = ask(Some(UNACCEPTABLE)).await?;
    let fallback = (refused.status == StatusCode::OK).then(|| {
        (
            xxhash_rust::xxh3::xxh3_128(&refused.body),
            refused.headers.clone(),
        )
    });
    for accept in probes() {
        let answer = ask(Some(accept)).await?;
        if answer.status == StatusCode::NOT_ACCEPTABLE {
            continue;
        }
        if answer.status != StatusCode::OK {
            return Err(render_error(
                uri,
                answer.status.as_u16(),
                format!("asked for {accept}"),
            ));
        }
        let essence = |t: &str| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        };
        let is_fallback = fallback.as_ref().is_some_and(|(h, headers)| {
            *h == xxhash_rust::xxh3::xxh3_128(&answer.body) && *headers == answer.headers
        });
        let sent = essence(answer.header("content-type").unwrap_or(""));
        if is_fallback && !accept.contains('*') && sent != essence(accept) {
            continue;
        }
        index(answer, Some(accept))?;
    }
    let default = index(default.clone(), None)?;
    let otherwise = if refused.status == StatusCode::NOT_ACCEPTABLE {
        let hash = xxhash_rust::xxh3::xxh3_128(&refused.body);
        let file = format!("errors/406-{:08x}.json", hash as u32);
        put(folder, &file, &refused.body)?;
        Otherwise::NotAcceptable {
            file,
            headers: refused.headers,
        }
    } else if refused.status == StatusCode::OK {
        Otherwise::Variant(index(refused, None)?)
    } else {
        return Err(render_error(
            uri,
            refused.status.as_u16(),
            format!("asked for {UNACCEPTABLE}"),
        ));
    };
    Ok(Negotiated {
        path: path.to_owned(),
        variants: variants.into_iter().map(|(v, _)| v).collect(),
        default,
        otherwise,
    })
}

/// The file for one answer of a negotiating address.
fn variant_file(path: &str, answer: &Answer, folder: &Mutex<Folder>) -> Result<String, SiteError> {
    if let Some(location) = answer.header("content-location") {
        let own = resolve(path, location);
        let holds = folder
            .lock()
            .map_err(|_| render_error(path, 0, "a renderer failed".into()))?
            .holds(&own, &answer.body);
        // Not so for the dataset's page at `.well-known/void`, whose links
        // climb out of `.well-known/`.
        if holds {
            return Ok(own);
        }
    }
    let stem = if path.is_empty() { "index" } else { path };
    let file = format!(
        "{stem}.{}",
        suffix(answer.header("content-type").unwrap_or(""))
    );
    put(folder, &file, &answer.body)?;
    Ok(file)
}

/// `location` (relative, as the server writes it) resolved against `path`.
fn resolve(path: &str, location: &str) -> String {
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    for segment in location.split('/') {
        match segment {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The file for an address that does not negotiate: the address itself, with
/// its type's extension where it has none (`search` → `search.html`), so
/// that hosts without rules still send the right type.
fn file_name(path: &str, content_type: &str) -> String {
    let last = path.rsplit('/').next().unwrap_or(path);
    if path.is_empty() {
        "index.html".to_owned()
    } else if last.contains('.') {
        path.to_owned()
    } else {
        format!("{path}.{}", suffix(content_type))
    }
}

/// The file extension for a `Content-Type`.
fn suffix(content_type: &str) -> &'static str {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    match essence {
        "text/html" => "html",
        "text/turtle" => "ttl",
        "application/ld+json" if content_type.contains("#expanded") => "expanded.jsonld",
        "application/ld+json" if content_type.contains("#flattened") => "flattened.jsonld",
        "application/ld+json" => "jsonld",
        "application/rdf+xml" => "rdf",
        "application/n-triples" => "nt",
        "application/n-quads" => "nq",
        "application/trig" => "trig",
        "application/json" => "json",
        // As the query pages name them (`q.json`, `q.xml`).
        "application/sparql-results+json" => "json",
        "application/sparql-results+xml" => "xml",
        "text/csv" => "csv",
        "text/tab-separated-values" => "tsv",
        "text/n3" => "n3",
        "application/xml" | "text/xml" => "xml",
        "text/plain" => "txt",
        _ => "bin",
    }
}

fn put(folder: &Mutex<Folder>, path: &str, bytes: &[u8]) -> Result<(), SiteError> {
    folder
        .lock()
        .map_err(|_| render_error(path, 0, "a renderer failed".into()))?
        .put(path, bytes)
}

fn render_error(address: &str, status: u16, detail: String) -> SiteError {
    SiteError::Render {
        address: address.to_owned(),
        status,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_locations_resolve_against_the_address() {
        assert_eq!(resolve("concept/x", "x.ttl"), "concept/x.ttl");
        assert_eq!(resolve("", "index.ttl"), "index.ttl");
        assert_eq!(resolve(".well-known/void", "../dataset.ttl"), "dataset.ttl");
    }

    #[test]
    fn files_carry_their_type_s_extension() {
        assert_eq!(file_name("", "text/html"), "index.html");
        assert_eq!(
            file_name("search", "text/html; charset=utf-8"),
            "search.html"
        );
        assert_eq!(file_name("dump.ttl.gz", "application/gzip"), "dump.ttl.gz");
        assert_eq!(file_name("queries/q", "application/json"), "queries/q.json");
    }
}
