# Error case: the link must fail.
# ABS: far=0x1234000000
# ERROR: R_AARCH64_CONDBR19 to 'far' out of range
# LLVM16: no
# LLVM22: yes
        .text
        .globl main
main:
        cbz x0, far
