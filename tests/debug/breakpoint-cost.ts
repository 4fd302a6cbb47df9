/**
 * Measures what a breakpoint costs a debugged run (issue 10: a breakpoint must not switch the ts
 * engine's translation tier off for the whole program). Runs the corpus program `interp` under the
 * debug control layer three ways — no breakpoint; a breakpoint on `main` (hit once at the start,
 * then continue: the breakpoint stays set for the whole run); a breakpoint on a function never
 * called — and prints the CPU time of the run after the first stop and the instruction rate.
 *
 *   npx tsx tests/debug/breakpoint-cost.ts [ts|unicorn] [in-process|worker]
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRunSession, parseRunInvocation } from '../../src/cli/run-options.ts';
import { DebugControl } from '../../src/debug/control.ts';

const engine = process.argv[2] ?? 'ts';
const executor = process.argv[3] ?? 'in-process';
const dir = fileURLToPath(new URL('../programs/obj/interp/', import.meta.url));
const objs = readdirSync(dir)
  .filter((f) => f.endsWith('.o'))
  .map((f) => join(dir, f));

async function measure(label: string, breakAt: string | undefined): Promise<void> {
  const inv = parseRunInvocation(
    ['--engine', engine, '--executor', executor, ...objs],
    {},
    { stdin: new Uint8Array() },
  );
  const control = await DebugControl.create({
    open: () => openRunSession(inv, { write: () => {}, writeErr: () => {} }),
    entry: inv.entry,
    argv: inv.argv,
  });
  await control.link();
  if (breakAt) await control.addBreakpoint(breakAt);
  // Stop at the entry first, so both variants time the same part: the whole program after it.
  await control.go({ kind: 'stepi', count: 1 });
  // CPU time of this process (the worker's thread included): steadier than wall time on a busy machine.
  const c0 = process.cpuUsage();
  const ev = await control.go({ kind: 'continue' });
  const c1 = process.cpuUsage(c0);
  const ms = (c1.user + c1.system) / 1000;
  const n = ev.kind === 'exit' ? ev.result.instructions : Number.NaN;
  console.log(
    `${label.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms CPU  ${String(n).padStart(10)} instructions  ${(n / ms / 1000).toFixed(1)} M/s  (${ev.kind})`,
  );
  await control.close();
}

console.log(`interp, ${engine} engine, ${executor} executor`);
for (let round = 0; round < 2; round++) {
  await measure('no breakpoint', undefined);
  await measure('breakpoint on main (stays set)', 'main');
  await measure('breakpoint on a function never called', 'calloc');
}
