/**
 * Disassembly of the integer AdvSIMD / crypto / CRC32 table against llvm-objdump-16, and the
 * decoder's coverage of the AdvSIMD encoding space against llvm's decoder:
 * - every encoding of ours, sampled at random per instruction, prints exactly as llvm-objdump;
 * - every AdvSIMD word llvm decodes to an ARMv8.0 integer/crypto instruction, we decode too;
 * - no word llvm rejects is accepted by our tables.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { InsnDef } from '../../src/emu/ts/decoder.ts';
import { defs as cryptoDefs } from '../../src/emu/ts/isa/crypto.ts';
import { disassemble, TABLE } from '../../src/emu/ts/isa/index.ts';
import { defs as simdDefs } from '../../src/emu/ts/isa/simd/index.ts';
import { describeWithOracles } from '../support/oracles.ts';

const MINE = new Set<InsnDef>([...simdDefs, ...cryptoDefs]);
const MINE_IDS = new Set([...MINE].map((d) => d.id));

/** Deterministic PRNG (xorshift32). */
function prng(seed: number): () => number {
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

let dir = '';

/** Words → llvm-objdump text per word (`<unknown>` when llvm rejects it). */
function objdump(words: number[]): string[] {
  const src = join(dir, 'w.s');
  const obj = join(dir, 'w.o');
  writeFileSync(src, `${words.map((w) => `.inst 0x${(w >>> 0).toString(16)}`).join('\n')}\n`);
  execFileSync('llvm-mc-16', ['-triple=aarch64', '-filetype=obj', src, '-o', obj]);
  const out = execFileSync('llvm-objdump-16', ['-d', obj], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const texts: string[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s+[0-9a-f]+:\s+[0-9a-f]{8}\s+(.*)$/.exec(line);
    if (m) texts.push((m[1] as string).replace(/\s+/g, ' ').trim());
  }
  expect(texts.length).toBe(words.length);
  return texts;
}

const norm = (t: string): string => t.replace(/\s+/g, ' ').trim();

describeWithOracles(
  ['llvm-mc', 'llvm-objdump'],
  'AdvSIMD integer / crypto / CRC32 disassembly vs llvm-objdump-16',
  () => {
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'isa-simd-'));
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('examples print as llvm prints them', () => {
      const ex: [number, string][] = [
        [0x4ea28420, 'add v0.4s, v1.4s, v2.4s'],
        [0x4ea11c20, 'mov v0.16b, v1.16b'],
        [0x6f00e400, 'movi v0.2d, #0000000000000000'],
        [0x0e073c20, 'umov w0, v1.b[3]'],
        [0x0e0c3c20, 'mov w0, v1.s[1]'],
        [0x4e020020, 'tbl v0.16b, { v1.16b }, v2.16b'],
        [0x4e284820, 'aese v0.16b, v1.16b'],
        [0x9ac25c20, 'crc32cx w0, w1, x2'],
      ];
      const ref = objdump(ex.map(([w]) => w));
      ex.forEach(([w, text], i) => {
        expect(norm(disassemble(w))).toBe(text);
        expect(ref[i]).toBe(text);
      });
    });

    it('random words of every encoding print exactly as llvm-objdump', () => {
      const rnd = prng(0x5eed);
      const words: number[] = [];
      for (const def of TABLE.defs) {
        if (!MINE_IDS.has(def.id)) continue;
        let got = 0;
        for (let t = 0; t < 2000 && got < 24; t++) {
          const w = ((rnd() & ~def.mask) | def.value) >>> 0;
          const d = TABLE.decode(w);
          if (d?.def.id === def.id) {
            words.push(w);
            got++;
          }
        }
        // Every encoding of ours is reachable through the whole table (not shadowed).
        expect(got, `${def.id} is never decoded`).toBeGreaterThan(0);
      }
      const ref = objdump(words);
      const bad: string[] = [];
      words.forEach((w, i) => {
        const ours = norm(disassemble(w));
        if (ours !== ref[i]) bad.push(`${w.toString(16).padStart(8, '0')}: ours '${ours}' llvm '${ref[i]}'`);
      });
      expect(bad.slice(0, 20)).toEqual([]);
    });

    it('covers the AdvSIMD integer space as llvm decodes it, and accepts nothing llvm rejects', () => {
      const rnd = prng(0xc0ffee);
      const words: number[] = [];
      for (let i = 0; i < 24000; i++) {
        const w = rnd();
        const k = i % 4;
        // vector groups (0 Q U 0111x), scalar groups (01 U 1111x), crypto/crc neighbourhoods
        if (k === 0) words.push(((w & 0x60ffffff) | 0x0e000000) >>> 0);
        else if (k === 1) words.push(((w & 0x20ffffff) | 0x5e000000) >>> 0);
        else if (k === 2) words.push(((w & 0x60ffffff) | 0x0f000000) >>> 0);
        else words.push(((w & 0x801fffff) | 0x1ac04000) >>> 0);
      }
      const ref = objdump(words);
      // Floating point (another table), and extensions beyond ARMv8.0 + AES/SHA2/CRC.
      const notOurs =
        /^(f|scvtf|ucvtf|bf|sdot|udot|usdot|sudot|smmla|ummla|usmmla|sqrdmlah|sqrdmlsh|rax1|xar|eor3|bcax|sha512|sm3|sm4)/;
      const gaps: string[] = [];
      const extra: string[] = [];
      words.forEach((w, i) => {
        const text = ref[i] as string;
        const d = TABLE.decode(w);
        const ours = d !== null && MINE_IDS.has(d.def.id);
        const hex = w.toString(16).padStart(8, '0');
        if (text.startsWith('<unknown>')) {
          if (ours) extra.push(`${hex}: we decode '${disassemble(w)}'`);
        } else if (!notOurs.test(text) && d === null) {
          // Only AdvSIMD / crypto / crc mnemonics are ours; the crc neighbourhood holds integer ops.
          if ((w & 0x0e000000) === 0x0e000000 || /^crc32/.test(text)) gaps.push(`${hex}: llvm '${text}'`);
        }
      });
      expect(gaps.slice(0, 20)).toEqual([]);
      expect(extra.slice(0, 20)).toEqual([]);
    });
  },
);
