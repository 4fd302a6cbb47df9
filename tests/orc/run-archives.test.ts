/**
 * Static archives in `orc-sandbox run`: `.a` inputs, `-L DIR -lNAME` and `-lazy lib.a`. Members are
 * linked only when main's lookups ask for their symbols; llvm-jitlink-22 -noexec picks the same
 * members for the same inputs. Fixtures: tests/orc/fixtures/archive (build.sh).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.ts';
import { describeWithOracles } from '../support/oracles.ts';

const FIX = fileURLToPath(new URL('./fixtures/archive', import.meta.url));
const at = (f: string) => `${FIX}/${f}`;
const shortName = (f: string) => (f.startsWith(`${FIX}/`) ? f.slice(FIX.length + 1) : f);

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await runCommand(args, {
    write: (s) => {
      stdout += s;
    },
    writeErr: (s) => {
      stderr += s;
    },
    displayName: shortName,
    stdin: new Uint8Array(0),
  });
  return { status, stdout, stderr };
}

const linked = (out: string) => out.split('\n').filter((l) => l.startsWith('Linking '));
const EAGER = ['Linking main.o', 'Linking libfoo.a[1](twice.o)', 'Linking libfoo.a[2](base.o)'];

for (const engine of ['ts', 'unicorn'] as const) {
  describe(`run with static archives (${engine})`, () => {
    const base = ['--engine', engine, '--show-linked-files'];

    it('main.o libfoo.a links twice.o and base.o on demand, never unused.o', async () => {
      const r = await run([...base, at('main.o'), at('libfoo.a')]);
      expect(r.stderr).toBe('');
      expect(linked(r.stdout)).toEqual(EAGER);
      expect(r.stdout).toContain('foo_twice(20) = 40\n');
      expect(r.status).toBe(7);
    });

    it('-L DIR -lfoo searches the directories in order; -LDIR -l foo is the same', async () => {
      for (const libArgs of [
        ['-L', '/nonexistent', '-L', FIX, '-lfoo'],
        [`-L${FIX}`, '-l', 'foo'],
      ]) {
        const r = await run([...base, at('main.o'), ...libArgs]);
        expect(r.stderr).toBe('');
        expect(linked(r.stdout)).toEqual(EAGER);
        expect(r.status).toBe(7);
      }
      await expect(run([...base, at('main.o'), '-L', '/nonexistent', '-lnosuch'])).rejects.toThrow(
        "library 'libnosuch.a' not found in the -L search path (/nonexistent)",
      );
    });

    it('-lazy libfoo.a makes the members lazy: -noexec links main.o and stubs, no member', async () => {
      const noexec = await run([...base, '-noexec', at('main.o'), '-lazy', at('libfoo.a')]);
      expect(noexec.status).toBe(0);
      const l = linked(noexec.stdout);
      expect(l[0]).toBe('Linking main.o');
      expect(l.some((x) => x.includes('<indirect stubs graph'))).toBe(true);
      expect(l.filter((x) => x.includes('libfoo.a'))).toEqual([]);
      // Running calls foo_twice through its stub: then twice.o, then (lazily) base.o link.
      const r = await run([...base, at('main.o'), '-lazy', `-L${FIX}`, '-lfoo']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('foo_twice(20) = 40\n');
      expect(r.status).toBe(7);
      const members = linked(r.stdout).filter((x) => x.includes('libfoo.a'));
      expect(members).toEqual(EAGER.slice(1));
    });

    it('a malformed archive is refused with an error naming the archive and the member', async () => {
      await expect(run([...base, at('main.o'), at('libbroken.a')])).rejects.toThrow(
        /libbroken\.a\(twice\.o\/?\): malformed archive: .*ar_size: 99999999 bytes run past the end/,
      );
    });
  });
}

describeWithOracles(['llvm-jitlink-22'], 'run with archives vs llvm-jitlink-22 -noexec', () => {
  it('links the same files in the same order', async () => {
    for (const libArgs of [['libfoo.a'], ['-L', FIX, '-lfoo']]) {
      const llvm = spawnSync('llvm-jitlink-22', ['-noexec', '-show-linked-files', 'main.o', ...libArgs], {
        cwd: FIX,
        encoding: 'utf8',
      });
      expect(llvm.stderr).toBe('');
      expect(llvm.status).toBe(0);
      const ours = await run([
        '-noexec',
        '--show-linked-files',
        at('main.o'),
        ...libArgs.map((a) => (a.endsWith('.a') ? at(a) : a)),
      ]);
      expect(ours.stderr).toBe('');
      expect(ours.status).toBe(0);
      expect(linked(ours.stdout)).toEqual(linked(llvm.stdout.replaceAll(`${FIX}/`, '')));
      expect(linked(ours.stdout)).toEqual(EAGER);
    }
    const broken = spawnSync('llvm-jitlink-22', ['-noexec', 'main.o', 'libbroken.a'], { cwd: FIX, encoding: 'utf8' });
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toContain('after member twice.o');
  });
});
