/**
 * Source lines of the objects a session links (`--trace lazy` names the line of each lazy call):
 * the DWARF of every ELF object the ObjectLinkingLayer links, read by src/dwarf with its sections
 * at their load addresses. Objects without (readable) DWARF add nothing.
 */
import { DwarfInfo } from '../../dwarf/index.ts';
import type { LinkGraph } from '../../linker/graph.ts';
import type { ObjectLinkingLayerPlugin } from '../layers/object-linking-layer.ts';
import { graphSectionAddresses } from './gdb-jit-registration.ts';

export interface SourceLines {
  plugin: ObjectLinkingLayerPlugin;
  /** `FILE:LINE` of the instruction at `address` (the path as the DWARF names it), if known. */
  locate(address: number): string | undefined;
}

export function sourceLinesPlugin(): SourceLines {
  const objects = new WeakMap<LinkGraph, Uint8Array>();
  const infos: DwarfInfo[] = [];
  return {
    plugin: {
      notifyMaterializing: (_mr, g, bytes) => {
        objects.set(g, bytes);
      },
      notifyEmitted: (_mr, result) => {
        const g = result.graph;
        const bytes = objects.get(g);
        if (!bytes) return;
        objects.delete(g);
        const addresses = graphSectionAddresses(g);
        try {
          const d = DwarfInfo.fromElf(bytes, g.name, { sectionAddress: (s) => addresses.get(s.index) });
          if (d.linePrograms.length > 0) infos.push(d);
        } catch {
          // No usable DWARF: no lines for this object.
        }
      },
    },
    locate(address) {
      for (const d of infos) {
        const l = d.addressToLine(address);
        if (l && l.line > 0) return `${l.file}:${l.line}`;
      }
      return undefined;
    },
  };
}
