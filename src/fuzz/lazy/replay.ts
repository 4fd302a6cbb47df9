/**
 * Replay files: a failing case (already normalized), the engine and the mutant, as JSON; plus the
 * case's objects and pseudo-source written next to it. `orc-sandbox fuzz-lazy --replay FILE` reruns it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineKind } from '../../emu/engine.ts';
import { objectBytes } from './codegen.ts';
import { printCase } from './print.ts';
import { type FuzzCase, normalize, objName } from './program.ts';

export interface ReplayFile {
  format: 'orc-sandbox fuzz-lazy case 1';
  engine: EngineKind;
  mutant?: string;
  case: FuzzCase;
}

/** Writes `case.json`, `case.c` (pseudo-source) and the objects into `dir`; answers the JSON path. */
export function writeCaseDir(dir: string, c: FuzzCase, engine: EngineKind, mutant?: string): string {
  mkdirSync(dir, { recursive: true });
  const file: ReplayFile = { format: 'orc-sandbox fuzz-lazy case 1', engine, ...(mutant ? { mutant } : {}), case: c };
  const path = join(dir, 'case.json');
  writeFileSync(path, `${JSON.stringify(file, null, 1)}\n`);
  writeFileSync(join(dir, 'case.c'), printCase(c));
  c.program.lazy.forEach((_l, o) => {
    writeFileSync(join(dir, objName(o)), objectBytes(c.program, o));
  });
  return path;
}

export function readCaseFile(path: string): ReplayFile {
  const j = JSON.parse(readFileSync(path, 'utf8')) as Partial<ReplayFile>;
  if (j.format !== 'orc-sandbox fuzz-lazy case 1' || !j.case)
    throw new Error(`${path}: not a fuzz-lazy case file (format 'orc-sandbox fuzz-lazy case 1')`);
  const c = normalize(j.case);
  return {
    format: j.format,
    engine: j.engine === 'unicorn' ? 'unicorn' : 'ts',
    ...(j.mutant ? { mutant: j.mutant } : {}),
    case: c,
  };
}
