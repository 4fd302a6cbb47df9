/**
 * Exception stops (system calls without an interrupt hook) and breakpoints: both end start() with
 * a typed reason at an exact pc and instruction count, identically on the ts engine (where the
 * translation tier stays on) and on Unicorn.
 */
import { describe, expect, it } from 'vitest';
import {
  type Engine,
  type EngineKind,
  INTNO_BRK,
  INTNO_SVC,
  PROT_ALL,
  PROT_READ,
  PROT_WRITE,
} from '../../src/emu/engine.ts';
import { AlignmentFault, EngineApiError, UnhandledException } from '../../src/emu/errors.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { oracle } from '../support/oracles.ts';
import { words } from '../support/words.ts';

const CODE = 0x10000;
const DATA = 0x20000;

// x0 = 0; loop 1000 times { x0 += x1; svc #0 every 100th trip }; brk #0
const PROGRAM = words(
  0xd2800000, // 0x00 mov x0, #0
  0xd2807d01, // 0x04 mov x1, #1000
  0xd2800003, // 0x08 mov x3, #0
  0x8b010000, // 0x0c loop: add x0, x0, x1
  0x91000463, // 0x10 add x3, x3, #1
  0xf101907f, // 0x14 cmp x3, #100
  0x54000061, // 0x18 b.ne skip
  0xd4000001, // 0x1c svc #0
  0xd2800003, // 0x20 mov x3, #0
  0xf1000421, // 0x24 skip: subs x1, x1, #1
  0x54ffff21, // 0x28 b.ne loop
  0xd4200000, // 0x2c brk #0
);
const SVC_AT = CODE + 0x1c;
const BRK_AT = CODE + 0x2c;
const SUM = 500500n; // 1000 + 999 + … + 1

const kinds: EngineKind[] = oracle('unicorn').available ? ['ts', 'unicorn'] : ['ts'];

async function open(kind: EngineKind, jitThreshold?: number): Promise<Engine> {
  const e = await createEngine(kind, { jitThreshold });
  e.memMap(CODE, 0x1000, PROT_ALL);
  e.memMap(DATA, 0x1000, PROT_READ | PROT_WRITE);
  e.memWrite(CODE, PROGRAM);
  return e;
}

describe('exception stops', () => {
  for (const kind of kinds) {
    for (const jitThreshold of kind === 'ts' ? [Number.POSITIVE_INFINITY, 0, 16] : [undefined]) {
      it(`svc and brk end start() with reason 'exception' at exact pcs and counts (${kind}, jitThreshold ${jitThreshold})`, async () => {
        const e = await open(kind, jitThreshold);
        e.setExceptionStops([INTNO_SVC, INTNO_BRK]);
        const before = e.instructionCount();
        let pc = CODE;
        const svcs: bigint[] = [];
        for (;;) {
          const r = e.start(pc, 0);
          expect(r.reason).toBe('exception');
          if (r.intno === INTNO_BRK) {
            expect(r.pc).toBe(BRK_AT);
            break;
          }
          expect(r.intno).toBe(INTNO_SVC);
          expect(r.pc).toBe(SVC_AT + 4); // the preferred return address, as an intr hook sees it
          svcs.push(e.getX(0));
          pc = r.pc;
        }
        expect(svcs.length).toBe(10);
        expect(svcs[0]).toBe(1000n * 100n - (99n * 100n) / 2n);
        expect(e.getX(0)).toBe(SUM);
        // 3 + 1000 trips of 6, + svc and mov on 10 of them; the ts engine counts the final brk as
        // retired (it ran and raised), Unicorn does not (as before these stops existed).
        expect(e.instructionCount() - before).toBe(3 + 1000 * 6 + 10 * 2 + (kind === 'ts' ? 1 : 0));
        if (e instanceof TsEngine && jitThreshold !== Number.POSITIVE_INFINITY) {
          expect(e.translatedRegions).toBeGreaterThan(0);
        }
        e.close();
      });
    }
    it(`without stops, exceptions go to intr hooks as before, and an empty list restores that (${kind})`, async () => {
      const e = await open(kind);
      e.setExceptionStops([INTNO_SVC]);
      e.setExceptionStops([]);
      let svcs = 0;
      e.hookAdd('intr', (intno) => {
        if (intno === INTNO_SVC) svcs++;
        else e.stop();
      });
      const r = e.start(CODE, 0);
      expect(r.reason).toBe('stopped');
      expect(svcs).toBe(10);
      expect(e.getX(0)).toBe(SUM);
      e.close();
    });
    it(`brk not listed as a stop stays an UnhandledException (${kind})`, async () => {
      const e = await open(kind);
      e.setExceptionStops([INTNO_SVC]);
      let pc = CODE;
      let error: unknown;
      try {
        for (;;) pc = e.start(pc, 0).pc;
      } catch (x) {
        error = x;
      }
      expect(error).toBeInstanceOf(UnhandledException);
      expect((error as UnhandledException).address).toBe(BRK_AT);
      expect(() => e.setExceptionStops([1])).toThrow(EngineApiError);
      e.close();
    });
  }
  it('the ts engine keeps translating with an intr hook installed', async () => {
    const e = (await open('ts', 0)) as TsEngine;
    e.hookAdd('intr', (intno) => {
      if (intno !== INTNO_SVC) e.stop();
    });
    e.start(CODE, 0);
    expect(e.getX(0)).toBe(SUM);
    expect(e.translatedRegions).toBeGreaterThan(0);
  });
});

