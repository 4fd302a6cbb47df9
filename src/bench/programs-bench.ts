/**
 * Benchmarks of whole programs on the paths users run: `exec` of a static executable, `run` of
 * its objects (eager) and `run` with the workload objects lazy, on the ts engine and on native
 * Unicorn (no counting hook), and qemu-aarch64 on the same executable. Each run is a child process
 * (src/cli/bench-program-child.ts: it takes the CLI's code path, so it lives with the CLI), so its
 * peak RSS is its own; every run's output must equal
 * qemu-aarch64's (CoreMark: the checksum lines), so a benchmark is also a differential test.
 *
 * Suites: `programs` (tests/programs/src/workloads, committed) and `coremark` (EEMBC CoreMark built
 * from a checkout the user provides with our port, benchmarks/coremark/build.sh).
 *
 * MIPS are given against wall time (`mips`) and against the process's CPU time (`cpuMips`, user +
 * system of all its threads, so V8's compiler threads count): on a shared machine the CPU figure
 * is the steadier one. Unicorn runs without counting, so its instruction count is the ts engine's
 * for the same mode (the same code runs); qemu's is the ts engine's `exec` count.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { EngineKind } from '../emu/engine.ts';

/** One measured run, as the child process (src/cli/bench-program-child.ts) takes it. */
export interface ProgramRunSpec {
  mode: 'exec' | 'run' | 'run-lazy';
  engine: EngineKind;
  /** exec: the static executable. */
  elf: string;
  /** run: the objects in link order (main's first); `lazy` ones are linked after -lazy. */
  objects: { path: string; lazy: boolean }[];
  args: string[];
}

/** What the child prints: one JSON line. */
export interface ProgramRunResult {
  status: number;
  stdout: string;
  /** null for Unicorn, which runs without counting. */
  instructions: number | null;
  seconds: number;
  cpuSeconds: number;
  maxRssMB: number;
  /** ts engine: regions translated (to JavaScript or WebAssembly)... */
  translatedRegions?: number;
  /** ... and how many of them became WebAssembly. */
  wasmRegions?: number;
}

export type ProgramEngine = EngineKind | 'qemu';

export interface ProgramRow {
  /** `programs-exec`, `programs-run`, `programs-run-lazy`, `coremark-exec`, … */
  name: string;
  engine: ProgramEngine;
  instructions: number;
  seconds: number;
  mips: number;
  cpuSeconds: number;
  cpuMips: number;
  /** Peak resident set of the run's process (MiB; null for qemu). */
  maxRssMB: number | null;
  translatedRegions?: number;
  wasmRegions?: number;
}

/** The repository checkout this module belongs to (src/bench or dist/src/bench), if any. */
export function repoRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bin', 'orc-sandbox.js'))) return dir;
    dir = dirname(dir);
  }
  return undefined;
}

interface Suite {
  name: string;
  /** Removes what building the suite left behind (CoreMark's temporary build). */
  cleanup?: () => void;
  elf: string;
  objects: { path: string; lazy: boolean }[];
  args: string[];
  /** The part of stdout that must match qemu's (CoreMark prints timings). */
  compared(stdout: string): string;
}

/** tests/programs' workloads program: ROUNDS rounds of every workload. */
export function programsSuite(rounds: number): Suite | undefined {
  const root = repoRoot();
  if (root === undefined) return undefined;
  const dir = join(root, 'tests', 'programs');
  const elf = join(dir, 'bin', 'workloads.elf');
  if (!existsSync(elf)) return undefined;
  const objDir = join(dir, 'obj', 'workloads');
  const files = readdirSync(objDir)
    .filter((f) => f.endsWith('.o'))
    .sort();
  // main.o first (run's entry is main); the workloads lazy in run-lazy, the runtime eager.
  const ordered = ['main.o', ...files.filter((f) => f !== 'main.o')];
  return {
    name: 'programs',
    elf,
    objects: ordered.map((f) => ({ path: join(objDir, f), lazy: f !== 'main.o' && !f.startsWith('rt-') })),
    args: [String(rounds)],
    compared: (s) => s,
  };
}

/**
 * EEMBC CoreMark from `sourceDir` (a checkout of https://github.com/eembc/coremark) built with
 * benchmarks/coremark/build.sh into a temporary directory; the performance run's seeds.
 */
