//! The store a push writes to, spoken to in one of the two protocols SPARQL
//! 1.1 has for writing: the Graph Store HTTP Protocol (`PUT`, `POST`,
//! `DELETE` on `?graph=IRI`) or SPARQL Update (`DROP SILENT GRAPH`,
//! `INSERT DATA`).

use super::http::{Http, HttpError, Request};
use reqwest::Method;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Gsp,
    Update,
}

pub struct Target {
    pub http: Http,
    pub protocol: Protocol,
    /// The Graph Store Protocol or the update endpoint.
    pub url: String,
    /// Where the manifest is read with a query, under `Update`.
    pub query_url: String,
    /// Bytes sent in request bodies so far.
    pub bytes: u64,
    pub requests: u64,
}

const NTRIPLES: &str = "application/n-triples";

impl Target {
    fn graph_url(&self, graph: &str) -> String {
        let separator = if self.url.contains('?') { '&' } else { '?' };
        let encoded: String = form_urlencoded::byte_serialize(graph.as_bytes()).collect();
        format!("{}{separator}graph={encoded}", self.url)
    }

    fn send(
        &mut self,
        method: Method,
        url: &str,
        content_type: Option<&str>,
        accept: Option<&str>,
        body: Vec<u8>,
        missing_ok: bool,
    ) -> Result<reqwest::blocking::Response, HttpError> {
        self.bytes += body.len() as u64;
        self.requests += 1;
        let request = Request {
            method,
            url,
            content_type,
            accept,
            body,
        };
        self.http.send(&request, missing_ok)
    }

    /// The N-Triples of `graph`, or `None` if the store has no such graph.
    pub fn read(&mut self, graph: &str) -> Result<Option<Vec<u8>>, HttpError> {
        let response = match self.protocol {
            Protocol::Gsp => {
                let url = self.graph_url(graph);
                self.send(Method::GET, &url, None, Some(NTRIPLES), Vec::new(), true)?
            }
            Protocol::Update => {
                // A form: every store takes queries that way (Virtuoso 7.2
                // never answers one posted as `application/sparql-query`).
                let body = form_urlencoded::Serializer::new(String::new())
                    .append_pair(
                        "query",
                        &format!(
                            "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
                        ),
                    )
                    .finish();
                let url = self.query_url.clone();
                self.send(
                    Method::POST,
                    &url,
                    Some("application/x-www-form-urlencoded"),
                    Some(NTRIPLES),
                    body.into_bytes(),
                    false,
                )?
            }
        };
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let body = response.bytes().map_err(|e| HttpError::Unavailable {
            method: "GET".into(),
            url: self.url.clone(),
            attempts: 1,
            last: crate::diagnostic::Chain(&e).to_string(),
        })?;
        Ok(Some(body.to_vec()))
    }

    /// Replaces `graph` with the first document; adds each later one.
    pub fn replace(
        &mut self,
        graph: &str,
        documents: impl IntoIterator<Item = String>,
    ) -> Result<(), HttpError> {
        for (i, document) in documents.into_iter().enumerate() {
            match (self.protocol, i) {
                (Protocol::Gsp, 0) => {
                    let url = self.graph_url(graph);
                    self.send(
                        Method::PUT,
                        &url,
                        Some(NTRIPLES),
                        None,
                        document.into_bytes(),
                        false,
                    )?;
                }
                (Protocol::Gsp, _) => self.add(graph, document)?,
                (Protocol::Update, 0) => self.update(format!(
                    "DROP SILENT GRAPH <{graph}> ;\n{}",
                    insert(graph, &document)
                ))?,
                (Protocol::Update, _) => self.add(graph, document)?,
            }
        }
        Ok(())
    }
}

/// The update that adds an N-Triples document to `graph`: `INSERT DATA`, or
/// with blank nodes `INSERT … WHERE {}`, which means the same (Virtuoso
/// refuses blank nodes in `INSERT DATA`).
fn insert(graph: &str, document: &str) -> String {
    if document.contains("_:") {
        format!("INSERT {{ GRAPH <{graph}> {{\n{document}}} }} WHERE {{}}")
    } else {
        format!("INSERT DATA {{ GRAPH <{graph}> {{\n{document}}} }}")
    }
}

impl Target {
    /// Adds the triples of an N-Triples document to `graph`.
    pub fn add(&mut self, graph: &str, document: String) -> Result<(), HttpError> {
        match self.protocol {
            Protocol::Gsp => {
                let url = self.graph_url(graph);
                self.send(
                    Method::POST,
                    &url,
                    Some(NTRIPLES),
                    None,
                    document.into_bytes(),
                    false,
                )?;
                Ok(())
            }
            Protocol::Update => self.update(insert(graph, &document)),
        }
    }

    /// Deletes `graph`; a graph already gone is no error.
    pub fn delete(&mut self, graph: &str) -> Result<(), HttpError> {
        match self.protocol {
            Protocol::Gsp => {
                let url = self.graph_url(graph);
                self.send(Method::DELETE, &url, None, None, Vec::new(), true)?;
                Ok(())
            }
            Protocol::Update => self.update(format!("DROP SILENT GRAPH <{graph}>")),
        }
    }

    /// Runs one SPARQL update request.
    pub fn update(&mut self, update: String) -> Result<(), HttpError> {
        let url = self.url.clone();
        self.send(
            Method::POST,
            &url,
            Some("application/sparql-update"),
            None,
            update.into_bytes(),
            false,
        )?;
        Ok(())
    }
}
