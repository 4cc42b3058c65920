#!/usr/bin/env bash
# Runs every benchmark program under bench/ (each prints its own figures and ratios).
set -euo pipefail
for d in bench/*/; do
  [ -f "$d/main.go" ] || continue
  echo "== $(basename "$d")"
  go run "./$d"
done
