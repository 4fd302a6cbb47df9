/**
 * Translated loops leave their function at the loop head every few thousand instructions (so that
 * V8 runs call-optimized code, jit/compile.ts CALL_CAP) and keep the add/subtract carry as 0/1.
 * Runs that cross those exits many times must stop at exactly the budget and end in the state the
 * block interpreter and Unicorn reach, and a whole run must give the values of an independent model
 * of the program.
 */
import { describe, expect, it } from 'vitest';
import { CODE_BASE, KERNELS } from '../../src/bench/kernels.ts';
import { type EngineKind, PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { optionalOracle } from '../support/oracles.ts';

const unicorn = optionalOracle('unicorn', 'jit-loop');

function kernel(name: string) {
  const k = KERNELS.find((x) => x.name === name);
  if (k === undefined) throw new Error(`no kernel ${name}`);
  return k;
}

/**
 * A jump table of eight targets taken in turn (`br`), as CoreMark's state machine does: more
 * successors than a translated block's four links, so most of its exits go back to the dispatcher.
 *   mov x0, #0; mov x3, #0
 * loop: and x1, x0, #7; adr x2, cases; add x2, x2, x1, lsl #3; br x2
 * cases: add x3, x3, #1 / #2; eor x3, x3, #0x30; add x3, x3, #4 / x0; sub x3, x3, #6;
 *        add x3, x3, #7; lsl x3, x3, #1 (each followed by b next)
 * next: add x0, x0, #1; cmp x0, x4; b.ne loop; brk #0
 */
const JUMP_TABLE = {
  name: 'jump-table',
  words: [
    0xd2800000, 0xd2800003, 0x92400801, 0x10000062, 0x8b010c42, 0xd61f0040, 0x91000463, 0x1400000f, 0x91000863,
    0x1400000d, 0xd27c0463, 0x1400000b, 0x91001063, 0x14000009, 0x8b000063, 0x14000007, 0xd1001863, 0x14000005,
    0x91001c63, 0x14000003, 0xd37ff863, 0x14000001, 0x91000400, 0xeb04001f, 0x54fffd41, 0xd4200000,
  ],
  setup: (n: number) => ({ x4: BigInt(n) }),
};

/** The jump-table program's x3 after `n` trips. */
function jumpTable(n: number): bigint {
  const M = (1n << 64n) - 1n;
  let x3 = 0n;
  for (let i = 0; i < n; i++) {
    const k = i & 7;
    if (k === 0) x3 += 1n;
    else if (k === 1) x3 += 2n;
    else if (k === 2) x3 ^= 0x30n;
    else if (k === 3) x3 += 4n;
    else if (k === 4) x3 += BigInt(i);
    else if (k === 5) x3 -= 6n;
    else if (k === 6) x3 += 7n;
    else x3 <<= 1n;
    x3 &= M;
  }
  return x3;
}

/** The kernel run from its start with `count` as budget (0: to its final brk). */
async function run(kind: EngineKind, name: string, iterations: number, count: number, jitThreshold?: number) {
  const k = name === JUMP_TABLE.name ? JUMP_TABLE : kernel(name);
  const e = await createEngine(kind, { jitThreshold });
  try {
    e.memMap(CODE_BASE, 0x1000, PROT_ALL);
    e.memWrite(CODE_BASE, new Uint8Array(new Uint32Array(k.words).buffer));
    for (const [reg, v] of Object.entries(k.setup(iterations))) e.regWrite(reg as 'x0', v);
    const until = CODE_BASE + 4 * (k.words.length - 1);
    const r = e.start(CODE_BASE, until, { count });
    const regs = ['x0', 'x1', 'x2', 'x3', 'x4', 'x6', 'nzcv'].map((n) => `${n}=${e.regRead(n as 'x0').toString(16)}`);
    return `${r.reason}@${r.pc.toString(16)}:${r.instructions} ${regs.join(' ')}`;
  } finally {
    e.close();
  }
}

/** branch-loop's program in plain arithmetic: x1 after `n` Collatz trips, x6 the restarts. */
function collatz(n: number): { x1: bigint; x6: bigint } {
  let x1 = 27n;
  let x6 = 0n;
  for (let i = 0; i < n; i++) {
    x1 = (x1 & 1n) === 0n ? x1 >> 1n : 3n * x1 + 1n;
    if (x1 <= 1n) {
      x6 += 1n;
      x1 = x6 + 27n;
    }
  }
  return { x1, x6 };
}

/** int-loop's program: x4 after `n` trips (64-bit wrap-around). */
function intLoop(n: number): bigint {
  const M = (1n << 64n) - 1n;
  let x1 = 1n;
  let x2 = 3n;
  let x4 = 0n;
  for (let i = 0; i < n; i++) {
    x1 = ((x1 * x2) & M) ^ x1;
    x2 += 1n;
    x4 = (x4 + x1) & M;
  }
  return x4;
}

describe('translated loops over many calls', () => {
  // Budgets around the per-call cap (4096) and its multiples, and far past them.
  const COUNTS = [4095, 4096, 4097, 8193, 12289, 20011];

  /**
   * The whole run translated from the start equals the interpreter's and Unicorn's; every budget
   * in COUNTS stops there exactly, in the interpreter's state, translated at once or after 16 hits,
   * and in Unicorn's. Returns the whole run's state for the model checks.
   */
  async function agreesEverywhere(name: string, iterations: number): Promise<string> {
    const whole = await run('ts', name, iterations, 0, 0);
    expect(whole).toBe(await run('ts', name, iterations, 0, Number.POSITIVE_INFINITY));
    if (unicorn) expect(whole).toBe(await run('unicorn', name, iterations, 0));
    for (const count of COUNTS) {
      const ref = await run('ts', name, iterations, count, Number.POSITIVE_INFINITY);
      expect(ref).toMatch(new RegExp(`^count@[0-9a-f]+:${count} `));
      for (const t of [0, 16]) expect(await run('ts', name, iterations, count, t), `count ${count}`).toBe(ref);
      if (unicorn) expect(await run('unicorn', name, iterations, count), `count ${count}`).toBe(ref);
    }
    return whole;
  }

  it('branch-loop (a region of six blocks): exact budgets, and the model values at the end', async () => {
    const iterations = 5000;
    const whole = await agreesEverywhere('branch-loop', iterations);
    const m = collatz(iterations);
    expect(whole).toContain(`x1=${m.x1.toString(16)} `);
    expect(whole).toContain(`x6=${m.x6.toString(16)} `);
  });

  it('int-loop (a self-looping block): exact budgets, and the model values at the end', async () => {
    const iterations = 4000;
    const whole = await agreesEverywhere('int-loop', iterations);
    expect(whole).toContain(`x4=${intLoop(iterations).toString(16)} `);
    expect(whole.startsWith(`until@${(CODE_BASE + 36).toString(16)}:${3 + 6 * iterations} `)).toBe(true);
  });

  it('a jump table of eight targets: exact budgets, and the model values at the end', async () => {
    const iterations = 3000;
    const whole = await agreesEverywhere('jump-table', iterations);
    expect(whole.startsWith(`until@${(CODE_BASE + 0x64).toString(16)}:${2 + 9 * iterations} `)).toBe(true);
    expect(whole).toContain(`x3=${jumpTable(iterations).toString(16)} `);
  });
});

/**
 * Add, subtract, compare and multiply-accumulate over operand pairs at the edges of the int32
 * halves the translated code works in (carry out of bit 31 and bit 63, signed overflow, zero
 * results): snippets.ts computes carries from wrapped int32 sums (lowCarry, carryOut) and
 * compile.ts tests deferred flags directly (COND_OF), also those of ANDS/TST. One trip per pair, its
 * results stored:
 *   loop: mov x23, #0; ldp x1, x2, [x9], #16
 *     adds x3, x1, x2; cset x4, cs; cset x5, vs; cset x6, ge; cset x7, hi
 *     subs x8, x1, x2; cset x11, cs; cset x12, vs; cset x13, lt; cset x14, ls; cset x15, eq; cset x16, pl
 *     adds w17, w1, w2; cset x18, cs; cset x19, vs; subs w20, w1, w2; cset x21, cs; cset x22, gt
 *     stp x3, x8 / x17, x20 / x4, x5 / x6, x7 / x11, x12 / x13, x14 / x15, x16 / x18, x19 / x21, x22, [x28], #16
 *     adds x3, x1, x2, lsl #1; mrs x4, nzcv; subs x5, x1, w2, uxtw; mrs x6, nzcv; stp x3, x4 / x5, x6
 *     add x3, x1, x2; sub x4, x1, x2; add x5, x1, #0xfff; sub x6, x1, #1; add x7, x1, x2, lsl #3
 *     sub x8, x1, x2, asr #5; madd x11, x1, x2, x3; msub x12, x1, x2, x3; umaddl x13, w1, w2, x4
 *     smaddl x14, w1, w2, x4; umsubl x15, w1, w2, x4; add x16, x1, w2, uxtw; sub x17, x1, w2, sxtw #2
 *     add x18, x1, #1; sub x19, x1, #1, lsl #12; mul x20, x1, x2
 *     stp x3, x4 / x5, x6 / x7, x8 / x11, x12 / x13, x14 / x15, x16 / x17, x18 / x19, x20, [x28], #16
 *     cmp x1, x2; b.hi +8; add x23, x23, #1;  cmp x1, x2; b.ge +8; add x23, x23, #2
 *     cmn x1, x2; b.eq +8; add x23, x23, #4;  cmp w1, w2; b.lt +8; add x23, x23, #8
 *     cmn w1, w2; b.cs +8; add x23, x23, #16; cmp x1, x2; b.vs +8; add x23, x23, #32
 *     cmp x2, x1; b.mi +8; add x23, x23, #64
 *     cmp x1, x2; csinc x24, x1, x2, cc; mrs x25, nzcv; stp x23, x24, [x28], #16; str x25, [x28], #8
 *     mov x21, #0; tst x1, x2; cset x26, eq; cset x27, mi; b.eq +8; add x21, x21, #1
 *     ands w3, w1, w2; cset x4, ne; cset x5, pl; cset x6, cs; cset x7, vs; mrs x8, nzcv
 *     ands x11, x1, #0xff00000000000000; b.pl +8; add x21, x21, #2
 *     tst w1, #0x80000001; b.ne +8; add x21, x21, #4
 *     stp x26, x27 / x4, x5 / x6, x7 / x8, x3 / x11, x21, [x28], #16
 *     subs x10, x10, #1; b.ne loop
 *   brk #0
 */
const EDGE_WORDS = [
  0xd2800017, 0xa8c10921, 0xab020023, 0x9a9f37e4, 0x9a9f77e5, 0x9a9fb7e6, 0x9a9f97e7, 0xeb020028, 0x9a9f37eb,
  0x9a9f77ec, 0x9a9fa7ed, 0x9a9f87ee, 0x9a9f17ef, 0x9a9f47f0, 0x2b020031, 0x9a9f37f2, 0x9a9f77f3, 0x6b020034,
  0x9a9f37f5, 0x9a9fd7f6, 0xa8812383, 0xa8815391, 0xa8811784, 0xa8811f86, 0xa881338b, 0xa8813b8d, 0xa881438f,
  0xa8814f92, 0xa8815b95, 0xab020423, 0xd53b4204, 0xeb224025, 0xd53b4206, 0xa8811383, 0xa8811b85, 0x8b020023,
  0xcb020024, 0x913ffc25, 0xd1000426, 0x8b020c27, 0xcb821428, 0x9b020c2b, 0x9b028c2c, 0x9ba2102d, 0x9b22102e,
  0x9ba2902f, 0x8b224030, 0xcb22c831, 0x91000432, 0xd1400433, 0x9b027c34, 0xa8811383, 0xa8811b85, 0xa8812387,
  0xa881338b, 0xa8813b8d, 0xa881438f, 0xa8814b91, 0xa8815393, 0xeb02003f, 0x54000048, 0x910006f7, 0xeb02003f,
  0x5400004a, 0x91000af7, 0xab02003f, 0x54000040, 0x910012f7, 0x6b02003f, 0x5400004b, 0x910022f7, 0x2b02003f,
  0x54000042, 0x910042f7, 0xeb02003f, 0x54000046, 0x910082f7, 0xeb01005f, 0x54000044, 0x910102f7, 0xeb02003f,
  0x9a823438, 0xd53b4219, 0xa8816397, 0xf8008799, 0xd2800015, 0xea02003f, 0x9a9f17fa, 0x9a9f57fb, 0x54000040,
  0x910006b5, 0x6a020023, 0x9a9f07e4, 0x9a9f47e5, 0x9a9f37e6, 0x9a9f77e7, 0xd53b4208, 0xf2481c2b, 0x54000045,
  0x91000ab5, 0x7201043f, 0x54000041, 0x910012b5, 0xa8816f9a, 0xa8811784, 0xa8811f86, 0xa8810f88, 0xa881578b,
  0xf100054a, 0x54fff261, 0xd4200000,
];
const EDGES = [
  0n,
  1n,
  0x7fffffffn,
  0x80000000n,
  0xfffffffen,
  0xffffffffn,
  0x100000000n,
  0x1ffffffffn,
  0x7fffffffffffffffn,
  0x8000000000000000n,
  0xffffffff00000000n,
  0xfffffffffffffffen,
  0xffffffffffffffffn,
  0x123456789abcdef0n,
];
const TABLE_AT = 0x100000;
const OUT_AT = 0x200000;
const TRIP_BYTES = 25 * 16 + 8;

async function edgeRun(kind: EngineKind, jitThreshold?: number): Promise<BigUint64Array> {
  const pairs = EDGES.flatMap((a) => EDGES.map((b) => [a, b]));
  const e = await createEngine(kind, { jitThreshold });
  try {
    e.memMap(CODE_BASE, 0x1000, PROT_ALL);
    e.memMap(TABLE_AT, 0x1000, PROT_READ | PROT_WRITE);
    e.memMap(OUT_AT, 0x20000, PROT_READ | PROT_WRITE);
    e.memWrite(CODE_BASE, new Uint8Array(new Uint32Array(EDGE_WORDS).buffer));
    e.memWrite(TABLE_AT, new Uint8Array(new BigUint64Array(pairs.flat()).buffer));
    e.regWrite('x9', BigInt(TABLE_AT));
    e.regWrite('x28', BigInt(OUT_AT));
    e.regWrite('x10', BigInt(pairs.length));
    const r = e.start(CODE_BASE, CODE_BASE + 4 * (EDGE_WORDS.length - 1));
    expect(r.reason).toBe('until');
    return new BigUint64Array(e.memRead(OUT_AT, pairs.length * TRIP_BYTES).slice().buffer);
  } finally {
    e.close();
  }
}

/** Where two runs' stored results first differ, as trip, operands and word in the trip. */
function firstDifference(got: BigUint64Array, ref: BigUint64Array): string {
  const perTrip = TRIP_BYTES / 8;
  for (let i = 0; i < ref.length; i++) {
    if (got[i] !== ref[i]) {
      const trip = Math.floor(i / perTrip);
      const a = EDGES[Math.floor(trip / EDGES.length)] as bigint;
      const b = EDGES[trip % EDGES.length] as bigint;
      return `x1=${a.toString(16)} x2=${b.toString(16)} word ${i % perTrip}: ${got[i]?.toString(16)} != ${ref[i]?.toString(16)}`;
    }
  }
  return 'none';
}

describe('translated add/subtract at the carry and overflow edges', () => {
  it("every pair of edge operands gives the interpreter's, Unicorn's and the model's results", async () => {
    const ref = await edgeRun('ts', Number.POSITIVE_INFINITY);
    for (const t of [0, 16]) expect(firstDifference(await edgeRun('ts', t), ref), `jitThreshold ${t}`).toBe('none');
    if (unicorn) expect(firstDifference(await edgeRun('unicorn'), ref), 'unicorn').toBe('none');
    // The first words of each trip against 64- and 32-bit arithmetic in BigInt.
    const M = (1n << 64n) - 1n;
    const W = (1n << 32n) - 1n;
    const flag = (x: boolean) => (x ? 1n : 0n);
    const sign = (x: bigint, bits: bigint) => (x >> (bits - 1n)) & 1n;
    const perTrip = TRIP_BYTES / 8;
    for (const [i, a] of EDGES.entries()) {
      for (const [j, b] of EDGES.entries()) {
        const at = (i * EDGES.length + j) * perTrip;
        const sum = (a + b) & M;
        const diff = (a - b) & M;
        const [aw, bw] = [a & W, b & W];
        const sumw = (aw + bw) & W;
        const diffw = (aw - bw) & W;
        const want = [
          sum,
          diff,
          sumw,
          diffw,
          flag(a + b > M),
          flag(sign(a, 64n) === sign(b, 64n) && sign(sum, 64n) !== sign(a, 64n)),
        ];
        const subs = [flag(a >= b), flag(sign(a, 64n) !== sign(b, 64n) && sign(diff, 64n) !== sign(a, 64n))];
        const adds32 = [flag(aw + bw > W), flag(sign(aw, 32n) === sign(bw, 32n) && sign(sumw, 32n) !== sign(aw, 32n))];
        const ctx = `x1=${a.toString(16)} x2=${b.toString(16)}`;
        expect([...ref.slice(at, at + 6)], ctx).toEqual(want);
        expect([...ref.slice(at + 8, at + 10)], ctx).toEqual(subs);
        expect([...ref.slice(at + 14, at + 16)], ctx).toEqual(adds32);
        // ANDS/TST: N and Z of the result, C = V = 0, in csets, NZCV and branches.
        const and64 = a & b;
        const and32 = aw & bw;
        const top = a & 0xff00000000000000n;
        const taken =
          (and64 !== 0n ? 1n : 0n) + (sign(top, 64n) === 1n ? 2n : 0n) + ((aw & 0x80000001n) === 0n ? 4n : 0n);
        const nz = (n: bigint, z: boolean) => (n << 31n) | (z ? 1n << 30n : 0n);
        const logic = [
          flag(and64 === 0n),
          sign(and64, 64n),
          flag(and32 !== 0n),
          flag(sign(and32, 32n) === 0n),
          0n,
          0n,
          nz(sign(and32, 32n), and32 === 0n),
          and32,
          top,
          taken,
        ];
        expect([...ref.slice(at + 41, at + 51)], ctx).toEqual(logic);
      }
    }
  });
});

describe('a translated region that stores into its own code', () => {
  /**
   * At the 50th trip the loop overwrites a later instruction of its own (add x5, x5, #1 becomes
   * add x5, x5, #100): the region must leave before it runs any block of the dropped code, also
   * where a block falls through into the next case.
   *   loop: add x1, x1, #1; cmp x1, #50; b.ne skip; str w3, [x4]
   *   skip: tbz w1, #0, patch; add x2, x2, #1
   *   patch: add x5, x5, #1; subs x0, x0, #1; b.ne loop; brk #0
   *   (data) add x5, x5, #100
   */
  const words = [
    0x91000421, 0xf100c83f, 0x54000041, 0xb9000083, 0x36000041, 0x91000442, 0x910004a5, 0xf1000400, 0x54ffff01,
    0xd4200000,
  ];
  async function go(kind: EngineKind, jitThreshold?: number, count = 0): Promise<string> {
    const e = await createEngine(kind, { jitThreshold });
    try {
      e.memMap(CODE_BASE, 0x1000, PROT_ALL);
      e.memWrite(CODE_BASE, new Uint8Array(new Uint32Array(words).buffer));
      e.regWrite('x0', 200n);
      e.regWrite('x3', 0x910190a5n);
      e.regWrite('x4', BigInt(CODE_BASE + 0x18));
      const r = e.start(CODE_BASE, CODE_BASE + 0x24, { count });
      const regs = ['x0', 'x1', 'x2', 'x5'].map((n) => `${n}=${e.regRead(n as 'x0')}`);
      return `${r.reason}@${r.pc.toString(16)}:${r.instructions} ${regs.join(' ')}`;
    } finally {
      e.close();
    }
  }

  it('runs the new instruction from the next trip on, as the interpreter and Unicorn do', async () => {
    const ref = await go('ts', Number.POSITIVE_INFINITY);
    expect(ref).toBe(`until@${(CODE_BASE + 0x24).toString(16)}:1501 x0=0 x1=200 x2=100 x5=${49 + 151 * 100}`);
    for (const t of [0, 1, 16]) expect(await go('ts', t), `jitThreshold ${t}`).toBe(ref);
    if (unicorn) expect(await go('unicorn')).toBe(ref);
    for (const count of [250, 251, 252, 253, 254, 700])
      for (const t of [0, 16]) expect(await go('ts', t, count)).toBe(await go('ts', Number.POSITIVE_INFINITY, count));
  });
});

/**
 * A loop region (three blocks) whose BR leaves it on the last trip, to a target 0x100 (an aligned address outside
 * the region's code, a brk) or 4 GiB (the address of a block plus 2^32: in int32 arithmetic it
 * would be that block's index) past the loop. The region dispatches on block indices, so a BR's pc
 * is checked to lie in the region's code first.
 *   mov x0, #0
 * loop: add x0, x0, #1; tbz w0, #0, skip; add x3, x3, #0
 * skip: add x3, x3, x0; cmp x0, x4; csel x5, x6, xzr, eq; adr x2, loop; add x2, x2, x5; br x2
 */
const BR_EXIT_WORDS = [
  0xd2800000, 0x91000400, 0x36000040, 0x91000063, 0x8b000063, 0xeb04001f, 0x9a9f00c5, 0x10ffff42, 0x8b050042,
  0xd61f0040,
];

async function brExit(kind: EngineKind, offset: bigint, jitThreshold?: number): Promise<string> {
  const e = await createEngine(kind, { jitThreshold });
  try {
    e.memMap(CODE_BASE, 0x1000, PROT_ALL);
    const words = new Uint32Array(0x400);
    words.set(BR_EXIT_WORDS);
    words[0x104 / 4] = 0xd4200000;
    e.memWrite(CODE_BASE, new Uint8Array(words.buffer));
    e.regWrite('x4', 3000n);
    e.regWrite('x6', offset);
    let reason: string;
    try {
      reason = e.start(CODE_BASE, CODE_BASE + 0x2000).reason;
    } catch (error) {
      reason = (error as Error).message;
    }
    return `${reason} pc=${e.regRead('pc').toString(16)} x3=${e.regRead('x3').toString(16)}`;
  } finally {
    e.close();
  }
}

describe('a region left by a BR', () => {
  it('stops where the interpreter and Unicorn stop, for a target beside the code and one 4 GiB away', async () => {
    const sum = ((3000n * 3001n) / 2n).toString(16);
    for (const [offset, end] of [
      [0x100n, `exception 7 at 0x${(CODE_BASE + 0x104).toString(16)}`],
      [0x100000000n, `unmapped fetch fault at 0x${(CODE_BASE + 4 + 2 ** 32).toString(16)}`],
    ] as const) {
      const ref = await brExit('ts', offset, Number.POSITIVE_INFINITY);
      expect(ref).toContain(end);
      expect(ref).toContain(` x3=${sum}`);
      for (const t of [0, 16]) expect(await brExit('ts', offset, t)).toBe(ref);
      if (unicorn) expect(await brExit('unicorn', offset)).toBe(ref);
    }
  });
});
