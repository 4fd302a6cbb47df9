/**
 * The options of the run family (`run`, `debug`, and what `demo` passes on): one declarative table
 * (every option with a one-line description, for --help and docs), one parser that turns argv into
 * the session's options (src/orc/session/options.ts) plus the inputs, and one way to open the
 * session from them. `debug` adds its own options (`--commands`) through `extra`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { EngineKind } from '../emu/engine.ts';
import { EXECUTOR_KINDS, type ExecutorKind } from '../orc/epc/epc.ts';
import { StaticLibraryDefinitionGenerator } from '../orc/layers/static-library-generator.ts';
import type { SessionOptions } from '../orc/session/options.ts';
import { type OrcSession, openSession } from '../orc/session/session.ts';
import { formatLazyTrace } from '../orc/session/trace.ts';
import { CliError, flag, intOption, type OptionSpec, parseArgs } from './args.ts';

/** An option of the run family: the common OptionSpec (description and valueName included). */
export type RunOptionSpec = OptionSpec;

const TRACE_KINDS = ['lazy'] as const;

/** The run family's options (`-lazy` marks the next input). */
export const RUN_OPTIONS: Readonly<Record<string, RunOptionSpec>> = {
  entry: { value: true, valueName: 'SYM', description: 'entry point symbol (default main)' },
  engine: { value: true, valueName: 'ts|unicorn', description: 'emulator engine (default ts)' },
  executor: {
    value: true,
    valueName: 'in-process|worker',
    description: 'where the program runs: this thread (default) or a worker thread behind messages',
  },
  abs: {
    value: true,
    repeat: true,
    valueName: 'name=addr',
    description: 'define an absolute symbol in main (address below 2^52)',
  },
  'show-linked-files': { description: 'print `Linking <graph>` for every graph linked' },
  trace: {
    value: true,
    repeat: true,
    valueName: 'lazy',
    description: 'trace lazy reentries on stderr, one [lazy] line each (deterministic: no host timings)',
  },
  'trace-times': {
    description: 'add the host time spent in each lazy reentry to --trace lazy lines (varies run to run)',
  },
  'max-insns': { value: true, valueName: 'N', description: 'instruction budget of the run' },
  seed: { value: true, valueName: 'S', description: 'seed of the thread scheduler, getrandom and the session' },
  noexec: { aliases: ['-noexec'], description: 'link the entry point and stop (nothing runs)' },
  gdb: {
    value: true,
    valueName: '[HOST:]PORT',
    description: 'stop before the entry point and serve gdb (target remote) on HOST:PORT (0: any port)',
  },
  lazy: {
    aliases: ['-lazy'],
    description: 'link the next input lazily (callables on first call; an archive: its members)',
  },
  'orc-runtime': {
    value: true,
    aliases: ['-orc-runtime'],
    valueName: 'PATH',
    description: "LLVM's ORC runtime archive (liborc_rt-aarch64.a) as the Platform runtime instead of ours",
  },
  L: {
    value: true,
    repeat: true,
    aliases: ['-L'],
    valueName: 'DIR',
    description: 'search DIR for -lNAME (as lib<NAME>.a, directories in the order given)',
  },
};

/** Marks a `-lNAME` among the positionals (NUL cannot occur in a path). */
const LIB = '\u0000l:';

/** The 8-byte magic of a System V / GNU archive (`!<arch>\n`). */
const AR_MAGIC = [0x21, 0x3c, 0x61, 0x72, 0x63, 0x68, 0x3e, 0x0a];

/** Whether `bytes` is a static archive (decided by content, as llvm-jitlink does). */
export function isArchive(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && AR_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Rewrites llvm-jitlink's attached spellings the shared parser does not know (`-lNAME`, `-l NAME`,
 * `-LDIR`) into a library marker and `-L DIR`, keeping each library's place among the inputs.
 * Known options (e.g. `-lazy`) pass through untouched.
 */
function rewriteLibraryArgs(argv: readonly string[], known: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const key = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (known.has(key)) out.push(a);
    else if (a === '-l') {
      const v = argv[++i];
      if (v === undefined) throw new CliError("option '-l' needs a library name");
      out.push(`${LIB}${v}`);
    } else if (/^-l[^=]/.test(a) || a.startsWith('-l=')) out.push(`${LIB}${a.slice(a[2] === '=' ? 3 : 2)}`);
    else if (/^-L[^=]/.test(a)) out.push('-L', a.slice(2));
    else out.push(a);
  }
  return out;
}

