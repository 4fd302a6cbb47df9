/**
 * fuzz-lazy as a scalable campaign (src/fuzz/campaign.ts): case i of a campaign is drawn from the
 * structural generators with its own seed (caseSeed(seed, i)), so a case is the same on any
 * machine, thread or shard. Worker threads run whole slices; each case gives one JSON line (seed,
 * sizes, operations, time, problems) and adds to the totals: pass/fail counts, operation kinds,
 * reentry-routine instructions and reentry register states (runner.ts's Coverage). A failure is
 * shrunk where it was found and kept with its shrunk case, so `--replay` can rerun it.
 */
import fc from 'fast-check';
import type { EngineKind } from '../../emu/engine.ts';
import {
  addCountsInto,
  CAMPAIGN_FORMAT,
  type CampaignResult,
  type Counts,
  type IndexedFailure,
  type Json,
  keepFirstFailures,
  runTimedSlices,
  type Shard,
  type SliceRunner,
  shardSlices,
  siblingModule,
  sliceCaseIndex,
  sliceCount,
  sliceQuota,
} from '../campaign.ts';
import { shrinkCase } from './campaign.ts';
import { findMutant } from './mutants.ts';
import { caseArb, caseSize, type FuzzCase, normalize, userCaseArb } from './program.ts';
import { type Coverage, emptyCoverage, type RunOptions, runCase } from './runner.ts';
import type { UserObjects } from './user-objects.ts';

export const TOOL = 'fuzz-lazy';
/** Cases per slice: small enough that 2–8 threads stay busy on a few hundred cases. */
const PER_SLICE = 4;

export interface LazyCampaignParams {
  seed: number;
  cases: number;
  engine: EngineKind;
  mutant: string | null;
  /** Runtime archive/objects path (`--orc-runtime`), or null for runtime-aarch64's. */
  orcRuntime: string | null;
  /** Users' objects directory (`--objects`), or null. */
  objects?: string | null;
  keepFailures: number;
}

