#!/bin/sh
# Rebuilds the committed objects in tests/linker/obj from tests/linker/asm/*.s.
set -e
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/../obj"
for s in "$here"/*.s; do
  llvm-mc-16 -triple=aarch64-unknown-linux-gnu -position-independent -filetype=obj "$s" -o "$here/../obj/$(basename "$s" .s).o"
done
