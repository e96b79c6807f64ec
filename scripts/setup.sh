#!/usr/bin/env bash
# Installs what Examhall needs on a Debian machine, skipping what is present.
#   scripts/setup.sh          what building and running the app needs
#   scripts/setup.sh --test   plus what the test suite needs (Xvfb, WebKitWebDriver, tauri-driver, sqlite3,
#                             xdotool to answer the system save dialog,
#                             openssl to check certificate fingerprints independently, Chromium and
#                             chromedriver for the staff console in a browser)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

pkgs=(build-essential pkg-config curl file libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev
      libayatana-appindicator3-dev libxdo-dev libssl-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
      fonts-dejavu-core xvfb xauth)
[ $want_test = 1 ] && pkgs+=(webkit2gtk-driver sqlite3 procps python3 python3-venv poppler-utils x11-utils xdotool python3-gi gir1.2-webkit2-4.1 openssl chromium chromium-driver)
# npm brings the Tauri CLI (cargo tauri build: the .deb) and axe-core (the accessibility check).
[ $want_test = 1 ] && ! command -v npm >/dev/null && pkgs+=(nodejs npm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust with rustup (https://rustup.rs) and run this again." >&2
  exit 1
fi
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "==> adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen's CLI must be exactly the version the UI's Cargo.lock pins.
want_wb=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' ui/Cargo.lock)
have_wb=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_wb" != "$want_wb" ]; then
  echo "==> installing wasm-bindgen-cli $want_wb (about 2 minutes, once)"
  cargo install -q wasm-bindgen-cli --version "$want_wb"
fi

if [ $want_test = 1 ] && ! command -v tauri-driver >/dev/null; then
  echo "==> installing tauri-driver (about 30 s, once)"
  cargo install -q --locked tauri-driver --version "^2"
fi

# The Tauri CLI (prebuilt, from npm; the same version as the tauri crate) builds
# the .deb; axe-core is injected into the webview by the accessibility test.
npm_tool() { # dir package@version file
  if [ ! -e "target/$1/node_modules/$3" ]; then
    echo "==> installing $2 (npm, into target/$1)"
    mkdir -p "target/$1"
    npm install --prefix "target/$1" --no-audit --no-fund --silent "$2" >/dev/null
  fi
}
if [ $want_test = 1 ]; then
  npm_tool tauri-cli @tauri-apps/cli@2.12.5 .bin/tauri
  npm_tool e2e-node axe-core@4.14.1 axe-core/axe.min.js
fi
