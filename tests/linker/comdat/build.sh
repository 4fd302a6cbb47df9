#!/bin/sh
# Rebuilds tests/linker/obj/comdat_a.o and comdat_b.o (C++ inline functions and a template
# member: COMDAT groups with unwind records) from the sources here.
set -e
here=$(cd "$(dirname "$0")" && pwd)
for n in a b; do
  clang-16 --target=aarch64-linux-gnu -O1 -fno-stack-protector -c "$here/$n.cpp" -o "$here/../obj/comdat_$n.o"
done
