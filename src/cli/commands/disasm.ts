/** `orc-sandbox disasm WORD…`: disassemble instruction words with the engine's own table. */
import { disassemble } from '../../emu/ts/isa/index.ts';
import { CliError, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

export const command: Command = {
  summary: 'disassemble 32-bit instruction words (hex) with the ts engine decoder',
  usage: 'orc-sandbox disasm [--address A] WORD…',
  async run(argv) {
    const p = parseArgs(argv, { address: { value: true } });
    let address = Number(p.options.get('address')?.[0] ?? 0);
    if (!Number.isSafeInteger(address)) throw new CliError('--address expects an integer');
    if (p.positionals.length === 0) throw new CliError('give at least one instruction word');
    for (const { value } of p.positionals) {
      const word = Number.parseInt(value.replace(/^0x/i, ''), 16);
      if (!Number.isFinite(word) || word < 0 || word > 0xffffffff)
        throw new CliError(`bad instruction word '${value}'`);
      process.stdout.write(`${address.toString(16).padStart(8, ' ')}: ${disassemble(word, address)}\n`);
      address += 4;
    }
    return 0;
  },
};
