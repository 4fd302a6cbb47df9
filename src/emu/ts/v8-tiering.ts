/**
 * V8 settings for processes that run the ts engine's second tier. A translated block is a new
 * JavaScript function, and V8 first runs every new function in its bytecode interpreter (Ignition)
 * until it has gathered enough feedback to optimize it; in that phase a block runs several times
 * slower than the interpreter's ops, which are shared and long optimized. With Sparkplug compiling
 * each function to baseline machine code at once (`--always-sparkplug`), that phase costs less
 * (see also JIT_WARMUP_INSNS in engine.ts: when translation starts).
 *
 * Measured on the ts engine under `exec`, CPU seconds, best of 3-5 alternating runs on a shared
 * 2-core VM (2026-12-03), noisy: with the then 30 M-instruction warm-up (engine.ts JIT_WARMUP_INSNS),
 * CoreMark 1000 iterations 3.54 without the flag and 3.58 with it (medians 4.21 and 3.85), the
 * workloads at 20 rounds 2.78 and 2.55; with a 5 M warm-up, CoreMark 300 iterations 2.46 and 2.26.
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
