//! The `glossgraph` binary: parses the command line, calls the command in
//! `glossgraph::commands` and prints what it reports, or its error with every
//! cause, on one line as `glossgraph: …`.

mod cli;

use clap::Parser;
use cli::{Cli, Command, ImportCommand, LogFormat, results_format, seconds};
use glossgraph::build::StoreChoice;
use glossgraph::commands::{self, CommandError, Context, LintOutput, QueryText, Report, Serving};
use glossgraph::diagnostic::{Chain, Diagnostic};
use glossgraph::import::{self, FetchLimits};
use glossgraph::{lint, push, server, site};
use std::io::Write;
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

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Help and the version are answers (0); a mistake in the arguments
            // is a mistake in the input, 1 as for every other (clap's own is 2).
            let _ = err.print();
            return ExitCode::from(u8::from(err.use_stderr()));
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            print_diagnostics(err.diagnostics());
            eprintln!("glossgraph: {}", Chain(&err));
            ExitCode::from(err.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<u8, CommandError> {
    let store = match cli.store {
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
    let context = Context::new(cli.data, store)?;
    match cli.command {
        Command::Init {
            dir,
            base,
            title,
            language,
            force,
        } => {
            let options = import::InitOptions {
                base,
                title,
                language,
                force,
            };
            finish(&commands::init(&dir, &options)?)
        }
        Command::Import { what } => import(&context, what),
        Command::Check => finish(&commands::check(&context)?),
        Command::Build => finish(&commands::build(&context)?),
        Command::Lint {
            sources,
            format,
            fail_on,
            check_links,
            shapes,
            shape_timeout,
            since,
            output,
        } => {
            let options = lint::Options {
                check_links,
                shapes,
                since,
                shape_timeout: seconds(shape_timeout),
                progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
                ..lint::Options::default()
            };
            let output = LintOutput {
                format: format.into(),
                fail_on: fail_on.into(),
                output: output.as_deref(),
            };
            finish(&commands::lint(&context, &sources, &options, &output)?)
        }
        Command::Export {
            format,
            concept,
            output,
        } => finish(&commands::export(
            &context,
            format.into(),
            concept.as_deref(),
            output.as_deref(),
        )?),
        Command::Release {
            version,
            notes,
            date,
        } => finish(&commands::release(
            &context,
            &version,
            notes.as_deref(),
            date.as_deref(),
        )?),
        Command::Diff {
            from,
            to,
            format,
            output,
        } => finish(&commands::diff(
            &context,
            from.as_deref(),
            to.as_deref(),
            format,
            output.as_deref(),
        )?),
        Command::Site {
            output,
            host,
            force,
            sparql_endpoint,
        } => {
            let hosts: Vec<site::Host> = if host.is_empty() {
                site::Host::ALL.to_vec()
            } else {
                host.into_iter().map(Into::into).collect()
            };
            let options = site::Options {
                hosts: &hosts,
                force,
                sparql_endpoint: sparql_endpoint.as_deref(),
            };
            finish(&commands::site(&context, &output, &options)?)
        }
        Command::Push {
            url,
            protocol,
            query_endpoint,
            user,
            password_env,
            password_file,
            token_env,
            token_file,
            graph_prefix,
            dry_run,
            full,
            atomic,
            max_body,
            retries,
            timeout,
        } => {
            let credentials = match (user, token_env, token_file) {
                (Some(user), _, _) => push::Credentials::User {
                    user,
                    password: secret(
                        password_env.as_deref(),
                        password_file.as_deref(),
                        "--password",
                    )?,
                },
                (None, None, None) => push::Credentials::None,
                (None, env, file) => {
                    push::Credentials::Token(secret(env.as_deref(), file.as_deref(), "--token")?)
                }
            };
            let options = push::Options {
                url,
                protocol: protocol.into(),
                query_url: query_endpoint,
                credentials,
                graph_prefix,
                dry_run,
                full,
                atomic,
                max_body: (max_body.max(0.001) * 1024.0 * 1024.0) as usize,
                retries,
                timeout: seconds(timeout),
                progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            };
            finish(&commands::push(&context, &options)?)
        }
        Command::Query {
            query,
            file,
            name,
            params,
            format,
            endpoint,
        } => {
            let query = match (name, file, query) {
                (Some(name), _, _) => QueryText::Named(name),
                (None, Some(path), _) => QueryText::File(path),
                (None, None, text) => QueryText::Text(text.unwrap_or_default()),
            };
            finish(&commands::query(
                &context,
                query,
                &params,
                results_format(format),
                endpoint.as_ref(),
            )?)
        }
        Command::Queries => finish(&commands::queries(&context)?),
        Command::Search {
            term,
            lang,
            limit,
            deprecated,
        } => finish(&commands::search(
            &context,
            &term,
            lang.as_deref(),
            limit,
            deprecated,
        )?),
        Command::Completions { shell } => {
            commands::write_output(None, |out| {
                cli::completions(shell, out);
                Ok(())
            })?;
            Ok(0)
        }
        Command::Man { dir } => {
            match dir {
                Some(dir) => cli::man(Some(&dir), &mut std::io::sink())
                    .map_err(|source| CommandError::Write { path: dir, source })?,
                None => commands::write_output(None, |out| cli::man(None, out))?,
            }
            Ok(0)
        }
        Command::Serve {
            bind,
            watch,
            query_timeout,
            max_results,
            cache_size,
            sparql_endpoint,
            log_format,
        } => {
            init_log(log_format);
            let limits = server::Limits {
                query_timeout: seconds(query_timeout),
                max_result_rows: max_results,
                response_cache: cache_size.saturating_mul(1024 * 1024),
                ..server::Limits::default()
            };
            commands::serve(
                &context,
                limits,
                sparql_endpoint,
                &bind,
                watch,
                |said| match said {
                    Serving::Listening { address, workers } => eprintln!(
                        "glossgraph: listening at http://{address}/ on {workers} threads; building the graph"
                    ),
                    Serving::Built {
                        address,
                        workers,
                        quads,
                        warnings,
                    } => {
                        print_diagnostics(warnings);
                        // Returns to the system the memory freed while
                        // preparing to serve (the concept and search indexes
                        // are built from a full read of the store, and a
                        // persistent store's caches are dropped after it):
                        // 15–30 MiB at 10k entries (see BENCHMARKS.md). On
                        // the thread that built, whose freed memory this is.
                        glossgraph::memory::release_free();
                        eprintln!(
                            "glossgraph: serving {quads} quads at http://{address}/ on {workers} threads (Ctrl-C stops)"
                        );
                    }
                },
            )?;
            Ok(0)
        }
    }
}

/// `glossgraph import …`.
fn import(context: &Context, what: ImportCommand) -> Result<u8, CommandError> {
    let out_dir = |out: Option<std::path::PathBuf>| match out {
        Some(dir) => Ok(dir),
        None => commands::entries_dir(context),
    };
    match what {
        ImportCommand::Page {
            inputs,
            out,
            force,
            update,
            drop_phrases,
            drop_selectors,
            timeout,
            sanitize,
        } => {
            let options = import::page::PageOptions {
                out_dir: out_dir(out)?,
                force,
                update,
                rules: import::page::FurnitureRules {
                    phrases: drop_phrases,
                    selectors: drop_selectors,
                },
                limits: FetchLimits {
                    timeout: seconds(timeout),
                    ..FetchLimits::PAGE
                },
                sanitize,
            };
            finish(&commands::import_page(context, &inputs, &options)?)
        }
        ImportCommand::Skos {
            inputs,
            to_entries,
            out,
            force,
            placeholder_definition,
            ids,
            timeout,
            sanitize,
            allow_loss,
        } => {
            let limits = FetchLimits {
                timeout: seconds(timeout),
                ..FetchLimits::VOCABULARY
            };
            let options = import::skos::SkosOptions {
                out_dir: out_dir(out)?,
                force,
                placeholder_definition,
                ids: ids.into(),
                limits,
                sanitize,
                allow_loss,
            };
            let options = if to_entries {
                Ok(&options)
            } else {
                Err(&limits)
            };
            finish(commands::import_skos(context, &inputs, options)?.as_ref())
        }
        ImportCommand::Csv {
            input,
            out,
            force,
            sanitize,
        } => {
            let options = import::csv::CsvOptions {
                out_dir: out_dir(out)?,
                force,
                limits: FetchLimits::PAGE,
                sanitize,
            };
            finish(&commands::import_csv(context, &input, &options)?)
        }
    }
}

/// Prints a report: its findings and summary on standard error, the rest on
/// standard output.
/// A password or token, from the environment variable `env` or the first
/// line of `file` (never from the command line, where `ps` shows it).
fn secret(
    env: Option<&str>,
    file: Option<&std::path::Path>,
    option: &str,
) -> Result<String, CommandError> {
    let value = match (env, file) {
        (Some(var), _) => std::env::var(var).map_err(|_| {
            CommandError::Secret(format!(
                "the environment variable {var} named by {option}-env is not set (or not UTF-8)"
            ))
        })?,
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|e| {
                CommandError::Secret(format!(
                    "{} named by {option}-file cannot be read: {e}",
                    path.display()
                ))
            })?
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
        (None, None) => unreachable!("clap requires one"),
    };
    if value.is_empty() {
        return Err(CommandError::Secret(format!("{option} is empty")));
    }
    Ok(value)
}

fn finish(report: &dyn Report) -> Result<u8, CommandError> {
    print_diagnostics(report.diagnostics());
    commands::write_output(None, |out| write!(out, "{report}"))?;
    if let Some(summary) = report.summary() {
        eprintln!("{summary}");
    }
    Ok(report.exit_code())
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

/// The request log: one line per request on standard error, as text or JSON.
/// `GLOSSGRAPH_LOG` sets the level (default `info`).
fn init_log(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GLOSSGRAPH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only for a person at a terminal: a log file or a pipe gets
    // plain text, and `NO_COLOR` (no-color.org) turns them off everywhere.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .with_target(false);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}
