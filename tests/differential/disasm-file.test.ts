/**
 * `orc-sandbox disasm --file OBJ` against llvm-objdump-16 -d on the committed objects: the same
 * text, line for line (labels, addresses, words, instruction text and symbolized targets); and the
 * one-line errors of `disasm` for words that are not 1-8 hex digits.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { disassembleObject, objdumpLine, parseWord } from '../../src/cli/commands/disasm.ts';
import { describeWithOracles } from '../support/oracles.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const objects = (dir: string): string[] =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.o'))
    .map((f) => `${dir}/${f}`);

describeWithOracles(['llvm-objdump'], 'disasm --file vs llvm-objdump -d', () => {
  const files = [
    ...objects('examples/lazy-demo/obj'),
    ...objects('runtime-aarch64/obj'),
    ...objects('tests/linker/obj'),
  ];

  it('covers a real set of objects', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s: same text as llvm-objdump-16 -d', async (file) => {
    const theirs = execFileSync('llvm-objdump-16', ['-d', file], { cwd: ROOT, encoding: 'utf8' });
    const ours = await disassembleObject(join(ROOT, file));
    expect(ours.replace(join(ROOT, file), file)).toBe(theirs);
  });
});

describe('disasm word validation', () => {
  it('accepts 1 to 8 hex digits, with or without 0x', () => {
    expect(parseWord('d503201f')).toBe(0xd503201f);
    expect(parseWord('0xD65F03C0')).toBe(0xd65f03c0);
    expect(parseWord('1f')).toBe(0x1f);
  });

  it.each(['12g4', '123456789', '', '0x', '-1', 'nop', 'file.o'])('rejects %j with a one-line error', (text) => {
    expect(() => parseWord(text)).toThrow(/is not an instruction word: give 1 to 8 hex digits/);
  });

  it('points an object file name at --file', () => {
    expect(() => parseWord('greet.o')).toThrow(/use --file greet\.o/);
  });

  it('lays a line out as llvm-objdump does', () => {
    expect(objdumpLine(0x1c, 0xd65f03c0, 'ret')).toBe('      1c: d65f03c0     \tret');
    expect(objdumpLine(0, 0x8b020020, 'add x0, x1, x2')).toBe('       0: 8b020020     \tadd\tx0, x1, x2');
  });

  it('the command exits 2 with one line on stderr and nothing on stdout', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/orc-sandbox.js'), 'disasm', 'd503201f', '12g4'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      "orc-sandbox disasm: '12g4' is not an instruction word: give 1 to 8 hex digits (e.g. d503201f)",
    ]);
  });
});
