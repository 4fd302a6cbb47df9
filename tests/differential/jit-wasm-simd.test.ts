/**
 * WebAssembly regions with SIMD&FP registers (src/emu/ts/jit/wasm.ts): loads and stores of B, H,
 * S, D and Q registers in every addressing form, LDP/STP of S, D and Q, MOVI/MVNI/ORR/BIC
 * (vector, immediate), DUP (general; element, scalar), UMOV, CNT, ADDV/UADDLV/SADDLV, the integer
 * three-same ops that wrap (ADD, SUB, MUL, MLA, MLS) and the bitwise ones, FMOV between general and
 * FP registers, FMOV (register, immediate), FABS/FNEG, FMLA/FMLS on two doubles (vector and by
 * element), and on doubles FADD/FSUB/FMUL/FDIV/FNMUL, FSQRT, FMADD and its negated forms, FMUL by
 * element, FCMP/FCMPE, FCSEL, the conversions from and to integers (toward zero), whose results a
 * region decides with fast paths or leaves to the instruction's op.
 *
 * Random loops of those instructions and register arithmetic, their bases in two data pages of
 * doubles (normal ones mostly, and zeros, subnormals, huge values, infinities and NaNs, so that
 * both ways of an FMLA are taken) and near the pages' ends, under a random FPCR (rounding modes,
 * flush-to-zero, default NaN): the ts engine with every region translated must end in the
 * registers (X and V), NZCV, FPSR, pc, count, fault and memory of the block interpreter, and in
 * Unicorn's where the run ends without a fault.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { setSharedArenas } from '../../src/emu/arena.ts';
import { type Engine, type EngineKind, PROT_ALL, PROT_READ, PROT_WRITE, type RegName } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import type { Decoded } from '../../src/emu/ts/decoder.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { decodeWord, disassemble } from '../../src/emu/ts/isa/index.ts';
import { LOGIC } from '../../src/emu/ts/isa/simd/three_same.ts';
import { hostFusedMadd, overrideHostFusedMadd } from '../../src/emu/ts/jit/host-fma.ts';
import { emitterStats, wasmBlockSupported } from '../../src/emu/ts/jit/wasm.ts';
import { optionalOracle } from '../support/oracles.ts';
import { expectLoopEverywhere } from '../support/region-loop.ts';
import {
  ACCESS_IDS,
  ALU_CLASSES,
  accessWord as accessWordOf,
  classWord,
  digest,
  endOf,
  xRegs,
} from '../support/region-words.ts';
import { words } from '../support/words.ts';

const unicorn = optionalOracle('unicorn', 'jit-wasm-simd');

const CODE = 0x10000;
const DATA = 0x200000; // two pages, read-write; the page after them is unmapped
const BASES = [0, 1, 2, 3];
/** A SIMD&FP load or store (or pair) on a base register (x0-x3), offsets from the immediate or x4-x8. */
const accessWord = accessWordOf(BASES, fc.integer({ min: 0, max: 31 }), true, 5);

/** MOVI, MVNI, ORR, BIC (vector, immediate) with every field at random. */
const modImmWord = fc
  .tuple(fc.integer({ min: 0, max: 0xffffffff }))
  .map(([r]) => ((r & 0x6007fc1f) | 0x0f000400) >>> 0)
  .filter((w) => decodeWord(w)?.def.id === 'MODIMM');

/** FMLA/FMLS .2d, vector or by element, on V0-V31 (few registers, so operands often coincide). */
const fmlaWord = fc
  .record({
    elem: fc.boolean(),
    sub: fc.boolean(),
    h: fc.integer({ min: 0, max: 1 }),
    rd: fc.integer({ min: 0, max: 7 }),
    rn: fc.integer({ min: 0, max: 7 }),
    rm: fc.integer({ min: 0, max: 7 }),
  })
  .map((f) =>
    f.elem
      ? ((f.sub ? 0x4fc05000 : 0x4fc01000) | (f.h << 11) | (f.rm << 16) | (f.rn << 5) | f.rd) >>> 0
      : ((f.sub ? 0x4ee0cc00 : 0x4e60cc00) | (f.rm << 16) | (f.rn << 5) | f.rd) >>> 0,
  );

/** FADD, FSUB, FMUL (double) on V0-V7, and FMOV between X10-X15 and V0-V7 both ways (S and D). */
const scalarWord = fc
  .record({
    kind: fc.constantFrom(0x1e600800, 0x1e602800, 0x1e603800, 0x9e670000, 0x9e660000, 0x1e270000, 0x1e260000),
    rd: fc.integer({ min: 0, max: 7 }),
    rn: fc.integer({ min: 0, max: 7 }),
    rm: fc.integer({ min: 0, max: 7 }),
  })
  .map((f) => {
    const fp = (f.kind & 0x00200000) !== 0; // FADD/FSUB/FMUL
    const toX = f.kind === 0x9e660000 || f.kind === 0x1e260000;
    const fromX = f.kind === 0x9e670000 || f.kind === 0x1e270000;
    const rd = toX ? 10 + f.rd : f.rd;
    const rn = fromX ? 10 + f.rn : f.rn;
    return (f.kind | (fp ? f.rm << 16 : 0) | (rn << 5) | rd) >>> 0;
  });

/**
 * The other scalar FP forms a region decides: FMUL, FDIV, FADD, FSUB, FNMUL (single, double); FCVT
 * between single and double; FMOV, FABS,
 * FNEG, FSQRT (register, single and double); FMADD, FMSUB, FNMADD, FNMSUB (double); FMOV
 * (immediate); FMLA, FMLS, FMUL (scalar by element, double); FCMP/FCMPE (double), FCSEL (single,
 * double), SCVTF/UCVTF and FCVTZS/FCVTZU (double, W or X10-X15). On V0-V7.
 */
const fpScalarWord = fc
  .record({
    form: fc.constantFrom(
      'dp2',
      'dp1',
      'dp3',
      'imm',
      'elem',
      'fcmp',
      'fcsel',
      'cvtf',
      'fcvtz',
      'fcvt',
      'minmax',
      'frint',
    ),
    cond: fc.integer({ min: 0, max: 15 }),
    op: fc.nat(),
    ft: fc.integer({ min: 0, max: 1 }),
    rd: fc.integer({ min: 0, max: 7 }),
    rn: fc.integer({ min: 0, max: 7 }),
    rm: fc.integer({ min: 0, max: 7 }),
    ra: fc.integer({ min: 0, max: 7 }),
    imm8: fc.integer({ min: 0, max: 255 }),
  })
  .map((f) => {
    const regs = (f.rn << 5) | f.rd;
    switch (f.form) {
      case 'dp2':
        // Single or double.
        return (0x1e200800 | (f.ft << 22) | (([0, 1, 2, 3, 8][f.op % 5] as number) << 12) | (f.rm << 16) | regs) >>> 0;
      case 'minmax':
        // FMAX, FMIN, FMAXNM, FMINNM (single, double).
        return (0x1e204800 | (f.ft << 22) | ((4 + (f.op % 4)) << 12) | (f.rm << 16) | regs) >>> 0;
      case 'frint':
        // FRINTN, P, M, Z, A, X, I (single, double).
        return (0x1e244000 | (f.ft << 22) | (([0, 1, 2, 3, 4, 6, 7][f.op % 7] as number) << 15) | regs) >>> 0;
      case 'fcvt':
        // FCVT single to double, double to single.
        return ((f.ft ? 0x1e624000 : 0x1e22c000) | regs) >>> 0;
      case 'dp1':
        return (0x1e204000 | (f.ft << 22) | ((f.op % 4) << 15) | regs) >>> 0;
      case 'dp3':
        return (
          (0x1f000000 | (f.ft << 22) | ((f.op & 1) << 21) | (f.rm << 16) | ((f.op & 2) << 14) | (f.ra << 10) | regs) >>>
          0
        );
      case 'imm':
        return (0x1e201000 | (f.ft << 22) | (f.imm8 << 13) | f.rd) >>> 0;
      case 'fcmp':
        // FCMP/FCMPE (single, double) with Vm or #0.0.
        return (0x1e202000 | (f.ft << 22) | (f.rm << 16) | (f.rn << 5) | ((f.op & 3) << 3)) >>> 0;
      case 'fcsel':
        return (0x1e200c00 | (f.ft << 22) | (f.rm << 16) | (f.cond << 12) | regs) >>> 0;
      case 'cvtf':
        // SCVTF/UCVTF (single, double) from W10-W15 or X10-X15.
        return (
          (0x1e220000 | (f.ft << 22) | ((f.op & 1) << 31) | ((f.op & 2) << 15) | ((10 + (f.rn % 6)) << 5) | f.rd) >>> 0
        );
      case 'fcvtz':
        // FCVTZS/FCVTZU (single, double) into W10-W15 or X10-X15.
        return (
          (0x1e380000 | (f.ft << 22) | ((f.op & 1) << 31) | ((f.op & 2) << 15) | (f.rn << 5) | (10 + (f.rd % 6))) >>> 0
        );
      default:
        return (0x5fc00000 | (([1, 5, 9][f.op % 3] as number) << 12) | (f.ft << 11) | (f.rm << 16) | regs) >>> 0;
    }
  });

/**
 * FADD, FSUB, FMUL, FDIV (vector, .2d, and on singles .4s, .2s), FMUL (by element, .2d), FABS
 * and FNEG (vector, .2d, .4s, .2s), on V0-V7.
 */
const fpVectorWord = fc
  .record({
    kind: fc.constantFrom(
      0x4e60d400,
      0x4ee0d400,
      0x6e60dc00,
      0x6e60fc00,
      0x4fc09000,
      0x6ee0f800,
      0x4ee0f800,
      0x6ea0f800,
      0x0ea0f800,
      0x4e20d400,
      0x0ea0d400,
      0x6e20dc00,
      0x2e20fc00,
      0x4e20cc00,
      0x0ea0cc00,
      0x4f801000,
    ),
    h: fc.integer({ min: 0, max: 1 }),
    rd: fc.integer({ min: 0, max: 7 }),
    rn: fc.integer({ min: 0, max: 7 }),
    rm: fc.integer({ min: 0, max: 7 }),
  })
  .map((f) => {
    const misc = (f.kind & 0x1fc00) === 0xf800;
    const elem = f.kind === 0x4fc09000 || f.kind === 0x4f801000;
    return (f.kind | (misc ? 0 : f.rm << 16) | (elem ? f.h << 11 : 0) | (f.rn << 5) | f.rd) >>> 0;
  });

/**
 * CNT (8B, 16B), ADDV, UADDLV, SADDLV, SMAXV/UMAXV/SMINV/UMINV of every size (reserved ones filtered out), DUP (element,
 * scalar) of every size into V0-V7, UMOV into W10-W15 / X10-X15, INS (general) into V0-V7.
 */
const laneWord = fc
  .record({
    kind: fc.constantFrom(
      0x0e205800,
      0x0e31b800,
      0x2e303800,
      0x0e303800,
      0x5e000400,
      0x0e003c00,
      0x4e001c00,
      0x0e30a800,
      0x2e30a800,
      0x0e31a800,
      0x2e31a800,
    ),
    q: fc.integer({ min: 0, max: 1 }),
    size: fc.integer({ min: 0, max: 3 }),
    imm5: fc.integer({ min: 1, max: 31 }),
    rd: fc.integer({ min: 0, max: 7 }),
    rn: fc.integer({ min: 0, max: 7 }),
  })
  .map((f) => {
    const regs = (f.rn << 5) | f.rd;
    if (f.kind === 0x0e205800) return (f.kind | (f.q << 30) | regs) >>> 0;
    if (f.kind === 0x5e000400) return (f.kind | (f.imm5 << 16) | regs) >>> 0;
    // INS (general) from W/X10-X15 or the zero register.
    if (f.kind === 0x4e001c00) return (f.kind | (f.imm5 << 16) | ((f.q ? 31 : 10 + (f.rn % 6)) << 5) | f.rd) >>> 0;
    if (f.kind === 0x0e003c00) {
      const z = f.imm5 & 8 && !(f.imm5 & 7) ? 3 : -1;
      return (f.kind | (z === 3 ? 1 << 30 : 0) | (f.imm5 << 16) | (f.rn << 5) | (10 + (f.rd % 6))) >>> 0;
    }
    return (f.kind | (f.q << 30) | (f.size << 22) | regs) >>> 0;
  })
  .filter((w) => decodeWord(w) !== null);

