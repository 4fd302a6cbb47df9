/**
 * Browser stand-in for src/orc/epc/worker-epc.ts (web/vite.config.ts aliases that module to this
 * one): the worker executor runs on node:worker_threads, which a page does not have, so
 * `openSession({ executor: 'worker' })` fails with a clear message. The page runs its executor in
 * process.
 */
import type { ExecutorProcessControl } from '../../../src/orc/epc/epc.ts';

export const WorkerEPC = {
  start(_options: unknown = {}): Promise<ExecutorProcessControl> {
    return Promise.reject(new Error('the worker executor (node:worker_threads) is not available in the browser'));
  },
};
