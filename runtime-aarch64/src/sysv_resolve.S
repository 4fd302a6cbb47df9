// orc-sandbox executor runtime: the reentry routine of lazy reexports (AArch64, AAPCS64, ELF).
//
// __orc_rt_sysv_resolve is reached from a reentry trampoline T:
//     T+0:  stp  x29, x30, [sp, #-16]!     // caller's frame pointer and return address
//     T+4:  bl   __orc_rt_reenter          // Platform alias of __orc_rt_sysv_resolve (maybe via a PLT stub)
// so on entry x30 = T + 8 and [sp] = {caller x29, caller x30}. It saves every register a body may
// take as an argument or expect preserved, asks __orc_rt_resolve_implementation(T) for the body's
// address, restores everything (including the caller's x29/x30 pushed by T) and branches to the
// body, which then runs as if the caller had called it directly and returns straight to the caller.
//
// Frame (one allocation of 720 bytes; SP is a multiple of 16 after every instruction):
//
//   sp + 0   .. 127   x0..x15    (pairs: x0,x1 @0; x2,x3 @16; ... x14,x15 @112)
//   sp + 128 .. 207   x19..x28   (pairs: x19,x20 @128; ... x27,x28 @192)
//   sp + 208 .. 719   q0..q31    (pairs: q0,q1 @208; q2,q3 @240; ... q30,q31 @688)
//   sp + 720          caller x29 \ pushed by the trampoline; also a valid frame record, x29 points
//   sp + 728          caller x30 / here during the call so a backtrace shows the original caller
//   sp + 736          the caller's SP (at its call to the stub)
//
// Clobbered on the way to the body: x16, x17 (x17 = body address), x30 is the caller's again,
// NZCV and FPSR may change inside the resolver. x18 is not touched (the C part is built with
// -ffixed-x18). Everything else is restored bit for bit.
//
// Call frame information (.eh_frame) lets a debugger unwind from inside the resolver to the
// original caller: the CFA is the caller's SP at its call to the stub (sp + 16 on entry), the
// caller's x29/x30 are the pair the trampoline pushed, and the return address column is that x30,
// so the trampoline (which is no frame of its own) is skipped, as the body's return will skip it.

        .text
        .globl  __orc_rt_sysv_resolve
        .type   __orc_rt_sysv_resolve, %function
        .p2align 2
__orc_rt_sysv_resolve:
        .cfi_startproc
        .cfi_def_cfa sp, 16
        .cfi_offset x29, -16
        .cfi_offset x30, -8
        sub     sp, sp, #720
        .cfi_def_cfa_offset 736
        stp     x0, x1, [sp, #0]
        stp     x2, x3, [sp, #16]
        stp     x4, x5, [sp, #32]
        stp     x6, x7, [sp, #48]
        stp     x8, x9, [sp, #64]
        stp     x10, x11, [sp, #80]
        stp     x12, x13, [sp, #96]
        stp     x14, x15, [sp, #112]
        stp     x19, x20, [sp, #128]
        stp     x21, x22, [sp, #144]
        stp     x23, x24, [sp, #160]
        stp     x25, x26, [sp, #176]
        stp     x27, x28, [sp, #192]
        stp     q0, q1, [sp, #208]
        stp     q2, q3, [sp, #240]
        stp     q4, q5, [sp, #272]
        stp     q6, q7, [sp, #304]
        stp     q8, q9, [sp, #336]
        stp     q10, q11, [sp, #368]
        stp     q12, q13, [sp, #400]
        stp     q14, q15, [sp, #432]
        stp     q16, q17, [sp, #464]
        stp     q18, q19, [sp, #496]
        stp     q20, q21, [sp, #528]
        stp     q22, q23, [sp, #560]
        stp     q24, q25, [sp, #592]
        stp     q26, q27, [sp, #624]
        stp     q28, q29, [sp, #656]
        stp     q30, q31, [sp, #688]

        add     x29, sp, #720           // frame record {caller x29, caller x30} pushed by T
        .cfi_def_cfa x29, 16
        sub     x0, x30, #8             // x30 = T + 8  ->  x0 = T
        bl      __orc_rt_resolve_implementation
        mov     x17, x0                 // the body (returns only on success; aborts otherwise)

        ldp     q0, q1, [sp, #208]
        ldp     q2, q3, [sp, #240]
        ldp     q4, q5, [sp, #272]
        ldp     q6, q7, [sp, #304]
        ldp     q8, q9, [sp, #336]
        ldp     q10, q11, [sp, #368]
        ldp     q12, q13, [sp, #400]
        ldp     q14, q15, [sp, #432]
        ldp     q16, q17, [sp, #464]
        ldp     q18, q19, [sp, #496]
        ldp     q20, q21, [sp, #528]
        ldp     q22, q23, [sp, #560]
        ldp     q24, q25, [sp, #592]
        ldp     q26, q27, [sp, #624]
        ldp     q28, q29, [sp, #656]
        ldp     q30, q31, [sp, #688]
        ldp     x0, x1, [sp, #0]
        ldp     x2, x3, [sp, #16]
        ldp     x4, x5, [sp, #32]
        ldp     x6, x7, [sp, #48]
        ldp     x8, x9, [sp, #64]
        ldp     x10, x11, [sp, #80]
        ldp     x12, x13, [sp, #96]
        ldp     x14, x15, [sp, #112]
        ldp     x19, x20, [sp, #128]
        ldp     x21, x22, [sp, #144]
        ldp     x23, x24, [sp, #160]
        ldp     x25, x26, [sp, #176]
        ldp     x27, x28, [sp, #192]
        add     sp, sp, #720            // drop our frame
        .cfi_def_cfa sp, 16
        ldp     x29, x30, [sp], #16     // pop the caller's frame pointer and return address
        .cfi_def_cfa_offset 0
        .cfi_restore x29
        .cfi_restore x30
        br      x17                     // tail-call the body
        .cfi_endproc
        .size   __orc_rt_sysv_resolve, . - __orc_rt_sysv_resolve

        .section .note.GNU-stack,"",%progbits
