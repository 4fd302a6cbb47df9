/** Dead stripping from live roots (JITLink `prune`). */
import type { Block, LinkGraph, Sym } from '../graph.ts';

/** Marks the default live roots: every non-local named definition (ORC's responsibility set). */
export function markDefaultRoots(g: LinkGraph): void {
  for (const s of g.defined) if (s.scope !== 'local' && s.name !== '') s.live = true;
}

export function markAllLive(g: LinkGraph): void {
  for (const s of g.defined) s.live = true;
}

export function prune(g: LinkGraph): void {
  const work: Sym[] = [];
  for (const s of g.defined) if (s.live) work.push(s);
  const visited = new Set<Block>();
  while (work.length > 0) {
    const s = work.pop()!;
    const b = s.block!;
    if (visited.has(b)) continue;
    visited.add(b);
    const edges = b.edges;
    for (let i = 0; i < edges.length; i++) {
      const t = edges[i]!.target;
      if (!t.live) {
        t.live = true;
        if (t.block !== null) work.push(t);
      }
    }
  }
  g.defined = g.defined.filter((s) => s.live);
  for (const sec of g.sections) {
    if (sec.blocks.every((b) => visited.has(b))) continue;
    const keep = sec.blocks.filter((b) => visited.has(b));
    sec.blocks.length = 0;
    sec.blocks.push(...keep);
  }
  for (const [name, s] of g.externals) if (!s.live) g.externals.delete(name);
  g.absolutes = g.absolutes.filter((s) => s.live || s.scope !== 'local');
}
