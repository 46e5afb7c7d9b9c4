#!/usr/bin/env python3
"""`release` and `diff`, measured against `build`.

Run by benches/release.sh against a release build, on a generated glossary
of 10,000 entries (benches/generate.rs). For each of RUNS runs, the time and
peak memory (GNU time) of:

- `build` of the glossary (in memory, as `release` and `diff` build it);
- `release A`: building it and recording the canonical snapshot;
- `release B`, after 1% of the entries (100) changed their definition;
- `diff A B`: reading both snapshots and comparing them;
- `diff B working-tree`: a snapshot against a fresh build;

then `serve` on the glossary: one concept's page and Turtle now and at its
version IRI in release A, with wrk.

Targets (issue 24): `diff` between two releases within the build's time,
`release` within twice the build's. Rewrites the part of BENCHMARKS.md
between the release markers.
"""

import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (reads GLOSSGRAPH_BENCH_CACHE when imported)
from compare import ROOT, WORK, median, run, say, timed, write_section  # noqa: E402

GLOSSGRAPH = Path(os.environ.get("RELEASE_GLOSSGRAPH", compare.GLOSSGRAPH))
RUNS = int(os.environ.get("RUNS", "3"))
ENTRIES = 10_000
CHANGED = ENTRIES // 100


def generated():
    """The generated glossary, made once and kept in the cache."""
    folder = WORK / f"generated-{ENTRIES}"
    if not (folder / "glossary.toml").exists():
        say(f"generating {ENTRIES} entries")
        run(["cargo", "bench", "--locked", "--bench", "generate", "--", ENTRIES, folder, "1"], cwd=ROOT)
    return folder


def change(glossary):
    """Gives 1% of the entries, spread over the alphabet, a new definition."""
    entries = sorted((glossary / "entries").glob("*.md"))
    for path in entries[:: len(entries) // CHANGED][:CHANGED]:
        text = path.read_text()
        path.write_text(text.replace("definition: ", "definition: Changed: ", 1))


def main():
    if not GLOSSGRAPH.exists():
        sys.exit(f"{GLOSSGRAPH} not built; run benches/release.sh")
    WORK.mkdir(parents=True, exist_ok=True)
    source = generated()
    glossary = WORK / "release-glossary"
    steps = ["build", "release A", "release B (1% changed)", "diff A B", "diff B working-tree"]
    times = {s: [] for s in steps}
    peaks = {s: [] for s in steps}
    snapshot = 0
    for n in range(RUNS):
        say(f"run {n + 1} of {RUNS}")
        if glossary.exists():
            shutil.rmtree(glossary)
        shutil.copytree(source, glossary)
        g = [GLOSSGRAPH, "--data", glossary]
        for step, prepare, command in [
            ("build", None, g + ["build"]),
            ("release A", None, g + ["release", "A", "--date", "2026-01-01"]),
            ("release B (1% changed)", lambda: change(glossary), g + ["release", "B", "--date", "2026-01-02"]),
            ("diff A B", None, g + ["diff", "A", "B", "--output", WORK / "release-diff.txt"]),
            ("diff B working-tree", None, g + ["diff", "B", "working-tree", "--output", WORK / "release-diff2.txt"]),
        ]:
            if prepare:
                prepare()
            seconds, peak = timed(command, ok_codes=(0, 1))
            times[step].append(seconds)
            peaks[step].append(peak)
            say(f"  {step}: {seconds:.2f} s, {peak:.0f} MiB")
        snapshot = (glossary / "releases" / "A.nq.gz").stat().st_size
    results = {s: (median(times[s]), median(peaks[s])) for s in steps}
    report(results, snapshot, serving(glossary))


def serving(glossary):
    """Pages and Turtle of one concept served now and at its version IRI in
    release A (`serve` on the glossary left by the last run): (what, current
    requests/s, version requests/s), median of RUNS wrk runs each."""
    port = compare.free_port()
    concept = sorted((glossary / "entries").glob("*.md"))[ENTRIES // 2].stem
    rows = []
    with compare.Server("glossgraph", [GLOSSGRAPH, "--data", glossary, "serve", "--bind", f"127.0.0.1:{port}"], port):
        base = f"http://127.0.0.1:{port}"
        for what, accept in [("page", "text/html"), ("Turtle", "text/turtle")]:
            now = [compare.wrk(f"{base}/concept/{concept}", accept)[0] for _ in range(RUNS)]
            then = [compare.wrk(f"{base}/v/A/concept/{concept}", accept)[0] for _ in range(RUNS)]
            say(f"  {what}: {median(now):.0f} requests/s now, {median(then):.0f} at the version IRI")
            rows.append((what, median(now), median(then)))
    return rows


def report(results, snapshot, served):
    build = results["build"][0]
    lines = [
        f"`benches/release.sh`: a generated glossary of {ENTRIES:,} entries, {CHANGED} of them changed between "
        f"the two releases; median of {RUNS} runs of each step, time and peak resident memory (GNU time), "
        f"measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores. "
        f"A snapshot is {snapshot / 1e6:.1f} MB gzipped.",
        "",
        "| step | time | against the build | peak memory |",
        "|---|---|---|---|",
    ]
    for step, (seconds, peak) in results.items():
        lines.append(f"| {step} | {seconds:.2f} s | {seconds / build:.2f}× | {peak:.0f} MiB |")
    lines += [
        "",
        f"Targets: `diff` between two releases within the build's time, `release` within twice the build's. "
        f"Serving one concept with `wrk` ({compare.CONNECTIONS} connections, {compare.DURATION} s, median of {RUNS}), "
        f"now and at its version IRI in release A (read from the snapshot; target at least half the throughput):",
        "",
        "| representation | now | version IRI | ratio |",
        "|---|---|---|---|",
    ]
    for what, now, then in served:
        lines.append(f"| {what} | {now:,.0f} requests/s | {then:,.0f} requests/s | {then / now:.2f} |")
    write_section("release", "Releases and diffs", "\n".join(lines))


if __name__ == "__main__":
    main()
