# Error case: a TLSLE relocation whose target is not a thread-local object.
# ERROR: is not a thread-local (static TLS) object
# LLVM16: no
# LLVM22: unsupported
        .text
        .globl main
main:
        add     x0, x0, #:tprel_lo12_nc:plain
        .data
plain:
        .word 1
