/**
 * StaticLibraryDefinitionGenerator (LLVM ORC's of the same name): a definition generator over a
 * static archive. When a lookup in the JITDylib asks for a name the archive's index maps to a
 * member not yet added, that member is added to the JITDylib through the object layer, so it is
 * linked on demand like any other object (with a lazy layer its callables become lazy
 * reexports, as `-lazy lib.a` does in llvm-jitlink). A member is added at most once.
 *
 * Weak references: ORC passes weakly referenced names to generators too, and LLVM's generator
 * loads members for them; a static linker does not (a weak undefined reference never pulls an
 * archive member). `loadForWeakReferences` picks the behaviour; LLVM's is the default.
 */
import { type Archive, type ArchiveMember, memberObjectName, readArchive } from '../../linker/archive.ts';
import type { DefinitionGenerator, JITDylib, LookupState, ResourceTracker } from '../core/session.ts';
import { type JITDylibLookupFlags, type LookupKind, SymbolLookupFlags, type SymbolLookupSet } from '../core/types.ts';

/** What the generator adds members through: ObjectLinkingLayer or LazyObjectLinkingLayer. */
export interface ObjectAdder {
  add(target: JITDylib | ResourceTracker, bytes: Uint8Array, objectName: string): void;
}

export interface StaticLibraryOptions {
  /** Load a member for a weakly referenced name (LLVM: yes; a static linker: no). Default true. */
  loadForWeakReferences?: boolean;
  /** Called with the object name of each member as it is added (e.g. for tracing). */
  onMemberAdded?: (objectName: string) => void;
}

export class StaticLibraryDefinitionGenerator implements DefinitionGenerator {
  private readonly added = new Set<number>();
  private readonly loadForWeak: boolean;

  constructor(
    private readonly layer: ObjectAdder,
    readonly archive: Archive,
    private readonly options: StaticLibraryOptions = {},
  ) {
    this.loadForWeak = options.loadForWeakReferences ?? true;
  }

  /** Reads `bytes` as an archive named `name` (throws ArchiveFormatError when malformed). */
  static fromBytes(
    layer: ObjectAdder,
    bytes: Uint8Array,
    name: string,
    options: StaticLibraryOptions = {},
  ): StaticLibraryDefinitionGenerator {
    return new StaticLibraryDefinitionGenerator(layer, readArchive(bytes, name), options);
  }

  /** The members added so far, in the order they were added. */
  get addedMembers(): ArchiveMember[] {
    return [...this.added].map((i) => this.archive.members[i]!);
  }

  tryToGenerate(
    _ls: LookupState,
    _kind: LookupKind,
    jd: JITDylib,
    _jdFlags: JITDylibLookupFlags,
    set: SymbolLookupSet,
  ): Error | undefined {
    const toAdd: number[] = [];
    for (const [name, flags] of set) {
      if (!this.loadForWeak && flags === SymbolLookupFlags.WeaklyReferencedSymbol) continue;
      const idx = this.archive.symbols.get(name);
      if (idx === undefined || this.added.has(idx) || toAdd.includes(idx)) continue;
      toAdd.push(idx);
    }
    for (const idx of toAdd) {
      this.added.add(idx);
      const added = addArchiveMember(this.layer, jd, this.archive, this.archive.members[idx]!);
      if (added instanceof Error) return added;
      this.options.onMemberAdded?.(added);
    }
    return undefined;
  }
}

/**
 * Adds an archive member to `jd` as the object `archive(member)`: its name, or the layer's error
 * (a generator answers it instead of throwing).
 */
export function addArchiveMember(
  layer: ObjectAdder,
  jd: JITDylib,
  archive: Archive,
  member: ArchiveMember,
): string | Error {
  const objectName = memberObjectName(archive.file, member);
  try {
    layer.add(jd, member.bytes, objectName);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
  return objectName;
}
