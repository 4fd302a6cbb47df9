/**
 * Loads and stores of the ts engine with concrete values: every addressing mode, sizes and
 * sign-extensions, writeback rules (including the constrained-unpredictable cases, as Unicorn 2.0.1
 * executes them), FP/SIMD registers, pairs, exclusives, and faults. Instruction words come from
 * `llvm-mc-16 -triple=aarch64 -show-encoding`.
 */
import { describe, expect, it } from 'vitest';
import { PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { AlignmentFault, MemoryFault } from '../../src/emu/errors.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';

const CODE = 0x1000;
const DATA = 0x10000; // two RW pages
const RO = 0x12000; // one read-only page; 0x13000 and up are unmapped

function engine(words: number[]): TsEngine {
  const e = new TsEngine();
  e.memMap(CODE, 0x1000, PROT_ALL);
  e.memMap(DATA, 0x2000, PROT_READ | PROT_WRITE);
  e.memMap(RO, 0x1000, PROT_READ);
  const code = new Uint8Array(words.length * 4);
  const dv = new DataView(code.buffer);
  for (let i = 0; i < words.length; i++) dv.setUint32(i * 4, words[i] as number, true);
  e.memWrite(CODE, code);
  return e;
}

const run = (e: TsEngine, n: number) => e.start(CODE, CODE + 4 * n);
const U64 = (v: bigint) => v & 0xffffffffffffffffn;
const x = (e: TsEngine, i: number) => U64(e.getX(i));

function le64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
}

function rd64(e: TsEngine, a: number): bigint {
  return new DataView(e.memRead(a, 8).buffer).getBigUint64(0, true);
}

/** 0x10000.. holds 0x80, 0x81, 0x82, ... (so bytes have the sign bit set). */
function pattern(e: TsEngine, a = DATA, n = 256): void {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = 0x80 + i;
  e.memWrite(a, b);
}

