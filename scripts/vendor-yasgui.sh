#!/usr/bin/env bash
# Vendors YASGUI (the SPARQL query page served at /sparql) from the npm registry
# into assets/yasgui/, so the binary serves it with no network access.
#   scripts/vendor-yasgui.sh [VERSION]
# Needs npm. Keeps only the minified build and writes the licence beside it
# (the npm package states MIT in package.json but ships no licence file).
set -euo pipefail
version=${1:-4.6.2}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "@zazuko/yasgui@$version" >/dev/null
tar xzf "zazuko-yasgui-$version.tgz"
license=$(node -p "require('./package/package.json').license")
[ "$license" = "MIT" ] || { echo "vendor-yasgui: licence is $license, not MIT; check before vendoring" >&2; exit 1; }
out="$root/assets/yasgui"
mkdir -p "$out"
cp package/build/yasgui.min.js package/build/yasgui.min.css "$out/"
cat > "$out/LICENSE" <<LICENSE
@zazuko/yasgui $version (https://github.com/rdfjs/Yasgui, packages/yasgui),
from the npm registry; vendored by scripts/vendor-yasgui.sh.
Authors per its package.json: Triply <info@triply.cc>, Zazuko GmbH.

MIT License

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENSE
echo "vendored @zazuko/yasgui $version into assets/yasgui/"
