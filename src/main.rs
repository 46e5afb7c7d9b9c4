//! The `glossgraph` binary: parses the command line and calls the library.

mod cli;

use clap::Parser;
use cli::{
    Cli, Command, ExportFormat, IdsFrom, ImportCommand, LintFailOn, LintFormat, LogFormat,
    QueryFormat,
};
use glossgraph::build::StoreChoice;
use glossgraph::commands::{self, CommandError};
use glossgraph::diagnostic::Diagnostic;
use glossgraph::export::Format;
use glossgraph::project::Project;
use glossgraph::query;
use glossgraph::results::ResultsFormat;
use glossgraph::server;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

// The build allocates a few small strings per triple on two threads; glibc's
// allocator spent a fifth of a build's time on them (see BENCHMARKS.md).
// Without transparent huge pages (the `no_thp` feature): with them a server
// of 44 entries held 90 MiB instead of 35, and builds were no faster.
// `override` makes mimalloc the C library's malloc as well, so the process has
// one heap: Oxigraph frees RocksDB's error messages, which RocksDB's C code
// allocates, through this allocator, and with two heaps every store error
// (a locked or damaged store) crashed the process instead of being reported.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Returns to the system the memory freed while preparing to serve (the
/// concept and search indexes are built from a full read of the store, and a
/// persistent store's caches are dropped after it): the allocator keeps freed
/// pages for reuse, and a server that starts up would otherwise hold them for
/// its whole life. 15–30 MiB at 10k entries (see BENCHMARKS.md).
fn release_free_memory() {
    // SAFETY: only hands free pages back; it touches no live memory.
    unsafe { libmimalloc_sys::mi_collect(true) };
}

fn main() -> ExitCode {
    let Cli {
        data,
        store,
        command,
    } = Cli::parse();
    // Lint runs before a glossary is opened: SOURCEs need none.
    let command = match command {
        Command::Lint {
            sources,
            format,
            fail_on,
            check_links,
            shapes,
            output,
        } => {
            return lint(
                data.as_deref(),
                sources,
                format,
                fail_on,
                check_links,
                shapes,
                output.as_deref(),
            );
        }
        // Init creates the glossary that the other commands open.
        Command::Init {
            dir,
            base,
            title,
            language,
            force,
        } => {
            let options = glossgraph::import::InitOptions {
                base,
                title,
                language,
                force,
            };
            return match glossgraph::import::init(&dir, &options) {
                Ok(report) => {
                    print!("{report}");
                    ExitCode::SUCCESS
                }
                Err(err) => fail(&CommandError::from(err)),
            };
        }
        other => other,
    };
    match run(Cli {
        data,
        store,
        command,
    }) {
        Ok(code) => code,
        Err(err) => fail(&err),
    }
}

fn fail(err: &CommandError) -> ExitCode {
    print_diagnostics(err.diagnostics());
    eprintln!("glossgraph: {err}");
    ExitCode::from(err.exit_code() as u8)
}

