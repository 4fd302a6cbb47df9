#!/usr/bin/env bash
# Extracts LLVM's JITLink AArch64 tests (llvm/test/ExecutionEngine/JITLink/AArch64/, the version of
# the installed llvm-22) from Debian's llvm-toolchain-22 source package into DIR, for run.ts and
# tests/linker/llvm-tests.test.ts. Only Debian's archive is needed (no GitHub): the .orig tarball's
# location and SHA-256 come from the bookworm-security Sources index, read with a private apt
# configuration (the system's sources are not touched). The files are LLVM's (Apache-2.0 with LLVM
# exception) and are never committed.
# Usage: fetch-debian.sh [DIR]   (default: <repo>/test-artifacts/llvm-jitlink-aarch64). Idempotent.
# Cost: a 197 MB download and one pass of xz over it (~20 s of CPU).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/../../../test-artifacts/llvm-jitlink-aarch64}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
if [ -f "$OUT/ELF_relocations.s" ] && [ -f "$OUT/VERSIONS" ]; then
  echo "fetch-debian: already present in $OUT ($(cat "$OUT/VERSIONS"))"
  exit 0
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK" # apt's download user reads the lists folder
mkdir -p "$WORK/lists/partial"
echo "deb-src http://deb.debian.org/debian-security bookworm-security main" > "$WORK/sources.list"
APT=(-o "Dir::Etc::SourceList=$WORK/sources.list" -o "Dir::Etc::SourceParts=$WORK/none"
  -o "Dir::State::Lists=$WORK/lists" -o "Debug::NoLocking=1")
apt-get "${APT[@]}" update -qq
# The source version that built the installed llvm-22 (falls back to the index's newest).
VERSION="$(dpkg-query -W -f='${source:Version}' llvm-22 2>/dev/null || true)"
SPEC="llvm-toolchain-22${VERSION:+=$VERSION}"
URIS="$(apt-get "${APT[@]}" source --print-uris "$SPEC" 2>/dev/null | grep "\.orig\.tar\.xz'")"
ORIG_URL="$(echo "$URIS" | awk '{print $1}' | tr -d "'")"
ORIG_NAME="$(echo "$URIS" | awk '{print $2}')"
ORIG_SHA="$(echo "$URIS" | awk '{print $4}' | sed 's/^SHA256://')"
[ -n "$ORIG_URL" ] || { echo "fetch-debian: no llvm-toolchain-22 .orig tarball in the Sources index" >&2; exit 1; }
# The security archive's pool may not carry an .orig tarball that the main archive already has.
ok=0
for url in "$ORIG_URL" "http://deb.debian.org/debian/pool/main/l/llvm-toolchain-22/$ORIG_NAME"; do
  if curl -fs -o "$WORK/$ORIG_NAME" "$url"; then ok=1; break; fi
done
[ "$ok" = 1 ] || { echo "fetch-debian: could not download $ORIG_NAME" >&2; exit 1; }
echo "$ORIG_SHA  $WORK/$ORIG_NAME" | sha256sum -c --quiet -
xz -dc -T2 "$WORK/$ORIG_NAME" |
  tar -x -C "$OUT" --strip-components=6 --wildcards '*/llvm/test/ExecutionEngine/JITLink/AArch64/*'
echo "$ORIG_NAME sha256:$ORIG_SHA" > "$OUT/VERSIONS"
echo "fetch-debian: $(ls "$OUT" | grep -c '^ELF_') ELF_* tests from $ORIG_NAME -> $OUT"
