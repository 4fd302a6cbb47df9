/**
 * `orc-sandbox disasm WORD…` disassembles instruction words (1 to 8 hex digits each, `0x` optional)
 * with the ts engine's own decode table; `disasm --file OBJ` disassembles the executable sections of
 * an ELF64 AArch64 object with its symbols as labels and branch targets, in llvm-objdump -d's layout.
 */
import { readFileSync } from 'node:fs';
import type { DisasmContext } from '../../emu/ts/decoder.ts';
import { CliError, type OptionTable, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

const WORD = /^(?:0x)?([0-9a-f]{1,8})$/i;

export function parseWord(text: string): number {
  const m = WORD.exec(text);
  if (!m) {
    const hint = /\.(o|elf|a|so)$/.test(text) ? `; to disassemble a file use --file ${text}` : '';
    throw new CliError(`'${text}' is not an instruction word: give 1 to 8 hex digits (e.g. d503201f)${hint}`);
  }
  return Number.parseInt(m[1] as string, 16) >>> 0;
}

const hex16 = (v: number): string => v.toString(16).padStart(16, '0');

/** llvm-objdump's line: right-aligned address, the word as hex, the text with a tab after the mnemonic. */
export function objdumpLine(address: number, word: number, text: string): string {
  const at = text.indexOf(' // ');
  const body = at < 0 ? text : text.slice(0, at);
  const sp = body.indexOf(' ');
  const insn = sp < 0 ? body : `${body.slice(0, sp)}\t${body.slice(sp + 1)}`;
  const line = `${address.toString(16).padStart(8)}: ${word.toString(16).padStart(8, '0')}     \t${insn}`;
  if (at < 0) return line;
  // llvm-objdump starts a comment at column 56 (tabs expanded to 8), at least one space after the operands.
  const column = visualColumn(line);
  return `${line}${' '.repeat(Math.max(1, COMMENT_COLUMN - column))}${text.slice(at + 1)}`;
}

const COMMENT_COLUMN = 56;

function visualColumn(s: string): number {
  let c = 0;
  for (const ch of s) c = ch === '\t' ? c + 8 - (c % 8) : c + 1;
  return c;
}

/** Disassembles every executable section of an ELF64 AArch64 relocatable object. */
export async function disassembleObject(file: string): Promise<string> {
  const { readElf, SHF_EXECINSTR, SHT_PROGBITS, STT_FUNC, STT_NOTYPE } = await import('../../linker/elf/reader.ts');
  const { disassemble } = await import('../../emu/ts/isa/index.ts');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let obj: ReturnType<typeof readElf>;
  try {
    obj = readElf(bytes, file);
  } catch (e) {
    throw new CliError((e as Error).message.split('\n')[0] as string);
  }
  // EI_DATA: 2 is big-endian (aarch64_be); its instructions are still little-endian words.
  const out = ['', `${file}:\tfile format elf64-${bytes[5] === 2 ? 'big' : 'little'}aarch64`];
  for (const sec of obj.sections) {
    if (sec.type !== SHT_PROGBITS || (sec.flags & SHF_EXECINSTR) === 0 || sec.size === 0) continue;
    // Labels: named function and untyped symbols of the section (not the $x/$d mapping symbols).
    const labels = obj.symbols
      .filter(
        (s) =>
          s.shndx === sec.index &&
          s.name !== '' &&
          !s.name.startsWith('$') &&
          (s.type === STT_FUNC || s.type === STT_NOTYPE),
      )
      .sort((a, b) => a.value - b.value || a.index - b.index);
    const at = new Map<number, string>();
    for (const s of labels) if (!at.has(s.value)) at.set(s.value, s.name);
    const symbolize = (address: number): string | undefined => {
      let best: { name: string; value: number } | undefined;
      for (const s of labels) if (s.value <= address && (!best || s.value > best.value)) best = s;
      if (!best) return address < sec.size ? sec.name : undefined;
      return address === best.value ? best.name : `${best.name}+0x${(address - best.value).toString(16)}`;
    };
    const ctx: DisasmContext = { symbolize };
    out.push('', `Disassembly of section ${sec.name}:`);
    if (!at.has(0)) out.push('', `${hex16(0)} <${sec.name}>:`);
    const dv = new DataView(bytes.buffer, bytes.byteOffset + sec.offset, sec.size);
    for (let off = 0; off + 4 <= sec.size; off += 4) {
      const name = at.get(off);
      if (name !== undefined) out.push('', `${hex16(off)} <${name}>:`);
      const word = dv.getUint32(off, true);
      out.push(objdumpLine(off, word, disassemble(word, off, ctx)));
    }
  }
  return `${out.join('\n')}\n`;
}

const OPTIONS: OptionTable = {
  address: {
    value: true,
    valueName: 'A',
    description:
      'address of the first word (default 0; a multiple of 4, decimal or 0x hex): PC-relative targets use it',
  },
  file: {
    value: true,
    valueName: 'OBJ',
    description: 'disassemble the executable sections of the ELF64 AArch64 object OBJ, as llvm-objdump -d prints them',
  },
};

export const command: Command = {
  summary: 'disassemble instruction words (1-8 hex digits) or an object file (--file) with the ts engine decoder',
  usage: 'orc-sandbox disasm [--address A] WORD…\norc-sandbox disasm --file OBJ',
  description: `Each WORD is one 32-bit instruction as 1 to 8 hex digits (0x optional), printed as
"address: text". Anything else is refused with a one-line error. --file prints the object's
executable sections with its symbols as labels and branch targets, in llvm-objdump -d's layout.`,
  options: OPTIONS,
  examples: [
    { command: 'npx orc-sandbox disasm d503201f', explanation: 'prints "0: nop"' },
    {
      command: 'npx orc-sandbox disasm --address 0x400000 94000002 d65f03c0',
      explanation: 'a bl whose target is computed from 0x400000, then a ret',
    },
    { command: 'npx orc-sandbox disasm --file main.o', explanation: 'the whole .text of main.o with its symbols' },
  ],
  async run(argv) {
    const p = parseArgs(argv, OPTIONS);
    const file = p.options.get('file')?.[0];
    if (file !== undefined) {
      if (p.positionals.length > 0 || p.options.has('address'))
        throw new CliError('--file takes no instruction words and no --address');
      process.stdout.write(await disassembleObject(file));
      return 0;
    }
    const addressText = p.options.get('address')?.[0] ?? '0';
    let address = Number(addressText);
    if (!Number.isSafeInteger(address) || address < 0 || address % 4 !== 0)
      throw new CliError(`--address expects a non-negative multiple of 4 (e.g. 0x400000), got '${addressText}'`);
    if (p.positionals.length === 0) throw new CliError('give at least one instruction word (hex), or --file OBJ');
    const words = p.positionals.map(({ value }) => parseWord(value));
    const { disassemble } = await import('../../emu/ts/isa/index.ts');
    for (const word of words) {
      process.stdout.write(`${address.toString(16).padStart(8, ' ')}: ${disassemble(word, address)}\n`);
      address += 4;
    }
    return 0;
  },
};
