import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './tests/support/sequencer.ts';

/**
 * Test files that take more than ~4.5 s each on a quiet 2-core machine (corpora against qemu, long
 * properties, worker executors, the browser, gdb): `npm run test:quick` leaves them out for the
 * edit loop (the rest takes about a minute); `npm test` runs everything.
 */
export const SLOW_TESTS = [
  'tests/remote/corpus-worker.test.ts',
  'tests/remote/parity.test.ts',
  'tests/remote/threads-worker.test.ts',
  'tests/property/random-words.test.ts',
  'tests/property/random-words-jit.test.ts',
  'tests/e2e/exec-corpus.test.ts',
  'tests/e2e/lazy-corpus.test.ts',
  'tests/e2e/run-corpus.test.ts',
  'tests/threads/threads.property.test.ts',
  'tests/differential/fuzz-isa.test.ts',
  'tests/differential/fuzz-isa-jit.test.ts',
  'tests/differential/fuzz-campaign.test.ts',
  'tests/web/page.test.ts',
  'tests/orc/run.test.ts',
  'tests/debug/parity.test.ts',
  'tests/linux/corpus.test.ts',
  'tests/linux/debian.test.ts',
  'tests/unit/isa-fp-props.test.ts',
  'tests/runtime/atomics.test.ts',
  'tests/gdb/gdb-multiarch.test.ts',
  'tests/fuzz-lazy/campaign.test.ts',
  'tests/linker/archive.test.ts',
  'tests/unit/jit-tiers.test.ts',
  'tests/threads/threads.test.ts',
  'tests/orc/session-debug.test.ts',
  'tests/linux/hostile.test.ts',
  'tests/linker/linker.relocations.test.ts',
  'tests/linux/kernel.test.ts',
  'tests/lazy/lazy-link.test.ts',
  'tests/debug/interactive.test.ts',
  'tests/orc-rt/parity.test.ts',
  'tests/sysroot/jitlink22.test.ts',
  'tests/gdb/sysroot.test.ts',
  'tests/sysroot/late.test.ts',
  'tests/sysroot/sysroot-worker.test.ts',
  'tests/orc-rt/anchor.test.ts',
  'tests/programs/programs-bench.test.ts',
  'tests/gdb/jit-interface.test.ts',
  'tests/gdb/lldb.test.ts',
  'tests/sysroot/sysroot.test.ts',
  'tests/sysroot/libraries.test.ts',
  'tests/fuzz-lazy/objects.test.ts',
  'tests/gdb/threads.test.ts',
];

const quick = process.env.ORC_TEST_QUICK === '1';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: quick ? ['**/node_modules/**', ...SLOW_TESTS] : ['**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Files share their fork's module cache: each fork loads the engine, linker and ORC once
    // instead of once per file (the loads were ~55 s of the suite's CPU). No test mocks modules
    // or leaves global state behind.
    isolate: false,
    // Vitest's default is one fork fewer than the cores: a single fork on a 2-core machine.
    maxWorkers: availableParallelism(),
    // Longest files first (tests/support/file-costs.json) so the two forks finish together.
    sequence: { sequencer: LongestFirstSequencer },
    globalSetup: ['tests/support/global-setup.ts'],
    // V8 tuned as the CLI tunes it (tests/support/tune-v8.ts).
    setupFiles: ['tests/support/tune-v8.ts'],
    reporters: ['default', './tests/support/skip-summary.ts'],
  },
});
