#!/usr/bin/env bash
# Builds EEMBC CoreMark with orc-sandbox's freestanding port for `orc-sandbox bench --coremark`.
#   build.sh COREMARK_DIR OUT_DIR
# COREMARK_DIR: a checkout of https://github.com/eembc/coremark (its sources are not in this repository).
# OUT_DIR gets obj/*.o (one object per source file: CoreMark's five, the port, the corpus runtime
# rt-*.o) and coremark.elf (static, linked by ld.lld-16). Run: coremark.elf 0x0 0x0 0x66 ITERATIONS.
set -euo pipefail
export LC_ALL=C
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(cd "$1" && pwd)"
OUT="$(mkdir -p "$2" && cd "$2" && pwd)"
for f in core_list_join.c core_main.c core_matrix.c core_state.c core_util.c coremark.h; do
  [ -f "$SRC/$f" ] || { echo "build.sh: $SRC has no $f (not a CoreMark checkout?)" >&2; exit 2; }
done
CC=clang-16
LD=ld.lld-16
FLAGS="-O2"
CFLAGS=(--target=aarch64-linux-gnu -ffreestanding -fno-stack-protector -nostdlib -static -fPIE -mno-outline-atomics
  -fno-math-errno -fno-ident -fno-asynchronous-unwind-tables -fno-unwind-tables -g0 -w)
rm -rf "$OUT/obj"
mkdir -p "$OUT/obj"
for f in core_list_join core_main core_matrix core_state core_util; do
  "$CC" "${CFLAGS[@]}" $FLAGS -I"$HERE" -I"$SRC" "-DFLAGS_STR=\"$FLAGS\"" -c "$SRC/$f.c" -o "$OUT/obj/$f.o"
done
"$CC" "${CFLAGS[@]}" $FLAGS -I"$HERE" -I"$SRC" -c "$HERE/core_portme.c" -o "$OUT/obj/core_portme.o"
LIB="$HERE/../../tests/programs/lib"
for f in $(cd "$LIB" && ls *.c *.S | sort); do
  "$CC" "${CFLAGS[@]}" -O2 -fno-builtin -c "$LIB/$f" -o "$OUT/obj/rt-${f%.*}.o"
done
(cd "$OUT/obj" && "$LD" -static --build-id=none -e _start $(ls *.o | sort) -o "$OUT/coremark.elf")
echo "$OUT/coremark.elf"
