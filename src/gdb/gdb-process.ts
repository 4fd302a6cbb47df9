/**
 * The process a gdb session drives under `exec --gdb`: one task of a static executable on one
 * engine, its system calls run by the single-task kernel (src/emu/linux/syscalls.ts) in deferred
 * mode, so the debugger target owns every start() and can stop between any two instructions.
 * `exec` without --gdb runs the full process model (LinuxSystem: fork, threads, pipes); a debugged
 * program that forks or clones gets that system call's error from the single-task kernel.
 */
import type { Engine } from '../emu/engine.ts';
import { type ElfExecutable, USER_ADDRESS_LIMIT } from '../emu/linux/elf.ts';
import { DEFAULT_STACK_SIZE, MMAP_BOTTOM, MMAP_TOP, STACK_TOP } from '../emu/linux/kernel.ts';
import {
  buildInitialStack,
  type InitialStack,
  type LoadedImage,
  loadExecutable,
  mapStack,
} from '../emu/linux/loader.ts';
import type { ExecOptions } from '../emu/linux/process.ts';
import { SeededRandom } from '../emu/linux/random.ts';
import { LinuxKernel, type OutputSink } from '../emu/linux/syscalls.ts';
import { AddressSpace } from '../emu/linux/vm.ts';

export class GdbProcess {
  readonly kernel: LinuxKernel;
  readonly space: AddressSpace;
  readonly image: LoadedImage;
  readonly stack: InitialStack;

  constructor(
    readonly engine: Engine,
    readonly exe: ElfExecutable,
    options: ExecOptions = {},
  ) {
    const random = new SeededRandom(options.seed ?? 0);
    this.space = new AddressSpace(engine, USER_ADDRESS_LIMIT);
    this.image = loadExecutable(this.space, exe);
    const stackSize = options.stackSize ?? DEFAULT_STACK_SIZE;
    const argv0 = options.argv0 ?? exe.file;
    this.stack = buildInitialStack({
      top: STACK_TOP,
      argv: [argv0, ...(options.args ?? [])],
      env: options.env ?? [],
      execfn: argv0,
      random: random.bytes(16),
      image: this.image,
      uid: 1000,
      gid: 1000,
    });
    mapStack(this.space, STACK_TOP, stackSize, this.stack, this.image.executableStack);
    const none: OutputSink = () => {};
    const sink = (s: ExecOptions['stdout']): OutputSink => (typeof s === 'function' ? s : none);
    this.kernel = new LinuxKernel(engine, this.space, {
      stdin: options.stdin,
      stdout: sink(options.stdout),
      stderr: sink(options.stderr),
      trace: options.traceSyscalls,
      random,
      brk: this.image.brk,
      mmapTop: MMAP_TOP - stackSize,
      mmapBottom: MMAP_BOTTOM,
    });
    // Deferred: the interrupt hook only records the call; the target runs it between start()s.
    this.kernel.attach({ deferred: true });
    engine.setX(31, BigInt(this.stack.sp));
    for (let i = 0; i <= 30; i++) engine.setX(i, 0n);
    engine.setPc(this.image.entry);
  }
}
