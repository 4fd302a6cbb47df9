/**
 * A campaign worker thread: opens the tool's slice runner once (workerData: module and params),
 * then runs the slices the main thread sends, one at a time (see runSlices in campaign.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { joinTranslationTuning } from '../emu/ts/v8-tiering.ts';
import { type SliceModule, type SliceRunner, threadCpuSeconds, type WorkerMessage } from './campaign.ts';

const port = parentPort;
if (!port) throw new Error('campaign-worker.ts runs as a worker thread');
const { module, params, tuned } = workerData as { module: string; params: unknown; tuned: boolean };
// The process's V8 tuning, and this thread's WebAssembly compiler with it (v8-tiering.ts).
if (tuned) joinTranslationTuning();
const post = (m: WorkerMessage<unknown>): void => port.postMessage(m);
const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

let runner: SliceRunner<unknown> | null = null;
try {
  const mod = (await import(module)) as SliceModule<unknown, unknown>;
  runner = await mod.openSliceRunner(params);
  const cpuSeconds = threadCpuSeconds();
  post({ type: 'ready', ...(cpuSeconds !== undefined ? { cpuSeconds } : {}) });
} catch (e) {
  post({ type: 'error', message: `cannot open the slice runner: ${describe(e)}` });
}

// One slice at a time, in the order sent: the main thread sends the next ones ahead (runSlices).
let chain: Promise<void> = Promise.resolve();
port.on('message', (m: { type: 'slice'; slice: number } | { type: 'close' }) => {
  chain = chain.then(() => handle(m));
});

async function handle(m: { type: 'slice'; slice: number } | { type: 'close' }): Promise<void> {
  if (!runner) return;
  if (m.type === 'close') {
    await runner.close();
    const cpuSeconds = threadCpuSeconds();
    post({ type: 'closed', ...(cpuSeconds !== undefined ? { cpuSeconds } : {}) });
    port?.close();
    return;
  }
  try {
    post({ type: 'result', slice: m.slice, result: await runner.runSlice(m.slice) });
  } catch (e) {
    post({ type: 'error', message: `slice ${m.slice}: ${describe(e)}` });
  }
}
