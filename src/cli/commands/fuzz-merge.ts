/**
 * `orc-sandbox fuzz-merge RESULT.json…`: adds up the result files of one fuzz campaign's shards
 * (`fuzz-isa --shard K/N --out FILE`, one per job of a job array) into the campaign's result: the
 * same totals and failures as one unsharded run. Exit status: 0 when complete and clean, 1 when
 * there are mismatches, 2 when results are missing slices or do not belong together.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { CampaignResult } from '../../fuzz/campaign.ts';
import { CliError, flag, type OptionTable, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

/** Text output for the tools that have their own; others get the generic summary. */
const FORMATTERS: Record<string, () => Promise<(r: CampaignResult) => string>> = {
  'fuzz-isa': async () => (await import('../../fuzz/isa/campaign.ts')).formatResult,
  'fuzz-lazy': async () => (await import('../../fuzz/lazy/slices.ts')).formatLazyResult,
};

/** A result file, or JSON lines whose last line is the result (fuzz-lazy --out: per-case lines first). */
function parseResultText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const last = text.trimEnd().split('\n').pop();
    if (last === undefined || text.trim().indexOf('\n') < 0) throw e;
    return JSON.parse(last);
  }
}

function summary(r: CampaignResult, missing: number[]): string {
  const flat: string[] = [];
  for (const [k, v] of Object.entries(r.totals)) if (typeof v === 'number') flat.push(`${k} ${v}`);
  const cases = r.runs.reduce((n, x) => n + x.cases, 0);
  const threadSeconds = r.runs.reduce((n, x) => n + x.seconds * x.jobs, 0);
  const cpuSeconds = r.runs.reduce((n, x) => n + (x.cpuSeconds ?? 0), 0);
  const lines = [
    `${r.tool} campaign ${JSON.stringify(r.campaign)}`,
    `  ${r.sliceSet.length} of ${r.campaign.slices} slices from ${r.runs.length} runs` +
      (missing.length > 0 ? `; MISSING slices ${missing.join(', ')}` : ' (complete)'),
    `  ${flat.join(', ')}`,
    `  throughput: ${threadSeconds > 0 ? (cases / threadSeconds).toFixed(1) : '0'} cases/s per core over ${threadSeconds.toFixed(1)} core-seconds` +
      (cpuSeconds > 0 ? `, ${(cases / cpuSeconds).toFixed(1)} per CPU-second` : ''),
  ];
  return lines.join('\n');
}

const OPTIONS: OptionTable = {
  out: { value: true, valueName: 'FILE', description: 'also write the merged result (JSON) to FILE' },
  json: { description: 'print the merged result as JSON instead of the text report' },
};

export const command: Command = {
  summary: "combine fuzz campaign shards' result files (fuzz-isa --shard K/N --out F) into one result",
  usage: 'orc-sandbox fuzz-merge [--out FILE] [--json] RESULT.json…',
  description: `Reads the result files that campaign shards wrote (fuzz-isa --shard K/N --out FILE), checks
they belong to one campaign, and prints the combined report. Exit status 0 when no shard found a
mismatch, 1 when one did, 2 when slices of the campaign are missing.`,
  options: OPTIONS,
  examples: [
    {
      command: 'npx orc-sandbox fuzz-merge --out all.json shard1.json shard2.json',
      explanation: 'combine two shards of `fuzz-isa --shard K/2` and keep the merged result',
    },
  ],
  async run(argv) {
    const p = parseArgs(argv, OPTIONS);
    if (p.positionals.length === 0) throw new CliError('give the result files to merge');
    const campaign = await import('../../fuzz/campaign.ts');
    const inputs = p.positionals.map(({ value: file }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
      }
      let value: unknown;
      try {
        value = parseResultText(text);
      } catch (e) {
        throw new CliError(`${file}: not JSON: ${(e as Error).message}`);
      }
      try {
        return { result: campaign.fromJson(value, file), where: file };
      } catch (e) {
        throw new CliError((e as Error).message);
      }
    });
    let merged: CampaignResult;
    try {
      merged = campaign.mergeResults(inputs);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const missing = campaign.missingSlices(merged);
    const text = `${JSON.stringify(campaign.toJson(merged))}\n`;
    const out = p.options.get('out')?.[0];
    if (out !== undefined) writeFileSync(out, text);
    if (flag(p, 'json')) process.stdout.write(text);
    else {
      const format = FORMATTERS[merged.tool];
      const detail = format ? `${(await format())(merged)}\n` : '';
      process.stdout.write(`${detail}${summary(merged, missing)}\n`);
    }
    if (missing.length > 0) {
      process.stderr.write(
        `orc-sandbox fuzz-merge: incomplete campaign: ${missing.length} of ${merged.campaign.slices} slices missing\n`,
      );
      return 2;
    }
    const mismatches = merged.totals.mismatches ?? merged.totals.failed ?? 0;
    return typeof mismatches === 'number' && mismatches === 0 && merged.failures.length === 0 ? 0 : 1;
  },
};