fn run(cli: Cli) -> Result<ExitCode, CommandError> {
    let cwd = std::env::current_dir().map_err(|source| CommandError::Write {
        path: ".".into(),
        source,
    })?;
    let project = Project::locate(cli.data.as_deref(), &cwd)?;
    let choice = match cli.store {
        Some(dir) => StoreChoice::Persistent {
            dir,
            on_wait: |dir| {
                eprintln!(
                    "glossgraph: another build of {} is running; waiting for it to finish",
                    dir.display()
                )
            },
        },
        None => StoreChoice::Memory,
    };
    match cli.command {
        Command::Lint { .. } | Command::Init { .. } => {
            unreachable!("lint and init run before a glossary is opened")
        }
        Command::Import { what } => run_import(what, &project)?,
        Command::Check => {
            let diagnostics = commands::check(&project)?;
            print_diagnostics(&diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let warnings = diagnostics.len() - errors;
            eprintln!("glossgraph: {errors} error(s), {warnings} warning(s)");
            return Ok(if errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            });
        }
        Command::Build => {
            let built = commands::open(&project, &choice)?;
            print_diagnostics(&built.warnings);
            println!(
                "built {} entries ({} converted), {} quads",
                built.stats.entries, built.stats.converted, built.stats.quads
            );
            if matches!(choice, StoreChoice::Memory) {
                // The process ends here: freeing an in-memory store one small
                // allocation at a time took a tenth of a 1,000-entry build.
                std::mem::forget(built);
            }
        }
        Command::Export {
            format,
            concept,
            output,
        } => {
            let built = commands::export(
                &project,
                &choice,
                export_format(format),
                concept.as_deref(),
                output.as_deref(),
            )?;
            print_diagnostics(&built.warnings);
        }
        Command::Query {
            query: text,
            file,
            name,
            params,
            format,
        } => {
            let named = match &name {
                Some(name) => Some(query::named_query(&project.queries_dir(), name)?),
                None => None,
            };
            let text = match (&named, file, text) {
                (Some(q), _, _) => q.text.clone(),
                (None, Some(path), _) => std::fs::read_to_string(&path)
                    .map_err(|source| query::QueryError::Io { path, source })?,
                (None, None, Some(text)) => text,
                (None, None, None) => unreachable!("clap requires a query, --file or --name"),
            };
            let format = results_format(format);
            let mut buffer = Vec::new();
            let built = commands::query(
                &project,
                &choice,
                &text,
                named.as_ref(),
                &params,
                format,
                &mut buffer,
            )?;
            print_diagnostics(&built.warnings);
            commands::write_output(None, |out| out.write_all(&buffer))?;
        }
        Command::Serve {
            bind,
            watch,
            query_timeout,
            max_results,
            log_format,
        } => {
            init_log(log_format);
            let limits = server::Limits {
                query_timeout: std::time::Duration::from_secs_f64(
                    query_timeout.clamp(0.001, 86_400.0),
                ),
                max_result_rows: max_results,
                ..server::Limits::default()
            };
            let sources = server::sources_fingerprint(&project);
            let built = commands::open(&project, &choice)?;
            print_diagnostics(&built.warnings);
            let quads = built.stats.quads;
            let snapshot =
                server::snapshot_of(&project, built).map_err(|e| CommandError::Write {
                    path: project.dir.clone(),
                    source: std::io::Error::other(e.to_string()),
                })?;
            let state = server::AppState::new(snapshot, limits);
            release_free_memory();
            let workers = match server::serve::workers() {
                Ok(workers) => workers,
                Err(err) => {
                    eprintln!("glossgraph: {err}");
                    return Ok(ExitCode::from(1));
                }
            };
            let watcher = watch.then(|| {
                server::watch(
                    state.clone(),
                    project.clone(),
                    choice.clone(),
                    std::time::Duration::from_millis(500),
                    sources,
                )
            });
            let background = async move {
                if let Some(watcher) = watcher {
                    watcher.await;
                }
            };
            server::serve::serve(state, &bind, workers, background, |address| {
                eprintln!(
                    "glossgraph: serving {quads} quads at http://{address}/ on {workers} threads (Ctrl-C stops)"
                );
            })
            .map_err(|err| match err {
                server::serve::ServeError::Bind { address, source } => {
                    CommandError::Bind { address, source }
                }
                other => CommandError::Write {
                    path: "the network".into(),
                    source: std::io::Error::other(other.to_string()),
                },
            })?;
        }
        Command::Search { term, lang, limit } => {
            let built = commands::open(&project, &choice)?;
            print_diagnostics(&built.warnings);
            let snapshot =
                server::snapshot_of(&project, built).map_err(|e| CommandError::Write {
                    path: project.dir.clone(),
                    source: std::io::Error::other(e.to_string()),
                })?;
            let lang = lang.unwrap_or_else(|| project.config.default_language().to_owned());
            let mut languages: Vec<&str> = vec![lang.as_str()];
            languages.extend(
                snapshot
                    .languages()
                    .iter()
                    .map(String::as_str)
                    .filter(|l| *l != lang),
            );
            let hits = snapshot.search.search(&glossgraph::search::Query {
                text: &term,
                languages: &languages,
                limit: limit.clamp(1, 1000),
                deprecated: true,
            });
            commands::write_output(None, |out| {
                for hit in &hits {
                    let concept = &snapshot.concepts.concepts[hit.concept as usize];
                    let (text, label_lang, kind) = snapshot.search.label(hit.label);
                    let label = snapshot.concepts.label(hit.concept as usize, &languages);
                    writeln!(
                        out,
                        "{:>5.1}  {label}  <{}>  ({} {}: {text}{})",
                        hit.score,
                        concept.iri,
                        hit.matched.name(),
                        kind.name(),
                        if label_lang.is_empty() {
                            String::new()
                        } else {
                            format!("@{label_lang}")
                        }
                    )?;
                }
                Ok(())
            })?;
            if hits.is_empty() {
                eprintln!("glossgraph: nothing matches `{term}`");
                return Ok(ExitCode::from(1));
            }
        }
        Command::Queries => {
            let queries = query::named_queries(&project.queries_dir())?;
            commands::write_output(None, |out| {
                for q in &queries {
                    writeln!(out, "{}\n    {}", q.name, q.title)?;
                    if !q.description.is_empty() {
                        writeln!(out, "    {}", q.description)?;
                    }
                    for p in &q.params {
                        let default = p
                            .default
                            .as_deref()
                            .map(|d| format!(", default {d}"))
                            .unwrap_or_default();
                        writeln!(
                            out,
                            "    --param {}=<{}{default}>  {}",
                            p.name,
                            p.kind.name(),
                            p.description
                        )?;
                    }
                }
                Ok(())
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints findings with paths relative to the current folder, as editors and
/// terminals link them.
fn print_diagnostics(diagnostics: &[Diagnostic]) {
    let cwd = std::env::current_dir().unwrap_or_default();
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for d in diagnostics {
        let mut d = d.clone();
        if let Ok(relative) = d.path.strip_prefix(&cwd) {
            d.path = relative.to_owned();
        }
        let _ = writeln!(err, "{d}");
    }
}

/// `glossgraph import …`: the report on standard output.
fn run_import(what: ImportCommand, project: &Project) -> Result<(), CommandError> {
    use glossgraph::import::{self, FetchLimits};
    let seconds = |s: f64| std::time::Duration::from_secs_f64(s.clamp(0.001, 86_400.0));
    let out_dir = |out: Option<std::path::PathBuf>| out.unwrap_or_else(|| project.entries_dir());
    let report = match what {
        ImportCommand::Page {
            inputs,
            out,
            force,
            drop_phrases,
            drop_selectors,
            timeout,
        } => {
            let options = import::page::PageOptions {
                out_dir: out_dir(out),
                force,
                rules: import::page::FurnitureRules {
                    phrases: drop_phrases,
                    selectors: drop_selectors,
                },
                limits: FetchLimits {
                    timeout: seconds(timeout),
                    ..FetchLimits::PAGE
                },
            };
            import::page::import(&inputs, project, &options)?.to_string()
        }
        ImportCommand::Skos {
            inputs,
            to_entries,
            out,
            force,
            placeholder_definition,
            ids,
            timeout,
        } => {
            let limits = FetchLimits {
                timeout: seconds(timeout),
                ..FetchLimits::VOCABULARY
            };
            if to_entries {
                let options = import::skos::SkosOptions {
                    out_dir: out_dir(out),
                    force,
                    placeholder_definition,
                    ids: match ids {
                        IdsFrom::Auto => import::skos::IdSource::Auto,
                        IdsFrom::Label => import::skos::IdSource::Label,
                        IdsFrom::LocalName => import::skos::IdSource::LocalName,
                    },
                    limits,
                };
                import::skos::to_entries(&inputs, project, &options)?.to_string()
            } else {
                let inspection = import::skos::inspect(&inputs, &limits)?;
                // glossary.toml lists vocabulary files by path relative to the glossary folder.
                let files: Vec<String> = inputs
                    .iter()
                    .map(|i| {
                        let name = i.rsplit(['/', '\\']).next().unwrap_or(i);
                        format!("\"{name}\"")
                    })
                    .collect();
                format!(
                    "{inspection}to publish as it is, save the file(s) in {} and add to {}:\n  vocabularies = [{}]\nto convert to entries instead, run again with --to-entries\n",
                    project.dir.display(),
                    project.config_path().display(),
                    files.join(", ")
                )
            }
        }
        ImportCommand::Csv { input, out, force } => {
            let options = import::csv::CsvOptions {
                out_dir: out_dir(out),
                force,
                limits: FetchLimits::PAGE,
            };
            import::csv::import(&input, project, &options)?.to_string()
        }
    };
    commands::write_output(None, |out| out.write_all(report.as_bytes()))
}

fn export_format(format: ExportFormat) -> Format {
    match format {
        ExportFormat::Turtle => Format::Turtle,
        ExportFormat::Jsonld => Format::JsonLd,
        ExportFormat::Rdfxml => Format::RdfXml,
        ExportFormat::Ntriples => Format::NTriples,
        ExportFormat::Nquads => Format::NQuads,
        ExportFormat::Trig => Format::TriG,
    }
}

fn results_format(format: Option<QueryFormat>) -> ResultsFormat {
    match format {
        None if std::io::stdout().is_terminal() => ResultsFormat::Table,
        None => ResultsFormat::Tsv,
        Some(QueryFormat::Table) => ResultsFormat::Table,
        Some(QueryFormat::Json) => ResultsFormat::Json,
        Some(QueryFormat::Xml) => ResultsFormat::Xml,
        Some(QueryFormat::Csv) => ResultsFormat::Csv,
        Some(QueryFormat::Tsv) => ResultsFormat::Tsv,
        Some(QueryFormat::Turtle) => ResultsFormat::Rdf(Format::Turtle),
        Some(QueryFormat::Ntriples) => ResultsFormat::Rdf(Format::NTriples),
        Some(QueryFormat::Jsonld) => ResultsFormat::Rdf(Format::JsonLd),
    }
}

/// The request log: one line per request on standard error, as text or JSON.
/// `GLOSSGRAPH_LOG` sets the level (default `info`).
fn init_log(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GLOSSGRAPH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

/// `glossgraph lint`: the report on standard output (or FILE), the summary on
/// standard error for the JSON and SARIF formats; exit 0, 1 (findings at or
/// above --fail-on, or no glossary) or 2 (lint could not run).
fn lint(
    data: Option<&std::path::Path>,
    sources: Vec<String>,
    format: LintFormat,
    fail_on: LintFailOn,
    check_links: bool,
    shapes: Vec<std::path::PathBuf>,
    output: Option<&std::path::Path>,
) -> ExitCode {
    use glossgraph::lint;
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(e) => {
            eprintln!("glossgraph: cannot read the current folder: {e}");
            return ExitCode::from(2);
        }
    };
    let options = lint::Options {
        check_links,
        shapes,
        ..lint::Options::default()
    };
    let result = if sources.is_empty() {
        lint::lint_located(data, &cwd, &options)
    } else {
        lint::lint_sources(&sources, &options)
    };
    let mut report = match result {
        Ok(report) => report,
        Err(e) => {
            eprintln!("glossgraph: {e}");
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    report.relative_to(&cwd);
    let format = match format {
        LintFormat::Text => lint::ReportFormat::Text,
        LintFormat::Json => lint::ReportFormat::Json,
        LintFormat::Sarif => lint::ReportFormat::Sarif,
    };
    if let Err(e) = commands::write_output(output, |out| report.write(format, out)) {
        eprintln!("glossgraph: {e}");
        return ExitCode::from(2);
    }
    if format != lint::ReportFormat::Text || output.is_some() {
        eprintln!("{}", report.summary());
    }
    let fail_on = match fail_on {
        LintFailOn::Error => lint::FailOn::Error,
        LintFailOn::Warning => lint::FailOn::Warning,
    };
    ExitCode::from(report.exit_code(fail_on) as u8)
}
