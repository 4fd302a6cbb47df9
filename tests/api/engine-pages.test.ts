/**
 * Engine.memPagesIn on both engines (a fork copies an address space with it): the pages it visits
 * come in address order, lie inside mappings of the range, and hold what memRead reads there; a
 * mapped page it skips reads as zeros. The ts engine visits exactly the pages written; the unicorn
 * engine the pages of its touched 64 KiB granules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, type EngineKind, PROT_READ, PROT_WRITE } from '../../src/api/engine.ts';
import { describeWithOracles } from '../support/oracles.ts';

const BASE = 0x40_0000;
/** 48 pages: mapped in three pieces with unmapped holes between (pages 16-19 and 36-39). */
const PIECES = [
  [0, 16],
  [20, 36],
  [40, 48],
] as const;
const PAGE = 0x1000;
const mappedPage = (p: number): boolean => PIECES.some(([b, e]) => p >= b && p < e);

function cases(kind: EngineKind): void {
  it('visits, in order, mapped pages holding what memRead reads; the pages it skips read as zeros', async () => {
    const e = await createEngine(kind);
    try {
      for (const [b, end] of PIECES) e.memMap(BASE + b * PAGE, (end - b) * PAGE, PROT_READ | PROT_WRITE);
      const pages = Array.from({ length: 48 }, (_, p) => p).filter(mappedPage);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ page: fc.constantFrom(...pages), offset: fc.nat(PAGE - 1), value: fc.nat(255) }), {
            maxLength: 30,
          }),
          fc.integer({ min: 0, max: 47 }),
          fc.integer({ min: 1, max: 48 }),
          async (writes, first, count) => {
            for (const w of writes) e.memWrite(BASE + w.page * PAGE + w.offset, new Uint8Array([w.value]));
            const end = Math.min(48, first + count);
            const seen: number[] = [];
            e.memPagesIn?.(BASE + first * PAGE, (end - first) * PAGE, (address, bytes) => {
              const p = (address - BASE) / PAGE;
              expect(Number.isInteger(p) && p >= first && p < end && mappedPage(p)).toBe(true);
              expect(bytes.length).toBe(PAGE);
              expect(Buffer.from(bytes).equals(Buffer.from(e.memRead(address, PAGE)))).toBe(true);
              seen.push(p);
            });
            expect(seen).toEqual([...seen].sort((a, b) => a - b));
            expect(new Set(seen).size).toBe(seen.length);
            for (let p = first; p < end; p++) {
              if (!mappedPage(p) || seen.includes(p)) continue;
              expect(e.memRead(BASE + p * PAGE, PAGE).every((b) => b === 0)).toBe(true);
            }
            // Every page written so far holds memory, so it is visited when in the range.
            for (const w of writes) if (w.page >= first && w.page < end) expect(seen).toContain(w.page);
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      e.close();
    }
  });
}

describe('memPagesIn (ts)', () => {
  cases('ts');

  it('the ts engine visits exactly the pages written', async () => {
    const e = await createEngine('ts');
    try {
      e.memMap(BASE, 16 * PAGE, PROT_READ | PROT_WRITE);
      for (const p of [11, 3, 7]) e.memWrite(BASE + p * PAGE, new Uint8Array([p]));
      const seen: number[] = [];
      e.memPagesIn?.(BASE, 16 * PAGE, (address) => seen.push((address - BASE) / PAGE));
      expect(seen).toEqual([3, 7, 11]);
    } finally {
      e.close();
    }
  });
});
describeWithOracles(['unicorn'], 'memPagesIn (unicorn)', () => cases('unicorn'));
