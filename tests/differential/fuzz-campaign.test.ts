/**
 * fuzz-isa campaigns scale out without changing their result: the shards of a campaign, merged,
 * and the campaign run on two worker threads give exactly the totals and failures of the campaign
 * run on one thread (per-run timing aside). One real `fuzz-isa --shard`/`fuzz-merge` CLI round trip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { type CampaignResult, fromJson, mergeResults, toJson } from '../../src/fuzz/campaign.ts';
import { type IsaCampaignParams, runIsaCampaign } from '../../src/fuzz/isa/campaign.ts';
import { campaignSlices, FuzzBench, runCampaign } from '../../src/fuzz/isa/fuzzer.ts';
import { FUZZ_ISA_V8_FLAGS, RERUN_ENV } from '../../src/fuzz/v8-flags.ts';
import { describeWithOracles } from '../support/oracles.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const withoutRuns = (r: CampaignResult) => {
  const { runs: _, ...rest } = toJson(r);
  return rest;
};

describeWithOracles(['unicorn'], 'fuzz-isa campaigns: shards, threads, merge', () => {
  const params: IsaCampaignParams = { seed: 21, cases: 750, cls: null, jit: false, keepFailures: 5 };

  it('merged shards and two threads equal one thread, and the bench-level runCampaign', async () => {
    expect(campaignSlices({ cases: 750 })).toBe(3);
    const whole = await runIsaCampaign({ params, jobs: 1 });
    expect(whole.result.totals.cases).toBe(750);
    expect(whole.result.sliceSet).toEqual([0, 1, 2]);
    const shards = [];
    for (let k = 1; k <= 2; k++) shards.push(await runIsaCampaign({ params, jobs: 1, shard: { index: k, count: 2 } }));
    expect(shards.map((s) => s.result.sliceSet)).toEqual([[0, 2], [1]]);
    const merged = mergeResults(shards.map((s, i) => ({ result: s.result, where: `shard ${i + 1}` })));
    expect(withoutRuns(merged)).toEqual(withoutRuns(whole.result));
    const threads = await runIsaCampaign({ params, jobs: 2 });
    expect(threads.result.runs[0]?.jobs).toBe(2);
    expect(withoutRuns(threads.result)).toEqual(withoutRuns(whole.result));
    const bench = await FuzzBench.open(21);
    try {
      const report = runCampaign(bench, { cases: 750, seed: 21, keepFailures: 5 });
      expect(report.cases).toBe(whole.report.cases);
      expect(report.attempts).toBe(whole.report.attempts);
      expect(report.classes).toEqual(whole.report.classes);
    } finally {
      bench.close();
    }
  }, 120_000);

  it('the CLI writes shard files that fuzz-merge combines into the unsharded totals', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-campaign-'));
    const env = { ...process.env };
    delete env[RERUN_ENV];
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, 'bin/orc-sandbox.js'), ...args], { encoding: 'utf8', env });
    const common = ['fuzz-isa', '--cases', '400', '--seed', '4', '--jobs', '1'];
    // With every core taken by a job, the campaign runs in a node started with its V8 flags.
    const cores = availableParallelism();
    const all = cli(...common.slice(0, -1), String(cores), '--out', join(dir, 'all.json'));
    expect(all.status, all.stderr).toBe(0);
    for (const k of [1, 2]) {
      const r = cli(...common, '--shard', `${k}/2`, '--out', join(dir, `s${k}.json`));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`shard ${k}/2: 1 of 2 slices, 1 threads, .* cases/s per core`));
    }
    const partial = cli('fuzz-merge', join(dir, 's1.json'));
    expect(partial.status).toBe(2);
    expect(partial.stderr).toMatch(/incomplete campaign: 1 of 2 slices missing/);
    const m = cli('fuzz-merge', '--out', join(dir, 'merged.json'), join(dir, 's1.json'), join(dir, 's2.json'));
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/2 of 2 slices from 2 runs \(complete\)/);
    const read = (f: string) => fromJson(JSON.parse(readFileSync(join(dir, f), 'utf8')), f);
    expect(withoutRuns(read('merged.json'))).toEqual(withoutRuns(read('all.json')));
    expect(read('merged.json').totals.cases).toBe(400);
    // The CLI ran the whole campaign (one job per core) in a node started with the campaign V8
    // flags (src/fuzz/v8-flags.ts); a shard with a core to spare kept V8's helper threads.
    expect(read('all.json').runs[0]?.v8Flags).toEqual([...FUZZ_ISA_V8_FLAGS]);
    expect(read('s1.json').runs[0]?.v8Flags).toEqual(cores > 1 ? undefined : [...FUZZ_ISA_V8_FLAGS]);
  }, 120_000);
});
