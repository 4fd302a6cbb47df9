/**
 * The early WebAssembly tier (src/emu/ts/engine.ts, WASM_HOT_HITS and `wasmThreshold`): a loop
 * that can be WebAssembly is translated after a few hundred runs, long before the JavaScript tier's
 * warm-up ends; blocks WebAssembly cannot run are left out of the region as exits instead of
 * failing it; and a jump-table case first taken after the region was made (a BR leaving it)
 * makes the region again with that case (the cases after it together, after some exits). Each
 * program must end where the interpreter and Unicorn end, with the tier's effect seen in the
 * engine's region counts.
 */
import { describe, expect, it } from 'vitest';
import { type EngineKind, type EngineOptions, PROT_ALL } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { PRIMING_LOOP, TsEngine } from '../../src/emu/ts/engine.ts';
import { disassemble } from '../../src/emu/ts/isa/index.ts';
import { optionalOracle } from '../support/oracles.ts';
import { words } from '../support/words.ts';

const unicorn = optionalOracle('unicorn', 'jit-wasm-early');

const CODE = 0x10000;

/**
 * A jump table whose cases 2-7 are first taken at trip 500 (x9), after the region was made:
 *   mov x0, #0; mov x3, #0
 * loop: and x1, x0, #7; cmp x0, x9; and x10, x0, #1; csel x1, x10, x1, lo
 *       adr x2, cases; add x2, x2, x1, lsl #3; br x2
 * cases: eight pairs of one arithmetic instruction on x3 and `b next`
 * next: add x0, x0, #1; cmp x0, x4; b.ne loop; brk #0
 */
const LATE_CASES = [
  0xd2800000, 0xd2800003, 0x92400801, 0xeb09001f, 0x9240000a, 0x9a813141, 0x10000062, 0x8b010c42, 0xd61f0040,
  0x91000463, 0x1400000f, 0x91000863, 0x1400000d, 0xd27c0463, 0x1400000b, 0x91001063, 0x14000009, 0x8b000063,
  0x14000007, 0xd1001863, 0x14000005, 0x91001c63, 0x14000003, 0xd37ff863, 0x14000001, 0x91000400, 0xeb04001f,
  0x54fffce1, 0xd4200000,
];

/**
 * A counting loop with a floating-point block on a side path (every 256th trip):
 * loop: add x0, x0, #1; tst x0, #0xff; b.ne skip; fadd d0, d0, d1
 * skip: cmp x0, x4; b.ne loop; brk #0
 */
const SIDE_FP = [0x91000400, 0xf2401c1f, 0x54000041, 0x1e612800, 0xeb04001f, 0x54ffff61, 0xd4200000];

/**
 * A loop of 60 blocks of 14 arithmetic instructions, each ending in a `cbnz x20` to the end that is
 * never taken (x20 = 0), then `subs x9, x9, #1; b.ne loop; brk #0`: 61 blocks and 902
 * instructions, one page, which the early tier's search takes whole (the JavaScript tier's stops at
 * 12 blocks and so never closes this loop).
 */
function longLoop(): number[] {
  const out: number[] = [];
  const end = 60 * 15 + 2;
  for (let b = 0; b < 60; b++) {
    for (let k = 0; k < 7; k++) {
      out.push(0x91000421 | ((((b * 7 + k) % 4095) + 1) << 10)); // add x1, x1, #imm
      out.push(0xca010042); // eor x2, x2, x1
    }
    out.push(0xb5000014 | (((end - out.length) & 0x7ffff) << 5)); // cbnz x20, end
  }
  out.push(0xf1000529); // subs x9, x9, #1
  out.push(0x54000001 | ((-out.length & 0x7ffff) << 5)); // b.ne loop
  out.push(0xd4200000); // brk #0
  return out;
}
const LONG_LOOP = longLoop();

interface End {
  state: string;
  translated: number;
  wasm: number;
}

async function run(kind: EngineKind, program: 'late' | 'side' | 'long', options: EngineOptions = {}): Promise<End> {
  const e = await createEngine(kind, options);
  try {
    e.memMap(CODE, 0x1000, PROT_ALL);
    const code = program === 'late' ? LATE_CASES : program === 'side' ? SIDE_FP : LONG_LOOP;
    e.memWrite(CODE, words(...code));
    e.regWrite('x4', 3000n);
    e.regWrite('x9', program === 'long' ? 400n : 500n);
    // 0.25 as a double: d0 counts the side path's trips in quarters.
    e.regWrite('d1', 0x3fd0000000000000n);
    const r = e.start(CODE, CODE + 4 * (code.length - 1), { count: 1_000_000 });
    const regs = ['x0', 'x1', 'x2', 'x3', 'x10', 'd0', 'nzcv', 'pc'].map((n) => e.regRead(n as 'x0').toString(16));
    return {
      state: `${r.reason} ${r.instructions} ${regs.join(' ')}`,
      translated: e instanceof TsEngine ? e.translatedRegions : 0,
      wasm: e instanceof TsEngine ? e.wasmRegions : 0,
    };
  } finally {
    e.close();
  }
}

