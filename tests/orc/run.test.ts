/** `orc-sandbox run` end to end (ObjectLinkingLayer + host functions + ts engine). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/orc-sandbox.js', import.meta.url));
const objs = fileURLToPath(new URL('./fixtures/objs/', import.meta.url));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'run', ...args], { cwd: objs, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('orc-sandbox run', () => {
  it('links main → Platform → Process, runs initializers first, exit status = main return', () => {
    const r = run(['--show-linked-files', 'main.o', 'greet.o', 'init.o']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'Linking main.o\nLinking init.o\nLinking greet.o\ninit runs first\nhi from greet\nmain got 7\n',
    );
    expect(r.status).toBe(42);
  });

  it('passes program arguments; exit() sets the status', () => {
    const r = run(['exit3.o', '--', 'hello']);
    expect(r.stdout).toBe('arg1=hello\n');
    expect(r.status).toBe(3);
  });

  it('a duplicate definition names the symbol and both objects', () => {
    const r = run(['dup-a.o', 'dup-b.o']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/duplicate definition of symbol 'dup'/);
    expect(r.stderr).toContain('dup-a.o');
    expect(r.stderr).toContain('dup-b.o');
  });

  it('missing symbols are all named, with the object that failed to link', () => {
    const r = run(['missing.o']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('In missing.o');
    expect(r.stderr).toContain('Symbols not found: [ nope1, nope2 ]');
    expect(run(['--entry', 'nosuch', 'main.o', 'greet.o']).stderr).toContain('Symbols not found: [ nosuch ]');
  });
});
