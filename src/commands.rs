//! What each command does, on validated arguments, and what it reports:
//! `main` parses the command line, calls one of these and prints the
//! [`Report`] it gets back, or the [`CommandError`].
//!
//! Every command's failure is a `CommandError`, and [`CommandError::exit_code`]
//! is the one place that decides exit codes: 1 for a mistake in the input
//! (sources, settings, query or arguments), 2 for anything else (I/O, the
//! network, the store). A command that runs but finds what it looks for (errors
//! in `check`, findings in `lint`, nothing in `search`) says so in its report's
//! [`Report::exit_code`].
//!
//! Layer: commands; above every reader, below `main`.

use crate::build::{self, BuildError, StoreChoice};
use crate::diagnostic::Diagnostic;
use crate::export::{ContextError, Exporter, Format};
use crate::import::{self, ImportError};
use crate::lint::{self, LintError};
use crate::project::{Project, ProjectError};
use crate::push::{self, PushError};
use crate::query::{self, NamedQuery, QueryError};
use crate::release::{self, ReleaseError};
use crate::results::{self, ResultsFormat};
use crate::server::{self, serve::ServeError, snapshot::SnapshotError};
use crate::site::{self, SiteError};
use crate::store;
use std::fmt;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// What a command gives back: what to print on standard output (its
/// `Display`), findings and a summary for standard error, and its exit code.
pub trait Report: fmt::Display {
    /// Findings about the sources.
    fn diagnostics(&self) -> &[Diagnostic] {
        &[]
    }
    /// A line for standard error, after the findings.
    fn summary(&self) -> Option<String> {
        None
    }
    /// 0, or 1 when the command found what it looks for.
    fn exit_code(&self) -> u8 {
        0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Project(#[from] ProjectError),
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Export(#[from] ContextError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Lint(#[from] LintError),
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error(transparent)]
    Serve(#[from] ServeError),
    #[error(transparent)]
    Site(#[from] SiteError),
    #[error(transparent)]
    Push(#[from] Box<PushError>),
    #[error(transparent)]
    Release(#[from] ReleaseError),
    /// A secret named on the command line that cannot be read.
    #[error("{0}")]
    Secret(String),
    #[error("cannot write {}", .path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot read the current folder")]
    CurrentDir(#[source] io::Error),
    #[error("there is no concept `{0}`; ids are entry file names without `.md`")]
    UnknownConcept(String),
    #[error("cannot set up the client for the SPARQL store at {url}")]
    Endpoint { url: String, source: reqwest::Error },
}

impl CommandError {
    /// The located findings behind this error, if it is about the user's sources.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Self::Build(BuildError::Invalid(d)) => d,
            Self::Project(ProjectError::Config { diagnostics, .. }) => diagnostics,
            Self::Query(QueryError::Header(d)) => d,
            Self::Import(e) => e.diagnostics(),
            _ => &[],
        }
    }

    /// 1 for a mistake in the user's input, 2 for anything else.
    pub fn exit_code(&self) -> u8 {
        let mistake = match self {
            Self::Build(e) | Self::Lint(LintError::Build(e)) => {
                matches!(e, BuildError::Invalid(_) | BuildError::NoPersistentStore)
            }
            Self::Project(e) | Self::Lint(LintError::Project(e)) => {
                matches!(
                    e,
                    ProjectError::Config { .. }
                        | ProjectError::NotFound(_)
                        | ProjectError::Releases(crate::releases::ManifestError::Invalid { .. })
                )
            }
            Self::Query(e) => !matches!(e, QueryError::Remote(r) if r.is_network()),
            Self::Lint(LintError::Since(_, e)) => e.is_input_mistake(),
            Self::Lint(e) => matches!(
                e,
                LintError::Shapes(_) | LintError::ShapesIo { .. } | LintError::SinceWithSources
            ),
            Self::Import(e) => match e {
                ImportError::Fetch(e) => e.problem.is_input_mistake(),
                ImportError::Io { .. } => false,
                ImportError::Input { .. }
                | ImportError::Exists(_)
                | ImportError::Collision { .. }
                | ImportError::Invalid(_)
                | ImportError::Lossy { .. }
                | ImportError::Options(_) => true,
            },
            Self::Serve(e) => matches!(e, ServeError::Workers(_)),
            Self::Endpoint { .. } => false,
            Self::UnknownConcept(_) => true,
            Self::Site(e) => matches!(e, SiteError::Foreign { .. } | SiteError::Manifest { .. }),
            Self::Push(e) => e.is_input_mistake(),
            Self::Release(e) => e.is_input_mistake(),
            Self::Secret(_) => true,
            Self::Export(_) | Self::Snapshot(_) | Self::Write { .. } | Self::CurrentDir(_) => false,
        };
        if mistake { 1 } else { 2 }
    }
}

/// Where a command runs: the current folder, the glossary asked for, and
/// where its graph is kept.
pub struct Context {
    pub cwd: PathBuf,
    /// `--data`: the glossary folder; else the nearest one at or above `cwd`.
    pub data: Option<PathBuf>,
    pub store: StoreChoice,
}

impl Context {
    pub fn new(data: Option<PathBuf>, store: StoreChoice) -> Result<Self, CommandError> {
        Ok(Self {
            cwd: std::env::current_dir().map_err(CommandError::CurrentDir)?,
            data,
            store,
        })
    }

    fn project(&self) -> Result<Project, ProjectError> {
        Project::locate(self.data.as_deref(), &self.cwd)
    }
}

/// A report with nothing to print but the warnings of the build it made.
pub struct Warnings(pub Vec<Diagnostic>);

impl fmt::Display for Warnings {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

impl Report for Warnings {
    fn diagnostics(&self) -> &[Diagnostic] {
        &self.0
    }
}

/// `init`: a new glossary folder.
pub fn init(dir: &Path, options: &import::InitOptions) -> Result<import::InitReport, CommandError> {
    Ok(import::init(dir, options)?)
}

impl Report for import::InitReport {}
impl Report for import::page::PageReport {}
impl Report for import::skos::SkosReport {}
impl Report for import::skos::Advice {}
impl Report for import::csv::CsvReport {}

/// `import page`.
pub fn import_page(
    context: &Context,
    inputs: &[String],
    options: &import::page::PageOptions,
) -> Result<import::page::PageReport, CommandError> {
    Ok(import::page::import(inputs, &context.project()?, options)?)
}

/// `import skos`: converts to entries, or (without `options`) says what the
/// vocabularies hold and how to publish them as they are.
pub fn import_skos(
    context: &Context,
    inputs: &[String],
    options: Result<&import::skos::SkosOptions, &import::FetchLimits>,
) -> Result<Box<dyn Report>, CommandError> {
    let project = context.project()?;
    Ok(match options {
        Ok(options) => Box::new(import::skos::to_entries(inputs, &project, options)?),
        Err(limits) => Box::new(import::skos::advise(inputs, &project, limits)?),
    })
}

/// `import csv`.
pub fn import_csv(
    context: &Context,
    input: &str,
    options: &import::csv::CsvOptions,
) -> Result<import::csv::CsvReport, CommandError> {
    Ok(import::csv::import(input, &context.project()?, options)?)
}

/// The entries folder of the glossary of `context`: where imports write by default.
pub fn entries_dir(context: &Context) -> Result<PathBuf, CommandError> {
    Ok(context.project()?.entries_dir())
}

/// What `check` found.
pub struct Checked(pub Vec<Diagnostic>);

impl fmt::Display for Checked {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

impl Checked {
    fn errors(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }
}

impl Report for Checked {
    fn diagnostics(&self) -> &[Diagnostic] {
        &self.0
    }
    fn summary(&self) -> Option<String> {
        let errors = self.errors();
        Some(format!(
            "glossgraph: {errors} error(s), {} warning(s)",
            self.0.len() - errors
        ))
    }
    fn exit_code(&self) -> u8 {
        u8::from(self.errors() > 0)
    }
}

/// `check`: every finding about the sources.
pub fn check(context: &Context) -> Result<Checked, CommandError> {
    let read = build::read(&context.project()?).map_err(BuildError::from)?;
    Ok(Checked(read.diagnostics))
}

/// What `build` made.
pub struct BuildReport {
    pub warnings: Vec<Diagnostic>,
    pub stats: build::Stats,
}

impl fmt::Display for BuildReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "built {} entries ({} converted), {} quads",
            self.stats.entries, self.stats.converted, self.stats.quads
        )
    }
}

impl Report for BuildReport {
    fn diagnostics(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

/// `build`.
pub fn build(context: &Context) -> Result<BuildReport, CommandError> {
    let built = build::build(&context.project()?, &context.store)?;
    let report = BuildReport {
        warnings: built.warnings.clone(),
        stats: built.stats,
    };
    if matches!(context.store, StoreChoice::Memory) {
        // The process ends after this: freeing an in-memory store one small
        // allocation at a time took a tenth of a 1,000-entry build.
        std::mem::forget(built);
    }
    Ok(report)
}

/// `export`: the whole graph, or what it says about one concept, in `format`, to
/// `output` or standard output.
pub fn export(
    context: &Context,
    format: Format,
    concept: Option<&str>,
    output: Option<&Path>,
) -> Result<Warnings, CommandError> {
    let project = context.project()?;
    let built = build::build(&project, &context.store)?;
    let exporter = Exporter::new(&project.config)?;
    let storage = |e| CommandError::Build(BuildError::Storage(e));
    match concept {
        None => {
            let quads = store::quads(&built.store).map_err(storage)?;
            write_output(output, |out| exporter.write(quads, format, out))?;
        }
        Some(id) => {
            let unknown = || CommandError::UnknownConcept(id.to_owned());
            if !crate::iri::is_slug(id) {
                return Err(unknown());
            }
            let iri = project.config.base.concept(id);
            let triples = store::describe(&built.store, iri.as_ref()).map_err(storage)?;
            if triples.is_empty() {
                return Err(unknown());
            }
            write_output(output, |out| exporter.write_triples(triples, format, out))?;
        }
    }
    Ok(Warnings(built.warnings))
}

/// What `release` recorded.
pub struct Released {
    pub release: release::Release,
    pub path: PathBuf,
}

impl fmt::Display for Released {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "released {} ({}): {} quads, sha256 {}, in {}",
            self.release.version,
            self.release.date,
            self.release.quads,
            self.release.sha256,
            self.path.display()
        )
    }
}

impl Report for Released {}

/// `release`: the graph the sources build, recorded as release `version`.
pub fn release(
    context: &Context,
    version: &str,
    notes: Option<&Path>,
    date: Option<&str>,
) -> Result<Released, CommandError> {
    let project = context.project()?;
    let notes = notes
        .map(|path| {
            std::fs::read_to_string(path).map_err(|source| ReleaseError::Read {
                path: path.to_owned(),
                source,
            })
        })
        .transpose()?;
    // Checked before the build, which a bad name would waste.
    if !release::is_version(version) {
        return Err(ReleaseError::BadVersion(version.to_owned()).into());
    }
    if project.releases.get(version).is_some() {
        return Err(ReleaseError::Exists(version.to_owned()).into());
    }
    let date = date.map_or_else(release::today, str::to_owned);
    if !release::is_date(&date) {
        return Err(ReleaseError::BadDate(date).into());
    }
    // The graph recorded describes itself as this release: its version, date
    // and place after the others.
    let mut releasing = project.clone();
    releasing.releases.releases.push(release::Release {
        version: version.to_owned(),
        date: date.clone(),
        sha256: String::new(),
        quads: 0,
        summary: None,
        notes: None,
    });
    // The last release is read while the graph is built.
    let (canonical, before) = std::thread::scope(|scope| {
        let project = &project;
        let before = project.releases.last().map(|last| {
            let input = release::Input::Release(last.version.clone());
            scope.spawn(move || release::input::load(&input, project))
        });
        let canonical = release::input::built(&releasing);
        let before = before
            .map(|reading| {
                reading
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .transpose();
        (canonical, before)
    });
    let (canonical, before) = (canonical?, before?);
    let recorded = release::record(&project, canonical, before.as_ref(), version, &date, notes)?;
    Ok(Released {
        path: recorded.snapshot(&release::dir(&project)),
        release: recorded,
    })
}

/// What `diff` found, written in the format asked for.
pub struct Diffed {
    pub text: String,
    pub changed: bool,
    pub summary: Option<String>,
}

impl fmt::Display for Diffed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Report for Diffed {
    fn summary(&self) -> Option<String> {
        self.summary.clone()
    }

    fn exit_code(&self) -> u8 {
        u8::from(self.changed)
    }
}

/// `diff`: what changed from `from` (default: the last release) to `to`
/// (default: the working tree), in `format`, to `output` or standard output.
pub fn diff(
    context: &Context,
    from: Option<&str>,
    to: Option<&str>,
    format: release::report::DiffFormat,
    output: Option<&Path>,
) -> Result<Diffed, CommandError> {
    let project = context.project()?;
    let manifest = &project.releases;
    let from = match from {
        Some(text) => release::Input::parse(text, manifest)?,
        None => match manifest.last() {
            Some(last) => release::Input::Release(last.version.clone()),
            None => {
                return Err(ReleaseError::Unknown {
                    name: "(the last release)".into(),
                    known: Vec::new(),
                }
                .into());
            }
        },
    };
    let to = match to {
        Some(text) => release::Input::parse(text, manifest)?,
        None => release::Input::WorkingTree,
    };
    let a = release::input::load(&from, &project)?;
    let b = release::input::load(&to, &project)?;
    let diff = release::diff::diff(&a, &b, &project.ontology, project.config.default_language());
    let text = release::report::write(&diff, format);
    let summary = release::report::summary(&diff);
    let text = match output {
        Some(_) => {
            write_output(output, |out| out.write_all(text.as_bytes()))?;
            String::new()
        }
        None => text,
    };
    Ok(Diffed {
        text,
        changed: !diff.is_empty(),
        // The text report starts with it already.
        summary: (format != release::report::DiffFormat::Text || output.is_some())
            .then_some(summary),
    })
}

/// What `site` wrote.
pub struct SiteReport {
    pub warnings: Vec<Diagnostic>,
    pub written: site::Written,
    pub dir: PathBuf,
    pub seconds: f64,
}

impl fmt::Display for SiteReport {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

impl Report for SiteReport {
    fn diagnostics(&self) -> &[Diagnostic] {
        &self.warnings
    }
    fn summary(&self) -> Option<String> {
        let changes = &self.written.changes;
        let mut lines: Vec<String> = self
            .written
            .warnings
            .iter()
            .filter(|w| !w.is_empty())
            .map(|w| format!("glossgraph: {w}"))
            .collect();
        lines.push(format!(
            "glossgraph: wrote the site to {} in {:.1} s: {} file(s) written, {} unchanged, {} deleted; {} address(es) negotiate",
            self.dir.display(),
            self.seconds,
            changes.written.len(),
            changes.unchanged,
            changes.deleted.len(),
            self.written.site.negotiated.len(),
        ));
        Some(lines.join("\n"))
    }
}

/// `site`: the glossary as static files in `dir`, with rules for `hosts`.
pub fn site(
    context: &Context,
    dir: &Path,
    options: &site::Options,
) -> Result<SiteReport, CommandError> {
    let started = std::time::Instant::now();
    let project = context.project()?;
    let built = build::build(&project, &context.store)?;
    let warnings = built.warnings.clone();
    let snapshot = server::snapshot_of(&project, built)?;
    let dir = context.cwd.join(dir);
    let written = site::write(snapshot, &dir, options)?;
    Ok(SiteReport {
        warnings,
        written,
        dir,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// What `push` did.
pub struct PushReport {
    pub warnings: Vec<Diagnostic>,
    pub pushed: push::Pushed,
    pub url: String,
}

impl fmt::Display for PushReport {
    /// A dry run's plan, a line per graph.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pushed.dry_run {
            for (graph, triples) in &self.pushed.sent {
                writeln!(f, "put <{graph}> ({triples} triples)")?;
            }
            for graph in &self.pushed.deleted {
                writeln!(f, "delete <{graph}>")?;
            }
        }
        Ok(())
    }
}

impl Report for PushReport {
    fn diagnostics(&self) -> &[Diagnostic] {
        &self.warnings
    }
    fn summary(&self) -> Option<String> {
        let p = &self.pushed;
        let triples: usize = p.sent.iter().map(|(_, n)| n).sum();
        let what = format!(
            "{} graph(s) ({triples} triples), delete {}, {} unchanged",
            p.sent.len(),
            p.deleted.len(),
            p.unchanged
        );
        Some(if p.dry_run {
            format!("glossgraph: a push to {} would send {what}", self.url)
        } else if p.sent.is_empty() && p.deleted.is_empty() && p.requests <= 1 {
            format!(
                "glossgraph: {} is up to date ({} graph(s))",
                self.url, p.unchanged
            )
        } else {
            format!(
                "glossgraph: pushed to {} in {:.1} s: sent {what}; {} request(s), {} in bodies",
                self.url,
                p.seconds,
                p.requests,
                push::size(p.bytes as f64)
            )
        })
    }
}

/// `push`: builds the graph and pushes it to the store `options` name.
pub fn push(context: &Context, options: &push::Options) -> Result<PushReport, CommandError> {
    let project = context.project()?;
    let built = build::build(&project, &context.store)?;
    let pushed =
        push::push(&built.store, project.config.base.as_str(), options).map_err(Box::new)?;
    Ok(PushReport {
        warnings: built.warnings,
        pushed,
        url: options.url.clone(),
    })
}

/// The query `query` runs.
pub enum QueryText {
    Text(String),
    File(PathBuf),
    Named(String),
}

/// What `query` answered, written out.
pub struct Answer {
    pub warnings: Vec<Diagnostic>,
    pub text: String,
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Report for Answer {
    fn diagnostics(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

/// `query`: runs a SPARQL query (text, file or named) with parameters, on
/// the built graph or, given an `endpoint`, on the SPARQL store there (the
/// graph is then not built).
pub fn query(
    context: &Context,
    query: QueryText,
    params: &[(String, String)],
    format: ResultsFormat,
    endpoint: Option<&url::Url>,
) -> Result<Answer, CommandError> {
    let project = context.project()?;
    let named: Option<NamedQuery>;
    let text = match query {
        QueryText::Text(text) => {
            named = None;
            text
        }
        QueryText::File(path) => {
            named = None;
            std::fs::read_to_string(&path).map_err(|source| QueryError::Io { path, source })?
        }
        QueryText::Named(name) => {
            let q = query::named_query(&project.queries_dir(), &name)?;
            let text = q.text.clone();
            named = Some(q);
            text
        }
    };
    let bindings = match &named {
        Some(q) => q.bindings(params, &project.config)?,
        None if !params.is_empty() => {
            return Err(QueryError::UnknownParam {
                name: params[0].0.clone(),
                known: "none (only named queries take parameters)".into(),
            }
            .into());
        }
        None => Vec::new(),
    };
    let exporter = Exporter::new(&project.config)?;
    let base = project.config.base.as_str();
    let built;
    let warnings;
    let answer = match endpoint {
        Some(endpoint) => {
            warnings = Vec::new();
            query::remote::run(endpoint, &text, base, bindings)?
        }
        None => {
            built = build::build(&project, &context.store)?;
            warnings = built.warnings.clone();
            query::run(&built.store, &text, base, bindings)?
        }
    };
    let mut out = Vec::new();
    results::write(
        answer,
        format,
        &exporter,
        project.config.default_language(),
        &mut out,
    )
    .map_err(|source| CommandError::Write {
        path: "the query's answer".into(),
        source,
    })?;
    Ok(Answer {
        warnings,
        text: String::from_utf8_lossy(&out).into_owned(),
    })
}

/// The named queries, with their parameters.
pub struct Queries(pub Vec<NamedQuery>);

impl fmt::Display for Queries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for q in &self.0 {
            writeln!(f, "{}\n    {}", q.name, q.title)?;
            if !q.description.is_empty() {
                writeln!(f, "    {}", q.description)?;
            }
            for p in &q.params {
                let default = p
                    .default
                    .as_deref()
                    .map(|d| format!(", default {d}"))
                    .unwrap_or_default();
                writeln!(
                    f,
                    "    --param {}=<{}{default}>  {}",
                    p.name,
                    p.kind.name(),
                    p.description
                )?;
            }
        }
        Ok(())
    }
}

impl Report for Queries {}

/// `queries`.
pub fn queries(context: &Context) -> Result<Queries, CommandError> {
    Ok(Queries(query::named_queries(
        &context.project()?.queries_dir(),
    )?))
}

/// What `search` found, best first.
pub struct Found {
    pub term: String,
    pub warnings: Vec<Diagnostic>,
    pub hits: Vec<server::search::Found>,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for hit in &self.hits {
            let lang = if hit.lang.is_empty() {
                String::new()
            } else {
                format!("@{}", hit.lang)
            };
            writeln!(
                f,
                "{:>5.1}  {}  <{}>  ({} {}: {}{lang})",
                hit.score,
                hit.label,
                hit.iri,
                hit.matched.name(),
                hit.kind.name(),
                hit.text,
            )?;
        }
        Ok(())
    }
}

impl Report for Found {
    fn diagnostics(&self) -> &[Diagnostic] {
        &self.warnings
    }
    fn summary(&self) -> Option<String> {
        self.hits
            .is_empty()
            .then(|| format!("glossgraph: nothing matches `{}`", self.term))
    }
    fn exit_code(&self) -> u8 {
        u8::from(self.hits.is_empty())
    }
}

/// `search`: concepts by label, as the server's search finds them.
pub fn search(
    context: &Context,
    term: &str,
    lang: Option<&str>,
    limit: usize,
    deprecated: bool,
) -> Result<Found, CommandError> {
    let project = context.project()?;
    let built = build::build(&project, &context.store)?;
    let warnings = built.warnings.clone();
    let snapshot = server::snapshot_of(&project, built)?;
    let lang = lang.unwrap_or(project.config.default_language());
    Ok(Found {
        term: term.to_owned(),
        warnings,
        hits: server::search::found(
            &snapshot,
            term,
            lang,
            limit.clamp(1, 1000),
            None,
            deprecated,
        ),
    })
}

/// What `lint` found; the report itself is written where `--output` says.
pub struct Linted {
    summary: Option<String>,
    exit_code: u8,
}

impl fmt::Display for Linted {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

impl Report for Linted {
    fn summary(&self) -> Option<String> {
        self.summary.clone()
    }
    fn exit_code(&self) -> u8 {
        self.exit_code
    }
}

/// How `lint` reports.
pub struct LintOutput<'a> {
    pub format: lint::ReportFormat,
    pub fail_on: lint::FailOn,
    pub output: Option<&'a Path>,
}

/// `lint`: the glossary, or the RDF `sources` given, written as `output`
/// says; exit 1 when a finding is at or above `fail_on`.
pub fn lint(
    context: &Context,
    sources: &[String],
    options: &lint::Options,
    output: &LintOutput<'_>,
) -> Result<Linted, CommandError> {
    let mut report = if sources.is_empty() {
        lint::lint_located(context.data.as_deref(), &context.cwd, options)?
    } else {
        lint::lint_sources(sources, options)?
    };
    report.relative_to(&context.cwd);
    write_output(output.output, |out| report.write(output.format, out))?;
    // The text report ends with its summary; other formats and files get it here.
    let summary = (output.format != lint::ReportFormat::Text || output.output.is_some())
        .then(|| report.summary());
    Ok(Linted {
        summary,
        exit_code: report.exit_code(output.fail_on),
    })
}

/// What `serve` says as it starts.
pub enum Serving<'a> {
    /// Listening at `address`: until the graph is built, every path but
    /// `/healthz` and `/readyz` answers 503.
    Listening { address: SocketAddr, workers: usize },
    /// The graph is built and served.
    Built {
        address: SocketAddr,
        workers: usize,
        quads: usize,
        warnings: &'a [Diagnostic],
    },
}

/// `serve`: listens at `bind` first and answers 503 while the graph is built
/// (so a process manager sees it alive and a load balancer not yet ready),
/// then serves it on every core until SIGINT or SIGTERM, rebuilding as the
/// sources change if `watch`. A failed first build stops the server and is
/// its error. `said` hears each step, the second on the thread that built.
pub fn serve(
    context: &Context,
    limits: server::Limits,
    sparql_endpoint: Option<url::Url>,
    bind: &str,
    watch: bool,
    mut said: impl FnMut(Serving<'_>) + Send + 'static,
) -> Result<(), CommandError> {
    let project = context.project()?;
    let endpoint = sparql_endpoint
        .map(|url| {
            let shown = url.to_string();
            server::remote_sparql::SparqlEndpoint::new(url)
                .map_err(|source| CommandError::Endpoint { url: shown, source })
        })
        .transpose()?;
    let threads = server::serve::workers()?;
    // Each worker's blocking pool has room for every query slot (a query
    // holds its thread until its evaluation ends) and a thread per core for
    // the short work: compressing, rendering, store reads, a rebuild. More
    // cannot make CPU-bound work faster, and cost memory: every thread keeps
    // allocator pages of its own, and after each rebuild the burst of pages
    // to render again had grown the pool to 60 threads and resident memory
    // by some 7 MiB per rebuild (BENCHMARKS.md, "Soak").
    let blocking = threads.saturating_add(limits.max_concurrent_queries);
    let listeners = server::serve::Listeners::bind(bind, threads, blocking)?;
    let (address, workers) = (listeners.local_addr(), threads.get());
    said(Serving::Listening { address, workers });
    let metrics = server::metrics::Metrics::new();
    let gate = server::ready::Gate::building(project.config.base.as_str(), metrics.clone());
    let opening = gate.clone();
    let store = context.store.clone();
    let (built, first) = tokio::sync::oneshot::channel();
    // A thread of its own rather than the runtime's blocking pool, which is
    // waited for at shutdown: SIGTERM during the build ends the process now.
    std::thread::Builder::new()
        .name("glossgraph-build".into())
        .spawn(move || {
            let result = (|| -> Result<_, CommandError> {
                let started = std::time::Instant::now();
                let sources = server::sources_fingerprint(&project);
                let graph = build::build(&project, &store)?;
                let warnings = graph.warnings.clone();
                let quads = graph.stats.quads;
                let snapshot = server::snapshot_of(&project, graph)?;
                metrics.serving(snapshot.quads, snapshot.built_at, started.elapsed());
                let state = server::AppState::observed(snapshot, limits, endpoint, metrics);
                opening.open(server::app(state.clone()));
                said(Serving::Built {
                    address,
                    workers,
                    quads,
                    warnings: &warnings,
                });
                Ok((state, project, store, sources))
            })();
            let _ = built.send(result);
        })
        .map_err(ServeError::Thread)?;
    let (failed, failure) = std::sync::mpsc::channel();
    let stop = std::sync::Arc::new(tokio::sync::Notify::new());
    let stopping = stop.clone();
    let background = async move {
        let error = match first.await {
            Ok(Ok((state, project, store, sources))) => {
                if watch {
                    let interval = std::time::Duration::from_millis(500);
                    server::watch(state, project, store, interval, sources).await;
                }
                return;
            }
            Ok(Err(e)) => e,
            Err(_) => ServeError::Panicked.into(),
        };
        let _ = failed.send(error);
        stopping.notify_one();
    };
    let shutdown = async move {
        tokio::select! {
            () = server::shutdown_signal() => {},
            () = stop.notified() => {},
        }
    };
    listeners.serve(gate, background, shutdown)?;
    match failure.try_recv() {
        Ok(error) => Err(error),
        Err(_) => Ok(()),
    }
}

/// Writes to a file atomically (a temporary file renamed into place), or to
/// standard output.
pub fn write_output(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), CommandError> {
    match output {
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            let result = write(&mut out).and_then(|()| out.flush());
            match result {
                // A closed pipe (`| head`) is not a failure.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                Err(source) => Err(CommandError::Write {
                    path: "standard output".into(),
                    source,
                }),
                Ok(()) => Ok(()),
            }
        }
        Some(path) => {
            crate::files::write_atomically(path, write).map_err(|source| CommandError::Write {
                path: path.to_owned(),
                source,
            })
        }
    }
}
