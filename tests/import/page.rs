//! Glossary pages to entries: the seed page as text and HTML, pages with
//! adverts in other places, configured patterns, relations, and malformed pages.

use crate::util::{copy_of_data, files_in, fixture, parse, project, suite};
use glossgraph::import::ImportError;
use glossgraph::import::page::{self, FurnitureRules, PageOptions, PageReport};
use glossgraph::input::{FetchError, FetchProblem};
use glossgraph::project::Project;
use glossgraph::source::Entry;
use glossgraph::source::Summary;
use std::collections::BTreeSet;
use std::path::Path;

fn import_into(inputs: &[String], project: &Project, out: &Path) -> PageReport {
    page::import(inputs, project, &PageOptions::new(out)).unwrap_or_else(|e| {
        panic!(
            "{e}\n{}",
            e.diagnostics()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

fn import_err(inputs: &[String], project: &Project, out: &Path) -> ImportError {
    match page::import(inputs, project, &PageOptions::new(out)) {
        Ok(report) => panic!("imported:\n{report}"),
        Err(e) => e,
    }
}

/// The relations an entry states (from `relations` and key facts), as (key, target).
fn relations(entry: &Entry, project: &Project) -> BTreeSet<(String, String)> {
    Summary::of(entry, &project.ontology)
        .relations
        .into_iter()
        .map(|(k, t, ..)| (k, t))
        .collect()
}

/// Lowercase words of four letters or more.
fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .collect()
}

/// The seed page imported, with the hand-written entry it should match.
fn assert_equivalent_to_hand_written(imported: &Entry, project: &Project) {
    let hand = parse(
        &crate::util::root().join("data/entries/eu-ai-office.md"),
        project,
    );
    assert_eq!(imported.id, "eu-ai-office");
    assert_eq!(imported.terms, {
        let mut t = hand.terms.clone();
        t[0].pos = imported.terms[0].pos;
        t
    });
    assert_eq!(imported.definitions[0].value, hand.definitions[0].value);
    assert_eq!(
        imported.register.as_ref().map(|r| &r.value),
        hand.register.as_ref().map(|r| &r.value)
    );
    let sections = |e: &Entry| -> Vec<(String, String)> {
        e.sections
            .iter()
            .map(|s| (s.title.clone(), s.plain.clone()))
            .collect()
    };
    assert_eq!(sections(imported), sections(&hand));
    assert_eq!(imported.sections.len(), 3);
    let facts = |e: &Entry| -> Vec<(String, String)> {
        e.key_facts
            .iter()
            .map(|f| (f.label.clone(), f.value.clone()))
            .collect()
    };
    assert_eq!(facts(imported), facts(&hand));
    assert_eq!(imported.key_facts.len(), 6);
    let misconceptions = |e: &Entry| -> Vec<(String, String)> {
        e.misconceptions
            .iter()
            .map(|m| (m.claim.clone(), m.correction.clone()))
            .collect()
    };
    assert_eq!(misconceptions(imported), misconceptions(&hand));
    assert_eq!(imported.misconceptions.len(), 3);
    // Part of the Commission, and working with the bodies the page names.
    let found = relations(imported, project);
    let expected: BTreeSet<(String, String)> = [
        ("part-of", "european-commission"),
        ("works-with", "national-competent-authority"),
        ("works-with", "european-ai-board"),
        ("works-with", "advisory-forum"),
    ]
    .iter()
    .map(|(k, t)| ((*k).to_owned(), (*t).to_owned()))
    .collect();
    assert_eq!(found, expected);
    assert!(
        found.is_subset(&relations(&hand, project)),
        "every relation found is one the hand-written entry states"
    );
}

/// The words of the seed's advert (lines 4–7) that the hand-written entry does not use.
fn advert_words(seed: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(seed).unwrap();
    let advert: String = text.lines().skip(3).take(4).collect::<Vec<_>>().join(" ");
    assert!(
        advert.contains("CRediT"),
        "lines 4–7 are the advert: {advert}"
    );
    let hand =
        std::fs::read_to_string(crate::util::root().join("data/entries/eu-ai-office.md")).unwrap();
    words(&advert).difference(&words(&hand)).cloned().collect()
}

#[test]
fn the_seed_page_becomes_an_entry_equivalent_to_the_hand_written_one() {
    let Some(seed) = suite("seeds/eu-ai-office.txt") else {
        return;
    };
    let project = project();
    let out = tempfile::tempdir().unwrap();
    let report = import_into(&[seed.to_string_lossy().into_owned()], &project, out.path());
    let path = out.path().join("eu-ai-office.md");
    assert_eq!(files_in(out.path()), ["eu-ai-office.md"]);
    let entry = parse(&path, &project);
    assert_equivalent_to_hand_written(&entry, &project);

    let text = std::fs::read_to_string(&path).unwrap();
    let advert = advert_words(&seed);
    assert!(advert.contains("orcid") && advert.contains("membership"));
    let leaked: Vec<_> = words(&text).intersection(&advert).cloned().collect();
    assert!(leaked.is_empty(), "advert words in the entry: {leaked:?}");

    // The report says what was dropped, and how relations were found.
    let outcome = &report.pages[0];
    assert_eq!(outcome.dropped.len(), 1, "{report}");
    assert_eq!(
        (outcome.dropped[0].first_line, outcome.dropped[0].last_line),
        (4, 7)
    );
    assert_eq!(outcome.dropped[0].title, "The step most authors miss");
    let shown = report.to_string();
    assert!(
        shown.contains(
            "dropped lines 4–7 “The step most authors miss”: calls to action (sign in, free"
        ),
        "{shown}"
    );
    assert_eq!(outcome.targets("part-of"), ["european-commission"]);
    assert!(
        shown.contains("unresolved in key fact `Location` (line 17): “not a separate agency”"),
        "{shown}"
    );
    assert!(
        shown.contains("partly matching the label “national competent authority”"),
        "{shown}"
    );
}

#[test]
fn the_html_form_of_the_seed_gives_the_same_entry() {
    let Some(seed) = suite("seeds/eu-ai-office.txt") else {
        return;
    };
    let project = project();
    let from_text = tempfile::tempdir().unwrap();
    let from_html = tempfile::tempdir().unwrap();
    import_into(
        &[seed.to_string_lossy().into_owned()],
        &project,
        from_text.path(),
    );
    let report = import_into(&[fixture("eu-ai-office.html")], &project, from_html.path());
    let text = std::fs::read_to_string(from_text.path().join("eu-ai-office.md")).unwrap();
    let html = std::fs::read_to_string(from_html.path().join("eu-ai-office.md")).unwrap();
    assert_eq!(text, html);
    let entry = parse(&from_html.path().join("eu-ai-office.md"), &project);
    assert_equivalent_to_hand_written(&entry, &project);
    let dropped: Vec<(&str, usize)> = report.pages[0]
        .dropped
        .iter()
        .map(|d| (d.title.as_str(), d.first_line))
        .collect();
    assert_eq!(
        dropped,
        [
            ("Glossary home · All terms · About", 11),
            ("Doing CRediT right? Don’t stop at the statement.", 24),
            (
                "© Plain-language glossary. Get new terms in your inbox:…",
                83
            ),
        ]
    );
}

#[test]
fn the_imported_seed_replaces_the_hand_written_entry_and_the_glossary_still_checks_and_builds() {
    let Some(seed) = suite("seeds/eu-ai-office.txt") else {
        return;
    };
    let (_dir, project) = copy_of_data();
    let entries = project.entries_dir();
    let options = PageOptions {
        force: true,
        ..PageOptions::new(&entries)
    };
    let report = page::import(&[seed.to_string_lossy().into_owned()], &project, &options).unwrap();
    assert!(report.pages[0].replaced);
    let diagnostics = glossgraph::build::read(&project).unwrap().diagnostics;
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let built =
        glossgraph::build::build(&project, &glossgraph::build::StoreChoice::Memory).unwrap();
    assert_eq!(built.stats.entries, 47);
}

#[test]
fn adverts_between_and_inside_sections_are_dropped_and_content_about_the_term_is_kept() {
    let project = project();
    let out = tempfile::tempdir().unwrap();
    let report = import_into(&[fixture("ai-pact.txt")], &project, out.path());
    let entry = parse(&out.path().join("ai-pact.md"), &project);
    let titles: Vec<&str> = entry.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "What the AI Pact is",
            "How companies take part",
            "What it does not change"
        ]
    );
    // The section on joining free of charge is about the term: kept.
    assert!(
        entry.sections[1]
            .plain
            .contains("join the AI Pact free of charge")
    );
    // The paragraph after the advert in the last section continues it.
    assert!(
        entry.sections[2]
            .plain
            .ends_with("common specifications and conformity assessment.")
    );
    let dropped: Vec<(&str, usize, usize)> = report.pages[0]
        .dropped
        .iter()
        .map(|d| (d.title.as_str(), d.first_line, d.last_line))
        .collect();
    assert_eq!(
        dropped,
        [
            ("Get compliance-ready in a week", 6, 7),
            ("Upgrade to Pro", 12, 13)
        ]
    );
    let text = std::fs::read_to_string(out.path().join("ai-pact.md")).unwrap();
    for word in ["ReadyKit", "trial", "Pro", "templates"] {
        assert!(!text.contains(word), "{word} in\n{text}");
    }
    assert_eq!(entry.sources.len(), 1);
}

#[test]
fn adverts_inside_key_facts_and_after_misconceptions_are_dropped() {
    let project = project();
    let out = tempfile::tempdir().unwrap();
    let report = import_into(
        &[fixture("technical-documentation.txt")],
        &project,
        out.path(),
    );
    let entry = parse(&out.path().join("technical-documentation.md"), &project);
    let labels: Vec<&str> = entry.key_facts.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(
        labels,
        ["Legal basis", "Drawn up by", "Supervised by", "Kept for"]
    );
    assert_eq!(entry.misconceptions.len(), 1);
    assert_eq!(entry.register.as_ref().unwrap().value, "technical");
    let outcome = &report.pages[0];
    let dropped: Vec<(&str, usize, usize)> = outcome
        .dropped
        .iter()
        .map(|d| (d.title.as_str(), d.first_line, d.last_line))
        .collect();
    assert_eq!(
        dropped,
        [("Sponsored", 11, 12), ("Never miss an update", 20, 21)]
    );
    assert_eq!(
        outcome.targets("supervised-by"),
        ["market-surveillance-authority"]
    );
    // The going-deeper link is a source; the item without a link is reported.
    assert_eq!(
        outcome.notes,
        ["line 24: `Going deeper` item without a link left out: Annex IV of the AI Act"]
    );
    let text = std::fs::read_to_string(out.path().join("technical-documentation.md")).unwrap();
    for word in ["DocuBot", "briefing", "unsubscribe"] {
        assert!(!text.contains(word), "{word} in\n{text}");
    }
}

#[test]
fn html_adverts_marked_or_not_are_dropped_wherever_they_sit() {
    let project = project();
    let out = tempfile::tempdir().unwrap();
    let report = import_into(
        &[fixture("right-to-explanation.html")],
        &project,
        out.path(),
    );
    let entry = parse(&out.path().join("right-to-explanation.md"), &project);
    assert_eq!(entry.register.as_ref().unwrap().value, "legal");
    let titles: Vec<&str> = entry.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "What the right covers",
            "Where it stops",
            "Who must explain"
        ]
    );
    // The section interrupted by the sidebar advert keeps both paragraphs.
    assert!(
        entry.sections[1]
            .plain
            .contains("critical infrastructure.\n\nIt applies only")
    );
    let labels: Vec<&str> = entry.key_facts.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["Legal basis", "Owed by", "Enforced by"]);
    assert_eq!(
        relations(&entry, &project),
        [(
            "enforced-by".to_owned(),
            "market-surveillance-authority".to_owned()
        )]
        .into()
    );
    let reasons: Vec<&str> = report.pages[0]
        .dropped
        .iter()
        .map(|d| d.reason.as_str())
        .collect();
    assert_eq!(
        reasons,
        [
            "marked as a promotion (class=\"promo-banner\")",
            "before the page's header (site header or navigation)",
            "marked as a promotion (class=\"sidebar-ad\")",
            "marked `Sponsored`",
            "marked as an advert (data-ad-slot)",
            "page footer (<footer>)",
        ]
    );
    let text = std::fs::read_to_string(out.path().join("right-to-explanation.md")).unwrap();
    for word in [
        "Black Friday",
        "ExplainIt",
        "LexAI",
        "Compliance Academy",
        "newsletter",
    ] {
        assert!(!text.contains(word), "{word} in\n{text}");
    }
    assert_eq!(entry.sources.len(), 2, "going-deeper links become sources");
}

