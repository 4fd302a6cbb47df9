/**
 * `orc-sandbox link --noexec …`: links ELF64 AArch64 objects and static archives into a ts
 * engine's memory (like `llvm-jitlink -noexec`) and evaluates jitlink-check rules. Exit 0 only
 * when the link succeeds and every rule holds. The options follow llvm-jitlink-22's spelling
 * (`-check`, `-abs`, `-phony-externals`, `-entry`, `-slab-allocate`, `-slab-address`,
 * `-slab-page-size`, `-show-addrs`, `-show-graphs`, `-show-linked-files`, `-L`, `-l`, `--args`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../../emu/factory.ts';
import { checkFile } from '../../linker/check/checker.ts';
import { checkEnvironment } from '../../linker/check/environment.ts';
import { dumpGraph } from '../../linker/dump.ts';
import { ArchiveFormatError, CheckError, ElfFormatError, LinkError } from '../../linker/errors.ts';
import type { LinkGraph } from '../../linker/graph.ts';
import type { LinkResult } from '../../linker/link.ts';
import { EngineMemoryManager } from '../../linker/memory.ts';
import { collectLinkInfo, linkObjects, type ObjectInput } from '../../linker/session.ts';
import { CliError, flag, type OptionTable, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

function parseAddress(v: string, what: string): number {
  const n = Number(v.trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new CliError(`${what}: bad address '${v}'`);
  return n;
}

/** llvm-jitlink's -slab-allocate size: a number with an optional Kb/Mb/Gb suffix (default Kb). */
export function parseSlabSize(v: string): number {
  const m = /^\s*(\d+)\s*(kb|mb|gb)?\s*$/i.exec(v);
  if (!m) throw new CliError(`-slab-allocate: bad size '${v}' (a number with an optional Kb, Mb or Gb suffix)`);
  const unit = (m[2] ?? 'kb').toLowerCase();
  const n = Number(m[1]) * (unit === 'kb' ? 1024 : unit === 'mb' ? 1024 * 1024 : 1024 * 1024 * 1024);
  if (!Number.isSafeInteger(n)) throw new CliError(`-slab-allocate: size '${v}' is too large`);
  return n;
}

/** Default link address: host-like, below 2^47 as user-space mmap addresses are. */
export const DEFAULT_SLAB = '0x7fff00000000';

/** Marks a `-lNAME` in the positional list (NUL cannot occur in a path). */
const LIB = '\u0000l:';

/**
 * Splits off `--args …` and rewrites the attached forms `-LDIR` / `-lNAME` that the shared parser
 * does not know into `-L DIR` and a library marker, keeping their position among the inputs.
 */
function preprocess(argv: string[]): { argv: string[]; programArgs: string[] } {
  const out: string[] = [];
  let programArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--args' || a === '-args') {
      programArgs = argv.slice(i + 1);
      break;
    }
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a === '-l' || a === '--l') {
      const v = argv[++i];
      if (v === undefined) throw new CliError("option '-l' needs a library name");
      out.push(`${LIB}${v}`);
    } else if (/^-l[^=]/.test(a) || a.startsWith('-l=')) out.push(`${LIB}${a.slice(a[2] === '=' ? 3 : 2)}`);
    else if (/^-L[^=]/.test(a)) out.push('-L', a.slice(2));
    else out.push(a);
  }
  return { argv: out, programArgs };
}

function readInput(path: string): ObjectInput {
  try {
    return { name: path, bytes: new Uint8Array(readFileSync(path)) };
  } catch (e) {
    throw new CliError(`cannot read '${path}': ${(e as Error).message}`);
  }
}

/** `-lNAME` → the first `DIR/libNAME.a` along the `-L` directories (static archives only). */
function findLibrary(name: string, dirs: readonly string[]): string {
  for (const d of dirs) {
    const p = join(d, `lib${name}.a`);
    if (existsSync(p)) return p;
  }
  throw new CliError(
    `library 'lib${name}.a' not found in the -L search path (${dirs.length > 0 ? dirs.join(', ') : 'empty'})`,
  );
}

function hex16(v: number): string {
  return `0x${v.toString(16).padStart(16, '0')}`;
}

function range(start: number, size: number, zeroFill: boolean): string {
  return zeroFill
    ? `zero-fill: ${size} bytes`
    : `content: 0x${start.toString(16)} -- 0x${(start + size).toString(16)} (${size} bytes)`;
}

