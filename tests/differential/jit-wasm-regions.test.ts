/**
 * Loop regions of register arithmetic and branches run as WebAssembly (src/emu/ts/jit/wasm.ts).
 * Random loops of the instructions it translates (drawn as random words, kept when the table
 * decodes them to one of those forms), split into several blocks by a random forward B.cond, CBZ
 * or TBZ, counted down by SUBS/B.NE, run with and without a random instruction budget: the ts
 * engine with every region translated (as WebAssembly, and as JavaScript with that form off) must
 * end in the registers, flags, pc and instruction count of the block interpreter and in the state
 * of native Unicorn (when present), and the WebAssembly form must really have run.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type Engine, type EngineKind, PROT_ALL, type RegName } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { decodeWord } from '../../src/emu/ts/isa/index.ts';
import { emitterStats } from '../../src/emu/ts/jit/wasm.ts';
import { optionalOracle } from '../support/oracles.ts';
import { expectLoopEverywhere } from '../support/region-loop.ts';
import { ALU_CLASSES, classWord } from '../support/region-words.ts';
import { words } from '../support/words.ts';

const unicorn = optionalOracle('unicorn', 'jit-wasm-regions');

const CODE = 0x10000;
const LOOP_REG = 9;
const ALU = new Set([
  'MOVZ',
  'MOVN',
  'MOVK',
  'ADD_imm',
  'ADDS_imm',
  'SUB_imm',
  'SUBS_imm',
  'ADD_reg',
  'ADDS_reg',
  'SUB_reg',
  'SUBS_reg',
  'AND_imm',
  'ORR_imm',
  'EOR_imm',
  'ANDS_imm',
  'AND_reg',
  'BIC_reg',
  'ORR_reg',
  'ORN_reg',
  'EOR_reg',
  'EON_reg',
  'ANDS_reg',
  'BICS_reg',
  'MADD',
  'MSUB',
  'UBFM',
  'SBFM',
  'BFM',
  'CSEL',
  'CSINC',
  'CSINV',
  'CSNEG',
  'LSLV',
  'LSRV',
  'ASRV',
  'RORV',
  'UDIV',
  'SDIV',
  'CLZ',
  'CLS',
  'EXTR',
  'ADR',
  'ADRP',
  'ADD_ext',
  'ADDS_ext',
  'SUB_ext',
  'SUBS_ext',
  'SMADDL',
  'SMSUBL',
  'UMADDL',
  'UMSUBL',
  'SMULH',
  'UMULH',
  'RBIT',
  'REV16',
  'REV32',
  'REV',
  'CCMP_reg',
  'CCMP_imm',
  'CCMN_reg',
  'CCMN_imm',
]);

/** A word of one of the translated forms that leaves the loop counter alone. */
const aluWord = classWord(ALU_CLASSES).filter((w) => {
  const d = decodeWord(w);
  if (d === null || !ALU.has(d.def.id)) return false;
  return (w & 31) !== LOOP_REG;
});

/** BFM (BFI, BFXIL) of any width and position, on x0-x8. */
const bfmWord = fc
  .record({
    sf: fc.boolean(),
    immr: fc.integer({ min: 0, max: 63 }),
    imms: fc.integer({ min: 0, max: 63 }),
    rn: fc.integer({ min: 0, max: 8 }),
    rd: fc.integer({ min: 0, max: 8 }),
  })
  .map(({ sf, immr, imms, rn, rd }) => {
    const size = sf ? 64 : 32;
    return ((sf ? 0xb3400000 : 0x33000000) | ((immr % size) << 16) | ((imms % size) << 10) | (rn << 5) | rd) >>> 0;
  });

interface LoopCase {
  head: number[];
  skipped: number[];
  tail: number[];
  branch: { kind: 'bcond' | 'cbz' | 'tbz'; cond: number; reg: number; bit: number; nz: boolean };
  /** A compare just before the branch (equal operands are likely with the small values). */
  cmp: { sf: boolean; n: number; m: number; imm: number | undefined } | undefined;
  trips: number;
  regs: bigint[];
  nzcv: number;
  budget: number | undefined;
}

