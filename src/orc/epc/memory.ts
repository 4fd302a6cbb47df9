/**
 * The linker's memory manager and the redirection manager's memory access over an
 * ExecutorProcessControl: the controller places segments (a bump slab, deterministic like
 * EngineMemoryManager), the executor maps them at allocation, receives content and permissions at
 * finalize (one request each) and unmaps them at release.
 */

import { hex, LinkError } from '../../linker/errors.ts';
import type { FinalizedAlloc, InFlightAlloc, JITLinkMemoryManager, SegmentRequest } from '../../linker/memory.ts';
import type { Region } from '../../protocol/epc.ts';
import type { MemoryAccess } from '../lazy/redirectable-symbols.ts';
import type { ExecutorProcessControl } from './epc.ts';

export interface EPCMemoryManagerOptions {
  slabAddress?: number;
  slabSize?: number;
  pageSize?: number;
  /** Where failures of requests nobody awaits (release) go. */
  reportError?: (e: Error) => void;
}

const alignUp = (v: number, a: number): number => Math.ceil(v / a) * a;

export class EPCMemoryManager implements JITLinkMemoryManager {
  readonly pageSize: number;
  private cursor: number;
  private readonly limit: number;

  constructor(
    readonly epc: ExecutorProcessControl,
    private readonly options: EPCMemoryManagerOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 4096;
    const base = options.slabAddress ?? 0x10000000;
    this.cursor = base;
    this.limit = options.slabSize !== undefined ? base + options.slabSize : 2 ** 47;
  }

  async allocate(graphName: string, segments: readonly SegmentRequest[]): Promise<InFlightAlloc> {
    const bases: number[] = [];
    const regions: Region[] = [];
    for (const seg of segments) {
      const base = alignUp(this.cursor, Math.max(this.pageSize, seg.alignment));
      const len = alignUp(seg.size, this.pageSize);
      if (base + len > this.limit)
        throw new LinkError(
          `In ${graphName}, allocation failed: slab exhausted (need ${hex(len)} bytes at ${hex(base)})`,
        );
      if (len > 0) regions.push({ address: base, size: len });
      bases.push(base);
      this.cursor = base + len;
    }
    const epc = this.epc;
    await epc.reserve(regions);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      epc.release(regions).catch((e: Error) => this.options.reportError?.(e));
    };
    const pageSize = this.pageSize;
    return {
      bases,
      async finalize(contents): Promise<FinalizedAlloc> {
        const writes = segments.flatMap((_, i) => {
          const c = contents[i];
          return c && c.length > 0 ? [{ address: bases[i] as number, bytes: c }] : [];
        });
        const protects = segments.flatMap((s, i) => {
          const size = alignUp(s.size, pageSize);
          return size > 0 ? [{ address: bases[i] as number, size, prot: s.prot }] : [];
        });
        await epc.finalize(writes, protects);
        return { release };
      },
      abandon: release,
    };
  }
}

/**
 * Pointer writes for redirection: one request, not awaited (MemoryAccess is synchronous). The
 * executor handles requests in order, so the write lands before the JIT dispatch answer that
 * follows it; a failure goes to `reportError`.
 */
export function epcMemoryAccess(epc: ExecutorProcessControl, reportError: (e: Error) => void): MemoryAccess {
  return {
    writePointers(writes) {
      if (writes.length === 0) return;
      epc.writePointers(writes.map((w) => ({ address: w.address, value: w.value }))).catch(reportError);
    },
  };
}
