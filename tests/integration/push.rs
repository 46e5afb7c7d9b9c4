//! `glossgraph push` against the stores publishers run (tests/integration/
//! stores.rs): the store ends holding every graph of the build, isomorphic,
//! after a first push, an edit, a deletion, an interrupted push; only what
//! changed is sent; wrong credentials change nothing.

use crate::stores::ExternalStore;
use crate::util::{build_in_memory, copy_tree, root, text};
use glossgraph::project::Project;
use oxigraph::model::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxigraph::model::{Graph, GraphNameRef, NamedOrBlankNode, Triple};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const BASE: &str = "https://eu-ai.glossgraph.org/";
const MANIFEST: &str = "https://eu-ai.glossgraph.org/glossgraph/push";

/// The project's glossary copied to a new folder, with a published
/// vocabulary holding blank-node structures (which travel whole, and compare
/// by isomorphism).
fn glossary() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    copy_tree(&root().join("data"), dir.path());
    let config = dir.path().join("glossary.toml");
    let old = std::fs::read_to_string(&config).expect("glossary.toml");
    std::fs::write(&config, format!("vocabularies = [\"extra.ttl\"]\n{old}")).expect("written");
    let mut vocabulary = String::from(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
         @prefix ex: <https://vocab.example/> .\n\
         ex:s a skos:ConceptScheme ; skos:prefLabel \"Extra\"@en .\n",
    );
    for i in 0..40 {
        vocabulary.push_str(&format!(
            "ex:c{i} a skos:Concept ; skos:inScheme ex:s ; skos:prefLabel \"Extra {i}\"@en ;\n  \
             ex:measured [ ex:value \"{i}\" ; ex:unit [ ex:name \"unit {i}\" ] ] .\n"
        ));
    }
    std::fs::write(dir.path().join("extra.ttl"), vocabulary).expect("written");
    // An entry no other names, to be deleted.
    std::fs::write(
        dir.path().join("entries/push-test.md"),
        "---\nterm: Push test\ndefinition: An entry that a test deletes.\n---\n",
    )
    .expect("written");
    dir
}

/// Each named graph of the glossary in `dir`, as built.
fn built_graphs(dir: &Path) -> BTreeMap<String, Graph> {
    let built = build_in_memory(&Project::open(dir).expect("opens"));
    let mut graphs = BTreeMap::new();
    for name in built.store.named_graphs() {
        let NamedOrBlankNode::NamedNode(name) = name.expect("readable") else {
            continue;
        };
        let graph: Graph = built
            .store
            .quads_for_pattern(
                None,
                None,
                None,
                Some(GraphNameRef::NamedNode(name.as_ref())),
            )
            .map(|q| Triple::from(q.expect("readable")))
            .collect();
        graphs.insert(name.into_string(), graph);
    }
    graphs
}

fn canonical(mut graph: Graph) -> Graph {
    graph.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    });
    graph
}

/// The store holds exactly the build's graphs (and the manifest), each
/// isomorphic to the build's.
fn assert_holds(store: &ExternalStore, dir: &Path) {
    let graphs = built_graphs(dir);
    let mut expected: BTreeSet<String> = graphs
        .keys()
        .filter(|g| g.starts_with(BASE))
        .cloned()
        .collect();
    expected.insert(MANIFEST.to_owned());
    assert_eq!(store.graph_names(BASE), expected, "{}", store.name);
    for (name, graph) in graphs {
        let held = canonical(store.graph(&name));
        let built = canonical(graph);
        if held != built {
            let missing: Vec<String> = built
                .iter()
                .filter(|t| !held.contains(*t))
                .take(3)
                .map(|t| t.to_string())
                .collect();
            let extra: Vec<String> = held
                .iter()
                .filter(|t| !built.contains(*t))
                .take(3)
                .map(|t| t.to_string())
                .collect();
            panic!(
                "{}: <{name}> differs ({} triples held, {} built); missing {missing:#?}, extra {extra:#?}",
                store.name,
                held.len(),
                built.len()
            );
        }
    }
}

