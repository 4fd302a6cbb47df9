/**
 * Crypto extension and CRC32 of the ts engine, driven instruction by instruction: AES-128 with
 * the FIPS-197 known answers (encrypt and decrypt), SHA-1 / SHA-256 compression of "abc"
 * (FIPS 180 examples), CRC-32 / CRC-32C check values, carry-less 64-bit PMULL.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CpuState } from '../../src/emu/ts/state.ts';
import { enc, lanesOf, newState, q, run, setLanes, setQ } from './isa-simd-support.ts';

const hexBytes = (h: string): number[] => h.match(/../g)?.map((b) => Number.parseInt(b, 16)) ?? [];
const bytesHex = (s: CpuState, r: number): string =>
  lanesOf(s, r, 0)
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');

// FIPS-197 5.2 key expansion (test-side model, independent of the engine).
function expandKey(key: number[]): number[][] {
  const sbox: number[] = [];
  const mul = (a: number, b: number): number => {
    let r = 0;
    for (let i = 0; i < 8; i++) {
      if ((b >> i) & 1) r ^= a;
      a = ((a << 1) ^ (a & 0x80 ? 0x11b : 0)) & 0xff;
    }
    return r;
  };
  for (let i = 0; i < 256; i++) {
    let inv = 0;
    for (let j = 1; j < 256 && i; j++) if (mul(i, j) === 1) inv = j;
    let v = inv;
    for (let k = 1; k < 5; k++) v ^= ((inv << k) | (inv >> (8 - k))) & 0xff;
    sbox.push(v ^ 0x63);
  }
  const w: number[][] = [];
  for (let i = 0; i < 4; i++) w.push(key.slice(4 * i, 4 * i + 4));
  let rcon = 1;
  for (let i = 4; i < 44; i++) {
    let t = [...(w[i - 1] as number[])];
    if (i % 4 === 0) {
      t = [t[1], t[2], t[3], t[0]].map((b) => sbox[b as number] as number);
      t[0] = (t[0] as number) ^ rcon;
      rcon = mul(rcon, 2);
    }
    w.push(t.map((b, k) => b ^ ((w[i - 4] as number[])[k] as number)));
  }
  const keys: number[][] = [];
  for (let r = 0; r < 11; r++) keys.push(w.slice(4 * r, 4 * r + 4).flat());
  return keys;
}

const AESE = (d: number, n: number): number => enc('AESE', { rn: n, rd: d });
const AESD = (d: number, n: number): number => enc('AESD', { rn: n, rd: d });
const AESMC = (d: number, n: number): number => enc('AESMC', { rn: n, rd: d });
const AESIMC = (d: number, n: number): number => enc('AESIMC', { rn: n, rd: d });
const EOR16 = (d: number, n: number, m: number): number => enc('EOR_v', { q: 1, rm: m, rn: n, rd: d });
const ADD4S = (d: number, n: number, m: number): number => enc('ADD_v', { q: 1, size: 2, rm: m, rn: n, rd: d });
const MOV16 = (d: number, n: number): number => enc('ORR_v', { q: 1, rm: n, rn: n, rd: d });

function aesEncrypt(key: string, pt: string): string {
  const s = newState();
  const keys = expandKey(hexBytes(key));
  keys.forEach((k, r) => {
    setLanes(s, 1 + r, 0, k);
  });
  setLanes(s, 0, 0, hexBytes(pt));
  for (let r = 0; r < 9; r++) {
    run(s, AESE(0, 1 + r));
    run(s, AESMC(0, 0));
  }
  run(s, AESE(0, 10));
  run(s, EOR16(0, 0, 11));
  return bytesHex(s, 0);
}

function aesDecrypt(key: string, ct: string): string {
  const s = newState();
  const keys = expandKey(hexBytes(key));
  keys.forEach((k, r) => {
    setLanes(s, 1 + r, 0, k);
  });
  for (let r = 1; r <= 9; r++) run(s, AESIMC(1 + r, 1 + r)); // equivalent inverse cipher keys
  setLanes(s, 0, 0, hexBytes(ct));
  run(s, AESD(0, 11));
  run(s, AESIMC(0, 0));
  for (let r = 9; r >= 2; r--) {
    run(s, AESD(0, 1 + r));
    run(s, AESIMC(0, 0));
  }
  run(s, AESD(0, 2));
  run(s, EOR16(0, 0, 1));
  return bytesHex(s, 0);
}

describe('AES (FIPS-197 known answers)', () => {
  const vectors = [
    // Appendix B
    ['2b7e151628aed2a6abf7158809cf4f3c', '3243f6a8885a308d313198a2e0370734', '3925841d02dc09fbdc118597196a0b32'],
    // Appendix C.1
    ['000102030405060708090a0b0c0d0e0f', '00112233445566778899aabbccddeeff', '69c4e0d86a7b0430d8cdb78070b4c55a'],
  ];
  for (const [key, pt, ct] of vectors) {
    it(`encrypts ${pt} under ${key}`, () => expect(aesEncrypt(key as string, pt as string)).toBe(ct));
    it(`decrypts ${ct} under ${key}`, () => expect(aesDecrypt(key as string, ct as string)).toBe(pt));
  }

  it('aesmc then aesimc is the identity', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (v) => {
        const s = newState();
        setQ(s, 3, v);
        run(s, AESMC(4, 3));
        run(s, AESIMC(5, 4));
        expect(q(s, 5)).toBe(v);
      }),
      { numRuns: 100 },
    );
  });
});

// ---- SHA ------------------------------------------------------------------------------------

/** "abc" padded to one 512-bit block, as 16 big-endian words. */
function abcBlock(): number[] {
  const bytes = new Uint8Array(64);
  bytes.set([0x61, 0x62, 0x63, 0x80]);
  bytes[63] = 24;
  const w: number[] = [];
  for (let i = 0; i < 16; i++) w.push(new DataView(bytes.buffer).getUint32(4 * i, false));
  return w;
}

