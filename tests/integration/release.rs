//! Releases and diffs over a scripted history: three releases of a small
//! glossary with an addition, a deprecation with its replacement, a
//! relabelling, a move in the hierarchy, a mapping change, a removal and a
//! new definition; each pair of releases diffed in every format, the RDF
//! changeset read by rdflib and the Markdown by a CommonMark parser; git
//! revisions and files compared like releases; a changed snapshot refused.

use crate::util::{TestApp, glossgraph, python, text};
use oxigraph::io::{RdfFormat, RdfParser};
use std::path::Path;
use std::process::Command;

const BASE: &str = "https://h.example/";

fn write(dir: &Path, name: &str, body: &str) {
    std::fs::write(dir.join("entries").join(format!("{name}.md")), body).unwrap();
}

fn entry(term: &str, definition: &str, more: &str) -> String {
    format!("---\nterm: {term}\ndefinition: {definition}\n{more}---\n\n## What it is\n\nText.\n")
}

/// The glossary at its first release: alpha at the top, beta a kind of
/// alpha, gamma related to alpha and mapped elsewhere, delta alone.
fn first(dir: &Path) {
    std::fs::create_dir_all(dir.join("entries")).unwrap();
    std::fs::write(
        dir.join("glossary.toml"),
        format!("base = \"{BASE}\"\nlanguages = [\"en\"]\n[title]\nen = \"History\"\n"),
    )
    .unwrap();
    write(dir, "alpha", &entry("Alpha", "The first.", ""));
    write(
        dir,
        "beta",
        &entry("Beta", "The second.", "relations:\n  kind-of: alpha\n"),
    );
    write(
        dir,
        "gamma",
        &entry(
            "Gamma",
            "The third.",
            "relations:\n  related: alpha\nmappings:\n  exact: [https://other.example/g]\n",
        ),
    );
    write(dir, "delta", &entry("Delta", "The fourth.", ""));
}

