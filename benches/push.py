#!/usr/bin/env python3
"""`glossgraph push` and `serve --sparql-endpoint` measured, run by benches/push.sh.

- A full push of a generated glossary to a fresh Oxigraph server and to a
  fresh Virtuoso, against the store's own bulk loader on glossgraph's N-Quads
  export of the same graph: `oxigraph load` (offline, into a new location,
  while the push goes through the running server) and Virtuoso's `ld_dir`,
  `rdf_loader_run` and `checkpoint` (through its SQL port, into the running
  server);
- a push with nothing changed, and one after an entry's text changed (in a
  copy of the glossary), against the full push;
- `/sparql` through `serve --sparql-endpoint` in front of each store against
  the store's own endpoint, on compare.py's SPARQL query mix, and through
  nginx as a plain reverse proxy for the cost of the extra hop alone.

Every load and full push is checked to leave the export's quads in the
store. Runs alternate so that every program sees the same machine; figures
are medians. Rewrites the part of BENCHMARKS.md between the push markers.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from collections import namedtuple
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (reads GLOSSGRAPH_BENCH_CACHE when imported)
from compare import (  # noqa: E402
    ROOT, RUNS, WORK, Server, answer_size, fetch, free_port, median, rotation_script, say, settle, timed, wrk,
)

GLOSSGRAPH = Path(os.environ["PUSH_GLOSSGRAPH"])
OXIGRAPH = Path(os.environ["PUSH_OXIGRAPH"])
BEGIN, END = "<!-- push:begin -->", "<!-- push:end -->"
# The figure: the proxy's overhead at 8 connections.
CONNECTIONS = 8
# Where a push to Virtuoso finds the password (never on the command line).
PASSWORD_VAR = "GLOSSGRAPH_BENCH_PASSWORD"
# The manifest graph a push keeps in the store: not part of the export.
MANIFEST = "/glossgraph/push"


def count(endpoint, where):
    """The single number `SELECT (COUNT(*) AS ?n) WHERE { where }` answers."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
    _, _, body = fetch(f"{endpoint}?query={urllib.parse.quote(query)}", "application/sparql-results+json")
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


class Store:
    """A store on loopback with its query and Graph Store Protocol endpoints."""

    name = ""
    query = gsp = ""
    push_args, env = [], {}
    # Quads the store holds of its own before anything is loaded (Virtuoso's system graphs).
    baseline = 0

    def quads(self):
        """Quads in named graphs, leaving out the push manifest and the store's own."""
        where = f'GRAPH ?g {{ ?s ?p ?o }} FILTER(!STRENDS(STR(?g), "{MANIFEST}"))'
        return count(self.query, where) - self.baseline


class Oxigraph(Store):
    """`oxigraph serve` on a fresh location, or on `location` if given."""

    name = "Oxigraph server"
    loader = "`oxigraph load`"

    def __init__(self, location=None):
        self.location = location or WORK / "push-oxigraph"
        self.fresh = location is None

    def __enter__(self):
        if self.fresh:
            shutil.rmtree(self.location, ignore_errors=True)
        port = free_port()
        # The union default graph, as glossgraph's own endpoint has, for the query mix.
        self.server = Server("oxigraph serve", [OXIGRAPH, "serve", "--location", self.location, "--bind",
                                                f"127.0.0.1:{port}", "--union-default-graph"],
                             port, ready_path="/query?query=ASK%7B%7D", patience=60).__enter__()
        self.query, self.gsp = self.server.base + "/query", self.server.base + "/store"
        return self

    def __exit__(self, *exc):
        self.server.__exit__(*exc)
        shutil.rmtree(self.location, ignore_errors=True)

    @staticmethod
    def bulk_load(nq):
        """`oxigraph load` into a new location, offline: (seconds, quads then served)."""
        location = WORK / "push-oxigraph-load"
        shutil.rmtree(location, ignore_errors=True)
        seconds, _ = timed([OXIGRAPH, "load", "--location", location, "--file", nq])
        with Oxigraph(location) as store:
            return seconds, store.quads()


