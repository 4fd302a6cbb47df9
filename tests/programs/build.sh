#!/usr/bin/env bash
# Builds the C program corpus and the syscall-layer assembly tests, reproducibly:
#   tests/programs/obj/<prog>/*.o   one object per source file (runtime objects included, prefixed rt-)
#   tests/programs/bin/<prog>.elf   static executables (static-pie for `pie`)
#   tests/programs/asm/bin/*.elf    hand-written assembly tests
#   tests/programs/expected/<prog>.out / .status   stdout and exit status under qemu-aarch64
# Usage: build.sh [--out DIR] [--no-expected]
#   --out DIR       write obj/, bin/, asm/bin/ and expected/ under DIR (default: this directory)
#   --no-expected   do not run qemu-aarch64 (only compile and link)
# Inputs: src/<prog>/*.{c,S}, lib/*.{c,S}, args/<prog>.args (one argument per line), stdin/<prog>.in.
# Output depends only on the sources and the tool versions (clang-16, ld.lld-16, llvm-mc-16):
# relative paths, no debug info, no ident, no build id.
set -euo pipefail
export LC_ALL=C
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE"
RUN=1
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --no-expected) RUN=0; shift ;;
    *) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

CC=clang-16
LD=ld.lld-16
MC=llvm-mc-16
CFLAGS=(--target=aarch64-linux-gnu -ffreestanding -fno-stack-protector -nostdlib -static -fPIE
  -mno-outline-atomics -fno-math-errno -fno-ident -fno-asynchronous-unwind-tables -fno-unwind-tables -g0
  -Wall -Wno-unused-function)
LDFLAGS=(-static --build-id=none --hash-style=gnu)

# name : optimisation : link mode (exec | pie)
PROGRAMS=(
  "hello:-O2:exec"
  "intmath:-O2:exec"
  "fpmath:-O2:exec"
  "vecloop:-O3:exec"
  "varargs:-O2:exec"
  "recursion:-O2:exec"
  "structs:-O2:exec"
  "strings:-O2:exec"
  "qsort:-O2:exec"
  "hashtable:-O2:exec"
  "crc:-O3:exec"
  "matmul:-O3:exec"
  "interp:-O2:exec"
  "int128:-O2:exec"
  "switch:-O2:exec"
  "memory:-O2:exec"
  "stdin:-O2:exec"
  "segv:-O2:exec"
  "trap:-O2:exec"
  "pie:-O2:pie"
  "workloads:-O2:exec"
)

mkdir -p "$OUT/bin" "$OUT/obj" "$OUT/asm/bin" "$OUT/expected"

# The runtime, compiled once at -O2 (string.c must never turn its own loops into calls).
LIBOBJ="$(mktemp -d)"
trap 'rm -rf "$LIBOBJ"' EXIT
(
  cd "$HERE/lib"
  for f in $(ls *.c *.S | sort); do
    "$CC" "${CFLAGS[@]}" -O2 -fno-builtin -c "$f" -o "$LIBOBJ/rt-${f%.*}.o"
  done
)

for entry in "${PROGRAMS[@]}"; do
  IFS=: read -r name opt mode <<<"$entry"
  obj="$OUT/obj/$name"
  rm -rf "$obj"
  mkdir -p "$obj"
  (
    cd "$HERE/src/$name"
    for f in $(ls *.c *.S 2>/dev/null | sort); do
      "$CC" "${CFLAGS[@]}" "$opt" -c "$f" -o "$obj/${f%.*}.o"
    done
  )
  cp "$LIBOBJ"/*.o "$obj/"
  objs=$(cd "$obj" && ls *.o | sort)
  if [ "$mode" = pie ]; then
    (cd "$obj" && "$LD" "${LDFLAGS[@]}" -pie --no-dynamic-linker -z text -e _pie_start $objs -o "$OUT/bin/$name.elf")
  else
    (cd "$obj" && "$LD" "${LDFLAGS[@]}" -e _start $objs -o "$OUT/bin/$name.elf")
  fi
done

# Assembly tests of the syscall layer: data at 0x420000 so `movz #:abs_g1:` + `add #:lo12:` reach it.
ASMTMP="$(mktemp -d)"
for s in $(cd "$HERE/asm" && ls *.s | sort); do
  n="${s%.s}"
  (cd "$HERE/asm" && "$MC" -triple=aarch64 -filetype=obj "$s" -o "$ASMTMP/$n.o")
  if [ "$n" = pie-exit ]; then
    "$LD" --build-id=none -z max-page-size=4096 -pie --no-dynamic-linker -e _start "$ASMTMP/$n.o" -o "$OUT/asm/bin/$n.elf"
  else
    "$LD" --build-id=none -static -z max-page-size=4096 -e _start -Ttext=0x400000 --section-start=.rodata=0x420000 "$ASMTMP/$n.o" \
      -o "$OUT/asm/bin/$n.elf"
  fi
done
rm -rf "$ASMTMP"

if [ "$RUN" = 1 ]; then
  cd "$OUT"
  for entry in "${PROGRAMS[@]}"; do
    IFS=: read -r name _ _ <<<"$entry"
    args=()
    if [ -f "$HERE/args/$name.args" ]; then mapfile -t args <"$HERE/args/$name.args"; fi
    input=/dev/null
    if [ -f "$HERE/stdin/$name.in" ]; then input="$HERE/stdin/$name.in"; fi
    set +e
    env -i qemu-aarch64 "bin/$name.elf" "${args[@]}" <"$input" >"expected/$name.out" 2>/dev/null
    status=$?
    set -e
    echo "$status" >"expected/$name.status"
    echo "$name: status $status, $(wc -c <"expected/$name.out") bytes"
  done
fi