describe('the early WebAssembly tier', () => {
  it('encodes the programs it says', () => {
    const text = (ws: number[]): string[] => ws.map((w, i) => disassemble(w, CODE + 4 * i).split(' //')[0] as string);
    expect(text(LATE_CASES.slice(2, 9))).toEqual([
      'and x1, x0, #0x7',
      'cmp x0, x9',
      'and x10, x0, #0x1',
      'csel x1, x10, x1, lo',
      'adr x2, #0xc',
      'add x2, x2, x1, lsl #3',
      'br x2',
    ]);
    expect(LONG_LOOP.length).toBe(903);
    expect(text(LONG_LOOP.slice(0, 2))).toEqual(['add x1, x1, #0x1', 'eor x2, x2, x1']);
    expect(disassemble(LONG_LOOP[14] as number, CODE + 56)).toBe(`cbnz x20, 0x${(CODE + 4 * 902).toString(16)}`);
    expect(disassemble(LONG_LOOP[901] as number, CODE + 4 * 901)).toBe(`b.ne 0x${CODE.toString(16)}`);
    expect(text(SIDE_FP)).toEqual([
      'add x0, x0, #0x1',
      'tst x0, #0xff',
      'b.ne 0x10010',
      'fadd d0, d0, d1',
      'cmp x0, x4',
      'b.ne 0x10000',
      'brk #0',
    ]);
  });

  it('translates a loop with the default thresholds, long before the warm-up ends', async () => {
    const early = await run('ts', 'late');
    const interpreted = await run('ts', 'late', { jitThreshold: Number.POSITIVE_INFINITY });
    expect(early.wasm).toBeGreaterThan(0);
    expect(early.translated).toBe(early.wasm);
    expect(early.state).toBe(interpreted.state);
    if (unicorn) expect(early.state).toBe((await run('unicorn', 'late')).state);
    // Without WebAssembly nothing is early: the JavaScript tier waits for the warm-up.
    const off = await run('ts', 'late', { wasmRegions: false });
    expect(off.translated).toBe(0);
    expect(off.state).toBe(interpreted.state);
  });

  it('makes the region again when a BR takes a case first seen after it was made', async () => {
    // Only the early tier: the JavaScript tier never comes (a finite threshold keeps the tiers on).
    const late = await run('ts', 'late', { jitThreshold: 1e12, wasmThreshold: 16 });
    // The region of trip 16 knew cases 0 and 1. The first late case (trip 502) made it again at
    // once; cases 3-7, taken on the next trips, waited for REMAKE_EXITS exits and came into one
    // more region together (one region each was seven in all).
    expect(late.wasm).toBe(3);
    expect(late.translated).toBe(late.wasm);
    const interpreted = await run('ts', 'late', { jitThreshold: Number.POSITIVE_INFINITY });
    expect(late.state).toBe(interpreted.state);
    if (unicorn) expect(late.state).toBe((await run('unicorn', 'late')).state);
  });

  it('takes a loop of 61 blocks and 902 instructions as one WebAssembly region', async () => {
    const long = await run('ts', 'long');
    expect(long.wasm).toBe(1);
    expect(long.translated).toBe(1);
    const interpreted = await run('ts', 'long', { jitThreshold: Number.POSITIVE_INFINITY });
    expect(long.state).toBe(interpreted.state);
    expect(long.state.split(' ').slice(0, 2)).toEqual(['until', String(400 * 902)]);
    if (unicorn) expect(long.state).toBe((await run('unicorn', 'long')).state);
  });

  it('leaves a block WebAssembly cannot run out of the loop instead of giving the loop up', async () => {
    const side = await run('ts', 'side', { jitThreshold: 1e12, wasmThreshold: 16 });
    expect(side.wasm).toBeGreaterThan(0);
    expect(side.translated).toBe(side.wasm);
    const interpreted = await run('ts', 'side', { jitThreshold: Number.POSITIVE_INFINITY });
    expect(side.state).toBe(interpreted.state);
    // 3000 trips, the side path on 11 of them: d0 = 11 * 0.25 = 2.75.
    expect(side.state.split(' ')[7]).toBe(0x4006000000000000n.toString(16));
    if (unicorn) expect(side.state).toBe((await run('unicorn', 'side')).state);
  });

  it("primes the dispatcher in an engine of its own: a new engine's state is untouched", async () => {
    expect(PRIMING_LOOP.map((w, i) => disassemble(w, CODE + 4 * i).split(' //')[0])).toEqual([
      'and x1, x0, #0x3',
      'adr x2, #0xc',
      'add x2, x2, x1, lsl #3',
      'br x2',
      'add x3, x3, #0x1',
      'b 0x10030',
      'add x3, x3, #0x2',
      'b 0x10030',
      'bl 0x10040',
      'b 0x10030',
      'ldr x4, [x5, x1, lsl #3]',
      'b 0x10030',
      'str x3, [x5]',
      'subs x0, x0, #0x1',
      'b.ne 0x10000',
      'brk #0',
      'add x3, x3, #0x3',
      'ret',
    ]);
    // The first translation of a default engine in this file's thread (the tests above) ran the
    // priming loop at the same address.
    const e = new TsEngine();
    try {
      expect(e.memRegions()).toEqual([]);
      expect(e.instructionCount()).toBe(0);
      expect(e.translatedRegions).toBe(0);
      expect(e.regRead('x3')).toBe(0n);
      // Other words at the priming loop's address: its decoded ops must not be reused.
      e.memMap(CODE, 0x1000, PROT_ALL);
      e.memWrite(CODE, words(0x91002863, 0xd4200000)); // add x3, x3, #10; brk #0
      const r = e.start(CODE, CODE + 4, { count: 10 });
      expect([r.reason, r.instructions, e.regRead('x3')]).toEqual(['until', 1, 10n]);
    } finally {
      e.close();
    }
  });
});
