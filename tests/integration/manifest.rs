//! W3C test manifests over HTTP (the SPARQL 1.1 Protocol and Graph Store
//! Protocol suites): a manifest and those it includes read into a store,
//! walked by predicate, and their `ht:Request`s made into requests to send.

use crate::util::client;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNode, NamedOrBlankNode, Term};
use oxigraph::store::Store;
use std::path::Path;

pub const HT: &str = "http://www.w3.org/2011/http#";
pub const MF: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#";
const CNT: &str = "http://www.w3.org/2011/content#";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// A manifest and the manifests it includes, in one store.
pub struct Manifest {
    store: Store,
    /// The IRIs of the manifest and of those it includes, in order.
    manifests: Vec<Term>,
}

impl Manifest {
    /// `dir/manifest.ttl`, whose IRI is `base` (the suite's published
    /// address), and the manifests its `mf:include` names, found in `dir` by
    /// their file names.
    pub fn load(dir: &Path, base: &str) -> Self {
        let mut manifest = Self {
            store: Store::new().expect("an in-memory store"),
            manifests: Vec::new(),
        };
        manifest.read(dir, base);
        let root = Term::from(NamedNode::new_unchecked(base));
        let includes: Vec<Term> = manifest
            .objects(&root, &format!("{MF}include"))
            .into_iter()
            .flat_map(|list| manifest.list(list))
            .collect();
        for include in includes {
            let Term::NamedNode(iri) = include else {
                panic!("{base} includes {include}, which is not an IRI")
            };
            manifest.read(dir, iri.as_str());
        }
        manifest
    }

    fn read(&mut self, dir: &Path, iri: &str) {
        let file = dir.join(iri.rsplit('/').next().unwrap_or_default());
        let text = std::fs::read(&file)
            .unwrap_or_else(|e| panic!("{} cannot be read: {e}", file.display()));
        let parser = RdfParser::from_format(RdfFormat::Turtle)
            .with_base_iri(iri)
            .expect("a valid base IRI");
        self.store
            .load_from_reader(parser, text.as_slice())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        self.manifests.push(NamedNode::new_unchecked(iri).into());
    }

    /// The tests of the manifest and of those it includes (`mf:entries`), in order.
    pub fn entries(&self) -> Vec<Term> {
        self.manifests
            .iter()
            .flat_map(|m| self.objects(m, &format!("{MF}entries")))
            .flat_map(|list| self.list(list))
            .collect()
    }

    pub fn objects(&self, subject: &Term, predicate: &str) -> Vec<Term> {
        let subject = match subject {
            Term::NamedNode(n) => NamedOrBlankNode::from(n.clone()),
            Term::BlankNode(b) => NamedOrBlankNode::from(b.clone()),
            Term::Literal(_) => return Vec::new(),
        };
        self.store
            .quads_for_pattern(
                Some(subject.as_ref()),
                Some(NamedNode::new_unchecked(predicate).as_ref()),
                None,
                None,
            )
            .map(|q| q.expect("an in-memory store reads").object)
            .collect()
    }

    pub fn one_iri(&self, subject: &Term, predicate: &str) -> Term {
        self.objects(subject, predicate)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("{subject} has no {predicate}"))
    }

    pub fn text(&self, subject: &Term, predicate: &str) -> Option<String> {
        self.objects(subject, predicate)
            .into_iter()
            .find_map(|o| match o {
                Term::Literal(l) => Some(l.value().to_owned()),
                _ => None,
            })
    }

    /// The items of the RDF list at `node`.
    pub fn list(&self, mut node: Term) -> Vec<Term> {
        let nil = Term::from(NamedNode::new_unchecked(format!("{RDF}nil")));
        let mut items = Vec::new();
        while node != nil {
            items.push(self.one_iri(&node, &format!("{RDF}first")));
            node = self.one_iri(&node, &format!("{RDF}rest"));
        }
        items
    }

    /// The `ht:headers` of a request or response, as (name, value) pairs.
    pub fn headers(&self, message: &Term) -> Vec<(String, String)> {
        self.objects(message, &format!("{HT}headers"))
            .into_iter()
            .flat_map(|h| self.list(h))
            .map(|header| {
                let field = |name: &str| {
                    self.text(&header, &format!("{HT}{name}"))
                        .unwrap_or_else(|| panic!("a header of {message} has no ht:{name}"))
                };
                (field("fieldName"), field("fieldValue"))
            })
            .collect()
    }

    /// The `ht:body` of a request or response, in its character encoding.
    pub fn body(&self, message: &Term) -> Option<Vec<u8>> {
        let body = self
            .objects(message, &format!("{HT}body"))
            .into_iter()
            .next()?;
        let chars = self
            .text(&body, &format!("{CNT}chars"))
            .unwrap_or_else(|| panic!("the body of {message} has no cnt:chars"));
        let encoding = self
            .text(&body, &format!("{CNT}characterEncoding"))
            .unwrap_or_default();
        Some(if encoding.eq_ignore_ascii_case("UTF-16") {
            chars.encode_utf16().flat_map(u16::to_be_bytes).collect()
        } else {
            chars.into_bytes()
        })
    }

    /// The `ht:Request` at `request`, as written in the manifest.
    pub fn http_request(&self, request: &Term) -> HttpRequest {
        let field = |name: &str| {
            self.text(request, &format!("{HT}{name}"))
                .unwrap_or_else(|| panic!("{request} has no ht:{name}"))
        };
        HttpRequest {
            method: field("methodName"),
            path: field("absolutePath"),
            headers: self.headers(request),
            body: self.body(request),
        }
    }
}

/// A request of a manifest.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub method: String,
    /// The path and query, which the suite means to be rewritten for the
    /// endpoint under test.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl HttpRequest {
    /// The value of the header `name`, if the request has it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Sends the request to the server at `url` (without a final `/`).
    pub fn send(&self, url: &str) -> reqwest::Result<reqwest::blocking::Response> {
        let method = reqwest::Method::from_bytes(self.method.as_bytes())
            .unwrap_or_else(|e| panic!("`{}` is not a method: {e}", self.method));
        let mut builder = client().request(method, format!("{url}{}", self.path));
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = &self.body {
            builder = builder.body(body.clone());
        }
        builder.send()
    }
}
