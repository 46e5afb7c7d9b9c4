#!/usr/bin/env python3
"""`import skos --to-entries` and the round trip, measured.

Run by benches/import.sh against a release build, on UNESCO (from
../shared/vocab/, 4,420 concepts in four languages) and on a generated
vocabulary of 100,000 concepts (1 million triples, as benches/limits.py makes
them). For each, the median time and peak memory (GNU time) of RUNS runs of:

- `import skos FILE`: reading the vocabulary and describing it;
- `import skos FILE --to-entries --allow-loss`: converting every concept to an
  entry file, into a fresh glossary (`init`, its example entry removed);
- `build` of those entries: the round trip's way back to SKOS;
- `export --format ntriples` of that build;
- `build` of a glossary publishing the vocabulary as it is
  (`vocabularies = [...]`), the cost of not converting it.

Rewrites the part of BENCHMARKS.md between the import markers.
"""

import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (reads GLOSSGRAPH_BENCH_CACHE when imported)
import limits  # noqa: E402
from compare import ROOT, WORK, median, run, say, timed, write_section  # noqa: E402

GLOSSGRAPH = Path(os.environ.get("IMPORT_GLOSSGRAPH", compare.GLOSSGRAPH))
RUNS = int(os.environ.get("RUNS", "3"))
UNESCO = ROOT.parent / "shared" / "vocab" / "unesco" / "unesco-thesaurus.ttl"


def fresh_glossary(path):
    """An empty glossary at `path`: `init`'s, without its example entry."""
    if path.exists():
        shutil.rmtree(path)
    run([GLOSSGRAPH, "init", path])
    for entry in (path / "entries").glob("*.md"):
        entry.unlink()
    return path


def measured(steps):
    """{step: (median seconds, median peak MiB)} over RUNS runs of `steps`,
    a list of (name, prepare, command)."""
    times = {name: [] for name, _, _ in steps}
    peaks = {name: [] for name, _, _ in steps}
    for _ in range(RUNS):
        for name, prepare, command in steps:
            if prepare:
                prepare()
            seconds, peak = timed(command())
            times[name].append(seconds)
            peaks[name].append(peak)
    return {name: (median(times[name]), median(peaks[name])) for name in times}


def vocabulary_steps(name, file):
    glossary = WORK / f"import-{name}"
    published = WORK / f"import-{name}-published"
    entries = glossary / "entries"

    def empty_entries():
        fresh_glossary(glossary)

    def publish():
        fresh_glossary(published)
        shutil.copy(file, published / file.name)
        config = published / "glossary.toml"
        config.write_text(f'vocabularies = ["{file.name}"]\n' + config.read_text())

    return [
        ("describe", empty_entries, lambda: [GLOSSGRAPH, "--data", glossary, "import", "skos", file]),
        ("to entries", None,
         lambda: [GLOSSGRAPH, "--data", glossary, "import", "skos", file, "--to-entries", "--allow-loss",
                  "--out", entries]),
        ("build of the entries", None, lambda: [GLOSSGRAPH, "--data", glossary, "build"]),
        ("export of that build", None,
         lambda: [GLOSSGRAPH, "--data", glossary, "export", "--format", "ntriples", "--output",
                  WORK / f"import-{name}.nt"]),
        ("build publishing it as it is", publish, lambda: [GLOSSGRAPH, "--data", published, "build"]),
    ]


def main():
    if not GLOSSGRAPH.exists():
        sys.exit(f"{GLOSSGRAPH} not built; run benches/import.sh")
    WORK.mkdir(parents=True, exist_ok=True)
    inputs = []
    if UNESCO.exists():
        inputs.append(("UNESCO (4,420 concepts, 75,156 triples)", "unesco", UNESCO))
    elif os.environ.get("CI") == "true":
        sys.exit(f"{UNESCO} is missing")
    else:
        say(f"skipping UNESCO: {UNESCO} is missing")
    generated = WORK / "generated-100k.nt"
    limits.vocabulary(generated, 1)
    inputs.append(("generated (100,000 concepts, 1,000,001 triples)", "generated", generated))
    rows = []
    for label, name, file in inputs:
        say(f"{label}: {RUNS} run(s) of each step")
        results = measured(vocabulary_steps(name, file))
        entries = len(list((WORK / f"import-{name}" / "entries").glob("*.md")))
        for step, (seconds, peak) in results.items():
            say(f"  {step}: {seconds:.2f} s, {peak:.0f} MiB")
        rows.append((label, entries, results))
    report(rows)


def report(rows):
    lines = [
        f"`benches/import.sh`: median of {RUNS} runs of each step, time and peak resident memory "
        f"(GNU time), measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
        f"on {os.cpu_count()} cores.",
        "",
        "| vocabulary | entries written | step | time | peak memory |",
        "|---|---|---|---|---|",
    ]
    for label, entries, results in rows:
        for step, (seconds, peak) in results.items():
            lines.append(f"| {label} | {entries:,} | {step} | {seconds:.2f} s | {peak:.0f} MiB |")
    text = "\n".join(lines)
    write_section("import", "Import: SKOS to entries and back", text)


if __name__ == "__main__":
    main()
