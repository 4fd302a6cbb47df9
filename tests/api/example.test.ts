/**
 * Runs the guide's example (docs/testing-with-orc-sandbox.md, examples/testing/lazy-demo.test.ts)
 * as part of the suite: it imports `orc-sandbox` by name, which resolves through package.json's
 * `exports` (self-reference) to the compiled dist/ that the global setup keeps fresh.
 */
import '../../examples/testing/lazy-demo.test.ts';