/** `-lNAME` → the first `DIR/lib<NAME>.a` along the `-L` directories (static archives only). */
function findLibrary(name: string, dirs: readonly string[]): string {
  for (const d of dirs) {
    // Spelled as llvm-jitlink does (`-L .` names `./libfoo.a`), so `Linking …` lines agree.
    const p = d.endsWith('/') ? `${d}lib${name}.a` : `${d}/lib${name}.a`;
    if (existsSync(p)) return p;
  }
  throw new CliError(
    `library 'lib${name}.a' not found in the -L search path (${dirs.length > 0 ? dirs.join(', ') : 'empty'})`,
  );
}

/** `[--entry SYM] [--engine ts|unicorn] …` for usage lines. */
export function runOptionsUsage(table: Readonly<Record<string, RunOptionSpec>> = RUN_OPTIONS): string {
  return Object.entries(table)
    .filter(([name]) => name !== 'lazy' && name !== 'L')
    .map(([name, s]) => `[--${name}${s.value ? ` ${s.valueName ?? 'V'}` : ''}]${s.repeat ? '…' : ''}`)
    .concat(table.L ? ['[-L DIR]…'] : [])
    .join(' ');
}

export interface RunInput {
  file: string;
  /** Name in diagnostics and `Linking …` lines. */
  name: string;
  bytes: Uint8Array;
  lazy: boolean;
  /** A static archive (`.a` input or `-lNAME`): added as a definition generator of `main`. */
  archive: boolean;
}

export interface RunInvocation {
  /** Session options (engine, executor, seed, maxInstructions, traceLazy, showLinkedFiles, stdin). */
  session: SessionOptions;
  inputs: RunInput[];
  entry: string;
  /** The program's argv: the first input, then what follows `--`. */
  argv: string[];
  abs: Map<string, number>;
  noexec: boolean;
  /** `--gdb [HOST:]PORT`: serve gdb's remote protocol instead of running freely. */
  gdb: string | undefined;
  /** Values of the caller's extra options. */
  extra: Map<string, string[]>;
  /** `--trace-times`: host microseconds in `--trace lazy` lines. */
  traceTimes: boolean;
}

export interface RunIo {
  /** What the program reads on fd 0 (default: this process's stdin, read on first use). */
  stdin?: Uint8Array | undefined;
  /** Name of an input in diagnostics and `Linking …` lines (default: the path as given). */
  displayName?: ((file: string) => string) | undefined;
}

/** This process's whole stdin (empty when it cannot be read). */
export function readProcessStdin(): Uint8Array {
  try {
    return new Uint8Array(readFileSync(0));
  } catch {
    return new Uint8Array(0);
  }
}

