/**
 * A debugged run polls the debugger at block boundaries (StartOptions.slice), not after exact
 * instruction counts: on unicorn it keeps native speed and must still give the program exactly
 * what the plain run gives it — stdout, status and instruction count — with many poll points
 * (pollInstructions 50,000: about 500 of them) in a program whose hot loop jumps through a table (interp).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { openSession } from '../../src/orc/session/session.ts';
import type { DebugStop } from '../../src/protocol/debug.ts';
import { describeWithOracles } from '../support/oracles.ts';

const dir = fileURLToPath(new URL('../programs/obj/interp/', import.meta.url));

async function runInterp(
  debug: boolean,
): Promise<{ stdout: string; status: number; instructions: number; stops: string[] }> {
  let stdout = '';
  const dec = new TextDecoder();
  const s = await openSession({
    engine: 'unicorn',
    stdout: (b) => {
      stdout += dec.decode(b, { stream: true });
    },
    stderr: () => {},
    stdin: new Uint8Array(0),
  });
  const stops: DebugStop[] = [];
  s.observe({ onStop: (st) => stops.push(st) });
  try {
    for (const f of readdirSync(dir)
      .filter((f) => f.endsWith('.o'))
      .sort())
      s.addObject(new Uint8Array(readFileSync(dir + f)), f);
    const r = await s.run(
      'main',
      debug ? { argv: ['interp'], debug: { pollInstructions: 50_000 } } : { argv: ['interp'] },
    );
    return { stdout, status: r.status, instructions: r.instructions ?? Number.NaN, stops: stops.map((x) => x.reason) };
  } finally {
    await s.close();
  }
}

describeWithOracles(['unicorn'], 'debugged runs poll at block boundaries', () => {
  it('a debugged run on unicorn gives the plain run’s stdout, status and instruction count', async () => {
    const plain = await runInterp(false);
    expect(plain.status).toBe(0);
    expect(plain.stdout.length).toBeGreaterThan(0);
    expect(plain.instructions).toBeGreaterThan(1_000_000);
    const debugged = await runInterp(true);
    expect(debugged).toEqual({ ...plain, stops: ['exit'] });
  });
});
