/** `orc-sandbox run --seed S` drives the thread scheduler; deadlocks end the command with the report. */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.ts';
import { objDir } from './support.ts';

async function cli(args: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runCommand(args, {
    write: (s) => {
      out += s;
    },
    writeErr: (s) => {
      err += s;
    },
    displayName: (f) => f.slice(objDir.length),
  });
  return { status, out, err };
}

describe('orc-sandbox run with threads', () => {
  it('four threads, one lazy function: linked once; --seed fixes the interleaving', async () => {
    const args = (seed: number) => [
      `${objDir}lazy-main.o`,
      '-lazy',
      `${objDir}lazy-work.o`,
      '--show-linked-files',
      '--seed',
      String(seed),
    ];
    const a = await cli(args(3));
    expect(a.status).toBe(0);
    expect(a.out.split('\n').filter((l) => l === 'Linking lazy-work.o')).toHaveLength(1);
    expect(a.out).toContain('total = 31850\n');
    const b = await cli(args(3));
    expect(b.out).toBe(a.out);
    const orders = new Set<string>();
    for (const seed of [0, 1, 2, 3, 4, 5]) orders.add(/order:.*\n/.exec((await cli(args(seed))).out)?.[0] ?? '');
    expect(orders.size).toBeGreaterThan(1);
  });

  it('--trace lazy reports each of the four reentries', async () => {
    const r = await cli([`${objDir}lazy-main.o`, '-lazy', `${objDir}lazy-work.o`, '--trace', 'lazy', '--seed', '1']);
    expect(r.status).toBe(0);
    expect(r.err.match(/\[lazy\] trampoline 0x[0-9a-f]+: work -> work\$orc_fnbody .* resolved/g)).toHaveLength(4);
  });

  it('a deadlock rejects with the thread report', async () => {
    await expect(cli([`${objDir}deadlock.o`, '--seed', '9'])).rejects.toThrow(
      /deadlock: all 3 threads are blocked\n {2}thread 1 \(main\): pthread_join\(thread 2\)/,
    );
  });
});
