import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runEngineBenchmarks } from '../../src/bench/engine-bench.ts';
import { KERNELS } from '../../src/bench/kernels.ts';
import { describeWithOracles } from '../support/oracles.ts';

/** Re-assembles each kernel listing with llvm-mc and checks the committed words. */
describeWithOracles(['llvm-mc'], 'benchmark kernels match llvm-mc', () => {
  for (const kernel of KERNELS) {
    it(kernel.name, () => {
      const dir = mkdtempSync(join(tmpdir(), 'kernel-'));
      // `.+N`/`.-N` branch targets are relative to the instruction, as in GNU as syntax.
      writeFileSync(join(dir, 'k.s'), `${kernel.assembly.map((l) => l.replace(/#(\d+\.\d+)0*$/, '#$1')).join('\n')}\n`);
      execFileSync('llvm-mc-16', ['-triple=aarch64', '-filetype=obj', join(dir, 'k.s'), '-o', join(dir, 'k.o')]);
      const obj = readFileSync(join(dir, 'k.o'));
      // The .text of a one-section object: find it through the section headers.
      const dv = new DataView(obj.buffer, obj.byteOffset, obj.byteLength);
      const shoff = Number(dv.getBigUint64(0x28, true));
      const shnum = dv.getUint16(0x3c, true);
      const shstrndx = dv.getUint16(0x3e, true);
      const strOff = Number(dv.getBigUint64(shoff + shstrndx * 64 + 0x18, true));
      let words: number[] = [];
      for (let i = 0; i < shnum; i++) {
        const h = shoff + i * 64;
        const nameOff = dv.getUint32(h, true);
        let name = '';
        for (let c = strOff + nameOff; obj[c] !== 0; c++) name += String.fromCharCode(obj[c] as number);
        if (name !== '.text') continue;
        const off = Number(dv.getBigUint64(h + 0x18, true));
        const size = Number(dv.getBigUint64(h + 0x20, true));
        words = Array.from({ length: size / 4 }, (_, j) => dv.getUint32(off + 4 * j, true));
      }
      expect(words.map((w) => w.toString(16))).toEqual(kernel.words.map((w) => (w >>> 0).toString(16)));
    });
  }
});

/**
 * The kernels benchmark end to end at a small scale: every kernel on the ts engine and, where
 * present, native Unicorn (which must end in the ts engine's registers: runEngineBenchmarks throws
 * otherwise), with the counts of each kernel's closed form.
 */
it('runEngineBenchmarks runs every kernel (ts and, when present, unicorn) to the same final state', async () => {
  const results = await runEngineBenchmarks({ scale: 0.002 });
  for (const kernel of KERNELS) {
    const ts = results.find((r) => r.name === kernel.name && r.engine === 'ts');
    expect(ts, kernel.name).toBeDefined();
    const iterations = Math.max(1, Math.round(kernel.defaultIterations * 0.002));
    if (kernel.instructions) expect(ts?.instructions).toBe(kernel.instructions(iterations));
    expect(ts?.mips).toBeGreaterThan(0);
    const uc = results.find((r) => r.name === kernel.name && r.engine === 'unicorn');
    if (uc) expect(uc.fingerprint).toBe(ts?.fingerprint);
  }
}, 60_000);
