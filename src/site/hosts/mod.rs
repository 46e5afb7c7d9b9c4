//! The rules a web server needs to answer the site's addresses as `serve`
//! does: the right file for an `Accept` header, under the right
//! `Content-Type`, with the same `Vary`, `Link`, `Content-Location`, CORS and
//! `Cache-Control` headers.
//!
//! The rules are written from the answers `serve` gave ([`Site`]), grouped so
//! that the rules do not grow with the glossary: every concept's answers have
//! the same shape once its name is taken out ([`Shape`]), so one rule serves
//! them all, with the name captured from the address.
//!
//! Negotiation is a ladder of regular expressions a web server can run
//! ([`ladder`]): the first range in the client's order naming a type the
//! resource has, at the highest quality tier (1, then 0.9…, down to 0.01).
//! That is `serve`'s choice for what clients send (a list in preference
//! order, or types each with its own quality); it differs only where two
//! ranges share a tenth of quality (`q=0.95` against `q=0.9`: the first
//! listed wins) and where a wildcard is refused by a more specific `q=0`.

mod apache;
mod caddy;
mod nginx;

use super::{Host, Negotiated, PRIVATE_DIR, Site};
use std::collections::BTreeMap;

/// The files (path in the folder, bytes) holding `host`'s rules for `site`.
pub fn rules(host: Host, site: &Site) -> Vec<(String, Vec<u8>)> {
    match host {
        Host::Nginx => {
            let rules = Rules::of(site);
            vec![
                (
                    format!("{PRIVATE_DIR}/nginx-http.conf"),
                    nginx::http(&rules).into_bytes(),
                ),
                (
                    format!("{PRIVATE_DIR}/nginx-server.conf"),
                    nginx::server(&rules, site).into_bytes(),
                ),
            ]
        }
        // GitHub Pages runs Jekyll unless told not to, which leaves out
        // `.well-known`.
        Host::Plain => vec![(".nojekyll".to_owned(), Vec::new())],
        Host::Apache => vec![(
            ".htaccess".to_owned(),
            apache::htaccess(&Rules::of(site)).into_bytes(),
        )],
        Host::Caddy => vec![(
            format!("{PRIVATE_DIR}/Caddyfile"),
            caddy::caddyfile(&Rules::of(site)).into_bytes(),
        )],
    }
}

/// Where the name captured from an address goes in a shape.
const NAME: &str = "${gg_n}";

/// How one kind of answer is sent: its type and headers, with [`NAME`] where
/// the address's name was.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Class {
    pub content_type: String,
    pub headers: Vec<(String, String)>,
}

