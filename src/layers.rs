//! The crate's layers, checked: a module imports only from the layers below
//! its own, so the flow runs one way (README, "Layout"). The test reads every
//! source file's `crate::` paths; a new module is added to [`LAYERS`].

/// The layers, lowest first.
const LAYERS: &[&[&str]] = &[
    // Leaves.
    &[
        "diagnostic",
        "files",
        "memory",
        "order",
        "parallel",
        "text",
        "vocab",
    ],
    &["iri"],
    &["input"],
    // What a glossary is, and where quads are kept (the store imports only leaves).
    &["config", "ontology", "releases", "store"],
    &["project"],
    // The pipeline: sources, their checks and conversion, the build.
    &["source"],
    &["check", "convert"],
    &["build"],
    // Readers of the built graph.
    &["export", "push", "query", "search"],
    // `release` compares built graphs, written as `export` writes them.
    &["release", "results"],
    &["import", "lint", "server"],
    &["site"],
    &["commands"],
];

mod tests {
    use super::LAYERS;
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    fn layer(module: &str) -> Option<usize> {
        LAYERS.iter().position(|l| l.contains(&module))
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for item in std::fs::read_dir(dir).unwrap() {
            let path = item.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The crate's top-level modules that `code` names through `crate::`.
    fn imported(code: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            let mut rest = line;
            while let Some(at) = rest.find("crate::") {
                rest = &rest[at + "crate::".len()..];
                let names: Vec<&str> = match rest.strip_prefix('{') {
                    Some(group) => group
                        .split(['}', ','])
                        .map(str::trim)
                        .take_while(|n| !n.is_empty())
                        .collect(),
                    None => vec![rest],
                };
                for name in names {
                    let end = name
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(name.len());
                    if end > 0 && &name[..end] != "self" {
                        found.insert(name[..end].to_owned());
                    }
                }
            }
        }
        found
    }

    #[test]
    fn modules_import_only_from_the_layers_below_theirs() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut wrong = Vec::new();
        for file in files {
            let relative = file.strip_prefix(&src).unwrap();
            let top = relative.components().next().unwrap().as_os_str();
            let module = top.to_str().unwrap().trim_end_matches(".rs");
            if ["lib", "main", "cli", "layers"].contains(&module) {
                continue;
            }
            let Some(own) = layer(module) else {
                wrong.push(format!("{module} is in no layer: add it to LAYERS"));
                continue;
            };
            for name in imported(&std::fs::read_to_string(&file).unwrap()) {
                match layer(&name) {
                    _ if name == module => {}
                    Some(theirs) if theirs < own => {}
                    Some(_) => wrong.push(format!(
                        "{} imports {name}, which is not in a layer below {module}'s",
                        relative.display()
                    )),
                    None => wrong.push(format!(
                        "{} imports {name}, which is in no layer",
                        relative.display()
                    )),
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn imports_are_read_from_paths_and_groups_but_not_comments() {
        let code = "use crate::build::{self, Built};\nuse crate::{iri, source::Entry};\n// crate::server\nlet x = crate::store::quads(&s);\n";
        let found: Vec<String> = imported(code).into_iter().collect();
        assert_eq!(found, ["build", "iri", "source", "store"]);
    }

    #[test]
    fn every_module_is_in_one_layer() {
        let all: Vec<&str> = LAYERS.iter().flat_map(|l| l.iter().copied()).collect();
        let distinct: BTreeSet<&str> = all.iter().copied().collect();
        assert_eq!(all.len(), distinct.len(), "a module is in two layers");
    }
}
