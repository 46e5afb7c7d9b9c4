#!/usr/bin/env bash
# `import skos --to-entries` and the round trip, measured: benches/import.py
# against a release build, on UNESCO and a generated vocabulary of 100,000
# concepts (describe, convert, build the entries, export them, and build the
# vocabulary published as it is). Rewrites the import section of
# BENCHMARKS.md. Takes some 10 minutes.
#
#   benches/import.sh
#   RUNS=1 benches/import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/support/common.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$cache/target}
cargo build --release --locked
IMPORT_GLOSSGRAPH="$CARGO_TARGET_DIR/release/glossgraph" exec python3 benches/import.py "$@"
