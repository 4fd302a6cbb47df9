/**
 * `orc-sandbox link --noexec [--check FILE]… [--abs name=addr]… [--show-addrs] [--no-got-plt-opt]
 * <objects…>`: links ELF64 AArch64 objects into a ts engine's memory (like `llvm-jitlink -noexec`)
 * and evaluates jitlink-check rules. Exit 0 only when every rule holds.
 */
import { readFileSync } from 'node:fs';
import { createEngine } from '../../emu/factory.ts';
import { checkFile } from '../../linker/check/checker.ts';
import { checkEnvironment } from '../../linker/check/environment.ts';
import { CheckError, ElfFormatError, LinkError } from '../../linker/errors.ts';
import { protString } from '../../linker/graph.ts';
import { EngineMemoryManager } from '../../linker/memory.ts';
import { linkObjects } from '../../linker/session.ts';
import { CliError, flag, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

function parseAddress(v: string, what: string): number {
  const n = Number(v.trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new CliError(`${what}: bad address '${v}'`);
  return n;
}

/** Default link address: host-like, below 2^47 as user-space mmap addresses are. */
export const DEFAULT_SLAB = '0x7fff00000000';

export const command: Command = {
  summary: 'link ELF64 AArch64 objects JITLink-style and evaluate jitlink-check rules',
  usage:
    'orc-sandbox link --noexec [--check FILE]… [--check-name NAME] [--abs name=addr]… [--show-addrs] [--no-got-plt-opt] [--no-dead-strip] [--slab-address A] [--slab-page-size N] <objects…>',
  async run(argv) {
    const p = parseArgs(argv, {
      noexec: { aliases: ['-noexec'] },
      check: { value: true, repeat: true, aliases: ['-check'] },
      'check-name': { value: true, aliases: ['-check-name'] },
      abs: { value: true, repeat: true, aliases: ['-abs'] },
      'show-addrs': { aliases: ['-show-addrs'] },
      'no-got-plt-opt': {},
      'no-dead-strip': {},
      'slab-address': { value: true, aliases: ['-slab-address'] },
      'slab-page-size': { value: true, aliases: ['-slab-page-size'] },
    });
    if (!flag(p, 'noexec'))
      throw new CliError("only '--noexec' linking is supported here (use 'orc-sandbox run' to execute)");
    if (p.positionals.length === 0) throw new CliError('give at least one object file');
    const absolutes = new Map<string, number>();
    for (const a of p.options.get('abs') ?? []) {
      const eq = a.indexOf('=');
      if (eq <= 0) throw new CliError(`--abs expects name=address, got '${a}'`);
      absolutes.set(a.slice(0, eq), parseAddress(a.slice(eq + 1), '--abs'));
    }
    // llvm-jitlink -noexec links into host memory (around 0x7f…), far from the small addresses
    // usually given with -abs; linking at a host-like address by default makes GOT/PLT
    // optimisation decisions (which depend on distances) the same as llvm-jitlink's.
    const slabAddress = parseAddress(p.options.get('slab-address')?.[0] ?? DEFAULT_SLAB, '--slab-address');
    const pageSize = parseAddress(p.options.get('slab-page-size')?.[0] ?? '4096', '--slab-page-size');
    const inputs = p.positionals.map(({ value }) => {
      try {
        return { name: value, bytes: new Uint8Array(readFileSync(value)) };
      } catch (e) {
        throw new CliError(`cannot read '${value}': ${(e as Error).message}`);
      }
    });
    const engine = await createEngine('ts');
    try {
      const memoryManager = new EngineMemoryManager(engine, { slabAddress, pageSize });
      let session: Awaited<ReturnType<typeof linkObjects>>;
      try {
        session = await linkObjects(inputs, {
          memoryManager,
          absolutes,
          optimizeGotPlt: !flag(p, 'no-got-plt-opt'),
          deadStrip: !flag(p, 'no-dead-strip'),
        });
      } catch (e) {
        if (e instanceof LinkError || e instanceof ElfFormatError) {
          process.stderr.write(`orc-sandbox link: ${e.message}\n`);
          return 1;
        }
        throw e;
      }
      if (flag(p, 'show-addrs')) {
        const out: string[] = [];
        for (const r of session.results) {
          out.push(`${r.graph.name}:`);
          for (const seg of r.segments)
            out.push(`  segment ${protString(seg.prot)} 0x${seg.address.toString(16)} (${seg.size} bytes)`);
          const syms = r.graph.defined.filter((s) => s.name !== '').sort((a, b) => a.addr - b.addr);
          for (const s of syms)
            out.push(`  ${s.name} = 0x${s.addr.toString(16)} (${s.size} bytes${s.scope === 'local' ? ', local' : ''})`);
        }
        for (const [n, a] of absolutes) out.push(`absolute ${n} = 0x${a.toString(16)}`);
        process.stdout.write(`${out.join('\n')}\n`);
      }
      const env = checkEnvironment(session.results, engine, absolutes);
      let failed = 0;
      for (const file of p.options.get('check') ?? []) {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          throw new CliError(`cannot read check file '${file}': ${(e as Error).message}`);
        }
        try {
          const outcomes = checkFile(text, file, env, p.options.get('check-name')?.[0] ?? 'jitlink-check');
          for (const o of outcomes) {
            if (!o.ok) {
              failed++;
              process.stderr.write(`${o.message}\n`);
            }
          }
        } catch (e) {
          if (e instanceof CheckError) {
            process.stderr.write(`orc-sandbox link: ${e.message}\n`);
            failed++;
            continue;
          }
          throw e;
        }
        if (failed > 0) process.stderr.write(`orc-sandbox link: Some checks in ${file} failed\n`);
      }
      return failed > 0 ? 1 : 0;
    } finally {
      engine.close();
    }
  },
};
