/**
 * Semantics of the integer, branch and system instructions of the ts engine on concrete values.
 * The table values were produced by Unicorn 2.0.1 (python3-unicorn) for the listed encodings
 * (encodings from llvm-mc-16); edge cases are checked against the ARM ARM definitions.
 */
import { describe, expect, it } from 'vitest';
import { INTNO_BRK, INTNO_SVC } from '../../src/emu/engine.ts';
import { UndefinedInstruction } from '../../src/emu/errors.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';

const CODE = 0x10000;
const DATA = 0x40000;
const M64 = 0xffffffffffffffffn;

function engine(words: number[], regs: Record<number, bigint> = {}, nzcv = 0): TsEngine {
  const e = new TsEngine();
  e.memMap(CODE, 0x1000, 7);
  e.memMap(DATA, 0x1000, 3);
  const bytes = new Uint8Array(words.length * 4);
  const dv = new DataView(bytes.buffer);
  words.forEach((w, i) => {
    dv.setUint32(4 * i, w >>> 0, true);
  });
  e.memWrite(CODE, bytes);
  for (const [k, v] of Object.entries(regs)) e.setX(Number(k), v);
  e.regWrite('nzcv', BigInt(nzcv >>> 0));
  return e;
}

/** Runs the words (straight-line) and returns the engine. */
function run(words: number[], regs: Record<number, bigint> = {}, nzcv = 0): TsEngine {
  const e = engine(words, regs, nzcv);
  e.start(CODE, CODE + 4 * words.length);
  return e;
}

const x = (e: TsEngine, i: number): bigint => e.getX(i) & M64;
const flags = (e: TsEngine): number => Number(e.regRead('nzcv') >> 28n);

const X1 = 0x123456789abcdef0n;
const X2 = 0xfedcba9876543210n;
const X3 = 0x1111n;

