//! `glossgraph site`: the static site of `data/`, served by real web servers
//! with the rules glossgraph writes, answers every client as `serve` does;
//! its links resolve inside the folder; a rebuild rewrites only what changed;
//! a user's files and a failed build's previous site are left alone.

use crate::util::{ServeProcess, client, copy_tree, glossgraph, require, root};
use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `Accept` headers real clients send (as the server tests use), the
/// wildcards, the aliases and JSON-LD profiles `serve` offers, and a type no
/// resource has.
const ACCEPTS: &[Option<&str>] = &[
    None,
    Some("*/*"),
    // Firefox, then Chromium.
    Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    Some(
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
    ),
    // rdflib, Comunica, jsonld.js, rapper.
    Some(
        "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, application/n-quads, application/trix, application/trig",
    ),
    Some(
        "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5,text/n3;q=0.35,application/xml;q=0.3,image/svg+xml;q=0.3,text/xml;q=0.3,text/html;q=0.2,application/xhtml+xml;q=0.18",
    ),
    Some("application/ld+json, application/json"),
    Some("application/rdf+xml, text/rdf;q=0.6, */*;q=0.1"),
    Some("text/turtle"),
    Some("application/n-triples"),
    Some("application/n-quads"),
    Some("application/trig"),
    Some("application/json"),
    Some("text/n3"),
    Some("application/xml"),
    Some("text/plain"),
    Some("text/*"),
    Some("application/*"),
    Some("text/turtle;q=0.5, text/html;q=0.9"),
    Some("application/ld+json;profile=\"http://www.w3.org/ns/json-ld#flattened\""),
    Some("application/ld+json;profile=\"http://www.w3.org/ns/json-ld#expanded\""),
    Some("application/ld+json;profile=\"http://www.w3.org/ns/json-ld#compacted\""),
    Some("application/sparql-results+json"),
    Some("text/csv"),
    Some("image/png"),
];

/// Addresses of every kind the site has.
const PATHS: &[&str] = &[
    "/",
    "/index.html",
    "/index.ttl",
    "/concept/eu-ai-office",
    "/concept/eu-ai-office.html",
    "/concept/eu-ai-office.ttl",
    "/concept/eu-ai-office.jsonld",
    "/concept/eu-ai-office.rdf",
    "/concept/eu-ai-office.nt",
    "/concept/eu-ai-office.nq",
    "/concept/eu-ai-office.trig",
    "/concept/ai-system",
    "/dataset",
    "/dataset.ttl",
    "/.well-known/void",
    "/ontology",
    "/ontology.ttl",
    "/glossgraph/ns",
    "/queries",
    "/queries/top-concepts",
    "/search",
    "/context.jsonld",
    "/dump.nt",
    "/dump.ttl.gz",
    "/sitemap.xml",
    "/robots.txt",
    "/assets/style.css",
    "/favicon.ico",
    "/concept/no-such-concept",
    "/no/such/page",
];

/// The headers a host must send as `serve` does.
const COMPARED: &[&str] = &[
    "content-type",
    "content-location",
    "link",
    "cache-control",
    "access-control-allow-origin",
    "access-control-expose-headers",
];

/// A free loopback port (bound, then released for the server to take).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A web server started by a test, killed when dropped.
pub struct Host {
    pub name: &'static str,
    pub child: Child,
    pub url: String,
    /// The server's configuration and logs.
    pub _dir: tempfile::TempDir,
}

impl Drop for Host {
    /// SIGTERM first: nginx and Apache stop their workers then, where
    /// SIGKILL would leave them serving (and holding the test's output).
    fn drop(&mut self) {
        crate::util::terminate(&mut self.child, Duration::from_secs(5));
    }
}

impl Host {
    /// Waits until the server answers (or fails the test with its log).
    pub fn ready(self, log: &Path) -> Self {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if client()
                .get(format!("{}/robots.txt", self.url))
                .send()
                .is_ok()
            {
                return self;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "{} did not start: {}",
            self.name,
            std::fs::read_to_string(log).unwrap_or_default()
        );
    }
}