/** Seed of case `index` of a campaign with seed `seed` (same value on every machine). */
export const caseSeed = (seed: number, index: number): number =>
  (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;

/** Case `index` of the campaign (normalized). */
export function campaignCase(seed: number, index: number, user?: UserObjects): FuzzCase {
  const arb = user
    ? userCaseArb(
        user.fns,
        user.objects.map((o) => o.name),
      )
    : caseArb;
  return normalize(fc.sample(arb, { seed: caseSeed(seed, index), numRuns: 1 })[0] as FuzzCase);
}

export interface CaseLine {
  index: number;
  seed: number;
  functions: number;
  objects: number;
  operations: number;
  ops: Record<string, number>;
  ms: number;
  pass: boolean;
  problems?: string[];
}

export interface SliceResult {
  totals: Counts;
  failures: IndexedFailure[];
  lines: CaseLine[];
}

/** Options of runCase for a campaign (the mutant and runtime resolved in this thread). */
async function runOptionsOf(p: LazyCampaignParams): Promise<RunOptions> {
  const opts: RunOptions = { engine: p.engine };
  if (p.mutant) opts.mutant = findMutant(p.mutant);
  if (p.orcRuntime) {
    const { runtimeSessionOptions } = await import('./objects.ts');
    Object.assign(opts, runtimeSessionOptions(p.orcRuntime));
    if (typeof opts.orcRuntime === 'string') {
      // Read the archive once per thread, not once per case.
      const { loadOrcRuntime } = await import('../../orc/platform/orc-rt-node.ts');
      const { archive, fallback } = await loadOrcRuntime(opts.orcRuntime);
      opts.orcRuntime = archive;
      opts.orcRuntimeFallbackObjects = fallback;
    }
  }
  if (p.objects) {
    const { loadUserObjects, UserReference } = await import('./user-objects.ts');
    const objects = loadUserObjects(p.objects);
    opts.user = { objects, reference: new UserReference(objects, p.engine) };
  }
  return opts;
}

export async function openSliceRunner(params: LazyCampaignParams): Promise<SliceRunner<SliceResult>> {
  const opts = await runOptionsOf(params);
  const slices = sliceCount(params.cases, PER_SLICE);
  return {
    runSlice: async (slice) => {
      const coverage: Coverage = emptyCoverage();
      const lines: CaseLine[] = [];
      const failures: IndexedFailure[] = [];
      let failed = 0;
      let functions = 0;
      let operations = 0;
      const quota = sliceQuota(params.cases, slices, slice);
      for (let k = 0; k < quota; k++) {
        const index = sliceCaseIndex(slices, slice, k);
        const c = campaignCase(params.seed, index, opts.user?.objects);
        const ops: Record<string, number> = {};
        for (const op of c.ops) ops[op.kind] = (ops[op.kind] ?? 0) + 1;
        const t0 = performance.now();
        const problems = await runCase(c, { ...opts, coverage });
        const ms = Math.round((performance.now() - t0) * 10) / 10;
        const size = caseSize(c);
        functions += size.functions;
        operations += size.operations;
        lines.push({
          index,
          seed: caseSeed(params.seed, index),
          functions: size.functions,
          objects: c.program.lazy.length,
          operations: size.operations,
          ops,
          ms,
          pass: problems.length === 0,
          ...(problems.length > 0 ? { problems } : {}),
        });
        if (problems.length === 0) continue;
        failed++;
        if (failures.length < params.keepFailures) {
          const s = await shrinkCase(c, opts);
          failures.push({
            index,
            seed: caseSeed(params.seed, index),
            problems: s.problems,
            shrunk: s.shrunk as unknown as Json,
          });
        }
      }
      return {
        totals: {
          cases: quota,
          failed,
          passed: quota - failed,
          sizes: { functions, operations },
          ops: coverage.ops,
          reentryPcs: coverage.reentryPcs,
          reentryStates: coverage.reentryStates,
          events: coverage.events,
        },
        failures,
        lines,
      };
    },
    close: () => opts.user?.reference.close(),
  };
}

export interface LazyCampaignRun {
  params: LazyCampaignParams;
  jobs: number;
  shard?: Shard;
}

/** Runs the campaign (or one shard of it) on `jobs` threads; the lines come in case order. */
export async function runLazyCampaign(run: LazyCampaignRun): Promise<{ result: CampaignResult; lines: CaseLine[] }> {
  const { params } = run;
  const slices = sliceCount(params.cases, PER_SLICE);
  const mine = shardSlices(slices, run.shard);
  const totals: Counts = {};
  const { parts, run: record } = await runTimedSlices<LazyCampaignParams, SliceResult>(
    { module: siblingModule(import.meta.url, './slices'), params, slices: mine, jobs: run.jobs },
    run.shard,
    (ps) => {
      for (const p of ps) addCountsInto(totals, p.totals);
      return typeof totals.cases === 'number' ? totals.cases : 0;
    },
  );
  const result: CampaignResult = {
    format: CAMPAIGN_FORMAT,
    tool: TOOL,
    campaign: { ...params, slices } as unknown as CampaignResult['campaign'],
    sliceSet: mine,
    totals,
    failures: keepFirstFailures(
      parts.map((p) => p.failures),
      params.keepFailures,
    ),
    runs: [record],
  };
  const lines = parts.flatMap((p) => p.lines).sort((a, b) => a.index - b.index);
  return { result, lines };
}

const rec = (v: unknown): Record<string, number> =>
  typeof v === 'object' && v !== null ? (v as Record<string, number>) : {};

/** The summary table of a (possibly merged) fuzz-lazy result. */
export function formatLazyResult(r: CampaignResult): string {
  const t = r.totals;
  const cases = Number(t.cases ?? 0);
  const out: string[] = [];
  const sizes = rec(t.sizes);
  out.push(
    `fuzz-lazy campaign seed ${r.campaign.seed}${r.campaign.mutant ? `, mutant ${String(r.campaign.mutant)}` : ''}: ${cases} cases, ${Number(t.failed ?? 0)} failed` +
      (cases > 0
        ? ` (mean ${((sizes.functions ?? 0) / cases).toFixed(1)} functions, ${((sizes.operations ?? 0) / cases).toFixed(1)} operations)`
        : ''),
  );
  const table = (title: string, m: Record<string, number>, limit = 40): void => {
    const rows = Object.entries(m).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    out.push(`  ${title} (${rows.length}):`);
    for (const [k, v] of rows.slice(0, limit)) out.push(`    ${String(v).padStart(8)}  ${k}`);
    if (rows.length > limit) out.push(`    … ${rows.length - limit} more`);
  };
  table('operations by kind', rec(t.ops));
  table('events', rec(t.events));
  const pcs = rec(t.reentryPcs);
  const pcRows = Object.entries(pcs).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  out.push(
    `  reentry routine: ${pcRows.length} instructions executed, ${pcRows.reduce((n, [, v]) => n + v, 0)} times in all` +
      (pcRows.length > 0
        ? ` (${pcRows[0]?.[0]} … ${pcRows[pcRows.length - 1]?.[0]}; each ${Math.min(...pcRows.map(([, v]) => v))}–${Math.max(...pcRows.map(([, v]) => v))} times)`
        : ''),
  );
  table('reentries by register state (live argument registers, x8, context)', rec(t.reentryStates), 15);
  for (const f of r.failures)
    out.push(`  FAIL case ${f.index} (seed ${String(f.seed)}): ${String((f.problems as string[])?.[0])}`);
  return out.join('\n');
}
