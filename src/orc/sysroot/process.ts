/**
 * A JIT'd program linked against a sysroot's C runtime and started as that libc expects
 * (`run --sysroot DIR`): what `clang --target=aarch64-linux-gnu -static` + `ld.lld -static` would
 * produce, with ORC's on-demand linking.
 *
 * Inputs of `main`: crt1.o, crtbeginT.o, the user's objects (lazy where marked), crtend.o, then
 * libstdc++.a, libm.a, libc.a, libgcc.a, libgcc_eh.a as definition generators (members linked when
 * a lookup in main asks for one of their symbols; a weak reference never pulls a member, as in a
 * static link). crti.o/crtn.o are not linked: their `.init`/`.fini` fragments only form `_init` and
 * `_fini` when a static linker concatenates them; here `_init`/`_fini` are empty functions (nothing
 * of this toolchain puts code in `.init`).
 *
 * What a static linker defines, glibc's static start-up reads, and this module synthesizes in a
 * start-up region of executor memory (STARTUP_REGION):
 * * an ELF header and program headers (`__ehdr_start`, AT_PHDR/AT_PHNUM): PT_PHDR, one PT_LOAD
 *   covering the user address space, PT_TLS describing one TLS image built from the shared static
 *   TLS layout (`__libc_setup_tls` copies it for the main thread, `pthread_create` for others),
 *   PT_GNU_STACK (not executable);
 * * `__rela_iplt_start`/`__rela_iplt_end` over R_AARCH64_IRELATIVE records: glibc's `apply_irel`
 *   calls each IFUNC resolver and stores the result. An IFUNC definition is rewritten in its own
 *   graph as ld.lld's canonical PLT entry: the symbol becomes a stub jumping through a writable
 *   word that the IRELATIVE record fills, so references from any other graph (which ORC cannot
 *   tell are IFUNCs) call the stub;
 * * `__preinit_array_*`, `__init_array_*`, `__fini_array_*` over the initializer sections of the
 *   linked graphs (priority order, then link order);
 * * `_init`/`_fini`, `_end`/`end`, `_edata`/`edata`, `__bss_start`.
 * The symbols' values are fixed before anything links (code refers to them PC-relatively), so the
 * arrays have a fixed capacity; unused records call an empty function (an IRELATIVE record's
 * result then goes to a scratch word).
 *
 * C++ exceptions: libgcc's unwinder searches the objects registered with
 * `__register_frame_info` first. Every linked graph's `.eh_frame` (the linker ends it with a zero
 * word) is registered by adding a `struct object` to the unwinder's `unseen_objects` list
 * in memory, for graphs linked before start-up and for lazily linked ones alike (their link
 * happens while the program waits at the JIT, so the list is not being walked).
 *
 * Objects linked after start-up (lazy bodies, library members first needed by them): their TLS
 * blocks are copied into the calling thread's TLS area (other existing threads do not get them),
 * their initializers do not run, and an IFUNC they define is an error.
 */
import { K } from '../../linker/aarch64/edges.ts';
import { readElf, STB_LOCAL } from '../../linker/elf/reader.ts';
import { type Block, type LinkGraph, MEM_R, MEM_W, MEM_X, type Sym } from '../../linker/graph.ts';
import { irelativeRela } from '../../linker/irelative.ts';
import type { LinkResult } from '../../linker/link.ts';
import { TLSINFO_SECTION } from '../../linker/passes/tables.ts';
import { StaticTlsLayout, TCB_SIZE } from '../../linker/tls.ts';
import { JITSymbolFlags } from '../core/types.ts';
import { absoluteSymbols } from '../core/units.ts';
import { objectInterface } from '../layers/object-linking-layer.ts';
import type { ObjectAdder } from '../layers/static-library-generator.ts';
import type { OrcSession } from '../session/session.ts';
import { StaticLinkGenerator } from './archives.ts';
import type { SysrootBytes } from './files.ts';

export const STARTUP_REGION = { base: 0x0f00_0000, size: 0x10_0000 };

/** Offsets in the start-up region (capacities in records). */
const AT = {
  ehdr: 0,
  phdr: 0x40,
  code: 0x1000,
  rela: 0x2000,
  relaCap: 1024,
  scratch: 0x8000,
  preinit: 0x9000,
  preinitCap: 256,
  init: 0x9800,
  initCap: 1024,
  fini: 0xc000,
  finiCap: 1024,
  tls: 0x10000,
  tlsMax: 0x80000,
  sets: 0xe000,
  setCap: 64,
  objects: 0x90000,
  objectsEnd: 0x10_0000,
} as const;

