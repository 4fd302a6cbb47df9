/**
 * Lazy-linking speed (src/bench/lazy-bench.ts): host microseconds per resolution with and without
 * linking the body, emulated instructions of the reentry path, and the steady-state cost of a call
 * through a redirected stub, on the ts and unicorn engines.
 * With `--orc-runtime PATH` (LLVM's liborc_rt-aarch64.a; tests/orc-rt/fetch.sh fetches Debian's),
 * the first-call rows are repeated through LLVM's runtime, with their ratio to ours in the same run.
 * Run: `npx tsx benchmarks/lazy.ts [--functions N] [--calls M] [--engine ts|unicorn]… [--orc-runtime PATH] [--json]`.
 */

import { formatLazyTable, runLazyBenchmarks } from '../src/bench/lazy-bench.ts';
import type { EngineKind } from '../src/emu/engine.ts';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const orcRuntimeAt = argv.indexOf('--orc-runtime');
const orcRuntime = orcRuntimeAt >= 0 ? argv[orcRuntimeAt + 1] : undefined;
const engines = argv.flatMap((a, i) => (argv[i - 1] === '--engine' ? [a as EngineKind] : []));
const results = await runLazyBenchmarks({
  functions: opt('--functions', 200),
  calls: opt('--calls', 200_000),
  ...(engines.length > 0 ? { engines } : {}),
  ...(orcRuntime !== undefined ? { orcRuntime } : {}),
  log: (line) => process.stderr.write(`${line}\n`),
});
if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ benchmarks: results })}\n`);
else process.stdout.write(`${formatLazyTable(results)}\n`);
