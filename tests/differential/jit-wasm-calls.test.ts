/**
 * A WebAssembly region takes in the functions its loop calls (src/emu/ts/engine.ts translate,
 * jit/wasm.ts): a BL goes on at its callee when the callee is a member, a RET at the return site
 * X30 names when that is a member, else it leaves the region with X30 as the pc; the callees may
 * sit on other pages than the loop, and a store into any of those pages drops the region.
 *
 * Random programs: a counted loop of random arithmetic that calls one or two functions of random
 * arithmetic (each with a random forward branch inside), on the loop's page, the next one or in a
 * mapping 192 KiB away (as `run` links objects), then
 * calls the first function once more from outside the loop; some store a new instruction over a
 * callee's first one at a random trip. The ts engine with only the early WebAssembly tier (after
 * 4 runs of a block) must end in the registers, flags, pc, instruction count and stop reason of its
 * block interpreter and in the state of native Unicorn (when present).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type Engine, type EngineKind, PROT_ALL } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { decodeWord, disassemble } from '../../src/emu/ts/isa/index.ts';
import { emitterStats } from '../../src/emu/ts/jit/wasm.ts';
import { optionalOracle } from '../support/oracles.ts';
import { ALU_CLASSES, classWord } from '../support/region-words.ts';
import { words } from '../support/words.ts';

const unicorn = optionalOracle('unicorn', 'jit-wasm-calls');

const CODE = 0x10000;
/** Where a callee goes on the loop's page, and on the next page. */
const NEAR = CODE + 0x400;
const FAR = CODE + 0x1000;
/** Where a callee goes in memory of its own, as `run` links an object (past the 64 KiB a region indexes by array). */
const DISTANT = CODE + 0x30000;
/** The loop counter, the store's word, address and trip, and the link register: never written by the bodies. */
const RESERVED = new Set([9, 10, 11, 12, 30]);

const aluWord = classWord(ALU_CLASSES).filter((w) => {
  const d = decodeWord(w);
  // Rd is bits 0-4 in all these forms; 31 is SP for some, which nothing here uses.
  return d !== null && d.def.exec !== undefined && !RESERVED.has(w & 31) && (d.def.flow ?? 'seq') === 'seq';
});

interface Callee {
  /** On the loop's page, the next page, or in a mapping 192 KiB away. */
  place: 'near' | 'far' | 'distant';
  body: number[];
  /** A TBZ/TBNZ on a body register over the next instruction (index into body), or none. */
  skip: { at: number; reg: number; bit: number; nz: boolean } | undefined;
}

interface CallCase {
  head: number[];
  mid: number[];
  f1: Callee;
  f2: Callee | undefined;
  /** Store a new first instruction over f1 (or f2) at this trip. */
  smc: { trip: number; word: number; second: boolean } | undefined;
  trips: number;
  regs: bigint[];
  budget: number | undefined;
}

const callee: fc.Arbitrary<Callee> = fc.record({
  place: fc.constantFrom('near', 'far', 'distant'),
  body: fc.array(aluWord, { minLength: 1, maxLength: 4 }),
  skip: fc.option(
    fc.record({
      at: fc.integer({ min: 0, max: 3 }),
      reg: fc.integer({ min: 0, max: 8 }),
      bit: fc.integer({ min: 0, max: 63 }),
      nz: fc.boolean(),
    }),
    { nil: undefined },
  ),
});

const callCase: fc.Arbitrary<CallCase> = fc.record({
  head: fc.array(aluWord, { minLength: 0, maxLength: 3 }),
  mid: fc.array(aluWord, { minLength: 0, maxLength: 2 }),
  f1: callee,
  f2: fc.option(callee, { nil: undefined }),
  smc: fc.option(fc.record({ trip: fc.integer({ min: 1, max: 60 }), word: aluWord, second: fc.boolean() }), {
    nil: undefined,
  }),
  trips: fc.integer({ min: 1, max: 60 }),
  regs: fc.array(fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 70n })), {
    minLength: 31,
    maxLength: 31,
  }),
  budget: fc.option(fc.integer({ min: 1, max: 1500 }), { nil: undefined }),
});

const bl = (from: number, to: number): number => (0x94000000 | (((to - from) / 4) & 0x3ffffff)) >>> 0;

/** A callee's words: its body with the optional TBZ/TBNZ, then RET. */
function calleeWords(f: Callee): number[] {
  const out = [...f.body];
  const s = f.skip;
  if (s !== undefined) {
    const tbz =
      ((s.bit >= 32 ? 0x80000000 : 0) | 0x36000000 | (s.nz ? 1 << 24 : 0) | ((s.bit & 31) << 19) | (2 << 5) | s.reg) >>>
      0;
    out.splice(Math.min(s.at, out.length - 1), 0, tbz);
  }
  out.push(0xd65f03c0); // ret
  return out;
}

