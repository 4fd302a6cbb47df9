/**
 * The structural campaign behind `orc-sandbox fuzz-lazy --structural | --mutant NAME | --replay FILE
 * | --list-mutants`: runs a campaign (optionally against one mutant), prints the shrunk failure as
 * pseudo-source, writes its objects and replay file under --out, and prints the replay command.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineKind } from '../../emu/engine.ts';
import { type CampaignRun, describeCpu, type Shard, toJson } from '../campaign.ts';
import { campaign } from './campaign.ts';
import { findMutant, MUTANTS } from './mutants.ts';
import { runtimeSessionOptions } from './objects.ts';
import { printCase } from './print.ts';
import { caseSize } from './program.ts';
import { readCaseFile, writeCaseDir } from './replay.ts';
import { type RunOptions, runCase } from './runner.ts';
import { formatLazyResult, runLazyCampaign } from './slices.ts';
import { loadUserObjects, UserReference } from './user-objects.ts';

export interface StructuralOptions {
  engine: EngineKind;
  /** --engine was given (a replay otherwise uses the file's engine). */
  engineGiven?: boolean;
  cases: number;
  seed: number;
  mutant?: string;
  replay?: string;
  /** Directory for a shrunk failure's case.json, case.c and objects (--case-dir). */
  caseDir: string;
  /** --out FILE: JSON lines, one per case, then the campaign result (fuzz-merge reads it). */
  out?: string;
  jobs?: number;
  shard?: Shard;
  /** --orc-runtime PATH (objects.ts). */
  orcRuntime?: string;
  /** --objects DIR (user-objects.ts). */
  objects?: string;
  listMutants: boolean;
  /** With mutant 'all': seeds per mutant (1..N). */
  seeds?: number;
}

/** Cases to find and shrunk size of every mutant over seeds 1..N (the table in docs/fuzzing-lazy.md). */
export async function measureMutants(
  o: { engine: EngineKind; cases: number; seeds: number; only?: string },
  write: (s: string) => void,
): Promise<number> {
  const mutants = o.only ? [findMutant(o.only)] : MUTANTS;
  write(
    '| mutant | cases to find (seeds 1..N) | median | shrunk (functions/ops, worst) | first problem |\n|---|---|---|---|---|\n',
  );
  const medians: number[] = [];
  let missed = 0;
  for (const m of mutants) {
    const found: number[] = [];
    let worst = { functions: 0, operations: 0 };
    let first = '';
    // An equivalent mutant gets one full-budget campaign (it cannot be found; the run shows it is not).
    for (let seed = 1; seed <= (m.equivalent ? 1 : o.seeds); seed++) {
      const r = await campaign({ engine: o.engine, seed, cases: o.cases, mutant: m });
      if (!r.shrunk) continue;
      found.push(r.casesToFind ?? 0);
      const s = caseSize(r.shrunk);
      if (s.functions + s.operations > worst.functions + worst.operations) worst = s;
      first ||= (r.problems?.[0] ?? '').replace(/\|/g, '/').slice(0, 90);
    }
    const sorted = [...found].sort((a, b) => a - b);
    const median = sorted.length === o.seeds ? (sorted[Math.floor((sorted.length - 1) / 2)] as number) : undefined;
    if (median !== undefined) medians.push(median);
    else if (!m.equivalent) missed++;
    const cells = Array.from({ length: o.seeds }, (_, i) => {
      const v = found[i];
      return v === undefined ? `>${o.cases}` : String(v);
    });
    write(
      `| ${m.name} | ${found.length === 0 && m.equivalent ? `not found in ${o.cases} (equivalent: ${m.equivalent})` : cells.join(', ')} | ${median ?? '–'} | ${found.length ? `${worst.functions}/${worst.operations}` : '–'} | ${first} |\n`,
    );
  }
  const all = [...medians].sort((a, b) => a - b);
  write(
    `\n${mutants.length} mutants, ${mutants.filter((m) => m.equivalent).length} equivalent, ${missed} missed; median of medians ${all[Math.floor((all.length - 1) / 2)] ?? '–'}\n`,
  );
  return missed === 0 ? 0 : 1;
}

