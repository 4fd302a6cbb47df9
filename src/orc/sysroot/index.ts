/**
 * `run --sysroot DIR`: a JIT'd program linked against a sysroot's C runtime (libc, libm,
 * libstdc++, libgcc) and run as a Linux process started at `_start` (see process.ts).
 */
import type { Mount } from '../../emu/linux/fs.ts';
import type { HostFs } from '../../emu/linux/host.ts';
import { engineFactory } from '../../emu/linux/process.ts';
import { runLinuxProcess } from '../../executor/host/linux-process.ts';
import type { ProgramResult } from '../../executor/host/runner.ts';
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
 * process in the session's executor (in process only: the kernel runs next to the engine).
 */
export async function runSysrootProgram(
  session: OrcSession,
  proc: SysrootProcess,
  options: SysrootRunOptions,
): Promise<ProgramResult> {
  const rt = session.local;
  if (!rt) throw new Error('--sysroot runs the program in process (use --executor in-process)');
  const info = await proc.link();
  const newEngine = await engineFactory(session.engineKind, {});
  const host = rt.host;
  const result = await runLinuxProcess(rt.engine, rt.executor, info, {
    argv: options.argv,
    env: options.env,
    stdin: host.stdin,
    stdout: (b) => host.stdout(b),
    stderr: (b) => host.stderr(b),
    newEngine,
    ...(options.mounts ? { mounts: options.mounts } : {}),
    ...(options.hostFs ? { hostFs: options.hostFs } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.maxInstructions === undefined ? {} : { maxInstructions: options.maxInstructions }),
    ...(options.traceSyscalls ? { trace: options.traceSyscalls } : {}),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    onStart: (start) => proc.onStart(start),
    afterAnswer: (call) => proc.afterAnswer(call),
  });
  await proc.whenPatched();
  return { status: result.status, reason: result.reason, instructions: result.instructions };
}
