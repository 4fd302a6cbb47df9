#!/bin/sh
# Rebuilds the committed objects in tests/linker/obj from tests/linker/asm/*.s (a "# TRIPLE:"
# header picks another target triple, e.g. aarch64_be; "# MC:" another assembler, e.g. llvm-mc-22).
set -e
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/../obj"
for s in "$here"/*.s; do
  triple=$(sed -n 's/^# TRIPLE: *//p' "$s")
  mc=$(sed -n 's/^# MC: *//p' "$s")
  "${mc:-llvm-mc-16}" -triple="${triple:-aarch64-unknown-linux-gnu}" -position-independent -filetype=obj "$s" -o "$here/../obj/$(basename "$s" .s).o"
done
