# Error case: the link must fail.
# ABS: big=0x123456789
# ERROR: R_AARCH64_ABS32 to 'big' out of range: 0x123456789 not in [0x0, 0xffffffff]
# LLVM16: no
# LLVM22: yes
        .data
        .globl d
d:
        .word big
        .text
        .globl main
main:
        ret
