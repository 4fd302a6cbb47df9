/**
 * Disassembly of every FP / AdvSIMD-FP encoding against llvm-objdump-16, and decode exactness:
 * random words inside each of our patterns either decode to our definition and print exactly
 * as llvm-objdump prints them, or are rejected by us, in which case LLVM must call them unknown
 * or name an instruction from a later architecture version (FP16, BF16, FRINT32/64, ...), which
 * the ARMv8.0 CPU we model treats as undefined.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { compilePattern } from '../../src/emu/ts/decoder.ts';
import { defs as fpDefs } from '../../src/emu/ts/isa/fp.ts';
import { decodeWord, disassemble } from '../../src/emu/ts/isa/index.ts';
import { defs as simdFpDefs } from '../../src/emu/ts/isa/simd_fp.ts';
import { describeWithOracles } from '../support/oracles.ts';

const ASM = `
fmov w1, s2
fmov s3, wzr
fmov x4, d5
fmov d6, x7
fmov x8, v9.d[1]
fmov v10.d[1], xzr
fcvtns w0, s1
fcvtnu x2, d3
fcvtps w4, d5
fcvtpu x6, s7
fcvtms w8, s9
fcvtmu x10, d11
fcvtzs w12, s13
fcvtzu x14, d15
fcvtas w16, d17
fcvtau x18, s19
fcvtzs w20, s21, #32
fcvtzu x22, d23, #1
fcvtzs x24, d25, #64
scvtf s0, w1
ucvtf d2, x3
scvtf d4, w5, #7
ucvtf s6, x7, #64
fmov s0, s1
fabs d2, d3
fneg s4, s5
fsqrt d6, d7
fcvt d0, s1
fcvt h2, s3
fcvt s4, d5
fcvt h6, d7
fcvt s8, h9
fcvt d10, h11
frintn s0, s1
frintp d2, d3
frintm s4, s5
frintz d6, d7
frinta s8, s9
frintx d10, d11
frinti s12, s13
fcmp s0, s1
fcmp d2, #0.0
fcmpe s3, s4
fcmpe d5, #0.0
fccmp s0, s1, #0, eq
fccmpe d2, d3, #15, hi
fcsel s4, s5, s6, lt
fcsel d7, d8, d9, nv
fmul s0, s1, s2
fdiv d3, d4, d5
fadd s6, s7, s8
fsub d9, d10, d11
fmax s12, s13, s14
fmin d15, d16, d17
fmaxnm s18, s19, s20
fminnm d21, d22, d23
fnmul s24, s25, s26
fmov s0, #2.0
fmov d1, #-0.1875
fmov s2, #31.0
fmadd s0, s1, s2, s3
fmsub d4, d5, d6, d7
fnmadd s8, s9, s10, s11
fnmsub d12, d13, d14, d15
fadd v0.4s, v1.4s, v2.4s
fsub v3.2s, v4.2s, v5.2s
fmul v6.2d, v7.2d, v8.2d
fdiv v9.4s, v10.4s, v11.4s
fmax v0.2d, v1.2d, v2.2d
fmin v0.2s, v1.2s, v2.2s
fmaxnm v0.4s, v1.4s, v2.4s
fminnm v0.2d, v1.2d, v2.2d
fmla v0.4s, v1.4s, v2.4s
fmls v0.2d, v1.2d, v2.2d
fmulx v0.2s, v1.2s, v2.2s
frecps v0.4s, v1.4s, v2.4s
frsqrts v0.2d, v1.2d, v2.2d
fabd v0.4s, v1.4s, v2.4s
facge v0.2s, v1.2s, v2.2s
facgt v0.2d, v1.2d, v2.2d
fcmeq v0.4s, v1.4s, v2.4s
fcmge v0.2d, v1.2d, v2.2d
fcmgt v0.2s, v1.2s, v2.2s
faddp v0.4s, v1.4s, v2.4s
fmaxp v0.2d, v1.2d, v2.2d
fminp v0.2s, v1.2s, v2.2s
fmaxnmp v0.4s, v1.4s, v2.4s
fminnmp v0.2d, v1.2d, v2.2d
fmulx s0, s1, s2
frecps d0, d1, d2
frsqrts s0, s1, s2
fabd d0, d1, d2
facge s0, s1, s2
facgt d0, d1, d2
fcmeq s0, s1, s2
fcmge d0, d1, d2
fcmgt s0, s1, s2
fabs v0.4s, v1.4s
fneg v0.2d, v1.2d
fsqrt v0.2s, v1.2s
frintn v0.4s, v1.4s
frintm v0.2d, v1.2d
frintp v0.2s, v1.2s
frintz v0.4s, v1.4s
frinta v0.2d, v1.2d
frintx v0.2s, v1.2s
frinti v0.4s, v1.4s
fcvtns v0.4s, v1.4s
fcvtms v0.2d, v1.2d
fcvtas v0.2s, v1.2s
fcvtps v0.4s, v1.4s
fcvtzs v0.2d, v1.2d
fcvtnu v0.2s, v1.2s
fcvtmu v0.4s, v1.4s
fcvtau v0.2d, v1.2d
fcvtpu v0.2s, v1.2s
fcvtzu v0.4s, v1.4s
scvtf v0.2d, v1.2d
ucvtf v0.2s, v1.2s
frecpe v0.4s, v1.4s
frsqrte v0.2d, v1.2d
fcmgt v0.4s, v1.4s, #0.0
fcmeq v0.2d, v1.2d, #0.0
fcmlt v0.2s, v1.2s, #0.0
fcmge v0.4s, v1.4s, #0.0
fcmle v0.2d, v1.2d, #0.0
fcvtns s0, s1
fcvtms d0, d1
fcvtas s0, s1
fcvtps d0, d1
fcvtzs s0, s1
fcvtnu d0, d1
fcvtmu s0, s1
fcvtau d0, d1
fcvtpu s0, s1
fcvtzu d0, d1
scvtf s0, s1
ucvtf d0, d1
frecpe s0, s1
frsqrte d0, d1
frecpx s0, s1
fcmgt d0, d1, #0.0
fcmeq s0, s1, #0.0
fcmlt d0, d1, #0.0
fcmge s0, s1, #0.0
fcmle d0, d1, #0.0
fcvtn v0.4h, v1.4s
fcvtn2 v0.8h, v1.4s
fcvtn v0.2s, v1.2d
fcvtn2 v0.4s, v1.2d
fcvtxn v0.2s, v1.2d
fcvtxn2 v0.4s, v1.2d
fcvtxn s0, d1
fcvtl v0.4s, v1.4h
fcvtl2 v0.4s, v1.8h
fcvtl v0.2d, v1.2s
fcvtl2 v0.2d, v1.4s
faddp s0, v1.2s
faddp d0, v1.2d
fmaxp s0, v1.2s
fminp d0, v1.2d
fmaxnmp s0, v1.2s
fminnmp d0, v1.2d
fmaxv s0, v1.4s
fminv s0, v1.4s
fmaxnmv s0, v1.4s
fminnmv s0, v1.4s
fmla v0.4s, v1.4s, v2.s[3]
fmls v0.2s, v1.2s, v31.s[0]
fmul v0.2d, v1.2d, v17.d[1]
fmulx v0.4s, v1.4s, v16.s[2]
fmla s0, s1, v2.s[1]
fmls d0, d1, v2.d[1]
fmul s0, s1, v31.s[3]
fmulx d0, d1, v2.d[0]
scvtf v0.4s, v1.4s, #1
ucvtf v0.2d, v1.2d, #64
fcvtzs v0.2s, v1.2s, #32
fcvtzu v0.2d, v1.2d, #3
scvtf s0, s1, #32
ucvtf d0, d1, #1
fcvtzs d0, d1, #64
fcvtzu s0, s1, #9
fmov v0.4s, #1.0
fmov v1.2s, #-2.5
fmov v2.2d, #0.125
`;

/** Mnemonics LLVM knows that our ARMv8.0 model leaves undefined (or that belong to other tables). */
const LATER =
  /^(bfcvt|bfcvtn2?|bfmlal[bt]|bfdot|bfmmla|fmlal2?|fmlsl2?|fcmla|fcadd|frint(32|64)[xz]|fjcvtzs|sdot|udot|usdot|sudot|sqrdml[as]h)\b|\bh\d|\.\d?h\b/;

