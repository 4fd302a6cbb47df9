# Error case: the link must fail.
# ABS: 
# ERROR: R_AARCH64_CALL26 to 'main' misaligned
# LLVM16: yes
# LLVM22: yes
        .text
        .globl main
main:
        bl main + 2
        ret