#[test]
fn configured_phrases_and_selectors_drop_what_the_built_in_signs_keep() {
    let project = project();
    // Without configuration the partner blocks look like content and stay.
    let out = tempfile::tempdir().unwrap();
    import_into(
        &[
            fixture("partner-spotlight.txt"),
            fixture("right-to-explanation.html"),
        ],
        &project,
        out.path(),
    );
    let plan = parse(&out.path().join("regulatory-sandbox-plan.md"), &project);
    assert_eq!(plan.sections.len(), 2);
    let right = parse(&out.path().join("right-to-explanation.md"), &project);
    assert!(right.sections[2].plain.contains("Open Rights Fund"));

    let out = tempfile::tempdir().unwrap();
    let options = PageOptions {
        rules: FurnitureRules {
            phrases: vec!["partner spotlight".into()],
            selectors: vec!["div.partner-note".into()],
        },
        ..PageOptions::new(out.path())
    };
    let report = page::import(
        &[
            fixture("partner-spotlight.txt"),
            fixture("right-to-explanation.html"),
        ],
        &project,
        &options,
    )
    .unwrap();
    let plan = parse(&out.path().join("regulatory-sandbox-plan.md"), &project);
    assert_eq!(plan.sections.len(), 1);
    assert!(
        report.pages[0].dropped[0]
            .reason
            .contains("configured pattern `partner spotlight`")
    );
    let right = parse(&out.path().join("right-to-explanation.md"), &project);
    assert!(!right.sections[2].plain.contains("Open Rights Fund"));
    assert!(
        report.pages[1]
            .dropped
            .iter()
            .any(|d| d.reason == "matches the configured selector `div.partner-note`")
    );

    let bad = PageOptions {
        rules: FurnitureRules {
            phrases: vec![],
            selectors: vec!["div[".into()],
        },
        ..PageOptions::new(out.path())
    };
    let err = page::import(&[fixture("ai-pact.txt")], &project, &bad).unwrap_err();
    assert!(
        err.to_string().contains("`div[` is not a CSS selector"),
        "{err}"
    );
}

