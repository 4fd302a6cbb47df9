import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { EngineApiError, MemoryFault, UndefinedInstruction, UnhandledException } from '../../src/emu/errors.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';

const CODE = 0x10000;
const bytes = (words: number[]) => new Uint8Array(new Uint32Array(words).buffer);

// Encodings (llvm-mc-16): mov x0,#5 = d28000a0; add x0,x0,#1 = 91000400; add x1,x1,#1 = 91000421
// b .-4 = 17ffffff; bl .+8 = 94000002; ret = d65f03c0; svc #0 = d4000001; nop = d503201f
const MOV_X0_5 = 0xd28000a0;
const ADD_X0_1 = 0x91000400;
const ADD_X1_1 = 0x91000421;
const RET = 0xd65f03c0;
const SVC0 = 0xd4000001;
const NOP = 0xd503201f;

function engineWith(words: number[], options = {}): TsEngine {
  const e = new TsEngine(options);
  e.memMap(CODE, 0x1000, PROT_ALL);
  e.memWrite(CODE, bytes(words));
  return e;
}

describe('memory API', () => {
  it('rejects unaligned and overlapping maps, unmapping holes', () => {
    const e = new TsEngine();
    expect(() => e.memMap(0x1001, 0x1000, PROT_ALL)).toThrow(EngineApiError);
    e.memMap(0x1000, 0x2000, PROT_READ);
    expect(() => e.memMap(0x2000, 0x1000, PROT_ALL)).toThrow(/already mapped/);
    expect(() => e.memUnmap(0x3000, 0x1000)).toThrow(/not mapped/);
    expect(e.memRegions()).toEqual([{ begin: 0x1000, end: 0x3000, perms: PROT_READ }]);
    e.memProtect(0x2000, 0x1000, PROT_READ | PROT_WRITE);
    expect(e.memRegions()).toEqual([
      { begin: 0x1000, end: 0x2000, perms: PROT_READ },
      { begin: 0x2000, end: 0x3000, perms: PROT_READ | PROT_WRITE },
    ]);
  });

  it('host reads and writes cross pages and ignore permissions', () => {
    const e = new TsEngine();
    e.memMap(0x1000, 0x2000, 0);
    e.memWrite(0x1ffe, new Uint8Array([1, 2, 3, 4]));
    expect([...e.memRead(0x1ffd, 6)]).toEqual([0, 1, 2, 3, 4, 0]);
    expect(() => e.memRead(0x2ffe, 4)).toThrow(MemoryFault);
  });
});

