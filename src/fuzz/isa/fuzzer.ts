/**
 * Differential ISA fuzzer: the ts engine against the unicorn engine (the oracle), one instruction
 * at a time, from random but reproducible architectural state.
 *
 * A case: draw a word (from the decode table entries of one encoding class, with every
 * non-fixed bit random, or a uniformly random word), draw a register state and run the word once
 * (count = 1) at CODE on both engines. Compare x0–x30, sp, pc, nzcv, fpsr, fpcr, tpidr_el0,
 * q0–q31, the data region and the outcome (ok / fault kind+address / undefined / exception).
 *
 * `cases` counts words Unicorn accepts at EL0 (it executes them, possibly faulting). Words Unicorn
 * rejects as UNDEFINED are counted apart; if the ts engine executes one, that is an
 * 'accepts-undefined' mismatch. A word the ts engine rejects (undefined/unimplemented) while
 * Unicorn executes it is a 'rejects-defined' mismatch.
 */
import type { Engine } from '../../emu/engine.ts';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../../emu/engine.ts';
import {
  AlignmentFault,
  MemoryFault,
  UndefinedInstruction,
  UnhandledException,
  UnimplementedInstruction,
} from '../../emu/errors.ts';
import type { CompiledDef, IsaClass } from '../../emu/ts/decoder.ts';
import { TsEngine } from '../../emu/ts/engine.ts';
import { disassemble, TABLE } from '../../emu/ts/isa/index.ts';
import { keepFirstFailures, sliceCaseIndex, sliceCount, sliceQuota } from '../campaign.ts';
import { type CaseInput, deviationFor, type Observation } from './deviations.ts';
import { excludedBy } from './exclusions.ts';
import { caseRng, Rng } from './prng.ts';

export const ISA_CLASSES = [
  'dp-imm',
  'dp-reg',
  'branch',
  'system',
  'ldst',
  'ldst-pair',
  'ldst-excl',
  'fp',
  'simd',
  'simd-ldst',
  'crypto',
  'crc',
] as const satisfies readonly IsaClass[];

/** An instruction class fuzz-isa draws words from (`random`: any 32-bit word). */
export type FuzzClass = IsaClass | 'random';
/** Every class `--class` accepts, in campaign order. */
export const FUZZ_CLASSES: readonly FuzzClass[] = [...ISA_CLASSES, 'random'];

/** High enough that every B/BL target (±128 MiB) stays a small positive address. */
export const CODE = 0x8000000;
export const DATA = 0x100000;
export const DATA_SIZE = 0x8000;
/** Base registers point into [DATA + PTR_LO, DATA + PTR_HI). */
const PTR_LO = 0x1000;
const PTR_HI = 0x5000;

export type MismatchKind = 'accepts-undefined' | 'rejects-defined' | 'outcome' | 'state';

export interface Difference {
  what: string;
  ours: string;
  unicorn: string;
}

export interface Failure {
  seed: number;
  index: number;
  cls: FuzzClass;
  word: number;
  disassembly: string;
  kind: MismatchKind;
  deviation?: string;
  outcomes: { ours: string; unicorn: string };
  differences: Difference[];
  replay: string;
}

export interface ClassStats {
  cases: number;
  mismatches: number;
  /** Words Unicorn rejects as undefined (not counted in `cases`). */
  invalid: number;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  mismatches: number;
  invalid: number;
  excluded: number;
  attempts: number;
  kinds: Record<MismatchKind, number>;
  classes: Record<string, ClassStats>;
  failures: Failure[];
}

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Only this class (default: every class in turn). */
  cls?: FuzzClass;
  /** How many failures to keep in the report (default 20). */
  keepFailures?: number;
  /** Give up after this many attempts (default 40 × cases + 1000). */
  maxAttempts?: number;
  /** Run the ts engine's translation tier on every block (see FuzzBench.open). */
  jit?: boolean;
}

export interface BenchOptions {
  /**
   * Translation-tier mode: the ts engine translates every block on first use (jitThreshold 0),
   * and a host gate right after CODE ends the block at CODE after one instruction, so each case
   * runs as a compiled single-instruction block (snippet code, when the instruction has one).
   */
  jit?: boolean;
}

