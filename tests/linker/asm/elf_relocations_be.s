# Big-endian (aarch64_be, BE8) objects: data fixups are written big-endian, instruction fixups
# patch little-endian words (A64 instructions are always little-endian). LLVM 22's JITLink
# rejects aarch64_be objects ("Object is not a relocatable ELF file"; LLVM main links them):
# checked by our rules and byte for byte against ld.lld-22 (tests/linker/lld.test.ts).
# TRIPLE: aarch64_be-unknown-linux-gnu
# LLVM16: no
# LLVM22: no
# ABS: external_data=0x1234deadbeef external_func=0x1234cafef00c small=0x12345678
        .text
        .globl  main
        .p2align 2
main:
        ret
        .size   main, 4

# jitlink-check: decode_operand(call_local, 0)[25:0] = (named_func - call_local)[27:2]
# jitlink-check: decode_operand(call_external, 0) = (stub_addr(elf_relocations_be.o, external_func) - call_external)[27:2]
# jitlink-check: *{8}(got_addr(elf_relocations_be.o, external_func)) = external_func
# jitlink-check: decode_operand(adrp_data, 1) = (named_data[63:12] - adrp_data[63:12])[20:0]
# jitlink-check: decode_operand(adrp_data + 4, 2) = named_data[11:3]
# jitlink-check: decode_operand(movz_g1, 1) = named_data[31:16]
# jitlink-check: *{8}(got_addr(elf_relocations_be.o, external_data)) = external_data
# jitlink-check: decode_operand(got_load + 4, 2) = got_addr(elf_relocations_be.o, external_data)[11:3]
        .globl  call_local
call_local:
        bl      named_func
        .globl  call_external
call_external:
        bl      external_func
        .globl  adrp_data
adrp_data:
        adrp    x0, named_data
        ldr     x0, [x0, :lo12:named_data]
        .globl  movz_g1
movz_g1:
        movz    x1, #:abs_g1_nc:named_data
        .globl  got_load
got_load:
        adrp    x2, :got:external_data
        ldr     x2, [x2, :got_lo12:external_data]
        .globl  named_func
named_func:
        ret

        .data
        .p2align 4
# jitlink-check: *{8}named_data = 0x1122334455667788
# jitlink-check: *{8}abs64_local = named_func
# jitlink-check: *{8}abs64_external = external_func
# jitlink-check: *{4}abs32 = small
# jitlink-check: *{4}prel32_pos = (named_func - prel32_pos)[31:0]
# jitlink-check: *{4}prel32_neg = (main - prel32_neg)[31:0]
# jitlink-check: *{8}prel64_neg = main - prel64_neg
# jitlink-check: *{1}abs64_local = (named_func >> 56)
        .globl  named_data
named_data:
        .quad   0x1122334455667788
        .globl  abs64_local
abs64_local:
        .quad   named_func
        .globl  abs64_external
abs64_external:
        .quad   external_func
        .globl  abs32
abs32:
        .word   small
        .globl  prel32_pos
prel32_pos:
        .word   named_func - .
        .globl  prel32_neg
prel32_neg:
        .word   main - .
        .p2align 3
        .globl  prel64_neg
prel64_neg:
        .quad   main - .
