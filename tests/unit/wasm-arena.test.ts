/**
 * The arena that lets WebAssembly regions load and store guest memory (src/emu/arena.ts): pages
 * move into it on the first such region, their views are made again when it grows in the middle of
 * a run, its copy of the fast TLB never holds a page Memory's own entry does not (the page of zeros
 * after a store, a page outside the arena, a page with code), and every access a region cannot make
 * itself is made by the instruction's op with the interpreter's result.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drainArenaPool, HEADER_BYTES } from '../../src/emu/arena.ts';
import { PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { MemoryFault } from '../../src/emu/errors.ts';
import { Memory } from '../../src/emu/memory.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { disassemble } from '../../src/emu/ts/isa/index.ts';
import { words } from '../support/words.ts';

const CODE = 0x10000;
const DATA = 0x400000;

interface Loop {
  words: number[];
  regs: Record<string, bigint>;
  maps: { at: number; size: number; perms: number; bytes?: Uint8Array }[];
}

/** Runs the loop to its final `brk` with every region translated (or none), returns the engine. */
function runLoop(p: Loop, translate: boolean, wasm = true): TsEngine {
  const e = new TsEngine({ jitThreshold: translate ? 0 : Number.POSITIVE_INFINITY, wasmRegions: wasm });
  e.memMap(CODE, 0x1000, PROT_ALL);
  e.memWrite(CODE, words(...p.words));
  for (const m of p.maps) {
    e.memMap(m.at, m.size, m.perms);
    if (m.bytes) e.memWrite(m.at, m.bytes);
  }
  for (const [r, v] of Object.entries(p.regs)) e.regWrite(r as 'x0', v);
  // A budget far above the loops' lengths: a run that goes wrong stops instead of looping for ever.
  const r = e.start(CODE, CODE + 4 * (p.words.length - 1), { count: 100_000 });
  expect(r.reason).toBe('until');
  return e;
}

function regs(e: TsEngine): string[] {
  const out: string[] = [];
  for (let i = 0; i <= 30; i++) out.push(e.regRead(`x${i}` as 'x0').toString(16));
  return out;
}