#[test]
fn key_facts_name_relations_with_several_targets_and_unresolved_mentions_stay_text() {
    let project = project();
    let out = tempfile::tempdir().unwrap();
    let report = import_into(&[fixture("ai-pact.txt")], &project, out.path());
    let outcome = &report.pages[0];
    assert_eq!(outcome.targets("established-by"), ["european-commission"]);
    assert_eq!(
        outcome.targets("works-with"),
        ["eu-ai-office", "national-competent-authority"]
    );
    assert_eq!(outcome.unresolved.len(), 1);
    assert_eq!(outcome.unresolved[0].mention, "industry associations");
    let entry = parse(&out.path().join("ai-pact.md"), &project);
    let works_with = entry
        .key_facts
        .iter()
        .find(|f| f.label == "Works with")
        .unwrap();
    // The whole value stays as written.
    assert_eq!(
        works_with.value,
        "the AI Office, national authorities and industry associations"
    );
}

#[test]
fn a_relation_the_target_already_states_is_skipped_and_reported() {
    let project = project();
    let out = tempfile::tempdir().unwrap();
    let report = import_into(&[fixture("supervises-providers.txt")], &project, out.path());
    let outcome = &report.pages[0];
    // provider.md states `supervised-by: eu-ai-office`; the model does not.
    assert_eq!(outcome.targets("supervises"), ["general-purpose-ai-model"]);
    assert_eq!(outcome.skipped.len(), 1);
    assert_eq!(outcome.skipped[0].target, "provider");
    assert!(
        outcome.skipped[0]
            .reason
            .contains("`provider` already states `supervised-by: eu-ai-office`")
    );
    let entry = parse(&out.path().join("eu-ai-office.md"), &project);
    assert_eq!(entry.key_facts[0].targets.len(), 1);
}

