/**
 * Cryptographic extension (AES, SHA-1, SHA-256, 64-bit PMULL) and CRC32/CRC32C, as on an
 * ARMv8.0-A core with the Crypto and CRC extensions (Unicorn's default Cortex-A72).
 */
import { type Fields, type InsnDef, insn } from '../decoder.ts';
import type { CpuState, Op } from '../state.ts';

// ---- AES ------------------------------------------------------------------------------------

const SBOX = new Uint8Array(256);
const INV_SBOX = new Uint8Array(256);

function xtime(b: number): number {
  return ((b << 1) ^ (b & 0x80 ? 0x1b : 0)) & 0xff;
}

function gmul(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) {
    if ((b >> i) & 1) r ^= a;
    a = xtime(a);
  }
  return r;
}

// S-box from the GF(2^8) inverse and the affine map (FIPS-197 5.1.1). Inverses through powers of
// the generator 3 (x^-1 = 3^(255 - log3 x)): a search for each inverse cost every start 2-3 ms.
function buildSboxes(): void {
  const exp = new Uint8Array(256);
  const log = new Uint8Array(256);
  for (let i = 0, x = 1; i < 255; i++) {
    exp[i] = x;
    log[x] = i;
    x = gmul(x, 3);
  }
  for (let i = 0; i < 256; i++) {
    const inv = i === 0 ? 0 : (exp[(255 - (log[i] as number)) % 255] as number);
    let s = inv;
    let r = inv;
    for (let k = 0; k < 4; k++) {
      r = ((r << 1) | (r >> 7)) & 0xff;
      s ^= r;
    }
    s ^= 0x63;
    SBOX[i] = s;
    INV_SBOX[s] = i;
  }
}
buildSboxes();

const MIX = [2, 3, 1, 1];
const INV_MIX = [14, 11, 13, 9];
const ST = new Uint8Array(16);
const ST2 = new Uint8Array(16);

function loadXor(s: CpuState, d: number, n: number): void {
  for (let i = 0; i < 16; i++) ST[i] = (s.vb[(d << 4) + i] as number) ^ (s.vb[(n << 4) + i] as number);
}

function aesRound(s: CpuState, d: number, n: number, inv: boolean): void {
  loadXor(s, d, n);
  const box = inv ? INV_SBOX : SBOX;
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      // ShiftRows: out[r][c] = in[r][(c + r) % 4]; InvShiftRows: out[r][(c + r) % 4] = in[r][c].
      if (inv) ST2[r + 4 * ((c + r) % 4)] = box[ST[r + 4 * c] as number] as number;
      else ST2[r + 4 * c] = box[ST[r + 4 * ((c + r) % 4)] as number] as number;
    }
  }
  s.vb.set(ST2, d << 4);
}

function mixColumns(s: CpuState, d: number, n: number, inv: boolean): void {
  for (let i = 0; i < 16; i++) ST[i] = s.vb[(n << 4) + i] as number;
  const k = inv ? INV_MIX : MIX;
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      let v = 0;
      for (let j = 0; j < 4; j++) v ^= gmul(ST[4 * c + ((r + j) % 4)] as number, k[j] as number);
      ST2[4 * c + r] = v;
    }
  }
  s.vb.set(ST2, d << 4);
}

// ---- SHA ------------------------------------------------------------------------------------

const W = new Int32Array(12);
const R4 = new Int32Array(4);

const rol = (v: number, k: number): number => (v << k) | (v >>> (32 - k));
const ror = (v: number, k: number): number => (v >>> k) | (v << (32 - k));
const choose = (a: number, b: number, c: number): number => ((b ^ c) & a) ^ c;
const parity = (a: number, b: number, c: number): number => a ^ b ^ c;
const majority = (a: number, b: number, c: number): number => (a & b) | ((a | b) & c);

function loadWords(s: CpuState, r: number, at: number): void {
  for (let i = 0; i < 4; i++) W[at + i] = s.vi[(r << 2) + i] as number;
}

function storeWords(s: CpuState, r: number, at: number): void {
  for (let i = 0; i < 4; i++) s.vi[(r << 2) + i] = W[at + i] as number;
}