/** `-show-addrs` in llvm-jitlink's "Registered addresses" layout. */
export function showAddrs(results: readonly LinkResult[], absolutes: ReadonlyMap<string, number>): string {
  const out = ['Registered addresses:', 'Symbols:'];
  const seen = new Set<string>();
  for (const r of results) {
    for (const s of r.graph.defined) {
      if (s.name === '' || s.scope === 'local' || seen.has(s.name)) continue;
      seen.add(s.name);
      out.push(`  "${s.name}" target addr = ${hex16(s.addr)}, ${range(s.addr, s.size, s.block?.content === null)}`);
    }
  }
  for (const [n, a] of absolutes)
    if (!seen.has(n)) {
      seen.add(n);
      out.push(`  "${n}" target addr = ${hex16(a)}, zero-fill: 0 bytes`);
    }
  for (const r of results) {
    const g = r.graph;
    out.push(`File "${g.name}":`);
    for (const sec of g.sections) {
      if (sec.blocks.length === 0) continue;
      let start = Number.POSITIVE_INFINITY;
      let end = 0;
      let zero = true;
      for (const b of sec.blocks) {
        start = Math.min(start, b.address);
        end = Math.max(end, b.address + b.size);
        if (b.content !== null) zero = false;
      }
      out.push(`  Section "${sec.name}": target addr = ${hex16(start)}, ${range(start, end - start, zero)}`);
    }
    const info = collectLinkInfo([r]).files.values().next().value;
    if (!info) continue;
    for (const [n, a] of info.got) out.push(`  GOT "${n}": target addr = ${hex16(a)}, ${range(a, 8, false)}`);
    for (const [n, a] of info.stubs) out.push(`  Stubs "${n}": target addr = ${hex16(a)}, ${range(a, 12, false)}`);
  }
  return `${out.join('\n')}\n`;
}

const OPTIONS: OptionTable = {
  noexec: { aliases: ['-noexec'], description: 'link only (required: this command never runs the code; use run)' },
  check: {
    value: true,
    repeat: true,
    aliases: ['-check'],
    valueName: 'FILE',
    description: 'evaluate the jitlink-check rules in FILE against the linked memory (exit 1 if one fails)',
  },
  'check-name': {
    value: true,
    aliases: ['-check-name'],
    valueName: 'NAME',
    description: 'the rule prefix to look for in check files: lines `# NAME: expr` (default jitlink-check)',
  },
  abs: {
    value: true,
    repeat: true,
    aliases: ['-abs'],
    valueName: 'name=addr',
    description: 'define an absolute symbol (decimal or 0x hex address)',
  },
  'phony-externals': {
    aliases: ['-phony-externals'],
    description: 'resolve every undefined external symbol to address 0 instead of failing the link',
  },
  entry: { value: true, aliases: ['-entry'], valueName: 'SYM', description: 'fail (status 1) unless SYM is defined' },
  'show-addrs': {
    aliases: ['-show-addrs'],
    description: "print every symbol's, section's, GOT and stub entry's address",
  },
  'show-graphs': {
    value: true,
    repeat: true,
    aliases: ['-show-graphs'],
    valueName: 'REGEX',
    description: 'print the link graph (blocks, symbols, edges) after fixups of every graph whose name matches REGEX',
  },
  'show-linked-files': {
    aliases: ['-show-linked-files'],
    description: 'print `Linking <graph>` for every graph linked',
  },
  'no-got-plt-opt': {
    description: 'keep GOT loads and stub calls even when the target is in range (no GOT/PLT relaxation)',
  },
  'no-dead-strip': { description: 'keep blocks no live symbol reaches (default: strip them, as JITLink does)' },
  'slab-allocate': {
    value: true,
    aliases: ['-slab-allocate'],
    valueName: 'SIZE',
    description: 'allocate from one slab of SIZE (a number with a Kb, Mb or Gb suffix; default Kb), as llvm-jitlink',
  },
  'slab-address': {
    value: true,
    aliases: ['-slab-address'],
    valueName: 'A',
    description: `link at address A (default ${DEFAULT_SLAB}, host-like so range decisions match llvm-jitlink's)`,
  },
  'slab-page-size': {
    value: true,
    aliases: ['-slab-page-size'],
    valueName: 'N',
    description: 'page size in bytes the slab aligns sections to (default 4096)',
  },
  'library-path': {
    value: true,
    repeat: true,
    aliases: ['-L'],
    valueName: 'DIR',
    description: 'search DIR for -lNAME (as libNAME.a, in the order given; -LDIR also works)',
  },
};

