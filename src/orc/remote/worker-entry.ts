/**
 * The executor worker thread: an ExecutorRuntime (engine, Process host functions, parking
 * executor, dispatch gate) serving the controller's requests (./protocol.ts). Program output and
 * JIT dispatch calls go to the controller as messages on the same port, so they arrive in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine, type EngineKind } from '../../emu/engine.ts';
import { ExecutorRuntime } from './executor-runtime.ts';
import type { DispatchReply, OpName, Ops, ToController, ToExecutor } from './protocol.ts';
import { serializeError } from './protocol.ts';

interface WorkerData {
  engine: EngineKind;
  seed: number | undefined;
  auditSharedMemory: boolean;
}

const data = workerData as WorkerData;
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

const engine = await createEngine(data.engine, data.seed === undefined ? {} : { seed: data.seed });
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
  runProgram: (req) => runtime.runProgram(req),
  call: (a) => runtime.call(a.fn, a.args),
  stats: () => ({ sharedArrayBuffers, parks: runtime.executor.parks }),
  crash: (a) => {
    if (a.mode === 'exit') process.exit(3);
    setTimeout(() => {
      throw new Error('executor crash requested');
    });
  },
};

port.on('message', (m: ToExecutor) => {
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
});
