# Error case: the link must fail (TLSIE_MOVW_GOTTPREL_G1: neither LLVM's JITLink nor ours links it).
# ABS: tv=0x40
# ERROR: Unsupported aarch64 relocation:539: R_AARCH64_TLSIE_MOVW_GOTTPREL_G1
# LLVM16: yes
# LLVM22: unsupported
        .text
        .globl main
main:
        movz x0, #:gottprel_g1:tv
