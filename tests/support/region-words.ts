/**
 * Random instruction words for the WebAssembly region tests (tests/differential/jit-wasm-*.test.ts):
 * encoding classes of the register arithmetic the regions translate, and loads and stores in
 * every addressing form, general or SIMD&FP. Each test filters the words by what its loops need.
 */
import fc from 'fast-check';
import type { Engine } from '../../src/emu/engine.ts';
import { decodeWord } from '../../src/emu/ts/isa/index.ts';

/** Encoding classes of the translated register arithmetic: [mask, value] of their fixed bits. */
export const ALU_CLASSES: [number, number][] = [
  [0x1f800000, 0x11000000], // add/subtract (immediate)
  [0x1f800000, 0x12000000], // logical (immediate)
  [0x1f800000, 0x12800000], // move wide
  [0x1f800000, 0x13000000], // bitfield
  [0x1f000000, 0x0a000000], // logical (shifted register)
  [0x1f200000, 0x0b000000], // add/subtract (shifted register)
  [0x1fe00000, 0x1b000000], // MADD, MSUB
  [0x1fe00000, 0x1b200000], // SMADDL, SMSUBL
  [0x1fe00000, 0x1ba00000], // UMADDL, UMSUBL
  [0xffe08000, 0x9b400000], // SMULH (Ra drawn: it is ignored)
  [0xffe08000, 0x9bc00000], // UMULH
  [0x1fe00800, 0x1a800000], // conditional select
  // two-source: UDIV, SDIV, LSLV, LSRV, ASRV, RORV
  ...[2, 3, 8, 9, 10, 11].map((op): [number, number] => [0x7fe0fc00, (0x1ac00000 | (op << 10)) >>> 0]),
  [0x7ffff000, 0x5ac00000], // RBIT, REV16, REV32, REV
  [0x7ffffc00, 0x5ac01000], // CLZ
  [0x7ffffc00, 0x5ac01400], // CLS
  [0x1fe00000, 0x0b200000], // add/subtract (extended register)
  // ... with SXTB, SXTH, SXTW
  ...[4, 5, 6].map((option): [number, number] => [0x1fe0e000, (0x0b200000 | (option << 13)) >>> 0]),
  [0x3fe00410, 0x3a400000], // conditional compare
  [0x7fa00000, 0x13800000], // extract
  [0x1f000000, 0x10000000], // PC-relative addresses
];

/** Random words of the given classes (their fixed bits set, the others drawn). */
export const classWord = (classes: [number, number][]): fc.Arbitrary<number> =>
  fc
    .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(...classes))
    .map(([r, [mask, value]]) => ((r & ~mask) | value) >>> 0);

/** The load/store forms a region translates (decoder ids). */
export const ACCESS_IDS = new Set([
  'LDST_uimm',
  'LDST_unscaled',
  'LDST_pre',
  'LDST_post',
  'LDST_reg',
  'LDSTP_off',
  'LDSTP_pre',
  'LDSTP_post',
]);

/**
 * A load or store (or pair) on a base register drawn from `bases`, with offsets from the immediate
 * (small mostly, so that a loop's writeback walks the base) or a register of x4-x8; `vector`: of
 * SIMD&FP registers (the V bit), else of general ones. Offsets of the unsigned form are scaled
 * down to `uimmBits` bits. Only words that decode to one of ACCESS_IDS, with the V bit asked for.
 */
export function accessWord(
  bases: number[],
  rt: fc.Arbitrary<number>,
  vector: boolean,
  uimmBits: number,
): fc.Arbitrary<number> {
  const v = vector ? 1 << 26 : 0;
  return fc
    .record({
      form: fc.constantFrom('uimm', 'imm9', 'reg', 'pair'),
      size: fc.integer({ min: 0, max: 3 }),
      opc: fc.integer({ min: 0, max: 3 }),
      idx: fc.constantFrom(0, 1, 3),
      pidx: fc.constantFrom(1, 2, 3),
      imm: fc.integer({ min: 0, max: 0xfff }),
      rn: fc.constantFrom(...bases),
      rt,
      rt2: rt,
      rm: fc.integer({ min: 4, max: 8 }),
      option: fc.constantFrom(2, 3, 6, 7),
      s: fc.integer({ min: 0, max: 1 }),
      l: fc.integer({ min: 0, max: 1 }),
    })
    .map((a) => {
      const rest = v | (a.rn << 5) | a.rt;
      switch (a.form) {
        case 'uimm':
          return ((a.size << 30) | 0x39000000 | (a.opc << 22) | ((a.imm & ((1 << uimmBits) - 1)) << 10) | rest) >>> 0;
        case 'imm9':
          return (
            ((a.size << 30) |
              0x38000000 |
              (a.opc << 22) |
              ((a.imm > 0xe00 ? a.imm & 0x1ff : a.imm & 0x1f) << 12) |
              (a.idx << 10) |
              rest) >>>
            0
          );
        case 'reg':
          return (
            ((a.size << 30) | 0x38200800 | (a.opc << 22) | (a.rm << 16) | (a.option << 13) | (a.s << 12) | rest) >>> 0
          );
        default: {
          // General pairs: opc 0 (W), 1 (LDPSW), 2 (X); SIMD&FP pairs: opc 0-2 (S, D, Q).
          const opc = vector ? a.opc % 3 : a.opc;
          return (
            ((vector ? opc << 30 : ((opc & 2) << 30) | (opc === 1 ? 0x40000000 : 0)) |
              0x28000000 |
              (a.pidx << 23) |
              (a.l << 22) |
              (((a.imm > 0xe00 ? a.imm & 0x7f : (a.imm & 7) - (a.imm & 8)) & 0x7f) << 15) |
              (a.rt2 << 10) |
              rest) >>>
            0
          );
        }
      }
    })
    .filter((w) => {
      const d = decodeWord(w);
      return d !== null && ACCESS_IDS.has(d.def.id) && d.fields.v === (vector ? 1 : 0);
    });
}

/** Runs `e` from `begin` until `until` or `count` instructions: `reason count`, or the fault's name and message. */
export function endOf(e: Engine, begin: number, until: number, count: number): string {
  try {
    const r = e.start(begin, until, { count });
    return `${r.reason} ${r.instructions}`;
  } catch (err) {
    return `fault ${(err as Error).name}: ${(err as Error).message}`;
  }
}

/** X0-X30 in hex. */
export const xRegs = (e: Engine): string[] =>
  Array.from({ length: 31 }, (_, i) => e.regRead(`x${i}` as 'x0').toString(16));

/** A short digest of bytes (FNV-1a), to compare memory between engines. */
export function digest(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const v of b) h = Math.imul(h ^ v, 0x01000193) >>> 0;
  return h.toString(16);
}

/** Deterministic page contents from a seed (xorshift), as the region tests' memory. */
export function pageBytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
