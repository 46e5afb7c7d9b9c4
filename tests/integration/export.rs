//! Exports: every format reads back as the same graph, output is deterministic,
//! the `eu-ai-office` concept matches its golden Turtle, and the graph is
//! SKOS-complete without a reasoner.

use crate::util::{built, glossgraph, project, root, text};
use glossgraph::export::{Exporter, Format};
use glossgraph::store;
use glossgraph::vocab::{gg, skos};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{GraphName, NamedNode, NamedNodeRef, Quad, Term, Triple};
use std::collections::HashSet;

fn export(format: Format) -> Vec<u8> {
    let project = project();
    let exporter = Exporter::new(&project.config).unwrap();
    let mut out = Vec::new();
    exporter
        .write(store::quads(&built().store).unwrap(), format, &mut out)
        .unwrap();
    out
}

fn parse(bytes: &[u8], format: Format) -> HashSet<Quad> {
    RdfParser::from_format(format.rdf_format())
        .for_slice(bytes)
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", format.name()))
}

fn stored() -> HashSet<Quad> {
    store::quads(&built().store).unwrap().into_iter().collect()
}

fn as_triples(quads: &HashSet<Quad>) -> HashSet<Triple> {
    quads.iter().cloned().map(Triple::from).collect()
}

#[test]
fn every_format_reads_back_as_the_stored_graph() {
    let stored = stored();
    assert!(
        stored.len() > 4000,
        "the glossary has {} quads",
        stored.len()
    );
    for format in Format::ALL {
        let read = parse(&export(format), format);
        if format.keeps_graphs() {
            assert_eq!(read, stored, "{} differs from the store", format.name());
        } else {
            assert_eq!(
                as_triples(&read),
                as_triples(&stored),
                "{} differs from the store",
                format.name()
            );
        }
    }
}

#[test]
fn no_triple_is_in_two_graphs() {
    // So the union of the graphs (what SPARQL and the triple formats show) has no duplicates.
    let stored = stored();
    assert_eq!(as_triples(&stored).len(), stored.len());
}

#[test]
fn exports_are_byte_identical_across_runs() {
    let dir = root();
    for format in ["turtle", "jsonld", "rdfxml", "ntriples", "nquads", "trig"] {
        let first = glossgraph(&dir, &["export", "--format", format]);
        let second = glossgraph(&dir, &["export", "--format", format]);
        assert!(first.status.success(), "{}", text(&first.stderr));
        assert!(!first.stdout.is_empty());
        assert_eq!(
            first.stdout, second.stdout,
            "{format} export differs between runs"
        );
    }
}

#[test]
fn json_ld_is_compact_with_the_projects_context() {
    let document: serde_json::Value = serde_json::from_slice(&export(Format::JsonLd)).unwrap();
    let context = &document["@context"];
    assert_eq!(context["prefLabel"]["@id"], "skos:prefLabel");
    let office = document["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["@id"] == "https://eu-ai.glossgraph.org/concept/eu-ai-office")
        .expect("the AI Office is in the JSON-LD");
    assert_eq!(office["prefLabel"]["en"], "EU AI Office");
    assert_eq!(
        office["broader"],
        "https://eu-ai.glossgraph.org/concept/european-commission"
    );
    assert_eq!(
        office["@type"],
        serde_json::json!(["Concept", "DefinedTerm"])
    );
    // Parts are embedded in their concept.
    assert_eq!(office["misconception"].as_array().unwrap().len(), 3);
    assert_eq!(office["keyFact"][1]["factLabel"]["en"], "Location");
    assert_eq!(office["keyFact"][1]["position"], 2);
}

#[test]
fn the_shipped_context_names_every_relation_type() {
    let project = project();
    let exporter = Exporter::new(&project.config).unwrap();
    for t in project.ontology.relation_types() {
        assert!(
            exporter.context().term(t.iri.as_str()).is_some(),
            "ontology/context.jsonld has no term for {}",
            t.iri
        );
    }
}

fn concept(id: &str) -> NamedNode {
    NamedNode::new(format!("https://eu-ai.glossgraph.org/concept/{id}")).unwrap()
}

fn objects(triples: &[Triple], subject: &NamedNode, predicate: NamedNodeRef<'_>) -> Vec<Term> {
    triples
        .iter()
        .filter(|t| t.subject == subject.clone().into() && t.predicate.as_ref() == predicate)
        .map(|t| t.object.clone())
        .collect()
}

#[test]
fn the_eu_ai_office_turtle_matches_its_golden_file() {
    let project = project();
    let exporter = Exporter::new(&project.config).unwrap();
    let triples = store::describe(&built().store, concept("eu-ai-office").as_ref()).unwrap();
    let quads = triples
        .into_iter()
        .map(|t| t.in_graph(GraphName::DefaultGraph))
        .collect();
    let mut out = Vec::new();
    exporter.write(quads, Format::Turtle, &mut out).unwrap();
    let golden_path = root().join("tests/golden/eu-ai-office.ttl");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden_path, &out).unwrap();
    }
    let golden = std::fs::read_to_string(&golden_path)
        .expect("tests/golden/eu-ai-office.ttl exists (UPDATE_GOLDEN=1 writes it)");
    assert_eq!(
        text(&out),
        golden,
        "the eu-ai-office Turtle changed; if that is intended, run with UPDATE_GOLDEN=1"
    );
}

