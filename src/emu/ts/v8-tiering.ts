/**
 * V8 settings for processes that run the ts engine's second tier. A translated block is a new
 * JavaScript function, and V8 first runs every new function in its bytecode interpreter (Ignition)
 * until it has gathered enough feedback to optimize it; in that phase a block runs several times
 * slower than the interpreter's ops, which are shared and long optimized. With Sparkplug compiling
 * each function to baseline machine code at once (`--always-sparkplug`), that phase costs much
 * less, so translation pays earlier (see JIT_WARMUP_INSNS in engine.ts).
 *
 * Measured on the ts engine under `exec`, CPU seconds, best of 4-5 runs each on a 2-core VM
 * (2026-12-03): with a 5 M-instruction warm-up, CoreMark 300 iterations 2.46 without the flag,
 * 2.26 with it; with the old 30 M warm-up 2.99 and 3.17 (the flag alone gains nothing: it is the
 * earlier start it allows). Together (5 M and the flag) against before (30 M, no flag): CoreMark
 * 2.26 vs 2.99, the workloads at 20 rounds (72 M instructions) 2.50 vs 2.86, interp.elf (25 M)
 * 0.71 vs 0.83, one round (3.7 M) 0.52 vs 0.58, recursion.elf (2.9 M) 0.36 vs 0.34.
 *
 * V8 flags are process-wide (worker threads share them), so only programs that own their process
 * call this: the CLI (bin/orc-sandbox.js through main) and the benchmark's child processes. A
 * library user who wants the same tiering starts node with `--always-sparkplug` or calls this.
 */
import { setFlagsFromString } from 'node:v8';

let applied = false;

/** Sets the V8 flags the ts engine's translation tier is tuned for (once per process). */
export function tuneV8ForTranslation(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString('--always-sparkplug');
}
