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
 *
 * Relaxed SIMD on (node 20: `--experimental-wasm-relaxed-simd`), so that WebAssembly regions can
 * use the CPU's fused multiply-add where it has one (jit/host-fma.ts).
 *
 * WebAssembly regions: V8's tiering off (`--no-wasm-tier-up --no-wasm-dynamic-tiering`, so a new
 * module runs its baseline code only), and on again only while a region that has run long is
 * compiled again (jit/wasm-compiler.ts has why and the figures). Those flags are read when a module
 * is compiled: a module keeps the tiering it was compiled with. Threads share them, so a promotion
 * on one thread can give a module compiled meanwhile on another thread V8's tiering (or take it
 * from that thread's promotion): either way only when V8 optimizes changes, never a result.
 */
import { setFlagsFromString } from 'node:v8';
import { relaxedSimdAccepted } from './jit/host-fma.ts';
import { useWasmCompiler, type WasmCompiler, wasmApi } from './jit/wasm-compiler.ts';

let applied = false;

const TIERING_OFF = '--no-wasm-tier-up --no-wasm-dynamic-tiering';
const TIERING_ON = '--wasm-tier-up --wasm-dynamic-tiering';

/**
 * True once this thread tuned V8 (tuneV8ForTranslation, or as a worker joinTranslationTuning): a
 * worker thread this thread starts then joins the tuning (the flags are the process's, the
 * WebAssembly compiler is the thread's).
 */
export function tunedForTranslation(): boolean {
  return applied;
}

/** Sets the V8 flags the ts engine's translation tier is tuned for (once per process). */
export function tuneV8ForTranslation(): void {
  if (applied) return;
  setFlagsFromString('--always-sparkplug');
  setFlagsFromString(TIERING_OFF);
  // Relaxed SIMD's fused multiply-add for FMADD and FMLA (jit/host-fma.ts); node 20 has it behind
  // this flag, later versions by default (the flag is then left alone).
  if (!relaxedSimdAccepted()) setFlagsFromString('--experimental-wasm-relaxed-simd');
  joinTranslationTuning();
}

/**
 * In a worker thread of a tuned process: this thread's regions use the tuned compiler. The flags
 * are left as they are: they are the process's, and set already.
 */
export function joinTranslationTuning(): void {
  if (applied) return;
  applied = true;
  useWasmCompiler(tieringCompiler(setFlagsFromString));
}

/**
 * The WebAssembly compiler of a process whose V8 tiering is off: a promoted region's module is
 * compiled with tiering on (baseline code, then optimized in the background when hot), and
 * tiering is off again for the modules after it, whatever the compilation did.
 */
export function tieringCompiler(setFlags: (flags: string) => void): WasmCompiler {
  const api = wasmApi as NonNullable<typeof wasmApi>;
  return (bytes, optimize) => {
    if (!optimize) return new api.Module(bytes);
    setFlags(TIERING_ON);
    try {
      return new api.Module(bytes);
    } finally {
      setFlags(TIERING_OFF);
    }
  };
}
