/**
 * Oracle detection for tests. Outside CI a missing oracle skips its tests with a visible reason
 * in the test title and on stderr; with CI=true a missing oracle is a failing test, because CI
 * installs every oracle and must never pass by skipping.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, it } from 'vitest';

export type OracleName =
  | 'unicorn'
  | 'qemu'
  | 'llvm-mc'
  | 'llvm-objdump'
  | 'llvm-dwarfdump'
  | 'clang'
  | 'lld'
  | 'llvm-jitlink'
  | 'llvm-jitlink-22'
  | 'lld-22'
  | 'chromium'
  | 'gdb-multiarch'
  | 'lldb'
  | 'aarch64-g++';

export interface OracleStatus {
  name: OracleName;
  available: boolean;
  /** Path or library name when available; the reason when not. */
  detail: string;
}

const COMMANDS: Record<Exclude<OracleName, 'unicorn'>, [string, string]> = {
  qemu: ['qemu-aarch64', 'qemu-user'],
  'llvm-mc': ['llvm-mc-16', 'llvm-16'],
  'llvm-objdump': ['llvm-objdump-16', 'llvm-16'],
  'llvm-dwarfdump': ['llvm-dwarfdump-16', 'llvm-16'],
  clang: ['clang-16', 'clang-16'],
  lld: ['ld.lld-16', 'lld-16'],
  'llvm-jitlink': ['llvm-jitlink-16', 'llvm-16'],
  // LLVM 22 (bookworm-security): the relocation oracle for what LLVM 16 lacks, and ld.lld-22
  // for the relocations no JITLink links.
  'llvm-jitlink-22': ['llvm-jitlink-22', 'llvm-22'],
  'lld-22': ['ld.lld-22', 'lld-22'],
  // Not an oracle of semantics: the browser the web page test drives (tests/web).
  chromium: ['chromium', 'chromium'],
  // gdb's output shapes (tests/debug/gdb-shapes.test.ts) and the remote protocol (tests/gdb).
  'gdb-multiarch': ['gdb-multiarch', 'gdb-multiarch'],
  // A second debugger on run --gdb (tests/gdb/lldb.test.ts).
  lldb: ['lldb-16', 'lldb-16'],
  // The AArch64 cross toolchain and its sysroot /usr/aarch64-linux-gnu (libc6-dev-arm64-cross,
  // libstdc++-12-dev-arm64-cross, libgcc-12-dev-arm64-cross come with it): `run --sysroot`
  // and the static reference builds (tests/sysroot).
  'aarch64-g++': ['aarch64-linux-gnu-g++', 'g++-aarch64-linux-gnu'],
};

const cache = new Map<OracleName, OracleStatus>();

export const inCI = process.env.CI === 'true' || process.env.CI === '1';

export function oracle(name: OracleName): OracleStatus {
  const hit = cache.get(name);
  if (hit) return hit;
  let status: OracleStatus;
  if (name === 'unicorn') {
    try {
      const require = createRequire(import.meta.url);
      const koffi = require('koffi') as { load(path: string): unknown };
      koffi.load('libunicorn.so.2');
      status = { name, available: true, detail: 'libunicorn.so.2' };
    } catch (e) {
      status = {
        name,
        available: false,
        detail: `native Unicorn unavailable (apt-get install libunicorn2; npm koffi): ${(e as Error).message.split('\n')[0]}`,
      };
    }
  } else {
    const [cmd, pkg] = COMMANDS[name];
    try {
      const path = execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
      status = path
        ? { name, available: true, detail: path }
        : { name, available: false, detail: `${cmd} not found (apt-get install ${pkg})` };
    } catch {
      status = { name, available: false, detail: `${cmd} not found (apt-get install ${pkg})` };
    }
  }
  cache.set(name, status);
  return status;
}

/**
 * For a file whose tests compare with an oracle when it is there: its availability. Missing in CI:
 * an error (CI installs every oracle); elsewhere: a warning naming what is skipped.
 */
export function optionalOracle(name: OracleName, file: string): boolean {
  const status = oracle(name);
  if (status.available) return true;
  if (inCI) throw new Error(`${file}: CI needs the ${name} oracle: ${status.detail}`);
  console.warn(`${file}: the ${name === 'unicorn' ? 'Unicorn' : name} comparison is skipped: ${status.detail}`);
  return false;
}

/**
 * `describe` that needs oracles. Missing outside CI: skipped, reason in the title and on stderr.
 * Missing in CI: one failing test naming the oracle.
 */
export function describeWithOracles(names: OracleName[], title: string, body: () => void): void {
  const missing = names.map(oracle).filter((s) => !s.available);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const why = missing.map((m) => m.detail).join('; ');
  if (inCI) {
    describe(title, () => {
      it(`requires oracles: ${missing.map((m) => m.name).join(', ')}`, () => {
        throw new Error(`CI requires these oracles: ${why}`);
      });
    });
    return;
  }
  process.stderr.write(`[oracle skipped] ${title}: ${why}\n`);
  describe.skip(`${title} [skipped: ${why}]`, body);
}
