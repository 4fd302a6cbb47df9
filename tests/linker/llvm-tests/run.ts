/**
 * Runs LLVM's JITLink AArch64 ELF tests (llvm/test/ExecutionEngine/JITLink/AArch64/ELF_*.s from
 * an llvm-project checkout) against `orc-sandbox link`, as lit would run their RUN lines with only
 * the executable name changed: `llvm-jitlink` → `orc-sandbox link`, `llvm-mc` → llvm-mc-22,
 * `FileCheck` → FileCheck-22/-14. Tests that REQUIRE `asserts` (LLVM's -debug-only output) are
 * UNSUPPORTED, as lit reports them for a release build such as Debian's llvm-jitlink-22.
 *
 *   npx tsx tests/linker/llvm-tests/run.ts DIR [--json]
 *
 * The LLVM test files are third-party and not committed (CI cannot reach GitHub); our own
 * equivalents live in tests/linker/asm. tests/linker/llvm-tests.test.ts runs this when
 * LLVM_JITLINK_AARCH64_TESTS names such a folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface LlvmTestResult {
  name: string;
  status: 'PASS' | 'FAIL' | 'UNSUPPORTED';
  detail: string;
}

const ROOT = resolve(import.meta.dirname, '../../..');

function which(...names: string[]): string | undefined {
  for (const n of names) {
    const r = spawnSync('sh', ['-c', `command -v ${n}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

/** The RUN lines of a lit test, continuation lines joined. */
export function runLines(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const line of text.split('\n')) {
    const m = /^\s*(?:#|\/\/|;)\s*RUN:(.*)$/.exec(line);
    if (!m) continue;
    const part = m[1]!.trimEnd();
    if (part.endsWith('\\')) cur += `${part.slice(0, -1)} `;
    else {
      out.push((cur + part).trim());
      cur = '';
    }
  }
  return out;
}

export function runLlvmTests(dir: string): LlvmTestResult[] {
  const mc = which('llvm-mc-22', 'llvm-mc');
  const fileCheck = which('FileCheck-22', 'FileCheck', 'FileCheck-14');
  const link = `${process.execPath} ${join(ROOT, 'bin/orc-sandbox.js')} link`;
  const results: LlvmTestResult[] = [];
  for (const f of readdirSync(dir)
    .filter((n) => /^ELF_.*\.s$/.test(n))
    .sort()) {
    const path = join(dir, f);
    const text = readFileSync(path, 'utf8');
    const requires = [...text.matchAll(/^\s*#\s*REQUIRES:(.*)$/gm)].flatMap((m) =>
      m[1]!.split(',').map((x) => x.trim()),
    );
    if (requires.includes('asserts')) {
      results.push({ name: f, status: 'UNSUPPORTED', detail: 'REQUIRES: asserts (LLVM -debug-only output)' });
      continue;
    }
    const t = join(mkdtempSync(join(tmpdir(), 'llvm-jitlink-test-')), 't');
    let failed = '';
    for (const run of runLines(text)) {
      if (!mc) {
        failed = 'llvm-mc-22 not found';
        break;
      }
      let cmd = run
        .replaceAll('%s', path)
        .replaceAll('%t', t)
        .replace(/(^|[\s|;&(])llvm-mc(?=\s)/g, `$1${mc}`)
        .replace(/(^|[\s|;&(])llvm-jitlink(?=\s)/g, `$1${link}`);
      if (/(^|[\s|])FileCheck(?=\s)/.test(cmd)) {
        if (!fileCheck) {
          failed = 'FileCheck not found';
          break;
        }
        cmd = cmd.replace(/(^|[\s|])FileCheck(?=\s)/g, `$1${fileCheck}`);
      }
      const r = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], { encoding: 'utf8' });
      if (r.status !== 0) {
        failed = `${run}\n  → exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(0, 6).join('\n    ')}`;
        break;
      }
    }
    results.push({ name: f, status: failed ? 'FAIL' : 'PASS', detail: failed });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? process.env.LLVM_JITLINK_AARCH64_TESTS;
  if (!dir) {
    process.stderr.write('usage: run.ts DIR (llvm-project/llvm/test/ExecutionEngine/JITLink/AArch64)\n');
    process.exit(2);
  }
  const results = runLlvmTests(dir);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(results)}\n`);
  else for (const r of results) process.stdout.write(`${r.status}: ${r.name}${r.detail ? `\n  ${r.detail}` : ''}\n`);
  process.exit(results.some((r) => r.status === 'FAIL') ? 1 : 0);
}
