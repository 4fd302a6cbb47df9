/**
 * compiler-rt's own test of this runtime, TestCases/Generic/lazy-link.ll, whose `%llvm_jitlink`
 * carries `-orc-runtime=liborc_rt<suffix>.a`: with `-noexec -show-linked-files`, main's object, the
 * indirect stubs graph and the data object are linked, the lazy callables' objects are not. Checked
 * for `run --orc-runtime --noexec` and, on the same objects, for `llvm-jitlink-22 -noexec
 * -orc-runtime` (which runs in process on this x86 host for -noexec); then the program runs with
 * LLVM's runtime and ends as with ours (weak and hidden lazy callables, exit status 84).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeWithOracles } from '../support/oracles.ts';
import { describeWithArtifact, ORC_RT_ARCHIVE, runCli } from './support.ts';

const objs = fileURLToPath(new URL('../lazy/fixtures/obj/', import.meta.url));
const o = (f: string) => join(objs, f);
const INPUTS = [
  o('lazy-link.o'),
  '-lazy',
  o('foo-ret-42.o'),
  '-lazy',
  o('var-x-42.o'),
  '-lazy',
  o('bar-ret-void-weak.o'),
  '-lazy',
  o('baz-ret-void-hidden.o'),
];

/** The `Linking` lines of user objects and stub graphs (runtime members and trampolines left out). */
const userLinks = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => /^Linking (.*\.o|<indirect stubs graph #\d+>)$/.test(l) && !/liborc_rt|orc-rt\//.test(l))
    .map((l) => l.replace(objs, ''));

function checkLazyLink(lines: string[]): void {
  expect(lines).toContain('Linking lazy-link.o');
  expect(lines).toContain('Linking <indirect stubs graph #1>');
  expect(lines).toContain('Linking var-x-42.o');
  expect(lines.join('\n')).not.toMatch(/foo-ret-42\.o|bar-ret-void-weak\.o|baz-ret-void-hidden\.o/);
}

describeWithArtifact('liborc_rt-aarch64.a', "compiler-rt's lazy-link.ll with LLVM's runtime", () => {
  it('-noexec -show-linked-files: main, the stubs graph and x.o are linked, foo.o is not', async () => {
    const r = await runCli(['--orc-runtime', ORC_RT_ARCHIVE, '--noexec', '--show-linked-files', ...INPUTS]);
    expect(r.status).toBe(0);
    checkLazyLink(userLinks(r.stdout));
    expect(r.stdout).toMatch(/^Linking .*liborc_rt-aarch64\.a\[\d+\]\(resolve\.cpp\.o\)$/m);
  });

  it('runs: the same result as with our runtime', async () => {
    const ours = await runCli([...INPUTS]);
    const llvm = await runCli(['--orc-runtime', ORC_RT_ARCHIVE, ...INPUTS]);
    expect(llvm).toEqual(ours);
    expect(llvm.status).toBe(84);
  });

  describeWithOracles(['llvm-jitlink-22'], 'llvm-jitlink-22 -noexec -orc-runtime on the same objects', () => {
    it('links the same user objects and stub graphs', async () => {
      const ref = spawnSync(
        'llvm-jitlink-22',
        ['-noexec', '-show-linked-files', `-orc-runtime=${ORC_RT_ARCHIVE}`, ...INPUTS],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(ref.status).toBe(0);
      const refLines = userLinks(ref.stdout);
      checkLazyLink(refLines);
      const ours = await runCli(['--orc-runtime', ORC_RT_ARCHIVE, '--noexec', '--show-linked-files', ...INPUTS]);
      expect(userLinks(ours.stdout).sort()).toEqual(refLines.sort());
    });
  });
});