describe('ldst: single register, GPR', () => {
  it('unsigned offset, all sizes and sign extensions', () => {
    const words = [
      0xf9400841, // ldr x1, [x2, #16]
      0xb9400443, // ldr w3, [x2, #4]
      0x39401c44, // ldrb w4, [x2, #7]
      0x39c01c45, // ldrsb w5, [x2, #7]
      0x39801c46, // ldrsb x6, [x2, #7]
      0x79400c47, // ldrh w7, [x2, #6]
      0x79c00c48, // ldrsh w8, [x2, #6]
      0x79800c49, // ldrsh x9, [x2, #6]
      0xb980044a, // ldrsw x10, [x2, #4]
      0xf85f804b, // ldur x11, [x2, #-8]
      0xf840884c, // ldtr x12, [x2, #8]
    ];
    const e = engine(words);
    pattern(e);
    e.setX(2, DATA + 8);
    for (const r of [1, 3, 4, 5, 6, 7, 8, 9, 10]) e.setX(r, -1n);
    run(e, words.length);
    expect(x(e, 1)).toBe(0x9f9e9d9c9b9a9998n);
    expect(x(e, 3)).toBe(0x8f8e8d8cn);
    expect(x(e, 4)).toBe(0x8fn);
    expect(x(e, 5)).toBe(0xffffff8fn);
    expect(x(e, 6)).toBe(0xffffffffffffff8fn);
    expect(x(e, 7)).toBe(0x8f8en);
    expect(x(e, 8)).toBe(0xffff8f8en);
    expect(x(e, 9)).toBe(0xffffffffffff8f8en);
    expect(x(e, 10)).toBe(0xffffffff8f8e8d8cn);
    expect(x(e, 11)).toBe(0x8786858483828180n);
    expect(x(e, 12)).toBe(0x9796959493929190n);
    expect(x(e, 2)).toBe(BigInt(DATA + 8));
  });

  it('pre- and post-index writeback, including wrap below zero', () => {
    const e = engine([0xf8408c41]); // ldr x1, [x2, #8]!
    pattern(e);
    e.setX(2, DATA);
    run(e, 1);
    expect(x(e, 1)).toBe(0x8f8e8d8c8b8a8988n);
    expect(x(e, 2)).toBe(BigInt(DATA + 8));
    const f = engine([0xf85f8441]); // ldr x1, [x2], #-8
    f.memMap(0, 0x1000, PROT_READ);
    f.memWrite(0, le64(0x1122334455667788n));
    f.setX(2, 0);
    run(f, 1);
    expect(x(f, 1)).toBe(0x1122334455667788n);
    expect(x(f, 2)).toBe(0xfffffffffffffff8n);
  });

  it('writeback wins over the loaded value when Rt == Rn (as Unicorn)', () => {
    const e = engine([0xf8408400]); // ldr x0, [x0], #8
    pattern(e);
    e.setX(0, DATA);
    run(e, 1);
    expect(x(e, 0)).toBe(BigInt(DATA + 8));
    const f = engine([0xf8008c21]); // str x1, [x1, #8]!  stores the base before the update
    f.setX(1, DATA);
    run(f, 1);
    expect(rd64(f, DATA + 8)).toBe(BigInt(DATA));
    expect(x(f, 1)).toBe(BigInt(DATA + 8));
  });

  it('register offset: lsl, uxtw, sxtw (negative), sxtx, zero register', () => {
    const words = [
      0xf8637841, // ldr x1, [x2, x3, lsl #3]
      0xb8695845, // ldr w5, [x2, w9, uxtw #2]
      0xf864c846, // ldr x6, [x2, w4, sxtw]
      0xf86af847, // ldr x7, [x2, x10, sxtx #3]
      0x38636848, // ldrb w8, [x2, x3]
      0xf87f784b, // ldr x11, [x2, xzr, lsl #3]
    ];
    const e = engine(words);
    pattern(e);
    e.setX(2, DATA + 64);
    e.setX(3, 2n);
    e.setX(9, 0xffffffff00000002n); // uxtw sees 2
    e.setX(4, 0x7777fffffff8n); // sxtw sees -8
    e.setX(10, -1n); // sxtx #3 → -8
    run(e, words.length);
    expect(x(e, 1)).toBe(0xd7d6d5d4d3d2d1d0n);
    expect(x(e, 5)).toBe(0xcbcac9c8n);
    expect(x(e, 6)).toBe(0xbfbebdbcbbbab9b8n);
    expect(x(e, 7)).toBe(0xbfbebdbcbbbab9b8n);
    expect(x(e, 8)).toBe(0xc2n);
    expect(x(e, 11)).toBe(0xc7c6c5c4c3c2c1c0n);
  });

  it('literal loads use the pc of the instruction; prfm never faults', () => {
    const words = [
      0x58000081, // ldr x1, .+16
      0x18000062, // ldr w2, .+12
      0x98000043, // ldrsw x3, .+8
      0xd8008000, // prfm pldl1keep, .+0x1000 (unmapped)
      0xdeadbeef, // literal pool at CODE + 16
      0xcafef00d,
    ];
    const e = engine(words);
    const p = engine([0xf9800120]); // prfm pldl1keep, [x9] (unmapped)
    p.setX(9, 0x40000000000n);
    run(p, 1);
    run(e, 4);
    expect(x(e, 1)).toBe(0xcafef00ddeadbeefn);
    expect(x(e, 2)).toBe(0xdeadbeefn);
    expect(x(e, 3)).toBe(0xffffffffdeadbeefn);
  });

  it('stores of every size, SP base, zero register', () => {
    const words = [
      0xf9000441, // str x1, [x2, #8]
      0xb9000441, // str w1, [x2, #4]
      0x79000441, // strh w1, [x2, #2]
      0x39000441, // strb w1, [x2, #1]
      0xf81ff041, // stur x1, [x2, #-1]
      0xf90007ff, // str xzr, [sp, #8]
    ];
    const e = engine(words);
    e.memWrite(DATA, new Uint8Array(32).fill(0xee));
    e.setX(1, 0x1122334455667788n);
    e.setX(2, DATA + 8);
    e.regWrite('sp', BigInt(DATA + 16));
    run(e, words.length);
    const hex = [...e.memRead(DATA, 32)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    expect(hex).toBe('ee ee ee ee ee ee ee 88 77 66 55 44 33 22 11 55 88 77 66 55 44 33 22 11 00 00 00 00 00 00 00 00');
  });
});

describe('ldst: FP/SIMD registers', () => {
  it('B/H/S/D loads clear the rest of the vector register; Q loads all 16 bytes', () => {
    const cases: [number, string, bigint][] = [
      [0x3d400040, 'b', 0x80n],
      [0x7d400040, 'h', 0x8180n],
      [0xbd400040, 's', 0x83828180n],
      [0xfd400040, 'd', 0x8786858483828180n],
      [0x3dc00040, 'q', 0x8f8e8d8c8b8a89888786858483828180n],
    ];
    for (const [w, , v] of cases) {
      const e = engine([w]);
      pattern(e);
      e.setX(2, DATA);
      e.regWrite('q0', (1n << 128n) - 1n);
      run(e, 1);
      expect(e.regRead('q0')).toBe(v);
    }
  });

  it('FP stores and pairs', () => {
    const words = [
      0x3d800440, // str q0, [x2, #16]
      0x3d000c40, // str b0, [x2, #3]
      0x6dbf0440, // stp d0, d1, [x2, #-16]!
      0xad400440, // ldp q0, q1, [x2]
      0x2cc10c42, // ldp s2, s3, [x2], #8
    ];
    const e = engine(words);
    e.memWrite(DATA, new Uint8Array(64));
    e.regWrite('q0', 0x00112233445566778899aabbccddeeffn);
    e.regWrite('q1', 0x0f0e0d0c0b0a09080706050403020100n);
    e.setX(2, DATA + 16);
    run(e, 2);
    expect(rd64(e, DATA + 32)).toBe(0x8899aabbccddeeffn);
    expect(rd64(e, DATA + 40)).toBe(0x0011223344556677n);
    expect(e.memRead(DATA + 19, 1)[0]).toBe(0xff);
    e.start(CODE + 8, CODE + 12);
    expect(x(e, 2)).toBe(BigInt(DATA));
    expect(rd64(e, DATA)).toBe(0x8899aabbccddeeffn);
    expect(rd64(e, DATA + 8)).toBe(0x0706050403020100n);
    e.start(CODE + 12, CODE + 20);
    expect(e.regRead('q0')).toBe(0x07060504030201008899aabbccddeeffn);
    expect(e.regRead('q1')).toBe(0xff000000n);
    expect(e.regRead('s2')).toBe(0xccddeeffn);
    expect(e.regRead('q3')).toBe(0x8899aabbn);
    expect(x(e, 2)).toBe(BigInt(DATA + 8));
  });
});

describe('ldst: pairs', () => {
  it('stp/ldp frame push and pop through SP', () => {
    const e = engine([0xa9bf7bfd, 0xa8c17bfd]); // stp x29, x30, [sp, #-16]! ; ldp x29, x30, [sp], #16
    e.regWrite('sp', BigInt(DATA + 0x100));
    e.setX(29, 0x1111n);
    e.setX(30, 0x2222n);
    run(e, 1);
    expect(e.regRead('sp')).toBe(BigInt(DATA + 0xf0));
    expect(rd64(e, DATA + 0xf0)).toBe(0x1111n);
    expect(rd64(e, DATA + 0xf8)).toBe(0x2222n);
    e.setX(29, 0n);
    e.setX(30, 0n);
    e.start(CODE + 4, CODE + 8);
    expect(x(e, 29)).toBe(0x1111n);
    expect(x(e, 30)).toBe(0x2222n);
    expect(e.regRead('sp')).toBe(BigInt(DATA + 0x100));
  });

  it('ldpsw, ldp w, ldnp', () => {
    const e = engine([0x69400c41, 0x29410c44, 0xa8410c46]); // ldpsw x1,x3,[x2]; ldp w4,w3,[x2,#8]; ldnp x6,x3,[x2,#16]
    pattern(e);
    e.setX(2, DATA);
    run(e, 1);
    expect(x(e, 1)).toBe(0xffffffff83828180n);
    expect(x(e, 3)).toBe(0xffffffff87868584n);
    const f = engine([0x29410c44]); // ldp w4, w3, [x2, #8]
    pattern(f);
    f.setX(2, DATA);
    f.setX(4, -1n);
    run(f, 1);
    expect(x(f, 4)).toBe(0x8b8a8988n);
    expect(x(f, 3)).toBe(0x8f8e8d8cn);
  });

  it('ldp with Rt == Rt2 keeps the first value; writeback wins over Rt (as Unicorn)', () => {
    const e = engine([0xa9400020]); // ldp x0, x0, [x1]
    pattern(e);
    e.setX(1, DATA);
    run(e, 1);
    expect(x(e, 0)).toBe(0x8786858483828180n);
    const f = engine([0xa8c10821]); // ldp x1, x2, [x1], #16
    pattern(f);
    f.setX(1, DATA);
    run(f, 1);
    expect(x(f, 1)).toBe(BigInt(DATA + 16));
    expect(x(f, 2)).toBe(0x8f8e8d8c8b8a8988n);
  });

  it('a fault on the second load leaves registers unchanged and reports the pc', () => {
    const e = engine([0xd503201f, 0xa9400c41]); // nop ; ldp x1, x3, [x2]
    e.setX(2, 0x12ff8); // second doubleword is at 0x13000 (unmapped)
    e.setX(1, 7n);
    let err: unknown;
    try {
      run(e, 2);
    } catch (ex) {
      err = ex;
    }
    expect(err).toBeInstanceOf(MemoryFault);
    const m = err as MemoryFault;
    expect([m.access, m.kind, m.address, m.pc]).toEqual(['read', 'unmapped', 0x13000, CODE + 4]);
    expect(x(e, 1)).toBe(7n);
    expect(e.getPc()).toBe(CODE + 4);
  });
});

describe('ldst: faults', () => {
  it('unmapped read and write-protection faults carry access, kind and address', () => {
    const e = engine([0xf9400841]); // ldr x1, [x2, #16]
    e.setX(2, 0x50000);
    expect(() => run(e, 1)).toThrowError(MemoryFault);
    try {
      run(e, 1);
    } catch (ex) {
      const m = ex as MemoryFault;
      expect([m.access, m.kind, m.address]).toEqual(['read', 'unmapped', 0x50010]);
    }
    const f = engine([0xf9000441]); // str x1, [x2, #8]
    f.setX(2, RO);
    try {
      run(f, 1);
      expect.unreachable();
    } catch (ex) {
      const m = ex as MemoryFault;
      expect([m.access, m.kind, m.address]).toEqual(['write', 'protection', RO + 8]);
    }
  });

  it('a faulting load with writeback changes nothing', () => {
    const e = engine([0xf8408c41]); // ldr x1, [x2, #8]!
    e.setX(2, 0x50000);
    expect(() => run(e, 1)).toThrowError(MemoryFault);
    expect(x(e, 2)).toBe(0x50000n);
  });
});

describe('ldst: exclusives and acquire/release', () => {
  it('ldxr/stxr succeed, update memory and clear the monitor', () => {
    const e = engine([0xc85f7c41, 0xc8037c44, 0xc8037c44]); // ldxr x1,[x2]; stxr w3,x4,[x2]; stxr w3,x4,[x2]
    e.memWrite(DATA, le64(0x55n));
    e.setX(2, DATA);
    e.setX(4, 0x66n);
    run(e, 2);
    expect(x(e, 1)).toBe(0x55n);
    expect(x(e, 3)).toBe(0n);
    expect(rd64(e, DATA)).toBe(0x66n);
    e.setX(4, 0x77n);
    e.start(CODE + 8, CODE + 12);
    expect(x(e, 3)).toBe(1n);
    expect(rd64(e, DATA)).toBe(0x66n);
  });

  it('stxr fails without a monitor, at another address, or when memory changed', () => {
    const a = engine([0xc8037c44]);
    a.setX(2, DATA);
    a.setX(4, 9n);
    run(a, 1);
    expect(x(a, 3)).toBe(1n);
    expect(rd64(a, DATA)).toBe(0n);
    // ldxr ; str (changes the value) ; stxr → fails (QEMU compares the value)
    const b = engine([0xc85f7c41, 0xf9000045, 0xc8037c44]); // ldxr x1,[x2]; str x5,[x2]; stxr w3,x4,[x2]
    b.setX(2, DATA);
    b.setX(5, 1n);
    b.setX(4, 9n);
    run(b, 3);
    expect(x(b, 3)).toBe(1n);
    expect(rd64(b, DATA)).toBe(1n);
  });

  it('byte monitor then doubleword store-exclusive compares the zero-extended value', () => {
    const e = engine([0x085f7c41, 0xc8037c44]); // ldxrb w1,[x2]; stxr w3,x4,[x2]
    e.setX(2, DATA);
    e.setX(4, 0xabn);
    run(e, 2);
    expect(x(e, 3)).toBe(0n);
    expect(rd64(e, DATA)).toBe(0xabn);
  });

  it('ldaxp/stlxp of X registers and ldxp/stxp of W registers', () => {
    const e = engine([0xc87f9441, 0xc8239844]); // ldaxp x1,x5,[x2]; stlxp w3,x4,x6,[x2]
    pattern(e);
    e.setX(2, DATA);
    e.setX(4, 1n);
    e.setX(6, 2n);
    run(e, 2);
    expect(x(e, 1)).toBe(0x8786858483828180n);
    expect(x(e, 5)).toBe(0x8f8e8d8c8b8a8988n);
    expect(x(e, 3)).toBe(0n);
    expect(rd64(e, DATA)).toBe(1n);
    expect(rd64(e, DATA + 8)).toBe(2n);
    const f = engine([0x887f1441, 0x88231844]); // ldxp w1,w5,[x2]; stxp w3,w4,w6,[x2]
    pattern(f);
    f.setX(2, DATA);
    f.setX(4, 0x11n);
    f.setX(6, 0x22n);
    run(f, 2);
    expect(x(f, 1)).toBe(0x83828180n);
    expect(x(f, 5)).toBe(0x87868584n);
    expect(x(f, 3)).toBe(0n);
    expect(rd64(f, DATA)).toBe(0x2200000011n);
  });

  it('misaligned exclusives raise AlignmentFault at the instruction; ldar/stlr do not', () => {
    const e = engine([0xd503201f, 0xc85f7c41]); // nop ; ldxr x1, [x2]
    e.setX(2, DATA + 4);
    try {
      run(e, 2);
      expect.unreachable();
    } catch (ex) {
      expect(ex).toBeInstanceOf(AlignmentFault);
      const f = ex as AlignmentFault;
      expect([f.address, f.alignment, f.pc]).toEqual([DATA + 4, 8, CODE + 4]);
    }
    expect(e.getPc()).toBe(CODE + 4);
    // LDXP of X registers needs 16-byte alignment.
    const p = engine([0xc87f9441]);
    p.setX(2, DATA + 8);
    expect(() => run(p, 1)).toThrowError(AlignmentFault);
    // Unmapped comes before misaligned (Unicorn checks the page first).
    const u = engine([0xc85f7c41]);
    u.setX(2, 0x50004);
    expect(() => run(u, 1)).toThrowError(MemoryFault);
    const r = engine([0x88dffc41, 0xc89ffc44]); // ldar w1, [x2] ; stlr x4, [x2]
    pattern(r);
    r.setX(2, DATA + 1);
    r.setX(4, 0x1234n);
    run(r, 2);
    expect(x(r, 1)).toBe(0x84838281n);
    expect(rd64(r, DATA + 1)).toBe(0x1234n);
  });
});

describe('simd-ldst: structures', () => {
  const fill = (e: TsEngine) => {
    const b = new Uint8Array(256);
    for (let i = 0; i < 256; i++) b[i] = i;
    e.memWrite(DATA, b);
  };

  it('ld1 two registers with post-index, ld1 8b clears the upper half', () => {
    const e = engine([0x4cdfa000, 0x0c407000]); // ld1 {v0.16b, v1.16b}, [x0], #32 ; ld1 {v0.8b}, [x0]
    fill(e);
    e.setX(0, DATA);
    run(e, 1);
    expect(e.regRead('q0')).toBe(0x0f0e0d0c0b0a09080706050403020100n);
    expect(e.regRead('q1')).toBe(0x1f1e1d1c1b1a19181716151413121110n);
    expect(x(e, 0)).toBe(BigInt(DATA + 32));
    e.start(CODE + 4, CODE + 8);
    expect(e.regRead('q0')).toBe(0x2726252423222120n);
  });

  it('ld2 de-interleaves, st2 interleaves back', () => {
    const e = engine([0x4c408800, 0x4c008820]); // ld2 {v0.4s, v1.4s}, [x0] ; st2 {v0.4s, v1.4s}, [x1]
    fill(e);
    e.setX(0, DATA);
    e.setX(1, DATA + 0x100);
    run(e, 2);
    expect(e.regRead('q0')).toBe(0x1b1a191813121110_0b0a090803020100n);
    expect(e.regRead('q1')).toBe(0x1f1e1d1c17161514_0f0e0d0c07060504n);
    expect([...e.memRead(DATA + 0x100, 32)]).toEqual([...e.memRead(DATA, 32)]);
  });

  it('ld3 with register post-index; ld4/st4 wrap from v31 to v0', () => {
    const e = engine([0x0cc24000]); // ld3 {v0.8b, v1.8b, v2.8b}, [x0], x2
    fill(e);
    e.setX(0, DATA);
    e.setX(2, 100n);
    run(e, 1);
    expect(e.regRead('q0')).toBe(0x15120f0c09060300n);
    expect(e.regRead('q1')).toBe(0x1613100d0a070401n);
    expect(e.regRead('q2')).toBe(0x1714110e0b080502n);
    expect(x(e, 0)).toBe(BigInt(DATA + 100));
    const f = engine([0x4c40001e, 0x4c9f003e]); // ld4 {v30..v1}.16b, [x0] ; st4 ..., [x1], #64
    fill(f);
    f.setX(0, DATA);
    f.setX(1, DATA + 0x100);
    run(f, 2);
    expect(f.regRead('q31')).toBe(0x3d3935312d2925211d1915110d090501n);
    expect(x(f, 1)).toBe(BigInt(DATA + 0x140));
    expect([...f.memRead(DATA + 0x100, 64)]).toEqual([...f.memRead(DATA, 64)]);
  });

  it('single lanes, replicate, ld1 four registers, st1 1d', () => {
    const e = engine([
      0x4ddf8000, // ld1 {v0.s}[2], [x0], #4
      0x4d004820, // st1 {v0.h}[5], [x1]
      0x4d40c803, // ld1r {v3.4s}, [x0]
      0x0dffc004, // ld2r {v4.8b, v5.8b}, [x0], #2
    ]);
    fill(e);
    e.setX(0, DATA);
    e.setX(1, DATA + 0x100);
    e.regWrite('q0', 0xffeeddccbbaa99887766554433221100n);
    run(e, 4);
    expect(e.regRead('q0')).toBe(0xffeeddcc03020100_7766554433221100n);
    expect([...e.memRead(DATA + 0x100, 2)]).toEqual([0x02, 0x03]);
    expect(e.regRead('q3')).toBe(0x07060504070605040706050407060504n);
    expect(e.regRead('q4')).toBe(0x0404040404040404n);
    expect(e.regRead('q5')).toBe(0x0505050505050505n);
    expect(x(e, 0)).toBe(BigInt(DATA + 6));
    const f = engine([0x4c402c00, 0x0c00ac20]); // ld1 {v0.2d-v3.2d}, [x0] ; st1 {v0.1d, v1.1d}, [x1]
    fill(f);
    f.setX(0, DATA);
    f.setX(1, DATA + 0x100);
    run(f, 2);
    expect(f.regRead('q3')).toBe(0x3f3e3d3c3b3a39383736353433323130n);
    expect(rd64(f, DATA + 0x108)).toBe(0x1716151413121110n);
  });

  it('structure load faults report the element address', () => {
    const e = engine([0x4c408800]); // ld2 {v0.4s, v1.4s}, [x0]
    e.setX(0, 0x12ff0);
    try {
      run(e, 1);
      expect.unreachable();
    } catch (ex) {
      const m = ex as MemoryFault;
      expect([m.access, m.kind, m.address]).toEqual(['read', 'unmapped', 0x13000]);
    }
  });
});
