/**
 * `orc-sandbox exec --gdb [HOST:]PORT`: load a static executable on the same Linux user mode as
 * plain `exec` (LinuxSystem: threads, fork, pipes, signals, mounts, the same options), wait for one
 * debugger on the port (as qemu-user's -g), serve it, and end with the program's status. After a
 * detach (or the debugger going away) the program runs on to its end without breakpoints.
 */
import type { Engine, EngineKind } from '../emu/engine.ts';
import { createEngine } from '../emu/factory.ts';
import { parseExecutable } from '../emu/linux/elf.ts';
import { type ExecOptions, engineFactory } from '../emu/linux/process.ts';
import { signalName } from '../emu/linux/signals.ts';
import { GdbProcess } from './gdb-process.ts';
import { LinuxProcessTarget, type LinuxTargetOutcome } from './linux-target.ts';
import { listenGdb, parseGdbAddress } from './tcp.ts';

export interface GdbExecOptions extends ExecOptions {
  /** `[HOST:]PORT`; port 0 picks a free port. */
  gdb: string;
  /** Told where the server listens (the CLI prints it on stderr). */
  onListening?: (host: string, port: number) => void;
  /** Packet log. */
  log?: (line: string) => void;
}

export interface GdbExecResult {
  status: number;
  outcome: LinuxTargetOutcome;
}

export { signalName };

export async function execElfUnderGdb(
  bytes: Uint8Array,
  file: string,
  options: GdbExecOptions,
): Promise<GdbExecResult> {
  const address = parseGdbAddress(options.gdb);
  const exe = parseExecutable(bytes, file, { maxImageBytes: options.maxImageBytes });
  const given = typeof options.engine === 'object' ? options.engine : undefined;
  const kind: EngineKind = given ? given.kind : ((options.engine as EngineKind | undefined) ?? 'ts');
  const engineOptions: { seed: number; memoryLimit?: number } = { seed: options.seed ?? 0 };
  if (options.memoryLimit !== undefined) engineOptions.memoryLimit = options.memoryLimit;
  const engine = given ?? (await createEngine(kind, engineOptions));
  const newEngine = options.newEngine ?? (await engineFactory(kind, engineOptions));
  let current: Engine = engine;
  try {
    const proc = new GdbProcess(engine, exe, { ...options, newEngine });
    proc.kernel.initEngineReplaced = (e) => {
      current = e;
    };
    const target = new LinuxProcessTarget(proc);
    const listener = await listenGdb(target, address, { log: options.log });
    options.onListening?.(listener.host, listener.port);
    await listener.session;
    listener.close();
    // After k the target has its outcome; after D or a lost connection the program runs on.
    const outcome = target.outcome ?? (await target.runToEnd());
    if (outcome.kind === 'error') throw outcome.error;
    return { status: outcome.kind === 'exit' ? outcome.status : 128 + outcome.signal, outcome };
  } finally {
    if (!given) engine.close();
    if (current !== engine) current.close();
  }
}