// [text, word, nzcv in, x0 out, NZCV out] with x0 = 0xaaaa..., x1 = X1, x2 = X2, x3 = X3.
const TABLE: [string, number, number, bigint, number][] = [
  ['adds x0, x1, x2', 0xab020020, 0x20000000, 0x1111111111111100n, 0x2],
  ['subs w0, w1, w2', 0x6b020020, 0x90000000, 0x000000002468ace0n, 0x3],
  ['adc x0, x1, x2', 0x9a020020, 0x20000000, 0x1111111111111101n, 0x2],
  ['adc x0, x1, x2', 0x9a020020, 0x90000000, 0x1111111111111100n, 0x9],
  ['sbcs x0, x1, x2', 0xfa020020, 0x20000000, 0x13579be02468ace0n, 0x0],
  ['sbcs x0, x1, x2', 0xfa020020, 0x90000000, 0x13579be02468acdfn, 0x0],
  ['and x0, x1, #0xff00ff00ff00ff00', 0x92089c20, 0x20000000, 0x120056009a00de00n, 0x2],
  ['ands w0, w1, #0x80000000', 0x72010020, 0x20000000, 0x0000000080000000n, 0x8],
  ['movk x0, #0xbeef, lsl #48', 0xf2f7dde0, 0x90000000, 0xbeefaaaaaaaaaaaan, 0x9],
  ['ubfx x0, x1, #4, #8', 0xd3442c20, 0x20000000, 0x00000000000000efn, 0x2],
  ['asr x0, x1, #60', 0x937cfc20, 0x20000000, 0x0000000000000001n, 0x2],
  ['bfi x0, x1, #8, #16', 0xb3783c20, 0x20000000, 0xaaaaaaaaaadef0aan, 0x2],
  ['lsl x0, x1, #36', 0xd35c6c20, 0x20000000, 0xabcdef0000000000n, 0x2],
  ['asr w0, w1, #31', 0x131f7c20, 0x20000000, 0x00000000ffffffffn, 0x2],
  ['sxtw x0, w1', 0x93407c20, 0x20000000, 0xffffffff9abcdef0n, 0x2],
  ['uxtb w0, w1', 0x53001c20, 0x20000000, 0x00000000000000f0n, 0x2],
  ['extr x0, x1, x2, #40', 0x93c2a020, 0x20000000, 0x789abcdef0fedcban, 0x2],
  ['ror w0, w1, #8', 0x13812020, 0x20000000, 0x00000000f09abcden, 0x2],
  ['csneg x0, x1, x2, ge', 0xda82a420, 0x90000000, 0x123456789abcdef0n, 0x9],
  ['ccmp x1, x2, #2, ne', 0xfa421022, 0x20000000, 0xaaaaaaaaaaaaaaaan, 0x0],
  ['rbit x0, x1', 0xdac00020, 0x20000000, 0x0f7b3d591e6a2c48n, 0x2],
  ['rev x0, x1', 0xdac00c20, 0x20000000, 0xf0debc9a78563412n, 0x2],
  ['rev16 w0, w1', 0x5ac00420, 0x20000000, 0x00000000bc9af0den, 0x2],
  ['rev32 x0, x1', 0xdac00820, 0x20000000, 0x78563412f0debc9an, 0x2],
  ['clz x0, x1', 0xdac01020, 0x20000000, 0x0000000000000003n, 0x2],
  ['cls w0, w1', 0x5ac01420, 0x20000000, 0x0000000000000000n, 0x2],
  ['udiv x0, x1, x2', 0x9ac20820, 0x20000000, 0x0000000000000000n, 0x2],
  ['sdiv x0, x1, x2', 0x9ac20c20, 0x20000000, 0xfffffffffffffff1n, 0x2],
  ['lsl x0, x1, x2', 0x9ac22020, 0x20000000, 0x56789abcdef00000n, 0x2],
  ['asr x0, x1, x2', 0x9ac22820, 0x20000000, 0x0000123456789abcn, 0x2],
  ['ror w0, w1, w2', 0x1ac22c20, 0x20000000, 0x00000000def09abcn, 0x2],
  ['mul x0, x1, x2', 0x9b027c20, 0x20000000, 0x236d88fe5618cf00n, 0x2],
  ['madd x0, x1, x2, x3', 0x9b020c20, 0x20000000, 0x236d88fe5618e011n, 0x2],
  ['msub x0, x1, x2, x3', 0x9b028c20, 0x20000000, 0xdc927701a9e74211n, 0x2],
  ['smull x0, w1, w2', 0x9b227c20, 0x20000000, 0xd131c0ee5618cf00n, 0x2],
  ['umull x0, w1, w2', 0x9ba27c20, 0x20000000, 0x4785f2fe5618cf00n, 0x2],
  ['smulh x0, x1, x2', 0x9b427c20, 0x20000000, 0xffeb49923cc09532n, 0x2],
  ['umulh x0, x1, x2', 0x9bc27c20, 0x20000000, 0x121fa00ad77d7422n, 0x2],
  ['add x0, x1, w2, sxtb #2', 0x8b228820, 0x20000000, 0x123456789abcdf30n, 0x2],
  ['sub x0, x1, x2, asr #4', 0xcb821020, 0x20000000, 0x12468acf13579bcfn, 0x2],
  ['bics x0, x1, x2, lsl #4', 0xea221020, 0x90000000, 0x123456789abcdef0n, 0x0],
  ['eon w0, w1, w2, ror #4', 0x4ae21020, 0x20000000, 0x000000006226622en, 0x2],
];

describe('isa-int: data processing (values from Unicorn)', () => {
  for (const [text, word, nzcv, out, f] of TABLE) {
    it(`${text} [nzcv in ${(nzcv >>> 28).toString(2).padStart(4, '0')}]`, () => {
      const e = run([word], { 0: 0xaaaaaaaaaaaaaaaan, 1: X1, 2: X2, 3: X3 }, nzcv);
      expect(x(e, 0).toString(16)).toBe(out.toString(16));
      expect(flags(e)).toBe(f);
    });
  }
});

