#!/bin/sh
# Rebuilds tests/threads/programs/obj/*.o from src/*.c (clang-16). The objects are committed.
# Outline atomics (__aarch64_ldadd8_acq_rel, __aarch64_cas4_acq_rel, …) come from runtime-aarch64.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CLANG=${CLANG:-clang-16}
mkdir -p "$here/obj"
cd "$here/src"
for c in *.c; do
  "$CLANG" --target=aarch64-linux-gnu -O2 -ffreestanding -fno-stack-protector -moutline-atomics \
    -fno-asynchronous-unwind-tables -fno-addrsig -fno-ident -c -o "$here/obj/${c%.c}.o" "$c"
done
