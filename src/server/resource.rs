//! Dereferenceable resources: the scheme (home page), concepts, the dataset
//! description, the vocabulary, the JSON-LD context, dumps, the Graph Store
//! Protocol's reads, and the small files crawlers and browsers ask for.

use super::AppState;
use super::dataset::DatasetPage;
use super::html::{self, ConceptPage, HomePage, Layout, OntologyPage};
use super::negotiate::choose_language;
use super::respond::{
    self, AppError, FormatUrls, Head, Offer, Offers, Rendered, Repr, Validators, alternates,
    alternates_link, content_type, representation,
};
use super::respond::{prefers_page, rdf_types};
use super::snapshot::Snapshot;
use crate::export::Format;
use crate::ontology::CONTEXT_JSONLD;
use crate::vocab::GG_ONTOLOGY;
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{self, HeaderMap};
use axum::http::{Response, StatusCode};
use oxigraph::model::{NamedNode, NamedNodeRef, Triple};

/// The files built into the binary, by their path under the root, with their
/// media types: the stylesheet, the search box's suggestions, and YASGUI.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "assets/favicon.svg",
        "image/svg+xml",
        include_bytes!("../../assets/favicon.svg"),
    ),
    (
        "assets/style.css",
        "text/css",
        include_bytes!("../../assets/style.css"),
    ),
    (
        "assets/autocomplete.js",
        "text/javascript",
        include_bytes!("../../assets/autocomplete.js"),
    ),
    (
        "yasgui/yasgui.min.js",
        "text/javascript",
        include_bytes!("../../assets/yasgui/yasgui.min.js"),
    ),
    (
        "yasgui/yasgui.min.css",
        "text/css",
        include_bytes!("../../assets/yasgui/yasgui.min.css"),
    ),
];

/// The paths under the root of the files built into the binary.
pub fn asset_paths() -> impl Iterator<Item = &'static str> {
    ASSETS.iter().map(|(path, _, _)| *path)
}

/// The query-string parameters pages use.
#[derive(Debug, Default)]
pub struct PageParams {
    pub lang: Option<String>,
    pub q: Option<String>,
    /// `deprecated=true`: search lists deprecated concepts too.
    pub deprecated: bool,
}

impl PageParams {
    pub fn parse(raw: Option<&str>) -> Self {
        let mut params = Self::default();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            match k.as_ref() {
                "lang" => params.lang = Some(v.into_owned()),
                "q" => params.q = Some(v.into_owned()),
                "deprecated" => params.deprecated = v == "true",
                _ => {}
            }
        }
        params
    }

    /// The language to show the page in: `?lang=`, else `Accept-Language`,
    /// else the snapshot's first.
    pub fn language(&self, snapshot: &Snapshot, headers: &HeaderMap) -> String {
        let accept_language = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        choose_language(self.lang.as_deref(), accept_language, snapshot.languages()).to_owned()
    }
}

/// What a request asked for: a representation (explicit by extension, or
/// negotiated) among those a resource has, and a language for pages.
pub(super) struct Wanted {
    pub(super) repr: Repr,
    /// The media type and validator tag the answer goes out under.
    offer: Offer,
    explicit: bool,
    offers: Offers,
    pub(super) lang: String,
}

impl Wanted {
    /// Whether the format was asked for by extension, not negotiated.
    pub(super) fn explicit(&self) -> bool {
        self.explicit
    }
}

pub(super) fn wanted(
    snapshot: &Snapshot,
    headers: &HeaderMap,
    extension: Option<&str>,
    offers: Offers,
    params: &PageParams,
) -> Result<Wanted, AppError> {
    let (offer, explicit) = match extension {
        Some(e) => (
            Repr::from_extension(e)
                .filter(|r| offers.has(*r))
                .map(Offer::own)
                .ok_or_else(|| AppError::not_found(format!("no format `.{e}`")))?,
            true,
        ),
        None => (
            respond::choose(headers, offers)
                .ok_or_else(|| AppError::not_acceptable(&offers.media_types()))?,
            false,
        ),
    };
    let lang = params.language(snapshot, headers);
    Ok(Wanted {
        repr: offer.repr,
        offer,
        explicit,
        offers,
        lang,
    })
}