// ---- word generation --------------------------------------------------------------------------

const byClass = new Map<string, CompiledDef[]>();
for (const d of TABLE.defs) {
  const list = byClass.get(d.cls) ?? [];
  list.push(d);
  byClass.set(d.cls, list);
}

export function classesFor(cls?: FuzzClass): FuzzClass[] {
  if (cls !== undefined) return [cls];
  return FUZZ_CLASSES.filter((c) => c === 'random' || (byClass.get(c)?.length ?? 0) > 0);
}

/** Draws a word of class `cls`; returns null when the table has no entry of that class yet. */
export function drawWord(rng: Rng, cls: FuzzClass): number | null {
  if (cls === 'random') return rng.next();
  const defs = byClass.get(cls);
  if (!defs || defs.length === 0) return null;
  const def = rng.pick(defs);
  // Mostly words the entry itself accepts (its `when`), sometimes raw pattern matches.
  const tries = rng.chance(0.8) ? 8 : 1;
  let word = 0;
  for (let t = 0; t < tries; t++) {
    word = ((def.value & def.mask) | (rng.next() & ~def.mask)) >>> 0;
    if (TABLE.decode(word)?.def === def) break;
  }
  return word;
}

// ---- state generation -------------------------------------------------------------------------

const SPECIAL64 = [
  0n,
  1n,
  2n,
  0xffffffffffffffffn,
  0x7fffffffffffffffn,
  0x8000000000000000n,
  0xffffffffn,
  0x80000000n,
  0x7fffffffn,
  0x100000000n,
  0xfffffffffffffffen,
];
const F32 = [
  0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffc00001,
  0x00000001, 0x007fffff, 0x80000001, 0x7f7fffff, 0x3f000000, 0x40000000, 0x40400000, 0x3fc00000, 0x4f000000,
  0xcf000000, 0x5f000000, 0x4b000000,
];
const F64 = [
  0x0000000000000000n,
  0x8000000000000000n,
  0x3ff0000000000000n,
  0xbff0000000000000n,
  0x7ff0000000000000n,
  0xfff0000000000000n,
  0x7ff8000000000000n,
  0x7ff0000000000001n,
  0xfff8000000000001n,
  0x0000000000000001n,
  0x000fffffffffffffn,
  0x7fefffffffffffffn,
  0x3fe0000000000000n,
  0x4000000000000000n,
  0x41e0000000000000n,
  0xc1e0000000000000n,
  0x43e0000000000000n,
  0x4330000000000000n,
];
const F16 = [0x0000, 0x8000, 0x3c00, 0xbc00, 0x7c00, 0xfc00, 0x7e00, 0x7c01, 0x0001, 0x03ff, 0x7bff, 0x3800];

function pointer(rng: Rng): bigint {
  const off = PTR_LO + rng.below(PTR_HI - PTR_LO);
  const align = rng.pick([16, 16, 8, 4, 1]);
  return BigInt(DATA + off - (off % align));
}

function randomX(rng: Rng): bigint {
  const k = rng.below(100);
  if (k < 40) return pointer(rng);
  if (k < 55) return rng.pick(SPECIAL64);
  if (k < 70) return BigInt(rng.below(256)) - (rng.chance(0.3) ? 128n : 0n);
  return rng.u64();
}

function randomLane64(rng: Rng): bigint {
  const k = rng.below(100);
  if (k < 35) return rng.u64();
  if (k < 65) return (BigInt(rng.pick(F32)) << 32n) | BigInt(rng.pick(F32));
  if (k < 90) return rng.pick(F64);
  let v = 0n;
  for (let i = 0; i < 4; i++) v = (v << 16n) | BigInt(rng.pick(F16));
  return v;
}

export interface CaseState {
  regs: Map<string, bigint>;
}

