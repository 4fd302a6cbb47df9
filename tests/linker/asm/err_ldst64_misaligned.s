# Error case: the link must fail.
# ABS: 
# ERROR: R_AARCH64_LDST64_ABS_LO12_NC to 'd' misaligned
# LLVM16: yes
# LLVM22: yes
        .text
        .globl main
main:
        ldr x0, [x1, :lo12:d + 4]
        .data
        .p2align 3
        .globl d
d:
        .quad 0, 0
