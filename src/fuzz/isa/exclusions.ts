/**
 * Words the differential fuzzer never runs, because their result is not a function of the
 * architectural state we set up (so no two correct engines need to agree). Each entry names the
 * encodings by mask/value and says why. Keep this list short and explicit; it is unit-tested.
 */

export interface Exclusion {
  id: string;
  mask: number;
  value: number;
  reason: string;
}

export const EXCLUSIONS: readonly Exclusion[] = [
  {
    // MRS/MSR with op0=3 op1=3 CRn=14: CNTFRQ_EL0, CNTPCT_EL0, CNTVCT_EL0, CNTP_*/CNTV_* timers.
    // Unicorn reads the host clock; the ts engine reads a deterministic instruction counter.
    id: 'generic-timer',
    mask: 0xfffff000 & ~0x00200000, // both MRS (L=1) and MSR (L=0)
    value: 0xd51be000,
    reason: 'generic timer registers (CNTVCT_EL0 etc.) read a clock: non-deterministic',
  },
  {
    // MRS/MSR op0=3 op1=3 CRn=9: PMU registers (PMCCNTR_EL0 cycle counter, ...).
    id: 'pmu',
    mask: 0xfffff000 & ~0x00200000,
    value: 0xd51b9000,
    reason: 'performance monitor counters count host events: non-deterministic',
  },
];

export function excludedBy(word: number): Exclusion | undefined {
  const w = word >>> 0;
  for (const e of EXCLUSIONS) if ((w & e.mask) >>> 0 === e.value >>> 0) return e;
  return undefined;
}