export async function runStructural(o: StructuralOptions, write: (s: string) => void): Promise<number> {
  if (o.listMutants) {
    for (const m of MUTANTS) write(`${m.name.padEnd(30)} ${m.description}\n`);
    return 0;
  }
  const runtime: Partial<RunOptions> = o.orcRuntime ? runtimeSessionOptions(o.orcRuntime) : {};
  if (o.objects) {
    const objects = loadUserObjects(o.objects);
    runtime.user = { objects, reference: new UserReference(objects, o.engine) };
  }
  if (o.replay) {
    const f = readCaseFile(o.replay);
    const mutantName = o.mutant ?? f.mutant;
    const mutant = mutantName ? findMutant(mutantName) : undefined;
    const engine = o.engineGiven ? o.engine : f.engine;
    write(printCase(f.case, runtime.user?.reference.values.get));
    const problems = await runCase(f.case, { engine, ...runtime, ...(mutant ? { mutant } : {}) });
    for (const p of problems) write(`  ${p}\n`);
    write(
      `fuzz-lazy replay on ${engine}${mutantName ? ` (mutant ${mutantName})` : ''}: ${problems.length === 0 ? 'pass' : 'FAIL'}\n`,
    );
    return problems.length === 0 ? 0 : 1;
  }
  if (o.mutant === 'all') return measureMutants({ engine: o.engine, cases: o.cases, seeds: o.seeds ?? 5 }, write);
  // One mutant's table row over seeds 1..N (re-measuring a row of docs/fuzzing-lazy.md).
  if (o.mutant && o.seeds !== undefined)
    return measureMutants({ engine: o.engine, cases: o.cases, seeds: o.seeds, only: o.mutant }, write);
  if (!o.mutant) return runSliced(o, write);
  const mutant = findMutant(o.mutant);
  const r = await campaign({ engine: o.engine, seed: o.seed, cases: o.cases, mutant, ...runtime });
  const rate = (r.casesRun / Math.max(r.millis / 1000, 1e-3)).toFixed(1);
  const label = `${o.engine}${o.mutant ? `, mutant ${o.mutant}` : ''}, seed ${o.seed}`;
  if (!r.shrunk) {
    write(`fuzz-lazy: ${r.casesRun} cases passed (${label}; ${rate} cases/s)\n`);
    return 0;
  }
  const dir = join(o.caseDir, `${o.mutant ?? 'case'}-seed${o.seed}`);
  const file = writeCaseDir(dir, r.shrunk, o.engine, o.mutant);
  const size = caseSize(r.shrunk);
  write(
    `fuzz-lazy: FAIL at case ${r.casesToFind} (${label}); shrunk in ${r.shrinks} steps to ${size.functions} functions, ${size.operations} operations\n`,
  );
  write(printCase(r.shrunk, runtime.user?.reference.values.get));
  for (const p of r.problems ?? []) write(`  ${p}\n`);
  write(
    `objects and case: ${dir}\nreplay: orc-sandbox fuzz-lazy --replay ${file}${o.objects ? ` --objects ${o.objects}` : ''}\n`,
  );
  return 1;
}

/**
 * The structural campaign as slices (src/fuzz/campaign.ts): --jobs worker threads, --shard K/N,
 * --out FILE with one JSON line per case and the campaign result as the last line (fuzz-merge
 * combines shards' files); prints the summary table and the throughput; a failure's shrunk case
 * goes to --case-dir with its replay command.
 */
async function runSliced(o: StructuralOptions, write: (s: string) => void): Promise<number> {
  const { result, lines } = await runLazyCampaign({
    params: {
      seed: o.seed,
      cases: o.cases,
      engine: o.engine,
      mutant: null,
      orcRuntime: o.orcRuntime ?? null,
      objects: o.objects ?? null,
      keepFailures: 5,
    },
    jobs: o.jobs ?? 1,
    ...(o.shard ? { shard: o.shard } : {}),
  });
  if (o.out !== undefined)
    writeFileSync(o.out, `${[...lines, toJson(result)].map((l) => JSON.stringify(l)).join('\n')}\n`);
  write(`${formatLazyResult(result)}\n`);
  const run = result.runs[0] as CampaignRun;
  write(
    `  ${run.shard === 'all' ? `${run.slices} slices` : `shard ${run.shard}: ${run.slices} of ${result.campaign.slices} slices`}, ${run.jobs} threads, ${run.seconds.toFixed(2)} s, ` +
      `${run.casesPerSecondPerCore} cases/s per core\n  ${describeCpu(run)}\n` +
      (o.out !== undefined
        ? `  ${lines.length} case lines and the result written to ${o.out} (combine shards with orc-sandbox fuzz-merge)\n`
        : ''),
  );
  const first = result.failures[0];
  if (!first) return 0;
  const shrunk = first.shrunk as unknown as Parameters<typeof printCase>[0];
  const dir = join(o.caseDir, `case-seed${o.seed}-${first.index}`);
  const file = writeCaseDir(dir, shrunk, o.engine);
  const size = caseSize(shrunk);
  write(`first failure: case ${first.index}, shrunk to ${size.functions} functions, ${size.operations} operations\n`);
  write(printCase(shrunk));
  for (const p of (first.problems as string[]) ?? []) write(`  ${p}\n`);
  write(
    `objects and case: ${dir}\nreplay: orc-sandbox fuzz-lazy --replay ${file}${o.objects ? ` --objects ${o.objects}` : ''}\n`,
  );
  return 1;
}
