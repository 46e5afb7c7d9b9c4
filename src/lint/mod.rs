//! The quality gate: SKOS integrity, qSKOS quality issues, glossary rules and SHACL shapes.
//!
//! `glossgraph lint` with no source lints the glossary: its entries (every
//! finding of the entry parser and of `glossgraph check`, which is the fast
//! subset of lint, with the same codes, plus the glossary rules of
//! `entries.rs`), then the built graph: the SKOS Reference's integrity
//! conditions under SKOS's semantics (`skos.rs`), qSKOS's quality issues
//! (`qskos.rs`) and the shapes of `ontology/shapes.ttl` (`shacl.rs`, which
//! says why SHACL is evaluated natively). With sources (RDF files or URLs) it
//! reads them into one graph and lints that the same way, applying SHACL
//! shapes only when `Options::shapes` names some.
//!
//! Every check reads one index of the graph (`graph.rs`), not SPARQL: the
//! UNESCO thesaurus (75,000 triples) lints in well under a second.
//!
//! Exit codes: 0 when no finding is at or above `--fail-on` (default
//! `error`, see [`Report::exit_code`]), else 1; when lint cannot run, what
//! `crate::commands` decides for its `LintError` (1 for a glossary that
//! cannot be found or unreadable shapes, 2 for the store or writing).
//!
//! Layer: a reader, beside `import` and `server`; above `build` and `query`.

mod deprecation;
mod entries;
mod finding;
mod graph;
mod links;
mod qskos;
mod report;
mod rules;
mod semantics;
mod shacl;
mod since;
mod skos;
mod sources;

pub use finding::{Finding, Location, Severity};
pub use links::LinkOptions;
pub use report::{
    FailOn, JSON_FORMAT_VERSION, Report, ReportFormat, Stats, TEXT_LIMIT_PER_RULE, catalogue,
};
pub use rules::{RULES, Rule};
pub use shacl::SHAPES_TTL;

use crate::build::{self, BuildError, ListError};
use crate::project::{Project, ProjectError};
use crate::store;
use graph::Graph;
use oxigraph::model::NamedNode;
use oxigraph::store::Store;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What lint does besides its default checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Request every external http(s) link (qSKOS "broken links").
    pub check_links: bool,
    pub links: LinkOptions,
    /// Further SHACL shapes files (Turtle) to validate against.
    pub shapes: Vec<PathBuf>,
    /// Time allowed to fetch a source given by URL.
    pub fetch_timeout: Duration,
    /// Time allowed to each SHACL shape over all its focus nodes.
    pub shape_timeout: Duration,
    /// Say on standard error which shape runs (on a terminal).
    pub progress: bool,
    /// Compare with this graph (a release, `git:REV`, an RDF file): `since/…`.
    pub since: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            check_links: false,
            links: LinkOptions::default(),
            shapes: Vec::new(),
            fetch_timeout: Duration::from_secs(60),
            shape_timeout: Duration::from_secs(10),
            progress: false,
            since: None,
        }
    }
}

