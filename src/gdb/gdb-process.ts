/**
 * The process a gdb session drives under `exec --gdb`: the same LinuxSystem as plain `exec`
 * (threads, fork, pipes, signals, mounts), with the debugger's hooks on its run loop
 * (KernelDebugHooks) so the target can stop between any two instructions of the first process.
 * Forked children run undebugged, as under qemu-user's gdb stub.
 */
import type { Engine } from '../emu/engine.ts';
import type { ElfExecutable } from '../emu/linux/elf.ts';
import type { LinuxSystem, Proc } from '../emu/linux/kernel.ts';
import type { InitialStack } from '../emu/linux/loader.ts';
import { type ExecOptions, LinuxProcess } from '../emu/linux/process.ts';

export class GdbProcess {
  readonly kernel: LinuxSystem;
  /** The debugged process (the first one). */
  readonly proc: Proc;
  readonly stack: InitialStack;
  private readonly linux: LinuxProcess;

  constructor(
    readonly firstEngine: Engine,
    readonly exe: ElfExecutable,
    options: ExecOptions = {},
  ) {
    this.linux = new LinuxProcess(firstEngine, exe, options);
    this.kernel = this.linux.kernel;
    this.proc = this.linux.proc;
    this.stack = this.linux.stack;
  }

  /** The debugged process's engine now (execve replaces it). */
  get engine(): Engine {
    return this.proc.engine;
  }
}
