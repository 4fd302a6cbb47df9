/**
 * Browser stand-in for runtime-aarch64/index.ts (web/vite.config.ts aliases that module to this
 * one): the same exports minus the Node-only file paths. The runtime objects cannot be read from
 * disk here; the page fetches them (objects.ts) and passes them as `SandboxOptions.runtimeObjects`.
 */
import type { RuntimeObject } from '../../../runtime-aarch64/abi.ts';

export * from '../../../runtime-aarch64/abi.ts';

export function loadRuntimeObjects(): RuntimeObject[] {
  throw new Error('in the browser, pass runtimeObjects (fetched by web/src/objects.ts) to the sandbox');
}