function sha1Op(fn: (a: number, b: number, c: number) => number): (f: Fields) => Op {
  return (f) => {
    const [d, n, m] = [f.rd, f.rn, f.rm];
    return (s) => {
      let x0 = s.vi[d << 2] as number;
      let x1 = s.vi[(d << 2) + 1] as number;
      let x2 = s.vi[(d << 2) + 2] as number;
      let x3 = s.vi[(d << 2) + 3] as number;
      let y = s.vi[n << 2] as number;
      for (let e = 0; e < 4; e++) {
        y = (y + rol(x0, 5) + fn(x1, x2, x3) + (s.vi[(m << 2) + e] as number)) | 0;
        x1 = rol(x1, 30);
        const t = x3;
        x3 = x2;
        x2 = x1;
        x1 = x0;
        x0 = y;
        y = t;
      }
      const o = d << 2;
      s.vi[o] = x0;
      s.vi[o + 1] = x1;
      s.vi[o + 2] = x2;
      s.vi[o + 3] = x3;
    };
  };
}

function sha256Hash(s: CpuState, xr: number, yr: number, m: number, d: number, part1: boolean): void {
  loadWords(s, xr, 0);
  loadWords(s, yr, 4);
  loadWords(s, m, 8);
  for (let e = 0; e < 4; e++) {
    const y0 = W[4] as number;
    const x0 = W[0] as number;
    const chs = choose(y0, W[5] as number, W[6] as number);
    const maj = majority(x0, W[1] as number, W[2] as number);
    const t = ((W[7] as number) + (ror(y0, 6) ^ ror(y0, 11) ^ ror(y0, 25)) + chs + (W[8 + e] as number)) | 0;
    const x3 = (t + (W[3] as number)) | 0;
    const y3 = (t + (ror(x0, 2) ^ ror(x0, 13) ^ ror(x0, 22)) + maj) | 0;
    // <Y, X> = ROL(Y:X, 32): X' = [y3, x0, x1, x2], Y' = [x3, y0, y1, y2]
    W[7] = W[6] as number;
    W[6] = W[5] as number;
    W[5] = W[4] as number;
    W[4] = x3;
    W[3] = W[2] as number;
    W[2] = W[1] as number;
    W[1] = W[0] as number;
    W[0] = y3;
  }
  storeWords(s, d, part1 ? 0 : 4);
}

// ---- PMULL 64x64 -> 128 ---------------------------------------------------------------------

const P = new Int32Array(4);

/** Carry-less 32x32 -> 64 product xored into P at word offset `at` (0..2). */
function clmulInto(a: number, b: number, at: number): void {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 32; i++) {
    if ((b >>> i) & 1) {
      lo ^= a << i;
      hi ^= i === 0 ? 0 : a >>> (32 - i);
    }
  }
  P[at] = (P[at] as number) ^ lo;
  P[at + 1] = (P[at + 1] as number) ^ hi;
}

// ---- CRC32 ----------------------------------------------------------------------------------

function crcTable(poly: number): Int32Array {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c;
  }
  return t;
}
const CRC32 = crcTable(0xedb88320);
const CRC32C = crcTable(0x82f63b78);

function crcBytes(t: Int32Array, crc: number, v: number, nbytes: number): number {
  for (let i = 0; i < nbytes; i++) crc = (t[(crc ^ (v >>> (8 * i))) & 0xff] as number) ^ (crc >>> 8);
  return crc;
}

// ---- table ----------------------------------------------------------------------------------

const v16 = (r: number): string => `v${r}.16b`;
const v4s = (r: number): string => `v${r}.4s`;

