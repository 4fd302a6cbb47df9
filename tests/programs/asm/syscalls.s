// A tour of the syscall layer; each result is kept in x19..x28 for the test to inspect.
  .section .rodata
msg:
  .ascii "syscalls done\n"
msg_end:
  .equ MSG_LEN, 14  // msg_end - msg

  .text
  .globl _start
_start:
  // brk(0) -> x19 ; brk(x19 + 0x3000) -> x20
  movz x0, #0
  movz x8, #214
  svc #0
  add x19, x0, #0
  add x0, x19, #3, lsl #12
  movz x8, #214
  svc #0
  add x20, x0, #0
  // mmap(0, 0x2000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, 0, 0) -> x21
  movz x0, #0
  movz x1, #0x2000
  movz x2, #3
  movz x3, #0x22
  movz x4, #0
  movz x5, #0
  movz x8, #222
  svc #0
  add x21, x0, #0
  // gettid -> x22
  movz x8, #178
  svc #0
  add x22, x0, #0
  // syscall 1000 (unimplemented) -> x23
  movz x0, #1
  movz x1, #2
  movz x8, #1000
  svc #0
  add x23, x0, #0
  // write(5, msg, 1) -> x24 (EBADF)
  movz x0, #5
  movz x1, #:abs_g1:msg
  add x1, x1, #:lo12:msg
  movz x2, #1
  movz x8, #64
  svc #0
  add x24, x0, #0
  // clock_gettime(CLOCK_MONOTONIC, x21) -> x25
  movz x0, #1
  add x1, x21, #0
  movz x8, #113
  svc #0
  add x25, x0, #0
  // getrandom(x21 + 16, 16, 0) -> x26
  add x0, x21, #16
  movz x1, #16
  movz x2, #0
  movz x8, #278
  svc #0
  add x26, x0, #0
  // uname(x21 + 64) -> x27
  add x0, x21, #64
  movz x8, #160
  svc #0
  add x27, x0, #0
  // ioctl(1, TCGETS, x21 + 512) -> x28 (ENOTTY)
  movz x0, #1
  movz x1, #0x5401
  add x2, x21, #512
  movz x8, #29
  svc #0
  add x28, x0, #0
  // writev(1, iov, 2) with the iovec array built by the host test? No: write(1, msg, len)
  movz x0, #1
  movz x1, #:abs_g1:msg
  add x1, x1, #:lo12:msg
  movz x2, #MSG_LEN
  movz x8, #64
  svc #0
  // exit_group(0)
  movz x0, #0
  movz x8, #94
  svc #0
