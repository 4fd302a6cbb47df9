/**
 * Runs once before the test files: compiles dist/ when it is older than the sources, so tests that
 * start the real `orc-sandbox` command run the compiled JavaScript users run (and start in a
 * fraction of tsx's time). A failed build does not stop the run: bin/orc-sandbox.js never uses a
 * stale dist/ and falls back to the sources through tsx.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const build = fileURLToPath(new URL('../../bin/build.js', import.meta.url));
  const r = spawnSync(process.execPath, [build, '--if-stale'], { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(
      `[global setup] building dist/ failed (status ${r.status}); CLI tests run the sources through tsx:\n${r.stderr}\n`,
    );
  }
}
