#!/usr/bin/env bash
# Runs every benchmark program under bench/*/main.go in turn (each prints its own
# figures as ratios against a ceiling or peer measured in the same run; nothing is
# asserted), then prints a summary table. The gonnect binary is built once here, for
# the benchmarks that start worker processes.
#
#   scripts/bench.sh                    all benchmarks
#   BENCH="pipeline rest" scripts/bench.sh   only these
#   BENCH_TIMEOUT=600 (seconds per benchmark, default 600)
set -uo pipefail
cd "$(dirname "$0")/.."

go build -o bin/gonnect ./cmd/gonnect || exit 1

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
limit=${BENCH_TIMEOUT:-600}
failed=0
suite_start=$(date +%s)
names=()
for d in bench/*/; do
  [ -f "$d/main.go" ] || continue
  name=$(basename "$d")
  if [ -n "${BENCH:-}" ] && [[ " $BENCH " != *" $name "* ]]; then
    continue
  fi
  names+=("$name")
  echo "== $name"
  start=$(date +%s)
  # timeout signals the whole process group of go run; the benchmarks' own children
  # also die with their parent (Pdeathsig).
  timeout -k 10 "$limit" go run "./$d" 2>&1 | tee "$out/$name.log" | grep --line-buffered -v '^RESULT|'
  rc=${PIPESTATUS[0]}
  echo "$rc $(( $(date +%s) - start ))" > "$out/$name.rc"
  [ "$rc" -eq 0 ] || failed=1
done

echo
echo "== summary ($(( $(date +%s) - suite_start )) s, $(nproc) CPUs, $(date -u +%FT%TZ))"
for name in "${names[@]}"; do
  read -r rc secs < "$out/$name.rc"
  state=ok
  [ "$rc" -eq 0 ] || state="FAILED (exit $rc)"
  [ "$rc" -eq 124 ] && state="TIMED OUT after ${limit}s"
  echo "-- $name: $state, ${secs}s"
done
echo
{
  echo "BENCH|FIGURE|VALUE|REFERENCE (same run)|RATIO|TARGET"
  for name in "${names[@]}"; do
    grep -h '^RESULT|' "$out/$name.log" | cut -d'|' -f2-
  done
} | column -t -s'|'
# Benchmarks that print free-form figures: their ratio lines, as printed.
for name in "${names[@]}"; do
  if ! grep -q '^RESULT|' "$out/$name.log" && grep -qi 'ratio' "$out/$name.log"; then
    echo
    echo "$name:"
    grep -i 'ratio' "$out/$name.log" | sed 's/^/  /'
  fi
done
exit $failed