/** Parses a run-family command line; reads the inputs (CliError when one cannot be read). */
export function parseRunInvocation(
  argv: string[],
  extra: Readonly<Record<string, RunOptionSpec>> = {},
  io: RunIo = {},
): RunInvocation {
  const table = { ...RUN_OPTIONS, ...extra };
  const known = new Set<string>();
  for (const [name, spec] of Object.entries(table)) {
    known.add(`--${name}`);
    for (const a of spec.aliases ?? []) known.add(a);
  }
  const p = parseArgs(rewriteLibraryArgs(argv, known), table, ['lazy']);
  const libDirs = p.options.get('L') ?? [];
  const entry = p.options.get('entry')?.[0] ?? 'main';
  const engine = (p.options.get('engine')?.[0] ?? 'ts') as EngineKind;
  if (engine !== 'ts' && engine !== 'unicorn') throw new CliError(`--engine must be ts or unicorn`);
  const executor = (p.options.get('executor')?.[0] ?? 'in-process') as ExecutorKind;
  if (!EXECUTOR_KINDS.includes(executor)) throw new CliError(`--executor must be ${EXECUTOR_KINDS.join(' or ')}`);
  const seed = p.options.has('seed') ? intOption(p, 'seed', 0) : undefined;
  const maxInstructions = p.options.has('max-insns') ? intOption(p, 'max-insns', 0) : undefined;
  const traces = new Set<string>();
  for (const t of p.options.get('trace') ?? []) {
    for (const k of t.split(',')) {
      if (!(TRACE_KINDS as readonly string[]).includes(k))
        throw new CliError(`--trace: unknown kind '${k}' (supported: ${TRACE_KINDS.join(', ')})`);
      traces.add(k);
    }
  }
  if (flag(p, 'trace-times') && !traces.has('lazy')) throw new CliError('--trace-times needs --trace lazy');
  if (p.positionals.length === 0) throw new CliError('give at least one object file');
  const abs = new Map<string, number>();
  for (const a of p.options.get('abs') ?? []) {
    const m = /^([^=]+)=(0x[0-9a-fA-F]+|\d+)$/.exec(a);
    if (!m) throw new CliError(`--abs expects name=address, got '${a}'`);
    const v = Number(m[2]);
    if (!Number.isSafeInteger(v) || v >= 2 ** 52) throw new CliError(`--abs address out of range: '${a}'`);
    abs.set(m[1] as string, v);
  }
  const inputs = p.positionals.map(({ value, flags }) => {
    const file = value.startsWith(LIB) ? findLibrary(value.slice(LIB.length), libDirs) : value;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(file));
    } catch (e) {
      throw new CliError(`cannot read '${file}': ${(e as Error).message}`);
    }
    const name = io.displayName ? io.displayName(file) : file;
    return { file, name, bytes, lazy: flags.has('lazy'), archive: isArchive(bytes) };
  });
  const orcRuntimePath = p.options.get('orc-runtime')?.[0];
  let orcRuntime: SessionOptions['orcRuntime'];
  if (orcRuntimePath !== undefined) {
    try {
      orcRuntime = { name: orcRuntimePath, bytes: new Uint8Array(readFileSync(orcRuntimePath)) };
    } catch (e) {
      throw new CliError(`cannot read the ORC runtime '${orcRuntimePath}': ${(e as Error).message}`);
    }
    if (!isArchive(orcRuntime.bytes)) throw new CliError(`--orc-runtime: '${orcRuntimePath}' is not a static archive`);
  }
  const extraValues = new Map<string, string[]>();
  for (const name of Object.keys(extra)) {
    const v = p.options.get(name);
    if (v) extraValues.set(name, v);
  }
  return {
    session: {
      engine,
      executor,
      seed,
      maxInstructions,
      traceLazy: traces.has('lazy'),
      showLinkedFiles: flag(p, 'show-linked-files'),
      // Under gdb, linked objects are registered through the GDB JIT interface.
      ...(p.options.has('gdb') ? { debuggerSupport: true } : {}),
      // A worker reads this process's fd 0 itself; in process the CLI hands a reader over.
      stdin: io.stdin ?? (executor === 'worker' ? 'process' : readProcessStdin),
      ...(orcRuntime ? { orcRuntime } : {}),
    },
    inputs,
    entry,
    argv: [inputs[0]?.file ?? 'a.out', ...p.rest],
    abs,
    noexec: flag(p, 'noexec'),
    gdb: p.options.get('gdb')?.[0],
    extra: extraValues,
    traceTimes: flag(p, 'trace-times'),
  };
}

export interface RunOutput {
  /** Text on stdout (program output, `Linking …` lines). */
  write: (s: string) => void;
  /** Text on stderr (program stderr, `--trace lazy`, fault messages). */
  writeErr: (s: string) => void;
}

/** Opens the session of an invocation (output decoded to text), defines --abs, adds the inputs. */
export async function openRunSession(
  inv: RunInvocation,
  out: RunOutput,
  more: Partial<SessionOptions> = {},
): Promise<OrcSession> {
  const dec1 = new TextDecoder();
  const dec2 = new TextDecoder();
  const s = inv.session;
  const session = await openSession({
    ...s,
    stdout: (b) => out.write(dec1.decode(b, { stream: true })),
    stderr: (b) => out.writeErr(dec2.decode(b, { stream: true })),
    traceLazy: s.traceLazy ? (ev) => out.writeErr(formatLazyTrace(ev, inv.traceTimes)) : false,
    showLinkedFiles: s.showLinkedFiles ? out.write : false,
    ...more,
  });
  session.defineAbsolutes(inv.abs);
  for (const i of inv.inputs) {
    if (!i.archive) {
      session.addObject(i.bytes, i.name, { lazy: i.lazy });
      continue;
    }
    // A malformed archive is refused here (ArchiveFormatError names archive and member), before
    // anything runs; its members are linked only when a lookup in main asks for their symbols.
    const layer = i.lazy ? session.lazyLayer : session.layer;
    session.main.addGenerator(StaticLibraryDefinitionGenerator.fromBytes(layer, i.bytes, i.name));
  }
  return session;
}
