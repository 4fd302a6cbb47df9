/**
 * The Linux process model of user mode: processes (one engine and address space each), their
 * threads (tasks sharing the engine, switched with contextSave/contextRestore), file descriptor
 * tables, pipes, signals, futexes, fork/vfork/execve/wait4, and a seeded deterministic scheduler
 * on a virtual clock (1 ns per executed instruction, jumping forward when everyone sleeps).
 *
 * Blocking: a call that must wait (a read of an empty pipe, futex wait, wait4, a read of the
 * host's stdin before data arrived…) parks the task: its pc is moved back onto the `svc` and it
 * leaves the run queue, waiting on keys (pipes, the process's children, a host input). When a
 * key is woken the task runs the `svc` again (a retry); futex and sleep waits are completed with
 * a value instead. When no task can run and one waits on host input, `run()` returns to the event
 * loop until the host has data: the host is never busy-waited on.
 *
 * Determinism: with one runnable task it runs without slices (instruction counts as a plain
 * run); with several, the next task and its slice length come from a PRNG seeded with the run's
 * seed. Host input timing can only change how many bytes one read() answers.
 */
import {
  type Engine,
  INTNO_BRK,
  INTNO_HVC,
  INTNO_SVC,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
  type RegName,
} from '../engine.ts';
import {
  AlignmentFault,
  EmuError,
  InstructionBudgetExceeded,
  MemoryFault,
  OutOfMemory,
  UndefinedInstruction,
  UnhandledException,
  UnimplementedInstruction,
} from '../errors.ts';
import { type ElfExecutable, parseExecutable, USER_ADDRESS_LIMIT } from './elf.ts';
import { E, ERRNO_NAMES } from './errno.ts';
import { ElfLoadError, ProcessSetupError } from './errors.ts';
import {
  DeviceNode,
  type FileNode,
  HostInputNode,
  HostOutputNode,
  MemoryFileNode,
  O_ACCMODE,
  O_APPEND,
  O_CLOEXEC,
  O_CREAT,
  O_DIRECTORY,
  O_NONBLOCK,
  O_RDONLY,
  O_RDWR,
  O_TRUNC,
  O_WRONLY,
  OpenFile,
  Pipe,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  S_IFCHR,
  SETFL_MASK,
  type StatInfo,
} from './files.ts';
import { GuestFs, type Mount, type Resolved } from './fs.ts';
import type { HostFs, HostInput, HostOutput } from './host.ts';
import { buildInitialStack, type InitialStack, type LoadedImage, loadExecutable, mapStack } from './loader.ts';
import { SeededRandom } from './random.ts';
import {
  bit,
  buildFrame,
  CLD_EXITED,
  CLD_KILLED,
  defaultAction,
  FRAME_SIZE,
  restoreFrame,
  SA_NOCLDWAIT,
  SA_NODEFER,
  SA_ONSTACK,
  SA_RESETHAND,
  SA_RESTART,
  SA_RESTORER,
  SEGV_ACCERR,
  SEGV_MAPERR,
  SI_TKILL,
  SI_USER,
  SIG,
  SIG_DFL,
  SIG_IGN,
  SIGRETURN_TRAMPOLINE,
  type SigAction,
  type SigInfo,
  signalName,
  UNBLOCKABLE,
} from './signals.ts';
import { syscallArity, syscallName } from './sysnames.ts';
import { AddressSpace, PAGE, pageUp } from './vm.ts';

export const STACK_TOP = USER_ADDRESS_LIMIT;
export const DEFAULT_STACK_SIZE = 8 * 1024 * 1024;
export const MMAP_TOP = STACK_TOP - 128 * 1024 * 1024;
export const MMAP_BOTTOM = 0x10000;
/** Virtual time: the realtime clock starts at this epoch second, the monotonic one at 1000 s. */
export const REALTIME_EPOCH_SECONDS = 1_700_000_000;
export const MONOTONIC_BASE_SECONDS = 1000;
const NS = 1_000_000_000;
/** A `until` address no program can reach (beyond the user address space). */
const NEVER = 2 ** 52 - 4;
/** The exceptions a run stops at: svc (a system call), brk (SIGTRAP), hvc (SIGILL, as in user mode). */
const EXCEPTION_STOPS = [INTNO_SVC, INTNO_BRK, INTNO_HVC] as const;
const U64 = (1n << 64n) - 1n;

/** Identity of the first process (all configurable; defaults: an unprivileged user). */
export interface Identity {
  pid: number;
  ppid: number;
  uid: number;
  gid: number;
}
export const DEFAULT_IDENTITY: Identity = { pid: 100, ppid: 99, uid: 1000, gid: 1000 };

export interface SystemOptions {
  /** A fresh engine for a forked or exec'ed process (same kind as the first one). */
  newEngine: () => Engine;
  stdin: HostInput;
  stdout: HostOutput;
  stderr: HostOutput;
  hostFs?: HostFs;
  mounts?: Mount[];
  seed?: number;
  identity?: Partial<Identity>;
  /** Instructions of all processes together before InstructionBudgetExceeded. */
  maxInsns?: number;
  trace?: (line: string) => void;
  stackSize?: number;
  /** A running task is preempted after a seeded number of instructions in [minSlice, maxSlice]. */
  minSlice?: number;
  maxSlice?: number;
  /** fork fails with EAGAIN beyond this many live processes (default 64). */
  maxProcesses?: number;
  /** clone of a thread fails with EAGAIN beyond this many threads per process (default 256). */
  maxThreads?: number;
  /** Initial working directory (default "/"). */
  cwd?: string;
  /**
   * CPUs the guest is told it has (sched_getaffinity, hence nproc and glibc's get_nprocs), 1 to
   * 1024; default DEFAULT_CPUS. Tasks still run one at a time on the seeded scheduler, so the
   * answer is a fixed choice, never the host's (same inputs, same output on every host).
   */
  cpus?: number;
  /**
   * A host call gate parked the engine (start() ended with 'parked'; the run path's lazy first
   * call waits for the JIT): resolves once the answer is written and pc is where the task goes on.
   * The whole system waits for it (a JIT answer comes quickly, and real timing never decides
   * the interleaving).
   */
  onParked?: (engine: Engine) => Promise<void>;
}

/** CPUs reported by default: one, what the scheduler really gives (qemu-user reports the host's). */
export const DEFAULT_CPUS = 1;
export const MAX_CPUS = 1024;

/** Every task blocked with nothing that could wake one. */
export class GuestDeadlock extends EmuError {
  override name = 'GuestDeadlock';
  constructor(readonly tasks: { pid: number; tid: number; waitsFor: string }[]) {
    super(
      `deadlock: every thread is blocked\n${tasks.map((t) => `  process ${t.pid} thread ${t.tid}: ${t.waitsFor}`).join('\n')}`,
    );
  }
}

/**
 * A debugger's view of the run loop (`exec --gdb`). Only tasks of the first process consult it;
 * forked children run undebugged (as under qemu-user's gdb stub).
 */
export interface KernelDebugHooks {
  /** Before `t` runs from `pc` (its registers live): true pauses the loop instead. */
  beforeRun(t: Task, pc: number): boolean;
  /** After a run of `t` ended with `reason` ('breakpoint', 'stopped', 'count', …): true pauses. */
  afterRun(t: Task, reason: string): boolean;
  /** A synchronous signal (fault, trap) for `t`: true holds it for the debugger and pauses. */
  onFault(t: Task, sig: number, reason: string): boolean;
}

/** Longest single engine run while a debugger is attached: the loop yields between (Ctrl-C). */
const DEBUG_SLICE = 1_000_000;

interface HeldFault {
  t: Task;
  sig: number;
  info: SigInfo;
  reason: string;
  error: unknown;
  unimplemented: boolean;
}

export type Termination =
  | { kind: 'exit'; status: number }
  | { kind: 'signal'; signal: number; reason: string; unimplemented: boolean; error?: Error };

interface Block {
  why: string;
  keys: object[];
  hosts: HostInput[];
  /** Virtual ns at which the wait ends. */
  deadline?: number;
  /** Result when the deadline passes (undefined: retry the call). */
  onTimeout?: number;
  futex?: { addr: number; bitset: number };
  /** Restarted (not EINTR) after a handler with SA_RESTART. */
  restartable: boolean;
  /** rt_sigsuspend: any delivered signal ends it. */
  sigsuspend?: boolean;
}

export class Task {
  state: 'run' | 'block' | 'dead' = 'run';
  ctx: ReturnType<Engine['contextSave']> | null = null;
  block: Block | null = null;
  /** A parked call's answer, written to x0 (pc moves past the svc) when the task runs next. */
  complete: bigint | undefined;
  retrying = false;
  deadline: number | undefined;
  sigmask = 0n;
  pending = 0n;
  readonly infos = new Map<number, SigInfo>();
  /** Mask to restore after the handler of a signal that ended rt_sigsuspend. */
  savedMask: bigint | undefined;
  clearTid = 0;
  robustList = 0n;
  altstack = { sp: 0, flags: 2 /* SS_DISABLE */, size: 0 };
  constructor(
    readonly tid: number,
    public proc: Proc,
  ) {}
}

interface FdEntry {
  file: OpenFile;
  cloexec: boolean;
}

export class Proc {
  readonly tasks: Task[] = [];
  live: Task | null = null;
  fds: (FdEntry | undefined)[] = [];
  actions: SigAction[] = Array.from({ length: 65 }, () => ({ handler: 0n, flags: 0, restorer: 0n, mask: 0n }));
  pending = 0n;
  readonly infos = new Map<number, SigInfo>();
  state: 'alive' | 'zombie' | 'reaped' = 'alive';
  /** wait status (exit code << 8, or the signal). */
  wstatus = 0;
  termination: Termination | undefined;
  readonly children = new Set<Proc>();
  /** Key tasks wait on in wait4 (children changed state). */
  readonly childKey = {};
  readonly futexes = new Map<number, Task[]>();
  sigtramp = 0;
  brkStart = 0;
  brkCur = 0;
  umask = 0o022;
  name = '';
  /** vfork: the parent task waits until this process execs or exits. */
  vforkParent: Task | null = null;
  mmapTop = MMAP_TOP;
  limits = new Map<number, [bigint, bigint]>();
  constructor(
    readonly pid: number,
    public ppid: number,
    public pgid: number,
    public sid: number,
    public engine: Engine,
    public space: AddressSpace,
    public exe: { path: string; bytes: Uint8Array },
    public cwd: string,
  ) {}
}

type SysResult = number | bigint | 'block' | 'noreturn';

const RLIM_INF = U64;
const DEFAULT_LIMITS: Record<number, [bigint, bigint]> = {
  3: [8n * 1024n * 1024n, RLIM_INF], // RLIMIT_STACK
  4: [0n, RLIM_INF], // RLIMIT_CORE
  6: [4096n, 4096n], // RLIMIT_NPROC
  7: [1024n, 4096n], // RLIMIT_NOFILE
};

export class LinuxSystem {
  readonly procs = new Map<number, Proc>();
  /** Every task ever created that is not dead, in creation order (deterministic picks). */
  tasks: Task[] = [];
  readonly fs: GuestFs;
  readonly random: SeededRandom;
  private readonly sched: SeededRandom;
  /** Virtual nanoseconds since boot. */
  clock = 0;
  instructions = 0;
  syscalls = 0;
  init!: Proc;
  result: Termination | undefined;
  private nextTid: number;
  private readonly waits = new Map<object, Set<Task>>();
  private readonly identity: Identity;
  private readonly stdinNode: HostInputNode;
  private readonly stdoutNode: HostOutputNode;
  private readonly stderrNode: HostOutputNode;
  private slices = 0;
  private yieldRequested = false;
  /** A host gate parked the engine during the last runTask (see SystemOptions.onParked). */
  private parkedWait: Promise<void> | undefined;
  /** exec --gdb: see KernelDebugHooks (undefined: the loop never pauses). */
  debug: KernelDebugHooks | undefined;
  private pauseRequested = false;
  private hostYieldRequested = false;
  /** A run cut short by the debugger: that task resumes first with the rest of its slice. */
  private unfinished: { t: Task; left: number | undefined } | undefined;
  /** A fault the debugger holds (KernelDebugHooks.onFault); deliverHeldFault/dropHeldFault decide. */
  heldFault: HeldFault | undefined;
  /** Set when a thread exists besides the first: from then on tasks run in slices. */
  multi = false;
  private readonly opts: Required<
    Pick<SystemOptions, 'minSlice' | 'maxSlice' | 'maxProcesses' | 'maxThreads' | 'cpus'>
  >;

  constructor(readonly options: SystemOptions) {
    const seed = options.seed ?? 0;
    this.random = new SeededRandom(seed);
    this.sched = new SeededRandom(seed ^ 0x5eed);
    this.identity = { ...DEFAULT_IDENTITY, ...options.identity };
    this.nextTid = this.identity.pid;
    this.opts = {
      minSlice: options.minSlice ?? 2000,
      maxSlice: options.maxSlice ?? 20000,
      maxProcesses: options.maxProcesses ?? 64,
      maxThreads: options.maxThreads ?? 256,
      cpus: options.cpus ?? DEFAULT_CPUS,
    };
    const cpus = this.opts.cpus;
    if (!Number.isInteger(cpus) || cpus < 1 || cpus > MAX_CPUS) {
      throw new ProcessSetupError(`cpus must be an integer from 1 to ${MAX_CPUS}, not ${cpus}`);
    }
    const owner = { uid: this.identity.uid, gid: this.identity.gid };
    this.fs = new GuestFs(options.mounts ?? [], options.hostFs, owner);
    this.stdinNode = new HostInputNode(options.stdin, owner);
    this.stdoutNode = new HostOutputNode(options.stdout, owner);
    this.stderrNode = new HostOutputNode(options.stderr, owner);
    const dev = (name: 'null' | 'zero' | 'urandom', minor: number) => {
      const node = new DeviceNode(name, (1 << 8) | minor, this.random);
      return { type: 'device' as const, open: () => node, stat: () => node.stat() };
    };
    this.fs.addVirtual('/dev/null', dev('null', 3));
    this.fs.addVirtual('/dev/zero', dev('zero', 5));
    this.fs.addVirtual('/dev/urandom', dev('urandom', 9));
    this.fs.addVirtual('/dev/random', dev('urandom', 8));
    this.fs.addVirtual('/dev/tty', {
      type: 'device',
      open: () => (this.stdinNode.isTty ? this.stdinNode : -E.ENXIO),
      stat: () => {
        const s = this.stdinNode.stat();
        s.mode = S_IFCHR | 0o666;
        s.rdev = (5 << 8) | 0;
        return s;
      },
    });
    this.fs.addVirtual('/proc/self/exe', {
      type: 'symlink',
      target: () => this.current?.proc.exe.path ?? '/',
      magic: {
        open: () => new MemoryFileNode(this.current?.proc.exe.bytes ?? new Uint8Array(0), owner),
        stat: () => new MemoryFileNode(this.current?.proc.exe.bytes ?? new Uint8Array(0), owner).stat(),
      },
    });
    this.fs.addVirtual('/proc/self/fd', { type: 'dir' });
  }

  /** The image and initial stack of the last program loaded (start or execve). */
  lastImage: LoadedImage | undefined;
  lastStack: InitialStack | undefined;
  /** The engine given to start(): its owner closes it, never this kernel. */
  private firstEngine: Engine | undefined;

  /** The task running (or whose call runs) now. */
  current: Task | undefined;

  // ---- set-up ---------------------------------------------------------------------------------

  /** Starts the first process on `engine` (it becomes pid identity.pid). */
  start(
    engine: Engine,
    exe: ElfExecutable,
    argv: string[],
    env: string[],
    guestPath: string,
    space?: AddressSpace,
  ): Proc {
    const p = this.createInit(engine, space ?? new AddressSpace(engine, USER_ADDRESS_LIMIT), guestPath, exe.bytes);
    this.hookEngine(p);
    this.loadImage(p, exe, argv, env, argv[0] ?? guestPath);
    return p;
  }

