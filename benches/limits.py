#!/usr/bin/env python3
"""The limits a user can hit, each measured (README, "Limits").

Run by benches/limits.sh against a release build. Measures:

- the largest entry: an entry file of just under the 1 MiB limit, built with
  data/ (time and peak memory of `glossgraph build`), and one byte over it
  refused;
- vocabularies in memory: SKOS vocabularies of 1, 2 and 4 million triples
  published beside data/, served: the resident memory once the graph is
  served, the time to get there, and the memory per million triples, from
  which how large a vocabulary a given RAM holds follows;
- request sizes: a SPARQL request body of 1 MiB answered and one byte more
  refused (413), a search text of 200 characters answered and 201 refused,
  a reconciliation batch of 1,000 queries answered and 1,001 refused;
- the query timeout: how long a scan that cannot finish runs before its 503;
- concurrent queries: 3 slow queries per core sent at once; how many ran to
  the timeout and how many were turned away after the queue wait (503 with
  Retry-After).

Rewrites the part of BENCHMARKS.md between the limits markers.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (reads GLOSSGRAPH_BENCH_CACHE when imported)
from compare import ROOT, Server, free_port, say, write_section  # noqa: E402

GLOSSGRAPH = Path(os.environ.get("LIMITS_GLOSSGRAPH", compare.GLOSSGRAPH))
MAX_ENTRY = 1024 * 1024
VOCABULARY_MILLIONS = [int(m) for m in os.environ.get("LIMITS_MILLIONS", "1,2,4").split(",")]
SCAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def glossary_copy(work):
    """A copy of data/ in `work`, with its queries beside it as data/ has them."""
    shutil.copytree(ROOT / "data", work / "data")
    shutil.copytree(ROOT / "queries", work / "queries")
    return work / "data"


def timed_run(args):
    """(exit code, seconds, peak resident MiB of the child, stderr)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([str(a) for a in args], stdout=subprocess.DEVNULL, stderr=err)
        # This child's own rusage: RUSAGE_CHILDREN would also count every
        # earlier child, the compiler of limits.sh's build among them.
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    return proc.returncode, seconds, usage.ru_maxrss / 1024, stderr


def largest_entry(work):
    data = glossary_copy(work / "entry")
    paragraph = (
        "The AI Office monitors general-purpose AI models, works with national "
        "authorities and supports the AI Board, as Article 64 sets out. "
    )
    head = "---\nterm: Large entry\ndefinition: An entry as large as an entry may be.\n---\n"
    body = []
    size = len(head)
    section = 0
    while True:
        text = f"\n## Section {section}\n\n" + paragraph * 40 + "\n"
        if size + len(text.encode()) > MAX_ENTRY - 64:
            break
        body.append(text)
        size += len(text.encode())
        section += 1
    entry = data / "entries" / "large-entry.md"
    entry.write_text(head + "".join(body))
    bytes_ok = entry.stat().st_size
    code, seconds, peak, err = timed_run([GLOSSGRAPH, "--data", data, "build"])
    if code != 0:
        sys.exit(f"the largest entry does not build: {err}")
    base_code, base_seconds, _, _ = timed_run([GLOSSGRAPH, "--data", ROOT / "data", "build"])
    entry.write_text(head + "".join(body) + "x" * (MAX_ENTRY - bytes_ok + 1))
    over, _, _, err = timed_run([GLOSSGRAPH, "--data", data, "check"])
    if over != 1 or "source/too-large" not in err:
        sys.exit(f"an entry over 1 MiB was not refused: exit {over}, {err}")
    return {
        "bytes": bytes_ok,
        "sections": section,
        "seconds": seconds,
        "seconds_without": base_seconds,
        "peak_mib": peak,
    }