/// `glossgraph` in `dir`, which must succeed (or exit as `code` says).
fn run(dir: &Path, args: &[&str], code: i32) -> String {
    let out = glossgraph(dir, args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn concept(id: &str) -> String {
    format!("{BASE}concept/{id}")
}

#[test]
fn three_releases_diff_as_what_changed_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    first(dir);
    let released = run(dir, &["release", "1.0", "--date", "2026-01-01"], 0);
    assert!(released.contains("released 1.0 (2026-01-01)"), "{released}");
    assert!(dir.join("releases/1.0.nq.gz").is_file());

    // Release 2: epsilon added and replacing delta, beta relabelled, gamma
    // moved under beta and mapped elsewhere.
    write(dir, "epsilon", &entry("Epsilon", "The fifth.", ""));
    write(
        dir,
        "delta",
        &entry(
            "Delta",
            "The fourth.",
            "deprecated: true\nreplaced-by: epsilon\n",
        ),
    );
    write(
        dir,
        "beta",
        &entry(
            "Beta prime",
            "The second.",
            "relations:\n  kind-of: alpha\n",
        ),
    );
    write(
        dir,
        "gamma",
        &entry(
            "Gamma",
            "The third.",
            "relations:\n  kind-of: beta\nmappings:\n  exact: [https://other.example/g2]\n",
        ),
    );
    std::fs::write(dir.join("notes.md"), "Epsilon replaces delta.\n").unwrap();
    run(
        dir,
        &[
            "release",
            "2.0",
            "--date",
            "2026-02-01",
            "--notes",
            "notes.md",
        ],
        0,
    );
    // Release 3: gamma removed, alpha redefined.
    std::fs::remove_file(dir.join("entries/gamma.md")).unwrap();
    write(dir, "alpha", &entry("Alpha", "The very first.", ""));
    run(dir, &["release", "3.0", "--date", "2026-03-01"], 0);
    for version in ["1.0", "2.0", "3.0"] {
        assert_canonical_for_sophia(dir, version);
    }
    let manifest = std::fs::read_to_string(dir.join("releases/releases.toml")).unwrap();
    let recorded: toml::Value = toml::from_str(&manifest).unwrap();
    assert_eq!(
        recorded["release"][1]["notes"].as_str(),
        Some("Epsilon replaces delta.\n")
    );

    // Python's gzip reads each snapshot whole, to the SHA-256 recorded.
    if let Some(python) = python() {
        for (i, version) in ["1.0", "2.0", "3.0"].iter().enumerate() {
            let out = Command::new(&python)
                .args([
                    "-c",
                    "import gzip, hashlib, sys\nprint(hashlib.sha256(gzip.open(sys.argv[1]).read()).hexdigest())",
                ])
                .arg(dir.join(format!("releases/{version}.nq.gz")))
                .output()
                .unwrap();
            assert_eq!(
                text(&out.stdout).trim(),
                recorded["release"][i]["sha256"].as_str().unwrap(),
                "{version}: {}",
                text(&out.stderr)
            );
        }
    }

    // JSON: each change where it belongs.
    let json: serde_json::Value =
        serde_json::from_str(&run(dir, &["diff", "1.0", "2.0", "-f", "json"], 1)).unwrap();
    let names = |key: &str| -> Vec<String> {
        json[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["iri"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("added"), [concept("epsilon")]);
    assert!(names("removed").is_empty());
    let changed = |id: &str| -> serde_json::Value {
        json["changed"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["iri"] == concept(id).as_str())
            .unwrap_or_else(|| panic!("{id} changed: {json:#}"))
            .clone()
    };
    assert_eq!(
        changed("delta")["deprecated"],
        serde_json::json!([concept("epsilon")])
    );
    assert_eq!(
        changed("beta")["labels"],
        serde_json::json!([{"lang": "en", "from": "Beta", "to": "Beta prime"}])
    );
    let gamma = changed("gamma");
    assert_eq!(
        gamma["broader"]["added"],
        serde_json::json!([concept("beta")])
    );
    assert_eq!(
        gamma["mappings"][0]["added"],
        serde_json::json!(["https://other.example/g2"])
    );
    assert_eq!(
        gamma["mappings"][0]["removed"],
        serde_json::json!(["https://other.example/g"])
    );
    let relations: Vec<(String, String)> = gamma["relations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            let label = r["label"].as_str().unwrap().to_owned();
            let mut out: Vec<(String, String)> = r["added"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| (label.clone(), format!("+{}", t.as_str().unwrap())))
                .collect();
            out.extend(
                r["removed"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| (label.clone(), format!("-{}", t.as_str().unwrap()))),
            );
            out
        })
        .collect();
    // The typed relation, not again as its SKOS and ISO 25964 super-properties.
    let mut relations = relations;
    relations.sort();
    assert_eq!(
        relations,
        [
            ("kind of".to_owned(), format!("+{}", concept("beta"))),
            ("related".to_owned(), format!("-{}", concept("alpha"))),
        ]
    );
    let later: serde_json::Value =
        serde_json::from_str(&run(dir, &["diff", "2.0", "3.0", "-f", "json"], 1)).unwrap();
    assert_eq!(later["removed"][0]["iri"], concept("gamma").as_str());
    let alpha = later["changed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["iri"] == concept("alpha").as_str())
        .unwrap();
    assert_eq!(
        alpha["definitions"],
        serde_json::json!([{"lang": "en", "from": "The first.", "to": "The very first."}])
    );

    // Text: one line a concept, its changes under it.
    let plain = run(dir, &["diff", "1.0", "2.0"], 1);
    assert!(
        plain.starts_with("release 1.0 → release 2.0: 1 concept(s) added, 0 removed"),
        "{plain}"
    );
    assert!(
        plain.contains(&format!("~ {} “Delta”: deprecated", concept("delta"))),
        "{plain}"
    );
    assert!(plain.contains("label@en: “Beta” → “Beta prime”"), "{plain}");
    // Nothing changed, nothing to say, exit 0.
    let same = run(dir, &["diff", "3.0", "working-tree"], 0);
    assert!(same.contains("are the same graph"), "{same}");
    // The default: the last release against the working tree.
    write(dir, "zeta", &entry("Zeta", "The sixth.", ""));
    let default = run(dir, &["diff"], 1);
    assert!(
        default.starts_with("release 3.0 → the working tree: 1 concept(s) added"),
        "{default}"
    );

    // Markdown, as a CommonMark parser renders it: a table, then folded details.
    let markdown = run(dir, &["diff", "1.0", "2.0", "-f", "markdown"], 1);
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(&markdown, pulldown_cmark::Options::ENABLE_TABLES),
    );
    assert!(html.contains("<td>concepts deprecated</td>"), "{html}");
    // Alpha, beta, delta and gamma, then the other resources.
    assert_eq!(html.matches("<details>").count(), 5, "{html}");
    assert!(
        html.contains("<summary>Delta: deprecated, other statements changed"),
        "{html}"
    );
    assert!(
        html.contains("<li>label@en: “Beta” → “Beta prime”</li>"),
        "{html}"
    );

    // RDF: a changeset that rdflib reads, one reified statement per change.
    let rdf = run(dir, &["diff", "1.0", "2.0", "-f", "rdf"], 1);
    let triples = RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(rdf.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .expect("Turtle");
    let changes =
        json["statements_added"].as_u64().unwrap() + json["statements_removed"].as_u64().unwrap();
    let statements = triples
        .iter()
        .filter(|q| q.predicate.as_str() == "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")
        .count();
    assert_eq!(statements as u64, changes);
    if let Some(python) = python() {
        let file = dir.join("changes.ttl");
        std::fs::write(&file, &rdf).unwrap();
        let out = Command::new(python)
            .args([
                "-c",
                "import rdflib, sys\ng = rdflib.Graph().parse(sys.argv[1], format='turtle')\ncs = rdflib.Namespace('http://purl.org/vocab/changeset/schema#')\nprint(len(g), len(set(g.subjects(rdflib.RDF.type, cs.ChangeSet))))",
            ])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let counts = text(&out.stdout);
        let sets = triples
            .iter()
            .filter(|q| {
                q.object.to_string() == "<http://purl.org/vocab/changeset/schema#ChangeSet>"
            })
            .count();
        assert_eq!(counts.trim(), format!("{} {sets}", triples.len()));
    }
}

#[test]
fn git_revisions_and_files_compare_like_releases_and_changed_snapshots_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    let dir = repo.join("data");
    first(&dir);
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(repo)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "first"]);
    write(&dir, "alpha", &entry("Alpha", "The very first.", ""));
    // From the glossary's folder, a subfolder of the repository.
    let out = run(&dir, &["diff", "git:HEAD", "working-tree"], 1);
    assert!(
        out.starts_with("git HEAD → the working tree: 0 concept(s) added, 0 removed, 1 changed"),
        "{out}"
    );
    let bad = glossgraph(&dir, &["diff", "git:no-such-branch", "working-tree"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("git:no-such-branch"),
        "{}",
        text(&bad.stderr)
    );

    // A file of the same graph, its blank nodes labelled otherwise and its
    // statements in another order, is the same graph.
    run(&dir, &["release", "1.0"], 0);
    let a = dir.join("a.ttl");
    let b = dir.join("b.nt");
    std::fs::write(
        &a,
        "@prefix s: <https://x.example/> .\ns:x s:p [ s:q 1 ; s:r [ s:q 2 ] ] .\n",
    )
    .unwrap();
    std::fs::write(
        &b,
        "_:z <https://x.example/q> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n_:y <https://x.example/r> _:z .\n_:y <https://x.example/q> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n<https://x.example/x> <https://x.example/p> _:y .\n",
    )
    .unwrap();
    let same = run(&dir, &["diff", a.to_str().unwrap(), b.to_str().unwrap()], 0);
    assert!(same.contains("are the same graph"), "{same}");

    // A release never changes: a second one of the same name is refused,
    // and a snapshot changed after its release is named.
    let again = glossgraph(&dir, &["release", "1.0"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("exists already"));
    let snapshot = dir.join("releases/1.0.nq.gz");
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::MultiGzDecoder::new(std::fs::read(&snapshot).unwrap().as_slice()),
        &mut bytes,
    )
    .unwrap();
    bytes.extend_from_slice(
        b"<https://x.example/s> <https://x.example/p> <https://x.example/o> .\n",
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &bytes).unwrap();
    std::fs::write(&snapshot, gz.finish().unwrap()).unwrap();
    let tampered = glossgraph(&dir, &["diff", "1.0", "working-tree"]);
    assert_eq!(tampered.status.code(), Some(1));
    assert!(
        text(&tampered.stderr).contains("changed after its release"),
        "{}",
        text(&tampered.stderr)
    );
}

#[test]
fn releases_are_served_and_a_removed_concept_answers_410_with_its_last_version() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    first(dir);
    std::fs::write(dir.join("notes.md"), "The *first* release.\n").unwrap();
    run(
        dir,
        &[
            "release",
            "1.0",
            "--date",
            "2026-01-01",
            "--notes",
            "notes.md",
        ],
        0,
    );
    std::fs::remove_file(dir.join("entries/delta.md")).unwrap();
    run(dir, &["release", "2.0", "--date", "2026-02-01"], 0);
    let project = glossgraph::project::Project::open(dir).unwrap();
    let built =
        glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory).unwrap();
    let snapshot = glossgraph::server::snapshot_of(&project, built).unwrap();
    let app = TestApp::new(glossgraph::server::AppState::new(
        snapshot,
        glossgraph::server::Limits::default(),
    ));
    let last = format!("{BASE}v/1.0/concept/delta");

    // Gone, saying when and where its last version is; a browser gets a page.
    let gone = app.get("/concept/delta", &[]);
    assert_eq!(gone.status().as_u16(), 410);
    let problem = gone.json();
    assert_eq!(problem["link"], last.as_str());
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("removed in release 2.0 (2026-02-01)"),
        "{problem}"
    );
    let page = app.get("/concept/delta", &[("accept", "text/html")]);
    assert_eq!(page.status().as_u16(), 410);
    assert!(
        page.text().contains(&format!("<a href=\"{last}\">")),
        "{}",
        page.text()
    );
    // Never published: still 404.
    assert_eq!(app.get("/concept/omega", &[]).status().as_u16(), 404);

    // The version IRI: the concept as release 1.0 had it, in every format.
    let turtle = app.get("/v/1.0/concept/delta", &[("accept", "text/turtle")]);
    assert_eq!(turtle.status().as_u16(), 200);
    assert_eq!(turtle.media_type(), "text/turtle");
    let triples = RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(&turtle.body)
        .collect::<Result<Vec<_>, _>>()
        .expect("Turtle");
    assert!(
        triples
            .iter()
            .any(|q| q.predicate.as_str().ends_with("#prefLabel")
                && q.object.to_string() == "\"Delta\"@en"),
        "{}",
        turtle.text()
    );
    for (ext, media) in [
        ("nt", "application/n-triples"),
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
    ] {
        let answer = app.get(&format!("/v/1.0/concept/delta.{ext}"), &[]);
        assert_eq!(answer.status().as_u16(), 200, "{ext}");
        assert_eq!(answer.media_type(), media, "{ext}");
    }
    let html = app
        .get("/v/1.0/concept/delta", &[("accept", "text/html")])
        .text();
    assert!(html.contains("As published in release 1.0"), "{html}");
    assert!(html.contains("No longer in the glossary"), "{html}");
    let alpha = app
        .get("/v/2.0/concept/alpha", &[("accept", "text/html")])
        .text();
    assert!(alpha.contains("href=\"../../../concept/alpha\""), "{alpha}");
    assert_eq!(app.get("/v/2.0/concept/delta", &[]).status().as_u16(), 404);
    assert_eq!(app.get("/v/9.9/concept/alpha", &[]).status().as_u16(), 404);

    // Each release's snapshot, as recorded.
    let dump = app.get("/releases/1.0/dump.nq.gz", &[]);
    assert_eq!(dump.status().as_u16(), 200);
    assert_eq!(
        dump.body.as_ref(),
        std::fs::read(dir.join("releases/1.0.nq.gz")).unwrap()
    );

    // Each concept page says when the concept appeared and changed.
    let alpha = app.get("/concept/alpha", &[("accept", "text/html")]).text();
    let history = alpha
        .split("<h2 id=\"history\">")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap_or_else(|| panic!("alpha has a history section: {alpha}"));
    assert!(
        history.contains("<a href=\"../v/1.0/concept/alpha\">1.0</a> <time datetime=\"2026-01-01\">2026-01-01</time>: added"),
        "{history}"
    );

    // The scheme describes its releases: the last one is its version, each
    // one a version and a DCAT distribution whose IRI leads to the snapshot.
    let scheme = ["/", "/dataset"]
        .map(|path| app.get(path, &[("accept", "application/n-triples")]).text())
        .concat();
    for line in [
        format!("<{BASE}> <http://www.w3.org/2002/07/owl#versionInfo> \"2.0\" ."),
        format!("<{BASE}> <http://www.w3.org/2002/07/owl#priorVersion> <{BASE}releases/1.0/> ."),
        format!("<{BASE}> <http://purl.org/dc/terms/hasVersion> <{BASE}releases/2.0/> ."),
        format!(
            "<{BASE}dataset#release-1-0> <http://www.w3.org/ns/dcat#downloadURL> <{BASE}releases/1.0/dump.nq.gz> ."
        ),
        format!(
            "<{BASE}dataset#release-2-0> <http://purl.org/dc/terms/issued> \"2026-02-01\"^^<http://www.w3.org/2001/XMLSchema#date> ."
        ),
    ] {
        assert!(scheme.contains(&line), "{line} in:\n{scheme}");
    }
    let version = app.get("/releases/1.0/", &[("accept", "text/turtle")]);
    assert_eq!(version.status().as_u16(), 303);
    assert_eq!(version.header("location"), "dump.nq.gz");

    // The changes page, newest first, and its Atom feed.
    let changes = app.get("/changes", &[("accept", "text/html")]).text();
    let (newer, older) = (
        changes.find("release-2.0").unwrap(),
        changes.find("release-1.0").unwrap(),
    );
    assert!(newer < older, "{changes}");
    assert!(
        changes.contains("0 concept(s) added, 1 removed"),
        "{changes}"
    );
    assert!(changes.contains("<em>first</em>"), "{changes}");
    // The static site holds the same.
    let site = dir.join("site");
    run(dir, &["site", "-o", site.to_str().unwrap()], 0);
    for file in [
        "changes.html",
        "changes.atom",
        "releases/1.0/dump.nq.gz",
        "v/1.0/concept/delta.html",
        "v/1.0/concept/delta.ttl",
    ] {
        assert!(site.join(file).is_file(), "{file}");
    }
    let feed = app.get("/changes.atom", &[]);
    assert_eq!(feed.media_type(), "application/atom+xml");
    if let Some(python) = python() {
        let file = dir.join("changes.atom");
        std::fs::write(&file, &feed.body).unwrap();
        let out = Command::new(python)
            .args([
                "-c",
                "import feedparser, sys\nf = feedparser.parse(sys.argv[1])\nassert not f.bozo, f.bozo_exception\nprint('|'.join(e.title + ' ' + e.updated[:10] for e in f.entries))",
            ])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(
            text(&out.stdout).trim(),
            "Release 2.0 2026-02-01|Release 1.0 2026-01-01"
        );
    }
}

