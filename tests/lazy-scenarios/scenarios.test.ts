/**
 * Lazy-linking scenarios end to end: each program of tests/lazy-scenarios/<name>/ run through
 * `orc-sandbox run` (runCommand, the CLI's code path) with main.o eager and every other object
 * `-lazy`, on the ts engine and on the unicorn engine; stdout, stderr and exit status must be exactly
 * those of the same objects linked statically by ld.lld and run under qemu-aarch64
 * (expected/<name>.out / .status, made by build.sh). The same objects linked eagerly (no -lazy) give
 * the same result, except `undefined`, whose eager link fails before anything runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.ts';
import type { EngineKind } from '../../src/emu/engine.ts';
import { EngineUnavailable } from '../../src/emu/errors.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { describeWithOracles } from '../support/oracles.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCENARIOS = ['args', 'fnptr', 'mutual', 'data', 'chain20', 'fpheavy', 'callback', 'weakhidden', 'undefined'];

/** stderr of `undefined`: the runtime's message naming the symbol bad.o lacks. */
const UNDEFINED_STDERR =
  /^error resolving implementation for stub 0x[0-9a-f]+: Failed to materialize symbols: \{ \(main, \{ bad\$orc_fnbody \}\) \}: In undefined\/obj\/bad\.o: Symbols not found: \[ this_symbol_is_nowhere \]\n$/;

const objects = (name: string): string[] =>
  readdirSync(join(HERE, name, 'obj'))
    .filter((f) => f.endsWith('.o') && f !== 'main.o')
    .sort();

interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

/** `orc-sandbox run [--trace lazy] main.o [-lazy] x.o …` as the CLI runs it (a thrown error: status 1). */
async function runScenario(name: string, engine: EngineKind, lazy: boolean, extra: string[] = []): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const files = [
    join(HERE, name, 'obj', 'main.o'),
    ...objects(name).flatMap((o) => [...(lazy ? ['-lazy'] : []), join(HERE, name, 'obj', o)]),
  ];
  let status: number;
  try {
    status = await runCommand(['--engine', engine, ...extra, ...files], {
      write: (s) => {
        stdout += s;
      },
      writeErr: (s) => {
        stderr += s;
      },
      stdin: new Uint8Array(0),
      displayName: (f) => f.slice(HERE.length + 1),
    });
  } catch (e) {
    stderr += `orc-sandbox run: ${(e as Error).name}: ${(e as Error).message}\n`;
    status = 1;
  }
  return { stdout, stderr, status };
}

const expected = (name: string) => ({
  stdout: readFileSync(join(HERE, 'expected', `${name}.out`), 'utf8'),
  status: Number(readFileSync(join(HERE, 'expected', `${name}.status`), 'utf8').trim()),
});

function suite(engine: EngineKind, unavailable: () => string) {
  it('covers every scenario directory', () => {
    const dirs = readdirSync(HERE, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !['expected', 'shim'].includes(d.name))
      .map((d) => d.name)
      .sort();
    expect(dirs).toEqual([...SCENARIOS].sort());
  });

  for (const name of SCENARIOS) {
    it(`${name}: lazy (every non-main object -lazy) matches ld.lld + qemu`, async (ctx) => {
      if (unavailable()) ctx.skip(unavailable());
      const r = await runScenario(name, engine, true);
      const want = expected(name);
      expect({ stdout: r.stdout, status: r.status }).toEqual(want);
      if (name === 'undefined') expect(r.stderr).toMatch(UNDEFINED_STDERR);
      else expect(r.stderr).toBe('');
    });

    it(`${name}: eager (no -lazy) gives the same`, async (ctx) => {
      if (unavailable()) ctx.skip(unavailable());
      const r = await runScenario(name, engine, false);
      if (name === 'undefined') {
        // Eagerly, main.o's link needs bad.o, whose link fails: nothing runs.
        expect(r.stdout).toBe('');
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/FailedToMaterialize: .*\{ \(main, \{ bad \}\) \}/);
        return;
      }
      expect(r).toEqual({ ...expected(name), stderr: '' });
    });
  }

  it('chain20: one reentry per link, f0 … f19 in order; every object links once, on first call', async (ctx) => {
    if (unavailable()) ctx.skip(unavailable());
    const r = await runScenario('chain20', engine, true, ['--trace', 'lazy', '--show-linked-files']);
    expect(r.status).toBe(0);
    const resolved = [
      ...r.stderr.matchAll(/^\[lazy\] trampoline 0x[0-9a-f]+: (f\d+) -> \1\$orc_fnbody .* resolved /gm),
    ];
    expect(resolved.map((m) => m[1])).toEqual(Array.from({ length: 20 }, (_, i) => `f${i}`));
    const linked = r.stdout.split('\n').filter((l) => /^Linking chain20\/obj\/f\d+\.o$/.test(l));
    expect(linked).toEqual(
      Array.from({ length: 20 }, (_, i) => `Linking chain20/obj/f${String(i).padStart(2, '0')}.o`),
    );
    // All of them link during the first call of f0, before its result is printed.
    expect(r.stdout.indexOf('Linking chain20/obj/f19.o')).toBeLessThan(r.stdout.indexOf('f0(1) = '));
  });

  it('data: the data reference links data.o with main; its functions still go through one reentry', async (ctx) => {
    if (unavailable()) ctx.skip(unavailable());
    const r = await runScenario('data', engine, true, ['--trace', 'lazy', '--show-linked-files']);
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out.indexOf('Linking data/obj/data.o')).toBeLessThan(out.indexOf('table sum (main)'));
    expect(out.indexOf('Linking data/obj/sum.o')).toBeGreaterThan(out.indexOf('bump(1) after'));
    const names = [...r.stderr.matchAll(/: (\w+) -> \1\$orc_fnbody .* resolved /g)].map((m) => m[1]);
    expect(names).toEqual(['bump', 'table_sum', 'scaled_sum', 'name_of']);
  });
}

describe('lazy scenarios on the ts engine', () => suite('ts', () => ''));

describeWithOracles(['unicorn'], 'lazy scenarios on the unicorn engine', () => {
  let why = '';
  beforeAll(async () => {
    try {
      (await createEngine('unicorn')).close();
    } catch (e) {
      if (!(e instanceof EngineUnavailable)) throw e;
      why = `unicorn engine unavailable: ${e.message}`;
    }
  });
  suite('unicorn', () => why);
});
