/**
 * StartOptions.slice: a run ends at the first basic-block boundary at or after `slice`
 * instructions with reason 'slice' (the ts engine: after exactly `slice`), and resuming from there
 * gives the unsliced run's registers and instruction count. Debugged runs poll with it (the
 * executor's poll point), so a debugged run on unicorn keeps run's output, status and count.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Engine, type EngineKind, PROT_ALL, type RunResult, type StartOptions } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { oracle } from '../support/oracles.ts';
import { words } from '../support/words.ts';

const CODE = 0x10000;
const END = CODE + 0x20;

// x0 = Σ x1 for x1 = 1000..1, plus 3 for each odd x1. Blocks start at 0x00, 0x08, 0x14, 0x18.
const PROGRAM = words(
  0xd2800000, // 0x00 mov x0, #0
  0xd2807d01, // 0x04 mov x1, #1000
  0x8b010000, // 0x08 loop: add x0, x0, x1
  0xf240003f, // 0x0c tst x1, #1
  0x54000040, // 0x10 b.eq even
  0x91000c00, // 0x14 add x0, x0, #3
  0xf1000421, // 0x18 even: subs x1, x1, #1
  0x54ffff61, // 0x1c b.ne loop
);
const X0 = 500500n + 1500n;
const INSTRUCTIONS = 2 + 1000 * 5 + 500;
/** Where a basic block can begin: the entry, branch targets and fall-throughs after branches. */
const LEADERS = new Set([CODE, CODE + 0x08, CODE + 0x14, CODE + 0x18, END]);
/** Longest block of PROGRAM (0x00–0x10, entered once). */
const LONGEST_BLOCK = 5;

const kinds: EngineKind[] = oracle('unicorn').available ? ['ts', 'unicorn'] : ['ts'];

/** A host gate PROGRAM never reaches: on unicorn, any code hook changes how pc is kept on a stop. */
const GATE = CODE + 0x800;

async function open(kind: EngineKind, countInstructions?: boolean, gate = false): Promise<Engine> {
  const e = await createEngine(kind, countInstructions === undefined ? {} : { countInstructions });
  e.memMap(CODE, 0x1000, PROT_ALL);
  e.memWrite(CODE, PROGRAM);
  if (gate) {
    e.memWrite(GATE, words(0xd65f03c0)); // ret
    e.addHostGate(GATE, () => undefined);
  }
  return e;
}

/** Runs PROGRAM to END with `options` on every start(); the results of all starts. */
function runSliced(e: Engine, options: StartOptions): RunResult[] {
  const results: RunResult[] = [];
  let pc = CODE;
  for (;;) {
    const r = e.start(pc, END, options);
    results.push(r);
    if (r.reason !== 'slice') return results;
    expect(r.pc).toBe(e.getPc());
    pc = r.pc;
    if (results.length > INSTRUCTIONS) throw new Error('no progress');
  }
}

describe('StartOptions.slice', () => {
  for (const [kind, gate] of kinds.flatMap((k) => [[k, false] as const, [k, true] as const])) {
    it(`stops at a block boundary at or after the slice and resumes to the unsliced result (${kind}${gate ? ', a host gate installed' : ''})`, async () => {
      const e = await open(kind, undefined, gate);
      const plain = e.start(CODE, END);
      expect(plain).toEqual({ reason: 'until', instructions: INSTRUCTIONS, pc: END });
      expect(e.regRead('x0')).toBe(X0);
      fc.assert(
        fc.property(fc.integer({ min: 20, max: 3000 }), (slice) => {
          const before = e.instructionCount();
          const results = runSliced(e, { slice });
          const last = results.at(-1) as RunResult;
          expect(last.reason).toBe('until');
          expect(last.pc).toBe(END);
          for (const r of results.slice(0, -1)) {
            expect(r.reason).toBe('slice');
            expect(r.instructions).toBeGreaterThanOrEqual(slice);
            if (kind === 'ts') expect(r.instructions).toBe(slice);
            else {
              expect(r.instructions).toBeLessThan(slice + LONGEST_BLOCK);
              expect(LEADERS.has(r.pc)).toBe(true);
            }
          }
          const total = results.reduce((n, r) => n + r.instructions, 0);
          expect(total).toBe(INSTRUCTIONS);
          expect(e.instructionCount() - before).toBe(INSTRUCTIONS);
          expect(e.regRead('x0')).toBe(X0);
        }),
        { numRuns: 25, seed: 7 },
      );
      // Runs after a sliced one are not cut: the slice belongs to its start() only.
      expect(e.start(CODE, END)).toEqual({ reason: 'until', instructions: INSTRUCTIONS, pc: END });
      e.close();
    });
  }

  for (const kind of kinds) {
    it(`count below the slice ends the run exactly with 'count'; above it the slice ends it (${kind})`, async () => {
      const e = await open(kind);
      expect(e.start(CODE, END, { count: 17, slice: 100 })).toMatchObject({ reason: 'count', instructions: 17 });
      expect(e.start(CODE, END, { count: 100, slice: 100 })).toMatchObject({ reason: 'count', instructions: 100 });
      const r = e.start(CODE, END, { count: 1000, slice: 100 });
      expect(r.reason).toBe('slice');
      expect(r.instructions).toBeGreaterThanOrEqual(100);
      expect(r.instructions).toBeLessThan(100 + LONGEST_BLOCK);
      e.close();
    });
  }

  it.runIf(kinds.includes('unicorn'))('without counting, unicorn stops after exactly the slice', async () => {
    const e = await open('unicorn', false);
    const r = e.start(CODE, END, { slice: 333 });
    expect(r.reason).toBe('slice');
    // 2 + 30 × (5 + 6) instructions, then the `add` of x1 = 940's trip: pc at the `tst`.
    expect(r.pc).toBe(CODE + 0x0c);
    expect(e.getPc()).toBe(r.pc);
    expect(e.regRead('x1')).toBe(940n);
    // (A slice again: switching to a plain run retranslates, which is slow on Unicorn.)
    expect(e.start(r.pc, END, { slice: 10_000 })).toMatchObject({ reason: 'until', pc: END });
    expect(e.regRead('x0')).toBe(X0);
    e.close();
  });
});