pub fn has(program: &str) -> bool {
    Command::new(program)
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Debian's nginx serving `site` with the rules glossgraph wrote there.
fn nginx(site: &Path) -> Option<Host> {
    nginx_at(site, site)
}

/// nginx whose `root` is `root`, serving the site in `site` (`root` itself,
/// or the folder at the base IRI's path under it).
fn nginx_at(root: &Path, site: &Path) -> Option<Host> {
    if !has("nginx") {
        require("nginx is not installed", "apt-get install nginx");
        return None;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let port = free_port();
    let d = dir.path().display();
    let rules = site.join(".glossgraph");
    let conf = format!(
        "daemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 64; }}\nhttp {{\n  access_log off;\n  client_body_temp_path {d}; proxy_temp_path {d}; fastcgi_temp_path {d}; uwsgi_temp_path {d}; scgi_temp_path {d};\n  include {http};\n  server {{\n    listen 127.0.0.1:{port};\n    root {root};\n    include {server};\n  }}\n}}\n",
        http = rules.join("nginx-http.conf").display(),
        server = rules.join("nginx-server.conf").display(),
        root = root.display(),
    );
    let conf_path = dir.path().join("nginx.conf");
    std::fs::write(&conf_path, conf).expect("nginx.conf written");
    let child = Command::new("nginx")
        .arg("-c")
        .arg(&conf_path)
        .arg("-p")
        .arg(dir.path())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
    let log = dir.path().join("error.log");
    Some(
        Host {
            name: "nginx",
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
        .ready(&log),
    )
}

/// What a server answered, as compared.
#[derive(Debug, PartialEq)]
struct Seen {
    status: u16,
    headers: Vec<(String, String)>,
    vary: BTreeSet<String>,
    body: Vec<u8>,
}

fn fetch(url: &str, accept: Option<&str>) -> Seen {
    let mut request = client().get(url);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().expect("the server answers");
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let headers = COMPARED
        .iter()
        .map(|name| (name.to_string(), header(name)))
        .collect();
    let vary = header("vary")
        .split(',')
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .collect();
    let body = response.bytes().expect("a body").to_vec();
    Seen {
        status,
        headers,
        vary,
        body,
    }
}

/// The site of `data/`, written by the binary into a new folder.
pub fn site_of_data() -> (tempfile::TempDir, PathBuf) {
    site_of_data_with(&[])
}

/// As [`site_of_data`], with more of `site`'s options (`--host apache`).
pub fn site_of_data_with(options: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("site");
    let data = root().join("data");
    let mut args = vec![
        "--data",
        data.to_str().expect("a path"),
        "site",
        "-o",
        "site",
    ];
    args.extend_from_slice(options);
    let written = glossgraph(dir.path(), &args);
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    (dir, out)
}

/// Every (path, Accept) pair of the table, on `host` against `serve`.
pub fn answers_as_serve(host: &Host, serve: &ServeProcess) {
    answers_as_serve_under(host, serve, "");
}

/// As [`answers_as_serve`], for a glossary whose base IRI's path is
/// `prefix` followed by `/`.
fn answers_as_serve_under(host: &Host, serve: &ServeProcess, prefix: &str) {
    let mut differences = Vec::new();
    for path in PATHS {
        // The vocabulary's own IRI is outside a base with a path: `serve`
        // answers there, a site under the path holds nothing there.
        if !prefix.is_empty() && path.starts_with("/glossgraph/") {
            continue;
        }
        let path = &format!("{prefix}{path}");
        for accept in ACCEPTS {
            let want = fetch(&format!("{}{path}", serve.url), *accept);
            let got = fetch(&format!("{}{path}", host.url), *accept);
            let said = format!(
                "{} {path} (Accept: {})",
                host.name,
                accept.unwrap_or("none")
            );
            if want.status != got.status {
                differences.push(format!(
                    "{said}: status {} where serve says {}",
                    got.status, want.status
                ));
                continue;
            }
            // A page not found is one page on a static host, whatever was asked.
            if want.status == 404 {
                continue;
            }
            if want.vary != got.vary {
                differences.push(format!(
                    "{said}: Vary {:?} where serve says {:?}",
                    got.vary, want.vary
                ));
            }
            for ((name, w), (_, g)) in want.headers.iter().zip(&got.headers) {
                if w != g {
                    differences.push(format!("{said}: {name} `{g}` where serve says `{w}`"));
                }
            }
            if want.body != got.body {
                differences.push(format!(
                    "{said}: a body of {} bytes where serve sends {}",
                    got.body.len(),
                    want.body.len()
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{} difference(s):\n{}",
        differences.len(),
        differences.join("\n")
    );
}

/// A glossary published under a path (`https://…/glossary/`): its folder is
/// `glossary/` under nginx's root, and every address is under that path.
#[test]
fn nginx_answers_as_serve_under_a_base_path() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("a folder");
    copy_tree(&root().join("data"), &data);
    let settings = data.join("glossary.toml");
    let text = std::fs::read_to_string(&settings).expect("settings");
    let text = text.replace(
        "base = \"https://eu-ai.glossgraph.org/\"",
        "base = \"https://eu-ai.glossgraph.org/glossary/\"",
    );
    std::fs::write(&settings, text).expect("settings written");
    let written = glossgraph(
        dir.path(),
        &["site", "-o", "out/glossary", "--host", "nginx"],
    );
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    let out = dir.path().join("out");
    let Some(host) = nginx_at(&out, &out.join("glossary")) else {
        return;
    };
    let serve = ServeProcess::start(dir.path(), &[], &[], &[]);
    answers_as_serve_under(&host, &serve, "/glossary");
}

#[test]
fn nginx_with_the_written_rules_answers_as_serve() {
    let (_dir, site) = site_of_data();
    let Some(host) = nginx(&site) else { return };
    let serve = ServeProcess::start(&root(), &["--data", "data"], &[], &[]);
    answers_as_serve(&host, &serve);
}

/// Every `href` and `src` in the site's pages, resolved against the page.
fn links(site: &Path) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    collect(site, site, &mut pages);
    let mut out = Vec::new();
    for page in pages.iter().filter(|p| p.ends_with(".html")) {
        let html = std::fs::read_to_string(site.join(page)).expect("a page");
        let base = reqwest::Url::parse(&format!("http://site/{page}")).expect("a URL");
        for attribute in ["href=\"", "src=\""] {
            for piece in html.split(attribute).skip(1) {
                let Some(link) = piece.split('"').next() else {
                    continue;
                };
                let Ok(url) = base.join(&link.replace("&amp;", "&")) else {
                    continue;
                };
                if url.host_str() == Some("site") && url.query().is_none() {
                    out.push((page.clone(), url.path().to_owned()));
                }
            }
        }
    }
    out
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("a folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            out.push(
                path.strip_prefix(root)
                    .expect("inside")
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
}

#[test]
fn every_link_in_the_pages_resolves_inside_the_folder() {
    let (_dir, site) = site_of_data();
    let links = links(&site);
    assert!(links.len() > 500, "{} links", links.len());
    let mut broken = BTreeSet::new();
    for (page, path) in &links {
        let relative = path.trim_start_matches('/');
        // A bare address is its HTML file on every host (GitHub Pages too).
        let exists = |p: &str| site.join(p).is_file();
        let found = exists(relative)
            || exists(&format!("{relative}.html"))
            || exists(&format!("{relative}index.html"));
        // The live services a static folder cannot hold.
        let live = [
            "search",
            "reconcile",
            "api/",
            "store",
            "resource",
            "yasgui/",
        ]
        .iter()
        .any(|p| relative.starts_with(p));
        if !found && !live {
            broken.insert(format!("{page} → {path}"));
        }
    }
    assert!(
        broken.is_empty(),
        "links to nothing:\n{}",
        broken.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn a_rebuild_after_one_edit_rewrites_only_what_shows_that_entry() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("a folder");
    copy_tree(&root().join("data"), &data);
    let site = |args: &[&str]| {
        let mut all = vec!["--data", "data", "site", "-o", "site"];
        all.extend_from_slice(args);
        let out = glossgraph(dir.path(), &all);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    site(&[]);
    let again = site(&[]);
    assert!(again.contains(" 0 file(s) written"), "{again}");
    assert!(again.contains(" 0 deleted"), "{again}");

    let entry = data.join("entries/eu-ai-office.md");
    let text = std::fs::read_to_string(&entry).expect("the entry");
    // Added to the entry's last section.
    let changed = format!("{}\n\nA sentence added by the test.\n", text.trim_end());
    std::fs::write(&entry, changed).expect("the entry rewritten");
    let before = snapshot(&dir.path().join("site"));
    site(&[]);
    let after = snapshot(&dir.path().join("site"));
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|(path, bytes)| {
            before.iter().find(|(p, _)| p == path).map(|(_, b)| b) != Some(bytes)
        })
        .map(|(p, _)| p)
        .collect();
    assert!(
        rewritten.iter().any(|p| *p == "concept/eu-ai-office.html"),
        "{rewritten:?}"
    );
    for path in &rewritten {
        let about_it = path.contains("eu-ai-office")
            || path.starts_with("dump.")
            || path.starts_with("index.")
            || path.starts_with("queries/")
            || path.starts_with(".well-known/")
            || path.starts_with("dataset.")
            || path.starts_with(".glossgraph/");
        assert!(
            about_it,
            "{path} was rewritten, but does not show the entry"
        );
    }
    // Other concepts' files were not touched at all.
    assert!(!rewritten.iter().any(|p| p.starts_with("concept/ai-system")));
}

fn snapshot(site: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    collect(site, site, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(site.join(&f)).expect("a file");
            (f, bytes)
        })
        .collect()
}

#[test]
fn a_folder_with_other_files_is_refused_and_a_failed_build_keeps_the_last_site() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("a folder");
    copy_tree(&root().join("data"), &data);
    std::fs::create_dir_all(dir.path().join("mine")).expect("a folder");
    std::fs::write(dir.path().join("mine/notes.txt"), "mine").expect("a file");
    let refused = glossgraph(dir.path(), &["--data", "data", "site", "-o", "mine"]);
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("notes.txt") && said.contains("--force"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mine/notes.txt")).unwrap(),
        "mine"
    );

    let built = glossgraph(dir.path(), &["--data", "data", "site", "-o", "site"]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let before = snapshot(&dir.path().join("site"));
    std::fs::write(
        data.join("entries/broken.md"),
        "---\nterm: [unclosed\n---\nText.\n",
    )
    .expect("a broken entry");
    let failed = glossgraph(dir.path(), &["--data", "data", "site", "-o", "site"]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("broken.md"));
    assert_eq!(
        snapshot(&dir.path().join("site")),
        before,
        "the last site is untouched"
    );
}

#[test]
fn the_sparql_page_says_where_queries_go() {
    let (_dir, site) = site_of_data();
    let page = std::fs::read_to_string(site.join("sparql.html")).expect("a sparql page");
    assert!(page.contains("no SPARQL endpoint"), "{page}");
    assert!(page.contains("href=\"assets/style.css\""), "{page}");

    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = root().join("data");
    let data = data.to_str().expect("a path");
    let endpoint = "https://query.example.org/sparql";
    let written = glossgraph(
        dir.path(),
        &[
            "--data",
            data,
            "site",
            "--host",
            "plain",
            "--sparql-endpoint",
            endpoint,
        ],
    );
    assert!(written.status.success());
    let page = std::fs::read_to_string(dir.path().join("site/sparql.html")).expect("a page");
    assert!(page.contains(&format!("<a href=\"{endpoint}\">")), "{page}");

    let refused = glossgraph(
        dir.path(),
        &["--data", data, "site", "--sparql-endpoint", "ftp://x/"],
    );
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("http:// or https://"), "{said}");
}
