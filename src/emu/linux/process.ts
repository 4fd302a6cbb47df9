/**
 * Linux user mode: run a static AArch64 ELF executable on an engine, the way `orc-sandbox exec`
 * does. The process model (threads, fork, pipes, signals, files through mounts) is `LinuxSystem`
 * in kernel.ts; this file is the front: options, result and the exit status a shell reports.
 *
 * Exit status mapping (as a shell reports a process):
 *   exit(n) / exit_group(n)            → n & 0xff
 *   a fatal signal                      → 128 + its number: SIGSEGV 139 (memory fault), SIGILL 132
 *     (undefined or not-yet-implemented instruction, flagged `unimplemented`), SIGTRAP 133 (BRK),
 *     SIGBUS 135 (alignment), SIGABRT 134 (abort()), SIGPIPE 141 (write to a closed pipe/stdout)
 * A run that reaches `maxInsns` throws `InstructionBudgetExceeded` (an emulator-side stop, not a
 * program status). Same bytes, arguments, stdin and seed: same instruction count and output.
 */
import type { Engine, EngineKind, EngineOptions } from '../engine.ts';
import { createEngine } from '../factory.ts';
import { type ElfExecutable, parseExecutable } from './elf.ts';
import type { Mount } from './fs.ts';
import { bufferInput, type HostFs, type HostInput, type HostOutput, type OutputSink } from './host.ts';
import {
  DEFAULT_STACK_SIZE,
  type Identity,
  LinuxSystem,
  MMAP_BOTTOM,
  MMAP_TOP,
  type Proc,
  STACK_TOP,
  type Termination,
} from './kernel.ts';
import type { InitialStack, LoadedImage } from './loader.ts';
import { signalName } from './signals.ts';

export { DEFAULT_STACK_SIZE, MMAP_BOTTOM, MMAP_TOP, STACK_TOP };

export interface ProcessOptions {
  /** Arguments after argv[0]. */
  args?: string[];
  /** argv[0]; defaults to the file name. */
  argv0?: string;
  /** The guest path of the executable (/proc/self/exe, AT_EXECFN); defaults to argv0. */
  guestPath?: string;
  env?: string[];
  /** All of stdin at once (tests); `input` wins when both are given. */
  stdin?: Uint8Array;
  /** A host stream for stdin (the CLI's process.stdin). */
  input?: HostInput;
  stdout?: OutputSink | HostOutput;
  stderr?: OutputSink | HostOutput;
  seed?: number;
  /** Stop with InstructionBudgetExceeded after this many instructions (default: no limit). */
  maxInsns?: number;
  /** One line per syscall (`syscall name(args) = result`). */
  traceSyscalls?: (line: string) => void;
  stackSize?: number;
  /** Host directories the guest sees (nothing else of the host file system is visible). */
  mounts?: Mount[];
  hostFs?: HostFs;
  identity?: Partial<Identity>;
  cwd?: string;
  /** A fresh engine for fork/execve (default: a ts engine when the first one is ts). */
  newEngine?: () => Engine;
  minSlice?: number;
  maxSlice?: number;
  maxProcesses?: number;
  /** CPUs the guest is told it has (SystemOptions.cpus; default 1). */
  cpus?: number;
}

export type ProcessTermination =
  | { kind: 'exit'; status: number }
  | {
      kind: 'signal';
      signal: number;
      signalName: string;
      /** Precise reason: the fault (address, access, pc) or the instruction. */
      reason: string;
      /** True when the engine lacks the instruction (an emulator gap rather than a program bug). */
      unimplemented: boolean;
      error?: Error;
    };

export interface ProcessResult {
  /** The status a shell would report: exit status, or 128 + signal number. */
  status: number;
  termination: ProcessTermination;
  instructions: number;
  syscalls: number;
}

function asOutput(o: OutputSink | HostOutput | undefined): HostOutput {
  if (o === undefined) return { write: () => undefined };
  return typeof o === 'function' ? { write: o } : o;
}

/** A process set up on an engine, ready to run. */
export class LinuxProcess {
  readonly kernel: LinuxSystem;
  readonly proc: Proc;
  readonly image: LoadedImage;
  readonly stack: InitialStack;

