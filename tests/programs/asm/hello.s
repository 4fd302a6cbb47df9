// write(1), write(2), exit_group(7): only MOVZ/ADD/SVC, so it runs whatever the ISA state.
  .section .rodata
msg:
  .ascii "hello from asm\n"
msg_end:
  .equ MSG_LEN, 15  // msg_end - msg
err:
  .ascii "to stderr\n"
err_end:
  .equ ERR_LEN, 10  // err_end - err

  .text
  .globl _start
_start:
  movz x0, #1
  movz x1, #:abs_g1:msg
  add x1, x1, #:lo12:msg
  movz x2, #MSG_LEN
  movz x8, #64
  svc #0
  add x19, x0, #0
  movz x0, #2
  movz x1, #:abs_g1:err
  add x1, x1, #:lo12:err
  movz x2, #ERR_LEN
  movz x8, #64
  svc #0
  add x20, x0, #0
  movz x0, #7
  movz x8, #94
  svc #0
