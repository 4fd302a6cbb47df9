// A permanently undefined instruction: SIGILL (status 132).
  .text
  .globl _start
_start:
  nop
  udf #0
