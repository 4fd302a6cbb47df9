/**
 * Linux user mode: the syscall layer, verified with hand-written assembly programs that use only
 * MOVZ/ADD/SVC/B/RET (so they do not depend on the rest of the ISA) and by calling the layer
 * directly with register values.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Engine, type EngineKind, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { InstructionBudgetExceeded } from '../../src/emu/errors.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { parseExecutable } from '../../src/emu/linux/elf.ts';
import { E as ERRNO } from '../../src/emu/linux/errno.ts';
import { execElfCaptured, LinuxProcess, MMAP_TOP } from '../../src/emu/linux/process.ts';
import { SeededRandom } from '../../src/emu/linux/random.ts';
import { syscallName } from '../../src/emu/linux/sysnames.ts';
import { ProgramExit, ProgramKilled } from '../../src/executor/host/errors.ts';
import { programFault, RUN_LINUX_LAYOUT, RunSyscalls } from '../../src/executor/host/linux.ts';
import { ProcessHost } from '../../src/executor/host/process.ts';
import { asmProgram } from '../programs/corpus.ts';
import { describeWithOracles } from '../support/oracles.ts';

/** AArch64 (asm-generic) system call numbers the tests use. */
const SYS = {
  ioctl: 29,
  pipe2: 59,
  read: 63,
  write: 64,
  writev: 66,
  fstat: 80,
  exit: 93,
  exit_group: 94,
  set_tid_address: 96,
  set_robust_list: 99,
  nanosleep: 101,
  clock_gettime: 113,
  kill: 129,
  rt_sigaction: 134,
  rt_sigprocmask: 135,
  uname: 160,
  getpid: 172,
  getuid: 174,
  gettid: 178,
  brk: 214,
  munmap: 215,
  clone: 220,
  execve: 221,
  mmap: 222,
  mprotect: 226,
  getrandom: 278,
} as const;

const text = (b: Uint8Array) => new TextDecoder().decode(b);

it('the numbers above are those of the trace table', () => {
  for (const [name, nr] of Object.entries(SYS)) expect(syscallName(nr)).toBe(name);
});
const s64 = (v: bigint) => BigInt.asIntN(64, v);

async function setUp(name: string, options: ConstructorParameters<typeof LinuxProcess>[2] = {}) {
  const engine: Engine = await createEngine('ts');
  const proc = new LinuxProcess(engine, parseExecutable(asmProgram(name), `${name}.elf`), options);
  return { engine, proc };
}

