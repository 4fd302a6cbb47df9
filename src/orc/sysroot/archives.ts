/**
 * The archive members a static link would take, and a definition generator that links exactly
 * those on demand.
 *
 * ORC's StaticLibraryDefinitionGenerator decides per lookup: a weak reference either always pulls
 * a member (LLVM) or never resolves from an archive. A static linker does neither: a weak
 * reference never pulls a member, but it binds to a member some strong reference pulled, wherever
 * that reference is. glibc relies on it (its locale tables are weak references from
 * `_nl_global_locale` to categories that other code pulls in). So the member set is computed first
 * as ld.lld computes it (`--start-group` over the archives: every strong undefined symbol of the
 * objects and of the members taken so far pulls the first member that defines it), from the
 * symbol tables alone; the generator then adds a member when a lookup, weak or strong, asks for a
 * name one of the selected members defines. A strong reference to a name outside the selection
 * (one the linker itself introduces) still pulls a member as usual.
 */
import { type Archive, memberObjectName, readArchive } from '../../linker/archive.ts';
import {
  readElf,
  SHN_UNDEF,
  STB_GLOBAL,
  STB_GNU_UNIQUE,
  STB_WEAK,
  STT_FILE,
  STT_SECTION,
} from '../../linker/elf/reader.ts';
import type { DefinitionGenerator, JITDylib, LookupState } from '../core/session.ts';
import { type JITDylibLookupFlags, type LookupKind, SymbolLookupFlags, type SymbolLookupSet } from '../core/types.ts';
import { addArchiveMember, type ObjectAdder } from '../layers/static-library-generator.ts';

interface ObjectSymbols {
  defined: string[];
  strongUndefined: string[];
}

function symbolsOf(bytes: Uint8Array, name: string): ObjectSymbols {
  const elf = readElf(bytes, name);
  const defined: string[] = [];
  const strongUndefined: string[] = [];
  for (let i = elf.firstGlobal; i < elf.symbols.length; i++) {
    const s = elf.symbols[i];
    if (!s || s.name === '' || s.type === STT_SECTION || s.type === STT_FILE) continue;
    if (s.shndx === SHN_UNDEF) {
      if (s.bind === STB_GLOBAL) strongUndefined.push(s.name);
    } else if (s.bind === STB_GLOBAL || s.bind === STB_WEAK || s.bind === STB_GNU_UNIQUE) defined.push(s.name);
  }
  return { defined, strongUndefined };
}

export interface MemberRef {
  archive: number;
  member: number;
}

/**
 * The members a static link of `objects` against `archives` (searched as one group, in order)
 * takes. `predefined` names count as defined (what the linker itself defines).
 */
export function selectMembers(
  objects: readonly { name: string; bytes: Uint8Array }[],
  archives: readonly Archive[],
  predefined: Iterable<string> = [],
): { members: MemberRef[]; definedBy: Map<string, MemberRef> } {
  const defined = new Set<string>(predefined);
  const queue: string[] = [];
  const take = (syms: ObjectSymbols) => {
    for (const d of syms.defined) defined.add(d);
    for (const u of syms.strongUndefined) queue.push(u);
  };
  for (const o of objects) take(symbolsOf(o.bytes, o.name));
  const chosen = new Set<string>();
  const members: MemberRef[] = [];
  const definedBy = new Map<string, MemberRef>();
  while (queue.length > 0) {
    const n = queue.pop() as string;
    if (defined.has(n)) continue;
    for (let a = 0; a < archives.length; a++) {
      const idx = (archives[a] as Archive).symbols.get(n);
      if (idx === undefined) continue;
      const key = `${a}:${idx}`;
      if (!chosen.has(key)) {
        chosen.add(key);
        const ref = { archive: a, member: idx };
        members.push(ref);
        const m = (archives[a] as Archive).members[idx];
        if (m) {
          const syms = symbolsOf(m.bytes, memberObjectName((archives[a] as Archive).file, m));
          for (const d of syms.defined) if (!defined.has(d) && !definedBy.has(d)) definedBy.set(d, ref);
          take(syms);
        }
      }
      break;
    }
    defined.add(n);
  }
  return { members, definedBy };
}

/** Links the selected members of several archives on demand (see the file comment). */
export class StaticLinkGenerator implements DefinitionGenerator {
  private readonly added = new Set<string>();
  constructor(
    private readonly adder: ObjectAdder,
    readonly archives: readonly Archive[],
    private readonly definedBy: Map<string, MemberRef>,
  ) {}

  static fromBytes(
    adder: ObjectAdder,
    archives: readonly { name: string; bytes: Uint8Array }[],
    objects: readonly { name: string; bytes: Uint8Array }[],
    predefined: Iterable<string>,
  ): StaticLinkGenerator {
    const parsed = archives.map((a) => readArchive(a.bytes, a.name));
    const { definedBy } = selectMembers(objects, parsed, predefined);
    return new StaticLinkGenerator(adder, parsed, definedBy);
  }

  /** The bytes and graph names of the members selected by the static-link rules. */
  selectedMembers(): { name: string; bytes: Uint8Array }[] {
    const seen = new Set<string>();
    const out: { name: string; bytes: Uint8Array }[] = [];
    for (const r of this.definedBy.values()) {
      const key = `${r.archive}:${r.member}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const archive = this.archives[r.archive] as Archive;
      const m = archive.members[r.member];
      if (m) out.push({ name: memberObjectName(archive.file, m), bytes: m.bytes });
    }
    return out;
  }

  /** Members selected by the static-link rules (not necessarily linked yet). */
  get selected(): number {
    return new Set([...this.definedBy.values()].map((r) => `${r.archive}:${r.member}`)).size;
  }

  tryToGenerate(
    _ls: LookupState,
    _kind: LookupKind,
    jd: JITDylib,
    _jdFlags: JITDylibLookupFlags,
    set: SymbolLookupSet,
  ): Error | undefined {
    const toAdd: MemberRef[] = [];
    for (const [name, flags] of set) {
      let ref = this.definedBy.get(name);
      if (!ref && flags !== SymbolLookupFlags.WeaklyReferencedSymbol) {
        for (let a = 0; a < this.archives.length && !ref; a++) {
          const idx = (this.archives[a] as Archive).symbols.get(name);
          if (idx !== undefined) ref = { archive: a, member: idx };
        }
      }
      if (!ref) continue;
      const key = `${ref.archive}:${ref.member}`;
      if (this.added.has(key)) continue;
      this.added.add(key);
      toAdd.push(ref);
    }
    for (const ref of toAdd) {
      const archive = this.archives[ref.archive] as Archive;
      const m = archive.members[ref.member];
      if (!m) continue;
      const added = addArchiveMember(this.adder, jd, archive, m);
      if (added instanceof Error) return added;
    }
    return undefined;
  }
}