/// Splits `name.ext` into the name and a known extension.
fn split_extension(file: &str) -> (&str, Option<&str>) {
    match file.rsplit_once('.') {
        Some((stem, ext)) if Repr::from_extension(ext).is_some() => (stem, Some(ext)),
        _ => (file, None),
    }
}

/// The head every resource is answered with, whatever it is: validators for
/// the representation `w` asks for (told apart from other resources' by
/// `tag`), `Vary` and `Content-Location` when it was negotiated, and links to
/// the other formats at `urls`.
pub(super) fn head(snapshot: &Snapshot, w: &Wanted, tag: &str, urls: FormatUrls<'_>) -> Head {
    let validators = Validators::new(
        snapshot.fingerprint,
        &format!("{tag}-{}", variant(w)),
        snapshot.built_at,
    );
    let languages = w.offers.has(Repr::Html) && snapshot.languages().len() > 1;
    let mut extra = Vec::new();
    if !w.explicit {
        let vary = if languages {
            "Accept, Accept-Language"
        } else {
            "Accept"
        };
        extra.push((header::VARY, vary.to_owned()));
        // Only where the body is what the format's own URL holds (not so
        // for JSON-LD's flattened and expanded forms).
        if Repr::from_extension(w.repr.extension()) == Some(w.repr) {
            extra.push((header::CONTENT_LOCATION, urls.href(w.repr.extension())));
        }
    } else if w.repr == Repr::Html && languages {
        extra.push((header::VARY, "Accept-Language".to_owned()));
    }
    let link = alternates_link(urls, w.repr, w.offers);
    if !link.is_empty() {
        extra.push((header::LINK, link));
    }
    Head::new(validators, &content_type(w.offer.sent), &extra)
}

/// `triples` written in `format`.
pub fn rdf(snapshot: &Snapshot, triples: Vec<Triple>, format: Format) -> Result<Vec<u8>, AppError> {
    let mut out = Vec::new();
    snapshot
        .exporter
        .write_triples(triples, format, &mut out)
        .map_err(AppError::internal)?;
    Ok(out)
}

fn render(page: &impl Template) -> Result<Vec<u8>, AppError> {
    page.render()
        .map(String::into_bytes)
        .map_err(AppError::internal)
}

pub(super) fn variant(w: &Wanted) -> String {
    let tag = w.offer.tag;
    match w.repr {
        Repr::Html => format!("html-{}", w.lang),
        Repr::Rdf(f) if tag.is_empty() => f.name().to_owned(),
        Repr::Rdf(f) => format!("{}-{tag}", f.name()),
    }
}

/// `GET /` and `/index.{ext}`: the concept scheme.
pub async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    scheme(state, headers, None, raw).await
}

pub async fn home_format(
    State(state): State<AppState>,
    Path(ext): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    scheme(state, headers, Some(ext), raw).await
}

async fn scheme(
    state: AppState,
    headers: HeaderMap,
    ext: Option<String>,
    raw: Option<String>,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let params = PageParams::parse(raw.as_deref());
    let w = wanted(
        &snapshot,
        &headers,
        ext.as_deref(),
        Offers::PageAndRdf,
        &params,
    )?;
    let urls = FormatUrls::Extension("index");
    head(&snapshot, &w, "scheme", urls).respond(&headers, || match w.repr {
        Repr::Html => {
            // Kept like the other index pages.
            super::browse::kept(&snapshot, "", &w.lang, || {
                let title = snapshot
                    .config
                    .title
                    .get(&w.lang)
                    .or_else(|| snapshot.config.title.values().next())
                    .cloned()
                    .unwrap_or_default();
                let mut layout = Layout::new(&snapshot, &w.lang, title, "", "");
                layout.alternates = alternates(urls);
                render(&HomePage::build(&snapshot, layout, &w.lang))
            })
        }
        Repr::Rdf(format) => {
            let scheme = snapshot.config.base.scheme();
            let triples = subject_triples(&snapshot, scheme.as_ref())?;
            rdf(&snapshot, triples, format).map(axum::body::Bytes::from)
        }
    })
}

