/**
 * The controller's half of the GDB JIT interface, as LLVM's debugger-support plugin
 * (ELFDebugObjectPlugin + the GDB registration of llvm-jitlink -debugger-support): for every ELF
 * object the ObjectLinkingLayer links, an in-memory ELF whose allocated sections carry their load
 * addresses and whose DWARF is relocated (src/gdb/jit-debug.ts builds it), written into executor
 * memory with a `jit_code_entry`, and appended to the executor's pending chain. The executor
 * (src/executor/jit-loader-gdb.ts) publishes each entry in `__jit_debug_descriptor` and calls
 * `__jit_debug_register_code` on the emulated CPU.
 *
 * Every request for one object is issued synchronously inside notifyEmitted, before the lookup
 * that waits for the object resumes: in process they run at once; to a worker they are messages
 * ahead of the dispatch answer on the one ordered channel. So the answer's return path always sees
 * the entry pending.
 */
import { JIT_ENTRY_ALLOCATION, JIT_ENTRY_PENDING_LINK, JIT_LOADER } from '../../executor/jit-loader-gdb.ts';
import { buildExecutorElf, type ExecutorElfSymbol } from '../../gdb/executor-elf.ts';
import { buildDebugObject } from '../../gdb/jit-debug.ts';
import type { LinkGraph } from '../../linker/graph.ts';
import type { ExecutorProcessControl } from '../epc/epc.ts';
import type { ObjectLinkingLayerPlugin } from '../layers/object-linking-layer.ts';

const PAGE = 0x1000;
const alignUp = (v: number, a: number): number => Math.ceil(v / a) * a;

function u64s(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const dv = new DataView(out.buffer);
  for (const [i, v] of values.entries()) dv.setBigUint64(i * 8, BigInt(v), true);
  return out;
}

/** Load address of each ELF section of a linked graph (its first placed block, less its offset). */
export function graphSectionAddresses(g: LinkGraph): Map<number, number> {
  const out = new Map<number, number>();
  for (const s of g.sections) {
    if (s.elfIndex < 0) continue;
    for (const b of s.blocks) {
      if (b.address === 0) continue;
      out.set(s.elfIndex, b.address - b.sectionOffset);
      break;
    }
  }
  return out;
}

/** The linked bytes of a section, as far as its blocks lie where the section's address puts them. */
function linkedContents(g: LinkGraph, elfIndex: number, base: number, size: number, original: Uint8Array) {
  const s = g.sections.find((x) => x.elfIndex === elfIndex);
  if (!s) return undefined;
  const out = original.slice();
  for (const b of s.blocks) {
    const at = b.address - base;
    if (b.content !== null && at >= 0 && at + b.size <= size) out.set(b.content.subarray(0, b.size), at);
  }
  return out;
}

/**
 * The symbols of an in-memory graph as a debugger should see them. Stubs are named `NAME$orc_stub`,
 * not NAME: `break NAME` must wait for the body (a pending breakpoint), not stop at the stub.
 */
export function inMemoryGraphSymbols(g: LinkGraph): ExecutorElfSymbol[] {
  const out: ExecutorElfSymbol[] = [];
  for (const s of g.defined) {
    if (!s.block || s.block.address === 0) continue;
    if (s.name === '') {
      if (s.callable)
        out.push({
          name: `__orc_reentry_trampoline_${s.addr.toString(16)}`,
          address: s.addr,
          callable: true,
          size: s.size || 8,
        });
      continue;
    }
    out.push(
      s.callable
        ? { name: `${s.name}$orc_stub`, address: s.addr, callable: true, size: s.size || 12 }
        : { name: s.name, address: s.addr, callable: false, size: s.size || 8 },
    );
  }
  return out;
}

export interface GdbJitRegistration {
  plugin: ObjectLinkingLayerPlugin;
  /** Objects registered so far, in order: name, entry and debug-object addresses, size. */
  readonly registered: { name: string; entry: number; symfile: number; size: number }[];
}

export function gdbJitRegistrationPlugin(
  epc: ExecutorProcessControl,
  options: { reportError?: (e: Error) => void } = {},
): GdbJitRegistration {
  const objects = new WeakMap<LinkGraph, Uint8Array>();
  const registered: GdbJitRegistration['registered'] = [];
  let cursor: number = JIT_LOADER.objectsBegin;
  let mappedEnd: number = JIT_LOADER.objectsBegin;
  let tail = 0;
  const report = (e: unknown): void => options.reportError?.(e instanceof Error ? e : new Error(String(e)));

  const register = (name: string, debugObject: Uint8Array): void => {
    const entry = alignUp(cursor, 16);
    const symfile = entry + JIT_ENTRY_ALLOCATION;
    const end = symfile + debugObject.length;
    if (end > JIT_LOADER.objectsEnd) {
      report(new Error(`${name}: no room left for its debug object (GDB JIT interface)`));
      return;
    }
    if (end > mappedEnd) {
      const top = alignUp(end, PAGE);
      epc.reserve([{ address: mappedEnd, size: top - mappedEnd }]).catch(report);
      mappedEnd = top;
    }
    cursor = end;
    epc.writeMemory({ address: symfile, bytes: debugObject }).catch(report);
    // next/prev are set when the executor publishes the entry; pending link 0 = end of chain.
    epc.writeMemory({ address: entry, bytes: u64s([0, 0, symfile, debugObject.length, 0]) }).catch(report);
    const link = tail === 0 ? JIT_LOADER.pending : tail + JIT_ENTRY_PENDING_LINK;
    epc.writeMemory({ address: link, bytes: u64s([entry]) }).catch(report);
    tail = entry;
    registered.push({ name, entry, symfile, size: debugObject.length });
  };

  const plugin: ObjectLinkingLayerPlugin = {
    notifyMaterializing: (_mr, g, bytes) => {
      objects.set(g, bytes);
    },
    notifyEmitted: (_mr, result) => {
      const g = result.graph;
      const bytes = objects.get(g);
      if (!bytes) {
        // An in-memory graph (stubs, reentry trampolines): symbols only, so that a debugger knows
        // these functions' bounds (gdb's `next` over a lazy call's first call steps into the stub).
        const symbols = inMemoryGraphSymbols(g);
        if (symbols.length > 0) register(g.name, buildExecutorElf(symbols));
        return;
      }
      objects.delete(g);
      let debugObject: Uint8Array;
      try {
        const addresses = graphSectionAddresses(g);
        debugObject = buildDebugObject(bytes, g.name, {
          sectionAddress: (s) => addresses.get(s.index),
          sectionContents: (s, address) =>
            s.type === 1
              ? linkedContents(g, s.index, address, s.size, bytes.subarray(s.offset, s.offset + s.size))
              : undefined,
        });
      } catch (e) {
        // An object whose DWARF we cannot read still runs; it just has no debug object.
        report(e);
        return;
      }
      register(g.name, debugObject);
    },
  };
  return { plugin, registered };
}