/**
 * Symbol sets glibc reaches through `__start_SET`/`__stop_SET` (a static linker concatenates each
 * such section of every object). Pointer sets become one array in the start-up region, filled from
 * every graph's section of that name: `__libc_atexit` (`_IO_cleanup`, which flushes stdio at exit),
 * `__libc_subfreeres`. `__libc_IO_vtables` spans the whole user address space: each graph keeps
 * its vtables, so glibc's "is this vtable in the section" check must accept all of them (as glibc
 * itself does once static dlopen is possible). `__libc_freeres_ptrs` (only walked by
 * `__libc_freeres` under memory checkers) is empty.
 */
const POINTER_SETS = ['__libc_atexit', '__libc_subfreeres'] as const;
const USER_ADDRESS_END = 2 ** 48;

const RET_WORD = 0xd65f03c0;
/**
 * `__tlsdesc_resolver` for static TLS: x0 = the descriptor {resolver, info}; info[1] holds the TP
 * offset (see tlsdescOffsets); answer it in x0, every other register untouched (TLSDESC ABI).
 * `ldr x0, [x0, #8]; ldr x0, [x0, #8]; ret`
 */
const TLSDESC_RESOLVER_WORDS = [0xf9400400, 0xf9400400, RET_WORD];
const TLSDESC_RESOLVER_OFFSET = 0x10;
const PT = { LOAD: 1, PHDR: 6, TLS: 7, GNU_STACK: 0x6474e551 } as const;
const PF = { X: 1, W: 2, R: 4 } as const;
const PHENT = 56;
/** Size of libgcc's `struct object` (pc_begin, tbase, dbase, u, s, next). */
const UNWIND_OBJECT_SIZE = 48;
/** `s.b.encoding = DW_EH_PE_omit` (bits 3..10 of the bitfield word). */
const UNWIND_OBJECT_ENCODING_OMIT = 0xff << 3;

/** A program could not be set up as a process of its sysroot. */
export class SysrootLinkError extends Error {
  override name = 'SysrootLinkError';
}

export interface SysrootStartInfo {
  entry: number;
  phdr: number;
  phnum: number;
  fileBytes: Uint8Array;
}

export class SysrootProcess {
  /** Every graph linked so far, in link order. */
  readonly linked: LinkResult[] = [];
  readonly tls = new StaticTlsLayout();
  /** The program has started (later links are patched into the running process). */
  started = false;
  private readonly base = STARTUP_REGION.base;
  private registeredFrames = 0;
  private unwinder: { unseen: number; any: number } | undefined;
  private nextObject = STARTUP_REGION.base + AT.objects;
  private readonly lateWork: Promise<void>[] = [];
  /** Errors of late patches, reported through the session. */
  private readonly report: (e: Error) => void;

  private constructor(readonly session: OrcSession) {
    this.report = (e) => session.es.reportError(e);
  }

