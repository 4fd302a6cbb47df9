/**
 * 64-bit integer arithmetic on int32 halves, shared by the integer instructions. Nothing here
 * allocates or uses BigInt: helpers that produce a 64-bit value return its low half and leave the
 * high half in `R.hi` (see util.ts). Decode-time helpers (bitmask immediates) may allocate.
 */
import { type CpuState, ZR, ZR_W } from '../state.ts';
import { R, TWO32 } from './util.ts';

export { R, TWO32 };

// ---- multiplication -------------------------------------------------------------------------

/**
 * High 32 bits of the unsigned product of two 32-bit values (as int32). The double product is
 * within 2^12 of the exact one, and subtracting the exact low half leaves a multiple of 2^32
 * within that error, so rounding recovers the high half exactly.
 */
export function umulhi32(a: number, b: number): number {
  const lo = Math.imul(a, b) >>> 0;
  return Math.round(((a >>> 0) * (b >>> 0) - lo) / TWO32) | 0;
}

/** High 32 bits of the signed product of two 32-bit values (as int32). */
export function smulhi32(a: number, b: number): number {
  const lo = Math.imul(a, b) >>> 0;
  return Math.round(((a | 0) * (b | 0) - lo) / TWO32) | 0;
}

/** Low 64 bits of a 64x64 product: returns the low half, high half in R.hi. */
export function mul64(alo: number, ahi: number, blo: number, bhi: number): number {
  R.hi = (umulhi32(alo, blo) + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
  return Math.imul(alo, blo);
}

/** Bits 127..64 of the unsigned 128-bit product: returns bits 95..64, bits 127..96 in R.hi. */
export function umulh64(alo: number, ahi: number, blo: number, bhi: number): number {
  const a0 = alo >>> 0;
  const a1 = ahi >>> 0;
  const b0 = blo >>> 0;
  const b1 = bhi >>> 0;
  const hi00 = umulhi32(a0, b0) >>> 0;
  const lo01 = Math.imul(a0, b1) >>> 0;
  const hi01 = umulhi32(a0, b1) >>> 0;
  const lo10 = Math.imul(a1, b0) >>> 0;
  const hi10 = umulhi32(a1, b0) >>> 0;
  const lo11 = Math.imul(a1, b1) >>> 0;
  const hi11 = umulhi32(a1, b1) >>> 0;
  const t1 = hi00 + lo01 + lo10;
  const c1 = Math.floor(t1 / TWO32);
  const t2 = hi01 + hi10 + lo11 + c1;
  const c2 = Math.floor(t2 / TWO32);
  R.hi = (hi11 + c2) | 0;
  return t2 | 0;
}

/** Bits 127..64 of the signed 128-bit product (same convention as umulh64). */
export function smulh64(alo: number, ahi: number, blo: number, bhi: number): number {
  let lo = umulh64(alo, ahi, blo, bhi);
  let hi = R.hi;
  // signed = unsigned - (a < 0 ? b << 64 : 0) - (b < 0 ? a << 64 : 0)
  if (ahi < 0) {
    const l = (lo >>> 0) - (blo >>> 0);
    hi = (hi - bhi - (l < 0 ? 1 : 0)) | 0;
    lo = l | 0;
  }
  if (bhi < 0) {
    const l = (lo >>> 0) - (alo >>> 0);
    hi = (hi - ahi - (l < 0 ? 1 : 0)) | 0;
    lo = l | 0;
  }
  R.hi = hi;
  return lo;
}

// ---- division -------------------------------------------------------------------------------

/** Unsigned 64-bit division (divisor 0 gives 0, as AArch64 does): low half, high in R.hi. */
export function udiv64(nlo: number, nhi: number, dlo: number, dhi: number): number {
  const n0 = nlo >>> 0;
  const n1 = nhi >>> 0;
  const d0 = dlo >>> 0;
  const d1 = dhi >>> 0;
  if (d1 === 0) {
    if (d0 === 0) {
      R.hi = 0;
      return 0;
    }
    if (n1 === 0) {
      R.hi = 0;
      return Math.floor(n0 / d0) | 0;
    }
    // Schoolbook division by a 32-bit divisor in 16-bit digits: every partial dividend < 2^48.
    let r = n1 % d0;
    const qh = (n1 - r) / d0;
    let t = r * 65536 + (n0 >>> 16);
    r = t % d0;
    const q1 = (t - r) / d0;
    t = r * 65536 + (n0 & 0xffff);
    r = t % d0;
    const q0 = (t - r) / d0;
    R.hi = qh | 0;
    return (q1 * 65536 + q0) | 0;
  }
  // Divisor >= 2^32: the quotient fits in 32 bits. Estimate it in doubles, then correct exactly.
  if (n1 < d1) {
    R.hi = 0;
    return 0;
  }
  let q = Math.floor((n1 * TWO32 + n0) / (d1 * TWO32 + d0));
  if (q > 0xffffffff) q = 0xffffffff;
  for (;;) {
    // remainder = n - q*d (128-bit safe: q*d < 2^96); compare via 32-bit limbs.
    const p0 = Math.imul(q, d0) >>> 0;
    const c0 = umulhi32(q, d0) >>> 0;
    const m1 = (Math.imul(q, d1) >>> 0) + c0;
    const p1 = m1 % TWO32;
    const p2 = (umulhi32(q, d1) >>> 0) + Math.floor(m1 / TWO32);
    // product > n ?
    if (p2 > 0 || p1 > n1 || (p1 === n1 && p0 > n0)) {
      q -= 1;
      continue;
    }
    // remainder
    let r0 = n0 - p0;
    let r1 = n1 - p1;
    if (r0 < 0) {
      r0 += TWO32;
      r1 -= 1;
    }
    if (r1 > d1 || (r1 === d1 && r0 >= d0)) {
      q += 1;
      continue;
    }
    break;
  }
  R.hi = 0;
  return q | 0;
}

/** Signed 64-bit division truncating toward zero; x/0 = 0 and INT64_MIN/-1 = INT64_MIN. */
export function sdiv64(nlo: number, nhi: number, dlo: number, dhi: number): number {
  const nneg = nhi < 0;
  const dneg = dhi < 0;
  let alo = nlo;
  let ahi = nhi;
  if (nneg) {
    alo = -nlo | 0;
    ahi = (~nhi + (alo === 0 ? 1 : 0)) | 0;
  }
  let blo = dlo;
  let bhi = dhi;
  if (dneg) {
    blo = -dlo | 0;
    bhi = (~dhi + (blo === 0 ? 1 : 0)) | 0;
  }
  let qlo = udiv64(alo, ahi, blo, bhi);
  let qhi = R.hi;
  if (nneg !== dneg) {
    qlo = -qlo | 0;
    qhi = (~qhi + (qlo === 0 ? 1 : 0)) | 0;
  }
  R.hi = qhi;
  return qlo;
}

/** Unsigned 32-bit division, x/0 = 0. */
export function udiv32(n: number, d: number): number {
  const dd = d >>> 0;
  return dd === 0 ? 0 : Math.floor((n >>> 0) / dd) | 0;
}

/** Signed 32-bit division truncating toward zero, x/0 = 0, INT32_MIN/-1 = INT32_MIN. */
export function sdiv32(n: number, d: number): number {
  if (d === 0) return 0;
  return Math.trunc((n | 0) / (d | 0)) | 0;
}

// ---- shifts (amount 0..63) -----------------------------------------------------------------

export function lsl64(lo: number, hi: number, n: number): number {
  if (n === 0) {
    R.hi = hi;
    return lo;
  }
  if (n < 32) {
    R.hi = (hi << n) | (lo >>> (32 - n));
    return lo << n;
  }
  R.hi = lo << (n - 32);
  return 0;
}

export function lsr64(lo: number, hi: number, n: number): number {
  if (n === 0) {
    R.hi = hi;
    return lo;
  }
  if (n < 32) {
    R.hi = hi >>> n;
    return (lo >>> n) | (hi << (32 - n));
  }
  R.hi = 0;
  return hi >>> (n - 32);
}

export function asr64(lo: number, hi: number, n: number): number {
  if (n === 0) {
    R.hi = hi;
    return lo;
  }
  if (n < 32) {
    R.hi = hi >> n;
    return (lo >>> n) | (hi << (32 - n));
  }
  R.hi = hi >> 31;
  return hi >> (n - 32);
}

export function ror64(lo: number, hi: number, n: number): number {
  if (n === 0) {
    R.hi = hi;
    return lo;
  }
  if (n === 32) {
    R.hi = lo;
    return hi;
  }
  if (n < 32) {
    R.hi = (hi >>> n) | (lo << (32 - n));
    return (lo >>> n) | (hi << (32 - n));
  }
  const k = n - 32;
  R.hi = (lo >>> k) | (hi << (32 - k));
  return (hi >>> k) | (lo << (32 - k));
}

export function ror32(x: number, n: number): number {
  return n === 0 ? x | 0 : (x >>> n) | (x << (32 - n));
}

/** Shift of a 64-bit value by type (0 LSL, 1 LSR, 2 ASR, 3 ROR). */
export function shift64(type: number, lo: number, hi: number, n: number): number {
  switch (type) {
    case 0:
      return lsl64(lo, hi, n);
    case 1:
      return lsr64(lo, hi, n);
    case 2:
      return asr64(lo, hi, n);
    default:
      return ror64(lo, hi, n);
  }
}

/** Shift of a 32-bit value by type (amount 0..31). */
export function shift32(type: number, x: number, n: number): number {
  switch (type) {
    case 0:
      return x << n;
    case 1:
      return x >>> n;
    case 2:
      return x >> n;
    default:
      return ror32(x, n);
  }
}

// ---- bit operations ------------------------------------------------------------------------

export function rbit32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return (x >>> 16) | (x << 16);
}

