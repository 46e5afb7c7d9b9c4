//! Helpers shared by the integration tests.

use glossgraph::build::{self, Built, StoreChoice};
use glossgraph::project::Project;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

#[path = "../common/skip.rs"]
mod skip;
pub use skip::{python, require, suite};

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The project's own glossary.
pub fn project() -> Project {
    Project::open(&root().join("data")).expect("data/ opens")
}

/// The project's glossary, built once in memory for all tests.
pub fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| build_in_memory(&project()))
}

/// `project` built in memory.
pub fn build_in_memory(project: &Project) -> Built {
    build::build(project, &StoreChoice::Memory)
        .unwrap_or_else(|e| panic!("{} builds: {e}", project.dir.display()))
}

/// The `glossgraph` binary, run in `dir`.
pub fn glossgraph(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_glossgraph"))
        .args(args)
        .current_dir(dir)
        .env_remove("GLOSSGRAPH_DATA")
        .env_remove("GLOSSGRAPH_STORE")
        .output()
        .expect("glossgraph runs")
}

/// Copies the files under `from` into `to`, keeping relative paths.
pub fn copy_tree(from: &Path, to: &Path) {
    for item in std::fs::read_dir(from).expect("readable fixture") {
        let item = item.expect("readable fixture");
        let target = to.join(item.file_name());
        if item.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("create");
            copy_tree(&item.path(), &target);
        } else {
            std::fs::copy(item.path(), &target).expect("copy");
        }
    }
}

/// The base check fixture copied into a new folder, with `files` written into
/// it and listed in `glossary.toml` as vocabularies to publish.
pub fn fixture_with_vocabularies(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_tree(&root().join("tests/fixtures/check/base"), dir.path());
    let config = dir.path().join("glossary.toml");
    let names: Vec<String> = files.iter().map(|(name, _)| format!("{name:?}")).collect();
    let old = std::fs::read_to_string(&config).expect("fixture glossary.toml");
    let new = format!("vocabularies = [{}]\n{old}", names.join(", "));
    std::fs::write(&config, new).expect("write glossary.toml");
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("write vocabulary");
    }
    dir
}

/// The text of an output stream.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A `glossgraph serve` process on a free loopback port, killed when dropped
/// if it is still running.
pub struct ServeProcess {
    pub child: std::process::Child,
    /// The address it says it serves at, without the final `/`.
    pub url: String,
    /// Its line "glossgraph: serving N quads at URL on N threads (…)".
    pub banner: String,
    /// Kept open to the end: the server may write more.
    stderr: std::io::Lines<std::io::BufReader<std::process::ChildStderr>>,
}

impl ServeProcess {
    /// Runs `glossgraph GLOBAL… serve --bind 127.0.0.1:0 SERVE…` in `dir` and
    /// waits until it serves its graph.
    pub fn start(dir: &Path, global: &[&str], serve: &[&str], env: &[(&str, &str)]) -> Self {
        let mut process = Self::listening(dir, global, serve, env);
        process.wait_until_serving();
        process
    }

    /// As `start`, but returns once it listens, before its graph is built.
    pub fn listening(dir: &Path, global: &[&str], serve: &[&str], env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_glossgraph"))
            .args(global)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(serve)
            .current_dir(dir)
            .env("GLOSSGRAPH_LOG", "warn")
            .envs(env.iter().copied())
            .env_remove("GLOSSGRAPH_DATA")
            .env_remove("GLOSSGRAPH_STORE")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("glossgraph runs");
        let stderr = std::io::BufReader::new(child.stderr.take().expect("piped"));
        let mut process = ServeProcess {
            child,
            url: String::new(),
            banner: String::new(),
            stderr: std::io::BufRead::lines(stderr),
        };
        let (line, _) = process.wait_for("glossgraph: listening at ");
        process.url = line
            .split_once(" at ")
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .expect("the line names the address")
            .trim_end_matches('/')
            .to_owned();
        process
    }

    /// Waits for the line "glossgraph: serving N quads at URL on N threads
    /// (…)"; returns the lines written before it.
    pub fn wait_until_serving(&mut self) -> Vec<String> {
        let (banner, before) = self.wait_for("glossgraph: serving ");
        assert!(banner.contains(&format!(" at {}/ ", self.url)), "{banner}");
        self.banner = banner;
        before
    }

    /// The next line of standard error that starts with `start`, and the
    /// lines before it; a server that stops first fails the test with what
    /// it said.
    fn wait_for(&mut self, start: &str) -> (String, Vec<String>) {
        let mut said = Vec::new();
        for line in self.stderr.by_ref().map_while(Result::ok) {
            if line.starts_with(start) {
                return (line, said);
            }
            said.push(line);
        }
        let status = self.child.wait().expect("waits");
        panic!("the server stopped ({status}) saying:\n{}", said.join("\n"))
    }
}