export function drawState(rng: Rng): CaseState {
  const regs = new Map<string, bigint>();
  for (let i = 0; i < 31; i++) regs.set(`x${i}`, BigInt.asUintN(64, randomX(rng)));
  regs.set('sp', BigInt(DATA + PTR_LO + 16 * rng.below((PTR_HI - PTR_LO) / 16)));
  regs.set('nzcv', BigInt(rng.below(16)) << 28n);
  // FPCR: random rounding mode (bits 23:22), FZ (24), DN (25); the rest stays 0 (legal).
  regs.set(
    'fpcr',
    BigInt(rng.below(4) << 22) | (rng.chance(0.3) ? 1n << 24n : 0n) | (rng.chance(0.3) ? 1n << 25n : 0n),
  );
  // FPSR: random cumulative exception flags IOC..IXC (4:0), IDC (7), QC (27).
  let fpsr = 0n;
  for (const bit of [0n, 1n, 2n, 3n, 4n, 7n, 27n]) if (rng.chance(0.2)) fpsr |= 1n << bit;
  regs.set('fpsr', fpsr);
  regs.set('tpidr_el0', rng.chance(0.5) ? pointer(rng) : rng.u64());
  for (let i = 0; i < 32; i++) regs.set(`q${i}`, (randomLane64(rng) << 64n) | randomLane64(rng));
  return { regs };
}

export const COMPARED_REGS: readonly string[] = [
  ...Array.from({ length: 31 }, (_, i) => `x${i}`),
  'sp',
  'pc',
  'nzcv',
  'fpsr',
  'fpcr',
  'tpidr_el0',
  ...Array.from({ length: 32 }, (_, i) => `q${i}`),
];

// ---- running one case ---------------------------------------------------------------------------

/** Both engines, set up once and reused for every case. */
export class FuzzBench {
  readonly ts: TsEngine;
  readonly uc: Engine;
  private readonly baseline: Uint8Array;
  private readonly wordBuf = new Uint8Array(4);
  private readonly ucFresh: ReturnType<Engine['contextSave']>;

  readonly jit: boolean;

  private constructor(uc: Engine, seed: number, options: BenchOptions = {}) {
    this.uc = uc;
    this.jit = options.jit === true;
    this.ts = new TsEngine(this.jit ? { seed, jitThreshold: 0 } : { seed });
    this.baseline = new Uint8Array(DATA_SIZE);
    new Rng(seed, 0xdada).fill(this.baseline);
    for (const e of [this.ts, this.uc] as Engine[]) {
      e.memMap(CODE, 0x1000, PROT_READ | PROT_EXEC);
      e.memMap(DATA, DATA_SIZE, PROT_READ | PROT_WRITE);
      e.memWrite(DATA, this.baseline);
    }
    // Never executed (the run stops at CODE + 4): it only cuts the block after the first word.
    if (this.jit) this.ts.addHostGate(CODE + 4, () => undefined);
    // A fresh CPU context: restoring it per case also clears Unicorn's exclusive monitor.
    this.ucFresh = uc.contextSave();
  }

  static async open(seed: number, options: BenchOptions = {}): Promise<FuzzBench> {
    const { openUnicornEngine } = await import('../../emu/unicorn/engine.ts');
    return new FuzzBench(await openUnicornEngine({ seed }), seed, options);
  }

  close(): void {
    this.ts.close();
    this.uc.close();
  }

  /** Runs `word` from `state` on one engine and observes the result. */
  observe(which: 'ts' | 'unicorn', word: number, state: CaseState): Observation {
    const e: Engine = which === 'ts' ? this.ts : this.uc;
    if (which === 'ts') this.ts.cpu.exclAddr = -1;
    else this.uc.contextRestore(this.ucFresh);
    for (const [name, v] of state.regs) e.regWrite(name as never, v);
    const wb = this.wordBuf;
    wb[0] = word & 0xff;
    wb[1] = (word >>> 8) & 0xff;
    wb[2] = (word >>> 16) & 0xff;
    wb[3] = word >>> 24;
    e.memWrite(CODE, wb);
    let outcome = 'ok';
    try {
      e.start(CODE, CODE + 4, { count: 1 });
    } catch (err) {
      outcome = outcomeOf(err);
      // The instruction ran; only fetching the next one (a branch target) failed.
      if (outcome.startsWith('fault:fetch:') && err instanceof MemoryFault && err.address !== CODE) outcome = 'ok';
    }
    const regs = new Map<string, bigint>();
    for (const name of COMPARED_REGS) regs.set(name, e.regRead(name as never));
    const mem = e.memRead(DATA, DATA_SIZE);
    return { outcome, regs, mem };
  }

