/**
 * Signal numbers, default actions and the AArch64 Linux signal frame. The frame is laid out as
 * arch/arm64/kernel/signal.c does, so handlers that read their ucontext (and sigsetjmp/
 * siglongjmp, which only need the mask and registers) see what they would see under Linux:
 *
 *   sp → struct rt_sigframe { siginfo_t info (128); struct ucontext uc; }   (4688 bytes)
 *        uc: uc_flags @0, uc_link @8, uc_stack @16 (ss_sp, ss_flags, ss_size), uc_sigmask @40,
 *            uc_mcontext @176 = struct sigcontext { fault_address, regs[31], sp, pc, pstate,
 *            __reserved[4096] @288 (16-aligned): fpsimd_context (magic 0x46508001, size 528,
 *            fpsr, fpcr, vregs[32]), then a zero terminator record }
 *        then (16-aligned, above the frame) a frame record { x29, x30 } that x29 points at.
 * On entry to the handler: x0 = signal, x1 = &info, x2 = &uc, sp = frame, x29 = &record,
 * x30 = the restorer (SA_RESTORER's, else a `mov x8, #139; svc #0` trampoline the kernel maps).
 */
import type { Engine, RegName } from '../engine.ts';

export const SIG = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
} as const;

export const SIGNAL_NAMES: Record<number, string> = Object.fromEntries(Object.entries(SIG).map(([k, v]) => [v, k]));

export function signalName(sig: number): string {
  return SIGNAL_NAMES[sig] ?? (sig >= 32 && sig <= 64 ? `SIGRT${sig - 32}` : `signal ${sig}`);
}

export const SA_NOCLDSTOP = 1;
export const SA_NOCLDWAIT = 2;
export const SA_SIGINFO = 4;
export const SA_RESTORER = 0x04000000;
export const SA_ONSTACK = 0x08000000;
export const SA_RESTART = 0x10000000;
export const SA_NODEFER = 0x40000000;
export const SA_RESETHAND = 0x80000000;

export const SIG_DFL = 0n;
export const SIG_IGN = 1n;

/** si_code values. */
export const SI_USER = 0;
export const SI_TKILL = -6;
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;
export const BUS_ADRALN = 1;
export const ILL_ILLOPC = 1;
export const TRAP_BRKPT = 1;
export const CLD_EXITED = 1;
export const CLD_KILLED = 2;

export type DefaultAction = 'terminate' | 'core' | 'ignore' | 'stop' | 'continue';

export function defaultAction(sig: number): DefaultAction {
  switch (sig) {
    case SIG.SIGCHLD:
    case SIG.SIGURG:
    case SIG.SIGWINCH:
      return 'ignore';
    case SIG.SIGCONT:
      return 'continue';
    case SIG.SIGSTOP:
    case SIG.SIGTSTP:
    case SIG.SIGTTIN:
    case SIG.SIGTTOU:
      return 'stop';
    case SIG.SIGQUIT:
    case SIG.SIGILL:
    case SIG.SIGTRAP:
    case SIG.SIGABRT:
    case SIG.SIGBUS:
    case SIG.SIGFPE:
    case SIG.SIGSEGV:
    case SIG.SIGXCPU:
    case SIG.SIGXFSZ:
    case SIG.SIGSYS:
      return 'core';
    default:
      return 'terminate';
  }
}

export const bit = (sig: number): bigint => 1n << BigInt(sig - 1);
/** Signals no mask can block. */
export const UNBLOCKABLE = bit(SIG.SIGKILL) | bit(SIG.SIGSTOP);

export interface SigAction {
  handler: bigint;
  flags: number;
  restorer: bigint;
  mask: bigint;
}

export interface SigInfo {
  signo: number;
  code: number;
  pid?: number;
  uid?: number;
  addr?: number;
  status?: number;
}

export const FRAME_SIZE = 4688;
const UC = 128;
const MCTX = UC + 176;
const FPSIMD = MCTX + 288;
const FPSIMD_MAGIC = 0x46508001;

const U64 = (1n << 64n) - 1n;

