/**
 * `orc-sandbox bench [--json]`: engine speed as MIPS and ratios against native Unicorn: the kernels
 * (src/bench/kernels.ts), lazy linking, whole programs under exec / run / run with lazy objects
 * (src/bench/programs-bench.ts, with qemu-aarch64 in the same table), CoreMark with `--coremark
 * DIR`, and start-up as ratios to `node -e 0`.
 */
import { formatTable, runEngineBenchmarks } from '../../bench/engine-bench.ts';
import { formatLazyTable, runLazyBenchmarks } from '../../bench/lazy-bench.ts';
import {
  coremarkSuite,
  formatProgramTable,
  type ProgramRow,
  programsSuite,
  runSuite,
} from '../../bench/programs-bench.ts';
import { formatStartup, measureStartup, type StartupRow } from '../../bench/startup.ts';
import { CliError, flag, intOption, type OptionTable, parseArgs } from '../args.ts';
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
    description:
      'run only NAME: a kernel (int-loop, mem-loop, branch-loop, fp-loop, …), lazy* for the lazy rows, programs, coremark or startup',
  },
  engine: {
    value: true,
    repeat: true,
    valueName: 'ts|unicorn',
    description: 'measure only this engine (default both; the ratio column needs both)',
  },
  'no-lazy': { description: 'skip the lazy-linking benchmarks (stub calls, reentry cost)' },
  rounds: {
    value: true,
    valueName: 'N',
    description: 'rounds of each workload in the programs rows (more rounds: longer, steadier runs)',
  },
  coremark: {
    value: true,
    valueName: 'DIR',
    description: 'build EEMBC CoreMark from the source checkout DIR with our port and add coremark-* rows',
  },
  'coremark-iterations': {
    value: true,
    valueName: 'N',
    description: 'CoreMark iterations for the coremark-* rows',
  },
  'program-runs': {
    value: true,
    valueName: 'N',
    description:
      'runs of each programs/coremark row per engine, engines alternating; a row keeps its least wall and CPU time (default 1)',
  },
  'startup-rounds': {
    value: true,
    valueName: 'N',
    description: 'runs per command in the startup row (the median is reported; default 5)',
  },
};

export const command: Command = {
  summary: 'benchmarks: kernels, lazy linking, programs and CoreMark under exec/run, start-up (MIPS, RSS, ratios)',
  usage:
    'orc-sandbox bench [--json] [--scale F] [--only NAME]… [--engine ts|unicorn]… [--no-lazy] [--rounds N] [--coremark DIR] [--coremark-iterations N] [--program-runs N] [--startup-rounds N]',
  description: `Each kernel (integer, memory, branch and floating-point loops) runs on each engine; the table
shows instructions, seconds, MIPS and the ts/unicorn ratio. The lazy rows measure stub calls and
reentries; the programs rows run tests/programs' workloads under exec, run and run with lazy
objects (each in a child process on the CLI's code path, qemu-aarch64 in the same table, peak RSS);
--coremark DIR builds EEMBC CoreMark from a source checkout you provide (git clone
https://github.com/eembc/coremark) with our freestanding port; the startup row gives start-up
times as ratios to \`node -e 0\`. Progress goes to stderr. The unicorn engine needs the optional
koffi package and libunicorn2.`,
  options: OPTIONS,
  examples: [
    { command: 'npx orc-sandbox bench --scale 0.1', explanation: 'a quick run of every benchmark on both engines' },
    {
      command: 'npx orc-sandbox bench --engine ts --only int-loop --json',
      explanation: 'one kernel on the ts engine, as JSON',
    },
    {
      command: 'npx orc-sandbox bench --only programs --only coremark --coremark ../coremark --json',
      explanation: 'the workloads and CoreMark under exec and run, with qemu-aarch64 and RSS',
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
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const only = p.options.get('only');
    const wants = (name: string) => !only || only.includes(name);
    const rounds = p.options.has('rounds') ? intOption(p, 'rounds', 1) : Math.max(1, Math.round(20 * scale));
    const coremarkDir = p.options.get('coremark')?.[0];
    const coremarkIterations = p.options.has('coremark-iterations')
      ? intOption(p, 'coremark-iterations', 1)
      : Math.max(1, Math.round(300 * scale));
    const programRuns = p.options.has('program-runs') ? intOption(p, 'program-runs', 1) : 1;
    const startupRounds = p.options.has('startup-rounds') ? intOption(p, 'startup-rounds', 1) : 5;

    const kernelNames = only?.filter((n) => !['programs', 'coremark', 'startup'].includes(n) && !n.startsWith('lazy'));
    const results =
      only && kernelNames?.length === 0 ? [] : await runEngineBenchmarks({ scale, engines, only: kernelNames, log });
    // Lazy linking (src/bench/lazy-bench.ts): extra entries named lazy-*, with added fields.
    const lazy =
      flag(p, 'no-lazy') || (only && !only.some((n) => n.startsWith('lazy')))
        ? []
        : await runLazyBenchmarks({ engines, log });
    const programs: ProgramRow[] = [];
    if (wants('programs')) {
      const suite = programsSuite(rounds);
      if (suite === undefined) log('programs: tests/programs is not here (a source checkout has it); skipped');
      else programs.push(...runSuite(suite, { engines, log, runs: programRuns }));
    }
    if (coremarkDir !== undefined && wants('coremark')) {
      const suite = coremarkSuite(coremarkDir, coremarkIterations);
      try {
        programs.push(...runSuite(suite, { engines, log, runs: programRuns }));
      } finally {
        suite.cleanup?.();
      }
    }
    const startup: StartupRow[] = wants('startup') ? measureStartup(startupRounds) : [];
    if (json) {
      const benchmarks: object[] = [
        ...results.map(({ name, engine, instructions, seconds, mips }) => ({
          name,
          engine,
          instructions,
          seconds,
          mips,
        })),
        ...lazy,
        ...programs,
      ];
      if (startup.length > 0) benchmarks.push({ name: 'startup', engine: 'node', cases: startup });
      process.stdout.write(`${JSON.stringify({ benchmarks })}\n`);
    } else {
      const parts: string[] = [];
      if (results.length > 0) parts.push(formatTable(results));
      if (lazy.length > 0) parts.push(formatLazyTable(lazy));
      if (programs.length > 0) parts.push(formatProgramTable(programs));
      if (startup.length > 0) parts.push(formatStartup(startup));
      process.stdout.write(`${parts.join('\n\n')}\n`);
    }
    return 0;
  },
};
