# Error case: the link must fail.
# ABS: near=0x10000002
# ERROR: R_AARCH64_CONDBR19 to 'near' misaligned
# LLVM16: no
# LLVM22: yes
        .text
        .globl main
main:
        b.eq near
