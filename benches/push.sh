#!/usr/bin/env bash
# `glossgraph push` and `serve --sparql-endpoint` measured against the stores
# they feed: a full push to a fresh Oxigraph server and to a fresh Virtuoso
# against each store's own bulk loader on the N-Quads export of the same
# graph, the push after one entry changed and with nothing changed, and
# `/sparql` through `serve --sparql-endpoint` against the store's own
# endpoint (and through nginx, for the cost of the hop alone). Builds
# glossgraph (release, default features), then runs benches/push.py, which
# rewrites the push part of BENCHMARKS.md.
#
#   benches/push.sh                 # the generated 10,000 entries (15–25 minutes)
#   RUNS=5 DURATION=10 SIZES=1000 benches/push.sh
#
# Installs if missing: Debian nginx, wrk, GNU time, python3-venv and Virtuoso 7
# (virtuoso-opensource-7-bin), and the oxigraph CLI (PyPI's wheel) in the
# venv of the cache compare.sh uses ($GLOSSGRAPH_BENCH_CACHE, default
# ~/.cache/glossgraph-bench), where the generated glossaries are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/support/common.sh
export SIZES=${SIZES:-10000}
export RUNS=${RUNS:-3}
export DURATION=${DURATION:-10}

need_packages nginx wrk time python3-venv virtuoso-opensource-7-bin
# The Debian service is not used: push.py starts nginx with a config of its own.
stop_system_nginx

venv="$cache/venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
[ -x "$venv/bin/oxigraph" ] || "$venv/bin/pip" install -q --disable-pip-version-check oxigraph==0.5.13

export CARGO_TARGET_DIR="$cache/site-target"
cargo build --release --locked
cargo bench --locked --no-run --bench generate
PUSH_GLOSSGRAPH="$CARGO_TARGET_DIR/release/glossgraph" PUSH_OXIGRAPH="$venv/bin/oxigraph" exec python3 benches/push.py
