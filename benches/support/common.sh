# Sourced by the bench scripts (benches/*.sh) from the repository's root: the
# cache they share and the Debian packages they need.

# Builds, generated glossaries, peers and results, kept between runs.
cache=${GLOSSGRAPH_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/glossgraph-bench}
mkdir -p "$cache"
export GLOSSGRAPH_BENCH_CACHE="$cache"

sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi

# Installs those of the Debian packages named that are missing.
need_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

# The benches start nginx themselves on loopback ports; the system's own,
# started when the package was installed, would take a core and port 80.
stop_system_nginx() {
  $sudo systemctl disable --now nginx >/dev/null 2>&1 || true
}
