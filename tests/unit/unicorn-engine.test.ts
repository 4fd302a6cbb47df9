/** The unicorn engine implements the Engine API, and agrees with the ts engine on a small program. */
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type Engine, PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { MemoryFault, UndefinedInstruction, UnhandledException } from '../../src/emu/errors.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { words } from '../support/words.ts';

const CODE = 0x10000;
const DATA = 0x20000;

// sum = 0; for (i = 10; i != 0; i--) { sum += i; mem[DATA + 8*i] = sum }; bl f; (f: x2 = x0 + 1; ret)
const PROGRAM = words(
  0xd2800000, // 0x00 mov x0, #0
  0xd2800141, // 0x04 mov x1, #10
  0xd2a00043, // 0x08 mov x3, #0x20000
  0x8b010000, // 0x0c loop: add x0, x0, x1
  0xf8217860, // 0x10 str x0, [x3, x1, lsl #3]
  0xf1000421, // 0x14 subs x1, x1, #1
  0x54ffffa1, // 0x18 b.ne loop
  0x94000003, // 0x1c bl f
  0xd503201f, // 0x20 nop   (end: until = 0x24)
  0xd503201f, // 0x24
  0x91000402, // 0x28 f: add x2, x0, #1
  0xd65f03c0, // 0x2c ret
);
const END = CODE + 0x24;
const digestOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describeWithOracles(['unicorn'], 'unicorn engine', () => {
  let uc: Engine;
  beforeEach(async () => {
    uc = await createEngine('unicorn');
    uc.memMap(CODE, 0x1000, PROT_ALL);
    uc.memMap(DATA, 0x1000, PROT_READ | PROT_WRITE);
    uc.memWrite(CODE, PROGRAM);
  });
  afterEach(() => uc.close());

  it('runs at EL0 with FP enabled and TPIDR_EL0 working', () => {
    uc.memWrite(CODE + 0x100, words(0xd5384240)); // mrs x0, CurrentEL: UNDEFINED at EL0
    expect(() => uc.start(CODE + 0x100, CODE + 0x104)).toThrow(UndefinedInstruction);
    uc.memWrite(CODE + 0x200, words(0x1e6e1000, 0xd53bd041)); // fmov d0, #1.0; mrs x1, tpidr_el0
    uc.regWrite('tpidr_el0', 0x1234_5678_9abcn);
    uc.start(CODE + 0x200, CODE + 0x208);
    expect(uc.regRead('d0')).toBe(0x3ff0000000000000n);
    expect(uc.regRead('x1')).toBe(0x1234_5678_9abcn);
  });

  it('maps, protects, unmaps and lists regions', () => {
    uc.memMap(0x40000, 0x3000, PROT_READ);
    uc.memProtect(0x41000, 0x1000, PROT_READ | PROT_WRITE);
    expect(uc.memRegions()).toEqual([
      { begin: CODE, end: CODE + 0x1000, perms: PROT_ALL },
      { begin: DATA, end: DATA + 0x1000, perms: PROT_READ | PROT_WRITE },
      { begin: 0x40000, end: 0x41000, perms: PROT_READ },
      { begin: 0x41000, end: 0x42000, perms: PROT_READ | PROT_WRITE },
      { begin: 0x42000, end: 0x43000, perms: PROT_READ },
    ]);
    uc.memUnmap(0x40000, 0x3000);
    expect(uc.memRegions().length).toBe(2);
    expect(() => uc.memRead(0x40000, 4)).toThrow(MemoryFault);
  });

  it('reads and writes every register view', () => {
    for (let i = 0; i <= 30; i++) uc.regWrite(`x${i}`, BigInt(i) * 0x1_0000_0001n);
    for (let i = 0; i <= 30; i++) expect(uc.regRead(`x${i}`)).toBe(BigInt(i) * 0x1_0000_0001n);
    expect(uc.regRead('w5')).toBe(5n);
    expect(uc.regRead('lr')).toBe(30n * 0x1_0000_0001n);
    uc.regWrite('sp', 0xfff0n);
    expect(uc.getX(31)).toBe(0xfff0n);
    uc.regWrite('nzcv', 0xa0000000n);
    expect(uc.regRead('nzcv')).toBe(0xa0000000n);
    uc.regWrite('fpcr', 0x03c00000n);
    expect(uc.regRead('fpcr')).toBe(0x03c00000n);
    uc.regWrite('fpsr', 0x8000009fn);
    expect(uc.regRead('fpsr') & 0x9fn).toBe(0x9fn);
    const q = 0x0123456789abcdef_fedcba9876543210n;
    uc.regWrite('q7', q);
    expect(uc.regRead('q7')).toBe(q);
    expect(uc.regRead('v7')).toBe(q);
    expect(uc.regRead('d7')).toBe(0xfedcba9876543210n);
    expect(uc.regRead('s7')).toBe(0x76543210n);
    expect(uc.regRead('h7')).toBe(0x3210n);
    expect(uc.regRead('b7')).toBe(0x10n);
    uc.regWrite('s7', 0x3f800000n); // narrower write zeroes the rest, as in the ts engine
    expect(uc.regRead('q7')).toBe(0x3f800000n);
  });

  it('agrees with the ts engine on a small program (state, memory, instruction count)', async () => {
    const ts = await createEngine('ts');
    ts.memMap(CODE, 0x1000, PROT_ALL);
    ts.memMap(DATA, 0x1000, PROT_READ | PROT_WRITE);
    ts.memWrite(CODE, PROGRAM);
    const a = ts.start(CODE, END);
    const b = uc.start(CODE, END);
    expect(b).toEqual(a);
    expect(b).toEqual({ reason: 'until', instructions: 3 + 4 * 10 + 1 + 2 + 1, pc: END });
    for (const r of ['x0', 'x1', 'x2', 'x3', 'x30', 'nzcv'] as const) expect(uc.regRead(r)).toBe(ts.regRead(r));
    expect(uc.regRead('x0')).toBe(55n);
    expect(uc.memRead(DATA, 0x100)).toEqual(ts.memRead(DATA, 0x100));
    expect(uc.instructionCount()).toBe(ts.instructionCount());
    const c1 = ts.start(CODE, END, { count: 7 });
    const c2 = uc.start(CODE, END, { count: 7 });
    expect(c2).toEqual(c1);
    expect(c2.reason).toBe('count');
    ts.close();
  });

  it('calls code, block and memory hooks, and deletes them', () => {
    const code: number[] = [];
    const blocks: number[] = [];
    const writes: [number, number, bigint][] = [];
    uc.start(CODE, END); // translated before the hooks exist: they must still see this code
    const hc = uc.hookAdd('code', (a) => code.push(a), { begin: CODE + 0x0c, end: CODE + 0x0c });
    const hb = uc.hookAdd('block', (a) => blocks.push(a));
    const hw = uc.hookAdd('mem-write', (_k, a, s, v) => writes.push([a, s, v]));
    uc.start(CODE, END);
    expect(code.length).toBe(10);
    expect(blocks[0]).toBe(CODE);
    expect(writes.length).toBe(10);
    expect(writes[0]).toEqual([DATA + 80, 8, 10n]);
    uc.hookDel(hc);
    uc.hookDel(hb);
    uc.hookDel(hw);
    code.length = 0;
    uc.start(CODE, END);
    expect(code.length).toBe(0);
  });

  it('stops from a code hook before the hooked instruction', () => {
    uc.start(CODE, END);
    uc.hookAdd('code', () => uc.stop(), { begin: CODE + 0x08, end: CODE + 0x08 });
    expect(uc.start(CODE, END)).toEqual({ reason: 'stopped', instructions: 2, pc: CODE + 0x08 });
  });

  it('reports memory faults with address and pc, and lets mem-invalid hooks map pages', () => {
    uc.memWrite(CODE + 0x300, words(0x91000400, 0xf9400022, 0x91000400)); // add; ldr x2, [x1]; add
    uc.regWrite('x1', 0x80008n);
    uc.regWrite('x0', 0n);
    let fault: MemoryFault | undefined;
    try {
      uc.start(CODE + 0x300, CODE + 0x30c);
    } catch (e) {
      fault = e as MemoryFault;
    }
    expect(fault).toBeInstanceOf(MemoryFault);
    expect([fault?.access, fault?.kind, fault?.address, fault?.size]).toEqual(['read', 'unmapped', 0x80008, 8]);
    expect(fault?.pc).toBe(CODE + 0x304);
    expect(uc.getPc()).toBe(CODE + 0x304);
    expect(uc.regRead('x0')).toBe(1n);
    const seen: string[] = [];
    uc.hookAdd('mem-invalid', (access, kind, address) => {
      seen.push(`${access}:${kind}:${address.toString(16)}`);
      if (kind !== 'unmapped') return false;
      uc.memMap(address - (address % 0x1000), 0x1000, PROT_READ);
      return true;
    });
    const r = uc.start(CODE + 0x304, CODE + 0x30c);
    expect(r).toEqual({ reason: 'until', instructions: 2, pc: CODE + 0x30c });
    expect(seen).toEqual(['read:unmapped:80008']);
    seen.length = 0;
    uc.memWrite(CODE + 0x400, words(0xf900003f)); // str xzr, [x1]: page is read-only
    expect(() => uc.start(CODE + 0x400, CODE + 0x404)).toThrow(/protection write fault at 0x80008/);
  });

  it('maps exceptions: SVC to interrupt hooks or UnhandledException; invalid words to UndefinedInstruction', () => {
    uc.memWrite(CODE + 0x500, words(0xd4000001, 0xd503201f, 0xffffffff)); // svc #0; nop; invalid
    expect(() => uc.start(CODE + 0x500, CODE + 0x508)).toThrow(UnhandledException);
    try {
      uc.start(CODE + 0x500, CODE + 0x508);
    } catch (e) {
      expect((e as UnhandledException).intno).toBe(2);
      expect((e as UnhandledException).address).toBe(CODE + 0x500);
    }
    const intr: number[] = [];
    const h = uc.hookAdd('intr', (n) => intr.push(n));
    expect(uc.start(CODE + 0x500, CODE + 0x508)).toEqual({ reason: 'until', instructions: 2, pc: CODE + 0x508 });
    expect(intr).toEqual([2]);
    uc.hookDel(h);
    let undef: UndefinedInstruction | undefined;
    try {
      uc.start(CODE + 0x508, CODE + 0x50c);
    } catch (e) {
      undef = e as UndefinedInstruction;
    }
    expect(undef).toBeInstanceOf(UndefinedInstruction);
    expect([undef?.word, undef?.address]).toEqual([0xffffffff, CODE + 0x508]);
  });

  it('runs host call gates: return to LR, redirect, and park', () => {
    const GATE = CODE + 0x600;
    uc.memWrite(GATE, words(0xd65f03c0)); // ret
    uc.memWrite(CODE + 0x700, words(0x97ffffc0, 0x91000400, 0xd503201f)); // bl GATE; add x0, x0, #1
    let calls = 0;
    uc.addHostGate(GATE, (e) => {
      calls++;
      e.setX(0, 41n);
      return undefined;
    });
    expect(uc.start(CODE + 0x700, CODE + 0x708)).toEqual({ reason: 'until', instructions: 3, pc: CODE + 0x708 });
    expect(uc.regRead('x0')).toBe(42n);
    let park = true;
    uc.addHostGate(GATE, () => {
      if (park) {
        park = false;
        return 'park';
      }
      return undefined;
    });
    uc.regWrite('x0', 7n);
    expect(uc.start(CODE + 0x700, CODE + 0x708)).toEqual({ reason: 'parked', instructions: 2, pc: GATE });
    expect(uc.start(GATE, CODE + 0x708)).toEqual({ reason: 'until', instructions: 2, pc: CODE + 0x708 });
    expect(uc.regRead('x0')).toBe(8n);
    uc.removeHostGate(GATE);
    expect(calls).toBe(1);
  });

  it('saves and restores contexts', () => {
    uc.regWrite('x5', 5n);
    uc.regWrite('q3', 33n);
    uc.regWrite('tpidr_el0', 77n);
    const ctx = uc.contextSave();
    uc.regWrite('x5', 6n);
    uc.regWrite('q3', 0n);
    uc.regWrite('tpidr_el0', 0n);
    uc.contextRestore(ctx);
    expect([uc.regRead('x5'), uc.regRead('q3'), uc.regRead('tpidr_el0')]).toEqual([5n, 33n, 77n]);
    uc.memWrite(CODE + 0x800, words(0xd5384240)); // still EL0 after a restore
    expect(() => uc.start(CODE + 0x800, CODE + 0x804)).toThrow(UndefinedInstruction);
  });

  it('rethrows exceptions from hooks and refuses use after close', async () => {
    uc.hookAdd('code', () => {
      throw new Error('boom');
    });
    expect(() => uc.start(CODE, END)).toThrow('boom');
    const other = await createEngine('unicorn');
    other.close();
    expect(() => other.regRead('x0')).toThrow(/closed/);
  });
});