/** SHL, USHR, SSHR (vector, immediate) and USHL, SSHL (vector, register) of every size, on V0-V7. */
const SHIFTS = new Set(['SHL_imm_v', 'USHR_imm_v', 'SSHR_imm_v', 'USHL_v', 'SSHL_v']);
const shiftWord = fc
  .record({
    reg: fc.boolean(),
    q: fc.integer({ min: 0, max: 1 }),
    u: fc.integer({ min: 0, max: 1 }),
    left: fc.boolean(),
    imm7: fc.integer({ min: 8, max: 127 }),
    size: fc.integer({ min: 0, max: 3 }),
    rd: fc.integer({ min: 0, max: 7 }),
    rn: fc.integer({ min: 0, max: 7 }),
    rm: fc.integer({ min: 0, max: 7 }),
  })
  .map((f) => {
    const regs = (f.rn << 5) | f.rd;
    if (f.reg) return (0x0e204400 | (f.q << 30) | (f.u << 29) | (f.size << 22) | (f.rm << 16) | regs) >>> 0;
    const u = f.left ? 0 : f.u;
    return (0x0f000400 | (f.q << 30) | (u << 29) | (f.imm7 << 16) | ((f.left ? 0b01010 : 0) << 11) | regs) >>> 0;
  })
  .filter((w) => SHIFTS.has(decodeWord(w)?.def.id ?? ''));

/** DUP (element, vector), SSHLL/USHLL (and their "2" forms), SMULL/UMULL/SMLAL/UMLAL/SMLSL/UMLSL, on V0-V7. */
const WIDE = new Set([
  'DUP_elem_v',
  'SSHLL_imm_v',
  'USHLL_imm_v',
  'SMULL_v',
  'UMULL_v',
  'SMLAL_v',
  'UMLAL_v',
  'SMLSL_v',
  'UMLSL_v',
]);
const wideWord = fc
  .record({
    form: fc.constantFrom('dup', 'shll', 'mull'),
    q: fc.integer({ min: 0, max: 1 }),
    u: fc.integer({ min: 0, max: 1 }),
    imm5: fc.integer({ min: 1, max: 31 }),
    imm7: fc.integer({ min: 8, max: 63 }),
    size: fc.integer({ min: 0, max: 2 }),
    op: fc.constantFrom(0b1000, 0b1010, 0b1100),
    rd: fc.integer({ min: 0, max: 7 }),
    rn: fc.integer({ min: 0, max: 7 }),
    rm: fc.integer({ min: 0, max: 7 }),
  })
  .map((f) => {
    const regs = (f.rn << 5) | f.rd;
    if (f.form === 'dup') return (0x0e000400 | (f.q << 30) | (f.imm5 << 16) | regs) >>> 0;
    if (f.form === 'shll') return (0x0f00a400 | (f.q << 30) | (f.u << 29) | (f.imm7 << 16) | regs) >>> 0;
    return (0x0e200000 | (f.q << 30) | (f.u << 29) | (f.size << 22) | (f.rm << 16) | (f.op << 12) | regs) >>> 0;
  })
  .filter((w) => WIDE.has(decodeWord(w)?.def.id ?? ''));

/** DUP (general) of every element size, from any general register (the zero register too). */
const dupWord = fc
  .record({
    q: fc.integer({ min: 0, max: 1 }),
    imm5: fc.integer({ min: 1, max: 31 }),
    rn: fc.integer({ min: 0, max: 31 }),
    rd: fc.integer({ min: 0, max: 7 }),
  })
  .map((f) => (0x0e000c00 | (f.q << 30) | (f.imm5 << 16) | (f.rn << 5) | f.rd) >>> 0)
  .filter((w) => decodeWord(w)?.def.id === 'DUP_gen');

/** Integer three-same ops that wrap (ADD, SUB, MUL, MLA, MLS) and the bitwise ones, on V0-V7. */
const VECTOR_SAME = new Set([
  'SMAX_v',
  'SMIN_v',
  'UMAX_v',
  'UMIN_v',
  'ADD_v',
  'SUB_v',
  'MUL_v',
  'MLA_v',
  'MLS_v',
  ...LOGIC.map(([name]) => `${name.toUpperCase()}_v`),
]);
const vectorSameWord = fc
  .record({
    op: fc.constantFrom(
      [0, 0b10000],
      [1, 0b10000],
      [0, 0b10011],
      [0, 0b10010],
      [1, 0b10010],
      [0, 0b00011],
      [1, 0b00011],
      [0, 0b01100],
      [1, 0b01100],
      [0, 0b01101],
      [1, 0b01101],
    ),
    q: fc.integer({ min: 0, max: 1 }),
    size: fc.integer({ min: 0, max: 3 }),
    rd: fc.integer({ min: 0, max: 7 }),
    rn: fc.integer({ min: 0, max: 7 }),
    rm: fc.integer({ min: 0, max: 7 }),
  })
  .map(
    (f) =>
      (0x0e200400 |
        (f.q << 30) |
        ((f.op[0] as number) << 29) |
        (f.size << 22) |
        (f.rm << 16) |
        ((f.op[1] as number) << 11) |
        (f.rn << 5) |
        f.rd) >>>
      0,
  )
  .filter((w) => VECTOR_SAME.has(decodeWord(w)?.def.id ?? ''));

/** Permutes, narrowing, widening add/sub, compares, pairwise add, table lookup, FMOV (vector, immediate). */
const SHUFFLE_IDS = new Set([
  'UZP1',
  'UZP2',
  'TRN1',
  'TRN2',
  'ZIP1',
  'ZIP2',
  'EXT',
  'XTN_v',
  'SHRN_imm_v',
  'SADDL_v',
  'UADDL_v',
  'SSUBL_v',
  'USUBL_v',
  'SADDW_v',
  'UADDW_v',
  'SSUBW_v',
  'USUBW_v',
  'CMEQ_v',
  'CMTST_v',
  'CMGT_v',
  'CMGE_v',
  'CMHI_v',
  'CMHS_v',
  'CMEQ_zv',
  'CMGT_zv',
  'CMGE_zv',
  'CMLE_zv',
  'CMLT_zv',
  'ADDP_s',
  'ADDP_v',
  'TBL_TBX',
  'FMOV_vec_imm',
  'SIMD_FP_MISC',
  'SIMD_FP_3SAME',
  'SHADD_v',
  'UHADD_v',
  'SRHADD_v',
  'URHADD_v',
  'SQXTN_v',
  'UQXTN_v',
  'SQXTUN_v',
  'SSRA_imm_v',
  'USRA_imm_v',
  'MUL_v',
  'MLA_v',
  'MLS_v',
  'ABS_v',
  'NEG_v',
  'REV64_v',
  'REV32_v',
  'REV16_v',
  'SADDLP_v',
  'UADDLP_v',
  'SADALP_v',
  'UADALP_v',
  'SQADD_v',
  'UQADD_v',
  'SQSUB_v',
  'UQSUB_v',
  'SABD_v',
  'UABD_v',
  'SABA_v',
  'UABA_v',
]);
/** Each form: its fixed bits, and the bits drawn (registers V0-V7 besides: rd, rn and, where given, rm). */
const SHUFFLE_FORMS: [number, number, boolean][] = [
  [0x0e000800, (1 << 30) | (3 << 22) | (7 << 12), true], // UZP/TRN/ZIP
  [0x2e000000, (1 << 30) | (15 << 11), true], // EXT
  [0x0e212800, (1 << 30) | (3 << 22), false], // XTN
  [0x0f008400, (1 << 30) | (0x7f << 16), false], // SHRN
  [0x0e200000, (1 << 30) | (1 << 29) | (3 << 22) | (3 << 12), true], // [SU]ADD/SUB L/W
  [0x0e203400, (1 << 30) | (1 << 29) | (3 << 22) | (1 << 11), true], // CMGT/CMGE/CMHI/CMHS
  [0x0e208c00, (1 << 30) | (1 << 29) | (3 << 22), true], // CMTST, CMEQ
  [0x0e208800, (1 << 30) | (1 << 29) | (3 << 22) | (3 << 12), false], // CM.. #0
  [0x5ef1b800, 0, false], // ADDP (scalar)
  [0x0e20bc00, (1 << 30) | (3 << 22), true], // ADDP (vector)
  [0x0e000000, (1 << 30) | (3 << 13) | (1 << 12), true], // TBL, TBX
  [0x0f00f400, (1 << 30) | (1 << 29) | (7 << 16) | (0x1f << 5), false], // FMOV (vector, immediate)
  [0x0e20b800, (1 << 30) | (1 << 29) | (3 << 22), false], // ABS, NEG
  [0x0e200800, (1 << 30) | (1 << 29) | (3 << 22) | (1 << 12), false], // REV64, REV32, REV16
  [0x0e202800, (1 << 30) | (1 << 29) | (3 << 22) | (1 << 14), false], // SADDLP, UADDLP, SADALP, UADALP
  [0x0e200c00, (1 << 30) | (1 << 29) | (3 << 22) | (1 << 13), true], // SQADD, UQADD, SQSUB, UQSUB
  [0x0e200400, (1 << 30) | (1 << 29) | (3 << 22) | (1 << 12), true], // SHADD, UHADD, SRHADD, URHADD
  [0x0e207400, (1 << 30) | (1 << 29) | (3 << 22) | (1 << 11), true], // SABD, UABD, SABA, UABA
  [0x0e20c400, (1 << 30) | (1 << 22), true], // FMAXNM (vector)
  [0x0e20e400, (1 << 30) | (1 << 22), true], // FCMEQ
  [0x0e20f400, (1 << 30) | (1 << 22), true], // FMAX
  [0x0ea0c400, (1 << 30) | (1 << 22), true], // FMINNM
  [0x0ea0f400, (1 << 30) | (1 << 22), true], // FMIN
  [0x2e20e400, (1 << 30) | (1 << 22), true], // FCMGE
  [0x2ea0e400, (1 << 30) | (1 << 22), true], // FCMGT
  [0x0f001400, (1 << 30) | (1 << 29) | (0x7f << 16), false], // SSRA, USRA
  [0x0e214800, (1 << 30) | (1 << 29) | (1 << 22), false], // SQXTN, UQXTN
  [0x2e212800, (1 << 30) | (1 << 22), false], // SQXTUN
  [0x0e209c00, 1 << 30, true], // MUL (bytes)
  [0x0e209400, (1 << 30) | (1 << 29), true], // MLA, MLS (bytes)
  [0x0e218800, (1 << 30) | (1 << 23) | (1 << 22) | (1 << 12), false], // FRINTN, FRINTM, FRINTP, FRINTZ (vector)
  [0x0e21d800, (1 << 30) | (1 << 29) | (1 << 22), false], // SCVTF, UCVTF (vector)
  [0x0ea1b800, (1 << 30) | (1 << 29) | (1 << 22), false], // FCVTZS, FCVTZU (vector)
];
const shuffleWord = fc
  .record({
    form: fc.constantFrom(...SHUFFLE_FORMS),
    bits: fc.integer({ min: 0, max: 0xffffffff }),
    rd: fc.integer({ min: 0, max: 7 }),
    rn: fc.integer({ min: 0, max: 7 }),
    rm: fc.integer({ min: 0, max: 7 }),
  })
  .map(({ form: [fixed, drawn, hasM], bits, rd, rn, rm }) => {
    const fmov = fixed === 0x0f00f400;
    return (fixed | (bits & drawn) | (hasM ? rm << 16 : 0) | (fmov ? 0 : rn << 5) | rd) >>> 0;
  })
  .filter((w) => SHUFFLE_IDS.has(decodeWord(w)?.def.id ?? ''));

/**
 * LD1-LD4/ST1-ST4 from the bases, with no offset or post-indexed by the bytes moved or by X10-X11
 * (small or large: a base gone wild faults next): `single` false, multiple structures (LD1/ST1 of
 * one to four registers, LD2-LD4/ST2-ST4); true, single structures (LD1R-LD4R, one lane of
 * LD1-LD4/ST1-ST4).
 */
const structureWord = (single: boolean): fc.Arbitrary<number> =>
  fc
    .record({
      post: fc.integer({ min: 0, max: 1 }),
      q: fc.integer({ min: 0, max: 1 }),
      load: fc.integer({ min: 0, max: 1 }),
      r: fc.integer({ min: 0, max: 1 }),
      opcode: single
        ? fc.integer({ min: 0, max: 7 })
        : fc.constantFrom(0b0111, 0b1010, 0b0110, 0b0010, 0b1000, 0b0100, 0b0000),
      s: fc.integer({ min: 0, max: 1 }),
      size: fc.integer({ min: 0, max: 3 }),
      rn: fc.constantFrom(...BASES),
      rt: fc.integer({ min: 0, max: 7 }),
      rm: fc.constantFrom(31, 31, 10, 11),
    })
    .map(
      (f) =>
        ((single ? 0x0d000000 | (f.r << 21) | (f.opcode << 13) | (f.s << 12) : 0x0c000000 | (f.opcode << 12)) |
          (f.q << 30) |
          (f.post << 23) |
          (f.load << 22) |
          ((f.post ? f.rm : 0) << 16) |
          (f.size << 10) |
          (f.rn << 5) |
          f.rt) >>>
        0,
    )
    .filter((w) =>
      (single
        ? ['SIMD_LDR', 'SIMD_LDR_post', 'SIMD_LDST_LANE', 'SIMD_LDST_LANE_post']
        : ['SIMD_LDST_MULT', 'SIMD_LDST_MULT_post']
      ).includes(decodeWord(w)?.def.id ?? ''),
    );