fn subject_triples(
    snapshot: &Snapshot,
    subject: NamedNodeRef<'_>,
) -> Result<Vec<Triple>, AppError> {
    let mut triples: Vec<Triple> = snapshot
        .store
        .quads_for_pattern(Some(subject.into()), None, None, None)
        .map(|q| q.map(Triple::from))
        .collect::<Result<_, _>>()
        .map_err(AppError::internal)?;
    triples.sort_by(crate::order::triple_cmp);
    triples.dedup();
    Ok(triples)
}

/// `GET /concept/{id}` and `/concept/{id}.{ext}`.
pub async fn concept(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let (id, ext) = match file.strip_suffix(".svg") {
        Some(id) => (id, Some("svg")),
        None => split_extension(&file),
    };
    let Some(i) = snapshot
        .concepts
        .get(snapshot.config.base.concept(id).as_str())
    else {
        return Err(super::releases::gone(&snapshot, id).unwrap_or_else(|| {
            AppError::not_found(format!("there is no concept `{id}` in this glossary"))
        }));
    };
    let params = PageParams::parse(raw.as_deref());
    if ext == Some("svg") {
        let lang = params.language(&snapshot, &headers);
        return diagram(snapshot, i, id, &lang).await;
    }
    concept_response(snapshot, headers, i, ext, &params, Address::Concept(id)).await
}

/// `GET /concept/{id}.svg`: the concept's neighbourhood diagram alone, for
/// slides and documents; its links lead back to the pages.
async fn diagram(
    snapshot: std::sync::Arc<Snapshot>,
    i: usize,
    id: &str,
    lang: &str,
) -> Result<Response<Body>, AppError> {
    let iri = snapshot.concepts.concepts[i].iri.clone();
    let store = snapshot.clone();
    let triples = tokio::task::spawn_blocking(move || {
        crate::store::describe(&store.store, NamedNode::new_unchecked(iri).as_ref())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    let label = snapshot.concepts.label(i, &[lang]).to_owned();
    let layout = Layout::new(&snapshot, lang, label, "../", &format!("concept/{id}"));
    let page = ConceptPage::build(&snapshot, layout, i, lang, &triples);
    let svg = page.diagram(&format!("{id}#relations"));
    if svg.is_empty() {
        return Err(AppError::not_found(format!(
            "the concept `{id}` has no relation to draw"
        )));
    }
    Ok(respond::typed("image/svg+xml", svg))
}

/// `GET /resource?iri=…[&format=ttl]`: a concept of a published vocabulary whose
/// IRI is not under this glossary's base, shown and served like a concept.
pub async fn resource(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let mut iri = None;
    let mut format = None;
    for (k, v) in form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "iri" => iri = Some(v.into_owned()),
            "format" => format = Some(v.into_owned()),
            _ => {}
        }
    }
    let iri = iri.ok_or_else(|| AppError::bad_request("give the concept's IRI as `iri=`"))?;
    let i = snapshot
        .concepts
        .get(&iri)
        .ok_or_else(|| AppError::not_found(format!("there is no concept <{iri}> here")))?;
    let params = PageParams::parse(raw.as_deref());
    concept_response(
        snapshot,
        headers,
        i,
        format.as_deref(),
        &params,
        Address::Resource(&iri),
    )
    .await
}