class Virtuoso(Store):
    """Virtuoso 7 with a throwaway database and ini; Graph Store Protocol
    writes at /sparql-graph-crud-auth with Digest authentication as dba."""

    name = "Virtuoso"
    loader = "`ld_dir` + `rdf_loader_run` + `checkpoint`"
    # Virtuoso's own ini suggests these for 2 GB of free memory (8 KiB pages);
    # its default of 10,000 pages is small for a million quads.
    BUFFERS, DIRTY = 170_000, 130_000

    def __enter__(self):
        self.dir = WORK / "push-virtuoso"
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.sql = free_port()
        http = free_port()
        while http == self.sql:
            http = free_port()
        d = self.dir
        # DirsAllowed lets the bulk loader read the export where compare.py writes it.
        (d / "virtuoso.ini").write_text(f"""[Database]
DatabaseFile = {d}/v.db
ErrorLogFile = {d}/log
LockFile = {d}/v.lck
TransactionFile = {d}/v.trx
xa_persistent_file = {d}/v.pxa
[TempDatabase]
DatabaseFile = {d}/v-temp.db
TransactionFile = {d}/v-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{self.sql}
DirsAllowed = ., {d}, {WORK}
NumberOfBuffers = {self.BUFFERS}
MaxDirtyBuffers = {self.DIRTY}
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerThreads = 16
MaxClientConnections = 16
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
""")
        self.server = Server("Virtuoso", ["virtuoso-t", "+configfile", "virtuoso.ini", "+foreground"], http,
                             ready_path="/sparql?query=ASK%7B%7D", cwd=d, patience=120).__enter__()
        self.query, self.gsp = self.server.base + "/sparql", self.server.base + "/sparql-graph-crud-auth"
        self.push_args = ["--user", "dba", "--password-env", PASSWORD_VAR]
        self.env = {PASSWORD_VAR: "dba"}
        self.baseline = 0
        self.baseline = self.quads()
        return self

    def __exit__(self, *exc):
        self.server.__exit__(*exc)
        shutil.rmtree(self.dir, ignore_errors=True)

    @staticmethod
    def bulk_load(nq):
        """The bulk loader on a fresh Virtuoso (one file: one loader thread),
        then a checkpoint, as Virtuoso's guide has it: (seconds, quads then served).
        The graph names come from the quads."""
        with Virtuoso() as store:
            sql = f"ld_dir('{nq.parent}', '{nq.name}', 'http://x'); rdf_loader_run(); checkpoint;"
            seconds, _ = timed(["isql-vt", store.sql, "dba", "dba", f"exec={sql}"])
            return seconds, store.quads()


Push = namedtuple("Push", "wall own sent requests bytes")
SUMMARY = re.compile(r"in ([\d.]+) s: sent (\d+) graph\(s\).*?; (\d+) request\(s\), ([\d.]+) (MB|kB|B) in bodies")
UNITS = {"MB": 1e6, "kB": 1e3, "B": 1}


def push(store, glossary):
    """One `glossgraph push` to `store`: its wall time (the build included),
    the time the push itself reports, graphs sent, requests and body bytes."""
    start = time.perf_counter()
    proc = subprocess.run([GLOSSGRAPH, "--data", glossary, "push", store.gsp, *store.push_args],
                          env={**os.environ, **store.env}, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"push to {store.name} failed:\n{proc.stderr}")
    found = SUMMARY.search(proc.stderr)
    if found:
        own, sent, requests, size, unit = found.groups()
        return Push(wall, float(own), int(sent), int(requests), float(size) * UNITS[unit])
    if "is up to date" in proc.stderr:
        return Push(wall, None, 0, None, 0)
    sys.exit(f"push to {store.name}: no summary line in\n{proc.stderr}")


