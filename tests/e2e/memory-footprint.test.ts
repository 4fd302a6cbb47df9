import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('a program with a 1 MiB footprint runs in under 200 MB of resident memory', () => {
  const child = fileURLToPath(new URL('./memory-footprint.child.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8' });
  const r = JSON.parse(out) as { reason: string; instructions: number; rss: number; slot5: string };
  expect(r.reason).toBe('until');
  // 3 passes x 131072 slots x 8 instructions (the last pass also runs subs/b.ne) + mov.
  expect(r.instructions).toBe(1 + 3 * (131072 * 6 + 2));
  // Slot 5 gains its index once per pass.
  expect(r.slot5).toBe('15');
  expect(r.rss).toBeLessThan(200 * 1024 * 1024);
});