  /** The first process on `engine`, with the standard streams and one task; nothing loaded. */
  private createInit(engine: Engine, space: AddressSpace, guestPath: string, exeBytes: Uint8Array): Proc {
    const id = this.identity;
    const p = new Proc(
      id.pid,
      id.ppid,
      id.pid,
      id.pid,
      engine,
      space,
      { path: guestPath, bytes: exeBytes },
      this.options.cwd ?? '/',
    );
    this.init = p;
    this.firstEngine = engine;
    this.nextTid = id.pid + 1;
    const std = [this.stdinNode, this.stdoutNode, this.stderrNode];
    std.forEach((node, fd) => {
      const f = new OpenFile(node as FileNode, fd === 0 ? O_RDONLY : O_WRONLY, `std${fd}`).retain();
      p.fds[fd] = { file: f, cloexec: false };
    });
    this.procs.set(p.pid, p);
    const t = new Task(p.pid, p);
    p.tasks.push(t);
    this.tasks.push(t);
    p.live = t;
    return p;
  }

  // ---- embedded: the engine driven by another run loop (`run` without --sysroot) ---------------

  /** Set by adopt(): the engine's run loop is not this kernel's (see embeddedSyscall). */
  private embedded = false;
  /** The engine's instruction count when adopt() took it (the virtual clock starts there). */
  private embeddedBase = 0;

  /**
   * Makes `engine` the first process without loading an image or taking over its run loop:
   * `orc-sandbox run` without --sysroot drives the engine with the executor's loop (host libc
   * functions, its pthreads, lazy reentry, the debugger) and hands each `svc` to
   * embeddedSyscall() from an interrupt hook. The program break starts at `brk`; mmap searches
   * top-down from `mmapTop`.
   */
  adopt(engine: Engine, space: AddressSpace, o: { guestPath: string; brk: number; mmapTop: number }): Proc {
    const p = this.createInit(engine, space, o.guestPath, new Uint8Array(0));
    p.brkStart = o.brk;
    p.brkCur = o.brk;
    p.mmapTop = o.mmapTop;
    p.name = (o.guestPath.split('/').pop() ?? '').slice(0, 15);
    this.embedded = true;
    const n = engine.instructionCount();
    this.embeddedBase = Number.isFinite(n) ? n : 0;
    return p;
  }

  /**
   * Runs the system call of the adopted process's task, called from an interrupt hook right after
   * its `svc` (registers live on the engine), then delivers its pending signals (a handler's frame
   * is set up on the engine). Answers the termination when the process ended (exit, exit_group, a
   * fatal signal), else undefined and the engine goes on at its pc.
   *
   * Only this task exists: clone (threads, fork) and execve are not implemented here (ENOSYS),
   * since no loop of this kernel would run another task. A call that blocks waits on the virtual
   * clock (nanosleep, futex and poll timeouts); one that nothing could ever wake (an empty pipe
   * whose only writer is the task itself) is a GuestDeadlock.
   *
   * Clock: the instructions the engine executed since adopt(), and at least 1 ns more at every
   * call (on the unicorn engine the count seen inside a hook lags by the current start()).
   */
  embeddedSyscall(): Termination | undefined {
    const p = this.init;
    const t = p.tasks[0] as Task;
    const e = p.engine;
    if (!this.embedded) throw new EmuError('embeddedSyscall: the process was not adopted');
    if (this.result) return this.result;
    const n = e.instructionCount() - this.embeddedBase;
    const now = Number.isFinite(n) ? n : 0;
    this.clock = now > this.clock ? now : this.clock + 1;
    this.instructions = Math.max(this.instructions, now);
    this.current = t;
    this.syscall(t);
    for (let guard = 0; !this.result && t.state !== 'dead'; guard++) {
      if (t.state === 'block') {
        if (guard <= 1_000_000 && this.wakeDeadlines(true)) continue;
        const waitsFor = t.block?.why ?? t.state;
        // pc back after the svc: an engine must not run it again while the error leaves the hook.
        this.unpark(t);
        e.setPc(e.getPc() + 4);
        throw new GuestDeadlock([{ pid: p.pid, tid: t.tid, waitsFor }]);
      }
      if (t.complete !== undefined) {
        this.makeLive(t);
        break;
      }
      if (!t.retrying) break;
      // Woken to run its call again: pc is back on the svc.
      e.setPc(e.getPc() + 4);
      this.syscall(t);
    }
    if (!this.result && t.state === 'run') this.deliverSignals(t);
    if (this.result) this.finishAll();
    return this.result;
  }

  /**
   * System calls and traps end start() through the engine's exception exit (no interrupt hook):
   * translated code stays translated, and the call runs outside the engine.
   */
  private hookEngine(p: Proc): void {
    p.engine.setExceptionStops(EXCEPTION_STOPS);
  }

  private loadImage(p: Proc, exe: ElfExecutable, argv: string[], env: string[], execfn: string): LoadedImage {
    const image = loadExecutable(p.space, exe);
    const stackSize = this.options.stackSize ?? DEFAULT_STACK_SIZE;
    const stack = buildInitialStack({
      top: STACK_TOP,
      argv,
      env,
      execfn,
      random: this.random.bytes(16),
      image,
      uid: this.identity.uid,
      gid: this.identity.gid,
    });
    mapStack(p.space, STACK_TOP, stackSize, stack, image.executableStack);
    this.lastImage = image;
    this.lastStack = stack;
    p.brkStart = image.brk;
    p.brkCur = image.brk;
    p.mmapTop = MMAP_TOP - stackSize;
    p.sigtramp = 0;
    p.name = (execfn.split('/').pop() ?? '').slice(0, 15);
    const e = p.engine;
    for (let i = 0; i <= 30; i++) e.setX(i, 0n);
    e.setX(31, BigInt(stack.sp));
    e.setPc(image.entry);
    return image;
  }

  // ---- the run loop ---------------------------------------------------------------------------

  /** Runs until the first process ends; awaits host input when every task waits for it. */
  async run(): Promise<Termination> {
    for (;;) {
      const w = this.step(true);
      if (w === undefined) return this.result as Termination;
      if (w !== 'paused') await w;
    }
  }

  /** Runs to the end without ever awaiting; throws if a task needs host input not yet there. */
  runSync(): Termination {
    let w = this.step(false);
    while (w === 'paused') w = this.step(false);
    if (w !== undefined) throw new EmuError('the program waits for host input, which a synchronous run cannot await');
    return this.result as Termination;
  }

  /** Runs until done (undefined) or until the host must be awaited (the promise). */
  private step(canAwait: boolean): Promise<void> | undefined | 'paused' {
    for (;;) {
      if (this.result) {
        this.finishAll();
        return undefined;
      }
      if (this.pauseRequested) {
        this.pauseRequested = false;
        return 'paused';
      }
      if (this.hostYieldRequested) {
        this.hostYieldRequested = false;
        if (canAwait) return new Promise((resolve) => setTimeout(resolve, 0));
      }
      const runnable = this.tasks.filter((t) => t.state === 'run');
      const hostWaiting = this.tasks.some((t) => t.state === 'block' && (t.block?.hosts.length ?? 0) > 0);
      if (runnable.length === 0) {
        if (this.wakeDeadlines(true)) continue;
        if (hostWaiting) {
          if (!canAwait) return Promise.resolve().then(() => {}); // runSync reports it
          return this.awaitHost();
        }
        throw new GuestDeadlock(
          this.tasks.map((t) => ({ pid: t.proc.pid, tid: t.tid, waitsFor: t.block?.why ?? t.state })),
        );
      }
      if (canAwait && hostWaiting && ++this.slices % 64 === 0) {
        // Let host input arrive while other tasks keep running.
        return new Promise((resolve) => setTimeout(resolve, 0)).then(() => this.pollHost());
      }
      // Preemption matters only between threads of one process: they share memory, so one may
      // spin on what another (runnable, or asleep until a timer) will write. Separate processes
      // only meet through system calls, where every run stops anyway; they run unsliced (a slice
      // costs the unicorn engine a block translated again, docs/engine.md).
      const u = this.unfinished;
      this.unfinished = undefined;
      if (u && u.t.state === 'run' && runnable.includes(u.t)) {
        // The rest of a run the debugger cut short: the interleaving stays that of a plain run.
        this.runTask(u.t, u.left);
        const parked = this.takeParked(canAwait);
        if (parked !== undefined) return parked;
        this.wakeDeadlines(false);
        continue;
      }
      const t =
        runnable.length === 1 ? (runnable[0] as Task) : (runnable[this.sched.nextU32() % runnable.length] as Task);
      let slice: number | undefined;
      const siblings = t.proc.tasks.filter((x) => x !== t && x.state !== 'dead');
      if (siblings.some((x) => x.state === 'run')) {
        slice = this.opts.minSlice + (this.sched.nextU32() % (this.opts.maxSlice - this.opts.minSlice + 1));
      } else {
        let next: number | undefined;
        for (const x of siblings) {
          const d = x.block?.deadline;
          if (d !== undefined && (next === undefined || d < next)) next = d;
        }
        slice = next === undefined ? undefined : Math.max(1, next - this.clock);
      }
      this.runTask(t, slice);
      const parked = this.takeParked(canAwait);
      if (parked !== undefined) return parked;
      this.wakeDeadlines(false);
    }
  }

  /** The wait of a host gate that parked during the last runTask (the loop must await it). */
  private takeParked(canAwait: boolean): Promise<void> | undefined {
    const parked = this.parkedWait;
    if (parked === undefined) return undefined;
    this.parkedWait = undefined;
    if (!canAwait) throw new EmuError('a host gate parked, which a synchronous run cannot await');
    return parked;
  }

  private awaitHost(): Promise<void> {
    const hosts = new Set<HostInput>();
    for (const t of this.tasks) for (const h of t.block?.hosts ?? []) hosts.add(h);
    return Promise.race([...hosts].map((h) => h.readable())).then(() => this.pollHost());
  }

  /** Retries every task waiting on host input (cheap: a retry that finds nothing parks again). */
  private pollHost(): void {
    for (const t of [...this.tasks]) if (t.state === 'block' && (t.block?.hosts.length ?? 0) > 0) this.retry(t);
  }

  /** Ends timed waits whose deadline passed; with `jump`, first moves the clock to the earliest one. */
  private wakeDeadlines(jump: boolean): boolean {
    let earliest = Number.POSITIVE_INFINITY;
    for (const t of this.tasks)
      if (t.state === 'block' && t.block?.deadline !== undefined) earliest = Math.min(earliest, t.block.deadline);
    if (earliest === Number.POSITIVE_INFINITY) return false;
    if (jump && earliest > this.clock) this.clock = earliest;
    let woke = false;
    for (const t of [...this.tasks]) {
      const b = t.block;
      if (t.state === 'block' && b?.deadline !== undefined && b.deadline <= this.clock) {
        woke = true;
        if (b.onTimeout === undefined) this.retry(t);
        else this.completeTask(t, b.onTimeout);
      }
    }
    return woke;
  }

  private runTask(t: Task, slice: number | undefined): void {
    const p = t.proc;
    this.makeLive(t);
    this.current = t;
    this.deliverSignals(t);
    if (t.state !== 'run' || this.result) return;
    const e = p.engine;
    const dbg = p === this.init ? this.debug : undefined;
    if (dbg?.beforeRun(t, e.getPc())) {
      this.unfinished = { t, left: slice };
      this.pauseRequested = true;
      return;
    }
    const budget = this.options.maxInsns;
    let count = slice;
    if (budget !== undefined) {
      const left = budget - this.instructions;
      if (left <= 0) throw new InstructionBudgetExceeded(budget, e.getPc());
      count = count === undefined ? left : Math.min(count, left);
    }
    // Under a debugger the run also stops about every DEBUG_SLICE instructions to look at the
    // debugger's requests: a block-boundary slice (an exact count would cost the unicorn engine a
    // block translated again at each stop); preemption and the budget stay exact.
    let capped = false;
    if (this.debug && (count === undefined || count > DEBUG_SLICE)) capped = true;
    const before = e.instructionCount();
    let fault: unknown;
    let reason = '';
    let intno: number | undefined;
    try {
      const r =
        count === undefined && !capped
          ? e.start(e.getPc(), NEVER)
          : e.start(e.getPc(), NEVER, {
              ...(count !== undefined ? { count } : {}),
              ...(capped ? { slice: DEBUG_SLICE } : {}),
            });
      reason = r.reason;
      intno = r.intno;
    } catch (err) {
      fault = err;
    }
    // An engine that does not count (unicorn with countInstructions: false) advances no virtual time.
    const counted = e.instructionCount() - before;
    const ran = Number.isFinite(counted) ? counted : 0;
    this.instructions += ran;
    this.clock += ran;
    if (fault !== undefined) {
      this.onFault(t, fault);
      return;
    }
    if (reason === 'parked') {
      const wait = this.options.onParked?.(e);
      if (wait === undefined)
        throw new EmuError(`a host gate parked at 0x${e.getPc().toString(16)} and nothing waits for its answer`);
      this.parkedWait = wait;
      return;
    }
    if (reason === 'exception') {
      if (intno === INTNO_SVC) {
        this.syscall(t);
        return;
      }
      const pc = e.getPc();
      if (intno === INTNO_BRK) {
        // pc is the brk's own address, as qemu reports it and as the signal frame must hold.
        this.forceSignal(
          t,
          SIG.SIGTRAP,
          { signo: SIG.SIGTRAP, code: 1 },
          `breakpoint instruction (brk) at pc 0x${pc.toString(16)}`,
        );
      } else {
        this.forceSignal(
          t,
          SIG.SIGILL,
          { signo: SIG.SIGILL, code: 2 },
          `undefined instruction or exception ${intno} near pc 0x${pc.toString(16)}`,
        );
      }
      return;
    }
    if (reason === 'count' && budget !== undefined && this.instructions >= budget) {
      throw new InstructionBudgetExceeded(budget, e.getPc());
    }
    if (this.debug) {
      const cut = reason === 'stopped' || reason === 'breakpoint' || (capped && reason === 'slice');
      if (cut) {
        const left = slice === undefined ? undefined : slice - ran;
        if (left === undefined || left > 0) this.unfinished = { t, left };
      }
      if (dbg?.afterRun(t, reason)) this.pauseRequested = true;
      else if (capped && reason === 'slice') this.hostYieldRequested = true;
    }
  }

  // ---- debugger (exec --gdb) ------------------------------------------------------------------

  /**
   * Runs the loop until the end (undefined), a debugger pause ('paused') or until host input
   * must be awaited (the promise; call again after it).
   */
  advance(): Promise<void> | undefined | 'paused' {
    return this.step(true);
  }

  /** Puts `t`'s registers on its engine (a parked call's answer applied), for a debugger to read. */
  debugLive(t: Task): void {
    this.makeLive(t);
  }

  /** Runs one instruction of `t` (its system call too, when that is an svc), as a debugger's step. */
  debugStep(t: Task): void {
    const u = this.unfinished;
    this.runTask(t, 1);
    this.wakeDeadlines(false);
    this.pauseRequested = false;
    if (u && u.t === t && this.unfinished === u && u.left !== undefined) u.left = Math.max(1, u.left - 1);
  }

  /** The held fault goes to the program: its handler, or the process dies of it. */
  deliverHeldFault(): void {
    const h = this.heldFault;
    this.heldFault = undefined;
    if (h && h.t.state !== 'dead') this.forceSignal(h.t, h.sig, h.info, h.reason, h.error, h.unimplemented, true);
  }

  /** The debugger discarded the held fault: the instruction runs again. */
  dropHeldFault(): void {
    this.heldFault = undefined;
  }

  /** Puts `t`'s registers on its engine, and applies a parked call's answer. */
  private makeLive(t: Task): void {
    const p = t.proc;
    const e = p.engine;
    if (p.live !== t) {
      if (p.live && p.live.state !== 'dead') p.live.ctx = e.contextSave();
      if (t.ctx) e.contextRestore(t.ctx);
      t.ctx = null;
      p.live = t;
    }
    if (t.complete !== undefined) {
      e.setX(0, t.complete & U64);
      e.setPc(e.getPc() + 4);
      t.complete = undefined;
    }
  }

