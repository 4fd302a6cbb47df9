#!/usr/bin/env bash
# Fetches LLVM's ORC runtime for AArch64 and (optionally) the arm64 llvm-jitlink-executor anchor from
# Debian (never committed; test-artifacts/ is git-ignored):
#   test-artifacts/orc-rt/liborc_rt-aarch64.a            (libclang-rt-22-dev:arm64, unmodified)
#   test-artifacts/orc-rt/executor/                      (llvm-22:arm64 + its shared libraries, extracted)
#   test-artifacts/orc-rt/llvm-jitlink-executor          (wrapper: qemu-aarch64 -L executor/ …)
# Usage: fetch.sh [--runtime-only] [DIR]   (default DIR: <repo>/test-artifacts/orc-rt). Idempotent.
# Needs apt-get with the arm64 architecture known to dpkg (added here when missing; root or sudo).
set -euo pipefail
RUNTIME_ONLY=0
if [ "${1:-}" = "--runtime-only" ]; then RUNTIME_ONLY=1; shift; fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/../../test-artifacts/orc-rt}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd -P)"  # physical: the wrapper below keeps this path
. "$HERE/../support/debian-fetch.sh"
if [ ! -f "$OUT/liborc_rt-aarch64.a" ]; then
  (cd "$WORK" && debian_download libclang-rt-22-dev:arm64)
  dpkg-deb -x "$WORK"/libclang-rt-22-dev_*_arm64.deb "$WORK/rt"
  cp "$WORK"/rt/usr/lib/llvm-22/lib/clang/22/lib/linux/liborc_rt-aarch64.a "$OUT/"
  (cd "$WORK" && ls libclang-rt-22-dev_*_arm64.deb) > "$OUT/VERSIONS"
fi
echo "fetch: $OUT/liborc_rt-aarch64.a"
[ "$RUNTIME_ONLY" = "1" ] && exit 0
if [ ! -x "$OUT/llvm-jitlink-executor" ]; then
  mkdir -p "$WORK/ex"
  (cd "$WORK/ex" && debian_download llvm-22:arm64 libllvm22:arm64 libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 \
    zlib1g:arm64 libzstd1:arm64 libz3-4:arm64 libffi8:arm64 libedit2:arm64 libtinfo6:arm64 libxml2:arm64 \
    libbsd0:arm64 libmd0:arm64 libicu72:arm64 liblzma5:arm64)
  rm -rf "$OUT/executor"
  for deb in "$WORK"/ex/*.deb; do dpkg-deb -x "$deb" "$OUT/executor"; done
  (cd "$WORK/ex" && ls ./*.deb | sed 's|^\./||') >> "$OUT/VERSIONS"
  cat > "$OUT/llvm-jitlink-executor" <<WRAP
#!/bin/sh
exec qemu-aarch64 -L "$OUT/executor" "$OUT/executor/usr/lib/llvm-22/bin/llvm-jitlink-executor" "\$@"
WRAP
  chmod +x "$OUT/llvm-jitlink-executor"
fi
echo "fetch: $OUT/llvm-jitlink-executor"
