/**
 * A branch to a register that leaves the pc misaligned: the fetch there takes a PC alignment fault
 * (AlignmentFault, access 'fetch'), as on hardware and under qemu-aarch64 (SIGBUS, status 135), on
 * every tier of the ts engine. The block cache is indexed by word (pc >> 2), so a misaligned pc
 * must never be served the aligned word's block, nor leave its own block there. Unicorn 2 instead
 * decodes the misaligned word: the comparison shows the same registers at the fault and that
 * deviation.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type Engine, type EngineKind, PROT_ALL } from '../../src/emu/engine.ts';
import { AlignmentFault, MemoryFault, UndefinedInstruction } from '../../src/emu/errors.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { execElfCaptured } from '../../src/emu/linux/process.ts';
import { asmProgram, CORPUS_DIR } from '../programs/corpus.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { words } from '../support/words.ts';

const CODE = 0x10000;
/**
 *   adr x1, target      ; 0x10000
 *   add x1, x1, x0      ; x0: the offset from target (the test's input)
 *   add x2, x2, #5
 *   br x1               ; 0x1000c
 * target:
 *   mov x3, #0x77       ; 0x10010
 *   brk #0              ; 0x10014
 */
const WORDS = [0x10000081, 0x8b000021, 0x91001442, 0xd61f0020, 0xd2800ee3, 0xd4200000];
const TARGET = CODE + 0x10;
const END = CODE + 0x14;

async function engineWith(kind: EngineKind, jitThreshold?: number): Promise<Engine> {
  const e = await createEngine(kind, jitThreshold === undefined ? {} : { jitThreshold });
  e.memMap(CODE, 0x1000, PROT_ALL);
  e.memWrite(CODE, words(...WORDS));
  return e;
}

function runTo(e: Engine, offset: bigint): unknown {
  e.regWrite('x0', offset);
  e.regWrite('x2', 0n);
  e.regWrite('x3', 0n);
  try {
    return e.start(CODE, END);
  } catch (err) {
    return err;
  }
}

describe('PC alignment fault (ts engine)', () => {
  for (const jitThreshold of [undefined, 0, 16]) {
    it(`a BR to target+1, +2, +3 faults at that pc with the state before it (jitThreshold ${jitThreshold ?? 'default'})`, async () => {
      const e = await engineWith('ts', jitThreshold);
      try {
        // Hot first (aligned runs): the code is interpreted, then translated with jitThreshold 16.
        for (let i = 0; i < 40; i++) {
          expect(runTo(e, 0n)).toMatchObject({ reason: 'until' });
          expect(e.regRead('x3')).toBe(0x77n);
        }
        for (const offset of [1n, 2n, 3n]) {
          const err = runTo(e, offset);
          expect(err).toBeInstanceOf(AlignmentFault);
          const fault = err as AlignmentFault;
          expect(fault.access).toBe('fetch');
          expect(fault.address).toBe(TARGET + Number(offset));
          expect(fault.pc).toBe(TARGET + Number(offset));
          expect(fault.message).toBe(
            `PC alignment fault: instruction fetch at 0x${(TARGET + Number(offset)).toString(16)} (a branch left the pc misaligned)`,
          );
          expect(e.regRead('pc')).toBe(BigInt(TARGET) + offset);
          expect(e.regRead('x2')).toBe(5n);
          expect(e.regRead('x3')).toBe(0n);
          // The aligned word's cached block is untouched: the next aligned run is right.
          expect(runTo(e, 0n)).toMatchObject({ reason: 'until' });
          expect(e.regRead('x3')).toBe(0x77n);
        }
      } finally {
        e.close();
      }
    });
  }

  it('a misaligned pc reached first leaves no block in the aligned word’s slot', async () => {
    const e = await engineWith('ts');
    try {
      expect(runTo(e, 2n)).toBeInstanceOf(AlignmentFault);
      expect(runTo(e, 0n)).toMatchObject({ reason: 'until' });
      expect(e.regRead('x3')).toBe(0x77n);
      // start() at a misaligned address faults the same way.
      expect(() => e.start(TARGET + 1, END)).toThrow(AlignmentFault);
    } finally {
      e.close();
    }
  });

  it('the alignment fault comes before the translation fault of an unmapped target', async () => {
    const e = await engineWith('ts');
    try {
      const err = runTo(e, 0x100001n);
      expect(err).toBeInstanceOf(AlignmentFault);
      expect(err).not.toBeInstanceOf(MemoryFault);
      expect((err as AlignmentFault).address).toBe(TARGET + 0x100001);
      // Aligned and unmapped: an instruction fetch fault.
      expect(runTo(e, 0x100000n)).toBeInstanceOf(MemoryFault);
    } finally {
      e.close();
    }
  });

  it('exec: the program dies of SIGBUS (135) with the fault as its reason', async () => {
    const r = await execElfCaptured(asmProgram('pcalign'), 'pcalign.elf');
    expect(r.status).toBe(135);
    expect(r.termination).toMatchObject({
      kind: 'signal',
      signal: 7,
      signalName: 'SIGBUS',
      reason: 'PC alignment fault: instruction fetch at 0x40000e (a branch left the pc misaligned)',
    });
  });
});

describeWithOracles(['qemu'], 'PC alignment fault under qemu-aarch64', () => {
  it('qemu-aarch64 ends pcalign.elf with SIGBUS too (status 135 from a shell)', () => {
    const r = spawnSync('qemu-aarch64', [`${CORPUS_DIR}/asm/bin/pcalign.elf`], { env: {}, timeout: 20_000 });
    expect(r.signal).toBe('SIGBUS');
  });
});

describeWithOracles(['unicorn'], 'PC alignment fault against Unicorn', () => {
  it('Unicorn stops at the same pc with the same registers, but decodes the misaligned word (a deviation)', async () => {
    const ts = await engineWith('ts');
    const uc = await engineWith('unicorn');
    try {
      const a = runTo(ts, 1n);
      const b = runTo(uc, 1n);
      expect(a).toBeInstanceOf(AlignmentFault);
      // The bytes at target+1: 0x00d2800e from mov x3 and brk, undefined in A64.
      expect(b).toBeInstanceOf(UndefinedInstruction);
      expect((b as UndefinedInstruction).address).toBe(TARGET + 1);
      for (const reg of ['pc', 'x1', 'x2', 'x3'] as const) expect(ts.regRead(reg)).toBe(uc.regRead(reg));
    } finally {
      ts.close();
      uc.close();
    }
  });
});
