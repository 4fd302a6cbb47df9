# Error case: the link must fail.
# ABS: far=0x10200000
# ERROR: R_AARCH64_ADR_PREL_LO21 to 'far' out of range: 0x200000 not in [-0x100000, 0xfffff]
# LLVM16: no
# LLVM22: yes
        .text
        .globl main
main:
        adr x0, far
