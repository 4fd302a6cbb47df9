/**
 * Fuzz campaigns that scale out: a campaign (a tool, its parameters and a seed) is cut into a fixed
 * number of slices that depends only on the campaign, never on how it is run. Slice s owns the case
 * indices s, s + S, s + 2S, … and a quota of the campaign's cases, so
 *   - worker threads (`--jobs N`) take whole slices from a queue,
 *   - shards (`--shard K/N`, one per machine of a job array) take the slices s with s mod N = K - 1,
 *   - `fuzz-merge` adds the shards' result files up,
 * and every way of running the campaign gives the same totals, failure for failure. No coordinator:
 * a CI matrix, a Kubernetes indexed Job or a Slurm array only has to pass K and N.
 *
 * Tool-neutral: a tool supplies a module exporting `openSliceRunner(params)` (run in each worker)
 * and counts that add up (numbers, nested records of numbers). fuzz-isa uses it (src/fuzz/isa/
 * campaign.ts); fuzz-lazy can in the same way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { tunedForTranslation } from '../emu/ts/v8-tiering.ts';
import { activeV8Flags, FUZZ_ISA_V8_FLAGS, FUZZ_LAZY_V8_FLAGS } from './v8-flags.ts';

export const CAMPAIGN_FORMAT = 'orc-sandbox-campaign/1';

/**
 * A campaign that cannot run or merge (bad shard text, result files of different campaigns, a malformed result file).
 */
export class CampaignError extends Error {
  override name = 'CampaignError';
}

// ---- slices and shards ----------------------------------------------------------------------------

/** One shard of N (K is 1-based, as `--shard 1/4` … `--shard 4/4`). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `K/N` (`--shard 2/4`): shard K of N, 1-based.
 *
 * @param text - the shard text.
 * @returns the shard.
 * @throws CampaignError unless 1 <= K <= N.
 * @example
 * ```ts
 * parseShard('2/4'); // { index: 2, count: 4 }
 * ```
 */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count)
    throw new CampaignError(`--shard expects K/N with 1 <= K <= N (e.g. 1/4), got '${text}'`);
  return { index, count };
}

export const formatShard = (s: Shard): string => `${s.index}/${s.count}`;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The number of slices of a campaign of `total` cases: about `perSlice` cases each (at least one
 * slice), coprime with `cycle` so that indices s, s + S, … still visit every residue mod `cycle`
 * (fuzz-isa picks the encoding class as index mod the number of classes).
 */
export function sliceCount(total: number, perSlice: number, cycle = 1): number {
  let s = Math.max(1, Math.ceil(total / perSlice));
  while (gcd(s, cycle) !== 1) s++;
  return s;
}

/** Slice s's share of `total` (the first total mod S slices take one more). */
export function sliceQuota(total: number, slices: number, s: number): number {
  return Math.floor(total / slices) + (s < total % slices ? 1 : 0);
}

/** The k-th case index of slice s. */
export const sliceCaseIndex = (slices: number, s: number, k: number): number => s + k * slices;

/** The slices a shard runs (all of them without a shard). */
export function shardSlices(slices: number, shard?: Shard): number[] {
  const out: number[] = [];
  for (let s = 0; s < slices; s++) if (!shard || s % shard.count === shard.index - 1) out.push(s);
  return out;
}

/** `--jobs` default: one worker thread per core. */
export const defaultJobs = (): number => availableParallelism();

// ---- running slices on worker threads -------------------------------------------------------------

/** What a tool's slice module returns from `openSliceRunner(params)`, once per thread. */
export interface SliceRunner<R> {
  runSlice(slice: number): R | Promise<R>;
  close(): void | Promise<void>;
}

export interface SliceModule<P, R> {
  openSliceRunner(params: P): Promise<SliceRunner<R>>;
}

export interface RunSlicesOptions<P> {
  /** URL (href) of the tool's slice module (import.meta.url-relative, .ts in sources, .js in dist). */
  module: string;
  params: P;
  slices: readonly number[];
  /** Worker threads; 1 runs the slices on this thread. */
  jobs: number;
}

declare const __ORC_SANDBOX_BUNDLE__: boolean | undefined;
/**
 * True in the command's bundle (dist/cli/: bin/build.js defines the name there), false in the
 * per-file build (dist/src/, the package's API) and in the sources.
 */
const IN_COMMAND_BUNDLE = typeof __ORC_SANDBOX_BUNDLE__ === 'boolean' && __ORC_SANDBOX_BUNDLE__;

