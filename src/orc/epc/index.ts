export * from '../../executor/runtime.ts';
export * from '../../protocol/epc.ts';
export * from '../session/session.ts';
export * from './epc.ts';
export * from './memory.ts';
export * from './worker-epc.ts';