#[test]
fn existing_entries_are_kept_unless_forced_and_an_id_collision_is_an_error() {
    let Some(seed) = suite("seeds/eu-ai-office.txt") else {
        return;
    };
    let seed = seed.to_string_lossy().into_owned();
    let project = project();
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("eu-ai-office.md"), "mine").unwrap();
    let err = import_err(std::slice::from_ref(&seed), &project, out.path());
    assert!(
        matches!(err, ImportError::Exists(ref p) if p == &[out.path().join("eu-ai-office.md")]),
        "{err}"
    );
    assert!(err.to_string().contains("pass --force"));
    assert_eq!(
        std::fs::read_to_string(out.path().join("eu-ai-office.md")).unwrap(),
        "mine"
    );

    let forced = PageOptions {
        force: true,
        ..PageOptions::new(out.path())
    };
    let report = page::import(std::slice::from_ref(&seed), &project, &forced).unwrap();
    assert!(report.pages[0].replaced);
    assert!(report.to_string().contains("(overwritten)"));

    let empty = tempfile::tempdir().unwrap();
    let err = import_err(
        &[fixture("ai-pact.txt"), seed, fixture("eu-ai-office.html")],
        &project,
        empty.path(),
    );
    assert!(
        matches!(err, ImportError::Collision { ref id, .. } if id == "eu-ai-office"),
        "{err}"
    );
    assert!(files_in(empty.path()).is_empty(), "nothing written");
}

