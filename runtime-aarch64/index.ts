/**
 * The executor-side ORC runtime (AArch64): the prebuilt objects, what they define, what they need
 * from the host, and the host side of the `__orc_rt_jit_dispatch` calling convention.
 * Sources and the frame layout: runtime-aarch64/README.md. Rebuild: runtime-aarch64/build.sh.
 * Everything but the file access lives in ./abi.ts (browser-safe, re-exported here); this module
 * adds the Node-only paths and loader. (The web page swaps this module for web/src/runtime-objects.ts.)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ORC_RT_FALLBACK_OBJECT_NAMES, RUNTIME_OBJECT_NAMES, type RuntimeObject } from './abi.ts';

export * from './abi.ts';

/** Directory of the prebuilt objects. */
export const RUNTIME_OBJ_DIR = fileURLToPath(new URL('./obj/', import.meta.url));
/** Directory of the sources. */
export const RUNTIME_SRC_DIR = fileURLToPath(new URL('./src/', import.meta.url));
/** The build script (`build.sh [OUTDIR]`). */
export const RUNTIME_BUILD_SCRIPT = fileURLToPath(new URL('./build.sh', import.meta.url));

export function runtimeObjectPaths(): string[] {
  return RUNTIME_OBJECT_NAMES.map((n) => `${RUNTIME_OBJ_DIR}${n}`);
}

/** Reads the prebuilt runtime objects (Node only). */
export function loadRuntimeObjects(): RuntimeObject[] {
  return RUNTIME_OBJECT_NAMES.map((name) => ({
    name,
    bytes: new Uint8Array(readFileSync(`${RUNTIME_OBJ_DIR}${name}`)),
  }));
}

/** Reads cxx_fallback.o, the C++ fallback for LLVM's runtime (Node only). */
export function loadOrcRtFallbackObjects(): RuntimeObject[] {
  return ORC_RT_FALLBACK_OBJECT_NAMES.map((name) => ({
    name,
    bytes: new Uint8Array(readFileSync(`${RUNTIME_OBJ_DIR}${name}`)),
  }));
}
