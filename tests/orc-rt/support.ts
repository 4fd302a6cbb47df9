/**
 * Inputs of the LLVM-runtime tests: Debian's liborc_rt-aarch64.a and the qemu'd arm64
 * llvm-jitlink-executor, fetched by tests/orc-rt/fetch.sh into test-artifacts/orc-rt (never
 * committed). Missing: the tests skip with a message, and fail under CI=true (CI fetches them).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli as runRemoteCli } from '../remote/support.ts';
import { inCI } from '../support/oracles.ts';

export const ORC_RT_DIR = fileURLToPath(new URL('../../test-artifacts/orc-rt/', import.meta.url));
export const ORC_RT_ARCHIVE = join(ORC_RT_DIR, 'liborc_rt-aarch64.a');
export const ARM64_EXECUTOR = join(ORC_RT_DIR, 'llvm-jitlink-executor');
export const SCENARIO_DIR = fileURLToPath(new URL('../lazy-scenarios/', import.meta.url));
export const DEMO_DIR = fileURLToPath(new URL('../../examples/lazy-demo/obj/', import.meta.url));

/** `describe` needing test-artifacts/orc-rt/<file>: skipped with a message, failing in CI. */
export function describeWithArtifact(file: string, title: string, body: () => void): void {
  if (existsSync(join(ORC_RT_DIR, file))) {
    describe(title, body);
    return;
  }
  const why = `test-artifacts/orc-rt/${file} missing: run tests/orc-rt/fetch.sh`;
  if (inCI) {
    describe(title, () => it(`needs ${file}`, () => expect.fail(`${why} (CI must)`)));
    return;
  }
  process.stderr.write(`[skipped] ${title}: ${why}\n`);
  describe.skip(`${title} [skipped: ${why}]`, body);
}

import type { Outcome } from '../remote/support.ts';

export type { Outcome };

/** The inputs of a lazy program: main.o eager, every other object `-lazy` (absolute paths). */
export function lazyInputs(dir: string): string[] {
  const others = readdirSync(dir)
    .filter((f) => f.endsWith('.o') && f !== 'main.o')
    .sort();
  return [join(dir, 'main.o'), ...others.flatMap((o) => ['-lazy', join(dir, o)])];
}

/** `orc-sandbox run …` through the CLI's code path, with scenario paths shown relative. */
export function runCli(args: string[]): Promise<Outcome> {
  return runRemoteCli(args, {
    displayName: (f) => (f.startsWith(SCENARIO_DIR) ? f.slice(SCENARIO_DIR.length) : f),
  });
}
