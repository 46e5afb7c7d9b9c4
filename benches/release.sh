#!/usr/bin/env bash
# `release` and `diff` on a generated glossary of 10,000 entries, measured
# against `build` of the same glossary: benches/release.py against a release
# build. Rewrites the release section of BENCHMARKS.md. Takes a few minutes.
#
#   benches/release.sh
#   RUNS=1 benches/release.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/support/common.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$cache/target}
cargo build --release --locked
RELEASE_GLOSSGRAPH="$CARGO_TARGET_DIR/release/glossgraph" exec python3 benches/release.py "$@"
