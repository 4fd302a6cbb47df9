/**
 * A WebAssembly region is compiled again once it has run a budget of instructions, when a host
 * installed a compiler for that (src/emu/ts/jit/wasm-compiler.ts; the CLI's is v8-tiering.ts):
 * the region then runs the new module, with the same registers, flags and memory in the arena.
 *
 * Random loops of arithmetic and of loads and stores on a data page, counted down by SUBS/B.NE,
 * inside an outer loop whose MRS keeps it out of the region (so the region is called again and
 * again, and runs its second module after the promotion), with a random promotion budget (from one
 * instruction to more than the run): the ts engine with
 * the early WebAssembly tier must end in the registers, flags, pc, instruction count and memory of
 * its block interpreter, whether the second compilation succeeds or throws; each region is
 * compiled again at most once, from its own bytes with the promotion mark after them.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type Engine, PROT_ALL } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { decodeWord } from '../../src/emu/ts/isa/index.ts';
import {
  useWasmCompiler,
  type WasmCompiler,
  wasmCompiler,
  withPromotionMark,
} from '../../src/emu/ts/jit/wasm-compiler.ts';
import { tieringCompiler } from '../../src/emu/ts/v8-tiering.ts';
import { ALU_CLASSES, accessWord, classWord, digest, endOf, xRegs } from '../support/region-words.ts';
import { words } from '../support/words.ts';

type ModuleClass = (new (
  bytes: Uint8Array,
) => object) & {
  customSections(module: object, name: string): ArrayBuffer[];
};
/** The WebAssembly API as this test uses it (the project's TypeScript libraries do not declare it). */
interface TestWasm {
  Module: ModuleClass;
  validate(bytes: Uint8Array): boolean;
  CompileError: new () => Error;
}
const WA = (globalThis as unknown as { WebAssembly: TestWasm }).WebAssembly;

const CODE = 0x10000;
const DATA = 0x20000;
/**
 * Never written by the bodies: the loop counters (x9 inner, x11 outer), the data page's base
 * (x10), the MRS's destination (x12) and the inner count (x13).
 */
const RESERVED = new Set([9, 10, 11, 12, 13]);

const aluWord = classWord(ALU_CLASSES).filter((w) => {
  const d = decodeWord(w);
  return d !== null && d.def.exec !== undefined && !RESERVED.has(w & 31) && (d.def.flow ?? 'seq') === 'seq';
});
/** Accesses on x10 without writeback (the base stays in the page), to x0-x8. */
const dataWord = accessWord([10], fc.integer({ min: 0, max: 8 }), false, 6).filter((w) => {
  const d = decodeWord(w);
  if (d === null || d.def.exec === undefined) return false;
  return d.def.id === 'LDST_uimm' || d.def.id === 'LDST_unscaled' || d.def.id === 'LDSTP_off';
});

interface Case {
  body: number[];
  trips: number;
  outer: number;
  regs: bigint[];
  promoteAfter: number;
}

const loopCase: fc.Arbitrary<Case> = fc.record({
  body: fc.array(fc.oneof(aluWord, dataWord), { minLength: 1, maxLength: 8 }),
  trips: fc.integer({ min: 1, max: 40 }),
  outer: fc.integer({ min: 1, max: 40 }),
  regs: fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { minLength: 9, maxLength: 9 }),
  promoteAfter: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 200, max: 5000 })),
});

interface Outcome {
  end: string;
  regs: string[];
  nzcv: string;
  data: string;
}