describe('isa-int: flags and edge cases', () => {
  it('adds: signed overflow to INT64_MIN sets N and V', () => {
    const e = run([0xab020020], { 1: 0x7fffffffffffffffn, 2: 1n });
    expect(x(e, 0)).toBe(0x8000000000000000n);
    expect(flags(e)).toBe(0b1001);
  });
  it('cmp x1, x2 with equal values sets Z and C; cmp 0, 1 sets N only', () => {
    expect(flags(run([0xeb02003f], { 1: 5n, 2: 5n }))).toBe(0b0110);
    expect(flags(run([0xeb02003f], { 1: 0n, 2: 1n }))).toBe(0b1000);
  });
  it('subs w0, w1, w2: 0 - 1 is 0xffffffff with the upper half cleared', () => {
    const e = run([0x6b020020], { 0: M64, 1: 0xffffffff00000000n, 2: 1n });
    expect(x(e, 0)).toBe(0xffffffffn);
    expect(flags(e)).toBe(0b1000);
  });
  it('add sp, sp, #0x10 and sub x0, sp, #1, lsl #12 use SP for register 31', () => {
    const e = run([0x910043ff, 0xd14007e0], { 31: 0x8000n });
    expect(e.regRead('sp')).toBe(0x8010n);
    expect(x(e, 0)).toBe(0x7010n);
  });
  it('mov x0, #0x5555555555555555 (orr immediate) and movz/movn forms', () => {
    expect(x(run([0xb200f3e0]), 0)).toBe(0x5555555555555555n);
    expect(x(run([0xd2c24680]), 0)).toBe(0x123400000000n);
    expect(x(run([0x12800000], { 0: M64 }), 0)).toBe(0xffffffffn);
  });
  it('cset w0, lo and csel x0, x1, x2, eq follow the flags', () => {
    expect(x(run([0x1a9f27e0], {}, 0x00000000), 0)).toBe(1n);
    expect(x(run([0x1a9f27e0], {}, 0x20000000), 0)).toBe(0n);
    expect(x(run([0x9a820020], { 1: 11n, 2: 22n }, 0x40000000), 0)).toBe(11n);
    expect(x(run([0x9a820020], { 1: 11n, 2: 22n }, 0), 0)).toBe(22n);
  });
  it('division: by zero gives 0, INT_MIN / -1 gives INT_MIN, wide unsigned quotients', () => {
    expect(x(run([0x9ac20820], { 1: 1234n, 2: 0n }), 0)).toBe(0n);
    expect(x(run([0x9ac20c20], { 1: 1234n, 2: 0n }), 0)).toBe(0n);
    expect(x(run([0x9ac20c20], { 1: 0x8000000000000000n, 2: M64 }), 0)).toBe(0x8000000000000000n);
    expect(x(run([0x1ac20c20], { 1: 0x80000000n, 2: 0xffffffffn }), 0)).toBe(0x80000000n);
    expect(x(run([0x9ac20820], { 1: 0xfedcba9876543210n, 2: 0x123456789n }), 0)).toBe(0xe0000000n);
    expect(x(run([0x9ac20820], { 1: M64, 2: 3n }), 0)).toBe(0x5555555555555555n);
    expect(x(run([0x9ac20820], { 1: M64, 2: 0x100000001n }), 0)).toBe(0xffffffffn);
    expect(x(run([0x9ac20c20], { 1: M64 - 6n, 2: 2n }), 0)).toBe(M64 - 2n); // -7 / 2 = -3
  });
  it('variable shifts take the amount modulo the register size', () => {
    expect(x(run([0x9ac22020], { 1: 1n, 2: 65n }), 0)).toBe(2n);
    expect(x(run([0x1ac22c20], { 1: 0x80000001n, 2: 33n }), 0)).toBe(0xc0000000n);
  });
});

describe('isa-int: branches', () => {
  it('b.ne, cbz and tbnz take or skip as the state says', () => {
    // b.ne .+8 ; mov x0, #1 ; (target) ...
    const bne = 0x54000041;
    expect(engine([bne]).start(CODE, 0, { count: 1 }).pc).toBe(CODE + 8);
    expect(engine([bne], {}, 0x40000000).start(CODE, 0, { count: 1 }).pc).toBe(CODE + 4);
    expect(engine([0x34000041], { 1: 0x100000000n }).start(CODE, 0, { count: 1 }).pc).toBe(CODE + 8); // cbz w1
    expect(engine([0xb7400041], { 1: 1n << 40n }).start(CODE, 0, { count: 1 }).pc).toBe(CODE + 8); // tbnz x1, #40
    expect(engine([0xb7400041], { 1: 1n << 39n }).start(CODE, 0, { count: 1 }).pc).toBe(CODE + 4);
  });
  it('bl sets x30; blr x30 jumps to the old x30 and links; ret x2', () => {
    const e = engine([0x94000010]);
    expect(e.start(CODE, 0, { count: 1 }).pc).toBe(CODE + 0x40);
    expect(x(e, 30)).toBe(BigInt(CODE + 4));
    const f = engine([0xd63f03c0], { 30: 0x12340n });
    expect(f.start(CODE, 0, { count: 1 }).pc).toBe(0x12340);
    expect(x(f, 30)).toBe(BigInt(CODE + 4));
    expect(engine([0xd65f0040], { 2: 0x777000n }).start(CODE, 0, { count: 1 }).pc).toBe(0x777000);
  });
  it('adr and adrp bake their own address', () => {
    expect(x(run([0x10000800]), 0)).toBe(BigInt(CODE + 0x100));
    const e = engine([0xd503201f, 0xf0000000]);
    e.start(CODE, CODE + 8);
    expect(x(e, 0)).toBe(BigInt(CODE + 0x3000));
  });
});

