/**
 * Readable LinkGraph dump in the layout of llvm-jitlink's `-show-graphs` (LinkGraph::dump):
 * sections sorted by name, blocks by address, each block's symbols and edges; then absolute and
 * external symbols. Edge kinds use our JITLink-style names; edges from ELF relocations also
 * name the relocation, which JITLink's dump cannot (it keeps no relocation types).
 */
import { edgeKindName } from './aarch64/edges.ts';
import { relocationName } from './aarch64/relocs.ts';
import type { Block, Edge, LinkGraph, Sym } from './graph.ts';

const hex = (v: number): string => `0x${v.toString(16)}`;
const hex8 = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
const signed8 = (v: number): string => `${v < 0 ? '-' : '+'}0x${Math.abs(v).toString(16).padStart(8, '0')}`;

function symbolLine(s: Sym): string {
  const where =
    s.block !== null
      ? `${hex(s.addr)} (block + ${hex8(s.offset)})`
      : `${hex(s.addr)}: ${hex(s.addr)} (addressable + 0x00000000)`;
  const name = s.name === '' ? '<anonymous symbol>' : s.name;
  return `${where}: size: ${hex8(s.size)}, linkage: ${s.linkage}, scope: ${s.scope}, ${s.live ? 'live' : 'dead'}  -   ${name}`;
}

function targetText(e: Edge): string {
  const t = e.target;
  if (t.name !== '') return t.name;
  return `addressable@${hex(t.addr)}+${hex8(0)}`;
}

function edgeLine(b: Block, e: Edge): string {
  const kind = e.relType ? `${edgeKindName(e.kind)} (${relocationName(e.relType)})` : edgeKindName(e.kind);
  return `${hex(b.address + e.offset)} (block + ${hex8(e.offset)}), addend = ${signed8(e.addend)}, kind = ${kind}, target = ${targetText(e)}`;
}

export function dumpGraph(g: LinkGraph): string {
  const out: string[] = [`LinkGraph "${g.name}" (triple = aarch64-unknown-linux-gnu)`];
  const symbolsOf = new Map<Block, Sym[]>();
  for (const s of g.defined) {
    if (!s.block) continue;
    let l = symbolsOf.get(s.block);
    if (!l) {
      l = [];
      symbolsOf.set(s.block, l);
    }
    l.push(s);
  }
  const sections = [...g.sections].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const sec of sections) {
    out.push(`section ${sec.name}:`, '');
    const blocks = [...sec.blocks].sort((a, b) => a.address - b.address || a.ordinal - b.ordinal);
    for (const b of blocks) {
      out.push(
        `  block ${hex(b.address)} size = ${hex8(b.size)}, align = ${b.alignment}, alignment-offset = ${b.alignmentOffset}${b.content === null ? ', zero-fill' : ''}`,
      );
      const syms = (symbolsOf.get(b) ?? []).sort((x, y) => x.offset - y.offset);
      if (syms.length > 0) {
        out.push('    symbols:');
        for (const s of syms) out.push(`      ${symbolLine(s)}`);
      }
      if (b.edges.length > 0) {
        out.push('    edges:');
        for (const e of [...b.edges].sort((x, y) => x.offset - y.offset)) out.push(`      ${edgeLine(b, e)}`);
      }
    }
    out.push('');
  }
  out.push('Absolute symbols:');
  if (g.absolutes.length === 0) out.push('  none');
  for (const s of g.absolutes) out.push(`  ${symbolLine(s)}`);
  out.push('', 'External symbols:');
  if (g.externals.size === 0) out.push('  none');
  for (const s of g.externals.values()) out.push(`  ${symbolLine(s)}`);
  return `${out.join('\n')}\n`;
}
