/**
 * The committed runtime objects: what they define and import (checked with our own ELF reader), and
 * that they are exactly what runtime-aarch64/build.sh produces from the sources (clang-16, llvm-mc-16).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  loadRuntimeObjects,
  ORC_RT_FALLBACK_OBJECT_NAMES,
  outlineAtomicNames,
  RUNTIME_BUILD_SCRIPT,
  RUNTIME_HOST_IMPORTS,
  RUNTIME_OBJ_DIR,
  RUNTIME_OBJECT_NAMES,
  RUNTIME_SYMBOLS,
} from '../../runtime-aarch64/index.ts';
import { buildGraphFromObject } from '../../src/linker/build.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { FIXTURES } from './support.ts';

function exportsAndImports() {
  const defined = new Map<string, { callable: boolean }>();
  const imported = new Map<string, { weak: boolean }>();
  for (const o of loadRuntimeObjects()) {
    const { graph } = buildGraphFromObject(o.bytes, o.name);
    for (const s of graph.defined) if (s.scope !== 'local' && s.name) defined.set(s.name, { callable: s.callable });
    for (const s of graph.externals.values()) imported.set(s.name, { weak: s.linkage === 'weak' });
  }
  for (const n of defined.keys()) imported.delete(n);
  return { defined, imported };
}

describe('runtime objects', () => {
  it('define the runtime symbols and every outline-atomics helper, nothing else', () => {
    const { defined } = exportsAndImports();
    const expected = [...Object.values(RUNTIME_SYMBOLS), ...outlineAtomicNames()].sort();
    expect([...defined.keys()].sort()).toEqual(expected);
    expect(defined.get('__orc_rt_sysv_resolve')?.callable).toBe(true);
    expect(defined.get('__orc_rt_resolve_tag')?.callable).toBe(false);
  });

  it('import exactly RUNTIME_HOST_IMPORTS from the host', () => {
    const { imported } = exportsAndImports();
    expect([...imported.keys()].sort()).toEqual(RUNTIME_HOST_IMPORTS.map((i) => i.name).sort());
    for (const i of RUNTIME_HOST_IMPORTS) expect(imported.get(i.name)?.weak, i.name).toBe(i.weak);
  });
});

function rebuildAndCompare(script: string, committedDir: string, names: readonly string[]): void {
  const out = mkdtempSync(join(tmpdir(), 'orc-rt-build-'));
  try {
    execFileSync('sh', [script, out], { stdio: 'pipe' });
    expect(readdirSync(out).sort()).toEqual([...names].sort());
    for (const n of names) {
      const fresh = readFileSync(join(out, n));
      const committed = readFileSync(join(committedDir, n));
      expect(fresh.equals(committed), `${n} differs from a rebuild: run ${script}`).toBe(true);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describeWithOracles(['clang', 'llvm-mc'], 'runtime objects are reproducible', () => {
  it('runtime-aarch64/build.sh rebuilds obj/*.o byte for byte', () => {
    rebuildAndCompare(RUNTIME_BUILD_SCRIPT, RUNTIME_OBJ_DIR, [
      ...RUNTIME_OBJECT_NAMES,
      ...ORC_RT_FALLBACK_OBJECT_NAMES,
    ]);
  });

  it('tests/runtime/fixtures/build.sh rebuilds the test program byte for byte', () => {
    const dir = fileURLToPath(FIXTURES);
    rebuildAndCompare(join(dir, 'build.sh'), dir, ['reentry.o']);
  });
});
