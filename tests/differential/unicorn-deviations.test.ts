/**
 * Proves every entry of src/fuzz/isa/deviations.ts:
 *  - under qemu-aarch64 (QEMU 7.2), the entry's program exits 0: QEMU behaves as the entry's
 *    `architecture` text says;
 *  - Unicorn 2.0.1 really deviates as the entry says (so the entry is still needed);
 *  - the entry's `correct` turns Unicorn's observation into the architectural result.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CaseInput, DEVIATIONS } from '../../src/fuzz/isa/deviations.ts';
import { type CaseState, CODE, COMPARED_REGS, DATA, FuzzBench } from '../../src/fuzz/isa/fuzzer.ts';
import { describeWithOracles } from '../support/oracles.ts';

function stateFrom(inputs: Record<string, bigint>): CaseState {
  const regs = new Map<string, bigint>();
  for (const name of COMPARED_REGS) if (name !== 'pc') regs.set(name, 0n);
  regs.set('sp', BigInt(DATA + 0x2000));
  for (const [k, v] of Object.entries(inputs)) regs.set(k, v);
  return { regs };
}

describeWithOracles(['unicorn', 'qemu', 'clang', 'lld'], 'Unicorn deviations (proved under qemu-aarch64 7.2)', () => {
  let dir = '';
  let bench: FuzzBench;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orc-deviation-'));
    bench = await FuzzBench.open(1);
  });
  afterAll(() => {
    bench?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has well-formed entries', () => {
    const ids = new Set<string>();
    for (const d of DEVIATIONS) {
      expect(ids.has(d.id)).toBe(false);
      ids.add(d.id);
      expect((d.proof.word & d.mask) >>> 0).toBe(d.value >>> 0);
      expect(d.description.length).toBeGreaterThan(20);
      expect(d.architecture.length).toBeGreaterThan(20);
    }
  });

  for (const d of DEVIATIONS) {
    it(`${d.id}: qemu-aarch64 behaves as the architecture says`, () => {
      const src = join(dir, `${d.id}.s`);
      const elf = join(dir, `${d.id}.elf`);
      writeFileSync(src, d.proof.asm);
      execFileSync('clang-16', ['--target=aarch64-linux-gnu', '-nostdlib', '-static', '-fuse-ld=lld', '-o', elf, src]);
      const r = spawnSync('qemu-aarch64', [elf], { timeout: 20_000 });
      expect(r.status, `qemu-aarch64 exit status (0 = architectural), stderr: ${r.stderr}`).toBe(0);
    });

    it(`${d.id}: Unicorn deviates as described, and the correction gives the architectural result`, () => {
      const state = stateFrom(d.proof.inputs);
      const obs = bench.observe('unicorn', d.proof.word, state);
      expect(obs.outcome).toBe(d.proof.unicorn.outcome);
      expect(obs.regs.get('pc')).toBe(BigInt(CODE + d.proof.unicorn.pcOffset));
      for (const [k, v] of Object.entries(d.proof.unicorn.regs ?? {})) expect(obs.regs.get(k)).toBe(v);
      const input: CaseInput = { word: d.proof.word, pc: CODE, regs: state.regs };
      expect(d.applies?.(input, obs) ?? true).toBe(true);
      d.correct(obs, input);
      expect(obs.outcome).toBe(d.proof.architectural.outcome);
      expect(obs.regs.get('pc')).toBe(BigInt(CODE + d.proof.architectural.pcOffset));
      for (const [k, v] of Object.entries(d.proof.architectural.regs ?? {})) expect(obs.regs.get(k)).toBe(v);
    });

    it(`${d.id}: the ts engine gives the architectural result`, () => {
      const obs = bench.observe('ts', d.proof.word, stateFrom(d.proof.inputs));
      expect(obs.outcome).toBe(d.proof.architectural.outcome);
      expect(obs.regs.get('pc')).toBe(BigInt(CODE + d.proof.architectural.pcOffset));
    });
  }
});
