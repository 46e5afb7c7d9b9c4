//! The triple stores publishers run, started by the tests on loopback ports
//! with a throwaway database: an Oxigraph server (the `oxigraph` CLI, PyPI's
//! `oxigraph` wheel) and Virtuoso Open Source 7 (Debian's
//! `virtuoso-opensource-7-bin`). Each is stopped, and its database deleted,
//! when dropped.

use crate::util::{client, require};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Graph, Triple};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running store and the addresses of its protocols.
pub struct ExternalStore {
    pub name: &'static str,
    /// SPARQL 1.1 Protocol queries, no authentication.
    pub query: String,
    /// SPARQL 1.1 Update, no authentication (for loading test data).
    pub update: String,
    /// SPARQL 1.1 Graph Store HTTP Protocol, with `credentials` if any.
    pub gsp: String,
    /// SPARQL 1.1 Update behind the same authentication as `gsp`.
    pub update_auth: String,
    /// Queries behind the same authentication as `gsp`.
    pub query_auth: String,
    /// The user and password `gsp` and `update_auth` ask for (Digest).
    pub credentials: Option<(&'static str, &'static str)>,
    child: Child,
    dir: tempfile::TempDir,
}

impl Drop for ExternalStore {
    fn drop(&mut self) {
        crate::util::terminate(&mut self.child, Duration::from_secs(10));
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// `oxigraph` from `GLOSSGRAPH_OXIGRAPH`, else beside the tests' Python
/// (where `pip install oxigraph` puts it), else on the PATH.
fn oxigraph_cli() -> Option<PathBuf> {
    let candidates = std::env::var_os("GLOSSGRAPH_OXIGRAPH")
        .map(PathBuf::from)
        .into_iter()
        .chain(
            std::env::var_os("GLOSSGRAPH_PYTHON")
                .map(|p| PathBuf::from(p).with_file_name("oxigraph")),
        )
        .chain(std::iter::once(PathBuf::from("oxigraph")));
    for candidate in candidates {
        let runs = Command::new(&candidate)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if runs {
            return Some(candidate);
        }
    }
    None
}

impl ExternalStore {
    /// An Oxigraph server on a fresh store (`oxigraph serve`), or `None`
    /// after `require` said it is missing.
    pub fn oxigraph() -> Option<Self> {
        let Some(cli) = oxigraph_cli() else {
            require(
                "the oxigraph CLI is not installed",
                "pip install oxigraph==0.5.13 beside GLOSSGRAPH_PYTHON, or GLOSSGRAPH_OXIGRAPH names it",
            );
            return None;
        };
        let dir = tempfile::tempdir().expect("a temporary folder");
        let port = free_port();
        let child = Command::new(cli)
            .arg("serve")
            .arg("--location")
            .arg(dir.path().join("db"))
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("log")).expect("log"))
            .spawn()
            .expect("oxigraph starts");
        let url = format!("http://127.0.0.1:{port}");
        Self {
            name: "Oxigraph server",
            query: format!("{url}/query"),
            update: format!("{url}/update"),
            gsp: format!("{url}/store"),
            update_auth: format!("{url}/update"),
            query_auth: format!("{url}/query"),
            credentials: None,
            child,
            dir,
        }
        .ready("log")
    }

