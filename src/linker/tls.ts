/**
 * Static TLS layout for the local-exec and initial-exec relocations (TLSLE_*, TLSIE_*), which
 * need a thread-local symbol's offset from the thread pointer at link time. AArch64 uses TLS
 * variant 1: TPIDR_EL0 points at a 16-byte TCB and the static TLS blocks follow it. Each linked
 * graph's SHF_TLS sections (`.tdata` then `.tbss`) form one block, placed at the next offset
 * aligned to the block's alignment plus the first section's address modulo that alignment; the
 * first block therefore sits where ld.lld and glibc put an executable's PT_TLS segment
 * (alignTo(16, p_align) + p_vaddr % p_align). Share one layout between the links of a process
 * so that TLS symbols defined in one graph and used with TLSLE/TLSIE in another resolve; the
 * process sets up each thread's area from `blocks` (copy `initSize` bytes of the template at
 * `address` to TP + tpOffset, zero the rest up to `size`).
 */
import { hex, LinkError } from './errors.ts';

export const TCB_SIZE = 16;

export interface TlsBlock {
  /** Graph and section the block comes from. */
  graph: string;
  section: string;
  /** Executor address of the section's template (its linked contents). */
  address: number;
  /** Bytes of the block (content + zero fill). */
  size: number;
  /** Leading bytes to copy from the template (0 for `.tbss`). */
  initSize: number;
  alignment: number;
  /** Offset from the thread pointer. */
  tpOffset: number;
}

export class StaticTlsLayout {
  readonly blocks: TlsBlock[] = [];
  /** The next free TP offset. */
  private cursor = TCB_SIZE;
  /** Largest alignment placed so far (the thread pointer must be aligned to it). */
  alignment = 1;

  /** Bytes from the thread pointer to the end of the last block (the static TLS size incl. TCB). */
  get size(): number {
    return this.cursor;
  }

  /**
   * Places one graph's TLS sections (in order) as one block; returns their TP offsets.
   * Throws when the offsets would exceed what the relocations can reach (2^32).
   */
  place(
    graph: string,
    sections: readonly { section: string; address: number; size: number; initSize: number; alignment: number }[],
  ): number[] {
    if (sections.length === 0) return [];
    let align = 1;
    for (const s of sections) align = Math.max(align, s.alignment);
    // As glibc and lld do for a PT_TLS segment whose start is not aligned to its p_align, the
    // first section keeps its address's offset within the alignment ("first byte offset").
    const first = sections[0]!.address % align;
    let off = Math.ceil(this.cursor / align) * align + first;
    const out: number[] = [];
    for (const s of sections) {
      off = Math.ceil(off / s.alignment) * s.alignment;
      out.push(off);
      this.blocks.push({ graph, ...s, tpOffset: off });
      off += s.size;
    }
    if (off > 0xffffffff) throw new LinkError(`In ${graph}, static TLS exhausted: ${hex(off)} bytes`);
    this.cursor = off;
    this.alignment = Math.max(this.alignment, align);
    return out;
  }

  /** The TP offset of the thread-local object at template address `address`, if it is in a block. */
  tpOffsetOf(address: number): number | undefined {
    // An address at a block's end (a zero-sized symbol there) belongs to that block unless
    // another block starts there.
    let atEnd: number | undefined;
    for (const blk of this.blocks) {
      const d = address - blk.address;
      if (d >= 0 && d < blk.size) return blk.tpOffset + d;
      if (d === blk.size) atEnd = blk.tpOffset + d;
    }
    return atEnd;
  }

  /** Forgets the blocks of a graph (its memory was released). Offsets are not reused. */
  remove(graph: string): void {
    for (let i = this.blocks.length - 1; i >= 0; i--) if (this.blocks[i]!.graph === graph) this.blocks.splice(i, 1);
  }
}
