/**
 * The package's entry points from plain node (no tsx, no Vite): `import('orc-sandbox')` and each
 * subpath resolve through package.json `exports` to the compiled dist/ and provide the documented
 * names; the main entry runs a program end to end.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function node(script: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ENTRIES: Record<string, string[]> = {
  'orc-sandbox': ['createEngine', 'openSession', 'openSessionWithObjects', 'stubStates'],
  'orc-sandbox/engine': ['createEngine', 'PROT_ALL', 'EngineApiError', 'MemoryFault'],
  'orc-sandbox/session': ['openSession', 'openSessionWithObjects', 'stubStates', 'OrcSession'],
  'orc-sandbox/linker': ['link', 'linkObjects', 'checkFile', 'extractRules', 'LinkError'],
  'orc-sandbox/debug': ['DebugControl', 'DebugError'],
  'orc-sandbox/fuzz': ['lazyCampaign', 'runIsaCampaign', 'FUZZ_CLASSES'],
};

describe('package entry points under plain node', () => {
  it('every entry resolves to dist/ and exports its documented names', () => {
    const script = `
      const entries = ${JSON.stringify(ENTRIES)};
      const out = {};
      for (const [spec, names] of Object.entries(entries)) {
        const m = await import(spec);
        out[spec] = { file: import.meta.resolve(spec), missing: names.filter((n) => !(n in m)) };
      }
      console.log(JSON.stringify(out));`;
    const r = node(script);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const seen = JSON.parse(r.stdout) as Record<string, { file: string; missing: string[] }>;
    for (const spec of Object.keys(ENTRIES)) {
      expect(seen[spec]?.missing, spec).toEqual([]);
      expect(seen[spec]?.file, spec).toMatch(/\/dist\/src\/(index|api\/\w+)\.js$/);
    }
  });

  it("the main entry's createEngine runs two instructions (movz x0, #5; add x0, x0, #7 → 12)", () => {
    const script = `
      import { createEngine } from 'orc-sandbox';
      import { PROT_ALL } from 'orc-sandbox/engine';
      const e = await createEngine('ts');
      e.memMap(0x10000, 0x1000, PROT_ALL);
      const code = new Uint8Array(new Uint32Array([0xd28000a0, 0x91001c00]).buffer);
      e.memWrite(0x10000, code);
      const r = e.start(0x10000, 0x10008);
      console.log(String(e.regRead('x0')), r.instructions);`;
    const r = node(script);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('12 2');
  });
});
