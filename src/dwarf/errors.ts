/** Typed errors of the DWARF reader: which file, which section, at which offset, and what. */

export class DwarfFormatError extends Error {
  override name = 'DwarfFormatError';
  constructor(
    readonly file: string,
    /** ELF section name (`.debug_line`, `.rela.debug_info`, …) or `ELF` for the container. */
    readonly section: string,
    readonly offset: number,
    readonly detail: string,
  ) {
    super(`${file}: ${section}+0x${offset.toString(16)}: ${detail}`);
  }
}
