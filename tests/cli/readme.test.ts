/**
 * README as a user reads it after `npm install`: every command line it shows runs `npx
 * orc-sandbox`, its apt line installs exactly what CI (.ci/run) installs, and it links the
 * generated CLI manual and fallback-function list.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const read = (p: string): string => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
const readme = read('README.md');

/** Package names of the first `apt-get install` command in `text` (continuation lines joined). */
function aptPackages(text: string): string[] {
  const joined = text.replace(/\\\n\s*/g, ' ');
  const line = /apt-get install ([^\n]*)/.exec(joined)?.[1] ?? '';
  return line
    .split(/\s+/)
    .filter((w) => w !== '' && !w.startsWith('-') && !w.startsWith('>'))
    .sort();
}

it("the README's apt line installs what .ci/run installs (chromium included)", () => {
  const ci = aptPackages(read('.ci/run'));
  expect(ci).toContain('chromium');
  expect(ci.length).toBeGreaterThan(10);
  expect(aptPackages(readme)).toEqual(ci);
});

it('every command line in the README runs the installed command through npx', () => {
  const lines = readme.split('\n').filter((l) => /^(\$ )?(npx )?orc-sandbox\b/.test(l.trim()));
  expect(lines.length).toBeGreaterThan(3);
  for (const l of lines) expect(l.trim(), l).toMatch(/^(\$ )?npx orc-sandbox /);
  for (const m of readme.matchAll(/`((?:npx )?orc-sandbox [a-z-]+)[^`]*`/g)) expect(m[1], m[0]).toMatch(/^npx /);
});

it('links the generated manual, the fallback list and the testing guide', () => {
  for (const doc of ['docs/cli.md', 'docs/libc-fallbacks.md', 'docs/testing-with-orc-sandbox.md']) {
    expect(readme).toContain(`](${doc})`);
    expect(read(doc).length).toBeGreaterThan(500);
  }
  expect(readme).toContain('clang-16 --target=aarch64-linux-gnu');
});