  private onFault(t: Task, err: unknown): void {
    const e = t.proc.engine;
    if (err instanceof OutOfMemory) {
      // A touch past --memory-limit: the process dies as under Linux's OOM killer (SIGKILL, 137).
      this.killProc(t.proc, SIG.SIGKILL, err.message, err);
    } else if (err instanceof MemoryFault) {
      const pc = err.pc ?? e.getPc();
      e.setPc(pc);
      const reason = `${err.kind} ${err.access} fault at 0x${err.address64.toString(16)} (size ${err.size}) by instruction at 0x${pc.toString(16)}`;
      const code = err.kind === 'unmapped' ? SEGV_MAPERR : SEGV_ACCERR;
      this.forceSignal(t, SIG.SIGSEGV, { signo: SIG.SIGSEGV, code, addr: err.address }, reason, err);
    } else if (err instanceof AlignmentFault) {
      if (err.pc !== undefined) e.setPc(err.pc);
      // address64: Unicorn knows the exclusive's address only there (address is NaN).
      this.forceSignal(t, SIG.SIGBUS, { signo: SIG.SIGBUS, code: 1, addr: Number(err.address64) }, err.message, err);
    } else if (err instanceof UndefinedInstruction) {
      // si_code ILL_ILLOPN (2), as qemu-user reports it (Linux itself says ILL_ILLOPC).
      e.setPc(err.address);
      this.forceSignal(t, SIG.SIGILL, { signo: SIG.SIGILL, code: 2, addr: err.address }, err.message, err);
    } else if (err instanceof UnimplementedInstruction) {
      e.setPc(err.address);
      const reason = `${err.message} (not implemented by the ${e.kind} engine)`;
      this.forceSignal(t, SIG.SIGILL, { signo: SIG.SIGILL, code: 2, addr: err.address }, reason, err, true);
    } else if (err instanceof UnhandledException) {
      const sig = err.intno === 7 ? SIG.SIGTRAP : SIG.SIGILL;
      this.forceSignal(t, sig, { signo: sig, code: 1 }, err.message, err);
    } else {
      throw err;
    }
  }

  /**
   * A synchronous signal (fault, trap): to the handler if one is installed and the signal is not
   * blocked, else the process dies of it (as Linux's force_sig does).
   */
  private forceSignal(
    t: Task,
    sig: number,
    info: SigInfo,
    reason: string,
    error?: unknown,
    unimplemented = false,
    fromDebugger = false,
  ): void {
    if (!fromDebugger && t.proc === this.init && this.debug?.onFault(t, sig, reason)) {
      this.heldFault = { t, sig, info, reason, error, unimplemented };
      this.pauseRequested = true;
      return;
    }
    const act = t.proc.actions[sig] as SigAction;
    const blocked = (t.sigmask & bit(sig)) !== 0n;
    if (act.handler > SIG_IGN && !blocked) {
      this.setupFrame(t, sig, info, t.proc.engine.getPc(), info.addr ?? 0);
      return;
    }
    this.killProc(t.proc, sig, reason, error instanceof Error ? error : undefined, unimplemented);
  }

  private finishAll(): void {
    for (const p of this.procs.values()) {
      if (p !== this.init && p.state === 'alive') {
        for (const t of p.tasks) t.state = 'dead';
        this.closeAll(p);
        if (p.engine !== this.firstEngine) p.engine.close();
      }
    }
    this.tasks = [];
  }

  // ---- waiting ----------------------------------------------------------------------------

  private park(t: Task, b: Block): 'block' {
    t.state = 'block';
    t.block = b;
    for (const k of b.keys) {
      let s = this.waits.get(k);
      if (!s) {
        s = new Set();
        this.waits.set(k, s);
      }
      s.add(t);
    }
    if (b.futex) {
      const q = t.proc.futexes.get(b.futex.addr) ?? [];
      q.push(t);
      t.proc.futexes.set(b.futex.addr, q);
    }
    const e = t.proc.engine;
    e.setPc(e.getPc() - 4);
    return 'block';
  }

  private unpark(t: Task): void {
    const b = t.block;
    if (!b) return;
    for (const k of b.keys) this.waits.get(k)?.delete(t);
    if (b.futex) {
      const q = t.proc.futexes.get(b.futex.addr);
      if (q) {
        const i = q.indexOf(t);
        if (i >= 0) q.splice(i, 1);
        if (q.length === 0) t.proc.futexes.delete(b.futex.addr);
      }
    }
    t.block = null;
    if (t.state === 'block') t.state = 'run';
  }

  /** The task runs its call again. */
  private retry(t: Task): void {
    this.unpark(t);
    t.retrying = true;
  }

  /** The task's call answers `value`. */
  private completeTask(t: Task, value: number | bigint): void {
    this.unpark(t);
    t.complete = BigInt(value);
    t.deadline = undefined;
    t.retrying = false;
  }

  /** Everyone waiting on `key` retries. */
  readonly wake = (key: object): void => {
    const s = this.waits.get(key);
    if (!s || s.size === 0) return;
    for (const t of [...s]) this.retry(t);
  };

  // ---- signals ----------------------------------------------------------------------------

  /** Generates a signal for a process (kill) or one thread (tgkill). */
  sendSignal(p: Proc, sig: number, info: SigInfo, thread?: Task): void {
    if (p.state !== 'alive' || sig === 0) return;
    const act = p.actions[sig] as SigAction;
    if (sig === SIG.SIGKILL) {
      this.killProc(p, sig, 'killed by SIGKILL');
      return;
    }
    if (sig === SIG.SIGCONT)
      for (const t of p.tasks) if (t.state === 'block' && t.block?.why === 'stopped') this.completeTask(t, 0);
    const dfl = defaultAction(sig);
    const ignored =
      act.handler === SIG_IGN ||
      (act.handler === SIG_DFL && (dfl === 'ignore' || dfl === 'stop' || dfl === 'continue'));
    const target = thread ?? p.tasks.find((t) => t.state !== 'dead' && (t.sigmask & bit(sig)) === 0n);
    const blockedEverywhere = target === undefined || (target.sigmask & bit(sig)) !== 0n;
    if (ignored && !blockedEverywhere) return;
    if (thread) {
      thread.pending |= bit(sig);
      thread.infos.set(sig, info);
    } else {
      p.pending |= bit(sig);
      p.infos.set(sig, info);
    }
    if (!blockedEverywhere && target && target.state === 'block') this.interrupt(target, sig);
  }

  /** A blocked task with a deliverable signal: EINTR, or a restart after the handler. */
  private interrupt(t: Task, sig: number): void {
    const b = t.block;
    if (!b) return;
    const act = t.proc.actions[sig] as SigAction;
    if (act.handler === SIG_DFL) {
      const d = defaultAction(sig);
      if (d === 'ignore' || d === 'continue' || d === 'stop') return;
      this.retry(t); // it dies of the signal before running the call again
      return;
    }
    if (b.restartable && (act.flags & SA_RESTART) !== 0 && !b.sigsuspend) this.retry(t);
    else this.completeTask(t, -E.EINTR);
  }

  /** Delivers pending unblocked signals to `t` (live on its engine) before it runs. */
  private deliverSignals(t: Task): void {
    const p = t.proc;
    for (let guard = 0; guard < 64; guard++) {
      const ready = (t.pending | p.pending) & ~(t.sigmask & ~UNBLOCKABLE);
      if (ready === 0n || t.state !== 'run' || p.state !== 'alive') return;
      let sig = 1;
      while ((ready & bit(sig)) === 0n) sig++;
      let info: SigInfo;
      if (t.pending & bit(sig)) {
        t.pending &= ~bit(sig);
        info = t.infos.get(sig) ?? { signo: sig, code: SI_USER };
        t.infos.delete(sig);
      } else {
        p.pending &= ~bit(sig);
        info = p.infos.get(sig) ?? { signo: sig, code: SI_USER };
        p.infos.delete(sig);
      }
      const act = p.actions[sig] as SigAction;
      if (act.handler === SIG_IGN) continue;
      if (act.handler === SIG_DFL) {
        const d = defaultAction(sig);
        if (d === 'ignore' || d === 'continue' || d === 'stop') continue;
        this.killProc(p, sig, `killed by ${signalName(sig)}`);
        return;
      }
      this.setupFrame(t, sig, info, p.engine.getPc(), 0);
    }
  }

  private setupFrame(t: Task, sig: number, info: SigInfo, resumePc: number, faultAddress: number): void {
    const p = t.proc;
    const e = p.engine;
    const act = p.actions[sig] as SigAction;
    let restorer = act.restorer;
    if ((act.flags & SA_RESTORER) === 0 || restorer === 0n) {
      if (p.sigtramp === 0) {
        const at = p.space.findFreeTopDown(PAGE, p.mmapTop, MMAP_BOTTOM);
        if (at === undefined) {
          this.killProc(p, SIG.SIGSEGV, 'no room for the signal trampoline');
          return;
        }
        p.space.map(at, PAGE, PROT_READ | PROT_WRITE);
        e.memWrite(at, SIGRETURN_TRAMPOLINE);
        p.space.protect(at, PAGE, PROT_READ | PROT_EXEC);
        p.sigtramp = at;
      }
      restorer = BigInt(p.sigtramp);
    }
    const oldMask = t.savedMask ?? t.sigmask;
    t.savedMask = undefined;
    let spTop = Number(e.getX(31));
    const onAlt = t.altstack.flags !== 2 && spTop > t.altstack.sp && spTop <= t.altstack.sp + t.altstack.size;
    if ((act.flags & SA_ONSTACK) !== 0 && t.altstack.flags !== 2 && !onAlt) spTop = t.altstack.sp + t.altstack.size;
    const record = spTop - 16 - ((spTop - 16) % 16);
    const frameAt = record - FRAME_SIZE;
    const frame = buildFrame(e, info, resumePc, oldMask, t.altstack, faultAddress);
    const rec = new Uint8Array(16);
    const dv = new DataView(rec.buffer);
    dv.setBigUint64(0, e.getX(29) & U64, true);
    dv.setBigUint64(8, e.getX(30) & U64, true);
    if (!this.writeUser(p, BigInt(frameAt), frame) || !this.writeUser(p, BigInt(record), rec)) {
      this.killProc(p, SIG.SIGSEGV, `cannot write the ${signalName(sig)} frame at 0x${frameAt.toString(16)}`);
      return;
    }
    e.setX(0, BigInt(sig));
    e.setX(1, BigInt(frameAt));
    e.setX(2, BigInt(frameAt + 128));
    e.setX(29, BigInt(record));
    e.setX(30, restorer);
    e.setX(31, BigInt(frameAt));
    e.setPc(Number(act.handler));
    t.sigmask |= act.mask;
    if ((act.flags & SA_NODEFER) === 0) t.sigmask |= bit(sig);
    t.sigmask &= ~UNBLOCKABLE;
    if (act.flags & SA_RESETHAND) p.actions[sig] = { handler: 0n, flags: 0, restorer: 0n, mask: 0n };
  }

  private sysSigreturn(t: Task): SysResult {
    const p = t.proc;
    const e = p.engine;
    const sp = e.getX(31);
    const f = this.readUser(p, sp, FRAME_SIZE);
    if (!f) {
      this.killProc(p, SIG.SIGSEGV, 'rt_sigreturn: bad frame');
      return 'noreturn';
    }
    const r = restoreFrame(e, f);
    t.sigmask = r.mask & ~UNBLOCKABLE;
    e.setPc(r.pc);
    return 'noreturn';
  }

  // ---- process life -----------------------------------------------------------------------

  /** Ends every thread of `p` with a signal status. */
  killProc(p: Proc, sig: number, reason: string, error?: Error, unimplemented = false): void {
    if (p.state !== 'alive') return;
    p.termination = { kind: 'signal', signal: sig, reason, unimplemented, ...(error ? { error } : {}) };
    this.exitProc(p, sig);
  }

  private exitTask(t: Task): void {
    const p = t.proc;
    if (t.state === 'dead') return;
    this.unpark(t);
    t.state = 'dead';
    this.tasks = this.tasks.filter((x) => x !== t);
    if (t.clearTid !== 0 && p.state === 'alive') {
      const zero = new Uint8Array(4);
      if (this.writeUser(p, BigInt(t.clearTid), zero)) this.futexWake(p, t.clearTid, 1, 0xffffffff);
    }
  }

  /** The whole process ends with this wait status. */
  private exitProc(p: Proc, wstatus: number): void {
    if (p.state !== 'alive') return;
    for (const t of p.tasks) this.exitTask(t);
    p.state = 'zombie';
    p.wstatus = wstatus;
    p.termination ??= { kind: 'exit', status: (wstatus >> 8) & 0xff };
    this.closeAll(p);
    this.releaseVfork(p);
    for (const c of p.children) {
      c.ppid = this.init.pid;
      if (p !== this.init) this.init.children.add(c);
      if (c.state === 'zombie') this.reap(c);
    }
    p.children.clear();
    if (p === this.init) {
      this.result = p.termination;
      return;
    }
    const parent = this.procs.get(p.ppid);
    if (!parent || parent.state !== 'alive') {
      this.reap(p);
      return;
    }
    const chld = parent.actions[SIG.SIGCHLD] as SigAction;
    if (chld.handler === SIG_IGN || (chld.flags & SA_NOCLDWAIT) !== 0) {
      // POSIX: children of a parent that ignores SIGCHLD are reaped at once (wait4 sees ECHILD).
      this.reap(p);
      this.wake(parent.childKey);
      return;
    }
    const code = (p.wstatus & 0x7f) === 0 ? CLD_EXITED : CLD_KILLED;
    this.sendSignal(parent, SIG.SIGCHLD, {
      signo: SIG.SIGCHLD,
      code,
      pid: p.pid,
      uid: this.identity.uid,
      status: p.wstatus,
    });
    this.wake(parent.childKey);
  }

  private reap(p: Proc): void {
    p.state = 'reaped';
    this.procs.delete(p.pid);
    const parent = this.procs.get(p.ppid);
    parent?.children.delete(p);
    if (p.engine !== this.firstEngine && p !== this.init) p.engine.close();
  }

  private releaseVfork(p: Proc): void {
    const parent = p.vforkParent;
    if (parent && parent.state === 'block' && parent.block?.why.startsWith('vfork')) this.completeTask(parent, p.pid);
    p.vforkParent = null;
  }

  private closeAll(p: Proc): void {
    for (const f of p.fds) f?.file.release();
    p.fds = [];
  }

  // ---- guest memory -----------------------------------------------------------------------

  private userRange(p: Proc, address: bigint, length: number, prot: number): number | undefined {
    if (length === 0) return 0;
    if (address < 0n || address > BigInt(p.space.limit)) return undefined;
    const a = Number(address);
    if (a + length > p.space.limit) return undefined;
    for (let pg = a - (a % PAGE); pg < a + length; pg += PAGE) {
      const have = p.space.protAt(pg);
      if (have === undefined || (have & prot) !== prot) return undefined;
    }
    return a;
  }

  readUser(p: Proc, address: bigint, length: number): Uint8Array | undefined {
    const a = this.userRange(p, address, length, PROT_READ);
    if (a === undefined) return undefined;
    return length === 0 ? new Uint8Array(0) : p.engine.memRead(a, length);
  }

  writeUser(p: Proc, address: bigint, data: Uint8Array): boolean {
    const a = this.userRange(p, address, data.length, PROT_WRITE);
    if (a === undefined) return false;
    if (data.length > 0) p.engine.memWrite(a, data);
    return true;
  }

  private readU32(p: Proc, address: bigint): number | undefined {
    const b = this.readUser(p, address, 4);
    return b ? new DataView(b.buffer, b.byteOffset).getUint32(0, true) : undefined;
  }

