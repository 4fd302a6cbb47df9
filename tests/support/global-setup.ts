/**
 * Runs once before the test files: compiles dist/ when it is older than the sources, so tests that
 * start the real `orc-sandbox` command run the compiled JavaScript users run (and start in a
 * fraction of tsx's time). A stale dist/ is never used: bin/orc-sandbox.js falls back to tsx.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const build = fileURLToPath(new URL('../../bin/build.js', import.meta.url));
  execFileSync(process.execPath, [build, '--if-stale'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
