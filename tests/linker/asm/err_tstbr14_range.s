# Error case: the link must fail.
# ABS: far=0x10100000
# ERROR: R_AARCH64_TSTBR14 to 'far' out of range: 0x100000 not in [-0x8000, 0x7ffc]
# LLVM16: no
# LLVM22: yes
        .text
        .globl main
main:
        tbz x0, #1, far