def rounds(kind, d, copy, victim):
    """RUNS rounds of: the bulk loader; a full push to a fresh store; a push
    with nothing changed; a push after the victim entry's text changed. The
    last round leaves the store as the glossary is and measures `/sparql` in
    front of it. Returns each run's figures and the SPARQL medians."""
    original = victim.read_text()
    runs = {k: [] for k in ("load", "build", "full", "none", "one")}
    queried = None
    for i in range(RUNS):
        seconds, quads = kind.bulk_load(d.nq)
        if quads != d.quads:
            sys.exit(f"{kind.loader} left {quads} quads in {kind.name}; the export has {d.quads}")
        runs["load"].append(seconds)
        runs["build"].append(timed([GLOSSGRAPH, "--data", copy, "build"])[0])
        with kind() as store:
            full = push(store, copy)
            if store.quads() != d.quads:
                sys.exit(f"a full push left {store.quads()} quads in {kind.name}; the export has {d.quads}")
            none = push(store, copy)
            if none.sent:
                sys.exit(f"a push with nothing changed sent {none.sent} graph(s) to {kind.name}")
            victim.write_text(original.rstrip("\n") + f"\n\nEdited for the benchmark ({i}).\n")
            try:
                one = push(store, copy)
            finally:
                victim.write_text(original)
            if not one.sent:
                sys.exit(f"a push after {victim.name} changed sent nothing to {kind.name}")
            for key, value in (("full", full), ("none", none), ("one", one)):
                runs[key].append(value)
            say(f"  {kind.name} run {i + 1}: {kind.loader} {seconds:.1f} s; push: full {full.wall:.1f} s, "
                f"nothing changed {none.wall:.2f} s, one entry {one.wall:.2f} s ({one.sent} graph(s))")
            if i == RUNS - 1:
                push(store, copy)
                queried = through_serve(store, d, copy)
    return runs, queried


def middle(pushes, field):
    return median([getattr(p, field) for p in pushes])


