# GOT/PLT optimisation (reference 5.4; LLVM 16 lacks it): checked by us only, linked with
# LLVM16: no
# LLVM22: no
# (LLVM 22's ELF/aarch64 JITLink has no GOT/PLT optimisation either: these rules fail there.)
# SLAB: 0xfff00000
# --slab-address 0xfff00000.
# ABS: var0=0xfff80008 var1=0xfe00000c var2=0xf00000014 func0=0xffff0000 func1=0x3fff0000000
# GOT load within +-1 MiB: adrp+ldr -> nop+adr.
# jitlink-check: *{4}load_var0 = 0xd503201f
# jitlink-check: (*{4}(load_var0 + 4)) & 0x9f00001f = 0x10000000
# jitlink-check: decode_operand(load_var0 + 4, 1) = (var0 - (load_var0 + 4))[20:0]
# Within +-4 GiB: adrp+ldr -> adrp+add.
# jitlink-check: decode_operand(load_var1, 1) = var1[64:12]-load_var1[64:12]
# jitlink-check: (*{4}(load_var1 + 4)) & 0xffc00000 = 0x91000000
# jitlink-check: decode_operand(load_var1 + 4, 2) = var1[11:0]
# Beyond 4 GiB: untouched GOT load.
# jitlink-check: decode_operand(load_var2, 1) = (got_addr(got_plt_opt.o, var2)[63:12] - load_var2[63:12])[20:0]
# jitlink-check: (*{4}(load_var2 + 4)) & 0xffc00000 = 0xf9400000
# jitlink-check: decode_operand(load_var2 + 4, 2) = got_addr(got_plt_opt.o, var2)[11:3]
# Calls in range bypass the PLT stub; out of range keep it.
# jitlink-check: decode_operand(call_func0, 0)[25:0] = (func0 - call_func0)[27:2]
# jitlink-check: decode_operand(call_func1, 0)[25:0] = (stub_addr(got_plt_opt.o, func1) - call_func1)[27:2]
        .text
        .globl  main
        .p2align 2
main:
        .globl  load_var0
load_var0:
        adrp    x0, :got:var0
        ldr     x0, [x0, :got_lo12:var0]
        .size   load_var0, 8
        .globl  load_var1
load_var1:
        adrp    x1, :got:var1
        ldr     x1, [x1, :got_lo12:var1]
        .size   load_var1, 8
        .globl  load_var2
load_var2:
        adrp    x2, :got:var2
        ldr     x2, [x2, :got_lo12:var2]
        .size   load_var2, 8
        .globl  call_func0
call_func0:
        bl      func0
        .size   call_func0, 4
        .globl  call_func1
call_func1:
        bl      func1
        .size   call_func1, 4
        ret
        .size   main, .-main