describe('syscall layer through assembly programs', () => {
  it('write to stdout and stderr, exit_group status', async () => {
    const r = await execElfCaptured(asmProgram('hello'), 'hello.elf');
    expect(text(r.stdout)).toBe('hello from asm\n');
    expect(text(r.stderr)).toBe('to stderr\n');
    expect(r.status).toBe(7);
    expect(r.termination).toEqual({ kind: 'exit', status: 7 });
    expect(r.syscalls).toBe(3);
    expect(r.instructions).toBe(17);
  });

  it('brk, mmap, gettid, ENOSYS, EBADF, clock_gettime, getrandom, uname, ioctl', async () => {
    const out: Uint8Array[] = [];
    const trace: string[] = [];
    const { engine, proc } = await setUp('syscalls', {
      seed: 99,
      stdout: (b) => {
        out.push(b);
      },
      traceSyscalls: (l) => trace.push(l),
    });
    const r = proc.run();
    expect(r.status).toBe(0);
    expect(text(out[0] as Uint8Array)).toBe('syscalls done\n');
    const x = (i: number) => s64(engine.getX(i));
    const brk0 = Number(x(19));
    expect(brk0).toBe(proc.image.brk);
    expect(brk0 % 4096).toBe(0);
    expect(Number(x(20))).toBe(brk0 + 0x3000);
    const m = Number(x(21));
    expect(m % 4096).toBe(0);
    expect(m + 0x2000).toBeLessThanOrEqual(MMAP_TOP);
    expect(x(22)).toBe(100n);
    expect(x(23)).toBe(BigInt(-ERRNO.ENOSYS));
    expect(x(24)).toBe(BigInt(-ERRNO.EBADF));
    expect(x(25)).toBe(0n);
    expect(x(26)).toBe(16n);
    expect(x(27)).toBe(0n);
    expect(x(28)).toBe(BigInt(-ERRNO.ENOTTY));
    // brk memory is mapped read/write, the mmap region too.
    expect(engine.memRegions().some((g) => g.begin <= brk0 && g.end >= brk0 + 0x3000 && g.perms === 3)).toBe(true);
    // clock_gettime(CLOCK_MONOTONIC): 1000 s + instructions executed so far, in ns.
    const ts = new DataView(engine.memRead(m, 16).buffer);
    expect(ts.getBigUint64(0, true)).toBe(1000n);
    const ns = Number(ts.getBigUint64(8, true));
    expect(ns).toBeGreaterThan(20);
    expect(ns).toBeLessThan(r.instructions);
    // getrandom continues the seeded stream after the 16 AT_RANDOM bytes.
    const rng = new SeededRandom(99);
    rng.bytes(16);
    expect(engine.memRead(m + 16, 16)).toEqual(rng.bytes(16));
    const field = (k: number) => text(engine.memRead(m + 64 + 65 * k, 65)).replace(/\0.*$/s, '');
    expect([field(0), field(4)]).toEqual(['Linux', 'aarch64']);
    expect(trace).toContain('syscall 1000(0x1, 0x2, 0x3, 0x22, 0x0, 0x0) = -ENOSYS (unimplemented)');
    expect(trace).toContain('syscall write(0x5, 0x420000, 0x1) = -EBADF');
    expect(trace[trace.length - 1]).toBe('syscall exit_group(0x0) = ?');
  });

  it('same seed: same instruction count and random bytes; another seed: other bytes', async () => {
    const runs = [];
    for (const seed of [5, 5, 6]) {
      const { engine, proc } = await setUp('syscalls', { seed });
      const r = proc.run();
      const m = Number(engine.getX(21));
      runs.push({ n: r.instructions, random: Array.from(engine.memRead(m + 16, 16)), clock: engine.memRead(m, 16) });
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[2]?.n).toBe(runs[0]?.n);
    expect(runs[2]?.random).not.toEqual(runs[0]?.random);
  });

  it('a fetch from unmapped memory ends the run as SIGSEGV (139)', async () => {
    const r = await execElfCaptured(asmProgram('segv'), 'segv.elf');
    expect(text(r.stdout)).toBe('about to fault\n');
    expect(r.status).toBe(139);
    expect(r.termination).toMatchObject({
      kind: 'signal',
      signal: 11,
      signalName: 'SIGSEGV',
      reason: 'unmapped fetch fault at 0x1234 (size 4) by instruction at 0x1234',
    });
  });

  it('an undefined instruction ends the run as SIGILL (132)', async () => {
    const r = await execElfCaptured(asmProgram('udf'), 'udf.elf');
    expect(r.status).toBe(132);
    expect(r.termination).toMatchObject({ kind: 'signal', signalName: 'SIGILL', unimplemented: false });
    if (r.termination.kind === 'signal') expect(r.termination.reason).toMatch(/0x400004/);
  });

  it('--max-insns stops a runaway program with InstructionBudgetExceeded', async () => {
    const p = execElfCaptured(asmProgram('spin'), 'spin.elf', { maxInsns: 10_001 });
    await expect(p).rejects.toBeInstanceOf(InstructionBudgetExceeded);
    await expect(p).rejects.toMatchObject({ budget: 10_001 });
    const { engine, proc } = await setUp('spin', { maxInsns: 1000 });
    expect(() => proc.run()).toThrow(/instruction budget of 1000 exhausted at pc 0x40000[04]/);
    expect(engine.instructionCount()).toBe(1000);
    // A program that ends within its budget is unaffected.
    const ok = await execElfCaptured(asmProgram('hello'), 'hello.elf', { maxInsns: 17 });
    expect(ok.status).toBe(7);
  });

  it('a static-pie program runs at its load bias', async () => {
    const r = await execElfCaptured(asmProgram('pie-exit'), 'pie-exit.elf');
    expect(r.status).toBe(42);
  });
});

