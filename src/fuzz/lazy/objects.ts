/**
 * `--orc-runtime PATH`: the runtime a campaign fuzzes in place of runtime-aarch64's.
 *  - a relocatable object (`.o`) or a directory of them: handed to the session as its Platform
 *    runtime objects (`runtimeObjects`); they must define `__orc_rt_sysv_resolve` (the routine the
 *    reentry trampolines branch to through the `__orc_rt_reenter` alias) and what it needs;
 *  - an archive (`.a`, e.g. LLVM's liborc_rt-aarch64.a): through openSession's `orcRuntime` option
 *    (members linked on demand into the Platform JITDylib, unmodified; docs/orc-runtime.md).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RuntimeObject } from '../../../runtime-aarch64/index.ts';

export class OrcRuntimeOptionError extends Error {
  override name = 'OrcRuntimeOptionError';
}

/** Session options that make `path` the runtime (see the file comment). */
export function runtimeSessionOptions(path: string): { runtimeObjects: RuntimeObject[] } | { orcRuntime: string } {
  if (!existsSync(path)) throw new OrcRuntimeOptionError(`--orc-runtime: ${path} does not exist`);
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path)
      .filter((f) => f.endsWith('.o'))
      .sort();
    if (files.length === 0) throw new OrcRuntimeOptionError(`--orc-runtime: no .o files in ${path}`);
    return { runtimeObjects: files.map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(path, f))) })) };
  }
  if (path.endsWith('.a')) return { orcRuntime: path };
  return { runtimeObjects: [{ name: basename(path), bytes: new Uint8Array(readFileSync(path)) }] };
}
