/**
 * Every item the public entries export (src/index.ts, src/api/*.ts, followed through re-exports to
 * its declaration) carries TSDoc: a description; a function also an @example, an @param per
 * parameter and @returns unless it returns nothing; a class that is not an error an @example.
 * Read with the TypeScript compiler API from the sources, as the .d.ts output carries the same
 * comments.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRIES = [
  'src/index.ts',
  'src/api/engine.ts',
  'src/api/session.ts',
  'src/api/linker.ts',
  'src/api/debug.ts',
  'src/api/fuzz.ts',
];

interface Item {
  name: string;
  entry: string;
  kind: string;
  problems: string[];
}

function scan(): Item[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    `${ROOT}tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    },
  );
  if (!config) throw new Error('cannot read tsconfig.json');
  const program = ts.createProgram(
    ENTRIES.map((e) => `${ROOT}${e}`),
    { ...config.options, noEmit: true, incremental: false },
  );
  const checker = program.getTypeChecker();
  const items: Item[] = [];
  for (const entry of ENTRIES) {
    const sf = program.getSourceFile(`${ROOT}${entry}`);
    const mod = sf && checker.getSymbolAtLocation(sf);
    if (!mod) throw new Error(`no module symbol for ${entry}`);
    for (const exported of checker.getExportsOfModule(mod)) {
      const s = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decl = s.declarations?.[0];
      const problems: string[] = [];
      const doc = ts.displayPartsToString(s.getDocumentationComment(checker)).trim();
      if (doc.length < 10) problems.push('no description');
      const tags = s.getJsDocTags(checker);
      const has = (name: string) => tags.some((t) => t.name === name);
      let kind = decl ? ts.SyntaxKind[decl.kind] : 'unknown';
      if (decl && ts.isFunctionDeclaration(decl)) {
        kind = 'function';
        if (!has('example')) problems.push('no @example');
        const documented = new Set(
          tags.filter((t) => t.name === 'param').map((t) => ts.displayPartsToString(t.text).trim().split(/\s/)[0]),
        );
        for (const p of decl.parameters) {
          const pname = p.name.getText();
          if (!documented.has(pname)) problems.push(`no @param ${pname}`);
        }
        const ret = decl.type?.getText() ?? '';
        if (ret !== 'void' && ret !== 'Promise<void>' && !has('returns')) problems.push('no @returns');
      } else if (decl && ts.isClassDeclaration(decl)) {
        kind = 'class';
        const type = checker.getDeclaredTypeOfSymbol(s);
        const isError = (t: ts.Type): boolean =>
          t.getSymbol()?.getName() === 'Error' || (t.isClass() && checker.getBaseTypes(t).some(isError));
        if (!isError(type) && !has('example')) problems.push('no @example');
      }
      items.push({ name: exported.name, entry, kind, problems });
    }
  }
  return items;
}

const items = scan();

it('finds the public surface (functions, classes, types and constants of every entry)', () => {
  expect(items.length).toBeGreaterThan(100);
  for (const name of [
    'createEngine',
    'openSession',
    'openSessionWithObjects',
    'stubStates',
    'linkObjects',
    'DebugControl',
    'runIsaCampaign',
  ])
    expect(
      items.some((i) => i.name === name),
      name,
    ).toBe(true);
  expect(items.filter((i) => i.kind === 'function').length).toBeGreaterThan(15);
});

it('every public export has TSDoc (functions and classes with @example, @param, @returns)', () => {
  const missing = items
    .filter((i) => i.problems.length > 0)
    .map((i) => `${i.entry}: ${i.name} (${i.kind}): ${i.problems.join(', ')}`);
  expect(missing).toEqual([]);
});
