# TLS relocations neither LLVM's JITLink nor ld.lld-22 links ("unknown relocation"), linked per
# the AArch64 ELF ABI: the checked TLSLE_*_TPREL_LO12 forms (0 <= X < 2^12) and
# TLSIE_LD_GOTTPREL_PREL19 (LDR literal of the TP-offset GOT entry). Checked by us only.
# LLVM16: no
# LLVM22: unsupported
        .text
        .globl  main
        .p2align 2
main:
        ret
        .size   main, 4

# tdat = TP+0x10, tbs = TP+0x20.
# jitlink-check: decode_operand(le, 2) = 0x20
# jitlink-check: decode_operand(le + 4, 2) = 0x20
# jitlink-check: decode_operand(le + 8, 2) = 0x10
# jitlink-check: decode_operand(le + 12, 2) = 0x4
# jitlink-check: decode_operand(le + 16, 2) = 0x8
# jitlink-check: decode_operand(le + 20, 2) = 0x2
# jitlink-check: decode_operand(le + 24, 2) = 0x1
        .globl  le
le:
        add     x2, x2, #:tprel_lo12:tbs
        ldrb    w4, [x4, #:tprel_lo12:tbs]
        ldrh    w4, [x4, #:tprel_lo12:tbs]
        ldr     w4, [x4, #:tprel_lo12:tdat]
        ldr     w4, [x4, #:tprel_lo12:tbs]
        ldr     x4, [x4, #:tprel_lo12:tdat]
        ldr     q6, [x6, #:tprel_lo12:tdat]
        .size   le, 28

# jitlink-check: decode_operand(ie, 1) = (got_addr(tls_checked.o, tbs) - ie)[20:2]
# jitlink-check: *{8}(got_addr(tls_checked.o, tbs)) = 0x20
        .globl  ie
ie:
        ldr     x1, :gottprel:tbs
        .size   ie, 4

        .section .tdata,"awT",@progbits
        .p2align 4
        .globl  tdat
tdat:
        .quad   7, 8
        .section .tbss,"awT",@nobits
        .p2align 4
        .globl  tbs
tbs:
        .zero   16
