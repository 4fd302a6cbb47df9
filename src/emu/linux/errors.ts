/**
 * Typed errors of Linux user mode: a rejected executable names the file and the ELF field at
 * fault, so callers (CLI, tests, fuzzers) can report it without parsing message text.
 */
import { EmuError } from '../errors.ts';

/** Why an executable was rejected. */
export type ElfErrorKind =
  /** The file ends before a header or table it must contain. */
  | 'truncated'
  /** Not an ELF file at all (magic bytes). */
  | 'magic'
  /** ELFCLASS32 or an unknown class. */
  | 'class'
  /** Big-endian or an unknown data encoding. */
  | 'endianness'
  /** Unknown EI_VERSION. */
  | 'version'
  /** Not an executable (ET_REL, ET_CORE, …). */
  | 'type'
  /** Not AArch64. */
  | 'machine'
  /** A header field has an impossible value (sizes, counts, alignment). */
  | 'field'
  /** A segment's file range lies outside the file. */
  | 'bounds'
  /** Two PT_LOAD segments claim the same virtual addresses. */
  | 'overlap'
  /** A segment does not fit in the address space. */
  | 'address'
  /** PT_INTERP: the program needs a dynamic loader, which static user mode does not provide. */
  | 'interpreter'
  /** Nothing to load, or the entry point lies outside executable code. */
  | 'entry';

export class ElfLoadError extends EmuError {
  override name = 'ElfLoadError';
  constructor(
    /** The file name as given by the caller. */
    readonly file: string,
    /** The ELF field at fault, e.g. `e_machine` or `phdr[2].p_offset`. */
    readonly field: string,
    readonly kind: ElfErrorKind,
    readonly detail: string,
  ) {
    super(`${file}: ${field}: ${detail}`);
  }
}

/** The program could not be started (bad arguments, stack too small, …). */
export class ProcessSetupError extends EmuError {
  override name = 'ProcessSetupError';
}
