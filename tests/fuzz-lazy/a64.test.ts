/**
 * The fuzzer's own AArch64 encoder against llvm-mc-16 (every helper, operands drawn by fast-check
 * with a fixed seed), and its ELF objects against llvm-objdump-16 (relocations as written).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { A, type Insn } from '../../src/fuzz/lazy/a64.ts';
import { objectBytes } from '../../src/fuzz/lazy/codegen.ts';
import type { Program } from '../../src/fuzz/lazy/program.ts';
import { describeWithOracles, oracle } from '../support/oracles.ts';

const r = fc.integer({ min: 0, max: 30 });
const insnArb: fc.Arbitrary<Insn> = fc.oneof(
  fc.tuple(r, fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 3 })).map(([d, i, h]) => A.movz(d, i, h)),
  fc.tuple(r, fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 3 })).map(([d, i, h]) => A.movk(d, i, h)),
  fc.tuple(r, r).map(([d, m]) => A.mov(d, m)),
  fc.tuple(r, r, r).map(([d, n, m]) => A.eor(d, n, m)),
  fc.tuple(r, r, r).map(([d, n, m]) => A.add(d, n, m)),
  fc.tuple(r, r, fc.integer({ min: 0, max: 4095 })).map(([d, n, i]) => A.addImm(d, n, i)),
  fc.tuple(r, r, fc.integer({ min: 0, max: 4095 })).map(([d, n, i]) => A.subImm(d, n, i)),
  fc.tuple(r, r, fc.integer({ min: 1, max: 63 })).map(([d, n, s]) => A.ror(d, n, s)),
  fc.tuple(r, fc.integer({ min: 0, max: 31 })).map(([d, n]) => A.fmovXD(d, n)),
  fc.tuple(fc.integer({ min: 0, max: 31 }), r).map(([d, n]) => A.fmovDX(d, n)),
  fc.tuple(r, fc.integer({ min: 0, max: 31 })).map(([d, n]) => A.umovHi(d, n)),
  fc.tuple(fc.integer({ min: 0, max: 31 }), r).map(([d, n]) => A.insHi(d, n)),
  fc.tuple(r, r, fc.constant(31), fc.integer({ min: -64, max: 63 })).map(([a, b, n, i]) => A.stpPre(a, b, n, 8 * i)),
  fc
    .tuple(r, r, fc.constant(31), fc.integer({ min: -64, max: 63 }))
    .filter(([a, b]) => a !== b) // ldp with Rt == Rt2 is unpredictable
    .map(([a, b, n, i]) => A.ldpPost(a, b, n, 8 * i)),
  fc.tuple(r, r, r, fc.integer({ min: -64, max: 63 })).map(([a, b, n, i]) => A.stp(a, b, n, 8 * i)),
  fc
    .tuple(r, r, r, fc.integer({ min: -64, max: 63 }))
    .filter(([a, b]) => a !== b)
    .map(([a, b, n, i]) => A.ldp(a, b, n, 8 * i)),
  fc.tuple(r, r, fc.integer({ min: 0, max: 4095 })).map(([t, n, i]) => A.str(t, n, 8 * i)),
  fc.tuple(r, r, fc.integer({ min: 0, max: 4095 })).map(([t, n, i]) => A.ldr(t, n, 8 * i)),
  fc
    .tuple(fc.integer({ min: 0, max: 31 }), r, fc.integer({ min: 0, max: 4095 }))
    .map(([t, n, i]) => A.strD(t, n, 8 * i)),
  fc
    .tuple(fc.integer({ min: 0, max: 31 }), r, fc.integer({ min: 0, max: 4095 }))
    .map(([t, n, i]) => A.ldrD(t, n, 8 * i)),
  fc
    .tuple(fc.integer({ min: 0, max: 31 }), r, fc.integer({ min: 0, max: 4095 }))
    .map(([t, n, i]) => A.strQ(t, n, 16 * i)),
  fc
    .tuple(fc.integer({ min: 0, max: 31 }), r, fc.integer({ min: 0, max: 4095 }))
    .map(([t, n, i]) => A.ldrQ(t, n, 16 * i)),
  fc.tuple(r, r).map(([d, m]) => A.mvn(d, m)),
  r.map((d) => A.adrp(d)),
  r.map((n) => A.blr(n)),
  r.map((n) => A.br(n)),
  fc.constantFrom(A.ret(), A.nop(), A.bl(), A.b()),
);

describeWithOracles(['llvm-mc', 'llvm-objdump'], 'fuzz-lazy encoder and objects', () => {
  it('encodes 600 drawn instructions exactly as llvm-mc-16', () => {
    const insns = [
      ...fc.sample(insnArb, { seed: 16, numRuns: 600 }),
      A.stpPre(29, 30, 31, -48),
      A.ldpPost(29, 30, 31, 48),
    ];
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-lazy-a64-'));
    const src = join(dir, 'a.s');
    writeFileSync(src, `${insns.map((i) => i.text).join('\n')}\n`);
    const out = execFileSync(
      oracle('llvm-mc').detail,
      ['-triple=aarch64', '-mattr=+fp-armv8,+neon', '-show-encoding', src],
      {
        encoding: 'utf8',
      },
    );
    const words = [...out.matchAll(/encoding: \[0x(..),0x(..),0x(..),0x(..)\]/g)].map(
      (m) => Number.parseInt(`${m[4]}${m[3]}${m[2]}${m[1]}`, 16) >>> 0,
    );
    expect(words.length).toBe(insns.length);
    insns.forEach((insn, k) => {
      expect(`${insn.text}: ${insn.word.toString(16)}`).toBe(`${insn.text}: ${(words[k] as number).toString(16)}`);
    });
  });

  it('writes objects whose relocations llvm-objdump-16 reads back', () => {
    const p: Program = {
      fns: [
        {
          k: 0x12345678,
          sig: { ints: 2, fps: ['q'], stack: 1 },
          calls: [
            { d: 0, via: 'pointer' },
            { d: 0, via: 'direct' },
          ],
          tail: 0,
        },
        { k: 7, sig: { ints: 0, fps: [], stack: 0 }, calls: [], tail: null },
      ],
      objectOf: [0, 1],
      lazy: [true, false],
    };
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-lazy-obj-'));
    const file = join(dir, 'obj0.o');
    writeFileSync(file, objectBytes(p, 0));
    const out = execFileSync(oracle('llvm-objdump').detail, ['-dr', '-t', file], { encoding: 'utf8' });
    for (const want of [
      'R_AARCH64_ADR_PREL_PG_HI21\t.data',
      'R_AARCH64_LDST64_ABS_LO12_NC\t.data',
      'R_AARCH64_CALL26\tf1',
      'R_AARCH64_JUMP26\tf1',
      'g     F .text',
    ])
      expect(out).toContain(want);
    const data = execFileSync(oracle('llvm-objdump').detail, ['-r', file], { encoding: 'utf8' });
    expect(data).toMatch(/0000000000000000 R_AARCH64_ABS64\s+f1/);
  });
});
