#!/usr/bin/env bash
# Builds the installable package: a release UI, then `cargo tauri build` (the Tauri
# CLI from scripts/setup.sh --test) for a .deb with the project's icons, repacked
# with xz.
#   scripts/bundle.sh            -> target/release/bundle/deb/Examhall_<version>_amd64.deb
# AppImage: add `--bundles appimage` by hand on a machine that can reach GitHub (the
# bundler downloads linuxdeploy from there); these lab-build machines cannot.
set -euo pipefail
cd "$(dirname "$0")/.."
tauri=target/tauri-cli/node_modules/.bin/tauri
[ -x "$tauri" ] || bash scripts/setup.sh --test
UI_PROFILE=release bash scripts/build-ui.sh
"$tauri" build --bundles deb --ci
deb=$(ls -t target/release/bundle/deb/*.deb | head -1)
# Tauri's bundler compresses with gzip; Debian's own packages use xz, which takes a
# third off. Repack the same contents with dpkg-deb.
repack=$(mktemp -d)
dpkg-deb -R "$deb" "$repack/root"
dpkg-deb --root-owner-group -Zxz -b "$repack/root" "$deb" >/dev/null
rm -rf "$repack"
echo "built $deb ($(du -h "$deb" | cut -f1), $(stat -c %s "$deb") bytes)"
