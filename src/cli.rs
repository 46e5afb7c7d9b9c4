//! The command line, as clap derives it. Doc comments here are the `--help` text.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Publish a glossary as linked data: SKOS in an embedded Oxigraph store,
/// exported in every RDF format and queried with SPARQL.
#[derive(Debug, Parser)]
#[command(name = "glossgraph", version, about)]
pub struct Cli {
    /// The glossary folder (holding glossary.toml). Default: the nearest one at or
    /// above the current folder, or its data/ subfolder.
    #[arg(long, global = true, value_name = "DIR", env = "GLOSSGRAPH_DATA")]
    pub data: Option<PathBuf>,

    /// Keep the graph in a persistent store in DIR, updated incrementally
    /// (needs the `rocksdb` feature). Default: build it in memory.
    #[arg(long, global = true, value_name = "DIR", env = "GLOSSGRAPH_STORE")]
    pub store: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new glossary folder: glossary.toml with every setting explained,
    /// an example entry and a named query, ready for `glossgraph serve`.
    Init {
        /// The folder to create the glossary in (created if missing).
        #[arg(default_value = "data", value_name = "DIR")]
        dir: PathBuf,
        /// The address the glossary will be published at, ending in `/`.
        #[arg(
            long,
            default_value = "https://glossary.example.org/",
            value_name = "IRI"
        )]
        base: String,
        /// The glossary's title.
        #[arg(long, default_value = "My glossary")]
        title: String,
        /// The glossary's first language (a BCP 47 tag).
        #[arg(long, default_value = "en", value_name = "TAG")]
        language: String,
        /// Overwrite the settings, example entry and query if they exist.
        #[arg(long)]
        force: bool,
    },
    /// Turn glossary pages, SKOS vocabularies or spreadsheets into entries.
    /// Nothing is written unless every input imports and the result passes
    /// `glossgraph check`.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Build the graph and report what it holds.
    Build,
    /// Check the sources (the fast subset of lint); print every error and
    /// warning; exit 1 on errors.
    Check,
    /// Lint the glossary (sources and built graph), or RDF vocabularies given as
    /// files or URLs: SKOS integrity, qSKOS quality issues, glossary rules and
    /// SHACL shapes. Exit 1 when a finding is at or above --fail-on.
    Lint {
        /// RDF vocabulary files or http(s) URLs to lint instead of the glossary
        /// (read into one graph).
        #[arg(value_name = "SOURCE")]
        sources: Vec<String>,
        /// The report format.
        #[arg(long, short, value_enum, default_value = "text")]
        format: LintFormat,
        /// Exit 1 when a finding is at least this serious (info never fails).
        #[arg(long, value_enum, default_value = "error")]
        fail_on: LintFailOn,
        /// Also request every external http(s) link and report broken ones
        /// (8 at a time, 10 s each, 2 minutes in all).
        #[arg(long)]
        check_links: bool,
        /// Also validate against the SHACL shapes in FILE (Turtle); repeatable.
        #[arg(long, value_name = "FILE")]
        shapes: Vec<PathBuf>,
        /// Stop a shape that takes longer than this over all its focus nodes
        /// (its findings so far are kept, and a warning says it was stopped).
        #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
        shape_timeout: f64,
        /// Also report changes since A that break what others rely on: a
        /// concept removed rather than deprecated, a mapped concept
        /// relabelled. A is a release, `git:REV` or an RDF file.
        #[arg(long, value_name = "A")]
        since: Option<String>,
        /// Write the report to FILE (atomically) instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write the whole graph in one RDF format.
    Export {
        /// The output format.
        #[arg(long, short, value_enum, default_value = "turtle")]
        format: ExportFormat,
        /// Write only what the graph says about one concept (its id).
        #[arg(long, value_name = "ID")]
        concept: Option<String>,
        /// Write to FILE (atomically) instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Record the built graph as a release: a canonical N-Quads snapshot
    /// (RDFC-1.0), gzipped, with its SHA-256, date and notes, in `releases/`
    /// beside glossary.toml. Commit the folder.
    Release {
        /// The release's name, such as `1.0` (letters, digits, `.`, `-`, `_`).
        version: String,
        /// A Markdown file of release notes.
        #[arg(long, value_name = "FILE")]
        notes: Option<PathBuf>,
        /// The release's date, YYYY-MM-DD (default: today, UTC).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// What changed from one graph to another, concept by concept. A and B
    /// are release names (or `release:NAME`), git revisions of the glossary
    /// (`git:HEAD~1`, read from git without checking out), RDF files, or
    /// `working-tree`; the default compares the last release with the
    /// working tree. Exit 1 when they differ.
    Diff {
        /// The earlier graph (default: the last release).
        #[arg(value_name = "A")]
        from: Option<String>,
        /// The later graph (default: the working tree).
        #[arg(value_name = "B")]
        to: Option<String>,
        /// The report format.
        #[arg(long, short, value_enum, default_value = "text")]
        format: glossgraph::release::report::DiffFormat,
        /// Write to FILE (atomically) instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write the glossary as a static site: every page and RDF file `serve`
    /// answers, a search index, and the rules that make nginx, Apache or Caddy
    /// negotiate formats as `serve` does. A rebuild rewrites only what changed.
    Site {
        /// The folder to write.
        #[arg(long, short, default_value = "site", value_name = "DIR")]
        output: PathBuf,
        /// The web server to write rules for (several allowed); default all.
        #[arg(long, value_enum, value_name = "HOST")]
        host: Vec<SiteHost>,
        /// Write into a folder that holds files glossgraph did not write (they
        /// are kept, never deleted).
        #[arg(long)]
        force: bool,
        /// A live SPARQL endpoint serving the same glossary: the site's
        /// `sparql` page sends readers there (a static folder answers no queries).
        #[arg(long, value_name = "URL", value_parser = absolute_http_url)]
        sparql_endpoint: Option<String>,
    },
    /// Push the graph to a triple store (Virtuoso, GraphDB, Fuseki, an Oxigraph
    /// server, …): every named graph of the build, over the SPARQL 1.1 Graph
    /// Store Protocol or SPARQL Update, sending only the graphs that changed
    /// since the last push and deleting those that are gone. The store keeps a
    /// manifest of what was pushed in the graph BASE/glossgraph/push.
    Push {
        /// The store's Graph Store Protocol endpoint (an Oxigraph server's
        /// `/store`, Virtuoso's `/sparql-graph-crud-auth`, Fuseki's
        /// `/DATASET/data`), or with `--protocol update` its update endpoint.
        #[arg(value_name = "URL", value_parser = absolute_http_url)]
        url: String,
        /// How to write: the Graph Store Protocol (PUT, POST, DELETE), or
        /// SPARQL Update (DROP SILENT GRAPH, INSERT DATA) for stores whose
        /// Graph Store Protocol is missing or limited.
        #[arg(long, value_enum, default_value = "gsp")]
        protocol: PushProtocol,
        /// With `--protocol update`: the query endpoint the manifest is read
        /// from. Default: URL.
        #[arg(long, value_name = "URL", value_parser = absolute_http_url)]
        query_endpoint: Option<String>,
        /// The user for HTTP Basic or Digest authentication (whichever the
        /// store asks for); the password comes from --password-env or
        /// --password-file.
        #[arg(long, requires = "password")]
        user: Option<String>,
        /// The environment variable that holds the password.
        #[arg(long, value_name = "VAR", group = "password", requires = "user")]
        password_env: Option<String>,
        /// The file whose first line is the password.
        #[arg(long, value_name = "FILE", group = "password", requires = "user")]
        password_file: Option<PathBuf>,
        /// The environment variable that holds a bearer token.
        #[arg(long, value_name = "VAR", conflicts_with_all = ["user", "token_file"])]
        token_env: Option<String>,
        /// The file whose first line is a bearer token.
        #[arg(long, value_name = "FILE", conflicts_with = "user")]
        token_file: Option<PathBuf>,
        /// Name the graphs in the store with this prefix in place of the base
        /// IRI (graphs outside the base: PREFIX/external/ and their IRI, encoded).
        #[arg(long, value_name = "IRI", value_parser = absolute_iri)]
        graph_prefix: Option<String>,
        /// Print what would be sent and deleted, and send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Send every graph, whatever the store's manifest says.
        #[arg(long)]
        full: bool,
        /// With `--protocol update`: load changed graphs into staging graphs,
        /// then put everything in place with one update request (atomic on
        /// stores that run an update request as one transaction).
        #[arg(long)]
        atomic: bool,
        /// The largest request body, in MiB (a blank-node structure larger
        /// than this goes whole).
        #[arg(long, default_value_t = 4.0, value_name = "MIB")]
        max_body: f64,
        /// How many times a request that failed on the network or with a 5xx
        /// is tried again (with backoff from half a second, doubling).
        #[arg(long, default_value_t = 4, value_name = "N")]
        retries: u32,
        /// Give up a request after this many seconds.
        #[arg(long, default_value_t = 300.0, value_name = "SECONDS")]
        timeout: f64,
    },
    /// Run a SPARQL query over the graph.
    Query {
        /// The query text.
        #[arg(required_unless_present_any = ["file", "name"], conflicts_with_all = ["file", "name"])]
        query: Option<String>,
        /// Read the query from a file.
        #[arg(long, value_name = "FILE", conflicts_with = "name")]
        file: Option<PathBuf>,
        /// Run a named query from the queries folder (see `glossgraph queries`).
        #[arg(long, short, value_name = "NAME")]
        name: Option<String>,
        /// Bind a named query's parameter, as NAME=VALUE.
        #[arg(long = "param", short, value_name = "NAME=VALUE", value_parser = parse_param)]
        params: Vec<(String, String)>,
        /// The output format. Default: a table on a terminal, TSV (or Turtle for
        /// CONSTRUCT and DESCRIBE) otherwise.
        #[arg(long, short, value_enum)]
        format: Option<QueryFormat>,
        /// Send the query to the SPARQL store at URL (its query endpoint)
        /// instead of running it on the built graph.
        #[arg(long, value_name = "URL", value_parser = http_url)]
        endpoint: Option<url::Url>,
    },
    /// List the named queries with their parameters.
    Queries,
    /// Find concepts by label (exact, prefix, words, infix, typos).
    Search {
        /// What to look for.
        term: String,
        /// Prefer labels in this language.
        #[arg(long)]
        lang: Option<String>,
        /// How many concepts to list.
        #[arg(long, short = 'n', default_value_t = 10)]
        limit: usize,
        /// List deprecated concepts too (after the others).
        #[arg(long)]
        deprecated: bool,
    },
    /// Serve the glossary: pages, RDF by content negotiation, SPARQL, dumps.
    Serve {
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1:7878", value_name = "ADDRESS")]
        bind: String,
        /// Rebuild when the sources change and serve the new graph; a broken
        /// edit is logged and the last good graph stays.
        #[arg(long)]
        watch: bool,
        /// Stop SPARQL queries running longer than this many seconds.
        #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
        query_timeout: f64,
        /// Refuse SPARQL answers with more rows than this.
        #[arg(long, default_value_t = 100_000, value_name = "ROWS")]
        max_results: usize,
        /// Keep at most this many megabytes of responses in each of the
        /// server's caches (pages, RDF, compressed bodies). A glossary whose
        /// pages all fit is served from memory; beyond, pages are made again.
        #[arg(long, default_value_t = 64, value_name = "MB")]
        cache_size: usize,
        /// Answer /sparql from the SPARQL store at URL (its query endpoint),
        /// under the same rules and limits; pages, dumps and search still
        /// come from the built graph.
        #[arg(long, value_name = "URL", value_parser = http_url)]
        sparql_endpoint: Option<url::Url>,
        /// The request log's format.
        #[arg(long, value_enum, default_value = "text")]
        log_format: LogFormat,
    },
    /// Print a completion script for a shell, e.g.
    /// `glossgraph completions bash > ~/.local/share/bash-completion/completions/glossgraph`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `glossgraph man > glossgraph.1`;
    /// with DIR, write it and a page per command (glossgraph-serve.1 …) there.
    Man {
        /// The folder to write the pages to.
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Writes the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    let mut command = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut command, "glossgraph", out);
}

/// Writes the manual page to `out`, or with `dir`, every page (one per
/// command, as `git` and `cargo` have them) to that folder.
pub fn man(dir: Option<&std::path::Path>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let command = <Cli as clap::CommandFactory>::command();
    match dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            clap_mangen::generate_to(command, dir)
        }
        None => clap_mangen::Man::new(command).render(out),
    }
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Glossary pages (plain text or HTML; files or http(s) URLs) become entries;
    /// site furniture (adverts, sign-up blocks) is dropped and reported.
    Page {
        /// Page files or URLs.
        #[arg(required = true, value_name = "FILE|URL")]
        inputs: Vec<String>,
        /// The folder entries are written to. Default: the glossary's entries/.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Overwrite entry files that exist.
        #[arg(long)]
        force: bool,
        /// Rewrite the glossary's entry a page is about (found by id,
        /// preferred or alternative label) from the page, keeping its id;
        /// says what this changes in the graph.
        #[arg(long)]
        update: bool,
        /// Also drop any block containing this text (case-insensitive); repeatable.
        #[arg(long = "drop-phrase", value_name = "TEXT")]
        drop_phrases: Vec<String>,
        /// Also drop HTML elements matching this CSS selector; repeatable.
        #[arg(long = "drop-selector", value_name = "SELECTOR")]
        drop_selectors: Vec<String>,
        /// Give up on a URL after this many seconds.
        #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
        timeout: f64,
        /// Remove control characters and Unicode noncharacters (reporting
        /// each) instead of refusing the page.
        #[arg(long)]
        sanitize: bool,
    },
    /// SKOS vocabularies (Turtle, RDF/XML, JSON-LD, N-Triples; files or URLs):
    /// describe them, or with --to-entries convert their concepts to entries.
    Skos {
        /// Vocabulary files or URLs, read together.
        #[arg(required = true, value_name = "FILE|URL")]
        inputs: Vec<String>,
        /// Convert the concepts to entry files (without it, say what the
        /// vocabularies hold and how to publish them as they are).
        #[arg(long)]
        to_entries: bool,
        /// The folder entries are written to. Default: the glossary's entries/.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Overwrite entry files that exist.
        #[arg(long)]
        force: bool,
        /// A definition for concepts that have none (without it their entries have
        /// none); either way they are marked needs-review.
        #[arg(long, value_name = "TEXT")]
        placeholder_definition: Option<String>,
        /// Where entry ids come from.
        #[arg(long, value_enum, default_value = "auto")]
        ids: IdsFrom,
        /// Give up on a URL after this many seconds.
        #[arg(long, default_value_t = 120.0, value_name = "SECONDS")]
        timeout: f64,
        /// Remove control characters and Unicode noncharacters from literals
        /// (reporting each) instead of refusing the vocabulary.
        #[arg(long)]
        sanitize: bool,
        /// Write the entries even if part of the vocabulary has no place in
        /// them (the report lists what is lost); without it, nothing is written.
        #[arg(long)]
        allow_loss: bool,
    },
    /// A spreadsheet (CSV, one concept per row; see README for the columns)
    /// becomes entries.
    Csv {
        /// The CSV file or URL.
        #[arg(value_name = "FILE|URL")]
        input: String,
        /// The folder entries are written to. Default: the glossary's entries/.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Overwrite entry files that exist.
        #[arg(long)]
        force: bool,
        /// Remove control characters and Unicode noncharacters (reporting
        /// each) instead of refusing the spreadsheet.
        #[arg(long)]
        sanitize: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum IdsFrom {
    /// The IRI's last part when it reads as words, else the preferred label.
    Auto,
    /// The preferred label.
    Label,
    /// The IRI's last part.
    LocalName,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SiteHost {
    Nginx,
    Apache,
    Caddy,
    /// No rules (GitHub Pages, GitLab Pages, S3): bare addresses answer HTML.
    Plain,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PushProtocol {
    /// The SPARQL 1.1 Graph Store HTTP Protocol.
    Gsp,
    /// SPARQL 1.1 Update.
    Update,
}

impl From<PushProtocol> for glossgraph::push::Protocol {
    fn from(p: PushProtocol) -> Self {
        match p {
            PushProtocol::Gsp => Self::Gsp,
            PushProtocol::Update => Self::Update,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LintFailOn {
    Error,
    Warning,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Turtle,
    Jsonld,
    /// JSON-LD with every node at the top level (the `flattened` profile).
    JsonldFlattened,
    /// JSON-LD without a context (the `expanded` profile).
    JsonldExpanded,
    Rdfxml,
    Ntriples,
    Nquads,
    Trig,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum QueryFormat {
    Table,
    Json,
    Xml,
    Csv,
    Tsv,
    Turtle,
    Ntriples,
    Jsonld,
}

/// An `http:` or `https:` URL a page can link to from any address.
fn absolute_http_url(text: &str) -> Result<String, String> {
    http_url(text).map(Into::into)
}

/// An absolute `http:` or `https:` URL.
fn http_url(text: &str) -> Result<url::Url, String> {
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(url),
        Ok(url) => Err(format!(
            "`{text}` is a {}: URL; give the endpoint's http:// or https:// address",
            url.scheme()
        )),
        Err(e) => Err(format!(
            "`{text}` is not an absolute URL ({e}); give the endpoint's http:// or https:// address"
        )),
    }
}

fn absolute_iri(text: &str) -> Result<String, String> {
    oxigraph::model::NamedNode::new(text)
        .map(|n| n.into_string())
        .map_err(|e| format!("`{text}` is not an absolute IRI ({e})"))
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("`{text}` is not NAME=VALUE"))
}

impl From<ExportFormat> for glossgraph::export::Format {
    fn from(format: ExportFormat) -> Self {
        match format {
            ExportFormat::Turtle => Self::Turtle,
            ExportFormat::Jsonld => Self::JsonLd,
            ExportFormat::JsonldFlattened => Self::JsonLdFlattened,
            ExportFormat::JsonldExpanded => Self::JsonLdExpanded,
            ExportFormat::Rdfxml => Self::RdfXml,
            ExportFormat::Ntriples => Self::NTriples,
            ExportFormat::Nquads => Self::NQuads,
            ExportFormat::Trig => Self::TriG,
        }
    }
}

impl From<IdsFrom> for glossgraph::import::skos::IdSource {
    fn from(ids: IdsFrom) -> Self {
        match ids {
            IdsFrom::Auto => Self::Auto,
            IdsFrom::Label => Self::Label,
            IdsFrom::LocalName => Self::LocalName,
        }
    }
}

impl From<LintFormat> for glossgraph::lint::ReportFormat {
    fn from(format: LintFormat) -> Self {
        match format {
            LintFormat::Text => Self::Text,
            LintFormat::Json => Self::Json,
            LintFormat::Sarif => Self::Sarif,
        }
    }
}

impl From<LintFailOn> for glossgraph::lint::FailOn {
    fn from(fail_on: LintFailOn) -> Self {
        match fail_on {
            LintFailOn::Error => Self::Error,
            LintFailOn::Warning => Self::Warning,
        }
    }
}

/// The results format asked for; by default a table on a terminal, TSV (or
/// Turtle for graphs) otherwise.
pub fn results_format(format: Option<QueryFormat>) -> glossgraph::results::ResultsFormat {
    use glossgraph::export::Format;
    use glossgraph::results::ResultsFormat;
    use std::io::IsTerminal;
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

/// A number of seconds as a duration, within what a timeout can sensibly be.
pub fn seconds(seconds: f64) -> std::time::Duration {
    std::time::Duration::from_secs_f64(seconds.clamp(0.001, 86_400.0))
}

impl From<SiteHost> for glossgraph::site::Host {
    fn from(host: SiteHost) -> Self {
        match host {
            SiteHost::Nginx => Self::Nginx,
            SiteHost::Apache => Self::Apache,
            SiteHost::Caddy => Self::Caddy,
            SiteHost::Plain => Self::Plain,
        }
    }
}
