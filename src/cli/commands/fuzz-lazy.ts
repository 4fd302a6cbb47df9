/**
 * `orc-sandbox fuzz-lazy`: lazy linking vs eager linking on random generated programs (see
 * src/orc/lazy/fuzz.ts). Each case is derived from one seed; a failure prints the seed that
 * replays it (`--seed S --cases 1`).
 */
import { setFlagsFromString } from 'node:v8';
import type { EngineKind } from '../../emu/engine.ts';
import { defaultJobs, parseShard, type Shard } from '../../fuzz/campaign.ts';
import { runStructural } from '../../fuzz/lazy/cli.ts';
import { FUZZ_LAZY_V8_FLAGS, rerunWithV8Flags } from '../../fuzz/v8-flags.ts';
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
  seeds: {
    value: true,
    valueName: 'N',
    description: 'with --mutant all (default 5) or --mutant NAME: measure seeds 1..N and print the table row(s)',
  },
  objects: {
    value: true,
    valueName: 'DIR',
    description:
      "mix users' objects into generated programs as callees: each NAME.o with a NAME.o.json declaring pure u64 f(u64 x n) functions",
  },
  replay: { value: true, valueName: 'FILE', description: 'rerun the case saved in FILE (case.json of a failure)' },
  out: {
    value: true,
    valueName: 'FILE',
    description: 'with --structural: write a JSON line per case (seed, sizes, operations, time) and the result last',
  },
  'case-dir': {
    value: true,
    valueName: 'DIR',
    description: 'where structural failures are saved: case.json, case.c, objN.o (default fuzz-lazy-out)',
  },
  jobs: {
    value: true,
    valueName: 'N',
    description: 'with --structural: worker threads (default: the cores); results equal --jobs 1',
  },
  shard: {
    value: true,
    valueName: 'K/N',
    description: 'with --structural: run only the K-th of N deterministic parts of the case space (docs/fuzzing.md)',
  },
  'orc-runtime': {
    value: true,
    valueName: 'PATH',
    description:
      "fuzz another runtime: LLVM's liborc_rt-aarch64.a (or an archive, .o or folder of objects) in place of ours",
  },
  'list-mutants': { description: 'list the planted-bug mutants and exit' },
};

export const command: Command = {
  summary: 'fuzz lazy linking: random programs, lazy vs eager link, results and preserved registers',
  usage:
    'orc-sandbox fuzz-lazy [--cases N] [--seed S] [--engine ts|unicorn] [--structural [--jobs N] [--shard K/N] [--out FILE] | --mutant NAME|all [--seeds N] | --replay FILE | --list-mutants] [--case-dir DIR] [--orc-runtime PATH] [--objects DIR]',
  description: `Generates random programs of several objects, links each lazily and eagerly, and compares results
and the registers the ABI preserves. Exit status 1 on a failure (the report ends with the command
that replays it). The structural mode and mutants are described in docs/fuzzing-lazy.md.`,
  options: OPTIONS,
  examples: [
    { command: 'npx orc-sandbox fuzz-lazy --cases 200 --seed 5', explanation: '200 seeded programs on the ts engine' },
    {
      command: 'npx orc-sandbox fuzz-lazy --structural --cases 100 --case-dir /tmp/fz --out fz.jsonl',
      explanation: 'structural fuzzing, a JSON line per case; a failure is shrunk and saved under /tmp/fz',
    },
    { command: 'npx orc-sandbox fuzz-lazy --list-mutants', explanation: 'the planted bugs --mutant knows' },
    {
      command: 'npx orc-sandbox fuzz-lazy --structural --jobs 2 --shard 1/4 --out shard1.jsonl',
      explanation: 'the first of four shards on two threads; fuzz-merge combines the shards',
    },
  ],
  async run(argv) {
    const p = parseArgs(argv, OPTIONS);
    const cases = intOption(p, 'cases', 50);
    const seed = intOption(p, 'seed', 1);
    const engine = (p.options.get('engine')?.[0] ?? 'ts') as EngineKind;
    if (engine !== 'ts' && engine !== 'unicorn') throw new CliError('--engine must be ts or unicorn');
    const mutant = p.options.get('mutant')?.[0];
    const replay = p.options.get('replay')?.[0];
    const structural =
      flag(p, 'structural') ||
      flag(p, 'list-mutants') ||
      mutant !== undefined ||
      replay !== undefined ||
      p.options.has('objects');
    for (const o of ['out', 'jobs', 'shard', 'case-dir', 'orc-runtime'])
      if (!structural && p.options.has(o)) throw new CliError(`--${o} needs --structural, --mutant or --replay`);
    let shard: Shard | undefined;
    const shardText = p.options.get('shard')?.[0];
    try {
      shard = shardText === undefined ? undefined : parseShard(shardText);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    // One job per core by default, as fuzz-isa: with the campaign V8 flags a job uses one core.
    const jobs = p.options.has('jobs') ? intOption(p, 'jobs', 1) : defaultJobs();
    if (jobs < 1) throw new CliError('--jobs expects at least 1');
    const out = p.options.get('out')?.[0];
    const orcRuntime = p.options.get('orc-runtime')?.[0];
    const objects = p.options.get('objects')?.[0];
    if (structural) {
      // Campaigns whose jobs take every core run in a node started with FUZZ_LAZY_V8_FLAGS
      // (src/fuzz/v8-flags.ts: V8's compiler and GC threads on the job's own thread). Those
      // flags apply from process start only, except --no-turbo-inlining: an in-process caller (a
      // test) still gets that one, which alone took 25% off a campaign's CPU.
      const listOrReplay = flag(p, 'list-mutants') || replay !== undefined;
      if (!listOrReplay) {
        const rerun = await rerunWithV8Flags(FUZZ_LAZY_V8_FLAGS, ['fuzz-lazy', ...argv], jobs);
        if (rerun !== undefined) return rerun;
      }
      setFlagsFromString('--no-turbo-inlining');
      return runStructural(
        {
          engine,
          engineGiven: p.options.has('engine'),
          cases: intOption(p, 'cases', 200),
          seed,
          ...(mutant !== undefined ? { mutant } : {}),
          ...(replay !== undefined ? { replay } : {}),
          caseDir: p.options.get('case-dir')?.[0] ?? 'fuzz-lazy-out',
          ...(out !== undefined ? { out } : {}),
          jobs,
          ...(shard ? { shard } : {}),
          ...(orcRuntime !== undefined ? { orcRuntime } : {}),
          ...(objects !== undefined ? { objects } : {}),
          listMutants: flag(p, 'list-mutants'),
          ...(p.options.has('seeds') ? { seeds: intOption(p, 'seeds', 5) } : {}),
        },
        (s) => process.stdout.write(s),
      );
    }
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
