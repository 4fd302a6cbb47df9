/**
 * The id table (src/emu/ts/isa/ids.generated.ts) is the decode table's list of ids, so every id
 * (many are built by loops) can be found with grep; this test keeps it exact. Also: ids are
 * unique, the JIT only names ids the table has, and a misspelt field fails when the table is
 * built (and, for `insn()` entries, when the code is type-checked).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkFieldUse, DecodeTable, FieldError, type InsnDef, insn } from '../../src/emu/ts/decoder.ts';
import { INSN_IDS } from '../../src/emu/ts/isa/ids.generated.ts';
import { MODULES, TABLE } from '../../src/emu/ts/isa/index.ts';
import { SNIPPETS } from '../../src/emu/ts/jit/snippets.ts';

const ID_FILE = new URL('../../src/emu/ts/isa/ids.generated.ts', import.meta.url);

function generate(): string {
  const lines = [
    '/**',
    " * Every instruction id of the ts engine's decode table, in table (priority) order, under the",
    ' * module of src/emu/ts/isa that declares it, with its bit pattern. Many ids are built by loops',
    " * (SQADD_v is the upper-cased name of a row plus '_v'); this list is where grep finds them.",
    ' *',
    ' * Generated from the table; tests/unit/isa-ids.test.ts fails when it is stale. Rewrite it with',
    ' *   UPDATE_ISA_IDS=1 npx vitest run tests/unit/isa-ids.test.ts',
    ' */',
    'export const INSN_IDS = [',
  ];
  for (const [module, defs] of MODULES) {
    lines.push(`  // ${module}`);
    for (const d of defs) lines.push(`  '${d.id}', // ${d.pattern.trim().replace(/\s+/g, ' ')}`);
  }
  lines.push('] as const;', '', 'export type InsnId = (typeof INSN_IDS)[number];', '');
  return lines.join('\n');
}

describe('instruction ids', () => {
  it('ids.generated.ts lists exactly the ids of the decode table, in table order', () => {
    const text = generate();
    if (process.env.UPDATE_ISA_IDS === '1') writeFileSync(ID_FILE, text);
    expect(readFileSync(ID_FILE, 'utf8')).toBe(text);
    expect([...INSN_IDS]).toEqual(TABLE.defs.map((d) => d.id));
  });

  it('every id is unique and a plain identifier', () => {
    expect(new Set(INSN_IDS).size).toBe(INSN_IDS.length);
    for (const id of INSN_IDS) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
    expect(() => new DecodeTable([...TABLE.defs, TABLE.defs[0] as InsnDef])).toThrow(/duplicate instruction id/);
  });

  it('the JIT names only ids the table has', () => {
    const ids = new Set<string>(INSN_IDS);
    const named = [...Object.keys(SNIPPETS)];
    const compile = readFileSync(new URL('../../src/emu/ts/jit/compile.ts', import.meta.url), 'utf8');
    for (const m of compile.matchAll(/case '([A-Za-z0-9_]+)':/g)) named.push(m[1] as string);
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((id) => !ids.has(id))).toEqual([]);
  });
});

describe('field names', () => {
  const pattern = '0 q:1 0 01110 size:2 1 rm:5 10000 1 rn:5 rd:5';
  const entry = (over: Partial<InsnDef>): InsnDef => ({
    id: 'TEST_v',
    cls: 'simd',
    pattern,
    disasm: (f) => `test v${f.rd}, v${f.rn}, v${f.rm}`,
    exec: (f) => {
      const d = f.rd;
      return (s) => {
        s.vi[(d as number) << 2] = 0;
      };
    },
    ...over,
  });

  it('every entry of the ISA table passes the field check (not run at start-up) on some word', () => {
    const unprobed = TABLE.defs.filter((d) => checkFieldUse(d) === 0).map((d) => d.id);
    expect(unprobed).toEqual([]);
  });

  it('a correct entry builds', () => {
    const t = new DecodeTable([entry({})]);
    expect(t.decode(0x4ea28420)?.def.id).toBe('TEST_v'); // add v0.4s, v1.4s, v2.4s
  });

  it('a misspelt field in disasm, exec or when throws FieldError at table construction', () => {
    const cases: Partial<InsnDef>[] = [
      { disasm: (f) => `test v${f.rd}, v${f.rnn}` },
      { exec: (f) => (f.sz === 3 ? () => {} : () => {}) },
      { when: (f) => f.Q === 1 },
      // only on some words: the probe also tries words with the free bits set
      { disasm: (f) => (f.size === 3 ? `x${f.imm5}` : 'ok') },
    ];
    for (const c of cases) {
      let error: unknown;
      try {
        new DecodeTable([entry(c)]);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FieldError);
      expect(String(error)).toContain("TEST_v: field '");
      expect(String(error)).toContain(pattern);
    }
  });

  it('entries written with insn() are typed by their pattern', () => {
    const bits = '10000';
    const ok = insn({
      id: 'TEST_v',
      cls: 'simd',
      pattern: `0 q:1 0 01110 size:2 1 rm:5 ${bits} 1 rn:5 rd:5`,
      disasm: (f) => `test v${f.rd}, v${f.rn}, v${f.rm} ${f.q}${f.size}`,
    });
    expect(new DecodeTable([ok]).defs).toHaveLength(1);
    const bad = () =>
      insn({
        id: 'TEST_v',
        cls: 'simd',
        pattern: `0 q:1 0 01110 size:2 1 rm:5 ${bits} 1 rn:5 rd:5`,
        // @ts-expect-error: 'rnn' is not a field of the pattern (npm run typecheck fails otherwise)
        disasm: (f) => `test v${f.rd}, v${f.rnn}`,
      });
    expect(() => new DecodeTable([bad()])).toThrow(FieldError);
  });

  it('an entry whose pattern is one of several literals may read only the fields all of them declare', () => {
    const entry = (scaled: boolean) =>
      insn({
        id: 'TEST_ld',
        cls: 'ldst',
        pattern: scaled ? 'size:2 111 0 01 opc:2 imm12:12 rn:5 rt:5' : 'size:2 111 0 00 opc:2 0 imm9:9 00 rn:5 rt:5',
        // @ts-expect-error: imm12 belongs to one alternative only (npm run typecheck fails otherwise)
        disasm: (f) => `ld x${f.rt}, [x${f.rn}, #${f.imm12}]`,
      });
    expect(new DecodeTable([entry(true)]).defs).toHaveLength(1);
    expect(() => new DecodeTable([entry(false)])).toThrow(/TEST_ld: field 'imm12'/);
  });
});
