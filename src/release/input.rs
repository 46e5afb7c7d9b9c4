//! What `diff` compares: a release, a git revision of the glossary (read
//! from git without checking it out), an RDF file, or the working tree; each
//! read into its distinct triples, blank nodes labelled canonically so that
//! two files of one graph compare equal whatever their labels.

use super::{Manifest, ReleaseError};
use crate::build::{self, StoreChoice};
use crate::project::Project;
use flate2::read::MultiGzDecoder;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Quad, Triple};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where a graph to compare comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Release(String),
    /// A git revision (`git:HEAD~1`, `git:main`).
    Git(String),
    File(PathBuf),
    /// The sources as they are now.
    WorkingTree,
}

/// The word that names the working tree on the command line.
pub const WORKING_TREE: &str = "working-tree";

impl Input {
    /// What `text` names: `working-tree`, `git:REV`, `release:NAME` or a
    /// release's name, else an RDF file.
    pub fn parse(text: &str, manifest: &Manifest) -> Result<Self, ReleaseError> {
        if text == WORKING_TREE {
            return Ok(Self::WorkingTree);
        }
        if let Some(rev) = text.strip_prefix("git:") {
            return Ok(Self::Git(rev.to_owned()));
        }
        let release = text.strip_prefix("release:");
        let name = release.unwrap_or(text);
        if manifest.get(name).is_some() {
            return Ok(Self::Release(name.to_owned()));
        }
        if release.is_none() && Path::new(text).is_file() {
            return Ok(Self::File(PathBuf::from(text)));
        }
        Err(ReleaseError::Unknown {
            name: name.to_owned(),
            known: manifest.versions(),
        })
    }

    /// How reports name it.
    pub fn name(&self) -> String {
        match self {
            Self::Release(v) => format!("release {v}"),
            Self::Git(rev) => format!("git {rev}"),
            Self::File(path) => path.display().to_string(),
            Self::WorkingTree => "the working tree".to_owned(),
        }
    }
}

/// A graph to compare, as its canonical N-Quads document (blank nodes
/// labelled by RDFC-1.0, lines sorted and distinct): two graphs compare
/// line by line in one pass, and what is said about a resource is a run of
/// lines found by binary search, so nothing is parsed but what differs.
#[derive(Debug, Clone)]
pub struct Graph {
    pub name: String,
    text: Vec<u8>,
    /// Where each line starts and ends in `text` (without its `\n`).
    lines: Vec<(usize, usize)>,
}

impl Graph {
    /// The graph of `quads`, called `name`.
    pub fn of(name: String, quads: Vec<Quad>) -> Self {
        Self::canonical(name, super::canonical_nquads(quads))
    }

    /// The graph whose canonical N-Quads document is `text`.
    pub fn canonical(name: String, text: Vec<u8>) -> Self {
        let mut lines = Vec::new();
        let mut start = 0;
        for (i, b) in text.iter().enumerate() {
            if *b == b'\n' {
                if i > start {
                    lines.push((start, i));
                }
                start = i + 1;
            }
        }
        Self { name, text, lines }
    }

    /// The canonical N-Quads document.
    pub fn text(&self) -> &[u8] {
        &self.text
    }

    pub fn lines(&self) -> impl Iterator<Item = &[u8]> {
        self.lines.iter().map(|(s, e)| &self.text[*s..*e])
    }

    /// The lines that start with `prefix`: consecutive, since lines are sorted.
    pub fn starting_with<'a>(&'a self, prefix: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
        let first = self
            .lines
            .partition_point(|(s, e)| &self.text[*s..*e] < prefix);
        self.lines[first..]
            .iter()
            .map(|(s, e)| &self.text[*s..*e])
            .take_while(move |line| line.starts_with(prefix))
    }

    /// Its number of lines: distinct quads.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn has(&self, prefix: &[u8]) -> bool {
        self.starting_with(prefix).next().is_some()
    }

    /// The statements of the lines starting with `prefix`, parsed.
    pub fn triples(&self, prefix: &[u8]) -> Vec<Triple> {
        self.starting_with(prefix)
            .filter_map(|line| parse_line(line).map(Triple::from))
            .collect()
    }
}

/// One line of N-Quads, parsed.
pub fn parse_line(line: &[u8]) -> Option<Quad> {
    let mut text = line.to_vec();
    text.push(b'\n');
    RdfParser::from_format(RdfFormat::NQuads)
        .for_slice(&text)
        .next()?
        .ok()
}

/// Reads `input` of `project`.
pub fn load(input: &Input, project: &Project) -> Result<Graph, ReleaseError> {
    let name = input.name();
    Ok(match input {
        Input::WorkingTree => Graph::canonical(name, built(project)?),
        // Recorded canonical: read as it is.
        Input::Release(version) => Graph::canonical(name, release(project, version)?),
        Input::File(path) => Graph::of(name, file(path)?),
        Input::Git(rev) => Graph::canonical(name, git(project, rev)?),
    })
}

/// The canonical N-Quads of the graph `project` builds, in memory.
pub fn built(project: &Project) -> Result<Vec<u8>, ReleaseError> {
    let built = build::build(project, &StoreChoice::Memory)?;
    super::canonical_nquads_of(&built.store)
        .map_err(|e| ReleaseError::Build(crate::build::BuildError::Storage(e)))
}