export function encodeSigInfo(info: SigInfo): Uint8Array {
  const b = new Uint8Array(128);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, info.signo, true);
  dv.setInt32(8, info.code, true);
  if (info.addr !== undefined) dv.setBigUint64(16, BigInt(info.addr), true);
  else {
    dv.setInt32(16, info.pid ?? 0, true);
    dv.setUint32(20, info.uid ?? 0, true);
    if (info.status !== undefined) dv.setInt32(24, info.status, true);
  }
  return b;
}

const VREGS: RegName[] = Array.from({ length: 32 }, (_, i) => `q${i}` as RegName);

/** Bytes of a frame holding the engine's current registers (pc as given: where to resume). */
export function buildFrame(
  e: Engine,
  info: SigInfo,
  resumePc: number,
  mask: bigint,
  altstack: { sp: number; flags: number; size: number },
  faultAddress: number,
): Uint8Array {
  const f = new Uint8Array(FRAME_SIZE);
  const dv = new DataView(f.buffer);
  f.set(encodeSigInfo(info), 0);
  dv.setBigUint64(UC + 16, BigInt(altstack.sp), true);
  dv.setInt32(UC + 24, altstack.flags, true);
  dv.setBigUint64(UC + 32, BigInt(altstack.size), true);
  dv.setBigUint64(UC + 40, mask & U64, true);
  dv.setBigUint64(MCTX, BigInt(faultAddress), true);
  for (let i = 0; i < 31; i++) dv.setBigUint64(MCTX + 8 + i * 8, e.getX(i) & U64, true);
  dv.setBigUint64(MCTX + 256, e.getX(31) & U64, true);
  dv.setBigUint64(MCTX + 264, BigInt(resumePc), true);
  dv.setBigUint64(MCTX + 272, e.regRead('nzcv') & 0xf0000000n, true);
  dv.setUint32(FPSIMD, FPSIMD_MAGIC, true);
  dv.setUint32(FPSIMD + 4, 528, true);
  dv.setUint32(FPSIMD + 8, Number(e.regRead('fpsr') & 0xffffffffn), true);
  dv.setUint32(FPSIMD + 12, Number(e.regRead('fpcr') & 0xffffffffn), true);
  for (let i = 0; i < 32; i++) {
    const q = e.regRead(VREGS[i] as RegName);
    dv.setBigUint64(FPSIMD + 16 + i * 16, q & U64, true);
    dv.setBigUint64(FPSIMD + 24 + i * 16, (q >> 64n) & U64, true);
  }
  return f;
}

/** Restores registers from a frame (rt_sigreturn); answers the saved mask. */
export function restoreFrame(e: Engine, f: Uint8Array): { mask: bigint; pc: number; altstack: bigint } {
  const dv = new DataView(f.buffer, f.byteOffset, f.byteLength);
  for (let i = 0; i < 31; i++) e.setX(i, dv.getBigUint64(MCTX + 8 + i * 8, true));
  e.setX(31, dv.getBigUint64(MCTX + 256, true));
  const pc = Number(dv.getBigUint64(MCTX + 264, true));
  e.regWrite('nzcv', dv.getBigUint64(MCTX + 272, true) & 0xf0000000n);
  if (dv.getUint32(FPSIMD, true) === FPSIMD_MAGIC) {
    e.regWrite('fpsr', BigInt(dv.getUint32(FPSIMD + 8, true)));
    e.regWrite('fpcr', BigInt(dv.getUint32(FPSIMD + 12, true)));
    for (let i = 0; i < 32; i++) {
      const lo = dv.getBigUint64(FPSIMD + 16 + i * 16, true);
      const hi = dv.getBigUint64(FPSIMD + 24 + i * 16, true);
      e.regWrite(VREGS[i] as RegName, (hi << 64n) | lo);
    }
  }
  return { mask: dv.getBigUint64(UC + 40, true), pc, altstack: dv.getBigUint64(UC + 16, true) };
}

/** `mov x8, #139 (rt_sigreturn); svc #0` — the restorer when a handler has none. */
export const SIGRETURN_TRAMPOLINE = new Uint8Array([0x68, 0x11, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4]);
