#!/bin/sh
# Rebuilds the committed demo objects examples/lazy-demo/obj/*.o from examples/lazy-demo/src.
# Needs clang-16. The objects are committed so that `npm start` works without a compiler.
# -g: DWARF 5 line tables and subprograms (the web page and debuggers show the C source); the
# compilation directory is recorded as the repository-relative examples/lazy-demo/src, so the
# objects do not depend on where the repository was checked out.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CLANG=${CLANG:-clang-16}
mkdir -p "$here/obj"
cd "$here/src"
for c in *.c; do
  "$CLANG" --target=aarch64-linux-gnu -O2 -g -fdebug-compilation-dir=examples/lazy-demo/src -ffreestanding -fno-stack-protector \
    -fno-asynchronous-unwind-tables -fno-addrsig -fno-ident -c -o "$here/obj/${c%.c}.o" "$c"
done
