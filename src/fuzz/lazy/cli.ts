/**
 * The structural campaign behind `orc-sandbox fuzz-lazy --structural | --mutant NAME | --replay FILE
 * | --list-mutants`: runs a campaign (optionally against one mutant), prints the shrunk failure as
 * pseudo-source, writes its objects and replay file under --out, and prints the replay command.
 */
import { join } from 'node:path';
import type { EngineKind } from '../../emu/engine.ts';
import { campaign } from './campaign.ts';
import { findMutant, MUTANTS } from './mutants.ts';
import { printCase } from './print.ts';
import { caseSize } from './program.ts';
import { readCaseFile, writeCaseDir } from './replay.ts';
import { runCase } from './runner.ts';

export interface StructuralOptions {
  engine: EngineKind;
  /** --engine was given (a replay otherwise uses the file's engine). */
  engineGiven?: boolean;
  cases: number;
  seed: number;
  mutant?: string;
  replay?: string;
  out: string;
  listMutants: boolean;
  /** With mutant 'all': seeds per mutant (1..N). */
  seeds?: number;
}

/** Cases to find and shrunk size of every mutant over seeds 1..N (the table in docs/fuzzing-lazy.md). */
export async function measureMutants(
  o: { engine: EngineKind; cases: number; seeds: number },
  write: (s: string) => void,
): Promise<number> {
  write(
    '| mutant | cases to find (seeds 1..N) | median | shrunk (functions/ops, worst) | first problem |\n|---|---|---|---|---|\n',
  );
  const medians: number[] = [];
  let missed = 0;
  for (const m of MUTANTS) {
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
    `\n${MUTANTS.length} mutants, ${MUTANTS.filter((m) => m.equivalent).length} equivalent, ${missed} missed; median of medians ${all[Math.floor((all.length - 1) / 2)] ?? '–'}\n`,
  );
  return missed === 0 ? 0 : 1;
}

export async function runStructural(o: StructuralOptions, write: (s: string) => void): Promise<number> {
  if (o.listMutants) {
    for (const m of MUTANTS) write(`${m.name.padEnd(30)} ${m.description}\n`);
    return 0;
  }
  if (o.replay) {
    const f = readCaseFile(o.replay);
    const mutantName = o.mutant ?? f.mutant;
    const mutant = mutantName ? findMutant(mutantName) : undefined;
    const engine = o.engineGiven ? o.engine : f.engine;
    write(printCase(f.case));
    const problems = await runCase(f.case, { engine, ...(mutant ? { mutant } : {}) });
    for (const p of problems) write(`  ${p}\n`);
    write(
      `fuzz-lazy replay on ${engine}${mutantName ? ` (mutant ${mutantName})` : ''}: ${problems.length === 0 ? 'pass' : 'FAIL'}\n`,
    );
    return problems.length === 0 ? 0 : 1;
  }
  if (o.mutant === 'all') return measureMutants({ engine: o.engine, cases: o.cases, seeds: o.seeds ?? 5 }, write);
  const mutant = o.mutant ? findMutant(o.mutant) : undefined;
  const r = await campaign({ engine: o.engine, seed: o.seed, cases: o.cases, ...(mutant ? { mutant } : {}) });
  const rate = (r.casesRun / Math.max(r.millis / 1000, 1e-3)).toFixed(1);
  const label = `${o.engine}${o.mutant ? `, mutant ${o.mutant}` : ''}, seed ${o.seed}`;
  if (!r.shrunk) {
    write(`fuzz-lazy: ${r.casesRun} cases passed (${label}; ${rate} cases/s)\n`);
    return 0;
  }
  const dir = join(o.out, `${o.mutant ?? 'case'}-seed${o.seed}`);
  const file = writeCaseDir(dir, r.shrunk, o.engine, o.mutant);
  const size = caseSize(r.shrunk);
  write(
    `fuzz-lazy: FAIL at case ${r.casesToFind} (${label}); shrunk in ${r.shrinks} steps to ${size.functions} functions, ${size.operations} operations\n`,
  );
  write(printCase(r.shrunk));
  for (const p of r.problems ?? []) write(`  ${p}\n`);
  write(`objects and case: ${dir}\nreplay: orc-sandbox fuzz-lazy --replay ${file}\n`);
  return 1;
}