  /** Puts the data region back to its baseline when a case changed it. */
  restoreData(ours: Observation, unicorn: Observation): void {
    if (!Buffer.from(ours.mem.buffer, ours.mem.byteOffset, ours.mem.length).equals(this.baseline))
      this.ts.memWrite(DATA, this.baseline);
    if (!Buffer.from(unicorn.mem.buffer, unicorn.mem.byteOffset, unicorn.mem.length).equals(this.baseline))
      this.uc.memWrite(DATA, this.baseline);
  }
}

export function outcomeOf(err: unknown): string {
  if (err instanceof MemoryFault) return `fault:${err.access}:${err.kind}:0x${err.address.toString(16)}`;
  if (err instanceof AlignmentFault) return 'alignment-fault';
  if (err instanceof UndefinedInstruction) return 'undefined';
  if (err instanceof UnimplementedInstruction) return 'unimplemented';
  if (err instanceof UnhandledException) return err.intno === 1 ? 'undefined' : `exception:${err.intno}`;
  const e = err as Error;
  return `error:${e?.name ?? 'Error'}: ${String(e?.message ?? e).split('\n')[0]}`;
}

/**
 * Outcomes are equal as text, except that fault addresses at or above 2^53 (beyond the Engine
 * contract's exact address range: addresses are JS numbers) only need to agree to within the
 * precision of a double.
 */
export function sameOutcome(a: string, b: string): boolean {
  if (a === b) return true;
  const fa = /^(fault:\w+:\w+):0x([0-9a-f]+)$/.exec(a);
  const fb = /^(fault:\w+:\w+):0x([0-9a-f]+)$/.exec(b);
  if (!fa || !fb || fa[1] !== fb[1]) return false;
  const x = Number.parseInt(fa[2] as string, 16);
  const y = Number.parseInt(fb[2] as string, 16);
  if (x < 2 ** 53 && y < 2 ** 53) return false;
  return Math.abs(x - y) <= Math.max(x, y) * 2 ** -45;
}

const hex = (v: bigint, digits: number): string => `0x${v.toString(16).padStart(digits, '0')}`;

export function compare(ours: Observation, unicorn: Observation): Difference[] {
  const diffs: Difference[] = [];
  for (const name of COMPARED_REGS) {
    const a = ours.regs.get(name) as bigint;
    const b = unicorn.regs.get(name) as bigint;
    if (a !== b) {
      // Addresses are JS numbers in the Engine contract (exact below 2^53): a branch through a
      // register to a larger address can only be compared at that precision.
      if (name === 'pc' && (a >= 1n << 53n || b >= 1n << 53n) && Number(a) === Number(b)) continue;
      const digits = name.startsWith('q') ? 32 : 16;
      diffs.push({ what: name, ours: hex(a, digits), unicorn: hex(b, digits) });
    }
  }
  const m1 = ours.mem;
  const m2 = unicorn.mem;
  if (!Buffer.from(m1.buffer, m1.byteOffset, m1.length).equals(Buffer.from(m2.buffer, m2.byteOffset, m2.length))) {
    let first = -1;
    let last = -1;
    for (let i = 0; i < m1.length; i++) {
      if (m1[i] !== m2[i]) {
        if (first < 0) first = i;
        last = i;
      }
    }
    const lo = first;
    const hi = Math.min(last + 1, first + 64);
    const bytes = (m: Uint8Array) => Buffer.from(m.subarray(lo, hi)).toString('hex');
    diffs.push({
      what: `mem[0x${(DATA + lo).toString(16)}..0x${(DATA + hi).toString(16)})`,
      ours: bytes(m1),
      unicorn: bytes(m2),
    });
  }
  return diffs;
}