  private readU64(p: Proc, address: bigint): bigint | undefined {
    const b = this.readUser(p, address, 8);
    return b ? new DataView(b.buffer, b.byteOffset).getBigUint64(0, true) : undefined;
  }

  private writeU32(p: Proc, address: bigint, v: number): boolean {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    return this.writeUser(p, address, b);
  }

  private writeU64(p: Proc, address: bigint, v: bigint): boolean {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v & U64, true);
    return this.writeUser(p, address, b);
  }

  /** A NUL-terminated string of at most `max` bytes; undefined on a fault, -ENAMETOOLONG when too long. */
  readCString(p: Proc, address: bigint, max = 4096): string | undefined | number {
    let out = '';
    const dec = new TextDecoder();
    let a = address;
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunkLen = PAGE - Number(a % BigInt(PAGE));
      const chunk = this.readUser(p, a, chunkLen);
      if (!chunk) return undefined;
      const z = chunk.indexOf(0);
      if (z >= 0) {
        parts.push(chunk.subarray(0, z));
        total += z;
        break;
      }
      parts.push(chunk);
      total += chunk.length;
      if (total > max) return -E.ENAMETOOLONG;
      a += BigInt(chunkLen);
    }
    const all = new Uint8Array(total);
    let o = 0;
    for (const part of parts) {
      all.set(part, o);
      o += part.length;
    }
    out = dec.decode(all);
    return out;
  }

  private readStringArray(p: Proc, address: bigint): string[] | number {
    const out: string[] = [];
    if (address === 0n) return out;
    for (let i = 0; i < 65536; i++) {
      const ptr = this.readU64(p, address + BigInt(i * 8));
      if (ptr === undefined) return -E.EFAULT;
      if (ptr === 0n) return out;
      const s = this.readCString(p, ptr, 131072);
      if (s === undefined) return -E.EFAULT;
      if (typeof s === 'number') return -E.E2BIG;
      out.push(s);
    }
    return -E.E2BIG;
  }

  // ---- system calls -----------------------------------------------------------------------

  private syscall(t: Task): void {
    const p = t.proc;
    const e = p.engine;
    const nr = Number(e.getX(8) & 0xffffffffn);
    const args = [e.getX(0), e.getX(1), e.getX(2), e.getX(3), e.getX(4), e.getX(5)];
    this.syscalls++;
    this.current = t;
    let r: SysResult | undefined;
    try {
      r = this.dispatch(t, nr, args);
    } catch (err) {
      if (err instanceof EmuError && !(err instanceof ElfLoadError)) throw err;
      throw err;
    }
    const implemented = r !== undefined;
    const result: SysResult = r ?? -E.ENOSYS;
    if (this.options.trace && !(result === 'block' && t.retrying)) {
      const name = syscallName(nr) ?? String(nr);
      const shown = args.slice(0, !implemented && syscallName(nr) === undefined ? 6 : syscallArity(nr));
      const text = shown.map(fmtArg).join(', ');
      let res: string;
      if (result === 'block') res = '? (blocks)';
      else if (result === 'noreturn') res = '?';
      else {
        const v = typeof result === 'bigint' ? result : BigInt(result);
        res = v < 0n && v >= -4095n ? `-${ERRNO_NAMES[Number(-v)] ?? -v}` : fmtResult(v);
      }
      const who = this.procs.size > 1 || p.tasks.length > 1 ? `[${t.tid}] ` : '';
      this.options.trace(`${who}syscall ${name}(${text}) = ${res}${implemented ? '' : ' (unimplemented)'}`);
    }
    if (result === 'block') return;
    t.retrying = false;
    t.deadline = undefined;
    if (result === 'noreturn') return;
    if (t.state === 'dead' || p.state !== 'alive') return;
    e.setX(0, BigInt.asUintN(64, typeof result === 'bigint' ? result : BigInt(result)));
  }

  private dispatch(t: Task, nr: number, a: bigint[]): SysResult | undefined {
    const p = t.proc;
    const [a0 = 0n, a1 = 0n, a2 = 0n, a3 = 0n, a4 = 0n, a5 = 0n] = a;
    const i0 = int32(a0);
    switch (nr) {
      // files and descriptors
      case 17:
        return this.sysGetcwd(p, a0, a1);
      case 23:
        return this.sysDup(p, i0);
      case 24:
        return this.sysDup3(p, i0, int32(a1), int32(a2));
      case 25:
        return this.sysFcntl(p, i0, int32(a1), a2);
      case 29:
        return this.sysIoctl(p, i0, Number(a1 & 0xffffffffn), a2);
      case 34:
        return this.sysMkdirat(p, i0, a1, Number(a2 & 0xfffn));
      case 35:
        return this.sysUnlinkat(p, i0, a1, int32(a2));
      case 36:
        return this.sysSymlinkat(p, a0, int32(a1), a2);
      case 38:
        return this.sysRenameat(p, i0, a1, int32(a2), a3, 0);
      case 276:
        return this.sysRenameat(p, i0, a1, int32(a2), a3, int32(a4));
      case 46:
        return this.sysFtruncate(p, i0, a1);
      case 48:
      case 439:
        return this.sysFaccessat(p, i0, a1, int32(a2));
      case 49:
        return this.sysChdir(p, a0);
      case 50:
        return this.sysFchdir(p, i0);
      case 56:
        return this.sysOpenat(p, i0, a1, int32(a2), Number(a3 & 0xfffn));
      case 57:
        return this.sysClose(p, i0);
      case 59:
        return this.sysPipe2(p, a0, int32(a1));
      case 61:
        return this.sysGetdents64(p, i0, a1, Number(a2 & 0xffffffffn));
      case 62:
        return this.sysLseek(p, i0, BigInt.asIntN(64, a1), int32(a2));
      case 63:
        return this.sysRead(t, i0, a1, a2);
      case 64:
        return this.sysWrite(t, i0, a1, a2);
      case 65:
        return this.sysReadv(t, i0, a1, int32(a2));
      case 66:
        return this.sysWritev(t, i0, a1, int32(a2));
      case 67:
        return this.sysPread(p, i0, a1, a2, BigInt.asIntN(64, a3));
      case 68:
        return this.sysPwrite(p, i0, a1, a2, BigInt.asIntN(64, a3));
      case 72:
        return this.sysPselect6(t, int32(a0), a1, a2, a3, a4);
      case 73:
        return this.sysPpoll(t, a0, Number(a1), a2, a3);
      case 78:
        return this.sysReadlinkat(p, i0, a1, a2, Number(a3 & 0xffffffffn));
      case 79:
        return this.sysNewfstatat(p, i0, a1, a2, int32(a3));
      case 80:
        return this.sysFstat(p, i0, a1);
      case 291:
        return this.sysStatx(p, i0, a1, int32(a2), a4);
      case 81:
      case 82:
      case 83:
        return i0 >= 0 && nr !== 81 && !p.fds[i0] ? -E.EBADF : 0;
      // process and threads
      case 93:
        this.exitTask(t);
        if (p.tasks.every((x) => x.state === 'dead')) this.exitProc(p, (Number(a0) & 0xff) << 8);
        return 'noreturn';
      case 94:
        this.exitProc(p, (Number(a0) & 0xff) << 8);
        return 'noreturn';
      case 95:
        return undefined; // waitid
      case 96:
        t.clearTid = Number(a0);
        return t.tid;
      case 98:
        return this.sysFutex(t, a0, int32(a1), Number(a2 & 0xffffffffn), a3, a4, Number(a5 & 0xffffffffn));
      case 99:
        if (a1 !== 24n) return -E.EINVAL;
        t.robustList = a0;
        return 0;
      case 100:
        return this.writeU64(p, a1, t.robustList) && this.writeU64(p, a2, 24n) ? 0 : -E.EFAULT;
      case 220:
        return this.embedded ? undefined : this.sysClone(t, a0, a1, a2, a3, a4);
      case 435:
        return -E.ENOSYS; // clone3: glibc falls back to clone
      case 221:
        return this.embedded ? undefined : this.sysExecve(t, a0, a1, a2);
      case 260:
        return this.sysWait4(t, int32(a0), a1, int32(a2), a3);
      case 129:
        return this.sysKill(t, int32(a0), int32(a1));
      case 130:
        return this.sysTgkill(t, -1, int32(a0), int32(a1));
      case 131:
        return this.sysTgkill(t, int32(a0), int32(a1), int32(a2));
      case 132:
        return this.sysSigaltstack(t, a0, a1);
      case 133:
        return this.sysSigsuspend(t, a0, a1);
      case 134:
        return this.sysSigaction(p, i0, a1, a2, a3);
      case 135:
        return this.sysSigprocmask(t, i0, a1, a2, a3);
      case 136: {
        const pend = (t.pending | p.pending) & t.sigmask;
        return this.writeU64(p, a0, pend) ? 0 : -E.EFAULT;
      }
      case 139:
        return this.sysSigreturn(t);
      case 172:
        return p.pid;
      case 173:
        return p.ppid;
      case 178:
        return t.tid;
      case 174:
      case 175:
        return this.identity.uid;
      case 176:
      case 177:
        return this.identity.gid;
      case 143: // setregid
      case 144: // setgid
      case 145: // setreuid
      case 146: // setuid
      case 147: // setresuid
      case 149: // setresgid
      case 151: // setfsuid
      case 152: {
        // setfsgid
        const want =
          nr === 144 || nr === 146 || nr === 151 || nr === 152
            ? [a0]
            : nr === 147 || nr === 149
              ? [a0, a1, a2]
              : [a0, a1];
        const mine = BigInt(
          nr === 144 || nr === 143 || nr === 149 || nr === 152 ? this.identity.gid : this.identity.uid,
        );
        const ok = want.every((v) => (v & 0xffffffffn) === mine || (v & 0xffffffffn) === 0xffffffffn);
        if (nr === 151 || nr === 152) return Number(mine);
        return ok ? 0 : -E.EPERM;
      }
      case 148:
      case 150: {
        const v = nr === 148 ? this.identity.uid : this.identity.gid;
        return this.writeU32(p, a0, v) && this.writeU32(p, a1, v) && this.writeU32(p, a2, v) ? 0 : -E.EFAULT;
      }
      case 158: {
        const size = int32(a0);
        if (size < 0) return -E.EINVAL;
        if (size === 0) return 1;
        return this.writeU32(p, a1, this.identity.gid) ? 1 : -E.EFAULT;
      }
      case 159:
        return -E.EPERM;
      case 154:
        return this.sysSetpgid(p, i0, int32(a1));
      case 155: {
        const q = i0 === 0 ? p : this.procs.get(i0);
        return q ? q.pgid : -E.ESRCH;
      }
      case 156: {
        const q = i0 === 0 ? p : this.procs.get(i0);
        return q ? q.sid : -E.ESRCH;
      }
      case 157:
        if (p.pgid === p.pid) return -E.EPERM;
        p.sid = p.pid;
        p.pgid = p.pid;
        return p.pid;
      case 166: {
        const old = p.umask;
        p.umask = Number(a0 & 0o777n);
        return old;
      }
      case 167:
        return this.sysPrctl(p, i0, a1);
      case 90: // capget: no capabilities
        if (a1 !== 0n) this.writeUser(p, a1, new Uint8Array(24));
        return 0;
      case 92:
        return 0; // personality: PER_LINUX
      case 160:
        return this.sysUname(p, a0);
      case 163:
        return this.sysPrlimit(p, 0, i0, 0n, a1);
      case 164:
        return this.sysPrlimit(p, 0, i0, a1, 0n);
      case 261:
        return this.sysPrlimit(p, i0, int32(a1), a2, a3);
      case 165:
        return this.writeUser(p, a1, new Uint8Array(144)) ? 0 : -E.EFAULT;
      case 179:
        return this.sysSysinfo(p, a0);
      case 153:
        return this.sysTimes(p, a0);
      case 141:
        return 20; // getpriority: nice 0
      case 140:
        return 0;
      // time
      case 101:
        return this.sysNanosleep(t, 1, 0, a0, a1);
      case 113:
        return this.sysClockGettime(p, i0, a1);
      case 114: {
        if (i0 < 0 || i0 > 11) return -E.EINVAL;
        if (a1 === 0n) return 0;
        const ts = new Uint8Array(16);
        new DataView(ts.buffer).setBigUint64(8, 1n, true);
        return this.writeUser(p, a1, ts) ? 0 : -E.EFAULT;
      }
      case 115:
        return this.sysNanosleep(t, i0, int32(a1), a2, a3);
      case 169:
        return this.sysGettimeofday(p, a0, a1);
      case 123: {
        // As Linux: the buffer must hold nr_cpu_ids bits in whole longs; it gets that many bytes.
        const size = Number(a1 & 0xffffffffn);
        const cpus = this.opts.cpus;
        const bytes = Math.ceil(cpus / 64) * 8;
        if (size * 8 < cpus || size % 8 !== 0) return -E.EINVAL;
        const mask = new Uint8Array(bytes);
        for (let c = 0; c < cpus; c++) mask[c >> 3] = (mask[c >> 3] as number) | (1 << (c & 7));
        return this.writeUser(p, a2, mask) ? bytes : -E.EFAULT;
      }
      case 122:
        return 0;
      case 124:
        this.yieldRequested = true;
        return 0;
      case 168:
        if (a0 !== 0n) this.writeU32(p, a0, 0);
        if (a1 !== 0n) this.writeU32(p, a1, 0);
        return 0;
      case 293:
        return -E.ENOSYS; // rseq
      case 283:
        return Number(a0) === 0 ? 0 : 0; // membarrier: a single CPU orders everything
      // memory
      case 214:
        return this.sysBrk(p, a0);
      case 215:
        return this.sysMunmap(p, a0, a1);
      case 216:
        return this.sysMremap(p, a0, a1, a2, Number(a3 & 0xffffffffn), a4);
      case 222:
        return this.sysMmap(p, a0, a1, Number(a2 & 0xffffffffn), Number(a3 & 0xffffffffn), int32(a4), a5);
      case 226:
        return this.sysMprotect(p, a0, a1, Number(a2 & 0xffffffffn));
      case 227: // msync
      case 228: // mlock
      case 229: // munlock
      case 230: // mlockall
      case 231: // munlockall
        return 0;
      case 233:
        return this.sysMadvise(p, a0, a1, i0 === 0 ? int32(a2) : int32(a2));
      case 278:
        return this.sysGetrandom(p, a0, a1);
      default:
        return undefined;
    }
  }

  // ---- descriptors ------------------------------------------------------------------------

  private file(p: Proc, fd: number): OpenFile | undefined {
    return fd >= 0 ? p.fds[fd]?.file : undefined;
  }

  private allocFd(p: Proc, from = 0): number {
    const limit = Number((p.limits.get(7) ?? DEFAULT_LIMITS[7] ?? [1024n])[0]);
    for (let fd = from; fd < limit; fd++) if (!p.fds[fd]) return fd;
    return -E.EMFILE;
  }

  private install(p: Proc, f: OpenFile, cloexec: boolean, from = 0): number {
    const fd = this.allocFd(p, from);
    if (fd < 0) return fd;
    p.fds[fd] = { file: f.retain(), cloexec };
    return fd;
  }

  private sysClose(p: Proc, fd: number): number {
    const ent = fd >= 0 ? p.fds[fd] : undefined;
    if (!ent) return -E.EBADF;
    p.fds[fd] = undefined;
    ent.file.release();
    return 0;
  }

  private sysDup(p: Proc, fd: number): number {
    const f = this.file(p, fd);
    return f ? this.install(p, f, false) : -E.EBADF;
  }

  private sysDup3(p: Proc, fd: number, to: number, flags: number): number {
    const f = this.file(p, fd);
    if (!f) return -E.EBADF;
    if (fd === to || (flags & ~O_CLOEXEC) !== 0) return -E.EINVAL;
    if (to < 0 || to >= 1024) return -E.EBADF;
    const old = p.fds[to];
    p.fds[to] = { file: f.retain(), cloexec: (flags & O_CLOEXEC) !== 0 };
    old?.file.release();
    return to;
  }

  private sysFcntl(p: Proc, fd: number, cmd: number, arg: bigint): number {
    const ent = fd >= 0 ? p.fds[fd] : undefined;
    if (!ent) return -E.EBADF;
    switch (cmd) {
      case 0: // F_DUPFD
      case 1030: {
        // F_DUPFD_CLOEXEC
        const from = Number(arg & 0xffffffffn);
        if (from >= 1024) return -E.EINVAL;
        return this.install(p, ent.file, cmd === 1030, from);
      }
      case 1: // F_GETFD
        return ent.cloexec ? 1 : 0;
      case 2: // F_SETFD
        ent.cloexec = (arg & 1n) !== 0n;
        return 0;
      case 3: // F_GETFL
        return ent.file.flags & ~O_CLOEXEC;
      case 4: // F_SETFL
        ent.file.flags = (ent.file.flags & ~SETFL_MASK) | (Number(arg & 0xffffffffn) & SETFL_MASK);
        return 0;
      case 5: // F_GETLK
      case 6: // F_SETLK
      case 7: // F_SETLKW
        return 0;
      case 1031: // F_SETPIPE_SZ
      case 1032: // F_GETPIPE_SZ
        return ent.file.node instanceof Pipe ? 65536 : -E.EBADF;
      default:
        return -E.EINVAL;
    }
  }

  private sysIoctl(p: Proc, fd: number, req: number, arg: bigint): number {
    const ent = fd >= 0 ? p.fds[fd] : undefined;
    if (!ent) return -E.EBADF;
    const node = ent.file.node;
    switch (req) {
      case 0x5451: // FIOCLEX
        ent.cloexec = true;
        return 0;
      case 0x5450: // FIONCLEX
        ent.cloexec = false;
        return 0;
      case 0x5421: {
        // FIONBIO
        const v = this.readU32(p, arg);
        if (v === undefined) return -E.EFAULT;
        ent.file.flags = v ? ent.file.flags | O_NONBLOCK : ent.file.flags & ~O_NONBLOCK;
        return 0;
      }
      case 0x541b: // FIONREAD
        if (node instanceof Pipe) return this.writeU32(p, arg, node.length) ? 0 : -E.EFAULT;
        break;
    }
    if (!node.isTty) return -E.ENOTTY;
    switch (req) {
      case 0x5401: {
        // TCGETS: a cooked terminal (ICRNL, OPOST|ONLCR, CS8|CREAD|B38400, ISIG|ICANON|ECHO…)
        const tio = new Uint8Array(60);
        const dv = new DataView(tio.buffer);
        dv.setUint32(0, 0o2400, true);
        dv.setUint32(4, 0o5, true);
        dv.setUint32(8, 0o277, true);
        dv.setUint32(12, 0o105073, true);
        const cc = [3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22];
        cc.forEach((c, i) => {
          tio[17 + i] = c;
        });
        return this.writeUser(p, arg, tio) ? 0 : -E.EFAULT;
      }
      case 0x5402:
      case 0x5403:
      case 0x5404:
        return 0;
      case 0x5413: {
        // TIOCGWINSZ: 24 rows, 80 columns
        const ws = new Uint8Array(8);
        const dv = new DataView(ws.buffer);
        dv.setUint16(0, 24, true);
        dv.setUint16(2, 80, true);
        return this.writeUser(p, arg, ws) ? 0 : -E.EFAULT;
      }
      case 0x540f: // TIOCGPGRP
        return this.writeU32(p, arg, p.pgid) ? 0 : -E.EFAULT;
      case 0x5410: // TIOCSPGRP
      case 0x5414: // TIOCSWINSZ
        return 0;
      default:
        return -E.EINVAL;
    }
  }

  private sysPipe2(p: Proc, fds: bigint, flags: number): number {
    if ((flags & ~(O_CLOEXEC | O_NONBLOCK | 0o40000)) !== 0) return -E.EINVAL;
    const pipe = new Pipe(this.wake, { uid: this.identity.uid, gid: this.identity.gid });
    const st = flags & O_NONBLOCK;
    const r = new OpenFile(pipe, O_RDONLY | st, 'pipe:[r]');
    const w = new OpenFile(pipe, O_WRONLY | st, 'pipe:[w]');
    const cloexec = (flags & O_CLOEXEC) !== 0;
    const rfd = this.install(p, r, cloexec);
    if (rfd < 0) {
      w.retain().release();
      r.retain().release();
      return rfd;
    }
    const wfd = this.install(p, w, cloexec);
    if (wfd < 0) {
      this.sysClose(p, rfd);
      w.retain().release();
      return wfd;
    }
    const b = new Uint8Array(8);
    const dv = new DataView(b.buffer);
    dv.setInt32(0, rfd, true);
    dv.setInt32(4, wfd, true);
    if (!this.writeUser(p, fds, b)) {
      this.sysClose(p, rfd);
      this.sysClose(p, wfd);
      return -E.EFAULT;
    }
    return 0;
  }

  private hostsOf(node: FileNode): HostInput[] {
    return node.hostInput ? [node.hostInput] : [];
  }

  private sysRead(t: Task, fd: number, buf: bigint, count: bigint): SysResult {
    const p = t.proc;
    const f = this.file(p, fd);
    if (!f || !f.readable) return -E.EBADF;
    const n = Number(count > 0x7ffff000n ? 0x7ffff000n : count);
    if (n === 0) return 0;
    const r = f.node.read ? f.node.read(f, n) : -E.EINVAL;
    if (r === 'block')
      return this.park(t, { why: `read(${fd})`, keys: [f.node], hosts: this.hostsOf(f.node), restartable: true });
    if (typeof r === 'number') return r;
    // As Linux: an empty read (EOF) copies nothing, so it cannot fault.
    if (r.length > 0 && !this.writeUser(p, buf, r)) return -E.EFAULT;
    return r.length;
  }

  private writeData(t: Task, fd: number, f: OpenFile, data: Uint8Array): SysResult {
    const r = f.node.write ? f.node.write(f, data) : -E.EINVAL;
    if (r === 'block') return this.park(t, { why: `write(${fd})`, keys: [f.node], hosts: [], restartable: true });
    if (r === -E.EPIPE) this.sendSignal(t.proc, SIG.SIGPIPE, { signo: SIG.SIGPIPE, code: SI_USER, pid: t.proc.pid }, t);
    return r;
  }

  private sysWrite(t: Task, fd: number, buf: bigint, count: bigint): SysResult {
    const p = t.proc;
    const f = this.file(p, fd);
    if (!f || !f.writable) return -E.EBADF;
    const n = Number(count > 0x7ffff000n ? 0x7ffff000n : count);
    const data = this.readUser(p, buf, n);
    if (!data) return -E.EFAULT;
    return this.writeData(t, fd, f, data);
  }

  private readIovec(p: Proc, iov: bigint, iovcnt: number): { base: bigint; len: number }[] | number {
    if (iovcnt < 0 || iovcnt > 1024) return -E.EINVAL;
    const table = this.readUser(p, iov, iovcnt * 16);
    if (!table) return -E.EFAULT;
    const dv = new DataView(table.buffer, table.byteOffset, table.byteLength);
    const out: { base: bigint; len: number }[] = [];
    let total = 0;
    for (let i = 0; i < iovcnt; i++) {
      const base = dv.getBigUint64(i * 16, true);
      const len = dv.getBigUint64(i * 16 + 8, true);
      if (len > BigInt(0x7ffff000 - total)) return -E.EINVAL;
      total += Number(len);
      out.push({ base, len: Number(len) });
    }
    return out;
  }

  private sysWritev(t: Task, fd: number, iov: bigint, iovcnt: number): SysResult {
    const p = t.proc;
    const f = this.file(p, fd);
    if (!f || !f.writable) return -E.EBADF;
    const v = this.readIovec(p, iov, iovcnt);
    if (typeof v === 'number') return v;
    const parts: Uint8Array[] = [];
    for (const { base, len } of v) {
      const d = this.readUser(p, base, len);
      if (!d) return -E.EFAULT;
      parts.push(d);
    }
    return this.writeData(t, fd, f, concat(parts));
  }

  private sysReadv(t: Task, fd: number, iov: bigint, iovcnt: number): SysResult {
    const p = t.proc;
    const f = this.file(p, fd);
    if (!f || !f.readable) return -E.EBADF;
    const v = this.readIovec(p, iov, iovcnt);
    if (typeof v === 'number') return v;
    const total = v.reduce((s, x) => s + x.len, 0);
    if (total === 0) return 0;
    for (const { base, len } of v) if (this.userRange(p, base, len, PROT_WRITE) === undefined) return -E.EFAULT;
    const r = f.node.read ? f.node.read(f, total) : -E.EINVAL;
    if (r === 'block')
      return this.park(t, { why: `readv(${fd})`, keys: [f.node], hosts: this.hostsOf(f.node), restartable: true });
    if (typeof r === 'number') return r;
    let o = 0;
    for (const { base, len } of v) {
      if (o >= r.length) break;
      const part = r.subarray(o, o + len);
      this.writeUser(p, base, part);
      o += part.length;
    }
    return r.length;
  }

  private sysPread(p: Proc, fd: number, buf: bigint, count: bigint, off: bigint): number {
    const f = this.file(p, fd);
    if (!f || !f.readable) return -E.EBADF;
    if (off < 0n) return -E.EINVAL;
    if (!f.node.pread) return f.node.kind === 'dir' ? -E.EISDIR : -E.ESPIPE;
    const n = Number(count > 0x7ffff000n ? 0x7ffff000n : count);
    if (this.userRange(p, buf, n, PROT_WRITE) === undefined) return -E.EFAULT;
    const r = f.node.pread(f, n, Number(off));
    if (typeof r === 'number') return r;
    this.writeUser(p, buf, r);
    return r.length;
  }

  private sysPwrite(p: Proc, fd: number, buf: bigint, count: bigint, off: bigint): number {
    const f = this.file(p, fd);
    if (!f || !f.writable) return -E.EBADF;
    if (off < 0n) return -E.EINVAL;
    if (!f.node.pwrite) return -E.ESPIPE;
    const data = this.readUser(p, buf, Number(count > 0x7ffff000n ? 0x7ffff000n : count));
    if (!data) return -E.EFAULT;
    return f.node.pwrite(f, data, Number(off));
  }

  private sysLseek(p: Proc, fd: number, off: bigint, whence: number): number | bigint {
    const f = this.file(p, fd);
    if (!f) return -E.EBADF;
    if (!f.node.seekable) return -E.ESPIPE;
    let base: number;
    if (whence === 0) base = 0;
    else if (whence === 1) base = f.offset;
    else if (whence === 2) base = f.node.size ? f.node.size() : 0;
    else return -E.EINVAL;
    const pos = BigInt(base) + off;
    if (pos < 0n) return -E.EINVAL;
    f.offset = Number(pos);
    if (f.node.kind === 'dir' && pos === 0n) f.dirEntries = undefined;
    return pos;
  }

  private sysGetdents64(p: Proc, fd: number, buf: bigint, count: number): number {
    const f = this.file(p, fd);
    if (!f) return -E.EBADF;
    if (!f.node.entries) return -E.ENOTDIR;
    if (!f.dirEntries) {
      const list = f.node.entries();
      if (typeof list === 'number') return list;
      f.dirEntries = list;
    }
    const enc = new TextEncoder();
    const out: Uint8Array[] = [];
    let used = 0;
    while (f.offset < f.dirEntries.length) {
      const ent = f.dirEntries[f.offset] as (typeof f.dirEntries)[number];
      const name = enc.encode(ent.name);
      const reclen = (19 + name.length + 1 + 7) & ~7;
      if (used + reclen > count) {
        if (used === 0) return -E.EINVAL;
        break;
      }
      const rec = new Uint8Array(reclen);
      const dv = new DataView(rec.buffer);
      dv.setBigUint64(0, BigInt(ent.ino), true);
      dv.setBigUint64(8, BigInt(f.offset + 1), true);
      dv.setUint16(16, reclen, true);
      rec[18] = ent.type;
      rec.set(name, 19);
      out.push(rec);
      used += reclen;
      f.offset++;
    }
    const all = concat(out);
    return this.writeUser(p, buf, all) ? all.length : -E.EFAULT;
  }

  // ---- paths ------------------------------------------------------------------------------

  /** The directory a *at call is relative to. */
  private dirOf(p: Proc, dirfd: number, path: string): string | number {
    if (path.startsWith('/') || dirfd === -100) return p.cwd;
    const f = this.file(p, dirfd);
    if (!f) return -E.EBADF;
    if (f.node.kind !== 'dir') return -E.ENOTDIR;
    return f.path;
  }

  private resolveAt(p: Proc, dirfd: number, pathPtr: bigint, follow: boolean, emptyPath = false): Resolved | number {
    const path = this.readCString(p, pathPtr);
    if (path === undefined) return -E.EFAULT;
    if (typeof path === 'number') return path;
    if (path === '' && emptyPath) {
      return -E.ENOENT;
    }
    const dir = this.dirOf(p, dirfd, path);
    if (typeof dir === 'number') return dir;
    return this.fs.resolve(dir, path, follow);
  }

  private guestPath(r: Resolved): string {
    return `/${r.comps.join('/')}`;
  }

  private sysOpenat(p: Proc, dirfd: number, pathPtr: bigint, flags: number, mode: number): number {
    const r = this.resolveAt(p, dirfd, pathPtr, (flags & 0o100000) === 0);
    if (typeof r === 'number') return r;
    if (r.exists && flags & O_DIRECTORY && !r.isDir) return -E.ENOTDIR;
    if (!r.exists && flags & O_DIRECTORY && !(flags & O_CREAT)) return -E.ENOENT;
    const path = this.guestPath(r);
    const node = this.fs.open(r, flags, mode & ~p.umask);
    if (typeof node === 'number') return node;
    if (r.exists && flags & O_TRUNC && node.truncate && (flags & O_ACCMODE) !== O_RDONLY) node.truncate(0);
    const f = new OpenFile(node, flags & ~(O_CREAT | O_TRUNC | 0o200 | O_CLOEXEC), path);
    const fd = this.install(p, f, (flags & O_CLOEXEC) !== 0);
    if (fd < 0) f.retain().release();
    return fd;
  }

  private writeStat(p: Proc, buf: bigint, s: StatInfo): number {
    const st = new Uint8Array(128);
    const dv = new DataView(st.buffer);
    dv.setBigUint64(0, BigInt(s.dev), true);
    dv.setBigUint64(8, BigInt(s.ino), true);
    dv.setUint32(16, s.mode, true);
    dv.setUint32(20, s.nlink, true);
    dv.setUint32(24, s.uid, true);
    dv.setUint32(28, s.gid, true);
    dv.setBigUint64(32, BigInt(s.rdev), true);
    dv.setBigInt64(48, BigInt(s.size), true);
    dv.setInt32(56, s.blksize, true);
    dv.setBigInt64(64, BigInt(s.blocks), true);
    const times = [s.atimeMs, s.mtimeMs, s.ctimeMs];
    times.forEach((ms, i) => {
      const sec = Math.floor(ms / 1000);
      dv.setBigInt64(72 + i * 16, BigInt(sec), true);
      dv.setBigInt64(80 + i * 16, BigInt(Math.round((ms - sec * 1000) * 1e6)), true);
    });
    return this.writeUser(p, buf, st) ? 0 : -E.EFAULT;
  }

  private statOfFd(p: Proc, fd: number): StatInfo | number {
    const f = this.file(p, fd);
    if (!f) return -E.EBADF;
    return f.node.stat();
  }

  private statAt(p: Proc, dirfd: number, pathPtr: bigint, flags: number): StatInfo | number {
    const AT_EMPTY_PATH = 0x1000;
    const AT_SYMLINK_NOFOLLOW = 0x100;
    const path = this.readCString(p, pathPtr);
    if (path === undefined) return -E.EFAULT;
    if (typeof path === 'number') return path;
    if (path === '' && flags & AT_EMPTY_PATH)
      return dirfd === -100 ? this.statPath(p, p.cwd, '.', true) : this.statOfFd(p, dirfd);
    const dir = this.dirOf(p, dirfd, path);
    if (typeof dir === 'number') return dir;
    return this.statPath(p, dir, path, (flags & AT_SYMLINK_NOFOLLOW) === 0);
  }

  private statPath(_p: Proc, dir: string, path: string, follow: boolean): StatInfo | number {
    const r = this.fs.resolve(dir, path, follow);
    if (typeof r === 'number') return r;
    if (!r.exists) return -E.ENOENT;
    return this.fs.stat(r.loc, r.magic);
  }

  private sysFstat(p: Proc, fd: number, buf: bigint): number {
    const s = this.statOfFd(p, fd);
    return typeof s === 'number' ? s : this.writeStat(p, buf, s);
  }

  private sysNewfstatat(p: Proc, dirfd: number, pathPtr: bigint, buf: bigint, flags: number): number {
    const s = this.statAt(p, dirfd, pathPtr, flags);
    return typeof s === 'number' ? s : this.writeStat(p, buf, s);
  }

  private sysStatx(p: Proc, dirfd: number, pathPtr: bigint, flags: number, buf: bigint): number {
    const s = this.statAt(p, dirfd, pathPtr, flags);
    if (typeof s === 'number') return s;
    const b = new Uint8Array(256);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, 0x7ff, true); // STATX_BASIC_STATS
    dv.setUint32(4, s.blksize, true);
    dv.setUint32(16, s.nlink, true);
    dv.setUint32(20, s.uid, true);
    dv.setUint32(24, s.gid, true);
    dv.setUint16(28, s.mode, true);
    dv.setBigUint64(32, BigInt(s.ino), true);
    dv.setBigUint64(40, BigInt(s.size), true);
    dv.setBigUint64(48, BigInt(s.blocks), true);
    const put = (at: number, ms: number) => {
      const sec = Math.floor(ms / 1000);
      dv.setBigInt64(at, BigInt(sec), true);
      dv.setUint32(at + 8, Math.round((ms - sec * 1000) * 1e6), true);
    };
    put(64, s.atimeMs);
    put(80, s.ctimeMs);
    put(96, s.ctimeMs);
    put(112, s.mtimeMs);
    dv.setUint32(128, s.rdev >> 8, true);
    dv.setUint32(132, s.rdev & 0xff, true);
    dv.setUint32(136, 0, true);
    dv.setUint32(140, s.dev, true);
    return this.writeUser(p, buf, b) ? 0 : -E.EFAULT;
  }

  private sysReadlinkat(p: Proc, dirfd: number, pathPtr: bigint, buf: bigint, size: number): number {
    if (size <= 0) return -E.EINVAL;
    const r = this.resolveAt(p, dirfd, pathPtr, false);
    if (typeof r === 'number') return r;
    if (!r.exists) return -E.ENOENT;
    const target = this.fs.readlinkAt(r.loc);
    if (typeof target === 'number') return target;
    const bytes = new TextEncoder().encode(target).subarray(0, size);
    return this.writeUser(p, buf, bytes) ? bytes.length : -E.EFAULT;
  }

  private sysFaccessat(p: Proc, dirfd: number, pathPtr: bigint, mode: number): number {
    const r = this.resolveAt(p, dirfd, pathPtr, true);
    if (typeof r === 'number') return r;
    if (!r.exists) return -E.ENOENT;
    const s = this.fs.stat(r.loc, r.magic);
    if (typeof s === 'number') return s;
    if (mode & 2 && r.loc.kind === 'host' && !r.loc.mount.writable) return -E.EROFS;
    const bits = (s.mode >> 6) & 7;
    if ((mode & 7 & ~bits) !== 0) return -E.EACCES;
    return 0;
  }

  private sysMkdirat(p: Proc, dirfd: number, pathPtr: bigint, mode: number): number {
    const r = this.resolveAt(p, dirfd, pathPtr, false);
    if (typeof r === 'number') return r;
    if (r.exists) return -E.EEXIST;
    const w = this.fs.writableHost(r.loc);
    if (typeof w === 'number') return w === -E.EACCES ? -E.EEXIST : w;
    return (this.fs.host as HostFs).mkdir(w.hostPath, mode & ~p.umask);
  }

  private sysUnlinkat(p: Proc, dirfd: number, pathPtr: bigint, flags: number): number {
    const r = this.resolveAt(p, dirfd, pathPtr, false);
    if (typeof r === 'number') return r;
    if (!r.exists) return -E.ENOENT;
    const w = this.fs.writableHost(r.loc);
    if (typeof w === 'number') return w;
    const host = this.fs.host as HostFs;
    if (flags & 0x200) return host.rmdir(w.hostPath);
    if (r.isDir) return -E.EISDIR;
    return host.unlink(w.hostPath);
  }

  private sysSymlinkat(p: Proc, targetPtr: bigint, dirfd: number, pathPtr: bigint): number {
    const target = this.readCString(p, targetPtr);
    if (target === undefined) return -E.EFAULT;
    if (typeof target === 'number') return target;
    const r = this.resolveAt(p, dirfd, pathPtr, false);
    if (typeof r === 'number') return r;
    if (r.exists) return -E.EEXIST;
    const w = this.fs.writableHost(r.loc);
    if (typeof w === 'number') return w;
    return (this.fs.host as HostFs).symlink(target, w.hostPath);
  }

  private sysRenameat(p: Proc, olddir: number, oldPtr: bigint, newdir: number, newPtr: bigint, flags: number): number {
    if (flags & ~1) return -E.EINVAL;
    const a = this.resolveAt(p, olddir, oldPtr, false);
    if (typeof a === 'number') return a;
    if (!a.exists) return -E.ENOENT;
    const b = this.resolveAt(p, newdir, newPtr, false);
    if (typeof b === 'number') return b;
    if (flags & 1 && b.exists) return -E.EEXIST;
    const wa = this.fs.writableHost(a.loc);
    if (typeof wa === 'number') return wa;
    const wb = this.fs.writableHost(b.loc);
    if (typeof wb === 'number') return wb;
    if (a.loc.kind === 'host' && b.loc.kind === 'host' && a.loc.mount !== b.loc.mount) return -E.EXDEV;
    return (this.fs.host as HostFs).rename(wa.hostPath, wb.hostPath);
  }

  private sysFtruncate(p: Proc, fd: number, len: bigint): number {
    const f = this.file(p, fd);
    if (!f) return -E.EBADF;
    if (!f.writable || !f.node.truncate) return -E.EINVAL;
    return f.node.truncate(Number(len));
  }

  private sysGetcwd(p: Proc, buf: bigint, size: bigint): number {
    const bytes = new TextEncoder().encode(`${p.cwd}\0`);
    if (BigInt(bytes.length) > size) return -E.ERANGE;
    return this.writeUser(p, buf, bytes) ? bytes.length : -E.EFAULT;
  }

  private sysChdir(p: Proc, pathPtr: bigint): number {
    const path = this.readCString(p, pathPtr);
    if (path === undefined) return -E.EFAULT;
    if (typeof path === 'number') return path;
    const r = this.fs.resolve(p.cwd, path, true);
    if (typeof r === 'number') return r;
    if (!r.exists) return -E.ENOENT;
    if (!r.isDir) return -E.ENOTDIR;
    p.cwd = this.guestPath(r);
    return 0;
  }

  private sysFchdir(p: Proc, fd: number): number {
    const f = this.file(p, fd);
    if (!f) return -E.EBADF;
    if (f.node.kind !== 'dir') return -E.ENOTDIR;
    p.cwd = f.path;
    return 0;
  }

  // ---- poll -------------------------------------------------------------------------------

  private readiness(f: OpenFile | undefined): number {
    if (!f) return POLLNVAL;
    const node = f.node;
    if (node instanceof HostInputNode) {
      const s = node.hostInput.status();
      if (s === 'again') return 0;
      return s === 'eof' ? POLLIN | POLLHUP : POLLIN;
    }
    return node.poll(f);
  }

  private timeoutDeadline(t: Task, p: Proc, tsPtr: bigint): number | undefined | 'fault' {
    if (tsPtr === 0n) return undefined;
    if (t.retrying && t.deadline !== undefined) return t.deadline;
    const b = this.readUser(p, tsPtr, 16);
    if (!b) return 'fault';
    const dv = new DataView(b.buffer, b.byteOffset);
    const ns = Number(dv.getBigInt64(0, true)) * NS + Number(dv.getBigInt64(8, true));
    t.deadline = this.clock + Math.max(0, ns);
    return t.deadline;
  }

  private sysPpoll(t: Task, fdsPtr: bigint, nfds: number, tsPtr: bigint, sigmask: bigint): SysResult {
    const p = t.proc;
    if (nfds > 1024) return -E.EINVAL;
    const table = this.readUser(p, fdsPtr, nfds * 8);
    if (!table) return -E.EFAULT;
    const deadline = this.timeoutDeadline(t, p, tsPtr);
    if (deadline === 'fault') return -E.EFAULT;
    void sigmask;
    const dv = new DataView(table.buffer, table.byteOffset, table.byteLength);
    let ready = 0;
    const keys: object[] = [];
    const hosts: HostInput[] = [];
    for (let i = 0; i < nfds; i++) {
      const fd = dv.getInt32(i * 8, true);
      const events = dv.getInt16(i * 8 + 4, true);
      let rev = 0;
      if (fd >= 0) {
        const f = this.file(p, fd);
        const m = this.readiness(f);
        rev = m & (events | POLLERR | POLLHUP | POLLNVAL);
        if (f) {
          keys.push(f.node);
          if (f.node.hostInput) hosts.push(f.node.hostInput);
        }
      }
      dv.setInt16(i * 8 + 6, rev, true);
      if (rev) ready++;
    }
    if (ready === 0 && (deadline === undefined || deadline > this.clock)) {
      return this.park(t, { why: `ppoll(${nfds} fds)`, keys, hosts, deadline, restartable: false });
    }
    this.writeUser(p, fdsPtr, table);
    return ready;
  }

  private sysPselect6(t: Task, nfds: number, rPtr: bigint, wPtr: bigint, ePtr: bigint, tsPtr: bigint): SysResult {
    const p = t.proc;
    if (nfds < 0 || nfds > 1024) return -E.EINVAL;
    const bytes = ((nfds + 63) >> 6) * 8;
    const sets = [rPtr, wPtr, ePtr].map((ptr) => (ptr === 0n ? undefined : this.readUser(p, ptr, bytes)));
    if ([rPtr, wPtr, ePtr].some((ptr, i) => ptr !== 0n && sets[i] === undefined)) return -E.EFAULT;
    const deadline = this.timeoutDeadline(t, p, tsPtr);
    if (deadline === 'fault') return -E.EFAULT;
    const outs = sets.map((s) => (s ? new Uint8Array(s.length) : undefined));
    let ready = 0;
    const keys: object[] = [];
    const hosts: HostInput[] = [];
    for (let fd = 0; fd < nfds; fd++) {
      const want = sets.map((s) => (s ? ((s[fd >> 3] as number) >> (fd & 7)) & 1 : 0));
      if (!want.some((w) => w)) continue;
      const f = this.file(p, fd);
      if (!f) return -E.EBADF;
      keys.push(f.node);
      if (f.node.hostInput) hosts.push(f.node.hostInput);
      const m = this.readiness(f);
      const got = [m & (POLLIN | POLLHUP | POLLERR), m & (POLLOUT | POLLERR), 0];
      for (let k = 0; k < 3; k++) {
        const o = outs[k];
        if (want[k] && got[k] && o) {
          o[fd >> 3] = (o[fd >> 3] as number) | (1 << (fd & 7));
          ready++;
        }
      }
    }
    if (ready === 0 && (deadline === undefined || deadline > this.clock)) {
      return this.park(t, { why: `pselect6(${nfds})`, keys, hosts, deadline, restartable: false });
    }
    [rPtr, wPtr, ePtr].forEach((ptr, k) => {
      const o = outs[k];
      if (ptr !== 0n && o) this.writeUser(p, ptr, o);
    });
    return ready;
  }

  // ---- processes --------------------------------------------------------------------------

  private sysClone(t: Task, flags: bigint, newsp: bigint, ptid: bigint, tls: bigint, ctid: bigint): SysResult {
    const f = Number(flags & 0xffffffffn);
    const CLONE_VM = 0x100;
    const CLONE_VFORK = 0x4000;
    const CLONE_THREAD = 0x10000;
    const CLONE_SETTLS = 0x80000;
    const CLONE_PARENT_SETTID = 0x100000;
    const CLONE_CHILD_CLEARTID = 0x200000;
    const CLONE_CHILD_SETTID = 0x1000000;
    const p = t.proc;
    const e = p.engine;
    if (f & CLONE_THREAD) {
      if (!(f & CLONE_VM)) return -E.EINVAL;
      if (p.tasks.filter((x) => x.state !== 'dead').length >= this.opts.maxThreads) return -E.EAGAIN;
      const tid = this.nextTid++;
      const child = new Task(tid, p);
      child.sigmask = t.sigmask;
      // The child's registers: the parent's, x0 = 0, its own stack and TLS, pc after the svc.
      const saved = e.contextSave();
      e.setX(0, 0n);
      if (newsp !== 0n) e.setX(31, newsp);
      if (f & CLONE_SETTLS) e.regWrite('tpidr_el0', tls);
      child.ctx = e.contextSave();
      e.contextRestore(saved);
      if (f & CLONE_CHILD_CLEARTID) child.clearTid = Number(ctid);
      if (f & CLONE_PARENT_SETTID) this.writeU32(p, ptid, tid);
      if (f & CLONE_CHILD_SETTID) this.writeU32(p, ctid, tid);
      p.tasks.push(child);
      this.tasks.push(child);
      this.multi = true;
      return tid;
    }
    // A new process: a deterministic copy of this one (CLONE_VM without CLONE_THREAD — vfork,
    // posix_spawn — gets a copy too; the parent then waits as with vfork).
    let alive = 0;
    for (const q of this.procs.values()) if (q.state === 'alive') alive++;
    if (alive >= this.opts.maxProcesses) return -E.EAGAIN;
    const ce = this.options.newEngine();
    const space = new AddressSpace(ce, p.space.limit);
    try {
      copyMemory(p.space, space);
    } catch (err) {
      ce.close();
      if (err instanceof EmuError) return -E.ENOMEM;
      throw err;
    }
    const pid = this.nextTid++;
    const c = new Proc(pid, p.pid, p.pgid, p.sid, ce, space, p.exe, p.cwd);
    c.actions = p.actions.map((a) => ({ ...a }));
    c.brkStart = p.brkStart;
    c.brkCur = p.brkCur;
    c.umask = p.umask;
    c.sigtramp = p.sigtramp;
    c.mmapTop = p.mmapTop;
    c.name = p.name;
    c.limits = new Map(p.limits);
    c.fds = p.fds.map((ent) => (ent ? { file: ent.file.retain(), cloexec: ent.cloexec } : undefined));
    copyRegisters(e, ce);
    ce.setPc(e.getPc());
    ce.setX(0, 0n);
    if (newsp !== 0n) ce.setX(31, newsp);
    if (f & CLONE_SETTLS) ce.regWrite('tpidr_el0', tls);
    const ct = new Task(pid, c);
    ct.sigmask = t.sigmask;
    ct.altstack = { ...t.altstack };
    if (f & CLONE_CHILD_CLEARTID) ct.clearTid = Number(ctid);
    if (f & CLONE_CHILD_SETTID) this.writeU32(c, ctid, pid);
    if (f & CLONE_PARENT_SETTID) this.writeU32(p, ptid, pid);
    c.tasks.push(ct);
    c.live = ct;
    this.hookEngine(c);
    this.procs.set(pid, c);
    p.children.add(c);
    this.tasks.push(ct);
    if (f & (CLONE_VFORK | CLONE_VM)) {
      c.vforkParent = t;
      return this.park(t, { why: `vfork(${pid})`, keys: [], hosts: [], restartable: false });
    }
    return pid;
  }

  private sysExecve(t: Task, pathPtr: bigint, argvPtr: bigint, envPtr: bigint): SysResult {
    const p = t.proc;
    const path = this.readCString(p, pathPtr);
    if (path === undefined) return -E.EFAULT;
    if (typeof path === 'number') return path;
    const argv = this.readStringArray(p, argvPtr);
    if (typeof argv === 'number') return argv;
    const env = this.readStringArray(p, envPtr);
    if (typeof env === 'number') return env;
    const r = this.fs.resolve(p.cwd, path, true);
    if (typeof r === 'number') return r;
    if (!r.exists) return -E.ENOENT;
    if (r.isDir) return -E.EACCES;
    const guest = this.guestPath(r);
    let bytes: Uint8Array | number;
    if (r.magic) bytes = p.exe.bytes;
    else if (r.loc.kind === 'host') {
      const s = r.loc.stat;
      if (!s || s.type !== 'file') return -E.EACCES;
      if ((s.mode & 0o111) === 0) return -E.EACCES;
      bytes = (this.fs.host as HostFs).readFile(r.loc.hostPath);
    } else return -E.EACCES;
    if (typeof bytes === 'number') return bytes;
    let exe: ElfExecutable;
    try {
      exe = parseExecutable(bytes, guest);
    } catch (err) {
      if (err instanceof ElfLoadError) return -E.ENOEXEC;
      throw err;
    }
    // Point of no return: other threads die, a fresh engine holds the new image.
    for (const x of p.tasks) if (x !== t) this.exitTask(x);
    p.tasks.length = 0;
    p.tasks.push(t);
    const ne = this.options.newEngine();
    const old = p.engine;
    p.engine = ne;
    p.space = new AddressSpace(ne, p.space.limit);
    p.live = t;
    t.ctx = null;
    t.clearTid = 0;
    t.altstack = { sp: 0, flags: 2, size: 0 };
    this.hookEngine(p);
    p.exe = { path: r.magic ? p.exe.path : guest, bytes };
    try {
      this.loadImage(p, exe, argv, env, path);
    } catch (err) {
      if (old !== this.firstEngine) old.close();
      if (p === this.init) this.initEngineReplaced?.(ne);
      this.killProc(p, SIG.SIGSEGV, `execve: ${(err as Error).message}`);
      return 'noreturn';
    }
    if (old !== this.firstEngine) old.close();
    if (p === this.init) this.initEngineReplaced?.(ne);
    for (let fd = 0; fd < p.fds.length; fd++) {
      const ent = p.fds[fd];
      if (ent?.cloexec) {
        p.fds[fd] = undefined;
        ent.file.release();
      }
    }
    p.actions = p.actions.map((a) =>
      a.handler === SIG_IGN
        ? { ...a, flags: 0, restorer: 0n, mask: 0n }
        : { handler: 0n, flags: 0, restorer: 0n, mask: 0n },
    );
    this.releaseVfork(p);
    return 'noreturn';
  }

  /** Told when execve replaces the first process's engine (its owner must not close the old one twice). */
  initEngineReplaced: ((engine: Engine) => void) | undefined;

  private sysWait4(t: Task, pid: number, statusPtr: bigint, options: number, rusage: bigint): SysResult {
    const p = t.proc;
    const WNOHANG = 1;
    const match = (c: Proc): boolean =>
      pid === -1 ? true : pid > 0 ? c.pid === pid : pid === 0 ? c.pgid === p.pgid : c.pgid === -pid;
    const candidates = [...p.children].filter(match);
    if (candidates.length === 0) return -E.ECHILD;
    const z = candidates.find((c) => c.state === 'zombie');
    if (z) {
      if (statusPtr !== 0n && !this.writeU32(p, statusPtr, z.wstatus)) return -E.EFAULT;
      if (rusage !== 0n) this.writeUser(p, rusage, new Uint8Array(144));
      this.reap(z);
      return z.pid;
    }
    if (options & WNOHANG) return 0;
    return this.park(t, { why: `wait4(${pid})`, keys: [p.childKey], hosts: [], restartable: true });
  }

  private sysKill(t: Task, pid: number, sig: number): number {
    if (sig < 0 || sig > 64) return -E.EINVAL;
    const p = t.proc;
    const info: SigInfo = { signo: sig, code: SI_USER, pid: p.pid, uid: this.identity.uid };
    let targets: Proc[];
    if (pid > 0) targets = [this.procs.get(pid)].filter((x): x is Proc => x !== undefined && x.state === 'alive');
    else if (pid === 0) targets = [...this.procs.values()].filter((x) => x.pgid === p.pgid && x.state === 'alive');
    else if (pid === -1) targets = [...this.procs.values()].filter((x) => x.state === 'alive');
    else targets = [...this.procs.values()].filter((x) => x.pgid === -pid && x.state === 'alive');
    if (targets.length === 0) return -E.ESRCH;
    for (const q of targets) this.sendSignal(q, sig, info, q === p && targets.length === 1 ? t : undefined);
    return 0;
  }

  private sysTgkill(t: Task, tgid: number, tid: number, sig: number): number {
    if (sig < 0 || sig > 64 || tid <= 0) return -E.EINVAL;
    for (const q of this.procs.values()) {
      if (tgid !== -1 && q.pid !== tgid) continue;
      const target = q.tasks.find((x) => x.tid === tid && x.state !== 'dead');
      if (target) {
        this.sendSignal(q, sig, { signo: sig, code: SI_TKILL, pid: t.proc.pid, uid: this.identity.uid }, target);
        return 0;
      }
    }
    return -E.ESRCH;
  }

  private sysSetpgid(p: Proc, pid: number, pgid: number): number {
    const q = pid === 0 ? p : this.procs.get(pid);
    if (!q || (q !== p && q.ppid !== p.pid)) return -E.ESRCH;
    if (pgid < 0) return -E.EINVAL;
    q.pgid = pgid === 0 ? q.pid : pgid;
    return 0;
  }

  private sysSigaction(p: Proc, sig: number, act: bigint, oldact: bigint, sigsetsize: bigint): number {
    if (sigsetsize !== 8n) return -E.EINVAL;
    if (sig < 1 || sig > 64) return -E.EINVAL;
    if (act !== 0n && (sig === SIG.SIGKILL || sig === SIG.SIGSTOP)) return -E.EINVAL;
    const cur = p.actions[sig] as SigAction;
    let next: SigAction | undefined;
    if (act !== 0n) {
      const b = this.readUser(p, act, 32);
      if (!b) return -E.EFAULT;
      const dv = new DataView(b.buffer, b.byteOffset);
      next = {
        handler: dv.getBigUint64(0, true),
        flags: Number(dv.getBigUint64(8, true) & 0xffffffffn),
        restorer: dv.getBigUint64(16, true),
        mask: dv.getBigUint64(24, true) & ~UNBLOCKABLE,
      };
    }
    if (oldact !== 0n) {
      const b = new Uint8Array(32);
      const dv = new DataView(b.buffer);
      dv.setBigUint64(0, cur.handler, true);
      dv.setBigUint64(8, BigInt(cur.flags >>> 0), true);
      dv.setBigUint64(16, cur.restorer, true);
      dv.setBigUint64(24, cur.mask, true);
      if (!this.writeUser(p, oldact, b)) return -E.EFAULT;
    }
    if (next) {
      p.actions[sig] = next;
      // Setting a signal to be ignored discards it where pending.
      if (next.handler === SIG_IGN) {
        p.pending &= ~bit(sig);
        for (const x of p.tasks) x.pending &= ~bit(sig);
      }
    }
    return 0;
  }

  private sysSigprocmask(t: Task, how: number, set: bigint, oldset: bigint, sigsetsize: bigint): number {
    const p = t.proc;
    if (sigsetsize !== 8n) return -E.EINVAL;
    let next: bigint | undefined;
    if (set !== 0n) {
      const v = this.readU64(p, set);
      if (v === undefined) return -E.EFAULT;
      if (how === 0) next = t.sigmask | v;
      else if (how === 1) next = t.sigmask & ~v;
      else if (how === 2) next = v;
      else return -E.EINVAL;
    }
    if (oldset !== 0n && !this.writeU64(p, oldset, t.sigmask)) return -E.EFAULT;
    if (next !== undefined) t.sigmask = next & ~UNBLOCKABLE;
    return 0;
  }

  private sysSigsuspend(t: Task, setPtr: bigint, size: bigint): SysResult {
    if (size !== 8n) return -E.EINVAL;
    const v = this.readU64(t.proc, setPtr);
    if (v === undefined) return -E.EFAULT;
    if (!t.retrying) t.savedMask = t.sigmask;
    t.sigmask = v & ~UNBLOCKABLE;
    const p = t.proc;
    const ready = (t.pending | p.pending) & ~t.sigmask;
    if (ready !== 0n) return -E.EINTR;
    return this.park(t, { why: 'rt_sigsuspend', keys: [], hosts: [], restartable: false, sigsuspend: true });
  }

  private sysSigaltstack(t: Task, ss: bigint, old: bigint): number {
    const p = t.proc;
    if (old !== 0n) {
      const b = new Uint8Array(24);
      const dv = new DataView(b.buffer);
      dv.setBigUint64(0, BigInt(t.altstack.sp), true);
      dv.setInt32(8, t.altstack.flags, true);
      dv.setBigUint64(16, BigInt(t.altstack.size), true);
      if (!this.writeUser(p, old, b)) return -E.EFAULT;
    }
    if (ss !== 0n) {
      const b = this.readUser(p, ss, 24);
      if (!b) return -E.EFAULT;
      const dv = new DataView(b.buffer, b.byteOffset);
      const flags = dv.getInt32(8, true);
      const size = Number(dv.getBigUint64(16, true));
      if (flags & 2) t.altstack = { sp: 0, flags: 2, size: 0 };
      else {
        if (size < 2048) return -E.ENOMEM;
        t.altstack = { sp: Number(dv.getBigUint64(0, true)), flags: 0, size };
      }
    }
    return 0;
  }

  // ---- futex ------------------------------------------------------------------------------

  private futexWake(p: Proc, addr: number, n: number, bitset: number): number {
    const q = p.futexes.get(addr);
    if (!q) return 0;
    let woke = 0;
    for (const w of [...q]) {
      if (woke >= n) break;
      if (((w.block?.futex?.bitset ?? 0xffffffff) & bitset) === 0) continue;
      this.completeTask(w, 0);
      woke++;
    }
    return woke;
  }

  private sysFutex(
    t: Task,
    uaddr: bigint,
    op: number,
    val: number,
    timeout: bigint,
    uaddr2: bigint,
    val3: number,
  ): SysResult {
    const p = t.proc;
    const cmd = op & 0x7f;
    const realtime = (op & 256) !== 0;
    const addr = Number(uaddr);
    if (addr % 4 !== 0) return -E.EINVAL;
    switch (cmd) {
      case 0: // FUTEX_WAIT (relative timeout)
      case 9: {
        // FUTEX_WAIT_BITSET (absolute timeout)
        const bitset = cmd === 9 ? val3 >>> 0 : 0xffffffff;
        if (bitset === 0) return -E.EINVAL;
        const cur = this.readU32(p, uaddr);
        if (cur === undefined) return -E.EFAULT;
        if (cur !== val >>> 0) return -E.EAGAIN;
        let deadline: number | undefined;
        if (timeout !== 0n) {
          const b = this.readUser(p, timeout, 16);
          if (!b) return -E.EFAULT;
          const dv = new DataView(b.buffer, b.byteOffset);
          const ns = Number(dv.getBigInt64(0, true)) * NS + Number(dv.getBigInt64(8, true));
          if (cmd === 0) deadline = this.clock + ns;
          else deadline = ns - (realtime ? REALTIME_EPOCH_SECONDS : MONOTONIC_BASE_SECONDS) * NS;
          if (deadline <= this.clock) return -E.ETIMEDOUT;
        }
        return this.park(t, {
          why: `futex wait 0x${addr.toString(16)}`,
          keys: [],
          hosts: [],
          deadline,
          onTimeout: -E.ETIMEDOUT,
          futex: { addr, bitset },
          restartable: false,
        });
      }
      case 1: // FUTEX_WAKE
        return this.futexWake(p, addr, val, 0xffffffff);
      case 10: // FUTEX_WAKE_BITSET
        return this.futexWake(p, addr, val, val3 >>> 0);
      case 3: // FUTEX_REQUEUE
      case 4: {
        // FUTEX_CMP_REQUEUE
        if (cmd === 4) {
          const cur = this.readU32(p, uaddr);
          if (cur === undefined) return -E.EFAULT;
          if (cur !== val3 >>> 0) return -E.EAGAIN;
        }
        const woke = this.futexWake(p, addr, val, 0xffffffff);
        const n2 = Number(timeout & 0x7fffffffn);
        const from = p.futexes.get(addr) ?? [];
        const to = Number(uaddr2);
        let moved = 0;
        while (moved < n2 && from.length > 0) {
          const w = from.shift() as Task;
          if (w.block?.futex) w.block.futex.addr = to;
          const q = p.futexes.get(to) ?? [];
          q.push(w);
          p.futexes.set(to, q);
          moved++;
        }
        if (from.length === 0) p.futexes.delete(addr);
        return woke + moved;
      }
      case 5: {
        // FUTEX_WAKE_OP
        const oldv = this.readU32(p, uaddr2);
        if (oldv === undefined) return -E.EFAULT;
        const opk = (val3 >>> 28) & 7;
        const cmp = (val3 >>> 24) & 15;
        let oparg = (val3 >>> 12) & 0xfff;
        const cmparg = val3 & 0xfff;
        if ((val3 >>> 31) & 1) oparg = 1 << oparg;
        const ops = [oparg, oldv + oparg, oldv | oparg, oldv & ~oparg, oldv ^ oparg];
        this.writeU32(p, uaddr2, (ops[opk & 7] ?? oparg) >>> 0);
        let woke = this.futexWake(p, addr, val, 0xffffffff);
        const cmps = [oldv === cmparg, oldv !== cmparg, oldv < cmparg, oldv <= cmparg, oldv > cmparg, oldv >= cmparg];
        if (cmps[cmp]) woke += this.futexWake(p, Number(uaddr2), Number(timeout & 0x7fffffffn), 0xffffffff);
        return woke;
      }
      default:
        return -E.ENOSYS;
    }
  }

  // ---- memory -----------------------------------------------------------------------------

  private mapOrFail(p: Proc, at: number, len: number, prot: number): boolean {
    try {
      p.space.map(at, len, prot);
      return true;
    } catch (err) {
      if (err instanceof EmuError) return false;
      throw err;
    }
  }

  private sysBrk(p: Proc, req: bigint): number {
    const cur = p.brkCur;
    if (req < BigInt(p.brkStart) || req >= BigInt(p.space.limit)) return cur;
    const want = Number(req);
    const oldTop = pageUp(cur);
    const newTop = pageUp(want);
    if (newTop > oldTop) {
      if (!p.space.isFree(oldTop, newTop - oldTop)) return cur;
      if (!this.mapOrFail(p, oldTop, newTop - oldTop, PROT_READ | PROT_WRITE)) return cur;
    } else if (newTop < oldTop) {
      p.space.unmap(newTop, oldTop - newTop);
    }
    p.brkCur = want;
    return want;
  }

  private sysMmap(
    p: Proc,
    addr: bigint,
    length: bigint,
    prot: number,
    flags: number,
    fd: number,
    offset: bigint,
  ): number {
    const MAP_FIXED = 0x10;
    const MAP_ANONYMOUS = 0x20;
    const MAP_FIXED_NOREPLACE = 0x100000;
    if (length === 0n) return -E.EINVAL;
    if (length > BigInt(p.space.limit)) return -E.ENOMEM;
    const len = pageUp(Number(length));
    const type = flags & 3;
    if (type !== 1 && type !== 2 && type !== 3) return -E.EINVAL;
    if (offset % BigInt(PAGE) !== 0n) return -E.EINVAL;
    let file: OpenFile | undefined;
    if ((flags & MAP_ANONYMOUS) === 0) {
      file = this.file(p, fd);
      if (!file) return -E.EBADF;
      if (!file.node.pread || file.node.kind !== 'reg') return -E.ENODEV;
      if (!file.readable) return -E.EACCES;
      if (type === 1 && prot & PROT_WRITE) return -E.EACCES; // shared writable file maps are not supported
    }
    if ((prot & ~7) !== 0) return -E.EINVAL;
    const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
    let at: number | undefined;
    if (fixed) {
      if (addr % BigInt(PAGE) !== 0n) return -E.EINVAL;
      if (addr + BigInt(len) > BigInt(p.space.limit)) return -E.ENOMEM;
      at = Number(addr);
      if (flags & MAP_FIXED_NOREPLACE && !(flags & MAP_FIXED) && !p.space.isFree(at, len)) return -E.EEXIST;
      p.space.unmap(at, len);
    } else {
      if (addr !== 0n && addr + BigInt(len) <= BigInt(p.mmapTop)) {
        const hint = Number(addr) - (Number(addr) % PAGE);
        if (hint >= MMAP_BOTTOM && p.space.isFree(hint, len)) at = hint;
      }
      at ??= p.space.findFreeTopDown(len, p.mmapTop, MMAP_BOTTOM);
      if (at === undefined) return -E.ENOMEM;
    }
    if (file) {
      if (!this.mapOrFail(p, at, len, PROT_READ | PROT_WRITE)) return -E.ENOMEM;
      const data = (file.node.pread as NonNullable<FileNode['pread']>)(file, Number(length), Number(offset));
      if (typeof data !== 'number' && data.length > 0) p.engine.memWrite(at, data);
      if (prot !== (PROT_READ | PROT_WRITE)) p.space.protect(at, len, prot);
      return at;
    }
    if (!this.mapOrFail(p, at, len, prot)) return -E.ENOMEM;
    return at;
  }

  private sysMunmap(p: Proc, addr: bigint, length: bigint): number {
    if (addr % BigInt(PAGE) !== 0n || length === 0n) return -E.EINVAL;
    if (addr + length > BigInt(p.space.limit)) return -E.EINVAL;
    p.space.unmap(Number(addr), pageUp(Number(length)));
    return 0;
  }

  private sysMprotect(p: Proc, addr: bigint, length: bigint, prot: number): number {
    if (addr % BigInt(PAGE) !== 0n) return -E.EINVAL;
    if ((prot & ~(7 | 0x01000000 | 0x02000000)) !== 0) return -E.EINVAL;
    if (length === 0n) return 0;
    if (addr + length > BigInt(p.space.limit)) return -E.ENOMEM;
    const a = Number(addr);
    const len = pageUp(Number(length));
    if (!p.space.isFullyMapped(a, len)) return -E.ENOMEM;
    try {
      p.space.protect(a, len, prot & 7);
    } catch (err) {
      // A split the engine cannot hold (Unicorn's region table): Linux's answer past
      // vm.max_map_count is ENOMEM too.
      if (err instanceof EmuError) return -E.ENOMEM;
      throw err;
    }
    return 0;
  }

  private sysMremap(
    p: Proc,
    oldAddr: bigint,
    oldSize: bigint,
    newSize: bigint,
    flags: number,
    newAddr: bigint,
  ): number {
    const MREMAP_MAYMOVE = 1;
    const MREMAP_FIXED = 2;
    if (oldAddr % BigInt(PAGE) !== 0n || newSize === 0n || flags & ~3) return -E.EINVAL;
    if (flags & MREMAP_FIXED) return -E.EINVAL;
    void newAddr;
    if (newSize > BigInt(p.space.limit) || oldSize > BigInt(p.space.limit)) return -E.ENOMEM;
    const a = Number(oldAddr);
    const oldLen = pageUp(Number(oldSize));
    const newLen = pageUp(Number(newSize));
    if (oldLen === 0 || !p.space.isFullyMapped(a, oldLen)) return -E.EFAULT;
    const prot = p.space.protAt(a) ?? 0;
    if (newLen <= oldLen) {
      p.space.unmap(a + newLen, oldLen - newLen);
      return a;
    }
    if (a + newLen <= p.space.limit && p.space.isFree(a + oldLen, newLen - oldLen)) {
      if (!this.mapOrFail(p, a + oldLen, newLen - oldLen, prot)) return -E.ENOMEM;
      return a;
    }
    if (!(flags & MREMAP_MAYMOVE)) return -E.ENOMEM;
    const at = p.space.findFreeTopDown(newLen, p.mmapTop, MMAP_BOTTOM);
    if (at === undefined || !this.mapOrFail(p, at, newLen, prot)) return -E.ENOMEM;
    for (let o = 0; o < oldLen; o += 1 << 20) {
      const n = Math.min(1 << 20, oldLen - o);
      p.engine.memWrite(at + o, p.engine.memRead(a + o, n));
    }
    p.space.unmap(a, oldLen);
    return at;
  }

  private sysMadvise(p: Proc, addr: bigint, length: bigint, advice: number): number {
    if (addr % BigInt(PAGE) !== 0n) return -E.EINVAL;
    if (advice === 4 /* MADV_DONTNEED */ && length > 0n) {
      const a = Number(addr);
      const len = pageUp(Number(length));
      for (const run of p.space.mappedRuns(a, len)) {
        const prot = p.space.protAt(run.begin) ?? 0;
        p.space.unmap(run.begin, run.end - run.begin);
        p.space.map(run.begin, run.end - run.begin, prot);
      }
    }
    return 0;
  }

  private sysGetrandom(p: Proc, buf: bigint, count: bigint): number {
    const n = Number(count > 0x2000000n ? 0x2000000n : count);
    if (n === 0) return 0;
    if (this.userRange(p, buf, n, PROT_WRITE) === undefined) return -E.EFAULT;
    this.writeUser(p, buf, this.random.bytes(n));
    return n;
  }

  // ---- time and system information --------------------------------------------------------

  private clockNs(clock: number): number | undefined {
    if (clock < 0 || clock > 11 || clock === 8 || clock === 9 || clock === 10) return undefined;
    if (clock === 0 || clock === 5 || clock === 11) return REALTIME_EPOCH_SECONDS * NS + this.clock;
    if (clock === 2 || clock === 3) return this.clock;
    return MONOTONIC_BASE_SECONDS * NS + this.clock;
  }

  private writeTimespec(p: Proc, at: bigint, ns: number): boolean {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    dv.setBigInt64(0, BigInt(Math.floor(ns / NS)), true);
    dv.setBigInt64(8, BigInt(ns % NS), true);
    return this.writeUser(p, at, b);
  }

  private sysClockGettime(p: Proc, clock: number, tp: bigint): number {
    const ns = this.clockNs(clock);
    if (ns === undefined) return -E.EINVAL;
    return this.writeTimespec(p, tp, ns) ? 0 : -E.EFAULT;
  }

  private sysGettimeofday(p: Proc, tv: bigint, tz: bigint): number {
    const ns = REALTIME_EPOCH_SECONDS * NS + this.clock;
    if (tv !== 0n) {
      const b = new Uint8Array(16);
      const dv = new DataView(b.buffer);
      dv.setBigInt64(0, BigInt(Math.floor(ns / NS)), true);
      dv.setBigInt64(8, BigInt(Math.floor((ns % NS) / 1000)), true);
      if (!this.writeUser(p, tv, b)) return -E.EFAULT;
    }
    if (tz !== 0n && !this.writeUser(p, tz, new Uint8Array(8))) return -E.EFAULT;
    return 0;
  }

  private sysNanosleep(t: Task, clock: number, flags: number, req: bigint, rem: bigint): SysResult {
    const p = t.proc;
    const base = this.clockNs(clock);
    if (base === undefined) return -E.EINVAL;
    const b = this.readUser(p, req, 16);
    if (!b) return -E.EFAULT;
    const dv = new DataView(b.buffer, b.byteOffset);
    const sec = Number(dv.getBigInt64(0, true));
    const nsec = Number(dv.getBigInt64(8, true));
    if (sec < 0 || nsec < 0 || nsec >= NS) return -E.EINVAL;
    const ns = sec * NS + nsec;
    const deadline = flags & 1 ? this.clock + (ns - base) : this.clock + ns;
    void rem;
    if (deadline <= this.clock) return 0;
    return this.park(t, {
      why: `sleep until ${(deadline / NS).toFixed(3)} s`,
      keys: [],
      hosts: [],
      deadline,
      onTimeout: 0,
      restartable: false,
    });
  }

  private sysTimes(p: Proc, buf: bigint): number {
    const ticks = Math.floor(this.clock / 10_000_000);
    if (buf !== 0n) {
      const b = new Uint8Array(32);
      new DataView(b.buffer).setBigInt64(0, BigInt(ticks), true);
      if (!this.writeUser(p, buf, b)) return -E.EFAULT;
    }
    return ticks + 100;
  }

  private sysSysinfo(p: Proc, buf: bigint): number {
    const b = new Uint8Array(112);
    const dv = new DataView(b.buffer);
    dv.setBigInt64(0, BigInt(MONOTONIC_BASE_SECONDS + Math.floor(this.clock / NS)), true);
    dv.setBigUint64(32, 4n << 30n, true);
    dv.setBigUint64(40, 3n << 30n, true);
    dv.setUint16(80, this.procs.size, true);
    dv.setUint32(104, 1, true);
    return this.writeUser(p, buf, b) ? 0 : -E.EFAULT;
  }

  private sysPrlimit(p: Proc, pid: number, resource: number, newPtr: bigint, oldPtr: bigint): number {
    const q = pid === 0 ? p : this.procs.get(pid);
    if (!q) return -E.ESRCH;
    if (resource < 0 || resource > 15) return -E.EINVAL;
    const cur = q.limits.get(resource) ?? DEFAULT_LIMITS[resource] ?? [RLIM_INF, RLIM_INF];
    if (oldPtr !== 0n) {
      const b = new Uint8Array(16);
      const dv = new DataView(b.buffer);
      dv.setBigUint64(0, cur[0], true);
      dv.setBigUint64(8, cur[1], true);
      if (!this.writeUser(p, oldPtr, b)) return -E.EFAULT;
    }
    if (newPtr !== 0n) {
      const b = this.readUser(p, newPtr, 16);
      if (!b) return -E.EFAULT;
      const dv = new DataView(b.buffer, b.byteOffset);
      const soft = dv.getBigUint64(0, true);
      const hard = dv.getBigUint64(8, true);
      if (soft > hard) return -E.EINVAL;
      if (hard > cur[1]) return -E.EPERM;
      q.limits.set(resource, [soft, hard]);
    }
    return 0;
  }

  private sysPrctl(p: Proc, option: number, arg: bigint): number {
    switch (option) {
      case 15: {
        // PR_SET_NAME
        const s = this.readCString(p, arg, 4096);
        if (typeof s !== 'string') return -E.EFAULT;
        p.name = s.slice(0, 15);
        return 0;
      }
      case 16: {
        // PR_GET_NAME
        const b = new Uint8Array(16);
        b.set(new TextEncoder().encode(p.name).subarray(0, 15));
        return this.writeUser(p, arg, b) ? 0 : -E.EFAULT;
      }
      case 1: // PR_SET_PDEATHSIG
      case 4: // PR_SET_DUMPABLE
      case 36: // PR_SET_CHILD_SUBREAPER
      case 38: // PR_SET_NO_NEW_PRIVS
      case 0x53564d41: // PR_SET_VMA
        return 0;
      case 3: // PR_GET_DUMPABLE
        return 1;
      case 39: // PR_GET_NO_NEW_PRIVS
        return 0;
      default:
        return -E.EINVAL;
    }
  }

  private sysUname(p: Proc, buf: bigint): number {
    const out = new Uint8Array(65 * 6);
    const enc = new TextEncoder();
    const fields = ['Linux', 'orc-sandbox', '6.1.0-orc-sandbox', '#1 SMP PREEMPT_DYNAMIC', 'aarch64', '(none)'];
    fields.forEach((f, i) => {
      out.set(enc.encode(f).subarray(0, 64), i * 65);
    });
    return this.writeUser(p, buf, out) ? 0 : -E.EFAULT;
  }

  /**
   * Runs one system call for the first thread of the first process, as if it had executed `svc`
   * (tests drive the layer with register values this way). Undefined when not implemented;
   * 'block' when it would wait.
   */
  invoke(nr: number, args: bigint[]): number | 'block' | 'noreturn' | undefined {
    const t = this.init.tasks[0] as Task;
    this.current = t;
    const r = this.dispatch(t, nr, [...args, 0n, 0n, 0n, 0n, 0n, 0n].slice(0, 6));
    if (r === 'block') this.unpark(t);
    return typeof r === 'bigint' ? Number(BigInt.asIntN(64, r)) : r;
  }

  /** A process that has a pid (tests, `kill` from the host side). */
  process(pid: number): Proc | undefined {
    return this.procs.get(pid);
  }

  /** True when slices should end early (sched_yield). */
  takeYield(): boolean {
    const y = this.yieldRequested;
    this.yieldRequested = false;
    return y;
  }
}

