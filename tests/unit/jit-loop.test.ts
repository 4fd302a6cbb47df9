/**
 * Translated loops leave their function at the loop head every few thousand instructions (so that
 * V8 runs call-optimized code, jit/compile.ts CALL_CAP) and keep the add/subtract carry as 0/1.
 * Runs that cross those exits many times must stop at exactly the budget and end in the state the
 * block interpreter and Unicorn reach, and a whole run must give the values of an independent model
 * of the program.
 */
import { describe, expect, it } from 'vitest';
import { CODE_BASE, KERNELS } from '../../src/bench/kernels.ts';
import { type EngineKind, PROT_ALL } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { inCI, oracle } from '../support/oracles.ts';

const unicorn = oracle('unicorn').available;
if (!unicorn) {
  if (inCI) throw new Error(`jit-loop: CI needs the unicorn oracle: ${oracle('unicorn').detail}`);
  console.warn(`jit-loop: the Unicorn comparison is skipped: ${oracle('unicorn').detail}`);
}

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
