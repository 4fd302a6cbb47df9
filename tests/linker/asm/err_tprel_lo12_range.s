# Error case: TLSLE_ADD_TPREL_LO12 (checked) of a TP offset beyond 12 bits.
# ERROR: R_AARCH64_TLSLE_ADD_TPREL_LO12 to 'thi' out of range: 0x1010 not in [0x0, 0xfff]
# LLVM16: no
# LLVM22: unsupported
        .text
        .globl main
main:
        add     x0, x0, #:tprel_lo12:thi
        .section .tbss,"awT",@nobits
        .p2align 4
        .zero   0x1000
thi:
        .zero   4
