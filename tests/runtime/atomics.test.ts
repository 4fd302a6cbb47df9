/**
 * The outline-atomics helpers of runtime-aarch64/obj/atomics.o, linked by our linker and called on
 * the `ts` engine and on Unicorn, against a model: the old value comes back zero-extended in x0
 * (x0:x1 for cas16), memory holds the new value, the bytes around it are untouched, and no register
 * other than x0 (x1 for cas16), x15, x16, x17 and NZCV changes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATOMIC_OPS,
  ATOMIC_ORDERS,
  type AtomicOp,
  loadRuntimeObjects,
  outlineAtomicNames,
} from '../../runtime-aarch64/index.ts';
import { type Engine, type EngineKind, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { link } from '../../src/linker/link.ts';
import { EngineMemoryManager } from '../../src/linker/memory.ts';
import { describeWithOracles } from '../support/oracles.ts';

const DATA = 0x5000_0000;
const CELL = DATA + 0x100; // 16-byte aligned; the operand lies in [CELL, CELL + 16)
const AROUND = 32; // guard bytes checked on both sides
const STACK = 0x5100_0000;
const SENTINEL = 0x5200_0000;
const M64 = (1n << 64n) - 1n;

const u64 = fc.bigInt({ min: 0n, max: M64 });

interface Case {
  args: bigint[]; // x0.. as the helper takes them (pointer filled in)
  before: Uint8Array; // memory [CELL - AROUND, CELL + 16 + AROUND)
  offset: number; // operand offset within the 16-byte cell (a multiple of its size)
  junk: bigint[]; // x0..x30 background values
}

function leRead(b: Uint8Array, off: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i] as number);
  return v;
}
function leWrite(b: Uint8Array, off: number, n: number, v: bigint): void {
  for (let i = 0; i < n; i++) b[off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

/** The model: returned registers and the memory afterwards. */
function model(op: AtomicOp, size: number, c: Case): { x0: bigint; x1?: bigint; after: Uint8Array } {
  const after = c.before.slice();
  const at = AROUND + c.offset;
  if (size === 16) {
    const lo = leRead(after, at, 8);
    const hi = leRead(after, at + 8, 8);
    if (lo === c.args[0] && hi === c.args[1]) {
      leWrite(after, at, 8, c.args[2] as bigint);
      leWrite(after, at + 8, 8, c.args[3] as bigint);
    }
    return { x0: lo, x1: hi, after };
  }
  const mask = (1n << BigInt(8 * size)) - 1n;
  const old = leRead(after, at, size);
  const v = (c.args[0] as bigint) & mask;
  let next: bigint | undefined;
  if (op === 'cas') next = old === v ? (c.args[1] as bigint) & mask : undefined;
  else if (op === 'swp') next = v;
  else if (op === 'ldadd') next = (old + v) & mask;
  else if (op === 'ldclr') next = old & ~v & mask;
  else if (op === 'ldeor') next = old ^ v;
  else next = old | v;
  if (next !== undefined) leWrite(after, at, size, next);
  return { x0: old, after };
}

function caseArb(op: AtomicOp, size: number): fc.Arbitrary<Case> {
  const slots = 16 / size;
  return fc
    .record({
      before: fc.uint8Array({ minLength: 16 + 2 * AROUND, maxLength: 16 + 2 * AROUND }),
      slot: fc.integer({ min: 0, max: slots - 1 }),
      a: fc.array(u64, { minLength: 4, maxLength: 4 }),
      junk: fc.array(u64, { minLength: 31, maxLength: 31 }),
      hit: fc.boolean(), // cas: make the comparison succeed
    })
    .map(({ before, slot, a, junk, hit }) => {
      const offset = slot * size;
      const ptr = BigInt(CELL + offset);
      let args: bigint[];
      if (size === 16) {
        if (hit) {
          a[0] = leRead(before, AROUND, 8);
          a[1] = leRead(before, AROUND + 8, 8);
        }
        args = [a[0] as bigint, a[1] as bigint, a[2] as bigint, a[3] as bigint, ptr];
      } else if (op === 'cas') {
        if (hit) {
          // equal in the low bytes, garbage above them (the helper must ignore it)
          const mask = (1n << BigInt(8 * size)) - 1n;
          a[0] = (((a[0] as bigint) & ~mask) | leRead(before, AROUND + offset, size)) & M64;
        }
        args = [a[0] as bigint, a[1] as bigint, ptr];
      } else args = [a[0] as bigint, ptr];
      return { args, before, offset, junk };
    });
}

