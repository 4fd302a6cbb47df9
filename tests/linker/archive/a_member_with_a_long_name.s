        .text
        .globl  fa
        .p2align 2
fa:
        b       fb
        .size   fa, 4
