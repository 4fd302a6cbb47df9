        .text
        .globl  fb
        .p2align 2
fb:
        mov     w0, #42
        ret
        .size   fb, 8
        .data
        .globl  b_data
        .p2align 3
b_data:
        .quad   fb
        .size   b_data, 8
