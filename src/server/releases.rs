//! Answers from the glossary's releases ([`super::history`]): `/changes`
//! (a page and an Atom feed, one entry per release), a release's snapshot
//! (`/releases/VERSION/dump.nq.gz`), the concept as a release had it
//! (`/v/VERSION/concept/ID`, negotiated like the concept itself), and 410
//! Gone for a concept a release had and the glossary no longer does.

use super::AppState;
use super::html::{Layout, markdown_to_html};
use super::resource::{PageParams, head, rdf, variant, wanted};
use super::respond::{AppError, FormatUrls, Offers, Rendered, Repr, insert, typed};
use super::snapshot::Snapshot;
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oxigraph::model::Term;

/// The page of the releases.
#[derive(Template)]
#[template(path = "changes.html")]
pub struct ChangesPage {
    pub layout: Layout,
    /// Newest first.
    pub releases: Vec<ReleaseView>,
}

pub struct ReleaseView {
    pub version: String,
    pub date: String,
    pub summary: Option<String>,
    /// Sanitised HTML.
    pub notes: Option<String>,
    pub dump: String,
}

/// A concept as a release had it.
#[derive(Template)]
#[template(path = "version.html")]
pub struct VersionPage {
    pub layout: Layout,
    pub label: String,
    pub version: String,
    pub date: String,
    pub definition: Option<String>,
    /// (subject, property, value) of every statement, as N-Triples terms.
    pub statements: Vec<(String, String, String)>,
    /// The concept now, if the glossary still has it.
    pub current: Option<String>,
}

fn views(snapshot: &Snapshot, root: &str) -> Vec<ReleaseView> {
    snapshot
        .history
        .releases
        .iter()
        .rev()
        .map(|r| ReleaseView {
            version: r.version.clone(),
            date: r.date.clone(),
            summary: r.summary.clone(),
            notes: r.notes.as_deref().map(markdown_to_html),
            dump: format!("{root}releases/{}/dump.nq.gz", r.version),
        })
        .collect()
}

/// `GET /changes`: the releases, newest first.
pub async fn changes(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let lang = PageParams::parse(raw.as_deref()).language(&snapshot, &headers);
    let mut layout = Layout::new(&snapshot, &lang, "Changes".into(), "", "changes");
    layout.title = layout.ui.changes.to_owned();
    let page = ChangesPage {
        releases: views(&snapshot, ""),
        layout,
    };
    let body = page.render().map_err(AppError::internal)?;
    Ok(typed("text/html; charset=utf-8", body))
}

/// `GET /changes.atom`: the releases as an Atom feed, one entry each.
pub async fn feed(State(state): State<AppState>) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let base = snapshot.config.base.as_str();
    let title = snapshot
        .config
        .title
        .get(snapshot.config.default_language())
        .or_else(|| snapshot.config.title.values().next())
        .cloned()
        .unwrap_or_default();
    let updated = snapshot
        .history
        .releases
        .last()
        .map_or_else(|| "1970-01-01".to_owned(), |r| r.date.clone());
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!(
        "  <id>{}</id>\n  <title>{}</title>\n  <updated>{updated}T00:00:00Z</updated>\n  <link rel=\"self\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <author><name>{}</name></author>\n",
        escape(&format!("{base}changes")),
        escape(&format!("{title}: releases")),
        escape(&format!("{base}changes.atom")),
        escape(&format!("{base}changes")),
        escape(snapshot.config.publisher.as_ref().map_or(title.as_str(), |p| p.name.as_str())),
    ));
    for r in views(&snapshot, base) {
        let mut content = String::new();
        if let Some(summary) = &r.summary {
            content.push_str(&format!("<p>{}</p>", escape(summary)));
        }
        if let Some(notes) = &r.notes {
            content.push_str(notes);
        }
        content.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            escape(&r.dump),
            escape(&r.dump)
        ));
        xml.push_str(&format!(
            "  <entry>\n    <id>{}</id>\n    <title>{}</title>\n    <updated>{}T00:00:00Z</updated>\n    <link rel=\"alternate\" href=\"{}\"/>\n    <content type=\"html\">{}</content>\n  </entry>\n",
            escape(&format!("{base}releases/{}/", r.version)),
            escape(&format!("Release {}", r.version)),
            r.date,
            escape(&format!("{base}changes#release-{}", r.version)),
            escape(&content),
        ));
    }
    xml.push_str("</feed>\n");
    Ok(typed("application/atom+xml; charset=utf-8", xml))
}

