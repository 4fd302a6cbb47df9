# Every AArch64 ELF relocation that LLVM 16's JITLink supports, with jitlink-check rules.
# LLVM16: yes
# LLVM22: yes
# Checked by `orc-sandbox link` and by `llvm-jitlink-16 -noexec` (the oracle for the rules).
# External addresses are far (> 4 GiB) from any slab so the GOT/PLT optimisation leaves them alone.
# ABS: external_data=0x1234deadbeef external_func=0x1234cafef00c

        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        ret
        .size   main, .-main

        .globl  local_func
        .p2align 2
        .type   local_func,@function
local_func:
        ret
        .size   local_func, .-local_func

# R_AARCH64_CALL26 to a local function.
# jitlink-check: decode_operand(local_func_call26, 0)[25:0] = (local_func - local_func_call26)[27:2]
        .globl  local_func_call26
        .p2align 2
local_func_call26:
        bl      local_func
        .size   local_func_call26, .-local_func_call26

# R_AARCH64_JUMP26 to a local function.
# jitlink-check: decode_operand(local_func_jump26, 0)[25:0] = (local_func - local_func_jump26)[27:2]
        .globl  local_func_jump26
        .p2align 2
local_func_jump26:
        b       local_func
        .size   local_func_jump26, .-local_func_jump26

# R_AARCH64_ADR_PREL_PG_HI21 + R_AARCH64_ADD_ABS_LO12_NC.
# jitlink-check: decode_operand(test_adr_prel, 1)[20:0] = (named_data[63:12] - test_adr_prel[63:12])[20:0]
# jitlink-check: decode_operand(test_add_abs_lo12, 2) = (named_data + 0)[11:0]
        .globl  test_adr_prel
        .p2align 2
test_adr_prel:
        adrp    x0, named_data
        .size   test_adr_prel, .-test_adr_prel
        .globl  test_add_abs_lo12
test_add_abs_lo12:
        add     x0, x0, :lo12:named_data
        .size   test_add_abs_lo12, .-test_add_abs_lo12

# R_AARCH64_LDST8/16/32/64/128_ABS_LO12_NC (scaled immediates).
# jitlink-check: decode_operand(test_ldrb, 2) = (named_data + 0)[11:0]
# jitlink-check: decode_operand(test_ldrh, 2) = (named_data + 2)[11:1]
# jitlink-check: decode_operand(test_ldr_32bit, 2) = (named_data + 4)[11:2]
# jitlink-check: decode_operand(test_ldr_64bit, 2) = (named_data + 8)[11:3]
# jitlink-check: decode_operand(test_strb, 2) = (named_data + 0)[11:0]
# jitlink-check: decode_operand(test_str_64bit, 2) = (named_data + 8)[11:3]
# jitlink-check: decode_operand(test_ldr_128bit, 2) = (named_data + 16)[11:4]
        .globl  test_ldrb
test_ldrb:
        ldrb    w0, [x1, :lo12:named_data]
        .size   test_ldrb, 4
        .globl  test_ldrh
test_ldrh:
        ldrh    w0, [x1, :lo12:named_data+2]
        .size   test_ldrh, 4
        .globl  test_ldr_32bit
test_ldr_32bit:
        ldr     w0, [x1, :lo12:named_data+4]
        .size   test_ldr_32bit, 4
        .globl  test_ldr_64bit
test_ldr_64bit:
        ldr     x0, [x1, :lo12:named_data+8]
        .size   test_ldr_64bit, 4
        .globl  test_strb
test_strb:
        strb    w0, [x1, :lo12:named_data]
        .size   test_strb, 4
        .globl  test_str_64bit
test_str_64bit:
        str     x0, [x1, :lo12:named_data+8]
        .size   test_str_64bit, 4
        .globl  test_ldr_128bit
test_ldr_128bit:
        ldr     q0, [x1, :lo12:named_data+16]
        .size   test_ldr_128bit, 4

