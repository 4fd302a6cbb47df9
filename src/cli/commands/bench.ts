/** `orc-sandbox bench [--json]`: engine speed as MIPS and ratios against native Unicorn. */
import { formatTable, runEngineBenchmarks } from '../../bench/engine-bench.ts';
import { formatLazyTable, runLazyBenchmarks } from '../../bench/lazy-bench.ts';
import { CliError, flag, type OptionTable, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

const OPTIONS: OptionTable = {
  json: { description: 'print one JSON object {benchmarks: [...]} on stdout instead of the tables' },
  scale: {
    value: true,
    valueName: 'F',
    description: "multiply every kernel's iteration count by F (default 1; 0.1 for a quick look)",
  },
  only: {
    value: true,
    repeat: true,
    valueName: 'NAME',
    description: 'run only the kernel NAME (int-loop, mem-loop, branch-loop, fp-loop, …; lazy* for the lazy ones)',
  },
  engine: {
    value: true,
    repeat: true,
    valueName: 'ts|unicorn',
    description: 'measure only this engine (default both; the ratio column needs both)',
  },
  'no-lazy': { description: 'skip the lazy-linking benchmarks (stub calls, reentry cost)' },
};

export const command: Command = {
  summary: 'run the engine benchmarks on the ts and unicorn engines (MIPS, ts/unicorn ratio)',
  usage: 'orc-sandbox bench [--json] [--scale F] [--only NAME]… [--engine ts|unicorn]… [--no-lazy]',
  description: `Each kernel (integer, memory, branch and floating-point loops) runs on each engine; the table
shows instructions, seconds, MIPS and the ts/unicorn ratio. Progress goes to stderr. The unicorn
engine needs the optional koffi package and libunicorn2.`,
  options: OPTIONS,
  examples: [
    { command: 'npx orc-sandbox bench --scale 0.1', explanation: 'a quick run of every benchmark on both engines' },
    {
      command: 'npx orc-sandbox bench --engine ts --only int-loop --json',
      explanation: 'one kernel on the ts engine, as JSON',
    },
  ],
  async run(argv) {
    const p = parseArgs(argv, OPTIONS);
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
