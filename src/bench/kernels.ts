/**
 * Benchmark kernels as machine code (so `bench` needs no toolchain). Each listing is the
 * llvm-objdump-16 text of the words; tests/unit/bench-kernels.test.ts re-assembles the listings
 * with llvm-mc and checks the words.
 */

export interface Kernel {
  name: string;
  description: string;
  /** `assembly[i]` is the source line of `words[i]`. */
  assembly: string[];
  words: number[];
  /** Registers set before the run (iterations in x0, buffers...). */
  setup(iterations: number): Record<string, bigint>;
  /** Bytes of read-write data the kernel needs at DATA_BASE (x5 points there). */
  dataBytes: number;
  /** Exact instruction count for `iterations` when it is known in closed form. */
  instructions?(iterations: number): number;
  /** Iterations for a run of about 60 M instructions. */
  defaultIterations: number;
}

export const CODE_BASE = 0x10000;
export const DATA_BASE = 0x100000;

function k(lines: [string, number][]): Pick<Kernel, 'assembly' | 'words'> {
  return { assembly: lines.map((l) => l[0]), words: lines.map((l) => l[1]) };
}

export const KERNELS: Kernel[] = [
  {
    name: 'int-loop',
    description: 'integer loop: mul/eor/add/add/cmp/b.ne',
    ...k([
      ['mov x1, #0x1', 0xd2800021],
      ['mov x2, #0x3', 0xd2800062],
      ['mov x4, #0x0', 0xd2800004],
      ['mul x3, x1, x2', 0x9b027c23],
      ['eor x1, x3, x1', 0xca010061],
      ['add x2, x2, #0x1', 0x91000442],
      ['add x4, x4, x1', 0x8b010084],
      ['cmp x2, x0', 0xeb00005f],
      ['b.ne .-20', 0x54ffff61],
      ['brk #0', 0xd4200000],
    ]),
    setup: (n) => ({ x0: BigInt(n + 3) }),
    dataBytes: 0,
    instructions: (n) => 3 + 6 * n,
    defaultIterations: 10_000_000,
  },
  {
    name: 'mem-loop',
    description: 'memory-bound: load/add/store over a 64 KiB buffer',
    ...k([
      ['mov x2, #0x0', 0xd2800002],
      ['mov x4, #0x0', 0xd2800004],
      ['ldr x3, [x5, x2, lsl #3]', 0xf86278a3],
      ['add x4, x4, x3', 0x8b030084],
      ['add x4, x4, x2', 0x8b020084],
      ['str x4, [x5, x2, lsl #3]', 0xf82278a4],
      ['add x2, x2, #0x1', 0x91000442],
      ['and x2, x2, #0x1fff', 0x92403042],
      ['subs x0, x0, #0x1', 0xf1000400],
      ['b.ne .-28', 0x54ffff21],
      ['brk #0', 0xd4200000],
    ]),
    setup: (n) => ({ x0: BigInt(n), x5: BigInt(DATA_BASE) }),
    dataBytes: 0x10000,
    instructions: (n) => 2 + 8 * n,
    defaultIterations: 7_500_000,
  },
  {
    name: 'branch-loop',
    description: 'branch-heavy: Collatz steps with data-dependent branches',
    ...k([
      ['mov x1, #0x1b', 0xd2800361],
      ['mov x6, #0x0', 0xd2800006],
      ['tbz w1, #0x0, .+16', 0x36000081],
      ['add x1, x1, x1, lsl #1', 0x8b010421],
      ['add x1, x1, #0x1', 0x91000421],
      ['b .+8', 0x14000002],
      ['lsr x1, x1, #1', 0xd341fc21],
      ['cmp x1, #0x1', 0xf100043f],
      ['b.hi .+12', 0x54000068],
      ['add x6, x6, #0x1', 0x910004c6],
      ['add x1, x6, #0x1b', 0x91006cc1],
      ['subs x0, x0, #0x1', 0xf1000400],
      ['b.ne .-40', 0x54fffec1],
      ['brk #0', 0xd4200000],
    ]),
    setup: (n) => ({ x0: BigInt(n) }),
    dataBytes: 0,
    defaultIterations: 8_000_000,
  },
  {
    name: 'fp-loop',
    description: 'scalar double FP: fmadd/fmul/fadd/fsub/fdiv',
    ...k([
      ['fmov d0, #1.00000000', 0x1e6e1000],
      ['fmov d1, #0.50000000', 0x1e6c1001],
      ['fmov d2, #1.50000000', 0x1e6f1002],
      ['fmov d3, #0.25000000', 0x1e6a1003],
      ['fmadd d4, d0, d1, d3', 0x1f410c04],
      ['fmul d5, d4, d2', 0x1e620885],
      ['fadd d0, d0, d3', 0x1e632800],
      ['fsub d6, d5, d4', 0x1e6438a6],
      ['fdiv d1, d6, d0', 0x1e6018c1],
      ['subs x0, x0, #0x1', 0xf1000400],
      ['b.ne .-24', 0x54ffff41],
      ['brk #0', 0xd4200000],
    ]),
    setup: (n) => ({ x0: BigInt(n) }),
    dataBytes: 0,
    instructions: (n) => 4 + 7 * n,
    defaultIterations: 4_000_000,
  },
];