export const defs: InsnDef[] = [
  ...(
    [
      ['aese', 4],
      ['aesd', 5],
      ['aesmc', 6],
      ['aesimc', 7],
    ] as [string, number][]
  ).map(
    ([name, op]): InsnDef =>
      insn({
        id: name.toUpperCase(),
        cls: 'crypto',
        pattern: `01001110 00 10100 ${op.toString(2).padStart(5, '0')} 10 rn:5 rd:5`,
        disasm: (f) => `${name} ${v16(f.rd)}, ${v16(f.rn)}`,
        exec: (f) => {
          const [d, n] = [f.rd, f.rn];
          if (op < 6) return (s) => aesRound(s, d, n, op === 5);
          return (s) => mixColumns(s, d, n, op === 7);
        },
      }),
  ),
  ...(
    [
      ['sha1c', 0, choose],
      ['sha1p', 1, parity],
      ['sha1m', 2, majority],
    ] as [string, number, (a: number, b: number, c: number) => number][]
  ).map(
    ([name, op, fn]): InsnDef =>
      insn({
        id: name.toUpperCase(),
        cls: 'crypto',
        pattern: `01011110 00 0 rm:5 0 ${op.toString(2).padStart(3, '0')} 00 rn:5 rd:5`,
        disasm: (f) => `${name} q${f.rd}, s${f.rn}, ${v4s(f.rm)}`,
        exec: sha1Op(fn),
      }),
  ),
  insn({
    id: 'SHA1SU0',
    cls: 'crypto',
    pattern: '01011110 00 0 rm:5 0 011 00 rn:5 rd:5',
    disasm: (f) => `sha1su0 ${v4s(f.rd)}, ${v4s(f.rn)}, ${v4s(f.rm)}`,
    exec: (f) => {
      const [d, n, m] = [f.rd, f.rn, f.rm];
      return (s) => {
        loadWords(s, d, 0);
        loadWords(s, n, 4);
        loadWords(s, m, 8);
        // (Vn<63:0> : Vd<127:64>) ^ Vd ^ Vm; words [d2, d3, n0, n1] are W[2..5]
        for (let i = 0; i < 4; i++) s.vi[(d << 2) + i] = (W[2 + i] as number) ^ (W[i] as number) ^ (W[8 + i] as number);
      };
    },
  }),
  ...(
    [
      ['sha256h', 4],
      ['sha256h2', 5],
    ] as [string, number][]
  ).map(
    ([name, op]): InsnDef =>
      insn({
        id: name.toUpperCase(),
        cls: 'crypto',
        pattern: `01011110 00 0 rm:5 0 ${op.toString(2)} 00 rn:5 rd:5`,
        disasm: (f) => `${name} q${f.rd}, q${f.rn}, ${v4s(f.rm)}`,
        exec: (f) => {
          const [d, n, m] = [f.rd, f.rn, f.rm];
          if (op === 4) return (s) => sha256Hash(s, d, n, m, d, true);
          return (s) => sha256Hash(s, n, d, m, d, false);
        },
      }),
  ),
  insn({
    id: 'SHA256SU1',
    cls: 'crypto',
    pattern: '01011110 00 0 rm:5 0 110 00 rn:5 rd:5',
    disasm: (f) => `sha256su1 ${v4s(f.rd)}, ${v4s(f.rn)}, ${v4s(f.rm)}`,
    exec: (f) => {
      const [d, n, m] = [f.rd, f.rn, f.rm];
      return (s) => {
        loadWords(s, d, 0);
        loadWords(s, n, 4);
        loadWords(s, m, 8);
        // T0 = Vm<31:0> : Vn<127:32> = W[5..8]; T1 = Vm<127:64> = W[10..11], then the new words
        for (let e = 0; e < 4; e++) {
          const v = e < 2 ? (W[10 + e] as number) : (R4[e - 2] as number);
          R4[e] = ((ror(v, 17) ^ ror(v, 19) ^ (v >>> 10)) + (W[e] as number) + (W[5 + e] as number)) | 0;
        }
        for (let i = 0; i < 4; i++) s.vi[(d << 2) + i] = R4[i] as number;
      };
    },
  }),
  insn({
    id: 'SHA1H',
    cls: 'crypto',
    pattern: '01011110 00 10100 00000 10 rn:5 rd:5',
    disasm: (f) => `sha1h s${f.rd}, s${f.rn}`,
    exec: (f) => {
      const [d, n] = [f.rd, f.rn];
      return (s) => {
        const v = rol(s.vi[n << 2] as number, 30);
        const o = d << 2;
        s.vi[o] = v;
        s.vi[o + 1] = 0;
        s.vi[o + 2] = 0;
        s.vi[o + 3] = 0;
      };
    },
  }),
  insn({
    id: 'SHA1SU1',
    cls: 'crypto',
    pattern: '01011110 00 10100 00001 10 rn:5 rd:5',
    disasm: (f) => `sha1su1 ${v4s(f.rd)}, ${v4s(f.rn)}`,
    exec: (f) => {
      const [d, n] = [f.rd, f.rn];
      return (s) => {
        loadWords(s, d, 0);
        loadWords(s, n, 4);
        // T = Vd ^ (Vn >> 32)
        const t0 = (W[0] as number) ^ (W[5] as number);
        const t1 = (W[1] as number) ^ (W[6] as number);
        const t2 = (W[2] as number) ^ (W[7] as number);
        const t3 = W[3] as number;
        const o = d << 2;
        s.vi[o] = rol(t0, 1);
        s.vi[o + 1] = rol(t1, 1);
        s.vi[o + 2] = rol(t2, 1);
        s.vi[o + 3] = rol(t3, 1) ^ rol(t0, 2);
      };
    },
  }),
  insn({
    id: 'SHA256SU0',
    cls: 'crypto',
    pattern: '01011110 00 10100 00010 10 rn:5 rd:5',
    disasm: (f) => `sha256su0 ${v4s(f.rd)}, ${v4s(f.rn)}`,
    exec: (f) => {
      const [d, n] = [f.rd, f.rn];
      return (s) => {
        loadWords(s, d, 0);
        loadWords(s, n, 4);
        // T = Vn<31:0> : Vd<127:32> = W[1..4]
        for (let e = 0; e < 4; e++) {
          const v = W[1 + e] as number;
          s.vi[(d << 2) + e] = ((ror(v, 7) ^ ror(v, 18) ^ (v >>> 3)) + (W[e] as number)) | 0;
        }
      };
    },
  }),
  insn({
    id: 'PMULL_1q',
    cls: 'crypto',
    pattern: '0 q:1 0 01110 11 1 rm:5 1110 00 rn:5 rd:5',
    disasm: (f) => `pmull${f.q ? '2' : ''} v${f.rd}.1q, v${f.rn}.${f.q ? '2d' : '1d'}, v${f.rm}.${f.q ? '2d' : '1d'}`,
    exec: (f) => {
      const [d, n, m] = [f.rd, f.rn, f.rm];
      const off = f.q ? 2 : 0;
      return (s) => {
        const vi = s.vi;
        const al = vi[(n << 2) + off] as number;
        const ah = vi[(n << 2) + off + 1] as number;
        const bl = vi[(m << 2) + off] as number;
        const bh = vi[(m << 2) + off + 1] as number;
        P.fill(0);
        clmulInto(al, bl, 0);
        clmulInto(al, bh, 1);
        clmulInto(ah, bl, 1);
        clmulInto(ah, bh, 2);
        for (let i = 0; i < 4; i++) vi[(d << 2) + i] = P[i] as number;
      };
    },
  }),
  insn({
    id: 'CRC32',
    cls: 'crc',
    pattern: 'sf:1 0 0 11010110 rm:5 010 c:1 sz:2 rn:5 rd:5',
    when: (f) => (f.sf === 1) === (f.sz === 3),
    disasm: (f) => {
      const z = f.sz;
      const w = (r: number): string => (r === 31 ? 'wzr' : `w${r}`);
      const m = z === 3 ? (f.rm === 31 ? 'xzr' : `x${f.rm}`) : w(f.rm);
      return `crc32${f.c ? 'c' : ''}${'bhwx'[z]} ${w(f.rd)}, ${w(f.rn)}, ${m}`;
    },
    exec: (f) => {
      const z = f.sz;
      const t = f.c ? CRC32C : CRC32;
      const n = f.rn === 31 ? 32 : f.rn;
      const m = f.rm === 31 ? 32 : f.rm;
      const d = f.rd === 31 ? 33 : f.rd;
      const nb = 1 << Math.min(z, 2);
      return (s) => {
        let crc = crcBytes(t, s.xlo[n] as number, s.xlo[m] as number, nb);
        if (z === 3) crc = crcBytes(t, crc, s.xhi[m] as number, 4);
        s.xlo[d] = crc;
        s.xhi[d] = 0;
      };
    },
  }),
];