  /** Prepares `session` (before the user's inputs are added): layout, plugins, symbols, crt files. */
  static async attach(session: OrcSession, sysroot: SysrootBytes): Promise<SysrootProcess> {
    const p = new SysrootProcess(session);
    session.layer.tls = p.tls;
    // A lazy call's answer waits for the patches of what it linked (unwinder list, TLS): across a
    // worker boundary the answer would otherwise reach the program before the patch's writes.
    session.epc.addDispatchBarrier(() => (p.lateWork.length > 0 ? p.whenPatched() : undefined));
    session.layer.addPlugin({
      modifyPassConfig: (_mr, _g, config) => {
        config.prePrune.push((gr) => {
          canonicalIfuncStubs(gr);
          contiguousEhFrame(gr);
        });
        config.postFixup.push((gr) => tlsdescOffsets(gr, p.tls));
      },
      notifyEmitted: (_mr, result) => p.onLinked(result),
    });
    const b = p.base;
    await session.epc.reserve([{ address: b, size: STARTUP_REGION.size }]);
    const code = new Uint8Array(TLSDESC_RESOLVER_OFFSET + 4 * TLSDESC_RESOLVER_WORDS.length);
    const cdv = new DataView(code.buffer);
    cdv.setUint32(0, RET_WORD, true);
    TLSDESC_RESOLVER_WORDS.forEach((w, i) => {
      cdv.setUint32(TLSDESC_RESOLVER_OFFSET + 4 * i, w, true);
    });
    await session.epc.finalize(
      [{ address: b + AT.code, bytes: code }],
      [{ address: b + AT.code, size: 0x1000, prot: 1 | 4 }],
    );
    const end = b + STARTUP_REGION.size;
    const data = JITSymbolFlags.Exported;
    const fn = JITSymbolFlags.Exported | JITSymbolFlags.Callable;
    const defs: Record<string, { address: number; flags: number }> = {
      __ehdr_start: { address: b + AT.ehdr, flags: data },
      __rela_iplt_start: { address: b + AT.rela, flags: data },
      __rela_iplt_end: { address: b + AT.rela + 24 * AT.relaCap, flags: data },
      __preinit_array_start: { address: b + AT.preinit, flags: data },
      __preinit_array_end: { address: b + AT.preinit + 8 * AT.preinitCap, flags: data },
      __init_array_start: { address: b + AT.init, flags: data },
      __init_array_end: { address: b + AT.init + 8 * AT.initCap, flags: data },
      __fini_array_start: { address: b + AT.fini, flags: data },
      __fini_array_end: { address: b + AT.fini + 8 * AT.finiCap, flags: data },
      _init: { address: b + AT.code, flags: fn },
      _fini: { address: b + AT.code, flags: fn },
      __tlsdesc_resolver: { address: b + AT.code + TLSDESC_RESOLVER_OFFSET, flags: fn },
      _end: { address: end, flags: data },
      end: { address: end, flags: data },
      _edata: { address: end, flags: data },
      edata: { address: end, flags: data },
      __bss_start: { address: end, flags: data },
      __start___libc_IO_vtables: { address: 0, flags: data },
      __stop___libc_IO_vtables: { address: USER_ADDRESS_END, flags: data },
      __start___libc_freeres_ptrs: { address: end, flags: data },
      __stop___libc_freeres_ptrs: { address: end, flags: data },
    };
    POINTER_SETS.forEach((set, i) => {
      const at = b + AT.sets + i * 8 * AT.setCap;
      defs[`__start_${set}`] = { address: at, flags: data };
      defs[`__stop_${set}`] = { address: at + 8 * AT.setCap, flags: data };
    });
    session.main.define(absoluteSymbols(defs, '<sysroot start-up symbols>'));
    p.predefined = Object.keys(defs);
    // A sysroot program's names come from its own libraries: the host-function libc (Process
    // JITDylib) stays out of main's link order (the Platform runtime still sees it).
    session.main.setLinkOrder([session.platformJD]);
    p.adder.add(session.main, sysroot.crt1.bytes, sysroot.crt1.name);
    p.adder.add(session.main, sysroot.crtbeginT.bytes, sysroot.crtbeginT.name);
    return p;
  }

  /**
   * Adds objects of the C runtime with `__start_SET`/`__stop_SET` left out of their interface: the
   * layer then links those names as references, to the process-wide definitions above.
   */
  /** Bytes of the runtime's objects by graph name (the unwinder's private list is found in them). */
  private readonly objectBytes = new Map<string, Uint8Array>();

  readonly adder: ObjectAdder = {
    add: (target, bytes, name) => {
      this.objectBytes.set(name, bytes);
      const iface = objectInterface(bytes, name);
      for (const n of [...iface.symbols.keys()])
        if (n.startsWith('__start_') || n.startsWith('__stop_')) iface.symbols.delete(n);
      this.session.layer.add(target, bytes, name, iface);
    },
  };

  /**
   * After the user's inputs: crtend.o, then the user's archives and the runtime's as one group
   * with static-link member selection (see archives.ts). `objects` are the user's objects (lazy
   * ones too: a static build links them).
   */
  addRuntimeLibraries(
    sysroot: SysrootBytes,
    objects: readonly { name: string; bytes: Uint8Array }[],
    archives: readonly { name: string; bytes: Uint8Array }[] = [],
  ): StaticLinkGenerator {
    const s = this.session;
    this.adder.add(s.main, sysroot.crtend.bytes, sysroot.crtend.name);
    const gen = StaticLinkGenerator.fromBytes(
      this.adder,
      [...archives, ...sysroot.archives],
      [sysroot.crt1, sysroot.crtbeginT, ...objects, sysroot.crtend],
      this.predefined,
    );
    s.main.addGenerator(gen);
    return gen;
  }

  /** Names the start-up region defines. */
  private predefined: string[] = [];

