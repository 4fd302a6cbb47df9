/**
 * Runs the guide's example (docs/testing-with-orc-sandbox.md, examples/testing/lazy-demo.test.ts)
 * as part of the suite: it imports `orc-sandbox` by name, which resolves through package.json's
 * `exports` (self-reference) to the compiled dist/ that the global setup keeps fresh. The guide
 * shows the file's code verbatim (from its first import on); a test keeps the two in step.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import '../../examples/testing/lazy-demo.test.ts';

it("the guide's code block is the example file's code", () => {
  const file = readFileSync(new URL('../../examples/testing/lazy-demo.test.ts', import.meta.url), 'utf8');
  const guide = readFileSync(new URL('../../docs/testing-with-orc-sandbox.md', import.meta.url), 'utf8');
  const code = file.slice(file.indexOf('import { readFileSync'));
  const block = /```ts\n(import \{ readFileSync[\s\S]*?)```/.exec(guide)?.[1];
  expect(block).toBe(code);
});
