/**
 * Test file order for the two forks: longest first (LPT scheduling), so the long corpora start at
 * once and the short files fill in at the end and both forks finish together.
 *
 * Vitest's own order uses its results cache (`node_modules/.vite`), which a fresh checkout or CI
 * does not have (it then orders by file size), and which records only the time inside tests: a file
 * whose cost is its imports (tsdoc loads the TypeScript compiler) counts as 2 ms and ran last,
 * alone, for half a minute. file-costs.json holds each file's time in a whole-suite run (seconds:
 * the time vitest reports for the file plus 0.3 s for its imports, from a whole-suite run on the
 * 2-core machine, 2026-12-05 08:40 UTC; only the order matters).
 * A file not in the table (a new one) takes the cache's duration, or runs first when unknown.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const COSTS: Readonly<Record<string, number>> = JSON.parse(
  readFileSync(new URL('./file-costs.json', import.meta.url), 'utf8'),
);

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const cost = (spec: TestSpecification): number => {
      const path = relative(root, spec.moduleId).replaceAll('\\', '/');
      const known = COSTS[path];
      if (known !== undefined) return known;
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      return cached ? cached.duration / 1000 : Number.POSITIVE_INFINITY;
    };
    const costs = new Map(files.map((f) => [f, cost(f)]));
    return [...files].sort(
      (a, b) => (costs.get(b) as number) - (costs.get(a) as number) || a.moduleId.localeCompare(b.moduleId),
    );
  }
}
