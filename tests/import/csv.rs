//! Spreadsheets to entries: the round trip from rows to entries and back, the
//! README template, separators, and every bad cell reported with its line.

use crate::util::{files_in, fixture, parse};
use glossgraph::import::ImportError;
use glossgraph::import::csv::{self, CsvOptions};
use glossgraph::project::Project;
use glossgraph::source::{Entry, Source};
use std::collections::{BTreeMap, BTreeSet};

/// A new glossary in English and German that cites the AI Act.
fn fresh_glossary() -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("glossary.toml"),
        "base = \"https://test.example/\"\nlanguages = [\"en\", \"de\"]\n[title]\nen = \"Test\"\n[citations]\narticle = \"http://data.europa.eu/eli/reg/2024/1689/art_{}/oj\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("entries")).unwrap();
    let project = Project::open(dir.path()).unwrap();
    (dir, project)
}

/// The cells of each row, by lowercase column name, with its line.
fn rows(file: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(file)
        .unwrap();
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.to_lowercase().replace(' ', "-"))
        .collect();
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
        .map(|r| {
            headers
                .iter()
                .cloned()
                .zip(
                    r.iter()
                        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" ")),
                )
                .filter(|(_, v)| !v.is_empty())
                .collect()
        })
        .collect()
}

fn values(cell: Option<&String>) -> BTreeSet<String> {
    cell.map(|c| {
        c.split(';')
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

fn texts<'a>(
    list: impl IntoIterator<Item = &'a glossgraph::source::Text>,
    lang: &str,
) -> BTreeSet<String> {
    list.into_iter()
        .filter(|t| t.lang == lang)
        .map(|t| t.value.clone())
        .collect()
}

/// Every relation as (a, key, b) with a < b, whichever entry states it.
fn canonical(entries: &[Entry], project: &Project) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for e in entries {
        for r in &e.relations {
            let (a, b) = (e.id.clone(), r.target.value.clone());
            if a < b {
                out.insert((a, r.key.value.clone(), b));
            } else {
                let t = project.ontology.relation_type(&r.key.value).unwrap();
                let inverse = project
                    .ontology
                    .relation_type_by_iri(t.inverse.as_ref())
                    .unwrap();
                out.insert((b, inverse.key.clone(), a));
            }
        }
    }
    out
}

#[test]
fn rows_become_entries_that_read_back_as_the_same_rows() {
    let (_dir, project) = fresh_glossary();
    let input = fixture("glossary.csv");
    let report = csv::import(&input, &project, &CsvOptions::new(project.entries_dir())).unwrap();
    assert_eq!(report.written.len(), 5, "{report}");
    let entries: Vec<Entry> = files_in(&project.entries_dir())
        .iter()
        .map(|f| parse(&project.entries_dir().join(f), &project))
        .collect();
    let by_id: BTreeMap<&str, &Entry> = entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let term_ids: BTreeMap<String, String> = rows(&input)
        .iter()
        .map(|r| (r["term"].clone(), r["id"].clone()))
        .collect();
    let to_id = |v: &str| term_ids.get(v).cloned().unwrap_or_else(|| v.to_owned());
    let mut expected_relations = BTreeSet::new();
    for row in rows(&input) {
        let e = by_id[row["id"].as_str()];
        for (column, lang) in [("term", "en"), ("term@de", "de")] {
            assert_eq!(
                e.term(lang).map(str::to_owned),
                row.get(column).cloned(),
                "{column} of {}",
                e.id
            );
        }
        for (column, lang) in [("definition", "en"), ("definition@de", "de")] {
            assert_eq!(
                texts(&e.definitions, lang),
                values(row.get(column)),
                "{column} of {}",
                e.id
            );
        }
        assert_eq!(texts(&e.alt_labels, "en"), values(row.get("alt-labels")));
        assert_eq!(texts(&e.alt_labels, "de"), values(row.get("alt-labels@de")));
        assert_eq!(
            texts(&e.hidden_labels, "en"),
            values(row.get("hidden-labels"))
        );
        assert_eq!(
            e.register.as_ref().map(|r| r.value.clone()),
            row.get("register").cloned()
        );
        assert_eq!(
            e.notation.as_ref().map(|r| r.value.clone()),
            row.get("notation").cloned()
        );
        let sources: BTreeSet<String> = e
            .sources
            .iter()
            .map(|s| match &s.value {
                Source::Article { text, .. } => text.clone(),
                Source::Iri(i) => i.clone(),
            })
            .collect();
        assert_eq!(sources, values(row.get("sources")));
        for (column, kind) in [("exact-match", "Exact"), ("close-match", "Close")] {
            let found: BTreeSet<String> = e
                .mappings
                .iter()
                .filter(|m| format!("{:?}", m.kind) == kind)
                .map(|m| m.iri.clone())
                .collect();
            assert_eq!(found, values(row.get(column)), "{column} of {}", e.id);
        }
        assert_eq!(
            e.deprecated.as_ref().is_some_and(|d| d.value),
            row.contains_key("deprecated")
        );
        assert_eq!(
            e.replaced_by.as_ref().map(|r| r.value.clone()),
            row.get("replaced-by").cloned()
        );
        for key in ["broader", "narrower", "related", "part-of", "works-with"] {
            for target in values(row.get(key)) {
                let target = to_id(&target);
                let e_id = e.id.clone();
                expected_relations.insert(if e_id < target {
                    (e_id, key.to_owned(), target)
                } else {
                    let t = project.ontology.relation_type(key).unwrap();
                    let inverse = project
                        .ontology
                        .relation_type_by_iri(t.inverse.as_ref())
                        .unwrap();
                    (target, inverse.key.clone(), e_id)
                });
            }
        }
    }
    // `related` between the Board and the Office is implied by `works-with`.
    expected_relations.remove(&(
        "ai-board".to_owned(),
        "related".to_owned(),
        "ai-office".to_owned(),
    ));
    assert_eq!(canonical(&entries, &project), expected_relations);
    let shown = report.to_string();
    // Each quoting the cell as the file has it.
    assert!(
        shown.contains(
            "line 5 (cell 13), `related: EU AI Office` (row of `ai-board`): not stated separately, implied by `works-with`"
        ),
        "{shown}"
    );
    assert!(
        shown.contains(
            "line 6 (cell 15), `works-with: EU AI Office` (row of `national-authority`) is stated in `ai-office` as `works-with: national-authority`"
        ),
        "{shown}"
    );
    // And it builds.
    let built =
        glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory).unwrap();
    assert_eq!(built.stats.entries, 5);
}

