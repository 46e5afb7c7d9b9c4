//! Helpers shared by the integration tests.

use glossgraph::project::Project;
use glossgraph::store::{self, Built};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

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
    BUILT.get_or_init(|| store::build(&project()).unwrap_or_else(|e| panic!("data/ builds: {e}")))
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

/// The text of an output stream.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