def nginx_proxy(store):
    """nginx passing every request to the store over kept-alive connections:
    what any extra HTTP hop costs, with nothing read or written on the way."""
    port = free_port()
    conf = WORK / "push-nginx.conf"
    tmp = WORK / "nginx-tmp"
    tmp.mkdir(exist_ok=True)
    # Workers run as nobody unless told otherwise, and cannot read a root-owned cache.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(f"""
{user}
worker_processes auto;
pid {WORK}/push-nginx.pid;
error_log {WORK}/push-nginx-error.log;
daemon off;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp}; uwsgi_temp_path {tmp}; scgi_temp_path {tmp};
  upstream store {{ server {urllib.parse.urlsplit(store.server.base).netloc}; keepalive 32; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://store;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }}
  }}
}}
""")
    ready = urllib.parse.urlsplit(store.query).path + "?query=ASK%7B%7D"
    return Server("nginx", ["nginx", "-c", conf, "-p", WORK], port, ready_path=ready, patience=20)


def through_serve(store, d, glossary):
    """`/sparql` through `serve --sparql-endpoint` against the store's own
    endpoint, and through nginx for the cost of the hop alone, alternating:
    medians of (requests/s, p50 ms, p99 ms) for each."""
    queries = compare.sparql_queries(d)
    port = free_port()
    serve = Server("glossgraph serve", [GLOSSGRAPH, "--data", glossary, "serve", "--bind", f"127.0.0.1:{port}",
                                        "--sparql-endpoint", store.query], port, env={"GLOSSGRAPH_LOG": "warn"})
    own_path = urllib.parse.urlsplit(store.query).path
    settle()
    with serve, nginx_proxy(store) as nginx:
        targets = {}
        for key, base, path in (("store", store.server.base, own_path), ("serve", serve.base, "/sparql"),
                                ("nginx", nginx.base, own_path)):
            requests = [(f"{path}?query={urllib.parse.quote(q)}", accept) for _, q, accept in queries]
            sizes = [answer_size(base + p, a) for p, a in requests]
            script = rotation_script(requests, f"push-sparql-{key}-{store.name.split()[0].lower()}")
            targets[key] = (base + "/", script, sizes)
        sizes = {key: target[2] for key, target in targets.items()}
        if not sizes["store"] == sizes["serve"] == sizes["nginx"] or not all(sizes["store"]):
            sys.exit(f"{store.name} and the servers in front of it answer differently: {sizes}")
        for url, script, _ in targets.values():
            subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", "-d1s", "-s", script, url], capture_output=True, check=True)
        results = {key: [] for key in targets}
        for _ in range(RUNS):
            for key, (url, script, _) in targets.items():
                results[key].append(wrk(url, None, script, CONNECTIONS))
    own, proxied, hop = (tuple(median([r[i] for r in results[key]]) for i in range(3))
                         for key in ("store", "serve", "nginx"))
    say(f"  {store.name}: its endpoint {own[0]:,.0f} req/s, through serve {proxied[0]:,.0f}, "
        f"through nginx {hop[0]:,.0f}")
    return own, proxied, hop


def versions():
    def output(cmd):
        proc = subprocess.run(cmd, capture_output=True, text=True)
        return (proc.stdout + proc.stderr).strip().splitlines()

    # `virtuoso-t -?` names the edition, then "Version 7.2.5.… as of …".
    virtuoso = next((l.split()[1] for l in output(["virtuoso-t", "-?"]) if l.startswith("Version ")), "?")
    return (f"{output([GLOSSGRAPH, '--version'])[0]}; {output([OXIGRAPH, '--version'])[0]}; "
            f"Virtuoso {virtuoso}; {output(['wrk', '-v'])[0].split(' [')[0]}")


def main():
    compare.GLOSSGRAPH = GLOSSGRAPH
    for tool in ["virtuoso-t", "isql-vt", "wrk"]:
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: run benches/push.sh, which installs it")
    load = Path("/proc/loadavg").read_text().split()[:3]
    sets = [d for d in compare.datasets() if d.name.startswith("generated-")]
    full_rows, incremental_rows, sparql_rows = [], [], []
    for d in sets:
        copy = WORK / f"push-{d.name}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(d.glossary, copy)
        entries = sorted((copy / "entries").glob("*.md"))
        # Not the concept the query mix asks about (the middle one).
        victim = entries[len(entries) // 3]
        for kind in (Oxigraph, Virtuoso):
            say(f"{d.name}: {kind.name}")
            runs, (own, proxied, hop) = rounds(kind, d, copy, victim)
            full, none, one = runs["full"], runs["none"], runs["one"]
            load_s, build_s = median(runs["load"]), median(runs["build"])
            full_wall, full_own = middle(full, "wall"), middle(full, "own")
            full_rows.append(
                f"| {d.name} | {kind.name} | {full_wall:.1f} s | {full_own:.1f} s | "
                f"{middle(full, 'sent'):,.0f} / {middle(full, 'requests'):,.0f} / {middle(full, 'bytes') / 1e6:,.0f} MB | "
                f"{kind.loader}: {load_s:.1f} s | {full_wall / load_s:.1f}× ({full_own / load_s:.1f}×) |")
            one_wall = middle(one, "wall")
            incremental_rows.append(
                f"| {d.name} | {kind.name} | {full_wall:.1f} s | {build_s:.2f} s | {middle(none, 'wall'):.2f} s | "
                f"{one_wall:.2f} s ({middle(one, 'own'):.2f} s) | "
                f"{middle(one, 'sent'):,.0f} / {middle(one, 'requests'):,.0f} / {middle(one, 'bytes') / 1e6:,.1f} MB | "
                f"{100 * one_wall / full_wall:.1f}% ({100 * middle(one, 'own') / full_own:.1f}%) |")
            sparql_rows.append(
                f"| {d.name} | {kind.name} | {own[0]:,.0f} ({own[1]:.2f} / {own[2]:.2f} ms) | "
                f"{proxied[0]:,.0f} ({proxied[1]:.2f} / {proxied[2]:.2f} ms) | {100 * (1 - proxied[0] / own[0]):.1f}% | "
                f"{hop[0]:,.0f} ({hop[1]:.2f} / {hop[2]:.2f} ms) | {100 * (1 - hop[0] / own[0]):.1f}% |")
        shutil.rmtree(copy, ignore_errors=True)
    lines = [
        BEGIN,
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores, shared by the "
        f"store, glossgraph and wrk (load average {' '.join(load)} at the start, from other work on the host); "
        f"median of {RUNS} runs, alternating; {versions()}.",
        "Reproduce: `benches/push.sh` (`RUNS=`, `DURATION=`, `SIZES=` as for compare.sh; 15–25 minutes).",
        "",
        "A full push (`glossgraph push URL`, the Graph Store Protocol: a `PUT` per graph) to a fresh store, against "
        "the store's own bulk loader on glossgraph's N-Quads export of the same graph. The push goes through the "
        "running server; `oxigraph load` writes offline into a new location (no server runs), Virtuoso's loader "
        "runs inside the running server (`isql-vt PORT dba dba exec=\"ld_dir(DIR, 'FILE.nq', 'http://x'); "
        "rdf_loader_run(); checkpoint;\"`: one file, so one loader thread; the graph names come from the quads; "
        "the checkpoint is included, as the loader writes no transaction log). The push's time is the command's "
        "wall time, which includes building the glossary in memory, and in brackets the time it reports for "
        "itself (hashing every graph, reading the manifest, sending). Each load and full push is checked to "
        f"leave the export's {sets[0].quads:,} quads in the store. Virtuoso runs with "
        f"NumberOfBuffers = {Virtuoso.BUFFERS:,} (its ini's setting for 2 GB of free memory).",
        "",
        "| dataset | store | full push (wall) | of which pushing | graphs / requests / bodies | bulk loader | "
        "push ÷ loader (pushing alone) |",
        "|---|---|---:|---:|---:|---:|---:|",
        *full_rows,
        "",
        "The same push again with nothing changed, and after one entry's text changed in a copy of the glossary, "
        "against the full push; `glossgraph build` of the same glossary (in memory) for the part of each push "
        "that is building.",
        "",
        "| dataset | store | full push | build alone | nothing changed | one entry changed (pushing) | "
        "graphs / requests / bodies | one entry ÷ full (target < 2%; pushing alone) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
        *incremental_rows,
        "",
        f"`/sparql` through `serve --sparql-endpoint STORE` (release glossgraph in front of the store holding the "
        f"pushed graph) against the store's own endpoint: compare.py's query mix (label lookup, `skos:broader*` "
        f"from a concept, count by type, CONSTRUCT a concept) in turn over GET, `wrk -t2 -c{CONNECTIONS} "
        f"-d{compare.DURATION}s` after a 1 s warm-up. Both answer each query with the same number of results "
        "(checked first); Oxigraph server runs with `--union-default-graph`, Virtuoso's default graph is all of "
        "its graphs (its count by type includes its own system graphs). For the cost of an HTTP hop alone, nginx "
        "`proxy_pass` to the store over kept-alive connections (it reads and writes nothing on the way). The "
        "overhead is the share of the store's own throughput lost.",
        "",
        "| dataset | store | store's endpoint req/s (p50 / p99) | through `serve` req/s (p50 / p99) | "
        "overhead (target ≤ 10%) | through nginx req/s (p50 / p99) | nginx's overhead |",
        "|---|---|---:|---:|---:|---:|---:|",
        *sparql_rows,
        END,
    ]
    text = "\n".join(lines)
    print(text)
    bench = ROOT / "BENCHMARKS.md"
    current = bench.read_text()
    if BEGIN in current:
        current = current[:current.index(BEGIN)] + text + current[current.index(END) + len(END):]
    else:
        current = current.rstrip("\n") + "\n\n## `push` and `serve --sparql-endpoint`\n\n" + text + "\n"
    bench.write_text(current)


if __name__ == "__main__":
    main()
