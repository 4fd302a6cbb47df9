#!/usr/bin/env bash
# Builds benchmarks/vector/vector.c (our own loops that clang vectorizes) with the corpus runtime:
#   build.sh OUT_DIR   ->   OUT_DIR/vector.elf (static, ld.lld-16)
# Run: npx orc-sandbox exec OUT_DIR/vector.elf -- 100 isum   (--engine unicorn; qemu-aarch64 for the checksum)
set -euo pipefail
export LC_ALL=C
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(mkdir -p "$1" && cd "$1" && pwd)"
CFLAGS=(--target=aarch64-linux-gnu -ffreestanding -fno-stack-protector -nostdlib -static -fPIE -mno-outline-atomics
  -fno-math-errno -fno-ident -fno-asynchronous-unwind-tables -fno-unwind-tables -g0)
rm -rf "$OUT/obj"
mkdir -p "$OUT/obj"
clang-16 "${CFLAGS[@]}" -O2 -c "$HERE/vector.c" -o "$OUT/obj/vector.o"
LIB="$HERE/../../tests/programs/lib"
for f in $(cd "$LIB" && ls *.c *.S | sort); do
  clang-16 "${CFLAGS[@]}" -O2 -fno-builtin -c "$LIB/$f" -o "$OUT/obj/rt-${f%.*}.o"
done
(cd "$OUT/obj" && ld.lld-16 -static --build-id=none -e _start $(ls *.o | sort) -o "$OUT/vector.elf")
