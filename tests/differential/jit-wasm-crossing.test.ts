/**
 * Accesses that cross into the next page, in WebAssembly regions: they go through the arena's
 * bounce buffer (Memory.fastSlot, flushBounce) and stay in the region, where before each one left
 * for the interpreter's op (an LDP of Q registers 16 bytes off a page's alignment, as clang's
 * vectorized loops make, left once a page). Each access runs 24 times in a loop that also changes
 * the stored data and folds the loaded data into x12 and v20; the ts engine translating at once
 * must end as its interpreter does (registers, memory, fault) and as Unicorn does where the run
 * ends without a fault; where both pages are mapped read-write, with no exit of the region for an
 * op. Crossing into an unmapped page or a read-only one, the op decides (the fault, and what a
 * store wrote before it).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type Engine, type EngineKind, PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { disassemble } from '../../src/emu/ts/isa/index.ts';
import { emitterStats } from '../../src/emu/ts/jit/wasm.ts';
import { optionalOracle } from '../support/oracles.ts';
import { digest, endOf, pageBytes, xRegs } from '../support/region-words.ts';
import { words } from '../support/words.ts';

const unicorn = optionalOracle('unicorn', 'jit-wasm-crossing');

const CODE = 0x10000;
/** Two read-write pages; the page after them is unmapped. */
const DATA = 0x200000;
/** A read-write page followed by a read-only one. */
const WR = 0x204000;
const TRIPS = 24;

/** [disassembly, word, bytes accessed]: base x0; stored data in x1, x2 and v1-v4, loads into x10, x11, v10-v13. */
const ACCESSES: readonly (readonly [string, number, number])[] = [
  ['ldr x10, [x0]', 0xf940000a, 8],
  ['ldr w10, [x0]', 0xb940000a, 4],
  ['ldrh w10, [x0]', 0x7940000a, 2],
  ['ldr q10, [x0]', 0x3dc0000a, 16],
  ['ldr d10, [x0]', 0xfd40000a, 8],
  ['ldp x10, x11, [x0]', 0xa9402c0a, 16],
  ['ldp q10, q11, [x0]', 0xad402c0a, 32],
  ['ldp w10, w11, [x0]', 0x29402c0a, 8],
  ['ldpsw x10, x11, [x0]', 0x69402c0a, 8],
  ['str x1, [x0]', 0xf9000001, 8],
  ['str q1, [x0]', 0x3d800001, 16],
  ['stp x1, x2, [x0]', 0xa9000801, 16],
  ['stp q1, q2, [x0]', 0xad000801, 32],
  ['stp q1, q2, [x0], #0x20', 0xac810801, 32],
  ['ld1 {v10.16b, v11.16b, v12.16b, v13.16b}, [x0]', 0x4c40200a, 64],
  ['st1 {v1.16b, v2.16b, v3.16b, v4.16b}, [x0]', 0x4c002001, 64],
  ['ld4 {v10.4s, v11.4s, v12.4s, v13.4s}, [x0]', 0x4c40080a, 64],
  ['st4 {v1.4s, v2.4s, v3.4s, v4.4s}, [x0]', 0x4c000801, 64],
  ['st2 {v1.2d, v2.2d}, [x0], #32', 0x4c9f8c01, 32],
  ['ld4 {v10.d, v11.d, v12.d, v13.d}[1], [x0]', 0x4d60a40a, 32],
  ['st4 {v1.d, v2.d, v3.d, v4.d}[1], [x0]', 0x4d20a401, 32],
  ['st3 {v1.s, v2.s, v3.s}[2], [x0], #12', 0x4d9fa001, 12],
  ['ld4r {v10.2d, v11.2d, v12.2d, v13.2d}, [x0]', 0x4d60ec0a, 32],
];

/**
 * mov x0, x5; add x1, x1, x9; mov v1.d[0], x1; ACCESS; eor x12, x12, x10; eor v20.16b, v20.16b,
 * v10.16b; subs x9, x9, #1; b.ne loop; brk #0.
 */
const loop = (access: number): number[] => [
  0xaa0503e0,
  0x8b090021,
  0x4e081c21,
  access,
  0xca0a018c,
  0x6e2a1e94,
  0xf1000529,
  0x54ffff21,
  0xd4200000,
];

