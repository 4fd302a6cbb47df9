/**
 * The translation tier keeps D registers in function locals (jit/fplocals.ts) and the FP fast
 * paths' FPSR/FPCR test in a local. Loops that reach those locals every way the state can see them
 * must end exactly where the block interpreter and Unicorn end: op calls reading a register just
 * written by a fast path (as a double and as a whole vector, whose upper half the write zeroed),
 * registers read but never written (a NaN with a payload, a vector with a non-zero upper half),
 * loads and stores of a local register, a register written on one path of a multi-block region
 * only, MSR FPCR changing the rounding mode and FZ inside the loop, and MSR FPSR clearing IXC
 * inside the loop with IXC clear at entry. Each program runs whole and stopped at several budgets
 * (exits in the middle of the loop), translated at once and after 16 hits, with the translator's
 * limits on locals (fplocals.ts fpLimits) as they are and raised so that every program's function
 * keeps its D registers in locals.
 */
import { describe, expect, it } from 'vitest';
import { type EngineKind, PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { fpLimits } from '../../src/emu/ts/jit/fplocals.ts';
import { optionalOracle } from '../support/oracles.ts';

const unicorn = optionalOracle('unicorn', 'jit-fp-locals');

const CODE = 0x10000;
const DATA = 0x100000;

interface Program {
  words: number[];
  regs: Record<string, bigint>;
  /** Initial data at DATA (64-bit words). */
  data: bigint[];
}

/** Bits of a double. */
function d(x: number): bigint {
  return new BigUint64Array(new Float64Array([x]).buffer)[0] as bigint;
}

/** A vector register: upper and lower 64 bits. */
function q(hi: bigint, lo: bigint): bigint {
  return (hi << 64n) | lo;
}

const SNAN = 0x7ff4000000000123n;
const QNAN = 0x7ff8dead0000beefn;

/**
 * Fast-path writes read by ops, loads and stores, a NaN read only, and a write on one path of
 * a three-block region (llvm-mc-16):
 * loop: fmul d2, d0, d1; fadd d3, d2, d7; fsqrt d4, d3 (op); mov v5.16b, v2.16b (op);
 *       fmadd d6, d4, d1, d3; str d6, [x1]; ldr d12, [x1, #8] (a signalling NaN);
 *       fadd d13, d12, d0; str d13, [x1, #16]; fmov x5, d6; add x9, x9, x5;
 *       fmul d16, d0, d18 (a subnormal: the helper); fdiv d17, d16, d18 (a fast path reading it);
 *       tbz w0, #0, skip
 *       fmul d8, d6, d0; fadd d9, d10, d0 (d10 a NaN); fcmp d8, d3 (op); fcsel d14, d8, d3, gt (op)
 * skip: fadd d0, d0, d11; fnmsub d15, d0, d1, d6; subs x0, x0, #1; b.ne loop; brk #0
 */
const MIXED: Program = {
  words: [
    0x1e610802, 0x1e672843, 0x1e61c064, 0x4ea21c45, 0x1f410c86, 0xfd000026, 0xfd40042c, 0x1e60298d, 0xfd00082d,
    0x9e6600c5, 0x8b050129, 0x1e720810, 0x1e721a11, 0x360000a0, 0x1e6008c8, 0x1e602949, 0x1e632100, 0x1e63cd0e,
    0x1e6b2800, 0x1f61980f, 0xf1000400, 0x54fffd61, 0xd4200000,
  ],
  regs: {
    x0: 301n,
    x1: BigInt(DATA),
    q0: q(0xaaaa5555aaaa5555n, d(1)),
    q1: d(0.7),
    q2: q(0x0123456789abcdefn, d(3)),
    q7: q(0x1122334455667788n, d(2 ** -30)),
    q8: q(0xfedcba9876543210n, d(5)),
    q10: q(0x99n, QNAN),
    q11: d(0.001),
    q18: d(2 ** -1040),
    fpsr: 0x10n,
  },
  data: [0n, SNAN, 0n],
};

/**
 * The rounding mode and FZ change in the middle of every trip and are back to the default at its
 * end (MSR FPCR), so a function entered at the loop head sees the fast paths allowed:
 * loop: add x5, x5, #0x400000; and x5, x5, #0x1c00000; msr fpcr, x5; fdiv d2, d0, d1;
 *       fadd d3, d3, d2; fmadd d4, d2, d1, d3; msr fpcr, xzr; fmul d5, d4, d2; fsub d6, d5, d3;
 *       subs x0, x0, #1; b.ne loop; brk #0
 */
const ROUNDING: Program = {
  words: [
    0x915000a5, 0x926a08a5, 0xd51b4405, 0x1e611802, 0x1e622863, 0x1f410c44, 0xd51b441f, 0x1e620885, 0x1e6338a6,
    0xf1000400, 0x54fffec1, 0xd4200000,
  ],
  regs: { x0: 601n, q0: d(1), q1: d(3), q3: d(0.1), fpsr: 0x10n },
  data: [],
};

/**
 * IXC clear at entry and cleared on every trip (MSR FPSR), read back after each inexact operation:
 * loop: msr fpsr, xzr; fmul d2, d0, d1; fadd d3, d3, d2; mrs x6, fpsr; add x7, x7, x6;
 *       fmadd d4, d3, d1, d0; mrs x6, fpsr; add x7, x7, x6, lsl #8; fdiv d5, d4, d1;
 *       subs x0, x0, #1; b.ne loop; brk #0
 */
const CLEARED: Program = {
  words: [
    0xd51b443f, 0x1e610802, 0x1e622863, 0xd53b4426, 0x8b0600e7, 0x1f410064, 0xd53b4426, 0x8b0620e7, 0x1e611885,
    0xf1000400, 0x54fffec1, 0xd4200000,
  ],
  regs: { x0: 500n, q0: d(1.1), q1: d(0.3), q3: d(0), fpsr: 0n },
  data: [],
};

/** The program run with `count` as budget (0: to its final brk): where it stopped and its state. */
async function run(kind: EngineKind, p: Program, count: number, jitThreshold?: number): Promise<string> {
  const e = await createEngine(kind, { jitThreshold });
  try {
    e.memMap(CODE, 0x1000, PROT_ALL);
    e.memWrite(CODE, new Uint8Array(new Uint32Array(p.words).buffer));
    e.memMap(DATA, 0x1000, PROT_READ | PROT_WRITE);
    if (p.data.length > 0) e.memWrite(DATA, new Uint8Array(new BigUint64Array(p.data).buffer));
    for (const [reg, v] of Object.entries(p.regs)) e.regWrite(reg as 'x0', v);
    const r = e.start(CODE, CODE + 4 * (p.words.length - 1), { count });
    const out = [`${r.reason}@${r.pc.toString(16)}:${r.instructions}`];
    for (let i = 0; i < 16; i++) out.push(`x${i}=${e.regRead(`x${i}` as 'x0').toString(16)}`);
    for (let i = 0; i < 19; i++) out.push(`q${i}=${e.regRead(`q${i}` as 'q0').toString(16)}`);
    for (const s of ['nzcv', 'fpsr', 'fpcr'] as const) out.push(`${s}=${e.regRead(s).toString(16)}`);
    const mem = new BigUint64Array(e.memRead(DATA, 24).slice().buffer);
    out.push(`mem=${[...mem].map((w) => w.toString(16)).join(',')}`);
    return out.join(' ');
  } finally {
    e.close();
  }
}

/** Whole run and budgets in the middle of trips: translated (at once, after 16 hits) = interpreted = Unicorn. */
async function agrees(p: Program, counts: number[]): Promise<string> {
  const saved = { ...fpLimits };
  try {
    const whole = await agreesWithLimits(p, counts);
    Object.assign(fpLimits, { locals: 32, reloads: Number.POSITIVE_INFINITY });
    expect(await agreesWithLimits(p, counts)).toBe(whole);
    return whole;
  } finally {
    Object.assign(fpLimits, saved);
  }
}

async function agreesWithLimits(p: Program, counts: number[]): Promise<string> {
  const whole = await run('ts', p, 0, Number.POSITIVE_INFINITY);
  expect(whole.startsWith('until@')).toBe(true);
  for (const t of [0, 16]) expect(await run('ts', p, 0, t), `translated after ${t}`).toBe(whole);
  if (unicorn) expect(await run('unicorn', p, 0)).toBe(whole);
  for (const count of counts) {
    const ref = await run('ts', p, count, Number.POSITIVE_INFINITY);
    expect(ref).toMatch(new RegExp(`^count@[0-9a-f]+:${count} `));
    for (const t of [0, 16]) expect(await run('ts', p, count, t), `count ${count}, after ${t}`).toBe(ref);
    if (unicorn) expect(await run('unicorn', p, count), `count ${count}`).toBe(ref);
  }
  return whole;
}

describe('FP registers in translated locals', () => {
  it('op calls, loads and stores see fast-path writes; NaNs and upper halves read only stay exact', async () => {
    const whole = await agrees(MIXED, [3, 14, 17, 27, 4097, 4110]);
    // The vector copy of q2 after fmul: its upper half zeroed; q7 and q10 (read only) unchanged.
    expect(whole).toMatch(/ q5=[0-9a-f]{1,16} /);
    expect(whole).toContain(` q7=${q(0x1122334455667788n, d(2 ** -30)).toString(16)} `);
    expect(whole).toContain(` q10=${q(0x99n, QNAN).toString(16)} `);
    // The signalling NaN went through ldr/str untouched and came out of fadd quieted (IOC set).
    expect(whole).toContain(` q12=${SNAN.toString(16)} `);
    expect(whole).toMatch(/ mem=[0-9a-f]+,7ff4000000000123,7ffc000000000123$/);
    // IOC from the signalling NaN, UFC from the subnormal, IXC.
    expect(whole).toMatch(/ fpsr=19 /);
  });

  it('MSR FPCR inside the loop: every rounding mode and FZ take effect at once', async () => {
    const whole = await agrees(ROUNDING, [7, 9, 15, 4099, 4103]);
    expect(whole).toContain(' x5=400000 ');
    expect(whole).toContain(' fpcr=0 ');
  });

  it('IXC clear at entry and cleared by MSR FPSR on every trip is set again by the next inexact operation', async () => {
    const whole = await agrees(CLEARED, [2, 4, 6, 4097]);
    // Every trip adds IXC (0x10) after fadd and again (x256) after fmadd.
    expect(whole).toContain(` x7=${(500 * (0x10 + 0x10 * 256)).toString(16)} `);
  });
});
