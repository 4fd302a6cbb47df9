#!/bin/sh
# Downloads LLVM main's JITLink AArch64 ELF tests into DIR (default /tmp/llvm-jitlink-aarch64) for
# run.ts. Needs network access to GitHub (CI has none: fetch-debian.sh takes LLVM 22's from Debian);
# the files are LLVM's (Apache-2.0 with LLVM exception) and are not committed here.
set -e
dir=${1:-/tmp/llvm-jitlink-aarch64}
mkdir -p "$dir"
base=https://raw.githubusercontent.com/llvm/llvm-project/main/llvm/test/ExecutionEngine/JITLink/AArch64
for f in ELF_R_AARCH64_ABS32.yaml ELF_ehframe.test ELF_aarch64_be.s ELF_aarch64_ehframe.s ELF_ehframe.s ELF_ehframe_be.s ELF_got_plt_optimizations.s \
  ELF_minimal.s ELF_relocations.s ELF_relocations_be.s ELF_section_start_and_stop_symbols.s \
  ELF_zero_sized_symbols_with_show_addrs.s; do
  curl -fsSL "$base/$f" -o "$dir/$f"
done
echo "$dir"
