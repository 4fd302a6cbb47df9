#!/bin/sh
# Rebuilds tests/sysroot/programs/obj/*.o from src/ (clang-16 against the Debian arm64 cross
# sysroot). The objects are committed; the tests build the static reference executables themselves.
# lua-main.c and sqlite-main.c need the Lua and SQLite headers that tests/sysroot/fetch.sh extracts
# (LIBS, default <repo>/test-artifacts/sysroot-libs). liblate.a and liblatecxx.a are archived from late.o and latecxx.o.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CLANG=${CLANG:-clang-16}
SYSROOT=${SYSROOT:-/usr/aarch64-linux-gnu}
LIBS=${LIBS:-$here/../../../test-artifacts/sysroot-libs}
if [ ! -f "$LIBS/include/lua.h" ] || [ ! -f "$LIBS/include/sqlite3.h" ]; then
  echo "build.sh: no Lua/SQLite headers in $LIBS/include: run tests/sysroot/fetch.sh first" >&2
  exit 1
fi
mkdir -p "$here/obj"
cd "$here/src"
for f in *.c; do
  "$CLANG" --target=aarch64-linux-gnu --sysroot="$SYSROOT" -I"$LIBS/include" -O2 -fno-ident -c -o "$here/obj/${f%.c}.o" "$f"
done
for f in *.cpp; do
  "${CLANG%clang-16}clang++-16" --target=aarch64-linux-gnu --sysroot="$SYSROOT" -O2 -fno-ident -c -o "$here/obj/${f%.cpp}.o" "$f"
done
# late.c and latecxx.cpp are library members (only a lazily linked body needs it): archived, as the tests use it.
rm -f "$here/obj/liblate.a"
"${AR:-llvm-ar-16}" rcs "$here/obj/liblate.a" "$here/obj/late.o"
rm -f "$here/obj/late.o"
rm -f "$here/obj/liblatecxx.a"
"${AR:-llvm-ar-16}" rcs "$here/obj/liblatecxx.a" "$here/obj/latecxx.o"
rm -f "$here/obj/latecxx.o"
