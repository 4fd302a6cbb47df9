# Sourced by the fetch scripts (tests/linux/fetch-debian.sh, tests/sysroot/fetch.sh,
# tests/orc-rt/fetch.sh): the one place that knows how to get arm64 packages from Debian without
# installing them system-wide. Defines SUDO, WORK (a temporary folder removed on exit) and
# `debian_download PKG:arm64 …` (apt-get download into the current folder; refreshes the package
# lists once if a package is unknown). Enables dpkg's arm64 architecture when it is missing.
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
  $SUDO apt-get update -qq
fi
debian_download() {
  if ! apt-get download "$@" >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    apt-get download "$@"
  fi
}
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
