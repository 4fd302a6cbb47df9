/**
 * `orc-sandbox run --executor worker|in-process-epc`: the same command over an
 * ExecutorProcessControl (the session in this thread, the executor behind the EPC). Called by
 * src/cli/commands/run.ts after it parsed its options.
 */
import { readFileSync } from 'node:fs';
import { CliError } from '../../cli/args.ts';
import type { EngineKind } from '../../emu/engine.ts';
import { ExecutorDiedError } from '../../protocol/epc.ts';
import { type ExecutorProcessControl, InProcessEPC } from '../epc/epc.ts';
import { WorkerEPC } from '../epc/worker-epc.ts';
import { formatLazyTrace } from '../platform/sandbox.ts';
import { EpcSandbox } from '../session/session.ts';

export interface EpcRunOptions {
  executor: 'worker' | 'in-process-epc';
  engine: EngineKind;
  seed: number | undefined;
  entry: string;
  abs: Map<string, number>;
  inputs: { file: string; lazy: boolean }[];
  showLinkedFiles: boolean;
  traceLazy: boolean;
  noexec: boolean;
  argv: string[];
  maxInstructions: number | undefined;
  write: (s: string) => void;
  writeErr: (s: string) => void;
  displayName?: ((file: string) => string) | undefined;
  /** What the program's read(0) syscalls see (default: this process's stdin, read on first use). */
  stdin?: Uint8Array | undefined;
  /** Sees the EPC once it is up (tests: kill the worker, count messages). */
  onExecutor?: ((epc: ExecutorProcessControl) => void) | undefined;
}

/** Runs the command; the exit status (1 with `orc-sandbox run: executor process died: …` if it died). */
export async function runWithEpc(o: EpcRunOptions): Promise<number> {
  const dec1 = new TextDecoder();
  const dec2 = new TextDecoder();
  const stdout = (b: Uint8Array) => o.write(dec1.decode(b, { stream: true }));
  const stderr = (b: Uint8Array) => o.writeErr(dec2.decode(b, { stream: true }));
  const inputs = o.inputs.map(({ file, lazy }) => {
    try {
      return { bytes: new Uint8Array(readFileSync(file)), name: o.displayName ? o.displayName(file) : file, lazy };
    } catch (e) {
      throw new CliError(`cannot read '${file}': ${(e as Error).message}`);
    }
  });
  const execOptions = { engine: o.engine, seed: o.seed, stdout, stderr, stdin: o.stdin };
  let epc: ExecutorProcessControl | undefined;
  try {
    epc = o.executor === 'worker' ? await WorkerEPC.start(execOptions) : await InProcessEPC.create(execOptions);
    o.onExecutor?.(epc);
    const sandbox = new EpcSandbox({
      epc,
      seed: o.seed,
      // As run does in process: raw `svc` syscalls, faults/traps as signal statuses (139, 133, …).
      syscalls: true,
      faultsAsSignals: true,
      ...(o.showLinkedFiles ? { showLinkedFiles: o.write } : {}),
      ...(o.traceLazy ? { traceLazy: (ev) => o.writeErr(formatLazyTrace(ev)) } : {}),
    });
    sandbox.defineAbsolutes(o.abs);
    for (const i of inputs) sandbox.addObject(i.bytes, i.name, { lazy: i.lazy });
    if (o.noexec) {
      await sandbox.link(o.entry);
      return 0;
    }
    const result = await sandbox.run(o.entry, { argv: o.argv, maxInstructions: o.maxInstructions });
    return result.status;
  } catch (e) {
    const died = e instanceof ExecutorDiedError ? e : epc instanceof WorkerEPC ? epc.died : null;
    if (died) {
      o.writeErr(`orc-sandbox run: ${died.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await epc?.close();
  }
}