async function run(c: Case, translate: boolean): Promise<Outcome> {
  const e: Engine = await createEngine(
    'ts',
    translate ? { jitThreshold: 1e12, wasmThreshold: 4 } : { jitThreshold: Number.POSITIVE_INFINITY },
  );
  try {
    const loop = [...c.body, 0xf1000529 /* subs x9, x9, #1 */];
    loop.push((0x54000001 | ((-loop.length & 0x7ffff) << 5)) >>> 0); // b.ne to the start
    loop.push(0xd53b420c); // mrs x12, nzcv
    loop.push(0xaa0d03e9); // mov x9, x13
    loop.push(0xf100056b); // subs x11, x11, #1
    loop.push((0x54000001 | ((-loop.length & 0x7ffff) << 5)) >>> 0); // b.ne to the start
    e.memMap(CODE, 0x1000, PROT_ALL);
    e.memMap(DATA, 0x2000, PROT_ALL);
    e.memWrite(CODE, words(...loop, 0xd4200000));
    c.regs.forEach((v, i) => {
      e.regWrite(`x${i}` as 'x0', v);
    });
    e.regWrite('x9', BigInt(c.trips));
    e.regWrite('x11', BigInt(c.outer));
    e.regWrite('x13', BigInt(c.trips));
    e.regWrite('x10', BigInt(DATA + 0x800));
    const end = endOf(e, CODE, CODE + 4 * loop.length, 100_000);
    return {
      end,
      regs: xRegs(e),
      nzcv: e.regRead('nzcv').toString(16),
      data: digest(e.memRead(DATA, 0x2000)),
    };
  } finally {
    e.close();
  }
}

/** The fork's own compiler (tests/support/tune-v8.ts installs the CLI's), put back after each test. */
const forkCompiler = wasmCompiler();
const restoreCompiler = (): void =>
  forkCompiler === null ? useWasmCompiler(null) : useWasmCompiler(forkCompiler.compile, forkCompiler.promoteAfter);

afterEach(restoreCompiler);

describe('WebAssembly regions compiled again after a budget', () => {
  it('end where the interpreter ends, and each region is compiled again once, from its own bytes', async () => {
    let promoted = 0;
    let failing = 0;
    await fc.assert(
      fc.asyncProperty(loopCase, fc.boolean(), async (c, fail) => {
        const first: Uint8Array[] = [];
        const again: Uint8Array[] = [];
        const compile: WasmCompiler = (bytes, optimize) => {
          (optimize ? again : first).push(bytes.slice());
          if (optimize && fail) throw new Error('planted: no second compilation');
          return new WA.Module(bytes);
        };
        useWasmCompiler(compile, () => c.promoteAfter);
        const translated = await run(c, true);
        restoreCompiler();
        expect(translated).toEqual(await run(c, false));
        // Promoted regions: at most one module each, and the same bytes as a first module.
        expect(again.length).toBeLessThanOrEqual(first.length);
        for (const bytes of again) {
          expect(first.some((f) => digest(withPromotionMark(f)) === digest(bytes))).toBe(true);
        }
        if (again.length > 0) {
          if (fail) failing++;
          else promoted++;
        }
      }),
      { numRuns: 150, seed: 20261205 },
    );
    // The runs really crossed their budgets, with the second module running and with it refused.
    expect(promoted).toBeGreaterThan(20);
    expect(failing).toBeGreaterThan(20);
  }, 120_000);

  it('the promotion mark is a custom section a module may carry', () => {
    const empty = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    const marked = withPromotionMark(empty);
    expect([...marked.subarray(8)]).toEqual([0, 2, 1, 0x6f]);
    expect(WA.validate(marked)).toBe(true);
    expect(WA.Module.customSections(new WA.Module(marked), 'o')).toHaveLength(1);
  });

  it("the CLI's compiler turns V8's tiering on only while it compiles a promoted module", () => {
    const flags: string[] = [];
    const compile = tieringCompiler((f) => flags.push(f));
    const module = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(compile(module, false)).toBeInstanceOf(WA.Module);
    expect(flags).toEqual([]);
    expect(compile(module, true)).toBeInstanceOf(WA.Module);
    expect(flags).toEqual(['--wasm-tier-up --wasm-dynamic-tiering', '--no-wasm-tier-up --no-wasm-dynamic-tiering']);
    // A module V8 refuses: the error goes to the region (which keeps its first module), tiering off again.
    expect(() => compile(new Uint8Array([1, 2, 3]), true)).toThrow(WA.CompileError);
    expect(flags.slice(2)).toEqual([
      '--wasm-tier-up --wasm-dynamic-tiering',
      '--no-wasm-tier-up --no-wasm-dynamic-tiering',
    ]);
  });
});
