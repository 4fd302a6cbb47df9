/**
 * Node side of `openSession({ orcRuntime })`: reads the archive named by a path and the C++
 * fallback object. Loaded with a dynamic import, so the page's bundle never reaches node:fs.
 */
import { readFileSync } from 'node:fs';
import type { RuntimeObject } from '../../../runtime-aarch64/abi.ts';
import { loadOrcRtFallbackObjects } from '../../../runtime-aarch64/index.ts';
import type { OrcRuntimeArchive } from './orc-rt.ts';

export class OrcRuntimeUnreadable extends Error {
  override readonly name = 'OrcRuntimeUnreadable';
}

export function loadOrcRuntime(spec: string | OrcRuntimeArchive): {
  archive: OrcRuntimeArchive;
  fallback: RuntimeObject[];
} {
  let archive: OrcRuntimeArchive;
  if (typeof spec === 'string') {
    try {
      archive = { name: spec, bytes: new Uint8Array(readFileSync(spec)) };
    } catch (e) {
      throw new OrcRuntimeUnreadable(`cannot read the ORC runtime '${spec}': ${(e as Error).message}`);
    }
  } else archive = spec;
  return { archive, fallback: loadOrcRtFallbackObjects() };
}
