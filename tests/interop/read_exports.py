"""Independent readers check glossgraph's exports.

Usage: read_exports.py DIR [--rapper] [--expect FILE] [--min-triples N], where DIR holds
export.{ttl,jsonld,rdf,nt,nq,trig} and export-{flattened,expanded}.jsonld
written by `glossgraph export`. rdflib parses
every format; each triple format must be isomorphic to the N-Triples, the
dataset formats must hold the same quads as the N-Quads and the same triples
once merged; pyld must expand the JSON-LD to the same graph, and the JSON-LD
must be compact (short keys from the project's context). With --rapper,
raptor's rapper must read the Turtle, RDF/XML and N-Triples as the same graph
too. With --expect, FILE is a JSON list of strings each of which must be the
exact value of a literal in the graph (text no format may change on the way).
--min-triples (default 1000) guards against reading an empty export.
Exits non-zero with a message on the first failure.
"""

import json
import subprocess
import sys
from pathlib import Path

from pyld import jsonld
from rdflib import ConjunctiveGraph, Dataset, Graph, Literal
from rdflib.compare import isomorphic, to_isomorphic


def fail(message):
    print(f"read_exports: {message}", file=sys.stderr)
    sys.exit(1)


def main(folder, rapper, expect, min_triples):
    folder = Path(folder)
    reference = Graph().parse(folder / "export.nt", format="nt")
    if len(reference) < min_triples:
        fail(f"export.nt holds only {len(reference)} triples")
    print(f"N-Triples: {len(reference)} triples")
    if expect:
        values = {str(o) for o in reference.objects() if isinstance(o, Literal)}
        strings = json.loads(Path(expect).read_text(encoding="utf-8"))
        missing = [s for s in strings if s not in values]
        if missing:
            fail(f"{len(missing)} of {len(strings)} expected strings are no literal's value, e.g. {missing[:3]!r}")
        print(f"N-Triples: all {len(strings)} expected strings are literal values, unchanged")

    for name, fmt in [("export.ttl", "turtle"), ("export.rdf", "xml"), ("export.jsonld", "json-ld")]:
        graph = Graph().parse(folder / name, format=fmt)
        if not isomorphic(graph, reference):
            only_a = set(to_isomorphic(graph)) - set(to_isomorphic(reference))
            only_b = set(to_isomorphic(reference)) - set(to_isomorphic(graph))
            fail(f"rdflib reads {name} as a different graph: {len(only_a)} extra, {len(only_b)} missing, e.g. {list(only_a)[:2]} {list(only_b)[:2]}")
        print(f"rdflib {name}: {len(graph)} triples, isomorphic to the N-Triples")

    quads = {}
    for name, fmt in [("export.nq", "nquads"), ("export.trig", "trig")]:
        dataset = Dataset()
        dataset.parse(folder / name, format=fmt)
        found = {(s, p, o, g) for s, p, o, g in dataset.quads((None, None, None, None))}
        merged = Graph()
        for s, p, o, _ in found:
            merged.add((s, p, o))
        if not isomorphic(merged, reference):
            fail(f"the triples of {name} differ from the N-Triples")
        quads[name] = found
        graphs = {g for *_, g in found}
        print(f"rdflib {name}: {len(found)} quads in {len(graphs)} graphs, merged isomorphic to the N-Triples")
    if quads["export.nq"] != quads["export.trig"]:
        fail("the TriG and N-Quads exports hold different quads")

    document = json.loads((folder / "export.jsonld").read_text(encoding="utf-8"))
    context = document.get("@context")
    if not isinstance(context, dict) or "prefLabel" not in context:
        fail("the JSON-LD has no inline context with the project's terms")
    keys = {k for node in document["@graph"] for k in node}
    for expected in ("prefLabel", "definition", "inScheme"):
        if expected not in keys:
            fail(f"the JSON-LD is not compact: no `{expected}` key")
    if any(k.startswith("http://www.w3.org/2004/02/skos/core#") for k in keys):
        fail("the JSON-LD uses full SKOS IRIs as keys where the context has terms")
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    expanded = Graph().parse(data=nquads, format="nt")
    if not isomorphic(expanded, reference):
        fail("pyld expands the JSON-LD to a different graph than the N-Triples")
    print(f"pyld: the compact JSON-LD expands to {len(expanded)} triples, isomorphic to the N-Triples")

    # The other JSON-LD profiles: the same graph, in the form each names.
    flattened = json.loads((folder / "export-flattened.jsonld").read_text(encoding="utf-8"))
    if flattened.get("@context") != context:
        fail("the flattened JSON-LD does not use the project's context")
    for node in flattened["@graph"]:
        for key, values in node.items():
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, dict) and "@id" in value and len(value) > 1:
                    fail(f"the flattened JSON-LD embeds a node under {node['@id']} {key}")
    expanded_doc = json.loads((folder / "export-expanded.jsonld").read_text(encoding="utf-8"))
    if not isinstance(expanded_doc, list):
        fail("the expanded JSON-LD is not an array of nodes")
    # Already expanded: pyld's expansion leaves it as it is.
    if jsonld.expand(expanded_doc) != expanded_doc:
        fail("pyld's expansion changes the expanded JSON-LD: it is not in expanded form")
    for name, doc in [("flattened", flattened), ("expanded", expanded_doc)]:
        graph = Graph().parse(data=jsonld.to_rdf(doc, {"format": "application/n-quads"}), format="nt")
        if not isomorphic(graph, reference):
            fail(f"pyld reads the {name} JSON-LD as a different graph than the N-Triples")
        by_rdflib = Graph().parse(data=json.dumps(doc), format="json-ld")
        if not isomorphic(by_rdflib, reference):
            fail(f"rdflib reads the {name} JSON-LD as a different graph than the N-Triples")
    print(f"pyld and rdflib: the flattened and expanded JSON-LD hold the same graph ({len(expanded_doc)} nodes)")

    if rapper:
        for name, syntax in [("export.ttl", "turtle"), ("export.rdf", "rdfxml"), ("export.nt", "ntriples")]:
            run = subprocess.run(
                ["rapper", "--quiet", "-i", syntax, "-o", "ntriples", str(folder / name)],
                capture_output=True,
                text=True,
            )
            if run.returncode != 0:
                fail(f"rapper cannot read {name}: {run.stderr.strip()}")
            graph = Graph().parse(data=run.stdout, format="nt")
            if not isomorphic(graph, reference):
                fail(f"rapper reads {name} as a different graph ({len(graph)} triples)")
            print(f"rapper {name}: {len(graph)} triples, isomorphic to the N-Triples")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--rapper", action="store_true")
    parser.add_argument("--expect")
    parser.add_argument("--min-triples", type=int, default=1000)
    a = parser.parse_args()
    main(a.dir, a.rapper, a.expect, a.min_triples)
