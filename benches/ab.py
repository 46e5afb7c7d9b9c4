#!/usr/bin/env python3
"""Two builds of glossgraph side by side: did a change move the build or the
pages? Run by benches/ab.sh, which builds both.

Measures what benches/compare.py measures for glossgraph alone (build in
memory and into a persistent store, one-entry rebuilds, concept pages under
load), with the same datasets and helpers, alternating the two binaries run
by run so that both see the same machine. Prints a Markdown table of medians
and the ratio of the new one to the old (above 1 is faster for throughput,
below 1 is faster for times).
"""

import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (reads GLOSSGRAPH_BENCH_CACHE when imported)
from compare import WORK, median, say, timed, wrk  # noqa: E402

OLD = Path(os.environ["AB_OLD"])
NEW = Path(os.environ["AB_NEW"])
RUNS = compare.RUNS


def alternate(measure):
    """`measure(binary)` for each binary, RUNS times in turn: (old, new) medians."""
    old, new = [], []
    for _ in range(RUNS):
        old.append(measure(OLD))
        new.append(measure(NEW))
    return median(old), median(new)


def builds(sets):
    rows = []
    scratch = WORK / "ab-store"
    for d in sets:
        def memory(binary):
            return timed([binary, "--data", d.glossary, "build"])[0]

        def persistent(binary):
            shutil.rmtree(scratch, ignore_errors=True)
            return timed([binary, "--data", d.glossary, "--store", scratch, "build"])[0]

        rows.append((d.name, "build, in memory (s)", *alternate(memory)))
        rows.append((d.name, "build, persistent (s)", *alternate(persistent)))
        if d.name != "unesco":
            entries = sorted((d.glossary / "entries").glob("*.md"))
            victim = entries[len(entries) // 2]
            original = victim.read_text()

            def one_entry(binary):
                shutil.rmtree(scratch, ignore_errors=True)
                timed([binary, "--data", d.glossary, "--store", scratch, "build"])
                victim.write_text(original.rstrip("\n") + "\n\nEdited for the benchmark.\n")
                try:
                    return timed([binary, "--data", d.glossary, "--store", scratch, "build"])[0]
                finally:
                    victim.write_text(original)

            rows.append((d.name, "one entry rebuilt (s)", *alternate(one_entry)))
        shutil.rmtree(scratch, ignore_errors=True)
        say(f"  {d.name}: builds measured")
    return rows


def pages(sets):
    rows = []
    compare.settle()
    for d in sets:
        if d.name not in ("data", "unesco", "generated-10000"):
            continue
        for fmt, accept in [("HTML", "text/html"), ("Turtle", "text/turtle")]:
            def served(binary):
                compare.GLOSSGRAPH = binary
                with compare.glossgraph_server(d) as server:
                    url = server.base + d.page_path
                    compare.check_answer("glossgraph", url, accept, accept)
                    wrk(url, accept)  # warm-up
                    return wrk(url, accept)[0]

            rows.append((d.name, f"{fmt} page (req/s)", *alternate(served)))
        say(f"  {d.name}: pages measured")
    return rows


def main():
    compare.GLOSSGRAPH = NEW
    sets = compare.datasets()
    # AB_MEASURE=builds or pages measures only those.
    measure = os.environ.get("AB_MEASURE", "all")
    rows = (builds(sets) if measure in ("all", "builds") else []) + (
        pages(sets) if measure in ("all", "pages") else []
    )
    print()
    print(f"| dataset | measure | {os.environ.get('AB_OLD_NAME', 'old')} | "
          f"{os.environ.get('AB_NEW_NAME', 'new')} | new ÷ old |")
    print("|---|---|---:|---:|---:|")
    for name, what, old, new in rows:
        fmt = "{:,.0f}" if "req/s" in what else "{:.3f}"
        print(f"| {name} | {what} | {fmt.format(old)} | {fmt.format(new)} | {new / old:.2f} |")


if __name__ == "__main__":
    main()
