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
cache=${GLOSSGRAPH_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/glossgraph-bench}
mkdir -p "$cache"
export GLOSSGRAPH_BENCH_CACHE="$cache"
export SIZES=${SIZES:-10000}
export RUNS=${RUNS:-5}

sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
missing=()
for p in nginx wrk time; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
$sudo systemctl disable --now nginx >/dev/null 2>&1 || true

export CARGO_TARGET_DIR="$cache/site-target"
cargo build --release --locked
cargo bench --locked --no-run --bench generate
SITE_GLOSSGRAPH="$CARGO_TARGET_DIR/release/glossgraph" exec python3 benches/site.py
