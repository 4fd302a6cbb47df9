# Relocations LLVM 22's JITLink rejects and ld.lld links (lld's formulas and range checks):
# MOVW_UABS_G0/G1/G2 (checked), MOVW_SABS_G0/G1/G2, MOVW_PREL_G0..G3 (+_NC), ADR_PREL_PG_HI21_NC,
# PLT32, TLSLE_* and TLSIE_*. Checked by us, and byte for byte against ld.lld-22 -static
# (tests/linker/lld.test.ts; TLSIE: lld relaxes to local-exec, the TP offsets agree).
# LLVM16: no
# LLVM22: unsupported
# ABS: a16=0xfedc a32=0xfedcba98 a48=0xfedcba987654 s17=0xfffe far=0x123456789000 ext=0x7fff00f00000
        .text
        .globl  main
        .p2align 2
main:
        ret
        .size   main, 4

# MOVW_UABS_G0/G1/G2 (checked: 0 <= S+A < 2^16, 2^32, 2^48).
# jitlink-check: decode_operand(uabs, 1) = 0xfedc
# jitlink-check: decode_operand(uabs + 4, 1) = 0xfedc
# jitlink-check: decode_operand(uabs + 8, 1) = 0xfedc
# jitlink-check: decode_operand(uabs + 12, 2) = 0xba98
        .globl  uabs
uabs:
        movz    x0, #:abs_g0:a16
        movz    x1, #:abs_g1:a32
        movz    x2, #:abs_g2:a48
        movk    x3, #:abs_g1_nc:a48
        .size   uabs, 16

# MOVW_SABS_G0/G1/G2: MOVZ for S+A >= 0, MOVN (inverted immediate) for S+A < 0:
# 0xfffe; -2 = MOVN #1; -0x10002 >> 16 = MOVN #1, lsl 16; 0xfedc, lsl 32; (0xfffe - 2^41) >> 32 = MOVN #0x1ff, lsl 32.
# jitlink-check: *{4}sabs = 0xd29fffc0
# jitlink-check: *{4}(sabs + 4) = 0x92800021
# jitlink-check: *{4}(sabs + 8) = 0x92a00022
# jitlink-check: *{4}(sabs + 12) = 0xd2dfdb83
# jitlink-check: *{4}(sabs + 16) = 0x92c03fe4
        .globl  sabs
sabs:
        movz    x0, #:abs_g0_s:s17
        movz    x1, #:abs_g0_s:s17 - 0x10000
        movn    x2, #:abs_g1_s:s17 - 0x20000
        movz    x3, #:abs_g2_s:a48
        movz    x4, #:abs_g2_s:s17 - 0x20000000000
        .size   sabs, 20

# MOVW_PREL_G0..G3 and _NC: S+A-P, signed (MOVN when negative); checked: 17/33/49 bits.
# jitlink-check: decode_operand(prel, 1) = (prel_near - prel)[15:0]
# jitlink-check: (*{4}prel) & 0xff800000 = 0xd2800000
# jitlink-check: decode_operand(prel + 4, 1) = (0xffffffffffffffff - (main - (prel + 4)))[15:0]
# jitlink-check: (*{4}(prel + 4)) & 0xff800000 = 0x92800000
# jitlink-check: decode_operand(prel + 8, 1) = (main + 0x12345678 - (prel + 8))[31:16]
# jitlink-check: decode_operand(prel + 12, 1) = (main + 0x123456789abc - (prel + 12))[47:32]
# G3 takes bits [63:48] as they are: MOVZ even for a negative value (lld's unsigned shift).
# jitlink-check: decode_operand(prel + 16, 1) = (main - 0x1000000000000 - (prel + 16))[63:48]
# jitlink-check: (*{4}(prel + 16)) & 0xff800000 = 0xd2800000
# jitlink-check: decode_operand(prel + 20, 2) = (far - (prel + 20))[15:0]
# jitlink-check: decode_operand(prel + 24, 2) = (far - (prel + 24))[31:16]
# jitlink-check: decode_operand(prel + 28, 2) = (far - (prel + 28))[47:32]
# jitlink-check: (*{4}(prel + 28)) & 0xff800000 = 0xf2800000
        .globl  prel
prel:
        movz    x0, #:prel_g0:prel_near
        movz    x1, #:prel_g0:main
        movz    x2, #:prel_g1:main + 0x12345678
        movz    x3, #:prel_g2:main + 0x123456789abc
        movz    x4, #:prel_g3:main - 0x1000000000000
        movk    x5, #:prel_g0_nc:far
        movk    x6, #:prel_g1_nc:far
        movk    x7, #:prel_g2_nc:far
        .size   prel, 32