#[test]
fn the_eu_ai_office_has_everything_the_seed_page_has() {
    let office = concept("eu-ai-office");
    let triples = store::describe(&built().store, office.as_ref()).unwrap();
    assert_eq!(objects(&triples, &office, gg::SECTION).len(), 3);
    assert_eq!(objects(&triples, &office, gg::KEY_FACT).len(), 6);
    assert_eq!(objects(&triples, &office, gg::MISCONCEPTION).len(), 3);
    assert_eq!(
        objects(&triples, &office, skos::BROADER),
        [Term::from(concept("european-commission"))]
    );
    let related = objects(&triples, &office, skos::RELATED);
    for partner in [
        "national-competent-authority",
        "european-ai-board",
        "advisory-forum",
        "scientific-panel",
        "general-purpose-ai-model",
        "gpai-model-with-systemic-risk",
    ] {
        assert!(
            related.contains(&concept(partner).into()),
            "eu-ai-office is not skos:related to {partner}"
        );
    }
    let turtle = text(&export(Format::Turtle));
    assert!(
        !turtle.contains("CRediT") && !turtle.contains("ORCID"),
        "the seed page's advert leaked into the graph"
    );
}

#[test]
fn relations_are_skos_complete_without_a_reasoner() {
    let triples: HashSet<Triple> = as_triples(&stored());
    let has = |s: &NamedNode, p: NamedNodeRef<'_>, o: &NamedNode| {
        triples.contains(&Triple::new(s.clone(), p.into_owned(), o.clone()))
    };
    // The other side of eu-ai-office's relations.
    assert!(has(
        &concept("european-commission"),
        skos::NARROWER,
        &concept("eu-ai-office")
    ));
    assert!(has(
        &concept("european-ai-board"),
        skos::RELATED,
        &concept("eu-ai-office")
    ));
    for t in &triples {
        let (Term::NamedNode(o), oxigraph::model::NamedOrBlankNode::NamedNode(s)) =
            (&t.object, &t.subject)
        else {
            continue;
        };
        if t.predicate.as_ref() == skos::BROADER {
            assert!(has(o, skos::NARROWER, s), "{s} broader {o} has no inverse");
        }
        if t.predicate.as_ref() == skos::NARROWER {
            assert!(has(o, skos::BROADER, s), "{s} narrower {o} has no inverse");
        }
        if t.predicate.as_ref() == skos::RELATED {
            assert!(has(o, skos::RELATED, s), "{s} related {o} is one-way");
        }
    }
    // Every concept is in the scheme, and is a top concept or has a broader one.
    let scheme = NamedNode::new("https://eu-ai.glossgraph.org/").unwrap();
    let concepts: Vec<&Triple> = triples
        .iter()
        .filter(|t| t.predicate == rdf::TYPE && t.object == skos::CONCEPT.into_owned().into())
        .collect();
    assert_eq!(concepts.len(), 44);
    for c in concepts {
        let oxigraph::model::NamedOrBlankNode::NamedNode(c) = &c.subject else {
            continue;
        };
        assert!(has(c, skos::IN_SCHEME, &scheme), "{c} is not in the scheme");
        let top = has(c, skos::TOP_CONCEPT_OF, &scheme);
        let broader = triples
            .iter()
            .any(|t| t.subject == c.clone().into() && t.predicate.as_ref() == skos::BROADER);
        assert!(
            top != broader,
            "{c} must be either a top concept or have a broader concept"
        );
        assert_eq!(top, has(&scheme, skos::HAS_TOP_CONCEPT, c));
    }
}

