#!/usr/bin/env bash
# Builds the C kernels of this directory (our own, unseen by the engine's tuning: instruction mixes
# of ordinary C at -O3, or -O2 -fno-vectorize for ddot and horner) with the corpus runtime:
#   build.sh OUT_DIR   ->   OUT_DIR/<kernel>.elf (static, ld.lld-16)
# run.sh compares the ts engine with native Unicorn on them.
set -euo pipefail
export LC_ALL=C
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(mkdir -p "$1" && cd "$1" && pwd)"
CFLAGS=(--target=aarch64-linux-gnu -ffreestanding -fno-stack-protector -nostdlib -static -fPIE -mno-outline-atomics
  -fno-math-errno -fno-ident -fno-asynchronous-unwind-tables -fno-unwind-tables -g0 -w)
LIB="$HERE/../../tests/programs/lib"
rm -rf "$OUT/obj"
mkdir -p "$OUT/obj"
for f in $(cd "$LIB" && ls *.c *.S | sort); do
  clang-16 "${CFLAGS[@]}" -O2 -fno-builtin -c "$LIB/$f" -o "$OUT/obj/rt-${f%.*}.o"
done
for src in "$HERE"/*.c; do
  k="$(basename "$src" .c)"
  opt=(-O3)
  case "$k" in ddot | horner) opt=(-O2 -fno-vectorize -fno-slp-vectorize) ;; esac
  clang-16 "${CFLAGS[@]}" "${opt[@]}" -c "$src" -o "$OUT/obj/$k.o"
  (cd "$OUT/obj" && ld.lld-16 -static --build-id=none -e _start "$k.o" $(ls rt-*.o | sort) -o "$OUT/$k.elf")
done
