#!/usr/bin/env bash
# The third-party test suites and vocabularies the tests read (W3C conformance
# suites, SHACL shapes, SKOS vocabularies), which are not ours to copy into the
# repository. Each file comes from its public repository at a pinned commit and
# is checked against the SHA-256 in scripts/suites.sha256; the layout is the one
# the tests expect at GLOSSGRAPH_SUITES (default ../shared beside the clone).
#
#   scripts/fetch-suites.sh [DIR]             fetch into DIR what it lacks, checking each file
#   scripts/fetch-suites.sh --verify [DIR]    only check DIR against the manifest (offline)
#   scripts/fetch-suites.sh --manifest [DIR]  rewrite the manifest from DIR (after changing a commit)
#   scripts/fetch-suites.sh --list            each file and the URL it comes from
#
# FETCH_SUITES_BASE replaces https://raw.githubusercontent.com (a mirror).
#
# DIR defaults to where the tests look: GLOSSGRAPH_SUITES, else ../shared.
#
# Two files have no pinned public origin and are not fetched (the script says
# so and names the tests that need them, which then skip):
# conformance/qskos/qskos-issues.tsv and seeds/eu-ai-office.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
manifest="$here/suites.sha256"

# Each folder of the layout: its origin, pinned by commit.
declare -A repo commit
add() { repo[$1]=$2; commit[$1]=$3; }
add conformance/sparql11 w3c/rdf-tests ad541a5f0479f0798608c4801369d97b8e08b36f
add conformance/rdf-canon w3c/rdf-canon 15619df2fda7a4ca88308733789b6774517f9638
add conformance/reconciliation reconciliation-api/specs 8d66bdba2e351a890a1126f2a8f139c9afd47553
add conformance/skos-shacl/skohub skohub-io/skohub-shapes 1a90b44bf2c4298d412f1ffc6b3a675b1fe31ed4
add conformance/skos-shacl/kos-kit kos-kit/skos-shacl 02c7d7747fcd1bf4a7860c53b60d3cde02be73fa
add vocab/dpv w3c/dpv f01a55c3c0983e35cdfdf80593ece3353faba7b8
add vocab/unesco EmidioStani/synonyms_harvester 761c4239eb914c099127040ff99c3e2dd7e114cd
add vocab/skosmos-testdata NatLibFi/Skosmos b87d250f641a1ad02b56f83f8abc1e98577f5445

# The raw URL of a file of the layout, or nothing when it has no public origin.
url() {
  local path=$1 folder inner
  case $path in
    conformance/skos-shacl/kos-kit/data/*/skos-reference/*)
      # The SKOS Reference examples split into valid and invalid are not in
      # kos-kit's repository; they are skohub-shapes' split, byte for byte.
      folder=conformance/skos-shacl/skohub
      inner=${path#conformance/skos-shacl/kos-kit/data/}
      inner="tests/${inner%%/*}/skos.shacl.ttl/${path##*/}" ;;
    conformance/sparql11/LICENSE.md | conformance/rdf-canon/* | conformance/reconciliation/* | \
      conformance/skos-shacl/*/* | vocab/dpv/LICENSE.md | vocab/skosmos-testdata/LICENSE)
      folder=$(folder_of "$path"); inner=${path#"$folder"/} ;;
    conformance/sparql11/*)
      folder=conformance/sparql11; inner=sparql/sparql11/${path#conformance/sparql11/} ;;
    vocab/dpv/dpv-2.3_*)
      # dpv-2.3_legal_eu_aiact_eu-aiact.ttl is 2.3/legal/eu/aiact/eu-aiact.ttl.
      folder=vocab/dpv; inner=${path#vocab/dpv/dpv-}; inner=${inner//_//} ;;
    vocab/unesco/*)
      folder=vocab/unesco; inner=${path##*/} ;;
    vocab/skosmos-testdata/*)
      folder=vocab/skosmos-testdata; inner=tests/test-vocab-data/${path##*/} ;;
    *) return 0 ;;
  esac
  echo "${FETCH_SUITES_BASE:-https://raw.githubusercontent.com}/${repo[$folder]}/${commit[$folder]}/$inner"
}

