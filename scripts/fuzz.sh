#!/usr/bin/env bash
# Runs every question-format fuzz target for RUNS executions each (default one
# million), seeded with the golden files, and prints the counts libFuzzer reports.
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Usage: scripts/fuzz.sh [RUNS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../crates/formats/fuzz"
RUNS=${1:-1000000}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(gift aiken moodle_xml qti csv json)
golden=../tests/golden
seed() { # target -> seed files
  mkdir -p "corpus/$1"
  case $1 in
    gift) printf '$CATEGORY: a/b\n\n::T::Q?{=a ~%%50%%b#fb}\n\nN?{#1..2}\n\nM{=a -> b =c -> d}\n' > corpus/gift/seed ;;
    aiken) printf 'Q?\nA. x\nB. y\nANSWER: B\n' > corpus/aiken/seed ;;
    moodle_xml) cp "$golden"/moodle/*.xml corpus/moodle_xml/ ;;
    qti) cp "$golden"/qti/*.xml corpus/qti/ ;;
    csv) cp "$golden"/csv/*.csv corpus/csv/ ;;
    json) printf '{"format":"examhall-bank","version":1,"items":[{"question":{"id":"q","prompt":"p","marks":1,"kind":{"type":"true_false","correct":true}}}]}' > corpus/json/seed ;;
  esac
}
for t in "${TARGETS[@]}"; do
  seed "$t"
  echo "==> $t: $RUNS runs"
  status=0
  cargo +nightly fuzz run "$t" "corpus/$t" -- -runs="$RUNS" -max_len=65536 -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 \
    > "fuzz-$t.log" 2>&1 || status=$?
  grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)" "fuzz-$t.log" || true
  if [ "$status" -ne 0 ]; then tail -40 "fuzz-$t.log"; echo "fuzz target $t failed"; exit 1; fi
done
