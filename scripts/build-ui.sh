#!/usr/bin/env bash
# Builds the Yew UI into ui/dist offline: cargo (wasm32) + wasm-bindgen + static files.
set -euo pipefail
cd "$(dirname "$0")/../ui"
profile="${UI_PROFILE:-debug}"
flag=""; [ "$profile" = release ] && flag="--release"
cargo build --target wasm32-unknown-unknown $flag
rm -rf dist && mkdir -p dist
wasm-bindgen --target web --no-typescript --out-dir dist --out-name examhall_ui \
  "target/wasm32-unknown-unknown/$profile/examhall_ui.wasm"
cp static/* dist/
echo "ui/dist built ($profile)"