export function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

/** Byte swap inside each 16-bit half. */
export function rev16w(x: number): number {
  return ((x & 0x00ff00ff) << 8) | ((x >>> 8) & 0x00ff00ff);
}

export function clz64(lo: number, hi: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

/** Count of leading bits equal to the sign bit, not counting the sign bit itself. */
export function cls32(x: number): number {
  return Math.clz32(x ^ (x >> 31)) - 1;
}

export function cls64(lo: number, hi: number): number {
  const m = hi >> 31;
  return clz64(lo ^ m, hi ^ m) - 1;
}

// ---- flags ---------------------------------------------------------------------------------

/** 64-bit add with carry in, setting NZCV: returns the low half, high in R.hi. */
export function adds64(s: CpuState, alo: number, ahi: number, blo: number, bhi: number, cin: number): number {
  const l = (alo >>> 0) + (blo >>> 0) + cin;
  const h = (ahi >>> 0) + (bhi >>> 0) + (l > 0xffffffff ? 1 : 0);
  const rlo = l | 0;
  const rhi = h | 0;
  s.n = rhi >>> 31;
  s.z = (rlo | rhi) === 0 ? 1 : 0;
  s.c = h > 0xffffffff ? 1 : 0;
  s.v = ((ahi ^ rhi) & (bhi ^ rhi)) >>> 31;
  R.hi = rhi;
  return rlo;
}

/** 32-bit add with carry in, setting NZCV. */
export function adds32(s: CpuState, a: number, b: number, cin: number): number {
  const t = (a >>> 0) + (b >>> 0) + cin;
  const r = t | 0;
  s.n = r >>> 31;
  s.z = r === 0 ? 1 : 0;
  s.c = t > 0xffffffff ? 1 : 0;
  s.v = ((a ^ r) & (b ^ r)) >>> 31;
  return r;
}

/** 64-bit subtract (a - b) setting NZCV, as a + ~b + 1. */
export function subs64(s: CpuState, alo: number, ahi: number, blo: number, bhi: number): number {
  return adds64(s, alo, ahi, ~blo, ~bhi, 1);
}

export function subs32(s: CpuState, a: number, b: number): number {
  return adds32(s, a, ~b, 1);
}

/** Logical flags (ANDS/BICS/TST): N and Z from the result, C = V = 0. */
export function logicFlags64(s: CpuState, lo: number, hi: number): void {
  s.n = hi >>> 31;
  s.z = (lo | hi) === 0 ? 1 : 0;
  s.c = 0;
  s.v = 0;
}

export function logicFlags32(s: CpuState, r: number): void {
  s.n = r >>> 31;
  s.z = r === 0 ? 1 : 0;
  s.c = 0;
  s.v = 0;
}

/** ConditionHolds for a 4-bit condition code. */
export function condHolds(s: CpuState, cond: number): boolean {
  switch (cond) {
    case 0:
      return s.z === 1;
    case 1:
      return s.z === 0;
    case 2:
      return s.c === 1;
    case 3:
      return s.c === 0;
    case 4:
      return s.n === 1;
    case 5:
      return s.n === 0;
    case 6:
      return s.v === 1;
    case 7:
      return s.v === 0;
    case 8:
      return s.c === 1 && s.z === 0;
    case 9:
      return !(s.c === 1 && s.z === 0);
    case 10:
      return s.n === s.v;
    case 11:
      return s.n !== s.v;
    case 12:
      return s.z === 0 && s.n === s.v;
    case 13:
      return !(s.z === 0 && s.n === s.v);
    default:
      return true;
  }
}

// ---- decode-time helpers -------------------------------------------------------------------

/**
 * DecodeBitMasks of the ARM ARM for logical immediates and bitfield moves: returns
 * [wmaskLo, wmaskHi, tmaskLo, tmaskHi] (int32 halves) or null when the combination is reserved.
 * `immediate` rejects an all-ones element (only logical immediates need that).
 */
export function decodeBitMasks(
  n: number,
  imms: number,
  immr: number,
  immediate: boolean,
  datasize: number,
): [number, number, number, number] | null {
  const x = (n << 6) | (~imms & 0x3f);
  if (x === 0) return null;
  const len = 31 - Math.clz32(x);
  if (len < 1) return null;
  const esize = 1 << len;
  if (esize > datasize) return null;
  const levels = esize - 1;
  if (immediate && (imms & levels) === levels) return null;
  const S = imms & levels;
  const Rr = immr & levels;
  const d = (S - Rr) & levels;
  const mask = (1n << BigInt(esize)) - 1n;
  const welem = (1n << BigInt(S + 1)) - 1n;
  const telem = (1n << BigInt(d + 1)) - 1n;
  const rot = (v: bigint): bigint => (Rr === 0 ? v : ((v >> BigInt(Rr)) | (v << BigInt(esize - Rr))) & mask);
  const rep = (v: bigint): bigint => {
    let out = 0n;
    for (let i = 0; i < datasize; i += esize) out |= v << BigInt(i);
    return out;
  };
  const w = rep(rot(welem));
  const t = rep(telem);
  return [
    Number(BigInt.asIntN(32, w)),
    Number(BigInt.asIntN(32, w >> 32n)),
    Number(BigInt.asIntN(32, t)),
    Number(BigInt.asIntN(32, t >> 32n)),
  ];
}

// ---- register operands ---------------------------------------------------------------------

/** Register index for a read where field value 31 is the zero register. */
export function rz(n: number): number {
  return n === 31 ? ZR : n;
}

/** Register index for a write where field value 31 is the zero register (a sink). */
export function wz(n: number): number {
  return n === 31 ? ZR_W : n;
}

/** Splits a 64-bit value given as a bigint (decode time only) into int32 halves. */
export function halves(v: bigint): [lo: number, hi: number] {
  return [Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))];
}

/**
 * Extended register operand (option 0..7 = UXTB..SXTX) shifted left by `sh` (0..4): returns the
 * low half, high half in R.hi.
 */
export function extendOperand(option: number, lo: number, hi: number, sh: number): number {
  let l = lo;
  let h = hi;
  switch (option) {
    case 0:
      l = lo & 0xff;
      h = 0;
      break;
    case 1:
      l = lo & 0xffff;
      h = 0;
      break;
    case 2:
      h = 0;
      break;
    case 4:
      l = (lo << 24) >> 24;
      h = l >> 31;
      break;
    case 5:
      l = (lo << 16) >> 16;
      h = l >> 31;
      break;
    case 6:
      h = lo >> 31;
      break;
  }
  return lsl64(l, h, sh);
}
