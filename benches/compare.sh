#!/usr/bin/env bash
# Side-by-side benchmarks of glossgraph and its peers on this machine, in one run:
# installs each peer from the package registries, builds glossgraph (release,
# with the persistent store), then runs benches/compare.py, which prepares the
# same data for everyone, measures one program at a time on loopback and
# rewrites the results part of BENCHMARKS.md.
#
#   benches/compare.sh            # everything (about 25 minutes once installed)
#   RUNS=5 DURATION=10 benches/compare.sh
#   SIZES=1000,10000 benches/compare.sh
#
# Installs (first run only, into $GLOSSGRAPH_BENCH_CACHE, default
# ~/.cache/glossgraph-bench): Debian nginx, wrk and time; rdflib and pyoxigraph in a
# venv; `oxigraph-cli` (~20 min of C++) and `rickview` from crates.io.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/support/common.sh

need_packages nginx wrk time libclang-dev python3-venv
# The Debian service is not used: compare.py starts nginx with its own config.
stop_system_nginx

venv="$cache/venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check rdflib==7.6.0 pyoxigraph==0.5.13

peers="$cache/peers"
[ -x "$peers/bin/rickview" ] || cargo install --locked --root "$peers" rickview
[ -x "$peers/bin/oxigraph" ] || CARGO_TARGET_DIR="$cache/install-target" cargo install --locked --root "$peers" oxigraph-cli

# One binary for both modes: in memory unless --store is given.
CARGO_TARGET_DIR="$cache/target" cargo build --release --locked --features rocksdb
# The generator and the in-process search benchmark (release, as cargo bench builds them).
# The benchmark targets build into a target directory of their own: in the
# measured binary's, they would relink it without `rocksdb` (a CARGO_TARGET_DIR
# set in the caller's environment did that), and compare.py runs them again.
export CARGO_TARGET_DIR="$cache/bench-target"
cargo bench --locked --no-run --bench generate --bench search

exec "$venv/bin/python" benches/compare.py
