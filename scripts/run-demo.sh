#!/usr/bin/env bash
# One command: install what is missing, build, and open Examhall on the embedded demo centre.
# The demo database lives in ~/.local/share/examhall-demo (set EXAMHALL_DATA_DIR to change it).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<MSG
Examhall is a desktop app and this shell has no display (DISPLAY and WAYLAND_DISPLAY are unset).
Run it from a desktop session, or give it a virtual display:
    xvfb-run -a -s "-screen 0 1280x800x24" $0
(xvfb-run comes with: apt-get install xvfb xauth)
MSG
  exit 2
fi
bash scripts/setup.sh
bash scripts/build-ui.sh
cargo build -p examhall-desktop
export EXAMHALL_DATA_DIR="${EXAMHALL_DATA_DIR:-$HOME/.local/share/examhall-demo}"
echo "==> opening Examhall on the demo centre (data in $EXAMHALL_DATA_DIR)"
exec target/debug/examhall-desktop --demo "$@"
