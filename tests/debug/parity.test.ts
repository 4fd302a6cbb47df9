/**
 * run/debug parity: for every program of the C corpus (tests/programs) and every lazy scenario
 * (tests/lazy-scenarios), `orc-sandbox debug … --commands [continue]` gives the program exactly the
 * stdout and stderr `orc-sandbox run` gives it, and ends with the same status — on both engines and
 * both executors. In-process calls of the two commands (runCommand, debugCommand), no spawns.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { debugCommand } from '../../src/cli/commands/debug.ts';
import { runCommand } from '../../src/cli/commands/run.ts';
import type { EngineKind } from '../../src/emu/engine.ts';
import { CORPUS_DIR, corpusPrograms } from '../programs/corpus.ts';
import { describeWithOracles } from '../support/oracles.ts';

const SCENARIOS_DIR = fileURLToPath(new URL('../lazy-scenarios/', import.meta.url));
const SCENARIOS = ['args', 'fnptr', 'mutual', 'data', 'chain20', 'fpheavy', 'callback', 'weakhidden', 'undefined'];
/** Need an ELF image (__ehdr_start): `run` fails to link them (tests/e2e/run-corpus.test.ts). */
const ELF_IMAGE_PROGRAMS = new Set(['hello', 'pie']);
/** Executors `debug` supports today (the worker joins when the session's debug primitives do). */
const EXECUTORS = ['in-process'] as const;

interface Case {
  name: string;
  argv: string[];
  stdin: Uint8Array;
}

const objs = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.o'))
    .sort();

function cases(): Case[] {
  const out: Case[] = [];
  for (const p of corpusPrograms()) {
    if (ELF_IMAGE_PROGRAMS.has(p.name)) continue;
    const dir = join(CORPUS_DIR, 'obj', p.name);
    out.push({
      name: `corpus/${p.name}`,
      argv: [...objs(dir).map((f) => join(dir, f)), '--', ...p.args],
      stdin: p.stdin,
    });
  }
  for (const s of SCENARIOS) {
    const dir = join(SCENARIOS_DIR, s, 'obj');
    const files = objs(dir);
    const main = files.filter((f) => f === 'main.o');
    const rest = files.filter((f) => f !== 'main.o');
    out.push({
      name: `lazy/${s}`,
      argv: [...main.map((f) => join(dir, f)), ...rest.flatMap((f) => ['-lazy', join(dir, f)])],
      stdin: new Uint8Array(),
    });
  }
  return out;
}

interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

async function viaRun(c: Case, engine: EngineKind, executor: string): Promise<Outcome> {
  const o: Outcome = { stdout: '', stderr: '', status: 0 };
  o.status = await runCommand(['--engine', engine, '--executor', executor, ...c.argv], {
    write: (s) => {
      o.stdout += s;
    },
    writeErr: (s) => {
      o.stderr += s;
    },
    stdin: c.stdin,
  });
  return o;
}

async function viaDebug(c: Case, engine: EngineKind, executor: string): Promise<Outcome & { transcript: string }> {
  const o = { stdout: '', stderr: '', status: 0, transcript: '' };
  o.status = await debugCommand(['--engine', engine, '--executor', executor, ...c.argv], {
    write: (s) => {
      o.transcript += s;
    },
    programStdout: (s) => {
      o.stdout += s;
    },
    writeErr: (s) => {
      o.stderr += s;
    },
    stdin: c.stdin,
    commands: ['continue'],
  });
  return o;
}

function paritySuite(engine: EngineKind): void {
  for (const executor of EXECUTORS) {
    for (const c of cases()) {
      it(`${c.name} (${executor}): debug + continue prints what run prints, same status`, async () => {
        const r = await viaRun(c, engine, executor);
        const d = await viaDebug(c, engine, executor);
        expect({ stdout: d.stdout, stderr: d.stderr, status: d.status }).toEqual(r);
        // The debugger's own lines: the echo and gdb's end-of-program line.
        expect(d.transcript).toMatch(
          r.status >= 128
            ? /^\(orc\) continue\n\nProgram terminated with signal SIG[A-Z]+, .*\.\nThe program no longer exists\.\n$/
            : /^\(orc\) continue\n\[Inferior 1 \(process 1\) exited (normally|with code [0-7]+)\]\n$/,
        );
      });
    }
  }
}

describe('run/debug parity (ts engine)', () => paritySuite('ts'));
describeWithOracles(['unicorn'], 'run/debug parity (unicorn engine)', () => paritySuite('unicorn'));
