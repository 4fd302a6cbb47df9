/**
 * Stock materialization units and generators: absolute symbols, aliases/reexports, ReexportsGenerator.
 */
import { MaterializationUnit } from './materialization-unit.ts';
import type { DefinitionGenerator, JITDylib, LookupState, MaterializationResponsibility } from './session.ts';
import {
  type ExecutorSymbolDef,
  JITDylibLookupFlags,
  type LookupKind,
  type SymbolFlags,
  type SymbolFlagsMap,
  SymbolLookupFlags,
  type SymbolLookupSet,
  type SymbolMap,
  SymbolState,
} from './types.ts';

// ---- absolute symbols ----------------------------------------------------------------------------

export class AbsoluteSymbolsMaterializationUnit extends MaterializationUnit {
  private readonly defs: SymbolMap;
  constructor(
    defs: SymbolMap,
    private readonly name = '<absolute symbols>',
  ) {
    const flags: SymbolFlagsMap = new Map();
    for (const [n, d] of defs) flags.set(n, d.flags);
    super(flags);
    this.defs = new Map(defs);
  }
  getName(): string {
    return this.name;
  }
  materialize(mr: MaterializationResponsibility): void {
    const resolved: SymbolMap = new Map();
    for (const n of mr.getSymbols().keys()) resolved.set(n, this.defs.get(n) as ExecutorSymbolDef);
    mr.notifyResolved(resolved);
    mr.notifyEmitted([]);
  }
  protected override discard(_jd: JITDylib, name: string): void {
    this.defs.delete(name);
  }
}

/** A unit defining symbols at fixed addresses (host functions, `--abs name=addr`). */
export function absoluteSymbols(
  defs: SymbolMap | Record<string, ExecutorSymbolDef>,
  name?: string,
): AbsoluteSymbolsMaterializationUnit {
  return new AbsoluteSymbolsMaterializationUnit(defs instanceof Map ? defs : new Map(Object.entries(defs)), name);
}

// ---- aliases / reexports -------------------------------------------------------------------------

export interface SymbolAliasMapEntry {
  aliasee: string;
  flags: SymbolFlags;
}
export type SymbolAliasMap = Map<string, SymbolAliasMapEntry>;

/**
 * Aliases `alias → aliasee` from `sourceJD` (null = the JITDylib the unit is defined in). Materializes
 * only the requested aliases (the rest go back via `replace`), one lookup per alias (so same-JITDylib
 * alias chains never wait on themselves), at state Resolved; each alias resolves to its aliasee's
 * address with the alias's flags and becomes Ready when the aliasee does (emission dependency).
 */
export class ReExportsMaterializationUnit extends MaterializationUnit {
  private readonly aliases: SymbolAliasMap;
  constructor(
    private readonly sourceJD: JITDylib | null,
    private readonly sourceFlags: JITDylibLookupFlags,
    aliases: SymbolAliasMap,
  ) {
    const flags: SymbolFlagsMap = new Map();
    for (const [a, e] of aliases) flags.set(a, e.flags);
    super(flags);
    this.aliases = new Map(aliases);
  }
  getName(): string {
    return this.sourceJD ? `<reexports from ${this.sourceJD.name}>` : '<symbol aliases>';
  }
  protected override discard(_jd: JITDylib, name: string): void {
    this.aliases.delete(name);
  }
  materialize(mr: MaterializationResponsibility): void {
    const tgt = mr.getTargetJITDylib();
    const src = this.sourceJD ?? tgt;
    const es = tgt.getExecutionSession();
    const requested = mr.getRequestedSymbols();
    const rest: SymbolAliasMap = new Map();
    for (const n of mr.getSymbols().keys()) {
      if (!requested.has(n)) rest.set(n, this.aliases.get(n) as SymbolAliasMapEntry);
    }
    if (rest.size > 0 && requested.size > 0)
      mr.replace(new ReExportsMaterializationUnit(this.sourceJD, this.sourceFlags, rest));
    const names = [...mr.getSymbols().keys()];
    names.forEach((alias, i) => {
      const sub = i === names.length - 1 ? mr : mr.delegate([alias]);
      const entry = this.aliases.get(alias) as SymbolAliasMapEntry;
      if (src === tgt && entry.aliasee === alias) {
        sub.failMaterialization(new Error(`symbol alias '${alias}' refers to itself`));
        return;
      }
      es.lookup(
        'Static',
        [[src, this.sourceFlags]],
        [[entry.aliasee, SymbolLookupFlags.RequiredSymbol]],
        SymbolState.Resolved,
        (r) => {
          if (!r.ok) {
            es.reportError(r.error);
            sub.failMaterialization(r.error);
            return;
          }
          const def = r.value.get(entry.aliasee) as ExecutorSymbolDef;
          try {
            sub.notifyResolved(new Map([[alias, { address: def.address, flags: entry.flags }]]));
            sub.notifyEmitted([{ symbols: [alias], dependencies: new Map([[src, [entry.aliasee]]]) }]);
          } catch (e) {
            es.reportError(e as Error);
            sub.failMaterialization(e as Error);
          }
        },
      );
    });
  }
}

function toAliasMap(m: SymbolAliasMap | Record<string, SymbolAliasMapEntry>): SymbolAliasMap {
  return m instanceof Map ? m : new Map(Object.entries(m));
}

/** Aliases within the JITDylib the unit is defined in (MatchAllSymbols). */
export function symbolAliases(
  aliases: SymbolAliasMap | Record<string, SymbolAliasMapEntry>,
): ReExportsMaterializationUnit {
  return new ReExportsMaterializationUnit(null, JITDylibLookupFlags.MatchAllSymbols, toAliasMap(aliases));
}

/** Reexports of `sourceJD`'s symbols. */
export function reexports(
  sourceJD: JITDylib,
  aliases: SymbolAliasMap | Record<string, SymbolAliasMapEntry>,
  sourceFlags: JITDylibLookupFlags = JITDylibLookupFlags.MatchExportedSymbolsOnly,
): ReExportsMaterializationUnit {
  return new ReExportsMaterializationUnit(sourceJD, sourceFlags, toAliasMap(aliases));
}

/**
 * Defines, on demand, reexports of whatever `sourceJD` has that a lookup asks for (optionally
 * filtered by `allow`). Looks only at `sourceJD`'s symbol table (its generators are not run).
 */
export class ReexportsGenerator implements DefinitionGenerator {
  constructor(
    private readonly sourceJD: JITDylib,
    private readonly sourceFlags: JITDylibLookupFlags = JITDylibLookupFlags.MatchExportedSymbolsOnly,
    private readonly allow: (name: string) => boolean = () => true,
  ) {}

  tryToGenerate(
    _ls: LookupState,
    _kind: LookupKind,
    jd: JITDylib,
    _jdFlags: JITDylibLookupFlags,
    set: SymbolLookupSet,
  ): Error | undefined {
    const es = jd.getExecutionSession();
    const names = set.names().filter((n) => this.allow(n));
    const flags = es.lookupFlags([[this.sourceJD, this.sourceFlags]], names);
    if (flags.size === 0) return undefined;
    const aliases: SymbolAliasMap = new Map();
    for (const [n, f] of flags) aliases.set(n, { aliasee: n, flags: f });
    jd.define(reexports(this.sourceJD, aliases, this.sourceFlags));
    return undefined;
  }
}
