//! Finding a glossary on disk and opening it: its folder, settings and vocabulary.
//!
//! Layer: above `config` and `ontology`, below `source`.

use crate::config::{self, Config};
use crate::diagnostic::Diagnostic;
use crate::ontology::{Ontology, OntologyError};
use crate::releases::{Manifest, ManifestError};
use std::path::{Path, PathBuf};

/// The settings file that marks a glossary's data folder.
pub const CONFIG_FILE: &str = "glossary.toml";

/// An opened glossary folder.
#[derive(Debug, Clone)]
pub struct Project {
    /// The folder holding `glossary.toml`.
    pub dir: PathBuf,
    pub config: Config,
    pub ontology: Ontology,
    /// The releases made (`releases/releases.toml`), which the built graph
    /// describes.
    pub releases: Manifest,
}

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("no {CONFIG_FILE} found in {} or a folder above it (looked for {CONFIG_FILE} and data/{CONFIG_FILE}); pass --data DIR or create one with `glossgraph init`", .0.display())]
    NotFound(PathBuf),
    #[error("cannot read {}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} has {} error(s)", .path.display(), .diagnostics.len())]
    Config {
        path: PathBuf,
        diagnostics: Vec<Diagnostic>,
    },
    #[error("the glossgraph vocabulary is invalid")]
    Ontology(#[from] OntologyError),
    #[error(transparent)]
    Releases(#[from] ManifestError),
}

impl Project {
    /// Opens the glossary in `data` if given, else the nearest one at or above `cwd`
    /// (a folder with `glossary.toml`, or with `data/glossary.toml`).
    pub fn locate(data: Option<&Path>, cwd: &Path) -> Result<Self, ProjectError> {
        if let Some(dir) = data {
            return Self::open(dir);
        }
        for dir in cwd.ancestors() {
            let found = if dir.join(CONFIG_FILE).is_file() {
                dir.to_owned()
            } else if dir.join("data").join(CONFIG_FILE).is_file() {
                dir.join("data")
            } else {
                continue;
            };
            // Paths in messages read best relative to where the user is.
            let shown = found
                .strip_prefix(cwd)
                .map_or(found.clone(), Path::to_path_buf);
            return Self::open(&shown);
        }
        Err(ProjectError::NotFound(cwd.to_owned()))
    }

    /// Opens the glossary whose `glossary.toml` is in `dir`.
    pub fn open(dir: &Path) -> Result<Self, ProjectError> {
        let path = dir.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| ProjectError::Io {
            path: path.clone(),
            source,
        })?;
        let config =
            config::parse_str(&text, &path).map_err(|diagnostics| ProjectError::Config {
                path: path.clone(),
                diagnostics,
            })?;
        Ok(Self {
            dir: dir.to_owned(),
            config,
            ontology: Ontology::builtin()?,
            releases: Manifest::read(&crate::releases::dir(dir))?,
        })
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.join(CONFIG_FILE)
    }

    pub fn entries_dir(&self) -> PathBuf {
        self.dir.join(&self.config.entries_dir)
    }

    pub fn queries_dir(&self) -> PathBuf {
        self.dir.join(&self.config.queries_dir)
    }
}
