/** The fuzzer's exclusion list names exactly the non-deterministic reads, and its PRNG is stable. */
import { describe, expect, it } from 'vitest';
import { EXCLUSIONS, excludedBy } from '../../src/fuzz/isa/exclusions.ts';
import { caseRng, Rng } from '../../src/fuzz/isa/prng.ts';

const mrs = (op1: number, crn: number, crm: number, op2: number, rt = 0) =>
  (0xd5300000 | (1 << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0;
const msr = (op1: number, crn: number, crm: number, op2: number, rt = 0) =>
  (mrs(op1, crn, crm, op2, rt) & ~(1 << 21)) >>> 0;

describe('fuzz-isa exclusions', () => {
  it('excludes the generic timer and PMU counters', () => {
    expect(mrs(3, 14, 0, 2)).toBe(0xd53be040); // mrs x0, cntvct_el0
    expect(excludedBy(0xd53be040)?.id).toBe('generic-timer');
    expect(excludedBy(mrs(3, 14, 0, 1, 5))?.id).toBe('generic-timer'); // cntpct_el0
    expect(excludedBy(mrs(3, 14, 0, 0, 7))?.id).toBe('generic-timer'); // cntfrq_el0
    expect(excludedBy(msr(3, 14, 3, 1, 2))?.id).toBe('generic-timer'); // msr cntv_ctl_el0
    expect(excludedBy(mrs(3, 9, 13, 0))?.id).toBe('pmu'); // pmccntr_el0
  });

  it('keeps deterministic system registers and ordinary instructions', () => {
    expect(excludedBy(mrs(3, 13, 0, 2))).toBeUndefined(); // tpidr_el0
    expect(excludedBy(mrs(3, 4, 4, 0))).toBeUndefined(); // fpcr
    expect(excludedBy(mrs(3, 4, 2, 0))).toBeUndefined(); // nzcv
    expect(excludedBy(mrs(3, 0, 0, 1))).toBeUndefined(); // ctr_el0
    expect(excludedBy(0xd503201f)).toBeUndefined(); // nop
    expect(excludedBy(0x8b020020)).toBeUndefined(); // add x0, x1, x2
  });

  it('documents every entry', () => {
    for (const e of EXCLUSIONS) {
      expect(e.reason.length).toBeGreaterThan(20);
      expect((e.value & e.mask) >>> 0).toBe(e.value >>> 0);
    }
  });
});

describe('fuzz-isa PRNG', () => {
  it('is deterministic per seed and case', () => {
    const a = caseRng(11, 7);
    const b = caseRng(11, 7);
    for (let i = 0; i < 100; i++) expect(a.next()).toBe(b.next());
    expect(caseRng(11, 8).next()).not.toBe(caseRng(11, 7).next());
    const r = new Rng(3);
    for (let i = 0; i < 1000; i++) {
      const v = r.below(10);
      expect(v >= 0 && v < 10 && Number.isInteger(v)).toBe(true);
    }
  });
});
