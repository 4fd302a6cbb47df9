/** `orc-sandbox fuzz-isa`: differential fuzzing of the ts engine against the unicorn engine. */
import type { FuzzClass } from '../../fuzz/isa/fuzzer.ts';
import { CliError, flag, intOption, type OptionTable, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

const OPTIONS: OptionTable = {
  cases: { value: true, valueName: 'N', description: 'number of cases (instructions) to try (default 2000)' },
  seed: { value: true, valueName: 'S', description: 'campaign seed (default 1): the same seed tries the same cases' },
  class: {
    value: true,
    valueName: 'C',
    description:
      'draw words only from class C: dp-imm, dp-reg, branch, system, ldst, ldst-pair, ldst-excl, fp, simd, simd-ldst, crypto, crc, or random (any 32-bit word)',
  },
  jit: {
    description:
      "run every case through the ts engine's translation tier (translate at once) instead of its interpreter",
  },
  failures: {
    value: true,
    valueName: 'K',
    description: 'keep and print at most K mismatching cases (default 20, 10 with --json); the count covers all',
  },
  jobs: { value: true, valueName: 'N', description: 'worker threads (default: the number of cores)' },
  shard: {
    value: true,
    valueName: 'K/N',
    description: 'run only shard K of N of the campaign (combine the --out files with fuzz-merge)',
  },
  out: { value: true, valueName: 'FILE', description: 'write the result (JSON) to FILE' },
  json: { description: 'print the result as JSON instead of the text report' },
  replay: {
    value: true,
    valueName: 'SEED:INDEX',
    description: "rerun one case (as a failure report names it) and print both engines' states",
  },
};

export const command: Command = {
  summary: 'differential ISA fuzzing: ts engine vs unicorn engine, one instruction per case',
  usage:
    'orc-sandbox fuzz-isa [--cases N] [--seed S] [--class C] [--jit] [--failures K] [--jobs N] [--shard K/N] [--out FILE] [--json]\norc-sandbox fuzz-isa --replay SEED:INDEX [--class C] [--jit]',
  description: `Each case is one instruction word, run from the same random registers and memory on the ts engine
and on native Unicorn (the oracle); any difference in registers, flags, memory or exception is a
mismatch, printed with the replay command. Exit status 1 when a mismatch was found. Needs the
optional koffi package and libunicorn2.`,
  options: OPTIONS,
  examples: [
    { command: 'npx orc-sandbox fuzz-isa --cases 5000 --seed 7', explanation: '5000 random cases of every class' },
    {
      command: 'npx orc-sandbox fuzz-isa --class fp --jit --failures 5',
      explanation: 'floating-point words through the translation tier, at most 5 failures shown',
    },
    { command: 'npx orc-sandbox fuzz-isa --replay 7:1234', explanation: 'rerun case 1234 of seed 7' },
  ],
  async run(argv) {
    const p = parseArgs(argv, OPTIONS);
    if (p.positionals.length > 0) throw new CliError(`unexpected argument '${p.positionals[0]?.value}'`);
    const fz = await import('../../fuzz/isa/fuzzer.ts');
    const clsName = p.options.get('class')?.[0];
    if (clsName !== undefined && !fz.FUZZ_CLASSES.includes(clsName as FuzzClass)) {
      throw new CliError(`unknown class '${clsName}' (one of: ${fz.FUZZ_CLASSES.join(', ')})`);
    }
    const cls = clsName as FuzzClass | undefined;
    const json = flag(p, 'json');
    // --jit: every block goes through the ts engine's translation tier (snippets included).
    const jit = flag(p, 'jit');
    const replay = p.options.get('replay')?.[0];
    if (replay !== undefined) {
      const m = /^(\d+):(\d+)$/.exec(replay);
      if (!m) throw new CliError(`--replay expects SEED:INDEX, got '${replay}'`);
      const seed = Number(m[1]);
      const index = Number(m[2]);
      const bench = await fz.FuzzBench.open(seed, { jit });
      try {
        const r = fz.runCase(bench, seed, index, fz.classesFor(cls));
        if (json) {
          process.stdout.write(`${JSON.stringify({ ...r, mismatch: r.mismatch ?? null })}\n`);
        } else if (r.excluded) {
          process.stdout.write(`case ${seed}:${index}: word 0x${r.word.toString(16)} is excluded (${r.excluded})\n`);
        } else if (r.mismatch) {
          process.stdout.write(`${fz.formatFailure(r.mismatch)}\n`);
        } else {
          const { disassemble } = await import('../../emu/ts/isa/index.ts');
          process.stdout.write(
            `case ${seed}:${index} class ${r.cls}: 0x${r.word.toString(16).padStart(8, '0')}  ${disassemble(r.word, fz.CODE)}: ` +
              `${r.invalid ? 'undefined on both engines' : 'engines agree'}\n`,
          );
        }
        return r.mismatch ? 1 : 0;
      } finally {
        bench.close();
      }
    }
    const cases = intOption(p, 'cases', 2000);
    const seed = intOption(p, 'seed', 1);
    const keep = intOption(p, 'failures', json ? 10 : 20);
    const campaign = await import('../../fuzz/campaign.ts');
    const jobs = p.options.has('jobs') ? intOption(p, 'jobs', 1) : campaign.defaultJobs();
    if (jobs < 1) throw new CliError('--jobs expects at least 1');
    // The campaign's V8 flags apply from process start only (src/fuzz/v8-flags.ts).
    const { FUZZ_ISA_V8_FLAGS, rerunWithV8Flags } = await import('../../fuzz/v8-flags.ts');
    const rerun = await rerunWithV8Flags(FUZZ_ISA_V8_FLAGS, ['fuzz-isa', ...argv], jobs);
    if (rerun !== undefined) return rerun;
    const shardText = p.options.get('shard')?.[0];
    let shard: import('../../fuzz/campaign.ts').Shard | undefined;
    try {
      shard = shardText === undefined ? undefined : campaign.parseShard(shardText);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const out = p.options.get('out')?.[0];
    const { runIsaCampaign } = await import('../../fuzz/isa/campaign.ts');
    const { result, report } = await runIsaCampaign({
      params: { seed, cases, cls: cls ?? null, jit, keepFailures: keep },
      jobs,
      shard,
    });
    const fileText = `${JSON.stringify(campaign.toJson(result))}\n`;
    if (out !== undefined) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(out, fileText);
    }
    if (json) {
      process.stdout.write(fileText);
    } else {
      const run = result.runs[0] as import('../../fuzz/campaign.ts').CampaignRun;
      const part = shard
        ? `shard ${run.shard}: ${run.slices} of ${result.campaign.slices} slices`
        : `${run.slices} slices`;
      process.stdout.write(
        `${fz.formatReport(report)}\n` +
          `  ${part}, ${run.jobs} threads, ${run.seconds.toFixed(2)} s, ${run.casesPerSecondPerCore} cases/s per core\n` +
          `  ${campaign.describeCpu(run)}\n` +
          (out !== undefined ? `  result written to ${out} (combine shards with orc-sandbox fuzz-merge)\n` : ''),
      );
    }
    return report.mismatches === 0 ? 0 : 1;
  },
};
