#!/usr/bin/env bash
# Fetches Debian's static arm64 busybox and bash for the Linux user-mode tests (never committed):
#   test-artifacts/debian-arm64/bin/busybox   (busybox-static:arm64)
#   test-artifacts/debian-arm64/bin/bash      (bash-static:arm64, installed as bash-static)
# Usage: fetch-debian.sh [DIR]   (default: <repo>/test-artifacts/debian-arm64). Idempotent.
# Needs apt-get with the arm64 architecture known to dpkg (added here when missing; root or sudo).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/../../test-artifacts/debian-arm64}"
mkdir -p "$OUT/bin"
OUT="$(cd "$OUT" && pwd)"
if [ -x "$OUT/bin/busybox" ] && [ -x "$OUT/bin/bash" ]; then
  echo "fetch-debian: already present in $OUT"
  exit 0
fi
. "$HERE/../support/debian-fetch.sh"
cd "$WORK"
debian_download busybox-static:arm64 bash-static:arm64
for deb in ./*.deb; do dpkg-deb -x "$deb" "$WORK/root"; done
cp "$WORK/root/bin/busybox" "$OUT/bin/busybox"
cp "$WORK/root/bin/bash-static" "$OUT/bin/bash"
ls ./*.deb | sed 's|^\./||' > "$OUT/VERSIONS"
echo "fetch-debian: $(tr '\n' ' ' < "$OUT/VERSIONS")-> $OUT"
