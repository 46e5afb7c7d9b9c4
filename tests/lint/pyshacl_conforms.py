"""Validates each data file against one shapes file with pySHACL.

Usage: pyshacl_conforms.py SHAPES DATA...
Prints one line per data file: `conforms<TAB>path` or `violates<TAB>path`,
followed by pySHACL's report for the files that do not conform.
"""

import sys

from pyshacl import validate
from rdflib import Graph


def main() -> int:
    shapes_path, *data_paths = sys.argv[1:]
    shapes = Graph().parse(shapes_path, format="turtle")
    for path in data_paths:
        data = Graph().parse(path, format="turtle")
        conforms, _, text = validate(data, shacl_graph=shapes, inference="none", advanced=True)
        print(("conforms" if conforms else "violates") + "\t" + path)
        if not conforms:
            for line in text.splitlines():
                print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
