#!/bin/sh
# Rebuilds the committed runtime objects runtime-aarch64/obj/*.o from runtime-aarch64/src.
# Needs clang-16 (C) and llvm-mc-16 (assembly). Output is deterministic: sources are named by
# relative path, no .comment/.llvm_addrsig sections, no debug info (resolve.o and sysv_resolve.o
# carry .eh_frame, so that a debugger unwinds through the reentry path to the caller). Usage:
#   runtime-aarch64/build.sh [OUTDIR]      (default: runtime-aarch64/obj)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/obj"}
mkdir -p "$out"
out=$(cd "$out" && pwd)
CLANG=${CLANG:-clang-16}
LLVM_MC=${LLVM_MC:-llvm-mc-16}
cd "$here/src"
for s in sysv_resolve.S atomics.S; do
  "$LLVM_MC" -triple=aarch64-linux-gnu -filetype=obj -o "$out/${s%.S}.o" "$s"
done
"$CLANG" --target=aarch64-linux-gnu -O2 -ffreestanding -fno-builtin -fno-stack-protector \
  -fasynchronous-unwind-tables -fno-addrsig -fno-ident -ffixed-x18 \
  -fPIC -mgeneral-regs-only -std=c11 -Wall -Wextra -Werror \
  -c -o "$out/resolve.o" resolve.c
"$CLANG" --target=aarch64-linux-gnu -O2 -ffreestanding -fno-builtin -fno-stack-protector \
  -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-addrsig -fno-ident -ffixed-x18 \
  -fPIC -mgeneral-regs-only -std=c11 -Wall -Wextra -Werror \
  -c -o "$out/cxx_fallback.o" cxx_fallback.c