    /// Virtuoso Open Source 7 with a throwaway database, or `None` after
    /// `require` said it is missing. Its Graph Store Protocol
    /// (`/sparql-graph-crud-auth`) and authenticated update endpoint
    /// (`/sparql-auth`) ask for HTTP Digest authentication as `dba`;
    /// anonymous updates on `/sparql` are allowed only so that tests can load
    /// their data.
    pub fn virtuoso() -> Option<Self> {
        if Command::new("virtuoso-t")
            .arg("-?")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_err()
        {
            require(
                "Virtuoso is not installed",
                "apt-get install virtuoso-opensource-7-bin",
            );
            return None;
        }
        let dir = tempfile::tempdir().expect("a temporary folder");
        let (sql, http) = (free_port(), free_port());
        let d = dir.path().display();
        let ini = format!(
            "[Database]\nDatabaseFile = {d}/v.db\nErrorLogFile = {d}/log\nLockFile = {d}/v.lck\n\
             TransactionFile = {d}/v.trx\nxa_persistent_file = {d}/v.pxa\n\
             [TempDatabase]\nDatabaseFile = {d}/v-temp.db\nTransactionFile = {d}/v-temp.trx\n\
             [Parameters]\nServerPort = 127.0.0.1:{sql}\nDirsAllowed = ., {d}\nNumberOfBuffers = 20000\nMaxDirtyBuffers = 15000\n\
             [HTTPServer]\nServerPort = 127.0.0.1:{http}\nServerThreads = 8\nMaxClientConnections = 8\n\
             [SPARQL]\nResultSetMaxRows = 1000000\nMaxQueryExecutionTime = 120\n"
        );
        std::fs::write(dir.path().join("virtuoso.ini"), ini).expect("ini written");
        let child = Command::new("virtuoso-t")
            .args(["+configfile", "virtuoso.ini", "+foreground"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("virtuoso starts");
        let url = format!("http://127.0.0.1:{http}");
        let store = Self {
            name: "Virtuoso",
            query: format!("{url}/sparql"),
            update: format!("{url}/sparql"),
            gsp: format!("{url}/sparql-graph-crud-auth"),
            update_auth: format!("{url}/sparql-auth"),
            query_auth: format!("{url}/sparql-auth"),
            credentials: Some(("dba", "dba")),
            child,
            dir,
        }
        .ready("log")?;
        let granted = Command::new("isql-vt")
            .arg(sql.to_string())
            .args(["dba", "dba", "exec=grant SPARQL_UPDATE to \"SPARQL\";"])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(granted, "isql-vt could not grant SPARQL_UPDATE");
        Some(store)
    }

    /// Waits until the store answers a query (or fails the test with its log).
    fn ready(self, log: &str) -> Option<Self> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let answered = client()
                .get(format!("{}?query=ASK%20%7B%7D", self.query))
                .send()
                .is_ok_and(|r| r.status().is_success());
            if answered {
                return Some(self);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "{} did not start: {}",
            self.name,
            std::fs::read_to_string(self.dir.path().join(log)).unwrap_or_default()
        );
    }

    /// Runs a SPARQL update (no authentication), failing the test if refused.
    pub fn run_update(&self, update: &str) {
        let response = client()
            .post(&self.update)
            .header("content-type", "application/sparql-update")
            .body(update.to_owned())
            .send()
            .expect("the store answers");
        let status = response.status();
        assert!(
            status.is_success(),
            "{} refused an update ({status}): {}",
            self.name,
            response.text().unwrap_or_default()
        );
    }

    /// Replaces `graph` with the N-Triples in `ntriples`.
    pub fn load(&self, graph: &str, ntriples: &str) {
        self.run_update(&format!(
            "DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{ {ntriples} }} }}"
        ));
    }

    /// The rows of a SELECT query, each value as the term's N-Triples text.
    pub fn select(&self, query: &str) -> Vec<Vec<Option<String>>> {
        let response = client()
            .post(&self.query)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/sparql-results+json")
            .body(form(query))
            .send()
            .expect("the store answers");
        assert!(
            response.status().is_success(),
            "{} refused {query}: {}",
            self.name,
            response.text().unwrap_or_default()
        );
        let json: serde_json::Value = serde_json::from_slice(&response.bytes().expect("a body"))
            .expect("SPARQL results JSON");
        let vars: Vec<String> = json["head"]["vars"]
            .as_array()
            .expect("vars")
            .iter()
            .map(|v| v.as_str().expect("a name").to_owned())
            .collect();
        json["results"]["bindings"]
            .as_array()
            .expect("bindings")
            .iter()
            .map(|row| {
                vars.iter()
                    .map(|v| row.get(v).map(|t| t["value"].as_str().unwrap().to_owned()))
                    .collect()
            })
            .collect()
    }

    /// The IRIs of the named graphs the store holds whose name starts with `prefix`.
    pub fn graph_names(&self, prefix: &str) -> BTreeSet<String> {
        self.select(&format!(
            "SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), \"{prefix}\")) }}"
        ))
        .into_iter()
        .filter_map(|row| row.into_iter().next().flatten())
        .collect()
    }

    /// What the store holds in `graph`, read back as N-Triples from a CONSTRUCT.
    pub fn graph(&self, graph: &str) -> Graph {
        let response = client()
            .post(&self.query)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/n-triples")
            .body(form(&format!(
                "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            )))
            .send()
            .expect("the store answers");
        assert!(response.status().is_success(), "{}", self.name);
        let body = response.bytes().expect("a body");
        RdfParser::from_format(RdfFormat::NTriples)
            .for_slice(&body)
            .map(|t| Triple::from(t.expect("N-Triples")))
            .collect()
    }
}

/// A query as an HTML form posts it: Virtuoso 7.2 never answers a query
/// posted directly (`application/sparql-query`).
pub fn form(query: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("query", query)
        .finish()
}

#[test]
fn each_store_starts_loads_and_answers() {
    for store in [ExternalStore::oxigraph(), ExternalStore::virtuoso()]
        .into_iter()
        .flatten()
    {
        store.load(
            "http://example.org/g",
            "<http://example.org/s> <http://example.org/p> \"ü\" .",
        );
        assert_eq!(
            store.graph_names("http://example.org/"),
            BTreeSet::from(["http://example.org/g".to_owned()]),
            "{}",
            store.name
        );
        assert_eq!(
            store.graph("http://example.org/g").len(),
            1,
            "{}",
            store.name
        );
    }
}
