/**
 * Loop regions with general-register loads and stores run as WebAssembly over the Memory's arena
 * (src/emu/arena.ts, src/emu/ts/jit/wasm.ts). Random loops of loads, stores, pairs, register
 * arithmetic and a call, their base registers pointing into three mapped pages, a page 1 MiB away (the same
 * TLB entry), a read-only page and an unmapped one: the ts engine with every region translated (as
 * WebAssembly, and as JavaScript with that form off) must end in the registers, flags, pc, count,
 * fault and memory of the block interpreter, and in Unicorn's registers and memory where the run
 * ends without a fault.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { setSharedArenas } from '../../src/emu/arena.ts';
import { type Engine, type EngineKind, PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { decodeWord } from '../../src/emu/ts/isa/index.ts';
import { emitterStats } from '../../src/emu/ts/jit/wasm.ts';
import { optionalOracle } from '../support/oracles.ts';
import {
  ALU_CLASSES,
  accessWord as accessWordOf,
  classWord,
  digest,
  endOf,
  pageBytes,
  xRegs,
} from '../support/region-words.ts';
import { words } from '../support/words.ts';

const unicorn = optionalOracle('unicorn', 'jit-wasm-memory');

const CODE = 0x10000;
const DATA = 0x200000; // three pages, read-write
const FAR = 0x300000; // one page, read-write, in DATA's TLB entry; the next one mapped, untouched
const RO = 0x204000; // one page, read-only (0x203000 stays unmapped)
const LOOP_REG = 9;
/** Base registers of the accesses; the arithmetic never writes them. */
const BASES = [0, 1, 2, 3];

/**
 * A general-register load or store (or pair) on a base register (x0-x3) with offsets from the
 * immediate or x4-x8 (small), loading into x10-x30 (or XZR).
 */
const accessWord = accessWordOf(BASES, fc.integer({ min: 10, max: 31 }), false, 6).filter((w) => {
  const d = decodeWord(w);
  if (d === null) return false;
  const rt = d.fields.rt as number;
  const rt2 = d.fields.rt2 as number | undefined;
  return rt !== LOOP_REG && rt2 !== LOOP_REG;
});

/** Register arithmetic that writes none of the bases, offsets (x4-x8) and loop counter. */
const aluWord = classWord(
  ALU_CLASSES.filter(([, v]) => v === 0x11000000 || v === 0x0a000000 || v === 0x0b000000 || v === 0x12800000),
).filter((w) => {
  const d = decodeWord(w);
  const rd = w & 31;
  return d !== null && d.def.exec !== undefined && rd >= 10;
});

const body = fc.array(fc.oneof({ weight: 3, arbitrary: accessWord }, { weight: 1, arbitrary: aluWord }), {
  minLength: 1,
  maxLength: 7,
});

interface MemCase {
  head: number[];
  skipped: number[];
  tail: number[];
  branch: { reg: number; nz: boolean };
  /** A call (BL) at the end of the head to a function after the loop (add x14, x14, #3; ret). */
  call: boolean;
  trips: number;
  bases: number[];
  regs: bigint[];
  fill: number;
  budget: number | undefined;
}

/** Base addresses: inside the pages (near their edges too), near the read-only and unmapped ones. */
const base = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: DATA + 0x200, max: DATA + 0x2c00 }) },
  fc.integer({ min: DATA + 0xff0, max: DATA + 0x1010 }),
  fc.integer({ min: FAR + 0x200, max: FAR + 0x1c00 }),
  fc.integer({ min: RO - 0x20, max: RO + 0xfff }),
  // The code's own page, past the code: no fast stores there (the page holds decoded code), so each
  // store leaves the region for its op, and drops the page's code.
  fc.integer({ min: CODE + 0x800, max: CODE + 0xe00 }),
);

const memCase: fc.Arbitrary<MemCase> = fc.record({
  head: body,
  skipped: body,
  tail: fc.array(fc.oneof(accessWord, aluWord), { minLength: 0, maxLength: 3 }),
  branch: fc.record({ reg: fc.integer({ min: 10, max: 15 }), nz: fc.boolean() }),
  call: fc.boolean(),
  trips: fc.integer({ min: 1, max: 30 }),
  bases: fc.array(base, { minLength: 4, maxLength: 4 }),
  regs: fc.array(fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 64n })), {
    minLength: 31,
    maxLength: 31,
  }),
  fill: fc.integer({ min: 0, max: 0xffffffff }),
  budget: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
});

function program(c: MemCase): { words: number[]; end: number } {
  const code = [...c.head];
  const bl = c.call ? code.push(0) - 1 : -1;
  // CBZ/CBNZ forward over `skipped`.
  code.push((0xb4000000 | (c.branch.nz ? 1 << 24 : 0) | ((c.skipped.length + 1) << 5) | c.branch.reg) >>> 0);
  code.push(...c.skipped, ...c.tail);
  code.push(0xf1000529); // subs x9, x9, #1
  const back = -code.length & 0x7ffff;
  code.push((0x54000001 | (back << 5)) >>> 0); // b.ne loop
  code.push(0xd4200000); // brk #0 (the run ends before it)
  const end = CODE + 4 * (code.length - 1);
  if (bl >= 0) {
    code[bl] = (0x94000000 | (code.length - bl)) >>> 0; // bl callee
    code.push(0x91000dce, 0xd65f03c0); // callee: add x14, x14, #3; ret
  }
  return { words: code, end };
}

