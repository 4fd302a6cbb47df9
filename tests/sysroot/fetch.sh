#!/usr/bin/env bash
# Fetches Debian's static arm64 Lua 5.4 and SQLite 3 libraries and headers for tests/sysroot
# (never committed; test-artifacts/ is git-ignored):
#   test-artifacts/sysroot-libs/liblua5.4.a      (liblua5.4-dev:arm64)
#   test-artifacts/sysroot-libs/libsqlite3.a     (libsqlite3-dev:arm64)
#   test-artifacts/sysroot-libs/include/         (lua.h, lualib.h, lauxlib.h, luaconf.h,
#                                                 lua5.4-deb-multiarch.h, sqlite3.h)
# Usage: fetch.sh [DIR]   (default: <repo>/test-artifacts/sysroot-libs). Idempotent.
# Needs apt-get with the arm64 architecture known to dpkg (added here when missing; root or sudo).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/../../test-artifacts/sysroot-libs}"
mkdir -p "$OUT/include"
OUT="$(cd "$OUT" && pwd)"
if [ -f "$OUT/liblua5.4.a" ] && [ -f "$OUT/libsqlite3.a" ] && [ -f "$OUT/include/sqlite3.h" ] && [ -f "$OUT/include/lua5.4-deb-multiarch.h" ]; then
  echo "fetch: already present in $OUT"
  exit 0
fi
. "$HERE/../support/debian-fetch.sh"
cd "$WORK"
debian_download liblua5.4-dev:arm64 libsqlite3-dev:arm64
for deb in ./*.deb; do dpkg-deb -x "$deb" "$WORK/root"; done
LIB="$WORK/root/usr/lib/aarch64-linux-gnu"
cp "$LIB/liblua5.4.a" "$LIB/libsqlite3.a" "$OUT/"
for h in lua.h lualib.h lauxlib.h luaconf.h; do cp "$WORK/root/usr/include/lua5.4/$h" "$OUT/include/"; done
cp "$WORK/root/usr/include/aarch64-linux-gnu/lua5.4-deb-multiarch.h" "$WORK/root/usr/include/sqlite3.h" "$OUT/include/"
ls ./*.deb | sed 's|^\./||' > "$OUT/VERSIONS"
echo "fetch: $(tr '\n' ' ' < "$OUT/VERSIONS")-> $OUT"
