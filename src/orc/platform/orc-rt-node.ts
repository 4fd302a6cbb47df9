/**
 * Node side of `openSession({ orcRuntime })`: reads the archive named by a path and the C++
 * fallback object. openSession loads this module with a dynamic import, and it loads node:fs and
 * the runtime's file loader the same way, so the page's bundle (which swaps runtime-aarch64/index.ts
 * for a fetch-based stand-in and has no node:fs) still builds.
 */
import type { RuntimeObject } from '../../../runtime-aarch64/abi.ts';
import type { OrcRuntimeArchive } from './orc-rt.ts';

export class OrcRuntimeUnreadable extends Error {
  override readonly name = 'OrcRuntimeUnreadable';
}

export async function loadOrcRuntime(
  spec: string | OrcRuntimeArchive,
): Promise<{ archive: OrcRuntimeArchive; fallback: RuntimeObject[] }> {
  let archive: OrcRuntimeArchive;
  if (typeof spec === 'string') {
    const fs = await import('node:fs');
    try {
      archive = { name: spec, bytes: new Uint8Array(fs.readFileSync(spec)) };
    } catch (e) {
      throw new OrcRuntimeUnreadable(`cannot read the ORC runtime '${spec}': ${(e as Error).message}`);
    }
  } else archive = spec;
  const runtime = await import('../../../runtime-aarch64/index.ts');
  // The page's stand-in for runtime-aarch64/index.ts has no file loader.
  if (!('loadOrcRtFallbackObjects' in runtime))
    throw new OrcRuntimeUnreadable('no C++ fallback objects here: pass orcRuntimeFallbackObjects with orcRuntime');
  return { archive, fallback: runtime.loadOrcRtFallbackObjects() };
}