interface Harness {
  engine: Engine;
  sym(name: string): number;
  size(name: string): number;
}

async function makeHarness(kind: EngineKind): Promise<Harness> {
  const engine = await createEngine(kind);
  const mm = new EngineMemoryManager(engine, { slabAddress: 0x1000_0000 });
  const obj = loadRuntimeObjects().find((o) => o.name === 'atomics.o');
  if (!obj) throw new Error('atomics.o missing');
  const r = await link(obj.bytes, obj.name, { memoryManager: mm, resolve: async () => new Map() });
  engine.memMap(DATA, 0x1000, PROT_READ | PROT_WRITE);
  engine.memMap(STACK, 0x1000, PROT_READ | PROT_WRITE);
  engine.memMap(SENTINEL, 0x1000, PROT_READ);
  return {
    engine,
    sym(name) {
      const s = r.symbols.get(name);
      if (!s) throw new Error(`atomics.o does not define ${name}`);
      return s.address;
    },
    size: (name) => r.symbols.get(name)?.size ?? 0,
  };
}

function runCase(h: Harness, name: string, op: AtomicOp, size: number, c: Case): void {
  const e = h.engine;
  e.memWrite(CELL - AROUND, c.before);
  for (let i = 0; i < 31; i++) e.setX(i, c.junk[i] as bigint);
  c.args.forEach((v, i) => {
    e.setX(i, v);
  });
  e.setX(30, SENTINEL);
  e.setX(31, STACK + 0x800);
  const xBefore = Array.from({ length: 31 }, (_, i) => e.getX(i));
  const r = e.start(h.sym(name), SENTINEL, { count: 10_000 });
  expect(r.reason, `${name} returned`).toBe('until');
  const want = model(op, size, c);
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  expect(hex(e.getX(0)), `${name}: old value in x0`).toBe(hex(want.x0));
  if (want.x1 !== undefined) expect(hex(e.getX(1)), `${name}: old value high half in x1`).toBe(hex(want.x1));
  expect(Buffer.from(e.memRead(CELL - AROUND, c.before.length)).toString('hex'), `${name}: memory`).toBe(
    Buffer.from(want.after).toString('hex'),
  );
  const clobbered = new Set([0, 15, 16, 17, ...(size === 16 ? [1] : [])]);
  for (let i = 0; i < 31; i++) {
    if (!clobbered.has(i)) expect(hex(e.getX(i)), `${name}: x${i} preserved`).toBe(hex(xBefore[i] as bigint));
  }
  expect(Number(e.getX(31))).toBe(STACK + 0x800);
}

