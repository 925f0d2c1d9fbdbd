#!/usr/bin/env bash
# Installs everything pond's build, tests, benchmarks and console need on a fresh Debian 12
# machine (as root, or with sudo). Idempotent: a second run installs nothing and takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-dev libsimdjson-dev libroaring-dev libsqlite3-dev sqlite3 libpq-dev
  libcli11-dev libspdlog-dev libfmt-dev libsodium-dev libssl-dev nlohmann-json3-dev zlib1g-dev
  libcurl4-openssl-dev python3-aiosmtpd libjemalloc-dev libexpat1-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  chromium fonts-wqy-microhei  # the console's browser tests (tests/e2e): a browser, Chinese glyphs
)
# `setup.sh fuzz` (make fuzz): clang and its libFuzzer and sanitizer runtimes as well.
for arg in "$@"; do
  case $arg in
    fuzz) APT_PACKAGES+=(clang libclang-rt-14-dev) ;;
    *) echo "setup: unknown argument $arg (known: fuzz)" >&2; exit 2 ;;
  esac
done
# Node and npm: the base image ships them (NodeSource build, which conflicts with Debian's npm);
# a machine without them gets Debian's.
command -v node >/dev/null && command -v npm >/dev/null || APT_PACKAGES+=(nodejs npm)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Real SDK clients for the ingest tests (tests/sdk); installed only when the lock changed.
# `npm install`, not `npm ci`: with this machine's npm settings the lock omits other platforms'
# optional packages (msgpackr-extract-darwin-*), which `npm ci` refuses; `npm install` follows
# the lock as it is and leaves it unchanged.
npm_install() {
  local dir=$1
  [ -f "$dir/package-lock.json" ] || return 0
  local stamp="$dir/node_modules/.pond-lock-sha"
  local want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: npm install in $dir"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
}
npm_install tests/sdk
npm_install web

# The console (web/), built into web/dist for `pond serve`; rebuilt only when its sources changed.
build_console() {
  local stamp=web/dist/.pond-source-sha
  local want
  want=$(cd web && cat package-lock.json index.html vite.config.ts tsconfig.json $(find src -type f | sort) | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: building the console into web/dist"
    (cd web && npm run --silent build >/dev/null)
    echo "$want" >"$stamp"
  fi
}
build_console

echo "setup: ok"