#[test]
fn export_writes_files_atomically_and_names_unknown_concepts() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.ttl");
    let out = glossgraph(
        &root(),
        &[
            "export",
            "--format",
            "turtle",
            "-o",
            target.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("concept:eu-ai-office")
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "temporary files left behind");

    let out = glossgraph(&root(), &["export", "--concept", "no-such-thing"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("there is no concept `no-such-thing`"));
}

/// Blank nodes are labelled by RDFC-1.0, as the W3C's test suite
/// (`../shared/conformance/rdf-canon/`) expects: every approved SHA-256 test
/// of the suite, exported as N-Quads, gives the suite's canonical quads, and
/// as a release snapshot, the suite's canonical N-Quads byte for byte. (The
/// suite's map tests check the identifiers issued, which Oxigraph does not
/// expose; its SHA-384 tests a hash glossgraph does not use.)
#[test]
fn blank_nodes_are_labelled_by_rdfc_1_0() {
    let Some(dir) = crate::util::suite("conformance/rdf-canon/tests") else {
        return;
    };
    let manifest = std::fs::read_to_string(dir.join("manifest.csv")).unwrap();
    let exporter = Exporter::new(&project().config).unwrap();
    let read = |path: &std::path::Path| -> HashSet<Quad> {
        RdfParser::from_format(RdfFormat::NQuads)
            .for_slice(&std::fs::read(path).unwrap())
            .map(Result::unwrap)
            .collect()
    };
    let mut checked = 0;
    for line in manifest.lines().skip(1) {
        // test,name,comment,complexity,approval,hashAlgorithm,rdfc10,rdfc10map
        let fields: Vec<&str> = line.split(',').collect();
        let (id, hash, rdfc10) = (
            fields[0],
            fields[fields.len() - 3],
            fields[fields.len() - 2],
        );
        let expected = dir.join(format!("rdfc10/{id}-rdfc10.nq"));
        if !hash.is_empty() || rdfc10 != "TRUE" || !expected.exists() {
            continue;
        }
        let input: Vec<Quad> = read(&dir.join(format!("rdfc10/{id}-in.nq")))
            .into_iter()
            .collect();
        let mut out = Vec::new();
        exporter.write(input, Format::NQuads, &mut out).unwrap();
        let exported: HashSet<Quad> = RdfParser::from_format(RdfFormat::NQuads)
            .for_slice(&out)
            .map(Result::unwrap)
            .collect();
        assert_eq!(exported, read(&expected), "{id}");
        // A release's snapshot is the canonical N-Quads document itself,
        // byte for byte: the suite's lines, sorted.
        let mut lines: Vec<String> = std::fs::read_to_string(&expected)
            .unwrap()
            .lines()
            .map(|l| format!("{l}\n"))
            .collect();
        lines.sort();
        lines.dedup();
        let input: Vec<Quad> = read(&dir.join(format!("rdfc10/{id}-in.nq")))
            .into_iter()
            .collect();
        assert_eq!(
            String::from_utf8(glossgraph::release::canonical_nquads(input)).unwrap(),
            lines.concat(),
            "{id}"
        );
        checked += 1;
    }
    assert!(checked > 50, "only {checked} tests of the suite ran");
}

/// The canonical labels of a small dataset with blank nodes, pinned (pyld's
/// URDNA2015, which RDFC-1.0 standardised, gives the same): a change of
/// canonicalisation shows here before it reaches users' diffs.
#[test]
fn the_canonical_export_of_blank_nodes_is_pinned() {
    let input = "\
<http://ex.org/s> <http://ex.org/p> _:a .
_:a <http://ex.org/q> \"one\" .
_:a <http://ex.org/r> _:b .
_:b <http://ex.org/q> \"two\" <http://ex.org/g> .
";
    let quads: Vec<Quad> = RdfParser::from_format(RdfFormat::NQuads)
        .for_slice(input.as_bytes())
        .map(Result::unwrap)
        .collect();
    let exporter = Exporter::new(&project().config).unwrap();
    let mut out = Vec::new();
    exporter.write(quads, Format::NQuads, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "\
<http://ex.org/s> <http://ex.org/p> _:c14n0 .
_:c14n0 <http://ex.org/q> \"one\" .
_:c14n0 <http://ex.org/r> _:c14n1 .
_:c14n1 <http://ex.org/q> \"two\" <http://ex.org/g> .
"
    );
}

/// A vocabulary literal holding a control character (here a NUL, which
/// Turtle can escape) is refused where the file writes it: no page or export
/// could carry it (RDF/XML cannot at all), and nothing is exported.
#[test]
fn a_vocabulary_literal_with_a_control_character_is_refused() {
    let dir = crate::util::fixture_with_vocabularies(&[(
        "controls.ttl",
        "# A label with a NUL\n<https://example.org/x> <http://www.w3.org/2004/02/skos/core#prefLabel> \"Ctrl\\u0000Null\" .\n",
    )]);
    for format in ["rdfxml", "turtle"] {
        let out_file = dir.path().join("out");
        let out = glossgraph(
            dir.path(),
            &[
                "export",
                "--format",
                format,
                "-o",
                out_file.to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(1));
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("controls.ttl:2:78: error[source/forbidden-character]")
                && stderr.contains("<https://example.org/x>")
                && stderr.contains("U+0000, a control character"),
            "{stderr}"
        );
        assert!(!out_file.exists(), "a failed export writes nothing");
    }
}
