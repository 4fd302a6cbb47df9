#!/bin/sh
# Rebuilds tests/sysroot/worker/obj/*.o from src/ (clang++-16 against the Debian arm64 cross
# sysroot). The objects are committed; the tests build the static reference executable themselves.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
SYSROOT=${SYSROOT:-/usr/aarch64-linux-gnu}
mkdir -p "$here/obj"
cd "$here/src"
for f in *.cpp; do
  clang++-16 --target=aarch64-linux-gnu --sysroot="$SYSROOT" -O2 -fno-ident -c -o "$here/obj/${f%.cpp}.o" "$f"
done
