/**
 * fuzz-isa as a scalable campaign (src/fuzz/campaign.ts): each worker thread opens one FuzzBench
 * and runs whole slices; results become the shared result-file format that `fuzz-merge` adds up.
 */
import {
  CAMPAIGN_FORMAT,
  type CampaignResult,
  type Counts,
  type IndexedFailure,
  type Json,
  runTimedSlices,
  type Shard,
  type SliceRunner,
  shardSlices,
  siblingModule,
} from '../campaign.ts';
import {
  campaignSlices,
  combineReports,
  type Failure,
  FuzzBench,
  type FuzzClass,
  type FuzzOptions,
  type FuzzReport,
  formatReport,
  runSlice,
} from './fuzzer.ts';

export const TOOL = 'fuzz-isa';

/** What defines a campaign (all of it goes to the workers and into result files). */
export interface IsaCampaignParams {
  seed: number;
  cases: number;
  cls: FuzzClass | null;
  jit: boolean;
  keepFailures: number;
}

const optionsOf = (p: IsaCampaignParams): FuzzOptions => ({
  cases: p.cases,
  seed: p.seed,
  cls: p.cls ?? undefined,
  jit: p.jit,
  keepFailures: p.keepFailures,
});

/** Called in each worker thread (and on the main thread for --jobs 1). */
export async function openSliceRunner(params: IsaCampaignParams): Promise<SliceRunner<FuzzReport>> {
  const bench = await FuzzBench.open(params.seed, { jit: params.jit });
  const options = optionsOf(params);
  return {
    runSlice: (slice) => runSlice(bench, options, slice),
    close: () => bench.close(),
  };
}

/**
 * One run of an ISA campaign: its parameters, the worker threads, and optionally the shard to run.
 */
export interface IsaCampaignRun {
  params: IsaCampaignParams;
  jobs: number;
  shard?: Shard;
}

/**
 * Runs the campaign (or one shard of it) on `jobs` threads.
 *
 * Each case is one random instruction word run on the ts engine and on native Unicorn from the same
 * state; differences are mismatches.
 *
 * @param run - campaign parameters (seed, cases, class, jit, failures kept), threads, shard.
 * @returns the result (what `--out` writes, mergeable across shards) and the report.
 * @throws EngineUnavailable when native Unicorn is missing; CampaignError for a bad shard.
 * @example
 * ```ts
 * import { runIsaCampaign } from 'orc-sandbox/fuzz';
 * const { report } = await runIsaCampaign({
 *   params: { seed: 1, cases: 2000, cls: null, jit: false, keepFailures: 10 },
 *   jobs: 2,
 * });
 * console.log(report.mismatches);
 * ```
 */
export async function runIsaCampaign(run: IsaCampaignRun): Promise<{ result: CampaignResult; report: FuzzReport }> {
  const { params } = run;
  const slices = campaignSlices(optionsOf(params));
  const mine = shardSlices(slices, run.shard);
  let report: FuzzReport | undefined;
  const { run: record } = await runTimedSlices<IsaCampaignParams, FuzzReport>(
    { module: siblingModule(import.meta.url, './campaign'), params, slices: mine, jobs: run.jobs },
    run.shard,
    (parts) => {
      report = combineReports(params.seed, params.cls ?? undefined, parts, params.keepFailures);
      return report.cases;
    },
  );
  if (report === undefined) throw new Error('unreachable: runTimedSlices counts the cases');
  const result: CampaignResult = {
    format: CAMPAIGN_FORMAT,
    tool: TOOL,
    campaign: { ...params, slices } as unknown as CampaignResult['campaign'],
    sliceSet: mine,
    totals: totalsOf(report),
    failures: report.failures.map(failureJson),
    runs: [record],
  };
  return { result, report };
}

function totalsOf(r: FuzzReport): Counts {
  return {
    cases: r.cases,
    mismatches: r.mismatches,
    invalid: r.invalid,
    excluded: r.excluded,
    attempts: r.attempts,
    kinds: { ...r.kinds },
    classes: Object.fromEntries(Object.entries(r.classes).map(([k, v]) => [k, { ...v }])),
  };
}

const hexWord = (w: number): string => `0x${w.toString(16).padStart(8, '0')}`;

function failureJson(f: Failure): IndexedFailure {
  return { ...(f as unknown as Record<string, Json>), index: f.index, word: hexWord(f.word) };
}

/** The report a (possibly merged) result stands for, for the text output. */
export function reportOf(r: CampaignResult): FuzzReport {
  const t = r.totals as unknown as Omit<FuzzReport, 'seed' | 'failures'>;
  return {
    seed: r.campaign.seed,
    cases: t.cases,
    mismatches: t.mismatches,
    invalid: t.invalid,
    excluded: t.excluded,
    attempts: t.attempts,
    kinds: t.kinds,
    classes: t.classes,
    failures: r.failures.map((f) => ({ ...(f as unknown as Failure), word: Number(f.word) })),
  };
}

export function formatResult(r: CampaignResult): string {
  return formatReport(reportOf(r));
}
