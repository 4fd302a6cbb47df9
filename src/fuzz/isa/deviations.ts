/**
 * Known deviations of the oracle (Unicorn 2.0.1, QEMU 5 based) from the architecture. For a word
 * matching an entry, the fuzzer first corrects Unicorn's observed result as the entry says and
 * compares the ts engine against that corrected expectation.
 *
 * Only proven entries belong here: tests/differential/unicorn-deviations.test.ts runs each entry's
 * `proof` under qemu-aarch64 (QEMU 7.2) as a tiny static program that exits 0 exactly when QEMU
 * behaves as `architecture` says, and also checks that Unicorn really deviates.
 */

/** What the fuzzer observed from one engine for one case. */
export interface Observation {
  /** 'ok', 'fault:read:unmapped:0x…', 'undefined', 'exception:2', 'unimplemented', 'error:…'. */
  outcome: string;
  /** Register values by name (x0..x30, sp, pc, nzcv, fpsr, fpcr, tpidr_el0, q0..q31). */
  regs: Map<string, bigint>;
  /** The data region after the run. */
  mem: Uint8Array;
}

/** The state a case started from (what `correct` may need to recompute a result). */
export interface CaseInput {
  word: number;
  /** Address of the instruction. */
  pc: number;
  regs: ReadonlyMap<string, bigint>;
}

/** An observable result: the outcome, pc relative to the instruction, and some registers. */
export interface ExpectedResult {
  outcome: string;
  pcOffset: number;
  regs?: Record<string, bigint>;
}

export interface DeviationProof {
  /**
   * A complete AArch64 assembly program (GNU syntax, entry `_start`, Linux syscalls) that runs
   * the instruction under qemu-aarch64 and exits with status 0 exactly when QEMU behaves as
   * `architecture` says; any other status names the check that failed.
   */
  asm: string;
  /** The instruction, its register inputs (others are 0) for the Unicorn side of the proof. */
  word: number;
  inputs: Record<string, bigint>;
  /** What Unicorn 2.0.1 reports for it (the test checks Unicorn still deviates). */
  unicorn: ExpectedResult;
  /** What `correct` must turn Unicorn's observation into. */
  architectural: ExpectedResult;
}

export interface Deviation {
  id: string;
  mask: number;
  value: number;
  /** What Unicorn 2.0.1 does. */
  description: string;
  /** What the architecture says (and QEMU 7.2 does). */
  architecture: string;
  /** Extra condition on the inputs and Unicorn's observation (default: every matching word). */
  applies?: (input: CaseInput, unicorn: Observation) => boolean;
  /** Turns Unicorn's observation into the architectural one, in place. */
  correct: (obs: Observation, input: CaseInput) => void;
  proof: DeviationProof;
}

const EXIT = (status: number) => `mov x0, #${status}\n  mov x8, #93\n  svc #0`;

export const DEVIATIONS: Deviation[] = [
  {
    id: 'dc-zva-fault',
    // DC ZVA, Xt: SYS #3, C7, C4, #1, Xt
    mask: 0xffffffe0,
    value: 0xd50b7420,
    description:
      'DC ZVA on unmapped memory: Unicorn 2.0.1 zeroes byte by byte without stopping at the fault, ' +
      'reports the LAST byte of the 64-byte block as the fault address and leaves pc after the ' +
      'instruction (the rest of the block even executes).',
    architecture:
      'The fault is precise: no byte is written, pc (ELR) is the DC ZVA itself, and the fault address ' +
      'is the start of the naturally aligned block (QEMU 7.2 probes the whole block at Xt & ~(64-1) ' +
      'first; under qemu-aarch64 SIGSEGV has si_addr = that address and the context pc = the DC ZVA). ' +
      'Note: QEMU 7.2 itself reports the start of the translation block as pc when the DC ZVA is not ' +
      'the first instruction of its block, so the proof (like every fuzz case) runs it first in a block.',
    applies: (_input, unicorn) => unicorn.outcome.startsWith('fault:write:'),
    correct: (obs, input) => {
      const xt = input.word & 31;
      const base = xt === 31 ? 0n : (input.regs.get(`x${xt}`) ?? 0n);
      const kind = obs.outcome.split(':')[2];
      obs.outcome = `fault:write:${kind}:0x${Number(base & ~63n).toString(16)}`;
      obs.regs.set('pc', BigInt(input.pc));
    },
    proof: {
      word: 0xd50b7420, // dc zva, x0
      inputs: { x0: 0x1021n },
      unicorn: { outcome: 'fault:write:unmapped:0x103f', pcOffset: 4 },
      architectural: { outcome: 'fault:write:unmapped:0x1000', pcOffset: 0 },
      asm: `
  .text
  .globl _start
_start:
  ldr x1, =act
  ldr x9, =handler
  str x9, [x1]
  mov x9, #4              // SA_SIGINFO
  str x9, [x1, #8]
  mov x0, #11             // SIGSEGV
  mov x2, #0
  mov x3, #8
  mov x8, #134            // rt_sigaction
  svc #0
  ldr x0, =0x1021         // unmapped in qemu-user's guest address space
  b insn                  // start a translation block at the DC ZVA (see architecture)
insn:
  dc zva, x0
  ${EXIT(3)}              // no fault at all
handler:                  // x1 = siginfo_t *, x2 = ucontext_t *
  ldr x3, [x1, #16]       // si_addr
  ldr x4, =0x1000
  cmp x3, x4
  b.ne 1f
  ldr x5, [x2, #440]      // uc_mcontext.pc (uc_mcontext at 176: fault_address, regs[31], sp, pc)
  ldr x6, =insn
  cmp x5, x6
  b.ne 2f
  ${EXIT(0)}
1:
  ${EXIT(1)}              // wrong fault address
2:
  ${EXIT(2)}              // wrong pc
  .ltorg
  .data
  .balign 16
act:
  .space 32
`,
    },
  },
];

export function deviationFor(word: number, input: CaseInput, unicorn: Observation): Deviation | undefined {
  const w = word >>> 0;
  for (const d of DEVIATIONS) {
    if ((w & d.mask) >>> 0 !== d.value >>> 0) continue;
    if (d.applies && !d.applies(input, unicorn)) continue;
    return d;
  }
  return undefined;
}
