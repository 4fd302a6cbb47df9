// Program entry: the kernel leaves argc at [sp], then argv, envp and auxv. Clear the frame
// chain and hand sp to the C start-up code, which never returns.
  .text
  .globl _start
  .type _start, %function
_start:
  mov x29, #0
  mov x30, #0
  mov x0, sp
  and sp, x0, #~15
  bl __rt_start
  brk #1
  .size _start, . - _start
