# Error case: ABS16 beyond [-2^15, 2^16) (ld.lld: "relocation R_AARCH64_ABS16 out of range").
# ABS: big=0x10000
# ERROR: R_AARCH64_ABS16 to 'big' out of range: 0x10000 not in [-0x8000, 0xffff]
# LLVM16: no
# LLVM22: unsupported
        .text
        .globl main
main:
        ret
        .data
        .globl d
d:
        .hword big
