/**
 * A fuzz-lazy campaign: fast-check draws cases from the structural generators, each runs through
 * the session with every property checked (runner.ts); the first failure is shrunk structurally
 * (fewer functions, calls, operations, smaller signatures and constants) and answered with its
 * problems, so the caller can print the pseudo-source, write the objects and a replay file.
 */
import fc from 'fast-check';
import type { EngineKind } from '../../emu/engine.ts';
import type { Mutant } from './mutants.ts';
import { caseArb, caseSize, deleteFunction, deleteOp, type FuzzCase, normalize, userCaseArb } from './program.ts';
import { type RunOptions, runCase } from './runner.ts';

/**
 * Options of a lazy-linking campaign (exported as LazyCampaignOptions): engine, planted mutant, seed, cases.
 */
export interface CampaignOptions {
  engine?: EngineKind;
  mutant?: Mutant;
  /** Runtime objects in place of runtime-aarch64's (`--orc-runtime`). */
  runtimeObjects?: RunOptions['runtimeObjects'];
  orcRuntime?: RunOptions['orcRuntime'];
  /** Users' objects mixed in as callees (`--objects`). */
  user?: RunOptions['user'];
  seed?: number;
  cases?: number;
}

/**
 * What a lazy-linking campaign found (exported as LazyCampaignResult): cases run, the first failure shrunk, its problems.
 */
export interface CampaignResult {
  casesRun: number;
  /** 1-based index of the first failing case, undefined when every case passed. */
  casesToFind?: number;
  shrunk?: FuzzCase;
  problems?: string[];
  shrinks: number;
  millis: number;
}

/**
 * Runs a lazy-linking campaign (exported as lazyCampaign): random structural programs of several
 * objects, some lazy, with calls, redirects and removals, each checked against its model; the first
 * failing case is shrunk.
 *
 * @param o - engine (default ts), seed (default 1), cases (default 200), a planted mutant.
 * @returns the count of cases run and, on failure, the shrunk case and its problems.
 * @example
 * ```ts
 * import { lazyCampaign } from 'orc-sandbox/fuzz';
 * const r = await lazyCampaign({ seed: 3, cases: 50 });
 * if (r.shrunk) console.log(r.problems);
 * ```
 */
export async function campaign(o: CampaignOptions = {}): Promise<CampaignResult> {
  const t0 = performance.now();
  const opts: RunOptions = {
    engine: o.engine ?? 'ts',
    ...(o.mutant ? { mutant: o.mutant } : {}),
    ...(o.runtimeObjects ? { runtimeObjects: o.runtimeObjects } : {}),
    ...(o.orcRuntime ? { orcRuntime: o.orcRuntime } : {}),
    ...(o.user ? { user: o.user } : {}),
  };
  const arb = o.user
    ? userCaseArb(
        o.user.objects.fns,
        o.user.objects.objects.map((x) => x.name),
      )
    : caseArb;
  let casesRun = 0;
  let firstFailure: number | undefined;
  const details = await fc.check(
    fc.asyncProperty(arb, async (raw) => {
      const shrinking = firstFailure !== undefined;
      if (!shrinking) casesRun++;
      const problems = await runCase(normalize(raw), opts);
      if (problems.length > 0 && !shrinking) firstFailure = casesRun;
      return problems.length === 0;
    }),
    { seed: o.seed ?? 1, numRuns: o.cases ?? 100, endOnFailure: false },
  );
  const millis = Math.round(performance.now() - t0);
  if (!details.failed || !details.counterexample) return { casesRun, shrinks: 0, millis };
  const s = await shrinkCase(normalize(details.counterexample[0] as FuzzCase), opts);
  return {
    casesRun,
    casesToFind: firstFailure,
    shrunk: s.shrunk,
    problems: s.problems,
    shrinks: details.numShrinks,
    millis,
  };
}

/** Deletes whole functions and operations while the case still fails (indices kept meaningful). */
export async function shrinkCase(c: FuzzCase, opts: RunOptions): Promise<{ shrunk: FuzzCase; problems: string[] }> {
  let shrunk = c;
  let problems = await runCase(shrunk, opts);
  for (let changed = true; changed; ) {
    changed = false;
    const candidates = [
      ...shrunk.program.fns.map((_f, x) => () => deleteFunction(shrunk, x)),
      ...shrunk.ops.map((_o, k) => () => deleteOp(shrunk, k)),
    ];
    for (const make of candidates) {
      const smaller = make();
      if (smaller.program.fns.length === shrunk.program.fns.length && smaller.ops.length === shrunk.ops.length)
        continue;
      const pr = await runCase(smaller, opts);
      if (pr.length > 0) {
        shrunk = smaller;
        problems = pr;
        changed = true;
        break;
      }
    }
  }
  return { shrunk, problems };
}

export { caseSize };
