/**
 * AddressSpace (sorted, merged runs) against a page-by-page model: after any sequence of map,
 * unmap and protect, every page's protection, isFree/isFullyMapped, mappedRuns and the top-down
 * allocator agree with the model, and the engine saw exactly the same calls' effects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/emu/engine.ts';
import { AddressSpace, PAGE } from '../../src/emu/linux/vm.ts';

const PAGES = 48;

/** An engine that only tracks page protections (what the address space must mirror). */
function fakeEngine(pages: Map<number, number>): Engine {
  const set = (a: number, n: number, p: number | undefined) => {
    for (let i = a / PAGE; i < (a + n) / PAGE; i++) {
      if (p === undefined) pages.delete(i);
      else pages.set(i, p);
    }
  };
  return {
    memMap: (a: number, n: number, p: number) => {
      for (let i = a / PAGE; i < (a + n) / PAGE; i++) if (pages.has(i)) throw new Error(`double map of page ${i}`);
      set(a, n, p);
    },
    memUnmap: (a: number, n: number) => {
      for (let i = a / PAGE; i < (a + n) / PAGE; i++) if (!pages.has(i)) throw new Error(`unmap of free page ${i}`);
      set(a, n, undefined);
    },
    memProtect: (a: number, n: number, p: number) => set(a, n, p),
  } as unknown as Engine;
}

const op = fc.record({
  kind: fc.constantFrom('map', 'unmap', 'protect', 'alloc'),
  first: fc.integer({ min: 0, max: PAGES - 1 }),
  count: fc.integer({ min: 1, max: 8 }),
  prot: fc.integer({ min: 0, max: 7 }),
});

describe('AddressSpace', () => {
  it('agrees with a page-by-page model', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const enginePages = new Map<number, number>();
        const space = new AddressSpace(fakeEngine(enginePages), PAGES * PAGE);
        const model = new Map<number, number>();
        for (const o of ops) {
          const count = Math.min(o.count, PAGES - o.first);
          const a = o.first * PAGE;
          const n = count * PAGE;
          const pages = Array.from({ length: count }, (_, i) => o.first + i);
          if (o.kind === 'map') {
            const free = pages.every((p) => !model.has(p));
            expect(space.isFree(a, n)).toBe(free);
            if (free) {
              space.map(a, n, o.prot);
              for (const p of pages) model.set(p, o.prot);
            }
          } else if (o.kind === 'unmap') {
            space.unmap(a, n);
            for (const p of pages) model.delete(p);
          } else if (o.kind === 'protect') {
            const full = pages.every((p) => model.has(p));
            expect(space.isFullyMapped(a, n)).toBe(full);
            if (full) {
              space.protect(a, n, o.prot);
              for (const p of pages) model.set(p, o.prot);
            }
          } else {
            // The highest free run of `count` pages below the top, as the model finds it.
            let want: number | undefined;
            for (let s = PAGES - count; s >= 1 && want === undefined; s--)
              if (Array.from({ length: count }, (_, i) => s + i).every((p) => !model.has(p))) want = s * PAGE;
            expect(space.findFreeTopDown(n, PAGES * PAGE, PAGE)).toBe(want);
          }
          const all = Array.from({ length: PAGES }, (_, p) => p);
          const want = all.map((p) => model.get(p));
          if (all.some((p) => space.protAt(p * PAGE + 5) !== want[p] || enginePages.get(p) !== want[p])) {
            expect(all.map((p) => [space.protAt(p * PAGE + 5), enginePages.get(p)])).toEqual(want.map((w) => [w, w]));
          }
          const runs: { begin: number; end: number }[] = [];
          for (let p = 0; p < PAGES; p++) {
            if (!model.has(p)) continue;
            const last = runs[runs.length - 1];
            if (last && last.end === p * PAGE) last.end += PAGE;
            else runs.push({ begin: p * PAGE, end: (p + 1) * PAGE });
          }
          expect(space.mappedRuns(0, PAGES * PAGE)).toEqual(runs);
        }
      }),
      { numRuns: 150, seed: 11 },
    );
  });
});