describe('breakpoints', () => {
  for (const kind of kinds) {
    for (const jitThreshold of kind === 'ts' ? [Number.POSITIVE_INFINITY, 0] : [undefined]) {
      it(`stop before the instruction at the address, every time it is reached (${kind}, jitThreshold ${jitThreshold})`, async () => {
        const e = await open(kind, jitThreshold);
        e.setExceptionStops([INTNO_SVC, INTNO_BRK]);
        const SKIP = CODE + 0x24; // subs x1, x1, #1: reached on every trip
        e.addBreakpoint(SKIP);
        let pc = CODE;
        let hits = 0;
        let counted = 0;
        for (;;) {
          const r = e.start(pc, 0);
          counted += r.instructions;
          if (r.reason === 'breakpoint') {
            expect(r.pc).toBe(SKIP);
            expect(e.getPc()).toBe(SKIP);
            hits++;
            // Not executed yet: x1 still holds this trip's value.
            expect(e.getX(1)).toBe(BigInt(1001 - hits));
            if (hits === 500) e.removeBreakpoint(SKIP);
          } else if (r.intno === INTNO_BRK) break;
          pc = r.pc;
        }
        expect(hits).toBe(500);
        expect(e.getX(0)).toBe(SUM);
        expect(counted).toBe(3 + 1000 * 6 + 10 * 2 + (kind === 'ts' ? 1 : 0));
        e.close();
      });
    }
    it(`a breakpoint at start()'s begin lets the first instruction run; one never reached costs nothing (${kind})`, async () => {
      const e = await open(kind);
      e.setExceptionStops([INTNO_SVC, INTNO_BRK]);
      e.addBreakpoint(CODE);
      e.addBreakpoint(CODE + 0x800); // never reached
      let r = e.start(CODE, 0);
      expect(r.reason).toBe('exception'); // the first svc, not the breakpoint at CODE
      expect(r.pc).toBe(SVC_AT + 4);
      // A branch back to the breakpoint address stops there.
      e.memWrite(CODE + 0x100, words(0x17ffffc0)); // b CODE
      r = e.start(CODE + 0x100, 0);
      expect(r).toEqual({ reason: 'breakpoint', instructions: 1, pc: CODE });
      expect(() => e.addBreakpoint(CODE + 2)).toThrow(EngineApiError);
      e.close();
    });
  }
});

describe('alignment faults', () => {
  for (const kind of kinds) {
    it(`a misaligned exclusive is an AlignmentFault with the exact address and pc (${kind})`, async () => {
      const e = await open(kind);
      e.memWrite(CODE + 0x200, words(0xc85f7c20)); // ldxr x0, [x1]
      e.setX(1, BigInt(DATA + 3));
      let error: unknown;
      try {
        e.start(CODE + 0x200, CODE + 0x204);
      } catch (x) {
        error = x;
      }
      expect(error).toBeInstanceOf(AlignmentFault);
      const f = error as AlignmentFault;
      expect(f.address64).toBe(BigInt(DATA + 3));
      expect(f.pc).toBe(CODE + 0x200);
      expect(f.access).toBe('read');
      e.close();
    });
  }
});
