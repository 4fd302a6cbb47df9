# What clang emits besides code: mergeable strings, init/fini arrays, __start_/__stop_ symbols,
# LLVM16: no
# LLVM22: no
# .bss, COMMON, .eh_frame (CFI), notes, .comment, .llvm_addrsig; dead stripping of locals.
# ABS: printf=0x1234000
# jitlink-check: *{1}hello = 0x68
# jitlink-check: *{8}str_ptr = hello
# jitlink-check: *{8}start_ptr = __start_custom_section
# jitlink-check: *{8}stop_ptr = __stop_custom_section
# jitlink-check: __stop_custom_section - __start_custom_section = 12
# jitlink-check: (*{8}start_ptr) + 4 = __start_custom_section + 4
# jitlink-check: *{4}(__start_custom_section + 8) = 0x33
# jitlink-check: *{8}bss_var = 0
# jitlink-check: *{8}common_ptr = common_var
# jitlink-check: common_var & 15 = 0
# jitlink-check: *{8}(section_addr(sections.o, .init_array)) = init_fn
# jitlink-check: *{8}(section_addr(sections.o, .fini_array)) = fini_fn
# jitlink-check: decode_operand(call_printf, 0) = (stub_addr(sections.o, printf) - call_printf)[27:2]
        .text
        .globl  main
        .p2align 2
        .type   main,@function
main:
        .cfi_startproc
        stp     x29, x30, [sp, #-16]!
        .cfi_def_cfa_offset 16
        adrp    x0, .L.str
        add     x0, x0, :lo12:.L.str
        .globl  call_printf
call_printf:
        bl      printf
        .size   call_printf, 4
        bl      helper
        ldp     x29, x30, [sp], #16
        ret
        .cfi_endproc
        .size   main, .-main

        .section .text.helper,"ax",@progbits
        .p2align 2
        .type   helper,@function
helper:
        .cfi_startproc
        ret
        .cfi_endproc
        .size   helper, .-helper

        .section .text.unused,"ax",@progbits
        .p2align 2
        .type   unused_static,@function
unused_static:
        .cfi_startproc
        ret
        .cfi_endproc
        .size   unused_static, .-unused_static

        .text
        .globl  init_fn
        .type   init_fn,@function
init_fn:
        ret
        .size   init_fn, 4
        .globl  fini_fn
        .type   fini_fn,@function
fini_fn:
        ret
        .size   fini_fn, 4

        .section .rodata.str1.1,"aMS",@progbits,1
.L.str:
        .globl  hello
hello:
        .asciz  "hello"

        .section custom_section,"aw",@progbits
        .word   0x11
        .word   0x22
        .word   0x33

        .section .init_array,"aw",@init_array
        .p2align 3
        .xword  init_fn
        .section .fini_array,"aw",@fini_array
        .p2align 3
        .xword  fini_fn

        .data
        .p2align 3
        .globl  str_ptr
str_ptr:
        .xword  hello
        .globl  start_ptr
start_ptr:
        .xword  __start_custom_section
        .globl  stop_ptr
stop_ptr:
        .xword  __stop_custom_section
        .globl  common_ptr
common_ptr:
        .xword  common_var

        .bss
        .globl  bss_var
        .p2align 3
bss_var:
        .zero   8
        .size   bss_var, 8

        .comm   common_var, 16, 16
        .ident  "orc-sandbox test"
        .section ".note.GNU-stack","",@progbits
        .addrsig
        .addrsig_sym helper