describe('syscall layer called directly', () => {
  async function kernel(stdin: Uint8Array = new Uint8Array(0)) {
    const out: Uint8Array[] = [];
    const { engine, proc } = await setUp('spin', {
      stdin,
      stdout: (b) => {
        out.push(b.slice());
      },
    });
    const k = proc.kernel;
    const call = (nr: number, ...args: (number | bigint)[]): number => {
      const r = k.invoke(
        nr,
        args.map((a) => BigInt.asUintN(64, BigInt(a))),
      );
      if (typeof r !== 'number') throw new Error(`syscall ${nr}: ${r ?? 'not implemented'}`);
      return r;
    };
    const mmapAnon = (addr: number, len: number, prot = 3, flags = 0x22) =>
      call(SYS.mmap, addr, len, prot, flags, -1, 0);
    return { engine, k, proc, call, mmapAnon, out };
  }

  it('mmap: non-fixed top-down, hint, MAP_FIXED replaces, MAP_FIXED_NOREPLACE refuses, errors', async () => {
    const { engine, call, mmapAnon } = await kernel();
    const a = mmapAnon(0, 8192);
    const b = mmapAnon(0, 4096);
    expect(b).toBe(a - 4096);
    engine.memWrite(a, new Uint8Array([1, 2, 3]));
    expect(mmapAnon(a, 4096, 3, 0x22 | 0x10)).toBe(a); // MAP_FIXED over existing: zeroed
    expect(Array.from(engine.memRead(a, 3))).toEqual([0, 0, 0]);
    expect(mmapAnon(a, 4096, 3, 0x22 | 0x100000)).toBe(-ERRNO.EEXIST);
    expect(mmapAnon(0x3000_0000, 4096)).toBe(0x3000_0000); // a free hint is honoured
    expect(mmapAnon(0, 0)).toBe(-ERRNO.EINVAL);
    expect(mmapAnon(0, 4096, 3, 0x20)).toBe(-ERRNO.EINVAL); // neither shared nor private
    expect(mmapAnon(0x1001, 4096, 3, 0x32)).toBe(-ERRNO.EINVAL); // fixed, unaligned
    expect(call(SYS.mmap, 0, 4096, 3, 0x02, 1, 0)).toBe(-ERRNO.ENODEV); // file mapping of stdout
    expect(call(SYS.mmap, 0, 4096, 3, 0x02, 7, 0)).toBe(-ERRNO.EBADF);
    expect(call(SYS.mmap, 0, 4096, 3, 0x22, -1, 123)).toBe(-ERRNO.EINVAL);
  });

  it('munmap and mprotect', async () => {
    const { engine, call, mmapAnon } = await kernel();
    const a = mmapAnon(0, 3 * 4096);
    expect(call(SYS.mprotect, a + 4096, 4096, PROT_READ)).toBe(0);
    expect(engine.memRegions().find((g) => g.begin === a + 4096)?.perms).toBe(PROT_READ);
    expect(call(SYS.munmap, a + 4096, 4096)).toBe(0);
    expect(call(SYS.mprotect, a, 3 * 4096, PROT_READ)).toBe(-ERRNO.ENOMEM);
    expect(call(SYS.mprotect, a + 1, 4096, PROT_READ)).toBe(-ERRNO.EINVAL);
    expect(call(SYS.munmap, a + 1, 4096)).toBe(-ERRNO.EINVAL);
    expect(call(SYS.munmap, a, 0)).toBe(-ERRNO.EINVAL);
    expect(call(SYS.munmap, a, 3 * 4096)).toBe(0); // holes are fine
    expect(engine.memRegions().some((g) => g.begin < a + 3 * 4096 && g.end > a)).toBe(false);
    expect(call(SYS.mprotect, a, 0, PROT_READ | PROT_WRITE)).toBe(0);
  });

  it('brk grows, shrinks, and refuses to run into a mapping', async () => {
    const { engine, proc, call, mmapAnon } = await kernel();
    const b0 = call(SYS.brk, 0);
    expect(b0).toBe(proc.proc.brkStart);
    expect(call(SYS.brk, b0 + 10)).toBe(b0 + 10);
    engine.memWrite(b0 + 9, new Uint8Array([7]));
    expect(call(SYS.brk, b0 + 5 * 4096)).toBe(b0 + 5 * 4096);
    expect(call(SYS.brk, b0 + 4096)).toBe(b0 + 4096);
    expect(engine.memRegions().some((g) => g.begin <= b0 + 2 * 4096 && g.end > b0 + 2 * 4096)).toBe(false);
    expect(call(SYS.brk, b0 - 4096)).toBe(b0 + 4096); // below the start: unchanged
    expect(mmapAnon(b0 + 8 * 4096, 4096, 3, 0x32)).toBe(b0 + 8 * 4096);
    expect(call(SYS.brk, b0 + 20 * 4096)).toBe(b0 + 4096); // would overlap: unchanged
  });

  it('read consumes stdin; writev gathers; bad buffers give EFAULT', async () => {
    const { engine, call, mmapAnon, out } = await kernel(new TextEncoder().encode('abcdefg'));
    const m = mmapAnon(0, 4096);
    expect(call(SYS.read, 0, m, 4)).toBe(4);
    expect(call(SYS.read, 0, m + 4, 100)).toBe(3);
    expect(call(SYS.read, 0, m, 100)).toBe(0);
    expect(text(engine.memRead(m, 7))).toBe('abcdefg');
    expect(call(SYS.read, 1, m, 1)).toBe(-ERRNO.EBADF);
    const iov = new DataView(new ArrayBuffer(32));
    iov.setBigUint64(0, BigInt(m + 4), true);
    iov.setBigUint64(8, 3n, true);
    iov.setBigUint64(16, BigInt(m), true);
    iov.setBigUint64(24, 2n, true);
    engine.memWrite(m + 256, new Uint8Array(iov.buffer));
    expect(call(SYS.writev, 1, m + 256, 2)).toBe(5);
    expect(text(out[0] as Uint8Array)).toBe('efgab');
    expect(call(SYS.writev, 1, m + 256, -1)).toBe(-ERRNO.EINVAL);
    expect(call(SYS.write, 1, 0x10, 4)).toBe(-ERRNO.EFAULT);
    expect(call(SYS.write, 1, m + 4090, 100)).toBe(-ERRNO.EFAULT); // runs off the mapping
    expect(call(SYS.read, 0, 0x10, 4)).toBe(0); // at EOF nothing is copied
    expect(call(SYS.mprotect, m, 4096, PROT_READ)).toBe(0);
    expect(call(SYS.getrandom, m, 8, 0)).toBe(-ERRNO.EFAULT); // read-only destination
  });

  it('fstat, ioctl, signals, clocks, identities', async () => {
    const { engine, call, mmapAnon } = await kernel();
    const m = mmapAnon(0, 4096);
    expect(call(SYS.fstat, 1, m)).toBe(0);
    expect(new DataView(engine.memRead(m + 16, 4).buffer).getUint32(0, true) & 0o170000).toBe(0o010000);
    expect(call(SYS.fstat, 3, m)).toBe(-ERRNO.EBADF);
    expect(call(SYS.ioctl, 0, 0x5401, m)).toBe(-ERRNO.ENOTTY);
    expect(call(SYS.ioctl, 9, 0x5401, m)).toBe(-ERRNO.EBADF);
    engine.memWrite(m, new Uint8Array(32).fill(0xff));
    expect(call(SYS.rt_sigaction, 11, 0, m, 8)).toBe(0);
    expect(Array.from(engine.memRead(m, 32))).toEqual(new Array(32).fill(0));
    expect(call(SYS.rt_sigaction, 11, 0, m, 4)).toBe(-ERRNO.EINVAL);
    expect(call(SYS.rt_sigaction, 9, m, 0, 8)).toBe(-ERRNO.EINVAL);
    expect(call(SYS.rt_sigprocmask, 0, m, m + 64, 8)).toBe(0);
    expect(call(SYS.set_robust_list, m, 24)).toBe(0);
    expect(call(SYS.set_robust_list, m, 23)).toBe(-ERRNO.EINVAL);
    expect(call(SYS.set_tid_address, m)).toBe(call(SYS.gettid));
    expect(call(SYS.getpid)).toBe(100);
    expect(call(SYS.clock_gettime, 0, m)).toBe(0);
    expect(Number(new DataView(engine.memRead(m, 8).buffer).getBigUint64(0, true))).toBe(1_700_000_000);
    expect(call(SYS.clock_gettime, 99, m)).toBe(-ERRNO.EINVAL);
    expect(call(SYS.clock_gettime, 1, 0x10)).toBe(-ERRNO.EFAULT);
  });

  it('exit records the status; other numbers are not implemented', async () => {
    const { k } = await kernel();
    expect(k.invoke(1000, [0n, 0n, 0n, 0n, 0n, 0n])).toBeUndefined();
    expect(k.invoke(56, [0n, 0x10n, 0n, 0n])).toBe(-ERRNO.EFAULT); // openat of an unmapped path
    expect(k.invoke(SYS.exit, [0x1ffn])).toBe('noreturn');
    expect(k.result).toEqual({ kind: 'exit', status: 0xff });
  });
});

