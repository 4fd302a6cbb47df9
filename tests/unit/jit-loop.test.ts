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
import { oracle } from '../support/oracles.ts';

const unicorn = oracle('unicorn').available;
if (!unicorn) console.warn(`jit-loop: the Unicorn comparison is skipped: ${oracle('unicorn').detail}`);

function kernel(name: string) {
  const k = KERNELS.find((x) => x.name === name);
  if (k === undefined) throw new Error(`no kernel ${name}`);
  return k;
}

/** The kernel run from its start with `count` as budget (0: to its final brk). */
async function run(kind: EngineKind, name: string, iterations: number, count: number, jitThreshold?: number) {
  const k = kernel(name);
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

  it('branch-loop (a region of six blocks): exact budgets, and the model values at the end', async () => {
    const iterations = 5000;
    const whole = await run('ts', 'branch-loop', iterations, 0, 0);
    const m = collatz(iterations);
    expect(whole).toContain(`x1=${m.x1.toString(16)} `);
    expect(whole).toContain(`x6=${m.x6.toString(16)} `);
    expect(whole).toBe(await run('ts', 'branch-loop', iterations, 0, Number.POSITIVE_INFINITY));
    if (unicorn) expect(whole).toBe(await run('unicorn', 'branch-loop', iterations, 0));
    for (const count of COUNTS) {
      const ref = await run('ts', 'branch-loop', iterations, count, Number.POSITIVE_INFINITY);
      expect(ref).toMatch(new RegExp(`^count@[0-9a-f]+:${count} `));
      for (const t of [0, 16]) expect(await run('ts', 'branch-loop', iterations, count, t), `count ${count}`).toBe(ref);
      if (unicorn) expect(await run('unicorn', 'branch-loop', iterations, count), `count ${count}`).toBe(ref);
    }
  });

  it('int-loop (a self-looping block): exact budgets, and the model values at the end', async () => {
    const iterations = 4000;
    const whole = await run('ts', 'int-loop', iterations, 0, 0);
    expect(whole).toContain(`x4=${intLoop(iterations).toString(16)} `);
    expect(whole.startsWith(`until@${(CODE_BASE + 36).toString(16)}:${3 + 6 * iterations} `)).toBe(true);
    expect(whole).toBe(await run('ts', 'int-loop', iterations, 0, Number.POSITIVE_INFINITY));
    if (unicorn) expect(whole).toBe(await run('unicorn', 'int-loop', iterations, 0));
    for (const count of COUNTS) {
      const ref = await run('ts', 'int-loop', iterations, count, Number.POSITIVE_INFINITY);
      expect(ref).toMatch(new RegExp(`^count@[0-9a-f]+:${count} `));
      for (const t of [0, 16]) expect(await run('ts', 'int-loop', iterations, count, t), `count ${count}`).toBe(ref);
      if (unicorn) expect(await run('unicorn', 'int-loop', iterations, count), `count ${count}`).toBe(ref);
    }
  });
});
