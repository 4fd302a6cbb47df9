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
  regs: ReadonlyMap<string, bigint>;
}

export interface DeviationProof {
  /**
   * AArch64 assembly (GNU syntax) for a static program's `_start`: it sets up inputs, executes
   * the instruction and exits with status 0 when the result is the architectural one
   * (`mov x8, #93; svc #0`), non-zero otherwise.
   */
  asm: string;
  /**
   * Register inputs and an expected Unicorn result for the same instruction, used by the test to
   * show Unicorn deviates: run `word` with `inputs` on the unicorn engine and expect `unicorn`.
   */
  word: number;
  inputs: Record<string, bigint>;
  unicorn: Record<string, bigint>;
}

export interface Deviation {
  id: string;
  mask: number;
  value: number;
  /** What Unicorn 2.0.1 does. */
  description: string;
  /** What the architecture says (and QEMU 7.2 does). */
  architecture: string;
  /** Extra condition on the inputs (default: every matching word). */
  applies?: (input: CaseInput) => boolean;
  /** Turns Unicorn's observation into the architectural one, in place. */
  correct: (obs: Observation, input: CaseInput) => void;
  proof: DeviationProof;
}

export const DEVIATIONS: Deviation[] = [];

export function deviationFor(word: number, input: CaseInput): Deviation | undefined {
  const w = word >>> 0;
  for (const d of DEVIATIONS) {
    if ((w & d.mask) >>> 0 !== d.value >>> 0) continue;
    if (d.applies && !d.applies(input)) continue;
    return d;
  }
  return undefined;
}
