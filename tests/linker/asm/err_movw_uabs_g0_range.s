# Error case: MOVW_UABS_G0 (checked) of a value that needs more than 16 bits (ld.lld: "relocation
# R_AARCH64_MOVW_UABS_G0 out of range: 65536 is not in [0, 65535]").
# ABS: far=0x10000
# ERROR: R_AARCH64_MOVW_UABS_G0 to 'far' out of range: 0x10000 not in [0x0, 0xffff]
# LLVM16: no
# LLVM22: unsupported
        .text
        .globl main
main:
        movz x0, #:abs_g0:far
