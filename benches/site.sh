#!/usr/bin/env bash
# The static site measured: `glossgraph site` against `build` on the same
# glossary (full and after one entry changed), and nginx answering a concept
# with the rules `site` writes against nginx sending the same files plainly.
# Builds glossgraph (release, default features), then runs benches/site.py,
# which rewrites the static-site part of BENCHMARKS.md.
#
#   benches/site.sh                 # data/ and the generated 10,000 entries
#   RUNS=5 SIZES=1000 benches/site.sh
#
# Needs nginx, wrk and GNU time (Debian packages, installed if missing) and
# the cache compare.sh uses ($GLOSSGRAPH_BENCH_CACHE, default
# ~/.cache/glossgraph-bench), where the generated glossaries are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/support/common.sh
export SIZES=${SIZES:-10000}
export RUNS=${RUNS:-5}

need_packages nginx wrk time
stop_system_nginx

export CARGO_TARGET_DIR="$cache/site-target"
cargo build --release --locked
cargo bench --locked --no-run --bench generate
SITE_GLOSSGRAPH="$CARGO_TARGET_DIR/release/glossgraph" exec python3 benches/site.py