const structWord = structureWord(false);
const laneStructWord = structureWord(true);

/** Register arithmetic that writes none of the bases, offsets and loop counter. */
const aluWord = classWord(ALU_CLASSES.filter(([, v]) => v === 0x11000000 || v === 0x0a000000)).filter((w) => {
  const d = decodeWord(w);
  return d !== null && d.def.exec !== undefined && (w & 31) >= 10;
});

const body = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: accessWord },
    { weight: 3, arbitrary: fmlaWord },
    { weight: 1, arbitrary: modImmWord },
    { weight: 2, arbitrary: scalarWord },
    { weight: 2, arbitrary: fpScalarWord },
    { weight: 2, arbitrary: fpVectorWord },
    { weight: 1, arbitrary: laneWord },
    { weight: 1, arbitrary: shiftWord },
    { weight: 1, arbitrary: wideWord },
    { weight: 1, arbitrary: dupWord },
    { weight: 2, arbitrary: vectorSameWord },
    { weight: 2, arbitrary: shuffleWord },
    { weight: 2, arbitrary: structWord },
    { weight: 2, arbitrary: laneStructWord },
    { weight: 1, arbitrary: aluWord },
  ),
  { minLength: 1, maxLength: 8 },
);

interface SimdCase {
  head: number[];
  skipped: number[];
  branch: { reg: number; nz: boolean };
  trips: number;
  bases: number[];
  regs: bigint[];
  /** Lanes of V0-V31: indices into the value pool, or random bits. */
  vregs: bigint[];
  fill: number;
  fpcr: number;
  budget: number | undefined;
}

/** Doubles of the data pages and registers: mostly normal, sometimes what the fast path leaves. */
const SPECIAL = [0, -0, 2 ** -1074, -(2 ** -1030), 2 ** 1000, -(2 ** 1020), Infinity, -Infinity, Number.NaN, 1, -1];

const base = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: DATA, max: DATA + 0x1c00 }).map((a) => a & ~7) },
  fc.integer({ min: DATA + 0x1fc0, max: DATA + 0x2000 }),
  fc.integer({ min: DATA + 0xfe0, max: DATA + 0x1010 }),
);

const simdCase: fc.Arbitrary<SimdCase> = fc.record({
  head: body,
  skipped: body,
  branch: fc.record({ reg: fc.integer({ min: 10, max: 15 }), nz: fc.boolean() }),
  trips: fc.integer({ min: 1, max: 20 }),
  bases: fc.array(base, { minLength: 4, maxLength: 4 }),
  regs: fc.array(fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 64n })), {
    minLength: 31,
    maxLength: 31,
  }),
  vregs: fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { minLength: 64, maxLength: 64 }),
  fill: fc.integer({ min: 0, max: 0xffffffff }),
  // Rounding mode (bits 22-23), flush-to-zero (24), default NaN (25).
  fpcr: fc.constantFrom(0, 1 << 22, 2 << 22, 3 << 22, 1 << 24, 1 << 25, (1 << 24) | (3 << 22)),
  budget: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
});

