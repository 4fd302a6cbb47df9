/**
 * The run side of the run/debug parity test (tests/support/run-parity.ts): it covers every corpus
 * program and every lazy scenario, and what it returns is what `run` prints (checked against the
 * qemu expectations on a few cases, with both executors).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusPrograms } from '../programs/corpus.ts';
import { PARITY_CONFIGS, parityCases, runParityCase } from '../support/run-parity.ts';

const scenarioExpected = (name: string, ext: 'out' | 'status') =>
  readFileSync(new URL(`../lazy-scenarios/expected/${name}.${ext}`, import.meta.url), 'utf8');

describe('run parity support', () => {
  const cases = parityCases();

  it('lists every corpus program and every lazy scenario', () => {
    expect(cases.filter((c) => c.id.startsWith('corpus/')).map((c) => c.id.slice(7))).toEqual(
      corpusPrograms().map((p) => p.name),
    );
    expect(cases.filter((c) => c.id.startsWith('lazy/')).map((c) => c.id.slice(5))).toEqual([
      'args',
      'callback',
      'chain20',
      'data',
      'fnptr',
      'fpheavy',
      'mutual',
      'undefined',
      'weakhidden',
    ]);
    expect(PARITY_CONFIGS).toHaveLength(4);
  });

  for (const executor of ['in-process', 'worker'] as const) {
    it(`lazy/args and corpus/strings on ts, ${executor}: run's output and status`, async () => {
      const args = cases.find((c) => c.id === 'lazy/args');
      const r = await runParityCase(args as (typeof cases)[number], { engine: 'ts', executor });
      expect(r.stdout).toBe(scenarioExpected('args', 'out'));
      expect(r.status).toBe(Number(scenarioExpected('args', 'status').trim()));
      const p = corpusPrograms().find((x) => x.name === 'strings');
      const s = await runParityCase(cases.find((c) => c.id === 'corpus/strings') as (typeof cases)[number], {
        engine: 'ts',
        executor,
      });
      expect(s.stdout).toBe(new TextDecoder().decode(p?.expectedStdout));
      expect(s.status).toBe(p?.expectedStatus);
      expect(s.stderr).toBe('');
    });
  }
});