/// Text in XML.
pub(super) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /releases/VERSION/FILE`: `dump.nq.gz`, the release's snapshot as
/// it was recorded; `/releases/VERSION/` leads to it on the changes page.
pub async fn release_file(
    State(state): State<AppState>,
    Path((version, file)): Path<(String, String)>,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let Some((i, _)) = snapshot.history.get(&version) else {
        return Err(unknown(&snapshot, &version));
    };
    if file != "dump.nq.gz" {
        return Err(AppError::not_found(format!(
            "release {version} has one file, `dump.nq.gz` (its canonical N-Quads, gzipped)"
        )));
    }
    let bytes = std::fs::read(snapshot.history.snapshot_path(i)).map_err(AppError::internal)?;
    let mut response = typed("application/gzip", bytes);
    insert(
        response.headers_mut(),
        header::CONTENT_DISPOSITION,
        &format!("attachment; filename=\"{version}.nq.gz\""),
    );
    Ok(response)
}

/// `GET /releases/VERSION/`: the release on the changes page.
pub async fn release_index(
    State(state): State<AppState>,
    Path(version): Path<String>,
    headers: HeaderMap,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    if snapshot.history.get(&version).is_none() {
        return Err(unknown(&snapshot, &version));
    }
    // The scheme names each release by this IRI (`dcterms:hasVersion`): an
    // RDF client is sent to the release's graph, a browser to its notes.
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let rdf = RDF_TYPES.iter().any(|t| accept.contains(t)) && !accept.contains("text/html");
    let to = if rdf {
        "dump.nq.gz".to_owned()
    } else {
        format!("../../changes#release-{version}")
    };
    Ok(axum::response::Redirect::to(&to).into_response())
}

/// Media types that ask for RDF rather than a page.
const RDF_TYPES: [&str; 6] = [
    "application/n-quads",
    "application/n-triples",
    "text/turtle",
    "application/trig",
    "application/ld+json",
    "application/rdf+xml",
];

fn unknown(snapshot: &Snapshot, version: &str) -> AppError {
    let known: Vec<&str> = snapshot
        .history
        .releases
        .iter()
        .map(|r| r.version.as_str())
        .collect();
    AppError::not_found(if known.is_empty() {
        format!("there is no release `{version}`: this glossary has no releases")
    } else {
        format!(
            "there is no release `{version}`; releases: {}",
            known.join(", ")
        )
    })
}

/// 410 Gone for the concept `id` if a release had it: when it was removed,
/// and its last version's address.
pub fn gone(snapshot: &Snapshot, id: &str) -> Option<AppError> {
    let iri = snapshot.config.base.concept(id);
    let (last, removed) = snapshot.history.gone(iri.as_str())?;
    let when = match removed {
        Some(r) => format!("it was removed in release {} ({})", r.version, r.date),
        None => format!("it was removed after release {}, its last", last.version),
    };
    let version = format!(
        "{}v/{}/concept/{id}",
        snapshot.config.base.as_str(),
        last.version
    );
    Some(
        AppError::new(
            StatusCode::GONE,
            format!("the concept `{id}` is no longer in this glossary: {when}; release {} has it at {version}", last.version),
        )
        .with_link(version),
    )
}

/// `GET /v/VERSION/concept/ID[.ext]`: the concept as release VERSION had
/// it, as a page or RDF (negotiated, or by extension).
pub async fn version(
    State(state): State<AppState>,
    Path((version, file)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let Some((i, release)) = snapshot.history.get(&version) else {
        return Err(unknown(&snapshot, &version));
    };
    let (id, ext) = match file.split_once('.') {
        Some((id, ext)) => (id, Some(ext)),
        None => (file.as_str(), None),
    };
    let params = PageParams::parse(raw.as_deref());
    let w = wanted(&snapshot, &headers, ext, Offers::PageAndRdf, &params)?;
    // A release never changes: each representation is made once.
    let key = (i, id.to_owned(), w.explicit(), variant(&w));
    if let Some(rendered) = snapshot.versions.get(&key) {
        return Ok(rendered.respond(&headers));
    }
    let iri = snapshot.config.base.concept(id);
    let graph = snapshot.history.graph(i).map_err(AppError::internal)?;
    let triples = graph.described(iri.as_str());
    if triples.is_empty() {
        return Err(AppError::not_found(format!(
            "release {version} has no concept `{id}`"
        )));
    }
    let head = head(
        &snapshot,
        &w,
        &format!("v-{version}-{id}"),
        FormatUrls::Extension(id),
    );
    let body = match w.repr {
        Repr::Rdf(format) => rdf(&snapshot, triples, format)?,
        Repr::Html => version_page(&snapshot, &w.lang, release, id, &iri, &triples)?.into_bytes(),
    };
    let rendered = std::sync::Arc::new(Rendered::new(head, body.into()));
    snapshot.versions.put(key, rendered.clone());
    Ok(rendered.respond(&headers))
}

/// The page of the concept `id` (`iri`) as `release` had it (`triples`).
fn version_page(
    snapshot: &Snapshot,
    lang: &str,
    release: &crate::release::Release,
    id: &str,
    iri: &oxigraph::model::NamedNode,
    triples: &[oxigraph::model::Triple],
) -> Result<String, AppError> {
    let version = &release.version;
    let text = |p: oxigraph::model::NamedNodeRef<'_>| {
        let values: Vec<&oxigraph::model::Literal> = triples
            .iter()
            .filter(|t| t.predicate == p && t.subject.to_string() == format!("<{}>", iri.as_str()))
            .filter_map(|t| match &t.object {
                Term::Literal(l) => Some(l),
                _ => None,
            })
            .collect();
        values
            .iter()
            .find(|l| l.language() == Some(lang))
            .or_else(|| values.first())
            .map(|l| l.value().to_owned())
    };
    let label = text(crate::vocab::skos::PREF_LABEL).unwrap_or_else(|| id.to_owned());
    let current = snapshot
        .concepts
        .get(iri.as_str())
        .map(|_| format!("../../../concept/{id}"));
    let mut layout = Layout::new(
        snapshot,
        lang,
        label.clone(),
        "../../../",
        &format!("v/{version}/concept/{id}"),
    );
    layout.title = format!("{label} ({version})");
    let page = VersionPage {
        layout,
        label,
        version: release.version.clone(),
        date: release.date.clone(),
        definition: text(crate::vocab::skos::DEFINITION),
        statements: triples
            .iter()
            .map(|t| {
                (
                    t.subject.to_string(),
                    t.predicate.to_string(),
                    t.object.to_string(),
                )
            })
            .collect(),
        current,
    };
    page.render().map_err(AppError::internal)
}
