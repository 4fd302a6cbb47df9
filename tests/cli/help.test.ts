/**
 * The CLI explains itself: every option of every command has a description in `--help`, every
 * command has examples, and the committed docs/cli.md is exactly what `npm run docs:cli` generates
 * from the same definitions.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { cliMarkdown, commandHelp, optionSpelling } from '../../src/cli/help.ts';
import { COMMAND_NAMES, loadCommands } from '../../src/cli/main.ts';
import { mainCapturingStdout } from '../support/stdout.ts';

const commands = await loadCommands();

/** The `options:` section of a help text: each option's spelling and its description. */
function helpOptions(text: string): { spelling: string; description: string }[] {
  const lines = text.split('\n');
  const start = lines.indexOf('options:');
  expect(start).toBeGreaterThan(0);
  const out: { spelling: string; description: string }[] = [];
  for (let i = start + 1; i < lines.length && lines[i] !== ''; i++) {
    const line = lines[i] as string;
    expect(line.startsWith('  -')).toBe(true);
    const m = /^ {2}(\S.*?)(?: {2,}(\S.*))?$/.exec(line);
    expect(m, line).not.toBeNull();
    let description = m?.[2] ?? '';
    if (description === '') {
      // A long spelling puts its description on the next line, indented to the column.
      const next = lines[++i] ?? '';
      expect(next).toMatch(/^ {30}\S/);
      description = next.trim();
    }
    out.push({ spelling: (m?.[1] as string).replace(/ \(repeatable\)$/, ''), description });
  }
  return out;
}

it('loads every command (docs cover them all)', () => {
  expect(commands.map((c) => c.name)).toEqual(COMMAND_NAMES);
});

it.each(commands)('$name --help describes every option and gives examples', async ({ name, command }) => {
  const text = commandHelp(name, command);
  const listed = helpOptions(text);
  const table = Object.entries(command.options);
  // Each option of the parser's table, in order, then --help.
  expect(listed.map((o) => o.spelling)).toEqual([
    ...table.map(([opt, spec]) => optionSpelling(opt, spec)),
    '--help, -h',
  ]);
  for (const o of listed) expect(o.description.length, o.spelling).toBeGreaterThan(10);
  expect(command.examples.length).toBeGreaterThan(0);
  for (const e of command.examples) {
    expect(e.command.startsWith(`npx orc-sandbox ${name}`), e.command).toBe(true);
    expect(text).toContain(`  $ ${e.command}\n      ${e.explanation}\n`);
  }
  // The synopsis names only options the parser knows.
  const known = new Set(
    table.flatMap(([opt, spec]) => [opt.length === 1 ? `-${opt}` : `--${opt}`, ...(spec.aliases ?? [])]),
  );
  for (const token of command.usage.match(/(?<=[\s[|])--?[a-zA-Z][\w-]*/g) ?? []) {
    if (token === '-lazy' || token === '-lNAME' || token === '--args') continue;
    expect(known.has(token), `${name} usage names ${token}`).toBe(true);
  }
  // What the command line prints is that text.
  const printed = await mainCapturingStdout([name, '--help']);
  expect(printed.status).toBe(0);
  expect(printed.out).toBe(text);
});

it('the options the issue found undescribed now have descriptions', () => {
  const byCommand = new Map(commands.map((c) => [c.name, c.command.options]));
  const cases: [string, string][] = [
    ['link', 'check-name'],
    ['bench', 'scale'],
    ['bench', 'no-lazy'],
    ['fuzz-isa', 'failures'],
    ['fuzz-isa', 'jit'],
    ['link', 'slab-page-size'],
  ];
  for (const [cmd, opt] of cases) expect(byCommand.get(cmd)?.[opt]?.description, `${cmd} --${opt}`).toMatch(/\w{3}/);
});

it('docs/cli.md is generated from the definitions (run `npm run docs:cli` after changing a command)', () => {
  const committed = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  expect(committed).toBe(cliMarkdown(commands));
  for (const { name, command } of commands) {
    expect(committed).toContain(`### ${name}\n`);
    for (const [opt, spec] of Object.entries(command.options))
      expect(committed).toContain(
        `- \`${optionSpelling(opt, spec)}\`${spec.repeat ? ' (repeatable)' : ''}: ${spec.description}\n`,
      );
  }
});

it('docs/libc-fallbacks.md lists what the Process JITDylib of a session defines', async () => {
  const { fallbackSymbols, libcMarkdown } = await import('../../src/cli/libc-doc.ts');
  const symbols = await fallbackSymbols();
  expect(symbols.functions).toContain('printf');
  expect(symbols.functions).toContain('malloc');
  expect(symbols.data).toEqual(['stdin', 'stdout', 'stderr']);
  expect(symbols.threads).toContain('pthread_create');
  const committed = readFileSync(new URL('../../docs/libc-fallbacks.md', import.meta.url), 'utf8');
  expect(committed).toBe(libcMarkdown(symbols));
});
