/**
 * The host's fused multiply-add, for WebAssembly regions (wasm.ts). WebAssembly has no scalar FMA;
 * the relaxed-SIMD proposal's f32x4.relaxed_madd and f64x2.relaxed_madd may be fused or not, as
 * the host decides (V8: fused where the CPU has FMA3, the same instruction in its baseline and
 * optimizing code). Fused, they are exactly AArch64's FMADD and FMLA: one rounding of x*y + z. So
 * a region uses them once they are shown to be fused on this host (a probe with a product whose
 * rounding changes the sum); unfused, or without relaxed SIMD (node 20 enables it with
 * `--experimental-wasm-relaxed-simd`, which the CLI's tuning sets: v8-tiering.ts), regions keep
 * deciding the fused result with Dekker's product and TwoSum (fmaLane), about sixty double
 * operations a lane. Either way the results are the same: only the speed differs.
 */
import { wasmApi } from './wasm-compiler.ts';

/** f32x4.relaxed_madd and f64x2.relaxed_madd (SIMD opcodes, after the 0xfd prefix): a*b + c. */
export const F32X4_RELAXED_MADD = 0x105;
export const F64X2_RELAXED_MADD = 0x107;

/**
 * A module exporting `d(x, y, z) -> x*y + z` on doubles and `s(x, y, z)` on singles, each through a
 * splat, the relaxed multiply-add and lane 0.
 */
function probeBytes(): Uint8Array {
  const uleb = (v: number): number[] => (v < 0x80 ? [v] : [(v & 0x7f) | 0x80, v >> 7]);
  const body = (splat: number, madd: number, extract: number): number[] => {
    const code = [0x00];
    for (let k = 0; k < 3; k++) code.push(0x20, k, 0xfd, splat);
    code.push(0xfd, ...uleb(madd), 0xfd, extract, 0, 0x0b);
    return [code.length, ...code];
  };
  const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
  const d = body(0x14, F64X2_RELAXED_MADD, 0x21);
  const s = body(0x13, F32X4_RELAXED_MADD, 0x1f);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [2, 0x60, 3, 0x7c, 0x7c, 0x7c, 1, 0x7c, 0x60, 3, 0x7d, 0x7d, 0x7d, 1, 0x7d]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, 1, 0x64, 0, 0, 1, 0x73, 0, 1]),
    ...section(10, [2, ...d, ...s]),
  ]);
}

/** Whether this host's WebAssembly accepts relaxed SIMD (V8 then compiles the probe). */
export function relaxedSimdAccepted(): boolean {
  const api = wasmApi as unknown as { validate?: (bytes: Uint8Array) => boolean } | undefined;
  return api?.validate?.(probeBytes()) === true;
}

let probed: boolean | undefined;
let forced: boolean | null = null;

/**
 * Whether regions use the relaxed multiply-add: relaxed SIMD accepted and both widths fused.
 * Probed once per thread, when the first region with a fused multiply-add is emitted.
 */
export function hostFusedMadd(): boolean {
  if (forced !== null) return forced;
  if (probed === undefined) probed = probe();
  return probed;
}

/** Tests: true or false forces the choice (for regions emitted from now on), null probes again. */
export function overrideHostFusedMadd(value: boolean | null): void {
  forced = value;
  if (value === null) probed = undefined;
}

function probe(): boolean {
  const api = wasmApi;
  if (api === undefined || !relaxedSimdAccepted()) return false;
  try {
    const { d, s } = new api.Instance(new api.Module(probeBytes()), {}).exports as Record<
      'd' | 's',
      (x: number, y: number, z: number) => number
    >;
    // (1 + u)(1 - u) - 1 = -u^2 exactly; rounding the product first gives 1 - 1 = 0.
    return d(1 + 2 ** -52, 1 - 2 ** -52, -1) === -(2 ** -104) && s(1 + 2 ** -23, 1 - 2 ** -23, -1) === -(2 ** -46);
  } catch {
    return false;
  }
}
