#!/usr/bin/env python3
"""`serve --watch` under long load, observed.

Run by benches/soak.sh. Serves a copy of data/ with `--watch` and a 1 s query
timeout, and for SOAK_SECONDS (default 600) keeps 64 connections busy with
two wrk processes:

- pages (48 connections): concept pages as HTML, Turtle, JSON-LD, RDF/XML and
  N-Triples (negotiated and by extension), the home page and the dumps'
  Turtle, whose latency is what a reader feels;
- the rest (16 connections): search pages and the search API, reconciliation
  batches, SPARQL lookups, and SPARQL scans that run into the timeout (their
  503 is designed).

Every 30 s an entry is edited, alternately broken (its front matter does not
parse) and repaired with new text; `--watch` must log each broken edit and
keep serving the last good graph. Every SOAK_SEGMENT seconds (default 60)
the figures of that stretch are taken: requests, pages' p50 and p99, answers
by status, the server's resident memory (the median of a sample a second, and
the largest), its threads and the graphs it holds.

Passes when no answer is a 5xx other than the designed 503s, every stretch's
page p99 is under 20 ms, every broken edit was logged, and the resident memory
of the last stretch is within 10% of that of the first. With --smoke (CI,
a debug build, 60 s) the latency and memory bounds are reported, not enforced.
Writes its figures between the soak markers of BENCHMARKS.md unless --smoke.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (reads GLOSSGRAPH_BENCH_CACHE when imported)
from compare import ROOT, WORK, Server, free_port, say, write_section  # noqa: E402

SMOKE = "--smoke" in sys.argv
SECONDS = int(os.environ.get("SOAK_SECONDS", "60" if SMOKE else "600"))
SEGMENT = int(os.environ.get("SOAK_SEGMENT", "20" if SMOKE else "60"))
EDIT_EVERY = int(os.environ.get("SOAK_EDIT_EVERY", "30"))
GLOSSGRAPH = Path(os.environ.get("SOAK_GLOSSGRAPH", compare.GLOSSGRAPH))
P99_LIMIT_MS = 20.0
RSS_GROWTH_LIMIT = 0.10
ENTRY = "eu-ai-office"
SCAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LOOKUP = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT ?c ?l WHERE { ?c skos:prefLabel ?l } ORDER BY ?l LIMIT 10"
)


def quoted(text):
    return compare.quoted(text)


def script(name, requests):
    """A wrk Lua script sending `requests` (method, path, headers, body) in
    turn, which counts answers by status and prints them as STATUS lines."""
    lines = ["local requests = {"]
    for method, path, headers, body in requests:
        fields = ", ".join(f"[{quoted(k)}] = {quoted(v)}" for k, v in headers.items())
        lines.append(f"  {{{quoted(method)}, {quoted(path)}, {{{fields}}}, {quoted(body) if body else 'nil'}}},")
    lines += [
        "}",
        "local threads = {}",
        "function setup(thread) table.insert(threads, thread) end",
        "function init(args) statuses = {}; i = math.random(#requests) end",
        "function request()",
        "  i = i % #requests + 1",
        "  local r = requests[i]",
        "  return wrk.format(r[1], r[2], r[3], r[4])",
        "end",
        "function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end",
        "function done(summary, latency, requests)",
        "  local total = {}",
        "  for _, t in ipairs(threads) do",
        "    for k, v in pairs(t:get('statuses')) do total[k] = (total[k] or 0) + v end",
        "  end",
        "  for k, v in pairs(total) do io.write(string.format('STATUS %d %d\\n', k, v)) end",
        "end",
    ]
    path = WORK / f"soak-{name}.lua"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def page_requests():
    formats = ["text/html", "text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"]
    ids = sorted(p.stem for p in (ROOT / "data" / "entries").glob("*.md"))[:12]
    out = [("GET", f"/concept/{i}", {"Accept": f}, None) for i in ids for f in formats]
    out += [("GET", f"/concept/{i}.ttl", {}, None) for i in ids]
    out += [("GET", "/", {"Accept": "text/html"}, None), ("GET", "/dump.ttl", {}, None)]
    return out


def other_requests():
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    batch = json.dumps({f"q{i}": {"query": q} for i, q in enumerate(["AI Office", "provider", "deployer", "sandbox"])})
    sparql = lambda q: f"/sparql?query={urllib.parse.quote(q)}"  # noqa: E731
    return [
        ("GET", "/search?q=office", {}, None),
        ("GET", "/api/search?q=prov", {}, None),
        ("POST", "/reconcile", form, "queries=" + urllib.parse.quote(batch)),
        ("GET", sparql(LOOKUP), {"Accept": "application/sparql-results+json"}, None),
        ("GET", sparql(LOOKUP), {"Accept": "text/csv"}, None),
        ("GET", sparql(SCAN), {"Accept": "application/sparql-results+json"}, None),
    ]


STATUS = re.compile(r"^STATUS (\d+) (\d+)$", re.M)
LATENCY = compare.LATENCY
SCALE = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(url, lua, connections, seconds):
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", lua, url]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def read_wrk(proc):
    out = proc.communicate()[0]
    if proc.returncode != 0:
        sys.exit(f"wrk failed:\n{out}")
    statuses = {int(s): int(n) for s, n in STATUS.findall(out)}
    latency = {p: float(v) * SCALE[u] for p, v, u in LATENCY.findall(out)}
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Socket errors.*", out)
    return {"requests": requests, "statuses": statuses, "p50": latency.get("50"), "p99": latency.get("99"),
            "socket_errors": errors.group(0) if errors else ""}


class Editor(threading.Thread):
    """Edits the entry every EDIT_EVERY seconds: broken, repaired, broken…"""

    def __init__(self, data, stop):
        super().__init__(daemon=True)
        self.path = data / "entries" / f"{ENTRY}.md"
        self.original = self.path.read_text()
        self.stop, self.broken, self.repaired = stop, 0, 0

    def run(self):
        n = 0
        while not self.stop.wait(EDIT_EVERY):
            n += 1
            if n % 2:
                self.path.write_text("---\nterm: [unclosed\n" + self.original)
                self.broken += 1
            else:
                self.path.write_text(self.original.replace(
                    "## What the AI Office is\n\n", f"## What the AI Office is\n\nEdit {n}. ", 1))
                self.repaired += 1


class Sampler(threading.Thread):
    """The server's resident memory once a second while a stretch runs.
    Under this load it swings by a quarter within seconds (buffers of the
    requests in flight, a scan's join), so a stretch's memory is the median
    of its samples, not one reading at its end, which caught the swing."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.done, self.rss = server, threading.Event(), []

    def run(self):
        while True:
            self.rss.append(self.server.rss()[0])
            if self.done.wait(1):
                return


def threads(server):
    """The server's threads: its workers, their blocking pools, a build."""
    for line in Path(f"/proc/{server.proc.pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return None


def graphs_held(url):
    """The server's count of graphs in memory, from /metrics."""
    with urllib.request.urlopen(f"{url}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    found = re.search(r"^glossgraph_graphs_held (\d+)", text, re.M)
    return int(found.group(1)) if found else None


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    temp = Path(tempfile.mkdtemp(prefix="soak-"))
    data = temp / "data"
    shutil.copytree(ROOT / "data", data)
    # glossary.toml names ../queries.
    shutil.copytree(ROOT / "queries", temp / "queries")
    port = free_port()
    log_path = temp / "serve.log"
    pages_lua, other_lua = script("pages", page_requests()), script("other", other_requests())
    cmd = [GLOSSGRAPH, "--data", data, "serve", "--watch", "--bind", f"127.0.0.1:{port}",
           "--query-timeout", "1", "--log-format", "json"]
    # Requests are not logged (64 connections would write gigabytes); rebuilds are.
    env = {"GLOSSGRAPH_LOG": "info,glossgraph::server::frame=warn"}
    say(f"soak: {SECONDS} s at 64 connections against {GLOSSGRAPH} ({'smoke' if SMOKE else 'full'})")
    segments = []
    with Server("glossgraph serve --watch", cmd, port, ready_path="/readyz", env=env) as server:
        stop = threading.Event()
        editor = Editor(data, stop)
        editor.start()
        url = server.base
        elapsed = 0
        while elapsed < SECONDS:
            seconds = min(SEGMENT, SECONDS - elapsed)
            pages, other = run_wrk(url, pages_lua, 48, seconds), run_wrk(url, other_lua, 16, seconds)
            sampler = Sampler(server)
            sampler.start()
            p, o = read_wrk(pages), read_wrk(other)
            sampler.done.set()
            sampler.join()
            elapsed += seconds
            held = graphs_held(url)
            rss = compare.median(sampler.rss)
            segments.append({"end": elapsed, "pages": p, "other": o, "rss": rss, "rss_max": max(sampler.rss),
                             "held": held, "threads": threads(server)})
            say(f"  {elapsed:4d} s: pages {p['requests'] / seconds:8.0f}/s p50 {p['p50']:.2f} ms p99 {p['p99']:.2f} ms; "
                f"other {o['requests'] / seconds:6.0f}/s {dict(sorted(o['statuses'].items()))}; "
                f"RSS median {rss:.0f} MiB (max {max(sampler.rss):.0f}), {held} graph(s) held, "
                f"{segments[-1]['threads']} threads"
                + (f"; {p['socket_errors']} {o['socket_errors']}" if p["socket_errors"] or o["socket_errors"] else ""))
        stop.set()
        # The last edit's rebuild is let finish before the log is read.
        time.sleep(3)
        server.log.seek(0)
        log = server.log.read().decode(errors="replace")
    failed_rebuilds = log.count("rebuild failed; still serving the last good graph")
    rebuilds = log.count("rebuilt; serving the new graph")
    verdict = judge(segments, editor, failed_rebuilds)
    report(segments, editor, rebuilds, failed_rebuilds, verdict)
    shutil.rmtree(temp, ignore_errors=True)
    if verdict["failures"]:
        sys.exit("soak failed:\n  " + "\n  ".join(verdict["failures"]))
    say("soak passed")


def judge(segments, editor, failed_rebuilds):
    failures, notes = [], []
    for s in segments:
        for kind in ("pages", "other"):
            for status, n in s[kind]["statuses"].items():
                designed = status < 500 or (status == 503 and kind == "other")
                if kind == "pages" and status != 200:
                    failures.append(f"{n} page answer(s) with status {status} by {s['end']} s")
                elif not designed:
                    failures.append(f"{n} {kind} answer(s) with status {status} by {s['end']} s")
    over = [s for s in segments if s["pages"]["p99"] is None or s["pages"]["p99"] >= P99_LIMIT_MS]
    if over:
        (notes if SMOKE else failures).append(
            f"page p99 at or above {P99_LIMIT_MS:.0f} ms in {len(over)} of {len(segments)} stretches")
    first, last = segments[0]["rss"], segments[-1]["rss"]
    growth = (last - first) / first
    if growth > RSS_GROWTH_LIMIT:
        (notes if SMOKE else failures).append(
            f"resident memory grew {growth:.0%} ({first:.0f} → {last:.0f} MiB)")
    if failed_rebuilds < editor.broken:
        failures.append(f"{editor.broken} broken edit(s) but {failed_rebuilds} failed rebuild(s) logged")
    for n in notes:
        say(f"  (smoke, not enforced) {n}")
    return {"failures": failures, "growth": growth}


def report(segments, editor, rebuilds, failed_rebuilds, verdict):
    if SMOKE:
        return
    rows = [
        "| until | pages/s | page p50 | page p99 | other/s | 503 (timeouts, queue) | other statuses | RSS median (max) | graphs held | threads |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    previous = 0
    for s in segments:
        span = s["end"] - previous
        previous = s["end"]
        o = s["other"]["statuses"]
        rest = {k: v for k, v in sorted(o.items()) if k != 503}
        rows.append(
            f"| {s['end']} s | {s['pages']['requests'] / span:.0f} | {s['pages']['p50']:.2f} ms | "
            f"{s['pages']['p99']:.2f} ms | {s['other']['requests'] / span:.0f} | {o.get(503, 0)} | {rest} | "
            f"{s['rss']:.0f} MiB ({s['rss_max']:.0f}) | {s['held']} | {s['threads']} |")
    first, last = segments[0]["rss"], segments[-1]["rss"]
    per_rebuild = (last - first) / max(rebuilds, 1)
    text = "\n".join([
        f"`benches/soak.sh` ({SECONDS} s, 64 connections on this 2-core machine, shared with wrk): "
        f"{editor.broken} broken edits (each logged: {failed_rebuilds} failed rebuilds, the last good graph served), "
        f"{rebuilds} rebuilds from repaired edits. Resident memory (median of a sample a second) {first:.0f} MiB in the first stretch, "
        f"{last:.0f} MiB in the last ({verdict['growth']:+.1%}; {per_rebuild:+.2f} MiB per rebuild). "
        f"Result: {'passed' if not verdict['failures'] else 'failed: ' + '; '.join(verdict['failures'])}.",
        "",
        *rows,
    ])
    write_section("soak", "Soak: serve --watch under long load", text)


if __name__ == "__main__":
    main()
