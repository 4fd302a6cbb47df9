/** fast-check properties of each fixup formula: fields decode back; range errors exactly out of range. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FixupViolation,
  fixAdr21,
  fixBranch26,
  fixGotPageOffset15,
  fixImm19,
  fixMoveWide16,
  fixMoveWide16Checked,
  fixMoveWideSigned,
  fixPage21,
  fixPage21NoCheck,
  fixPageOffset12,
  fixTestBranch14,
  fixTPRelAddHi12,
  pageOf,
} from '../../src/linker/aarch64/fixup.ts';

const addr = fc.integer({ min: 0, max: 2 ** 48 });
const near = fc.integer({ min: -(2 ** 34), max: 2 ** 34 });
const sext = (v: number, bits: number) => (v >= 2 ** (bits - 1) ? v - 2 ** bits : v);

function outcome(f: () => number): number | FixupViolation {
  try {
    return f();
  } catch (e) {
    if (e instanceof FixupViolation) return e;
    throw e;
  }
}

function pcRel(
  name: string,
  insn: number,
  fix: (I: number, P: number, T: number, A: number) => number,
  bits: number,
  decode: (w: number) => number,
) {
  it(`${name}: decodes back, errors exactly when misaligned or out of range`, () => {
    fc.assert(
      fc.property(addr, near, fc.integer({ min: -64, max: 64 }), fc.boolean(), (P, d, A, small) => {
        const delta = small ? d % 2 ** bits : d;
        const T = P + delta - A;
        const r = outcome(() => fix(insn, P, T, A));
        const D = T + A - P;
        if (D % 4 !== 0) {
          expect(r).toBeInstanceOf(FixupViolation);
          expect((r as FixupViolation).what).toBe('align');
        } else if (D < -(2 ** (bits - 1)) || D >= 2 ** (bits - 1)) {
          expect(r).toBeInstanceOf(FixupViolation);
          expect((r as FixupViolation).what).toBe('range');
        } else {
          expect(typeof r).toBe('number');
          expect(decode(r as number) * 4).toBe(D);
        }
      }),
      { numRuns: 2000 },
    );
  });
}

describe('linker: fixup formulas', () => {
  pcRel('Branch26PCRel (BL)', 0x94000000, fixBranch26, 28, (w) => sext(w & 0x3ffffff, 26));
  pcRel('CondBranch19PCRel (B.cond)', 0x54000000, fixImm19, 21, (w) => sext((w >>> 5) & 0x7ffff, 19));
  pcRel('LDRLiteral19', 0x58000000, fixImm19, 21, (w) => sext((w >>> 5) & 0x7ffff, 19));
  pcRel('TestAndBranch14PCRel', 0x36000000, fixTestBranch14, 16, (w) => sext((w >>> 5) & 0x3fff, 14));

  it('ADRLiteral21: byte displacement decodes back; range error exactly outside [-2^20, 2^20)', () => {
    fc.assert(
      fc.property(addr, fc.integer({ min: -(2 ** 22), max: 2 ** 22 }), fc.integer({ min: -8, max: 8 }), (P, d, A) => {
        const T = P + d - A;
        const r = outcome(() => fixAdr21(0x10000000, P, T, A));
        if (d < -(2 ** 20) || d >= 2 ** 20) expect((r as FixupViolation).what).toBe('range');
        else {
          const w = r as number;
          expect(sext((((w >>> 5) & 0x7ffff) << 2) | ((w >>> 29) & 3), 21)).toBe(d);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('Page21: page delta decodes back; range error exactly outside +-4 GiB', () => {
    fc.assert(
      fc.property(
        addr,
        fc.integer({ min: -(2 ** 34), max: 2 ** 34 }),
        fc.integer({ min: -0x2000, max: 0x2000 }),
        (P, d, A) => {
          const T = Math.max(0, P + d);
          const r = outcome(() => fixPage21(0x90000000, P, T, A));
          const PD = pageOf(T + A) - pageOf(P);
          if (PD < -(2 ** 32) || PD >= 2 ** 32) expect((r as FixupViolation).what).toBe('range');
          else {
            const w = r as number;
            expect(sext((((w >>> 5) & 0x7ffff) << 2) | ((w >>> 29) & 3), 21) * 4096).toBe(PD);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('PageOffset12: ADD and scaled LDR/STR fields; misaligned exactly when not a multiple of the access size', () => {
    const insns: [number, number][] = [
      [0x91000000, 0],
      [0x39400000, 0],
      [0x79400000, 1],
      [0xb9400000, 2],
      [0xf9400000, 3],
      [0x3dc00000, 4],
    ];
    fc.assert(
      fc.property(addr, fc.integer({ min: -4096, max: 4096 }), fc.constantFrom(...insns), (T, A, [I, S]) => {
        const r = outcome(() => fixPageOffset12(I, T, A));
        const O = (((T + A) % 4096) + 4096) % 4096;
        if (O % (1 << S) !== 0) expect((r as FixupViolation).what).toBe('align');
        else expect((((r as number) >>> 10) & 0xfff) << S).toBe(O);
      }),
      { numRuns: 2000 },
    );
  });

  it('GotPageOffset15: offset from the GOT page, range and alignment', () => {
    fc.assert(
      fc.property(addr, fc.integer({ min: -0x1000, max: 0x9000 }), (got, d) => {
        const T = pageOf(got) + d;
        const r = outcome(() => fixGotPageOffset15(0xf9400000, T, 0, got));
        if (d < 0 || d > 0x7fff) expect((r as FixupViolation).what).toBe('range');
        else if (d % 8 !== 0) expect((r as FixupViolation).what).toBe('align');
        else expect((((r as number) >>> 10) & 0xfff) * 8).toBe(d);
      }),
      { numRuns: 2000 },
    );
  });

  it('MoveWide16: each halfword of T + A lands in its MOVZ/MOVK', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 53n) - 1n }), fc.integer({ min: 0, max: 3 }), (v, hw) => {
        const I = (0xd2800000 | (hw << 21)) >>> 0;
        const w = fixMoveWide16(I, Number(v), 0);
        expect(BigInt((w >>> 5) & 0xffff)).toBe((v >> BigInt(16 * hw)) & 0xffffn);
      }),
      { numRuns: 2000 },
    );
  });

  /** What MOVZ/MOVN/MOVK (64-bit) leave in the register, as a BigInt. */
  function runMoves(words: number[]): bigint {
    let x = 0n;
    for (const w of words) {
      const imm = BigInt((w >>> 5) & 0xffff) << BigInt(16 * ((w >>> 21) & 3));
      const opc = (w >>> 29) & 3;
      if (opc === 2) x = imm;
      else if (opc === 0) x = ~imm & 0xffffffffffffffffn;
      else {
        const mask = 0xffffn << BigInt(16 * ((w >>> 21) & 3));
        x = (x & ~mask) | imm;
      }
    }
    return BigInt.asIntN(64, x);
  }

  it('signed move-wide (SABS/PREL/TPREL): MOVZ or MOVN for group g, then MOVKs, rebuild v; checked range is signed 16g+17 bits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: -(2 ** 52), max: 2 ** 52 }),
        fc.boolean(),
        (g, raw, small) => {
          const v = small ? raw % 2 ** (16 * g + 17) : raw;
          const lim = 2 ** (16 * g + 16);
          const first = outcome(() => fixMoveWideSigned((0xd2800000 | (g << 21)) >>> 0, v, true));
          if (v < -lim || v >= lim) {
            expect((first as FixupViolation).what).toBe('range');
            return;
          }
          const words = [first as number];
          for (let k = g - 1; k >= 0; k--) words.push(fixMoveWideSigned((0xf2800000 | (k << 21)) >>> 0, v, false));
          expect(runMoves(words)).toBe(BigInt(v));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('MOVW_PREL_G3: bits [63:48] of the 64-bit value, always MOVZ (lld shifts the uint64)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), (v) => {
        const w = fixMoveWideSigned(0xd2e00000, v, false);
        expect((w >>> 29) & 3).toBe(2);
        expect(BigInt((w >>> 5) & 0xffff)).toBe(BigInt.asUintN(64, BigInt(v)) >> 48n);
      }),
      { numRuns: 1000 },
    );
  });

  it('MOVW_UABS_G0/G1/G2 (checked): range error exactly when T + A >= 2^(16g+16) or < 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: -(2 ** 20), max: 2 ** 52 }), (g, v) => {
        const r = outcome(() => fixMoveWide16Checked((0xd2800000 | (g << 21)) >>> 0, v, 0));
        if (v < 0 || v >= 2 ** (16 * g + 16)) expect((r as FixupViolation).what).toBe('range');
        else expect(BigInt(((r as number) >>> 5) & 0xffff)).toBe((BigInt(v) >> BigInt(16 * g)) & 0xffffn);
      }),
      { numRuns: 2000 },
    );
  });

  it('ADR_PREL_PG_HI21_NC: the page delta modulo 2^33, never a range error', () => {
    fc.assert(
      fc.property(addr, addr, (P, T) => {
        const w = fixPage21NoCheck(0x90000000, P, T, 0);
        const field = (((w >>> 5) & 0x7ffff) << 2) | ((w >>> 29) & 3);
        const want = BigInt.asUintN(21, (BigInt(pageOf(T)) - BigInt(pageOf(P))) >> 12n);
        expect(BigInt(field >>> 0)).toBe(want);
      }),
      { numRuns: 2000 },
    );
  });

  it('TLSLE_ADD_TPREL_HI12: bits [23:12], range error exactly outside [0, 2^24)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x1000, max: 0x2000000 }), (v) => {
        const r = outcome(() => fixTPRelAddHi12(0x91400000, v));
        if (v < 0 || v > 0xffffff) expect((r as FixupViolation).what).toBe('range');
        else expect(((r as number) >>> 10) & 0xfff).toBe(v >>> 12);
      }),
      { numRuns: 1000 },
    );
  });
});
