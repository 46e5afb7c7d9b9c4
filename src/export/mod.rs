//! Writing the graph in every format glossgraph offers, deterministically: the same
//! quads always give the same bytes (sorted statements, fixed prefixes, blank nodes
//! labelled by the W3C's RDF Dataset Canonicalization, RDFC-1.0, so the labels
//! are a standard's and survive an upgrade of Oxigraph).
//!
//! Layer: a reader of the built graph; above `build`.

mod jsonld;
mod turtle;

pub use jsonld::{Context, ContextError};

use crate::config::Config;
use crate::ontology::CONTEXT_JSONLD;
use crate::order::{quad_cmp, triple_cmp};
use crate::vocab::PREFIXES;
use oxigraph::io::{JsonLdProfile, RdfFormat, RdfSerializer};
use oxigraph::model::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxigraph::model::{Dataset, Quad, Triple};
use std::io::{self, Write};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Turtle,
    /// Compacted JSON-LD against the shipped context: what `.jsonld` is.
    JsonLd,
    /// Compacted JSON-LD with every node at the top level (JSON-LD's
    /// `flattened` profile).
    JsonLdFlattened,
    /// JSON-LD without a context (the `expanded` profile).
    JsonLdExpanded,
    RdfXml,
    NTriples,
    NQuads,
    TriG,
}

impl Format {
    /// The formats of the dumps and of the explicit-format URLs; the other
    /// JSON-LD forms are the same data as `JsonLd`, asked for by profile.
    pub const ALL: [Format; 6] = [
        Format::Turtle,
        Format::JsonLd,
        Format::RdfXml,
        Format::NTriples,
        Format::NQuads,
        Format::TriG,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Turtle => "turtle",
            Format::JsonLd => "jsonld",
            Format::JsonLdFlattened => "jsonld-flattened",
            Format::JsonLdExpanded => "jsonld-expanded",
            Format::RdfXml => "rdfxml",
            Format::NTriples => "ntriples",
            Format::NQuads => "nquads",
            Format::TriG => "trig",
        }
    }

    /// Oxigraph's name for the format, whose media type and extension are ours.
    pub fn rdf_format(self) -> RdfFormat {
        match self {
            Format::Turtle => RdfFormat::Turtle,
            Format::JsonLd => RdfFormat::JsonLd {
                profile: JsonLdProfile::Compacted.into(),
            },
            Format::JsonLdFlattened => RdfFormat::JsonLd {
                profile: JsonLdProfile::Compacted | JsonLdProfile::Flattened,
            },
            Format::JsonLdExpanded => RdfFormat::JsonLd {
                profile: JsonLdProfile::Expanded | JsonLdProfile::Flattened,
            },
            Format::RdfXml => RdfFormat::RdfXml,
            Format::NTriples => RdfFormat::NTriples,
            Format::NQuads => RdfFormat::NQuads,
            Format::TriG => RdfFormat::TriG,
        }
    }

    pub fn media_type(self) -> &'static str {
        self.rdf_format().media_type()
    }

    pub fn is_jsonld(self) -> bool {
        matches!(
            self,
            Format::JsonLd | Format::JsonLdFlattened | Format::JsonLdExpanded
        )
    }

    pub fn extension(self) -> &'static str {
        self.rdf_format().file_extension()
    }

    /// Whether the format keeps named graphs. The others hold the union of all graphs.
    pub fn keeps_graphs(self) -> bool {
        matches!(self, Format::NQuads | Format::TriG)
    }
}

/// Writes quads in any format, with the glossary's prefixes and JSON-LD context.
#[derive(Debug, Clone)]
pub struct Exporter {
    prefixes: Vec<(String, String)>,
    context: Context,
}

impl Exporter {
    /// An exporter using the shipped context and the standard prefixes, plus
    /// `concept:` for the glossary's concepts.
    pub fn new(config: &Config) -> Result<Self, ContextError> {
        let mut prefixes: Vec<(String, String)> = PREFIXES
            .iter()
            .map(|(p, ns)| ((*p).to_owned(), (*ns).to_owned()))
            .collect();
        prefixes.push(("concept".to_owned(), config.base.concepts()));
        Ok(Self {
            prefixes,
            context: Context::parse(CONTEXT_JSONLD)?,
        })
    }

    pub fn context(&self) -> &Context {
        &self.context
    }

    pub fn prefixes(&self) -> &[(String, String)] {
        &self.prefixes
    }

