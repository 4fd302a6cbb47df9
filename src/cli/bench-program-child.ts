/**
 * One measured run of the programs benchmark (src/bench/programs-bench.ts), in a process of its
 * own so that its peak RSS is the run's: `node bench-program-child.js '<ProgramRunSpec JSON>'` prints one
 * JSON line (ProgramRunResult) on stdout. The run takes the CLI's code path: `exec` is execElf
 * (what `orc-sandbox exec` calls), `run` is runCommand's sequence (parseRunInvocation,
 * openRunSession, session.run). The one difference: native Unicorn runs without its counting block
 * hook (`countInstructions: false`), as the benchmark measures the engine, not the hook.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ProgramRunResult, ProgramRunSpec } from '../bench/programs-bench.ts';
import type { Engine } from '../emu/engine.ts';
import { createEngine } from '../emu/factory.ts';
import { execElf } from '../emu/linux/process.ts';
import { tuneV8ForTranslation } from '../emu/ts/v8-tiering.ts';

async function runOnce(spec: ProgramRunSpec): Promise<ProgramRunResult> {
  let stdout = '';
  const dec = new TextDecoder();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let status: number;
  let instructions: number;
  let engine: Engine | undefined;
  const engineOptions = spec.engine === 'unicorn' ? { countInstructions: false } : {};
  if (spec.mode === 'exec') {
    engine = await createEngine(spec.engine, { seed: 0, ...engineOptions });
    try {
      const r = await execElf(new Uint8Array(readFileSync(spec.elf)), spec.elf, {
        engine,
        args: spec.args,
        env: [],
        seed: 0,
        stdout: (b) => {
          stdout += dec.decode(b, { stream: true });
        },
        stderr: () => {},
      });
      status = r.status;
      instructions = r.instructions;
    } finally {
      engine.close();
    }
  } else {
    const { openRunSession, parseRunInvocation } = await import('./run-options.ts');
    const argv = [
      '--engine',
      spec.engine,
      ...spec.objects.flatMap((o) => (o.lazy ? ['-lazy', o.path] : [o.path])),
      '--',
      ...spec.args,
    ];
    const inv = parseRunInvocation(argv, {}, { stdin: new Uint8Array(0) });
    const session = await openRunSession(
      inv,
      {
        write: (s) => {
          stdout += s;
        },
        writeErr: () => {},
      },
      spec.engine === 'unicorn' ? { engineOptions } : {},
    );
    try {
      const r = await session.run(inv.entry, { argv: inv.argv });
      status = r.status;
      instructions = r.instructions;
      engine = (session.local as { engine?: Engine } | undefined)?.engine;
    } finally {
      await session.close();
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const result: ProgramRunResult = {
    status,
    stdout,
    instructions: spec.engine === 'unicorn' ? null : instructions,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
  };
  const tier = engine as { translatedRegions?: number; wasmRegions?: number } | undefined;
  if (tier?.translatedRegions !== undefined) result.translatedRegions = tier.translatedRegions;
  if (tier?.wasmRegions !== undefined) result.wasmRegions = tier.wasmRegions;
  return result;
}

const arg = process.argv[2];
if (arg !== undefined && process.argv[1] !== undefined && /bench-program-child\.[jt]s$/.test(process.argv[1])) {
  // As the CLI's main() does: the measured run takes the user's path, V8 settings included.
  tuneV8ForTranslation();
  const r = await runOnce(JSON.parse(arg) as ProgramRunSpec);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