/** The `run` path's Linux layer on `kind`, driven by small hand-assembled calls. */
function runPathSuite(kind: EngineKind): void {
  const engines: Engine[] = [];
  afterEach(() => {
    for (const e of engines.splice(0)) e.close();
  });
  const CODE = 0x1000_0000;
  const DATA = 0x1001_0000;
  const STACK_TOP = 0x1010_0000;
  const movz = (d: number, imm: number, shift = 0) => (0xd2800000 | ((shift / 16) << 21) | (imm << 5) | d) >>> 0;
  const movk = (d: number, imm: number, shift: number) => (0xf2800000 | ((shift / 16) << 21) | (imm << 5) | d) >>> 0;
  const SVC = 0xd4000001;
  const RET = 0xd65f03c0;
  const MOV_X8_X7 = 0xaa0703e8; // orr x8, xzr, x7
  const MSG = DATA + 0x800;
  /** sys(a0…a5, nr): `mov x8, x7; svc #0; ret` called with x7 = nr. */
  const SYS_STUB = CODE;
  /** A SIGUSR1 handler: write(1, MSG, 8), then return to the kernel's sigreturn trampoline. */
  const HANDLER = CODE + 0x100;
  const words = (ws: number[]) => {
    const b = new Uint8Array(ws.length * 4);
    const dv = new DataView(b.buffer);
    ws.forEach((w, i) => {
      dv.setUint32(i * 4, w, true);
    });
    return b;
  };

  async function runPath(stdin = '') {
    const engine = await createEngine(kind);
    engines.push(engine);
    let out = '';
    let err = '';
    const trace: string[] = [];
    const host = new ProcessHost(engine, {
      stdout: (b) => {
        out += text(b);
      },
      stderr: (b) => {
        err += text(b);
      },
      stdin: new TextEncoder().encode(stdin),
    }).install();
    engine.memMap(CODE, 0x1000, PROT_READ | PROT_EXEC);
    engine.memWrite(SYS_STUB, words([MOV_X8_X7, SVC, RET]));
    engine.memWrite(
      HANDLER,
      words([movz(0, 1), movz(1, MSG & 0xffff), movk(1, MSG >>> 16, 16), movz(2, 8), movz(8, SYS.write), SVC, RET]),
    );
    engine.memMap(DATA, 0x1000, PROT_READ | PROT_WRITE);
    engine.memWrite(MSG, new TextEncoder().encode('handled\n'));
    engine.memMap(STACK_TOP - 0x10000, 0x10000, PROT_READ | PROT_WRITE);
    engine.setX(31, BigInt(STACK_TOP - 64));
    const layer = new RunSyscalls(host, { seed: 7, trace: (l) => trace.push(l) }).install();
    const sys = (nr: number, ...args: (number | bigint)[]): number => {
      const a = [...args, 0, 0, 0, 0, 0, 0].slice(0, 6).map((v) => BigInt.asUintN(64, BigInt(v)));
      return Number(BigInt.asIntN(64, host.callEmulated(SYS_STUB, [...a, 0n, BigInt(nr)])));
    };
    return { engine, host, layer, sys, trace, out: () => out, err: () => err };
  }

  it('identities, pipes, dup, and read(0) sharing the host libc stdin cursor', async () => {
    const { engine, host, sys, out, trace } = await runPath('hello world');
    expect([sys(SYS.getpid), sys(SYS.gettid), sys(SYS.getuid)]).toEqual([100, 100, 1000]);
    expect(sys(SYS.pipe2, DATA, 0)).toBe(0);
    const fds = new DataView(engine.memRead(DATA, 8).buffer);
    expect([fds.getInt32(0, true), fds.getInt32(4, true)]).toEqual([3, 4]);
    expect(sys(SYS.write, 4, MSG, 7)).toBe(7);
    expect(sys(SYS.read, 3, DATA + 0x100, 100)).toBe(7);
    expect(text(engine.memRead(DATA + 0x100, 7))).toBe('handled');
    expect(sys(23 /* dup */, 1)).toBe(5);
    expect(sys(SYS.write, 5, MSG, 8)).toBe(8);
    expect(out()).toBe('handled\n');
    expect(text(host.readStdin(6))).toBe('hello ');
    expect(sys(SYS.read, 0, DATA + 0x200, 3)).toBe(3);
    expect(text(engine.memRead(DATA + 0x200, 3))).toBe('wor');
    expect(text(host.readStdin(100))).toBe('ld');
    expect(sys(SYS.read, 0, DATA + 0x200, 3)).toBe(0);
    expect(trace).toContain('syscall pipe2(0x10010000, 0x0) = 0');
    expect(trace).toContain('syscall dup(0x1) = 5');
  });

  it('brk and mmap in the run areas, ENOMEM past the memory limit, ENOSYS for clone and execve', async () => {
    const { sys, trace } = await runPath();
    expect(sys(SYS.brk, 0)).toBe(RUN_LINUX_LAYOUT.brk);
    expect(sys(SYS.brk, RUN_LINUX_LAYOUT.brk + 0x2000)).toBe(RUN_LINUX_LAYOUT.brk + 0x2000);
    expect(sys(SYS.mmap, 0, 0x3000, 3, 0x22, -1, 0)).toBe(RUN_LINUX_LAYOUT.mmapTop - 0x3000);
    expect(sys(SYS.mmap, 0, 2 ** 40, 3, 0x22, -1, 0)).toBe(-ERRNO.ENOMEM);
    expect(trace).toContain('syscall mmap(0x0, 0x3000, 0x3, 0x22, -1, 0x0) = 0x3fffffd000');
    expect(sys(SYS.clone, 0x11, 0, 0, 0, 0)).toBe(-ERRNO.ENOSYS);
    expect(sys(SYS.execve, MSG, 0, 0)).toBe(-ERRNO.ENOSYS);
    expect(trace).toContain('syscall clone(0x11, 0x0, 0x0, 0x0, 0x0, 0x0) = -ENOSYS (unimplemented)');
  });

  it('nanosleep advances the virtual clock; clock_gettime reads it', async () => {
    const { engine, sys } = await runPath();
    const ts = new DataView(new ArrayBuffer(16));
    ts.setBigInt64(0, 2n, true);
    ts.setBigInt64(8, 250_000_000n, true);
    engine.memWrite(DATA, new Uint8Array(ts.buffer));
    expect(sys(SYS.nanosleep, DATA, 0)).toBe(0);
    expect(sys(SYS.clock_gettime, 1, DATA + 0x40)).toBe(0);
    const now = new DataView(engine.memRead(DATA + 0x40, 16).buffer);
    expect(now.getBigInt64(0, true)).toBe(1002n);
    const ns = Number(now.getBigInt64(8, true));
    expect(ns).toBeGreaterThan(250_000_000);
    expect(ns).toBeLessThan(250_000_100);
  });

  it('a signal sent to itself runs its handler on a real frame, then the call returns', async () => {
    const { engine, sys, out } = await runPath();
    // struct sigaction: handler, flags, restorer, mask (no SA_RESTORER: the kernel's trampoline).
    const act = new DataView(new ArrayBuffer(32));
    act.setBigUint64(0, BigInt(HANDLER), true);
    engine.memWrite(DATA, new Uint8Array(act.buffer));
    expect(sys(SYS.rt_sigaction, 10, DATA, 0, 8)).toBe(0);
    const sp = engine.getX(31);
    expect(sys(SYS.kill, 100, 10)).toBe(0);
    expect(out()).toBe('handled\n');
    expect(engine.getX(31)).toBe(sp);
    expect(sys(SYS.getpid)).toBe(100);
  });

  it('exit_group ends the run with its status; a fatal signal with 128 + signal', async () => {
    const a = await runPath();
    expect(() => a.sys(SYS.exit_group, 0x103)).toThrow(ProgramExit);
    expect(a.trace[a.trace.length - 1]).toBe('syscall exit_group(0x103) = ?');
    // Code the session runs afterwards meets a new process; the break goes on where it was.
    expect(a.sys(SYS.brk, RUN_LINUX_LAYOUT.brk + 0x1000)).toBe(RUN_LINUX_LAYOUT.brk + 0x1000);
    expect(() => a.sys(SYS.exit, 4)).toThrow(expect.objectContaining({ name: 'ProgramExit', status: 4 }));
    expect([a.sys(SYS.getpid), a.sys(SYS.brk, 0)]).toEqual([100, RUN_LINUX_LAYOUT.brk + 0x1000]);
    const b = await runPath();
    let caught: unknown;
    try {
      b.sys(SYS.kill, 100, 15);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ProgramKilled);
    expect(caught).toMatchObject({ signal: 15, reason: 'killed by SIGTERM' });
    const lines: string[] = [];
    expect(programFault(b.host, (s) => lines.push(s))(caught)).toMatchObject({ status: 143, reason: 'signal' });
    expect(lines).toEqual(['orc-sandbox run: program killed by SIGTERM (status 143): killed by SIGTERM\n']);
  });

  it('a write to a pipe without readers is EPIPE and SIGPIPE (141)', async () => {
    const { engine, sys } = await runPath();
    expect(sys(SYS.pipe2, DATA, 0)).toBe(0);
    const fds = new DataView(engine.memRead(DATA, 8).buffer);
    expect(sys(57 /* close */, fds.getInt32(0, true))).toBe(0);
    expect(() => sys(SYS.write, fds.getInt32(4, true), MSG, 1)).toThrow(
      expect.objectContaining({ name: 'ProgramKilled', signal: 13 }),
    );
  });

  it('a read nothing could ever wake is a GuestDeadlock naming the thread', async () => {
    const { sys } = await runPath();
    expect(sys(SYS.pipe2, DATA, 0)).toBe(0);
    expect(() => sys(SYS.read, 3, DATA + 0x100, 1)).toThrow(
      /deadlock: every thread is blocked\n {2}process 100 thread 100: /,
    );
  });
}

describe('run without --sysroot: the kernel of exec adopting the session engine (ts)', () => runPathSuite('ts'));
describeWithOracles(
  ['unicorn'],
  'run without --sysroot: the kernel of exec adopting the session engine (unicorn)',
  () => runPathSuite('unicorn'),
);