# R_AARCH64_MOVW_UABS_G0_NC .. G3.
# jitlink-check: decode_operand(test_movz_g0_nc, 1) = named_data[15:0]
# jitlink-check: decode_operand(test_movk_g1_nc, 2) = named_data[31:16]
# jitlink-check: decode_operand(test_movk_g2_nc, 2) = named_data[47:32]
# jitlink-check: decode_operand(test_movk_g3, 2) = named_data[63:48]
# jitlink-check: decode_operand(test_movk_g3, 3) = 48
        .globl  test_movz_g0_nc
test_movz_g0_nc:
        movz    x0, #:abs_g0_nc:named_data
        .size   test_movz_g0_nc, 4
        .globl  test_movk_g1_nc
test_movk_g1_nc:
        movk    x0, #:abs_g1_nc:named_data
        .size   test_movk_g1_nc, 4
        .globl  test_movk_g2_nc
test_movk_g2_nc:
        movk    x0, #:abs_g2_nc:named_data
        .size   test_movk_g2_nc, 4
        .globl  test_movk_g3
test_movk_g3:
        movk    x0, #:abs_g3:named_data
        .size   test_movk_g3, 4

# Call to an external function goes through a stub; the stub loads the GOT entry.
# jitlink-check: decode_operand(test_external_call, 0) = (stub_addr(elf_relocations.o, external_func) - test_external_call)[27:2]
# jitlink-check: *{8}(got_addr(elf_relocations.o, external_func)) = external_func
        .globl  test_external_call
        .p2align 2
test_external_call:
        bl      external_func
        .size   test_external_call, 4
        .globl  test_external_jump
test_external_jump:
        b       external_func
        .size   test_external_jump, 4

# R_AARCH64_ADR_GOT_PAGE + R_AARCH64_LD64_GOT_LO12_NC.
# jitlink-check: *{8}(got_addr(elf_relocations.o, external_data)) = external_data
# jitlink-check: decode_operand(test_adr_gotpage_external, 1) = \
# jitlink-check:     (got_addr(elf_relocations.o, external_data)[32:12] - test_adr_gotpage_external[32:12])[20:0]
# jitlink-check: decode_operand(test_ld64_gotlo12_external, 2) = got_addr(elf_relocations.o, external_data)[11:3]
        .globl  test_adr_gotpage_external
        .p2align 2
test_adr_gotpage_external:
        adrp    x0, :got:external_data
        .size   test_adr_gotpage_external, 4
        .globl  test_ld64_gotlo12_external
test_ld64_gotlo12_external:
        ldr     x0, [x0, :got_lo12:external_data]
        .size   test_ld64_gotlo12_external, 4

        ret

        .data
        .p2align 4
        .globl  named_data
named_data:
        .quad   0x1122334455667788
        .quad   0x99aabbccddeeff00
        .quad   0
        .quad   0
        .size   named_data, 32

# R_AARCH64_ABS64.
# jitlink-check: *{8}local_func_addr_quad = local_func
# jitlink-check: *{8}external_data_addr_quad = external_data + 0x10
        .globl  local_func_addr_quad
        .p2align 3
local_func_addr_quad:
        .xword  local_func
        .globl  external_data_addr_quad
external_data_addr_quad:
        .xword  external_data + 0x10

# R_AARCH64_PREL32 and R_AARCH64_PREL64 (positive and negative).
# jitlink-check: *{4}prel32_pos = (named_data - prel32_pos)[31:0]
# jitlink-check: *{4}prel32_neg = (main - prel32_neg)[31:0]
# jitlink-check: *{8}prel64_pos = named_data - prel64_pos + 8
# jitlink-check: *{8}prel64_neg = main - prel64_neg
        .globl  prel32_pos
prel32_pos:
        .word   named_data - .
        .globl  prel32_neg
prel32_neg:
        .word   main - .
        .globl  prel64_pos
prel64_pos:
        .xword  named_data + 8 - .
        .globl  prel64_neg
prel64_neg:
        .xword  main - .
