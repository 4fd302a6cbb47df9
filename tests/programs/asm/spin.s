// Never ends: only --max-insns stops it.
  .text
  .globl _start
_start:
  nop
  b _start