function program(c: SimdCase): { words: number[]; end: number } {
  const code = [...c.head];
  code.push((0xb4000000 | (c.branch.nz ? 1 << 24 : 0) | ((c.skipped.length + 1) << 5) | c.branch.reg) >>> 0);
  code.push(...c.skipped);
  code.push(0xf1000529); // subs x9, x9, #1
  code.push((0x54000001 | ((-code.length & 0x7ffff) << 5)) >>> 0); // b.ne loop
  code.push(0xd4200000); // brk #0 (the run ends before it)
  return { words: code, end: CODE + 4 * (code.length - 1) };
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** A lane from a drawn 64-bit value: a normal double of a moderate range mostly, else a special one or the bits. */
function lane(v: bigint): bigint {
  const pick = Number(v & 15n);
  if (pick < 11) {
    // Sign, an exponent within 2^-40..2^40, a mantissa from the rest of the bits.
    const e = 1023 - 40 + Number((v >> 4n) % 81n);
    return ((v >> 63n) << 63n) | (BigInt(e) << 52n) | ((v >> 11n) & ((1n << 52n) - 1n));
  }
  if (pick < 15) {
    F64[0] = SPECIAL[Number((v >> 4n) % BigInt(SPECIAL.length))] as number;
    return U64[0] as bigint;
  }
  return v;
}

function pageBytes(seed: number, n: number): Uint8Array {
  const out = new BigUint64Array(n / 8);
  let x = BigInt(seed | 1);
  for (let i = 0; i < out.length; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & (2n ** 64n - 1n);
    out[i] = lane(x);
  }
  return new Uint8Array(out.buffer);
}

interface Outcome {
  state: string;
  memory: string;
  end: string;
}

let wasmRegions = 0;

async function run(kind: EngineKind, c: SimdCase, jitThreshold: number | undefined): Promise<Outcome> {
  const e: Engine = await createEngine(kind, jitThreshold === undefined ? {} : { jitThreshold });
  try {
    const p = program(c);
    e.memMap(CODE, 0x1000, PROT_ALL);
    e.memWrite(CODE, words(...p.words));
    e.memMap(DATA, 0x2000, PROT_READ | PROT_WRITE);
    e.memWrite(DATA, pageBytes(c.fill, 0x2000));
    c.regs.forEach((v, i) => {
      e.regWrite(`x${i}` as 'x0', v);
    });
    c.bases.forEach((v, i) => {
      e.regWrite(`x${i}` as 'x0', BigInt(v));
    });
    for (let r = 4; r <= 8; r++) e.regWrite(`x${r}` as 'x0', (c.regs[r] as bigint) & 0x3fn);
    for (let v = 0; v < 32; v++)
      e.regWrite(`q${v}` as 'q0', (lane(c.vregs[2 * v + 1] as bigint) << 64n) | lane(c.vregs[2 * v] as bigint));
    e.regWrite('x9', BigInt(c.trips));
    e.regWrite('fpcr', BigInt(c.fpcr));
    e.regWrite('fpsr', 0n);
    const end = endOf(e, CODE, p.end, c.budget ?? 20_000);
    const regs = xRegs(e);
    for (let v = 0; v < 32; v++) regs.push(e.regRead(`q${v}` as 'q0').toString(16));
    regs.push(e.regRead('nzcv').toString(16), e.regRead('fpsr').toString(16), e.regRead('pc').toString(16));
    if (e instanceof TsEngine) wasmRegions += e.wasmRegions;
    return { state: regs.join(' '), memory: digest(e.memRead(DATA, 0x2000)), end };
  } finally {
    e.close();
  }
}

describe('WebAssembly regions with SIMD&FP registers', () => {
  // Runs last in the file: a module WebAssembly rejected would have left its loop in JavaScript unseen.
  afterAll(() => {
    expect(emitterStats.invalidModules).toBe(0);
  });

  it('draws the instructions it says', () => {
    const one = <T>(a: fc.Arbitrary<T>, seed: number): T => fc.sample(a, { seed, numRuns: 1 })[0] as T;
    expect(disassemble(0x4e62cc20, CODE)).toBe('fmla v0.2d, v1.2d, v2.2d');
    expect(disassemble(0x4fc25820, CODE)).toBe('fmls v0.2d, v1.2d, v2.d[1]');
    expect(disassemble(one(fmlaWord, 1), CODE)).toMatch(/^fml[as] v\d\.2d, v\d\.2d, v\d\.(2d|d\[[01]\])$/);
    expect(disassemble(one(modImmWord, 2), CODE)).toMatch(/^(movi|mvni|orr|bic) /);
    const scalars = new Set(
      fc.sample(scalarWord, { seed: 4, numRuns: 200 }).map((w) => disassemble(w, CODE).split(' ')[0]),
    );
    expect([...scalars].sort()).toEqual(['fadd', 'fmov', 'fmul', 'fsub']);
    const dups = new Set(
      fc.sample(dupWord, { seed: 5, numRuns: 200 }).map((w) => disassemble(w, CODE).split(', ')[0]?.split('.')[1]),
    );
    expect([...dups].sort()).toEqual(['16b', '2d', '2s', '4h', '4s', '8b', '8h']);
    const names = (a: fc.Arbitrary<number>, seed: number): string[] => [
      ...new Set(fc.sample(a, { seed, numRuns: 400 }).map((w) => disassemble(w, CODE).split(' ')[0] as string)),
    ];
    expect(
      new Set(fc.sample(structWord, { seed: 13, numRuns: 300 }).map((w) => disassemble(w, CODE).split(' ')[0])),
    ).toEqual(new Set(['ld1', 'st1', 'ld2', 'st2', 'ld3', 'st3', 'ld4', 'st4']));
    expect(
      new Set(fc.sample(laneStructWord, { seed: 14, numRuns: 600 }).map((w) => disassemble(w, CODE).split(' ')[0])),
    ).toEqual(new Set(['ld1', 'st1', 'ld2', 'st2', 'ld3', 'st3', 'ld4', 'st4', 'ld1r', 'ld2r', 'ld3r', 'ld4r']));
    expect(new Set(fc.sample(shuffleWord, { seed: 11, numRuns: 4000 }).map((w) => decodeWord(w)?.def.id))).toEqual(
      SHUFFLE_IDS,
    );
    expect(names(fpScalarWord, 6).sort()).toEqual(
      [
        'fabs',
        'fdiv',
        'fmadd',
        'fmla',
        'fmls',
        'fmov',
        'fmsub',
        'fmul',
        'fneg',
        'fnmadd',
        'fnmsub',
        'fnmul',
        'fsqrt',
        'fsub',
        'fadd',
        'fcmp',
        'fcmpe',
        'fcsel',
        'scvtf',
        'ucvtf',
        'fcvtzs',
        'fcvtzu',
        'fcvt',
        'fmax',
        'fmin',
        'fmaxnm',
        'fminnm',
        'frintn',
        'frintp',
        'frintm',
        'frintz',
        'frinta',
        'frintx',
        'frinti',
      ].sort(),
    );
    expect(
      fc.sample(fpVectorWord, { seed: 7, numRuns: 400 }).map((w) => disassemble(w, CODE).replace(/v\d/g, 'v')),
    ).toEqual(
      expect.arrayContaining([
        'fmul v.2d, v.2d, v.d[0]',
        'fneg v.4s, v.4s',
        'fabs v.2s, v.2s',
        'fdiv v.2d, v.2d, v.2d',
        'fmul v.4s, v.4s, v.4s',
        'fdiv v.2s, v.2s, v.2s',
        'fmla v.4s, v.4s, v.4s',
        'fmls v.2s, v.2s, v.2s',
      ]),
    );
    expect(names(shiftWord, 9).sort()).toEqual(['shl', 'sshl', 'sshr', 'ushl', 'ushr']);
    expect(new Set(fc.sample(wideWord, { seed: 10, numRuns: 400 }).map((w) => decodeWord(w)?.def.id))).toEqual(WIDE);
    expect(names(laneWord, 8).sort()).toEqual(
      ['addv', 'cnt', 'mov', 'saddlv', 'uaddlv', 'umov', 'smaxv', 'umaxv', 'sminv', 'uminv'].sort(),
    );
    const ids = new Set(fc.sample(accessWord, { seed: 3, numRuns: 300 }).map((w) => decodeWord(w)?.def.id));
    expect([...ids].sort()).toEqual([...ACCESS_IDS].sort());
  });

  it('translates every permute, narrowing, widening, compare, pairwise add, table lookup, FMOV and conversion form it draws', async () => {
    // Only these stay with their ops: WebAssembly has no unsigned i64x2 compare, and saturating
    // adds and subtracts of bytes and halfwords only.
    const LEFT = ['CMHI_v 3', 'CMHS_v 3', 'SQADD_v 2', 'SQADD_v 3', 'SQSUB_v 2', 'SQSUB_v 3'];
    LEFT.push('UQADD_v 2', 'UQADD_v 3', 'UQSUB_v 2', 'UQSUB_v 3', 'SHADD_v 2', 'UHADD_v 2', 'SRHADD_v 2', 'URHADD_v 2');
    const key = (w: number): string => `${decodeWord(w)?.def.id} ${decodeWord(w)?.fields.size}`;
    const drawn = [...new Set(fc.sample(shuffleWord, { seed: 12, numRuns: 4000 }))];
    const left = drawn.filter((w) => !wasmBlockSupported([decodeWord(w) as Decoded], CODE, true)).map(key);
    expect([...new Set(left)].sort()).toEqual(LEFT.sort());
    // And each form's module validates: a loop of it alone is one WebAssembly region.
    let regions = 0;
    const taken = drawn.filter((w) => !LEFT.includes(key(w))).slice(0, 250);
    for (const w of taken) {
      const e = new TsEngine({ jitThreshold: 0 });
      try {
        e.memMap(CODE, 0x1000, PROT_ALL);
        e.memWrite(CODE, words(w, 0xf1000529, 0x54ffffc1, 0xd4200000));
        e.regWrite('x9', 3n);
        e.start(CODE, CODE + 12, { count: 100 });
        regions += e.wasmRegions;
      } finally {
        e.close();
      }
    }
    expect(regions).toBe(taken.length);
    expect(emitterStats.invalidModules).toBe(0);
  });

  it('runs a loop of vector integer and bitwise ops as one WebAssembly region', async () => {
    // add .4s; mla .4s; sub .8h; mul .2s; orn .16b; bsl .16b; add .2d; smax .4s; umin .8h; subs x9; b.ne; brk
    const LOOP = [
      0x4ea18400, 0x4ea39422, 0x6e618484, 0x0ea19ca5, 0x4ee11cc6, 0x6e631c27, 0x4ee18508, 0x4ea16463, 0x6e626cc6,
      0xf1000529, 0x54fffec1, 0xd4200000,
    ];
    expect(LOOP.slice(0, 9).map((w) => disassemble(w, CODE).split(' ')[0])).toEqual([
      'add',
      'mla',
      'sub',
      'mul',
      'orn',
      'bsl',
      'add',
      'smax',
      'umin',
    ]);
    const end = async (kind: EngineKind, jitThreshold: number | undefined): Promise<string> => {
      const e = await createEngine(kind, jitThreshold === undefined ? {} : { jitThreshold });
      try {
        e.memMap(CODE, 0x1000, PROT_ALL);
        e.memWrite(CODE, words(...LOOP));
        for (let v = 0; v < 9; v++) e.regWrite(`q${v}` as 'q0', 0x0123456789abcdef_fedcba9876543210n * BigInt(v + 3));
        e.regWrite('x9', 50n);
        const r = endOf(e, CODE, CODE + 44, 10_000);
        if (e instanceof TsEngine && jitThreshold === 0) expect(e.wasmRegions).toBe(1);
        return `${r} ${Array.from({ length: 9 }, (_, v) => e.regRead(`q${v}` as 'q0').toString(16)).join(' ')}`;
      } finally {
        e.close();
      }
    };
    const translated = await end('ts', 0);
    expect(translated).toBe(await end('ts', Number.POSITIVE_INFINITY));
    if (unicorn) expect(translated).toBe(await end('unicorn', undefined));
  });

  it('end where the interpreter and Unicorn end (X and V registers, NZCV, FPSR, count, fault, memory)', async () => {
    const before = wasmRegions;
    let faults = 0;
    await fc.assert(
      fc.asyncProperty(simdCase, async (c) => {
        const translated = await run('ts', c, 0);
        expect(translated).toEqual(await run('ts', c, Number.POSITIVE_INFINITY));
        if (translated.end.startsWith('fault')) faults++;
        else if (unicorn) {
          const uc = await run('unicorn', c, undefined);
          expect({ state: translated.state, memory: translated.memory }).toEqual({
            state: uc.state,
            memory: uc.memory,
          });
        }
      }),
      { numRuns: 300, seed: 20261204 },
    );
    expect(wasmRegions - before).toBeGreaterThan(100);
    expect(faults).toBeLessThan(150);
    expect(emitterStats.invalidModules).toBe(0);
  }, 180_000);

  /** A loop case of fpLoop: the instruction, V0 (from memory), V1, V2, V0 after it, FPSR after, FPSR before. */
  const fpCase = (
    op: number,
    text: string,
    q0: bigint,
    q1: bigint,
    q2: bigint,
    result: bigint,
    fpsr: string,
    fpsr0 = 0,
    x10 = 0n,
    fpcr = 0,
  ) => ({
    op,
    text,
    q0,
    q1,
    q2,
    result,
    fpsr,
    fpsr0,
    x10,
    fpcr,
  });

  /**
   * Operands the fast paths must pass on, in a loop of `ldr q0, [x0]; OP; str q0, [x0, #16]`:
   * - FMLA, z = 1 + 2^-52, x*y = 2^-53 - 2^-113: the exact sum lies just below the midpoint between
   *   1 + 2^-52 and 1 + 2^-51, so it rounds to 1 + 2^-52; the fast path's sums meet two ties on the
   *   way (and would give 1 + 2^-51), which it must see (its last TwoSum is inexact);
   * - FMUL, 2^1000 * 2^-10: an exact product whose factor is too large for Dekker's split (the
   *   error would come out NaN, and the result inexact).
   */
  const PASSED_ON = [
    fpCase(
      0x4e62cc20,
      'fmla v0.2d, v1.2d, v2.2d',
      0x3ff0000000000001n,
      0x3ff0000000400000n,
      0x3c9fffffff800000n,
      0x3ff0000000000001n,
      '10',
    ),
    fpCase(0x1e620820, 'fmul d0, d1, d2', 0n, 0x7e70000000000000n, 0x3f50000000000000n, 0x7dd0000000000000n, '0'),
  ];

  /**
   * Operands the fast paths decide, exact and inexact (FPSR.IXC alone tells them apart, so each
   * loop runs just the one instruction on FPSR 0): FDIV, FSQRT, FMADD (fused: 1 + 3 * fl(1/3) =
   * 2 - 2^-54 rounds to 2), FNMUL.
   */
  const DECIDED = [
    fpCase(0x1e621820, 'fdiv d0, d1, d2', 0n, 0x3ff0000000000000n, 0x4008000000000000n, 0x3fd5555555555555n, '10'),
    fpCase(0x1e621820, 'fdiv d0, d1, d2', 0n, 0x4018000000000000n, 0x4008000000000000n, 0x4000000000000000n, '0'),
    fpCase(0x1e61c020, 'fsqrt d0, d1', 0n, 0x4000000000000000n, 0n, 0x3ff6a09e667f3bcdn, '10'),
    fpCase(0x1e61c020, 'fsqrt d0, d1', 0n, 0x4010000000000000n, 0n, 0x4000000000000000n, '0'),
    fpCase(
      0x1f420020,
      'fmadd d0, d1, d2, d0',
      0x3ff0000000000000n,
      0x4008000000000000n,
      0x3fd5555555555555n,
      0x4000000000000000n,
      '10',
    ),
    fpCase(0x1e628820, 'fnmul d0, d1, d2', 0n, 0x4008000000000000n, 0x3ff8000000000000n, 0xc012000000000000n, '0'),
  ];

  /** The same for singles: FMUL inexact and exact, FADD, FCVT from a double. */
  const DECIDED_SINGLE = [
    fpCase(0x1e220820, 'fmul s0, s1, s2', 0n, 0x40400000n, 0x3eaaaaabn, 0x3f800000n, '10'),
    fpCase(0x1e220820, 'fmul s0, s1, s2', 0n, 0x40400000n, 0x40000000n, 0x40c00000n, '0'),
    fpCase(0x1e222820, 'fadd s0, s1, s2', 0n, 0x3f800000n, 0x30800000n, 0x3f800000n, '10'),
    fpCase(0x1e624020, 'fcvt s0, d1', 0n, 0x3fb999999999999an, 0n, 0x3dcccccdn, '10'),
    fpCase(0x1f020020, 'fmadd s0, s1, s2, s0', 0x3f800000n, 0x40400000n, 0x3eaaaaabn, 0x40000000n, '10'),
    fpCase(0x1f020020, 'fmadd s0, s1, s2, s0', 0x3f800000n, 0x40400000n, 0x40000000n, 0x40e00000n, '0'),
    fpCase(0x1f020020, 'fmadd s0, s1, s2, s0', 0x21800000n, 0x3f800000n, 0x3f800000n, 0x3f800000n, '10'),
    fpCase(0x1f220020, 'fnmadd s0, s1, s2, s0', 0x3f800000n, 0x40400000n, 0x40000000n, 0xc0e00000n, '0'),
    // z + x*y = 1 + 3 * 2^-24 - 2^-70: the double sum is the midpoint 1 + 3 * 2^-24, whose tie
    // would round up; the exact sum is below it (left to the op).
    fpCase(0x1f020020, 'fmadd s0, s1, s2, s0', 0x3f800001n, 0x3f800001n, 0x337ffffen, 0x3f800001n, '10'),
  ];

  /** Vector shifts at their edges: by the element size (WebAssembly counts modulo it), by register both ways. */
  const SHIFT_EDGES = [
    fpCase(0x6f080420, 'ushr v0.16b, v1.16b, #0x8', 0n, 0xffeeddccbbaa99887766554433221100n, 0n, 0n, '0'),
    fpCase(
      0x4f200420,
      'sshr v0.4s, v1.4s, #0x20',
      0n,
      0xffeeddccbbaa99887766554433221100n,
      0n,
      0xffffffffffffffff0000000000000000n,
      '0',
    ),
    fpCase(
      0x2ea24420,
      'ushl v0.2s, v1.2s, v2.2s',
      0n,
      0x1234567880000001n,
      0x00000004000000ffn,
      0x2345678040000000n,
      '0',
    ),
  ];

  /**
   * Single-precision vectors: lane by lane before FPSR.IXC is set (one lane inexact, or none), and
   * after it the f32x4 operation, left to the op when a lane overflows.
   */
  const SINGLE_VECTORS = [
    fpCase(
      0x4ea2d420,
      'fsub v0.4s, v1.4s, v2.4s',
      0n,
      0xc0400000412000004000000_03fc00000n,
      0x3f80000040200000408000003f000000n,
      0xc080000040f00000c00000003f800000n,
      '0',
    ),
    fpCase(
      0x6e22dc20,
      'fmul v0.4s, v1.4s, v2.4s',
      0n,
      0xc0400000412000004000000_03fc00000n,
      0x3f80000040200000408000003f000000n,
      0xc040000041c80000410000003f400000n,
      '0',
    ),
    fpCase(
      0x0e22d420,
      'fadd v0.2s, v1.2s, v2.2s',
      0n,
      0x3fc000003f800000n,
      0x3e80000030800000n,
      0x3fe000003f800000n,
      '10',
    ),
    fpCase(
      0x0e22d420,
      'fadd v0.2s, v1.2s, v2.2s',
      0n,
      0x3fc000003f800000n,
      0x3e80000040000000n,
      0x3fe0000040400000n,
      '0',
    ),
    fpCase(
      0x6e22dc20,
      'fmul v0.4s, v1.4s, v2.4s',
      0n,
      0x3fc000007f0000004040000040000000n,
      0x40000000408000003eaaaaab3f000000n,
      0x404000007f8000003f8000003f800000n,
      '14',
      0x10,
    ),
  ];

  /** Zero operands: exact products, sums and quotients decided in the region (and the signs of zero). */
  /** FRINTA's ties and FMIN/FMAX's zeros of both signs. */
  /** FMLA on single vectors: lane by lane (one lane inexact, the tie of fmadd's midpoint case in lane 1). */
  const SINGLE_FMA = [
    fpCase(
      0x4e22cc20,
      'fmla v0.4s, v1.4s, v2.4s',
      0x3f8000003f8000003f8000003f800000n,
      0x3f0000004000000040400000_40400000n,
      0x408000004000000040000000_3eaaaaabn,
      0x4040000040a0000040e00000_40000000n,
      '10',
    ),
    fpCase(
      0x4e22cc20,
      'fmla v0.4s, v1.4s, v2.4s',
      0x3f8000013f8000003f8000003f800000n,
      0x3f8000013f8000014040000040400000n,
      0x337ffffe337ffffe400000003eaaaaabn,
      0x3f8000013f80000040e0000040000000n,
      '10',
    ),
    fpCase(
      0x4ea2cc20,
      'fmls v0.4s, v1.4s, v2.4s',
      0x3f8000003f8000003f8000003f800000n,
      0x3f0000004000000040400000_40400000n,
      0x408000004000000040000000_3eaaaaabn,
      0xbf800000c0400000c0a00000_b3000000n,
      '0',
    ),
    fpCase(
      0x4fa21020,
      'fmla v0.4s, v1.4s, v2.s[1]',
      0x3f8000003f8000003f8000003f800000n,
      0x3f0000004000000040400000_40400000n,
      0x408000004000000040000000_3eaaaaabn,
      0x4000000040a0000040e00000_40e00000n,
      '0',
    ),
  ];

  const ROUNDING = [
    fpCase(0x1e664020, 'frinta d0, d1', 0n, 0xbfe0000000000000n, 0n, 0xbff0000000000000n, '0'),
    fpCase(0x1e664020, 'frinta d0, d1', 0n, 0x3fdfffffffffffffn, 0n, 0n, '0'),
    fpCase(0x1e664020, 'frinta d0, d1', 0n, 0x4004000000000000n, 0n, 0x4008000000000000n, '0'),
    fpCase(0x1e654020, 'frintm d0, d1', 0n, 0xbfe0000000000000n, 0n, 0xbff0000000000000n, '0'),
    fpCase(0x1e64c020, 'frintp d0, d1', 0n, 0xbfe0000000000000n, 0n, 0x8000000000000000n, '0'),
    fpCase(0x1e644020, 'frintn d0, d1', 0n, 0x4004000000000000n, 0n, 0x4000000000000000n, '0'),
    fpCase(0x1e624820, 'fmax d0, d1, d2', 0n, 0x8000000000000000n, 0n, 0n, '0'),
    fpCase(0x1e625820, 'fmin d0, d1, d2', 0n, 0n, 0x8000000000000000n, 0x8000000000000000n, '0'),
    fpCase(0x1e226820, 'fmaxnm s0, s1, s2', 0n, 0xbf800000n, 0x3f000000n, 0x3f000000n, '0'),
    // SCVTF to single rounds once: 2^24 + 1 is inexact; 2^54 + 2^30 + 1 through a double would
    // tie (2^54 + 2^30) and round to even, 2^54, instead of up.
    fpCase(0x9e220140, 'scvtf s0, x10', 0n, 0n, 0n, 0x4b800000n, '10', 0, 0x1000001n),
    fpCase(0x9e220140, 'scvtf s0, x10', 0n, 0n, 0n, 0x5a800001n, '10', 0, 0x0040000040000001n),
  ];

  const ZEROS = [
    fpCase(
      0x6e22dc20,
      'fmul v0.4s, v1.4s, v2.4s',
      0n,
      0x3fc0000040400000_000000004000_0000n,
      0x400000003eaaaaab_40a000003f000000n,
      0x404000003f800000_000000003f800000n,
      '10',
      0x10,
    ),
    fpCase(
      0x6e22dc20,
      'fmul v0.4s, v1.4s, v2.4s',
      0n,
      0x3fc0000040400000_800000004000_0000n,
      0x4000000040000000_40a000003f000000n,
      0x4040000040c00000_800000003f800000n,
      '0',
    ),
    fpCase(0x1e620820, 'fmul d0, d1, d2', 0n, 0x8000000000000000n, 0x4008000000000000n, 0x8000000000000000n, '0'),
    fpCase(0x1e622820, 'fadd d0, d1, d2', 0n, 0n, 0xc008000000000000n, 0xc008000000000000n, '0'),
    fpCase(0x1e621820, 'fdiv d0, d1, d2', 0n, 0x8000000000000000n, 0xc008000000000000n, 0n, '0'),
    fpCase(0x1e222820, 'fadd s0, s1, s2', 0n, 0x3fc00000n, 0x80000000n, 0x3fc00000n, '0'),
  ];

  /**
   * With FPSR.IXC already set (and FPCR 0) a region tests only the result of FADD/FSUB/FMUL/FDIV:
   * one that is not a normal finite number (an overflow, an exact subnormal, a NaN) goes to the op.
   */
  /**
   * Scalar singles once IXC is set (emitSingleBinary's quick path: WebAssembly's f32 op, kept when
   * normal), V0's upper bits set before (the result zeroes them), the operands' second lanes other
   * normal singles: each op, an overflow and a tiny inexact product (left to the op: OFC, UFC).
   */
  const HIGH = 0x12345678_9abcdef0_00000000n << 32n;
  const QUICK_SINGLE = [
    fpCase(0x1e222820, 'fadd s0, s1, s2', HIGH, 0x40400000_3fc00000n, 0x40a00000_40100000n, 0x40700000n, '10', 0x10),
    fpCase(0x1e223820, 'fsub s0, s1, s2', HIGH, 0x40400000_3fc00000n, 0x40a00000_40100000n, 0xbf400000n, '10', 0x10),
    fpCase(0x1e220820, 'fmul s0, s1, s2', HIGH, 0x40400000_3fc00000n, 0x40a00000_40100000n, 0x40580000n, '10', 0x10),
    fpCase(0x1e221820, 'fdiv s0, s1, s2', HIGH, 0x40400000_3fc00000n, 0x40a00000_40100000n, 0x3f2aaaabn, '10', 0x10),
    fpCase(0x1e228820, 'fnmul s0, s1, s2', HIGH, 0x40400000_3fc00000n, 0x40a00000_40100000n, 0xc0580000n, '10', 0x10),
  ];
  const QUICK_SINGLE_LEFT = [
    fpCase(0x1e220820, 'fmul s0, s1, s2', HIGH, 0x71800000n, 0x71800000n, 0x7f800000n, '14', 0x10),
    fpCase(0x1e220820, 'fmul s0, s1, s2', HIGH, 0x1c800000n, 0x1c800001n, 0x200n, '18', 0x10),
  ];
  const QUICK = [
    fpCase(
      0x1e620820,
      'fmul d0, d1, d2',
      0n,
      0x7e70000000000000n,
      0x7e70000000000000n,
      0x7ff0000000000000n,
      '14',
      0x10,
    ),
    fpCase(
      0x1e622820,
      'fadd d0, d1, d2',
      0n,
      0x0018000000000000n,
      0x8010000000000000n,
      0x0008000000000000n,
      '10',
      0x10,
    ),
    fpCase(
      0x1e623820,
      'fsub d0, d1, d2',
      0n,
      0x7ff8000000000001n,
      0x3ff0000000000000n,
      0x7ff8000000000001n,
      '10',
      0x10,
    ),
    fpCase(
      0x1e621820,
      'fdiv d0, d1, d2',
      0n,
      0x3ff0000000000000n,
      0x4008000000000000n,
      0x3fd5555555555555n,
      '10',
      0x10,
    ),
    fpCase(0x1e621820, 'fdiv d0, d1, d2', 0n, 0x3ff0000000000000n, 0n, 0x7ff0000000000000n, '12', 0x10),
  ];

  /**
   * Fused multiply-adds whose product's rounding changes the sum: (1 + u)(1 - u) - 1 = -u^2 exactly
   * (u = 2^-52, 2^-23), 0 if the product were rounded first. After FPSR.IXC is set, the host's
   * fused multiply-add where it has one (host-fma.ts); before, or without it, Dekker and TwoSum.
   * An overflow is left to the op.
   */
  const FUSED = [
    fpCase(
      0x1f420020,
      'fmadd d0, d1, d2, d0',
      0xbff0000000000000n,
      0x3ff0000000000001n,
      0x3feffffffffffffen,
      0xb970000000000000n,
      '10',
      0x10,
    ),
    fpCase(
      0x1f420020,
      'fmadd d0, d1, d2, d0',
      0xbff0000000000000n,
      0x3ff0000000000001n,
      0x3feffffffffffffen,
      0xb970000000000000n,
      '0',
    ),
    fpCase(
      0x1f628020,
      'fnmsub d0, d1, d2, d0',
      0x3ff0000000000000n,
      0x3ff0000000000001n,
      0x3feffffffffffffen,
      0xb970000000000000n,
      '10',
      0x10,
    ),
    fpCase(
      0x4e62cc20,
      'fmla v0.2d, v1.2d, v2.2d',
      0xbff0000000000000n,
      0x3ff0000000000001n,
      0x3feffffffffffffen,
      0xb970000000000000n,
      '10',
      0x10,
    ),
    fpCase(
      0x4ee2cc20,
      'fmls v0.2d, v1.2d, v2.2d',
      0xbff0000000000000n,
      0xbff0000000000001n,
      0x3feffffffffffffen,
      0xb970000000000000n,
      '10',
      0x10,
    ),
    fpCase(0x1f020020, 'fmadd s0, s1, s2, s0', 0xbf800000n, 0x3f800001n, 0x3f7ffffen, 0xa8800000n, '10', 0x10),
    fpCase(0x1f028020, 'fmsub s0, s1, s2, s0', 0xbf800000n, 0xbf800001n, 0x3f7ffffen, 0xa8800000n, '10', 0x10),
    fpCase(
      0x4ea2cc20,
      'fmls v0.4s, v1.4s, v2.4s',
      0xbf800000bf800000bf800000bf800000n,
      0xbf800001bf800001bf800001bf800001n,
      0x3f7ffffe3f7ffffe3f7ffffe3f7ffffen,
      0xa8800000a8800000a8800000a8800000n,
      '10',
      0x10,
    ),
    fpCase(
      0x4e22cc20,
      'fmla v0.4s, v1.4s, v2.4s',
      0xbf800000bf800000bf800000bf800000n,
      0x3f8000013f8000013f8000013f800001n,
      0x3f7ffffe3f7ffffe3f7ffffe3f7ffffen,
      0xa8800000a8800000a8800000a8800000n,
      '10',
      0x10,
    ),
    fpCase(
      0x4fa21020,
      'fmla v0.4s, v1.4s, v2.s[1]',
      0xbf800000bf800000bf800000bf800000n,
      0x3f8000013f8000013f8000013f800001n,
      0x40000000400000003f7ffffe40000000n,
      0xa8800000a8800000a8800000a8800000n,
      '10',
      0x10,
    ),
    fpCase(
      0x0e22cc20,
      'fmla v0.2s, v1.2s, v2.2s',
      0x3f8000003f800000bf800000bf800000n,
      0x3f8000013f800001n,
      0x3f7ffffe3f7ffffen,
      0xa8800000a8800000n,
      '10',
      0x10,
    ),
  ];
  const FUSED_LEFT = [
    fpCase(
      0x4e22cc20,
      'fmla v0.4s, v1.4s, v2.4s',
      0x3f8000003f8000003f8000003f800000n,
      0x7f0000003f8000003f8000003f800000n,
      0x7f0000003f8000003f8000003f800000n,
      0x7f8000004000000040000000_40000000n,
      '14',
    ),
    fpCase(
      0x1f420020,
      'fmadd d0, d1, d2, d0',
      0x7ff0000000000001n,
      0n,
      0x3ff0000000000000n,
      0x7ff8000000000001n,
      '11',
      0x10,
    ),
    fpCase(
      0x1f420020,
      'fmadd d0, d1, d2, d0',
      0x3ff0000000000000n,
      0x7e70000000000000n,
      0x7e70000000000000n,
      0x7ff0000000000000n,
      '14',
      0x10,
    ),
    fpCase(
      0x4e22cc20,
      'fmla v0.4s, v1.4s, v2.4s',
      0x3f8000003f8000003f8000003f800000n,
      0x7f0000003f8000003f8000003f800000n,
      0x7f0000003f8000003f8000003f800000n,
      0x7f8000004000000040000000_40000000n,
      '14',
      0x10,
    ),
  ];

  /**
   * Zeros decided in the region: two zeros of one sign summed, a zero factor with a normal addend
   * (the addend) or with a zero addend of the product's sign (that zero), lane by lane, before and
   * after FPSR.IXC is set. A zero addend of the other sign depends on the rounding mode: left to the
   * op, unless IXC is set (the quick paths run only when FPCR rounds to nearest, where the host's
   * sign rule is the architecture's).
   */
  const ZERO_SUMS = [
    fpCase(
      0x4e22cc20,
      'fmla v0.4s, v1.4s, v2.4s',
      0xc1100000c1100000c1100000c1100000n,
      0x40400000404000004040000040400000n,
      0x40400000404000004040000040400000n,
      0n,
      '10',
      0x10,
    ),
    fpCase(0x1e622820, 'fadd d0, d1, d2', 0n, 0n, 0n, 0n, '0'),
    fpCase(0x1e622820, 'fadd d0, d1, d2', 0n, 0n, 0x8000000000000000n, 0n, '0'),
    fpCase(0x1e622820, 'fadd d0, d1, d2', 0n, 0x8000000000000000n, 0x8000000000000000n, 0x8000000000000000n, '0'),
    fpCase(0x1e222820, 'fadd s0, s1, s2', 0n, 0x80000000n, 0x80000000n, 0x80000000n, '10', 0x10),
    fpCase(0x1f420020, 'fmadd d0, d1, d2, d0', 0n, 0n, 0x4008000000000000n, 0n, '0'),
    fpCase(0x1f420020, 'fmadd d0, d1, d2, d0', 0n, 0n, 0x4008000000000000n, 0n, '10', 0x10),
    fpCase(0x1f020020, 'fmadd s0, s1, s2, s0', 0x3f800000n, 0n, 0x40000000n, 0x3f800000n, '0'),
    fpCase(0x1f020020, 'fmadd s0, s1, s2, s0', 0x80000000n, 0x80000000n, 0x3f800000n, 0x80000000n, '0'),
    fpCase(0x4e62cc20, 'fmla v0.2d, v1.2d, v2.2d', 0n, 0n, 0x4000000000000000n, 0n, '0'),
    fpCase(0x4e62cc20, 'fmla v0.2d, v1.2d, v2.2d', 0n, 0n, 0x4000000000000000n, 0n, '10', 0x10),
    fpCase(
      0x4e22cc20,
      'fmla v0.4s, v1.4s, v2.4s',
      0x3f800000000000003f80000000000000n,
      0x40000000400000000000000000000000n,
      0x4040000000000000404000004000_0000n,
      0x40e00000000000003f80000000000000n,
      '0',
    ),
    fpCase(
      0x4e22cc20,
      'fmla v0.4s, v1.4s, v2.4s',
      0x3f800000000000003f80000000000000n,
      0x40000000400000000000000000000000n,
      0x4040000000000000404000004000_0000n,
      0x40e00000000000003f80000000000000n,
      '10',
      0x10,
    ),
  ];
  /**
   * After IXC is set, with the host's fused multiply-add: a zero addend of the other sign, and exact
   * cancellations (z = -x*y: +0). Without it, the Dekker paths leave these to the op.
   */
  const HOST_ZERO_SIGN = [
    fpCase(0x1f020020, 'fmadd s0, s1, s2, s0', 0x80000000n, 0n, 0x40000000n, 0n, '10', 0x10),
    fpCase(
      0x1f420020,
      'fmadd d0, d1, d2, d0',
      0xc010000000000000n,
      0x4000000000000000n,
      0x4000000000000000n,
      0n,
      '10',
      0x10,
    ),
    fpCase(
      0x4e62cc20,
      'fmla v0.2d, v1.2d, v2.2d',
      0xc010000000000000n,
      0x4000000000000000n,
      0x4000000000000000n,
      0n,
      '10',
      0x10,
    ),
    fpCase(0x1f020020, 'fmadd s0, s1, s2, s0', 0xc1100000n, 0x40400000n, 0x40400000n, 0n, '10', 0x10),
  ];
  const ZERO_SUMS_LEFT = [
    fpCase(
      0x4e22cc20,
      'fmla v0.4s, v1.4s, v2.4s',
      0xc1100000c1100000c1100000c1100000n,
      0x40400000404000004040000040400000n,
      0x40400000404000004040000040400000n,
      0x80000000800000008000000080000000n,
      '0',
      0,
      0n,
      2 << 22,
    ),
    fpCase(0x1e622820, 'fadd d0, d1, d2', 0n, 0n, 0x8000000000000000n, 0x8000000000000000n, '0', 0, 0n, 2 << 22),
    fpCase(0x1f420020, 'fmadd d0, d1, d2, d0', 0x8000000000000000n, 0n, 0x4008000000000000n, 0n, '0'),
    fpCase(0x1f020020, 'fmadd s0, s1, s2, s0', 0x80000000n, 0n, 0x40000000n, 0n, '0'),
  ];

  /**
   * Compares at their edges (equal elements, zero, the sign boundary) and table lookups with
   * indices in each table register, past the table (TBL: 0, TBX: Vd's byte kept) and at 255.
   */
  const TABLE_EDGES = [
    fpCase(
      0x6e209820,
      'cmle v0.16b, v1.16b, #0',
      0n,
      0x80ff7f0100000000_7f8001ff0010f000n,
      0n,
      0xffff0000ffffffff00ff00ffff00ffffn,
      '0',
    ),
    fpCase(
      0x4e623c20,
      'cmge v0.8h, v1.8h, v2.8h',
      0n,
      0x80ff7f0100000000_7f8001ff0010f000n,
      0x80007fff0001ffff_0000123480010000n,
      0xffff00000000ffffffff0000ffff0000n,
      '0',
    ),
    fpCase(
      0x6ea23c20,
      'cmhs v0.4s, v1.4s, v2.4s',
      0n,
      0x80ff7f0100000000_7f8001ff0010f000n,
      0x80007fff0001ffff_0000123480010000n,
      0xffffffff00000000ffffffff00000000n,
      '0',
    ),
    fpCase(
      0x4e002020,
      'tbl v0.16b, { v1.16b, v2.16b }, v0.16b',
      0x0cc81e0140211407ff201f11100f0500n,
      0x0f0e0d0c0b0a09080706050403020100n,
      0x5f5e5d5c5b5a59585756555453525150n,
      0x0c005e01000054070000_5f51500f0500n,
      '0',
    ),
    fpCase(
      0x4e021020,
      'tbx v0.16b, { v1.16b }, v2.16b',
      0xaaaaaaaaaaaaaaaa5555555555555555n,
      0x0f0e0d0c0b0a09080706050403020100n,
      0x100f0e630202020264081100ff0f1003n,
      0xaa0f0eaa0202020255085500550f5503n,
      '0',
    ),
    fpCase(
      0x0e003020,
      'tbx v0.8b, { v1.16b, v2.16b }, v0.8b',
      0x090909090909090911ff0320101f2800n,
      0x0f0e0d0c0b0a09080706050403020100n,
      0x5f5e5d5c5b5a59585756555453525150n,
      0x51ff0320505f2800n,
      '0',
    ),
  ];

  /**
   * Vector conversions: integers of at most 24 (53) significant bits exactly, a wider one rounded
   * to nearest (2^24 + 1 ties to even, 2^64 - 1 rounds up) left to the op before IXC is set and
   * decided after it; toward zero with fractions (IXC), at the range's ends, and past it (IOC: the op).
   */
  const CONVERSIONS = [
    fpCase(
      0x4e21d820,
      'scvtf v0.4s, v1.4s',
      0n,
      0xff000000_01000000_fffffffe_00000001n,
      0n,
      0xcb8000004b800000c00000003f800000n,
      '0',
    ),
    fpCase(
      0x4e21d820,
      'scvtf v0.4s, v1.4s',
      0n,
      0x01000001_00000000_00000000_00000000n,
      0n,
      0x4b800000000000000000000000000000n,
      '10',
      0x10,
    ),
    fpCase(0x6e61d820, 'ucvtf v0.2d, v1.2d', 0n, 0x0020000000000000n, 0n, 0x4340000000000000n, '0'),
    // Two different lanes, each converted into its own.
    fpCase(
      0x4e61d820,
      'scvtf v0.2d, v1.2d',
      0n,
      0xfffffffffffffffb_0000000000000003n,
      0n,
      0xc014000000000000_4008000000000000n,
      '0',
    ),
    fpCase(
      0x4ee1b820,
      'fcvtzs v0.2d, v1.2d',
      0n,
      0xc01c000000000000_4000000000000000n,
      0n,
      0xfffffffffffffff9_0000000000000002n,
      '0',
    ),
    fpCase(
      0x4ea1b820,
      'fcvtzs v0.4s, v1.4s',
      0n,
      0xcf000000_40400000_c0300000_3fc00000n,
      0n,
      0x80000000_00000003_fffffffe_00000001n,
      '10',
    ),
    fpCase(0x6ee1b820, 'fcvtzu v0.2d, v1.2d', 0n, 0xbfe0000000000000n, 0n, 0n, '10'),
    fpCase(0x6ee1b820, 'fcvtzu v0.2d, v1.2d', 0n, 0x400c000000000000n, 0n, 3n, '10'),
  ];
  const CONVERSIONS_LEFT = [
    fpCase(
      0x4e21d820,
      'scvtf v0.4s, v1.4s',
      0n,
      0x01000001_00000000_00000000_00000000n,
      0n,
      0x4b800000000000000000000000000000n,
      '10',
    ),
    fpCase(0x6e61d820, 'ucvtf v0.2d, v1.2d', 0n, 0xffffffffffffffffn, 0n, 0x43f0000000000000n, '10'),
    fpCase(
      0x4ea1b820,
      'fcvtzs v0.4s, v1.4s',
      0n,
      0x4f000000_40400000_c0300000_3fc00000n,
      0n,
      0x7fffffff_00000003_fffffffe_00000001n,
      '11',
    ),
    fpCase(
      0x4ea1b820,
      'fcvtzs v0.4s, v1.4s',
      0n,
      0x7fc00000_40400000_c0300000_3fc00000n,
      0n,
      0x00000000_00000003_fffffffe_00000001n,
      '11',
    ),
  ];

  /** Saturating adds and subtracts: FPSR.QC when a lane saturates (of a 64-bit form, a lane it has). */
  const SATURATING = [
    fpCase(0x2e212820, 'sqxtun v0.8b, v1.8h', 0n, 0x00040003000200010000_00ff008000c8n, 0n, 0x0403020100ff80c8n, '0'),
    fpCase(
      0x0e214820,
      'sqxtn v0.8b, v1.8h',
      0n,
      0x00050000fc1803e8ff80ff7f0080007fn,
      0n,
      0x0500807f80807f7fn,
      '8000000',
    ),
    fpCase(
      0x2e212820,
      'sqxtun v0.8b, v1.8h',
      0n,
      0x00050000fc1803e8ff80ff7f0080007fn,
      0n,
      0x050000ff0000807fn,
      '8000000',
    ),
    fpCase(0x0e214820, 'sqxtn v0.8b, v1.8h', 0n, 0x000500000001000_2ff80fff0000f007fn, 0n, 0x0500010280f00f7fn, '0'),
    fpCase(
      0x6e614820,
      'uqxtn2 v0.8h, v1.4s',
      0x11112222333344445555666677778888n,
      0xffffffff000100000000ffff00000005n,
      0n,
      0xffffffffffff00055555666677778888n,
      '8000000',
    ),
    fpCase(
      0x4e220c20,
      'sqadd v0.16b, v1.16b, v2.16b',
      0n,
      0x7f01_0000_0000_0000_0000_0000_0000_80ffn,
      0x0101_0000_0000_0000_0000_0000_0000_ff01n,
      0x7f02_0000_0000_0000_0000_0000_0000_8000n,
      '8000000',
    ),
    fpCase(
      0x4e620c20,
      'sqadd v0.8h, v1.8h, v2.8h',
      0n,
      0x0001_0002_0003_0004_0005_0006_0007_7000n,
      0x0001_0002_0003_0004_0005_0006_0007_0fffn,
      0x0002_0004_0006_0008_000a_000c_000e_7fffn,
      '0',
    ),
    fpCase(
      0x2e222c20,
      'uqsub v0.8b, v1.8b, v2.8b',
      0n,
      0x0000_0000_0000_0000_0510_2030_4050_6070n,
      0xffff_ffff_ffff_ffff_0101_0101_0101_0101n,
      0x040f1f2f3f4f5f6fn,
      '0',
    ),
    fpCase(
      0x2e222c20,
      'uqsub v0.8b, v1.8b, v2.8b',
      0n,
      0x0000_0000_0000_0000_0510_2030_4050_6070n,
      0x0000_0000_0000_0000_0101_0101_0101_0180n,
      0x040f1f2f3f4f5f00n,
      '8000000',
    ),
  ];

  /** REV of each element size inside each container, and pairwise adds long of words and halfwords. */
  const REVERSED_AND_PAIRED = [
    fpCase(
      0x4ea00820,
      'rev64 v0.4s, v1.4s',
      0n,
      0x0f0e0d0c0b0a09080706050403020100n,
      0n,
      0x0b0a09080f0e0d0c0302010007060504n,
      '0',
    ),
    fpCase(
      0x6e600820,
      'rev32 v0.8h, v1.8h',
      0n,
      0x0f0e0d0c0b0a09080706050403020100n,
      0n,
      0x0d0c0f0e09080b0a0504070601000302n,
      '0',
    ),
    fpCase(
      0x4e201820,
      'rev16 v0.16b, v1.16b',
      0n,
      0x0f0e0d0c0b0a09080706050403020100n,
      0n,
      0x0e0f0c0d0a0b08090607040502030001n,
      '0',
    ),
    fpCase(
      0x6ea02820,
      'uaddlp v0.2d, v1.4s',
      0n,
      0xffffffff000000058000000080000001n,
      0n,
      0x00000001000000040000000100000001n,
      '0',
    ),
    fpCase(
      0x4ea02820,
      'saddlp v0.2d, v1.4s',
      0n,
      0xffffffff000000058000000080000001n,
      0n,
      0x0000000000000004ffffffff00000001n,
      '0',
    ),
    fpCase(
      0x4e606820,
      'sadalp v0.4s, v1.8h',
      0x00000001000000020000000300000004n,
      0x00080007000600050001ffff7fff8000n,
      0n,
      0x000000100000000d0000000300000003n,
      '0',
    ),
  ];

  /** Vector max, min, compares and roundings without NaNs (zeros of both signs); a NaN lane is the op's. */
  const SELECTS = [
    fpCase(
      0x4e619820,
      'frintm v0.2d, v1.2d',
      0n,
      0x4004000000000000bfe0000000000000n,
      0n,
      0x4000000000000000bff0000000000000n,
      '0',
    ),
    fpCase(
      0x4e618820,
      'frintn v0.2d, v1.2d',
      0n,
      0x4004000000000000bff8000000000000n,
      0n,
      0x4000000000000000c000000000000000n,
      '0',
    ),
    fpCase(
      0x4ea18820,
      'frintp v0.4s, v1.4s',
      0n,
      0x40000000c02000003fc00000bf000000n,
      0n,
      0x40000000c00000004000000080000000n,
      '0',
    ),
    fpCase(
      0x4e219820,
      'frintm v0.4s, v1.4s',
      0n,
      0x40000000c02000003fc00000bf000000n,
      0n,
      0x40000000c04000003f800000bf800000n,
      '0',
    ),
    fpCase(
      0x4e218820,
      'frintn v0.4s, v1.4s',
      0n,
      0x40000000c02000003fc00000bf000000n,
      0n,
      0x40000000c00000004000000080000000n,
      '0',
    ),
    fpCase(
      0x4ee19820,
      'frintz v0.2d, v1.2d',
      0n,
      0x4004000000000000bfe0000000000000n,
      0n,
      0x40000000000000008000000000000000n,
      '0',
    ),
    fpCase(
      0x0ea18820,
      'frintp v0.2s, v1.2s',
      0x1234567812345678ffffffffffffffffn,
      0x3fa00000bf000000n,
      0n,
      0x4000000080000000n,
      '0',
    ),
    fpCase(
      0x4e22f420,
      'fmax v0.4s, v1.4s, v2.4s',
      0n,
      0x80000000000000003f800000c0000000n,
      0x0000000080000000bf80000040000000n,
      0x00000000000000003f80000040000000n,
      '0',
    ),
    fpCase(
      0x4ea2f420,
      'fmin v0.4s, v1.4s, v2.4s',
      0n,
      0x80000000000000003f800000c0000000n,
      0x0000000080000000bf80000040000000n,
      0x8000000080000000bf800000c0000000n,
      '0',
    ),
    fpCase(
      0x4ee2c420,
      'fminnm v0.2d, v1.2d, v2.2d',
      0n,
      0x3ff0000000000000n,
      0xbff0000000000000n,
      0xbff0000000000000n,
      '0',
    ),
    fpCase(
      0x6ea2e420,
      'fcmgt v0.4s, v1.4s, v2.4s',
      0n,
      0x3f800000400000003f80000080000000n,
      0x3f8000003f80000040000000_00000000n,
      0x00000000ffffffff0000000000000000n,
      '0',
    ),
    fpCase(
      0x2e22e420,
      'fcmge v0.2s, v1.2s, v2.2s',
      0n,
      0x3f80000080000000n,
      0x3f80000000000000n,
      0xffffffffffffffffn,
      '0',
    ),
  ];
  const SELECTS_LEFT = [
    fpCase(
      0x4e219820,
      'frintm v0.4s, v1.4s',
      0n,
      0x40000000c02000003fc000007f800001n,
      0n,
      0x40000000c04000003f8000007fc00001n,
      '1',
    ),
    fpCase(0x4ea19820, 'frintz v0.4s, v1.4s', 0n, 0x00000001000000010000000100000001n, 0n, 0n, '80', 0, 0n, 1 << 24),
    fpCase(
      0x4e22f420,
      'fmax v0.4s, v1.4s, v2.4s',
      0n,
      0x00000001000000010000000100000001n,
      0n,
      0n,
      '80',
      0,
      0n,
      1 << 24,
    ),
    fpCase(
      0x4e22f420,
      'fmax v0.4s, v1.4s, v2.4s',
      0n,
      0x7fa00000000000003f800000c0000000n,
      0x0000000080000000bf80000040000000n,
      0x7fe00000000000003f80000040000000n,
      '1',
    ),
    fpCase(
      0x6ea2e420,
      'fcmgt v0.4s, v1.4s, v2.4s',
      0n,
      0x7fc00000400000003f80000080000000n,
      0x3f8000003f80000040000000_00000000n,
      0x00000000ffffffff0000000000000000n,
      '1',
    ),
  ];

  /** Byte multiplies (no i8x16.mul: the low bytes of halfword products) and shift-right-accumulates. */
  const MULTIPLIES_AND_ACCUMULATES = [
    fpCase(
      0x6e220420,
      'uhadd v0.16b, v1.16b, v2.16b',
      0n,
      0x3c3264ff00c9c80907037f800001feffn,
      0x3d3365000139380908048080000201ffn,
      0x3c32647f0081800907037f8000017fffn,
      '0',
    ),
    fpCase(
      0x2e221420,
      'urhadd v0.8b, v1.8b, v2.8b',
      0n,
      0x07037f800001feffn,
      0x08048080000201ffn,
      0x08048080000280ffn,
      '0',
    ),
    fpCase(
      0x4e620420,
      'shadd v0.8h, v1.8h, v2.8h',
      0n,
      0x0007ff9c0064fffb0001ffff7fff8000n,
      0x00080063ff9bfffa000200007fff8000n,
      0x0007fffffffffffa0001ffff7fff8000n,
      '0',
    ),
    fpCase(
      0x4e621420,
      'srhadd v0.8h, v1.8h, v2.8h',
      0n,
      0x0007ff9c0064fffb0001ffff7fff8000n,
      0x00080063ff9bfffa000200007fff8000n,
      0x000800000000fffb000200007fff8000n,
      '0',
    ),
    fpCase(
      0x4e229c20,
      'mul v0.16b, v1.16b, v2.16b',
      0n,
      0xfdfcfbfa02017f800d0b090710ffc803n,
      0x09080706050403020d0b090710ff0205n,
      0xe5e0dddc0a047d00a97951310001900fn,
      '0',
    ),
    fpCase(
      0x6f3d1420,
      'usra v0.4s, v1.4s, #0x3',
      0xfffffff0000000030000000200000001n,
      0x0000008000000011_00000008ffffffffn,
      0n,
      0x00000000000000050000000320000000n,
      '0',
    ),
    fpCase(
      0x4f101420,
      'ssra v0.8h, v1.8h, #0x10',
      0x00080007000600050004000300020001n,
      0xfedc1234900000010000ffff7fff8000n,
      0n,
      0x00070007000500050004000200020000n,
      '0',
    ),
  ];

  /**
   * FADD, FSUB, FMUL, FDIV (2D, FMUL by element) once IXC is set: both lanes by the host at once when
   * both results are normal; else lane by lane, where an overflow, and a difference of equal
   * numbers (its +0 is not normal), are left to the op.
   */
  const VECTOR_QUICK = [
    fpCase(
      0x4e62d420,
      'fadd v0.2d, v1.2d, v2.2d',
      0n,
      0x40020000000000003ff8000000000000n,
      0x40080000000000003fb999999999999an,
      0x40150000000000003ff999999999999an,
      '10',
      0x10,
    ),
    fpCase(
      0x6e62fc20,
      'fdiv v0.2d, v1.2d, v2.2d',
      0n,
      0x40180000000000003ff0000000000000n,
      0x40000000000000004008000000000000n,
      0x40080000000000003fd5555555555555n,
      '10',
      0x10,
    ),
    fpCase(
      0x4fc29820,
      'fmul v0.2d, v1.2d, v2.d[1]',
      0n,
      0x3ff80000000000004004000000000000n,
      0x4008000000000000401c000000000000n,
      0x4012000000000000401e000000000000n,
      '10',
      0x10,
    ),
  ];
  const VECTOR_QUICK_LEFT = [
    fpCase(
      0x4ee2d420,
      'fsub v0.2d, v1.2d, v2.2d',
      0n,
      0x40000000000000003ff0000000000000n,
      0x3fe00000000000003ff0000000000000n,
      0x3ff80000000000000000000000000000n,
      '10',
      0x10,
    ),
    fpCase(
      0x6e62dc20,
      'fmul v0.2d, v1.2d, v2.2d',
      0n,
      0x7e37e43c8800759c4008000000000000n,
      0x4202a05f200000003fe0000000000000n,
      0x7ff00000000000003ff8000000000000n,
      '14',
      0x10,
    ),
  ];

  type FpLoop = ReturnType<typeof fpCase> & { how: string; exits?: 'none' | 'some' };
  const FP_LOOPS: FpLoop[] = [
    ...PASSED_ON.map((c) => ({ ...c, how: 'left to its op where the fast path cannot decide' })),
    ...DECIDED.map((c) => ({ ...c, how: 'decided (double)' })),
    ...DECIDED_SINGLE.map((c) => ({ ...c, how: 'decided (single)' })),
    ...QUICK.map((c) => ({ ...c, how: 'decided after an inexact result' })),
    ...ZEROS.map((c) => ({ ...c, how: 'decided with zero operands' })),
    ...ROUNDING.map((c) => ({ ...c, how: 'rounded to integral, or the larger or smaller' })),
    ...SINGLE_FMA.map((c) => ({ ...c, how: 'fused lane by lane' })),
    ...SINGLE_VECTORS.map((c) => ({ ...c, how: 'decided (single-precision vector)' })),
    ...SHIFT_EDGES.map((c) => ({ ...c, how: 'shifted at the edges' })),
    ...TABLE_EDGES.map((c) => ({ ...c, how: 'compared or looked up at the edges', exits: 'none' })),
    ...CONVERSIONS.map((c) => ({ ...c, how: 'converted in the region', exits: 'none' })),
    ...SELECTS.map((c) => ({ ...c, how: 'selected or compared in the region', exits: 'none' })),
    ...MULTIPLIES_AND_ACCUMULATES.map((c) => ({ ...c, how: 'multiplied or accumulated in the region', exits: 'none' })),
    ...SELECTS_LEFT.map((c) => ({ ...c, how: 'a NaN lane left to the op', exits: 'some' })),
    ...SATURATING.map((c) => ({ ...c, how: 'saturated in the region', exits: 'none' })),
    ...REVERSED_AND_PAIRED.map((c) => ({ ...c, how: 'reversed or paired in the region', exits: 'none' })),
    ...CONVERSIONS_LEFT.map((c) => ({ ...c, how: 'converted by the op', exits: 'some' })),
    ...QUICK_SINGLE.map((c) => ({ ...c, how: 'a single op after IXC, in the region', exits: 'none' })),
    ...QUICK_SINGLE_LEFT.map((c) => ({ ...c, how: 'a single op after IXC, left to the op', exits: 'some' })),
    ...FUSED.map((c) => ({ ...c, how: 'fused, in the region', exits: 'none' })),
    ...FUSED_LEFT.map((c) => ({ ...c, how: 'fused, left to the op', exits: 'some' })),
    ...ZERO_SUMS.map((c) => ({ ...c, how: 'zeros decided in the region', exits: 'none' })),
    ...ZERO_SUMS_LEFT.map((c) => ({ ...c, how: 'zeros of two signs left to the op', exits: 'some' })),
    ...VECTOR_QUICK.map((c) => ({ ...c, how: 'two doubles after IXC, in the region', exits: 'none' })),
    ...VECTOR_QUICK_LEFT.map((c) => ({ ...c, how: 'two doubles after IXC, left to the op', exits: 'some' })),
  ];
  const HOST_ZERO = HOST_ZERO_SIGN.map(
    (c): FpLoop => ({ ...c, how: 'zeros of two signs, the host fused', exits: 'none' }),
  );
  it.each([...FP_LOOPS, ...HOST_ZERO])('$text: $how, as the interpreter and Unicorn (FPSR $fpsr)', async (c) => {
    await fpLoop(c);
    // V0, V1 and V2 also read whole: the region keeps them in the register file, not in locals.
    await fpLoop(c, true);
  });

  // The fused and zero loops with the host's fused multiply-add turned off: Dekker and TwoSum
  // decide them; the zero addend of the other sign goes to the op.
  it.each([
    ...FP_LOOPS.filter((c) => c.exits !== undefined),
    ...HOST_ZERO.map((c): FpLoop => ({ ...c, how: 'zeros of two signs left to the op', exits: 'some' })),
  ])('$text: $how, without the host fused multiply-add (FPSR $fpsr)', async (c) => {
    overrideHostFusedMadd(false);
    try {
      await fpLoop(c);
    } finally {
      overrideHostFusedMadd(null);
    }
  });

  /**
   * FCMP/FCMPE in a loop that reads the flags back (`cset w3..w6` for N, Z, C, V): with FZ clear
   * a region decides every comparison without a NaN (infinities and subnormals too); a NaN, and
   * under FZ an operand that is not normal or zero, goes to the op.
   */
  const FCMP_LOOP = (op: number) => [
    op,
    0x1a9f57e3,
    0x1a9f17e4,
    0x1a9f37e5,
    0x1a9f77e6,
    0xf1000529,
    0x54ffff41,
    0xd4200000,
  ];
  const FCMPS: {
    op: number;
    text: string;
    v1: bigint;
    v2: bigint;
    fpcr: number;
    nzcv: string;
    fpsr: string;
    exits: 'none' | 'some';
  }[] = [
    {
      op: 0x1e622020,
      text: 'fcmp d1, d2',
      v1: 0x3ff0000000000000n,
      v2: 0x4000000000000000n,
      fpcr: 0,
      nzcv: '1000',
      fpsr: '0',
      exits: 'none',
    },
    {
      op: 0x1e622020,
      text: 'fcmp d1, d2',
      v1: 0x3ff0000000000000n,
      v2: 0x4000000000000000n,
      fpcr: 1 << 24,
      nzcv: '1000',
      fpsr: '0',
      exits: 'none',
    },
    {
      op: 0x1e622020,
      text: 'fcmp d1, d2',
      v1: 0x7ff0000000000000n,
      v2: 0x3ff0000000000000n,
      fpcr: 0,
      nzcv: '0010',
      fpsr: '0',
      exits: 'none',
    },
    {
      op: 0x1e622030,
      text: 'fcmpe d1, d2',
      v1: 0xfff0000000000000n,
      v2: 0xfff0000000000000n,
      fpcr: 0,
      nzcv: '0110',
      fpsr: '0',
      exits: 'none',
    },
    { op: 0x1e622020, text: 'fcmp d1, d2', v1: 1n, v2: 0n, fpcr: 0, nzcv: '0010', fpsr: '0', exits: 'none' },
    { op: 0x1e622020, text: 'fcmp d1, d2', v1: 1n, v2: 0n, fpcr: 1 << 24, nzcv: '0110', fpsr: '80', exits: 'some' },
    {
      op: 0x1e622020,
      text: 'fcmp d1, d2',
      v1: 0x8000000000000000n,
      v2: 0n,
      fpcr: 0,
      nzcv: '0110',
      fpsr: '0',
      exits: 'none',
    },
    {
      op: 0x1e622020,
      text: 'fcmp d1, d2',
      v1: 0x7ff8000000000000n,
      v2: 0x3ff0000000000000n,
      fpcr: 0,
      nzcv: '0011',
      fpsr: '0',
      exits: 'some',
    },
    {
      op: 0x1e622030,
      text: 'fcmpe d1, d2',
      v1: 0x3ff0000000000000n,
      v2: 0x7ff8000000000000n,
      fpcr: 0,
      nzcv: '0011',
      fpsr: '1',
      exits: 'some',
    },
    {
      op: 0x1e222020,
      text: 'fcmp s1, s2',
      v1: 0x7f800000n,
      v2: 0x3f800000n,
      fpcr: 0,
      nzcv: '0010',
      fpsr: '0',
      exits: 'none',
    },
    { op: 0x1e222030, text: 'fcmpe s1, s2', v1: 1n, v2: 0x80000000n, fpcr: 0, nzcv: '0010', fpsr: '0', exits: 'none' },
    {
      op: 0x1e222020,
      text: 'fcmp s1, s2',
      v1: 0x7f800001n,
      v2: 0x3f800000n,
      fpcr: 0,
      nzcv: '0011',
      fpsr: '1',
      exits: 'some',
    },
  ];
  it.each(FCMPS)('$text on $v1 and $v2 (FPCR $fpcr): NZCV $nzcv, FPSR $fpsr, exits $exits', async (c) => {
    const LOOP = FCMP_LOOP(c.op);
    expect(LOOP.map((w, i) => disassemble(w, CODE + 4 * i))).toEqual([
      c.text,
      'cset w3, mi',
      'cset w4, eq',
      'cset w5, hs',
      'cset w6, vs',
      'subs x9, x9, #0x1',
      'b.ne 0x10000',
      'brk #0',
    ]);
    const read = (e: Engine): string =>
      `${['x3', 'x4', 'x5', 'x6'].map((x) => e.regRead(x as 'x3').toString()).join('')} ${e.regRead('fpsr').toString(16)}`;
    const regs: [RegName, bigint][] = [
      ['q1', c.v1],
      ['q2', c.v2],
      ['x9', 5n],
      ['fpcr', BigInt(c.fpcr)],
    ];
    await expectLoopEverywhere({ loop: LOOP, regs, read, exits: c.exits }, `${c.nzcv} ${c.fpsr}`, unicorn);
  });

  // Right after FCMP a condition is one comparison of its operands (Emitter.fcmpLive): every
  // condition, doubles and singles, against a register and #0.0, on pairs below, equal
  // (signed zeros too), above, and with infinities and subnormals.
  it("a condition right after FCMP (cset w3, COND) is the interpreter's and Unicorn's, every COND", async () => {
    // Each pair in both widths: 'tiny' is the smallest subnormal of the width.
    const PAIRS: [number | 'tiny', number | 'tiny'][] = [
      [1, 2],
      [2, 1],
      [-0, 0],
      [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
      [Number.NEGATIVE_INFINITY, 'tiny'],
    ];
    const bitsOf = (v: number | 'tiny', single: boolean): bigint =>
      v === 'tiny'
        ? 1n
        : single
          ? BigInt(new Uint32Array(new Float32Array([v]).buffer)[0] as number)
          : (new BigUint64Array(new Float64Array([v]).buffer)[0] as bigint);
    const asNumber = (bits: bigint, single: boolean): number =>
      single
        ? (new Float32Array(new Uint32Array([Number(bits)]).buffer)[0] as number)
        : (new Float64Array(new BigUint64Array([bits]).buffer)[0] as number);
    // fcmp d1, d2; fcmp s1, s2; fcmp d1, #0.0; fcmp s1, #0.0 (V2 then unused).
    const FORMS = [
      { op: 0x1e622020, text: 'fcmp d1, d2', single: false, zero: false },
      { op: 0x1e222020, text: 'fcmp s1, s2', single: true, zero: false },
      { op: 0x1e602028, text: 'fcmp d1, #0.0', single: false, zero: true },
      { op: 0x1e202028, text: 'fcmp s1, #0.0', single: true, zero: true },
    ];
    const CONDS = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le'];
    for (const form of FORMS) {
      for (let cond = 0; cond < 14; cond++) {
        // CSET w3, cond is CSINC w3, wzr, wzr, invert(cond).
        const cset = (0x1a9f07e3 | ((cond ^ 1) << 12)) >>> 0;
        const LOOP = [form.op, cset, 0xf1000529, 0x54ffffa1, 0xd4200000];
        expect(LOOP.map((w, i) => disassemble(w, CODE + 4 * i))).toEqual([
          form.text,
          `cset w3, ${CONDS[cond]}`,
          'subs x9, x9, #0x1',
          'b.ne 0x10000',
          'brk #0',
        ]);
        for (const [a, b] of PAIRS) {
          const [v1, v2] = [bitsOf(a, form.single), bitsOf(b, form.single)];
          const o = {
            loop: LOOP,
            regs: [
              ['q1', v1],
              ['q2', v2],
              ['x9', 3n],
            ] as [RegName, bigint][],
            read: (e: Engine) => e.regRead('x3').toString(),
            exits: 'none' as const,
          };
          // FCMP's NZCV for two numbers (no NaN here: V clear), then ConditionHolds.
          const x = asNumber(v1, form.single);
          const y = form.zero ? 0 : asNumber(v2, form.single);
          const [n, z, cf] = [x < y, x === y, x >= y];
          const holds = [z, cf, n, false, cf && !z, !n, !z && !n][cond >> 1] as boolean;
          const expected = holds !== ((cond & 1) === 1) ? '1' : '0';
          await expectLoopEverywhere(
            o,
            expected,
            unicorn,
            `cset w3, ${CONDS[cond]} after ${form.text} of ${v1}, ${v2}`,
          );
        }
      }
    }
  });

  // FCSEL on singles selects as f32 in a region: NaNs keep their bits (a signalling one too), the
  // rest of the destination is zeroed, whatever the sources held above their low word.
  it('FCSEL (single) moves NaN bits unchanged and zeroes the rest of the register', async () => {
    const LOOP = [0x1e220c23, 0x1e221c24, 0xf1000529, 0x54ffffa1, 0xd4200000];
    expect(LOOP.map((w, i) => disassemble(w, CODE + 4 * i))).toEqual([
      'fcsel s3, s1, s2, eq',
      'fcsel s4, s1, s2, ne',
      'subs x9, x9, #0x1',
      'b.ne 0x10000',
      'brk #0',
    ]);
    const regs: [RegName, bigint][] = [
      ['q1', 0xdeadbeefcafef00d123456787f800001n],
      ['q2', 0x0123456789abcdef00000001ffc00001n],
      ['x9', 3n],
    ];
    const read = (e: Engine): string =>
      `${e.regRead('q3').toString(16)} ${e.regRead('q4').toString(16)} ${e.regRead('fpsr')}`;
    // Z is clear while the loop runs (subs of 3 and 2), so eq picks s2 and ne s1.
    await expectLoopEverywhere({ loop: LOOP, regs, read, exits: 'none' }, 'ffc00001 7f800001 0', unicorn);
  });

  it('uses the host fused multiply-add where relaxed SIMD is fused (x86-64 with FMA3, arm64)', () => {
    // The suite's V8 tuning (tests/support/tune-v8.ts) turns relaxed SIMD on; every CPU this
    // project's CI runs on has a fused multiply-add. Elsewhere the probe says no and the loops
    // above run the Dekker paths, which the test before this one checks either way.
    const fused = hostFusedMadd();
    if (!fused) console.warn('host-fma: relaxed SIMD is not fused on this host: the loops ran the Dekker paths');
    if (process.env.CI) expect(fused).toBe(true);
  });

  /** FMLA, FMLS (2D): a case gives one lane, both lanes get it. */
  const TWO_DOUBLES = [0x4e62cc20, 0x4ee2cc20, 0x6e61d820, 0x6ee1b820];

  /**
   * `ldr q0, [x0]; OP; str q0, [x0, #16]` five times, translated (one WebAssembly region),
   * interpreted, on Unicorn; with `whole`, `mov v3.16b, v0.16b; orr v4.16b, v1.16b, v2.16b` after
   * the store (V0, V1 and V2 read whole: the region keeps them in the register file).
   */
  async function fpLoop(
    c: ReturnType<typeof fpCase> & { exits?: 'none' | 'some' | undefined },
    whole = false,
  ): Promise<void> {
    const exits = c.exits;
    const LOOP = whole
      ? [0x3dc00000, c.op, 0x3d800400, 0x4ea01c03, 0x4ea21c24, 0xf1000529, 0x54ffff41, 0xd4200000]
      : [0x3dc00000, c.op, 0x3d800400, 0xf1000529, 0x54ffff81, 0xd4200000];
    expect(LOOP.map((w, i) => disassemble(w, CODE + 4 * i))).toEqual([
      'ldr q0, [x0]',
      c.text,
      'str q0, [x0, #0x10]',
      ...(whole ? ['mov v3.16b, v0.16b', 'orr v4.16b, v1.16b, v2.16b'] : []),
      'subs x9, x9, #0x1',
      'b.ne 0x10000',
      'brk #0',
    ]);
    const both = (v: bigint): bigint => (TWO_DOUBLES.includes(c.op) ? (v << 64n) | v : v);
    const end = async (kind: EngineKind, options: { jitThreshold?: number }): Promise<string> => {
      const e = await createEngine(kind, options);
      try {
        e.memMap(CODE, 0x1000, PROT_ALL);
        e.memWrite(CODE, words(...LOOP));
        e.memMap(DATA, 0x1000, PROT_READ | PROT_WRITE);
        e.memWrite(
          DATA,
          new Uint8Array(
            new BigUint64Array([c.q0 & (2n ** 64n - 1n), TWO_DOUBLES.includes(c.op) ? c.q0 : c.q0 >> 64n]).buffer,
          ),
        );
        e.regWrite('x0', BigInt(DATA));
        e.regWrite('q1', both(c.q1));
        e.regWrite('q2', both(c.q2));
        e.regWrite('x9', 5n);
        e.regWrite('fpsr', BigInt(c.fpsr0));
        e.regWrite('fpcr', BigInt(c.fpcr));
        e.regWrite('x10', c.x10);
        const r = e.start(CODE, CODE + 4 * (LOOP.length - 1), { count: 1000 });
        if (e instanceof TsEngine && options.jitThreshold === 0) {
          expect(e.wasmRegions).toBe(1);
          if (exits !== undefined) expect(e.wasmOpExits > 0 ? 'some' : 'none').toBe(exits);
        }
        return `${r.reason} ${e.regRead('q0').toString(16)} ${e.regRead('fpsr').toString(16)}`;
      } finally {
        e.close();
      }
    };
    const expected = `until ${both(c.result).toString(16)} ${c.fpsr}`;
    expect(await end('ts', { jitThreshold: 0 })).toBe(expected);
    expect(await end('ts', { jitThreshold: Number.POSITIVE_INFINITY })).toBe(expected);
    if (unicorn) expect(await end('unicorn', {})).toBe(expected);
  }

  it('end there too with unshared arenas (registers copied around each call)', async () => {
    setSharedArenas(false);
    try {
      await fc.assert(
        fc.asyncProperty(simdCase, async (c) => {
          expect(await run('ts', c, 0)).toEqual(await run('ts', c, Number.POSITIVE_INFINITY));
        }),
        { numRuns: 60, seed: 20261205 },
      );
    } finally {
      setSharedArenas(true);
    }
  }, 120_000);
});
