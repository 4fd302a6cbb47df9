/** Linux user mode for static AArch64 executables: ELF loading, initial stack, syscalls, runs. */
export { type ElfExecutable, parseExecutable } from './elf.ts';
export { type ElfErrorKind, ElfLoadError, ProcessSetupError } from './errors.ts';
export { AT, buildInitialStack, HWCAP, type LoadedImage, loadExecutable, PIE_BASE } from './loader.ts';
export {
  type CapturedResult,
  type ExecOptions,
  execElf,
  execElfCaptured,
  LinuxProcess,
  type ProcessOptions,
  type ProcessResult,
  type ProcessTermination,
} from './process.ts';
export { ERRNO, LinuxKernel, SYS, UNAME } from './syscalls.ts';