export function coremarkSuite(sourceDir: string, iterations: number): Suite {
  const root = repoRoot();
  if (root === undefined) throw new Error('bench --coremark needs the source checkout (benchmarks/coremark)');
  const out = mkdtempSync(join(tmpdir(), 'orc-coremark-'));
  const r = spawnSync('bash', [join(root, 'benchmarks', 'coremark', 'build.sh'), sourceDir, out], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`building CoreMark failed (status ${r.status}):\n${r.stderr}${r.stdout}`);
  const objDir = join(out, 'obj');
  const files = readdirSync(objDir)
    .filter((f) => f.endsWith('.o'))
    .sort();
  const ordered = ['core_main.o', ...files.filter((f) => f !== 'core_main.o')];
  // Lazy in run-lazy: the three algorithms (list, matrix, state machine).
  const lazy = new Set(['core_list_join.o', 'core_matrix.o', 'core_state.o']);
  return {
    name: 'coremark',
    cleanup: () => rmSync(out, { recursive: true, force: true }),
    elf: join(out, 'coremark.elf'),
    objects: ordered.map((f) => ({ path: join(objDir, f), lazy: lazy.has(f) })),
    args: ['0x0', '0x0', '0x66', String(iterations)],
    compared: (s) =>
      s
        .split('\n')
        .filter((l) => /crc|^Iterations +:|^CoreMark Size|ERROR! (list|matrix|state)/.test(l))
        .join('\n'),
  };
}

/**
 * The child as the command runs: compiled, the bundle beside the command's (dist/cli/, built by
 * bin/build.js), which loads as `orc-sandbox exec` does (the per-file tree loads ~100 modules one
 * by one: 0.85 s against 0.79 for the workloads on ts); from the sources, through tsx.
 */
function childCommand(): { exe: string; args: string[] } {
  const self = fileURLToPath(import.meta.url);
  const fromSources = self.endsWith('.ts');
  const bundled = join(dirname(self), '..', '..', 'cli', 'bench-program-child.js');
  const child = fromSources
    ? join(dirname(self), '..', 'cli', 'bench-program-child.ts')
    : existsSync(bundled)
      ? bundled
      : join(dirname(self), '..', 'cli', 'bench-program-child.js');
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--cpu-prof'));
  const hasTsx = execArgv.some((a) => a.includes('tsx'));
  return { exe: process.execPath, args: [...(fromSources && !hasTsx ? ['--import', 'tsx'] : []), ...execArgv, child] };
}