/** Register values: any, small, and the edges of the signed and unsigned 32- and 64-bit ranges. */
const reg64 = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: 0n, max: 70n }),
  fc.constantFrom(0x7fffffffn, 0x80000000n, 0xffffffffn, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n),
);

const loopCaseOf = (word: fc.Arbitrary<number>): fc.Arbitrary<LoopCase> =>
  fc.record({
    head: fc.array(word, { minLength: 1, maxLength: 6 }),
    skipped: fc.array(word, { minLength: 1, maxLength: 3 }),
    tail: fc.array(word, { minLength: 0, maxLength: 4 }),
    branch: fc.record({
      kind: fc.constantFrom('bcond' as const, 'cbz' as const, 'tbz' as const),
      cond: fc.integer({ min: 0, max: 15 }),
      reg: fc.integer({ min: 0, max: 8 }),
      bit: fc.integer({ min: 0, max: 63 }),
      nz: fc.boolean(),
    }),
    cmp: fc.option(
      fc.record({
        sf: fc.boolean(),
        n: fc.integer({ min: 0, max: 8 }),
        m: fc.integer({ min: 0, max: 8 }),
        imm: fc.option(fc.integer({ min: 0, max: 70 }), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    trips: fc.integer({ min: 1, max: 40 }),
    regs: fc.array(reg64, { minLength: 31, maxLength: 31 }),
    nzcv: fc.integer({ min: 0, max: 15 }),
    budget: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
  });
const loopCase = loopCaseOf(aluWord);

function program(c: LoopCase): { words: number[]; end: number } {
  const code = [...c.head];
  const skipLen = c.skipped.length;
  // The compare and the branch: B.cond, CBZ/CBNZ or TBZ/TBNZ, forward over `skipped` when taken.
  const off = skipLen + 1;
  const b = c.branch;
  const k = c.cmp;
  if (k !== undefined) {
    // cmp Rn, Rm (subs zr, n, m) or cmp Rn, #imm (subs zr, n, #imm)
    const sf = k.sf ? 0x80000000 : 0;
    if (k.imm === undefined) code.push((sf | 0x6b00001f | (k.m << 16) | (k.n << 5)) >>> 0);
    else code.push((sf | 0x7100001f | (k.imm << 10) | (k.n << 5)) >>> 0);
  }
  if (b.kind === 'bcond') code.push((0x54000000 | (off << 5) | b.cond) >>> 0);
  else if (b.kind === 'cbz') code.push((0xb4000000 | (b.nz ? 1 << 24 : 0) | (off << 5) | b.reg) >>> 0);
  else
    code.push(
      ((b.bit >= 32 ? 0x80000000 : 0) |
        0x36000000 |
        (b.nz ? 1 << 24 : 0) |
        ((b.bit & 31) << 19) |
        (off << 5) |
        b.reg) >>>
        0,
    );
  code.push(...c.skipped, ...c.tail);
  code.push(0xf1000529); // subs x9, x9, #1
  const back = -code.length & 0x7ffff;
  code.push((0x54000001 | (back << 5)) >>> 0); // b.ne loop
  code.push(0xd4200000); // brk #0 (the run ends before it)
  return { words: code, end: CODE + 4 * (code.length - 1) };
}

interface Outcome {
  state: string;
  reason: string;
  instructions: number;
}

/** WebAssembly regions compiled by the test's ts engines. */
let wasmRegions = 0;

async function run(kind: EngineKind, c: LoopCase, jitThreshold: number | undefined, wasm = true): Promise<Outcome> {
  const e: Engine = await createEngine(kind, jitThreshold === undefined ? {} : { jitThreshold, wasmRegions: wasm });
  try {
    const p = program(c);
    e.memMap(CODE, 0x1000, PROT_ALL);
    e.memWrite(CODE, words(...p.words));
    c.regs.forEach((v, i) => {
      e.regWrite(`x${i}` as 'x0', v);
    });
    e.regWrite('x9', BigInt(c.trips));
    e.regWrite('sp', 0x7ff0n);
    e.regWrite('nzcv', BigInt(c.nzcv << 28));
    const r = e.start(CODE, p.end, c.budget === undefined ? {} : { count: c.budget });
    const regs: string[] = [];
    for (let i = 0; i <= 30; i++) regs.push(e.regRead(`x${i}` as 'x0').toString(16));
    regs.push(e.regRead('sp').toString(16), e.regRead('nzcv').toString(16), e.regRead('pc').toString(16));
    if (e instanceof TsEngine) wasmRegions += e.wasmRegions;
    return { state: regs.join(' '), reason: r.reason, instructions: r.instructions };
  } finally {
    e.close();
  }
}

describe('loop regions as WebAssembly', () => {
  // Runs last in the file: a module WebAssembly rejected would have left its loop in JavaScript unseen.
  afterAll(() => {
    expect(emitterStats.invalidModules).toBe(0);
  });

  it('end where the interpreter and Unicorn end (registers, NZCV, pc, count, reason)', async () => {
    const before = wasmRegions;
    await fc.assert(
      fc.asyncProperty(loopCase, async (c) => {
        const translated = await run('ts', c, 0);
        const interpreted = await run('ts', c, Number.POSITIVE_INFINITY);
        expect(translated).toEqual(interpreted);
        // The same regions as JavaScript (compile.ts) end there too.
        expect(await run('ts', c, 0, false)).toEqual(interpreted);
        if (unicorn) {
          const uc = await run('unicorn', c, undefined);
          expect(translated.state).toEqual(uc.state);
        }
      }),
      { numRuns: 400, seed: 20261204 },
    );
    expect(wasmRegions - before).toBeGreaterThan(100);
  }, 120_000);

  it('runs BFM (BFI, BFXIL) as the interpreter and Unicorn do', async () => {
    const before = wasmRegions;
    await fc.assert(
      fc.asyncProperty(loopCaseOf(fc.oneof(bfmWord, bfmWord, aluWord)), async (c) => {
        const translated = await run('ts', c, 0);
        expect(translated).toEqual(await run('ts', c, Number.POSITIVE_INFINITY));
        if (unicorn) expect(translated.state).toEqual((await run('unicorn', c, undefined)).state);
      }),
      { numRuns: 100, seed: 20261205 },
    );
    // Every run's loop became WebAssembly (a region of a form it does not run would stay JavaScript).
    expect(wasmRegions - before).toBeGreaterThanOrEqual(100);
  }, 120_000);

  // UDIV and SDIV branch around the division (jit/wasm.ts Emitter.divide): the divisors that
  // branch the other way (0, and -1 under SDIV with the most negative dividend) give the
  // architecture's results in a region as in the interpreter and on Unicorn.
  it('divides by 0 and by -1 (the most negative dividend too) as the architecture says', async () => {
    // udiv x3, x1, x2; sdiv x4, x1, x2; udiv w5, w1, w2; sdiv w6, w1, w2; subs x9, x9, #1; b.ne; brk #0
    const LOOP = [0x9ac20823, 0x9ac20c24, 0x1ac20825, 0x1ac20c26, 0xf1000529, 0x54ffff61, 0xd4200000];
    const M64 = 2n ** 64n;
    const cases: [bigint, bigint, string][] = [
      [7n, 0n, '0 0 0 0'],
      [M64 / 2n, M64 - 1n, '0 8000000000000000 0 0'],
      [M64 - 7n, M64 - 1n, '0 7 0 7'],
      [0x80000000n, 0xffffffffn, '0 0 0 80000000'],
      [100n, 7n, 'e e e e'],
      [M64 - 100n, 7n, '2492492492492484 fffffffffffffff2 24924916 fffffff2'],
    ];
    const read = (e: Engine): string =>
      ['x3', 'x4', 'x5', 'x6'].map((x) => e.regRead(x as 'x3').toString(16)).join(' ');
    for (const [x1, x2, expected] of cases) {
      const regs: [RegName, bigint][] = [
        ['x1', x1],
        ['x2', x2],
        ['x9', 3n],
      ];
      await expectLoopEverywhere({ loop: LOOP, regs, read, exits: 'none' }, expected, unicorn, `${x1} / ${x2}`);
    }
  });
});
