/**
 * The controller's half of the Linux syscall layer: the executor's `svc` hook turns off the ts
 * engine's block translation, so the session asks for it only when a graph whose executable
 * content contains `svc` is being linked (before its code can run).
 */
import { PROT_EXEC } from '../../emu/engine.ts';
import { containsSvc } from '../../executor/host/linux.ts';
import type { ObjectLinkingLayerPlugin } from '../layers/object-linking-layer.ts';

/** A linking-layer plugin that calls `onFound` once, for the first linked graph containing `svc`. */
export function svcDetectorPlugin(onFound: () => void): ObjectLinkingLayerPlugin {
  let found = false;
  return {
    modifyPassConfig(_mr, g) {
      if (found) return;
      for (const s of g.sections) {
        if (!(s.prot & PROT_EXEC)) continue;
        if (s.blocks.some((b) => b.content !== null && containsSvc(b.content))) {
          found = true;
          onFound();
          return;
        }
      }
    },
  };
}
