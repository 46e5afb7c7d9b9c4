#!/usr/bin/env bash
# The limits a user can hit, each measured: benches/limits.py against a
# release build (the largest entry, vocabularies of 1, 2 and 4 million
# triples in memory, request sizes, the query timeout, concurrent queries).
# Rewrites the limits section of BENCHMARKS.md. Takes some 10 minutes.
#
#   benches/limits.sh
#   LIMITS_MILLIONS=1,2 benches/limits.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/support/common.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$cache/target}
cargo build --release --locked
LIMITS_GLOSSGRAPH="$CARGO_TARGET_DIR/release/glossgraph" exec python3 benches/limits.py "$@"
