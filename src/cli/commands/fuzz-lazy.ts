/**
 * `orc-sandbox fuzz-lazy`: lazy linking vs eager linking on random generated programs (see
 * src/orc/lazy/fuzz.ts). Each case is derived from one seed; a failure prints the seed that
 * replays it (`--seed S --cases 1`).
 */
import type { EngineKind } from '../../emu/engine.ts';
import { parseShard, type Shard } from '../../fuzz/campaign.ts';
import { runStructural } from '../../fuzz/lazy/cli.ts';
import { checkCase, randomCase } from '../../orc/lazy/fuzz.ts';
import { CliError, flag, intOption, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

export const command: Command = {
  summary: 'fuzz lazy linking: random programs, lazy vs eager link, results and preserved registers',
  usage:
    'orc-sandbox fuzz-lazy [--cases N] [--seed S] [--engine ts|unicorn] [--structural [--jobs N] [--shard K/N] [--out FILE] | --mutant NAME|all [--seeds N] | --replay FILE | --list-mutants] [--case-dir DIR] [--orc-runtime PATH]',
  async run(argv) {
    const p = parseArgs(argv, {
      cases: { value: true },
      seed: { value: true },
      engine: { value: true },
      // Structural generators, mutants and replay files: src/fuzz/lazy (docs/fuzzing-lazy.md).
      structural: {},
      mutant: { value: true },
      replay: { value: true },
      out: { value: true },
      'case-dir': { value: true },
      jobs: { value: true },
      shard: { value: true },
      'orc-runtime': { value: true },
      'list-mutants': {},
      seeds: { value: true },
    });
    const cases = intOption(p, 'cases', 50);
    const seed = intOption(p, 'seed', 1);
    const engine = (p.options.get('engine')?.[0] ?? 'ts') as EngineKind;
    if (engine !== 'ts' && engine !== 'unicorn') throw new CliError('--engine must be ts or unicorn');
    const mutant = p.options.get('mutant')?.[0];
    const replay = p.options.get('replay')?.[0];
    const structural = flag(p, 'structural') || flag(p, 'list-mutants') || mutant !== undefined || replay !== undefined;
    for (const o of ['out', 'jobs', 'shard', 'case-dir', 'orc-runtime'])
      if (!structural && p.options.has(o)) throw new CliError(`--${o} needs --structural, --mutant or --replay`);
    let shard: Shard | undefined;
    const shardText = p.options.get('shard')?.[0];
    try {
      shard = shardText === undefined ? undefined : parseShard(shardText);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const jobs = p.options.has('jobs') ? intOption(p, 'jobs', 1) : 1;
    if (jobs < 1) throw new CliError('--jobs expects at least 1');
    const out = p.options.get('out')?.[0];
    const orcRuntime = p.options.get('orc-runtime')?.[0];
    if (structural)
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
