#!/usr/bin/env python3
"""glossgraph against its peers, one program at a time, on the same data.

Run by benches/compare.sh, which installs the peers and builds glossgraph.
Prepares the datasets (data/, UNESCO, generated glossaries), then measures:
build throughput, one-entry rebuilds, concept pages under load, a SPARQL query
mix, search over HTTP, memory while serving and startup. Each figure is the
median of RUNS runs; each ratio compares medians taken in this run. Writes the
results between the markers in BENCHMARKS.md and leaves the rest of the file
as it is.
"""

import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ["GLOSSGRAPH_BENCH_CACHE"])
WORK = CACHE / "work"
GLOSSGRAPH = CACHE / "target" / "release" / "glossgraph"
OXIGRAPH = CACHE / "peers" / "bin" / "oxigraph"
RICKVIEW = CACHE / "peers" / "bin" / "rickview"
RUNS = int(os.environ.get("RUNS", "3"))
DURATION = int(os.environ.get("DURATION", "5"))
CONNECTIONS = 64
SIZES = [int(s) for s in os.environ.get("SIZES", "1000,10000,100000").split(",") if s]
# A single run longer than this is not repeated.
LONG_RUN = 60.0
# rdflib takes minutes and gigabytes beyond this many quads.
RDFLIB_MAX_QUADS = 1_500_000
SKOS = "http://www.w3.org/2004/02/skos/core#"
LOG = []


