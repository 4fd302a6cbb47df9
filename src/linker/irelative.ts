/**
 * IRELATIVE records as glibc's static start-up consumes them: an array of Elf64_Rela
 * (r_offset = the word to fill, r_info = R_AARCH64_IRELATIVE, r_addend = the resolver) between
 * `__rela_iplt_start` and `__rela_iplt_end`; `apply_irel` calls each resolver and stores the
 * result. Use it to give a JIT'd process's libc the IFUNC references of its linked graphs.
 */

export const R_AARCH64_IRELATIVE = 1032;

export function irelativeRela(entries: readonly { address: number; resolver: number }[]): Uint8Array {
  const out = new Uint8Array(entries.length * 24);
  const dv = new DataView(out.buffer);
  entries.forEach((e, i) => {
    const o = i * 24;
    dv.setBigUint64(o, BigInt(e.address), true);
    dv.setBigUint64(o + 8, BigInt(R_AARCH64_IRELATIVE), true);
    dv.setBigUint64(o + 16, BigInt(e.resolver), true);
  });
  return out;
}
