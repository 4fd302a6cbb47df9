# More relocations LLVM 22's JITLink rejects and ld.lld links: GOT_LD_PREL19 (LDR literal of a GOT
# entry), GOTPCREL32 (32-bit GOT-entry address - P), ABS16 and PREL16 (checked -2^15 <= X < 2^16).
# Checked by us and against ld.lld-22 (tests/linker/lld.test.ts: the GOT entries reached hold the
# same values; the 16-bit words are equal).
# MC: llvm-mc-22
# LLVM16: no
# LLVM22: unsupported
# ABS: ext=0x1234deadbeef h16=0xfedc
        .text
        .globl  main
        .p2align 2
main:
        ret
        .size   main, 4

# jitlink-check: decode_operand(got19, 1)[18:0] = (got_addr(lld_got_relocations.o, ext) - got19)[20:2]
# jitlink-check: *{8}(got_addr(lld_got_relocations.o, ext)) = ext
        .globl  got19
got19:
        ldr     x0, :got:ext
        .size   got19, 4

        .data
        .p2align 3
# jitlink-check: *{4}gotpc = (got_addr(lld_got_relocations.o, ext) - gotpc)[31:0]
# jitlink-check: *{2}abs16 = h16
# jitlink-check: *{2}prel16 = (main - prel16)[15:0]
        .globl  gotpc
gotpc:
        .word   ext@GOTPCREL
        .globl  abs16
abs16:
        .hword  h16
        .globl  prel16
prel16:
        .hword  main - .
