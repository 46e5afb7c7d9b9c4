//! `releases/releases.toml`: every release, oldest first, with what checks
//! its snapshot. Read with the project, since the built graph describes its
//! releases (the scheme's versions, the dataset's distributions); written by
//! `release`.

use std::path::{Path, PathBuf};

/// The manifest's file name in the releases folder.
const FILE: &str = "releases.toml";

/// The folder of releases in the glossary folder `project_dir`.
pub fn dir(project_dir: &Path) -> PathBuf {
    project_dir.join("releases")
}

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read {}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {message}", .path.display())]
    Invalid { path: PathBuf, message: String },
}

/// One release.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Release {
    pub version: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// Of the uncompressed canonical N-Quads.
    pub sha256: String,
    /// Lines of the snapshot: distinct quads.
    pub quads: usize,
    /// What changed since the release before it, in a line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl Release {
    /// The snapshot's file in the releases folder `dir`.
    pub fn snapshot(&self, dir: &Path) -> PathBuf {
        dir.join(format!("{}.nq.gz", self.version))
    }
}

/// Every release, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    #[serde(default, rename = "release")]
    pub releases: Vec<Release>,
}

impl Manifest {
    /// The manifest in the releases folder `dir`; empty when there is none.
    pub fn read(dir: &Path) -> Result<Self, ManifestError> {
        let path = dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => return Err(ManifestError::Read { path, source }),
        };
        toml::from_str(&text).map_err(|e| ManifestError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })
    }

    pub fn write(&self, dir: &Path) -> Result<(), ManifestError> {
        let path = dir.join(FILE);
        let mut text = String::from(
            "# Releases of this glossary, oldest first, written by `glossgraph release`.\n# Each snapshot is {version}.nq.gz beside this file; commit both.\n\n",
        );
        text.push_str(&toml::to_string(self).map_err(|e| ManifestError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?);
        crate::files::write_atomically(&path, |out| out.write_all(text.as_bytes()))
            .map_err(|source| ManifestError::Write { path, source })
    }

    pub fn get(&self, version: &str) -> Option<&Release> {
        self.releases.iter().find(|r| r.version == version)
    }

    pub fn last(&self) -> Option<&Release> {
        self.releases.last()
    }

    pub fn versions(&self) -> Vec<String> {
        self.releases.iter().map(|r| r.version.clone()).collect()
    }
}
