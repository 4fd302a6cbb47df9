/**
 * The CLI side of `--gdb [HOST:]PORT`: says where the server waits, reports how the program ended
 * (as `exec` does without a debugger) and maps a bad address to a usage error. ORC_GDB_LOG=1 in
 * the environment logs every packet on stderr.
 */
import { execElfUnderGdb, type GdbExecOptions, signalName } from '../gdb/exec-gdb.ts';
import { type SessionDebugPrimitives, SessionGdbTarget } from '../gdb/session-target.ts';
import { GdbAddressError, type GdbListener, listenGdb, parseGdbAddress } from '../gdb/tcp.ts';
import { CliError } from './args.ts';

export type ExecGdbCliOptions = Omit<GdbExecOptions, 'gdb' | 'onListening' | 'log' | 'traceSyscalls'> & {
  /** --trace values (only 'syscalls' exists). */
  traces: string[];
};

/** `exec --gdb`: the same options as plain `exec` (mounts, env, limits, stdin and output streams). */
export async function execGdb(bytes: Uint8Array, file: string, spec: string, o: ExecGdbCliOptions): Promise<number> {
  try {
    const { traces, ...rest } = o;
    const r = await execElfUnderGdb(bytes, file, {
      ...rest,
      gdb: spec,
      traceSyscalls: traces.length > 0 ? (line) => process.stderr.write(`${line}\n`) : undefined,
      log: process.env.ORC_GDB_LOG ? (line) => process.stderr.write(`[gdb] ${line}\n`) : undefined,
      onListening: (host, port) => process.stderr.write(`orc-sandbox: waiting for gdb on ${host}:${port}\n`),
    });
    // As plain exec: faults are explained; a signal the program sent itself is silent.
    if (r.outcome.kind === 'signal' && !r.outcome.reason.startsWith('killed by SIG'))
      process.stderr.write(
        `orc-sandbox exec: program killed by ${signalName(r.outcome.signal)} (status ${r.status}): ${r.outcome.reason}\n`,
      );
    return r.status;
  } catch (e) {
    if (e instanceof GdbAddressError) throw new CliError(e.message);
    throw e;
  }
}

/** What `run --gdb` / `debug --gdb` need of the session (OrcSession satisfies it). */
export interface GdbRunSession extends SessionDebugPrimitives {
  run(entry: string, options: { argv?: string[]; debug?: { stopAtEntry?: boolean } }): Promise<{ status: number }>;
  close(): Promise<void>;
}

/**
 * `run --gdb [HOST:]PORT` and `debug --gdb …`: starts the program stopped before its entry point's
 * first instruction, serves gdb's remote protocol over the session's debug primitives, and answers
 * the program's exit status. gdb's detach lets the program run on without breakpoints; its kill
 * ends the session (status 128 + SIGKILL, as a shell reports a killed process). `start` runs the
 * program another way than `session.run(entry)` (`--sysroot`: a Linux process from `_start`).
 */
export async function runSessionUnderGdb(
  session: GdbRunSession,
  entry: string,
  argv: string[],
  spec: string,
  writeErr: (s: string) => void,
  start?: (debug: { stopAtEntry: boolean }) => Promise<{ status: number }>,
): Promise<number> {
  let address: ReturnType<typeof parseGdbAddress>;
  try {
    address = parseGdbAddress(spec);
  } catch (e) {
    if (e instanceof GdbAddressError) throw new CliError(e.message);
    throw e;
  }
  const target = new SessionGdbTarget(session);
  try {
    const entryStop = target.nextStop();
    const running = start ? start({ stopAtEntry: true }) : session.run(entry, { argv, debug: { stopAtEntry: true } });
    // A link error ends the run before any stop: let it surface instead of waiting forever.
    const first = await Promise.race([entryStop, running.then(() => undefined)]);
    if (first === undefined) return (await running).status;
    let listener: GdbListener;
    try {
      listener = await listenGdb(target, address, {
        log: process.env.ORC_GDB_LOG ? (line) => writeErr(`[gdb] ${line}\n`) : undefined,
      });
    } catch (e) {
      if (e instanceof GdbAddressError) throw new CliError(e.message);
      throw e;
    }
    writeErr(`orc-sandbox: waiting for gdb on ${listener.host}:${listener.port}\n`);
    const end = await listener.session;
    listener.close();
    if (end.kind === 'kill') {
      running.catch(() => undefined);
      return 128 + SIGKILL;
    }
    if (end.kind === 'detached') {
      await session.setBreakpoints([]);
      await session.setWatchpoints([]);
      if (target.threads().length > 0) await session.resume({ kind: 'continue' });
    }
    return (await running).status;
  } finally {
    target.detachObserver();
  }
}

const SIGKILL = 9;
