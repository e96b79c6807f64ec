#!/usr/bin/env bash
# One command: install what is missing, then run every check and test:
# format, lints, unit + integration tests (workspace and UI), a benchmark smoke run,
# the staff console in headless Chromium, and the end-to-end tests in the real Tauri
# window under Xvfb via tauri-driver.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }
# A fresh clone gains nothing from incremental compilation, and its caches would
# double the target directory (CI once ran out of disk at ~9 GB of target).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step "setting up (skips what is installed)"
bash scripts/setup.sh --test

step "building the UI (wasm32, offline)"
bash scripts/build-ui.sh

step "cargo fmt --check"
cargo fmt --all -- --check
(cd ui && cargo fmt -- --check)

step "clippy (workspace, all targets; UI for wasm32)"
cargo clippy -q --workspace --all-targets -- -D warnings
(cd ui && cargo clippy -q --target wasm32-unknown-unknown -- -D warnings)

step "starting a throwaway PostgreSQL server (Debian's packages) for the tests on both backends"
EXAMHALL_TEST_PG=$(bash scripts/pg-test-server.sh)
export EXAMHALL_TEST_PG EXAMHALL_REQUIRE_PG=1
trap 'bash scripts/pg-test-server.sh stop' EXIT

step "unit and integration tests (workspace; server tests on SQLite and PostgreSQL)"
cargo test --workspace

step "UI state tests (native)"
(cd ui && cargo test --lib)

step "benchmark smoke run (debug build; real numbers: see docs/benchmarks.md)"
cargo run -q -p examhall-cli -- bench --dir target/bench-smoke --answers 100 --rounds 1 --sheets 100 > target/bench-smoke.json
grep -q '"grading_sheets": 100' target/bench-smoke.json
cargo run -q -p examhall-cli -- bench-reports --sheets 20 --reps 1 > target/bench-reports-smoke.json
grep -q '"sheets": 20' target/bench-reports-smoke.json
cargo run -q -p examhall-cli -- bench-sync --dir target/bench-smoke --uploaders 20 --per-uploader 5 > target/bench-sync-smoke.json
grep -q '"verified": true' target/bench-sync-smoke.json
cargo run -q -p examhall-cli -- bench-room --dir target/bench-room --seats 20 --secs 8 > target/bench-room-smoke.json
grep -q '"heartbeat_errors": 0' target/bench-room-smoke.json
cargo run -q -p examhall-cli -- bench-import --questions 700 --reps 1 > target/bench-import-smoke.json
grep -q '"questions": 700' target/bench-import-smoke.json

step "analytics cross-check against an independent numpy implementation"
[ -x target/pyenv/bin/python ] || python3 -m venv target/pyenv
target/pyenv/bin/python -c "import numpy" 2>/dev/null || target/pyenv/bin/pip install -q numpy
cargo build -q -p examhall-cli
target/pyenv/bin/python crates/analytics/crosscheck/crosscheck_numpy.py target/debug/examhall

step "the OpenAPI document validates (openapi-spec-validator)"
target/pyenv/bin/python -c "import openapi_spec_validator" 2>/dev/null || target/pyenv/bin/pip install -q openapi-spec-validator
target/debug/examhall openapi > target/openapi.json
target/pyenv/bin/openapi-spec-validator target/openapi.json

step "schemathesis against the OpenAPI document, as a student and as a teacher (no 5xx, every response documented)"
bash scripts/schemathesis.sh target/debug/examhall target/pyenv 20

step "the staff console in a browser (headless Chromium + chromedriver against examhall serve)"
python3 e2e/test_browser.py

step "building the desktop app"
cargo build -p examhall-desktop

step "end-to-end tests in the real window (Xvfb + tauri-driver)"
pkill -f target/debug/examhall-desktop 2>/dev/null || true
xvfb-run -a -s "-screen 0 1280x800x24" python3 e2e/test_exam_day.py

# The release build needs several GB of its own. CI disks are shared and have run out
# here (stop 30: "No space left on device" in target/release), so the debug build,
# which nothing below uses, is removed first. EXAMHALL_KEEP_BUILD=1 keeps it for a
# developer's next incremental build.
if [ "${EXAMHALL_KEEP_BUILD:-0}" != 1 ]; then
  step "freeing the debug build's disk before the release build"
  rm -rf target/debug ui/target
fi

step "the installable package: cargo tauri build (.deb), installed with apt-get, started"
bash scripts/bundle.sh
deb=$(ls -t target/release/bundle/deb/*.deb | head -1)
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall "./$deb" >/dev/null
xvfb-run -a -s "-screen 0 1280x800x24" python3 e2e/installed_package.py "$deb"

step "start-up time and idle memory of the installed app (a measurement; docs/benchmarks.md)"
xvfb-run -a -s "-screen 0 1280x800x24" python3 e2e/measure_start.py /usr/bin/examhall-desktop --runs 3 --baseline
