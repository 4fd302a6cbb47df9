// orc-sandbox executor runtime: out-of-line atomics ("outline atomics") for AArch64 Linux.
//
// clang -moutline-atomics (the default for aarch64-linux-gnu) compiles atomic read-modify-write
// operations into calls to these helpers. Upstream (compiler-rt / libgcc) picks LSE instructions
// at run time; the emulated CPUs here are ARMv8.0 (no LSE), so every helper is an exclusive
// load / store loop. Signatures (N = 1, 2, 4, 8 bytes; M = N or 16; iN = the low N bytes of the
// w/x register, anything above them in the argument registers is ignored):
//
//   iM __aarch64_casM_ORDER  (iM expected, iM desired, iM *ptr)  returns the old value
//                            (cas16: expected x0:x1, desired x2:x3, ptr x4, old value in x0:x1)
//   iN __aarch64_swpN_ORDER  (iN value, iN *ptr)   *ptr = value            returns the old value
//   iN __aarch64_ldaddN_ORDER(iN value, iN *ptr)   *ptr = old + value      returns the old value
//   iN __aarch64_ldclrN_ORDER(iN value, iN *ptr)   *ptr = old & ~value     returns the old value
//   iN __aarch64_ldeorN_ORDER(iN value, iN *ptr)   *ptr = old ^ value      returns the old value
//   iN __aarch64_ldsetN_ORDER(iN value, iN *ptr)   *ptr = old | value      returns the old value
//
// ORDER: relax (LDXR/STXR), acq (LDAXR/STXR), rel (LDXR/STLXR), acq_rel (LDAXR/STLXR).
// The returned old value is zero-extended to 64 bits. A failed cas writes nothing (cas16 writes the
// observed value back, which is what makes its 128-bit read single-copy atomic).
// Registers written: x0 (and x1 for cas16), x15, x16, x17 and NZCV only, as upstream allows.

        .text

// ---- compare and swap, 1/2/4/8 bytes --------------------------------------------------------
.macro CAS_FN size, order, ldx, stx, r, ext
        .globl  __aarch64_cas\size\()_\order
        .type   __aarch64_cas\size\()_\order, %function
        .p2align 2
__aarch64_cas\size\()_\order:
        \ext    \r\()16, \r\()0
0:      \ldx    \r\()0, [x2]
        cmp     \r\()0, \r\()16
        b.ne    1f
        \stx    w17, \r\()1, [x2]
        cbnz    w17, 0b
1:      ret
        .size   __aarch64_cas\size\()_\order, . - __aarch64_cas\size\()_\order
.endm

// ---- swap ------------------------------------------------------------------------------------
.macro SWP_FN size, order, ldx, stx, r
        .globl  __aarch64_swp\size\()_\order
        .type   __aarch64_swp\size\()_\order, %function
        .p2align 2
__aarch64_swp\size\()_\order:
        mov     \r\()16, \r\()0
0:      \ldx    \r\()0, [x1]
        \stx    w17, \r\()16, [x1]
        cbnz    w17, 0b
        ret
        .size   __aarch64_swp\size\()_\order, . - __aarch64_swp\size\()_\order
.endm

// ---- load-op-store: ldadd (add), ldclr (bic), ldeor (eor), ldset (orr) -----------------------
.macro LDOP_FN name, op, size, order, ldx, stx, r
        .globl  __aarch64_\name\size\()_\order
        .type   __aarch64_\name\size\()_\order, %function
        .p2align 2
__aarch64_\name\size\()_\order:
        mov     \r\()16, \r\()0
0:      \ldx    \r\()0, [x1]
        \op     \r\()17, \r\()0, \r\()16
        \stx    w15, \r\()17, [x1]
        cbnz    w15, 0b
        ret
        .size   __aarch64_\name\size\()_\order, . - __aarch64_\name\size\()_\order
.endm

// ---- all helpers of one size and ordering ----------------------------------------------------
.macro SIZE_ORDER size, order, ldx, stx, r, ext
        CAS_FN  \size, \order, \ldx, \stx, \r, \ext
        SWP_FN  \size, \order, \ldx, \stx, \r
        LDOP_FN ldadd, add, \size, \order, \ldx, \stx, \r
        LDOP_FN ldclr, bic, \size, \order, \ldx, \stx, \r
        LDOP_FN ldeor, eor, \size, \order, \ldx, \stx, \r
        LDOP_FN ldset, orr, \size, \order, \ldx, \stx, \r
.endm

// ---- compare and swap, 16 bytes (register pairs) ---------------------------------------------
.macro CAS16_FN order, ldxp, stxp
        .globl  __aarch64_cas16_\order
        .type   __aarch64_cas16_\order, %function
        .p2align 2
__aarch64_cas16_\order:
        mov     x16, x0
        mov     x17, x1
0:      \ldxp   x0, x1, [x4]
        cmp     x0, x16
        ccmp    x1, x17, #0, eq
        b.ne    1f
        \stxp   w15, x2, x3, [x4]
        cbnz    w15, 0b
        ret
1:      \stxp   w15, x0, x1, [x4]
        cbnz    w15, 0b
        ret
        .size   __aarch64_cas16_\order, . - __aarch64_cas16_\order
.endm

        SIZE_ORDER 1, relax,   ldxrb,  stxrb,  w, uxtb
        SIZE_ORDER 1, acq,     ldaxrb, stxrb,  w, uxtb
        SIZE_ORDER 1, rel,     ldxrb,  stlxrb, w, uxtb
        SIZE_ORDER 1, acq_rel, ldaxrb, stlxrb, w, uxtb

        SIZE_ORDER 2, relax,   ldxrh,  stxrh,  w, uxth
        SIZE_ORDER 2, acq,     ldaxrh, stxrh,  w, uxth
        SIZE_ORDER 2, rel,     ldxrh,  stlxrh, w, uxth
        SIZE_ORDER 2, acq_rel, ldaxrh, stlxrh, w, uxth

        SIZE_ORDER 4, relax,   ldxr,   stxr,   w, mov
        SIZE_ORDER 4, acq,     ldaxr,  stxr,   w, mov
        SIZE_ORDER 4, rel,     ldxr,   stlxr,  w, mov
        SIZE_ORDER 4, acq_rel, ldaxr,  stlxr,  w, mov

        SIZE_ORDER 8, relax,   ldxr,   stxr,   x, mov
        SIZE_ORDER 8, acq,     ldaxr,  stxr,   x, mov
        SIZE_ORDER 8, rel,     ldxr,   stlxr,  x, mov
        SIZE_ORDER 8, acq_rel, ldaxr,  stlxr,  x, mov

        CAS16_FN relax,   ldxp,  stxp
        CAS16_FN acq,     ldaxp, stxp
        CAS16_FN rel,     ldxp,  stlxp
        CAS16_FN acq_rel, ldaxp, stlxp

        .section .note.GNU-stack,"",%progbits