  private onLinked(result: LinkResult): void {
    this.linked.push(result);
    const g = result.graph;
    if (!this.unwinder && g.findDefined('__register_frame_info')) {
      const bytes = this.objectBytes.get(g.name);
      const unseen = bytes && localDataAddress(g, bytes, 'unseen_objects');
      const any = bytes && localDataAddress(g, bytes, 'any_objects_registered');
      if (unseen !== undefined && any !== undefined) this.unwinder = { unseen, any };
    }
    if (this.started) {
      const p = this.patchLate(result).catch((e: Error) => this.report(e));
      this.lateWork.push(p);
    }
  }

  /** Waits for patches of graphs linked after start-up. */
  async whenPatched(): Promise<void> {
    while (this.lateWork.length > 0) await Promise.all(this.lateWork.splice(0));
  }

  /**
   * Links `_start` and everything it needs, then writes the start-up data (headers, TLS image,
   * IRELATIVE records, initializer arrays, unwinder registrations). Answers what the kernel
   * needs to build the initial stack.
   */
  async link(): Promise<SysrootStartInfo> {
    const s = this.session;
    const entry = await s.link('_start');
    const b = this.base;
    const writes: { address: number; bytes: Uint8Array }[] = [];

    // IRELATIVE records.
    const irel = this.linked.flatMap((r) => r.irelative);
    if (irel.length > AT.relaCap)
      throw new SysrootLinkError(`${irel.length} IRELATIVE records exceed the start-up capacity ${AT.relaCap}`);
    const pad = Array.from({ length: AT.relaCap - irel.length }, () => ({
      address: b + AT.scratch,
      resolver: b + AT.code,
    }));
    writes.push({ address: b + AT.rela, bytes: irelativeRela([...irel, ...pad]) });

    // Initializer arrays.
    const inits = s.layer.getInitializers(s.main);
    const arr = (kind: 'preinit' | 'init' | 'fini', at: number, cap: number) => {
      const ptrs = inits.filter((i) => i.kind === kind).flatMap((i) => i.pointers);
      if (ptrs.length > cap) throw new SysrootLinkError(`${ptrs.length} ${kind} functions exceed the capacity ${cap}`);
      // Unused slots: the empty function. Fini entries run last to first, so pad in front.
      const all =
        kind === 'fini'
          ? [...Array<number>(cap - ptrs.length).fill(b + AT.code), ...ptrs]
          : [...ptrs, ...Array<number>(cap - ptrs.length).fill(b + AT.code)];
      writes.push({ address: b + at, bytes: words64(all) });
    };
    arr('preinit', AT.preinit, AT.preinitCap);
    arr('init', AT.init, AT.initCap);
    arr('fini', AT.fini, AT.finiCap);
    for (const [i, set] of POINTER_SETS.entries()) {
      const ptrs: number[] = [];
      for (const r of this.linked) {
        const sec = r.graph.section(set);
        for (const blk of sec?.blocks ?? []) {
          if (blk.size < 8) continue;
          const dv = new DataView((await s.readMemory(blk.address, blk.size - (blk.size % 8))).buffer);
          for (let o = 0; o + 8 <= dv.byteLength; o += 8) ptrs.push(Number(dv.getBigUint64(o, true)));
        }
      }
      if (ptrs.length > AT.setCap) throw new SysrootLinkError(`${ptrs.length} entries of ${set} exceed ${AT.setCap}`);
      const all = [...ptrs, ...Array<number>(AT.setCap - ptrs.length).fill(b + AT.code)];
      writes.push({ address: b + AT.sets + i * 8 * AT.setCap, bytes: words64(all) });
    }

    // TLS image.
    const tlsSize = this.tls.size - TCB_SIZE;
    const phdrs: number[][] = [];
    phdrs.push([PT.PHDR, PF.R, AT.phdr, b + AT.phdr, 0, 0, 8]); // sizes filled below
    phdrs.push([PT.LOAD, PF.R | PF.W | PF.X, 0, 0x1000, 0, 0x7fff_ffff_f000, 0x1000]);
    if (tlsSize > 0) {
      if (this.tls.alignment > 16)
        throw new SysrootLinkError(`thread-local data aligned to ${this.tls.alignment} bytes (at most 16 supported)`);
      if (tlsSize > AT.tlsMax) throw new SysrootLinkError(`${tlsSize} bytes of TLS exceed ${AT.tlsMax}`);
      const image = new Uint8Array(tlsSize);
      for (const blk of this.tls.blocks) {
        if (blk.initSize === 0) continue;
        const bytes = await s.readMemory(blk.address, blk.initSize);
        image.set(bytes, blk.tpOffset - TCB_SIZE);
      }
      writes.push({ address: b + AT.tls, bytes: image });
      phdrs.push([PT.TLS, PF.R, AT.tls, b + AT.tls, tlsSize, tlsSize, 16]);
    }
    phdrs.push([PT.GNU_STACK, PF.R | PF.W, 0, 0, 0, 0, 16]);
    const phnum = phdrs.length;
    const ph = phdrs[0] as number[];
    ph[4] = phnum * PHENT;
    ph[5] = phnum * PHENT;
    const headers = elfHeaders(entry, phdrs);
    writes.push({ address: b, bytes: headers });

    for (const w of writes) await s.writeMemory(w.address, w.bytes);
    await this.registerFrames();
    this.started = true;
    return { entry, phdr: b + AT.phdr, phnum, fileBytes: headers };
  }

