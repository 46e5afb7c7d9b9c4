//! The command line's conventions: exit codes as README states them, shell
//! completions and manual pages generated from the same definitions as
//! `--help`, and logs without terminal colours when they are not read on a
//! terminal.

use crate::util::{ServeProcess, client, glossgraph, root, text};
use std::process::Command;

#[test]
fn exit_codes_are_those_readme_states() {
    let dir = tempfile::tempdir().unwrap();
    for (args, code) in [
        (&["--help"][..], 0),
        (&["--version"][..], 0),
        (&["serve", "--help"][..], 0),
        (&["frobnicate"][..], 1),
        (&["export", "--format", "xml"][..], 1),
        (&["serve", "--max-results", "many"][..], 1),
        (&[][..], 1),
    ] {
        let out = glossgraph(dir.path(), args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            text(&out.stderr)
        );
        if code == 0 {
            assert!(!out.stdout.is_empty(), "{args:?}");
        } else {
            assert!(text(&out.stderr).contains("--help"), "{args:?}");
        }
    }
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains(
        "Exit codes: 0 success, 1 a mistake in the input (sources, settings, query or\narguments)"
    ));
}

#[test]
fn completions_are_generated_for_every_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = glossgraph(dir.path(), &["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        for command in ["serve", "lint", "import", "completions"] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
    // bash reads the script and completes a command from it.
    let out = glossgraph(dir.path(), &["completions", "bash"]);
    let script = dir.path().join("glossgraph.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    let completed = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {}; COMP_WORDS=(glossgraph se); COMP_CWORD=1; _glossgraph glossgraph se glossgraph; echo \"${{COMPREPLY[@]}}\"",
            script.display()
        ))
        .output()
        .expect("bash runs");
    assert!(completed.status.success(), "{}", text(&completed.stderr));
    let words = text(&completed.stdout);
    assert!(words.split_whitespace().any(|w| w == "serve"), "{words}");
    assert!(words.split_whitespace().any(|w| w == "search"), "{words}");
}

#[test]
fn the_manual_pages_are_generated_and_read_by_groff() {
    let dir = tempfile::tempdir().unwrap();
    let out = glossgraph(dir.path(), &["man"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(page.contains(".TH glossgraph 1"), "{page}");
    assert!(page.contains("serve"), "{page}");
    let pages = dir.path().join("man");
    let out = glossgraph(dir.path(), &["man", pages.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut written: Vec<String> = std::fs::read_dir(&pages)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    for expected in [
        "glossgraph.1",
        "glossgraph-serve.1",
        "glossgraph-import.1",
        "glossgraph-import-skos.1",
    ] {
        assert!(
            written.iter().any(|w| w == expected),
            "{expected}: {written:?}"
        );
    }
    let groff = Command::new("groff").arg("--version").output();
    if !groff.is_ok_and(|o| o.status.success()) {
        crate::util::require("groff is not installed", "apt-get install groff-base");
        return;
    }
    for name in &written {
        let rendered = Command::new("groff")
            .args(["-k", "-man", "-T", "utf8", "-ww"])
            .arg(pages.join(name))
            .output()
            .expect("groff runs");
        assert!(rendered.status.success(), "{name}");
        assert_eq!(text(&rendered.stderr), "", "groff warns about {name}");
        assert!(text(&rendered.stdout).contains("glossgraph"), "{name}");
    }
}

/// The request log written to a pipe or a file is plain text.
#[test]
fn logs_not_read_on_a_terminal_have_no_colour_codes() {
    let mut server = ServeProcess::start(&root(), &[], &[], &[("GLOSSGRAPH_LOG", "info")]);
    let response = client()
        .get(format!("{}/concept/eu-ai-office", server.url))
        .send()
        .unwrap();
    assert!(response.status().is_success());
    let log = server.stop_and_read_log();
    assert!(log.contains("/concept/eu-ai-office"), "{log}");
    assert!(!log.contains('\u{1b}'), "{log:?}");
}
