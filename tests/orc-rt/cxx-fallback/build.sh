#!/usr/bin/env bash
# Builds strings.o (clang-16, committed) and the reference outputs of the C++ fallback test:
# strings.o linked statically against the real libstdc++/glibc (aarch64-linux-gnu-g++ -static) and
# run under qemu-aarch64, once plainly and once per failure mode (expected/strings-N.out/.err/.status).
# Usage: build.sh [--no-expected]
set -euo pipefail
export LC_ALL=C
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
clang-16 --target=aarch64-linux-gnu -O2 -ffreestanding -fno-builtin -fno-stack-protector \
  -fno-asynchronous-unwind-tables -fno-addrsig -fno-ident -g0 -Wall -c strings.c -o strings.o
[ "${1:-}" = --no-expected ] && exit 0
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
aarch64-linux-gnu-g++ -static strings.o -o "$TMP/strings"
mkdir -p expected
for n in 0 1 2 3 4; do
  # glibc's stdout is fully buffered into a file and lost at abort(); qemu adds its own signal line.
  status=0
  (qemu-aarch64 "$TMP/strings" "$n" > "expected/strings-$n.out" 2> "$TMP/err") 2>/dev/null || status=$?
  grep -v '^qemu: uncaught target signal' "$TMP/err" > "expected/strings-$n.err" || true
  echo "$status" > "expected/strings-$n.status"
done
