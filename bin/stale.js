// Whether dist/ is older than the sources it was compiled from. Kept to synchronous fs calls and
// no other imports: the command runs it at every start in a source checkout, where it is a few
// per cent of start-up (5–8 ms of `disasm d503201f`'s ~180 ms on the 2-core VM, 2026-12-05: one
// stat per source, ~20 µs each there, and the directory walk; stats on libuv's threads in
// parallel were not faster).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const STAMP = join(ROOT, 'dist', 'build-stamp.json');

/** Source trees compiled file by file (every .ts except .d.ts, and hand-written .js). */
export const SOURCE_DIRS = ['src', 'runtime-aarch64'];
/** Data read at run time through paths relative to a module; copied into dist/ as they are. */
export const ASSETS = [
  'examples/lazy-demo/obj',
  'runtime-aarch64/obj',
  'runtime-aarch64/src',
  'runtime-aarch64/build.sh',
];

const isSource = (name) => (name.endsWith('.ts') && !name.endsWith('.d.ts')) || name.endsWith('.js');

/** Every source file of SOURCE_DIRS (paths relative to ROOT, sorted). */
export function sourceFiles() {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(ROOT + dir, { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'obj') walk(rel);
      } else if (isSource(e.name)) out.push(rel);
    }
  };
  for (const d of SOURCE_DIRS) walk(d);
  return out.sort();
}

/** Newest modification time (ms) among the sources, the assets and the build scripts. */
export function newestSourceTime(files = sourceFiles()) {
  let newest = 0;
  const see = (p) => {
    newest = Math.max(newest, statSync(p).mtimeMs);
  };
  see(fileURLToPath(import.meta.url));
  see(join(ROOT, 'bin', 'build.js'));
  see(join(ROOT, 'package.json'));
  // ROOT ends with a separator: plain concatenation (path.join normalizes every path, which was
  // half of this check's time at each start).
  for (const f of files) see(ROOT + f);
  for (const a of ASSETS) {
    const p = join(ROOT, a);
    if (!existsSync(p)) continue;
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) see(join(p, e));
    else see(p);
  }
  return newest;
}

/** True when dist/ is missing, or a source was added, removed or changed after the last build. */
export function isStale() {
  if (!existsSync(STAMP)) return true;
  try {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
    const files = sourceFiles();
    return stamp.files !== files.join('\n') || newestSourceTime(files) > stamp.sourcesNewest;
  } catch {
    return true;
  }
}
