/**
 * `orc-sandbox fuzz-lazy`: lazy linking vs eager linking on random generated programs (see
 * src/orc/lazy/fuzz.ts). Each case is derived from one seed; a failure prints the seed that
 * replays it (`--seed S --cases 1`).
 */
import type { EngineKind } from '../../emu/engine.ts';
import { runStructural } from '../../fuzz/lazy/cli.ts';
import { checkCase, randomCase } from '../../orc/lazy/fuzz.ts';
import { CliError, flag, intOption, type OptionTable, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

const OPTIONS: OptionTable = {
  cases: {
    value: true,
    valueName: 'N',
    description: 'number of random programs (default 50; 200 with --structural or --mutant)',
  },
  seed: {
    value: true,
    valueName: 'S',
    description: 'first seed (default 1); a failure prints the seed that replays it',
  },
  engine: { value: true, valueName: 'ts|unicorn', description: 'emulator engine (default ts)' },
  // Structural generators, mutants and replay files: src/fuzz/lazy (docs/fuzzing-lazy.md).
  structural: {
    description: 'fuzz the redirection machinery with shrinking structural programs (calls, redirects, removals)',
  },
  mutant: {
    value: true,
    valueName: 'NAME|all',
    description: 'run with a deliberately planted bug NAME (all: each in turn) to measure that the fuzzer finds it',
  },
  seeds: { value: true, valueName: 'N', description: 'with --mutant all: seeds per mutant (default 5)' },
  replay: { value: true, valueName: 'FILE', description: 'rerun the case saved in FILE (case.json of a failure)' },
  out: {
    value: true,
    valueName: 'DIR',
    description: 'where structural failures are saved: case.json, case.c, objN.o (default fuzz-lazy-out)',
  },
  'list-mutants': { description: 'list the planted-bug mutants and exit' },
};

export const command: Command = {
  summary: 'fuzz lazy linking: random programs, lazy vs eager link, results and preserved registers',
  usage:
    'orc-sandbox fuzz-lazy [--cases N] [--seed S] [--engine ts|unicorn]\norc-sandbox fuzz-lazy --structural | --mutant NAME|all [--seeds N] | --replay FILE | --list-mutants [--out DIR] …',
  description: `Generates random programs of several objects, links each lazily and eagerly, and compares results
and the registers the ABI preserves. Exit status 1 on a failure (the report ends with the command
that replays it). The structural mode and mutants are described in docs/fuzzing-lazy.md.`,
  options: OPTIONS,
  examples: [
    { command: 'npx orc-sandbox fuzz-lazy --cases 200 --seed 5', explanation: '200 seeded programs on the ts engine' },
    {
      command: 'npx orc-sandbox fuzz-lazy --structural --cases 100 --out /tmp/fz',
      explanation: 'structural fuzzing; a failure is shrunk and saved under /tmp/fz',
    },
    { command: 'npx orc-sandbox fuzz-lazy --list-mutants', explanation: 'the planted bugs --mutant knows' },
  ],
  async run(argv) {
    const p = parseArgs(argv, OPTIONS);
    const cases = intOption(p, 'cases', 50);
    const seed = intOption(p, 'seed', 1);
    const engine = (p.options.get('engine')?.[0] ?? 'ts') as EngineKind;
    if (engine !== 'ts' && engine !== 'unicorn') throw new CliError('--engine must be ts or unicorn');
    const mutant = p.options.get('mutant')?.[0];
    const replay = p.options.get('replay')?.[0];
    if (flag(p, 'structural') || flag(p, 'list-mutants') || mutant !== undefined || replay !== undefined)
      return runStructural(
        {
          engine,
          engineGiven: p.options.has('engine'),
          cases: intOption(p, 'cases', 200),
          seed,
          ...(mutant !== undefined ? { mutant } : {}),
          ...(replay !== undefined ? { replay } : {}),
          out: p.options.get('out')?.[0] ?? 'fuzz-lazy-out',
          listMutants: flag(p, 'list-mutants'),
          seeds: intOption(p, 'seeds', 5),
        },
        (s) => process.stdout.write(s),
      );
    let failures = 0;
    for (let i = 0; i < cases; i++) {
      const s = (seed + i) >>> 0;
      const c = randomCase(s);
      const problems = await checkCase(c, engine);
      if (problems.length > 0) {
        failures++;
        process.stdout.write(
          `FAIL seed ${s} (${c.functions.length} functions, lazy ${c.lazy.map(Number).join('')}, ${c.sequence.length} calls)\n` +
            problems
              .slice(0, 10)
              .map((x) => `  ${x}\n`)
              .join('') +
            `  replay: orc-sandbox fuzz-lazy --engine ${engine} --seed ${s} --cases 1\n`,
        );
      }
    }
    process.stdout.write(`fuzz-lazy: ${cases} cases from seed ${seed} on ${engine}: ${failures} failed\n`);
    return failures === 0 ? 0 : 1;
  },
};
