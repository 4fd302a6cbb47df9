# Error case: the link must fail.
# ABS: far=0x1234deadbeef
# ERROR: R_AARCH64_PREL32 to 'far' out of range
# LLVM16: yes
# LLVM22: yes
        .data
        .globl d
d:
        .word far - .
        .text
        .globl main
main:
        ret