interface Outcome {
  state: string;
  memory: string;
  end: string;
}

let opExits = 0;
let regions = 0;

async function run(kind: EngineKind, access: number, base: number, jitThreshold?: number): Promise<Outcome> {
  const e: Engine = await createEngine(kind, jitThreshold === undefined ? {} : { jitThreshold });
  try {
    const code = loop(access);
    e.memMap(CODE, 0x1000, PROT_ALL);
    e.memWrite(CODE, words(...code));
    e.memMap(DATA, 0x2000, PROT_READ | PROT_WRITE);
    // The second page first: the pages' slots are not in address order in the arena.
    e.memWrite(DATA + 0x1000, pageBytes(7, 0x1000));
    e.memWrite(DATA, pageBytes(3, 0x1000));
    e.memMap(WR, 0x1000, PROT_READ | PROT_WRITE);
    e.memWrite(WR, pageBytes(11, 0x1000));
    e.memMap(WR + 0x1000, 0x1000, PROT_READ);
    e.memWrite(WR + 0x1000, pageBytes(13, 0x1000));
    for (let r = 1; r <= 30; r++) e.regWrite(`x${r}` as 'x0', 0x0123_4567_89ab_cdefn * BigInt(r));
    for (let v = 0; v < 32; v++)
      e.regWrite(`q${v}` as 'q0', 0x1122_3344_5566_7788_99aa_bbcc_ddee_ff00n * BigInt(v + 1));
    e.regWrite('x5', BigInt(base));
    e.regWrite('x9', BigInt(TRIPS));
    const end = endOf(e, CODE, CODE + 4 * (code.length - 1), 10_000);
    const regs = xRegs(e);
    for (let v = 0; v < 32; v++) regs.push(e.regRead(`q${v}` as 'q0').toString(16));
    regs.push(e.regRead('pc').toString(16));
    const memory = [digest(e.memRead(DATA, 0x2000)), digest(e.memRead(WR, 0x2000))].join(' ');
    if (e instanceof TsEngine && jitThreshold === 0) {
      opExits += e.wasmOpExits;
      regions += e.wasmRegions;
    }
    return { state: regs.join(' '), memory, end };
  } finally {
    e.close();
  }
}

/** Page offsets below the boundary at which an access of `bytes` starts (all of them cross it). */
const crossings = (bytes: number): number[] =>
  [...new Set([1, 2, 4, 8, 12, 16, 24, 31, 48, 63])].filter((k) => k < bytes);

describe('accesses that cross into the next page in WebAssembly regions', () => {
  // Runs last in the file: a module WebAssembly rejected would have left its loop in JavaScript unseen.
  afterAll(() => {
    expect(emitterStats.invalidModules).toBe(0);
  });

  it('names each access as its word', () => {
    for (const [text, w] of ACCESSES) expect(disassemble(w, CODE).replace(/\{ /g, '{').replace(/ \}/g, '}')).toBe(text);
  });

  it.each(ACCESSES)('%#: %s across two read-write pages stays in the region', async (_text, w, bytes) => {
    const [exits, made] = [opExits, regions];
    for (const k of crossings(bytes)) {
      const base = DATA + 0x1000 - k;
      const translated = await run('ts', w, base, 0);
      expect(translated.end).toBe(`until ${8 * TRIPS}`);
      expect(translated).toEqual(await run('ts', w, base, Number.POSITIVE_INFINITY));
      if (unicorn) {
        const uc = await run('unicorn', w, base);
        expect({ state: translated.state, memory: translated.memory }).toEqual({
          state: uc.state,
          memory: uc.memory,
        });
      }
    }
    expect(regions - made).toBe(crossings(bytes).length);
    expect(opExits - exits).toBe(0);
  });

  it.each(ACCESSES)('%#: %s into an unmapped or read-only page faults as the op does', async (text, w, bytes) => {
    const bases = crossings(bytes).flatMap((k) => [
      DATA + 0x2000 - k,
      ...(text.startsWith('st') ? [WR + 0x1000 - k] : []),
    ]);
    for (const base of bases) {
      const translated = await run('ts', w, base, 0);
      expect(translated.end).toMatch(/^fault MemoryFault/);
      expect(translated).toEqual(await run('ts', w, base, Number.POSITIVE_INFINITY));
    }
  });
});
