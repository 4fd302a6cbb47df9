/**
 * `orc-sandbox exec --gdb [HOST:]PORT`: load a static executable, wait for one debugger on the
 * port (as qemu-user's -g), serve it, and end with the program's status. After a detach (or the
 * debugger going away) the program runs on to its end without breakpoints.
 */
import { createEngine } from '../emu/factory.ts';
import { parseExecutable } from '../emu/linux/elf.ts';
import { type ExecOptions, LinuxProcess } from '../emu/linux/process.ts';
import { SIGNAL_NAMES } from '../emu/linux/syscalls.ts';
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

const SIGNAL_EXTRA: Record<number, string> = { 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 24: 'SIGXCPU' };

export function signalName(signal: number): string {
  return SIGNAL_NAMES[signal] ?? SIGNAL_EXTRA[signal] ?? `signal ${signal}`;
}

export async function execElfUnderGdb(
  bytes: Uint8Array,
  file: string,
  options: GdbExecOptions,
): Promise<GdbExecResult> {
  const address = parseGdbAddress(options.gdb);
  const exe = parseExecutable(bytes, file, { maxImageBytes: options.maxImageBytes });
  const given = typeof options.engine === 'object' ? options.engine : undefined;
  const engine =
    given ?? (await createEngine(options.engine === 'unicorn' ? 'unicorn' : 'ts', { seed: options.seed ?? 0 }));
  try {
    const proc = new LinuxProcess(engine, exe, options);
    const target = new LinuxProcessTarget(proc, { maxInsns: options.maxInsns });
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
  }
}
