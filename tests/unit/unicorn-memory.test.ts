/**
 * The unicorn engine's guest memory past Unicorn's region limit, against the ts engine (whose
 * Memory keeps every mapping exactly): 3,000 one-page mappings of mixed protections, adjacent and
 * with gaps, all touched, then guest loads and stores into them give the same values and the same
 * faults (kind, access, address) on both engines; a touch past memoryLimit is OutOfMemory('touch')
 * on both.
 */
import { afterEach, expect, it } from 'vitest';
import { type Engine, PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { MemoryFault, OutOfMemory } from '../../src/emu/errors.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { words } from '../support/words.ts';

const CODE = 0x10000;
const BASE = 0x40000000;
/** Three times what Unicorn 2.0.1 can hold as separate regions (its host abort is near 1020). */
const N = 3000;

/** Page i: gaps after every 7th, protections cycling R, RW, none, RW (adjacent ones differ). */
function layout(i: number): { address: number; prot: number } {
  const address = BASE + (i + Math.floor(i / 7)) * 0x1000;
  const prot = [PROT_READ, PROT_READ | PROT_WRITE, 0, PROT_READ | PROT_WRITE][i % 4] as number;
  return { address, prot };
}

// ldr x2, [x1]; str x3, [x1, #8]; nop
const ACCESS = words(0xf9400022, 0xf9000423, 0xd503201f);

type Outcome = string;

function probe(e: Engine, address: number): Outcome {
  e.regWrite('x1', address);
  e.regWrite('x2', 0);
  e.regWrite('x3', 0x5a5a);
  try {
    const r = e.start(CODE, CODE + 8);
    return `ok ${r.reason} x2=${e.regRead('x2')} mem=${Buffer.from(e.memRead(address + 8, 2)).toString('hex')}`;
  } catch (x) {
    if (x instanceof MemoryFault) return `fault ${x.access} ${x.kind} 0x${x.address.toString(16)}`;
    throw x;
  }
}

describeWithOracles(['unicorn'], 'unicorn engine memory beyond its region limit', () => {
  const engines: Engine[] = [];
  afterEach(() => {
    for (const e of engines.splice(0)) e.close();
  });

  it('3,000 mixed mappings with gaps: same values and faults as the ts engine', async () => {
    const results: Outcome[][] = [];
    for (const kind of ['ts', 'unicorn'] as const) {
      const e = await createEngine(kind);
      engines.push(e);
      e.memMap(CODE, 0x1000, PROT_ALL);
      e.memWrite(CODE, ACCESS);
      for (let i = 0; i < N; i++) {
        const { address, prot } = layout(i);
        e.memMap(address, 0x1000, PROT_READ | PROT_WRITE);
        e.memWrite(address, new Uint8Array([i & 0xff, i >> 8]));
        if (prot !== (PROT_READ | PROT_WRITE)) e.memProtect(address, 0x1000, prot);
      }
      expect(e.memRegions().length).toBe(N + 1); // neighbours differ: nothing merges
      const out: Outcome[] = [];
      for (let i = 0; i < N; i += 149) {
        const { address } = layout(i);
        out.push(probe(e, address));
        out.push(probe(e, address + 0x1000 - 8)); // the store lands in the next page or a gap
      }
      out.push(probe(e, layout(6).address + 0x1000)); // a gap
      for (let i = 0; i < N; i += 299) e.memUnmap(layout(i).address, 0x1000);
      out.push(probe(e, layout(299).address)); // unmapped again
      results.push(out);
    }
    expect(results[1]).toEqual(results[0]);
    // Concrete: a read-only page reads its mark and refuses the store (page 0 holds 0x0000).
    expect(results[0]?.[0]).toBe('fault write protection 0x40000008');
    expect(results[0]).toContain('fault read unmapped 0x40007000');
  }, 120_000);

  it('a page read through a coarse region, then unmapped or made PROT_NONE, faults again (no stale TLB entry)', async () => {
    // Unicorn checks region permissions only when it fills its TLB: a page the invalid-memory hook
    // let through stayed readable after munmap/mprotect while its region was left unchanged.
    const results: Outcome[][] = [];
    for (const kind of ['ts', 'unicorn'] as const) {
      const e = await createEngine(kind);
      engines.push(e);
      e.memMap(CODE, 0x1000, PROT_ALL);
      e.memWrite(CODE, ACCESS);
      const page = (i: number) => BASE + i * 0x2000;
      // 400 pages with gaps, alternating R and RW, each touched by the guest: coarse regions.
      for (let i = 0; i < 400; i++) e.memMap(page(i), 0x1000, i & 1 ? PROT_READ | PROT_WRITE : PROT_READ);
      const out: Outcome[] = [];
      for (let i = 0; i < 400; i++) out.push(probe(e, page(i)));
      // Each page is read just before its change, so Unicorn's TLB holds it.
      for (const [i, change] of [
        [200, () => e.memUnmap(page(200), 0x1000)],
        [201, () => e.memProtect(page(201), 0x1000, 0)],
        [203, () => e.memProtect(page(203), 0x1000, PROT_READ)],
      ] as const) {
        out.push(probe(e, page(i)));
        change();
        out.push(probe(e, page(i)));
      }
      results.push(out);
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0]?.filter((_, k) => k >= 400 && k % 2 === 1)).toEqual([
      `fault read unmapped 0x${(BASE + 200 * 0x2000).toString(16)}`,
      `fault read protection 0x${(BASE + 201 * 0x2000).toString(16)}`,
      `fault write protection 0x${(BASE + 203 * 0x2000 + 8).toString(16)}`,
    ]);
  });

  it('a touch past memoryLimit is OutOfMemory("touch") on both engines, host writes included', async () => {
    for (const kind of ['ts', 'unicorn'] as const) {
      const e = await createEngine(kind, { memoryLimit: 2 << 20 });
      engines.push(e);
      e.memMap(CODE, 0x1000, PROT_ALL);
      // loop: str x3, [x1]; add x1, x1, #0x1000; b loop
      e.memWrite(CODE, words(0xf9000023, 0x91400421, 0x17fffffe));
      for (let k = 0; k < 4; k++) e.memMap(BASE + k * (1 << 20), 1 << 20, PROT_READ | PROT_WRITE);
      e.regWrite('x1', BASE);
      let error: unknown;
      try {
        e.start(CODE, CODE + 0x100);
      } catch (x) {
        error = x;
      }
      expect(error).toBeInstanceOf(OutOfMemory);
      expect((error as OutOfMemory).what).toBe('touch');
      const stopped = Number(e.regRead('x1'));
      // 2 MiB minus the code page: ts counts pages, unicorn 64 KiB granules.
      expect(stopped - BASE).toBeLessThanOrEqual(2 << 20);
      expect(stopped - BASE).toBeGreaterThan(1 << 20);
      expect(() => e.memWrite(BASE + (3 << 20), new Uint8Array(1))).toThrow(OutOfMemory);
    }
  });
});