/// Addresses in one folder whose answers look the same but for their name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Shape {
    /// The folder, with its trailing `/` (`concept/`; empty at the root).
    pub dir: String,
    /// What follows the name in the address (`.ttl`; empty for a bare one).
    pub suffix: String,
    pub answer: Answer,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Answer {
    /// A file, sent as `class`.
    File { class: usize },
    /// A choice by `Accept`: the variant each range token gets.
    Negotiated {
        /// The type set, whose ladder finds the deciding range.
        types: usize,
        /// (class, file with [`NAME`]) of each answer.
        variants: Vec<(usize, String)>,
        /// Each offered type (lower case) and wildcard with its variant.
        tokens: Vec<(String, usize)>,
        /// The variant for a request without `Accept`.
        default: usize,
        /// What a request naming only types the resource lacks gets.
        otherwise: Otherwise,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Otherwise {
    /// 406, sent as `class` from `file`.
    NotAcceptable {
        class: usize,
        file: String,
    },
    Variant(usize),
}

/// Everything the rules say, independent of the web server's syntax.
#[derive(Debug, Default)]
pub struct Rules {
    pub classes: Vec<Class>,
    /// The sets of types negotiating addresses offer, each with its ladder.
    pub type_sets: Vec<Vec<&'static str>>,
    /// Each shape with the names (empty for a shape one address has, which
    /// is written out whole) of the addresses it serves.
    pub shapes: Vec<(Shape, Vec<String>)>,
    pub not_found: String,
    pub base_path: String,
}

impl Rules {
    pub fn of(site: &Site) -> Self {
        let mut rules = Rules {
            not_found: site.not_found.clone(),
            base_path: site.base_path.clone(),
            ..Rules::default()
        };
        let mut shapes: BTreeMap<Shape, Vec<String>> = BTreeMap::new();
        for (path, headers) in &site.files {
            let (dir, last) = split_dir(path);
            let (name, suffix) = match last.rfind('.') {
                Some(i) if i > 0 => (&last[..i], &last[i..]),
                _ => (last, ""),
            };
            let class = rules.class(headers, name);
            let shape = Shape {
                dir: dir.to_owned(),
                suffix: suffix.to_owned(),
                answer: Answer::File { class },
            };
            shapes.entry(shape).or_default().push(name.to_owned());
        }
        for n in &site.negotiated {
            let (dir, name) = split_dir(&n.path);
            let shape = rules.negotiated(n, dir, name);
            shapes.entry(shape).or_default().push(name.to_owned());
        }
        rules.shapes = shapes.into_iter().collect();
        rules
    }

    /// Whether the addresses of shape `s` get a rule each rather than one
    /// for all: a shape one address has, or one outnumbered by another of
    /// the same folder and suffix (whose rule would match them too).
    pub fn written_out(&self, s: usize) -> bool {
        let (shape, names) = &self.shapes[s];
        names.len() == 1
            || self.shapes.iter().any(|(other, others)| {
                other.dir == shape.dir
                    && other.suffix == shape.suffix
                    && other != shape
                    && (others.len(), &other.answer) > (names.len(), &shape.answer)
            })
    }

    fn class(&mut self, headers: &[(String, String)], name: &str) -> usize {
        let mut content_type = String::new();
        let mut kept: Vec<(String, String)> = Vec::new();
        for (header, value) in headers {
            match header.as_str() {
                "content-type" => content_type = value.clone(),
                // Several `Vary` lines are one list.
                "vary" => match kept.iter_mut().find(|(h, _)| h == "vary") {
                    Some((_, v)) => {
                        v.push_str(", ");
                        v.push_str(value);
                    }
                    None => kept.push((header.clone(), value.clone())),
                },
                _ => kept.push((header.clone(), template(header, value, name))),
            }
        }
        let class = Class {
            content_type,
            headers: kept,
        };
        match self.classes.iter().position(|c| *c == class) {
            Some(i) => i,
            None => {
                self.classes.push(class);
                self.classes.len() - 1
            }
        }
    }

    fn negotiated(&mut self, n: &Negotiated, dir: &str, name: &str) -> Shape {
        let mut types = Vec::new();
        let mut variants = Vec::new();
        let mut tokens = Vec::new();
        for (i, v) in n.variants.iter().enumerate() {
            variants.push((
                self.class(&v.headers, name),
                template_path(&v.file, dir, name),
            ));
            for accept in &v.accepts {
                types.push(*accept);
                tokens.push((accept.to_ascii_lowercase(), i));
            }
        }
        // The server's preference decides between ranges naming types of
        // equal standing: keep the probes' order.
        let order = super::probes();
        types.sort_by_key(|t| order.iter().position(|o| o == t));
        tokens.sort_by_key(|(t, _)| order.iter().position(|o| o.eq_ignore_ascii_case(t)));
        let otherwise = match &n.otherwise {
            super::Otherwise::NotAcceptable { file, headers } => Otherwise::NotAcceptable {
                class: self.class(headers, name),
                file: file.clone(),
            },
            super::Otherwise::Variant(i) => Otherwise::Variant(*i),
        };
        let types = match self.type_sets.iter().position(|t| *t == types) {
            Some(i) => i,
            None => {
                self.type_sets.push(types);
                self.type_sets.len() - 1
            }
        };
        Shape {
            dir: dir.to_owned(),
            suffix: String::new(),
            answer: Answer::Negotiated {
                types,
                variants,
                tokens,
                default: n.default,
                otherwise,
            },
        }
    }
}

fn split_dir(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    }
}

/// `value` with the address's `name` replaced by [`NAME`] where a header
/// names a sibling file (`<x.ttl>` in `Link`, `x.ttl` in `Content-Location`).
fn template(header: &str, value: &str, name: &str) -> String {
    if name.is_empty() {
        return value.to_owned();
    }
    match header {
        "link" => value.replace(&format!("<{name}."), &format!("<{NAME}.")),
        "content-location" if value.starts_with(&format!("{name}.")) => {
            format!("{NAME}{}", &value[name.len()..])
        }
        _ => value.to_owned(),
    }
}

fn template_path(file: &str, dir: &str, name: &str) -> String {
    match file.strip_prefix(dir).and_then(|f| f.strip_prefix(name)) {
        Some(rest) if !name.is_empty() && rest.starts_with('.') => format!("{dir}{NAME}{rest}"),
        _ => file.to_owned(),
    }
}

/// The ladder for `types`: regular expressions tried in order, each
/// capturing (as its first group) the range that decides.
pub fn ladder(types: &[&str]) -> Vec<String> {
    // An address with one answer has nothing to decide.
    if types.is_empty() {
        return Vec::new();
    }
    let mut names: Vec<String> = Vec::new();
    for t in types {
        let pattern = match t.split_once(';') {
            // A JSON-LD profile: any `profile` parameter; the token map tells
            // them apart.
            Some((essence, _)) => format!(r#"{}\s*;\s*profile="?[^",;]*"?"#, escape(essence)),
            None => escape(t),
        };
        if !names.contains(&pattern) {
            names.push(pattern);
        }
    }
    let alternatives = names.join("|");
    let mut tiers = vec![r"(?:\s*;\s*q\s*=\s*1(?:\.0{0,3})?)?".to_owned()];
    for tenth in (1..=9).rev() {
        tiers.push(format!(r"\s*;\s*q\s*=\s*0\.{tenth}[0-9]{{0,2}}"));
    }
    tiers.push(r"\s*;\s*q\s*=\s*0\.0(?:[1-9][0-9]?|0[1-9])".to_owned());
    tiers
        .iter()
        .map(|q| format!(r"^(?:[^,]*,)*?\s*({alternatives}){q}\s*(?:,|$)"))
        .collect()
}

pub fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_taken_out_of_headers_and_files() {
        assert_eq!(
            template(
                "link",
                "<x.html>; rel=\"alternate\", <x.ttl>; rel=\"alternate\"",
                "x"
            ),
            "<${gg_n}.html>; rel=\"alternate\", <${gg_n}.ttl>; rel=\"alternate\""
        );
        assert_eq!(template("content-location", "x.ttl", "x"), "${gg_n}.ttl");
        assert_eq!(
            template("content-location", "../dataset.ttl", "void"),
            "../dataset.ttl"
        );
        assert_eq!(
            template_path("concept/x.ttl", "concept/", "x"),
            "concept/${gg_n}.ttl"
        );
        assert_eq!(template_path("dataset.ttl", "", "void"), "dataset.ttl");
    }
}
