# Error case: the link must fail.
# ABS: far=0x1234
# ERROR: Unsupported aarch64 relocation:263: R_AARCH64_MOVW_UABS_G0
# LLVM16: yes
        .text
        .globl main
main:
        movz x0, #:abs_g0:far