/// Where a concept is served.
#[derive(Clone, Copy)]
enum Address<'a> {
    /// `concept/{id}`, a concept of this glossary.
    Concept(&'a str),
    /// `resource?iri=…`, a concept of a published vocabulary.
    Resource(&'a str),
}

/// A concept's representation, made on its first request and kept in the
/// snapshot: a repeated request costs a lookup and a copy of the headers.
async fn concept_response(
    snapshot: std::sync::Arc<Snapshot>,
    headers: HeaderMap,
    i: usize,
    ext: Option<&str>,
    params: &PageParams,
    address: Address<'_>,
) -> Result<Response<Body>, AppError> {
    let w = wanted(&snapshot, &headers, ext, Offers::PageAndRdf, params)?;
    let key = (
        i as u32,
        matches!(address, Address::Resource(_)),
        w.explicit,
        variant(&w),
    );
    let rendered = match snapshot.rendered.get(&key) {
        Some(rendered) => rendered,
        None => {
            let rendered = std::sync::Arc::new(render_concept(&snapshot, &w, i, address).await?);
            snapshot.rendered.put(key, rendered.clone());
            rendered
        }
    };
    Ok(rendered.respond(&headers))
}

/// Renders a concept's representation with its headers.
async fn render_concept(
    snapshot: &std::sync::Arc<Snapshot>,
    w: &Wanted,
    i: usize,
    address: Address<'_>,
) -> Result<Rendered, AppError> {
    // A page's path relative to the glossary's root, and the way back.
    let (page, root) = match address {
        Address::Concept(id) => (format!("concept/{id}"), "../"),
        Address::Resource(iri) => (
            format!(
                "resource?iri={}",
                form_urlencoded::byte_serialize(iri.as_bytes()).collect::<String>()
            ),
            "",
        ),
    };
    let urls = match address {
        Address::Concept(id) => FormatUrls::Extension(id),
        Address::Resource(_) => FormatUrls::Query(&page),
    };
    let iri = snapshot.concepts.concepts[i].iri.clone();
    let tag = xxhash_rust::xxh3::xxh3_64(iri.as_bytes());
    let store = snapshot.clone();
    // Reading the store blocks; keep it off the async workers.
    let triples = tokio::task::spawn_blocking(move || {
        crate::store::describe(&store.store, NamedNode::new_unchecked(iri).as_ref())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    let body = match w.repr {
        Repr::Html => {
            let label = snapshot.concepts.label(i, &[w.lang.as_str()]).to_owned();
            let mut layout = Layout::new(snapshot, &w.lang, label, root, &page);
            layout.alternates = alternates(urls);
            render(&ConceptPage::build(snapshot, layout, i, &w.lang, &triples))?
        }
        Repr::Rdf(format) => rdf(snapshot, triples, format)?,
    };
    Ok(Rendered::new(
        head(snapshot, w, &format!("{tag:x}"), urls),
        body.into(),
    ))
}

/// `GET /dataset`, `/dataset.{ext}` and `/.well-known/void`: the VoID and DCAT
/// description of the dataset, as RDF, or as a page for a browser (an
/// `Accept` that ranks HTML above RDF: crawlers and `*/*` get RDF, as the
/// description is mostly for them). `stem` is the path of `dataset` relative
/// to the request's, for the explicit format URLs.
pub async fn dataset(
    State(state): State<AppState>,
    headers: HeaderMap,
    ext: Option<Path<String>>,
    stem: &'static str,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let ext = ext.map(|Path(e)| e);
    let page = ext.is_none() && prefers_page(&headers, rdf_types());
    if ext.is_none() && !page && respond::choose(&headers, Offers::Rdf).is_none() {
        return Err(AppError::not_acceptable(&Offers::PageAndRdf.media_types()));
    }
    let offers = if page || ext.is_some() {
        Offers::PageAndRdf
    } else {
        Offers::Rdf
    };
    let params = PageParams::parse(raw.as_deref());
    let mut w = wanted(&snapshot, &headers, ext.as_deref(), offers, &params)?;
    // The page is one of its representations however this one was chosen:
    // the links and `Vary` say so.
    w.offers = Offers::PageAndRdf;
    let triples = crate::store::describe(&snapshot.store, snapshot.config.base.dataset().as_ref())
        .map_err(AppError::internal)?;
    let urls = FormatUrls::Extension(stem);
    head(&snapshot, &w, "dataset", urls).respond(&headers, || match w.repr {
        Repr::Html => {
            let root = stem.strip_suffix("dataset").unwrap_or_default();
            let mut layout = Layout::new(&snapshot, &w.lang, String::new(), root, "dataset");
            layout.alternates = alternates(urls);
            render(&DatasetPage::build(&snapshot, layout, &triples, root))
        }
        Repr::Rdf(format) => rdf(&snapshot, triples, format),
    })
}

/// The RDF format an `Accept` header asks for among those a resource has
/// (Turtle when it accepts anything), with the media type to send it as.
pub fn negotiate_rdf(headers: &HeaderMap) -> Result<(Format, Offer), AppError> {
    match respond::choose(headers, Offers::Rdf) {
        Some(
            offer @ Offer {
                repr: Repr::Rdf(format),
                ..
            },
        ) => Ok((format, offer)),
        _ => Err(AppError::not_acceptable(&Offers::Rdf.media_types())),
    }
}

/// `GET /ontology` (and the vocabulary's own IRI path): the glossgraph vocabulary.
pub async fn ontology(
    State(state): State<AppState>,
    headers: HeaderMap,
    file: Option<Path<String>>,
    RawQuery(raw): RawQuery,
    // The way back to the root: `../` from the vocabulary's own `/glossgraph/ns`.
    root: &'static str,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let ext = file
        .as_ref()
        .and_then(|Path(f)| split_extension(f).1.map(str::to_owned));
    let params = PageParams::parse(raw.as_deref());
    let w = wanted(
        &snapshot,
        &headers,
        ext.as_deref(),
        Offers::PageAndRdf,
        &params,
    )?;
    let urls = FormatUrls::Extension("ontology");
    head(&snapshot, &w, "ontology", urls).respond(&headers, || match w.repr {
        Repr::Html => {
            let mut layout = Layout::new(&snapshot, &w.lang, String::new(), root, "ontology");
            layout.title = layout.ui.vocabulary.to_owned();
            layout.alternates = alternates(urls);
            render(&OntologyPage::build(&snapshot, layout))
        }
        Repr::Rdf(format) => {
            let graph = NamedNode::new_unchecked(GG_ONTOLOGY);
            let triples = snapshot
                .store
                .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
                .map(|q| q.map(Triple::from))
                .collect::<Result<Vec<_>, _>>()
                .map_err(AppError::internal)?;
            rdf(&snapshot, triples, format)
        }
    })
}

/// `GET /context.jsonld`: the JSON-LD context of compact output.
pub async fn context(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    static_file(
        &headers,
        snapshot.built_at,
        "application/ld+json",
        CONTEXT_JSONLD.as_bytes(),
    )
}

/// `GET /assets/{file}` and `/yasgui/{file}`: a file of `ASSETS` in `dir`.
pub async fn asset(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    dir: &'static str,
) -> Result<Response<Body>, AppError> {
    let found = ASSETS.iter().find(|(path, ..)| {
        path.strip_prefix(dir)
            .and_then(|p| p.strip_prefix('/'))
            .is_some_and(|name| name == file)
    });
    let Some((_, media_type, bytes)) = found else {
        return Err(AppError::not_found(format!("no file `{file}`")));
    };
    static_file(&headers, state.started_at(), media_type, bytes)
}

/// A file built into the binary, validated by its content hash.
pub fn static_file(
    headers: &HeaderMap,
    modified: std::time::SystemTime,
    media_type: &str,
    bytes: &'static [u8],
) -> Result<Response<Body>, AppError> {
    let validators = Validators::new(xxhash_rust::xxh3::xxh3_64(bytes), "static", modified);
    representation(headers, validators, &content_type(media_type), &[], || {
        Ok(bytes.to_vec())
    })
}

/// `GET /dump.{ext}` and `/dump.{ext}.gz`: the whole dataset.
pub async fn dump(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let (name, gzip) = match file.strip_suffix(".gz") {
        Some(name) => (name, true),
        None => (file.as_str(), false),
    };
    let format = match name.strip_prefix("dump.").and_then(Repr::from_extension) {
        Some(Repr::Rdf(f)) => f,
        _ => {
            return Err(AppError::not_found(format!(
                "no dump `{file}`; dumps are dump.ttl, dump.nt, dump.nq, dump.trig, dump.jsonld and dump.rdf, each also as .gz"
            )));
        }
    };
    let validators = Validators::new(
        snapshot.fingerprint,
        &format!("dump-{}-{gzip}", format.extension()),
        snapshot.built_at,
    );
    let media = if gzip {
        "application/gzip".to_owned()
    } else {
        content_type(format.media_type())
    };
    let extra = [(
        header::CONTENT_DISPOSITION,
        format!("inline; filename=\"{file}\""),
    )];
    let dumped = snapshot.clone();
    let bytes = tokio::task::spawn_blocking(move || dumped.dump(format, gzip))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    representation(&headers, validators, &media, &extra, || Ok(bytes.to_vec()))
}

/// The graph a Graph Store Protocol request asks for (indirect
/// identification: `?graph=IRI` or `?default`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreGraph {
    Named(NamedNode),
    Default,
}

impl StoreGraph {
    /// Reads the query string of a request to `/store`.
    pub fn from_query(raw: Option<&str>) -> Result<Self, AppError> {
        let mut graph: Option<String> = None;
        let mut default = false;
        for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            match k.as_ref() {
                "graph" => graph = Some(v.into_owned()),
                "default" => default = true,
                _ => {}
            }
        }
        match (graph, default) {
            (Some(g), false) => NamedNode::new(&g)
                .map(Self::Named)
                .map_err(|e| AppError::bad_request(format!("`{g}` is not an IRI: {e}"))),
            (None, true) => Ok(Self::Default),
            _ => Err(AppError::bad_request(
                "give exactly one of `graph=IRI` and `default`",
            )),
        }
    }
}

/// `GET /store?graph=IRI` or `?default`: the Graph Store Protocol's read. The
/// default graph is the union of all graphs, as SPARQL sees it.
pub async fn graph_store(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let asked = StoreGraph::from_query(raw.as_deref())?;
    let (format, offer) = negotiate_rdf(&headers)?;
    let triples: Vec<Triple> = match asked {
        StoreGraph::Named(name) => {
            if !snapshot
                .store
                .contains_named_graph(&name)
                .map_err(AppError::internal)?
            {
                return Err(AppError::not_found(format!("there is no graph {name}")));
            }
            snapshot
                .store
                .quads_for_pattern(None, None, None, Some(name.as_ref().into()))
                .map(|q| q.map(Triple::from))
                .collect::<Result<_, _>>()
                .map_err(AppError::internal)?
        }
        StoreGraph::Default => crate::store::quads(&snapshot.store)
            .map_err(AppError::internal)?
            .into_iter()
            .map(Triple::from)
            .collect(),
    };
    let validators = Validators::new(
        snapshot.fingerprint,
        &format!(
            "store-{}-{}-{}",
            raw.as_deref().unwrap_or_default(),
            format.name(),
            offer.tag
        ),
        snapshot.built_at,
    );
    let extra = [(header::VARY, "Accept".to_owned())];
    representation(
        &headers,
        validators,
        &content_type(offer.sent),
        &extra,
        || rdf(&snapshot, triples, format),
    )
}

/// Any other method on `/store` (PUT, POST, DELETE, PATCH): the endpoint only
/// reads, so a write is refused with 405, saying where writes go instead.
pub async fn graph_store_write() -> AppError {
    AppError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this Graph Store Protocol endpoint is read-only: it answers GET and HEAD; \
         the graph is built from the glossary's sources, and `glossgraph push URL` \
         sends it to a triple store that takes writes",
    )
    .with_header(header::ALLOW, "GET, HEAD")
}

