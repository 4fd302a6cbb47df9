/** `orc-sandbox run` end to end (ObjectLinkingLayer + host functions + ts engine). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeWithOracles } from '../support/oracles.ts';
import { runInDir } from '../support/run-in-process.ts';

const bin = fileURLToPath(new URL('../../bin/orc-sandbox.js', import.meta.url));
const objs = fileURLToPath(new URL('./fixtures/objs/', import.meta.url));

/**
 * `orc-sandbox run ARGS` in the fixtures directory, in this process (the command's code path); the
 * demo below starts the real command.
 */
const run = (args: string[]) => runInDir(objs, args);

describe('orc-sandbox run', () => {
  it('links main → Platform → Process, runs initializers first, exit status = main return', async () => {
    const r = await run(['--show-linked-files', 'main.o', 'greet.o', 'init.o']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'Linking main.o\nLinking init.o\nLinking greet.o\ninit runs first\nhi from greet\nmain got 7\n',
    );
    expect(r.status).toBe(42);
  });

  it('passes program arguments; exit() sets the status', async () => {
    const r = await run(['exit3.o', '--', 'hello']);
    expect(r.stdout).toBe('arg1=hello\n');
    expect(r.status).toBe(3);
  });

  it('a duplicate definition names the symbol and both objects', async () => {
    const r = await run(['dup-a.o', 'dup-b.o']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/duplicate definition of symbol 'dup'/);
    expect(r.stderr).toContain('dup-a.o');
    expect(r.stderr).toContain('dup-b.o');
  });

  it('missing symbols are all named, with the object that failed to link', async () => {
    const r = await run(['missing.o']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('In missing.o');
    expect(r.stderr).toContain('Symbols not found: [ nope1, nope2 ]');
    expect((await run(['--entry', 'nosuch', 'main.o', 'greet.o'])).stderr).toContain('Symbols not found: [ nosuch ]');
  });

  it('a failed dependency names its root cause: the object and the missing symbol, however deep the chain', async () => {
    // main (chain-a.o) → chain_b (chain-b.o) → chain_c (chain-c.o) → nowhere (undefined)
    const root = '(root cause: In chain-c.o: Symbols not found: [ nowhere ])';
    for (const order of [
      ['chain-a.o', 'chain-b.o', 'chain-c.o'],
      ['chain-c.o', 'chain-b.o', 'chain-a.o'],
    ]) {
      const r = await run(order);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('FailedToMaterialize');
      expect(r.stderr).toContain('(main, { chain_b, main })');
      expect(r.stderr).toContain('In chain-b.o: In main, symbols { chain_b } have unsatisfied dependencies');
      expect(r.stderr).toContain(root);
      expect(r.stderr.split('root cause').length).toBe(2); // one root, not a nest of wrappers
    }
    // two levels: main → chain_c → nowhere
    const two = await run(['--entry', 'chain_b', 'chain-b.o', 'chain-c.o']);
    expect(two.status).toBe(1);
    expect(two.stderr).toContain(`(main, { chain_c }) }: dependencies failed to materialize or were removed ${root}`);
    // lazily linked: the reentry error names the root cause too
    const lazy = await run(['chain-a.o', '-lazy', 'chain-b.o', 'chain-c.o']);
    expect(lazy.stderr).toContain(root);
  });
});

describeWithOracles(['unicorn'], 'orc-sandbox demo --trace lazy on both engines', () => {
  it('reports the same instruction count per reentry on the ts and unicorn engines', () => {
    const demo = (engine: string) => {
      const r = spawnSync(process.execPath, [bin, 'demo', '--engine', engine], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      // "[lazy] trampoline …: greet -> greet$orc_fnbody (JITDylib main) resolved 0x…, 129 insns in reentry, host N us"
      return [...`${r.stdout}${r.stderr}`.matchAll(/\[lazy\] (trampoline .*insns in reentry)/g)].map((m) => m[1]);
    };
    const ts = demo('ts');
    expect(ts.length).toBeGreaterThanOrEqual(3);
    expect(demo('unicorn')).toEqual(ts);
  });
});
