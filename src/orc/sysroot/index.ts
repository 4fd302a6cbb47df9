/**
 * `run --sysroot DIR`: a JIT'd program linked against a sysroot's C runtime (libc, libm,
 * libstdc++, libgcc) and run as a Linux process started at `_start` (see process.ts).
 */
import type { Mount } from '../../emu/linux/fs.ts';
import type { HostFs } from '../../emu/linux/host.ts';
import type { AnsweredCall, ProcessStart } from '../../executor/host/linux-process.ts';
import type { ProgramResult } from '../../executor/host/runner.ts';
import type { DebugRunOptions } from '../../protocol/debug.ts';
import type { OrcSession } from '../session/session.ts';
import type { SysrootBytes } from './files.ts';
import { SysrootProcess } from './process.ts';

export {
  findGccDir,
  findSysrootFiles,
  readSysroot,
  type SysrootBytes,
  SysrootError,
  type SysrootFiles,
  sysrootLibraryDirs,
} from './files.ts';
export { canonicalIfuncStubs, STARTUP_REGION, SysrootLinkError, SysrootProcess } from './process.ts';

export interface SysrootRunOptions {
  argv: string[];
  env: string[];
  mounts?: Mount[];
  hostFs?: HostFs;
  cwd?: string;
  maxInstructions?: number | undefined;
  seed?: number | undefined;
  /** One line per system call (`--trace syscalls`). */
  traceSyscalls?: (line: string) => void;
  /** A debugged run (stops reach the session's observers, as with OrcSession.run). */
  debug?: DebugRunOptions | undefined;
}

const processes = new WeakMap<OrcSession, SysrootProcess>();

/** Prepares `session` for a sysroot program; add the user's inputs, then call `finishSysrootInputs`. */
export async function attachSysroot(session: OrcSession, sysroot: SysrootBytes): Promise<SysrootProcess> {
  const p = await SysrootProcess.attach(session, sysroot);
  processes.set(session, p);
  return p;
}

/** The sysroot process of a session prepared with attachSysroot. */
export function sysrootProcessOf(session: OrcSession): SysrootProcess | undefined {
  return processes.get(session);
}

/**
 * Links the program (`_start` and what it needs), writes the start-up data and runs it as a Linux
 * process in the session's executor (in this thread or a worker: the kernel runs next to the
 * engine, src/executor/host/linux-process.ts).
 */
export async function runSysrootProgram(
  session: OrcSession,
  proc: SysrootProcess,
  options: SysrootRunOptions,
): Promise<ProgramResult> {
  proc.lateHooks = session.epc.kind === 'in-process';
  const info = await proc.link();
  const result = await session.epc.runLinuxProcess(
    {
      image: info,
      argv: options.argv,
      env: options.env,
      ...(options.mounts ? { mounts: options.mounts } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      maxInstructions: options.maxInstructions,
      seed: options.seed,
      traceSyscalls: options.traceSyscalls !== undefined,
      ...(options.debug ? { debug: options.debug } : {}),
    },
    {
      hostFs: options.hostFs,
      trace: options.traceSyscalls,
      // Late TLS and initializers act on the executor's threads and registers: the in-process
      // executor hands them over; a worker's refuses such late graphs (SysrootProcess.lateHooks).
      ...(session.epc.kind === 'in-process'
        ? {
            onStart: (start: ProcessStart) => proc.onStart(start),
            afterAnswer: (call: AnsweredCall) => proc.afterAnswer(call),
          }
        : {}),
    },
  );
  await proc.whenPatched();
  session.stopped = null;
  return { status: result.status, reason: result.reason, instructions: result.instructions };
}