def vocabulary(path, millions):
    """A SKOS vocabulary of `millions` million triples, 10 per concept."""
    concepts = millions * 100_000
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"<https://v.example/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{SKOS}ConceptScheme> .\n")
        for i in range(concepts):
            c = f"<https://v.example/c{i}>"
            broader = f"<https://v.example/c{i // 10}>"
            out.write(
                f"{c} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{SKOS}Concept> .\n"
                f"{c} <{SKOS}inScheme> <https://v.example/s> .\n"
                f'{c} <{SKOS}prefLabel> "Concept {i}"@en .\n'
                f'{c} <{SKOS}prefLabel> "Begriff {i}"@de .\n'
                f'{c} <{SKOS}altLabel> "Term number {i}"@en .\n'
                f'{c} <{SKOS}definition> "The concept numbered {i} in a generated vocabulary."@en .\n'
                f'{c} <{SKOS}notation> "{i:07d}" .\n'
                f"{c} <{SKOS}broader> {broader} .\n"
                f"{c} <{SKOS}related> <https://v.example/c{(i * 7919) % concepts}> .\n"
                f'{c} <{SKOS}scopeNote> "Generated for measuring memory."@en .\n'
            )


def vocabularies(work):
    rows = []
    for millions in VOCABULARY_MILLIONS:
        data = glossary_copy(work / f"vocabulary-{millions}")
        vocabulary(data / "generated.nt", millions)
        config = data / "glossary.toml"
        config.write_text('vocabularies = ["generated.nt"]\n' + config.read_text())
        port = free_port()
        cmd = [GLOSSGRAPH, "--data", data, "serve", "--bind", f"127.0.0.1:{port}"]
        with Server(f"serve with {millions}M triples", cmd, port, ready_path="/readyz", patience=1800) as server:
            time.sleep(1)
            rss, peak = server.rss()
            rows.append({"millions": millions, "seconds": server.startup, "rss_mib": rss, "peak_mib": peak})
            say(f"{millions}M triples: served after {server.startup:.1f} s, {rss:.0f} MiB resident (peak {peak:.0f})")
        shutil.rmtree(data.parent)
    return rows


def status_of(url, body=None, content_type=None, timeout=60):
    request = urllib.request.Request(url, data=body)
    if content_type:
        request.add_header("Content-Type", content_type)
    request.add_header("Accept", "application/sparql-results+json, application/json")
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            code, headers = response.status, response.headers
    except urllib.error.HTTPError as e:
        code, headers = e.code, e.headers
    return code, time.perf_counter() - start, headers