describe('execution', () => {
  it('stops at until without executing it, and counts instructions', () => {
    const e = engineWith([MOV_X0_5, ADD_X0_1, ADD_X0_1, ADD_X0_1]);
    const r = e.start(CODE, CODE + 12);
    expect(r).toEqual({ reason: 'until', instructions: 3, pc: CODE + 12 });
    expect(e.regRead('x0')).toBe(7n);
  });

  it('honours count, also inside a translated self-loop', () => {
    for (const jitThreshold of [0, 16, Number.POSITIVE_INFINITY]) {
      const e = engineWith([ADD_X0_1, ADD_X1_1, 0x17fffffe], { jitThreshold });
      const r = e.start(CODE, 0, { count: 1000 });
      expect(r.reason).toBe('count');
      expect(r.instructions).toBe(1000);
      // 1000 = 333 full trips (999) + one add x0.
      expect(e.regRead('x0')).toBe(334n);
      expect(e.regRead('x1')).toBe(333n);
      expect(e.regRead('pc')).toBe(BigInt(CODE + 4));
      expect(e.instructionCount()).toBe(1000);
    }
  });

  it('gives the same results whatever the translation threshold', () => {
    const run = (jitThreshold: number) => {
      const e = engineWith([MOV_X0_5, ADD_X0_1, 0x94000002, SVC0, ADD_X1_1, RET], { jitThreshold });
      e.hookAdd('intr', () => e.stop());
      const r = e.start(CODE, 0);
      return [r.instructions, e.regRead('x0'), e.regRead('x1'), e.regRead('x30'), e.regRead('pc')];
    };
    expect(run(0)).toEqual(run(Number.POSITIVE_INFINITY));
    expect(run(0)).toEqual([6, 6n, 1n, BigInt(CODE + 12), BigInt(CODE + 16)]);
  });

  it('raises a typed error for undefined words with address', () => {
    const e = engineWith([NOP, 0x00000000]);
    expect(() => e.start(CODE, 0)).toThrow(UndefinedInstruction);
    expect(e.regRead('pc')).toBe(BigInt(CODE + 4));
    expect(e.instructionCount()).toBe(1);
  });

  it('reports a fetch fault from an unmapped branch target', () => {
    const e = engineWith([RET]);
    e.regWrite('x30', 0x900000n);
    let fault: MemoryFault | undefined;
    try {
      e.start(CODE, 0);
    } catch (err) {
      fault = err as MemoryFault;
    }
    expect(fault).toBeInstanceOf(MemoryFault);
    expect(fault?.access).toBe('fetch');
    expect(fault?.kind).toBe('unmapped');
    expect(fault?.address).toBe(0x900000);
  });

  it('SVC without an interrupt hook is an unhandled exception', () => {
    const e = engineWith([SVC0]);
    expect(() => e.start(CODE, 0)).toThrow(UnhandledException);
  });

  it('code hooks see every instruction; block hooks every block', () => {
    const e = engineWith([MOV_X0_5, ADD_X0_1, 0x94000002, NOP, ADD_X1_1, RET]);
    const code: number[] = [];
    const blocks: number[] = [];
    e.hookAdd('code', (a) => code.push(a - CODE));
    e.hookAdd('block', (a) => blocks.push(a - CODE));
    e.start(CODE, CODE + 12);
    expect(code).toEqual([0, 4, 8, 16, 20]);
    expect(blocks).toEqual([0, 16]);
  });

  it('writes to code pages drop decoded code (self-modifying code)', () => {
    const e = engineWith([ADD_X0_1, RET], { jitThreshold: 0 });
    e.regWrite('x30', BigInt(CODE + 0x100));
    for (let i = 0; i < 3; i++) e.start(CODE, CODE + 0x100);
    expect(e.regRead('x0')).toBe(3n);
    e.memWrite(CODE, bytes([ADD_X1_1]));
    e.start(CODE, CODE + 0x100);
    expect(e.regRead('x0')).toBe(3n);
    expect(e.regRead('x1')).toBe(1n);
  });

  it('code rewritten again and again runs its newest words (the page reuses its dropped cache)', () => {
    // A page's dropped cache is cleared only over the slots it filled (memory.ts, spareCode):
    // runs from random slots after random rewrites (host writes, mprotect) against a model.
    const SLOTS = 16;
    const movz = (v: number) => 0xd2800000 | (v << 5); // movz x0, #v
    const addi = (v: number) => 0x91000000 | (v << 10); // add x0, x0, #v
    const op = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), slot: fc.nat(SLOTS - 1), add: fc.boolean(), v: fc.nat(4095) }),
      fc.record({ kind: fc.constant('run' as const), slot: fc.nat(SLOTS - 1) }),
      fc.record({ kind: fc.constant('protect' as const) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(0, 2, Number.POSITIVE_INFINITY), fc.array(op, { maxLength: 40 }), (jit, ops) => {
        const words: number[] = Array.from({ length: SLOTS }, (_, i) => addi(i + 1));
        const e = engineWith(words, { jitThreshold: jit });
        for (const o of ops) {
          if (o.kind === 'write') {
            words[o.slot] = o.add ? addi(o.v) : movz(o.v);
            e.memWrite(CODE + 4 * o.slot, bytes([words[o.slot] as number]));
          } else if (o.kind === 'protect') e.memProtect(CODE, 0x1000, PROT_ALL);
          else {
            let x0 = 0;
            for (const w of words.slice(o.slot))
              x0 = w >>> 24 === 0x91 ? x0 + ((w >>> 10) & 0xfff) : (w >>> 5) & 0xffff;
            e.regWrite('x0', 0n);
            e.start(CODE + 4 * o.slot, CODE + 4 * SLOTS);
            expect(e.regRead('x0')).toBe(BigInt(x0));
          }
        }
      }),
      { numRuns: 300, seed: 20261205 },
    );
  });
});

describe('host call gates', () => {
  it('calls the host function and returns to x30', () => {
    const e = engineWith([0x94000002, SVC0, RET]);
    const gate = CODE + 8;
    const seen: bigint[] = [];
    e.addHostGate(gate, (eng) => {
      seen.push(eng.getX(0));
      eng.setX(0, 42);
      return undefined;
    });
    e.regWrite('x0', 7n);
    e.hookAdd('intr', () => e.stop());
    e.start(CODE, 0);
    expect(seen).toEqual([7n]);
    expect(e.regRead('x0')).toBe(42n);
  });

  it('parks and resumes with the answer', () => {
    const e = engineWith([0x94000002, ADD_X0_1, RET]);
    const gate = CODE + 8;
    e.addHostGate(gate, () => 'park');
    const r = e.start(CODE, CODE + 8 + 4);
    expect(r.reason).toBe('parked');
    expect(r.pc).toBe(gate);
    // The answer arrives: write x0, return to the caller.
    e.regWrite('x0', 100n);
    const ret = Number(e.regRead('x30'));
    const r2 = e.start(ret, CODE + 8);
    expect(r2.reason).toBe('until');
    expect(e.regRead('x0')).toBe(101n);
  });
});

