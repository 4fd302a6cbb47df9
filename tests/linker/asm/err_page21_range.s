# Error case: the link must fail.
# ABS: far=0x1234deadb000
# ERROR: R_AARCH64_ADR_PREL_PG_HI21 to 'far' out of range
# LLVM16: yes
# LLVM22: yes
        .text
        .globl main
main:
        adrp x0, far
