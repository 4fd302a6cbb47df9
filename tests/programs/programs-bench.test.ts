/**
 * The programs benchmark (`orc-sandbox bench`, src/bench/programs-bench.ts) on a small run: the
 * workloads executable under `exec` and its objects under `run` with the workloads lazy, in child
 * processes as the command runs them, print what qemu-aarch64 prints (runSuite throws otherwise),
 * and every row carries instructions, MIPS and a peak RSS.
 */
import { expect, it } from 'vitest';
import { programsSuite, runSuite } from '../../src/bench/programs-bench.ts';
import { describeWithOracles } from '../support/oracles.ts';

describeWithOracles(['qemu'], 'programs benchmark', () => {
  it('the workloads objects: main.o first, the six workloads lazy, the runtime eager', () => {
    const suite = programsSuite(1);
    expect(suite).toBeDefined();
    const names = suite?.objects.map((o) => `${o.path.split('/').pop()}${o.lazy ? ' (lazy)' : ''}`);
    expect(names?.[0]).toBe('main.o');
    expect(names?.filter((n) => n.endsWith('(lazy)')).sort()).toEqual([
      'bytecode.o (lazy)',
      'crc.o (lazy)',
      'fsm.o (lazy)',
      'lists.o (lazy)',
      'matrix.o (lazy)',
      'strings.o (lazy)',
    ]);
    expect(names?.filter((n) => n.startsWith('rt-') && !n.endsWith('(lazy)'))).toHaveLength(7);
  });

  it('exec and run-lazy on ts match qemu-aarch64, with counts, MIPS and RSS', () => {
    const suite = programsSuite(1);
    if (suite === undefined) throw new Error('tests/programs/bin/workloads.elf is missing');
    const rows = runSuite(suite, { engines: ['ts'], modes: ['exec', 'run-lazy'] });
    expect(rows.map((r) => `${r.name}/${r.engine}`)).toEqual([
      'programs-exec/ts',
      'programs-run-lazy/ts',
      'programs-exec/qemu',
    ]);
    const [exec, lazy, qemu] = rows;
    // The same instructions under exec as under qemu (the count is the ts engine's).
    expect(exec?.instructions).toBe(qemu?.instructions);
    expect(exec?.instructions).toBeGreaterThan(3_000_000);
    // run calls main directly (no _start), so its count differs from exec's only by start-up code.
    expect(Math.abs((lazy?.instructions ?? 0) - (exec?.instructions ?? 0))).toBeLessThan(20_000);
    for (const r of [exec, lazy]) {
      expect(r?.mips).toBeGreaterThan(0);
      expect(r?.cpuMips).toBeGreaterThan(0);
      expect(r?.maxRssMB).toBeGreaterThan(20);
    }
  }, 120_000);

  it('--program-runs: a row keeps the least wall and CPU time of its runs, each run checked', () => {
    const suite = programsSuite(1);
    if (suite === undefined) throw new Error('tests/programs/bin/workloads.elf is missing');
    const lines: string[] = [];
    const rows = runSuite(suite, { engines: ['ts'], modes: ['exec'], runs: 2, log: (l) => lines.push(l) });
    const runs = lines
      .map((l) => /^programs-exec ts \(run (\d)\/2\): ([\d.]+) s wall, ([\d.]+) s CPU/.exec(l))
      .filter((m) => m !== null);
    expect(runs.map((m) => m[1])).toEqual(['1', '2']);
    const exec = rows.find((r) => r.engine === 'ts');
    expect(exec?.seconds.toFixed(2)).toBe(Math.min(...runs.map((m) => Number(m[2]))).toFixed(2));
    expect(exec?.cpuSeconds.toFixed(2)).toBe(Math.min(...runs.map((m) => Number(m[3]))).toFixed(2));
  }, 120_000);
});