/// The canonical N-Quads of release `version`, checked against its
/// recorded SHA-256.
fn release(project: &Project, version: &str) -> Result<Vec<u8>, ReleaseError> {
    let dir = super::dir(project);
    let manifest = Manifest::read(&dir)?;
    let release = manifest.get(version).ok_or_else(|| ReleaseError::Unknown {
        name: version.to_owned(),
        known: manifest.versions(),
    })?;
    canonical(&dir, release)
}

/// The quads of `release`'s snapshot in the releases folder `dir`, checked
/// against its recorded SHA-256.
pub fn snapshot(dir: &Path, release: &super::Release) -> Result<Vec<Quad>, ReleaseError> {
    let path = release.snapshot(dir);
    let bytes = canonical(dir, release)?;
    parse(&bytes, RdfFormat::NQuads, &path.display().to_string())
}

/// The canonical N-Quads of `release`'s snapshot in the releases folder
/// `dir`, checked against its recorded SHA-256.
pub fn canonical(dir: &Path, release: &super::Release) -> Result<Vec<u8>, ReleaseError> {
    let path = release.snapshot(dir);
    let bytes = gunzip(&path)?;
    let actual = super::hex(&Sha256::digest(&bytes));
    if actual != release.sha256 {
        return Err(ReleaseError::Tampered {
            path,
            recorded: release.sha256.clone(),
            actual,
        });
    }
    Ok(bytes)
}

fn read(path: &Path) -> Result<Vec<u8>, ReleaseError> {
    std::fs::read(path).map_err(|source| ReleaseError::Read {
        path: path.to_owned(),
        source,
    })
}

fn gunzip(path: &Path) -> Result<Vec<u8>, ReleaseError> {
    let mut bytes = Vec::new();
    // A snapshot is one gzip member per core that wrote it.
    MultiGzDecoder::new(read(path)?.as_slice())
        .read_to_end(&mut bytes)
        .map_err(|source| ReleaseError::Read {
            path: path.to_owned(),
            source,
        })?;
    Ok(bytes)
}

/// An RDF file, its format from its extension (under a `.gz`, gunzipped).
fn file(path: &Path) -> Result<Vec<Quad>, ReleaseError> {
    let name = path.display().to_string();
    let (stem, gzipped) = match path.extension().and_then(|e| e.to_str()) {
        Some("gz") => (path.with_extension(""), true),
        _ => (path.to_owned(), false),
    };
    let format = stem
        .extension()
        .and_then(|e| e.to_str())
        .and_then(RdfFormat::from_extension)
        .ok_or_else(|| ReleaseError::Input {
            input: name.clone(),
            message: "cannot tell its RDF format from its extension (.ttl, .nt, .nq, .trig, .rdf, .jsonld, each may be gzipped)".into(),
        })?;
    let bytes = if gzipped { gunzip(path)? } else { read(path)? };
    parse(&bytes, format, &name)
}

fn parse(bytes: &[u8], format: RdfFormat, name: &str) -> Result<Vec<Quad>, ReleaseError> {
    RdfParser::from_format(format)
        .for_slice(bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ReleaseError::Input {
            input: name.to_owned(),
            message: e.to_string(),
        })
}

/// The canonical N-Quads of the graph the glossary built at git revision
/// `rev`: its folder read
/// from git (`git archive`) into a temporary folder, and built there.
fn git(project: &Project, rev: &str) -> Result<Vec<u8>, ReleaseError> {
    let failed = |message: String| ReleaseError::Input {
        input: format!("git:{rev}"),
        message,
    };
    if rev.starts_with('-') || rev.contains(':') {
        return Err(failed("not a revision name".into()));
    }
    let tmp = tempfile::tempdir().map_err(|source| ReleaseError::Write {
        path: std::env::temp_dir(),
        source,
    })?;
    let tar = tmp.path().join("glossary.tar");
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(&project.dir)
            .args(args)
            .output()
            .map_err(|e| failed(format!("cannot run git: {e}")))
    };
    let text = |out: &std::process::Output| String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let where_ = git(&["rev-parse", "--show-toplevel", "--show-prefix"])?;
    if !where_.status.success() {
        return Err(failed(
            String::from_utf8_lossy(&where_.stderr).trim().to_owned(),
        ));
    }
    let lines = text(&where_);
    let mut lines = lines.lines();
    let (top, prefix) = (lines.next().unwrap_or("."), lines.next().unwrap_or(""));
    // `REV:path` is the glossary's folder at REV; git archives it as the root
    // when run at the top of the repository (in a subfolder it would
    // archive only what is under that subfolder).
    let archive = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["archive", "--format=tar", "-o"])
        .arg(&tar)
        .arg(format!("{rev}:{}", prefix.trim_end_matches('/')))
        .output()
        .map_err(|e| failed(format!("cannot run git: {e}")))?;
    if !archive.status.success() {
        return Err(failed(
            String::from_utf8_lossy(&archive.stderr).trim().to_owned(),
        ));
    }
    let dir = tmp.path().join("glossary");
    std::fs::create_dir_all(&dir).map_err(|source| ReleaseError::Write {
        path: dir.clone(),
        source,
    })?;
    let unpack = Command::new("tar")
        .arg("-xf")
        .arg(&tar)
        .arg("-C")
        .arg(&dir)
        .output()
        .map_err(|e| failed(format!("cannot run tar: {e}")))?;
    if !unpack.status.success() {
        return Err(failed(
            String::from_utf8_lossy(&unpack.stderr).trim().to_owned(),
        ));
    }
    let project = Project::open(&dir).map_err(|e| failed(e.to_string()))?;
    built(&project)
}
