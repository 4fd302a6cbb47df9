/**
 * JITLinkMemoryManager-like interface and its implementation over an `Engine`: segments are
 * mapped read-write at allocation, receive their final content and permissions at finalize,
 * and are unmapped when the allocation is released. Addresses come from a bump-allocated slab
 * starting at a fixed address, so links are deterministic (like llvm-jitlink -slab-address).
 */
import type { Engine } from '../emu/engine.ts';
import { PROT_READ, PROT_WRITE } from '../emu/engine.ts';
import { hex, LinkError } from './errors.ts';

export interface SegmentRequest {
  /** MEM_R | MEM_W | MEM_X. */
  prot: number;
  /** Total size (content + zero-fill). */
  size: number;
  alignment: number;
}

export interface FinalizedAlloc {
  /** Unmaps the memory (idempotent). */
  release(): void;
}

export interface InFlightAlloc {
  /** Base address of each requested segment, in request order. */
  readonly bases: readonly number[];
  /** Writes the segments' working memory (content part only) and applies permissions. */
  finalize(contents: readonly Uint8Array[]): FinalizedAlloc | Promise<FinalizedAlloc>;
  /** Gives the memory back without finalizing (link failed). */
  abandon(): void;
}

/**
 * Where link() gets memory for a graph's segments (JITLink's JITLinkMemoryManager); EngineMemoryManager is the one for an engine.
 */
export interface JITLinkMemoryManager {
  readonly pageSize: number;
  allocate(graphName: string, segments: readonly SegmentRequest[]): InFlightAlloc | Promise<InFlightAlloc>;
}

/** Where EngineMemoryManager places segments. */
export interface EngineMemoryManagerOptions {
  /** First address of the slab (page aligned). Default 0x10000000. */
  slabAddress?: number;
  /** Slab size limit in bytes (default: unlimited up to 2^47). */
  slabSize?: number;
  /** Page size used for segment placement (default 4096; a multiple of the engine's pages). */
  pageSize?: number;
}

function alignUp(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}

/**
 * A JITLink memory manager that places segments in an engine's memory, from one slab (default at
 * 0x10000000), mapping pages with the segments' permissions when a graph is finalized.
 *
 * @throws LinkError from the constructor for a page size that is not a multiple of 4096, and from
 *   allocation when the slab is exhausted.
 * @example
 * ```ts
 * import { createEngine } from 'orc-sandbox/engine';
 * import { EngineMemoryManager, linkObjects } from 'orc-sandbox/linker';
 * const engine = await createEngine('ts');
 * const linked = await linkObjects([{ name: 'main.o', bytes: mainBytes }, { name: 'libm.a', bytes: archiveBytes }], {
 *   memoryManager: new EngineMemoryManager(engine),
 * });
 * const mainAddr = linked.symbols.get('main')?.address;
 * ```
 */
export class EngineMemoryManager implements JITLinkMemoryManager {
  readonly pageSize: number;
  private cursor: number;
  private readonly limit: number;

  constructor(
    readonly engine: Engine,
    options: EngineMemoryManagerOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 4096;
    if (this.pageSize % 4096 !== 0 || this.pageSize <= 0)
      throw new LinkError(`slab page size ${hex(this.pageSize)} is not a multiple of 4096`);
    const base = options.slabAddress ?? 0x10000000;
    if (base % 4096 !== 0) throw new LinkError(`slab address ${hex(base)} is not page aligned`);
    this.cursor = base;
    this.limit = options.slabSize !== undefined ? base + options.slabSize : 2 ** 47;
  }

  allocate(graphName: string, segments: readonly SegmentRequest[]): InFlightAlloc {
    const bases: number[] = [];
    const mapped: [number, number][] = [];
    const engine = this.engine;
    const pageSize = this.pageSize;
    for (const seg of segments) {
      const base = alignUp(this.cursor, Math.max(this.pageSize, seg.alignment));
      const len = alignUp(seg.size, this.pageSize);
      if (base + len > this.limit)
        throw new LinkError(
          `In ${graphName}, allocation failed: slab exhausted (need ${hex(len)} bytes at ${hex(base)})`,
        );
      if (len > 0) {
        engine.memMap(base, len, PROT_READ | PROT_WRITE);
        mapped.push([base, len]);
      }
      bases.push(base);
      this.cursor = base + len;
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      for (const [b, l] of mapped) engine.memUnmap(b, l);
    };
    return {
      bases,
      finalize(contents) {
        for (let i = 0; i < segments.length; i++) {
          const c = contents[i];
          if (c && c.length > 0) engine.memWrite(bases[i]!, c);
        }
        for (let i = 0; i < segments.length; i++) {
          const len = alignUp(segments[i]!.size, pageSize);
          if (len > 0) engine.memProtect(bases[i]!, len, segments[i]!.prot);
        }
        return { release };
      },
      abandon: release,
    };
  }
}
