/**
 * The options of the run family (`run`, `debug`, and what `demo` passes on): one declarative table
 * (every option with a one-line description, for --help and docs), one parser that turns argv into
 * the session's options (src/orc/session/options.ts) plus the inputs, and one way to open the
 * session from them. `debug` adds its own options (`--commands`) through `extra`.
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { EngineKind } from '../emu/engine.ts';
import { type Mount, parseMount } from '../emu/linux/fs.ts';
import { NodeHostFs } from '../emu/linux/node-host.ts';
import type { ProgramResult } from '../executor/host/runner.ts';
import { readArchive } from '../linker/archive.ts';
import { EXECUTOR_KINDS, type ExecutorKind } from '../orc/epc/epc.ts';
import { StaticLibraryDefinitionGenerator } from '../orc/layers/static-library-generator.ts';
import type { SessionOptions } from '../orc/session/options.ts';
import { type OrcSession, openSession } from '../orc/session/session.ts';
import { formatLazyTrace } from '../orc/session/trace.ts';
import {
  attachSysroot,
  findSysrootFiles,
  readSysroot,
  runSysrootProgram,
  SysrootError,
  sysrootLibraryDirs,
  sysrootProcessOf,
} from '../orc/sysroot/index.ts';
import type { DebugRunOptions } from '../protocol/debug.ts';
import { JITSymbolFlags } from '../protocol/symbols.ts';
import { CliError, flag, intOption, type OptionSpec, parseArgs } from './args.ts';
import { isLibcFallback } from './libc-doc.ts';

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
  sysroot: {
    value: true,
    valueName: 'DIR',
    description:
      "link against DIR's C runtime (crt1.o, libc.a, libm.a; libstdc++/libgcc from its GCC folder) and start at _start as a Linux process (either executor; debug and --gdb too)",
  },
  env: {
    value: true,
    repeat: true,
    valueName: 'K=V',
    description: 'with --sysroot: set an environment variable (default environment as exec)',
  },
  'inherit-env': { description: "with --sysroot: start from this process's environment" },
  mount: {
    value: true,
    repeat: true,
    valueName: 'HOST:GUEST[:ro|rw]',
    description:
      'with --sysroot: show host directory HOST at GUEST to the program (nothing else of the host is visible)',
  },
  cwd: {
    value: true,
    valueName: 'DIR',
    description: 'with --sysroot: initial working directory (default / or the first mount)',
  },
  'trace-syscalls': { description: 'with --sysroot: one line per system call on stderr' },
};

/** The environment a program gets by default (as `exec`): small and the same on every host. */
export const DEFAULT_PROGRAM_ENV = ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/', 'LANG=C', 'TERM=dumb'];

/** `--env K=V` values over a base environment (a later K replaces an earlier one). */
export function programEnvironment(base: readonly string[], settings: readonly string[]): string[] {
  const env = [...base];
  for (const kv of settings) {
    if (!kv.includes('=')) throw new CliError(`--env wants K=V, got '${kv}'`);
    const key = kv.slice(0, kv.indexOf('='));
    const i = env.findIndex((e) => e.startsWith(`${key}=`));
    if (i >= 0) env[i] = kv;
    else env.push(kv);
  }
  return env;
}