/// `GET /store/…`: direct graph identification, which `/store` does not offer:
/// glossgraph names its graphs after the concepts they describe, so no graph
/// IRI lies under `/store/`.
pub async fn graph_store_path() -> AppError {
    AppError::not_found(
        "graphs are identified by the `graph` parameter, not by a path under /store: \
         ask /store?graph=IRI (the IRI percent-encoded) or /store?default",
    )
}

/// `GET /robots.txt`.
pub async fn robots(State(state): State<AppState>) -> Response<Body> {
    let snapshot = state.snapshot();
    respond::typed(
        "text/plain; charset=utf-8",
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}\n",
            snapshot.config.base.file("sitemap.xml").as_str()
        ),
    )
}

/// `GET /sitemap.xml`: the home page and every concept page.
pub async fn sitemap(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response<Body>, AppError> {
    let snapshot = state.snapshot();
    let validators = Validators::new(snapshot.fingerprint, "sitemap", snapshot.built_at);
    representation(
        &headers,
        validators,
        "application/xml; charset=utf-8",
        &[],
        || {
            let mut urls = vec![snapshot.config.base.to_string()];
            urls.extend(
                snapshot
                    .concepts
                    .concepts
                    .iter()
                    .filter(|c| snapshot.config.base.concept_id(&c.iri).is_some())
                    .map(|c| c.iri.clone()),
            );
            urls[1..].sort();
            let page = html::Sitemap { urls };
            render(&page)
        },
    )
}

/// Unknown paths: 404, a page for browsers.
pub async fn not_found() -> AppError {
    AppError::not_found("there is nothing at this address")
}