/// The first error's input, line and message.
fn first_error(err: &ImportError) -> (String, usize, String) {
    let d = err
        .diagnostics()
        .first()
        .unwrap_or_else(|| panic!("no located error: {err}"));
    (d.path.display().to_string(), d.pos.line, d.message.clone())
}

#[test]
fn malformed_pages_are_refused_with_the_input_and_line_and_nothing_is_written() {
    let project = project();
    let out = tempfile::tempdir().unwrap();
    let cases = [
        ("no-term.txt", 2, "no term line"),
        (
            "misconception-without-correction.txt",
            8,
            "a misconception without its correction",
        ),
        (
            "misconception-without-correction.html",
            10,
            "a misconception without its correction",
        ),
        (
            "fact-without-colon.txt",
            7,
            "a key fact without a colon: `Run by the AI Office`",
        ),
    ];
    for (name, line, message) in cases {
        let err = import_err(&[fixture(name)], &project, out.path());
        let (input, at, found) = first_error(&err);
        assert_eq!(input, fixture(name));
        assert_eq!(at, line, "{name}: {found}");
        assert!(found.starts_with(message), "{name}: {found}");
        assert!(err.to_string().contains(&format!("line {line}")), "{err}");
        assert_eq!(glossgraph::commands::CommandError::from(err).exit_code(), 1);
    }
    // Errors in several pages are all reported, and nothing is written for any.
    let err = import_err(
        &[
            fixture("ai-pact.txt"),
            fixture("no-term.txt"),
            fixture("fact-without-colon.txt"),
        ],
        &project,
        out.path(),
    );
    assert_eq!(err.diagnostics().len(), 2);
    assert!(
        err.to_string().starts_with("cannot import 2 pages"),
        "{err}"
    );
    assert!(files_in(out.path()).is_empty());
}