const K256 = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
];

describe('SHA-256 instructions', () => {
  it('compress "abc" to the FIPS 180-2 digest', () => {
    const s = newState();
    const H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    setLanes(s, 0, 2, H.slice(0, 4));
    setLanes(s, 1, 2, H.slice(4));
    setLanes(s, 2, 2, H.slice(0, 4));
    setLanes(s, 3, 2, H.slice(4));
    const w = abcBlock();
    for (let i = 0; i < 4; i++) setLanes(s, 4 + i, 2, w.slice(4 * i, 4 * i + 4));
    for (let i = 0; i < 16; i++) {
      setLanes(s, 20, 2, K256.slice(4 * i, 4 * i + 4));
      run(s, ADD4S(16, 4 + (i % 4), 20));
      run(s, MOV16(17, 0));
      run(s, enc('SHA256H', { rm: 16, rn: 1, rd: 0 }));
      run(s, enc('SHA256H2', { rm: 16, rn: 17, rd: 1 }));
      if (i < 12) {
        run(s, enc('SHA256SU0', { rn: 4 + ((i + 1) % 4), rd: 4 + (i % 4) }));
        run(s, enc('SHA256SU1', { rm: 4 + ((i + 3) % 4), rn: 4 + ((i + 2) % 4), rd: 4 + (i % 4) }));
      }
    }
    run(s, ADD4S(0, 0, 2));
    run(s, ADD4S(1, 1, 3));
    const digest = [...lanesOf(s, 0, 2), ...lanesOf(s, 1, 2)].map((v) => v.toString(16).padStart(8, '0')).join('');
    expect(digest).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('SHA-1 instructions', () => {
  it('compress "abc" to the FIPS 180-2 digest', () => {
    const s = newState();
    const H = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
    setLanes(s, 0, 2, H.slice(0, 4));
    setQ(s, 1, BigInt(H[4] as number));
    const w = abcBlock();
    for (let i = 0; i < 4; i++) setLanes(s, 4 + i, 2, w.slice(4 * i, 4 * i + 4));
    let e = 1;
    let eNext = 2;
    const ops = ['SHA1C', 'SHA1P', 'SHA1M', 'SHA1P'];
    const K = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6];
    for (let j = 0; j < 20; j++) {
      const kk = K[Math.floor(j / 5)] as number;
      setLanes(s, 20, 2, [kk, kk, kk, kk]);
      run(s, ADD4S(16, 4 + (j % 4), 20));
      run(s, enc('SHA1H', { rn: 0, rd: eNext }));
      run(s, enc(ops[Math.floor(j / 5)] as string, { rm: 16, rn: e, rd: 0 }));
      [e, eNext] = [eNext, e];
      if (j < 16) {
        run(s, enc('SHA1SU0', { rm: 4 + ((j + 2) % 4), rn: 4 + ((j + 1) % 4), rd: 4 + (j % 4) }));
        run(s, enc('SHA1SU1', { rn: 4 + ((j + 3) % 4), rd: 4 + (j % 4) }));
      }
    }
    const abcd = lanesOf(s, 0, 2).map((v, i) => (Number(v) + (H[i] as number)) >>> 0);
    const ee = (Number(lanesOf(s, e, 2)[0]) + (H[4] as number)) >>> 0;
    const digest = [...abcd, ee].map((v) => v.toString(16).padStart(8, '0')).join('');
    expect(digest).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });

  it('sha1h rotates left by 30 and zeroes the rest', () => {
    const s = newState();
    setQ(s, 0, (1n << 128n) - 1n);
    setLanes(s, 1, 2, [0x00000003, 5]);
    run(s, enc('SHA1H', { rn: 1, rd: 0 }));
    expect(q(s, 0)).toBe(0xc0000000n);
  });
});

// ---- PMULL 64 -------------------------------------------------------------------------------

function clmul(a: bigint, b: bigint): bigint {
  let r = 0n;
  for (let i = 0n; i < 64n; i++) if ((b >> i) & 1n) r ^= a << i;
  return r;
}

describe('PMULL/PMULL2 .1q', () => {
  it('all-ones squared is 0x5555…', () => {
    const s = newState();
    setLanes(s, 1, 3, [0xffffffffffffffffn, 0n]);
    setLanes(s, 2, 3, [0xffffffffffffffffn, 0n]);
    run(s, 0x0ee2e020); // pmull v0.1q, v1.1d, v2.1d
    expect(q(s, 0)).toBe(0x55555555555555555555555555555555n);
  });

  it('matches a carry-less multiply model (both halves)', () => {
    const u64 = fc.bigInt({ min: 0n, max: 0xffffffffffffffffn });
    fc.assert(
      fc.property(u64, u64, u64, u64, fc.boolean(), (a0, a1, b0, b1, hi) => {
        const s = newState();
        setLanes(s, 1, 3, [a0, a1]);
        setLanes(s, 2, 3, [b0, b1]);
        run(s, enc('PMULL_1q', { q: hi ? 1 : 0, rm: 2, rn: 1, rd: 3 }));
        expect(q(s, 3)).toBe(hi ? clmul(a1, b1) : clmul(a0, b0));
      }),
      { numRuns: 200 },
    );
  });
});

// ---- CRC32 ----------------------------------------------------------------------------------

const CRC = (c: number, sz: number, d: number, n: number, m: number): number =>
  enc('CRC32', { sf: sz === 3 ? 1 : 0, rm: m, c, sz, rn: n, rd: d });

describe('CRC32 / CRC32C', () => {
  const msg = new TextEncoder().encode('123456789');
  for (const [c, want] of [
    [0, 0xcbf43926],
    [1, 0xe3069283],
  ] as [number, number][]) {
    const name = c ? 'CRC-32C' : 'CRC-32';
    it(`${name} of "123456789" byte by byte`, () => {
      const s = newState();
      s.setX(0, 0xffffffffn);
      for (const b of msg) {
        s.setX(1, BigInt(b) | 0xabcdef00n); // upper bits of the data register are ignored
        run(s, CRC(c, 0, 0, 0, 1));
      }
      expect(Number(s.getX(0) ^ 0xffffffffn)).toBe(want);
    });
    it(`${name} of "123456789" with x, w, h, b forms`, () => {
      const s = newState();
      const dv = new DataView(msg.buffer);
      s.setX(0, 0xffffffffn);
      s.setX(1, dv.getBigUint64(0, true));
      run(s, CRC(c, 3, 0, 0, 1));
      s.setX(1, BigInt(msg[8] as number));
      run(s, CRC(c, 0, 0, 0, 1));
      expect(Number(s.getX(0) ^ 0xffffffffn)).toBe(want);
      s.setX(0, 0xffffffffn);
      s.setX(1, BigInt(dv.getUint32(0, true)));
      run(s, CRC(c, 2, 0, 0, 1));
      s.setX(1, BigInt(dv.getUint16(4, true)));
      run(s, CRC(c, 1, 0, 0, 1));
      s.setX(1, BigInt(dv.getUint16(6, true)));
      run(s, CRC(c, 1, 0, 0, 1));
      s.setX(1, BigInt(msg[8] as number));
      run(s, CRC(c, 0, 2, 0, 1));
      expect(Number(s.getX(2) ^ 0xffffffffn)).toBe(want);
      expect(s.getX(2) >> 32n).toBe(0n);
    });
  }

  it('size/sf combinations other than w-with-b/h/w and x-with-x are not crc32', () => {
    // crc32x with sf=0, crc32b with sf=1
    for (const word of [0x1ac24c20, 0x9ac24020]) {
      const s = newState();
      expect(() => run(s, word)).toThrow();
    }
  });
});