interface Outcome {
  state: string;
  memory: string;
  end: string;
}

const RUNS = 300;
/** Cases run again with unshared arenas (registers copied around each call). */
const UNSHARED_RUNS = 80;
let wasmRegions = 0;
/** Engines whose registers ended in their arena's header (a shared arena), and the others. */
let resident = 0;
let copied = 0;

async function run(kind: EngineKind, c: MemCase, jitThreshold: number | undefined, wasm = true): Promise<Outcome> {
  const e: Engine = await createEngine(kind, jitThreshold === undefined ? {} : { jitThreshold, wasmRegions: wasm });
  try {
    const p = program(c);
    e.memMap(CODE, 0x1000, PROT_ALL);
    e.memWrite(CODE, words(...p.words));
    e.memMap(DATA, 0x3000, PROT_READ | PROT_WRITE);
    // Written last page first: the pages are not in address order in the arena either, so an access
    // that crosses into the next page cannot read on into its neighbour's slot unnoticed.
    const data = pageBytes(c.fill, 0x3000);
    for (let k = 2; k >= 0; k--) e.memWrite(DATA + 0x1000 * k, data.subarray(0x1000 * k, 0x1000 * (k + 1)));
    // FAR's second page is never written before the run: loads see the page of zeros until a store.
    e.memMap(FAR, 0x2000, PROT_ALL);
    e.memWrite(FAR, pageBytes(c.fill ^ 0x5a5a5a5a, 0x1000));
    e.memMap(RO, 0x1000, PROT_READ);
    e.memWrite(RO, pageBytes(c.fill ^ 0x3c3c3c3c, 0x1000));
    c.regs.forEach((v, i) => {
      e.regWrite(`x${i}` as 'x0', v);
    });
    c.bases.forEach((v, i) => {
      e.regWrite(`x${i}` as 'x0', BigInt(v));
    });
    for (let r = 4; r <= 8; r++) e.regWrite(`x${r}` as 'x0', (c.regs[r] as bigint) & 0x3fn);
    e.regWrite('x9', BigInt(c.trips));
    e.regWrite('sp', 0x7ff0n);
    // Without a drawn budget, one far above the loop's length: a run that loops for ever stops.
    const end = endOf(e, CODE, p.end, c.budget ?? 20_000);
    const regs = xRegs(e);
    regs.push(e.regRead('sp').toString(16), e.regRead('nzcv').toString(16), e.regRead('pc').toString(16));
    const memory = [CODE, DATA, FAR, RO]
      .map((a) => digest(e.memRead(a, a === DATA ? 0x3000 : a === FAR ? 0x2000 : 0x1000)))
      .join(' ');
    if (e instanceof TsEngine) {
      wasmRegions += e.wasmRegions;
      const arena = e.mem.arena;
      if (arena !== null && e.wasmRegions > 0) {
        expect(arena.shared).toBe(arena.xlo !== null);
        if (e.cpu.xlo === arena.xlo) resident++;
        else copied++;
      }
    }
    return { state: regs.join(' '), memory, end };
  } finally {
    e.close();
  }
}

describe('loop regions with loads and stores as WebAssembly', () => {
  // Runs last in the file: a module WebAssembly rejected would have left its loop in JavaScript unseen.
  afterAll(() => {
    expect(emitterStats.invalidModules).toBe(0);
  });

  it('end where the interpreter and Unicorn end (registers, pc, count, fault, memory)', async () => {
    const before = wasmRegions;
    let faults = 0;
    await fc.assert(
      fc.asyncProperty(memCase, async (c) => {
        const translated = await run('ts', c, 0);
        const interpreted = await run('ts', c, Number.POSITIVE_INFINITY);
        expect(translated).toEqual(interpreted);
        expect(await run('ts', c, 0, false)).toEqual(interpreted);
        if (translated.end.startsWith('fault')) {
          faults++;
        } else if (unicorn) {
          const uc = await run('unicorn', c, undefined);
          expect({ state: translated.state, memory: translated.memory }).toEqual({
            state: uc.state,
            memory: uc.memory,
          });
        }
      }),
      { numRuns: RUNS, seed: 20261205 },
    );
    // The loops really ran as WebAssembly, and both endings were drawn.
    expect(wasmRegions - before).toBeGreaterThan(100);
    expect(faults).toBeGreaterThan(10);
    expect(faults).toBeLessThan(RUNS - 10);
    // Node shares arenas: the registers lived in the arena for every engine that ran WebAssembly.
    expect(resident).toBeGreaterThan(100);
    expect(copied).toBe(0);
  }, 180_000);

  it('end there too with unshared arenas (registers copied around each call)', async () => {
    const before = { wasm: wasmRegions, resident, copied };
    setSharedArenas(false);
    try {
      await fc.assert(
        fc.asyncProperty(memCase, async (c) => {
          const translated = await run('ts', c, 0);
          expect(translated).toEqual(await run('ts', c, Number.POSITIVE_INFINITY));
        }),
        { numRuns: UNSHARED_RUNS, seed: 20261206 },
      );
    } finally {
      setSharedArenas(true);
    }
    expect(wasmRegions - before.wasm).toBeGreaterThan(20);
    expect(copied - before.copied).toBeGreaterThan(20);
    expect(resident).toBe(before.resident);
  }, 120_000);
});
