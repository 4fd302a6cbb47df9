/** `orc-sandbox run -lazy …` end to end (reference 6.2, first calls, failures), on ts and unicorn. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeWithOracles } from '../support/oracles.ts';
import { runInDir } from '../support/run-in-process.ts';

const bin = fileURLToPath(new URL('../../bin/orc-sandbox.js', import.meta.url));
const objs = fileURLToPath(new URL('./fixtures/obj/', import.meta.url));

/**
 * `orc-sandbox run ARGS` in the fixtures directory, in this process (the command's code path); the
 * demo below starts the real command.
 */
const run = (args: string[]) => runInDir(objs, args);

const LAZY_LINK = ['lazy-link.o', '-lazy', 'foo-ret-42.o', '-lazy', 'var-x-42.o', '-lazy', 'bar-ret-void-weak.o'];
const LAZY_LINK_ALL = [...LAZY_LINK, '--lazy', 'baz-ret-void-hidden.o'];

describe('reference 6.2: lazy-link', () => {
  it('-noexec: main.o, the stubs graph and x.o (data) are linked; foo.o is not', async () => {
    const r = await run(['--noexec', '--show-linked-files', ...LAZY_LINK_ALL]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain('Linking lazy-link.o');
    expect(lines).toContain('Linking <indirect stubs graph #1>');
    expect(lines).toContain('Linking var-x-42.o');
    expect(lines.indexOf('Linking var-x-42.o')).toBeGreaterThan(lines.indexOf('Linking lazy-link.o'));
    expect(r.stdout).not.toMatch(/foo-ret-42\.o|bar-ret-void-weak\.o|baz-ret-void-hidden\.o/);
  });
});

for (const engine of ['ts', 'unicorn'] as const) {
  const body = () => {
    it('weak and hidden lazy callables link and run; each body links on its first call', async () => {
      const r = await run(['--engine', engine, '--show-linked-files', ...LAZY_LINK_ALL]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(84);
      const out = r.stdout;
      const after = out.slice(out.indexOf('Linking <indirect stubs graph'));
      expect(after).toMatch(
        /Linking bar-ret-void-weak\.o\nbar \(weak\)\nLinking baz-ret-void-hidden\.o\nbaz \(hidden\)\nLinking foo-ret-42\.o\nfoo\(\)=42 x=42\n$/,
      );
    });

    it('--trace lazy reports every reentry once (trampoline, alias, body, address, insns; no host time)', async () => {
      const r = await run(['--engine', engine, '--trace', 'lazy', ...LAZY_LINK_ALL]);
      expect(r.status).toBe(84);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(3);
      for (const [i, name] of ['bar', 'baz', 'foo'].entries()) {
        expect(lines[i]).toMatch(
          new RegExp(
            `^\\[lazy\\] trampoline 0x[0-9a-f]{16}: ${name} -> ${name}\\$orc_fnbody \\(JITDylib main\\) resolved 0x[0-9a-f]{16}, \\d+ insns in reentry$`,
          ),
        );
      }
    });

    it('a body with an undefined symbol: earlier output, then the runtime message naming it, status 134', async () => {
      const r = await run(['--engine', engine, 'calls-bad.o', '-lazy', 'good.o', '-lazy', 'bad.o']);
      expect(r.stdout).toBe('before: good(1)=101\n');
      expect(r.stderr).toMatch(
        /^error resolving implementation for stub 0x[0-9a-f]+: .*In bad\.o: Symbols not found: \[ this_symbol_is_nowhere \]\n$/,
      );
      expect(r.status).toBe(134);
    });
  };
  if (engine === 'ts') describe('run -lazy (ts)', body);
  else describeWithOracles(['unicorn'], 'run -lazy (unicorn)', body);
}

describe('the demo', () => {
  it('npm start runs the lazy demo from the committed objects', () => {
    const r = spawnSync(process.execPath, [bin, 'demo'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Linking greet.o');
    expect(r.stdout).not.toContain('Linking rarely.o');
    expect(r.stdout).toContain('main: fib(20)=6765, square(12)=144');
    expect(r.stderr.match(/^\[lazy\]/gm)).toHaveLength(3);
  });
});
