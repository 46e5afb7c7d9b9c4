//! What the fuzz targets share: the glossary they read input against (this
//! repository's own `data/`, opened and built once per process), and the
//! properties more than one target checks.
//!
//! A property that does not hold panics with a message saying which, so
//! libFuzzer keeps the input as a crash.

use glossgraph::build::{self, StoreChoice};
use glossgraph::check;
use glossgraph::convert;
use glossgraph::diagnostic::Diagnostic;
use glossgraph::export::{Exporter, Format};
use glossgraph::import::target::Target;
use glossgraph::import::{ImportError, write::Planned};
use glossgraph::project::Project;
use glossgraph::query::{self, NamedQuery};
use glossgraph::server::snapshot::Snapshot;
use glossgraph::source::{self, Entry, ParseOptions, Summary};
use oxigraph::io::RdfParser;
use oxigraph::model::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxigraph::model::{Dataset, GraphName, Quad};
use spargebra::{Query, SparqlParser};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Every format `glossgraph export --format` offers.
pub const FORMATS: [Format; 8] = [
    Format::Turtle,
    Format::JsonLd,
    Format::JsonLdFlattened,
    Format::JsonLdExpanded,
    Format::RdfXml,
    Format::NTriples,
    Format::NQuads,
    Format::TriG,
];

/// The glossary of this repository.
pub fn project() -> &'static Project {
    static PROJECT: OnceLock<Project> = OnceLock::new();
    PROJECT.get_or_init(|| {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
        Project::open(&data).expect("the repository's data/ glossary opens")
    })
}

/// What importers add to: the glossary's entries, with new entries going to
/// its entries folder (planned there, never written).
pub fn target() -> &'static Target<'static> {
    static TARGET: OnceLock<Target<'static>> = OnceLock::new();
    TARGET.get_or_init(|| {
        let project = project();
        Target::load(project, &project.entries_dir()).expect("the glossary's entries read")
    })
}

/// The glossary's entries, as `check` sees them across the glossary.
pub fn summaries() -> &'static [Summary] {
    static SUMMARIES: OnceLock<Vec<Summary>> = OnceLock::new();
    SUMMARIES.get_or_init(|| {
        let project = project();
        target()
            .entries
            .iter()
            .map(|e| Summary::of(e, &project.ontology))
            .collect()
    })
}

/// The glossary's graph as the server serves it.
pub fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let project = project();
        let built = build::build(project, &StoreChoice::Memory).expect("the glossary builds");
        Snapshot::of_built(
            built,
            project.config.clone(),
            project.ontology.clone(),
            Vec::new(),
        )
        .expect("a snapshot of the glossary")
    })
}

/// The glossary's named queries (`queries/`), each with its text parsed.
pub fn named_queries() -> &'static [(NamedQuery, Query)] {
    static QUERIES: OnceLock<Vec<(NamedQuery, Query)>> = OnceLock::new();
    QUERIES.get_or_init(|| {
        let project = project();
        query::named_queries(&project.queries_dir())
            .expect("the named queries read")
            .into_iter()
            .map(|named| {
                let query = SparqlParser::new()
                    .with_base_iri(project.config.base.as_str())
                    .expect("the base is an IRI")
                    .parse_query(&named.text)
                    .expect("a named query parses");
                (named, query)
            })
            .collect()
    })
}

/// How the glossary parses entries.
pub fn parse_options() -> &'static ParseOptions {
    static OPTIONS: OnceLock<ParseOptions> = OnceLock::new();
    OPTIONS.get_or_init(|| ParseOptions::of(&project().config))
}