describeWithOracles(['unicorn'], 'unicorn engine: instruction counts inside hooks agree with the ts engine', () => {
  const engines: Engine[] = [];
  afterEach(() => {
    for (const e of engines.splice(0)) e.close();
  });
  async function make(kind: 'ts' | 'unicorn'): Promise<Engine> {
    const e = await createEngine(kind);
    engines.push(e);
    e.memMap(CODE, 0x1000, PROT_ALL);
    e.memMap(DATA, 0x1000, PROT_READ | PROT_WRITE);
    e.memWrite(CODE, PROGRAM);
    return e;
  }

  it('code hooks, block hooks and host gates see the exact count, in every run', async () => {
    const seen: Record<string, string[]> = {};
    for (const kind of ['ts', 'unicorn'] as const) {
      const e = await make(kind);
      const log: string[] = [];
      // At 0x100: bl 0x200 (a host gate); then the loop program; until END.
      e.memWrite(CODE + 0x100, words(0x94000040, 0x17ffffbf)); // bl +0x100; b CODE
      e.memWrite(CODE + 0x200, words(0xd65f03c0)); // the gate slot: ret
      e.addHostGate(CODE + 0x200, (eng) => {
        log.push(`gate ${eng.instructionCount()}`);
        return undefined;
      });
      e.hookAdd('code', (a) => log.push(`code ${a - CODE} ${e.instructionCount()}`), {
        begin: CODE + 0x10,
        end: CODE + 0x10,
      });
      e.hookAdd('block', (a) => log.push(`block ${a - CODE} ${e.instructionCount()}`), {
        begin: CODE + 0x28,
        end: CODE + 0x28,
      });
      for (let run = 0; run < 2; run++) {
        const r = e.start(CODE + 0x100, END);
        log.push(`end ${r.instructions} ${e.instructionCount()}`);
      }
      seen[kind] = log;
    }
    // 2 (bl, gate) + b + 3 + 10 loop iterations of 4 + bl, nop: 48 per run
    expect(seen.ts).toContain('gate 2');
    expect(seen.ts).toContain('code 16 7');
    expect(seen.ts).toContain('block 40 47');
    expect(seen.ts).toContain('end 50 100');
    expect(seen.unicorn).toEqual(seen.ts);
  });

  it('exact counts stop where the ts engine stops, with the same counts in hooks', async () => {
    // The native counter stops before the block that would pass a count, whose first instructions
    // then run with `until` (unicorn/engine.ts, BlockCounterNative): random counts end anywhere in
    // the loop's blocks, in the gate's, on the gate itself and on a breakpoint. (Slices end at
    // block boundaries, which are each engine's own.)
    const ts = await make('ts');
    const uc = await make('unicorn');
    const logs = new Map<Engine, string[]>([
      [ts, []],
      [uc, []],
    ]);
    // Counts since the property run began (a failed run leaves the engines' totals apart).
    const base = new Map<Engine, number>();
    const since = (e: Engine) => e.instructionCount() - (base.get(e) as number);
    for (const e of [ts, uc]) {
      const log = logs.get(e) as string[];
      e.memWrite(CODE + 0x100, words(0x94000040, 0x17ffffbf)); // bl +0x100; b CODE
      e.memWrite(CODE + 0x200, words(0xd65f03c0)); // the gate slot: ret
      e.addHostGate(CODE + 0x200, (eng) => {
        log.push(`gate ${since(eng)}`);
        return undefined;
      });
      e.hookAdd('code', (a) => log.push(`code ${a - CODE} ${since(e)}`), { begin: CODE + 0x14, end: CODE + 0x14 });
      e.addBreakpoint(CODE + 0x28);
    }
    // `until` at END, or at 0x20, where a block begins (the return from f): a count that stops at
    // that block's entry ends the run there as `until`.
    const step = fc.record({ count: fc.integer({ min: 0, max: 60 }), early: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        for (const e of [ts, uc]) {
          e.regWrite('pc', BigInt(CODE + 0x100));
          (logs.get(e) as string[]).length = 0;
          base.set(e, e.instructionCount());
          e.memWrite(DATA, new Uint8Array(0x100));
        }
        for (const { count, early } of steps) {
          const states = [ts, uc].map((e) => {
            const pc = Number(e.regRead('pc'));
            const until = early ? CODE + 0x20 : END;
            const r = e.start(pc === END ? CODE + 0x100 : pc, until, count > 0 ? { count } : {});
            return { r, total: since(e), regs: [0, 1, 2, 3].map((i) => e.getX(i)), log: logs.get(e) };
          });
          expect(states[1]).toEqual(states[0]);
        }
        expect(digestOf(uc.memRead(DATA, 0x100))).toBe(digestOf(ts.memRead(DATA, 0x100)));
      }),
      { numRuns: 60, seed: 20261205 },
    );
  });

  it('a code hook without a range added after code ran fires on separately mapped pages', async () => {
    const P = 0x80000;
    // Two adjacent pages mapped separately, in either order, with other mappings in between, or
    // one mapping split by memProtect: memRegions() shows one region, Unicorn has several blocks.
    const layouts: ((e: Engine) => void)[] = [
      (e) => {
        e.memMap(P, 0x1000, PROT_ALL);
        e.memMap(P + 0x1000, 0x1000, PROT_ALL);
      },
      (e) => {
        e.memMap(P + 0x1000, 0x1000, PROT_ALL);
        e.memMap(0x90000, 0x10000, PROT_READ | PROT_WRITE);
        e.memMap(P, 0x1000, PROT_ALL);
      },
      (e) => {
        e.memMap(P, 0x2000, PROT_ALL);
        e.memProtect(P + 0x1000, 0x1000, PROT_READ);
        e.memProtect(P + 0x1000, 0x1000, PROT_ALL);
      },
    ];
    for (const layout of layouts) {
      const e = await make('unicorn');
      layout(e);
      expect(e.memRegions().filter((r) => r.begin <= P && r.end >= P + 0x2000)).toHaveLength(1);
      // P+0x1000: add x0, x0, #1; b P+0x804 | P+0x804: add x0, x0, #1; nop (until)
      e.memWrite(P + 0x1000, words(0x91000400, 0x17fffe00));
      e.memWrite(P + 0x804, words(0x91000400, 0xd503201f));
      e.memWrite(CODE + 0x400, words(0x91000400, 0xd503201f));
      e.setX(0, 0n);
      for (let i = 0; i < 3; i++) {
        e.start(P + 0x1000, P + 0x808);
        e.start(CODE + 0x400, CODE + 0x404);
      }
      expect(e.getX(0)).toBe(9n);
      const hit: number[] = [];
      const h = e.hookAdd('code', (a) => hit.push(a));
      e.start(P + 0x1000, P + 0x808);
      e.start(CODE + 0x400, CODE + 0x404);
      expect(hit).toEqual([P + 0x1000, P + 0x1004, P + 0x804, CODE + 0x400]);
      e.hookDel(h);
      hit.length = 0;
      e.start(P + 0x1000, P + 0x808);
      expect(hit).toEqual([]);
      expect(e.getX(0)).toBe(14n);
    }
  });
});
