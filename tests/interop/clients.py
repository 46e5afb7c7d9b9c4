"""Real clients against a running glossgraph server.

Usage: clients.py BASE_URL (such as http://127.0.0.1:7878). Checks that:
- rdflib's Graph.parse(concept IRI) negotiates RDF and reads the concept;
- SPARQLWrapper gets SELECT results as JSON, XML, CSV and TSV;
- rdflib's SPARQLStore, with its default Accept headers, runs SELECT and CONSTRUCT;
- pyld fetches the compact JSON-LD and expands it (context inline).
Exits non-zero with a message on the first failure.
"""

import csv
import io
import sys

from pyld import jsonld
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <http://www.w3.org/2004/02/skos/core#Concept> }"


def fail(message):
    print(f"clients: {message}", file=sys.stderr)
    sys.exit(1)


def main(base):
    concept = f"{base}/concept/eu-ai-office"
    iri = URIRef("https://eu-ai.glossgraph.org/concept/eu-ai-office")

    graph = Graph().parse(concept)
    label = graph.value(iri, SKOS.prefLabel)
    if label != Literal("EU AI Office", lang="en"):
        fail(f"rdflib Graph.parse({concept}) found prefLabel {label!r} in {len(graph)} triples")
    if (iri, SKOS.broader, URIRef("https://eu-ai.glossgraph.org/concept/european-commission")) not in graph:
        fail("rdflib does not see skos:broader to the European Commission")
    print(f"rdflib Graph.parse: {len(graph)} triples about the EU AI Office")

    for fmt, name in [(JSON, "JSON"), (XML, "XML"), (CSV, "CSV"), (TSV, "TSV")]:
        wrapper = SPARQLWrapper(f"{base}/sparql")
        wrapper.setQuery(COUNT)
        wrapper.setReturnFormat(fmt)
        result = wrapper.query().convert()
        if fmt == JSON:
            n = result["results"]["bindings"][0]["n"]["value"]
        elif fmt == XML:
            n = result.getElementsByTagName("literal")[0].firstChild.data
        elif fmt == CSV:
            n = list(csv.reader(io.StringIO(result.decode())))[1][0]
        else:
            n = result.decode().splitlines()[1].strip()
        if n != "44":
            fail(f"SPARQLWrapper {name}: counted {n!r}")
        print(f"SPARQLWrapper {name}: 44 concepts")

    store = SPARQLStore(f"{base}/sparql")
    rows = list(store.query("SELECT ?label WHERE { <https://eu-ai.glossgraph.org/concept/eu-ai-office> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"))
    if [str(r[0]) for r in rows] != ["EU AI Office"]:
        fail(f"rdflib SPARQLStore SELECT gave {rows}")
    constructed = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://eu-ai.glossgraph.org/concept/eu-ai-office> { ?s ?p ?o } }")
    if len(constructed) < 50:
        fail(f"rdflib SPARQLStore CONSTRUCT gave {len(constructed)} triples")
    print(f"rdflib SPARQLStore: SELECT and CONSTRUCT ({len(constructed)} triples)")

    # pyld's own document loader asks for application/ld+json at the concept IRI.
    expanded = jsonld.expand(concept)
    labels = [
        node.get("http://www.w3.org/2004/02/skos/core#prefLabel")
        for node in expanded
        if node.get("@id") == str(iri)
    ]
    if not labels or labels[0][0]["@value"] != "EU AI Office":
        fail(f"pyld expanded the JSON-LD to {labels}")
    print(f"pyld: fetched {concept} as JSON-LD and expanded it ({len(expanded)} nodes)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        fail("usage: clients.py BASE_URL")
    main(sys.argv[1].rstrip("/"))