/// Writes `quads` in every export format and reads each output back with
/// Oxigraph's parsers: each must give the same graph (the same dataset, for
/// the formats that keep graphs). A format that refuses the graph, an output
/// that does not parse, and a graph that differs are each a crash.
pub fn round_trip(exporter: &Exporter, quads: &[Quad]) {
    let dataset = canonical(quads.iter().cloned());
    let graph = canonical(quads.iter().map(|q| {
        Quad::new(
            q.subject.clone(),
            q.predicate.clone(),
            q.object.clone(),
            GraphName::DefaultGraph,
        )
    }));
    for format in FORMATS {
        let mut out = Vec::new();
        if let Err(e) = exporter.write(quads.to_vec(), format, &mut out) {
            panic!("{} refused a graph that passed check: {e}", format.name());
        }
        let text = String::from_utf8_lossy(&out);
        let read = RdfParser::from_format(format.rdf_format())
            .for_slice(&out)
            .collect::<Result<Vec<Quad>, _>>()
            .unwrap_or_else(|e| {
                panic!(
                    "{} wrote output its parser rejects ({e}):\n{text}",
                    format.name()
                )
            });
        let expected = if format.keeps_graphs() {
            &dataset
        } else {
            &graph
        };
        let read = canonical(read.into_iter());
        if read != *expected {
            let missing: Vec<String> = expected
                .iter()
                .filter(|q| !read.contains(*q))
                .map(|q| q.to_string())
                .collect();
            let extra: Vec<String> = read
                .iter()
                .filter(|q| !expected.contains(*q))
                .map(|q| q.to_string())
                .collect();
            panic!(
                "{} read back another graph\nmissing: {missing:#?}\nextra: {extra:#?}\noutput:\n{text}",
                format.name()
            );
        }
    }
}

/// `quads` with blank nodes labelled canonically (RDFC-1.0), so that equal
/// graphs compare equal.
fn canonical(quads: impl Iterator<Item = Quad>) -> Dataset {
    let mut dataset: Dataset = quads.collect();
    dataset.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    });
    dataset
}

/// Whether `entry` passes `check` as an entry of the glossary: alone, and
/// with the glossary's entries.
pub fn passes_check(entry: &Entry) -> bool {
    let project = project();
    let alone = check::entry(entry, &project.config, &project.ontology);
    if alone.iter().any(Diagnostic::is_error) {
        return false;
    }
    let mut all = summaries().to_vec();
    all.retain(|s| s.id != entry.id);
    all.push(Summary::of(entry, &project.ontology));
    !check::glossary(&all, &project.ontology)
        .iter()
        .any(Diagnostic::is_error)
}

/// What `build` does with an entry that passed `check`: converts it to its
/// graph, which every export format must then write and read back whole.
pub fn publish(entry: &Entry) {
    let project = project();
    let quads = convert::entry(entry, &project.config, &project.ontology);
    round_trip(exporter(), &quads);
}

/// The glossary's exporter.
pub fn exporter() -> &'static Exporter {
    static EXPORTER: OnceLock<Exporter> = OnceLock::new();
    EXPORTER.get_or_init(|| Exporter::new(&project().config).expect("the shipped context reads"))
}

/// Checks what an importer planned. An importer writes only entries the
/// entry reader reads back: an `Invalid` error holding a `source/` finding
/// means it wrote text of its own that the reader rejects. What it would
/// write is published, as the next build would.
pub fn imported<R>(planned: Result<(Vec<Planned>, R), ImportError>) {
    match planned {
        Ok((files, _)) => {
            for file in files {
                let entry = source::parse_str(&file.text, &file.path, parse_options())
                    .unwrap_or_else(|found| {
                        panic!("a planned entry does not parse: {found:#?}\n{}", file.text)
                    });
                publish(&entry);
            }
        }
        Err(ImportError::Invalid(found)) => {
            let unread: Vec<String> = found
                .iter()
                .filter(|d| d.code.starts_with("source/"))
                .map(|d| format!("{}: {}", d.code, d.message))
                .collect();
            assert!(
                unread.is_empty(),
                "the importer wrote an entry the entry reader rejects: {unread:#?}"
            );
        }
        Err(_) => {}
    }
}

/// Where a fuzzed entry claims to live: in the glossary's entries folder,
/// with an id no entry has.
pub fn entry_path() -> PathBuf {
    project().entries_dir().join("fuzzed-entry.md")
}

/// A page as the page importer receives it: `bytes` named `name`, of
/// `media_type`, fetched from `url` if given.
pub fn page(
    name: &str,
    bytes: &[u8],
    media_type: &str,
    url: Option<&str>,
) -> glossgraph::input::Fetched {
    glossgraph::input::Fetched {
        name: name.into(),
        bytes: bytes.to_vec(),
        media_type: Some(media_type.into()),
        charset: None,
        url: url.map(str::to_owned),
    }
}

/// Plans `page` as `import page` does, and checks what it would write.
pub fn import_page(page: glossgraph::input::Fetched) {
    use glossgraph::import::page::{self, PageOptions};
    let target = target();
    imported(page::plan(
        &[page],
        target,
        &PageOptions::new(&target.out_dir),
        &[],
    ));
}
