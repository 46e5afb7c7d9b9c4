//! The dataset description's page: the VoID and DCAT triples of the dataset
//! read into a summary for people (title, licence, counts, distributions, the
//! SPARQL endpoint); its formats as data are the layout's alternates. The
//! handler, which serves the same triples as RDF to everyone else, is
//! `resource::dataset`.

use super::html::{Lang, Layout, Link};
use super::snapshot::Snapshot;
use crate::vocab::{dcat, dcterms, foaf, owl, void};
use askama::Template;
use oxigraph::model::{Literal, NamedNodeRef, NamedOrBlankNode, Term, Triple};

#[derive(Template)]
#[template(path = "dataset.html")]
pub struct DatasetPage {
    pub layout: Layout,
    pub description: Option<String>,
    pub license: Option<Link>,
    pub publisher: Option<String>,
    pub version: Option<String>,
    pub created: Option<String>,
    pub modified: Option<String>,
    pub triples: Option<String>,
    pub entities: Option<String>,
    pub endpoint: Option<Link>,
    pub distributions: Vec<Distribution>,
    pub vocabularies: Vec<Link>,
}

/// A download of the whole dataset.
pub struct Distribution {
    pub link: Link,
    pub media_type: String,
}

impl DatasetPage {
    /// The page for `triples`, the description of the dataset, seen from a
    /// page at `root` (relative to the glossary's root): the glossary's own
    /// addresses are linked relatively, so they work on any host.
    pub fn build(snapshot: &Snapshot, layout: Layout, triples: &[Triple], root: &str) -> Self {
        let dataset = snapshot.config.base.dataset();
        let dataset = dataset.as_str();
        let base = snapshot.config.base.as_str();
        let link = |iri: &str| Link {
            href: match iri.strip_prefix(base) {
                Some(path) => format!("{root}{path}"),
                None => iri.to_owned(),
            },
            label: iri.to_owned(),
            lang: Lang::default(),
        };
        let text = |p| {
            literals(triples, dataset, p)
                .first()
                .map(|l| l.value().to_owned())
        };
        // The literal in the page's language, else any.
        let in_language = |p| {
            let found = literals(triples, dataset, p);
            found
                .iter()
                .find(|l| l.language() == Some(layout.lang.as_str()))
                .or(found.first())
                .map(|l| l.value().to_owned())
        };
        let publisher = iris(triples, dataset, dcterms::PUBLISHER)
            .first()
            .and_then(|p| {
                literals(triples, p, foaf::NAME)
                    .first()
                    .map(|l| l.value().to_owned())
            });
        let mut distributions: Vec<Distribution> = iris(triples, dataset, dcat::DISTRIBUTION)
            .into_iter()
            .filter_map(|d| {
                let url = *iris(triples, d, dcat::DOWNLOAD_URL).first()?;
                let media_type = iris(triples, d, dcat::MEDIA_TYPE)
                    .first()
                    .map(|m| {
                        m.rsplit_once("/media-types/")
                            .map_or(*m, |(_, t)| t)
                            .to_owned()
                    })
                    .unwrap_or_default();
                let mut link = link(url);
                link.label = url.rsplit('/').next().unwrap_or_default().to_owned();
                Some(Distribution { link, media_type })
            })
            .collect();
        distributions.sort_by(|a, b| a.link.label.cmp(&b.link.label));
        let title = in_language(dcterms::TITLE);
        Self {
            description: in_language(dcterms::DESCRIPTION),
            license: iris(triples, dataset, dcterms::LICENSE)
                .first()
                .map(|l| link(l)),
            publisher,
            version: text(owl::VERSION_INFO),
            created: text(dcterms::CREATED),
            modified: text(dcterms::MODIFIED),
            triples: text(void::TRIPLES),
            entities: text(void::ENTITIES),
            endpoint: iris(triples, dataset, void::SPARQL_ENDPOINT)
                .first()
                .map(|e| link(e)),
            distributions,
            vocabularies: iris(triples, dataset, void::VOCABULARY)
                .into_iter()
                .map(link)
                .collect(),
            layout: Layout {
                title: title.unwrap_or_else(|| layout.site_title.text.clone()),
                ..layout
            },
        }
    }
}

/// The objects of `subject`'s `predicate` among `triples`.
fn objects<'t>(
    triples: &'t [Triple],
    subject: &str,
    predicate: NamedNodeRef<'_>,
) -> impl Iterator<Item = &'t Term> {
    triples
        .iter()
        .filter(move |t| {
            matches!(&t.subject, NamedOrBlankNode::NamedNode(n) if n.as_str() == subject)
                && t.predicate == predicate
        })
        .map(|t| &t.object)
}

/// The IRIs among those objects.
fn iris<'t>(triples: &'t [Triple], subject: &str, predicate: NamedNodeRef<'_>) -> Vec<&'t str> {
    objects(triples, subject, predicate)
        .filter_map(|o| match o {
            Term::NamedNode(n) => Some(n.as_str()),
            _ => None,
        })
        .collect()
}

/// The literals among those objects.
fn literals<'t>(
    triples: &'t [Triple],
    subject: &str,
    predicate: NamedNodeRef<'_>,
) -> Vec<&'t Literal> {
    objects(triples, subject, predicate)
        .filter_map(|o| match o {
            Term::Literal(l) => Some(l),
            _ => None,
        })
        .collect()
}
