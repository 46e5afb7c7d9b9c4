//! What tests need from outside the repository (the third-party suites, tools,
//! Python modules) and what happens when it is missing: under `CI=true` the
//! test fails; elsewhere it is skipped with one line on standard error saying
//! which test, what is missing and how to get it.
//!
//! Each test target includes this file from its `util.rs` with `#[path]`.

#![allow(dead_code, reason = "each test target uses a part of it")]

use std::cell::Cell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Under `CI=true`, fails the test; otherwise says that the running test is
/// skipped because `missing` (a clause: "rapper is not installed"), and how to
/// get it, and returns false.
pub fn require(missing: &str, how: &str) -> bool {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{missing} ({how}); under CI=true nothing is skipped");
    }
    thread_local! {
        // Libtest runs each test on a thread of its own: one line per test.
        static SAID: Cell<bool> = const { Cell::new(false) };
    }
    if !SAID.replace(true) {
        let thread = std::thread::current();
        let test = thread.name().unwrap_or("a test");
        // Written to the stream itself: libtest captures only the `print!`
        // family, and a skip must show in the plain `cargo test` output.
        let _ = writeln!(
            std::io::stderr().lock(),
            "skipping {test}: {missing} ({how})"
        );
    }
    false
}

/// The folder of third-party suites and vocabularies: `GLOSSGRAPH_SUITES`
/// (relative to the repository's root), else `../shared` beside the repository.
pub fn suites() -> PathBuf {
    let setting = std::env::var_os("GLOSSGRAPH_SUITES").unwrap_or_else(|| "../shared".into());
    Path::new(env!("CARGO_MANIFEST_DIR")).join(setting)
}

/// A file or folder of the suites, or `None` after [`require`] said it is missing.
pub fn suite(relative: &str) -> Option<PathBuf> {
    let path = suites().join(relative);
    if path.exists() {
        return Some(path);
    }
    require(
        &format!("{} is missing", path.display()),
        "scripts/fetch-suites.sh DIR fetches the third-party suites; GLOSSGRAPH_SUITES=DIR, default ../shared, finds them",
    );
    None
}

/// The Python named by `GLOSSGRAPH_PYTHON` (else `python3`) if it imports every
/// module of tests/interop/requirements.txt; otherwise `None` after
/// [`require`] said which it lacks.
pub fn python() -> Option<String> {
    static CHECKED: OnceLock<Result<String, String>> = OnceLock::new();
    match CHECKED.get_or_init(check_python) {
        Ok(python) => Some(python.clone()),
        Err(missing) => {
            require(
                missing,
                "pip install -r tests/interop/requirements.txt; GLOSSGRAPH_PYTHON names the Python",
            );
            None
        }
    }
}

/// The modules tests/interop/requirements.txt installs: each requirement is
/// named after the module it provides.
pub fn python_modules() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/requirements.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} cannot be read: {e}", path.display()));
    text.lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter_map(|line| {
            line.split(|c: char| "=<>~!;[ ".contains(c))
                .next()
                .filter(|name| !name.is_empty())
        })
        .map(str::to_owned)
        .collect()
}

fn check_python() -> Result<String, String> {
    let python = std::env::var("GLOSSGRAPH_PYTHON").unwrap_or_else(|_| "python3".into());
    // Imported, not only found: a module whose own dependencies are missing
    // fails here rather than halfway through a test.
    let script = "import importlib, sys\n\
                  for m in sys.argv[1:]:\n    \
                  try:\n        importlib.import_module(m)\n    \
                  except Exception:\n        print(m)";
    let out = std::process::Command::new(&python)
        .args(["-c", script])
        .args(python_modules())
        .output()
        .map_err(|e| format!("there is no Python at {python}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "Python at {python} does not run: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let lacking: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    match lacking.len() {
        0 => Ok(python),
        1 => Err(format!("Python at {python} lacks module {}", lacking[0])),
        _ => Err(format!(
            "Python at {python} lacks modules {}",
            lacking.join(", ")
        )),
    }
}