// ---- helpers --------------------------------------------------------------------------------

const GPR_NAMES: RegName[] = ['nzcv', 'fpcr', 'fpsr', 'tpidr_el0'];

function copyRegisters(from: Engine, to: Engine): void {
  for (let i = 0; i <= 31; i++) to.setX(i, from.getX(i));
  for (const r of GPR_NAMES) to.regWrite(r, from.regRead(r));
  for (let i = 0; i < 32; i++) to.regWrite(`q${i}` as RegName, from.regRead(`q${i}` as RegName));
  to.setPc(from.getPc());
}

/** Maps every mapping of `from` into `to` with the same protection, copying non-zero pages. */
function copyMemory(from: AddressSpace, to: AddressSpace): void {
  // Runs of consecutive pages that are not all zeros go over in one memWrite (one call into
  // Unicorn each, not one a page).
  let runAt = -1;
  const run: Uint8Array[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    const bytes = new Uint8Array(run.length * PAGE);
    run.forEach((p, k) => {
      bytes.set(p, k * PAGE);
    });
    to.engine.memWrite(runAt, bytes);
    run.length = 0;
  };
  const page = (address: number, bytes: Uint8Array): void => {
    if (isZero(bytes)) return;
    if (run.length > 0 && address !== runAt + run.length * PAGE) flush();
    if (run.length === 0) runAt = address;
    // A copy: the engine's view is only good until its next call.
    run.push(bytes.slice());
    if (run.length === 64) flush();
  };
  const pagesIn = from.engine.memPagesIn?.bind(from.engine);
  for (const span of from.spans()) {
    to.map(span.begin, span.end - span.begin, span.prot);
    if (pagesIn) {
      // Only the pages that hold memory (a stack or heap reservation is mostly never written).
      pagesIn(span.begin, span.end - span.begin, page);
    } else {
      for (let c = span.begin; c < span.end; c += 64 * PAGE) {
        const n = Math.min(64 * PAGE, span.end - c);
        const bytes = from.engine.memRead(c, n);
        for (let o = 0; o < n; o += PAGE) page(c + o, bytes.subarray(o, o + PAGE));
      }
    }
    flush();
  }
}

function isZero(b: Uint8Array): boolean {
  const w = new Uint32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) return false;
  return true;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const n = parts.reduce((s, p) => s + p.length, 0);
  const all = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return all;
}

function int32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

function fmtArg(v: bigint): string {
  const s = BigInt.asIntN(64, v & U64);
  if (s < 0n && s > -4096n) return s.toString();
  return `0x${(v & U64).toString(16)}`;
}

function fmtResult(r: bigint): string {
  return r >= 0x10000n ? `0x${r.toString(16)}` : String(r);
}

export { O_APPEND, O_RDWR };
