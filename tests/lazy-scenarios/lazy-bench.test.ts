/** The lazy benchmark (src/bench/lazy-bench.ts) at a small size: shape and exact instruction figures. */
import { describe, expect, it } from 'vitest';
import { runLazyBenchmarks } from '../../src/bench/lazy-bench.ts';

describe('lazy benchmark', () => {
  it('reports resolve (redirect only / with link) and steady-state entries in the bench --json shape', async () => {
    const r = await runLazyBenchmarks({ engines: ['ts'], functions: 12, calls: 2000 });
    expect(r.map((x) => x.name)).toEqual(['lazy-resolve-redirect', 'lazy-resolve-link', 'lazy-stub-call']);
    for (const x of r) {
      expect(x.engine).toBe('ts');
      for (const k of ['instructions', 'seconds', 'mips'] as const) expect(Number.isFinite(x[k])).toBe(true);
    }
    const [redirect, link, stub] = r as [(typeof r)[0], (typeof r)[0], (typeof r)[0]];
    expect(redirect.samples).toBe(11);
    expect(link.samples).toBe(12);
    // The reentry path is the same code whether or not the body had to be linked.
    expect(redirect.reentryInstructions).toBe(link.reentryInstructions);
    expect(redirect.reentryInstructions).toBeGreaterThan(60);
    expect(redirect.resolveMicros).toBeGreaterThan(0);
    // Steady state: a stub is adrp/ldr/br, 3 instructions on top of the direct call.
    expect(stub).toMatchObject({ instructionsPerCall: 10, directInstructionsPerCall: 7, stubInstructions: 3 });
  });
});