#[test]
fn lint_since_a_release_reports_a_removed_concept_and_a_relabelled_mapped_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    first(dir);
    // Another vocabulary, published beside the glossary, maps to beta.
    std::fs::write(
        dir.join("partner.ttl"),
        format!("<https://partner.example/b> <http://www.w3.org/2004/02/skos/core#exactMatch> <{BASE}concept/beta> .\n"),
    )
    .unwrap();
    let config = std::fs::read_to_string(dir.join("glossary.toml")).unwrap();
    std::fs::write(
        dir.join("glossary.toml"),
        format!("vocabularies = [\"partner.ttl\"]\n{config}"),
    )
    .unwrap();
    run(dir, &["release", "1.0", "--date", "2026-01-01"], 0);
    let clean = run(dir, &["lint", "--since", "1.0", "-f", "json"], 0);
    assert!(!clean.contains("\"since/"), "{clean}");

    // Gamma dropped rather than deprecated; beta renamed; delta deprecated.
    std::fs::remove_file(dir.join("entries/gamma.md")).unwrap();
    write(
        dir,
        "beta",
        &entry(
            "Beta prime",
            "The second.",
            "relations:\n  kind-of: alpha\n",
        ),
    );
    write(
        dir,
        "delta",
        &entry(
            "Delta",
            "The fourth.",
            "deprecated: true\nreplaced-by: alpha\n",
        ),
    );
    let report: serde_json::Value =
        serde_json::from_str(&run(dir, &["lint", "--since", "1.0", "-f", "json"], 1)).unwrap();
    let found: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("since/"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["location"]["iri"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("since/concept-removed".to_owned(), concept("gamma")),
            (
                "since/mapped-concept-relabelled".to_owned(),
                concept("beta")
            ),
        ],
        "{report:#}"
    );
    // A deprecated concept is still published: not removed.
    assert!(!report.to_string().contains("delta> was a concept"));
    // An unknown release is a mistake; vocabulary files have no history.
    let unknown = glossgraph(dir, &["lint", "--since", "9.9"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text(&unknown.stderr).contains("there is no release `9.9`"),
        "{}",
        text(&unknown.stderr)
    );
    let sources = glossgraph(dir, &["lint", "--since", "1.0", "partner.ttl"]);
    assert_eq!(sources.status.code(), Some(1), "{}", text(&sources.stderr));
}

