#!/usr/bin/env python3
"""The static site measured, run by benches/site.sh.

- `glossgraph site` against `glossgraph build` of the same glossary (both in
  memory, process start included), the files and bytes it writes, and the
  same site rebuilt after one entry's text changed;
- nginx answering one concept with the rules `site` writes (the bare address,
  negotiated by `Accept`) against nginx sending the same files at their own
  paths with no rules, and `serve` on the same concept for scale.

Runs alternate so that every program sees the same machine; figures are
medians. Rewrites the part of BENCHMARKS.md between the site markers.
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (reads GLOSSGRAPH_BENCH_CACHE when imported)
from compare import ROOT, RUNS, WORK, Server, check_answer, free_port, median, say, settle, timed, wrk  # noqa: E402

GLOSSGRAPH = Path(os.environ["SITE_GLOSSGRAPH"])
BEGIN, END = "<!-- site:begin -->", "<!-- site:end -->"


def site(d, out):
    """Writes the site of `d` into `out`: (seconds, peak MiB, files written)."""
    start = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", str(WORK / "peak-rss"), GLOSSGRAPH,
         "--data", d.glossary, "site", "-o", out, "--host", "nginx"],
        capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"site failed for {d.name}:\n{proc.stderr}")
    written = int(re.search(r"(\d+) file\(s\) written", proc.stderr).group(1))
    peak = int((WORK / "peak-rss").read_text().split()[-1]) / 1024
    return seconds, peak, written


def folder_size(out):
    files, size = 0, 0
    for path in out.rglob("*"):
        if path.is_file() and ".glossgraph" not in path.parts:
            files += 1
            size += path.stat().st_size
    return files, size


def builds(d):
    out = WORK / f"site-{d.name}"
    build, full, peaks = [], [], []
    for _ in range(RUNS):
        build.append(timed([GLOSSGRAPH, "--data", d.glossary, "build"])[0])
        shutil.rmtree(out, ignore_errors=True)
        seconds, peak, _ = site(d, out)
        full.append(seconds)
        peaks.append(peak)
    files, size = folder_size(out)
    entries = sorted((d.glossary / "entries").glob("*.md"))
    victim = entries[len(entries) // 2]
    original = victim.read_text()
    again, rewritten = [], []
    try:
        for i in range(RUNS):
            victim.write_text(original.rstrip("\n") + f"\n\nEdited for the benchmark ({i}).\n")
            seconds, _, written = site(d, out)
            again.append(seconds)
            rewritten.append(written)
    finally:
        victim.write_text(original)
    site(d, out)
    b, f, a = median(build), median(full), median(again)
    say(f"  {d.name}: build {b:.2f} s, site {f:.2f} s ({files} files), one entry changed {a:.2f} s")
    return (f"| {d.name} | {b:.2f} s | {f:.2f} s | {f / b:.2f}× | {files:,} ({size / 2**20:,.0f} MiB) | "
            f"{median(peaks):,.0f} MiB | {a:.2f} s | {median(rewritten):,.0f} | {100 * a / f:.0f}% |")


def nginx(root, rules):
    """nginx over the site folder, with the rules `site` wrote or none."""
    port = free_port()
    conf = WORK / f"nginx-site-{'rules' if rules else 'plain'}.conf"
    user = "user root;" if os.geteuid() == 0 else ""
    private = root / ".glossgraph"
    http = f"include {private}/nginx-http.conf;" if rules else "types { text/html html; text/turtle ttl; }"
    server = f"include {private}/nginx-server.conf;" if rules else ""
    tmp = WORK / "nginx-tmp"
    tmp.mkdir(exist_ok=True)
    # As compare.py's nginx, so that only the rules differ.
    conf.write_text(f"""
{user}
worker_processes auto;
pid {WORK}/nginx-site.pid;
error_log {WORK}/nginx-site-error.log;
daemon off;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp}; uwsgi_temp_path {tmp}; scgi_temp_path {tmp};
  {http}
  server {{
    listen 127.0.0.1:{port};
    root {root};
    {server}
  }}
}}
""")
    return Server("nginx", ["nginx", "-c", conf, "-p", WORK], port, ready_path="/robots.txt", patience=20)


def pages(d):
    out = WORK / f"site-{d.name}"
    rows = []
    for fmt, accept, suffix in [("HTML", "text/html", ".html"), ("Turtle", "text/turtle", ".ttl")]:
        rates = {"plain": [], "rules": [], "serve": []}
        for _ in range(RUNS):
            with nginx(out, rules=False) as server:
                url = server.base + d.page_path + suffix
                check_answer("nginx", url, None, accept)
                wrk(url)
                rates["plain"].append(wrk(url)[0])
            with nginx(out, rules=True) as server:
                url = server.base + d.page_path
                check_answer("nginx with rules", url, accept, accept)
                wrk(url, accept)
                rates["rules"].append(wrk(url, accept)[0])
            with compare.glossgraph_server(d) as server:
                url = server.base + d.page_path
                check_answer("glossgraph", url, accept, accept)
                wrk(url, accept)
                rates["serve"].append(wrk(url, accept)[0])
        p, r, s = (median(rates[k]) for k in ("plain", "rules", "serve"))
        say(f"  {d.name} {fmt}: nginx plain {p:,.0f}, with rules {r:,.0f}, serve {s:,.0f} req/s")
        rows.append(f"| {d.name} | {fmt} | {p:,.0f} | {r:,.0f} | {100 * (1 - r / p):+.1f}% | {s:,.0f} | {s / r:.2f}× |")
    return rows


def main():
    compare.GLOSSGRAPH = GLOSSGRAPH
    sets = [d for d in compare.datasets() if d.name != "unesco"]
    version = subprocess.run([GLOSSGRAPH, "--version"], capture_output=True, text=True).stdout.strip()
    nginx_version = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    say("site builds")
    build_rows = [builds(d) for d in sets]
    say("pages")
    settle()
    page_rows = [row for d in sets for row in pages(d)]
    lines = [
        BEGIN,
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores; "
        f"median of {RUNS} runs, alternating; {version}; {nginx_version}.",
        "Reproduce: `benches/site.sh` (`RUNS=`, `SIZES=` as for compare.sh).",
        "",
        "`glossgraph site -o DIR --host nginx` into an empty folder against `glossgraph build` (both in memory, "
        "process start included), then the same site rebuilt after one entry's text changed "
        "(the files rewritten: that concept's, and those listing it).",
        "",
        "| dataset | build | site | site ÷ build (target ≤ 3) | files (size) | site peak RSS | "
        "one entry changed | files rewritten | ÷ full site (target < 5%) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *build_rows,
        "",
        f"`wrk -t2 -c{compare.CONNECTIONS} -d{compare.DURATION}s` on one concept: nginx sending the concept's "
        "`.html` and `.ttl` files at their own paths with no rules, nginx answering the bare concept IRI with the "
        "rules `site` wrote (`Accept: text/html` or `text/turtle`: the Accept ladder, a map, an internal "
        "redirect and the headers), and `serve`. Each run starts the server afresh.",
        "",
        "| dataset | format | nginx, plain files (req/s) | nginx with rules (req/s) | cost of the rules "
        "(target < 10%) | serve (req/s) | serve ÷ nginx with rules |",
        "|---|---|---:|---:|---:|---:|---:|",
        *page_rows,
        END,
    ]
    text = "\n".join(lines)
    print(text)
    bench = ROOT / "BENCHMARKS.md"
    current = bench.read_text()
    if BEGIN in current:
        current = current[:current.index(BEGIN)] + text + current[current.index(END) + len(END):]
    else:
        current = current.rstrip("\n") + "\n\n## The static site\n\n" + text + "\n"
    bench.write_text(current)


if __name__ == "__main__":
    main()
