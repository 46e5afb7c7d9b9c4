#!/usr/bin/env python3
"""Pages under load: two builds of glossgraph and nginx. Run by benches/pages.sh.

1. Concept pages with and without a change: every concept page of UNESCO and
   of a generated 10,000-entry glossary in turn, so that pages are rendered
   as well as served from the response cache (64 MB unless FIT_MB, below),
   and one page over and over. nginx serves the new build's pages as files.
   With FIT_MB set, the new build runs a second time with
   `--cache-size FIT_MB`, large enough for every page to stay kept.
2. Index pages at HUGE (default 100,000) generated entries, the new build
   only; HUGE=0 leaves them out: the home page, every A–Z and top-concepts
   page in turn, and every branch the home page opens, against nginx serving
   the same pages as files; with their sizes, and the old build's home page
   for scale.

Old and new alternate run by run; each figure is the median of RUNS runs.
"""

import os
import re
import shutil
import sys
import urllib.parse
from pathlib import Path

os.environ.setdefault("SIZES", "10000")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (reads GLOSSGRAPH_BENCH_CACHE when imported)
from compare import WORK, fetch, median, say, wrk  # noqa: E402

OLD = Path(os.environ["AB_OLD"])
NEW = Path(os.environ["AB_NEW"])
RUNS = compare.RUNS
HUGE = int(os.environ.get("HUGE", "100000"))
FIT_MB = os.environ.get("FIT_MB")


def served(binary, d, args=()):
    compare.GLOSSGRAPH = binary
    return compare.glossgraph_server(d, args=args)


def measure(url, script=None):
    """A warm-up pass, then one measured wrk run: requests/s."""
    wrk(url, "text/html", script)
    return wrk(url, "text/html", script)[0]


def concept_paths(server, d):
    """Every concept's page path, as the new build's SPARQL endpoint lists them."""
    query = "SELECT ?c WHERE { ?c a <http://www.w3.org/2004/02/skos/core#Concept> } ORDER BY ?c"
    url = server.base + "/sparql?query=" + urllib.parse.quote(query)
    _, _, body = fetch(url, "text/csv")
    iris = [line.strip() for line in body.decode().splitlines()[1:] if line.strip()]
    # The glossary's own concepts are at /concept/ID; a vocabulary's at /resource.
    prefix = d.concept_iri.rpartition("/")[0] + "/" if d.page_path.startswith("/concept/") else None
    return [
        "/concept/" + iri[len(prefix):] if prefix and iri.startswith(prefix)
        else "/resource?iri=" + urllib.parse.quote(iri, safe="")
        for iri in iris
    ]


