/**
 * Disassembly of the integer, branch and system classes against llvm-objdump-16: random
 * encodings of every table entry (register fields biased towards 31/30 to hit the aliases) are
 * assembled with `.inst` by llvm-mc-16 and disassembled by llvm-objdump-16; our text must match
 * up to whitespace.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { compilePattern, type InsnDef } from '../../src/emu/ts/decoder.ts';
import { defs as branch } from '../../src/emu/ts/isa/branch.ts';
import { defs as dpImm } from '../../src/emu/ts/isa/dp_imm.ts';
import { defs as dpReg } from '../../src/emu/ts/isa/dp_reg.ts';
import { disassemble, TABLE } from '../../src/emu/ts/isa/index.ts';
import { defs as system } from '../../src/emu/ts/isa/system.ts';
import { describeWithOracles } from '../support/oracles.ts';

const PER_DEF = Number(process.env.ISA_INT_PER_DEF ?? 60);

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** Words that decode to `def` itself (first match in the table). */
function samples(def: InsnDef, count: number, next: () => number): number[] {
  const c = compilePattern(def);
  const out = new Set<number>();
  for (let tries = 0; tries < count * 40 && out.size < count; tries++) {
    let w = ((next() & ~c.mask) | c.value) >>> 0;
    for (const [name, shift, width] of c.fields) {
      if (width !== 5 || !/^r[dnmat]$/.test(name)) continue;
      const r = next() % 4;
      if (r === 0) w = (w | (31 << shift)) >>> 0;
      else if (r === 1) w = ((w & ~(31 << shift)) | (30 << shift)) >>> 0;
    }
    const d = TABLE.decode(w);
    if (d === null || d.def.id !== def.id) continue;
    out.add(w);
  }
  return [...out];
}

/** Encodings objdump names differently on purpose (see the notes in system.ts/dp_reg.ts). */
function comparable(def: InsnDef, word: number, ours: string): boolean {
  if (/\bS[0-3]_\d_C\d+_C\d+_\d\b/.test(ours)) return false; // registers we do not name
  if ((def.id === 'SMULH' || def.id === 'UMULH') && ((word >>> 10) & 31) !== 31) return false; // Ra SBO
  return true;
}

function objdump(words: number[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'isa-int-'));
  const src = join(dir, 'x.s');
  const obj = join(dir, 'x.o');
  writeFileSync(src, `.text\n${words.map((w) => `.inst 0x${w.toString(16).padStart(8, '0')}`).join('\n')}\n`);
  execFileSync('llvm-mc-16', ['-triple=aarch64', '-filetype=obj', '-o', obj, src]);
  const out = execFileSync('llvm-objdump-16', ['-d', '--no-show-raw-insn', obj], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const lines: string[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\s+(.*)$/.exec(line);
    if (m) lines[Number.parseInt(m[1] as string, 16) / 4] = (m[2] as string).trim();
  }
  readFileSync(obj); // keep the object readable for debugging when a test fails
  return lines;
}

const norm = (t: string): string => t.replace(/\s+/g, ' ').trim();

describeWithOracles(['llvm-mc', 'llvm-objdump'], 'isa-int disassembly matches llvm-objdump-16', () => {
  const groups: [string, InsnDef[]][] = [
    ['dp-imm', dpImm],
    ['dp-reg', dpReg],
    ['branch', branch],
    ['system', system],
  ];
  for (const [name, defs] of groups) {
    it(`${name}: every entry, ${PER_DEF} random encodings each`, () => {
      const next = rng(0x5eed + name.length);
      const words: number[] = [];
      const owner: InsnDef[] = [];
      for (const def of defs) {
        for (const w of samples(def, PER_DEF, next)) {
          words.push(w);
          owner.push(def);
        }
      }
      expect(words.length).toBeGreaterThan(defs.length * Math.min(PER_DEF, 10));
      const ref = objdump(words);
      const bad: string[] = [];
      words.forEach((w, i) => {
        const ours = disassemble(w, i * 4);
        const def = owner[i] as InsnDef;
        if (!comparable(def, w, ours)) return;
        const theirs = ref[i] ?? '<missing>';
        if (norm(ours) !== norm(theirs)) {
          bad.push(
            `${def.id} 0x${w.toString(16).padStart(8, '0')} @${(i * 4).toString(16)}: ours '${ours}' objdump '${theirs}'`,
          );
        }
      });
      expect(bad.slice(0, 60)).toEqual([]);
    });
  }

  it('fixed encodings with well-known text', () => {
    const cases: [number, string][] = [
      [0x8b020020, 'add x0, x1, x2'],
      [0xeb02003f, 'cmp x1, x2'],
      [0x9b027c20, 'mul x0, x1, x2'],
      [0xd65f03c0, 'ret'],
      [0xd503201f, 'nop'],
      [0xd4000001, 'svc #0'],
      [0xaa0103e0, 'mov x0, x1'],
      [0x1a9f17e0, 'cset w0, eq'],
    ];
    const ref = objdump(cases.map(([w]) => w));
    cases.forEach(([w, text], i) => {
      expect(norm(disassemble(w, i * 4))).toBe(text);
      expect(norm(ref[i] as string)).toBe(text);
    });
  });
});
