/**
 * A vitest test as it would sit in your own project (docs/testing-with-orc-sandbox.md): it compiles
 * nothing, loads the prebuilt AArch64 objects that ship in the package (examples/lazy-demo/obj),
 * runs them with the lazy objects linked on first call, under several seeds, and asserts on the
 * output, the lazy stubs' states and the instruction counts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { openSessionWithObjects, type SandboxObject, stubStates } from 'orc-sandbox';
import { describe, expect, it } from 'vitest';

// The objects ship inside the package; in your project, read your own `clang -c` outputs instead.
const packageRoot = dirname(createRequire(import.meta.url).resolve('orc-sandbox/package.json'));
const objDir = join(packageRoot, 'examples', 'lazy-demo', 'obj');
const objects: SandboxObject[] = ['main.o', 'greet.o', 'math.o', 'data.o', 'rarely.o'].map((name) => ({
  name,
  bytes: new Uint8Array(readFileSync(join(objDir, name))),
  lazy: name !== 'main.o', // main.o links up front; the others on the first call into them
}));

async function runDemo(seed: number, argv: string[]) {
  let stdout = '';
  let stderr = '';
  const decoder = new TextDecoder();
  const session = await openSessionWithObjects(objects, {
    seed,
    stdout: (b) => {
      stdout += decoder.decode(b, { stream: true });
    },
    stderr: (b) => {
      stderr += decoder.decode(b, { stream: true });
    },
  });
  try {
    const result = await session.run('main', { argv });
    // Read while the session is open: the executor keeps its memory until close().
    const stubs = Object.fromEntries((await stubStates(session)).map((s) => [s.name, s.resolved]));
    return { result, stdout, stderr, stubs };
  } finally {
    await session.close();
  }
}

const EXPECTED_STDOUT = [
  'main: counter=42, motto="link what you call, when you call it"',
  'greet: hello, lazy world! (call 1, counter=43)',
  'greet: hello, again! (call 2, counter=44)',
  'main: fib(20)=6765, square(12)=144',
  'main: fib(25)=75025',
  '',
].join('\n');

describe('lazy-demo under orc-sandbox', () => {
  for (const seed of [0, 1, 42]) {
    it(`seed ${seed}: output, stub states, instruction count`, async () => {
      const r = await runDemo(seed, ['demo']);
      expect(r.result).toMatchObject({ status: 0, reason: 'return' });
      expect(r.stdout).toBe(EXPECTED_STDOUT);
      expect(r.stderr).toBe('');
      // Called functions' stubs now point at their bodies; rarely() was never called.
      expect(r.stubs).toEqual({ fib: true, greet: true, square: true, rarely: false });
      // Same program, same inputs: the same count on any host and under any seed.
      expect(r.result.instructions).toBe(763);
    });
  }

  it('an argument makes main call rarely(): its object links and its stub resolves', async () => {
    const r = await runDemo(1, ['demo', 'x']);
    expect(r.result.status).toBe(0);
    expect(r.stdout).toBe(`${EXPECTED_STDOUT}rarely: you passed an argument\n`);
    expect(r.stubs.rarely).toBe(true);
    expect(r.result.instructions).toBeGreaterThan(763);
  });
});
