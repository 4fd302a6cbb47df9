/** Runs the thread test programs (tests/threads/programs) in an OrcSession (in process). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EngineKind } from '../../src/emu/engine.ts';
import type { ProgramResult } from '../../src/executor/host/runner.ts';
import type { ThreadOptions } from '../../src/executor/threads/scheduler.ts';
import { type OrcSession, openSession } from '../../src/orc/session/session.ts';

export const objDir = fileURLToPath(new URL('./programs/obj/', import.meta.url));
const cache = new Map<string, Uint8Array>();
export const obj = (name: string): Uint8Array => {
  let b = cache.get(name);
  if (!b) {
    b = new Uint8Array(readFileSync(`${objDir}${name}`));
    cache.set(name, b);
  }
  return b;
};

export interface Run {
  sandbox: OrcSession;
  result: ProgramResult | undefined;
  error: Error | undefined;
  out: string;
  err: string;
  /** `Linking <name>` lines, names only. */
  linked: string[];
  /** Every context switch as "from>to@instructionCount". */
  switches: string[];
}

/** Inputs: object names; a leading '-lazy ' marks a lazy object. */
export async function runThreads(
  kind: EngineKind,
  inputs: string[],
  seed: number,
  threads: ThreadOptions = {},
  maxInstructions = 20_000_000,
): Promise<Run> {
  const dec = new TextDecoder();
  let out = '';
  let err = '';
  const linked: string[] = [];
  const switches: string[] = [];
  const sandbox = await openSession({
    engine: kind,
    syscalls: false,
    faultsAsSignals: false,
    seed,
    stdout: (b) => {
      out += dec.decode(b);
    },
    stderr: (b) => {
      err += dec.decode(b);
    },
    showLinkedFiles: (l) => linked.push(l.trim().replace(/^Linking /, '')),
    threads: { ...threads, onSwitch: (a, b, n) => switches.push(`${a}>${b}@${n}`) },
  });
  for (const input of inputs) {
    const lazy = input.startsWith('-lazy ');
    const name = lazy ? input.slice(6) : input;
    sandbox.addObject(obj(name), name, { lazy });
  }
  let result: ProgramResult | undefined;
  let error: Error | undefined;
  try {
    result = await sandbox.run('main', { maxInstructions });
  } catch (e) {
    error = e as Error;
  }
  return { sandbox, result, error, out, err, linked, switches };
}

export const LAZY_INPUTS = ['lazy-main.o', '-lazy lazy-work.o'];
/** work(n) = sum of i*i for i < n, for n = 10, 20, 30, 40. */
export const WORK = [285, 2470, 8555, 20540];
export const LAZY_TOTAL = WORK.reduce((a, b) => a + b, 0);