def requests(work):
    data = glossary_copy(work / "requests")
    port = free_port()
    cores = os.cpu_count() or 1
    cmd = [GLOSSGRAPH, "--data", data, "serve", "--bind", f"127.0.0.1:{port}"]
    found = {}
    with Server("serve", cmd, port) as server:
        base = server.base
        # A SPARQL body of exactly 1 MiB (a query padded with a comment), then one byte more.
        query = "ASK { ?s ?p ?o }\n#"
        for size, key in [(1024 * 1024, "body_at_limit"), (1024 * 1024 + 1, "body_over")]:
            body = (query + "x" * (size - len(query))).encode()
            found[key] = status_of(f"{base}/sparql", body, "application/sparql-query")[0]
        for chars, key in [(200, "search_at_limit"), (201, "search_over")]:
            q = urllib.parse.quote("a" * chars)
            found[key] = status_of(f"{base}/api/search?q={q}")[0]
        for n, key in [(1000, "batch_at_limit"), (1001, "batch_over")]:
            batch = {f"q{i}": {"query": f"office {i}"} for i in range(n)}
            body = urllib.parse.urlencode({"queries": json.dumps(batch)}).encode()
            code, seconds, _ = status_of(f"{base}/reconcile", body, "application/x-www-form-urlencoded")
            found[key] = code
            if n == 1000:
                found["batch_seconds"] = seconds
        # Nested negations: the deepest accepted, and how long the parse and
        # answer took; then the first depth refused, and how fast.
        def negations(depth):
            text = "SELECT * WHERE { ?s ?p ?o FILTER(" + "!(" * depth + "?s = ?o" + ")" * depth + ") }"
            return status_of(f"{base}/sparql", text.encode(), "application/sparql-query")
        depth = 1
        while negations(depth + 1)[0] == 200:
            depth += 1
        found["negations_accepted"] = depth
        found["negations_accepted_seconds"] = min(negations(depth)[1] for _ in range(3))
        found["negations_refused"], found["negations_refused_seconds"] = depth + 1, negations(depth + 1)[1]
        found["negations_refused_status"] = negations(depth + 1)[0]
        # The default timeout, measured on one scan.
        code, seconds, _ = status_of(f"{base}/sparql?query={urllib.parse.quote(SCAN)}")
        found["timeout_status"], found["timeout_seconds"] = code, seconds
        # Three slow queries per core at once, once the scan stopped above
        # has given back its place (it keeps it until its evaluation stops).
        time.sleep(5)
        results = []
        lock = threading.Lock()

        def slow():
            outcome = status_of(f"{base}/sparql?query={urllib.parse.quote(SCAN)}")
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=slow) for _ in range(3 * cores)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        turned_away = [r for r in results if r[2].get("Retry-After")]
        ran = [r for r in results if not r[2].get("Retry-After")]
        found["concurrent_sent"] = len(results)
        found["concurrent_ran"] = len(ran)
        found["concurrent_turned_away"] = len(turned_away)
        found["turned_away_after"] = max((r[1] for r in turned_away), default=0.0)
        found["cores"] = cores
    return found


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), "?")
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    version = subprocess.run([GLOSSGRAPH, "--version"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, {version}"


def report(entry, vocab, req):
    lines = [
        f"Measured on {machine()} ({time.strftime('%Y-%m-%d')}), a release build; `benches/limits.sh` reproduces it.",
        "",
        "| limit | setting | measured |",
        "|---|---|---|",
        f"| largest entry | 1 MiB per entry file | an entry of {entry['bytes']:,} bytes ({entry['sections']} sections) builds with data/ in {entry['seconds']:.2f} s "
        f"(data/ alone: {entry['seconds_without']:.2f} s), peak {entry['peak_mib']:.0f} MiB; one byte more is refused (`source/too-large`) |",
    ]
    for row in vocab:
        lines.append(
            f"| vocabulary in memory | {row['millions']} million triples | served after {row['seconds']:.1f} s, "
            f"{row['rss_mib']:,.0f} MiB resident (peak {row['peak_mib']:,.0f} MiB while loading) |"
        )
    if len(vocab) >= 2:
        first, last = vocab[0], vocab[-1]
        per_million = (last["peak_mib"] - first["peak_mib"]) / (last["millions"] - first["millions"])
        lines.append(
            f"| | per million triples | {per_million:,.0f} MiB more at the peak: 24 GiB holds about "
            f"{(24 * 1024 - first['peak_mib']) / per_million + first['millions']:.0f} million |"
        )
    lines += [
        f"| SPARQL request body | 1 MiB | 1 MiB: {req['body_at_limit']}; 1 MiB + 1 byte: {req['body_over']} |",
        f"| search text | 200 characters | 200: {req['search_at_limit']}; 201: {req['search_over']} |",
        f"| reconciliation batch | 1,000 queries | 1,000: {req['batch_at_limit']} in {req['batch_seconds']:.2f} s; 1,001: {req['batch_over']} |",
        f"| negations nested in a query | a parse budget (`src/query/negations.rs`) | {req['negations_accepted']} nested `!(…)` around a filter: "
        f"answered in {req['negations_accepted_seconds'] * 1000:.0f} ms; {req['negations_refused']}: {req['negations_refused_status']} in "
        f"{req['negations_refused_seconds'] * 1000:.1f} ms, before the parser (which would take twice as long for each) |",
        f"| query timeout | `--query-timeout` 10 s | a scan that cannot finish: {req['timeout_status']} after {req['timeout_seconds']:.2f} s |",
        f"| concurrent queries | 2 per core ({2 * req['cores']} here), 2 s queue wait | {req['concurrent_sent']} scans at once: "
        f"{req['concurrent_ran']} ran to the timeout, {req['concurrent_turned_away']} turned away (503, `Retry-After`) within {req['turned_away_after']:.2f} s |",
    ]
    return "\n".join(lines)


def main():
    work = Path(tempfile.mkdtemp(prefix="glossgraph-limits-"))
    try:
        say("requests, timeout and concurrency")
        req = requests(work)
        say(json.dumps(req))
        say("the largest entry")
        entry = largest_entry(work)
        say(json.dumps(entry))
        say("vocabularies in memory")
        vocab = vocabularies(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = report(entry, vocab, req)
    print(text)
    write_section("limits", "Limits", text)


if __name__ == "__main__":
    main()
