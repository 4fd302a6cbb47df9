/**
 * Start-up time of the `orc-sandbox` command, as ratios to `node -e 0` measured in the same run:
 * the commands are interleaved round by round (so load from other processes falls on all of them
 * alike) and each one's figure is its median and its fastest run over the rounds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { repoRoot } from './programs-bench.ts';

export interface StartupCase {
  name: string;
  /** Arguments after `node`. */
  args: string[];
  /** Ratio to `node -e 0` the issue sets as the target (median). */
  target?: number;
}

export interface StartupRow {
  name: string;
  medianMs: number;
  minMs: number;
  ratio: number;
  minRatio: number;
  target?: number;
}

// The checkout's root, from src/bench (tsx) or dist/src/bench (the compiled command).
const ROOT = `${repoRoot() ?? process.cwd()}/`;
const BIN = `${ROOT}bin/orc-sandbox.js`;

/** The cases of issue 13: --help, disasm, exec hello, the demo. */
export function defaultStartupCases(): StartupCase[] {
  const hello = `${ROOT}tests/programs/bin/hello.elf`;
  const cases: StartupCase[] = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: '--help', args: [BIN, '--help'], target: 2 },
    { name: '--version', args: [BIN, '--version'] },
    { name: 'disasm d503201f', args: [BIN, 'disasm', 'd503201f'], target: 2 },
  ];
  if (existsSync(hello)) cases.push({ name: 'exec hello.elf', args: [BIN, 'exec', hello], target: 3 });
  cases.push({ name: 'demo', args: [BIN, 'demo'], target: 4 });
  return cases;
}

function once(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}: ${r.stderr.slice(0, 400)}`);
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export function measureStartup(rounds = 10, cases = defaultStartupCases()): StartupRow[] {
  for (const c of cases) once(c.args); // warm the file cache
  const times = cases.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < cases.length; i++) times[i]?.push(once((cases[i] as StartupCase).args));
  }
  const base = times[0] as number[];
  const baseMedian = median(base);
  const baseMin = Math.min(...base);
  return cases.map((c, i) => {
    const t = times[i] as number[];
    const row: StartupRow = {
      name: c.name,
      medianMs: Math.round(median(t) * 10) / 10,
      minMs: Math.round(Math.min(...t) * 10) / 10,
      ratio: Math.round((median(t) / baseMedian) * 100) / 100,
      minRatio: Math.round((Math.min(...t) / baseMin) * 100) / 100,
    };
    if (c.target !== undefined) row.target = c.target;
    return row;
  });
}

export function formatStartup(rows: StartupRow[]): string {
  const lines = ['command                 median ms   min ms   ratio (median)   ratio (min)   target'];
  for (const r of rows) {
    lines.push(
      `${r.name.padEnd(22)} ${r.medianMs.toFixed(1).padStart(9)} ${r.minMs.toFixed(1).padStart(8)} ${r.ratio.toFixed(2).padStart(16)} ${r.minRatio.toFixed(2).padStart(13)}   ${r.target !== undefined ? `<= ${r.target}x` : ''}`,
    );
  }
  return lines.join('\n');
}