/**
 * A sibling module's URL with this build's extension (`.ts` from the sources, `.js` compiled). In
 * the command's bundle it is the slice module's own bundle, dist/cli/worker-<path>.js (bin/build.js),
 * which shares the command's chunks: this thread then loads no second copy of the tool (about 120
 * per-file modules, and module state such as the V8 tuning of v8-tiering.ts held twice), and a
 * worker starts from a few files (worker-bootstrap.js).
 */
export function siblingModule(base: string, name: string): string {
  const ext = base.endsWith('.ts') ? '.ts' : '.js';
  const perFile = new URL(`${name}${ext}`, base);
  if (!IN_COMMAND_BUNDLE) return perFile.href;
  // base is the per-file location of a bundled module (dist/src/…; bin/build.js anchors it).
  const root = new URL('../', import.meta.url);
  const rel = perFile.href.slice(root.href.length, -'.js'.length);
  const bundle = new URL(`../../cli/worker-${rel.replaceAll('/', '-')}.js`, import.meta.url);
  return perFile.href.startsWith(root.href) && existsSync(bundle) ? bundle.href : perFile.href;
}

const BOOTSTRAP = new URL('./worker-bootstrap.js', import.meta.url);

/**
 * CPU seconds this thread has run (Linux: /proc/thread-self/schedstat, nanoseconds), undefined
 * elsewhere. Node 20 has no per-thread process.cpuUsage; the campaign reports each job's share with
 * it, so a run shows whether its jobs worked or waited and what V8's own threads took besides.
 */
export function threadCpuSeconds(): number | undefined {
  try {
    const ns = Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1e9 : undefined;
  } catch {
    return undefined;
  }
}

/** Slices handed to a worker ahead of its results, so it never waits for the busy main thread. */
const WORKER_DEPTH = 2;

/** runSlices' results in the order of `slices`, and each job's thread CPU seconds (main thread first). */
export interface SliceRun<R> {
  results: R[];
  /** Per job (index 0: this thread); empty where threads cannot be measured. */
  jobCpuSeconds: number[];
  /**
   * Per job, the part of jobCpuSeconds spent before its first slice: loading the tool's modules
   * (a worker loads them again) and opening its slice runner. Empty where threads cannot be measured.
   */
  jobStartupCpuSeconds: number[];
  /** Per job, wall seconds from the start of runSlices until its last slice was done (its end time). */
  jobSeconds: number[];
}

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `slices` with `jobs` threads and returns their results in the order of `slices`. This
 * thread is one of the jobs (N − 1 workers start): the tool's modules are already loaded here, and a
 * worker pays that loading again (about 0.27 s of CPU for fuzz-lazy, from the bundles) plus its own JIT warm-up.
 * Slices are taken from one queue; which thread runs a slice does not change its result.
 */
export async function runSlices<P, R>(o: RunSlicesOptions<P>): Promise<R[]> {
  return (await runSlicesMeasured<P, R>(o)).results;
}

