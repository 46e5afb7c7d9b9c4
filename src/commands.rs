//! What each command does, on validated arguments. `main` turns the command line
//! into these calls and decides how to print what they return.

use crate::build::{self, BuildError, Built, StoreChoice};
use crate::diagnostic::Diagnostic;
use crate::export::{Exporter, Format};
use crate::project::{Project, ProjectError};
use crate::query::{self, NamedQuery, QueryError};
use crate::results::{self, ResultsFormat};
use crate::store;
use oxigraph::model::{GraphName, NamedNode};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Project(#[from] ProjectError),
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Export(#[from] crate::export::ContextError),
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    #[error("cannot write {}: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot listen on {address}: {source}; pass another --bind address")]
    Bind { address: String, source: io::Error },
    #[error("there is no concept `{0}`; ids are entry file names without `.md`")]
    UnknownConcept(String),
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
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Build(BuildError::Invalid(_))
            | Self::Project(ProjectError::Config { .. } | ProjectError::NotFound(_))
            | Self::Query(_)
            | Self::Build(BuildError::NoPersistentStore)
            | Self::UnknownConcept(_) => 1,
            Self::Import(e) => e.exit_code(),
            _ => 2,
        }
    }
}

/// Builds the graph where `choice` says.
pub fn open(project: &Project, choice: &StoreChoice) -> Result<Built, CommandError> {
    Ok(build::build(project, choice)?)
}

/// `check`: every finding about the sources; the caller exits 1 if any is an error.
pub fn check(project: &Project) -> Result<Vec<Diagnostic>, CommandError> {
    let read = build::read(project).map_err(BuildError::from)?;
    Ok(read.diagnostics)
}

/// `export`: the whole graph, or what it says about one concept, in `format`, to
/// `output` or standard output.
pub fn export(
    project: &Project,
    choice: &StoreChoice,
    format: Format,
    concept: Option<&str>,
    output: Option<&Path>,
) -> Result<Built, CommandError> {
    let built = open(project, choice)?;
    let exporter = Exporter::new(&project.config)?;
    let quads = match concept {
        None => store::quads(&built.store).map_err(BuildError::from)?,
        Some(id) => {
            let unknown = || CommandError::UnknownConcept(id.to_owned());
            let iri = NamedNode::new(project.config.base.concept(id).into_string())
                .map_err(|_| unknown())?;
            let triples = store::describe(&built.store, iri.as_ref()).map_err(BuildError::from)?;
            if triples.is_empty() {
                return Err(unknown());
            }
            triples
                .into_iter()
                .map(|t| t.in_graph(GraphName::DefaultGraph))
                .collect()
        }
    };
    write_output(output, |out| exporter.write(quads, format, out))?;
    Ok(built)
}

/// `query`: runs a SPARQL query (text or named) with parameters.
pub fn query(
    project: &Project,
    choice: &StoreChoice,
    text: &str,
    named: Option<&NamedQuery>,
    params: &[(String, String)],
    format: ResultsFormat,
    out: &mut impl Write,
) -> Result<Built, CommandError> {
    let bindings = match named {
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
    let built = open(project, choice)?;
    let exporter = Exporter::new(&project.config)?;
    let results = query::run(&built.store, text, project.config.base.as_str(), bindings)?;
    results::write(
        results,
        format,
        &exporter,
        project.config.default_language(),
        out,
    )
    .map_err(|source| CommandError::Write {
        path: "standard output".into(),
        source,
    })?;
    Ok(built)
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
            let fail = |source| CommandError::Write {
                path: path.to_owned(),
                source,
            };
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut file = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
            {
                let mut out = io::BufWriter::new(file.as_file_mut());
                write(&mut out).and_then(|()| out.flush()).map_err(fail)?;
            }
            // Temporary files are private; the output keeps the permissions of the
            // file it replaces, or gets the usual ones.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let permissions = std::fs::metadata(path)
                    .map(|m| m.permissions())
                    .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
                file.as_file().set_permissions(permissions).map_err(fail)?;
            }
            file.as_file().sync_all().map_err(fail)?;
            file.persist(path).map_err(|e| fail(e.error))?;
            Ok(())
        }
    }
}