describe('WebAssembly regions over the arena', () => {
  it('see a store to a page they first read as the page of zeros', () => {
    const p: Loop = {
      // loop: ldr x10, [x0]; add x11, x11, #1; str x11, [x0]; ldr x12, [x0]; add x13, x13, x12;
      //       subs x9, x9, #1; b.ne loop; brk #0
      words: [0xf940000a, 0x9100056b, 0xf900000b, 0xf940000c, 0x8b0c01ad, 0xf1000529, 0x54ffff41, 0xd4200000],
      regs: { x0: BigInt(DATA + 0x800), x9: 5n, x11: 0n, x13: 0n },
      maps: [{ at: DATA, size: 0x1000, perms: PROT_READ | PROT_WRITE }],
    };
    expect(p.words.slice(0, 7).map((w, i) => disassemble(w, CODE + 4 * i))).toEqual([
      'ldr x10, [x0]',
      'add x11, x11, #0x1',
      'str x11, [x0]',
      'ldr x12, [x0]',
      'add x13, x13, x12',
      'subs x9, x9, #0x1',
      'b.ne 0x10000',
    ]);
    const e = runLoop(p, true);
    expect(e.wasmRegions).toBeGreaterThan(0);
    expect(e.regRead('x10')).toBe(4n);
    expect(e.regRead('x13')).toBe(15n);
    expect(regs(e)).toEqual(regs(runLoop(p, false)));
  });

  it('go on when a page they store to grows the arena (new views, same values)', () => {
    const pages = 300;
    const p: Loop = {
      // loop: str x9, [x0]; ldr x10, [x0]; add x11, x11, x10; add x0, x0, #1, lsl #12;
      //       subs x9, x9, #1; b.ne loop; brk #0
      words: [0xf9000009, 0xf940000a, 0x8b0a016b, 0x91400400, 0xf1000529, 0x54ffff61, 0xd4200000],
      regs: { x0: BigInt(DATA), x9: BigInt(pages), x11: 0n },
      maps: [{ at: DATA, size: pages * 0x1000, perms: PROT_READ | PROT_WRITE }],
    };
    expect(disassemble(p.words[3] as number, CODE + 12)).toBe('add x0, x0, #0x1, lsl #12 // =0x1000');
    // A new memory (not one a closed engine left, already grown), so that the region grows it.
    drainArenaPool();
    const e = runLoop(p, true);
    expect(e.wasmRegions).toBeGreaterThan(0);
    expect(e.regRead('x11')).toBe(BigInt((pages * (pages + 1)) / 2));
    // The first page holds 300, the last 1, read back through the host API.
    expect(new DataView(e.memRead(DATA, 8).buffer).getUint32(0, true)).toBe(pages);
    expect(new DataView(e.memRead(DATA + (pages - 1) * 0x1000, 8).buffer).getUint32(0, true)).toBe(1);
    // The arena took every page: it grew from room for a few pages while the region ran.
    expect(e.mem.arena?.byteLength).toBeGreaterThanOrEqual(HEADER_BYTES + pages * 0x1000);
    expect(regs(e)).toEqual(regs(runLoop(p, false)));
    // JavaScript code after the growth reads page 100 through the fast TLB (ldr x20, [x1]; brk #0).
    // Its entry was made before the last growth (pages 256 on take entries 0-43 again): it must hold
    // a view of the grown memory, not of the detached one.
    e.memWrite(CODE + 0x100, words(0xf9400034, 0xd4200000));
    e.regWrite('x1', BigInt(DATA + 100 * 0x1000));
    e.start(CODE + 0x100, CODE + 0x104);
    expect(e.regRead('x20')).toBe(BigInt(pages - 100));
  });

  it('leave a store into their own code page to the op, and the rest of its block runs as decoded', () => {
    // loop: str w12, [x0]; add x11, x11, #1 (patched to #2 by the store); subs x9, x9, #1;
    //       b.ne loop; brk #0
    // As in the block interpreter and Unicorn, the store does not change the block already running:
    // the first trip adds 1, the five others 2.
    const patched = 0x9100096b; // add x11, x11, #2
    const p: Loop = {
      words: [0xb900000c, 0x9100056b, 0xf1000529, 0x54ffffa1, 0xd4200000],
      regs: { x0: BigInt(CODE + 4), x9: 6n, x11: 0n, x12: BigInt(patched) },
      maps: [],
    };
    expect(disassemble(patched, 0)).toBe('add x11, x11, #0x2');
    const e = runLoop(p, true);
    expect(e.regRead('x11')).toBe(11n);
    expect(regs(e)).toEqual(regs(runLoop(p, false)));
  });
});

describe('an access left to the op, mid-block', () => {
  // str w12, [x0] into the code's own page (past the code: no fast store there), then the block's
  // other instructions run from its decoded ops. (A block that falls through, the one other case of
  // that path, never sits in a WebAssembly region: such a block is 64 instructions long or ends at
  // its page's end, and a loop region holds at most 64 instructions of one page.)
  const STR = 0xb900000c;
  const ADD = 0x9100056b; // add x11, x11, #1
  const SUBS = 0xf1000529; // subs x9, x9, #1

  it('keeps the count and pc exact when a later instruction of the block faults', () => {
    // loop: str w12, [x0]; add x11, x11, #1; ldr x13, [x1] (x1 unmapped); subs; b.ne loop; brk #0
    const p: Loop = {
      words: [STR, ADD, 0xf940002d, SUBS, 0x54ffff81, 0xd4200000],
      regs: { x0: BigInt(CODE + 0x800), x1: 0x9000000n, x9: 4n, x11: 0n, x12: 7n },
      maps: [],
    };
    expect(disassemble(0xf940002d, 0)).toBe('ldr x13, [x1]');
    const fault = (translate: boolean) => {
      const e = new TsEngine({ jitThreshold: translate ? 0 : Number.POSITIVE_INFINITY });
      e.memMap(CODE, 0x1000, PROT_ALL);
      e.memWrite(CODE, words(...p.words));
      for (const [r, v] of Object.entries(p.regs)) e.regWrite(r as 'x0', v);
      let message = '';
      try {
        e.start(CODE, CODE + 20, { count: 1000 });
      } catch (err) {
        message = (err as Error).message;
      }
      if (translate) expect(e.wasmRegions).toBeGreaterThan(0);
      return { message, pc: e.regRead('pc'), count: e.instructionCount(), x11: e.regRead('x11') };
    };
    const t = fault(true);
    expect(t).toEqual(fault(false));
    expect(t.pc).toBe(BigInt(CODE + 8));
    expect(t.count).toBe(2);
    expect(t.message).toMatch(/unmapped read/);
  });
});

