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
  cases: number;
  seed: number;
  mutant?: string;
  replay?: string;
  out: string;
  listMutants: boolean;
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
    const engine = o.engine ?? f.engine;
    write(printCase(f.case));
    const problems = await runCase(f.case, { engine, ...(mutant ? { mutant } : {}) });
    for (const p of problems) write(`  ${p}\n`);
    write(
      `fuzz-lazy replay on ${engine}${mutantName ? ` (mutant ${mutantName})` : ''}: ${problems.length === 0 ? 'pass' : 'FAIL'}\n`,
    );
    return problems.length === 0 ? 0 : 1;
  }
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