/// Lint could not run.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    #[error(transparent)]
    Project(#[from] ProjectError),
    #[error(transparent)]
    List(#[from] ListError),
    #[error("cannot build the graph")]
    Build(#[from] BuildError),
    #[error("the store failed")]
    Store(#[from] oxigraph::store::StorageError),
    #[error(transparent)]
    Shapes(#[from] shacl::ShapesError),
    #[error("cannot read the shapes file {}", .path.display())]
    ShapesIo {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("--since {0}")]
    Since(String, #[source] crate::release::ReleaseError),
    #[error("--since compares the glossary with an earlier graph; it does not apply to SOURCEs")]
    SinceWithSources,
}

/// Lints the glossary in `data` if given, else the nearest one at or above
/// `cwd` (as every command finds it). Mistakes in `glossary.toml` are findings.
pub fn lint_located(
    data: Option<&Path>,
    cwd: &Path,
    options: &Options,
) -> Result<Report, LintError> {
    match Project::locate(data, cwd) {
        Ok(project) => lint_project(&project, options),
        Err(ProjectError::Config { path, diagnostics }) => Ok(config_report(&path, diagnostics)),
        Err(e) => Err(e.into()),
    }
}

/// Lints the glossary whose `glossary.toml` is in `dir`. Mistakes in
/// `glossary.toml` are findings.
pub fn lint_dir(dir: &Path, options: &Options) -> Result<Report, LintError> {
    match Project::open(dir) {
        Ok(project) => lint_project(&project, options),
        Err(ProjectError::Config { path, diagnostics }) => Ok(config_report(&path, diagnostics)),
        Err(e) => Err(e.into()),
    }
}

fn config_report(path: &Path, diagnostics: Vec<crate::diagnostic::Diagnostic>) -> Report {
    let mut report = Report {
        sources: vec![path.display().to_string()],
        findings: diagnostics.into_iter().map(Finding::from).collect(),
        stats: Stats::default(),
    };
    report.sort();
    report
}

/// Lints an opened glossary: its sources, then the graph built from them.
/// Each entry and vocabulary is parsed once, for both.
pub fn lint_project(project: &Project, options: &Options) -> Result<Report, LintError> {
    let mut report = Report {
        sources: vec![project.dir.display().to_string()],
        ..Report::default()
    };
    report
        .findings
        .extend(entries::case_clashes(&build::files(project)?));
    let read = build::read(project)?;
    report
        .findings
        .extend(read.diagnostics.iter().cloned().map(Finding::from));
    report
        .findings
        .extend(entries::check(&read.entries, &project.config));
    if read.has_errors() {
        report.findings.push(not_built(project));
        report.sort();
        return Ok(report);
    }
    let built = match build::from_read(project, &read) {
        Ok(built) => built,
        Err(BuildError::Invalid(diagnostics)) => {
            report
                .findings
                .extend(diagnostics.into_iter().map(Finding::from));
            report.findings.push(not_built(project));
            report.sort();
            return Ok(report);
        }
        Err(e) => return Err(e.into()),
    };
    let quads = store::quads(&built.store)?;
    let origins = sources::vocabulary_origins(&built.vocabularies, &quads);
    let mut g = Graph::from_quads(quads);
    for entry in &read.entries {
        if let Some(id) = g.iri(project.config.base.concept(&entry.id).as_ref()) {
            g.set_place(id, entries::entry_location(entry));
        }
    }
    for origin in origins {
        g.add_origin(origin);
    }
    let mut shape_sources = vec![ShapeSource {
        text: SHAPES_TTL.to_owned(),
        origin: "ontology/shapes.ttl".to_owned(),
        builtin: true,
    }];
    shape_sources.extend(read_shapes(&options.shapes)?);
    graph_checks(
        &mut report,
        g,
        &shape_sources,
        Some(&built.store),
        Some(project),
        options,
    )?;
    report.sort();
    Ok(report)
}

fn not_built(project: &Project) -> Finding {
    Finding::new(
        "glossary/not-built",
        Location::file(project.config_path(), crate::diagnostic::Pos::new(1, 1)),
        "the graph was not built, so its SKOS, qSKOS and SHACL checks did not run",
    )
    .with_help("fix the errors above and lint again")
}

fn read_shapes(paths: &[PathBuf]) -> Result<Vec<ShapeSource>, LintError> {
    paths
        .iter()
        .map(|path| {
            std::fs::read_to_string(path)
                .map(|text| ShapeSource {
                    text,
                    origin: path.display().to_string(),
                    builtin: false,
                })
                .map_err(|source| LintError::ShapesIo {
                    path: path.clone(),
                    source,
                })
        })
        .collect()
}

/// Lints RDF vocabularies (paths or http(s) URLs), read into one graph. A
/// source that cannot be read or parsed is a finding; the others are linted.
pub fn lint_sources(specs: &[String], options: &Options) -> Result<Report, LintError> {
    if options.since.is_some() {
        return Err(LintError::SinceWithSources);
    }
    let mut report = Report {
        sources: specs.to_vec(),
        ..Report::default()
    };
    let mut triples = Vec::new();
    let mut origins = Vec::new();
    for spec in specs {
        match sources::read(spec, options.fetch_timeout) {
            Ok(parsed) => {
                triples.extend(parsed.triples);
                origins.push(parsed.origin);
            }
            Err(finding) => report.findings.push(*finding),
        }
    }
    let shape_sources = read_shapes(&options.shapes)?;
    let mut g = Graph::new(triples);
    for origin in origins {
        g.add_origin(origin);
    }
    report.findings.extend(sources::invalid_iris(&g));
    let needs_store = !shape_sources.is_empty();
    let store = if needs_store {
        let store = Store::new()?;
        store.extend(g.triples().iter().map(|&[s, p, o]| {
            oxigraph::model::Quad::new(
                as_subject(g.term(s)),
                as_predicate(g.term(p)),
                g.term(o).clone(),
                NamedNode::new_unchecked("urn:glossgraph:lint"),
            )
        }))?;
        Some(store)
    } else {
        None
    };
    graph_checks(
        &mut report,
        g,
        &shape_sources,
        store.as_ref(),
        None,
        options,
    )?;
    report.sort();
    Ok(report)
}

fn as_subject(t: &oxigraph::model::Term) -> oxigraph::model::NamedOrBlankNode {
    match t {
        oxigraph::model::Term::NamedNode(n) => n.clone().into(),
        oxigraph::model::Term::BlankNode(b) => b.clone().into(),
        oxigraph::model::Term::Literal(_) => {
            oxigraph::model::NamedNode::new_unchecked("urn:glossgraph:literal-subject").into()
        }
    }
}

fn as_predicate(t: &oxigraph::model::Term) -> NamedNode {
    match t {
        oxigraph::model::Term::NamedNode(n) => n.clone(),
        _ => NamedNode::new_unchecked("urn:glossgraph:not-a-predicate"),
    }
}

/// A shapes graph to validate against.
struct ShapeSource {
    text: String,
    /// The file it came from, for messages.
    origin: String,
    /// `ontology/shapes.ttl`, whose SKOS constraints restate lint's own checks.
    builtin: bool,
}

/// The checks over a graph: SKOS, qSKOS, SHACL and (optionally) links.
fn graph_checks(
    report: &mut Report,
    mut g: Graph,
    shape_sources: &[ShapeSource],
    store: Option<&Store>,
    project: Option<&Project>,
    options: &Options,
) -> Result<(), LintError> {
    let own = project.map(|p| p.config.base.as_str());
    let mut compiled = Vec::new();
    for source in shape_sources {
        let shapes_graph = shacl::parse_shapes(&source.text, &source.origin)?;
        compiled.push((
            shacl::compile(&shapes_graph, &mut g, &source.origin),
            source.builtin,
        ));
    }
    let s = semantics::Skos::new(&g);
    report.stats = Stats {
        triples: g.len(),
        concepts: s.own_concepts().len(),
        schemes: s.own_schemes().len(),
    };
    report.findings.extend(skos::check(&s));
    let retired = deprecation::retired(&s);
    report.findings.extend(qskos::check(&s, &retired));
    report
        .findings
        .extend(deprecation::check(&s, &retired, own));
    if let (Some(project), Some(since)) = (project, &options.since) {
        let found = since::check(project, since, &s, &retired)
            .map_err(|e| LintError::Since(since.clone(), e))?;
        report.findings.extend(found);
    }
    let validator =
        shacl::Validator::new(&g, store)?.limited(options.shape_timeout, options.progress);
    for (shapes, builtin) in &compiled {
        let mut found = validator.validate(shapes);
        if *builtin {
            drop_restated(&report.findings, &mut found);
        }
        report.findings.extend(found);
    }
    if options.check_links {
        report
            .findings
            .extend(links::check(&g, own, &options.links));
    }
    Ok(())
}

/// The constraints of `ontology/shapes.ttl` that are the direct form of a SKOS
/// condition (`sh:disjoint` for S13, S27 and S46, `sh:uniqueLang` for S14) say
/// again what a `skos/…` finding about the same resources says; only the
/// latter, which explains the clash, is kept. Shapes given with `--shapes`
/// are reported in full.
fn drop_restated(findings: &[Finding], shacl: &mut Vec<Finding>) {
    let skos: std::collections::HashSet<&String> = findings
        .iter()
        .filter(|f| f.rule.starts_with("skos/"))
        .flat_map(|f| f.location.iri.iter().chain(&f.related))
        .collect();
    shacl.retain(|f| {
        !(matches!(f.rule.as_str(), "shacl/disjoint" | "shacl/unique-lang")
            && f.location.iri.as_ref().is_some_and(|i| skos.contains(i)))
    });
}