impl ServeProcess {
    /// Stops the server and returns what it wrote after its banner.
    pub fn stop_and_read_log(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr
            .by_ref()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A real server on a free loopback port, stopped when dropped.
pub struct TestServer {
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn start(state: glossgraph::server::AppState) -> Self {
        let (address_tx, address_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a free port");
                address_tx
                    .send(listener.local_addr().expect("address"))
                    .expect("test alive");
                axum::serve(listener, glossgraph::server::app(state))
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
                    .expect("server runs");
            });
        });
        let address = address_rx.recv().expect("server started");
        Self {
            url: format!("http://{address}"),
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The project's glossary, served.
    pub fn glossary() -> Self {
        Self::start(state_of(
            &project(),
            built().store.clone(),
            glossgraph::server::Limits::default(),
        ))
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::blocking::Response {
        let mut request = client().get(format!("{}{path}", self.url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().expect("the server answers")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The app in process: each request goes through `server::app` with tower's
/// `oneshot`, with no port, no socket and no client, on a runtime of its own.
pub struct TestApp {
    state: glossgraph::server::AppState,
    runtime: tokio::runtime::Runtime,
}

impl TestApp {
    pub fn new(state: glossgraph::server::AppState) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Self { state, runtime }
    }

    /// The project's glossary; its state (and the representations it keeps)
    /// is shared by every test.
    pub fn glossary() -> Self {
        static STATE: OnceLock<glossgraph::server::AppState> = OnceLock::new();
        Self::new(
            STATE
                .get_or_init(|| {
                    state_of(
                        &project(),
                        built().store.clone(),
                        glossgraph::server::Limits::default(),
                    )
                })
                .clone(),
        )
    }

    /// The small multi-language glossary in `tests/fixtures/server`.
    pub fn fixture() -> Self {
        let project = Project::open(&root().join("tests/fixtures/server")).expect("fixture opens");
        let built = build_in_memory(&project);
        Self::new(state_of(
            &project,
            built.store,
            glossgraph::server::Limits::default(),
        ))
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        self.send("GET", path, headers, Vec::new())
    }

    /// A request with any method, headers and body.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<axum::body::Body>,
    ) -> TestResponse {
        let mut request = axum::http::Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(body.into()).expect("a valid request");
        self.runtime.block_on(async {
            use tower::ServiceExt;
            let app = glossgraph::server::app(self.state.clone());
            let response = app.oneshot(request).await.expect("the app answers");
            let (parts, body) = response.into_parts();
            let body = axum::body::to_bytes(body, usize::MAX)
                .await
                .expect("the body is read");
            TestResponse {
                status: parts.status,
                headers: parts.headers,
                body,
            }
        })
    }
}

/// An answer of a `TestApp`, read whole.
pub struct TestResponse {
    pub status: axum::http::StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: axum::body::Bytes,
}

impl TestResponse {
    pub fn status(&self) -> axum::http::StatusCode {
        self.status
    }

    /// Every value of the header `name`, joined by `, `; empty when there is none.
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The media type of `Content-Type`, without parameters.
    pub fn media_type(&self) -> String {
        self.header("content-type")
            .split(';')
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("JSON")
    }
}

pub fn client() -> reqwest::blocking::Client {
    glossgraph::input::install_crypto();
    // Tests see the bytes the server sends: no automatic decompression.
    reqwest::blocking::Client::builder()
        .no_gzip()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client")
}

/// Server state for a project and a store built from it.
pub fn state_of(
    project: &Project,
    store: oxigraph::store::Store,
    limits: glossgraph::server::Limits,
) -> glossgraph::server::AppState {
    glossgraph::server::AppState::new(snapshot_of(project, store), limits)
}

/// What a server serves of a project and a store built from it.
pub fn snapshot_of(
    project: &Project,
    store: oxigraph::store::Store,
) -> glossgraph::server::snapshot::Snapshot {
    let queries = glossgraph::query::named_queries(&project.queries_dir()).unwrap_or_default();
    glossgraph::server::snapshot::Snapshot::new(
        store,
        project.config.clone(),
        project.ontology.clone(),
        queries,
    )
    .expect("snapshot")
}

/// Stops a server: SIGTERM, then SIGKILL if it has not exited within
/// `patience` (nginx and Apache stop their workers on SIGTERM, where SIGKILL
/// would leave them serving, and holding the test's output).
pub fn terminate(child: &mut std::process::Child, patience: std::time::Duration) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = std::time::Instant::now() + patience;
    while std::time::Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Headless Chromium, as the browser tests run it.
pub struct Chromium(&'static str);

impl Chromium {
    /// The installed Chromium, if any (else the test is skipped, or fails
    /// under CI, saying how to install it).
    pub fn find() -> Option<Self> {
        let found = ["chromium", "chromium-browser", "google-chrome"]
            .into_iter()
            .find(|c| {
                std::process::Command::new(c)
                    .arg("--version")
                    .output()
                    .is_ok_and(|o| o.status.success())
            });
        if found.is_none() {
            require("chromium is not installed", "apt-get install chromium");
        }
        found.map(Self)
    }

    fn run(&self, args: &[&str], url: &str) -> String {
        let profile = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(self.0)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1200,1800",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(args)
            .arg(url)
            .output()
            .expect("chromium runs");
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    }

    /// The page's DOM once the browser has loaded it.
    pub fn dom(&self, url: &str) -> String {
        self.run(&["--dump-dom"], url)
    }

    /// A screenshot of the page, kept as `ci-artefacts/NAME.png`.
    pub fn screenshot(&self, url: &str, name: &str) {
        let artefacts = root().join("ci-artefacts");
        std::fs::create_dir_all(&artefacts).unwrap();
        let shot = artefacts.join(format!("{name}.png"));
        self.run(&[&format!("--screenshot={}", shot.display())], url);
        let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
        assert!(size > 10_000, "the {name} screenshot is {size} bytes");
    }
}
