/**
 * How WebAssembly regions (wasm.ts) compile their modules. A host that owns its process installs a
 * compiler that keeps new regions in V8's baseline code and optimizes only the ones that have run
 * long (v8-tiering.ts); without one, a region is `new WebAssembly.Module` and V8 tiers up as it
 * decides.
 *
 * Why: V8 optimizes a hot WebAssembly function on background threads, and on a small machine that
 * work competes with the thread that runs the guest. The programs benchmark's regions are up to
 * 15 KB of body, which TurboFan takes 45-160 ms each to compile: at 20 rounds, V8's own tiering
 * spent 0.3-0.5 s of CPU on 24 optimized compilations, and the run took 0.55 s of wall time
 * against 0.44 s when only regions that ran 20 M instructions were optimized (CPU 1.00 against
 * 0.68 s; 3 alternating runs each, 2-core VM, 2026-12-04). Code that runs long still gets
 * the optimized code: CoreMark at 1000 iterations took the same time both ways (0.62-0.67 s
 * against 0.64-0.66 s), and a region that runs at once for long (matrix alone at 160 rounds) pays
 * about 50 ms for its 20 M instructions in baseline code.
 */

/** The part of the WebAssembly API the regions use (the host's, when it has one). */
export interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate?: (bytes: Uint8Array) => boolean;
}
export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/**
 * Compiles a region's module: `optimize` false for a new region, true for one that has run its
 * budget of instructions (PROMOTE_INSNS). A promoted module's bytes end with a custom section, so
 * that V8's cache of compiled modules does not hand back the baseline module.
 */
export type WasmCompiler = (bytes: Uint8Array, optimize: boolean) => object;

/**
 * Instructions a region runs before it is compiled again with `optimize`: PROMOTE_PER_BYTE for
 * each byte of its module, at most PROMOTE_INSNS. V8's optimizing compiler takes about as long as
 * the module is big (a 15 KB body 45-160 ms, a 1 KB one 1-10 ms), so a small loop (a kernel of
 * a few blocks) gets the optimized code after a fraction of a million instructions and a large
 * region only once it has shown it runs long.
 *
 * Measured (wall s, alternating runs, 2-core VM): the programs benchmark at 20 rounds with
 * PROMOTE_INSNS only 5 M 0.47-0.50, 10 M 0.46-0.50, 20 M 0.44-0.46, 50 M 0.43-0.44; per byte
 * (20 M at most) 300 0.53-0.56, 1000 0.45-0.51, 3000 0.46-0.48 against 0.46-0.47 for 20 M alone.
 * The branch-loop kernel (53 M instructions, the ts/unicorn ratio): 20 M alone 0.52-0.72, per byte
 * 300 0.99, 1000 0.94, 2000 0.83-0.95, 3000 0.89. Matrix alone at 160 rounds: 10 M 0.39-0.42,
 * 20 M 0.41-0.43, without a compiler 0.36-0.37. CoreMark 1000 iterations: no difference beyond the
 * noise between any of these.
 */
export const PROMOTE_INSNS = 20_000_000;
export const PROMOTE_PER_BYTE = 2000;

/** The default budget of a module of `bytes` bytes (see PROMOTE_INSNS). */
export const promoteAfterDefault = (bytes: number): number => Math.min(PROMOTE_INSNS, PROMOTE_PER_BYTE * bytes);

/** An installed compiler and its promotion budget (what wasmCompiler() returns). */
export interface Installed {
  compile: WasmCompiler;
  /** The instructions a region runs before it is compiled again, by the size of its module. */
  promoteAfter: (bytes: number) => number;
}

let installed: Installed | null = null;

/** Installs the compiler regions made from now on use (null: V8's default tiering). */
export function useWasmCompiler(
  compile: WasmCompiler | null,
  promoteAfter: (bytes: number) => number = promoteAfterDefault,
): void {
  installed = compile === null ? null : { compile, promoteAfter };
}

/** The compiler installed now, if any. */
export function wasmCompiler(): Installed | null {
  return installed;
}

/** The module's bytes with a one-byte custom section appended (named "o", no content). */
export function withPromotionMark(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 4);
  out.set(bytes);
  out.set([0, 2, 1, 0x6f], bytes.length);
  return out;
}