  /** Adds every linked graph's `.eh_frame` not yet registered to the unwinder's list. */
  private async registerFrames(): Promise<void> {
    const u = this.unwinder;
    if (!u) return;
    const s = this.session;
    for (; this.registeredFrames < this.linked.length; this.registeredFrames++) {
      const eh = (this.linked[this.registeredFrames] as LinkResult).ehFrame;
      if (!eh || eh.size <= 4) continue;
      const ob = this.nextObject;
      if (ob + UNWIND_OBJECT_SIZE > this.base + AT.objectsEnd)
        throw new SysrootLinkError('too many .eh_frame sections for the start-up region');
      this.nextObject += UNWIND_OBJECT_SIZE;
      const head = new DataView((await s.readMemory(u.unseen, 8)).buffer).getBigUint64(0, true);
      // pc_begin = -1 (not yet classified), tbase, dbase, u.single = the records, s, next.
      const object = words64([0, 0, 0, eh.address, UNWIND_OBJECT_ENCODING_OMIT, 0]);
      const dv = new DataView(object.buffer);
      dv.setBigUint64(0, (1n << 64n) - 1n, true);
      dv.setBigUint64(40, head, true);
      await s.writeMemory(ob, object);
      await s.writeMemory(u.unseen, words64([ob]));
      await s.writeMemory(u.any, new Uint8Array([1]));
    }
  }

  /** A graph linked while the program runs (a lazy body or what it pulled in). */
  private async patchLate(r: LinkResult): Promise<void> {
    const s = this.session;
    if (r.irelative.length > 0)
      throw new SysrootLinkError(
        `${r.graph.name} was linked after start-up and defines or references an IFUNC (${r.irelative.length} IRELATIVE words): glibc resolved IFUNCs at start-up`,
      );
    if (r.tls.length > 0) {
      const regs = await s.readRegisters();
      const tp = Number(regs.tpidr_el0);
      for (const blk of r.tls) {
        const bytes = blk.initSize > 0 ? await s.readMemory(blk.address, blk.initSize) : new Uint8Array(0);
        const image = new Uint8Array(blk.size);
        image.set(bytes);
        if (tp !== 0) await s.writeMemory(tp + blk.tpOffset, image);
      }
    }
    await this.registerFrames();
  }
}

/**
 * The linked address of a local data symbol (the graph keeps no local names): its section and
 * offset from the object's symbol table, then the block of that section covering the offset.
 */
function localDataAddress(g: LinkGraph, bytes: Uint8Array, name: string): number | undefined {
  const elf = readElf(bytes, g.name);
  const sym = elf.symbols.find((x) => x.name === name && x.bind === STB_LOCAL);
  const sec = sym && elf.sections[sym.shndx];
  if (!sym || !sec) return undefined;
  for (const b of g.section(sec.name)?.blocks ?? [])
    if (sym.value >= b.sectionOffset && sym.value < b.sectionOffset + b.size)
      return b.address + sym.value - b.sectionOffset;
  return undefined;
}

/** 64-bit little-endian words. */
function words64(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    dv.setBigUint64(i * 8, BigInt(v), true);
  });
  return out;
}

