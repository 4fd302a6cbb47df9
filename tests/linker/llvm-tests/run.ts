/**
 * Runs LLVM's JITLink AArch64 ELF tests (llvm/test/ExecutionEngine/JITLink/AArch64/ELF_*.{s,test,yaml}
 * from an llvm-project tree) against `orc-sandbox link`, as lit would run their RUN lines with only
 * the executable name changed: `llvm-jitlink` → `orc-sandbox link` (or, with --tool, LLVM's own
 * llvm-jitlink-22 for comparison), `llvm-mc` → llvm-mc-22, `yaml2obj` → yaml2obj-22,
 * `FileCheck` → FileCheck-22 (llvm-22-tools; else FileCheck or FileCheck-14), `not` → llvm-22's
 * (or a shell function of the same meaning). Tests that REQUIRE a
 * feature such as `asserts` (LLVM's -debug-only output) are UNSUPPORTED, as lit reports them for a
 * release build such as Debian's llvm-jitlink-22.
 *
 *   npx tsx tests/linker/llvm-tests/run.ts DIR [--tool llvm-jitlink-22] [--json]
 *
 * The LLVM test files are third-party and not committed: fetch-debian.sh extracts LLVM 22's from
 * Debian's llvm-toolchain-22 source (what CI can reach), fetch.sh downloads main's from GitHub.
 * Our own equivalents live in tests/linker/asm. tests/linker/llvm-tests.test.ts runs this when
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

/** lit's `not` (fallback): success when the command fails; `not --crash`: when it dies of a signal. */
const NOT = 'not() { if [ "$1" = --crash ]; then shift; "$@"; [ $? -ge 128 ]; else "$@"; [ $? -ne 0 ]; fi; }';

/** lit features a release llvm-jitlink on an x86-64 Linux host has (REQUIRES lines are checked against them). */
const FEATURES = new Set(['aarch64-registered-target', 'system-linux', 'shell']);

function requirementsMet(text: string): string | undefined {
  for (const m of text.matchAll(/^\s*(?:#|\/\/|;)\s*REQUIRES:(.*)$/gm)) {
    for (const clause of m[1]!.split(',')) {
      // A clause is an && of ||-alternatives; lit's full boolean grammar is not needed for these files.
      const met = clause.split('&&').every((conj) =>
        conj.split('||').some((alt) => {
          const f = alt.trim().replace(/[()]/g, '');
          return f.startsWith('!') ? !FEATURES.has(f.slice(1)) : FEATURES.has(f);
        }),
      );
      if (!met) return clause.trim();
    }
  }
  return undefined;
}

export interface RunLlvmTestsOptions {
  /** The command that replaces `llvm-jitlink` (default: `orc-sandbox link` of this checkout). */
  tool?: string;
}

export function runLlvmTests(dir: string, options: RunLlvmTestsOptions = {}): LlvmTestResult[] {
  const mc = which('llvm-mc-22', 'llvm-mc');
  const yaml2obj = which('yaml2obj-22', 'yaml2obj');
  const fileCheck = which('FileCheck-22', 'FileCheck', 'FileCheck-14');
  const link = options.tool ?? `${process.execPath} ${join(ROOT, 'bin/orc-sandbox.js')} link`;
  // LLVM's own `not` when llvm-22-tools is installed; otherwise the shell function NOT.
  const not = which('/usr/lib/llvm-22/bin/not') ?? 'not';
  const tools: [string, string | undefined][] = [
    ['not', not],
    ['llvm-mc', mc],
    ['yaml2obj', yaml2obj],
    ['FileCheck', fileCheck],
    ['llvm-jitlink', link],
  ];
  const results: LlvmTestResult[] = [];
  for (const f of readdirSync(dir)
    .filter((n) => /^ELF_.*\.(s|test|yaml)$/.test(n))
    .sort()) {
    const path = join(dir, f);
    const text = readFileSync(path, 'utf8');
    const unmet = requirementsMet(text);
    if (unmet) {
      results.push({ name: f, status: 'UNSUPPORTED', detail: `REQUIRES: ${unmet}` });
      continue;
    }
    const t = join(mkdtempSync(join(tmpdir(), 'llvm-jitlink-test-')), 't');
    let failed = '';
    for (const run of runLines(text)) {
      let cmd = run.replaceAll('%s', path).replaceAll('%t', t);
      for (const [name, exe] of tools) {
        const use = new RegExp(`(^|[\\s|;&(])${name}(?=\\s)`, 'g');
        if (!use.test(cmd)) continue;
        if (!exe) {
          failed = `${name} not found`;
          break;
        }
        cmd = cmd.replace(use, `$1${exe}`);
      }
      if (failed) break;
      const r = spawnSync('bash', ['-o', 'pipefail', '-c', `${NOT}\n${cmd}`], { encoding: 'utf8' });
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
    process.stderr.write(
      'usage: run.ts DIR [--tool CMD] [--json]   (DIR: llvm/test/ExecutionEngine/JITLink/AArch64)\n',
    );
    process.exit(2);
  }
  const toolAt = process.argv.indexOf('--tool');
  const results = runLlvmTests(dir, toolAt > 0 ? { tool: process.argv[toolAt + 1] } : {});
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(results)}\n`);
  else for (const r of results) process.stdout.write(`${r.status}: ${r.name}${r.detail ? `\n  ${r.detail}` : ''}\n`);
  process.exit(results.some((r) => r.status === 'FAIL') ? 1 : 0);
}
