/**
 * GOT/PLT optimisation (JITLink aarch64 `optimizeGOTAndStubAccesses`), a pre-fixup pass:
 * ADRP+LDR of a GOT entry becomes NOP+ADR or ADRP+ADD when the target is close enough, and a
 * branch through a PLT stub goes straight to its callee when in range.
 */
import { K } from '../aarch64/edges.ts';
import { readU32, writeU32 } from '../aarch64/fixup.ts';
import type { Edge, LinkGraph, Sym } from '../graph.ts';
import { GOT_SECTION, STUBS_SECTION } from './tables.ts';

function pointerEdge(entry: Sym): Edge | undefined {
  if (!entry.block || entry.block.section.name !== GOT_SECTION) return undefined;
  return entry.block.edges.find((e) => e.kind === K.Pointer64 && e.offset === 0);
}

export function optimizeGotAndStubs(g: LinkGraph): void {
  for (const b of g.blocks()) {
    const sec = b.section.name;
    if (sec === GOT_SECTION || sec === STUBS_SECTION || b.content === null) continue;
    let relaxable = false;
    for (const e of b.edges) {
      if (e.kind === K.Page21Relaxable || e.kind === K.Branch26PCRelRelaxable) {
        relaxable = true;
        break;
      }
    }
    if (!relaxable) continue;
    const edges = [...b.edges].sort((x, y) => x.offset - y.offset);
    const content = b.content;
    const removed = new Set<Edge>();
    for (let i = 0; i < edges.length; i++) {
      const e = edges[i]!;
      const P = b.address + e.offset;
      if (e.kind === K.Branch26PCRelRelaxable) {
        const stub = e.target;
        if (!stub.block || stub.block.section.name !== STUBS_SECTION) continue;
        const gotEdge = stub.block.edges.find((x) => x.offset === 0);
        const ptr = gotEdge ? pointerEdge(gotEdge.target) : undefined;
        if (!ptr) continue;
        if (ptr.target.ifunc) continue; // the GOT entry holds the resolved function, not T
        const T = ptr.target.addr + ptr.addend;
        const D = T - P + e.addend;
        if ((D & 3) === 0 && D >= -0x8000000 && D <= 0x7fffffc) {
          e.target = ptr.target;
          e.addend += ptr.addend;
          e.kind = K.Branch26PCRel;
        }
        continue;
      }
      if (e.kind !== K.Page21Relaxable) continue;
      // The LDR must be the only edge at offset + 4.
      let e2: Edge | undefined;
      let count = 0;
      for (const x of edges) {
        if (x.offset === e.offset + 4) {
          e2 = x;
          count++;
        }
      }
      if (count !== 1 || !e2 || e2.kind !== K.PageOffset12Relaxable) continue;
      if (e2.target !== e.target || e.addend !== 0 || e2.addend !== 0) continue;
      const adrp = readU32(content, e.offset);
      const ldr = readU32(content, e.offset + 4);
      if (((adrp >>> 24) & 0x9f) !== 0x90 || ldr >>> 22 !== 0x3e5) continue;
      const rd = adrp & 31;
      const rn = (ldr >>> 5) & 31;
      const rt = ldr & 31;
      if (rd !== rn) continue;
      const ptr = pointerEdge(e.target);
      if (!ptr || ptr.target.ifunc) continue;
      const T = ptr.target.addr + ptr.addend;
      const delta = T - P;
      if (delta < -0x100000000 || delta > 0xffffffff) continue;
      const adrDelta = T - (P + 4);
      if (adrDelta >= -0x100000 && adrDelta <= 0xfffff) {
        writeU32(content, e.offset, 0xd503201f);
        writeU32(content, e.offset + 4, (0x10000000 | rt) >>> 0);
        removed.add(e);
        e2.kind = K.ADRLiteral21;
      } else {
        writeU32(content, e.offset + 4, (0x91000000 | (rn << 5) | rt) >>> 0);
        e.kind = K.Page21;
        e.target = ptr.target;
        e.addend = ptr.addend;
        e2.kind = K.PageOffset12;
      }
      e2.target = ptr.target;
      e2.addend = ptr.addend;
    }
    if (removed.size > 0) {
      const keep = b.edges.filter((x) => !removed.has(x));
      b.edges.length = 0;
      b.edges.push(...keep);
    }
  }
}
