# The program of the archive tests: calls fa (member a_member_with_a_long_name.o), which calls
# fb (member b.o). unused.o references an undefined symbol: linking it would fail.
# jitlink-check: *{8}(got_addr(archive_main.o, fa)) = fa
# jitlink-check: *{8}b_data = fb
        .text
        .globl  main
        .p2align 2
main:
        bl      fa
        ret
        .size   main, 8
