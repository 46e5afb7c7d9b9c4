//! The persistent store: built into a new generation and swapped in, rebuilt
//! incrementally, left untouched by a failed build, shared by servers while
//! a build runs, and reported (not crashed on) when RocksDB cannot open it.

mod crash;

use crate::util::{ServeProcess, client, copy_tree, glossgraph, root, text};
use glossgraph::build::{self, BuildError, Built, StoreChoice};
use glossgraph::project::Project;
use glossgraph::store;
use std::path::Path;

fn build_persistent(project: &Project, dir: &Path) -> Result<Built, BuildError> {
    let choice = StoreChoice::Persistent {
        dir: dir.to_owned(),
        on_wait: |_| {},
    };
    build::build(project, &choice)
}

fn glossary_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    copy_tree(&root().join("data"), &dir.path().join("data"));
    copy_tree_queries(dir.path());
    dir
}

fn copy_tree_queries(dir: &Path) {
    std::fs::create_dir_all(dir.join("queries")).unwrap();
    copy_tree(&root().join("queries"), &dir.join("queries"));
}

#[test]
fn builds_incrementally_and_matches_the_in_memory_graph() {
    let dir = glossary_copy();
    let data = dir.path().join("data");
    let store_dir = dir.path().join("store");
    let project = Project::open(&data).unwrap();

    let first = build_persistent(&project, &store_dir).unwrap();
    assert_eq!(first.stats.converted, 47);
    let in_memory = crate::util::build_in_memory(&project);
    let mut a = store::quads(&first.store).unwrap();
    let mut b = store::quads(&in_memory.store).unwrap();
    a.sort_by(glossgraph::order::quad_cmp);
    b.sort_by(glossgraph::order::quad_cmp);
    assert_eq!(a, b, "the persistent and in-memory builds differ");
    drop(first);

    // Nothing changed: nothing is converted.
    let again = build_persistent(&project, &store_dir).unwrap();
    assert_eq!(again.stats.converted, 0);
    drop(again);

    // One entry changed: only it is converted, and the result equals a full build.
    let entry = data.join("entries/ai-literacy.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    // A new label and a new section: the counts in the dataset description
    // (kept up to date without counting the store) must follow.
    std::fs::write(
        &entry,
        text.replace("term: AI literacy", "term: AI literacy (skills)")
            + "\n## One more section\n\nWritten to change the number of triples.\n",
    )
    .unwrap();
    let changed = build_persistent(&project, &store_dir).unwrap();
    assert_eq!(changed.stats.converted, 1);
    let full = crate::util::build_in_memory(&project);
    assert_eq!(changed.stats.quads, full.stats.quads);
    let mut a = store::quads(&changed.store).unwrap();
    let mut b = store::quads(&full.store).unwrap();
    a.sort_by(glossgraph::order::quad_cmp);
    b.sort_by(glossgraph::order::quad_cmp);
    assert_eq!(a, b, "the incremental build differs from a full build");
    drop(changed);

    // A removed entry disappears, with the relations pointing to it fixed first.
    std::fs::remove_file(data.join("entries/substantial-modification.md")).unwrap();
    let err = build_persistent(&project, &store_dir)
        .err()
        .expect("dangling relations are errors");
    assert!(err.to_string().contains("error"), "{err}");
}

/// Sets a file's modification time, as tools that restore times do.
fn set_modified(path: &Path, time: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

fn sorted_quads(store: &oxigraph::store::Store) -> Vec<oxigraph::model::Quad> {
    let mut quads = store::quads(store).unwrap();
    quads.sort_by(glossgraph::order::quad_cmp);
    quads
}

#[test]
fn an_edit_that_keeps_size_and_modification_time_is_still_noticed() {
    let dir = glossary_copy();
    let data = dir.path().join("data");
    let store_dir = dir.path().join("store");
    let project = Project::open(&data).unwrap();
    // Files last changed an hour ago: their metadata is trusted, and they are
    // not read again while it stays the same.
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for item in std::fs::read_dir(data.join("entries")).unwrap() {
        set_modified(&item.unwrap().path(), past);
    }
    let first = build_persistent(&project, &store_dir).unwrap();
    let fingerprint = first.fingerprint;
    drop(first);
    let again = build_persistent(&project, &store_dir).unwrap();
    assert_eq!(again.stats.converted, 0);
    assert_eq!(again.fingerprint, fingerprint, "nothing changed");
    drop(again);

    // Same length, modification time set back: the change time and the
    // content hash still tell.
    let entry = data.join("entries/ai-literacy.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    let edited = text.replacen("AI literacy", "AI LITERACY", 1);
    assert_ne!(edited, text);
    assert_eq!(edited.len(), text.len());
    std::fs::write(&entry, edited).unwrap();
    set_modified(&entry, past);
    let changed = build_persistent(&project, &store_dir).unwrap();
    assert_eq!(changed.stats.converted, 1);
    assert_ne!(changed.fingerprint, fingerprint, "the graph changed");
    let full = crate::util::build_in_memory(&project);
    assert_eq!(changed.stats.quads, full.stats.quads);
    assert_eq!(
        sorted_quads(&changed.store),
        sorted_quads(&full.store),
        "the incremental build differs from a full build"
    );
    let changed_fingerprint = changed.fingerprint;
    drop(changed);

    // Touched but not changed: read again, nothing converted, same fingerprint.
    set_modified(&entry, std::time::SystemTime::now());
    let touched = build_persistent(&project, &store_dir).unwrap();
    assert_eq!(touched.stats.converted, 0);
    assert_eq!(touched.fingerprint, changed_fingerprint);
    drop(touched);

    // An entry added that points at another: both graphs and the scheme
    // graph follow, and the result equals a full build.
    std::fs::write(
        data.join("entries/ai-fluency.md"),
        "---\nterm: AI fluency\ndefinition: >-\n  Written to add an entry to a built glossary.\nrelations:\n  related:\n    - ai-literacy\n---\n",
    )
    .unwrap();
    let added = build_persistent(&project, &store_dir).unwrap();
    assert_eq!(added.stats.converted, 1);
    let full = crate::util::build_in_memory(&project);
    assert_eq!(added.stats.quads, full.stats.quads);
    assert_eq!(sorted_quads(&added.store), sorted_quads(&full.store));
    drop(added);

    // And removed again.
    std::fs::remove_file(data.join("entries/ai-fluency.md")).unwrap();
    let removed = build_persistent(&project, &store_dir).unwrap();
    assert_eq!(removed.stats.converted, 0);
    let full = crate::util::build_in_memory(&project);
    assert_eq!(removed.stats.quads, full.stats.quads);
    assert_eq!(sorted_quads(&removed.store), sorted_quads(&full.store));
    assert_eq!(removed.fingerprint, changed_fingerprint);
}

#[test]
fn a_failed_build_leaves_the_previous_store_untouched() {
    let dir = glossary_copy();
    let data = dir.path().join("data");
    let store_dir = dir.path().join("store");
    let project = Project::open(&data).unwrap();
    let before = build_persistent(&project, &store_dir).unwrap();
    let count = before.stats.quads;
    drop(before);
    let current = std::fs::read_link(store_dir.join("current")).unwrap();

    std::fs::write(
        data.join("entries/broken.md"),
        "---\nterm: [unclosed\n---\n",
    )
    .unwrap();
    assert!(build_persistent(&project, &store_dir).is_err());
    assert_eq!(
        std::fs::read_link(store_dir.join("current")).unwrap(),
        current
    );
    let generations = std::fs::read_dir(&store_dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("gen-")
        })
        .count();
    assert_eq!(generations, 1, "a failed build left a generation behind");
    std::fs::remove_file(data.join("entries/broken.md")).unwrap();
    let after = build_persistent(&project, &store_dir).unwrap();
    assert_eq!(after.stats.quads, count);
    assert_eq!(after.stats.converted, 0);
}

#[test]
fn the_cli_uses_the_persistent_store() {
    let dir = glossary_copy();
    let out = glossgraph(dir.path(), &["--store", "store", "build"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("(47 converted)"),
        "{}",
        text(&out.stdout)
    );
    let out = glossgraph(
        dir.path(),
        &[
            "--store",
            "store",
            "query",
            "--name",
            "works-with",
            "--format",
            "tsv",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("European Artificial Intelligence Board"));
    let out = glossgraph(dir.path(), &["--store", "store", "build"]);
    assert!(
        text(&out.stdout).contains("(0 converted)"),
        "{}",
        text(&out.stdout)
    );
}

/// `glossgraph --store store build` in `dir`, which must succeed; its output.
fn build_store(dir: &Path) -> String {
    let out = glossgraph(dir, &["--store", "store", "build"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// The Turtle a server gives for the `ai-literacy` concept.
fn served_concept(server: &ServeProcess) -> String {
    let response = client()
        .get(format!("{}/concept/ai-literacy", server.url))
        .header("accept", "text/turtle")
        .send()
        .expect("the server answers");
    assert!(response.status().is_success(), "{}", response.status());
    response.text().expect("a text answer")
}

/// A server's count of subjects per `rdf:type`: a query that reads every
/// type quad and looks up each type's IRI, so it touches the store's files
/// rather than the server's own indexes.
fn counted_types(server: &ServeProcess) -> String {
    let query = "SELECT ?t (COUNT(*) AS ?n) WHERE { ?s a ?t } GROUP BY ?t";
    let response = client()
        .get(format!(
            "{}/sparql?query={}",
            server.url,
            form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
        ))
        .header("accept", "text/csv")
        .send()
        .expect("the server answers");
    assert!(response.status().is_success(), "{}", response.status());
    response.text().expect("a text answer")
}

fn rename_ai_literacy(data: &Path, term: &str) {
    let entry = data.join("entries/ai-literacy.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    let old = text
        .lines()
        .find(|l| l.starts_with("term: "))
        .expect("a term line")
        .to_owned();
    std::fs::write(&entry, text.replace(&old, &format!("term: {term}"))).unwrap();
}

/// Only a build writes, and only to the generation it makes: a build runs
/// while a server serves the store, which goes on serving what it opened;
/// a second server shares the store and serves the new generation.
#[test]
fn a_build_runs_while_servers_serve_the_store() {
    let dir = glossary_copy();
    build_store(dir.path());
    let first = ServeProcess::start(dir.path(), &["--store", "store"], &[], &[]);
    let types = counted_types(&first);
    assert!(served_concept(&first).contains("\"AI literacy\"@en"));

    rename_ai_literacy(&dir.path().join("data"), "AI literacy (skills)");
    let built = build_store(dir.path());
    assert!(built.contains("(1 converted)"), "{built}");

    let second = ServeProcess::start(dir.path(), &["--store", "store"], &[], &[]);
    assert!(served_concept(&second).contains("\"AI literacy (skills)\"@en"));
    assert!(served_concept(&first).contains("\"AI literacy\"@en"));
    assert_eq!(counted_types(&first), types);
    assert_eq!(counted_types(&second), types);

    // A third generation: the first one's directory goes, and its server
    // still answers from the files it has open.
    rename_ai_literacy(&dir.path().join("data"), "AI literacy (third)");
    build_store(dir.path());
    assert!(!dir.path().join("store/gen-1").exists());
    assert!(served_concept(&first).contains("\"AI literacy\"@en"));
    assert_eq!(counted_types(&first), types);
}

/// `serve --watch` on a persistent store rebuilds the store it serves.
#[test]
fn serve_watch_rebuilds_the_persistent_store_it_serves() {
    let dir = glossary_copy();
    let server = ServeProcess::start(dir.path(), &["--store", "store"], &["--watch"], &[]);
    assert!(served_concept(&server).contains("\"AI literacy\"@en"));
    rename_ai_literacy(&dir.path().join("data"), "AI literacy (watched)");
    let started = std::time::Instant::now();
    while !served_concept(&server).contains("\"AI literacy (watched)\"@en") {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "the edit was not served within 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// A store RocksDB cannot open is an error with a message and exit code 2,
/// not a crash (a signal), and the message says what to do.
#[test]
fn a_damaged_store_is_reported() {
    let dir = glossary_copy();
    build_store(dir.path());
    std::fs::remove_file(dir.path().join("store/current/store/CURRENT")).unwrap();
    let out = glossgraph(dir.path(), &["--store", "store", "query", "ASK {}"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let message = text(&out.stderr);
    assert!(message.contains("store"), "{message}");
    assert!(message.contains("build again"), "{message}");
}

/// A build (or a server, which builds first) that finds another build of the
/// store running says so, waits for it, then builds.
#[test]
fn a_build_says_it_waits_for_another_build() {
    use std::io::BufRead;
    let dir = glossary_copy();
    build_store(dir.path());
    // This test holds the lock a running build holds.
    let lock = std::fs::File::create(dir.path().join("store/lock")).unwrap();
    lock.lock().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_glossgraph"))
        .args(["--store", "store", "build"])
        .current_dir(dir.path())
        .env_remove("GLOSSGRAPH_DATA")
        .env_remove("GLOSSGRAPH_STORE")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("glossgraph runs");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("piped")).lines();
    let said = stderr.next().expect("a line").expect("text");
    assert!(
        said.contains("another build of") && said.contains("waiting for it to finish"),
        "{said}"
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(child.try_wait().unwrap().is_none(), "it did not wait");
    drop(lock);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
}
