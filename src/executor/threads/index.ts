/** Emulated POSIX threads: the deterministic scheduler and the pthread host functions. */
export * from './prng.ts';
export * from './scheduler.ts';
