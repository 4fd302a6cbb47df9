#!/usr/bin/env bash
# Builds the lazy-linking scenario programs and their reference outputs, reproducibly:
#   <scenario>/obj/*.o                 one object per source file (clang-16, committed)
#   expected/<scenario>.out / .status  stdout and exit status of the same objects linked statically by
#                                      ld.lld-16 and run under qemu-aarch64 (the independent reference)
# Usage: build.sh [--no-expected]
#
# The objects declare the libc functions they use (printf, puts, …) themselves. In the sandbox those
# come from the Process JITDylib's host functions; for the reference link they come from the C
# corpus's freestanding runtime (tests/programs/obj/crc/rt-*.o: _start, printf, strings, malloc,
# syscalls) plus shim/abort.c. The `undefined` scenario's bad.o references a symbol defined nowhere;
# its reference link adds shim/undefined-ref.c, a definition of that symbol that aborts (bad() calls
# it before doing anything observable, so stdout and status are those of the sandbox, where the first
# call of bad() aborts in the reentry path).
set -euo pipefail
export LC_ALL=C
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN=1
[ "${1:-}" = --no-expected ] && RUN=0

CC=${CC:-clang-16}
LD=${LD:-ld.lld-16}
CFLAGS=(--target=aarch64-linux-gnu -O2 -ffreestanding -fno-stack-protector
  -fno-asynchronous-unwind-tables -fno-addrsig -fno-ident -g0 -Wall -Wno-unused-function)
RT="$HERE/../programs/obj/crc"
SCENARIOS=(args fnptr mutual data chain20 fpheavy callback weakhidden undefined)

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
(cd "$HERE/shim" && for f in *.c; do "$CC" "${CFLAGS[@]}" -c "$f" -o "$TMP/shim-${f%.c}.o"; done)

mkdir -p "$HERE/expected"
for name in "${SCENARIOS[@]}"; do
  dir="$HERE/$name"
  rm -rf "$dir/obj"
  mkdir -p "$dir/obj"
  (cd "$dir" && for f in $(ls *.c | sort); do "$CC" "${CFLAGS[@]}" -c "$f" -o "obj/${f%.c}.o"; done)
  # Reference: main.o first, then the other objects in name order (as the tests pass them).
  objs=("$dir/obj/main.o")
  for o in $(cd "$dir/obj" && ls *.o | sort); do [ "$o" = main.o ] || objs+=("$dir/obj/$o"); done
  extra=("$TMP/shim-abort.o")
  [ "$name" = undefined ] && extra+=("$TMP/shim-undefined-ref.o")
  "$LD" -static --build-id=none -e _start "${objs[@]}" "${extra[@]}" "$RT"/rt-*.o -o "$TMP/$name.elf"
  if [ "$RUN" = 1 ]; then
    set +e
    env -i qemu-aarch64 "$TMP/$name.elf" </dev/null >"$HERE/expected/$name.out" 2>/dev/null
    status=$?
    set -e
    echo "$status" >"$HERE/expected/$name.status"
    echo "$name: status $status, $(wc -l <"$HERE/expected/$name.out") lines"
  fi
done
