/**
 * fuzz-lazy's properties (results against the eager model, callee-saved registers/SP/FPCR across
 * every call, link and reentry accounting, caller-saved registers poisoned while the JIT resolves)
 * hold with LLVM's runtime in place of ours, on both engines; and a copy of the archive whose
 * `__orc_rt_sysv_reenter` skips restoring x2/x3 (one word changed) is caught, so the check is live.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { EngineKind } from '../../src/emu/engine.ts';
import { caseArb, normalize } from '../../src/fuzz/lazy/program.ts';
import { runCase } from '../../src/fuzz/lazy/runner.ts';
import { readArchive } from '../../src/linker/archive.ts';
import { readElf } from '../../src/linker/elf/reader.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { describeWithArtifact, ORC_RT_ARCHIVE } from './support.ts';

const archive = () => ({ name: 'liborc_rt-aarch64.a', bytes: new Uint8Array(readFileSync(ORC_RT_ARCHIVE)) });

/** The archive with `ldp x2, x3, [sp], #16` (+0xc4 of __orc_rt_sysv_reenter) turned into `add sp, sp, #16`. */
function brokenArchive(): { name: string; bytes: Uint8Array } {
  const a = archive();
  const member = readArchive(a.bytes, a.name).members.find((m) => m.name === 'sysv_reenter.arm64.S.o');
  if (!member) throw new Error('no sysv_reenter.arm64.S.o');
  const text = readElf(member.bytes, member.name).sections.find((s) => s.name === '.text');
  if (!text) throw new Error('no .text');
  const at = member.bytes.byteOffset - a.bytes.byteOffset + text.offset + 0xc4;
  const dv = new DataView(a.bytes.buffer, a.bytes.byteOffset);
  expect(dv.getUint32(at, true)).toBe(0xa8c10fe2);
  dv.setUint32(at, 0x910043ff, true);
  return { name: 'broken-liborc_rt-aarch64.a', bytes: a.bytes };
}

function suite(engine: EngineKind, runs: number): void {
  it(`${runs} generated lazy programs: every property holds with LLVM's runtime`, async () => {
    const orcRuntime = archive();
    await fc.assert(
      fc.asyncProperty(caseArb, async (raw) => {
        const problems = await runCase(normalize(raw), { engine, orcRuntime });
        expect(problems).toEqual([]);
      }),
      { numRuns: runs, seed: 0x0bc0de },
    );
  });
}

describeWithArtifact('liborc_rt-aarch64.a', "fuzz-lazy with LLVM's runtime (ts)", () => {
  suite('ts', 20);
  it('a runtime that does not restore x2/x3 is caught', async () => {
    const orcRuntime = brokenArchive();
    let caught: string[] = [];
    await fc
      .assert(
        fc.asyncProperty(caseArb, async (raw) => {
          caught = await runCase(normalize(raw), { engine: 'ts', orcRuntime });
          return caught.length === 0;
        }),
        { numRuns: 50, seed: 0x0bc0de, endOnFailure: true },
      )
      .catch(() => {});
    // The first call's result is wrong: the body computed from the clobbered x2/x3.
    expect(caught.length).toBeGreaterThan(0);
    expect(caught[0]).toMatch(
      /^op #\d+ \(call f\d+ seed \d+\): (x0|struct via x8) 0x[0-9a-f]+, the eager reference says/,
    );
  });
});
describeWithArtifact('liborc_rt-aarch64.a', "fuzz-lazy with LLVM's runtime", () => {
  describeWithOracles(['unicorn'], "fuzz-lazy with LLVM's runtime (unicorn)", () => suite('unicorn', 10));
});