/// How a test pushes: to which endpoint, with which options.
struct Way<'a> {
    url: &'a str,
    args: Vec<&'a str>,
}

impl<'a> Way<'a> {
    fn gsp(store: &'a ExternalStore) -> Self {
        Self {
            url: &store.gsp,
            args: Vec::new(),
        }
    }

    fn update(store: &'a ExternalStore) -> Self {
        Self {
            url: &store.update_auth,
            args: vec![
                "--protocol",
                "update",
                "--query-endpoint",
                &store.query_auth,
            ],
        }
    }
}

/// `glossgraph push` to `store` at `url`, with its credentials (the password
/// from the environment) and `args`.
fn push(store: &ExternalStore, dir: &Path, url: &str, args: &[&str]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_glossgraph"));
    command
        .arg("--data")
        .arg(dir)
        .args(["push", url])
        .args(args)
        .env_remove("GLOSSGRAPH_STORE")
        .env("STORE_PASSWORD", store.credentials.map_or("", |c| c.1));
    if let Some((user, _)) = store.credentials {
        command.args(["--user", user, "--password-env", "STORE_PASSWORD"]);
    }
    command.output().expect("glossgraph runs")
}

fn pushed(output: &Output) -> String {
    let err = text(&output.stderr);
    assert!(output.status.success(), "push failed: {err}");
    err
}

/// The graphs a dry run would put.
fn would_put(store: &ExternalStore, way: &Way<'_>, dir: &Path) -> BTreeSet<String> {
    let output = push(
        store,
        dir,
        way.url,
        &[&way.args[..], &["--dry-run"]].concat(),
    );
    pushed(&output);
    text(&output.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("put <"))
        .filter_map(|l| l.split_once('>').map(|(g, _)| g.to_owned()))
        .collect()
}

