/**
 * LazyObjectLinkingLayer (as ORC's): adds an object so that its functions link on first call.
 *
 * For an object without initializers, every callable `f` of its interface becomes `f$orc_fnbody`
 * (the object is added to the base layer under that renamed interface) and `f` becomes a lazy
 * reexport of it in the same JITDylib, with the same tracker and flags. Data symbols keep their
 * names, so a data reference links the whole object. A renamer plugin on the base layer renames
 * the graph's symbols before dead stripping when the MR covers `f$orc_fnbody`. Objects with
 * initializers are added eagerly.
 */
import type { JITDylib, ResourceTracker } from '../core/session.ts';
import { isCallable, type SymbolFlagsMap } from '../core/types.ts';
import type { SymbolAliasMap } from '../core/units.ts';
import { type LazyReexportsManager, lazyReexports } from '../lazy/lazy-reexports.ts';
import { type ObjectLinkingLayer, objectInterface } from './object-linking-layer.ts';

export const BODY_SUFFIX = '$orc_fnbody';
export const bodyName = (name: string): string => `${name}${BODY_SUFFIX}`;

export class LazyObjectLinkingLayer {
  constructor(
    readonly base: ObjectLinkingLayer,
    readonly manager: LazyReexportsManager,
  ) {
    base.addPlugin({
      modifyPassConfig(mr, _g, config) {
        const covered = mr.getSymbols();
        config.prePrune.push((graph) => {
          for (const s of graph.defined) {
            if (s.name === '' || s.scope === 'local') continue;
            const renamed = bodyName(s.name);
            if (!covered.has(s.name) && covered.has(renamed)) s.name = renamed;
          }
        });
      },
    });
  }

  /** Adds `bytes` lazily to `target` (a JITDylib or one of its trackers). */
  add(target: JITDylib | ResourceTracker, bytes: Uint8Array, objectName: string): void {
    const iface = objectInterface(bytes, objectName);
    if (iface.initSymbol !== undefined) {
      this.base.add(target, bytes, objectName, iface);
      return;
    }
    const renamed: SymbolFlagsMap = new Map();
    const aliases: SymbolAliasMap = new Map();
    for (const [name, flags] of iface.symbols) {
      if (isCallable(flags)) {
        renamed.set(bodyName(name), flags);
        aliases.set(name, { aliasee: bodyName(name), flags });
      } else renamed.set(name, flags);
    }
    this.base.add(target, bytes, objectName, { symbols: renamed });
    if (aliases.size === 0) return;
    const mu = lazyReexports(this.manager, aliases);
    if ('define' in target) target.define(mu);
    else target.getJITDylib().define(mu, target);
  }
}
