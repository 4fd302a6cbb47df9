/**
 * `--orc-runtime PATH`: the runtime a campaign fuzzes in place of runtime-aarch64's.
 *  - a relocatable object (`.o`) or a directory of them: handed to the session as its Platform
 *    runtime objects (`runtimeObjects`); they must define `__orc_rt_sysv_resolve` (the routine the
 *    reentry trampolines branch to through the `__orc_rt_reenter` alias) and what it needs;
 *  - an archive (`.a`, e.g. LLVM's liborc_rt-aarch64.a): through openSession's `orcRuntime` option,
 *    which exists once src/orc/platform/orc-rt-node.ts is in the build (the real-process issue).
 *    Without it the campaign stops with an error instead of silently fuzzing the default runtime.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RuntimeObject } from '../../../runtime-aarch64/index.ts';

export class OrcRuntimeOptionError extends Error {
  override name = 'OrcRuntimeOptionError';
}

/** Whether openSession understands `orcRuntime` (an archive) in this build. */
export const sessionSupportsOrcRuntime = (): boolean =>
  existsSync(new URL('../../orc/platform/orc-rt-node.ts', import.meta.url)) ||
  existsSync(new URL('../../orc/platform/orc-rt-node.js', import.meta.url));

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
  if (path.endsWith('.a')) {
    if (!sessionSupportsOrcRuntime())
      throw new OrcRuntimeOptionError(
        `--orc-runtime ${path}: an archive needs openSession's orcRuntime option, which this build does not have yet`,
      );
    return { orcRuntime: path };
  }
  return { runtimeObjects: [{ name: basename(path), bytes: new Uint8Array(readFileSync(path)) }] };
}
