/**
 * The executor worker thread: an ExecutorRuntime (engine, Process host functions, thread scheduler,
 * parking executor, dispatch gate, syscall layer on request) serving the controller's requests
 * (./protocol.ts). Program output and JIT dispatch calls go to the controller as messages on the
 * same port, so they arrive in order.
 *
 * Determinism: emulated code runs only in microtasks that follow a `runProgram`/`call` request or a
 * `dispatchReply` (a parked thread's answer), and stops at the next await of an answer that is not
 * there yet. Messages are handled one per macrotask turn (a queue pumped by setImmediate), so after a
 * reply resumes the program no later message (a stub pointer write, another reply) is applied until
 * the program waits again. Where a controller write lands relative to the program is therefore a
 * function of the message order, never of host timing; the thread scheduler's virtual JIT latencies
 * (src/executor/threads) make the interleaving independent of when answers arrive.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineKind, EngineOptions } from '../../emu/engine.ts';
import { createEngine } from '../../emu/factory.ts';
import { NodeHostFs } from '../../emu/linux/node-host.ts';
import { joinTranslationTuning } from '../../emu/ts/v8-tiering.ts';
import type { DispatchReply, OpName, Ops, ToController, ToExecutor } from '../../protocol/epc.ts';
import { serializeError } from '../../protocol/epc.ts';
import { ExecutorRuntime } from '../runtime.ts';
import type { ThreadOptions } from '../threads/scheduler.ts';

interface WorkerData {
  engine: EngineKind;
  seed: number | undefined;
  auditSharedMemory: boolean;
  tuned: boolean;
  stdin: Uint8Array | 'process' | undefined;
  engineOptions: Omit<EngineOptions, 'seed'> | undefined;
  threads: ThreadOptions | false | undefined;
}

const data = workerData as WorkerData;
if (data.tuned) joinTranslationTuning();
const port = parentPort;
if (!port) throw new Error('worker-entry.ts must run in a worker thread');

let sharedArrayBuffers = 0;
if (data.auditSharedMemory) {
  const Original = globalThis.SharedArrayBuffer;
  globalThis.SharedArrayBuffer = new Proxy(Original, {
    construct(target, args, newTarget) {
      sharedArrayBuffers++;
      return Reflect.construct(target, args, newTarget);
    },
  });
}

const send = (m: ToController): void => port.postMessage(m);

/** This process's whole stdin, read on the program's first read (empty when it cannot be read). */
function readProcessStdin(): Uint8Array {
  try {
    return new Uint8Array(readFileSync(0));
  } catch {
    return new Uint8Array(0);
  }
}

const engine = await createEngine(data.engine, {
  ...data.engineOptions,
  ...(data.seed === undefined ? {} : { seed: data.seed }),
});
const waiting = new Map<number, (r: DispatchReply) => void>();
let nextDispatch = 1;
const runtime = new ExecutorRuntime({
  engine,
  // Copies: the host may reuse its buffers.
  stdout: (b) => send({ t: 'out', fd: 1, bytes: b.slice() }),
  stderr: (b) => send({ t: 'out', fd: 2, bytes: b.slice() }),
  dispatch: (tag, args) =>
    new Promise((resolve) => {
      const id = nextDispatch++;
      waiting.set(id, resolve);
      send({ t: 'dispatch', id, tag, args });
    }),
  onTrace: (reached) => send({ t: 'trace', reached }),
  onStop: (stop) => send({ t: 'stop', stop }),
  seed: data.seed,
  stdin: data.stdin === 'process' ? readProcessStdin : data.stdin,
  ...(data.threads === undefined ? {} : { threads: data.threads }),
});

/** A request handler (value-less ops answer undefined). */
type Handler<K extends OpName> = (args: Ops[K]['args']) => unknown;
const handlers: { [K in OpName]: Handler<K> } = {
  bootstrap: () => runtime.bootstrap(),
  reserve: (r) => runtime.reserve(r),
  finalize: (a) => runtime.finalize(a.writes, a.protects),
  release: (r) => runtime.release(r),
  writePointers: (w) => runtime.writePointers(w),
  readMemory: (r) => runtime.readMemory(r),
  writeMemory: (w) => runtime.writeMemory(w),
  traceTrampolines: (a) => runtime.traceTrampolines(a.begin, a.end),
  enableSyscalls: () => runtime.enableSyscalls(),
  linuxThreadPointers: () => runtime.linuxThreadPointers(),
  runProgram: (req) => runtime.runProgram(req),
  // The host file system is this process's (the worker reads it itself); trace lines go back in
  // order with the program's output.
  runLinuxProcess: (req) =>
    runtime.runLinuxProcess(req, {
      hostFs: req.mounts && req.mounts.length > 0 ? new NodeHostFs() : undefined,
      trace: req.traceSyscalls ? (line) => send({ t: 'syscall', line }) : undefined,
    }),
  call: (a) => runtime.call(a.fn, a.args),
  stats: () => ({ sharedArrayBuffers, parks: runtime.executor.parks }),
  readRegisters: () => runtime.debug.readRegisters(),
  writeRegisters: (w) => runtime.debug.writeRegisters(w),
  memoryRegions: () => runtime.engine.memRegions(),
  setBreakpoints: (a) => runtime.debug.setBreakpoints(a),
  setWatchpoints: (w) => runtime.debug.setWatchpoints(w),
  resume: (m) => runtime.debug.resume(m),
  interrupt: () => runtime.debug.interrupt(),
  crash: (a) => {
    if (a.mode === 'exit') process.exit(3);
    setTimeout(() => {
      throw new Error('executor crash requested');
    });
  },
};

const queue: ToExecutor[] = [];
let pumping = false;
const pump = (): void => {
  const m = queue.shift();
  if (!m) {
    pumping = false;
    return;
  }
  handle(m);
  // The next message waits for the next turn: the microtasks `m` started (the program resuming)
  // run to their next real wait first.
  setImmediate(pump);
};
port.on('message', (m: ToExecutor) => {
  queue.push(m);
  if (!pumping) {
    pumping = true;
    pump();
  }
});

function handle(m: ToExecutor): void {
  if (m.t === 'dispatchReply') {
    const resolve = waiting.get(m.id);
    waiting.delete(m.id);
    resolve?.(m.reply);
    return;
  }
  const handler = handlers[m.op] as Handler<OpName>;
  let value: unknown;
  try {
    value = handler(m.args as never);
  } catch (e) {
    send({ t: 'res', id: m.id, ok: false, error: serializeError(e) });
    return;
  }
  Promise.resolve(value).then(
    (v) => send({ t: 'res', id: m.id, ok: true, value: v }),
    (e) => send({ t: 'res', id: m.id, ok: false, error: serializeError(e) }),
  );
}