/** `--mount HOST:GUEST[:ro|rw]` specs, checked (HOST must be a directory), HOST made absolute. */
export function parseMountOptions(specs: readonly string[]): Mount[] {
  const mounts: Mount[] = [];
  for (const spec of specs) {
    let m: Mount;
    try {
      m = parseMount(spec);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const host = resolvePath(m.host);
    let isDir = false;
    try {
      isDir = statSync(host).isDirectory();
    } catch {
      throw new CliError(`--mount: '${m.host}' does not exist`);
    }
    if (!isDir) throw new CliError(`--mount: '${m.host}' is not a directory`);
    mounts.push({ ...m, host });
  }
  return mounts;
}

/** What `run --sysroot` needs beyond the session: the runtime's files and the process's Linux. */
export interface SysrootInvocation {
  dir: string;
  env: string[];
  mounts: Mount[];
  cwd: string | undefined;
  traceSyscalls: boolean;
}

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
  /** `--sysroot DIR` and the process options that go with it. */
  sysroot?: SysrootInvocation | undefined;
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
  const sysrootDir = p.options.get('sysroot')?.[0];
  // As the compiler driver with --sysroot: -lNAME also finds the sysroot's libpthread.a, libdl.a, …
  const libDirs = [...(p.options.get('L') ?? []), ...(sysrootDir !== undefined ? sysrootLibraryDirs(sysrootDir) : [])];
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
  let sysroot: SysrootInvocation | undefined;
  if (sysrootDir !== undefined) {
    const mounts = parseMountOptions(p.options.get('mount') ?? []);
    sysroot = {
      dir: sysrootDir,
      env: programEnvironment(
        flag(p, 'inherit-env') ? Object.entries(process.env).map(([k, v]) => `${k}=${v ?? ''}`) : DEFAULT_PROGRAM_ENV,
        p.options.get('env') ?? [],
      ),
      mounts,
      cwd: p.options.get('cwd')?.[0] ?? (mounts.length > 0 ? (mounts[0] as Mount).guest : undefined),
      traceSyscalls: flag(p, 'trace-syscalls'),
    };
  } else {
    for (const o of ['env', 'inherit-env', 'mount', 'cwd', 'trace-syscalls'])
      if (p.options.has(o)) throw new CliError(`--${o} needs --sysroot (the process model of a sysroot program)`);
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
      // A sysroot program's `svc`s go to its Linux process, not to the host-function layer.
      ...(sysroot ? { syscalls: false } : {}),
    },
    inputs,
    entry: sysroot && !p.options.has('entry') ? '_start' : entry,
    argv: [inputs[0]?.file ?? 'a.out', ...p.rest],
    abs,
    noexec: flag(p, 'noexec'),
    gdb: p.options.get('gdb')?.[0],
    extra: extraValues,
    traceTimes: flag(p, 'trace-times'),
    sysroot,
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
  let sysroot: Awaited<ReturnType<typeof attachSysroot>> | undefined;
  let sysrootBytes: ReturnType<typeof readSysroot> | undefined;
  if (inv.sysroot) {
    try {
      sysrootBytes = readSysroot(findSysrootFiles(inv.sysroot.dir));
    } catch (e) {
      await session.close();
      if (e instanceof SysrootError) throw new CliError(e.message);
      throw e;
    }
    sysroot = await attachSysroot(session, sysrootBytes);
  }
  const groupArchives: { name: string; bytes: Uint8Array }[] = [];
  for (const i of inv.inputs) {
    if (!i.archive) {
      session.addObject(i.bytes, i.name, { lazy: i.lazy });
      continue;
    }
    if (sysroot && !i.lazy) {
      // Searched with the C runtime's archives as one group, members chosen as a static link would.
      readArchive(i.bytes, i.name);
      groupArchives.push(i);
      continue;
    }
    // A malformed archive is refused here (ArchiveFormatError names archive and member), before
    // anything runs; its members are linked only when a lookup in main asks for their symbols.
    const layer = i.lazy ? session.lazyLayer : session.layer;
    session.main.addGenerator(
      StaticLibraryDefinitionGenerator.fromBytes(
        layer,
        i.bytes,
        i.name,
        inv.sysroot ? { loadForWeakReferences: false } : {},
      ),
    );
  }
  if (sysroot && sysrootBytes)
    sysroot.addRuntimeLibraries(
      sysrootBytes,
      inv.inputs.filter((i) => !i.archive),
      groupArchives,
      inv.inputs.filter((i) => i.archive && i.lazy),
    );
  return session;
}

/**
 * Runs the invocation's program in its session: `entry(argc, argv, envp)` with the host-function
 * libc, or with `--sysroot` the linked C runtime started at `_start` as a Linux process.
 */
export async function runInvocation(
  session: OrcSession,
  inv: RunInvocation,
  writeErr: (s: string) => void,
  debug?: DebugRunOptions,
): Promise<ProgramResult> {
  const sr = inv.sysroot;
  if (!sr) {
    try {
      return await session.run(inv.entry, { argv: inv.argv, ...(debug ? { debug } : {}) });
    } catch (e) {
      throw withFallbackHint(e, session);
    }
  }
  const proc = sysrootProcessOf(session);
  if (!proc) throw new Error('the session was not opened with --sysroot (openRunSession)');
  return runSysrootProgram(session, proc, {
    argv: inv.argv,
    env: sr.env,
    mounts: sr.mounts,
    ...(sr.mounts.length > 0 ? { hostFs: new NodeHostFs() } : {}),
    ...(sr.cwd ? { cwd: sr.cwd } : {}),
    maxInstructions: inv.session.maxInstructions,
    seed: inv.session.seed,
    ...(sr.traceSyscalls ? { traceSyscalls: (line: string) => writeErr(`${line}\n`) } : {}),
    ...(debug ? { debug } : {}),
  });
}

/**
 * Without --sysroot the C library is the host-function fallback (a few dozen functions written in
 * TypeScript). When a link misses names, the error says which functions the fallback has and
 * that --sysroot links the real library.
 */
export function withFallbackHint(e: unknown, session: OrcSession): unknown {
  if (!(e instanceof Error)) return e;
  const m = /Symbols not found: \[ ([^\]]*) \]/.exec(e.message);
  // Only for names a C library would define (not linker-defined ones such as __ehdr_start).
  if (!m || !(m[1] as string).split(', ').some((n) => /^[a-zA-Z]/.test(n))) return e;
  const host = session.bootstrap.processSymbols
    .filter((x) => (x.flags & JITSymbolFlags.Callable) !== 0 && isLibcFallback(x.name))
    .map((x) => x.name)
    .sort();
  const hint = `\nWithout --sysroot, libc comes from the host-function fallback, which has only: ${host.join(', ')}.\nMissing C library functions? --sysroot /usr/aarch64-linux-gnu links the real AArch64 C runtime (glibc's libc.a, libm.a; libstdc++).`;
  const out = new Error(e.message + hint);
  out.name = e.name;
  return out;
}
