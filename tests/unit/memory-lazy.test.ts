/**
 * Guest memory as a kernel keeps it (ts engine): mappings reserve address space and take host
 * memory only for touched pages, touched memory is bounded by `memoryLimit` with typed errors,
 * mapping bookkeeping stays cheap with thousands of mappings, and fault addresses are exact over
 * the whole 64-bit range.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { type AlignmentFault, EngineApiError, MemoryFault, OutOfMemory } from '../../src/emu/errors.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { Memory } from '../../src/emu/memory.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { words } from '../support/words.ts';

const CODE = 0x10000;

/** Runs `body` in a fresh node process and returns what it printed as JSON. */
function inChild(body: string): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'orc-mem-'));
  try {
    const file = join(dir, 'child.mts');
    const engineUrl = new URL(`file://${resolve('src/emu/ts/engine.ts')}`).href;
    writeFileSync(file, `import { TsEngine } from '${engineUrl}';\n${body}\n`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', cwd: resolve('.') });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as Record<string, number>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('lazy pages', () => {
  it('an untouched 1 GiB mapping costs under 30 MB of host RSS; touched pages cost 4 KiB each', () => {
    const r = inChild(`
      const e = new TsEngine();
      globalThis.gc?.();
      const before = process.memoryUsage().rss;
      e.memMap(0x100000000, 2 ** 30, 3);
      const mapped = process.memoryUsage().rss;
      // Touch 4096 pages (16 MiB) spread over the mapping, and read 4096 others.
      for (let i = 0; i < 4096; i++) e.memWrite(0x100000000 + i * 0x40000, new Uint8Array([i & 0xff]));
      for (let i = 0; i < 4096; i++) e.memRead(0x100000000 + i * 0x40000 + 0x1000, 8);
      const touched = process.memoryUsage().rss;
      console.log(JSON.stringify({ mapped: mapped - before, touched: touched - before, pages: e.mem.pages.size }));
    `);
    expect(r.mapped).toBeLessThan(30e6);
    expect(r.pages).toBe(4096);
    expect(r.touched).toBeLessThan(30e6 + 4096 * 4096 * 3);
  });

  it('reads of untouched pages see zeros and take no page; writes and fetches take one', () => {
    const e = new TsEngine();
    e.memMap(0x40000, 0x10000, PROT_READ | PROT_WRITE);
    expect(e.memRead(0x40ff8, 16)).toEqual(new Uint8Array(16));
    expect(e.mem.pages.size).toBe(0);
    // ldr x0, [x1]; str x2, [x1, #8]; ldr x3, [x4]
    e.memMap(CODE, 0x1000, PROT_ALL);
    e.memWrite(CODE, words(0xf9400020, 0xf9000422, 0xf9400083, 0xd503201f));
    expect(e.mem.pages.size).toBe(1);
    e.setX(1, 0x42000n);
    e.setX(2, 0x1122334455667788n);
    e.setX(4, 0x43000n);
    e.start(CODE, CODE + 12);
    expect(e.getX(0)).toBe(0n);
    expect(e.getX(3)).toBe(0n);
    expect([...e.mem.pages.keys()].sort()).toEqual([CODE / 4096, 0x42]);
    expect(e.memRead(0x42008, 8)).toEqual(new Uint8Array([0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]));
    // A read after the page was touched through the zero page sees the write (TLB updated).
    e.setX(1, 0x43000n);
    e.setX(2, 5n);
    e.start(CODE, CODE + 8); // loads 0 through the zero page, then stores 5 at 0x43008
    e.setX(4, 0x43008n);
    e.start(CODE + 8, CODE + 12);
    expect(e.getX(3)).toBe(5n);
  });

  it('unmap drops touched pages and a new mapping there reads zeros again', () => {
    const e = new TsEngine();
    e.memMap(0x40000, 0x4000, PROT_READ | PROT_WRITE);
    e.memWrite(0x41000, new Uint8Array([1, 2, 3]));
    expect(e.mem.touchedBytes()).toBe(4096);
    e.memUnmap(0x41000, 0x1000);
    expect(e.mem.touchedBytes()).toBe(0);
    expect(e.memRegions()).toEqual([
      { begin: 0x40000, end: 0x41000, perms: 3 },
      { begin: 0x42000, end: 0x44000, perms: 3 },
    ]);
    e.memMap(0x41000, 0x1000, PROT_READ | PROT_WRITE);
    expect(e.memRead(0x41000, 3)).toEqual(new Uint8Array(3));
    expect(e.memRegions()).toEqual([{ begin: 0x40000, end: 0x44000, perms: 3 }]);
  });
});

