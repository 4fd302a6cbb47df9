#!/usr/bin/env bash
# Builds the Linux user-mode corpus: static AArch64 programs against Debian's glibc and libstdc++
# (cross compilers aarch64-linux-gnu-gcc/g++ 12, package gcc-aarch64-linux-gnu / g++-aarch64-linux-gnu).
#   src/<name>.c|.cpp  →  bin/<name>.elf
# Usage: build.sh [--out DIR]   (default: this directory). No debug info, no build id, relative
# paths, so a rebuild with the same toolchain gives the same bytes.
# musl: Debian has no arm64 cross musl-gcc (musl-tools is host-only), so the corpus is glibc only.
set -euo pipefail
export LC_ALL=C
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    *) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT/bin"
cd "$HERE/src"
FLAGS=(-static -O2 -g0 -fno-ident -Wall -Wextra -Wno-unused-result -Wno-array-bounds -ffile-prefix-map="$HERE"=. -Wl,--build-id=none)
for src in *.c; do
  aarch64-linux-gnu-gcc "${FLAGS[@]}" -pthread "$src" -o "$OUT/bin/${src%.c}.elf"
done
for src in *.cpp; do
  aarch64-linux-gnu-g++ "${FLAGS[@]}" -std=c++17 "$src" -o "$OUT/bin/${src%.cpp}.elf"
done
echo "built: $(cd "$OUT/bin" && ls | tr '\n' ' ')"
