/**
 * Scalar floating point: arithmetic, rounding modes, FZ/DN/AHP, NaN propagation, flags, conversions, moves.
 * Expected values were produced by Unicorn 2.0.1 (the semantic oracle) and checked against the
 * Arm ARM pseudocode; each row names what it exercises.
 */
import { describe, expect, it } from 'vitest';
import { type Case, hex, runWord } from './isa-fp-support.ts';

// [asm, word, inputs, expected, FPCR, NZCV, FPSR]
const CASES: Case[] = [
  ['fadd s0, s1, s2', 0x1e222820, { s1: 0x3f800000n, s2: 0x33800000n }, { q0: 0x3f800000n }, 0x0, 0x0, 0x10], // tie to even: 1 + 2^-24 -> 1.0, IXC
  ['fadd s0, s1, s2', 0x1e222820, { s1: 0x3f800000n, s2: 0x33800000n }, { q0: 0x3f800001n }, 0x400000, 0x0, 0x10], // RP: 1 + 2^-24 -> next up
  [
    'fadd d0, d1, d2',
    0x1e622820,
    { d1: 0x3fb999999999999an, d2: 0x3fc999999999999an },
    { q0: 0x3fd3333333333334n },
    0x0,
    0x0,
    0x10,
  ], // 0.1 + 0.2 RN
  [
    'fadd d0, d1, d2',
    0x1e622820,
    { d1: 0x3fb999999999999an, d2: 0x3fc999999999999an },
    { q0: 0x3fd3333333333333n },
    0xc00000,
    0x0,
    0x10,
  ], // 0.1 + 0.2 RZ
  [
    'fadd d0, d1, d2',
    0x1e622820,
    { d1: 0xbfb999999999999an, d2: 0xbfc999999999999an },
    { q0: 0xbfd3333333333334n },
    0x800000,
    0x0,
    0x10,
  ], // -0.1 + -0.2 RM (away)
  [
    'fadd d0, d1, d2',
    0x1e622820,
    { d1: 0xbfb999999999999an, d2: 0xbfc999999999999an },
    { q0: 0xbfd3333333333333n },
    0x400000,
    0x0,
    0x10,
  ], // -0.1 + -0.2 RP (toward zero)
  ['fadd s0, s1, s2', 0x1e222820, { s1: 0x0n, s2: 0x80000000n }, { q0: 0x0n }, 0x0, 0x0, 0x0], // +0 + -0 = +0
  ['fadd s0, s1, s2', 0x1e222820, { s1: 0x80000000n, s2: 0x80000000n }, { q0: 0x80000000n }, 0x0, 0x0, 0x0], // -0 + -0 = -0
  ['fsub d0, d1, d2', 0x1e623820, { d1: 0x3ff8000000000000n, d2: 0x3ff8000000000000n }, { q0: 0x0n }, 0x0, 0x0, 0x0], // x - x = +0
  [
    'fsub d0, d1, d2',
    0x1e623820,
    { d1: 0x3ff8000000000000n, d2: 0x3ff8000000000000n },
    { q0: 0x8000000000000000n },
    0x800000,
    0x0,
    0x0,
  ], // x - x = -0 in RM
  ['fadd s0, s1, s2', 0x1e222820, { s1: 0x7fc00123n, s2: 0x7f800456n }, { q0: 0x7fc00456n }, 0x0, 0x0, 0x1], // SNaN in op2 beats QNaN in op1, quieted, IOC
  ['fadd s0, s1, s2', 0x1e222820, { s1: 0x7fc00123n, s2: 0xffc00456n }, { q0: 0x7fc00123n }, 0x0, 0x0, 0x0], // two QNaNs: first operand
  ['fadd s0, s1, s2', 0x1e222820, { s1: 0x3f800000n, s2: 0xffc00456n }, { q0: 0xffc00456n }, 0x0, 0x0, 0x0], // QNaN operand propagates with payload and sign
  [
    'fadd d0, d1, d2',
    0x1e622820,
    { d1: 0x7ff0000000000001n, d2: 0x4000000000000000n },
    { q0: 0x7ff8000000000001n },
    0x0,
    0x0,
    0x1,
  ], // double SNaN quieted
  [
    'fadd d0, d1, d2',
    0x1e622820,
    { d1: 0x7ff0000000000001n, d2: 0x4000000000000000n },
    { q0: 0x7ff8000000000000n },
    0x2000000,
    0x0,
    0x1,
  ], // DN: default NaN, IOC
  ['fadd s0, s1, s2', 0x1e222820, { s1: 0x7f800000n, s2: 0xff800000n }, { q0: 0x7fc00000n }, 0x0, 0x0, 0x1], // inf - inf: default NaN, IOC
  ['fmul s0, s1, s2', 0x1e220820, { s1: 0x7f800000n, s2: 0x80000000n }, { q0: 0x7fc00000n }, 0x0, 0x0, 0x1], // inf * -0: default NaN, IOC
  ['fdiv d0, d1, d2', 0x1e621820, { d1: 0xbff0000000000000n, d2: 0x0n }, { q0: 0xfff0000000000000n }, 0x0, 0x0, 0x2], // -1/0 = -inf, DZC
  ['fdiv d0, d1, d2', 0x1e621820, { d1: 0x0n, d2: 0x0n }, { q0: 0x7ff8000000000000n }, 0x0, 0x0, 0x1], // 0/0 = default NaN, IOC
  ['fdiv d0, d1, d2', 0x1e621820, { d1: 0x7ff0000000000000n, d2: 0x0n }, { q0: 0x7ff0000000000000n }, 0x0, 0x0, 0x0], // inf/0 = inf, no DZC
  ['fdiv s0, s1, s2', 0x1e221820, { s1: 0x3f800000n, s2: 0x40400000n }, { q0: 0x3eaaaaabn }, 0x0, 0x0, 0x10], // 1/3 single RN
  ['fdiv s0, s1, s2', 0x1e221820, { s1: 0x3f800000n, s2: 0x40400000n }, { q0: 0x3eaaaaaan }, 0xc00000, 0x0, 0x10], // 1/3 single RZ: one below RN
  [
    'fdiv d0, d1, d2',
    0x1e621820,
    { d1: 0xc000000000000000n, d2: 0x4008000000000000n },
    { q0: 0xbfe5555555555555n },
    0xc00000,
    0x0,
    0x10,
  ], // -2/3 double RZ
  ['fmul s0, s1, s2', 0x1e220820, { s1: 0x800000n, s2: 0x3f000000n }, { q0: 0x400000n }, 0x0, 0x0, 0x0], // exact subnormal result: no UFC
  ['fmul s0, s1, s2', 0x1e220820, { s1: 0x800001n, s2: 0x3f000000n }, { q0: 0x400000n }, 0x0, 0x0, 0x18], // inexact subnormal result: UFC+IXC
  ['fmul s0, s1, s2', 0x1e220820, { s1: 0x800001n, s2: 0x3f000000n }, { q0: 0x0n }, 0x1000000, 0x0, 0x8], // FZ: tiny result flushed, UFC only
  [
    'fmul d0, d1, d2',
    0x1e620820,
    { d1: 0x10000000000000n, d2: 0x3fefffffffffffffn },
    { q0: 0x0n },
    0x1000000,
    0x0,
    0x8,
  ], // FZ: tiny before rounding flushes although it rounds to min normal
  [
    'fmul d0, d1, d2',
    0x1e620820,
    { d1: 0x10000000000000n, d2: 0x3fefffffffffffffn },
    { q0: 0x10000000000000n },
    0x0,
    0x0,
    0x18,
  ], // no FZ: tiny before rounding -> UFC, rounds to min normal
  [
    'fmul d0, d1, d2',
    0x1e620820,
    { d1: 0x10000000000001n, d2: 0x3fefffffffffffffn },
    { q0: 0x10000000000000n },
    0x1000000,
    0x0,
    0x10,
  ], // exact product just above min normal: not tiny, no flush
  ['fadd s0, s1, s2', 0x1e222820, { s1: 0x1n, s2: 0x3f800000n }, { q0: 0x3f800000n }, 0x1000000, 0x0, 0x80], // FZ: denormal input flushed, IDC
  ['fadd s0, s1, s2', 0x1e222820, { s1: 0x1n, s2: 0x2n }, { q0: 0x3n }, 0x0, 0x0, 0x0], // denormal + denormal exact
  ['fmul s0, s1, s2', 0x1e220820, { s1: 0x7f7fffffn, s2: 0x40000000n }, { q0: 0x7f800000n }, 0x0, 0x0, 0x14], // overflow -> inf, OFC+IXC
  ['fmul s0, s1, s2', 0x1e220820, { s1: 0x7f7fffffn, s2: 0x40000000n }, { q0: 0x7f7fffffn }, 0xc00000, 0x0, 0x14], // overflow in RZ -> max normal
  [
    'fmul d0, d1, d2',
    0x1e620820,
    { d1: 0xffefffffffffffffn, d2: 0x4000000000000000n },
    { q0: 0xffefffffffffffffn },
    0x400000,
    0x0,
    0x14,
  ], // negative overflow in RP -> -max
  [
    'fnmul d0, d1, d2',
    0x1e628820,
    { d1: 0x4008000000000000n, d2: 0x3fe0000000000000n },
    { q0: 0xbff8000000000000n },
    0x0,
    0x0,
    0x0,
  ], // fnmul
  ['fnmul s0, s1, s2', 0x1e228820, { s1: 0x7fc00001n, s2: 0x3f000000n }, { q0: 0xffc00001n }, 0x0, 0x0, 0x0], // fnmul negates a NaN result
  ['fsqrt d0, d1', 0x1e61c020, { d1: 0x4000000000000000n }, { q0: 0x3ff6a09e667f3bcdn }, 0x0, 0x0, 0x10], // sqrt 2
  ['fsqrt d0, d1', 0x1e61c020, { d1: 0x4000000000000000n }, { q0: 0x3ff6a09e667f3bccn }, 0x800000, 0x0, 0x10], // sqrt 2 RM: one below RN
  ['fsqrt s0, s1', 0x1e21c020, { s1: 0xbf800000n }, { q0: 0x7fc00000n }, 0x0, 0x0, 0x1], // sqrt -1: default NaN, IOC
  ['fsqrt s0, s1', 0x1e21c020, { s1: 0x80000000n }, { q0: 0x80000000n }, 0x0, 0x0, 0x0], // sqrt -0 = -0
  ['fsqrt s0, s1', 0x1e21c020, { s1: 0x1n }, { q0: 0x1a3504f3n }, 0x0, 0x0, 0x10], // sqrt of smallest subnormal
  [
    'fmadd d0, d1, d2, d3',
    0x1f420c20,
    { d1: 0x3ff0000000400000n, d2: 0x3fefffffff800000n, d3: 0xbff0000000000000n },
    { q0: 0xbc30000000000000n },
    0x0,
    0x0,
    0x0,
  ], // fused: -2^-60, not 0
  [
    'fmsub d0, d1, d2, d3',
    0x1f428c20,
    { d1: 0x3ff0000000400000n, d2: 0x3fefffffff800000n, d3: 0x3ff0000000000000n },
    { q0: 0x3c30000000000000n },
    0x0,
    0x0,
    0x0,
  ], // fmsub: a - n*m = 2^-60
  [
    'fnmadd s0, s1, s2, s3',
    0x1f220c20,
    { s1: 0x40000000n, s2: 0x40400000n, s3: 0x3f800000n },
    { q0: 0xc0e00000n },
    0x0,
    0x0,
    0x0,
  ], // fnmadd: -a - n*m
  [
    'fnmsub s0, s1, s2, s3',
    0x1f228c20,
    { s1: 0x40000000n, s2: 0x40400000n, s3: 0x3f800000n },
    { q0: 0x40a00000n },
    0x0,
    0x0,
    0x0,
  ], // fnmsub: -a + n*m
  [
    'fmadd s0, s1, s2, s3',
    0x1f020c20,
    { s1: 0x7f800000n, s2: 0x0n, s3: 0x7fc00001n },
    { q0: 0x7fc00000n },
    0x0,
    0x0,
    0x1,
  ], // inf*0 + QNaN: default NaN, IOC
  [
    'fmadd s0, s1, s2, s3',
    0x1f020c20,
    { s1: 0x7fc00002n, s2: 0x3f800000n, s3: 0x7fc00003n },
    { q0: 0x7fc00003n },
    0x0,
    0x0,
    0x0,
  ], // addend QNaN has priority
  [
    'fmsub s0, s1, s2, s3',
    0x1f028c20,
    { s1: 0x7fc00002n, s2: 0x3f800000n, s3: 0x3f800000n },
    { q0: 0xffc00002n },
    0x0,
    0x0,
    0x0,
  ], // fmsub negates a NaN in n
  [
    'fmadd s0, s1, s2, s3',
    0x1f020c20,
    { s1: 0x3f800000n, s2: 0xbf800000n, s3: 0x3f800000n },
    { q0: 0x80000000n },
    0x800000,
    0x0,
    0x0,
  ], // exact zero sum in RM is -0
  [
    'fmadd s0, s1, s2, s3',
    0x1f020c20,
    { s1: 0x3f800001n, s2: 0x3f800001n, s3: 0xbf800002n },
    { q0: 0x28800000n },
    0x0,
    0x0,
    0x0,
  ], // single fused 2^-46
  ['fmax s0, s1, s2', 0x1e224820, { s1: 0x80000000n, s2: 0x0n }, { q0: 0x0n }, 0x0, 0x0, 0x0], // fmax(-0,+0) = +0
  ['fmin s0, s1, s2', 0x1e225820, { s1: 0x0n, s2: 0x80000000n }, { q0: 0x80000000n }, 0x0, 0x0, 0x0], // fmin(+0,-0) = -0
  [
    'fmax d0, d1, d2',
    0x1e624820,
    { d1: 0x7ff8000000000005n, d2: 0x3ff0000000000000n },
    { q0: 0x7ff8000000000005n },
    0x0,
    0x0,
    0x0,
  ], // fmax propagates QNaN
  [
    'fmaxnm d0, d1, d2',
    0x1e626820,
    { d1: 0x7ff8000000000005n, d2: 0x3ff0000000000000n },
    { q0: 0x3ff0000000000000n },
    0x0,
    0x0,
    0x0,
  ], // fmaxnm ignores one QNaN
  ['fminnm s0, s1, s2', 0x1e227820, { s1: 0xc0400000n, s2: 0xffc00000n }, { q0: 0xc0400000n }, 0x0, 0x0, 0x0], // fminnm ignores one QNaN
  ['fmaxnm s0, s1, s2', 0x1e226820, { s1: 0x7f800001n, s2: 0x3f800000n }, { q0: 0x7fc00001n }, 0x0, 0x0, 0x1], // fmaxnm: SNaN still propagates quieted, IOC
  ['fmin s0, s1, s2', 0x1e225820, { s1: 0x3n, s2: 0x80000000n }, { q0: 0x80000000n }, 0x1000000, 0x0, 0x80], // FZ: min(denormal,-0) = -0, IDC
  ['fcmp s1, s2', 0x1e222020, { s1: 0x3f800000n, s2: 0x40000000n }, { nzcv: 0x80000000n }, 0x0, 0x0, 0x0], // less: N
  ['fcmp s1, s2', 0x1e222020, { s1: 0x40000000n, s2: 0x40000000n }, { nzcv: 0x60000000n }, 0x0, 0x0, 0x0], // equal: ZC
  [
    'fcmp d1, d2',
    0x1e622020,
    { d1: 0x4008000000000000n, d2: 0x4000000000000000n },
    { nzcv: 0x20000000n },
    0x0,
    0x0,
    0x0,
  ], // greater: C
  [
    'fcmp d1, d2',
    0x1e622020,
    { d1: 0x7ff8000000000000n, d2: 0x4000000000000000n },
    { nzcv: 0x30000000n },
    0x0,
    0x0,
    0x0,
  ], // unordered QNaN: CV, no IOC
  [
    'fcmp d1, d2',
    0x1e622020,
    { d1: 0x7ff0000000000001n, d2: 0x4000000000000000n },
    { nzcv: 0x30000000n },
    0x0,
    0x0,
    0x1,
  ], // unordered SNaN: IOC
  ['fcmpe s1, s2', 0x1e222030, { s1: 0x7fc00000n, s2: 0x40000000n }, { nzcv: 0x30000000n }, 0x0, 0x0, 0x1], // fcmpe QNaN: IOC
  ['fcmp s1, #0.0', 0x1e202028, { s1: 0x80000000n }, { nzcv: 0x60000000n }, 0x0, 0x0, 0x0], // -0 == 0
  ['fcmpe d1, #0.0', 0x1e602038, { d1: 0x8000000000000001n }, { nzcv: 0x60000000n }, 0x1000000, 0x0, 0x80], // FZ: -denormal == 0, IDC
  [
    'fccmp s1, s2, #0x5, eq',
    0x1e220425,
    { s1: 0x3f800000n, s2: 0x40000000n },
    { nzcv: 0x80000000n },
    0x0,
    0x40000000,
    0x0,
  ], // condition holds: compare
  ['fccmp s1, s2, #0x5, eq', 0x1e220425, { s1: 0x3f800000n, s2: 0x40000000n }, { nzcv: 0x50000000n }, 0x0, 0x0, 0x0], // condition fails: nzcv immediate
  [
    'fccmpe d1, d2, #0x0, al',
    0x1e62e430,
    { d1: 0x7ff8000000000000n, d2: 0x4000000000000000n },
    { nzcv: 0x30000000n },
    0x0,
    0x0,
    0x1,
  ], // fccmpe NaN: IOC
  [
    'fcsel d0, d1, d2, gt',
    0x1e62cc20,
    { d1: 0x3ff0000000000000n, d2: 0x4000000000000000n },
    { q0: 0x3ff0000000000000n },
    0x0,
    0x0,
    0x0,
  ], // gt holds (Z=0,N=V)
  ['fcsel s0, s1, s2, gt', 0x1e22cc20, { s1: 0x3f800000n, s2: 0x40000000n }, { q0: 0x40000000n }, 0x0, 0x40000000, 0x0], // gt fails
  ['fcvtzs w0, d1', 0x1e780020, { d1: 0x4202a05f20000000n }, { x0: 0x7fffffffn }, 0x0, 0x0, 0x1], // saturate, IOC
  ['fcvtzs w0, d1', 0x1e780020, { d1: 0xbff8000000000000n }, { x0: 0xffffffffn }, 0x0, 0x0, 0x10], // -1.5 -> -1, IXC
  ['fcvtzs x0, s1', 0x9e380020, { s1: 0x7fc00000n }, { x0: 0x0n }, 0x0, 0x0, 0x1], // NaN -> 0, IOC
  ['fcvtzu w0, d1', 0x1e790020, { d1: 0xbff8000000000000n }, { x0: 0x0n }, 0x0, 0x0, 0x1], // unsigned of -1.5 saturates to 0, IOC
  ['fcvtzu w0, d1', 0x1e790020, { d1: 0xbfe0000000000000n }, { x0: 0x0n }, 0x0, 0x0, 0x10], // unsigned of -0.5 -> 0, IXC only
  ['fcvtzu x0, d1', 0x9e790020, { d1: 0x7ff0000000000000n }, { x0: 0xffffffffffffffffn }, 0x0, 0x0, 0x1], // +inf -> UINT64_MAX, IOC
  ['fcvtzs x0, d1', 0x9e780020, { d1: 0xc3e0000000000000n }, { x0: 0x8000000000000000n }, 0x0, 0x0, 0x0], // -2^63 exact, no flags
  ['fcvtns w0, s1', 0x1e200020, { s1: 0x40200000n }, { x0: 0x2n }, 0x0, 0x0, 0x10], // ties to even: 2
  ['fcvtns w0, s1', 0x1e200020, { s1: 0x40600000n }, { x0: 0x4n }, 0x0, 0x0, 0x10], // ties to even: 4
  ['fcvtas w0, d1', 0x1e640020, { d1: 0xc004000000000000n }, { x0: 0xfffffffdn }, 0x0, 0x0, 0x10], // ties away: -3
  ['fcvtau x0, d1', 0x9e650020, { d1: 0x4004000000000000n }, { x0: 0x3n }, 0x0, 0x0, 0x10], // ties away: 3
  ['fcvtms x0, d1', 0x9e700020, { d1: 0xc004000000000000n }, { x0: 0xfffffffffffffffdn }, 0x0, 0x0, 0x10], // floor: -3
  ['fcvtps w0, s1', 0x1e280020, { s1: 0x40066666n }, { x0: 0x3n }, 0x0, 0x0, 0x10], // ceil: 3
  ['fcvtzs w0, d1, #4', 0x1e58f020, { d1: 0x3ff8800000000000n }, { x0: 0x18n }, 0x0, 0x0, 0x10], // fixed point: 1.53125*16 = 24.5 -> 24
  ['fcvtzu x0, s1, #64', 0x9e190020, { s1: 0x3f000000n }, { x0: 0x8000000000000000n }, 0x0, 0x0, 0x0], // fixed point 64 fraction bits
  ['scvtf d0, x1', 0x9e620020, { x1: 0x20000000000001n }, { q0: 0x4340000000000000n }, 0x0, 0x0, 0x10], // 2^53+1 -> 2^53, IXC
  ['scvtf d0, x1', 0x9e620020, { x1: 0x20000000000001n }, { q0: 0x4340000000000001n }, 0x400000, 0x0, 0x10], // 2^53+1 RP -> 2^53+2
  ['ucvtf d0, x1', 0x9e630020, { x1: 0xffffffffffffffffn }, { q0: 0x43f0000000000000n }, 0x0, 0x0, 0x10], // UINT64_MAX -> 2^64
  ['scvtf s0, x1', 0x9e220020, { x1: 0xffffffffffffffffn }, { q0: 0xbf800000n }, 0x0, 0x0, 0x0], // -1 -> -1.0
  ['scvtf s0, w1', 0x1e220020, { x1: 0x1000001n }, { q0: 0x4b800000n }, 0x0, 0x0, 0x10], // 2^24+1 -> 2^24, IXC
  ['ucvtf s0, w1', 0x1e230020, { x1: 0xffffffffn }, { q0: 0x4f7fffffn }, 0xc00000, 0x0, 0x10], // RZ: 0xffffffff -> 0x4f7fffff
  ['scvtf d0, w1, #4', 0x1e42f020, { x1: 0x18n }, { q0: 0x3ff8000000000000n }, 0x0, 0x0, 0x0], // fixed point 24/16 = 1.5
  ['ucvtf s0, x1, #64', 0x9e030020, { x1: 0x1n }, { q0: 0x1f800000n }, 0x0, 0x0, 0x0], // 1/2^64
  ['frintn d0, d1', 0x1e644020, { d1: 0x4004000000000000n }, { q0: 0x4000000000000000n }, 0x0, 0x0, 0x0], // frintn 2.5 -> 2
  ['frinta d0, d1', 0x1e664020, { d1: 0x4004000000000000n }, { q0: 0x4008000000000000n }, 0x0, 0x0, 0x0], // frinta 2.5 -> 3
  ['frinta s0, s1', 0x1e264020, { s1: 0xc0200000n }, { q0: 0xc0400000n }, 0x0, 0x0, 0x0], // frinta -2.5 -> -3
  ['frintx s0, s1', 0x1e274020, { s1: 0x40200000n }, { q0: 0x40000000n }, 0x0, 0x0, 0x10], // frintx: IXC
  ['frinti s0, s1', 0x1e27c020, { s1: 0x40200000n }, { q0: 0x40400000n }, 0x400000, 0x0, 0x0], // frinti RP: 3, no IXC
  ['frintm d0, d1', 0x1e654020, { d1: 0xbfe0000000000000n }, { q0: 0xbff0000000000000n }, 0x0, 0x0, 0x0], // frintm -0.5 -> -1
  ['frintz d0, d1', 0x1e65c020, { d1: 0xbfe0000000000000n }, { q0: 0x8000000000000000n }, 0x0, 0x0, 0x0], // frintz -0.5 -> -0
  ['frintp s0, s1', 0x1e24c020, { s1: 0x1n }, { q0: 0x3f800000n }, 0x0, 0x0, 0x0], // frintp of smallest denormal -> 1
  ['frintp s0, s1', 0x1e24c020, { s1: 0x1n }, { q0: 0x0n }, 0x1000000, 0x0, 0x80], // FZ: frintp of denormal -> +0, IDC
  ['frintn s0, s1', 0x1e244020, { s1: 0x7f800001n }, { q0: 0x7fc00001n }, 0x0, 0x0, 0x1], // frint SNaN quieted, IOC
  ['fcvt d0, s1', 0x1e22c020, { s1: 0x7f800001n }, { q0: 0x7ff8000020000000n }, 0x0, 0x0, 0x1], // S->D SNaN: quieted, payload moved, IOC
  ['fcvt s0, d1', 0x1e624020, { d1: 0x7e37e43c8800759cn }, { q0: 0x7f800000n }, 0x0, 0x0, 0x14], // D->S overflow
  ['fcvt s0, d1', 0x1e624020, { d1: 0x3fb999999999999an }, { q0: 0x3dccccccn }, 0xc00000, 0x0, 0x10], // D->S RZ
  ['fcvt s0, d1', 0x1e624020, { d1: 0x3690000000000000n }, { q0: 0x0n }, 0x0, 0x0, 0x18], // D->S tiny: subnormal, UFC+IXC
  ['fcvt s0, d1', 0x1e624020, { d1: 0x3690000000000000n }, { q0: 0x0n }, 0x1000000, 0x0, 0x8], // D->S tiny with FZ: 0, UFC
  ['fcvt h0, s1', 0x1e23c020, { s1: 0x477ff000n }, { q0: 0x7c00n }, 0x0, 0x0, 0x14], // S->H 65520 rounds to inf: OFC+IXC
  ['fcvt h0, s1', 0x1e23c020, { s1: 0x477ff000n }, { q0: 0x7c00n }, 0x4000000, 0x0, 0x10], // S->H AHP: 65520 ties to 0x7c00 = 65536, no overflow
  ['fcvt h0, s1', 0x1e23c020, { s1: 0x7fc12345n }, { q0: 0x0n }, 0x4000000, 0x0, 0x1], // S->H AHP NaN -> 0, IOC
  ['fcvt h0, d1', 0x1e63c020, { d1: 0x3fd5555555555555n }, { q0: 0x3555n }, 0x0, 0x0, 0x10], // D->H 1/3
  ['fcvt h0, s1', 0x1e23c020, { s1: 0x33d6bf95n }, { q0: 0x2n }, 0x1000000, 0x0, 0x18], // S->H tiny with FZ: halves do not flush
  ['fcvt s0, h1', 0x1ee24020, { h1: 0x7c00n }, { q0: 0x7f800000n }, 0x0, 0x0, 0x0], // H->S inf
  ['fcvt s0, h1', 0x1ee24020, { h1: 0x7c00n }, { q0: 0x47800000n }, 0x4000000, 0x0, 0x0], // H->S AHP: 0x7c00 = 65536
  ['fcvt d0, h1', 0x1ee2c020, { h1: 0x7d01n }, { q0: 0x7ffc040000000000n }, 0x0, 0x0, 0x1], // H->D SNaN
  ['fcvt d0, h1', 0x1ee2c020, { h1: 0x1n }, { q0: 0x3e70000000000000n }, 0x1000000, 0x0, 0x0], // H->D denormal not flushed
  ['fmov s0, #-1.25', 0x1e3e9000, {}, { q0: 0xbfa00000n }, 0x0, 0x0, 0x0], //
  ['fmov d0, #31.0', 0x1e67f000, {}, { q0: 0x403f000000000000n }, 0x0, 0x0, 0x0], //
  ['fmov d0, #0.125', 0x1e681000, {}, { q0: 0x3fc0000000000000n }, 0x0, 0x0, 0x0], //
  ['fmov w0, s1', 0x1e260020, { q1: 0x11112222333344445555666677778888n }, { x0: 0x77778888n }, 0x0, 0x0, 0x0], //
  [
    'fmov s0, w1',
    0x1e270020,
    { x1: 0x1234567887654321n, q0: 0xffffffffffffffffffffffffffffffffn },
    { q0: 0x87654321n },
    0x0,
    0x0,
    0x0,
  ], // upper bits zeroed
  ['fmov x0, d1', 0x9e660020, { q1: 0x11112222333344445555666677778888n }, { x0: 0x5555666677778888n }, 0x0, 0x0, 0x0], //
  [
    'fmov d0, x1',
    0x9e670020,
    { x1: 0x1234567887654321n, q0: 0xffffffffffffffffffffffffffffffffn },
    { q0: 0x1234567887654321n },
    0x0,
    0x0,
    0x0,
  ], //
  [
    'fmov x0, v1.d[1]',
    0x9eae0020,
    { q1: 0x11112222333344445555666677778888n },
    { x0: 0x1111222233334444n },
    0x0,
    0x0,
    0x0,
  ], //
  [
    'fmov v0.d[1], x1',
    0x9eaf0020,
    { x1: 0x1234567887654321n, q0: 0xaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbn },
    { q0: 0x1234567887654321bbbbbbbbbbbbbbbbn },
    0x0,
    0x0,
    0x0,
  ], // top half only
  ['fabs d0, d1', 0x1e60c020, { q1: 0xfff8000000000001n }, { q0: 0x7ff8000000000001n }, 0x0, 0x0, 0x0], // fabs on NaN: bit op, no flags
  ['fneg s0, s1', 0x1e214020, { s1: 0x7f800001n }, { q0: 0xff800001n }, 0x0, 0x0, 0x0], // fneg on SNaN: no IOC
  ['fmov d0, d1', 0x1e604020, { q1: 0xffffffffffffffff7ff0000000000001n }, { q0: 0x7ff0000000000001n }, 0x0, 0x0, 0x0], // fmov keeps SNaN bits
];

describe('scalar FP instructions', () => {
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
