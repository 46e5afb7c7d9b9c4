#!/usr/bin/env bash
# Pages under load before and after a change, and against nginx serving the
# same pages as files: builds REV and the working tree (release, in one target
# directory so the dependencies are built once), then runs benches/pages.py.
# Prints Markdown tables; BENCHMARKS.md ("Pages at any size") keeps them.
#
#   benches/pages.sh e02d243               # the revision before issue 25
#   RUNS=5 DURATION=5 benches/pages.sh REV
#   HUGE=0 FIT_MB=256 benches/pages.sh d8201cb  # concept pages only, and the
#                                               # new build with --cache-size 256
#
# Needs wrk, nginx and GNU time (Debian packages, installed if missing). The
# generated glossaries (10,000 and 100,000 entries) are kept in
# $GLOSSGRAPH_BENCH_CACHE/work (default ~/.cache/glossgraph-bench), as
# compare.sh keeps them; serving 100,000 entries in memory takes about 6 GB.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: benches/pages.sh REV}
source benches/support/common.sh
mkdir -p "$cache/pages"

need_packages wrk nginx time
stop_system_nginx

export CARGO_TARGET_DIR="$cache/target"
# The old binary is kept by its commit: a second run does not build it again.
old="$cache/pages/glossgraph-$(git rev-parse --short "$rev")"
if [ ! -x "$old" ]; then
  tree="$cache/pages/old"
  rm -rf "$tree"
  git worktree add -q --detach "$tree" "$rev"
  trap 'git worktree remove --force "$tree"' EXIT
  (cd "$tree" && cargo build --release --locked)
  cp "$CARGO_TARGET_DIR/release/glossgraph" "$old"
fi
# Cargo keeps the binary of the tree it built last (the old one, from another
# folder) when this tree's own build is already fresh: touched, it is linked again.
touch src/main.rs
cargo build --release --locked
cp "$CARGO_TARGET_DIR/release/glossgraph" "$cache/pages/glossgraph-new"

AB_OLD="$old" AB_NEW="$cache/pages/glossgraph-new" \
  AB_OLD_NAME="$(git rev-parse --short "$rev")" AB_NEW_NAME="$(git rev-parse --short HEAD)$(git diff --quiet || echo +)" \
  python3 benches/pages.py