/** runSlices, also measuring each job's thread CPU time. */
export async function runSlicesMeasured<P, R>(o: RunSlicesOptions<P>): Promise<SliceRun<R>> {
  const results = new Map<number, R>();
  const jobs = Math.max(1, Math.min(o.jobs, o.slices.length));
  const queue = [...o.slices];
  const cpu: (number | undefined)[] = new Array(jobs).fill(undefined);
  const startupCpu: (number | undefined)[] = new Array(jobs).fill(undefined);
  const ended: number[] = new Array(jobs).fill(0);
  const started = performance.now();
  const workers: Worker[] = [];
  let failure: Error | undefined;
  let settle: (() => void) | undefined;
  let running = jobs - 1;
  const workersDone = new Promise<void>((resolve) => {
    settle = resolve;
    if (running === 0) resolve();
  });
  const fail = (e: Error): void => {
    failure ??= e;
    settle?.();
  };
  try {
    for (let j = 1; j < jobs; j++) {
      const w = new Worker(BOOTSTRAP, {
        workerData: { module: o.module, params: o.params, tuned: tunedForTranslation() },
      });
      workers.push(w);
      let inFlight = 0;
      let closing = false;
      const feed = (): void => {
        while (!closing && inFlight < WORKER_DEPTH) {
          const s = failure ? undefined : queue.shift();
          if (s === undefined) {
            if (inFlight === 0) {
              closing = true;
              w.postMessage({ type: 'close' });
            }
            return;
          }
          inFlight++;
          w.postMessage({ type: 'slice', slice: s });
        }
      };
      w.on('message', (m: WorkerMessage<R>) => {
        if (m.type === 'ready') {
          startupCpu[j] = m.cpuSeconds;
          feed();
        } else if (m.type === 'result') {
          results.set(m.slice, m.result);
          ended[j] = performance.now() - started;
          inFlight--;
          feed();
        } else if (m.type === 'error') fail(new CampaignError(`worker ${j}: ${m.message}`));
        else if (m.type === 'closed') {
          cpu[j] = m.cpuSeconds;
          running--;
          if (running === 0) settle?.();
        }
      });
      w.on('error', (e) => fail(e));
      w.on('exit', (code) => {
        if (code !== 0) fail(new CampaignError(`worker ${j} exited with status ${code}`));
      });
    }
    // This thread's share: a slice at a time, letting the workers' messages in between.
    const cpu0 = threadCpuSeconds();
    const mod = (await import(o.module)) as SliceModule<P, R>;
    const runner = await mod.openSliceRunner(o.params);
    const cpuReady = threadCpuSeconds();
    startupCpu[0] = cpu0 !== undefined && cpuReady !== undefined ? cpuReady - cpu0 : undefined;
    try {
      for (let s = queue.shift(); s !== undefined && !failure; s = queue.shift()) {
        results.set(s, await runner.runSlice(s));
        if (jobs > 1) await yieldToEvents();
      }
    } finally {
      await runner.close();
    }
    ended[0] = performance.now() - started;
    const cpu1 = threadCpuSeconds();
    cpu[0] = cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined;
    await workersDone;
    if (failure) throw failure;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const ms = (c: number): number => Math.round(c * 1000) / 1000;
  return {
    results: o.slices.map((s) => results.get(s) as R),
    jobCpuSeconds: cpu.every((c) => c !== undefined) ? (cpu as number[]).map(ms) : [],
    jobStartupCpuSeconds: startupCpu.every((c) => c !== undefined) ? (startupCpu as number[]).map(ms) : [],
    jobSeconds: ended.map((t) => ms(t / 1000)),
  };
}

export type WorkerMessage<R> =
  | { type: 'ready'; cpuSeconds?: number }
  | { type: 'result'; slice: number; result: R }
  | { type: 'error'; message: string }
  | { type: 'closed'; cpuSeconds?: number };

// ---- result files -----------------------------------------------------------------------------------

/** Counts that add up when results are merged. */
export interface Counts {
  [name: string]: number | Counts;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A failure, found at one case index; failures are kept in index order. */
export interface IndexedFailure {
  index: number;
  [key: string]: Json;
}

/** One execution that contributed to a result (a shard, or the whole campaign). */
export interface CampaignRun {
  shard: string;
  jobs: number;
  slices: number;
  cases: number;
  seconds: number;
  /** CPU time of the whole process (all threads): unlike `seconds`, independent of other load. */
  cpuSeconds: number;
  /** Wall-clock cases per second divided by the threads. */
  casesPerSecondPerCore: number;
  /**
   * CPU seconds of each job's own thread (the first is the main thread), where the platform tells
   * (Linux). cpuSeconds minus their sum is what V8's compiler and GC threads and the idle main
   * thread's bookkeeping took.
   */
  jobCpuSeconds?: number[];
  /** Of jobCpuSeconds, what each job spent before its first slice (module loading, opening its runner). */
  jobStartupCpuSeconds?: number[];
  /**
   * Wall seconds at which each job finished its last slice, from the start of its run: the spread
   * shows how evenly the slices were shared out.
   */
  jobSeconds?: number[];
  /**
   * The campaign V8 flags (src/fuzz/v8-flags.ts) the process ran with: they change the CPU
   * figures, never the result.
   */
  v8Flags?: string[];
}

export interface CampaignParams {
  seed: number;
  /** Slice count: fixed by the campaign (see sliceCount). */
  slices: number;
  /** How many failures a result keeps (the first ones by case index). */
  keepFailures: number;
  [key: string]: Json;
}

export interface CampaignResult {
  format: typeof CAMPAIGN_FORMAT;
  tool: string;
  campaign: CampaignParams;
  /** The slices this result covers (sorted). */
  sliceSet: number[];
  totals: Counts;
  failures: IndexedFailure[];
  runs: CampaignRun[];
}

const ENVELOPE = ['format', 'tool', 'campaign', 'slices', 'complete', 'missingSlices', 'failures', 'runs'];

/**
 * The file (and `--json`) form: the totals at the top level next to the envelope, e.g.
 * `{"format","tool","campaign","slices":[…],"complete":true,"cases":…,"mismatches":…,"classes":{…},"failures":[…],"runs":[…]}`.
 */
export function toJson(r: CampaignResult): Record<string, Json> {
  const missing = missingSlices(r);
  return {
    format: r.format,
    tool: r.tool,
    campaign: r.campaign,
    slices: r.sliceSet,
    complete: missing.length === 0,
    missingSlices: missing,
    ...(r.totals as Record<string, Json>),
    failures: r.failures,
    runs: r.runs as unknown as Json,
  };
}

function isCounts(v: unknown): v is Counts {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.values(v).every((x) => typeof x === 'number' || isCounts(x));
}

/** Reads a result file's JSON; `where` names the file in errors. */
export function fromJson(value: unknown, where: string): CampaignResult {
  const o = value as Record<string, unknown>;
  const bad = (what: string): never => {
    throw new CampaignError(`${where}: not a campaign result (${what})`);
  };
  if (typeof o !== 'object' || o === null) bad('not an object');
  if (o.format !== CAMPAIGN_FORMAT) bad(`format is ${JSON.stringify(o.format)}, expected "${CAMPAIGN_FORMAT}"`);
  if (typeof o.tool !== 'string') bad('no tool');
  const c = o.campaign as CampaignParams;
  if (typeof c !== 'object' || c === null || !Number.isSafeInteger(c.slices) || !Number.isSafeInteger(c.keepFailures))
    bad('campaign lacks slices or keepFailures');
  const slices = o.slices;
  if (!Array.isArray(slices) || !slices.every((s) => Number.isSafeInteger(s) && s >= 0 && s < c.slices))
    bad('slices is not a list of slice numbers of this campaign');
  if (!Array.isArray(o.failures) || !o.failures.every((f) => Number.isSafeInteger((f as IndexedFailure)?.index)))
    bad('failures lack case indices');
  if (!Array.isArray(o.runs)) bad('no runs');
  const totals: Counts = {};
  for (const [k, v] of Object.entries(o)) {
    if (ENVELOPE.includes(k)) continue;
    if (typeof v !== 'number' && !isCounts(v)) bad(`'${k}' is not a count`);
    totals[k] = v as number | Counts;
  }
  return {
    format: CAMPAIGN_FORMAT,
    tool: o.tool as string,
    campaign: c,
    sliceSet: [...(slices as number[])].sort((a, b) => a - b),
    totals,
    failures: o.failures as IndexedFailure[],
    runs: o.runs as CampaignRun[],
  };
}

export function addCounts(a: Counts, b: Counts): Counts {
  return addCountsInto(addCountsInto({}, a), b);
}

/**
 * Adds b's counts to `into` in place and returns it; records `into` lacks are copied, never shared
 * with b. Totals of many slices are summed this way: adding each to a fresh copy of the totals so
 * far made a campaign's sum quadratic (fuzz-lazy's totals hold thousands of shape keys: 1.0 s of
 * a 12,000-case campaign).
 */
export function addCountsInto(into: Counts, b: Counts): Counts {
  for (const [k, v] of Object.entries(b)) {
    const x = into[k];
    if (x === undefined) into[k] = typeof v === 'number' ? v : addCountsInto({}, v);
    else if (typeof x === 'number' && typeof v === 'number') into[k] = x + v;
    else if (typeof x === 'object' && typeof v === 'object') addCountsInto(x, v);
    else throw new CampaignError(`count '${k}' is a number in one result and a record in another`);
  }
  return into;
}

/** The first `keep` failures by case index. */
export function keepFirstFailures<F extends { index: number }>(lists: readonly F[][], keep: number): F[] {
  return lists
    .flat()
    .sort((a, b) => a.index - b.index)
    .slice(0, keep);
}

export function missingSlices(r: CampaignResult): number[] {
  const have = new Set(r.sliceSet);
  const out: number[] = [];
  for (let s = 0; s < r.campaign.slices; s++) if (!have.has(s)) out.push(s);
  return out;
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );

/**
 * Combines results of one campaign (disjoint slice sets, e.g. the shards of a job array) into the
 * result the whole campaign would have given.
 */
export function mergeResults(results: readonly { result: CampaignResult; where: string }[]): CampaignResult {
  const first = results[0];
  if (!first) throw new CampaignError('nothing to merge');
  const owner = new Map<number, string>();
  for (const { result, where } of results) {
    if (result.tool !== first.result.tool)
      throw new CampaignError(`${where} is a ${result.tool} result, ${first.where} a ${first.result.tool} result`);
    if (canonical(result.campaign) !== canonical(first.result.campaign))
      throw new CampaignError(
        `${where} is from another campaign than ${first.where}: ${canonical(result.campaign)} vs ${canonical(first.result.campaign)}`,
      );
    for (const s of result.sliceSet) {
      const other = owner.get(s);
      if (other !== undefined) throw new CampaignError(`slice ${s} is in both ${other} and ${where}`);
      owner.set(s, where);
    }
  }
  const totals: Counts = {};
  for (const { result } of results) addCountsInto(totals, result.totals);
  return {
    format: CAMPAIGN_FORMAT,
    tool: first.result.tool,
    campaign: first.result.campaign,
    sliceSet: [...owner.keys()].sort((a, b) => a - b),
    totals,
    failures: keepFirstFailures(
      results.map((r) => r.result.failures),
      first.result.campaign.keepFailures,
    ),
    runs: results.flatMap((r) => r.result.runs),
  };
}

/**
 * Runs a campaign's (or shard's) slices with runSlices and times them: the slice results in slice
 * order and the run's record for CampaignResult.runs (`casesOf` counts the cases of the results).
 */
export async function runTimedSlices<P, R>(
  o: RunSlicesOptions<P>,
  shard: Shard | undefined,
  casesOf: (parts: R[]) => number,
): Promise<{ parts: R[]; run: CampaignRun }> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const { results: parts, jobCpuSeconds, jobStartupCpuSeconds, jobSeconds } = await runSlicesMeasured<P, R>(o);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const jobs = Math.max(1, Math.min(o.jobs, o.slices.length));
  const cases = casesOf(parts);
  const v8Flags = activeV8Flags([...new Set([...FUZZ_LAZY_V8_FLAGS, ...FUZZ_ISA_V8_FLAGS])]);
  return {
    parts,
    run: {
      shard: shard ? formatShard(shard) : 'all',
      jobs,
      slices: o.slices.length,
      cases,
      seconds: Math.round(seconds * 1000) / 1000,
      cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
      casesPerSecondPerCore: throughput(cases, seconds, jobs),
      ...(jobCpuSeconds.length > 0 ? { jobCpuSeconds } : {}),
      ...(jobStartupCpuSeconds.length > 0 ? { jobStartupCpuSeconds } : {}),
      ...(jobs > 1 ? { jobSeconds } : {}),
      ...(v8Flags.length > 0 ? { v8Flags } : {}),
    },
  };
}

/**
 * The CPU line of a run: total, per CPU-second, and where the job threads are measured each job's
 * share and the rest (V8's compiler and GC threads): `7.12 s CPU (56.2 cases per CPU-second): jobs 3.40 + 3.31 s, other threads 0.41 s`.
 */
export function describeCpu(run: CampaignRun): string {
  const perCpu = (run.cases / Math.max(run.cpuSeconds, 1e-3)).toFixed(1);
  const jobs = run.jobCpuSeconds ?? [];
  const own = jobs.reduce((n, x) => n + x, 0);
  const list = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(' + ');
  return (
    `${run.cpuSeconds.toFixed(2)} s CPU (${perCpu} cases per CPU-second)` +
    (jobs.length > 0 ? `: jobs ${list(jobs)} s, other threads ${Math.max(0, run.cpuSeconds - own).toFixed(2)} s` : '') +
    (run.jobStartupCpuSeconds && run.jobStartupCpuSeconds.length > 1
      ? `; before the first slice ${list(run.jobStartupCpuSeconds)} s`
      : '') +
    (run.jobSeconds && run.jobSeconds.length > 1 ? `; jobs done at ${list(run.jobSeconds)} s` : '')
  );
}

/** Cases per second per core of a run that took `seconds` on `jobs` threads. */
export function throughput(cases: number, seconds: number, jobs: number): number {
  return seconds > 0 ? Math.round((cases / seconds / Math.max(1, jobs)) * 10) / 10 : 0;
}
