/** Linux user mode for static AArch64 executables: ELF loading, processes, threads, syscalls, runs. */
export { type ElfExecutable, parseExecutable } from './elf.ts';
export { E as LINUX_ERRNO } from './errno.ts';
export { type ElfErrorKind, ElfLoadError, ProcessSetupError } from './errors.ts';
export { GuestFs, type Mount, parseMount } from './fs.ts';
export { bufferInput, type HostFs, type HostInput, type HostOutput, type HostStat, type OutputSink } from './host.ts';
export {
  DEFAULT_IDENTITY,
  GuestDeadlock,
  type Identity,
  LinuxSystem,
  type SystemOptions,
  type Termination as LinuxTermination,
} from './kernel.ts';
export { AT, buildInitialStack, HWCAP, type LoadedImage, loadExecutable, PIE_BASE } from './loader.ts';
export {
  type CapturedResult,
  type ExecOptions,
  engineFactory,
  execElf,
  execElfCaptured,
  LinuxProcess,
  type ProcessOptions,
  type ProcessResult,
  type ProcessTermination,
} from './process.ts';
export { SIG, signalName } from './signals.ts';