describe('context', () => {
  it('save and restore round-trips registers, flags and vectors', () => {
    const e = new TsEngine();
    e.regWrite('x3', 0x1122334455667788n);
    e.regWrite('sp', 0x7ff0n);
    e.regWrite('nzcv', 0x60000000n);
    e.regWrite('q7', (1n << 127n) | 5n);
    e.regWrite('tpidr_el0', 0xabcdefn);
    const ctx = e.contextSave();
    e.regWrite('x3', 0n);
    e.regWrite('q7', 0n);
    e.regWrite('nzcv', 0n);
    e.contextRestore(ctx);
    expect(e.regRead('x3')).toBe(0x1122334455667788n);
    expect(e.regRead('w3')).toBe(0x55667788n);
    expect(e.regRead('sp')).toBe(0x7ff0n);
    expect(e.regRead('nzcv')).toBe(0x60000000n);
    expect(e.regRead('q7')).toBe((1n << 127n) | 5n);
    expect(e.regRead('d7')).toBe(5n);
    expect(e.regRead('tpidr_el0')).toBe(0xabcdefn);
  });

  it('rejects unknown register names', () => {
    const e = new TsEngine();
    expect(() => e.regRead('x31' as 'x0')).toThrow(EngineApiError);
    expect(() => e.regRead('q32' as 'q0')).toThrow(EngineApiError);
  });
});

describe('register values are unsigned 64-bit', () => {
  it('reads back values with the top bit set', () => {
    const e = new TsEngine();
    e.regWrite('x5', 0xd9490ce8b6dcbca0n);
    expect(e.regRead('x5')).toBe(0xd9490ce8b6dcbca0n);
    expect(e.getX(5)).toBe(0xd9490ce8b6dcbca0n);
    e.setX(6, -1n);
    expect(e.regRead('x6')).toBe(0xffffffffffffffffn);
  });

  it('setX takes a safe-integer number as its bigint (the number path has no BigInt)', () => {
    const e = new TsEngine();
    const edges = [0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 32 - 1, -(2 ** 32), 2 ** 53 - 1, -(2 ** 53 - 1)];
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...edges), fc.maxSafeInteger(), fc.integer()), (v) => {
        e.setX(7, v);
        const viaNumber = e.regRead('x7');
        e.setX(7, BigInt(v));
        expect(viaNumber).toBe(e.regRead('x7'));
        expect(viaNumber).toBe(BigInt.asUintN(64, BigInt(v)));
      }),
      { numRuns: 2000, seed: 64 },
    );
    expect(() => e.setX(7, 1.5)).toThrow(RangeError);
  });

  it('SIMD&FP registers: a write of any view keeps its low bits and zeroes the rest; every view reads its low bytes', () => {
    const e = new TsEngine();
    const VIEWS = { q: 128, v: 128, d: 64, s: 32, h: 16, b: 8 } as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(VIEWS) as (keyof typeof VIEWS)[])),
        fc.integer({ min: 0, max: 31 }),
        fc.oneof(fc.bigInt({ min: -(2n ** 140n), max: 2n ** 140n }), fc.bigInt({ min: -300n, max: 300n })),
        (view, r, value) => {
          e.regWrite(`q${r}` as 'q0', (1n << 128n) - 1n);
          e.regWrite(`${view}${r}` as 'q0', value);
          // The register as written (two's complement, truncated to the view; the rest zero).
          const held = BigInt.asUintN(VIEWS[view], value);
          for (const [w, bits] of Object.entries(VIEWS))
            expect(e.regRead(`${w}${r}` as 'q0')).toBe(BigInt.asUintN(bits, held));
        },
      ),
      { numRuns: 1500, seed: 128 },
    );
  });
});

describe('accesses that cross into a bad page (QEMU/Unicorn behaviour)', () => {
  it('fault at the second page start; a store writes its first-page bytes first', () => {
    const e = new TsEngine();
    e.memMap(0x13000, 0x1000, PROT_READ | PROT_WRITE);
    e.memMap(0x14000, 0x1000, PROT_READ);
    let fault: MemoryFault | undefined;
    try {
      e.mem.st64(0x13ffe, 0x55667788, 0x11223344);
    } catch (err) {
      fault = err as MemoryFault;
    }
    expect(fault?.address).toBe(0x14000);
    expect(fault?.kind).toBe('protection');
    expect([...e.memRead(0x13ffe, 2)]).toEqual([0x88, 0x77]);
    e.memUnmap(0x14000, 0x1000);
    try {
      e.mem.ld64(0x13ffc);
    } catch (err) {
      fault = err as MemoryFault;
    }
    expect(fault?.address).toBe(0x14000);
    expect(fault?.access).toBe('read');
    expect(fault?.kind).toBe('unmapped');
  });
});
