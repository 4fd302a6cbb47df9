/**
 * Lazy-linking speed (src/bench/lazy-bench.ts): host microseconds per resolution with and without
 * linking the body, emulated instructions of the reentry path, and the steady-state cost of a call
 * through a redirected stub, on the ts and unicorn engines.
 * Run: `npx tsx benchmarks/lazy.ts [--functions N] [--calls M] [--engine ts|unicorn]… [--json]`.
 */

import { formatLazyTable, runLazyBenchmarks } from '../src/bench/lazy-bench.ts';
import type { EngineKind } from '../src/emu/engine.ts';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const engines = argv.flatMap((a, i) => (argv[i - 1] === '--engine' ? [a as EngineKind] : []));
const results = await runLazyBenchmarks({
  functions: opt('--functions', 200),
  calls: opt('--calls', 200_000),
  ...(engines.length > 0 ? { engines } : {}),
  log: (line) => process.stderr.write(`${line}\n`),
});
if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ benchmarks: results })}\n`);
else process.stdout.write(`${formatLazyTable(results)}\n`);