describe('memory limit', () => {
  it('a touch beyond memoryLimit raises OutOfMemory with the exact address and pc', () => {
    const e = new TsEngine({ memoryLimit: 4 * 4096 });
    e.memMap(CODE, 0x1000, PROT_ALL); // the code page is the first touched page
    e.memWrite(CODE, words(0xf8008c22, 0x17ffffff)); // loop: str x2, [x1, #8]!; b loop
    e.memMap(0x100000, 0x4000, PROT_READ | PROT_WRITE); // each mapping within the limit
    e.memMap(0x104000, 0x4000, PROT_READ | PROT_WRITE);
    e.setX(1, 0x100ff8n); // pre-index by 8: 0x101000, 0x101008, ...
    let error: unknown;
    try {
      e.start(CODE, 0);
    } catch (x) {
      error = x;
    }
    expect(error).toBeInstanceOf(OutOfMemory);
    const oom = error as OutOfMemory;
    expect(oom.what).toBe('touch');
    expect(oom.address).toBe(0x104000);
    expect(oom.pc).toBe(CODE);
    expect(oom.limit).toBe(16384);
    expect(oom.message).toBe('out of memory: touching 0x104000 would exceed the memory limit of 16384 bytes');
    expect(e.mem.touchedBytes()).toBe(4 * 4096);
    expect(e.getX(1)).toBe(0x103ff8n); // the faulting store did not write back
  });

  it('a mapping larger than the limit, or past the number of mappings, is OutOfMemory("map"), not a host abort', async () => {
    const e = await createEngine('ts');
    let error: unknown;
    try {
      e.memMap(0x1000000000, 2 ** 40, PROT_READ | PROT_WRITE);
    } catch (x) {
      error = x;
    }
    expect(error).toBeInstanceOf(OutOfMemory);
    expect((error as OutOfMemory).what).toBe('map');
    expect((error as OutOfMemory).message).toBe(
      'out of memory: cannot map 0x10000000000 bytes at 0x1000000000 (more than the limit of 4294967296 bytes)',
    );
    expect(e.memRegions()).toEqual([]);
    const few = await createEngine('ts', { maxMappings: 3 });
    for (let i = 0; i < 3; i++) few.memMap(0x10000 * (i + 1), 0x1000, PROT_READ);
    few.memMap(0x11000, 0x1000, PROT_READ); // merges with its neighbour: still 3 mappings
    expect(() => few.memMap(0x80000, 0x1000, PROT_READ)).toThrow(OutOfMemory);
    expect(() => few.memMap(0x10000, 0x1000, PROT_READ)).toThrow(EngineApiError);
  });
});

