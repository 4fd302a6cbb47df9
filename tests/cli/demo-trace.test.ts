/**
 * The demo's closing explanation is computed from what the run did (observer events), and
 * `--trace lazy` output is deterministic: host timings appear only with `--trace-times`.
 */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { demoCommand } from '../../src/cli/commands/demo.ts';
import { runCommand } from '../../src/cli/commands/run.ts';

const OBJ = fileURLToPath(new URL('../../examples/lazy-demo/obj/', import.meta.url));

async function demo(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await demoCommand(argv, {
    write: (s) => {
      out += s;
    },
    writeErr: (s) => {
      err += s;
    },
    stdin: new Uint8Array(),
  });
  return { status, out, err };
}

const explanation = (out: string): string => out.slice(out.indexOf('What happened'));

it('demo without arguments: rarely() is not called, and the text says rarely.o was never linked', async () => {
  const r = await demo([]);
  expect(r.status).toBe(0);
  expect(r.out).not.toContain('Linking rarely.o');
  const text = explanation(r.out);
  expect(text).toContain('* main.o was linked eagerly. greet.o, math.o, data.o and rarely.o were given with -lazy:');
  expect(text).toContain('* data.o was linked before any call');
  expect(text).toContain('* The first call of greet() went stub');
  expect(text).toContain('the host linked greet.o, pointed the stub at');
  expect(text).toContain('* The first call of fib() likewise linked math.o and pointed its stub at the body.');
  // square() lives in math.o, which fib() linked first.
  expect(text).toContain('* The first call of square() re-entered too, but its object was already linked');
  expect(text).toContain('* 3 reentries, one per function called');
  expect(text).toContain(
    "* rarely.o was never linked: none of its functions was called (main calls rarely() when given an argument: 'demo -- x').",
  );
  expect(r.err.match(/^\[lazy\] /gm)).toHaveLength(3);
});

it('demo -- x: rarely() is called, rarely.o is linked, and the text says so', async () => {
  const r = await demo(['--', 'x']);
  expect(r.status).toBe(0);
  expect(r.out).toContain('rarely: you passed an argument');
  expect(r.out).toContain('Linking rarely.o');
  const text = explanation(r.out);
  expect(text).not.toContain('never linked');
  expect(text).toContain('* The first call of rarely() likewise linked rarely.o and pointed its stub at the body.');
  expect(text).toContain('* 4 reentries, one per function called');
  expect(r.err.match(/^\[lazy\] /gm)).toHaveLength(4);
});

async function traced(extra: string[]): Promise<string> {
  let err = '';
  const status = await runCommand(
    [
      '--trace',
      'lazy',
      ...extra,
      `${OBJ}main.o`,
      '-lazy',
      `${OBJ}greet.o`,
      '-lazy',
      `${OBJ}math.o`,
      '-lazy',
      `${OBJ}data.o`,
      '-lazy',
      `${OBJ}rarely.o`,
    ],
    {
      write: () => {},
      writeErr: (s) => {
        err += s;
      },
      stdin: new Uint8Array(),
    },
  );
  expect(status).toBe(0);
  return err;
}

it('--trace lazy: two runs print byte-identical traces, without host timings', async () => {
  const a = await traced([]);
  const b = await traced([]);
  expect(a).toBe(b);
  const lines = a.trim().split('\n');
  expect(lines).toHaveLength(3);
  for (const l of lines)
    expect(l).toMatch(
      /^\[lazy\] trampoline 0x[0-9a-f]{16}: \w+ -> \w+\$orc_fnbody \(JITDylib main\) resolved 0x[0-9a-f]{16}, \d+ insns in reentry, called from examples\/lazy-demo\/src\/main\.c:\d+$/,
    );
});

it('--trace-times adds the host time of each reentry; without --trace lazy it is refused', async () => {
  const t = await traced(['--trace-times']);
  const lines = t.trim().split('\n');
  expect(lines).toHaveLength(3);
  for (const l of lines)
    expect(l).toMatch(/, \d+ insns in reentry, called from examples\/lazy-demo\/src\/main\.c:\d+, host \d+ us$/);
  await expect(runCommand(['--trace-times', `${OBJ}main.o`], { stdin: new Uint8Array() })).rejects.toThrow(
    '--trace-times needs --trace lazy',
  );
});