  constructor(
    readonly engine: Engine,
    readonly exe: ElfExecutable,
    readonly options: ProcessOptions = {},
  ) {
    const newEngine =
      options.newEngine ??
      (() => {
        throw new Error('fork/execve need a factory of engines (ProcessOptions.newEngine)');
      });
    this.kernel = new LinuxSystem({
      newEngine,
      stdin: options.input ?? bufferInput(options.stdin),
      stdout: asOutput(options.stdout),
      stderr: asOutput(options.stderr),
      hostFs: options.hostFs,
      mounts: options.mounts,
      seed: options.seed ?? 0,
      identity: options.identity,
      maxInsns: options.maxInsns,
      trace: options.traceSyscalls,
      stackSize: options.stackSize,
      minSlice: options.minSlice,
      maxSlice: options.maxSlice,
      maxProcesses: options.maxProcesses,
      cwd: options.cwd,
      cpus: options.cpus,
    });
    const argv0 = options.argv0 ?? exe.file;
    // Linux's /proc/self/exe is always absolute: a relative argv0 is taken relative to the cwd.
    const cwd = options.cwd ?? '/';
    const guestPath =
      options.guestPath ??
      (argv0.startsWith('/') ? argv0 : `${cwd === '/' ? '' : cwd}/${argv0.replace(/^(\.\/)+/, '')}`);
    this.proc = this.kernel.start(engine, exe, [argv0, ...(options.args ?? [])], options.env ?? [], guestPath);
    this.image = this.kernel.lastImage as LoadedImage;
    this.stack = this.kernel.lastStack as InitialStack;
  }

  /** Runs to the end, awaiting host input when the program waits for it. */
  async runAsync(): Promise<ProcessResult> {
    return this.finish(await this.kernel.run());
  }

  /** Runs to the end without awaiting (stdin must be all there). */
  run(): ProcessResult {
    return this.finish(this.kernel.runSync());
  }

  private finish(t: Termination): ProcessResult {
    const termination: ProcessTermination =
      t.kind === 'exit'
        ? { kind: 'exit', status: t.status }
        : {
            kind: 'signal',
            signal: t.signal,
            signalName: signalName(t.signal),
            reason: t.reason,
            unimplemented: t.unimplemented,
            ...(t.error ? { error: t.error } : {}),
          };
    return {
      status: t.kind === 'exit' ? t.status : 128 + t.signal,
      termination,
      instructions: this.kernel.instructions,
      syscalls: this.kernel.syscalls,
    };
  }
}

export interface ExecOptions extends ProcessOptions {
  engine?: EngineKind | Engine;
  /** See ParseOptions.maxImageBytes. */
  maxImageBytes?: number;
  /** Bytes of guest memory the engine may back (passed to the engine; see EngineOptions). */
  memoryLimit?: number;
}

/** A synchronous maker of engines of one kind (for fork and execve). */
export async function engineFactory(
  kind: EngineKind,
  options: EngineOptions & { memoryLimit?: number },
): Promise<() => Engine> {
  if (kind === 'ts') {
    const { TsEngine } = await import('../ts/engine.ts');
    return () => new TsEngine(options);
  }
  const { openUnicornEngineSync } = await import('../unicorn/engine.ts');
  return () => openUnicornEngineSync(options);
}

/** Parses, loads and runs an executable on a fresh engine (or the one given); closes what it opened. */
export async function execElf(bytes: Uint8Array, file: string, options: ExecOptions = {}): Promise<ProcessResult> {
  const exe = parseExecutable(bytes, file, { maxImageBytes: options.maxImageBytes });
  const given = typeof options.engine === 'object' ? options.engine : undefined;
  const kind: EngineKind = given ? given.kind : ((options.engine as EngineKind | undefined) ?? 'ts');
  const engineOptions: EngineOptions & { memoryLimit?: number } = { seed: options.seed ?? 0 };
  if (options.memoryLimit !== undefined) engineOptions.memoryLimit = options.memoryLimit;
  const engine = given ?? (await createEngine(kind, engineOptions));
  const newEngine = options.newEngine ?? (await engineFactory(kind, engineOptions));
  let current = engine;
  try {
    const p = new LinuxProcess(engine, exe, { ...options, newEngine });
    p.kernel.initEngineReplaced = (e) => {
      current = e;
    };
    return await p.runAsync();
  } finally {
    if (!given) engine.close();
    if (current !== engine) current.close();
  }
}

export interface CapturedResult extends ProcessResult {
  stdout: Uint8Array;
  stderr: Uint8Array;
}

/** `execElf` with stdout/stderr collected into buffers (for tests). */
export async function execElfCaptured(
  bytes: Uint8Array,
  file: string,
  options: ExecOptions = {},
): Promise<CapturedResult> {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const r = await execElf(bytes, file, {
    ...options,
    stdout: (b) => {
      out.push(b.slice());
    },
    stderr: (b) => {
      err.push(b.slice());
    },
  });
  return { ...r, stdout: concat(out), stderr: concat(err) };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const all = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return all;
}
