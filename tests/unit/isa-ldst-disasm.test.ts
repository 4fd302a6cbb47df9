/**
 * Disassembly of the load/store classes against llvm-objdump-16: random encodings of every
 * instruction definition in the classes ldst, ldst-pair, ldst-excl and simd-ldst (fixed seed),
 * assembled as `.inst` words by llvm-mc-16 and printed by llvm-objdump-16 -d.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { disassemble, TABLE } from '../../src/emu/ts/isa/index.ts';
import { describeWithOracles } from '../support/oracles.ts';

const CLASSES = new Set(['ldst', 'ldst-pair', 'ldst-excl', 'simd-ldst']);

describe('ldst disassembly (fixed expectations)', () => {
  const cases: [number, string, number?][] = [
    [0xf9400841, 'ldr x1, [x2, #0x10]'],
    [0xa8c17bfd, 'ldp x29, x30, [sp], #0x10'],
    [0xa9bf7bfd, 'stp x29, x30, [sp, #-0x10]!'],
    [0x4cdfa000, 'ld1 { v0.16b, v1.16b }, [x0], #32'],
    [0xf8637841, 'ldr x1, [x2, x3, lsl #3]'],
    [0x38636841, 'ldrb w1, [x2, x3]'],
    [0xb8635841, 'ldr w1, [x2, w3, uxtw #2]'],
    [0x58000081, 'ldr x1, 0x1010', 0x1000],
    [0xd8008000, 'prfm pldl1keep, 0x2000', 0x1000],
    [0xc8037c44, 'stxr w3, x4, [x2]'],
    [0x4d60ec00, 'ld4r { v0.2d, v1.2d, v2.2d, v3.2d }, [x0]'],
    [0x4c9f003e, 'st4 { v30.16b, v31.16b, v0.16b, v1.16b }, [x1], #64'],
    [0x4dc38400, 'ld1 { v0.d }[1], [x0], x3'],
  ];
  for (const [word, text, address] of cases) {
    it(text, () => {
      expect(disassemble(word, address ?? 0)).toBe(text);
    });
  }

  it('unallocated and non-v8.0 encodings stay undefined', () => {
    for (const w of [
      0x0c400c00, // ld4 {.1d}: unallocated
      0xb8a0c020, // ldapr (v8.3)
      0x88a07c41, // cas (LSE)
      0x88df7c20, // ldlar (v8.1 LOR)
      0x69000000, // stgp (MTE)
      0x68400000, // ldnpsw: unallocated
      0xf8200020, // ldadd (LSE)
      0x7c800400, // FP str with size=01 opc=10: unallocated
      0x38e02800, // register offset with option 001: unallocated
      0x3c400800, // ldtr of an FP register: unallocated
      0x4d60f000, // ld4r with S=1: unallocated
    ]) {
      expect(TABLE.decode(w), w.toString(16)).toBeNull();
    }
  });
});

function randomWords(): number[] {
  let seed = 0x2545f491;
  const rnd = (): number => {
    seed ^= seed << 13;
    seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    return seed;
  };
  const words: number[] = [];
  for (const d of TABLE.defs) {
    if (!CLASSES.has(d.cls)) continue;
    let got = 0;
    for (let tries = 0; got < 250 && tries < 5000; tries++) {
      const w = ((rnd() & ~d.mask) | d.value) >>> 0;
      if (TABLE.decode(w)?.def.id !== d.id) continue;
      words.push(w);
      got++;
    }
  }
  return words;
}

describeWithOracles(['llvm-mc', 'llvm-objdump'], 'ldst disassembly vs llvm-objdump-16', () => {
  it('matches llvm-objdump on random encodings of every ldst definition', () => {
    const words = randomWords();
    const dir = mkdtempSync(join(tmpdir(), 'ldst-disasm-'));
    try {
      const src = join(dir, 'w.s');
      const obj = join(dir, 'w.o');
      writeFileSync(src, `${words.map((w) => `.inst 0x${w.toString(16)}`).join('\n')}\n`);
      execFileSync('llvm-mc-16', ['-triple=aarch64', '-filetype=obj', '-o', obj, src]);
      const out = execFileSync('llvm-objdump-16', ['-d', '--no-show-raw-insn', obj], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      const lines = out.split('\n').filter((l) => /^\s+[0-9a-f]+:/.test(l));
      expect(lines.length).toBe(words.length);
      const norm = (t: string): string => t.replace(/\s+/g, ' ').trim();
      const mismatches: string[] = [];
      words.forEach((w, i) => {
        const theirs = norm((lines[i] as string).replace(/^\s+[0-9a-f]+:\s*/, ''));
        const ours = norm(disassemble(w, i * 4));
        if (ours !== theirs) mismatches.push(`${w.toString(16).padStart(8, '0')}: ours '${ours}' llvm '${theirs}'`);
      });
      expect(mismatches.slice(0, 20)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