    /// Writes `quads` in `format`. Formats without named graphs get the distinct
    /// triples of all graphs.
    pub fn write(&self, quads: Vec<Quad>, format: Format, out: &mut dyn Write) -> io::Result<()> {
        let quads = canonical(quads);
        if format.keeps_graphs() {
            let mut quads = quads;
            quads.sort_by(quad_cmp);
            quads.dedup();
            return match format {
                Format::TriG => turtle::write_trig(&quads, &self.prefixes, out),
                _ => self.serialize(quads.into_iter(), RdfFormat::NQuads, out),
            };
        }
        let triples = sorted_triples(quads);
        match format {
            Format::Turtle => turtle::write_turtle(&triples, &self.prefixes, out),
            Format::JsonLd | Format::JsonLdFlattened | Format::JsonLdExpanded => {
                let document = match format {
                    Format::JsonLdExpanded => jsonld::expanded(&triples),
                    Format::JsonLdFlattened => {
                        jsonld::document(&triples, &self.context, jsonld::Nesting::Flat)
                    }
                    _ => jsonld::document(&triples, &self.context, jsonld::Nesting::Embedded),
                };
                serde_json::to_writer_pretty(&mut *out, &document)?;
                out.write_all(b"\n")
            }
            Format::RdfXml => {
                xml_can_carry(&triples)?;
                self.serialize(in_default_graph(triples), RdfFormat::RdfXml, out)
            }
            _ => self.serialize(in_default_graph(triples), RdfFormat::NTriples, out),
        }
    }

    /// Writes `triples` in `format`, as [`Exporter::write`] writes quads of
    /// the default graph.
    pub fn write_triples(
        &self,
        triples: Vec<Triple>,
        format: Format,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        self.write(in_default_graph(triples).collect(), format, out)
    }

    /// Writes a query's graph answer. In the line formats the triples go out
    /// as the engine gives them (deduplicated, and in the same order for the
    /// same store): there the order carries no meaning, and sorting was most
    /// of the cost of writing a small CONSTRUCT answer. Other formats, and
    /// answers with blank nodes (labelled afresh at each evaluation), are
    /// written as [`Exporter::write`] writes them: sorted and labelled
    /// canonically.
    pub fn write_graph(
        &self,
        triples: Vec<Triple>,
        format: Format,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let as_they_come = matches!(format, Format::NTriples | Format::NQuads)
            && !triples
                .iter()
                .any(|t| t.subject.is_blank_node() || t.object.is_blank_node());
        if as_they_come {
            // Triples in the default graph are the same lines in N-Quads.
            self.serialize(in_default_graph(triples), RdfFormat::NTriples, out)
        } else {
            self.write_triples(triples, format, out)
        }
    }

    fn serialize(
        &self,
        quads: impl Iterator<Item = Quad>,
        format: RdfFormat,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let mut serializer = RdfSerializer::from_format(format);
        if format == RdfFormat::RdfXml {
            for (name, ns) in &self.prefixes {
                serializer = serializer
                    .with_prefix(name, ns)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
            }
        }
        let mut out = CarriageReturns {
            out,
            escape: format == RdfFormat::RdfXml,
        };
        let mut writer = serializer.for_writer(&mut out);
        for q in quads {
            writer.serialize_quad(&q)?;
        }
        writer.finish()?;
        Ok(())
    }
}

