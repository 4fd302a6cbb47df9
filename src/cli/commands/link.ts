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
import { CliError, flag, parseArgs } from '../args.ts';
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

export const command: Command = {
  summary: 'link ELF64 AArch64 objects and archives JITLink-style and evaluate jitlink-check rules',
  usage:
    'orc-sandbox link --noexec [--check FILE]… [--check-name NAME] [--abs name=addr]… [--phony-externals] [--entry SYM] [--show-addrs] [--show-graphs REGEX] [--show-linked-files] [--no-got-plt-opt] [--no-dead-strip] [--slab-allocate SIZE] [--slab-address A] [--slab-page-size N] [-L DIR]… <objects, archives, -lNAME…> [--args …]',
  async run(argvIn) {
    const { argv } = preprocess(argvIn);
    const p = parseArgs(argv, {
      noexec: { aliases: ['-noexec'] },
      check: { value: true, repeat: true, aliases: ['-check'] },
      'check-name': { value: true, aliases: ['-check-name'] },
      abs: { value: true, repeat: true, aliases: ['-abs'] },
      'phony-externals': { aliases: ['-phony-externals'] },
      entry: { value: true, aliases: ['-entry'] },
      'show-addrs': { aliases: ['-show-addrs'] },
      'show-graphs': { value: true, repeat: true, aliases: ['-show-graphs'] },
      'show-linked-files': { aliases: ['-show-linked-files'] },
      'no-got-plt-opt': {},
      'no-dead-strip': {},
      'slab-allocate': { value: true, aliases: ['-slab-allocate'] },
      'slab-address': { value: true, aliases: ['-slab-address'] },
      'slab-page-size': { value: true, aliases: ['-slab-page-size'] },
      'library-path': { value: true, repeat: true, aliases: ['-L'] },
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
