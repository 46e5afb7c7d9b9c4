//! Deploying `serve`: liveness and readiness over a real port, the binary
//! listening before its graph is built, and README's nginx configuration and
//! systemd unit run as they are written there.

use crate::util::{
    ServeProcess, TestServer, build_in_memory, client, copy_tree, require, root, state_of, text,
};
use glossgraph::project::Project;
use reqwest::StatusCode;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The test glossary with its base IRI at `base`.
fn glossary_at(base: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_tree(&root().join("tests/fixtures/check/base"), dir.path());
    let config = dir.path().join("glossary.toml");
    let old = std::fs::read_to_string(&config).expect("fixture glossary.toml");
    let fixture_base = "base = \"https://test.example/\"";
    assert!(old.contains(fixture_base), "{old}");
    let new = old.replace(fixture_base, &format!("base = {base:?}"));
    std::fs::write(&config, new).expect("write glossary.toml");
    dir
}

/// An entry the test glossary does not have yet.
const GAMMA: &str = "---\nterm: Gamma\ndefinition: The third test concept.\n---\n\n## What it is\n\nGamma comes last.\n";

/// `entries/gamma.md` made a named pipe: the build blocks reading it until
/// the test writes the entry into it, so the time before the first graph
/// lasts exactly as long as the test wants, on any machine.
#[cfg(unix)]
fn hold_gamma(dir: &Path) -> PathBuf {
    let pipe = dir.join("entries/gamma.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    pipe
}

/// Writes the entry into the pipe, on a thread: opening it waits for the reader.
#[cfg(unix)]
fn release_gamma(pipe: PathBuf) {
    std::thread::spawn(move || std::fs::write(pipe, GAMMA).expect("write into the pipe"));
}

fn header(response: &reqwest::blocking::Response, name: &str) -> String {
    response
        .headers()
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn healthz_and_readyz_are_plain_text_never_cached_and_never_negotiated() {
    let server = TestServer::glossary();
    for accept in ["", "text/html", "text/turtle", "application/ld+json", "*/*"] {
        let headers: &[(&str, &str)] = if accept.is_empty() {
            &[]
        } else {
            &[("accept", accept)]
        };
        for (path, body) in [("/healthz", "ok"), ("/readyz", "ready")] {
            let response = server.get(path, headers);
            assert_eq!(response.status(), StatusCode::OK, "{path} {accept}");
            assert_eq!(
                header(&response, "content-type"),
                "text/plain; charset=utf-8"
            );
            assert_eq!(header(&response, "cache-control"), "no-store");
            let vary = header(&response, "vary").to_ascii_lowercase();
            assert!(!vary.split(", ").any(|v| v == "accept"), "{path}: {vary}");
            assert_eq!(response.text().unwrap(), body);
        }
    }
}

#[test]
fn under_a_base_path_the_scheme_healthz_and_readyz_answer_under_it() {
    let dir = glossary_at("https://test.example/glossary/");
    let project = Project::open(dir.path()).expect("opens");
    let built = build_in_memory(&project);
    let server = TestServer::start(state_of(&project, built.store, Default::default()));
    for path in ["/glossary/healthz", "/glossary/readyz", "/glossary/"] {
        assert_eq!(server.get(path, &[]).status(), StatusCode::OK, "{path}");
    }
    // The scheme is the base IRI, with its slash: the page's links are relative to it.
    let bare = server.get("/glossary?lang=en", &[]);
    assert_eq!(bare.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(header(&bare, "location"), "/glossary/?lang=en");
    for path in ["/healthz", "/readyz"] {
        assert_eq!(
            server.get(path, &[]).status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

/// `serve` listens before it builds: alive at once, ready (and serving the
/// glossary) only once the graph is in. The build is held on a named pipe, so
/// the building phase is seen on every run, however fast the machine.
#[cfg(unix)]
#[test]
fn serve_answers_503_while_its_first_graph_is_built_then_serves_it() {
    let dir = glossary_at("https://test.example/");
    let pipe = hold_gamma(dir.path());
    let mut server = ServeProcess::listening(dir.path(), &[], &[], &[]);
    let url = server.url.clone();
    let get = |path: &str, accept: &str| {
        client()
            .get(format!("{url}{path}"))
            .header("accept", accept)
            .send()
            .expect("the server answers while building")
    };
    let alive = get("/healthz", "*/*");
    assert_eq!(alive.status(), StatusCode::OK);
    assert_eq!(alive.text().unwrap(), "ok");
    let ready = get("/readyz", "*/*");
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&ready, "retry-after"), "2");
    assert_eq!(header(&ready, "cache-control"), "no-store");
    for (path, accept) in [
        ("/concept/alpha", "text/turtle"),
        ("/concept/alpha", "text/html"),
        ("/", "*/*"),
        ("/sparql?query=ASK%7B%7D", "application/sparql-results+json"),
    ] {
        let response = get(path, accept);
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(header(&response, "retry-after"), "2", "{path}");
        assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
        assert_eq!(header(&response, "access-control-allow-origin"), "*");
        assert_eq!(
            header(&response, "content-type"),
            "application/problem+json"
        );
        let problem: serde_json::Value =
            serde_json::from_str(&response.text().unwrap()).expect("problem+json");
        assert_eq!(problem["status"], 503);
        assert!(problem["detail"].as_str().unwrap().contains("being built"));
    }
    // A client that connected while building (its connection kept alive, if
    // the server keeps it) is served once the graph is in.
    let kept = reqwest::blocking::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .unwrap();
    let early = kept.get(format!("{url}/readyz")).send().unwrap();
    assert_eq!(early.status(), StatusCode::SERVICE_UNAVAILABLE);
    early.text().unwrap();

    release_gamma(pipe);
    server.wait_until_serving();
    let ready = get("/readyz", "*/*");
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().unwrap(), "ready");
    let concept = kept
        .get(format!("{url}/concept/gamma"))
        .header("accept", "text/turtle")
        .send()
        .unwrap();
    assert_eq!(concept.status(), StatusCode::OK);
    assert!(concept.text().unwrap().contains("\"Gamma\"@en"));
}

/// A first build that fails stops the server: the located errors, as
/// `check` prints them, and exit code 1.
#[test]
fn a_failed_first_build_stops_serve_with_the_located_errors() {
    let dir = glossary_at("https://test.example/");
    std::fs::write(
        dir.path().join("entries/gamma.md"),
        "---\nterm: Gamma\n---\n\n## What it is\n\nNo definition.\n",
    )
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_glossgraph"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("GLOSSGRAPH_DATA")
        .env_remove("GLOSSGRAPH_STORE")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("glossgraph runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("serve still runs 60 s after its build failed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("glossgraph: listening at "), "{stderr}");
    assert!(
        stderr.contains(
            "entries/gamma.md:2:1: error[source/missing-definition]: the entry has no `definition`"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("serving"), "{stderr}");
}

/// The fenced block of README.md that starts with `first_line`.
fn readme_block(first_line: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let start = readme
        .find(&format!("\n{first_line}\n"))
        .unwrap_or_else(|| panic!("README.md has a block starting `{first_line}`"))
        + 1;
    let end = start + readme[start..].find("\n```").expect("the block ends");
    readme[start..end].to_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// nginx, killed when dropped.
struct Nginx(std::process::Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// README's nginx configuration, in front of two `serve` replicas of a
/// glossary under a path prefix, one of them still building: every request
/// gets the ready replica's answer, with its validators, and 304s pass through.
#[cfg(unix)]
#[test]
fn readme_nginx_proxies_two_replicas_under_a_prefix_skipping_one_building() {
    let nginx = ["/usr/sbin/nginx", "nginx"].into_iter().find(|n| {
        std::process::Command::new(n)
            .arg("-v")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(nginx) = nginx else {
        require("nginx is not installed", "apt-get install nginx");
        return;
    };
    let base = "https://words.example.org/glossary/";
    let building_dir = glossary_at(base);
    let pipe = hold_gamma(building_dir.path());
    let mut building = ServeProcess::listening(building_dir.path(), &[], &[], &[]);
    let ready_dir = glossary_at(base);
    std::fs::write(ready_dir.path().join("entries/gamma.md"), GAMMA).unwrap();
    let ready = ServeProcess::start(ready_dir.path(), &[], &[], &[]);

    let work = tempfile::tempdir().unwrap();
    let port = free_port();
    let site = readme_block("upstream glossgraph {")
        .replace("127.0.0.1:7878", building.url.trim_start_matches("http://"))
        .replace("127.0.0.1:7879", ready.url.trim_start_matches("http://"))
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"));
    let w = work.path().display();
    // Workers run as nobody unless told otherwise, and root's temporary
    // folder is not theirs.
    let root_user = std::fs::metadata("/proc/self").is_ok_and(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid() == 0
    });
    let user = if root_user { "user root;" } else { "" };
    let conf = format!(
        "{user}\nmaster_process off;\ndaemon off;\npid {w}/nginx.pid;\nerror_log {w}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n access_log off;\n client_body_temp_path {w}/tmp;\n proxy_temp_path {w}/tmp;\n\
         fastcgi_temp_path {w}/tmp;\n uwsgi_temp_path {w}/tmp;\n scgi_temp_path {w}/tmp;\n{site}\n}}\n"
    );
    std::fs::create_dir(work.path().join("tmp")).unwrap();
    std::fs::write(work.path().join("nginx.conf"), &conf).unwrap();
    let _nginx = Nginx(
        std::process::Command::new(nginx)
            .arg("-c")
            .arg(work.path().join("nginx.conf"))
            .arg("-p")
            .arg(work.path())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("nginx starts"),
    );
    let proxy = format!("http://127.0.0.1:{port}/glossary");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        let log = std::fs::read_to_string(work.path().join("error.log")).unwrap_or_default();
        assert!(started.elapsed() < Duration::from_secs(10), "nginx: {log}");
        std::thread::sleep(Duration::from_millis(20));
    }

    // Round robin sends every other request to the building replica first;
    // its 503 sends nginx on to the other.
    for _ in 0..2 {
        let page = client()
            .get(format!("{proxy}/concept/gamma"))
            .header("accept", "text/html")
            .send()
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().unwrap().contains("<h1>Gamma</h1>"));
        let turtle = client()
            .get(format!("{proxy}/concept/gamma"))
            .header("accept", "text/turtle")
            .send()
            .unwrap();
        assert_eq!(turtle.status(), StatusCode::OK);
        assert!(header(&turtle, "content-type").starts_with("text/turtle"));
        assert!(header(&turtle, "vary").contains("Accept"));
        let etag = header(&turtle, "etag");
        assert!(etag.starts_with("W/\""), "{etag}");
        assert_eq!(header(&turtle, "cache-control"), "public, max-age=60");
        assert!(turtle.text().unwrap().contains("\"Gamma\"@en"));
        let again = client()
            .get(format!("{proxy}/concept/gamma"))
            .header("accept", "text/turtle")
            .header("if-none-match", &etag)
            .send()
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(header(&again, "etag"), etag);
    }
    // Relative links in pages resolve through the proxy.
    let stylesheet = client()
        .get(format!("{proxy}/concept/gamma"))
        .header("accept", "text/html")
        .send()
        .unwrap()
        .text()
        .unwrap();
    let css = stylesheet
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|h| h.ends_with(".css"))
        .expect("the page links its stylesheet");
    let url = reqwest::Url::parse(&format!("{proxy}/concept/gamma"))
        .unwrap()
        .join(css)
        .unwrap();
    assert_eq!(client().get(url).send().unwrap().status(), StatusCode::OK);

    release_gamma(pipe);
    let log = building.wait_until_serving().join("\n");
    assert!(
        log.contains("/glossary/concept/gamma") && log.contains("503"),
        "the building replica was asked and said 503: {log}"
    );
}

/// README's systemd unit passes `systemd-analyze verify`.
#[test]
fn readme_systemd_unit_verifies() {
    let Ok(output) = std::process::Command::new("systemd-analyze")
        .arg("--version")
        .output()
    else {
        require(
            "systemd-analyze is not installed",
            "apt-get install systemd",
        );
        return;
    };
    assert!(output.status.success());
    let dir = tempfile::tempdir().unwrap();
    let unit = readme_block("[Unit]").replace(
        "/usr/local/bin/glossgraph",
        env!("CARGO_BIN_EXE_glossgraph"),
    );
    let path = dir.path().join("glossgraph.service");
    std::fs::write(&path, unit).unwrap();
    let verified = std::process::Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&path)
        .output()
        .expect("systemd-analyze runs");
    let said = format!("{}{}", text(&verified.stdout), text(&verified.stderr));
    assert!(verified.status.success(), "{said}");
    assert!(!said.contains("glossgraph.service"), "{said}");
}