describe('isa-int: system', () => {
  it('svc reports INTNO_SVC with pc after it; brk keeps pc at the brk', () => {
    const seen: [number, number][] = [];
    const e = engine([0xd40000a1, 0xd42000e0]);
    e.hookAdd('intr', (n) => {
      seen.push([n, e.getPc()]);
      if (n === INTNO_BRK) e.stop();
    });
    e.start(CODE, CODE + 8);
    expect(seen).toEqual([
      [INTNO_SVC, CODE + 4],
      [INTNO_BRK, CODE + 4],
    ]);
  });
  it('hvc, udf, msr daifset and mrs daif are undefined at EL0', () => {
    for (const w of [0xd4000002, 0x00000000, 0xd50342df, 0xd53b4220]) {
      expect(() => run([w])).toThrow(UndefinedInstruction);
    }
  });
  it('hints (yield, hint #0x7f), barriers and clrex execute as no-ops', () => {
    const e = engine([0xd503203f, 0xd5032fff, 0xd5033f9f, 0xd5033fbf, 0xd5033fdf, 0xd5033f5f], { 5: 7n });
    e.cpu.exclAddr = 0x1234;
    e.start(CODE, CODE + 24);
    expect(e.cpu.exclAddr).toBe(-1);
    expect(x(e, 5)).toBe(7n);
  });
  it('msr/mrs nzcv, fpcr (masked as on a Cortex-A72) and tpidr_el0', () => {
    const e = run([0xd51b4201, 0xd53b4200], { 1: M64 });
    expect(x(e, 0)).toBe(0xf0000000n);
    expect(flags(e)).toBe(0xf);
    expect(x(run([0xd51b4401, 0xd53b4400], { 1: M64 }), 0)).toBe(0x07f70000n);
    const t = run([0xd51bd041, 0xd53bd040], { 1: 0x1122334455667788n });
    expect(x(t, 0)).toBe(0x1122334455667788n);
    expect(t.regRead('tpidr_el0')).toBe(0x1122334455667788n);
  });
  it('identification registers read Cortex-A72 values', () => {
    expect(x(run([0xd53b0020]), 0)).toBe(0x8444c004n); // CTR_EL0
    expect(x(run([0xd53b00e0]), 0)).toBe(4n); // DCZID_EL0
    expect(x(run([0xd53be000]), 0)).toBe(62500000n); // CNTFRQ_EL0
    expect(x(run([0xd5380000]), 0)).toBe(0x410fd083n); // MIDR_EL1
  });
  it('cntvct_el0 counts the instructions retired before the mrs', () => {
    const e = run([0xd503201f, 0xd503201f, 0xd503201f, 0xd53be040]);
    expect(x(e, 0)).toBe(3n);
    expect(e.instructionCount()).toBe(4);
  });
  it('dc zva zeroes the aligned 64-byte block holding the address', () => {
    const e = engine([0xd50b7421], { 1: BigInt(DATA + 0x47) });
    e.memWrite(DATA, new Uint8Array(256).fill(0xee));
    e.start(CODE, CODE + 4);
    const m = e.memRead(DATA, 256);
    expect([m[0x3f], m[0x40], m[0x7f], m[0x80]]).toEqual([0xee, 0, 0, 0xee]);
  });
});
