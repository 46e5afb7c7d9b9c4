//! Helpers shared by the importer tests.

use glossgraph::project::Project;
use glossgraph::source::{self, Entry};
use std::path::{Path, PathBuf};

#[path = "../common/skip.rs"]
mod skip;
pub use skip::{suite, suites};

/// The crate's root folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture of this test target.
pub fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/import")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The project's own glossary.
pub fn project() -> Project {
    Project::open(&root().join("data")).expect("data/ opens")
}

/// A copy of `data/glossary.toml` and its entries in a temporary folder, to
/// import into.
pub fn copy_of_data() -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("entries")).unwrap();
    std::fs::copy(
        root().join("data/glossary.toml"),
        data.join("glossary.toml"),
    )
    .unwrap();
    for item in std::fs::read_dir(root().join("data/entries")).unwrap() {
        let path = item.unwrap().path();
        std::fs::copy(&path, data.join("entries").join(path.file_name().unwrap())).unwrap();
    }
    let project = Project::open(&data).unwrap();
    (dir, project)
}

/// Parses an entry file as glossgraph does.
pub fn parse(path: &Path, project: &Project) -> Entry {
    source::parse_file(path, &glossgraph::source::ParseOptions::of(&project.config))
        .unwrap_or_else(|d| panic!("{} does not parse: {d:#?}", path.display()))
}

/// The files in a folder, sorted by name.
pub fn files_in(dir: &Path) -> Vec<String> {
    let Ok(items) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = items
        .map(|i| i.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Serves `router` on a free port of 127.0.0.1 in a background thread, and
/// returns its address (`http://127.0.0.1:PORT`).
pub fn serve(router: axum::Router) -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, router).await.unwrap();
        });
    });
    format!("http://{}", receiver.recv().unwrap())
}
