#!/usr/bin/env bash
# How many files of ../shared/corpus/import each importer reads without an
# error (`examhall import --dry-run`, exit status 0), per format. A file whose
# questions are of types Examhall refuses counts as not read.
#   bash scripts/corpus-counts.sh [path/to/examhall]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/examhall}"
corpus="../shared/corpus/import"
for pair in gift:gift aiken:aiken moodle-xml:moodle-xml qti:qti; do
  dir="${pair%%:*}"; format="${pair##*:}"
  ok=0; total=0
  for f in "$corpus/$dir"/*; do
    [ -f "$f" ] || continue
    case "$f" in *.json|*.md) continue ;; esac
    total=$((total + 1))
    if "$bin" import --format "$format" --dry-run "$f" >/dev/null 2>&1; then ok=$((ok + 1)); fi
  done
  echo "$format: $ok of $total files read without an error"
done