export const command: Command = {
  summary: 'link ELF64 AArch64 objects and archives JITLink-style and evaluate jitlink-check rules',
  usage: 'orc-sandbox link --noexec [options] <objects, archives, -lNAME…> [--args …]',
  description: `Links like llvm-jitlink -noexec (its single-dash spellings are accepted) into emulated memory
and evaluates jitlink-check rules. -lNAME (or -l NAME) links lib<NAME>.a from the -L directories;
everything after --args is ignored (llvm-jitlink's program arguments). Exit 0 only when the link
succeeds and every rule holds.`,
  options: OPTIONS,
  examples: [
    {
      command: 'npx orc-sandbox link --noexec --check rules.s main.o helper.o',
      explanation: 'link two objects and check the `# jitlink-check:` lines of rules.s',
    },
    {
      command: 'npx orc-sandbox link --noexec --show-addrs --abs external=0x1000 -L lib -lutil main.o',
      explanation: 'define one absolute symbol, pull members from lib/libutil.a, print all addresses',
    },
  ],
  async run(argvIn) {
    const { argv } = preprocess(argvIn);
    const p = parseArgs(argv, OPTIONS);
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
    // usually given with -abs; linking at a host-like address by default keeps distance-dependent
    // decisions (GOT/PLT optimisation, range errors) the same as llvm-jitlink's.
    const slabAddress = parseAddress(p.options.get('slab-address')?.[0] ?? DEFAULT_SLAB, '--slab-address');
    const pageSize = parseAddress(p.options.get('slab-page-size')?.[0] ?? '4096', '--slab-page-size');
    const slabText = p.options.get('slab-allocate')?.[0];
    const slabSize = slabText === undefined ? undefined : parseSlabSize(slabText);
    const libDirs = p.options.get('library-path') ?? [];
    const inputs = p.positionals.map(({ value }) =>
      readInput(value.startsWith(LIB) ? findLibrary(value.slice(LIB.length), libDirs) : value),
    );
    const graphPatterns = (p.options.get('show-graphs') ?? []).map((re) => {
      try {
        return new RegExp(re);
      } catch (e) {
        throw new CliError(`-show-graphs: bad regular expression '${re}': ${(e as Error).message}`);
      }
    });
    const showLinked = flag(p, 'show-linked-files');
    const dumps: string[] = [];
    const engine = await createEngine('ts');
    try {
      const memoryManager = new EngineMemoryManager(engine, { slabAddress, pageSize, slabSize });
      let session: Awaited<ReturnType<typeof linkObjects>>;
      try {
        session = await linkObjects(inputs, {
          memoryManager,
          absolutes,
          optimizeGotPlt: !flag(p, 'no-got-plt-opt'),
          deadStrip: !flag(p, 'no-dead-strip'),
          phonyExternals: flag(p, 'phony-externals'),
          // llvm-jitlink's layout (read-only, read-write, then code): rules that compare
          // addresses across sections hold as they do there.
          segmentOrder: 'read-only-first',
          plugins: [
            {
              modifyPassConfig(g: LinkGraph, config) {
                if (showLinked) process.stdout.write(`Linking ${g.name}\n`);
                if (graphPatterns.some((re) => re.test(g.name)))
                  config.postFixup.push((gr) => {
                    dumps.push(`Link graph "${gr.name}" post-fixup:\n${dumpGraph(gr)}`);
                  });
              },
            },
          ],
        });
      } catch (e) {
        if (e instanceof LinkError || e instanceof ElfFormatError || e instanceof ArchiveFormatError) {
          process.stderr.write(`orc-sandbox link: ${e.message}\n`);
          return 1;
        }
        throw e;
      }
      if (dumps.length > 0) process.stdout.write(dumps.join(''));
      const entry = p.options.get('entry')?.[0];
      if (entry !== undefined && !session.symbols.has(entry)) {
        process.stderr.write(`orc-sandbox link: Symbols not found: [ ${entry} ]\n`);
        return 1;
      }
      if (flag(p, 'show-addrs')) process.stdout.write(showAddrs(session.results, absolutes));
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
