/**
 * The CLI side of `--gdb [HOST:]PORT`: says where the server waits, reports how the program ended
 * (as `exec` does without a debugger) and maps a bad address to a usage error. ORC_GDB_LOG=1 in
 * the environment logs every packet on stderr.
 */
import type { EngineKind } from '../emu/engine.ts';
import { execElfUnderGdb, signalName } from '../gdb/exec-gdb.ts';
import { GdbAddressError } from '../gdb/tcp.ts';
import { CliError } from './args.ts';

export interface ExecGdbCliOptions {
  engine: EngineKind;
  args: string[];
  seed: number;
  maxInsns: number | undefined;
  stdin: Uint8Array;
  /** --trace values (only 'syscalls' exists). */
  traces: string[];
}

export async function execGdb(bytes: Uint8Array, file: string, spec: string, o: ExecGdbCliOptions): Promise<number> {
  try {
    const { traces, ...rest } = o;
    const r = await execElfUnderGdb(bytes, file, {
      ...rest,
      gdb: spec,
      traceSyscalls: traces.length > 0 ? (line) => process.stderr.write(`${line}\n`) : undefined,
      stdout: (b) => process.stdout.write(b),
      stderr: (b) => process.stderr.write(b),
      log: process.env.ORC_GDB_LOG ? (line) => process.stderr.write(`[gdb] ${line}\n`) : undefined,
      onListening: (host, port) => process.stderr.write(`orc-sandbox: waiting for gdb on ${host}:${port}\n`),
    });
    if (r.outcome.kind === 'signal')
      process.stderr.write(
        `orc-sandbox exec: program killed by ${signalName(r.outcome.signal)} (status ${r.status}): ${r.outcome.reason}\n`,
      );
    return r.status;
  } catch (e) {
    if (e instanceof GdbAddressError) throw new CliError(e.message);
    throw e;
  }
}
