// A branch to a misaligned address: the fetch there takes a PC alignment fault, SIGBUS (status
// 135) under Linux and qemu-aarch64 (Unicorn 2 instead decodes the misaligned word).
  .text
  .globl _start
_start:
  adr x0, target
  add x0, x0, #2
  br x0
target:
  mov x0, #0
  mov x8, #93
  svc #0