function atomicsSuite(kind: EngineKind, runs: number): void {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(kind);
  });
  afterAll(() => h.engine.close());

  it('atomics.o defines all 100 helpers', () => {
    const names = outlineAtomicNames();
    expect(names).toHaveLength(100);
    for (const n of names) expect(h.sym(n)).toBeGreaterThan(0);
  });

  it('orderings: acq loads are LDAX*, rel stores are STLX*, relax uses neither (exclusives only, no LSE)', () => {
    for (const name of outlineAtomicNames()) {
      const order = name.slice(name.indexOf('_', '__aarch64_'.length) + 1);
      const code = h.engine.memRead(h.sym(name), h.size(name));
      const words = Array.from({ length: code.length / 4 }, (_, i) =>
        new DataView(code.buffer, code.byteOffset).getUint32(4 * i, true),
      );
      // load/store exclusive class: bits 29..24 = 001000; L = bit 22, o0 (acquire/release) = bit 15
      const excl = words.filter((w) => (w & 0x3f00_0000) === 0x0800_0000);
      const loads = excl.filter((w) => (w >>> 22) & 1);
      const stores = excl.filter((w) => !((w >>> 22) & 1));
      expect(loads.length, name).toBe(1);
      expect(stores.length, name).toBeGreaterThanOrEqual(1);
      const acq = order === 'acq' || order === 'acq_rel' ? 1 : 0;
      const rel = order === 'rel' || order === 'acq_rel' ? 1 : 0;
      for (const w of loads) expect((w >>> 15) & 1, `${name} load ordering`).toBe(acq);
      for (const w of stores) expect((w >>> 15) & 1, `${name} store ordering`).toBe(rel);
      // no LSE atomics (CAS*/SWP*/LD<op> encodings) and no barriers
      for (const w of words) {
        expect((w & 0x3f20_0c00) === 0x3820_0000, `${name}: LSE instruction 0x${w.toString(16)}`).toBe(false);
        expect((w & 0x3fa0_7c00) === 0x08a0_7c00, `${name}: CAS 0x${w.toString(16)}`).toBe(false);
      }
    }
  });

  for (const op of ATOMIC_OPS) {
    for (const size of op === 'cas' ? [1, 2, 4, 8, 16] : [1, 2, 4, 8]) {
      it(`__aarch64_${op}${size}_{${ATOMIC_ORDERS.join(',')}}`, () => {
        for (const order of ATOMIC_ORDERS) {
          const name = `__aarch64_${op}${size}_${order}`;
          fc.assert(
            fc.property(caseArb(op, size), (c) => runCase(h, name, op, size, c)),
            { numRuns: runs, seed: 0x5eed + size },
          );
        }
      });
    }
  }

  it('a worked example per kind (cas hit/miss, ldadd wrap-around, cas16 hit)', () => {
    const c = (args: bigint[], bytes: number[], offset = 0): Case => {
      const before = new Uint8Array(16 + 2 * AROUND).fill(0xee);
      before.set(bytes, AROUND + offset);
      return { args, before, offset, junk: Array.from({ length: 31 }, (_, i) => BigInt(i) * 0x1111n) };
    };
    runCase(
      h,
      '__aarch64_cas4_acq_rel',
      'cas',
      4,
      c([0xffff_ffff_1234_5678n, 0x9abc_def0n, BigInt(CELL)], [0x78, 0x56, 0x34, 0x12]),
    );
    expect([...h.engine.memRead(CELL, 4)]).toEqual([0xf0, 0xde, 0xbc, 0x9a]);
    runCase(h, '__aarch64_cas1_relax', 'cas', 1, c([0x01n, 0x02n, BigInt(CELL + 3)], [0x05], 3));
    expect(h.engine.getX(0)).toBe(5n);
    expect(h.engine.memRead(CELL + 3, 1)[0]).toBe(5);
    runCase(h, '__aarch64_ldadd2_rel', 'ldadd', 2, c([0x0002n, BigInt(CELL)], [0xff, 0xff]));
    expect(h.engine.getX(0)).toBe(0xffffn);
    expect([...h.engine.memRead(CELL, 2)]).toEqual([1, 0]);
    runCase(
      h,
      '__aarch64_cas16_acq',
      'cas',
      16,
      c([1n, 2n, 3n, 4n, BigInt(CELL)], [1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]),
    );
    expect([...h.engine.memRead(CELL, 16)]).toEqual([3, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0]);
  });
}

describe('outline atomics on the ts engine', () => atomicsSuite('ts', 40));
describeWithOracles(['unicorn'], 'outline atomics on the unicorn engine', () => atomicsSuite('unicorn', 15));