/// Refuses text XML 1.0 cannot hold (most C0 controls, U+FFFE, U+FFFF):
/// Oxigraph writes it as it is, and the file would not be well-formed XML,
/// which a reader finds only when its parser fails. `check` keeps such text
/// out of entries; this guards vocabularies published as they are.
fn xml_can_carry(triples: &[Triple]) -> io::Result<()> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{D7FF}').contains(&c)
            || ('\u{E000}'..='\u{FFFD}').contains(&c)
            || c >= '\u{10000}'
    };
    for t in triples {
        let subject = match &t.subject {
            oxigraph::model::NamedOrBlankNode::NamedNode(n) => n.as_str(),
            oxigraph::model::NamedOrBlankNode::BlankNode(_) => "",
        };
        let object = match &t.object {
            oxigraph::model::Term::NamedNode(n) => n.as_str(),
            oxigraph::model::Term::Literal(l) => l.value(),
            _ => "",
        };
        for text in [subject, t.predicate.as_str(), object] {
            if let Some(c) = text.chars().find(|c| !allowed(*c)) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "a statement about {} holds U+{:04X}, which XML 1.0 cannot carry: RDF/XML cannot hold this graph; export it as Turtle or N-Triples, or remove the character from its source",
                        t.subject,
                        u32::from(c)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Writes a carriage return as `&#13;` when `escape` is set. XML parsers
/// read a raw one as a line feed (XML 1.0, 2.11), so RDF/XML written with
/// it as it is would be read as another literal; Oxigraph's writer leaves
/// it raw. Nothing else in its output is a carriage return: its line ends
/// are line feeds, and IRIs cannot hold one.
struct CarriageReturns<'w> {
    out: &'w mut dyn Write,
    escape: bool,
}

impl Write for CarriageReturns<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.escape {
            return self.out.write(buf);
        }
        let mut rest = buf;
        while let Some(at) = rest.iter().position(|b| *b == b'\r') {
            self.out.write_all(&rest[..at])?;
            self.out.write_all(b"&#13;")?;
            rest = &rest[at + 1..];
        }
        self.out.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn in_default_graph(triples: Vec<Triple>) -> impl Iterator<Item = Quad> {
    triples
        .into_iter()
        .map(|t| t.in_graph(oxigraph::model::GraphName::DefaultGraph))
}

/// The distinct triples of `quads`, sorted.
pub fn sorted_triples(quads: Vec<Quad>) -> Vec<Triple> {
    let mut triples: Vec<Triple> = quads.into_iter().map(Triple::from).collect();
    triples.sort_by(triple_cmp);
    triples.dedup();
    triples
}

/// Relabels blank nodes with RDFC-1.0 (SHA-256, as the standard's default)
/// so output depends neither on load order nor on Oxigraph's version.
pub(crate) fn canonical(quads: Vec<Quad>) -> Vec<Quad> {
    let has_blank_nodes = quads.iter().any(|q| {
        q.subject.is_blank_node() || q.object.is_blank_node() || q.graph_name.is_blank_node()
    });
    if !has_blank_nodes {
        return quads;
    }
    let mut dataset: Dataset = quads.into_iter().collect();
    dataset.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    });
    dataset.iter().map(|q| q.into_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::{Exporter, Format};
    use oxigraph::io::{RdfFormat, RdfParser};
    use oxigraph::model::{Literal, NamedNode, Triple};

    fn exporter() -> Exporter {
        let config = crate::config::parse_str(
            "base = \"https://g.example/\"\nlanguages = [\"en\"]\n[title]\nen = \"G\"\n",
            std::path::Path::new("glossary.toml"),
        )
        .unwrap();
        Exporter::new(&config).unwrap()
    }

    fn statement(text: &str) -> Vec<Triple> {
        vec![Triple::new(
            NamedNode::new("https://g.example/s").unwrap(),
            NamedNode::new("https://g.example/p").unwrap(),
            Literal::new_simple_literal(text),
        )]
    }

    /// XML reads a raw carriage return as a line feed: it is written as a
    /// reference, and the literal reads back as it was.
    #[test]
    fn rdf_xml_keeps_carriage_returns() {
        let mut out = Vec::new();
        exporter()
            .write_triples(statement("a\r\nb\rc"), Format::RdfXml, &mut out)
            .unwrap();
        let xml = String::from_utf8(out).unwrap();
        assert!(
            xml.contains("a&#13;\nb&#13;c") && !xml.contains('\r'),
            "{xml}"
        );
        let read: Vec<_> = RdfParser::from_format(RdfFormat::RdfXml)
            .for_slice(xml.as_bytes())
            .map(|q| q.unwrap().object.to_string())
            .collect();
        assert_eq!(read, ["\"a\\r\\nb\\rc\""]);
    }

    /// The last guard: text XML 1.0 cannot carry is an error, never a file
    /// no XML parser reads (entries and vocabularies are refused earlier).
    #[test]
    fn rdf_xml_refuses_what_xml_cannot_carry() {
        for text in ["nul\u{0}", "bell\u{7}", "non\u{fffe}"] {
            let mut out = Vec::new();
            let error = exporter()
                .write_triples(statement(text), Format::RdfXml, &mut out)
                .unwrap_err();
            assert!(
                error.to_string().contains("XML 1.0 cannot carry"),
                "{error}"
            );
            assert!(out.is_empty(), "nothing is written");
        }
    }

    /// Media types and extensions are in every explicit-format URL the server
    /// publishes (`concept/x.ttl`): they must not change with Oxigraph.
    #[test]
    fn media_types_and_extensions_are_pinned() {
        let expected = [
            (Format::Turtle, "text/turtle", "ttl"),
            (Format::JsonLd, "application/ld+json", "jsonld"),
            (Format::RdfXml, "application/rdf+xml", "rdf"),
            (Format::NTriples, "application/n-triples", "nt"),
            (Format::NQuads, "application/n-quads", "nq"),
            (Format::TriG, "application/trig", "trig"),
        ];
        for (format, media_type, extension) in expected {
            assert_eq!(format.media_type(), media_type);
            assert_eq!(format.extension(), extension);
        }
        assert_eq!(Format::ALL.len(), expected.len());
    }
}