/** An ELF64 header (ET_EXEC, AArch64) followed by the program headers. */
function elfHeaders(entry: number, phdrs: readonly number[][]): Uint8Array {
  const out = new Uint8Array(AT.phdr + phdrs.length * PHENT);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, 183, true); // EM_AARCH64
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(entry), true);
  dv.setBigUint64(32, BigInt(AT.phdr), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, PHENT, true);
  dv.setUint16(56, phdrs.length, true);
  dv.setUint16(58, 64, true);
  phdrs.forEach(([type, flags, offset, vaddr, filesz, memsz, align], i) => {
    const o = AT.phdr + i * PHENT;
    dv.setUint32(o, type as number, true);
    dv.setUint32(o + 4, flags as number, true);
    dv.setBigUint64(o + 8, BigInt(offset as number), true);
    dv.setBigUint64(o + 16, BigInt(vaddr as number), true);
    dv.setBigUint64(o + 24, BigInt(vaddr as number), true);
    dv.setBigUint64(o + 32, BigInt(filesz as number), true);
    dv.setBigUint64(o + 40, BigInt(memsz as number), true);
    dv.setBigUint64(o + 48, BigInt(align as number), true);
  });
  return out;
}

/**
 * TLS descriptors' info words hold the variable's template address after fixup; static TLS answers
 * its TP offset, which the layout knows now (the resolver then only loads it).
 */
export function tlsdescOffsets(g: LinkGraph, tls: StaticTlsLayout): void {
  const sec = g.section(TLSINFO_SECTION);
  for (const blk of sec?.blocks ?? []) {
    const c = blk.content;
    if (!c || c.length < 16) continue;
    const dv = new DataView(c.buffer, c.byteOffset, c.byteLength);
    const template = Number(dv.getBigUint64(8, true));
    const off = tls.tpOffsetOf(template);
    if (off === undefined)
      throw new SysrootLinkError(
        `In ${g.name}: TLS descriptor for 0x${template.toString(16)}, which is not in the static TLS layout`,
      );
    dv.setBigUint64(8, BigInt(off), true);
  }
}

/**
 * `.eh_frame` records are split into blocks; they must stay contiguous (4-byte aligned, as a
 * static linker lays them out), because the unwinder walks them one after the other and a gap of
 * zero bytes reads as the terminator.
 */
export function contiguousEhFrame(g: LinkGraph): void {
  for (const b of g.section('.eh_frame')?.blocks ?? []) {
    b.alignment = 4;
    b.alignmentOffset = 0;
  }
}

/** adrp x16, <word>; ldr x16, [x16, <word>]; br x16 */
const STUB_WORDS = [0x90000010, 0xf9400210, 0xd61f0200];
const IFUNC_WORDS_SECTION = '$__IFUNC_WORDS';
const IFUNC_STUBS_SECTION = '$__IFUNC_STUBS';

/**
 * ld.lld's canonical PLT entry for each IFUNC the graph defines: the named symbol becomes a stub
 * that jumps through a writable word; the word is a 64-bit pointer to the resolver (an IRELATIVE
 * word of the link result). Every edge of the graph to the IFUNC goes to the stub.
 */
export function canonicalIfuncStubs(g: LinkGraph): void {
  const ifuncs = g.defined.filter((s) => s.ifunc && s.block !== null);
  if (ifuncs.length === 0) return;
  const words = g.createSection(IFUNC_WORDS_SECTION, MEM_R | MEM_W);
  const stubs = g.createSection(IFUNC_STUBS_SECTION, MEM_R | MEM_X);
  const replaced = new Map<Sym, Sym>();
  for (const f of ifuncs) {
    const resolver = g.addAnonymousSymbol(f.block as Block, f.offset, f.size, true, true);
    resolver.ifunc = true;
    const wb = g.createContentBlock(words, new Uint8Array(8), 8);
    wb.addEdge(K.Pointer64, 0, resolver, 0);
    const word = g.addAnonymousSymbol(wb, 0, 8, false, true);
    const content = new Uint8Array(12);
    const dv = new DataView(content.buffer);
    for (let i = 0; i < 3; i++) dv.setUint32(i * 4, STUB_WORDS[i] as number, true);
    const sb = g.createContentBlock(stubs, content, 4);
    sb.addEdge(K.Page21, 0, word, 0);
    sb.addEdge(K.PageOffset12, 4, word, 0);
    const stub = g.addDefinedSymbol(sb, 0, f.name, 12, f.linkage, f.scope, true, f.live || f.scope !== 'local');
    replaced.set(f, stub);
    // The old symbol leaves the graph's named definitions (its name now belongs to the stub).
    g.defined = g.defined.filter((s) => s !== f);
  }
  for (const blk of g.blocks()) {
    if (blk.section === words) continue;
    for (const e of blk.edges) {
      const r = replaced.get(e.target);
      if (r) e.target = r;
    }
  }
}
