/** Typed errors of the linker. Every message names the file and what went wrong. */

/** A malformed or unsupported ELF input: names the file and the offending field. */
export class ElfFormatError extends Error {
  override name = 'ElfFormatError';
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: malformed ELF: ${field}: ${detail}`);
  }
}

/**
 * A malformed or unsupported static archive: names the archive, the member when the fault is
 * inside one (`libfoo.a(bar.o)`), and the field.
 */
export class ArchiveFormatError extends Error {
  override name = 'ArchiveFormatError';
  constructor(
    readonly archive: string,
    readonly member: string | undefined,
    readonly field: string,
    detail: string,
  ) {
    super(`${member === undefined ? archive : `${archive}(${member})`}: malformed archive: ${field}: ${detail}`);
  }
}

/** A link failure: unsupported relocation, range/alignment violation, missing symbol, ... */
export class LinkError extends Error {
  override name = 'LinkError';
}

/** A jitlink-check failure (parse error, false rule, evaluation error). */
export class CheckError extends Error {
  override name = 'CheckError';
}

export function hex(v: number | bigint): string {
  if (typeof v === 'bigint') return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
  return v < 0 ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}