// ---- the campaign -------------------------------------------------------------------------------

export interface CaseResult {
  index: number;
  cls: FuzzClass;
  word: number;
  excluded?: string;
  /** Unicorn rejected the word as undefined. */
  invalid: boolean;
  mismatch?: Failure;
}

function classOf(index: number, classes: readonly FuzzClass[]): FuzzClass {
  return classes[index % classes.length] as FuzzClass;
}

/** Runs case `index` of a campaign (the same function serves replay). */
export function runCase(bench: FuzzBench, seed: number, index: number, classes: readonly FuzzClass[]): CaseResult {
  const cls = classOf(index, classes);
  const rng = caseRng(seed, index);
  const drawn = drawWord(rng, cls);
  const word = drawn ?? rng.next();
  const state = drawState(rng);
  const excluded = excludedBy(word);
  if (excluded) return { index, cls, word, excluded: excluded.id, invalid: false };
  const unicorn = bench.observe('unicorn', word, state);
  const ours = bench.observe('ts', word, state);
  bench.restoreData(ours, unicorn);
  const input: CaseInput = { word, pc: CODE, regs: state.regs };
  const dev = deviationFor(word, input, unicorn);
  if (dev) dev.correct(unicorn, input);
  const invalid = unicorn.outcome === 'undefined';
  const oursRejects = ours.outcome === 'undefined' || ours.outcome === 'unimplemented';
  let kind: MismatchKind | null = null;
  let differences: Difference[] = [];
  if (invalid) {
    if (!oursRejects) kind = 'accepts-undefined';
  } else if (oursRejects) {
    kind = 'rejects-defined';
  } else {
    differences = compare(ours, unicorn);
    if (!sameOutcome(ours.outcome, unicorn.outcome)) kind = 'outcome';
    else if (differences.length > 0) kind = 'state';
  }
  if (kind === null) return { index, cls, word, invalid };
  if (kind !== 'state' && differences.length === 0) differences = compare(ours, unicorn);
  const failure: Failure = {
    seed,
    index,
    cls,
    word,
    disassembly: disassemble(word, CODE),
    kind,
    outcomes: { ours: ours.outcome, unicorn: unicorn.outcome },
    differences,
    replay: `orc-sandbox fuzz-isa --replay ${seed}:${index}${classes.length === 1 ? ` --class ${classes[0]}` : ''}${bench.jit ? ' --jit' : ''}`,
  };
  if (dev) failure.deviation = dev.id;
  return { index, cls, word, invalid, mismatch: failure };
}

export async function fuzz(options: FuzzOptions, bench?: FuzzBench): Promise<FuzzReport> {
  const own = bench === undefined;
  const b = bench ?? (await FuzzBench.open(options.seed, { jit: options.jit }));
  try {
    return runCampaign(b, options);
  } finally {
    if (own) b.close();
  }
}

/**
 * A campaign is cut into slices (src/fuzz/campaign.ts) of about this many cases: slice s runs the
 * case indices s, s + S, … until it has its quota of cases. Up to this many cases a campaign is one
 * slice, which runs indices 0, 1, 2, … as an unsliced campaign would.
 */
export const CASES_PER_SLICE = 250;

/** The slice count of a campaign: depends on its case count and classes only. */
export function campaignSlices(options: Pick<FuzzOptions, 'cases' | 'cls'>): number {
  return sliceCount(options.cases, CASES_PER_SLICE, classesFor(options.cls).length);
}

function emptyReport(seed: number, classes: readonly FuzzClass[]): FuzzReport {
  const report: FuzzReport = {
    seed,
    cases: 0,
    mismatches: 0,
    invalid: 0,
    excluded: 0,
    attempts: 0,
    kinds: { 'accepts-undefined': 0, 'rejects-defined': 0, outcome: 0, state: 0 },
    classes: {},
    failures: [],
  };
  for (const c of classes) report.classes[c] = { cases: 0, mismatches: 0, invalid: 0 };
  return report;
}

