/**
 * The layering of src/ as the folders show it (issue 10): the import graph (static, re-export and
 * dynamic imports, type-only ones included) parsed from the sources.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const src = path.join(root, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) return walk(p);
    return /\.(ts|js)$/.test(n) ? [p] : [];
  });
}

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;

/** Repo-relative file → its imports: repo-relative files, or `node:x` / bare package names. */
function importGraph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of walk(src)) {
    const text = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
    const deps: string[] = [];
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = (m[1] ?? m[2] ?? m[3]) as string;
      deps.push(spec.startsWith('.') ? path.relative(root, path.resolve(path.dirname(f), spec)) : spec);
    }
    g.set(path.relative(root, f), deps);
  }
  return g;
}

const graph = importGraph();
const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec);
const under = (file: string, dir: string) => file.startsWith(`${dir}/`);
/** The isolated worker entry (node:worker_threads, its bootstrap): the only Node-only executor files. */
const isWorkerEntry = (file: string) => under(file, 'src/executor/worker');

function cyclesWithin(dir: string): string[][] {
  const files = [...graph.keys()].filter((f) => under(f, dir));
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[][] = [];
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (!under(d, dir) || !graph.has(d)) continue;
      if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d]);
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return cycles;
}

describe('layering of src/', () => {
  it('parses the graph (sanity: known edges are seen)', () => {
    expect(graph.get('src/emu/factory.ts')).toContain('src/emu/ts/engine.ts');
    expect(graph.get('src/orc/session/session.ts')).toContain('src/orc/epc/epc.ts');
    expect(graph.get('src/executor/worker/entry.ts')).toContain('node:worker_threads');
  });

  it('src/emu has no import cycle', () => {
    expect(cyclesWithin('src/emu')).toEqual([]);
  });

  it('nothing outside src/cli imports src/cli', () => {
    const bad = [...graph].flatMap(([f, deps]) =>
      under(f, 'src/cli') ? [] : deps.filter((d) => under(d, 'src/cli')).map((d) => `${f} -> ${d}`),
    );
    expect(bad).toEqual([]);
  });

  it('the executor side imports only src/emu, src/protocol, runtime-aarch64/abi.ts and itself', () => {
    // runtime-aarch64/abi.ts only: its index.ts reads the objects from disk (Node).
    const allowed = ['src/executor', 'src/emu', 'src/protocol'];
    const bad = [...graph].flatMap(([f, deps]) =>
      under(f, 'src/executor')
        ? deps
            .filter((d) => !isNodeBuiltin(d) && !allowed.some((a) => under(d, a)) && d !== 'runtime-aarch64/abi.ts')
            // The worker's bootstrap registers tsx in the new thread (Node only, like the entry).
            .filter((d) => !(isWorkerEntry(f) && d === 'tsx/esm/api'))
            .map((d) => `${f} -> ${d}`)
        : [],
    );
    expect(bad).toEqual([]);
  });

  it('the shared protocol imports no controller code (src/orc, src/linker, src/cli)', () => {
    const bad = [...graph].flatMap(([f, deps]) =>
      under(f, 'src/protocol')
        ? deps.filter((d) => ['src/orc', 'src/linker', 'src/cli'].some((a) => under(d, a))).map((d) => `${f} -> ${d}`)
        : [],
    );
    expect(bad).toEqual([]);
  });

  it('no Node built-in in src/executor except the isolated worker entry (src/executor/worker)', () => {
    const bad = [...graph].flatMap(([f, deps]) =>
      under(f, 'src/executor') && !isWorkerEntry(f) ? deps.filter(isNodeBuiltin).map((d) => `${f} -> ${d}`) : [],
    );
    expect(bad).toEqual([]);
  });
});
