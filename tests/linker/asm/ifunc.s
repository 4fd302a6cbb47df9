# IFUNC (STT_GNU_IFUNC) references: calls and address-taking go through the stub (lld's
# canonical PLT), whose GOT entry, like a data pointer to the IFUNC, is an IRELATIVE word linked
# with the resolver's address (LinkResult.irelative; glibc's apply_irel fills them).
# LLVM16: no
# LLVM22: no
        .text
        .globl  main
        .p2align 2
main:
        ret
        .size   main, 4

        .type   f_resolver, %function
f_resolver:
        adr     x0, f_impl
        ret
f_impl:
        mov     w0, #7
        ret
        .globl  f
        .type   f, %gnu_indirect_function
        .set    f, f_resolver

# jitlink-check: decode_operand(call_f, 0) = (stub_addr(ifunc.o, f) - call_f)[27:2]
# jitlink-check: decode_operand(addr_f, 1) = (stub_addr(ifunc.o, f)[63:12] - addr_f[63:12])[20:0]
# jitlink-check: decode_operand(addr_f + 4, 2) = stub_addr(ifunc.o, f)[11:0]
# jitlink-check: decode_operand(got_f + 4, 2) = got_addr(ifunc.o, f)[11:3]
# jitlink-check: *{8}(got_addr(ifunc.o, f)) = f
        .globl  call_f
call_f:
        bl      f
        .globl  addr_f
addr_f:
        adrp    x0, f
        add     x0, x0, :lo12:f
        .globl  got_f
got_f:
        adrp    x1, :got:f
        ldr     x1, [x1, :got_lo12:f]

        .data
        .p2align 3
# jitlink-check: *{8}ptr_f = f
        .globl  ptr_f
ptr_f:
        .quad   f
