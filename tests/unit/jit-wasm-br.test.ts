/**
 * BR in a WebAssembly loop region (src/emu/ts/jit/wasm.ts): to a member block (a jump table's
 * cases, seen while the loop was interpreted) the region goes on inside; to any other block it
 * leaves with the target as the interpreter's BR computes it. Both programs must end where the
 * block interpreter, the JavaScript regions and Unicorn end, with WebAssembly regions really run.
 */
import { describe, expect, it } from 'vitest';
import { type EngineKind, PROT_ALL } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { disassemble } from '../../src/emu/ts/isa/index.ts';
import { optionalOracle } from '../support/oracles.ts';
import { words } from '../support/words.ts';

const unicorn = optionalOracle('unicorn', 'jit-wasm-br');

const CODE = 0x10000;
const FAR = 0x20000;

/**
 * Eight cases taken in turn through `br` (the jump table of tests/unit/jit-loop.test.ts):
 *   mov x0, #0; mov x3, #0
 * loop: and x1, x0, #7; adr x2, cases; add x2, x2, x1, lsl #3; br x2
 * cases: eight pairs of one arithmetic instruction and `b next`
 * next: add x0, x0, #1; cmp x0, x4; b.ne loop; brk #0
 */
const JUMP_TABLE = [
  0xd2800000, 0xd2800003, 0x92400801, 0x10000062, 0x8b010c42, 0xd61f0040, 0x91000463, 0x1400000f, 0x91000863,
  0x1400000d, 0xd27c0463, 0x1400000b, 0x91001063, 0x14000009, 0x8b000063, 0x14000007, 0xd1001863, 0x14000005,
  0x91001c63, 0x14000003, 0xd37ff863, 0x14000001, 0x91000400, 0xeb04001f, 0x54fffd41, 0xd4200000,
];

/**
 * A loop whose BR goes to a block of the region on even trips and to a block in another page on
 * odd ones, which comes back with `br x6` (x7 = the far block, x8 = `local`, x6 = `loop`):
 * loop: add x0, x0, #1; cmp x0, #40; b.eq done; ands x1, x0, #1; csel x5, x7, x8, ne; br x5
 * local: add x3, x3, #1; b loop
 * done: brk #0
 * far (0x20000): add x3, x3, #5; br x6
 */
const OUT_AND_BACK = [0x91000400, 0xf100a01f, 0x540000c0, 0xf2400001, 0x9a8810e5, 0xd61f00a0, 0x91000463, 0x17fffff9];
const DONE = CODE + 4 * OUT_AND_BACK.length;
const FAR_BLOCK = [0x91001463, 0xd61f00c0];

interface End {
  state: string;
  wasm: number;
}

async function run(kind: EngineKind, program: 'table' | 'out', jitThreshold?: number, wasm = true): Promise<End> {
  const e = await createEngine(kind, jitThreshold === undefined ? {} : { jitThreshold, wasmRegions: wasm });
  try {
    e.memMap(CODE, 0x1000, PROT_ALL);
    e.memMap(FAR, 0x1000, PROT_ALL);
    let until: number;
    if (program === 'table') {
      e.memWrite(CODE, words(...JUMP_TABLE));
      e.regWrite('x4', 1000n);
      until = CODE + 4 * (JUMP_TABLE.length - 1);
    } else {
      e.memWrite(CODE, words(...OUT_AND_BACK, 0xd4200000));
      e.memWrite(FAR, words(...FAR_BLOCK));
      e.regWrite('x7', BigInt(FAR));
      e.regWrite('x8', BigInt(CODE + 0x18));
      e.regWrite('x6', BigInt(CODE));
      until = DONE;
    }
    const r = e.start(CODE, until, { count: 100_000 });
    const regs = ['x0', 'x1', 'x2', 'x3', 'nzcv', 'pc'].map((n) => e.regRead(n as 'x0').toString(16));
    return {
      state: `${r.reason} ${r.instructions} ${regs.join(' ')}`,
      wasm: e instanceof TsEngine ? e.wasmRegions : 0,
    };
  } finally {
    e.close();
  }
}

describe('BR in WebAssembly regions', () => {
  it('encodes the programs it says', () => {
    expect(OUT_AND_BACK.map((w, i) => disassemble(w, CODE + 4 * i).split(' //')[0])).toEqual([
      'add x0, x0, #0x1',
      'cmp x0, #0x28',
      'b.eq 0x10020',
      'ands x1, x0, #0x1',
      'csel x5, x7, x8, ne',
      'br x5',
      'add x3, x3, #0x1',
      'b 0x10000',
    ]);
    expect(FAR_BLOCK.map((w) => disassemble(w, FAR))).toEqual(['add x3, x3, #0x5', 'br x6']);
  });

  for (const program of ['table', 'out'] as const) {
    it(`${program === 'table' ? 'a jump table inside the region' : 'a BR out of the region and back'}`, async () => {
      // Blocks are interpreted 16 times first, so the region knows the targets the BR took.
      const translated = await run('ts', program, 16);
      expect(translated.wasm).toBeGreaterThan(0);
      const interpreted = await run('ts', program, Number.POSITIVE_INFINITY);
      expect(translated.state).toBe(interpreted.state);
      expect((await run('ts', program, 16, false)).state).toBe(interpreted.state);
      if (unicorn) expect(translated.state).toBe((await run('unicorn', program)).state);
      // x3 by the programs' own arithmetic: the jump table's model is in jit-loop.test.ts; the
      // other adds 5 on each of the 20 odd trips and 1 on the 19 even ones before the end.
      if (program === 'out') expect(translated.state.split(' ')[5]).toBe((119).toString(16));
    });
  }
});