describe('Memory with an arena', () => {
  function memory(): Memory {
    const m = new Memory();
    m.map(DATA, 0x3000, PROT_READ | PROT_WRITE);
    m.map(DATA + 0x3000, 0x1000, PROT_READ);
    m.map(DATA + 0x5000, 0x1000, PROT_ALL);
    m.write(DATA, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    return m;
  }

  it('moves the touched pages into the arena and keeps their bytes', () => {
    const m = memory();
    const a = m.useArena();
    expect(a).not.toBeNull();
    expect(m.useArena()).toBe(a);
    expect(m.ld32(DATA + 4)).toBe(0x08070605);
    expect(Array.from(m.read(DATA, 8))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(a?.byteLength).toBeGreaterThan(HEADER_BYTES);
  });

  it('fills the arena TLB only for accesses the fast path may make', () => {
    const m = memory();
    m.useArena();
    expect(m.fastFill(DATA, 8, false)).toBe(true);
    expect(m.fastFill(DATA + 0x10, 8, true)).toBe(true);
    expect(m.fastFill(DATA + 0xffc, 8, false)).toBe(false); // crosses into the next page
    expect(m.fastFill(DATA + 0x3000, 4, false)).toBe(true); // read-only: readable (page of zeros)
    expect(m.fastFill(DATA + 0x3000, 4, true)).toBe(false); // not writable
    expect(m.fastFill(DATA + 0x4000, 4, false)).toBe(false); // unmapped
    expect(m.fastFill(2 ** 60, 4, false)).toBe(false); // beyond exact doubles
    // A page with decoded code takes no fast writes.
    expect(m.fastFill(DATA + 0x5000, 4, true)).toBe(true);
    const page = m.fetchPage(DATA + 0x5000);
    page.code = [];
    expect(m.fastFill(DATA + 0x5000, 4, true)).toBe(false);
    // An observer empties the fast TLBs.
    m.observer = () => {};
    expect(m.fastFill(DATA, 8, false)).toBe(false);
  });

  it('never gives WebAssembly a page that lives outside the arena', () => {
    const m = memory();
    const a = m.useArena();
    if (a === null) throw new Error('no arena');
    // An arena that cannot grow any more: the next page touched takes a buffer of its own.
    a.alloc = () => false;
    m.write(DATA + 0x1000, new Uint8Array([1, 2, 3, 4]));
    expect(m.readPage(DATA + 0x1000, 4).off).toBe(-1);
    expect(m.fastFill(DATA + 0x1000, 4, false)).toBe(false);
    expect(m.fastFill(DATA + 0x1000, 4, true)).toBe(false);
    // The JavaScript paths still read and write it, through their own fast TLB too.
    m.st8(DATA + 0x1004, 5);
    expect(m.ld32(DATA + 0x1000)).toBe(0x04030201);
    expect(m.fastReadTag.includes((DATA + 0x1000) / 0x1000)).toBe(true);
    expect(m.ld8(DATA + 0x1004)).toBe(5);
    // Pages in the arena still are given.
    expect(m.fastFill(DATA, 8, false)).toBe(true);
  });

  it('leaves an unmapped page with no bytes instead of a copy', () => {
    const m = memory();
    m.useArena();
    const page = m.readPage(DATA, 8);
    m.unmap(DATA, 0x1000);
    expect(page.off).toBe(-1);
    expect(page.data.length).toBe(0);
  });

  it('gives an unmapped page slot back, zeroed when it is taken again', () => {
    const m = memory();
    m.useArena();
    m.write(DATA + 0x2000, new Uint8Array([9, 9, 9, 9]));
    m.unmap(DATA + 0x2000, 0x1000);
    m.map(DATA + 0x2000, 0x1000, PROT_READ | PROT_WRITE);
    m.st8(DATA + 0x2004, 1);
    expect(Array.from(m.read(DATA + 0x2000, 8))).toEqual([0, 0, 0, 0, 1, 0, 0, 0]);
  });
});

/** The first index where the two differ (either's length when one is a prefix), -1 when equal. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

describe('arenas of closed engines', () => {
  const PAGES = 24;
  /** Touches 65 pages elsewhere, so that the engine's memory moves to its arena. */
  const ballast = (e: TsEngine): void => {
    e.memMap(DATA - 0x80000, 0x80000, PROT_READ | PROT_WRITE);
    for (let i = 0; i < 65; i++) e.memWrite(DATA - 0x80000 + i * 0x1000, new Uint8Array([1]));
  };
  const sumLoop: Loop = {
    // loop: ldr x10, [x0], #8; add x11, x11, x10; subs x9, x9, #1; b.ne loop; brk #0
    words: [0xf840840a, 0x8b0a016b, 0xf1000529, 0x54ffffa1, 0xd4200000],
    regs: { x0: BigInt(DATA), x9: 1024n, x11: 7n },
    maps: [{ at: DATA, size: 0x2000, perms: PROT_READ | PROT_WRITE, bytes: new Uint8Array(0x2000).fill(3) }],
  };

  it("a ts engine's pages move to its arena past 64, and a closed engine's arena is the next one's, zeroed", () => {
    drainArenaPool();
    const e1 = new TsEngine();
    e1.memMap(DATA - 0x40000, 0x40000, PROT_READ | PROT_WRITE);
    // A small memory keeps its pages in buffers of their own until a region needs the arena.
    for (let i = 0; i < 63; i++) e1.memWrite(DATA - 0x40000 + i * 0x1000, new Uint8Array([i + 1]));
    expect(e1.mem.arena).toBeNull();
    expect(e1.mem.readPage(DATA - 0x40000, 1).off).toBe(-1);
    e1.memMap(DATA, PAGES * 0x1000, PROT_READ | PROT_WRITE);
    for (let i = 0; i < PAGES; i++) e1.memWrite(DATA + i * 0x1000, new Uint8Array(0x1000).fill(0xa0 + i));
    const arena = e1.mem.arena;
    expect(arena).not.toBeNull();
    // The first 64 moved there, with their bytes; the later ones were made there.
    expect(e1.mem.readPage(DATA - 0x40000, 1).off).toBeGreaterThanOrEqual(HEADER_BYTES);
    expect(e1.mem.readPage(DATA + 5 * 0x1000, 1).off).toBeGreaterThanOrEqual(HEADER_BYTES);
    for (let i = 0; i < 63; i++) expect(e1.memRead(DATA - 0x40000 + i * 0x1000, 1)[0]).toBe(i + 1);
    e1.regWrite('x5', 0x1234_5678_9abc_def0n);
    e1.close();
    // Its registers stay readable; its memory is gone (a read faults instead of seeing the next engine's).
    expect(e1.regRead('x5')).toBe(0x1234_5678_9abc_def0n);
    expect(() => e1.memRead(DATA, 4)).toThrow(MemoryFault);
    expect(e1.memRegions()).toEqual([]);

    const e2 = new TsEngine();
    e2.memMap(DATA, PAGES * 0x1000, PROT_READ | PROT_WRITE);
    e2.memWrite(DATA + 3 * 0x1000 + 7, new Uint8Array([0x55]));
    ballast(e2);
    expect(e2.mem.arena).toBe(arena);
    const expected = new Uint8Array(PAGES * 0x1000);
    expected[3 * 0x1000 + 7] = 0x55;
    expect(firstDifference(e2.memRead(DATA, PAGES * 0x1000), expected)).toBe(-1);
    expect(e2.regRead('x5')).toBe(0n);
    e2.close();
  });

  it('regions over a reused arena: registers and memory as the interpreter has them', () => {
    const reference = runLoop(sumLoop, false);
    for (let round = 0; round < 3; round++) {
      const e = runLoop(sumLoop, true);
      expect(e.wasmRegions).toBeGreaterThan(0);
      expect(regs(e)).toEqual(regs(reference));
      expect(e.regRead('x11')).toBe(BigInt.asUintN(64, 7n + 1024n * 0x0303030303030303n));
      e.close();
      // The registers were the arena's header words: the closed engine keeps their values.
      expect(regs(e)).toEqual(regs(reference));
    }
    reference.close();
  });

  it('property: engines opened and closed in any order each see only their own bytes (arena or not)', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('open' as const), big: fc.boolean() }),
      fc.record({ kind: fc.constant('close' as const), which: fc.nat() }),
      fc.record({
        kind: fc.constant('write' as const),
        which: fc.nat(),
        page: fc.integer({ min: 0, max: PAGES - 1 }),
        offset: fc.integer({ min: 0, max: 0xfff }),
        value: fc.integer({ min: 1, max: 255 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const open: { e: TsEngine; model: Map<number, number> }[] = [];
        const closed: TsEngine[] = [];
        // A big engine's pages are in an arena, a small one's in buffers of their own: both are
        // handed on when it closes (the arena to the next big one, the buffers to the next pages).
        const openOne = (big: boolean) => {
          const e = new TsEngine();
          e.memMap(DATA, PAGES * 0x1000, PROT_READ | PROT_WRITE);
          if (big) ballast(e);
          expect(e.mem.arena === null).toBe(!big);
          open.push({ e, model: new Map() });
        };
        for (const s of steps) {
          if (s.kind === 'open' || open.length === 0) openOne(s.kind === 'open' ? s.big : true);
          if (s.kind === 'close') {
            const [gone] = open.splice(s.which % open.length, 1);
            gone?.e.close();
            if (gone) closed.push(gone.e);
          } else if (s.kind === 'write') {
            const o = open[s.which % open.length] as (typeof open)[number];
            const at = s.page * 0x1000 + s.offset;
            o.e.memWrite(DATA + at, new Uint8Array([s.value]));
            o.model.set(at, s.value);
          }
        }
        for (const { e, model } of open) {
          const want = new Uint8Array(PAGES * 0x1000);
          for (const [at, v] of model) want[at] = v;
          expect(firstDifference(e.memRead(DATA, PAGES * 0x1000), want)).toBe(-1);
          e.close();
        }
        for (const e of closed) expect(() => e.memRead(DATA, 1)).toThrow(MemoryFault);
      }),
      { numRuns: 60 },
    );
  });

  it('memPagesIn visits the pages that hold memory, in address order, and nothing else', () => {
    const e = new TsEngine();
    e.memMap(DATA, 16 * 0x1000, PROT_READ | PROT_WRITE);
    for (const i of [9, 2, 14, 5]) e.memWrite(DATA + i * 0x1000 + 1, new Uint8Array([i]));
    e.memRead(DATA + 7 * 0x1000, 16); // a read takes no memory
    const seen: [number, number][] = [];
    e.memPagesIn(DATA, 16 * 0x1000, (address, bytes) => {
      expect(bytes.length).toBe(0x1000);
      seen.push([(address - DATA) / 0x1000, bytes[1] as number]);
    });
    expect(seen).toEqual([
      [2, 2],
      [5, 5],
      [9, 9],
      [14, 14],
    ]);
    const part: number[] = [];
    e.memPagesIn(DATA + 3 * 0x1000, 7 * 0x1000, (address) => part.push((address - DATA) / 0x1000));
    expect(part).toEqual([5, 9]);
    e.close();
  });
});