function runChild(spec: ProgramRunSpec): ProgramRunResult {
  const { exe, args } = childCommand();
  const r = spawnSync(exe, [...args, JSON.stringify(spec)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{'))
    throw new Error(`${spec.mode} on ${spec.engine} failed (status ${r.status}):\n${r.stderr.slice(-2000)}`);
  return JSON.parse(last) as ProgramRunResult;
}

/** Clock ticks of waited-for children (user + system), from /proc/self/stat; undefined elsewhere. */
function childCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat (cutime, cstime) are at 13 and 14 after the command name.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

function runQemu(suite: Suite): { stdout: string; seconds: number; cpuSeconds: number } | undefined {
  const c0 = childCpuSeconds();
  const t0 = performance.now();
  const r = spawnSync('qemu-aarch64', [suite.elf, ...suite.args], { encoding: 'utf8', env: {}, maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.error !== undefined) return undefined;
  const c1 = childCpuSeconds();
  return { stdout: r.stdout, seconds, cpuSeconds: c0 !== undefined && c1 !== undefined ? c1 - c0 : seconds };
}

export interface ProgramBenchOptions {
  engines?: EngineKind[];
  /** Modes to run (default all three). */
  modes?: ProgramRunSpec['mode'][];
  /**
   * Runs of every (mode, engine) pair, the engines alternating (default 1). A row keeps the least
   * wall time and the least CPU time of its runs (each may come from a different run) and the
   * largest peak RSS: on a shared machine the other load only ever adds time.
   */
  runs?: number;
  log?: (line: string) => void;
}

/** Runs one suite in every mode on every engine, plus qemu-aarch64; throws when outputs differ. */
export function runSuite(suite: Suite, options: ProgramBenchOptions = {}): ProgramRow[] {
  const engines = options.engines ?? ['ts', 'unicorn'];
  const modes = options.modes ?? ['exec', 'run', 'run-lazy'];
  const log = options.log ?? (() => {});
  const rows: ProgramRow[] = [];
  const qemu = runQemu(suite);
  if (qemu === undefined) log(`${suite.name}: qemu-aarch64 not found; outputs compared between engines only`);
  let reference = qemu === undefined ? undefined : suite.compared(qemu.stdout);
  const runs = options.runs ?? 1;
  let execCount: number | undefined;
  for (const mode of modes) {
    let tsCount: number | undefined;
    const modeRows: ProgramRow[] = [];
    // Every run is also a differential test: its output against qemu's, its count against the
    // first run's (the same inputs must give the same count).
    const counts = new Map<EngineKind, number | null>();
    const checkRun = (r: ProgramRunResult, engine: EngineKind, run: number): void => {
      const out = suite.compared(r.stdout);
      const what = `${suite.name}-${mode} on ${engine} (run ${run + 1})`;
      if (r.status !== 0) throw new Error(`${what}: status ${r.status}`);
      if (reference === undefined) reference = out;
      else if (out !== reference)
        throw new Error(`${what}: output differs from qemu-aarch64's\n${out}\n---\n${reference}`);
      const first = counts.get(engine);
      if (first === undefined) counts.set(engine, r.instructions);
      else if (first !== r.instructions)
        throw new Error(`${what}: ${r.instructions} instructions, the first run ${first}`);
    };
    const best = new Map<EngineKind, ProgramRunResult>();
    const unavailable = new Set<EngineKind>();
    for (let run = 0; run < runs; run++)
      for (const engine of engines) {
        if (unavailable.has(engine)) continue;
        const spec: ProgramRunSpec = { mode, engine, elf: suite.elf, objects: suite.objects, args: suite.args };
        let r: ProgramRunResult;
        try {
          r = runChild(spec);
        } catch (e) {
          if (engine === 'unicorn' && /EngineUnavailable/.test((e as Error).message)) {
            log(`${suite.name}-${mode}: unicorn engine unavailable`);
            unavailable.add(engine);
            continue;
          }
          throw e;
        }
        checkRun(r, engine, run);
        log(
          `${suite.name}-${mode} ${engine}${runs > 1 ? ` (run ${run + 1}/${runs})` : ''}: ${r.seconds.toFixed(2)} s wall, ${r.cpuSeconds.toFixed(2)} s CPU, ${r.maxRssMB} MiB`,
        );
        const b = best.get(engine);
        best.set(
          engine,
          b === undefined
            ? r
            : {
                ...b,
                seconds: Math.min(b.seconds, r.seconds),
                cpuSeconds: Math.min(b.cpuSeconds, r.cpuSeconds),
                maxRssMB: Math.max(b.maxRssMB, r.maxRssMB),
              },
        );
      }
    for (const engine of engines) {
      const r = best.get(engine);
      if (r === undefined) continue;
      if (engine === 'ts' && r.instructions !== null) tsCount = r.instructions;
      const row: ProgramRow = {
        name: `${suite.name}-${mode}`,
        engine,
        instructions: r.instructions ?? Number.NaN,
        seconds: r.seconds,
        mips: Number.NaN,
        cpuSeconds: r.cpuSeconds,
        cpuMips: Number.NaN,
        maxRssMB: r.maxRssMB,
      };
      if (r.translatedRegions !== undefined) row.translatedRegions = r.translatedRegions;
      if (r.wasmRegions !== undefined) row.wasmRegions = r.wasmRegions;
      modeRows.push(row);
    }
    for (const row of modeRows) {
      if (!Number.isFinite(row.instructions) && tsCount !== undefined) row.instructions = tsCount;
      row.mips = row.instructions / row.seconds / 1e6;
      row.cpuMips = row.instructions / row.cpuSeconds / 1e6;
    }
    if (mode === 'exec') execCount = tsCount;
    rows.push(...modeRows);
  }
  if (qemu !== undefined && execCount !== undefined) {
    rows.push({
      name: `${suite.name}-exec`,
      engine: 'qemu',
      instructions: execCount,
      seconds: qemu.seconds,
      mips: execCount / qemu.seconds / 1e6,
      cpuSeconds: qemu.cpuSeconds,
      cpuMips: execCount / qemu.cpuSeconds / 1e6,
      maxRssMB: null,
    });
  }
  return rows;
}

export function formatProgramTable(rows: ProgramRow[]): string {
  const lines = [
    'benchmark            engine    instructions  wall s   MIPS   CPU s  CPU MIPS  RSS MiB  ts/unicorn (CPU, wall)',
  ];
  for (const r of rows) {
    const uc = rows.find((o) => o.name === r.name && o.engine === 'unicorn');
    const ratio =
      r.engine === 'ts' && uc ? `${(r.cpuMips / uc.cpuMips).toFixed(3)}  ${(r.mips / uc.mips).toFixed(3)}` : '';
    lines.push(
      `${r.name.padEnd(20)} ${r.engine.padEnd(8)} ${String(r.instructions).padStart(13)} ${r.seconds.toFixed(2).padStart(7)} ${r.mips
        .toFixed(1)
        .padStart(
          6,
        )} ${r.cpuSeconds.toFixed(2).padStart(7)} ${r.cpuMips.toFixed(1).padStart(9)} ${(r.maxRssMB === null ? '-' : r.maxRssMB.toFixed(1)).padStart(8)}  ${ratio}`,
    );
  }
  return lines.join('\n');
}
