/** Host side of the `Process` JITDylib: libc functions behind engine gates, a heap, a program runner. */
export * from './allocator.ts';
export * from './errors.ts';
export * from './linux.ts';
export * from './printf.ts';
export * from './process.ts';
export * from './runner.ts';