describe('mapping bookkeeping', () => {
  it('20,000 mappings cost a logarithmic number of steps each when they grow up or merge', () => {
    const m = new Memory();
    for (let i = 0; i < 20000; i++) m.map(0x10000000 + i * 0x2000, 0x1000, PROT_READ); // gaps: no merging
    const up = m.stats.steps;
    expect(m.mappingCount()).toBe(20000);
    // Two binary searches (is it free? where does it go?) of about log2(20000) probes each, plus
    // bounded chunk splices: linear bookkeeping would cost thousands of steps per mapping.
    expect(up).toBeLessThan(20000 * 40);
    for (let i = 0; i < 20000; i++) m.map(0x7f0000000 - (i + 1) * 0x1000, 0x1000, PROT_READ | PROT_WRITE);
    expect(m.mappingCount()).toBe(20001); // top-down neighbours merge into one mapping
    expect(m.stats.steps - up).toBeLessThan(20000 * 40);
    expect(m.permsAt(0x10000000 + 19999 * 0x2000)).toBe(PROT_READ);
    expect(m.permsAt(0x10000000 + 19999 * 0x2000 + 0x1000)).toBeUndefined();
  });

  it('protect splits and merges intervals; errors name the first unmapped page', () => {
    const m = new Memory();
    m.map(0x10000, 0x8000, PROT_READ);
    m.protect(0x12000, 0x2000, PROT_READ | PROT_WRITE);
    expect(m.regions()).toEqual([
      { begin: 0x10000, end: 0x12000, perms: 1 },
      { begin: 0x12000, end: 0x14000, perms: 3 },
      { begin: 0x14000, end: 0x18000, perms: 1 },
    ]);
    m.protect(0x12000, 0x2000, PROT_READ);
    expect(m.regions()).toEqual([{ begin: 0x10000, end: 0x18000, perms: 1 }]);
    expect(() => m.protect(0x17000, 0x2000, PROT_READ)).toThrow('protect: page 0x18000 is not mapped');
    expect(() => m.unmap(0xf000, 0x2000)).toThrow('unmap: page 0xf000 is not mapped');
    expect(() => m.map(0x8000, 0x10000, PROT_READ)).toThrow('map: page 0x10000 is already mapped');
  });
});

describe('exact fault addresses over 64 bits', () => {
  for (const jitThreshold of [Number.POSITIVE_INFINITY, 0]) {
    it(`reports 0xfffffffffffffff8 and other addresses beyond 2^53 exactly (jitThreshold ${jitThreshold})`, () => {
      const e = new TsEngine({ jitThreshold });
      e.memMap(CODE, 0x1000, PROT_ALL);
      // mov x1, #-8; ldr x0, [x1]
      e.memWrite(CODE, words(0x928000e1, 0xf9400020));
      // ldr x0, [x1, x2, lsl #3]
      e.memWrite(CODE + 0x100, words(0xf8627820));
      // str w0, [x1, w2, sxtw #2]
      e.memWrite(CODE + 0x200, words(0xb822d820));
      // ldxr x0, [x1]
      e.memWrite(CODE + 0x300, words(0xc85f7c20));
      const fault = (begin: number): MemoryFault | AlignmentFault => {
        for (let k = 0; k < 3; k++) {
          try {
            e.start(begin, begin + 0x40);
          } catch (x) {
            if (k === 2) return x as MemoryFault;
          }
        }
        throw new Error('no fault');
      };
      const f1 = fault(CODE) as MemoryFault;
      expect(f1).toBeInstanceOf(MemoryFault);
      expect(f1.address64).toBe(0xfffffffffffffff8n);
      expect(f1.pc).toBe(CODE + 4);
      expect(f1.message).toBe('unmapped read fault at 0xfffffffffffffff8 (size 8) by instruction at 0x10004');
      e.setX(1, 0x8000000000000000n);
      e.setX(2, 0x10n);
      expect((fault(CODE + 0x100) as MemoryFault).address64).toBe(0x8000000000000080n);
      e.setX(1, 0x123456789abcdef0n);
      e.setX(2, 0xfffffffffffffffen); // w2 = -2: sxtw #2 → -8
      const f3 = fault(CODE + 0x200) as MemoryFault;
      expect(f3.access).toBe('write');
      expect(f3.address64).toBe(0x123456789abcdee8n);
      e.setX(1, 0xfffffffffffffff0n);
      const f4 = fault(CODE + 0x300);
      expect(f4).toBeInstanceOf(MemoryFault);
      expect(f4.address64).toBe(0xfffffffffffffff0n);
    });
  }
});
