/**
 * Runs a linked program's entry point like a C runtime would: a stack with argv/envp, initializers
 * first (each called as init(argc, argv, envp)), then `entry(argc, argv, envp)`; the exit status is
 * main's return value (low 8 bits, after atexit handlers), exit()'s argument, or 134 after abort().
 * Every call here is a top-level `start` (callbacks from host functions never nest one), so this
 * runs on the `ts` and the `unicorn` engine alike.
 */
import { PROT_READ, PROT_WRITE } from '../../emu/engine.ts';
import { ProgramExit } from './errors.ts';
import type { ProcessHost } from './process.ts';

export const DEFAULT_STACK = { top: 0x7ff0_0000, size: 0x10_0000 };

export interface RunProgramOptions {
  /** argv[0] first. */
  argv?: string[];
  initializers?: number[];
  stack?: { top: number; size: number };
  /** Instruction budget for the whole run (InstructionBudgetExceeded when exhausted). */
  maxInstructions?: number;
}

/** How a program run ended: its exit status, why, and the instructions it executed. */
export interface ProgramResult {
  status: number;
  /** 'signal': a fatal fault/trap, status 128 + signal number (see host/linux.ts). */
  reason: 'return' | 'exit' | 'abort' | 'signal';
  instructions: number;
}

/**
 * Maps the program stack and lays out argv (strings at the top, then the argv/envp arrays,
 * 16-byte aligned); sets sp and x29, arms the instruction deadline. Returns main's arguments
 * (argc, argv, envp) and the instruction count at the start.
 */
export function prepareProgramStack(host: ProcessHost, options: RunProgramOptions): { args: number[]; start: number } {
  const e = host.engine;
  const stack = options.stack ?? DEFAULT_STACK;
  const bottom = stack.top - stack.size;
  e.memMap(bottom, stack.size, PROT_READ | PROT_WRITE);
  // argv strings at the top, then the argv/envp arrays, 16-byte aligned.
  const argv = options.argv ?? ['a.out'];
  const enc = new TextEncoder();
  let p = stack.top;
  const ptrs: number[] = [];
  for (const a of argv) {
    const b = enc.encode(a);
    p -= b.length + 1;
    host.writeCString(p, b);
    ptrs.push(p);
  }
  p &= ~15;
  const arr = new Uint8Array(8 * (argv.length + 2));
  const dv = new DataView(arr.buffer);
  ptrs.forEach((v, i) => {
    dv.setBigUint64(8 * i, BigInt(v), true);
  });
  p -= arr.length;
  p &= ~15;
  host.writeBytes(p, arr);
  const argvAddr = p;
  const envpAddr = p + 8 * (argv.length + 1);
  e.setX(31, BigInt(p - 64));
  e.setX(29, 0n);
  const start = e.instructionCount();
  if (options.maxInstructions !== undefined) host.instructionDeadline = start + options.maxInstructions;
  return { args: [argv.length, argvAddr, envpAddr], start };
}

export function runProgram(host: ProcessHost, entry: number, options: RunProgramOptions = {}): ProgramResult {
  const e = host.engine;
  host.install();
  host.resetPendingCalls();
  const { args, start } = prepareProgramStack(host, options);
  try {
    for (const init of options.initializers ?? []) host.callEmulated(init, args);
    const r = host.callEmulated(entry, args);
    const status = Number(r & 0xffn);
    try {
      host.exit(status);
    } catch (x) {
      if (x instanceof ProgramExit)
        return { status: x.status, reason: 'return', instructions: e.instructionCount() - start };
      throw x;
    }
  } catch (x) {
    if (x instanceof ProgramExit) {
      return { status: x.status, reason: x.reason, instructions: e.instructionCount() - start };
    }
    throw x;
  }
  return { status: 0, reason: 'return', instructions: e.instructionCount() - start };
}
