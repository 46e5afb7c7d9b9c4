//! IRIs of the vocabularies glossgraph writes, and the prefixes it uses for them.
//!
//! Layer: a leaf.

use oxigraph::model::NamedNodeRef;

/// The glossgraph vocabulary's namespace: fixed, independent of any glossary's base IRI.
pub const GG_NS: &str = "https://w3id.org/glossgraph/ns#";
/// The IRI of the glossgraph ontology (also the name of the graph holding it).
pub const GG_ONTOLOGY: &str = "https://w3id.org/glossgraph/ns";

/// Prefixes used in every serialisation, most specific first where one namespace
/// contains another. Order matters for determinism and is part of the output format.
pub const PREFIXES: &[(&str, &str)] = &[
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("gg", GG_NS),
    ("iso-thes", "http://purl.org/iso25964/skos-thes#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("schema", "https://schema.org/"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("vann", "http://purl.org/vocab/vann/"),
    ("void", "http://rdfs.org/ns/void#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];

/// Prefixes messages also use for vocabularies glossgraph reads but does not write.
const MESSAGE_PREFIXES: &[(&str, &str)] = &[
    ("dc", "http://purl.org/dc/elements/1.1/"),
    ("skosxl", "http://www.w3.org/2008/05/skos-xl#"),
];

/// `skos:prefLabel` for the SKOS IRI, and so on for [`PREFIXES`] and a few
/// more; any other IRI in angle brackets. For messages, not for output
/// formats.
pub fn compact(iri: &str) -> String {
    for (prefix, ns) in PREFIXES.iter().chain(MESSAGE_PREFIXES) {
        if let Some(local) = iri.strip_prefix(ns)
            && !local.is_empty()
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return format!("{prefix}:{local}");
        }
    }
    format!("<{iri}>")
}

/// The namespaces of RDF, RDFS, OWL and SKOS: a deprecated resource typed by
/// a class of one of them (a property, a class, a scheme) is not a retired
/// concept, for the server and for lint alike.
pub const STANDARD_NAMESPACES: [&str; 4] = [
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2004/02/skos/core#",
];

macro_rules! terms {
    ($module:ident, $ns:literal, { $($name:ident = $local:literal),* $(,)? }) => {
        #[doc = concat!("Terms of `", $ns, "`.")]
        pub mod $module {
            use super::NamedNodeRef;
            /// The namespace IRI.
            pub const NS: &str = $ns;
            $(
                #[doc = concat!("`", $ns, $local, "`")]
                pub const $name: NamedNodeRef<'static> =
                    NamedNodeRef::new_unchecked(concat!($ns, $local));
            )*
        }
    };
}

terms!(skos, "http://www.w3.org/2004/02/skos/core#", {
    CONCEPT = "Concept",
    CONCEPT_SCHEME = "ConceptScheme",
    COLLECTION = "Collection",
    ORDERED_COLLECTION = "OrderedCollection",
    MEMBER = "member",
    MEMBER_LIST = "memberList",
    PREF_LABEL = "prefLabel",
    ALT_LABEL = "altLabel",
    HIDDEN_LABEL = "hiddenLabel",
    DEFINITION = "definition",
    NOTE = "note",
    SCOPE_NOTE = "scopeNote",
    EXAMPLE = "example",
    HISTORY_NOTE = "historyNote",
    EDITORIAL_NOTE = "editorialNote",
    CHANGE_NOTE = "changeNote",
    NOTATION = "notation",
    IN_SCHEME = "inScheme",
    HAS_TOP_CONCEPT = "hasTopConcept",
    TOP_CONCEPT_OF = "topConceptOf",
    BROADER = "broader",
    NARROWER = "narrower",
    RELATED = "related",
    BROADER_TRANSITIVE = "broaderTransitive",
    NARROWER_TRANSITIVE = "narrowerTransitive",
    SEMANTIC_RELATION = "semanticRelation",
    EXACT_MATCH = "exactMatch",
    CLOSE_MATCH = "closeMatch",
    BROAD_MATCH = "broadMatch",
    NARROW_MATCH = "narrowMatch",
    RELATED_MATCH = "relatedMatch",
});

terms!(iso_thes, "http://purl.org/iso25964/skos-thes#", {
    BROADER_GENERIC = "broaderGeneric",
    NARROWER_GENERIC = "narrowerGeneric",
    BROADER_PARTITIVE = "broaderPartitive",
    NARROWER_PARTITIVE = "narrowerPartitive",
    BROADER_INSTANTIAL = "broaderInstantial",
    NARROWER_INSTANTIAL = "narrowerInstantial",
});

terms!(gg, "https://w3id.org/glossgraph/ns#", {
    SECTION_CLASS = "Section",
    KEY_FACT_CLASS = "KeyFact",
    MISCONCEPTION_CLASS = "Misconception",
    REGISTER_CLASS = "Register",
    RELATION_TYPE = "RelationType",
    SECTION = "section",
    KEY_FACT = "keyFact",
    MISCONCEPTION = "misconception",
    POSITION = "position",
    TITLE = "title",
    TEXT = "text",
    FACT_LABEL = "factLabel",
    FACT_VALUE = "factValue",
    SIGNALS = "signals",
    MENTIONS = "mentions",
    CLAIM = "claim",
    CORRECTION = "correction",
    CITATION = "citation",
    REGISTER = "register",
    KEY = "key",
    KEY_FACT_LABEL = "keyFactLabel",
});

terms!(dcterms, "http://purl.org/dc/terms/", {
    TITLE = "title",
    DESCRIPTION = "description",
    SOURCE = "source",
    LICENSE = "license",
    PUBLISHER = "publisher",
    CREATED = "created",
    MODIFIED = "modified",
    ISSUED = "issued",
    HAS_VERSION = "hasVersion",
    IS_REPLACED_BY = "isReplacedBy",
    REPLACES = "replaces",
    FORMAT = "format",
    CONFORMS_TO = "conformsTo",
});

terms!(schema, "https://schema.org/", {
    DEFINED_TERM = "DefinedTerm",
    DEFINED_TERM_SET = "DefinedTermSet",
    NAME = "name",
    DESCRIPTION = "description",
    TERM_CODE = "termCode",
    IN_DEFINED_TERM_SET = "inDefinedTermSet",
    HAS_DEFINED_TERM = "hasDefinedTerm",
    URL = "url",
});

terms!(owl, "http://www.w3.org/2002/07/owl#", {
    OBJECT_PROPERTY = "ObjectProperty",
    SYMMETRIC_PROPERTY = "SymmetricProperty",
    INVERSE_OF = "inverseOf",
    DEPRECATED = "deprecated",
    VERSION_INFO = "versionInfo",
    PRIOR_VERSION = "priorVersion",
    ONTOLOGY = "Ontology",
});

terms!(rdfs, "http://www.w3.org/2000/01/rdf-schema#", {
    LABEL = "label",
    COMMENT = "comment",
    SUB_PROPERTY_OF = "subPropertyOf",
    SEE_ALSO = "seeAlso",
});

terms!(void, "http://rdfs.org/ns/void#", {
    DATASET = "Dataset",
    TRIPLES = "triples",
    ENTITIES = "entities",
    DISTINCT_SUBJECTS = "distinctSubjects",
    SPARQL_ENDPOINT = "sparqlEndpoint",
    DATA_DUMP = "dataDump",
    ROOT_RESOURCE = "rootResource",
    URI_SPACE = "uriSpace",
    VOCABULARY = "vocabulary",
    URI_LOOKUP_ENDPOINT = "uriLookupEndpoint",
});

terms!(dcat, "http://www.w3.org/ns/dcat#", {
    DATASET = "Dataset",
    DISTRIBUTION_CLASS = "Distribution",
    DISTRIBUTION = "distribution",
    DOWNLOAD_URL = "downloadURL",
    MEDIA_TYPE = "mediaType",
    COMPRESS_FORMAT = "compressFormat",
});

terms!(foaf, "http://xmlns.com/foaf/0.1/", {
    ORGANIZATION = "Organization",
    NAME = "name",
    HOMEPAGE = "homepage",
});

/// The standard SKOS and ISO 25964 relations with their inverses. SKOS is a
/// fixed standard, so these pairs live in code; glossgraph's own relation
/// types declare theirs in `ontology/glossary.ttl`.
pub const STANDARD_INVERSES: &[(NamedNodeRef<'static>, NamedNodeRef<'static>)] = &[
    (skos::BROADER, skos::NARROWER),
    (skos::NARROWER, skos::BROADER),
    (skos::RELATED, skos::RELATED),
    (iso_thes::BROADER_GENERIC, iso_thes::NARROWER_GENERIC),
    (iso_thes::NARROWER_GENERIC, iso_thes::BROADER_GENERIC),
    (iso_thes::BROADER_PARTITIVE, iso_thes::NARROWER_PARTITIVE),
    (iso_thes::NARROWER_PARTITIVE, iso_thes::BROADER_PARTITIVE),
    (iso_thes::BROADER_INSTANTIAL, iso_thes::NARROWER_INSTANTIAL),
    (iso_thes::NARROWER_INSTANTIAL, iso_thes::BROADER_INSTANTIAL),
];

/// The inverse of a standard SKOS or ISO 25964 relation, if it is one.
pub fn standard_inverse(property: NamedNodeRef<'_>) -> Option<NamedNodeRef<'static>> {
    STANDARD_INVERSES
        .iter()
        .find(|(p, _)| *p == property)
        .map(|(_, inverse)| *inverse)
}
