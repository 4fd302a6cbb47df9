#!/bin/sh
# Rebuilds the archive-test inputs in tests/linker/obj from the sources here: main.o and
# libdemo.a (GNU format with a symbol index and a long member name), libdemo-bsd.a (BSD
# format), libdemo-noindex.a (no symbol index).
set -e
here=$(cd "$(dirname "$0")" && pwd)
obj="$here/../obj"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in main a_member_with_a_long_name b unused; do
  llvm-mc-16 -triple=aarch64-unknown-linux-gnu -position-independent -filetype=obj "$here/$s.s" -o "$tmp/$s.o"
done
cp "$tmp/main.o" "$obj/archive_main.o"
cd "$tmp"
members="a_member_with_a_long_name.o b.o unused.o"
rm -f "$obj"/libdemo*.a
llvm-ar-16 rcD --format=gnu "$obj/libdemo.a" $members
llvm-ar-16 rcD --format=bsd "$obj/libdemo-bsd.a" $members
llvm-ar-16 rcDS --format=gnu "$obj/libdemo-noindex.a" $members