def as_files(server, paths, folder):
    """Each path's HTML written under `folder` as p{i}.html: their total size."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    total = 0
    for i, path in enumerate(paths):
        body = compare.check_answer("glossgraph", server.base + path, "text/html", "text/html")
        (folder / f"p{i}.html").write_bytes(body)
        total += len(body)
    # nginx_server waits for /page.html.
    shutil.copy(folder / "p0.html", folder / "page.html")
    return total


def rotation(paths, name):
    return compare.rotation_script([(p, "text/html") for p in paths], name)


def concept_pages(sets):
    rows = []
    for d in sets:
        if d.name not in ("unesco", "generated-10000"):
            continue
        with served(NEW, d) as server:
            paths = concept_paths(server, d)
            static = WORK / f"pages-static-{d.name}"
            size = as_files(server, paths, static)
        say(f"  {d.name}: {len(paths)} concept pages, {size / len(paths):,.0f} bytes each on average")
        every = rotation(paths, f"pages-{d.name}")
        one = d.page_path
        runs = [(OLD, ()), (NEW, ())] + ([(NEW, ("--cache-size", FIT_MB))] if FIT_MB else [])
        results = {"every": [[] for _ in runs], "one": [[] for _ in runs]}
        for _ in range(RUNS):
            for i, (binary, args) in enumerate(runs):
                with served(binary, d, args) as server:
                    results["every"][i].append(measure(server.base + paths[0], every))
                    results["one"][i].append(measure(server.base + one))
        with compare.nginx_server(static) as server:
            files = rotation([f"/p{i}.html" for i in range(len(paths))], f"pages-nginx-{d.name}")
            n_every = median([measure(server.base + "/p0.html", files) for _ in range(RUNS)])
            page = paths.index(one) if one in paths else 0
            n_one = median([measure(server.base + f"/p{page}.html") for _ in range(RUNS)])
        for what, nginx in (("every", n_every), ("one", n_one)):
            old, new, *fit = (median(r) for r in results[what])
            label = f"all {len(paths):,} in turn" if what == "every" else "one, again and again"
            rows.append((d.name, label, old, new, nginx, fit[0] if fit else None))
        say(f"  {d.name}: concept pages measured")
    return rows


def index_pages():
    """The new build's index pages at HUGE generated entries."""
    if HUGE == 0:
        return [], {}
    folder = WORK / f"generated-{HUGE}"
    if not (folder / "glossary.toml").exists():
        say(f"generating {HUGE} entries")
        compare.run(["cargo", "bench", "--locked", "--bench", "generate", "--", HUGE, folder, "1"],
                    cwd=compare.ROOT)
    d = compare.Dataset(f"generated-{HUGE}", folder, "https://bench.glossgraph.example/concept/x", "/")
    sizes, rows = {}, []
    with served(OLD, d) as server:
        say(f"  old build serving {HUGE:,} entries: started in {server.startup:.0f} s")
        sizes["home, before"] = len(fetch(server.base + "/", "text/html")[2])
    with served(NEW, d) as server:
        say(f"  new build serving {HUGE:,} entries: started in {server.startup:.0f} s")
        home = fetch(server.base + "/", "text/html")[2].decode()
        # Every A–Z and top-concepts page, found by following their links from
        # the home page; every branch the home page opens.
        index, seen, pending = [], set(), ["/"]
        while pending:
            page = pending.pop()
            html = fetch(server.base + page, "text/html")[2].decode()
            for href in re.findall(r'href="([^"#]*)"', html):
                path = urllib.parse.urlparse(urllib.parse.urljoin(server.base + page, href.replace("&amp;", "&"))).path
                if re.match(r"^/(az|top)(/|$)", path) and path not in seen:
                    seen.add(path)
                    index.append(path)
                    pending.append(path)
        branches = sorted({urllib.parse.urlparse(urllib.parse.urljoin(server.base + "/", b)).path
                           for b in re.findall(r'data-branch="([^"]*)"', home)})
        static = WORK / "pages-static-index"
        total = as_files(server, index, static)
        branch_static = WORK / "pages-static-branches"
        branch_total = as_files(server, branches, branch_static)
        (static / "home.html").write_text(home)
        largest = max((static / f"p{i}.html").stat().st_size for i in range(len(index)))
        biggest_branch = max((branch_static / f"p{i}.html").stat().st_size for i in range(len(branches)))
        sizes["home"] = len(home.encode())
        sizes[f"A–Z and top-concepts pages ({len(index)}), largest"] = largest
        sizes[f"A–Z and top-concepts pages, mean"] = total // len(index)
        sizes[f"branches from the home page ({len(branches)}), largest"] = biggest_branch
        tables = {
            "home page": ("/", None),
            f"{len(index)} A–Z and top-concepts pages in turn": (index[0], rotation(index, "pages-index")),
            f"{len(branches)} branches in turn": (branches[0], rotation(branches, "pages-branches")),
        }
        got = {k: median([measure(server.base + path, script) for _ in range(RUNS)])
               for k, (path, script) in tables.items()}
    with compare.nginx_server(static) as server:
        nginx = {
            "home page": median([measure(server.base + "/home.html") for _ in range(RUNS)]),
            f"{len(index)} A–Z and top-concepts pages in turn": median(
                [measure(server.base + "/p0.html", rotation([f"/p{i}.html" for i in range(len(index))], "n-index"))
                 for _ in range(RUNS)]),
        }
    with compare.nginx_server(branch_static) as server:
        nginx[f"{len(branches)} branches in turn"] = median(
            [measure(server.base + "/p0.html", rotation([f"/p{i}.html" for i in range(len(branches))], "n-branches"))
             for _ in range(RUNS)])
    for k in tables:
        rows.append((k, got[k], nginx[k]))
    return rows, sizes


def main():
    sets = compare.datasets()
    compare.settle()
    old_name, new_name = os.environ.get("AB_OLD_NAME", "old"), os.environ.get("AB_NEW_NAME", "new")
    concept_rows = concept_pages(sets)
    index_rows, sizes = index_pages()
    print()
    fit_head = f" {new_name} --cache-size {FIT_MB} req/s | ÷ nginx |" if FIT_MB else ""
    print(f"| dataset | concept pages | {old_name} req/s | {new_name} req/s | new ÷ old | "
          f"nginx req/s | new ÷ nginx |{fit_head}")
    print("|---|---|---:|---:|---:|---:|---:|" + ("---:|---:|" if FIT_MB else ""))
    for name, what, old, new, nginx, fit in concept_rows:
        fit_cells = f" {fit:,.0f} | {fit / nginx:.2f} |" if fit is not None else ""
        print(f"| {name} | {what} | {old:,.0f} | {new:,.0f} | {new / old:.2f} | {nginx:,.0f} | "
              f"{new / nginx:.2f} |{fit_cells}")
    print()
    if not index_rows:
        return
    print(f"| {HUGE:,} entries | {new_name} req/s | nginx req/s | ÷ nginx |")
    print("|---|---:|---:|---:|")
    for what, new, nginx in index_rows:
        print(f"| {what} | {new:,.0f} | {nginx:,.0f} | {new / nginx:.2f} |")
    print()
    print("| page | bytes of HTML |")
    print("|---|---:|")
    for what, size in sizes.items():
        print(f"| {what} | {size:,} |")


if __name__ == "__main__":
    main()