/** Runs slice `slice` of the campaign: its share of the cases and of the attempt budget. */
export function runSlice(bench: FuzzBench, options: FuzzOptions, slice: number): FuzzReport {
  const classes = classesFor(options.cls);
  const slices = campaignSlices(options);
  const keep = options.keepFailures ?? 20;
  const quota = sliceQuota(options.cases, slices, slice);
  const maxAttempts = sliceQuota(options.maxAttempts ?? 40 * options.cases + 1000, slices, slice);
  const report = emptyReport(options.seed, classes);
  let k = 0;
  while (report.cases < quota && k < maxAttempts) {
    const r = runCase(bench, options.seed, sliceCaseIndex(slices, slice, k), classes);
    k++;
    if (r.excluded) {
      report.excluded++;
      continue;
    }
    const stats = report.classes[r.cls] as ClassStats;
    if (r.invalid) {
      report.invalid++;
      stats.invalid++;
    } else {
      report.cases++;
      stats.cases++;
    }
    if (r.mismatch) {
      report.mismatches++;
      stats.mismatches++;
      report.kinds[r.mismatch.kind]++;
      if (report.failures.length < keep) report.failures.push(r.mismatch);
    }
  }
  report.attempts = k;
  return report;
}

/** Adds slice reports up (failures: the first `keep` by case index). */
export function combineReports(seed: number, cls: FuzzClass | undefined, parts: readonly FuzzReport[], keep: number) {
  const report = emptyReport(seed, classesFor(cls));
  for (const p of parts) {
    report.cases += p.cases;
    report.mismatches += p.mismatches;
    report.invalid += p.invalid;
    report.excluded += p.excluded;
    report.attempts += p.attempts;
    for (const k of Object.keys(report.kinds) as MismatchKind[]) report.kinds[k] += p.kinds[k];
    for (const [c, st] of Object.entries(p.classes)) {
      const mine = report.classes[c] as ClassStats;
      mine.cases += st.cases;
      mine.mismatches += st.mismatches;
      mine.invalid += st.invalid;
    }
  }
  report.failures = keepFirstFailures(
    parts.map((p) => p.failures),
    keep,
  );
  return report;
}

/** The whole campaign on one bench, slice after slice (the same totals as any sharded run). */
export function runCampaign(bench: FuzzBench, options: FuzzOptions): FuzzReport {
  const parts: FuzzReport[] = [];
  for (let s = 0; s < campaignSlices(options); s++) parts.push(runSlice(bench, options, s));
  return combineReports(options.seed, options.cls, parts, options.keepFailures ?? 20);
}

// ---- text output --------------------------------------------------------------------------------

export function formatFailure(f: Failure): string {
  const lines = [
    `mismatch (${f.kind}) class ${f.cls} seed ${f.seed} case ${f.index}: ${hex(BigInt(f.word), 8)}  ${f.disassembly}`,
    `  outcome: ours ${f.outcomes.ours}, unicorn ${f.outcomes.unicorn}${f.deviation ? ` (corrected by deviation ${f.deviation})` : ''}`,
  ];
  for (const d of f.differences.slice(0, 12)) lines.push(`  ${d.what.padEnd(10)} ours ${d.ours}  unicorn ${d.unicorn}`);
  if (f.differences.length > 12) lines.push(`  … ${f.differences.length - 12} more differences`);
  lines.push(`  reproduce: ${f.replay}`);
  return lines.join('\n');
}

export function formatReport(r: FuzzReport): string {
  const lines = [
    `fuzz-isa: seed ${r.seed}: ${r.cases} cases, ${r.mismatches} mismatches` +
      ` (${r.invalid} words undefined on Unicorn, ${r.excluded} excluded, ${r.attempts} drawn)`,
    `  kinds: ${Object.entries(r.kinds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    '  class        cases  mismatches  undefined',
  ];
  for (const [name, s] of Object.entries(r.classes)) {
    lines.push(
      `  ${name.padEnd(11)} ${String(s.cases).padStart(6)}  ${String(s.mismatches).padStart(10)}  ${String(s.invalid).padStart(9)}`,
    );
  }
  for (const f of r.failures) lines.push('', formatFailure(f));
  return lines.join('\n');
}