#[test]
fn the_readme_template_imports_and_builds() {
    let (_dir, project) = fresh_glossary();
    let report = csv::import(
        &fixture("template.csv"),
        &project,
        &CsvOptions::new(project.entries_dir()),
    )
    .unwrap();
    assert_eq!(report.written.len(), 4);
    let skos = parse(&project.entries_dir().join("skos.md"), &project);
    let related: Vec<&str> = skos
        .relations
        .iter()
        .map(|r| r.target.value.as_str())
        .collect();
    assert_eq!(related, ["rdf", "sparql"], "relations named by term");
    glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory).unwrap();
}

#[test]
fn semicolon_separated_files_use_bars_between_values() {
    let (_dir, project) = fresh_glossary();
    csv::import(
        &fixture("semicolon.csv"),
        &project,
        &CsvOptions::new(project.entries_dir()),
    )
    .unwrap();
    let one = parse(&project.entries_dir().join("one.md"), &project);
    assert_eq!(one.term("en"), Some("First, with a comma"));
    assert_eq!(one.definitions[0].value, "The first concept; of two.");
    assert_eq!(
        texts(&one.alt_labels, "en"),
        ["Erster".to_owned(), "Primary".to_owned()].into()
    );
}

#[test]
fn every_bad_cell_is_reported_with_its_line_and_column_and_nothing_is_written() {
    let (_dir, project) = fresh_glossary();
    let err = csv::import(
        &fixture("bad.csv"),
        &project,
        &CsvOptions::new(project.entries_dir()),
    )
    .unwrap_err();
    let found: Vec<(usize, usize, String)> = err
        .diagnostics()
        .iter()
        .map(|d| (d.pos.line, d.pos.column, d.message.clone()))
        .collect();
    let expected = [
        (1, 3, "unknown column `defintion`"),
        (2, 1, "`Bad Id` is not an entry id"),
        (4, 1, "`Something` has no definition"),
        (5, 5, "no concept `nothing-like-this`"),
        (6, 1, "the id `dup` is also the id of the row on line 5"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((line, column, message), (l, c, m)) in found.iter().zip(expected) {
        assert_eq!((*line, *column, message.as_str()), (l, c, m));
    }
    assert!(
        err.diagnostics()[0]
            .help
            .as_deref()
            .unwrap()
            .contains("did you mean `definition`?")
    );
    assert!(files_in(&project.entries_dir()).is_empty());
    assert_eq!(glossgraph::commands::CommandError::from(err).exit_code(), 1);
}

#[test]
fn empty_and_binary_spreadsheets_are_refused() {
    let (_dir, project) = fresh_glossary();
    let options = CsvOptions::new(project.entries_dir());
    assert!(matches!(
        csv::import(&fixture("empty.txt"), &project, &options),
        Err(ImportError::Fetch(_))
    ));
    assert!(matches!(
        csv::import(&fixture("pixel.png"), &project, &options),
        Err(ImportError::Fetch(_))
    ));
    let err = csv::import(&fixture("ai-pact.txt"), &project, &options).unwrap_err();
    assert!(
        err.to_string().contains("there is no `term` column")
            || err
                .diagnostics()
                .iter()
                .any(|d| d.message.contains("no `term` column")),
        "{err}"
    );
}

#[test]
fn existing_entries_are_kept_unless_forced() {
    let (_dir, project) = fresh_glossary();
    let input = fixture("template.csv");
    let options = CsvOptions::new(project.entries_dir());
    csv::import(&input, &project, &options).unwrap();
    let err = csv::import(&input, &project, &options).unwrap_err();
    assert!(
        matches!(err, ImportError::Exists(ref p) if p.len() == 4),
        "{err}"
    );
    let forced = CsvOptions {
        force: true,
        ..options
    };
    csv::import(&input, &project, &forced).unwrap();
}

/// The located messages of an import that failed, as (line, cell, message).
fn refused(project: &Project, text: &str) -> Vec<(usize, usize, String)> {
    let file = project.dir.join("sheet.csv");
    std::fs::write(&file, text).unwrap();
    let err = csv::import(
        file.to_str().unwrap(),
        project,
        &CsvOptions::new(project.entries_dir()),
    )
    .unwrap_err();
    assert!(
        files_in(&project.entries_dir()).is_empty(),
        "nothing is written"
    );
    err.diagnostics()
        .iter()
        .map(|d| (d.pos.line, d.pos.column, d.message.clone()))
        .collect()
}

/// A quote left open never merges rows: one never closed, or one that takes
/// in the rows after it, is an error at the line and cell where it opened.
#[test]
fn a_quote_left_open_is_an_error_where_it_opened() {
    let (_dir, project) = fresh_glossary();
    let header = "id,term,definition,alt-labels\n";
    // Never closed: the last three rows would be one alternative label.
    let never = refused(
        &project,
        &format!(
            "{header}one,One,The first.,Uno\ntwo,Two,The second.,\"Dos\nthree,Three,The third.,Tres\nfour,Four,The fourth.,Vier\n"
        ),
    );
    assert_eq!(
        never,
        [(
            3,
            4,
            "the quote that opens this cell is never closed: the cell would run to the end of the file, over 2 more line(s)".into()
        )]
    );
    // Closed by the next quote in the file, rows later.
    let late = refused(
        &project,
        &format!(
            "{header}one,One,\"The first.,Uno\ntwo,Two,The second.,Dos\nthree,Three,\"The third.\",Tres\n"
        ),
    );
    assert_eq!(
        late,
        [(
            2,
            3,
            "the quote that opens this cell closes only on line 4, so the cell takes in `two,Two,The second.,Dos`, which reads as a row".into()
        )]
    );
    // A label cannot hold a line break.
    let label = refused(
        &project,
        &format!("{header}one,One,The first.,\"Uno\nEins\"\n"),
    );
    assert_eq!(label.len(), 1, "{label:?}");
    assert_eq!((label[0].0, label[0].1), (2, 4));
    assert!(
        label[0]
            .2
            .ends_with("only a definition may hold a line break"),
        "{label:?}"
    );
}

/// A definition may hold a line break, and every row is accounted for in the
/// report: an entry each, or blank.
#[test]
fn every_row_is_accounted_for() {
    let (_dir, project) = fresh_glossary();
    let file = project.dir.join("sheet.csv");
    std::fs::write(
        &file,
        "id,term,definition\none,One,\"The first,\nin two lines.\"\n,,\ntwo,Two,The second.\n",
    )
    .unwrap();
    let report = csv::import(
        file.to_str().unwrap(),
        &project,
        &CsvOptions::new(project.entries_dir()),
    )
    .unwrap();
    let said = report.to_string();
    assert!(
        said.starts_with(&format!(
            "{}: 3 row(s), 2 entries written to {}, 1 blank row(s) skipped (line 4)",
            file.display(),
            project.entries_dir().display()
        )),
        "{said}"
    );
    let one = std::fs::read_to_string(project.entries_dir().join("one.md")).unwrap();
    assert!(
        one.contains("definition: The first, in two lines."),
        "{one}"
    );
}

/// Two rows that relate the same two entries associatively and
/// hierarchically are refused, quoting both cells as the file has them.
#[test]
fn a_relation_clash_between_rows_quotes_both_cells() {
    let (_dir, project) = fresh_glossary();
    let found = refused(
        &project,
        "id,term,definition,related,broader\nalpha,Alpha,The first.,Beta,\nbeta,Beta,The second.,,alpha\n",
    );
    assert_eq!(
        found,
        [(
            3,
            5,
            "`broader: alpha` here and `related: Beta` on line 2 (cell 4) relate `alpha` and `beta` both associatively and hierarchically".into()
        )]
    );
}

/// Found by fuzzing (the `csv` target, fuzz/regressions/csv/): a row naming
/// its replacement without being deprecated was written, and the entry reader
/// then refused the import's own file.
#[test]
fn a_replacement_on_a_row_not_deprecated_is_an_error_at_its_cell() {
    let (_dir, project) = fresh_glossary();
    let found = refused(
        &project,
        "term,definition,replaced-by\nOld office,An office that was renamed.,AI Office\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1), (2, 3), "{found:?}");
    assert!(found[0].2.contains("not deprecated"), "{found:?}");
}

/// The same spreadsheet saved by another program (a byte-order mark, CRLF
/// line ends) imports to the same entries, byte for byte; a row missing its
/// last cells imports with them empty; a row with a cell more than the
/// header is an error at that row, and nothing is written.
#[test]
fn a_bom_crlf_and_short_rows_import_as_the_plain_file_and_an_extra_cell_is_located() {
    let plain = "id,term,definition,alt-labels\none,One,The first concept.,First\ntwo,Two,The second concept.\n";
    let imported = |text: &str| {
        let (dir, project) = fresh_glossary();
        let path = dir.path().join("sheet.csv");
        std::fs::write(&path, text).unwrap();
        let result = csv::import(
            &path.to_string_lossy(),
            &project,
            &CsvOptions::new(project.entries_dir()),
        );
        let files: BTreeMap<String, String> = std::fs::read_dir(project.entries_dir())
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let name = e.file_name().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        (result, files)
    };
    let (result, expected) = imported(plain);
    result.unwrap();
    assert_eq!(expected.keys().collect::<Vec<_>>(), ["one.md", "two.md"]);
    let windows = format!("\u{feff}{}", plain.replace('\n', "\r\n"));
    let (result, files) = imported(&windows);
    result.unwrap();
    assert_eq!(files, expected);

    let extra = plain.replace("The second concept.", "The second concept.,Second,Stray");
    let (result, files) = imported(&extra);
    let err = result.unwrap_err();
    let found: Vec<(usize, usize, String)> = err
        .diagnostics()
        .iter()
        .map(|d| (d.pos.line, d.pos.column, d.message.clone()))
        .collect();
    assert_eq!(
        found,
        [(3, 5, "this row has 5 cells, the header 4".to_owned())]
    );
    assert!(files.is_empty(), "{files:?}");
}