def say(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def median(values):
    return statistics.median(values) if values else float("nan")


def run(cmd, cwd=None):
    """Runs cmd to completion, stopping the comparison if it fails."""
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{proc.stderr.decode(errors='replace')}")


def timed(cmd, env=None, cwd=None, ok_codes=(0,)):
    """Runs cmd, which must exit with one of `ok_codes`: (seconds, peak RSS in MiB).

    The peak comes from GNU time, not from wait4 on our own child: Linux counts
    the RSS of the process a child was forked from in the child's peak, so a
    small build would show this script's size.
    """
    peak_file = WORK / "peak-rss"
    start = time.perf_counter()
    proc = subprocess.Popen(
        ["/usr/bin/time", "-f", "%M", "-o", str(peak_file)] + [str(c) for c in cmd],
        env={**os.environ, **(env or {})},
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    stderr = proc.stderr.read()
    proc.wait()
    seconds = time.perf_counter() - start
    if proc.returncode not in ok_codes:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{stderr.decode(errors='replace')}")
    return seconds, int(peak_file.read_text().split()[-1]) / 1024


def repeat(make_cmd, prepare=None, runs=RUNS, env=None):
    """Median seconds and peak MiB over runs; a first run over LONG_RUN is not repeated."""
    times, peaks = [], []
    for i in range(runs):
        if prepare:
            prepare()
        seconds, peak = timed(make_cmd(), env=env)
        times.append(seconds)
        peaks.append(peak)
        if i == 0 and seconds > LONG_RUN:
            break
    return median(times), median(peaks), len(times)


def write_section(name, heading, text):
    """Puts `text` between the `name` markers of BENCHMARKS.md, adding them
    under `heading` at its end the first time."""
    path = ROOT / "BENCHMARKS.md"
    content = path.read_text()
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in content:
        content += f"\n## {heading}\n\n{begin}\n{end}\n"
    head, rest = content.split(begin, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{begin}\n{text}\n{end}{tail}")
    say(f"wrote the {name} section of BENCHMARKS.md")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, accept=None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


class Server:
    """A server process on a loopback port, started and stopped around a measurement."""

    def __init__(self, name, cmd, port, ready_path="/", env=None, cwd=None, patience=600):
        self.name, self.cmd, self.port, self.ready_path = name, cmd, port, ready_path
        self.patience = patience
        self.env, self.cwd = env, cwd
        self.base = f"http://127.0.0.1:{port}"

    def __enter__(self):
        self.log = tempfile.TemporaryFile()
        start = time.perf_counter()
        self.proc = subprocess.Popen(
            [str(c) for c in self.cmd],
            env={**os.environ, **(self.env or {})},
            cwd=self.cwd,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = start + self.patience
        while True:
            if self.proc.poll() is not None:
                self.log.seek(0)
                sys.exit(f"{self.name} exited: {self.log.read().decode(errors='replace')[-2000:]}")
            try:
                status, _, _ = fetch(self.base + self.ready_path)
                if status == 200:
                    break
            except Exception:
                pass
            if time.perf_counter() > deadline:
                os.killpg(self.proc.pid, signal.SIGKILL)
                sys.exit(f"{self.name} did not answer {self.ready_path} within {self.patience} s")
            time.sleep(0.005)
        self.startup = time.perf_counter() - start
        return self

    def rss(self):
        """(current, peak) resident memory in MiB."""
        fields = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()


LATENCY = re.compile(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(url, accept=None, script=None, connections=CONNECTIONS):
    """One wrk run: (requests/s, p50 ms, p99 ms). Any non-2xx answer fails the run."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{DURATION}s", "--latency"]
    if accept:
        cmd += ["-H", f"Accept: {accept}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        sys.exit(f"wrk saw failed requests for {url}:\n{out}")
    if "Socket errors" in out:
        say("  " + re.search(r"Socket errors.*", out).group(0))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {p: float(v) * scale[u] for p, v, u in LATENCY.findall(out)}
    return rate, latency["50"], latency["99"]


def settle(limit=90.0):
    """Waits until the host stops taking CPU time from this machine (steal).

    After the rebuild benchmark writes and deletes a store of several GB, the
    host takes CPU time back for some seconds, and only under load: the first
    load run measured then had a p99 of 25-100 ms where the same run later had
    7 ms, with six times the steal time. Whatever ran first would pay for it,
    so both cores are kept busy for two seconds at a time until less than 1%
    of that time is stolen."""
    def steal():
        fields = open("/proc/stat").readline().split()
        return int(fields[8]), sum(int(f) for f in fields[1:])

    spin = "import time\nend = time.time() + 2\nwhile time.time() < end: pass"
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        s0, t0 = steal()
        spinners = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(os.cpu_count() or 1)]
        for p in spinners:
            p.wait()
        s1, t1 = steal()
        if t1 > t0 and (s1 - s0) / (t1 - t0) < 0.01:
            waited = time.perf_counter() - start
            if waited > 3:
                say(f"  waited {waited:.0f} s for the host's steal time to drop below 1%")
            return
    say(f"  steal time still above 1% after {limit:.0f} s; measuring anyway")


def load(url, accept=None, script=None, connections=CONNECTIONS):
    """Medians over RUNS wrk runs after a warm-up: (requests/s, p50 ms, p99 ms)."""
    subprocess.run(["wrk", "-t2", "-c8", "-d1s", url] + (["-s", script] if script else []),
                   capture_output=True, check=True)
    runs = [wrk(url, accept, script, connections) for _ in range(RUNS)]
    return tuple(median([r[i] for r in runs]) for i in range(3))


def rotation_script(requests, name):
    """A wrk Lua script that sends the (path, accept) pairs in turn."""
    path = WORK / f"{name}.lua"
    lines = ["local requests = {"]
    for p, accept in requests:
        lines.append(f"  {{{quoted(p)}, {quoted(accept)}}},")
    lines += [
        "}",
        "local i = 0",
        "request = function()",
        "  i = i % #requests + 1",
        '  return wrk.format("GET", requests[i][1], { ["Accept"] = requests[i][2] })',
        "end",
    ]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def quoted(text):
    """A double-quoted string, as Lua and SPARQL both write it."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------- datasets


class Dataset:
    def __init__(self, name, glossary, concept_iri, page_path):
        self.name, self.glossary = name, glossary
        self.concept_iri, self.page_path = concept_iri, page_path
        self.nq = WORK / f"{name}.nq"
        self.ttl = WORK / f"{name}.ttl"

    def export(self):
        for path, fmt in [(self.nq, "nquads"), (self.ttl, "turtle")]:
            run([GLOSSGRAPH, "--data", self.glossary, "export", "--format", fmt, "-o", path])
        with open(self.nq, "rb") as f:
            self.quads = sum(1 for _ in f)


def datasets():
    WORK.mkdir(parents=True, exist_ok=True)
    # Stores are rebuilt each run, from the glossgraph being measured.
    for stale in list(WORK.glob("persistent-*")) + list(WORK.glob("oxigraph-*")):
        shutil.rmtree(stale, ignore_errors=True)
    # A copy, since the rebuild benchmark edits an entry.
    copy = WORK / "data"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(ROOT / "data", copy)
    found = [Dataset("data", copy, "https://eu-ai.glossgraph.org/concept/eu-ai-office",
                     "/concept/eu-ai-office")]
    unesco_file = ROOT.parent / "shared" / "vocab" / "unesco" / "unesco-thesaurus.ttl"
    if unesco_file.exists():
        folder = WORK / "unesco"
        (folder / "entries").mkdir(parents=True, exist_ok=True)
        link = folder / unesco_file.name
        if not link.exists():
            link.symlink_to(unesco_file)
        (folder / "glossary.toml").write_text(
            'base = "https://unesco.glossgraph.example/"\nlanguages = ["en", "fr", "es", "ru"]\n'
            f'vocabularies = ["{unesco_file.name}"]\n\n[title]\nen = "UNESCO Thesaurus"\n'
        )
        iri = "http://vocabularies.unesco.org/thesaurus/concept10"
        found.append(Dataset("unesco", folder, iri, "/resource?iri=" + urllib.parse.quote(iri, safe="")))
    else:
        say(f"skipping UNESCO: {unesco_file} is missing")
    for n in SIZES:
        folder = WORK / f"generated-{n}"
        if not (folder / "glossary.toml").exists():
            say(f"generating {n} entries")
            run(["cargo", "bench", "--locked", "--bench", "generate", "--", n, folder, "1"], cwd=ROOT)
        first = sorted((folder / "entries").iterdir())[n // 2].stem
        found.append(Dataset(f"generated-{n}", folder,
                             f"https://bench.glossgraph.example/concept/{first}", f"/concept/{first}"))
    for d in found:
        say(f"exporting {d.name}")
        d.export()
        say(f"{d.name}: {d.quads} quads")
    return found


# ---------------------------------------------------------------- metrics


def fmt_rate(value):
    return f"{value:,.0f}"


def build(sets):
    say("build throughput")
    rows = []
    for d in sets:
        scratch = WORK / "scratch"

        def fresh():
            shutil.rmtree(scratch, ignore_errors=True)

        mem_s, mem_peak, mem_n = repeat(lambda: [GLOSSGRAPH, "--data", d.glossary, "build"])
        per_s, _, per_n = repeat(lambda: [GLOSSGRAPH, "--data", d.glossary, "--store", scratch, "build"], fresh)
        ox_s, ox_peak, ox_n = repeat(lambda: [OXIGRAPH, "load", "--location", scratch, "--file", d.nq], fresh)
        if d.quads <= RDFLIB_MAX_QUADS:
            code = ("import rdflib,sys; g=rdflib.Dataset(); g.parse(sys.argv[1], format='nquads')")
            rdf_s, rdf_peak, rdf_n = repeat(lambda: [sys.executable, "-c", code, d.nq])
        else:
            rdf_s = rdf_peak = rdf_n = None
        fresh()
        rows.append((d, mem_s, mem_peak, mem_n, per_s, per_n, ox_s, ox_peak, ox_n, rdf_s, rdf_peak, rdf_n))
        say(f"  {d.name}: glossgraph {mem_s:.2f}s, persistent {per_s:.2f}s, oxigraph load {ox_s:.2f}s, rdflib {rdf_s}")
    out = [
        "### Build: sources → queryable store",
        "",
        "glossgraph reads, checks and converts the entries (or parses the vocabulary) and loads the store; "
        "`oxigraph load` and rdflib parse glossgraph's own N-Quads export of the same graph. "
        "Throughput is quads per second of wall time, process start included.",
        "",
        "| dataset | quads | glossgraph (memory) | glossgraph (persistent) | `oxigraph load` | rdflib parse | "
        "glossgraph ÷ oxigraph (target ≥ 0.5) | glossgraph ÷ rdflib (target ≥ 20) | glossgraph peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for d, mem_s, mem_peak, mem_n, per_s, per_n, ox_s, ox_peak, ox_n, rdf_s, rdf_peak, rdf_n in rows:
        rdf = f"{rdf_s:.2f} s ({fmt_rate(d.quads / rdf_s)}/s)" if rdf_s else "not run (too large)"
        rdf_ratio = f"{rdf_s / mem_s:.1f}×" if rdf_s else "–"
        runs = "" if min(mem_n, per_n, ox_n) == RUNS else " (1 run)"
        out.append(
            f"| {d.name}{runs} | {d.quads:,} | {mem_s:.2f} s ({fmt_rate(d.quads / mem_s)}/s) | "
            f"{per_s:.2f} s ({fmt_rate(d.quads / per_s)}/s) | {ox_s:.2f} s ({fmt_rate(d.quads / ox_s)}/s) | {rdf} | "
            f"{ox_s / mem_s:.2f}× (persistent {ox_s / per_s:.2f}×) | {rdf_ratio} | {mem_peak:,.0f} MiB |"
        )
    return out


def rebuild(sets):
    say("one-entry rebuilds")
    out = [
        "### One entry changed → rebuilt (persistent store)",
        "",
        "A full build into a new store, then one entry's text changed and `build` run again on that store.",
        "",
        "| dataset | full build | after a one-entry change | share (target < 5%) |",
        "|---|---:|---:|---:|",
    ]
    for d in sets:
        if d.name == "unesco":
            continue
        entries = sorted((d.glossary / "entries").glob("*.md"))
        victim = entries[len(entries) // 2]
        original = victim.read_text()
        store = WORK / "rebuild-store"
        fulls, ones = [], []
        try:
            for i in range(RUNS):
                shutil.rmtree(store, ignore_errors=True)
                full, _ = timed([GLOSSGRAPH, "--data", d.glossary, "--store", store, "build"])
                victim.write_text(original.rstrip("\n") + f"\n\nEdited for benchmark run {i}.\n")
                one, _ = timed([GLOSSGRAPH, "--data", d.glossary, "--store", store, "build"])
                victim.write_text(original)
                fulls.append(full)
                ones.append(one)
                if full > LONG_RUN:
                    break
        finally:
            victim.write_text(original)
            shutil.rmtree(store, ignore_errors=True)
        full, one = median(fulls), median(ones)
        out.append(f"| {d.name} | {full:.2f} s | {one:.3f} s | {100 * one / full:.1f}% |")
        say(f"  {d.name}: full {full:.2f}s, one entry {one:.3f}s")
    return out


def glossgraph_server(d, store=None, port=None, args=()):
    port = port or free_port()
    cmd = [GLOSSGRAPH, "--data", d.glossary]
    if store:
        cmd += ["--store", store]
    cmd += ["serve", "--bind", f"127.0.0.1:{port}", *args]
    return Server("glossgraph", cmd, port, env={"GLOSSGRAPH_LOG": "warn"})


def persistent_store(d):
    """A glossgraph persistent store of the dataset, built once per run."""
    store = WORK / f"persistent-{d.name}"
    if not store.exists():
        run([GLOSSGRAPH, "--data", d.glossary, "--store", store, "build"])
    return store


def oxigraph_store(d):
    store = WORK / f"oxigraph-{d.name}"
    if not store.exists():
        run([OXIGRAPH, "load", "--location", store, "--file", d.nq])
    return store


def oxigraph_server(d):
    port = free_port()
    cmd = [OXIGRAPH, "serve", "--location", oxigraph_store(d), "--bind", f"127.0.0.1:{port}",
           "--union-default-graph"]
    return Server("oxigraph serve", cmd, port, ready_path="/query?query=ASK%7B%7D")


def rickview_server(d):
    port = free_port()
    namespace, _, suffix = d.concept_iri.rpartition("/")
    env = {
        "RICKVIEW_KB_FILE": str(d.ttl),
        "RICKVIEW_NAMESPACE": namespace + "/",
        "RICKVIEW_PREFIX": "c",
        "RICKVIEW_PORT": str(port),
        "RUST_LOG": "error",
    }
    # RickView reads data/config.toml relative to its working folder: give it an empty one.
    cwd = WORK / "rickview"
    cwd.mkdir(exist_ok=True)
    return Server("RickView", [RICKVIEW], port, ready_path="/" + suffix, env=env, cwd=cwd), "/" + suffix


def nginx_server(root):
    port = free_port()
    conf = WORK / "nginx.conf"
    # Workers run as nobody unless told otherwise, and cannot read a root-owned cache.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(f"""
{user}
worker_processes auto;
pid {WORK}/nginx.pid;
error_log {WORK}/nginx-error.log;
daemon off;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types {{ text/html html; text/turtle ttl; }}
  client_body_temp_path {WORK}/nginx-tmp;
  proxy_temp_path {WORK}/nginx-tmp;
  fastcgi_temp_path {WORK}/nginx-tmp;
  uwsgi_temp_path {WORK}/nginx-tmp;
  scgi_temp_path {WORK}/nginx-tmp;
  server {{
    listen 127.0.0.1:{port};
    root {root};
  }}
}}
""")
    (WORK / "nginx-tmp").mkdir(exist_ok=True)
    return Server("nginx", ["nginx", "-c", conf, "-p", WORK], port, ready_path="/page.html", patience=20)


def check_answer(name, url, accept, want):
    status, content_type, body = fetch(url, accept)
    if status != 200 or want not in content_type:
        sys.exit(f"{name} answered {status} {content_type} for {url} ({accept}); expected {want}")
    return body


def pages(sets):
    say("concept pages")
    settle()
    out = [
        "### Concept pages under load",
        "",
        f"`wrk -t2 -c{CONNECTIONS} -d{DURATION}s` on loopback, one concept per dataset (HTML by `Accept: text/html`, "
        "Turtle by `Accept: text/turtle`). nginx serves glossgraph's own HTML and Turtle for that concept as static "
        "files; RickView serves glossgraph's Turtle export. wrk shares the two cores with the server.",
        "",
        "| dataset | format | glossgraph req/s (p50 / p99) | RickView req/s (p99) | ÷ RickView (target ≥ 2) | "
        "nginx static req/s (p99) | ÷ nginx (target ≥ 0.5) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    memory = {}
    for d in sets:
        if d.name not in ("data", "unesco", f"generated-{SIZES[1] if len(SIZES) > 1 else SIZES[0]}"):
            continue
        static = WORK / f"static-{d.name}"
        static.mkdir(exist_ok=True)
        results = {}
        with glossgraph_server(d) as server:
            url = server.base + d.page_path
            for fmt, accept in [("HTML", "text/html"), ("Turtle", "text/turtle")]:
                body = check_answer("glossgraph", url, accept, accept)
                (static / ("page.html" if fmt == "HTML" else "page.ttl")).write_bytes(body)
                results[("glossgraph", fmt)] = load(url, accept)
            memory[d.name] = server.rss()
        view, path = rickview_server(d)
        with view as server:
            # RickView knows Turtle as application/turtle (text/turtle also gets Turtle, with a warning logged).
            for fmt, accept in [("HTML", "text/html"), ("Turtle", "application/turtle")]:
                check_answer("RickView", server.base + path, accept, accept)
                results[("RickView", fmt)] = load(server.base + path, accept)
            memory[d.name + " RickView"] = server.rss()
        with nginx_server(static) as server:
            for fmt, file in [("HTML", "page.html"), ("Turtle", "page.ttl")]:
                results[("nginx", fmt)] = load(server.base + "/" + file)
        for fmt in ["HTML", "Turtle"]:
            g, r, n = results[("glossgraph", fmt)], results[("RickView", fmt)], results[("nginx", fmt)]
            out.append(
                f"| {d.name} | {fmt} | {fmt_rate(g[0])} ({g[1]:.2f} / {g[2]:.2f} ms) | {fmt_rate(r[0])} ({r[2]:.2f} ms) | "
                f"{g[0] / r[0]:.2f}× | {fmt_rate(n[0])} ({n[2]:.2f} ms) | {g[0] / n[0]:.2f}× |"
            )
            say(f"  {d.name} {fmt}: glossgraph {g[0]:.0f}, RickView {r[0]:.0f}, nginx {n[0]:.0f} req/s")
    return out, memory


def sparql_queries(d):
    """The mix: label lookup, hierarchy, count by type, CONSTRUCT a concept."""
    c = d.concept_iri
    label = run_query(d, f"SELECT ?l WHERE {{ <{c}> <{SKOS}prefLabel> ?l }} LIMIT 1").strip().splitlines()[-1]
    return [
        ("label lookup", f"SELECT ?c WHERE {{ ?c <{SKOS}prefLabel> {label} }}", "application/sparql-results+json"),
        ("hierarchy", f"SELECT ?b WHERE {{ <{c}> <{SKOS}broader>* ?b }}", "application/sparql-results+json"),
        ("count by type", "SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t", "application/sparql-results+json"),
        ("CONSTRUCT a concept", f"CONSTRUCT {{ <{c}> ?p ?o }} WHERE {{ <{c}> ?p ?o }}", "application/n-triples"),
    ]


def run_query(d, text):
    return subprocess.run([GLOSSGRAPH, "--data", d.glossary, "query", "--format", "tsv", text],
                          capture_output=True, text=True, check=True).stdout


def sparql(sets):
    say("SPARQL mix")
    settle()
    out = [
        "### SPARQL query mix",
        "",
        "Four queries in turn (label lookup, `skos:broader*` from a concept, count by type, CONSTRUCT a concept) "
        "over GET, 8 connections, both with the union of all graphs as the default graph; "
        "`oxigraph serve` on a RocksDB store loaded with the same N-Quads. Both answer every query with the same "
        "number of results (checked before measuring).",
        "",
        "| dataset | glossgraph (memory) req/s (p50 / p99) | glossgraph (persistent) req/s (p50 / p99) | "
        "`oxigraph serve` req/s (p50 / p99) | memory ÷ oxigraph (target ≥ 1.0) | persistent ÷ oxigraph |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    memory = {}
    for d in sets:
        if d.name not in ("data", "unesco", f"generated-{SIZES[1] if len(SIZES) > 1 else SIZES[0]}"):
            continue
        queries = sparql_queries(d)
        results, counts = {}, {}
        store = persistent_store(d)
        for name, make, endpoint in [
            ("glossgraph", lambda: glossgraph_server(d), "/sparql"),
            ("persistent", lambda: glossgraph_server(d, store=store), "/sparql"),
            ("oxigraph", lambda: oxigraph_server(d), "/query"),
        ]:
            with make() as server:
                requests = [(f"{endpoint}?query={urllib.parse.quote(q)}", accept) for _, q, accept in queries]
                counts[name] = [answer_size(server.base + p, a) for p, a in requests]
                script = rotation_script(requests, f"sparql-{name}-{d.name}")
                results[name] = load(server.base + "/", None, script, connections=8)
                memory[(d.name, name)] = server.rss()
        if not counts["glossgraph"] == counts["persistent"] == counts["oxigraph"]:
            sys.exit(f"glossgraph and oxigraph disagree on {d.name}: {counts}")
        g, p, o = results["glossgraph"], results["persistent"], results["oxigraph"]
        out.append(
            f"| {d.name} | {fmt_rate(g[0])} ({g[1]:.2f} / {g[2]:.2f} ms) | {fmt_rate(p[0])} ({p[1]:.2f} / {p[2]:.2f} ms) | "
            f"{fmt_rate(o[0])} ({o[1]:.2f} / {o[2]:.2f} ms) | {g[0] / o[0]:.2f}× | {p[0] / o[0]:.2f}× |"
        )
        say(f"  {d.name}: glossgraph {g[0]:.0f}, persistent {p[0]:.0f}, oxigraph {o[0]:.0f} req/s")
    return out, memory


def answer_size(url, accept):
    """Results (rows or triples) in an answer, to compare the two servers."""
    status, _, body = fetch(url, accept)
    if status != 200:
        sys.exit(f"{url} answered {status}")
    text = body.decode()
    if "json" in accept:
        return len(json.loads(text)["results"]["bindings"])
    return sum(1 for line in text.splitlines() if line.strip())


def search(sets):
    say("search over HTTP")
    settle()
    out = [
        "### Search over HTTP",
        "",
        f"`/api/search` with queries in turn (whole labels, prefixes of 3–5 letters, a word inside a label, typos), "
        f"`wrk -t2 -c{CONNECTIONS}`; against it, the same terms as a SPARQL `CONTAINS(LCASE(?label), …)` scan on "
        "`oxigraph serve` (8 connections: a scan occupies a core).",
        "",
        "| dataset | preferred and alternative labels | glossgraph req/s (p50 / p99) | SPARQL scan on `oxigraph serve` req/s (p50 / p99) | ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for d in sets:
        if d.name not in ("unesco", f"generated-{SIZES[-1]}"):
            continue
        labels = [line.split("\t")[0].strip('"').split('"@')[0]
                  for line in run_query(d, f"SELECT ?l WHERE {{ ?c <{SKOS}prefLabel> ?l }} LIMIT 2000").splitlines()[1:]]
        labels = [l for l in labels if len(l) >= 6][::40][:25]
        terms = []
        for l in labels:
            words = l.split()
            terms += [l, l[:3], l[:5], words[-1], l[:2] + l[3:]]
        last = run_query(d, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c <{SKOS}prefLabel>|<{SKOS}altLabel> ?l }}")
        count = int(re.search(r"\d+", last.splitlines()[-1]).group(0))
        with glossgraph_server(d) as server:
            requests = [("/api/search?limit=10&q=" + urllib.parse.quote(t), "application/json") for t in terms]
            for p, a in requests[:5]:
                check_answer("glossgraph", server.base + p, a, "json")
            g = load(server.base + "/", None, rotation_script(requests, f"search-{d.name}"))
        with oxigraph_server(d) as server:
            requests = [
                ("/query?query=" + urllib.parse.quote(
                    f"SELECT DISTINCT ?c WHERE {{ ?c <{SKOS}prefLabel>|<{SKOS}altLabel> ?l "
                    f"FILTER(CONTAINS(LCASE(STR(?l)), {quoted(t.lower())})) }} LIMIT 10"),
                 "application/sparql-results+json") for t in terms]
            # A scan slower than wrk's 2 s timeout completes nothing under load:
            # time the scans one at a time instead and compare medians.
            seconds = []
            for p, a in requests[:5]:
                start = time.perf_counter()
                check_answer("oxigraph serve", server.base + p, a, "json")
                seconds.append(time.perf_counter() - start)
            scan_ms = median(seconds) * 1000
            o = load(server.base + "/", None, rotation_script(requests, f"scan-{d.name}"), connections=8) \
                if scan_ms < 500 else None
        scan = (f"{fmt_rate(o[0])} ({o[1]:.2f} / {o[2]:.2f} ms)" if o
                else f"one at a time: median {scan_ms:,.0f} ms")
        ratio = f"{g[0] / o[0]:.0f}× (throughput)" if o else f"{scan_ms / g[1]:.0f}× (median latency)"
        out.append(f"| {d.name} | {count:,} | {fmt_rate(g[0])} ({g[1]:.2f} / {g[2]:.2f} ms) | {scan} | {ratio} |")
        say(f"  {d.name}: glossgraph {g[0]:.0f} req/s, scan {scan}")
    return out


def memory_table(page_memory, sparql_memory, sets):
    say("memory and startup")
    out = [
        "### Memory while serving, and startup",
        "",
        "Resident memory (MiB) of each server after its load runs above (current / peak). Startup is from the "
        "process's start to the first `200` answer: glossgraph in memory builds from the sources first; "
        "glossgraph persistent opens a store built by an earlier run with the sources unchanged; "
        "`oxigraph serve` opens its loaded store.",
        "",
        "| dataset | glossgraph (memory) RSS | glossgraph (persistent) RSS | `oxigraph serve` RSS | "
        "memory ÷ oxigraph (target ≤ 1.2) | persistent ÷ oxigraph | startup: memory | persistent | oxigraph |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for d in sets:
        if (d.name, "glossgraph") not in sparql_memory:
            continue
        store = persistent_store(d)
        starts = {"memory": [], "persistent": [], "oxigraph": []}
        for _ in range(RUNS):
            with glossgraph_server(d) as s:
                starts["memory"].append(s.startup)
            with glossgraph_server(d, store=store) as s:
                starts["persistent"].append(s.startup)
            with oxigraph_server(d) as s:
                starts["oxigraph"].append(s.startup)
        g, o = sparql_memory[(d.name, "glossgraph")], sparql_memory[(d.name, "oxigraph")]
        persistent_rss = sparql_memory[(d.name, "persistent")]
        out.append(
            f"| {d.name} | {g[0]:,.0f} / {g[1]:,.0f} | {persistent_rss[0]:,.0f} / {persistent_rss[1]:,.0f} | "
            f"{o[0]:,.0f} / {o[1]:,.0f} | {g[0] / o[0]:.2f}× | {persistent_rss[0] / o[0]:.2f}× | "
            f"{median(starts['memory']) * 1000:,.0f} ms | {median(starts['persistent']) * 1000:,.0f} ms | "
            f"{median(starts['oxigraph']) * 1000:,.0f} ms |"
        )
    if page_memory:
        out += ["", "RSS after the concept-page runs (current / peak, MiB): " + "; ".join(
            f"{k} {v[0]:,.0f} / {v[1]:,.0f}" for k, v in page_memory.items())]
    return out


def in_process_search():
    say("in-process search benchmark (1M labels)")
    text = subprocess.run(["cargo", "bench", "--locked", "--bench", "search"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    table = [line for line in text.splitlines() if line.startswith("|") or not line.strip()]
    return [
        "### Search in process",
        "",
        "`cargo bench --bench search`: one million generated labels (250,000 concepts × three languages and an "
        "alternative label), a mix of autocomplete queries, and the same lookup as a SPARQL `CONTAINS` scan in "
        "an in-memory Oxigraph store.",
        "",
    ] + table


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    versions = {
        "glossgraph": subprocess.run([GLOSSGRAPH, "--version"], capture_output=True, text=True).stdout.strip(),
        "oxigraph": subprocess.run([OXIGRAPH, "--version"], capture_output=True, text=True).stdout.strip(),
        "nginx": subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip(),
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0],
        "rdflib": subprocess.run([sys.executable, "-c", "import rdflib; print(rdflib.__version__)"],
                                 capture_output=True, text=True).stdout.strip(),
    }
    return [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores ({cpu}), "
        f"{mem:.0f} GiB, Linux {platform.release()}; median of {RUNS} runs (1 where a run takes over "
        f"{LONG_RUN:.0f} s); load runs {DURATION} s each after a 1 s warm-up.",
        "Versions: " + "; ".join(f"{k} `{v}`" for k, v in versions.items()) + "; RickView 0.5 (crates.io).",
        "Reproduce: `benches/compare.sh` (installs the peers, builds glossgraph with `--release --features rocksdb`).",
    ]


def main():
    for tool in [GLOSSGRAPH, OXIGRAPH, RICKVIEW]:
        if not tool.exists():
            sys.exit(f"{tool} is missing: run benches/compare.sh, which installs and builds it")
    sets = datasets()
    sections = []
    # Each table is kept as soon as it is measured: a failure late in a long
    # run leaves the earlier tables in work/results-partial.md.
    partial = WORK / "results-partial.md"

    def keep(section):
        sections.append(section)
        partial.write_text("\n\n".join("\n".join(s) for s in sections) + "\n")

    keep(machine())
    keep(build(sets))
    keep(rebuild(sets))
    page_table, page_memory = pages(sets)
    keep(page_table)
    sparql_table, sparql_memory = sparql(sets)
    keep(sparql_table)
    keep(search(sets))
    keep(in_process_search())
    keep(memory_table(page_memory, sparql_memory, sets))
    results = "\n\n".join("\n".join(s) for s in sections)
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n\n<!-- results:begin -->\n<!-- results:end -->\n"
    begin, end = "<!-- results:begin -->", "<!-- results:end -->"
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{begin}\n{results}\n{end}{tail}")
    (WORK / "results.md").write_text(results + "\n")
    say(f"wrote {path}")


if __name__ == "__main__":
    main()
