//! The persistent store: built into a new generation and swapped in, rebuilt
//! incrementally, and left untouched by a failed build.

use crate::util::{copy_tree, glossgraph, root, text};
use glossgraph::project::Project;
use glossgraph::store::{self, build_persistent};
use std::path::Path;

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
    assert_eq!(first.stats.converted, 44);
    let in_memory = store::build(&project).unwrap();
    let mut a = store::quads(&first.store).unwrap();
    let mut b = store::quads(&in_memory.store).unwrap();
    a.sort_by(glossgraph::export::quad_cmp);
    b.sort_by(glossgraph::export::quad_cmp);
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
    let full = store::build(&project).unwrap();
    assert_eq!(changed.stats.quads, full.stats.quads);
    let mut a = store::quads(&changed.store).unwrap();
    let mut b = store::quads(&full.store).unwrap();
    a.sort_by(glossgraph::export::quad_cmp);
    b.sort_by(glossgraph::export::quad_cmp);
    assert_eq!(a, b, "the incremental build differs from a full build");
    drop(changed);

    // A removed entry disappears, with the relations pointing to it fixed first.
    std::fs::remove_file(data.join("entries/substantial-modification.md")).unwrap();
    let err = build_persistent(&project, &store_dir)
        .err()
        .expect("dangling relations are errors");
    assert!(err.to_string().contains("error"), "{err}");
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
        text(&out.stdout).contains("(44 converted)"),
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
