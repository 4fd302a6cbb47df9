/** `orc-sandbox bench [--json]`: engine speed as MIPS and ratios against native Unicorn. */
import { formatTable, runEngineBenchmarks } from '../../bench/engine-bench.ts';
import { formatLazyTable, runLazyBenchmarks } from '../../bench/lazy-bench.ts';
import { CliError, flag, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

export const command: Command = {
  summary: 'run the engine benchmarks on the ts and unicorn engines (MIPS, ts/unicorn ratio)',
  usage: 'orc-sandbox bench [--json] [--scale F] [--only NAME]… [--engine ts|unicorn]… [--no-lazy]',
  async run(argv) {
    const p = parseArgs(argv, {
      json: {},
      scale: { value: true },
      only: { value: true, repeat: true },
      engine: { value: true, repeat: true },
      'no-lazy': {},
    });
    const scale = Number(p.options.get('scale')?.[0] ?? 1);
    if (!(scale > 0)) throw new CliError('--scale expects a positive number');
    const engines = (p.options.get('engine') ?? ['ts', 'unicorn']).map((e) => {
      if (e !== 'ts' && e !== 'unicorn') throw new CliError(`unknown engine '${e}'`);
      return e;
    });
    const json = flag(p, 'json');
    const results = await runEngineBenchmarks({
      scale,
      engines,
      only: p.options.get('only'),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    // Lazy linking (src/bench/lazy-bench.ts): extra entries named lazy-*, with added fields.
    const only = p.options.get('only');
    const lazy =
      flag(p, 'no-lazy') || (only && !only.some((n) => n.startsWith('lazy')))
        ? []
        : await runLazyBenchmarks({ engines, log: (line) => process.stderr.write(`${line}\n`) });
    if (json) {
      const benchmarks = [
        ...results.map(({ name, engine, instructions, seconds, mips }) => ({
          name,
          engine,
          instructions,
          seconds,
          mips,
        })),
        ...lazy,
      ];
      process.stdout.write(`${JSON.stringify({ benchmarks })}\n`);
    } else {
      process.stdout.write(`${formatTable(results)}\n`);
      if (lazy.length > 0) process.stdout.write(`\n${formatLazyTable(lazy)}\n`);
    }
    return 0;
  },
};
