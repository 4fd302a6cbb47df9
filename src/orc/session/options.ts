/**
 * The one options type of a sandbox session (`openSession`). Every default is `orc-sandbox run`'s
 * behaviour: Linux syscalls on, faults end the run as a signal status, emulated pthreads seeded by
 * `seed`, the engine `ts`, the executor in process (an in-process executor-process-control).
 */
import type { RuntimeObject } from '../../../runtime-aarch64/index.ts';
import type { EngineKind, EngineOptions } from '../../emu/engine.ts';
import type { ThreadOptions } from '../../executor/threads/scheduler.ts';
import type { ExecutorKind } from '../epc/epc.ts';
import type { OrcRuntimeArchive } from '../platform/orc-rt.ts';
import type { LazyTraceEvent } from './trace.ts';

/** Where program output goes (raw bytes, in program order). */
export type OutputSink = (bytes: Uint8Array) => void;

/**
 * Options of openSession: engine, executor (in process or worker), seed, instruction budget, output sinks, stdin, traces, sysroot/runtime. Every default is `orc-sandbox run`'s.
 */
export interface SessionOptions {
  /** Engine (default 'ts'). */
  engine?: EngineKind;
  /** Engine tuning (jitThreshold, countInstructions); the seed comes from `seed`. */
  engineOptions?: Omit<EngineOptions, 'seed'>;
  /** 'in-process' (default: direct calls into an executor in this thread) or 'worker'. */
  executor?: ExecutorKind;
  /** Seed of the thread scheduler, getrandom and the ORC session (default 0). */
  seed?: number | undefined;
  /** Instruction budget of `run` (default: none). */
  maxInstructions?: number | undefined;
  /** Program stdout/stderr (default: this process's, when there is one). */
  stdout?: OutputSink;
  stderr?: OutputSink;
  /**
   * What the program's read(0) (host read() and the read syscall) sees: bytes; a function called
   * on the first read (in process only: functions do not cross to a worker); or 'process', this
   * process's fd 0 read on first use (worker only: the executor side has no file system access in
   * process, so the CLI passes a reader function there). Default: end of file.
   */
  stdin?: Uint8Array | (() => Uint8Array) | 'process' | undefined;
  /** Linux syscalls (raw `svc #0`) once a linked graph contains `svc` (default true). */
  syscalls?: boolean;
  /** A fatal fault/trap ends `run` with 128 + signal and run's message on stderr (default true). */
  faultsAsSignals?: boolean;
  /** Emulated pthreads: scheduler options (seed defaults to `seed`), or false (default: on). */
  threads?: ThreadOptions | false;
  /** `--trace lazy`: true prints run's lines on `stderr`; a function receives the events. */
  traceLazy?: boolean | ((ev: LazyTraceEvent) => void);
  /** `--show-linked-files`: true prints `Linking <graph>` on `stdout`; a function receives the lines. */
  showLinkedFiles?: boolean | ((line: string) => void);
  /**
   * The GDB JIT interface (llvm-jitlink -debugger-support): every linked object's debug object is
   * registered through `__jit_debug_descriptor` / `__jit_debug_register_code` in the executor
   * (default false; `run --gdb` and `debug --gdb` turn it on).
   */
  debuggerSupport?: boolean;
  /** Runtime objects of the Platform JITDylib (default: runtime-aarch64's prebuilt ones). */
  runtimeObjects?: RuntimeObject[];
  /**
   * LLVM's ORC runtime archive (llvm-jitlink's `-orc-runtime`, e.g. Debian's liborc_rt-aarch64.a):
   * a path (Node) or its bytes. Lazy reexports then enter LLVM's `__orc_rt_sysv_reenter` and
   * `__orc_rt_resolve` instead of runtime-aarch64's routine (docs/orc-runtime.md). Default: ours.
   */
  orcRuntime?: string | OrcRuntimeArchive;
  /** C++ fallback objects for `orcRuntime` (default: runtime-aarch64's cxx_fallback.o; the page passes its own). */
  orcRuntimeFallbackObjects?: RuntimeObject[];
  /** Where session errors go (default: kept in es.reportedErrors). */
  reportError?: (e: Error) => void;
  /** Worker executor tuning (tests): timeouts, shared-memory audit, message spy. */
  worker?: {
    requestTimeoutMs?: number;
    runTimeoutMs?: number;
    startTimeoutMs?: number;
    auditSharedMemory?: boolean;
    onMessage?: (direction: 'to-executor' | 'to-controller', message: unknown) => void;
  };
}