prel_near:
        nop

# ADR_PREL_PG_HI21_NC: no range check (far is beyond +-4 GiB).
# jitlink-check: decode_operand(adrp_nc, 1)[20:0] = (far[63:12] - adrp_nc[63:12])[20:0]
        .globl  adrp_nc
adrp_nc:
        adrp    x0, :pg_hi21_nc:far
        .size   adrp_nc, 4

# TLSLE: TP offsets, variant 1 (16-byte TCB, first block at alignTo(16, 16)).
# tdat1 = TP+0x10, tdat2 = TP+0x18, tbs1 = TP+0x20, thi = TP+0x12030 (LDR/STR immediates are scaled).
# jitlink-check: decode_operand(tlsle, 1) = 0
# jitlink-check: decode_operand(tlsle + 4, 2) = 0x18
# jitlink-check: decode_operand(tlsle + 8, 2) = 0x12
# jitlink-check: decode_operand(tlsle + 12, 2) = 0x30
# jitlink-check: decode_operand(tlsle + 16, 2) = 0x10
# jitlink-check: decode_operand(tlsle + 20, 2) = 0xc
# jitlink-check: decode_operand(tlsle + 24, 2) = 0x4
# jitlink-check: decode_operand(tlsle + 28, 2) = 0x3
# jitlink-check: decode_operand(tlsle + 32, 2) = 0x2
# jitlink-check: *{4}(tlsle + 36) = 0xd2c00005
# jitlink-check: decode_operand(tlsle + 40, 1) = 0x1
# jitlink-check: decode_operand(tlsle + 44, 2) = 0x2030
# jitlink-check: *{4}(tlsle + 48) = 0xd2800206
        .globl  tlsle
tlsle:
        movz    x0, #:tprel_g1:tdat2
        movk    x0, #:tprel_g0_nc:tdat2
        add     x1, x1, #:tprel_hi12:thi, lsl #12
        add     x1, x1, #:tprel_lo12_nc:thi
        ldrb    w3, [x3, #:tprel_lo12_nc:tdat1]
        ldrh    w3, [x3, #:tprel_lo12_nc:tdat2]
        ldr     w3, [x3, #:tprel_lo12_nc:tdat1]
        ldr     x3, [x3, #:tprel_lo12_nc:tdat2]
        ldr     q3, [x3, #:tprel_lo12_nc:tbs1]
        movz    x5, #:tprel_g2:tdat1
        movz    x5, #:tprel_g1:thi
        movk    x5, #:tprel_g0_nc:thi
        movz    x6, #:tprel_g0:tdat1
        .size   tlsle, 52

# TLSIE: a GOT entry holding the TP offset (ld.lld relaxes these to MOVZ/MOVK in a static link).
# jitlink-check: decode_operand(tlsie, 1) = (got_addr(lld_relocations.o, thi)[63:12] - tlsie[63:12])[20:0]
# jitlink-check: decode_operand(tlsie + 4, 2) = got_addr(lld_relocations.o, thi)[11:3]
# jitlink-check: *{8}(got_addr(lld_relocations.o, thi)) = 0x12030
        .globl  tlsie
tlsie:
        adrp    x0, :gottprel:thi
        ldr     x0, [x0, :gottprel_lo12:thi]
        .size   tlsie, 8

        .data
        .p2align 3
# PLT32: S+A-P to a function of this object (direct, as ld.lld links it statically).
# jitlink-check: *{4}plt32 = (prel_near - plt32)[31:0]
# jitlink-check: *{4}(plt32 + 4) = (main + 8 - (plt32 + 4))[31:0]
        .globl  plt32
plt32:
        .word   prel_near@PLT - .
        .word   main@PLT - . + 8
        .size   plt32, 8

        .section .rodata,"a",@progbits
        .p2align 2
# PLT32 to a symbol outside the graph: through its stub (the JIT's PLT); not compared with lld.
# jitlink-check: *{4}plt32_ext = (stub_addr(lld_relocations.o, ext) - plt32_ext)[31:0]
        .globl  plt32_ext
plt32_ext:
        .word   ext@PLT - .
        .size   plt32_ext, 4

        .section .tdata,"awT",@progbits
        .p2align 4
        .globl  tdat1
tdat1:
        .quad   0x1122334455667788
        .globl  tdat2
tdat2:
        .quad   0x99
        .section .tbss,"awT",@nobits
        .p2align 4
        .globl  tbs1
tbs1:
        .zero   16
tbig:
        .zero   0x12000
        .globl  thi
thi:
        .zero   16
