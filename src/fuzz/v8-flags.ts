/**
 * V8 flags of a campaign process. A campaign's jobs are threads of one process, and V8's flags are
 * per process: its own background threads (concurrent TurboFan compiles, parallel and concurrent GC)
 * serve every isolate of the process. At `--jobs 1` they gave the one job a second core's worth of
 * help (fuzz-lazy: 2.3 s of other threads for 3.3 s of job thread), which `--jobs 2` on two cores
 * no longer has; so `--jobs 2` could not reach twice `--jobs 1`, and all that concurrent work cost
 * more CPU than doing it on the job's own thread. Measured on the shared 2-core machine
 * (docs/fuzzing.md, "Throughput"): fuzz-lazy 400 cases `--jobs 1` 5.1–5.6 s CPU by default,
 * 4.3–4.5 s with FUZZ_LAZY_V8_FLAGS, all of it on the job's thread.
 *
 * The GC flags only take effect when node starts (V8 aborts when `--single-threaded` is set at run
 * time), so the CLI reruns itself once with them (rerunWithV8Flags), and only when the campaign's
 * jobs take every core: with fewer jobs than cores (`--jobs 1` on two cores), V8's threads run on
 * a core no job uses and shorten the campaign's wall time (fuzz-lazy 800 cases at `--jobs 1`:
 * 3.5–4.9 s wall with them, 5.5–6.5 s on the job's thread alone). In-process callers (tests, the
 * `orc-sandbox/fuzz` API) keep their process and its flags: the flags change the speed, never a
 * result.
 */
import { availableParallelism } from 'node:os';

/**
 * fuzz-lazy: everything on the job's thread; TurboFan only for functions about 4× hotter than
 * V8's default (each case links new code, and TurboFan compiled large linker and ELF functions
 * that ran a few times: 400 cases 4.3 s CPU with it against 4.8 s without); no inlining in TurboFan
 * (its compiles took as much CPU as the cases, 25% less CPU without, steady state unchanged); and
 * Maglev, V8's mid-tier compiler, for the functions between (it compiles in a fraction of
 * TurboFan's time, which on the job's own thread is the campaign's time). Three alternating pairs
 * of 3,000 cases at `--jobs 2` (2026-12-04): 232, 241, 254 cases per second per core with it
 * against 208, 208, 247 without; the results (every case's line of `--out`) are the same. Not for
 * `--jobs 1` with a core to spare: there V8's compilers run on that core, and Maglev made the
 * campaign slower (9.3 s against 7.7-8.8 s).
 */
export const FUZZ_LAZY_V8_FLAGS: readonly string[] = [
  '--single-threaded',
  '--interrupt-budget=300000',
  '--no-turbo-inlining',
  '--maglev',
];

/**
 * fuzz-isa: everything on the job's thread. 20 000 cases at load 11: `--jobs 1` 12.75 s CPU (14.07
 * by default, 0.80 s of it other threads), `--jobs 2` 12.85 s (14.82 by default): the second job
 * no longer costs the compiler threads' work again.
 */
export const FUZZ_ISA_V8_FLAGS: readonly string[] = ['--single-threaded'];

/** Set (to any value) in the rerun process, so it never reruns again; `0` turns the rerun off. */
export const RERUN_ENV = 'ORC_SANDBOX_CAMPAIGN_V8';

/** The flags of `flags` this process was started with. */
export const activeV8Flags = (flags: readonly string[]): string[] => flags.filter((f) => process.execArgv.includes(f));

/**
 * Runs this command again in a node started with `flags` (stdio shared) and returns its exit
 * status, or returns undefined when this process should run the command itself: the jobs leave a
 * core free, it has the flags already, it is the rerun, the rerun is turned off
 * (`ORC_SANDBOX_CAMPAIGN_V8=0`), or it is not the `orc-sandbox` command (an in-process caller such
 * as a test).
 *
 * @param flags - V8 flags the campaign wants from process start.
 * @param argv - the command and its arguments (`['fuzz-lazy', '--structural', …]`).
 * @param jobs - the campaign's job count (compared with the cores, `os.availableParallelism()`).
 * @returns the rerun's exit status, or undefined.
 * @example
 * ```ts
 * const status = await rerunWithV8Flags(FUZZ_LAZY_V8_FLAGS, ['fuzz-lazy', ...argv], jobs);
 * if (status !== undefined) return status;
 * ```
 */
export async function rerunWithV8Flags(
  flags: readonly string[],
  argv: readonly string[],
  jobs: number,
): Promise<number | undefined> {
  if (jobs < availableParallelism()) return undefined;
  if (activeV8Flags(flags).length === flags.length) return undefined;
  if (process.env[RERUN_ENV] !== undefined) return undefined;
  const script = process.argv[1];
  if (script === undefined || !/(^|[/\\])orc-sandbox(\.js)?$/.test(script)) return undefined;
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [...flags, ...process.execArgv, script, ...argv], {
    stdio: 'inherit',
    env: { ...process.env, [RERUN_ENV]: '1' },
  });
  // This process waits for the rerun's own exit; a signal sent to it (a scheduler's SIGTERM) goes
  // on to the rerun, which ends the campaign as it would have ended here.
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1)));
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}
