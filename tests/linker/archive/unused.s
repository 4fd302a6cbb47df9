        .text
        .globl  unused_fn
        .p2align 2
unused_fn:
        b       nowhere
        .size   unused_fn, 4
