# Relocations LLVM 16's JITLink lacks (CONDBR19, TSTBR14, LD_PREL_LO19, ADR_PREL_LO21, ABS32,
# LLVM16: no
# LLVM22: yes
# LD64_GOTPAGE_LO15) plus TLS descriptors and _GLOBAL_OFFSET_TABLE_: checked by us only.
# ABS: external_data=0x1234deadbeef small_abs=0x12345678 tv=0x40 __tlsdesc_resolver=0x1234567890

        .text
        .globl  main
        .p2align 2
main:
        ret
        .size   main, 4

# R_AARCH64_CONDBR19: CBZ forward, B.cond backward.
# jitlink-check: decode_operand(test_condbr19_cbz, 1) = (condbr19_target - test_condbr19_cbz)[20:2]
# jitlink-check: decode_operand(test_condbr19_bcond, 1)[18:0] = (main - test_condbr19_bcond)[20:2]
# jitlink-check: decode_operand(test_condbr19_bcond, 0) = 1
        .globl  test_condbr19_cbz
test_condbr19_cbz:
        cbz     x0, condbr19_target
        .size   test_condbr19_cbz, 4
        .globl  test_condbr19_bcond
test_condbr19_bcond:
        b.ne    main
        .size   test_condbr19_bcond, 4

# R_AARCH64_TSTBR14.
# jitlink-check: decode_operand(test_tstbr14_tbz, 1) = 63
# jitlink-check: decode_operand(test_tstbr14_tbz, 2) = (condbr19_target - test_tstbr14_tbz)[15:2]
# jitlink-check: decode_operand(test_tstbr14_tbnz, 2)[13:0] = (main - test_tstbr14_tbnz)[15:2]
        .globl  test_tstbr14_tbz
test_tstbr14_tbz:
        tbz     x1, #63, condbr19_target
        .size   test_tstbr14_tbz, 4
        .globl  test_tstbr14_tbnz
test_tstbr14_tbnz:
        tbnz    w1, #3, main
        .size   test_tstbr14_tbnz, 4

# R_AARCH64_LD_PREL_LO19.
# jitlink-check: decode_operand(test_ldr_prel_lo19, 1)[18:0] = (ldr_data - test_ldr_prel_lo19)[20:2]
        .globl  test_ldr_prel_lo19
test_ldr_prel_lo19:
        ldr     x0, ldr_data
        .size   test_ldr_prel_lo19, 4

# R_AARCH64_ADR_PREL_LO21 (byte granular).
# jitlink-check: decode_operand(test_adr_prel_lo21, 1)[20:0] = (ldr_data - test_adr_prel_lo21 + 3)[20:0]
        .globl  test_adr_prel_lo21
test_adr_prel_lo21:
        adr     x0, ldr_data + 3
        .size   test_adr_prel_lo21, 4

# R_AARCH64_LD64_GOTPAGE_LO15 and _GLOBAL_OFFSET_TABLE_.
# jitlink-check: decode_operand(test_ld64_gotpagelo15_external, 2) = \
# jitlink-check:     (got_addr(new_relocations.o, external_data) - \
# jitlink-check:     (section_addr(new_relocations.o, $__GOT) & 0xfffffffffffff000)) \
# jitlink-check:     [14:3]
# jitlink-check: *{8}(got_addr(new_relocations.o, external_data)) = external_data
# jitlink-check: decode_operand(test_got_base, 1)[20:0] = \
# jitlink-check:     (section_addr(new_relocations.o, $__GOT)[63:12] - test_got_base[63:12])[20:0]
        .globl  test_got_base
test_got_base:
        adrp    x1, _GLOBAL_OFFSET_TABLE_
        .size   test_got_base, 4
        .globl  test_ld64_gotpagelo15_external
test_ld64_gotpagelo15_external:
        ldr     x0, [x1, #:gotpage_lo15:external_data]
        .size   test_ld64_gotpagelo15_external, 4

# TLS descriptors: $__TLSDESC entry = { __tlsdesc_resolver, &TLSINFO entry }.
# jitlink-check: *{8}(section_addr(new_relocations.o, $__TLSDESC)) = __tlsdesc_resolver
# jitlink-check: *{8}(section_addr(new_relocations.o, $__TLSDESC) + 8) = section_addr(new_relocations.o, $__TLSINFO)
# jitlink-check: *{8}(section_addr(new_relocations.o, $__TLSINFO) + 8) = tv
# jitlink-check: decode_operand(test_tlsdesc_ldr, 2) = section_addr(new_relocations.o, $__TLSDESC)[11:3]
# jitlink-check: decode_operand(test_tlsdesc_add, 2) = section_addr(new_relocations.o, $__TLSDESC)[11:0]
        .globl  test_tlsdesc
test_tlsdesc:
        adrp    x0, :tlsdesc:tv
        .size   test_tlsdesc, 4
        .globl  test_tlsdesc_ldr
test_tlsdesc_ldr:
        ldr     x1, [x0, :tlsdesc_lo12:tv]
        .size   test_tlsdesc_ldr, 4
        .globl  test_tlsdesc_add
test_tlsdesc_add:
        add     x0, x0, :tlsdesc_lo12:tv
        .tlsdesccall tv
        blr     x1
        .size   test_tlsdesc_add, 4

        .globl  condbr19_target
condbr19_target:
        ret
        .size   condbr19_target, 4

        .data
        .p2align 3
        .globl  ldr_data
ldr_data:
        .quad   0x0123456789abcdef
        .size   ldr_data, 8

# R_AARCH64_ABS32.
# jitlink-check: *{4}abs32_external = small_abs
# jitlink-check: *{4}abs32_local = ldr_data + 4
        .globl  abs32_external
abs32_external:
        .word   small_abs
        .size   abs32_external, 4
        .globl  abs32_local
abs32_local:
        .word   ldr_data + 4
        .size   abs32_local, 4