/// The canonical N-Quads that sophia_c14n, an RDFC-1.0 implementation
/// independent of Oxigraph's, makes of the N-Quads `text`.
fn sophia_canonical(text: &str) -> String {
    use sophia_api::source::QuadSource;
    let dataset: sophia_inmem::dataset::LightDataset = sophia_turtle::parser::nq::parse_str(text)
        .collect_quads()
        .expect("sophia reads the N-Quads");
    let mut out = Vec::new();
    sophia_c14n::rdfc10::normalize(&dataset, &mut out).expect("sophia canonicalises");
    String::from_utf8(out).expect("UTF-8")
}

/// Release `version`'s snapshot is what sophia_c14n makes of it, byte for byte.
fn assert_canonical_for_sophia(dir: &Path, version: &str) {
    use std::io::Read;
    let file = std::fs::File::open(dir.join(format!("releases/{version}.nq.gz"))).unwrap();
    let mut snapshot = String::new();
    flate2::read::MultiGzDecoder::new(file)
        .read_to_string(&mut snapshot)
        .unwrap();
    assert!(snapshot.lines().count() > 10, "{snapshot}");
    assert!(
        sophia_canonical(&snapshot) == snapshot,
        "release {version}: sophia_c14n canonicalises the snapshot differently"
    );
}

