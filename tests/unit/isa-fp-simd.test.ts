/**
 * AdvSIMD floating point: vector and scalar-SIMD forms, pairwise, across lanes, by element, FCVTN/FCVTL/FCVTXN, estimates.
 * Expected values were produced by Unicorn 2.0.1 (the semantic oracle) and checked against the
 * Arm ARM pseudocode; each row names what it exercises.
 */
import { describe, expect, it } from 'vitest';
import { type Case, hex, runWord } from './isa-fp-support.ts';

// [asm, word, inputs, expected, FPCR, NZCV, FPSR]
const CASES: Case[] = [
  [
    'fadd v0.4s, v1.4s, v2.4s',
    0x4e22d420,
    { q1: 0x800000007f800001400000003f800000n, q2: 0x3f8000003e8000003f000000n },
    { q0: 0x7fc00001401000003fc00000n },
    0x0,
    0x0,
    0x1,
  ], // lanes incl SNaN and signed zero
  [
    'fadd v0.2s, v1.2s, v2.2s',
    0x0e22d420,
    { q1: 0x1234400000003f800000n, q2: 0x3f8000003f800000n, q0: 0xffffffffffffffffffffffffffffffffn },
    { q0: 0x4040000040000000n },
    0x0,
    0x0,
    0x0,
  ], // 2s clears the upper half
  [
    'fsub v0.2d, v1.2d, v2.2d',
    0x4ee2d420,
    { q1: 0x7fe1ccf385ebc8a03fd3333333333333n, q2: 0xffe1ccf385ebc8a03fb999999999999an },
    { q0: 0x7ff00000000000003fc9999999999999n },
    0x0,
    0x0,
    0x14,
  ], // inexact + overflow lanes
  [
    'fmul v3.4s, v3.4s, v3.4s',
    0x6e23dc63,
    { q3: 0x7fc0000100800000c000000040400000n },
    { q3: 0x7fc00001000000004080000041100000n },
    0x1000000,
    0x0,
    0x8,
  ], // FZ tiny lane
  [
    'fdiv v0.2d, v1.2d, v2.2d',
    0x6e62fc20,
    { q1: 0x3ff0000000000000n, q2: 0x4008000000000000n },
    { q0: 0x7ff80000000000003fd5555555555555n },
    0x0,
    0x0,
    0x11,
  ], // 1/3 and 0/0
  [
    'fmla v0.4s, v1.4s, v2.4s',
    0x4e22cc20,
    {
      q0: 0x3f8000003f8000003f8000003f800000n,
      q1: 0x40000000400000004000000040000000n,
      q2: 0x40400000404000004040000040400000n,
    },
    { q0: 0x40e0000040e0000040e0000040e00000n },
    0x0,
    0x0,
    0x0,
  ], // 1 + 2*3
  [
    'fmls v0.2d, v1.2d, v2.2d',
    0x4ee2cc20,
    {
      q0: 0xbff00000000000003ff0000000000000n,
      q1: 0x7ff80000000000013ff0000000400000n,
      q2: 0x3ff00000000000003fefffffff800000n,
    },
    { q0: 0xfff80000000000013c30000000000000n },
    0x0,
    0x0,
    0x0,
  ], // fused 1 - n*m; NaN in n negated
  [
    'fmulx v0.4s, v1.4s, v2.4s',
    0x4e22dc20,
    { q1: 0x40000000ff8000007f800000n, q2: 0x408000000000000000000000n },
    { q0: 0x41000000c000000040000000n },
    0x0,
    0x0,
    0x0,
  ], // inf*0 = 2 with sign
  [
    'frecps v0.4s, v1.4s, v2.4s',
    0x4e22fc20,
    { q1: 0x7fc000057f80000040000000n, q2: 0x3f800000000000003ecccccdn },
    { q0: 0x40000000ffc00005400000003f99999an },
    0x0,
    0x0,
    0x10,
  ], // 2 - a*b; inf*0 = 2; NaN negated
  [
    'frsqrts v0.2d, v1.2d, v2.2d',
    0x4ee2fc20,
    { q1: 0x7ff00000000000004000000000000000n, q2: 0x3fe0000000000000n },
    { q0: 0x3ff80000000000003ff0000000000000n },
    0x0,
    0x0,
    0x0,
  ], // (3 - a*b)/2; inf*0 = 1.5
  [
    'fabd v0.4s, v1.4s, v2.4s',
    0x6ea2d420,
    { q1: 0xffc000013f800000n, q2: 0x3f80000040400000n },
    { q0: 0x7fc0000140000000n },
    0x0,
    0x0,
    0x0,
  ], // fabd clears NaN sign
  [
    'fcmeq v0.4s, v1.4s, v2.4s',
    0x4e22e420,
    { q1: 0x800000007f8000017fc000003f800000n, q2: 0x3f8000007fc000003f800000n },
    { q0: 0xffffffff0000000000000000ffffffffn },
    0x0,
    0x0,
    0x1,
  ], // eq: QNaN quiet, SNaN IOC, -0==0
  [
    'fcmge v0.4s, v1.4s, v2.4s',
    0x6e22e420,
    { q1: 0x400000007fc000003f800000n, q2: 0x404000003f8000003f800000n },
    { q0: 0xffffffff0000000000000000ffffffffn },
    0x0,
    0x0,
    0x1,
  ], // ge signals on QNaN
  [
    'fcmgt v0.2d, v1.2d, v2.2d',
    0x6ee2e420,
    { q1: 0x3ff00000000000004000000000000000n, q2: 0x3ff00000000000003ff0000000000000n },
    { q0: 0xffffffffffffffffn },
    0x0,
    0x0,
    0x0,
  ], //
  [
    'facgt v0.4s, v1.4s, v2.4s',
    0x6ea2ec20,
    { q1: 0x3f800000c0400000n, q2: 0xbf80000040000000n },
    { q0: 0xffffffffn },
    0x0,
    0x0,
    0x0,
  ], // |a| > |b|
  [
    'facge v0.2d, v1.2d, v2.2d',
    0x6e62ec20,
    { q1: 0x3ff0000000000000c008000000000000n, q2: 0xbff80000000000004008000000000000n },
    { q0: 0xffffffffffffffffn },
    0x0,
    0x0,
    0x0,
  ], // |a| >= |b|
  [
    'faddp v0.4s, v1.4s, v2.4s',
    0x6e22d420,
    { q1: 0x4080000040400000400000003f800000n, q2: 0x4220000041f0000041a0000041200000n },
    { q0: 0x428c000041f0000040e0000040400000n },
    0x0,
    0x0,
    0x0,
  ], // pairs of Vn then Vm
  [
    'fmaxp v1.2d, v1.2d, v2.2d',
    0x6e62f421,
    { q1: 0x40000000000000003ff0000000000000n, q2: 0x7ff8000000000002bff0000000000000n },
    { q1: 0x7ff80000000000024000000000000000n },
    0x0,
    0x0,
    0x0,
  ], // Vd = Vn overlap
  [
    'fminnmp v0.2s, v1.2s, v2.2s',
    0x2ea2c420,
    { q1: 0x7fc000003f800000n, q2: 0xc0000000bf800000n },
    { q0: 0xc00000003f800000n },
    0x0,
    0x0,
    0x0,
  ], //
  [
    'fmax v0.4s, v1.4s, v2.4s',
    0x4e22f420,
    { q1: 0x3f80000080000000n, q2: 0x7fc0000700000000n },
    { q0: 0x7fc0000700000000n },
    0x0,
    0x0,
    0x0,
  ], //
  [
    'fminnm v0.2d, v1.2d, v2.2d',
    0x4ee2c420,
    { q1: 0x40140000000000007ff8000000000000n, q2: 0xc014000000000000401c000000000000n },
    { q0: 0xc014000000000000401c000000000000n },
    0x0,
    0x0,
    0x0,
  ], //
  [
    'fabs v0.2d, v1.2d',
    0x4ee0f820,
    { q1: 0xc000000000000000fff0000000000001n },
    { q0: 0x40000000000000007ff0000000000001n },
    0x0,
    0x0,
    0x0,
  ], //
  [
    'fneg v0.4s, v1.4s',
    0x6ea0f820,
    { q1: 0x400000007f800001n },
    { q0: 0x8000000080000000c0000000ff800001n },
    0x0,
    0x0,
    0x0,
  ], //
  [
    'fsqrt v0.4s, v1.4s',
    0x6ea1f820,
    { q1: 0x80000000bf8000004000000040800000n },
    { q0: 0x800000007fc000003fb504f340000000n },
    0x0,
    0x0,
    0x11,
  ], //
  [
    'frintn v0.4s, v1.4s',
    0x4e218820,
    { q1: 0x501502f9bf0000004060000040200000n },
    { q0: 0x501502f9800000004080000040000000n },
    0x0,
    0x0,
    0x0,
  ], //
  [
    'frintx v0.2d, v1.2d',
    0x6e619820,
    { q1: 0xc01c0000000000004004000000000000n },
    { q0: 0xc01c0000000000004000000000000000n },
    0x800000,
    0x0,
    0x10,
  ], // RM, IXC
  ['frinti v0.2s, v1.2s', 0x2ea19820, { q1: 0xc020000040200000n }, { q0: 0xc000000040400000n }, 0x400000, 0x0, 0x0], //
  [
    'fcvtzs v0.4s, v1.4s',
    0x4ea1b820,
    { q1: 0x40fccccd7fc000004f32d05ebfc00000n },
    { q0: 0x7000000007fffffffffffffffn },
    0x0,
    0x0,
    0x11,
  ], //
  ['fcvtnu v0.2d, v1.2d', 0x6e61a820, { q1: 0xbff00000000000004004000000000000n }, { q0: 0x2n }, 0x0, 0x0, 0x11], //
  [
    'fcvtas v0.2d, v1.2d',
    0x4e61c820,
    { q1: 0x43e158e460913d00c004000000000000n },
    { q0: 0x7ffffffffffffffffffffffffffffffdn },
    0x0,
    0x0,
    0x11,
  ], //
  ['fcvtms v0.2s, v1.2s', 0x0e21b820, { q1: 0x40200000c0200000n }, { q0: 0x2fffffffdn }, 0x0, 0x0, 0x10], //
  [
    'fcvtpu v0.4s, v1.4s',
    0x6ea1a820,
    { q1: 0x4f800000bf00000040066666n },
    { q0: 0xffffffff0000000000000003n },
    0x0,
    0x0,
    0x11,
  ], //
  [
    'scvtf v0.4s, v1.4s',
    0x4e21d820,
    { q1: 0x78000000001000001ffffffffn },
    { q0: 0x40e00000cf0000004b800000bf800000n },
    0x0,
    0x0,
    0x10,
  ], //
  [
    'ucvtf v0.2d, v1.2d',
    0x6e61d820,
    { q1: 0x3ffffffffffffffffn },
    { q0: 0x400800000000000043efffffffffffffn },
    0xc00000,
    0x0,
    0x10,
  ], // RZ
  [
    'scvtf v0.4s, v1.4s, #3',
    0x4f3de420,
    { q1: 0xfffffff80000000c00000008n },
    { q0: 0xbf8000003fc000003f800000n },
    0x0,
    0x0,
    0x0,
  ], // fixed point
  [
    'fcvtzu v0.2d, v1.2d, #32',
    0x6f60fc20,
    { q1: 0xbff00000000000003ff8000000000000n },
    { q0: 0x180000000n },
    0x0,
    0x0,
    0x1,
  ], // fixed point
  ['ucvtf d0, d1, #64', 0x7f40e420, { q1: 0x8000000000000000n }, { q0: 0x3fe0000000000000n }, 0x0, 0x0, 0x0], // scalar fixed point
  ['fcvtzs s0, s1, #1', 0x5f3ffc20, { q1: 0xc0300000n }, { q0: 0xfffffffbn }, 0x0, 0x0, 0x10], // scalar fixed point
  [
    'fcmgt v0.4s, v1.4s, #0.0',
    0x4ea0c820,
    { q1: 0xbf8000007fc00000800000003f800000n },
    { q0: 0xffffffffn },
    0x0,
    0x0,
    0x1,
  ], //
  [
    'fcmle v0.2d, v1.2d, #0.0',
    0x6ee0d820,
    { q1: 0x3ff0000000000000bff0000000000000n },
    { q0: 0xffffffffffffffffn },
    0x0,
    0x0,
    0x0,
  ], //
  ['fcmlt v0.2s, v1.2s, #0.0', 0x0ea0e820, { q1: 0x80000000bf800000n }, { q0: 0xffffffffn }, 0x0, 0x0, 0x0], //
  ['fcmeq d0, d1, #0.0', 0x5ee0d820, { q1: 0x8000000000000000n }, { q0: 0xffffffffffffffffn }, 0x0, 0x0, 0x0], //
  [
    'frecpe v0.4s, v1.4s',
    0x4ea1d820,
    { q1: 0x100000000404000003f800000n },
    { q0: 0x7f8000007f8000003eaa80003f7f8000n },
    0x0,
    0x0,
    0x16,
  ], // estimate, 1/0 = inf DZC, tiny -> inf OFC
  ['frecpe d0, d1', 0x5ee1d820, { q1: 0xbfd3333333333333n }, { q0: 0xc00aa00000000000n }, 0x0, 0x0, 0x0], //
  ['frecpe s0, s1', 0x5ea1d820, { q1: 0x7e800000n }, { q0: 0x0n }, 0x1000000, 0x0, 0x8], // huge with FZ -> 0, UFC
  [
    'frsqrte v0.4s, v1.4s',
    0x6ea1d820,
    { q1: 0x3bf8000004000000040800000n },
    { q0: 0x645100007fc000003f3480003eff8000n },
    0x0,
    0x0,
    0x1,
  ], //
  ['frsqrte d0, d1', 0x7ee1d820, { q1: 0x3fd3333333333333n }, { q0: 0x3ffd400000000000n }, 0x0, 0x0, 0x0], //
  ['frecpx d0, d1', 0x5ee1f820, { q1: 0x4008000000000000n }, { q0: 0x3ff0000000000000n }, 0x0, 0x0, 0x0], //
  ['frecpx s0, s1', 0x5ea1f820, { q1: 0x5n }, { q0: 0x7f000000n }, 0x0, 0x0, 0x0], // denormal -> max exponent
  [
    'fcvtn v0.4h, v1.4s',
    0x0e216820,
    { q1: 0x3eaaaaab7f800001477ff0003f800000n, q0: 0xffffffffffffffffffffffffffffffffn },
    { q0: 0x35557e007c003c00n },
    0x0,
    0x0,
    0x15,
  ], //
  [
    'fcvtn2 v0.8h, v1.4s',
    0x4e216820,
    { q1: 0x4080000040400000400000003f800000n, q0: 0x1111222233334444n },
    { q0: 0x4400420040003c001111222233334444n },
    0x0,
    0x0,
    0x0,
  ], // keeps the low half
  [
    'fcvtn v0.2s, v1.2d',
    0x0e616820,
    { q1: 0x7e37e43c8800759c3fb999999999999an },
    { q0: 0x7f8000003dcccccdn },
    0x0,
    0x0,
    0x14,
  ], //
  [
    'fcvtn2 v0.4s, v1.2d',
    0x4e616820,
    { q1: 0xc0000000000000003fb999999999999an, q0: 0x5555666677778888n },
    { q0: 0xc00000003dcccccd5555666677778888n },
    0x0,
    0x0,
    0x10,
  ], //
  [
    'fcvtxn v0.2s, v1.2d',
    0x2e616820,
    { q1: 0x7e37e43c8800759c3ff0000000400000n },
    { q0: 0x7f7fffff3f800001n },
    0x0,
    0x0,
    0x14,
  ], // round to odd; overflow -> max normal
  ['fcvtxn s0, d1', 0x7e616820, { q1: 0x3fb999999999999an }, { q0: 0x3dcccccdn }, 0x0, 0x0, 0x10], //
  [
    'fcvtl v0.4s, v1.4h',
    0x0e217820,
    { q1: 0xffff00017d017c003c00n },
    { q0: 0x338000007fe020007f8000003f800000n },
    0x0,
    0x0,
    0x1,
  ], //
  [
    'fcvtl2 v0.2d, v1.4s',
    0x4e617820,
    { q1: 0x7f8000013fc000000000000000000000n },
    { q0: 0x7ff80000200000003ff8000000000000n },
    0x0,
    0x0,
    0x1,
  ], //
  ['fcvtl v0.4s, v1.4h', 0x0e217820, { q1: 0xfc007c00n }, { q0: 0xc780000047800000n }, 0x4000000, 0x0, 0x0], // AHP
  [
    'fmla v0.4s, v1.4s, v0.s[1]',
    0x4fa01020,
    { q0: 0x4080000040400000400000003f800000n, q1: 0x3f8000003f8000003f8000003f800000n },
    { q0: 0x40c0000040a000004080000040400000n },
    0x0,
    0x0,
    0x0,
  ], // element from Vd, read before writes
  [
    'fmul v0.2d, v1.2d, v2.d[1]',
    0x4fc29820,
    { q1: 0xc0000000000000003ff8000000000000n, q2: 0x40080000000000004059000000000000n },
    { q0: 0xc0180000000000004012000000000000n },
    0x0,
    0x0,
    0x0,
  ], //
  [
    'fmulx v0.2s, v1.2s, v31.s[3]',
    0x2fbf9820,
    { q1: 0x400000007f800000n, q31: 0x80000000000000000000000000000000n },
    { q0: 0x80000000c0000000n },
    0x0,
    0x0,
    0x0,
  ], // inf*-0 = -2
  [
    'fmls s0, s1, v2.s[2]',
    0x5f825820,
    { q0: 0x41200000n, q1: 0x40000000n, q2: 0x404000000000000000000000n },
    { q0: 0x40800000n },
    0x0,
    0x0,
    0x0,
  ], //
  [
    'fmla d0, d1, v2.d[1]',
    0x5fc21820,
    { q0: 0x12344024000000000000n, q1: 0x4000000000000000n, q2: 0x40080000000000000000000000000000n },
    { q0: 0x4030000000000000n },
    0x0,
    0x0,
    0x0,
  ], // scalar clears upper
  ['fmaxv s0, v1.4s', 0x6e30f820, { q1: 0x4040000040e000007fc000093f800000n }, { q0: 0x7fc00009n }, 0x0, 0x0, 0x0], //
  ['fmaxnmv s0, v1.4s', 0x6e30c820, { q1: 0x4040000040e000007fc000093f800000n }, { q0: 0x40e00000n }, 0x0, 0x0, 0x0], //
  ['fminnmv s0, v1.4s', 0x6eb0c820, { q1: 0x7fc0000340e000007fc000027fc00001n }, { q0: 0x40e00000n }, 0x0, 0x0, 0x0], // reduction order
  ['fminv s0, v1.4s', 0x6eb0f820, { q1: 0x4040000040e000008000000000000000n }, { q0: 0x80000000n }, 0x0, 0x0, 0x0], //
  ['faddp s0, v1.2s', 0x7e30d820, { q1: 0x42c80000400000003f800000n }, { q0: 0x40400000n }, 0x0, 0x0, 0x0], //
  [
    'faddp d0, v1.2d',
    0x7e70d820,
    { q1: 0x3fc999999999999a3fb999999999999an },
    { q0: 0x3fd3333333333334n },
    0x0,
    0x0,
    0x10,
  ], //
  [
    'fmaxnmp d0, v1.2d',
    0x7e70c820,
    { q1: 0xc0080000000000007ff8000000000000n },
    { q0: 0xc008000000000000n },
    0x0,
    0x0,
    0x0,
  ], //
  ['fminp s0, v1.2s', 0x7eb0f820, { q1: 0xc000000040000000n }, { q0: 0xc0000000n }, 0x0, 0x0, 0x0], //
  [
    'fabd d0, d1, d2',
    0x7ee2d420,
    { q1: 0x3ff0000000000000n, q2: 0x4008000000000000n },
    { q0: 0x4000000000000000n },
    0x0,
    0x0,
    0x0,
  ], //
  ['fcmge s0, s1, s2', 0x7e22e420, { q1: 0x3f800000n, q2: 0x3f800000n }, { q0: 0xffffffffn }, 0x0, 0x0, 0x0], //
  [
    'facgt d0, d1, d2',
    0x7ee2ec20,
    { q1: 0xc008000000000000n, q2: 0x4000000000000000n },
    { q0: 0xffffffffffffffffn },
    0x0,
    0x0,
    0x0,
  ], //
  ['fmulx d0, d1, d2', 0x5e62dc20, { q1: 0xfff0000000000000n, q2: 0x0n }, { q0: 0xc000000000000000n }, 0x0, 0x0, 0x0], // -inf*0 = -2
  ['frecps s0, s1, s2', 0x5e22fc20, { q1: 0x40400000n, q2: 0x3ea8f5c3n }, { q0: 0x3f8147aen }, 0x0, 0x0, 0x10], //
  ['fcvtzs d0, d1', 0x5ee1b820, { q1: 0xc6293e5939a08cean }, { q0: 0x8000000000000000n }, 0x0, 0x0, 0x1], //
  ['ucvtf s0, s1', 0x7e21d820, { q1: 0xffffffffn }, { q0: 0x4f800000n }, 0x0, 0x0, 0x10], //
  ['fcvtau s0, s1', 0x7e21c820, { q1: 0x40200000n }, { q0: 0x3n }, 0x0, 0x0, 0x10], //
  ['fmov v0.4s, #31.0', 0x4f01f7e0, {}, { q0: 0x41f8000041f8000041f8000041f80000n }, 0x0, 0x0, 0x0], //
  [
    'fmov v0.2s, #-0.5',
    0x0f07f400,
    { q0: 0xffffffffffffffffffffffffffffffffn },
    { q0: 0xbf000000bf000000n },
    0x0,
    0x0,
    0x0,
  ], //
  ['fmov v0.2d, #1.0', 0x6f03f600, {}, { q0: 0x3ff00000000000003ff0000000000000n }, 0x0, 0x0, 0x0], //
];

describe('AdvSIMD FP instructions', () => {
  for (const [asm, word, inputs, expected, fpcr, nzcv, fpsr] of CASES) {
    it(`${asm} (fpcr ${hex(fpcr)}) ${Object.entries(inputs)
      .map(([k, v]) => `${k}=${hex(v)}`)
      .join(' ')}`, () => {
      for (const jit of [Number.POSITIVE_INFINITY, 0]) {
        const r = runWord(word, inputs, Object.keys(expected), fpcr, nzcv, jit);
        for (const [k, v] of Object.entries(expected)) expect(hex(r.regs[k] as bigint), k).toBe(hex(v));
        expect(hex(r.fpsr), 'fpsr').toBe(hex(fpsr));
      }
    });
  }
});
