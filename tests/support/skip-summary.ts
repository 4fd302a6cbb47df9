/**
 * A vitest reporter that ends the run with the skipped tests grouped by reason: an oracle missing
 * outside CI skips its suite (`[skipped: reason]` in the suite's title, see oracles.ts) or a test
 * (`ctx.skip(reason)`); this list makes each such gap visible once, at the end, with its count.
 */
import type { Reporter, TestModule } from 'vitest/node';

export interface SkippedTest {
  /** Full name (suites > test). */
  name: string;
  /** `ctx.skip(note)`'s note, if any. */
  note?: string;
}

const SUITE_REASON = /\[skipped: ([^\]]+)\]/;

/** Groups skipped tests by reason: the ctx.skip note, else the suite title's, else 'skipped in the source'. */
export function groupSkips(tests: readonly SkippedTest[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const t of tests) {
    const reason = t.note ?? SUITE_REASON.exec(t.name)?.[1] ?? 'skipped in the source (it.skip / describe.skip)';
    const list = groups.get(reason) ?? [];
    list.push(t.name);
    groups.set(reason, list);
  }
  return groups;
}

export function formatSkips(groups: Map<string, string[]>, maxNames = 3): string {
  if (groups.size === 0) return '';
  const total = [...groups.values()].reduce((n, l) => n + l.length, 0);
  const lines = [`Skipped tests: ${total}, by reason:`];
  for (const [reason, names] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
    lines.push(`  ${String(names.length).padStart(4)}  ${reason}`);
    for (const n of names.slice(0, maxNames)) lines.push(`          - ${n}`);
    if (names.length > maxNames) lines.push(`          … and ${names.length - maxNames} more`);
  }
  return lines.join('\n');
}

export default class SkipSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: SkippedTest[] = [];
    for (const m of testModules) {
      for (const t of m.children.allTests('skipped')) {
        const r = t.result();
        const file = m.moduleId.replace(/^.*?\/tests\//, 'tests/');
        skipped.push({ name: `${file} > ${t.fullName}`, note: r.state === 'skipped' ? r.note : undefined });
      }
    }
    const text = formatSkips(groupSkips(skipped));
    if (text) process.stdout.write(`\n${text}\n`);
  }
}