#[test]
fn blank_node_structures_compare_by_shape_and_a_change_inside_one_is_that_change() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    first(dir);
    // A published vocabulary with a structure of blank nodes two deep.
    let structure = |deep: &str, a: &str, b: &str| {
        format!(
            "<https://v.example/c> <https://v.example/p> _:{a} .\n\
             _:{a} <https://v.example/q> \"one\" .\n\
             _:{a} <https://v.example/r> _:{b} .\n\
             _:{b} <https://v.example/s> \"{deep}\" .\n\
             _:{b} <https://v.example/t> \"kept\" .\n\
             <https://v.example/c> <https://v.example/p> _:{a}2 .\n\
             _:{a}2 <https://v.example/q> \"two\" .\n"
        )
    };
    std::fs::write(dir.join("shapes.nt"), structure("deep", "x", "y")).unwrap();
    let config = std::fs::read_to_string(dir.join("glossary.toml")).unwrap();
    std::fs::write(
        dir.join("glossary.toml"),
        format!("vocabularies = [\"shapes.nt\"]\n{config}"),
    )
    .unwrap();
    run(dir, &["release", "1.0", "--date", "2026-01-01"], 0);
    assert_canonical_for_sophia(dir, "1.0");

    // The same graph with other labels, in another order: no difference.
    std::fs::write(dir.join("a.nt"), structure("deep", "x", "y")).unwrap();
    let mut shuffled: Vec<String> = structure("deep", "m", "n")
        .lines()
        .map(str::to_owned)
        .collect();
    shuffled.reverse();
    std::fs::write(dir.join("b.nt"), shuffled.join("\n") + "\n").unwrap();
    let same = run(dir, &["diff", "a.nt", "b.nt"], 0);
    assert!(same.contains("are the same graph"), "{same}");

    // One statement changed two blank nodes deep: that statement, and no
    // other, although the change relabels the structure canonically.
    let label_of_s = |text: &str| -> String {
        sophia_canonical(text)
            .lines()
            .find(|l| l.contains("<https://v.example/s>"))
            .and_then(|l| l.split(' ').next())
            .unwrap()
            .to_owned()
    };
    assert_ne!(
        label_of_s(&structure("deep", "x", "y")),
        label_of_s(&structure("d1", "x", "y")),
        "the change must move the canonical labels for this test to mean anything"
    );
    std::fs::write(dir.join("c.nt"), structure("d1", "k", "l")).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&run(dir, &["diff", "a.nt", "c.nt", "-f", "json"], 1)).unwrap();
    assert_eq!(json["statements_removed"], 1, "{json:#}");
    assert_eq!(json["statements_added"], 1, "{json:#}");
    let lines = |key: &str| -> Vec<String> {
        json["others"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s[key].as_array().unwrap().clone())
            .map(|l| l.as_str().unwrap().to_owned())
            .collect()
    };
    let (removed, added) = (lines("removed"), lines("added"));
    assert!(
        removed.len() == 1 && removed[0].ends_with("<https://v.example/s> \"deep\""),
        "{removed:?}"
    );
    assert!(
        added.len() == 1 && added[0].ends_with("<https://v.example/s> \"d1\""),
        "{added:?}"
    );
    // The same change in the published vocabulary, against the release.
    std::fs::write(dir.join("shapes.nt"), structure("d1", "x", "y")).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&run(dir, &["diff", "1.0", "working-tree", "-f", "json"], 1)).unwrap();
    assert_eq!(
        (
            json["statements_removed"].as_u64(),
            json["statements_added"].as_u64()
        ),
        (Some(1), Some(1)),
        "{json:#}"
    );
    run(dir, &["release", "2.0", "--date", "2026-02-01"], 0);
    assert_canonical_for_sophia(dir, "2.0");
}
