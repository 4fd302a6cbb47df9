/**
 * Executor process control, the controller's end: the interface, the in-process EPC and the EPC
 * memory manager. The worker EPC (./worker-epc.ts, node:worker_threads) is imported on its own so
 * that this barrel stays loadable in a browser.
 */
export * from '../../protocol/epc.ts';
export * from './epc.ts';
export * from './memory.ts';