/// The graphs whose content differs between two builds.
fn changed(before: &BTreeMap<String, Graph>, after: &BTreeMap<String, Graph>) -> BTreeSet<String> {
    after
        .iter()
        .filter(|(name, graph)| {
            before
                .get(*name)
                .is_none_or(|b| canonical(b.clone()) != canonical((*graph).clone()))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// A TCP relay to `to`, a network that fails: it drops the first `refused`
/// connections at once, and once `budget` bytes have come from clients it
/// cuts every connection mid-request and accepts no more.
fn relay(to: &str, refused: usize, budget: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = listener.local_addr().expect("address");
    let to = to.to_owned();
    let sent = Arc::new(AtomicUsize::new(0));
    let cut = Arc::new(AtomicBool::new(false));
    std::thread::spawn(move || {
        for (i, client) in listener.incoming().enumerate() {
            let Ok(client) = client else { continue };
            if i < refused || cut.load(Ordering::SeqCst) {
                let _ = client.shutdown(Shutdown::Both);
                continue;
            }
            let Ok(server) = TcpStream::connect(&to) else {
                continue;
            };
            let (mut c_read, mut s_write) =
                (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (sent, cut2) = (sent.clone(), cut.clone());
            std::thread::spawn(move || {
                let mut buffer = [0u8; 16 * 1024];
                while let Ok(n) = c_read.read(&mut buffer) {
                    if n == 0 || cut2.load(Ordering::SeqCst) {
                        break;
                    }
                    let total = sent.fetch_add(n, Ordering::SeqCst) + n;
                    if total > budget {
                        // Half of this piece goes, then the line drops.
                        let _ = s_write.write_all(&buffer[..n / 2]);
                        cut2.store(true, Ordering::SeqCst);
                        break;
                    }
                    if s_write.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
                let _ = c_read.shutdown(Shutdown::Both);
                let _ = s_write.shutdown(Shutdown::Both);
            });
            let (mut s_read, mut c_write) = (server, client);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut s_read, &mut c_write);
                let _ = c_write.shutdown(Shutdown::Both);
            });
        }
    });
    format!("http://{address}")
}

/// A store's URL with its host and port replaced by `relay`'s.
fn through(relay: &str, url: &str) -> String {
    let parsed = url::Url::parse(url).expect("a URL");
    format!(
        "{relay}{}",
        &url[parsed[..url::Position::BeforePath].len()..]
    )
}

fn keeps_the_store_identical_to_the_build(store: &ExternalStore, way: &Way<'_>) {
    let dir = glossary();
    let d = dir.path();
    let push = |url: &str, args: &[&str]| push(store, d, url, &[&way.args[..], args].concat());

    // First push: everything.
    let before = built_graphs(d);
    assert_eq!(would_put(store, way, d).len(), before.len());
    // In bodies of at most 4 kB: most graphs go in several requests.
    let said = pushed(&push(way.url, &["--max-body", "0.004"]));
    assert!(
        said.contains(&format!("sent {} graph(s)", before.len())),
        "{said}"
    );
    let requests: usize = said
        .split(" request(s)")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the summary counts requests");
    assert!(requests > 2 * before.len(), "{said}");
    assert_holds(store, d);
    let said = pushed(&push(way.url, &[]));
    assert!(said.contains("is up to date"), "{said}");

    // One entry edited: exactly the graphs whose content changed are sent.
    let entry = d.join("entries/eu-ai-office.md");
    let source = std::fs::read_to_string(&entry).expect("the entry");
    std::fs::write(
        &entry,
        source.replacen(
            "## What the AI Office is\n\n",
            "## What the AI Office is\n\nEdited. ",
            1,
        ),
    )
    .expect("edited");
    let after = built_graphs(d);
    let expected = changed(&before, &after);
    assert!(
        expected.contains(&format!("{BASE}concept/eu-ai-office")),
        "{expected:?}"
    );
    assert!(
        expected.len() <= 3,
        "one edit changes few graphs: {expected:?}"
    );
    assert_eq!(would_put(store, way, d), expected);
    let said = pushed(&push(way.url, &[]));
    assert!(
        said.contains(&format!("sent {} graph(s)", expected.len())),
        "{said}"
    );
    assert_holds(store, d);

    // One entry deleted: its graph is gone.
    std::fs::remove_file(d.join("entries/push-test.md")).expect("deleted");
    let said = pushed(&push(way.url, &[]));
    assert!(said.contains("delete 1,"), "{said}");
    assert!(
        !store
            .graph_names(BASE)
            .contains(&format!("{BASE}concept/push-test"))
    );
    assert_holds(store, d);

    // The network fails halfway through a full push; the next push completes it.
    let network = relay(
        url::Url::parse(way.url).expect("a URL").authority(),
        0,
        400_000,
    );
    let output = push(&through(&network, way.url), &["--full", "--retries", "0"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let said = text(&output.stderr);
    assert!(said.contains("1 attempt(s) failed"), "{said}");
    pushed(&push(way.url, &[]));
    assert_holds(store, d);
    let said = pushed(&push(way.url, &[]));
    assert!(said.contains("is up to date"), "{said}");
}

#[test]
fn push_keeps_an_oxigraph_server_identical_to_the_build() {
    let Some(store) = ExternalStore::oxigraph() else {
        return;
    };
    keeps_the_store_identical_to_the_build(&store, &Way::gsp(&store));
}

#[test]
fn push_keeps_virtuoso_identical_to_the_build() {
    let Some(store) = ExternalStore::virtuoso() else {
        return;
    };
    keeps_the_store_identical_to_the_build(&store, &Way::gsp(&store));
}

#[test]
fn push_over_sparql_update_keeps_an_oxigraph_server_identical_to_the_build() {
    let Some(store) = ExternalStore::oxigraph() else {
        return;
    };
    keeps_the_store_identical_to_the_build(&store, &Way::update(&store));
    // Atomic: staged, then moved into place in one request; no staging left.
    let Some(store) = ExternalStore::oxigraph() else {
        return;
    };
    let mut atomic = Way::update(&store);
    atomic.args.push("--atomic");
    keeps_the_store_identical_to_the_build(&store, &atomic);
}

#[test]
fn push_over_sparql_update_keeps_virtuoso_identical_to_the_build() {
    let Some(store) = ExternalStore::virtuoso() else {
        return;
    };
    keeps_the_store_identical_to_the_build(&store, &Way::update(&store));
}

#[test]
fn wrong_credentials_change_nothing_and_say_so_without_the_secret() {
    let Some(store) = ExternalStore::virtuoso() else {
        return;
    };
    let dir = glossary();
    let d = dir.path();
    pushed(&push(&store, d, &store.gsp, &[]));
    let held = store.graph_names(BASE);
    std::fs::remove_file(d.join("entries/push-test.md")).expect("deleted");
    let push_as = |way: &Way<'_>, variable: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_glossgraph"))
            .arg("--data")
            .arg(d)
            .args(["push", way.url])
            .args(&way.args)
            .args(["--user", "dba", "--password-env", variable])
            .env("WRONG", "not-the-password-4711")
            .output()
            .expect("glossgraph runs")
    };
    for way in [Way::gsp(&store), Way::update(&store)] {
        let output = push_as(&way, "WRONG");
        let said = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{said}");
        assert!(
            said.contains("the store refused user dba with that password (401 Unauthorized)"),
            "{said}"
        );
        assert!(!said.contains("4711"), "{said}");
        assert_eq!(store.graph_names(BASE), held);
    }
    let output = push_as(&Way::gsp(&store), "UNSET_VARIABLE");
    assert_eq!(output.status.code(), Some(1));
    let said = text(&output.stderr);
    assert!(
        said.contains("the environment variable UNSET_VARIABLE named by --password-env is not set"),
        "{said}"
    );
    assert_holds_before_edit(&store, &held);
}

fn assert_holds_before_edit(store: &ExternalStore, held: &BTreeSet<String>) {
    assert!(held.contains(&format!("{BASE}concept/push-test")));
    assert_eq!(&store.graph_names(BASE), held);
}

/// nginx in front of `store`: `/basic/` asks for HTTP Basic (user `editor`,
/// password `s3cret`), `/bearer/` for the bearer token `t0ken`.
fn guarded(store: &ExternalStore) -> Option<crate::site::Host> {
    if !crate::site::has("nginx") {
        crate::util::require("nginx is not installed", "apt-get install nginx");
        return None;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let d = dir.path().display();
    let port = crate::site::free_port();
    let upstream = url::Url::parse(&store.gsp).expect("a URL");
    let upstream = upstream.authority();
    std::fs::write(dir.path().join("users"), "editor:{PLAIN}s3cret\n").expect("written");
    let conf = format!(
        "daemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_max_body_size 64m;\n  client_body_temp_path {d}; proxy_temp_path {d}; fastcgi_temp_path {d}; uwsgi_temp_path {d}; scgi_temp_path {d};\n\
         server {{\n    listen 127.0.0.1:{port};\n\
         location /basic/ {{ auth_basic \"store\"; auth_basic_user_file {d}/users; proxy_pass http://{upstream}/; }}\n\
         location /bearer/ {{ if ($http_authorization != \"Bearer t0ken\") {{ return 401; }} proxy_pass http://{upstream}/; }}\n\
         location / {{ return 404; }}\n  }}\n}}\n"
    );
    std::fs::write(dir.path().join("nginx.conf"), conf).expect("written");
    let child = std::process::Command::new("nginx")
        .arg("-c")
        .arg(dir.path().join("nginx.conf"))
        .arg("-p")
        .arg(dir.path())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("nginx starts");
    let log = dir.path().join("error.log");
    Some(
        crate::site::Host {
            name: "nginx",
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
        .ready(&log),
    )
}

#[test]
fn basic_and_bearer_authentication_from_a_file_or_the_environment() {
    let Some(store) = ExternalStore::oxigraph() else {
        return;
    };
    let Some(nginx) = guarded(&store) else {
        return;
    };
    let dir = glossary();
    let d = dir.path();
    let secrets = tempfile::tempdir().expect("a temporary folder");
    let file = |name: &str, text: &str| {
        let path = secrets.path().join(name);
        std::fs::write(&path, text).expect("written");
        path.display().to_string()
    };
    let run = |url: &str, args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_glossgraph"))
            .arg("--data")
            .arg(d)
            .args(["push", url])
            .args(args)
            .env("TOKEN", "t0ken")
            .env("BAD_TOKEN", "nope")
            .output()
            .expect("glossgraph runs")
    };
    let basic = format!("{}/basic/store", nginx.url);
    let bearer = format!("{}/bearer/store", nginx.url);

    let output = run(&basic, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("the store asks for credentials"));
    let output = run(
        &basic,
        &[
            "--user",
            "editor",
            "--password-file",
            &file("wrong", "guess\n"),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("refused user editor"));
    pushed(&run(
        &basic,
        &[
            "--user",
            "editor",
            "--password-file",
            &file("right", "s3cret\n"),
        ],
    ));
    assert_holds(&store, d);

    std::fs::remove_file(d.join("entries/push-test.md")).expect("deleted");
    let output = run(&bearer, &["--token-env", "BAD_TOKEN"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("the store refused the bearer token"));
    let said = pushed(&run(&bearer, &["--token-file", &file("token", "t0ken")]));
    assert!(said.contains("delete 1,"), "{said}");
    let said = pushed(&run(&bearer, &["--token-env", "TOKEN"]));
    assert!(said.contains("is up to date"), "{said}");
    assert_holds(&store, d);
}

#[test]
fn a_failing_network_is_tried_again_and_graphs_go_under_a_prefix() {
    let Some(store) = ExternalStore::oxigraph() else {
        return;
    };
    let dir = glossary();
    let d = dir.path();
    let authority = url::Url::parse(&store.gsp)
        .expect("a URL")
        .authority()
        .to_owned();
    let prefix = "https://kg.example/glossaries/eu-ai/";
    let run = |url: &str, args: &[&str]| {
        push(
            &store,
            d,
            url,
            &[&["--graph-prefix", prefix], args].concat(),
        )
    };

    // Two connections dropped: two attempts are not enough, five are.
    let network = relay(&authority, 2, usize::MAX);
    let output = run(&through(&network, &store.gsp), &["--retries", "1"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let network = relay(&authority, 2, usize::MAX);
    let said = pushed(&run(&through(&network, &store.gsp), &["--retries", "4"]));
    assert!(said.contains("sent "), "{said}");

    let graphs = built_graphs(d);
    let mut expected: BTreeSet<String> = graphs
        .keys()
        .map(|g| match g.strip_prefix(BASE) {
            Some(rest) => format!("{prefix}{rest}"),
            None => format!(
                "{prefix}external/{}",
                percent_encoding::utf8_percent_encode(g, percent_encoding::NON_ALPHANUMERIC)
            ),
        })
        .collect();
    expected.insert(format!("{prefix}glossgraph/push"));
    assert_eq!(store.graph_names(prefix), expected);
    assert!(store.graph_names(BASE).is_empty());
    for (name, graph) in graphs {
        if let Some(rest) = name.strip_prefix(BASE) {
            assert_eq!(
                canonical(store.graph(&format!("{prefix}{rest}"))),
                canonical(graph)
            );
        }
    }
    let said = pushed(&run(&store.gsp, &[]));
    assert!(said.contains("is up to date"), "{said}");
}
