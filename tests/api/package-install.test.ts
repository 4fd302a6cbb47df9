/**
 * The package as a user installs it: bin/check-package.js packs the repository, installs the
 * tarball into an empty project (no optional dependencies), runs `--version`, `disasm`, `demo`, the
 * shipped example test under vitest (plain node, `import 'orc-sandbox'`), and `serve` with every
 * file of the page. It takes minutes (npm pack builds everything), so .ci/run runs it as its own
 * step; here it runs with ORC_TEST_PACKAGE=1 and is skipped visibly otherwise.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const enabled = process.env.ORC_TEST_PACKAGE === '1';
if (!enabled) process.stderr.write('[skipped] packed-package check: set ORC_TEST_PACKAGE=1 (CI runs it in .ci/run)\n');

describe.skipIf(!enabled)(
  `packed package in an empty project${enabled ? '' : ' [skipped: ORC_TEST_PACKAGE=1 runs it; .ci/run does]'}`,
  () => {
    it('installs and works: --version, disasm, demo, the example vitest test, serve', () => {
      const script = fileURLToPath(new URL('../../bin/check-package.js', import.meta.url));
      const r = spawnSync(process.execPath, [script, '--link-vitest'], { encoding: 'utf8', timeout: 600_000 });
      expect(r.stderr).not.toContain('FAILED');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/vitest: \d+ tests passed/);
      expect(r.stdout).toMatch(/serve: the page and its \d+ files answered 200/);
    }, 600_000);
  },
);
