/**
 * A small loop run three ways for the WebAssembly region tests: translated at once (one region,
 * with whether it left for ops checked), interpreted, and on native Unicorn when it is there. Each
 * run gets a fresh engine with the loop at CODE and the registers given; the loop ends at its last
 * word (`brk #0`), which the run stops at.
 */
import { expect } from 'vitest';
import { type Engine, type EngineKind, PROT_ALL, type RegName } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { words } from './words.ts';

export const LOOP_CODE = 0x10000;

export interface RegionLoop {
  /** The loop's words, the last one `brk #0`. */
  loop: number[];
  regs: [RegName, bigint][];
  /** What a run gives, read from its engine after it stopped. */
  read: (e: Engine) => string;
  /** Whether the translated run leaves its region for an op. */
  exits: 'none' | 'some';
}

async function runLoop(kind: EngineKind, jitThreshold: number | undefined, o: RegionLoop): Promise<string> {
  const e = await createEngine(kind, jitThreshold === undefined ? {} : { jitThreshold });
  try {
    e.memMap(LOOP_CODE, 0x1000, PROT_ALL);
    e.memWrite(LOOP_CODE, words(...o.loop));
    for (const [r, v] of o.regs) e.regWrite(r, v);
    const r = e.start(LOOP_CODE, LOOP_CODE + 4 * (o.loop.length - 1), { count: 1000 });
    expect(r.reason).toBe('until');
    if (e instanceof TsEngine && jitThreshold === 0) {
      expect(e.wasmRegions).toBe(1);
      expect(e.wasmOpExits > 0 ? 'some' : 'none').toBe(o.exits);
    }
    return o.read(e);
  } finally {
    e.close();
  }
}

/** The loop translated, interpreted and (with `unicorn`) on Unicorn: each gives `expected`. */
export async function expectLoopEverywhere(
  o: RegionLoop,
  expected: string,
  unicorn: boolean,
  what = '',
): Promise<void> {
  expect(await runLoop('ts', 0, o), what).toBe(expected);
  expect(await runLoop('ts', Number.POSITIVE_INFINITY, o), what).toBe(expected);
  if (unicorn) expect(await runLoop('unicorn', undefined, o), what).toBe(expected);
}
