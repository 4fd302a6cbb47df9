/**
 * The GDB JIT interface, as LLVM's debugger-support plugin feeds it: for each object linked into
 * the emulated process, an in-memory ELF whose section headers carry the load addresses (sh_addr)
 * and whose DWARF is already relocated, registered through `__jit_debug_descriptor` and a call of
 * `__jit_debug_register_code` (where gdb keeps a breakpoint).
 *
 * The debug object stays ET_REL like the original (gdb places each section at its sh_addr); its
 * debug relocations are applied here and turned into R_AARCH64_NONE. Section contents can be
 * replaced with the linked bytes so the file alone disassembles as the process does.
 */
import { type ElfSectionInfo, readDebugSections } from '../dwarf/elf.ts';

const SHF_ALLOC = 0x2;

export interface DebugObjectOptions {
  /** Load address of an allocated section after the link; undefined = not placed (left at 0). */
  sectionAddress: (section: ElfSectionInfo) => number | undefined;
  /** The linked bytes of a placed section (same size), e.g. read back from executor memory. */
  sectionContents?: (section: ElfSectionInfo, address: number) => Uint8Array | undefined;
}

/** The debug object of a linked relocatable object (a new buffer; the input is not changed). */
export function buildDebugObject(object: Uint8Array, file: string, options: DebugObjectOptions): Uint8Array {
  const placed = (s: ElfSectionInfo): number | undefined =>
    (s.flags & SHF_ALLOC) !== 0 ? options.sectionAddress(s) : undefined;
  const sections = readDebugSections(object, file, { sectionAddress: placed });
  if (!sections.relocatable) throw new Error(`${file}: a debug object is made from a relocatable object`);
  const out = object.slice();
  const dv = new DataView(out.buffer);
  const shoff = Number(dv.getBigUint64(40, true));
  for (const s of sections.sections) {
    const address = placed(s);
    if (address === undefined) continue;
    dv.setBigUint64(shoff + s.index * 64 + 16, BigInt(address), true);
    const linked = options.sectionContents?.(s, address);
    if (linked && s.type !== 8) {
      if (linked.length !== s.size)
        throw new Error(`${file}: ${s.name} has ${s.size} bytes, the linked contents ${linked.length}`);
      out.set(linked, s.offset);
    }
  }
  for (const s of sections.sections) {
    const relocated = sections.debug.get(s.name);
    if (relocated && relocated.length === s.size) out.set(relocated, s.offset);
    // The debug relocations are applied: make them R_AARCH64_NONE so no reader applies them again
    // (bfd, under gdb, would relocate non-allocated sections against addresses of its own choosing).
    if (s.type === 4 && (s.name.startsWith('.rela.debug_') || s.name === '.rela.eh_frame'))
      for (let at = s.offset; at + 24 <= s.offset + s.size; at += 24) dv.setUint32(at + 8, 0, true);
  }
  return out;
}

// ---- the descriptor protocol (gdb/jit.h's layout for a 64-bit little-endian process) ----------

export const JIT_NOACTION = 0;
export const JIT_REGISTER_FN = 1;
export const JIT_UNREGISTER_FN = 2;
/** struct jit_descriptor { u32 version; u32 action_flag; entry *relevant_entry; entry *first_entry; } */
export const JIT_DESCRIPTOR_SIZE = 24;
/** struct jit_code_entry { entry *next_entry; entry *prev_entry; const char *symfile_addr; u64 symfile_size; } */
export const JIT_CODE_ENTRY_SIZE = 32;

/** What the registry needs from the process: memory writes and a place for entries and files. */
export interface JitProcessMemory {
  write(address: number, bytes: Uint8Array): void;
  /** Allocates `size` bytes of readable memory in the process (8-aligned). */
  allocate(size: number): number;
}

export interface JitEntry {
  address: number;
  symfile: number;
  size: number;
}

function u64s(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 8);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < values.length; i++) dv.setBigUint64(i * 8, BigInt(values[i] as number), true);
  return b;
}

function descriptorBytes(action: number, relevant: number, first: number): Uint8Array {
  const b = new Uint8Array(JIT_DESCRIPTOR_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 1, true); // version 1
  dv.setUint32(4, action, true);
  dv.setBigUint64(8, BigInt(relevant), true);
  dv.setBigUint64(16, BigInt(first), true);
  return b;
}

/**
 * The list of registered debug objects in the process. After register/unregister the caller makes
 * the process execute `__jit_debug_register_code` (an empty function) so that an attached gdb,
 * stopped at its breakpoint there, reads the descriptor's action and relevant entry.
 */
export class JitDebugRegistry {
  private readonly entries: JitEntry[] = [];

  constructor(
    private readonly memory: JitProcessMemory,
    /** Address of `__jit_debug_descriptor` in the process. */
    readonly descriptor: number,
  ) {
    memory.write(descriptor, descriptorBytes(JIT_NOACTION, 0, 0));
  }

  get registered(): readonly JitEntry[] {
    return this.entries;
  }

  register(debugObject: Uint8Array): JitEntry {
    const symfile = this.memory.allocate(debugObject.length);
    this.memory.write(symfile, debugObject);
    const address = this.memory.allocate(JIT_CODE_ENTRY_SIZE);
    const first = this.entries[0];
    // New entries go to the head of the list, as LLVM's registration does.
    this.memory.write(address, u64s([first?.address ?? 0, 0, symfile, debugObject.length]));
    if (first) this.memory.write(first.address + 8, u64s([address]));
    const entry = { address, symfile, size: debugObject.length };
    this.entries.unshift(entry);
    this.memory.write(this.descriptor, descriptorBytes(JIT_REGISTER_FN, address, address));
    return entry;
  }

  unregister(entry: JitEntry): void {
    const i = this.entries.indexOf(entry);
    if (i < 0) return;
    const prev = this.entries[i - 1];
    const next = this.entries[i + 1];
    if (prev) this.memory.write(prev.address, u64s([next?.address ?? 0]));
    if (next) this.memory.write(next.address + 8, u64s([prev?.address ?? 0]));
    this.entries.splice(i, 1);
    this.memory.write(
      this.descriptor,
      descriptorBytes(JIT_UNREGISTER_FN, entry.address, this.entries[0]?.address ?? 0),
    );
  }
}
