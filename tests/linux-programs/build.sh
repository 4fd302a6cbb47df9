#!/usr/bin/env bash
# Builds the Linux user-mode corpus: static AArch64 programs against Debian's glibc and libstdc++
# (cross compilers aarch64-linux-gnu-gcc/g++ 12, package gcc-aarch64-linux-gnu / g++-aarch64-linux-gnu)
# and, for the C programs in MUSL_PROGRAMS, against Debian's musl (musl-dev:arm64, fetched with
# `apt-get download` into a cache and linked by the same cross gcc: Debian's musl-gcc is host-only).
#   src/<name>.c|.cpp  →  bin/<name>.elf      src/<name>.c  →  bin/<name>-musl.elf
# Usage: build.sh [--out DIR]   (default: this directory). No debug info, no build id, relative
# paths, so a rebuild with the same toolchain gives the same bytes.
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

MUSL_PROGRAMS=(hello threads signals forkpipe stdin)
MUSL_CACHE="${MUSL_CACHE:-$HERE/../../test-artifacts/musl-arm64}"
if [ ! -f "$MUSL_CACHE/root/usr/lib/aarch64-linux-musl/libc.a" ]; then
  mkdir -p "$MUSL_CACHE"
  (cd "$MUSL_CACHE" && apt-get download musl-dev:arm64 && for d in ./*.deb; do dpkg-deb -x "$d" root; done)
fi
ML="$MUSL_CACHE/root/usr/lib/aarch64-linux-musl"
MI="$MUSL_CACHE/root/usr/include/aarch64-linux-musl"
GCCLIB="$(dirname "$(aarch64-linux-gnu-gcc -print-libgcc-file-name)")"
for name in "${MUSL_PROGRAMS[@]}"; do
  aarch64-linux-gnu-gcc "${FLAGS[@]}" -nostdinc -isystem "$MI" -isystem "$GCCLIB/include" -nostdlib \
    "$name.c" "$ML/crt1.o" "$ML/crti.o" "$GCCLIB/crtbeginT.o" -L"$ML" \
    -Wl,--start-group -lc "$GCCLIB/libgcc.a" "$GCCLIB/libgcc_eh.a" -Wl,--end-group \
    "$GCCLIB/crtend.o" "$ML/crtn.o" -o "$OUT/bin/$name-musl.elf"
done
echo "built: $(cd "$OUT/bin" && ls | tr '\n' ' ')"