#[test]
fn empty_binary_and_huge_inputs_are_refused_before_parsing() {
    let project = project();
    let out = tempfile::tempdir().unwrap();
    let problem =
        |input: String| match import_err(std::slice::from_ref(&input), &project, out.path()) {
            ImportError::Fetch(FetchError {
                input: named,
                problem,
            }) => {
                assert_eq!(named, input);
                problem
            }
            other => panic!("{other}"),
        };
    assert_eq!(problem(fixture("empty.txt")), FetchProblem::Empty);
    assert_eq!(
        problem(fixture("pixel.png")),
        FetchProblem::Binary { line: 3 }
    );
    let big = out.path().join("big.txt");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let found = problem(big.to_string_lossy().into_owned());
    assert!(
        matches!(
            found,
            FetchProblem::TooBig {
                size: Some(52_428_800),
                ..
            }
        ),
        "{found:?}"
    );
    assert!(
        problem(fixture("missing.txt"))
            .to_string()
            .contains("No such file")
    );
    let message = import_err(&[fixture("pixel.png")], &project, out.path()).to_string();
    assert!(
        message.contains("pixel.png") && message.contains("line 3: it holds binary data"),
        "{message}"
    );
    std::fs::remove_file(&big).unwrap();
    assert!(files_in(out.path()).is_empty());
}

