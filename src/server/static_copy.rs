//! What a static copy of the site shows where `serve` would run something: the
//! page at `sparql`, which says where queries go instead. Written by `site`
//! with the server's own layout, so it looks like every other page.

use super::html::{Code, Layout, MessagePage};
use super::snapshot::Snapshot;

/// The `sparql` page of a static copy, in the glossary's first language,
/// sending readers to `endpoint` where there is one.
pub fn sparql_page(snapshot: &Snapshot, endpoint: Option<&str>) -> String {
    let lang = snapshot.languages().first().cloned().unwrap_or_default();
    let mut layout = Layout::new(snapshot, &lang, String::new(), "", "sparql");
    let heading = layout.ui.sparql_endpoint.to_owned();
    layout.title = heading.clone();
    let detail = match endpoint {
        Some(_) => layout.ui.static_sparql_at,
        None => layout.ui.static_sparql,
    };
    let page = MessagePage {
        detail: Code::split(detail),
        detail_in_page_language: true,
        link: endpoint.map(str::to_owned),
        heading,
        layout,
        suggestions: Vec::new(),
    };
    askama::Template::render(&page).unwrap_or_default()
}
