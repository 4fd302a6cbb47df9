// Writes a line, then jumps to an unmapped address: SIGSEGV (status 139).
  .section .rodata
msg:
  .ascii "about to fault\n"
msg_end:
  .equ MSG_LEN, 15  // msg_end - msg

  .text
  .globl _start
_start:
  movz x0, #1
  movz x1, #:abs_g1:msg
  add x1, x1, #:lo12:msg
  movz x2, #MSG_LEN
  movz x8, #64
  svc #0
  movz x0, #0x1234
  ret x0
