// Static-pie entry: relocate ourselves, then continue at the ordinary _start (sp untouched).
  .text
  .globl _pie_start
  .type _pie_start, %function
_pie_start:
  bl __rt_self_relocate
  b _start
  .size _pie_start, . - _pie_start