folder_of() {
  local f
  for f in "${!repo[@]}"; do
    case $1 in "$f"/*) echo "$f"; return 0 ;; esac
  done
}

# Why a file without a public origin cannot be fetched, and which tests need it.
unfetchable() {
  case $1 in
    conformance/qskos/qskos-issues.tsv)
      echo "derived: the issue IDs extracted from IssueDescriptor.Builder calls in cmader/qSKOS@082a7c66f1c1b0a1be93419fefdd4dd49375e398 src/main/java/at/ac/univie/mminf/qskos4j/issues/; no test reads it (src/lint/qskos.rs cites it)" ;;
    seeds/eu-ai-office.txt)
      echo "the glossary page the project started from, with no pinned public copy; tests/import/page.rs and tests/import/http.rs (the seed tests) need it" ;;
    *)
      echo "not in this script's table of origins" ;;
  esac
}

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

verify() {
  local dir=$1
  if ! (cd "$dir" && sha256 --quiet -c "$manifest"); then
    echo "fetch-suites: $dir does not match scripts/suites.sha256 (files above)" >&2
    return 1
  fi
  echo "fetch-suites: $dir matches scripts/suites.sha256 ($(wc -l <"$manifest") files)"
}

write_manifest() {
  local dir=$1
  (cd "$dir" && find conformance vocab seeds -type f ! -name SOURCE.txt -print0 | LC_ALL=C sort -z |
    xargs -0 sha256sum) >"$manifest.new"
  mv "$manifest.new" "$manifest"
  echo "fetch-suites: wrote $(wc -l <"$manifest") hashes of $dir to scripts/suites.sha256"
}

fetch() {
  local dir=$1 hash path from part folder unfetched=0 failed=0
  mkdir -p "$dir"
  while read -r hash path; do
    if [ -f "$dir/$path" ] && [ "$(sha256 "$dir/$path" | cut -d' ' -f1)" = "$hash" ]; then
      continue
    fi
    from=$(url "$path")
    if [ -z "$from" ]; then
      echo "fetch-suites: cannot fetch $path: $(unfetchable "$path")" >&2
      unfetched=$((unfetched + 1))
      continue
    fi
    mkdir -p "$dir/$(dirname "$path")"
    part="$dir/$path.part"
    if ! curl -fsSL --retry 3 -o "$part" "$from"; then
      echo "fetch-suites: could not download $from" >&2
      failed=$((failed + 1))
    elif [ "$(sha256 "$part" | cut -d' ' -f1)" != "$hash" ]; then
      echo "fetch-suites: $from is not the file scripts/suites.sha256 expects at $path" >&2
      failed=$((failed + 1))
    else
      mv "$part" "$dir/$path"
    fi
    rm -f "$part"
  done <"$manifest"
  for folder in "${!repo[@]}"; do
    if [ -d "$dir/$folder" ] && [ ! -e "$dir/$folder/SOURCE.txt" ]; then
      echo "${repo[$folder]}@${commit[$folder]}, fetched by glossgraph's scripts/fetch-suites.sh" >"$dir/$folder/SOURCE.txt"
    fi
  done
  folder=conformance/skos-shacl/kos-kit
  if [ -d "$dir/$folder/data" ] && ! grep -q '^data/' "$dir/$folder/SOURCE.txt"; then
    echo "data/: the SKOS Reference examples as ${repo[conformance/skos-shacl/skohub]}@${commit[conformance/skos-shacl/skohub]} splits them (tests/{valid,invalid}/skos.shacl.ttl/)" >>"$dir/$folder/SOURCE.txt"
  fi
  if [ "$unfetched" -gt 0 ]; then
    echo "fetch-suites: $unfetched file(s) above cannot be fetched; the tests that need them skip (and fail under CI=true)" >&2
  fi
  if [ "$failed" -gt 0 ]; then
    echo "fetch-suites: $failed file(s) failed to download or verify" >&2
    return 1
  fi
  echo "fetch-suites: the suites are in $dir; GLOSSGRAPH_SUITES=$dir finds them (../shared, the default, needs nothing)"
}

# Where each file comes from, or why it cannot be fetched.
list() {
  local hash path from
  while read -r hash path; do
    from=$(url "$path")
    echo "$path ${from:-cannot be fetched: $(unfetchable "$path")}"
  done <"$manifest"
}

# DIR as the tests find it: GLOSSGRAPH_SUITES, relative to the repository's root.
default_dir() {
  local setting=${GLOSSGRAPH_SUITES:-../shared}
  case $setting in
    /*) echo "$setting" ;;
    *) echo "$root/$setting" ;;
  esac
}

usage="usage: $0 [DIR] | --verify [DIR] | --manifest [DIR] | --list"
case ${1:-} in
  --list) list ;;
  --verify) [ $# -le 2 ] || { echo "$usage" >&2; exit 2; }; verify "${2:-$(default_dir)}" ;;
  --manifest) [ $# -le 2 ] || { echo "$usage" >&2; exit 2; }; write_manifest "${2:-$(default_dir)}" ;;
  -*) echo "$usage" >&2; exit 2 ;;
  *) [ $# -le 1 ] || { echo "$usage" >&2; exit 2; }; fetch "${1:-$(default_dir)}" ;;
esac