#[test]
fn deeply_nested_html_is_refused_quickly() {
    let project = project();
    let out = tempfile::tempdir().unwrap();
    let page = out.path().join("deep.html");
    std::fs::write(
        &page,
        format!(
            "<html><body>\n<p>Definition · Legal</p>\n{}",
            "<div>".repeat(1_000_000)
        ),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let err = import_err(&[page.to_string_lossy().into_owned()], &project, out.path());
    assert!(started.elapsed().as_secs() < 10);
    let (_, line, message) = first_error(&err);
    assert_eq!(line, 3);
    assert!(
        message.contains("nests elements more than 4000 deep"),
        "{message}"
    );
}

/// A sidebar's `Related terms` after an empty `Going deeper` at the end of
/// the article is a section of its own, not the article's further reading:
/// its links are not published as sources, and the empty heading is reported.
#[test]
fn a_sidebar_after_an_empty_going_deeper_is_not_its_links() {
    let (dir, project) = copy_of_data();
    let page = dir.path().join("sidebar.html");
    std::fs::write(
        &page,
        "<html><body><main>\n<p>Definition · Plain-language</p>\n<h1>Sidebar term</h1>\n<p>A sidebar term is a concept made up for this test of page layouts.</p>\n<h2>What it is</h2>\n<p>It is the subject of this page.</p>\n<h2>Going deeper</h2>\n</main>\n<aside class=\"sidebar\">\n<h3>Related terms</h3>\n<ul>\n<li><a href=\"https://example.org/glossary/ai-office\">AI Office</a></li>\n</ul>\n</aside>\n</body></html>\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = import_into(&[page.to_string_lossy().into_owned()], &project, out.path());
    let outcome = &report.pages[0];
    assert_eq!(outcome.sources, 0, "{report}");
    assert!(
        outcome
            .dropped
            .iter()
            .any(|d| d.title == "Going deeper" && d.reason == "a heading with no text under it"),
        "{report}"
    );
    let entry = parse(&out.path().join("sidebar-term.md"), &project);
    assert!(entry.sources.is_empty());
    let titles: Vec<&str> = entry.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["What it is", "Related terms"]);
    assert!(entry.sections[1].markdown.contains("[AI Office]"));
}

/// A page the batch names, for the order test: its key fact names the AI Pact
/// back.
const INDUSTRY_ASSOCIATIONS: &str = "Industry associations
Industry associations are organisations that represent companies of one sector in dealings with public authorities.
What industry associations do
They gather the views of their members, answer consultations and help their members prepare for new rules.
Key facts
- Works with: the AI Pact
";

#[test]
fn a_batch_of_pages_gives_the_same_entries_in_any_order() {
    let project = project();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("industry-associations.txt");
    std::fs::write(&page, INDUSTRY_ASSOCIATIONS).unwrap();
    let page = page.to_string_lossy().into_owned();
    let pact = fixture("ai-pact.txt");
    let mut written = Vec::new();
    for order in [[&pact, &page], [&page, &pact]] {
        let out = tempfile::tempdir().unwrap();
        let inputs: Vec<String> = order.iter().map(|s| (*s).clone()).collect();
        let report = import_into(&inputs, &project, out.path());
        let pact_outcome = report.pages.iter().find(|p| p.id == "ai-pact").unwrap();
        // The page given after it is known all the same.
        assert_eq!(
            pact_outcome.targets("works-with"),
            [
                "eu-ai-office",
                "national-competent-authority",
                "industry-associations"
            ],
            "{report}"
        );
        assert!(pact_outcome.unresolved.is_empty(), "{report}");
        // Both pages say they work with each other: the one whose id sorts
        // first states it, whichever came first.
        let other = report
            .pages
            .iter()
            .find(|p| p.id == "industry-associations")
            .unwrap();
        assert!(other.targets("works-with").is_empty(), "{report}");
        assert_eq!(other.skipped.len(), 1, "{report}");
        assert_eq!(other.skipped[0].target, "ai-pact");
        written.push(
            files_in(out.path())
                .into_iter()
                .map(|name| {
                    let text = std::fs::read_to_string(out.path().join(&name)).unwrap();
                    (name, text)
                })
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(written[0], written[1]);
}

#[test]
fn a_page_about_an_entry_is_refused_unless_update_rewrites_it_and_says_what_changed() {
    let Some(seed) = suite("seeds/eu-ai-office.txt") else {
        return;
    };
    let (dir, project) = copy_of_data();
    let entries = project.entries_dir();
    // The seed page under the entry's alternative label: another id, the same entry.
    let text = std::fs::read_to_string(&seed).unwrap().replacen(
        "\nEU AI Office\n",
        "\nEuropean AI Office\n",
        1,
    );
    let page = dir.path().join("renamed.txt");
    std::fs::write(&page, text).unwrap();
    let page = page.to_string_lossy().into_owned();
    let before = std::fs::read_to_string(entries.join("eu-ai-office.md")).unwrap();
    std::fs::write(dir.path().join("before.md"), &before).unwrap();
    let err = import_err(std::slice::from_ref(&page), &project, &entries);
    let (input, line, message) = first_error(&err);
    assert_eq!((input.as_str(), line), (page.as_str(), 2), "{err}");
    assert!(
        message.contains("is the glossary's entry `eu-ai-office`")
            && message.contains("by its alternative label"),
        "{message}"
    );
    assert!(!entries.join("european-ai-office.md").exists());
    assert_eq!(
        std::fs::read_to_string(entries.join("eu-ai-office.md")).unwrap(),
        before
    );

    let update = PageOptions {
        update: true,
        ..PageOptions::new(&entries)
    };
    let report = page::import(std::slice::from_ref(&page), &project, &update).unwrap();
    let outcome = &report.pages[0];
    assert_eq!(outcome.id, "eu-ai-office");
    assert!(outcome.updates && outcome.replaced);
    assert_eq!(outcome.path, entries.join("eu-ai-office.md"));
    let change = report.change.clone().expect("the change is reported");
    assert!(
        change.contains("label@en: “EU AI Office” → “European AI Office”"),
        "{change}"
    );
    assert!(report.to_string().starts_with("the change to the graph:\n"));
    assert!(!entries.join("european-ai-office.md").exists());
    let after = parse(&entries.join("eu-ai-office.md"), &project);
    assert_eq!(after.terms[0].value, "European AI Office");
    // What the page cannot say is kept: the old term as an alternative
    // label, the sources, the mappings.
    let old = parse(&dir.path().join("before.md"), &project);
    assert!(after.alt_labels.iter().any(|l| l.value == "EU AI Office"));
    let sources = |e: &Entry| {
        e.sources
            .iter()
            .map(|s| s.value.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(sources(&after), sources(&old));
    assert_eq!(after.mappings.len(), old.mappings.len());
    assert!(!after.mappings.is_empty());
    let read = glossgraph::build::read(&project).unwrap();
    assert!(!read.has_errors(), "{:#?}", read.diagnostics);
}
