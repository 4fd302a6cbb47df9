export * from './epc.ts';
export * from './executor-runtime.ts';
export * from './memory.ts';
export * from './protocol.ts';
export * from './session.ts';
export * from './worker-epc.ts';
