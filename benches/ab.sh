#!/usr/bin/env bash
# Two revisions of glossgraph side by side, to see whether a change moved the
# build or the pages beyond noise: builds REV and the working tree (release,
# with the persistent store, in one target directory so the dependencies are
# built once), then runs benches/ab.py, which alternates the two binaries run
# by run and prints a table of medians and ratios.
#
#   benches/ab.sh REV                      # e.g. benches/ab.sh main~10
#   RUNS=7 DURATION=5 SIZES=1000 benches/ab.sh REV
#   AB_MEASURE=pages benches/ab.sh REV      # only the pages (or builds)
#
# Needs wrk and GNU time (Debian packages, installed if missing) and the
# cache compare.sh uses ($GLOSSGRAPH_BENCH_CACHE, default ~/.cache/glossgraph-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: benches/ab.sh REV}
source benches/support/common.sh
mkdir -p "$cache/ab"
export SIZES=${SIZES:-1000,10000}
export RUNS=${RUNS:-5}

need_packages wrk time libclang-dev

export CARGO_TARGET_DIR="$cache/ab/target"
old_tree="$cache/ab/old"
rm -rf "$old_tree"
git worktree add -q --detach "$old_tree" "$rev"
trap 'git worktree remove --force "$old_tree"' EXIT
(cd "$old_tree" && cargo build --release --locked --features rocksdb)
cp "$CARGO_TARGET_DIR/release/glossgraph" "$cache/ab/glossgraph-old"
# Cargo keeps the binary of the tree it built last (the old one, from another
# folder) when this tree's own build is already fresh: touched, it is linked again.
touch src/main.rs
cargo build --release --locked --features rocksdb
cp "$CARGO_TARGET_DIR/release/glossgraph" "$cache/ab/glossgraph-new"

# Not exec: the trap must remove the worktree when the measuring ends.
AB_OLD="$cache/ab/glossgraph-old" AB_NEW="$cache/ab/glossgraph-new" \
  AB_OLD_NAME="$(git rev-parse --short "$rev")" AB_NEW_NAME="$(git rev-parse --short HEAD)$(git diff --quiet || echo +)" \
  python3 benches/ab.py