/** The program as [address, word] pieces, its end (the final BRK) and where each callee starts. */
function program(c: CallCase): { pieces: [number, number[]][]; end: number; f1: number; f2: number } {
  // Two callees on the same page follow each other.
  const placed = (p: Callee['place']): number => (p === 'near' ? NEAR : p === 'far' ? FAR : DISTANT);
  const f1 = placed(c.f1.place);
  const f1Words = calleeWords(c.f1);
  const f2 = c.f2 === undefined ? 0 : c.f2.place === c.f1.place ? f1 + 4 * f1Words.length : placed(c.f2.place);
  const loop: number[] = [...c.head];
  const at = (): number => CODE + 4 * loop.length;
  loop.push(bl(at(), f1), ...c.mid);
  if (c.f2 !== undefined) loop.push(bl(at(), f2));
  if (c.smc !== undefined) {
    loop.push(0xeb0c013f); // cmp x9, x12
    loop.push(0x54000041); // b.ne over the store
    loop.push(0xb900016a); // str w10, [x11]
  }
  loop.push(0xf1000529); // subs x9, x9, #1
  loop.push((0x54000001 | ((-loop.length & 0x7ffff) << 5)) >>> 0); // b.ne loop
  loop.push(bl(at(), f1)); // once more, from outside the loop
  loop.push(0xd4200000); // brk #0 (the run ends before it)
  const pieces: [number, number[]][] = [
    [CODE, loop],
    [f1, f1Words],
  ];
  if (c.f2 !== undefined) pieces.push([f2, calleeWords(c.f2)]);
  return { pieces, end: CODE + 4 * (loop.length - 1), f1, f2 };
}

interface Outcome {
  state: string;
  reason: string;
  instructions: number;
}

let wasmRegions = 0;

async function run(kind: EngineKind, c: CallCase, translate: boolean): Promise<Outcome> {
  const options =
    kind === 'unicorn'
      ? {}
      : translate
        ? { jitThreshold: 1e12, wasmThreshold: 4 }
        : { jitThreshold: Number.POSITIVE_INFINITY };
  const e: Engine = await createEngine(kind, options);
  try {
    const p = program(c);
    e.memMap(CODE, 0x2000, PROT_ALL);
    e.memMap(DISTANT, 0x1000, PROT_ALL);
    for (const [address, ws] of p.pieces) e.memWrite(address, words(...ws));
    c.regs.forEach((v, i) => {
      e.regWrite(`x${i}` as 'x0', v);
    });
    e.regWrite('x9', BigInt(c.trips));
    if (c.smc !== undefined) {
      e.regWrite('x10', BigInt(c.smc.word));
      e.regWrite('x11', BigInt(c.smc.second && c.f2 !== undefined ? p.f2 : p.f1));
      // x9 at the compare counts down from `trips` to 1: 0 never matches.
      e.regWrite('x12', BigInt(Math.max(0, c.trips + 1 - c.smc.trip)));
    }
    e.regWrite('x30', 0n);
    // Without a drawn budget, one far above any program's length: a wrong return ends, not hangs.
    const r = e.start(CODE, p.end, { count: c.budget ?? 100_000 });
    const regs: string[] = [];
    for (let i = 0; i <= 30; i++) regs.push(e.regRead(`x${i}` as 'x0').toString(16));
    regs.push(e.regRead('nzcv').toString(16), e.regRead('pc').toString(16));
    if (e instanceof TsEngine) wasmRegions += e.wasmRegions;
    return { state: regs.join(' '), reason: r.reason, instructions: r.instructions };
  } finally {
    e.close();
  }
}

describe('WebAssembly regions with calls', () => {
  // Runs last in the file: a module WebAssembly rejected would have left its loop in JavaScript unseen.
  afterAll(() => {
    expect(emitterStats.invalidModules).toBe(0);
  });

  it('builds the programs it says', () => {
    const c: CallCase = {
      head: [],
      mid: [],
      f1: { place: 'near', body: [0x8b000063], skip: undefined },
      f2: { place: 'far', body: [0x8b4304e7, 0xd10024e7], skip: { at: 1, reg: 0, bit: 2, nz: false } },
      smc: { trip: 3, word: 0x910014e7, second: true },
      trips: 10,
      regs: [],
      budget: undefined,
    };
    const p = program(c);
    const text = (address: number, ws: number[]): string[] => ws.map((w, i) => disassemble(w, address + 4 * i));
    expect(text(CODE, (p.pieces[0] as [number, number[]])[1])).toEqual([
      'bl 0x10400',
      'bl 0x11000',
      'cmp x9, x12',
      'b.ne 0x10014',
      'str w10, [x11]',
      'subs x9, x9, #0x1',
      'b.ne 0x10000',
      'bl 0x10400',
      'brk #0',
    ]);
    expect(text(NEAR, (p.pieces[1] as [number, number[]])[1])).toEqual(['add x3, x3, x0', 'ret']);
    expect(text(FAR, (p.pieces[2] as [number, number[]])[1])).toEqual([
      'add x7, x7, x3, lsr #1',
      'tbz w0, #0x2, 0x1100c',
      'sub x7, x7, #0x9',
      'ret',
    ]);
  });

  it('end where the interpreter and Unicorn end (registers, NZCV, pc, count, reason)', async () => {
    const before = wasmRegions;
    await fc.assert(
      fc.asyncProperty(callCase, async (c) => {
        const translated = await run('ts', c, true);
        const interpreted = await run('ts', c, false);
        expect(translated).toEqual(interpreted);
        if (unicorn) expect(translated.state).toEqual((await run('unicorn', c, false)).state);
      }),
      { numRuns: 300, seed: 20261204 },
    );
    expect(wasmRegions - before).toBeGreaterThan(100);
  }, 120_000);
});
