/** Lazy linking: redirectable symbols, reentry trampolines, LazyReexportsManager, fuzzing helpers. */
export * from './lazy-reexports.ts';
export * from './redirectable-symbols.ts';
export * from './reentry-trampolines.ts';
