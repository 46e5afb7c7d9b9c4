#!/usr/bin/env bash
# `serve --watch` under long load, observed: benches/soak.py, against a
# release build. 64 connections for 10 minutes (SOAK_SECONDS), pages in every
# format, search, reconciliation, SPARQL lookups and scans past the timeout,
# and an entry broken and repaired every 30 s. Rewrites the soak section of
# BENCHMARKS.md.
#
#   benches/soak.sh
#   SOAK_SECONDS=120 benches/soak.sh
#
# Needs wrk (a Debian package, installed if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/support/common.sh

need_packages wrk

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$cache/target}
cargo build --release --locked
SOAK_GLOSSGRAPH="$CARGO_TARGET_DIR/release/glossgraph" exec python3 benches/soak.py "$@"
