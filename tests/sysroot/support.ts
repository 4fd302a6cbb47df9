/**
 * Helpers of the `run --sysroot` tests: the sandbox run through the CLI's code path, the qemu run
 * of a static reference build, and the Debian Lua/SQLite archives that tests/sysroot/fetch.sh
 * extracts into test-artifacts/sysroot-libs (never committed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.ts';
import type { OrcSession } from '../../src/orc/session/session.ts';
import { inCI } from '../support/oracles.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const obj = (n: string): string => join(here, 'programs', 'obj', n);
export const SYSROOT = '/usr/aarch64-linux-gnu';
export const SYSROOT_LIBS = fileURLToPath(new URL('../../test-artifacts/sysroot-libs/', import.meta.url));

export interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

export async function runSandbox(args: string[], onSession?: (session: OrcSession) => void): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const status = await runCommand(args, {
    write: (s) => {
      stdout += s;
    },
    writeErr: (s) => {
      stderr += s;
    },
    stdin: new Uint8Array(0),
    ...(onSession ? { onSession } : {}),
  });
  return { stdout, stderr, status };
}

export function runQemu(exe: string, args: string[]): Outcome {
  const r = spawnSync('qemu-aarch64', [exe, ...args], { encoding: 'utf8', input: '' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

/** `describe` needing test-artifacts/sysroot-libs/<file>: skipped with a message, failing in CI. */
export function describeWithSysrootLib(file: string, title: string, body: () => void): void {
  if (existsSync(join(SYSROOT_LIBS, file))) {
    describe(title, body);
    return;
  }
  const why = `test-artifacts/sysroot-libs/${file} missing: run tests/sysroot/fetch.sh`;
  if (inCI) {
    describe(title, () => it(`needs ${file}`, () => expect.fail(`${why} (CI must)`)));
    return;
  }
  process.stderr.write(`[skipped] ${title}: ${why}\n`);
  describe.skip(`${title} [skipped: ${why}]`, body);
}