function objdump(lines: string[]): { word: number; text: string }[] {
  const dir = mkdtempSync(join(tmpdir(), 'isa-fp-'));
  try {
    writeFileSync(join(dir, 'a.s'), `${lines.join('\n')}\n`);
    execFileSync('llvm-mc-16', ['-triple=aarch64', '-filetype=obj', join(dir, 'a.s'), '-o', join(dir, 'a.o')]);
    const txt = execFileSync('llvm-objdump-16', ['-d', join(dir, 'a.o')], { maxBuffer: 1 << 28 }).toString();
    return txt
      .split('\n')
      .map((l) => /^\s+[0-9a-f]+:\s+([0-9a-f]{8})\s+(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ word: Number.parseInt(m[1] as string, 16), text: norm(m[2] as string) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const norm = (t: string) =>
  t
    .replace(/\s*\/\/.*$/, '')
    .replace(/\s+/g, ' ')
    .trim();

describeWithOracles(['llvm-mc', 'llvm-objdump'], 'FP disassembly matches llvm-objdump-16', () => {
  it('every mnemonic and form', () => {
    const lines = ASM.trim().split('\n');
    const got = objdump(lines);
    expect(got.length).toBe(lines.length);
    const bad = got
      .map(({ word, text }) => ({ word, text, ours: norm(disassemble(word, 0)) }))
      .filter((r) => r.ours !== r.text);
    expect(bad).toEqual([]);
  });

  it('random words inside our patterns: same text, or undefined on both sides', () => {
    const ours = [...fpDefs, ...simdFpDefs];
    const ids = new Set(ours.map((d) => d.id));
    let seed = 0x5eed;
    const rnd = () => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (t ^ (t >>> 14)) >>> 0;
    };
    const words: number[] = [];
    for (const d of ours.map(compilePattern)) {
      for (let k = 0; k < 150; k++) words.push(((rnd() & ~d.mask) | d.value) >>> 0);
    }
    const got = objdump(words.map((w) => `.inst 0x${w.toString(16).padStart(8, '0')}`));
    expect(got.length).toBe(words.length);
    const bad: string[] = [];
    for (const { word, text } of got) {
      const d = decodeWord(word);
      if (d !== null && ids.has(d.def.id)) {
        const mine = norm(disassemble(word, 0));
        if (mine !== text) bad.push(`${word.toString(16)}: ours '${mine}' llvm '${text}'`);
      } else if (d === null && !text.startsWith('<unknown>') && !LATER.test(text)) {
        bad.push(`${word.toString(16)}: undefined for us, llvm '${text}'`);
      }
    }
    expect(bad).toEqual([]);
  });
});

it('ARMv8.2+ FP encodings are undefined (FP16 arithmetic, FJCVTZS, FRINT32/64, BFCVT)', () => {
  for (const w of [
    0x1ee22820, // fadd h0, h1, h2
    0x1ee1c020, // fsqrt h0, h1
    0x1ee01000, // fmov h0, #2.0
    0x1e7e0020, // fjcvtzs w0, d1
    0x1e284020, // frint32z s0, s1
    0x1e29c020, // frint64x s0, s1
    0x1e634020, // bfcvt h0, s1
    0x4e401420, // fadd v0.8h, v1.8h, v0.8h
    0x0ef8f820, // fabs v0.4h, v1.4h
    0x4f03fc93, // fmov v19.8h, #0.625
    0x0f19e560, // scvtf v0.4h, v11.4h, #7
    0x5e30d820, // faddp h0, v1.2h
    0x0e30f820, // fmaxv h0, v1.4h
    0x9ee60020, // fmov x0, h1
  ]) {
    expect(decodeWord(w), `0x${w.toString(16)} ${disassemble(w)}`).toBeNull();
  }
});
