/** The one sandbox session: open it with `openSession(options)` (every default is `run`'s). */
export * from '../../protocol/debug.ts';
export * from './observer.ts';
export * from './options.ts';
export * from './session.ts';
export * from './trace.ts';
