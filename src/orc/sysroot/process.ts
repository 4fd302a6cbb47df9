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
 * Objects linked after start-up (lazy bodies, library members first needed by them) behave as if
 * the static link had included them from the start, as far as a program can tell:
 * * TLS: PT_TLS reserves, beyond the start-up graphs' blocks, the TLS of every object a static
 *   link would take that is not linked yet (the selected archive members, the user's objects, the
 *   members of `-lazy` archives) plus LATE_TLS_SLACK, so every thread's static TLS area has room for them (glibc sizes each thread's
 *   area by PT_TLS p_memsz). A late block's initial bytes go into the PT_TLS image (threads created
 *   later copy it, as glibc's `_dl_allocate_tls_init` does) and into the area of every live thread
 *   of the process (TPIDR_EL0 + offset), before any thread goes on. A late graph whose TLS does
 *   not fit the reserve fails to link (SysrootLinkError, naming it and the sizes).
 * * Initializers: a static link runs every `.preinit_array`/`.init_array` entry before `main`; a
 *   late graph's entries run when its link completes, on the thread whose lazy call linked it,
 *   before that call's body runs (and before any other thread goes on): preinit then init, by
 *   priority, then link order, with (argc, argv, envp) as glibc's `call_init` passes them. So code
 *   never sees an object of a late graph unconstructed; what differs from the static build is only
 *   when a constructor's side effects (output) happen. `.fini_array` entries of late graphs join
 *   the process's array after the start-up ones, so at exit they run first (reverse order of
 *   construction, as a static link's order would be for constructors run in this order).
 * * An IFUNC a late graph defines is an error (glibc resolved IFUNCs at start-up).
 *
 * stdio's vtable check (glibc's IO_validate_vtable: a FILE's jump table must lie between
 * `__start___libc_IO_vtables` and `__stop___libc_IO_vtables`, else "Fatal error: glibc detected an
 * invalid stdio handle") is satisfied as in a static link: every graph's `__libc_IO_vtables`
 * blocks are moved (after allocation, before fixup, so every reference sees the new address) into
 * one area of the start-up region that those symbols bound. The range test passes for glibc's
 * jump tables without calling `_IO_vtable_check`, and a pointer outside the area reaches it (a
 * static glibc 2.36 program always links dlopen, through gettext's gconv, so it then returns, as
 * in the static build).
 */

import type { AnsweredCall, ProcessStart } from '../../executor/host/linux-process.ts';
import { K } from '../../linker/aarch64/edges.ts';
import { memberObjectName, readArchive } from '../../linker/archive.ts';
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
  vtables: 0x90000,
  vtablesEnd: 0x98000,
  lateInits: 0x98000,
  lateInitsEnd: 0xa0000,
  objects: 0xa0000,
  objectsEnd: 0x10_0000,
} as const;

/** TLS reserved beyond what the objects a static link would take need (late `-lazy` archives). */
const LATE_TLS_SLACK = 0x400;

/**
 * Symbol sets glibc reaches through `__start_SET`/`__stop_SET` (a static linker concatenates each
 * such section of every object). Pointer sets become one array in the start-up region, filled from
 * every graph's section of that name: `__libc_atexit` (`_IO_cleanup`, which flushes stdio at exit),
 * `__libc_subfreeres`. `__libc_IO_vtables` is the start-up region's vtable area, where every
 * graph's blocks of that section are moved (see the file comment). `__libc_freeres_ptrs` (only
 * walked by `__libc_freeres` under memory checkers) is empty.
 */
const POINTER_SETS = ['__libc_atexit', '__libc_subfreeres'] as const;
const IO_VTABLES = '__libc_IO_vtables';

const RET_WORD = 0xd65f03c0;
/**
 * `__tlsdesc_resolver` for static TLS: x0 = the descriptor {resolver, info}; info[1] holds the TP
 * offset (see tlsdescOffsets); answer it in x0, every other register untouched (TLSDESC ABI).
 * `ldr x0, [x0, #8]; ldr x0, [x0, #8]; ret`
 */
const TLSDESC_RESOLVER_WORDS = [0xf9400400, 0xf9400400, RET_WORD];
const TLSDESC_RESOLVER_OFFSET = 0x10;
/**
 * Runs a late graph's initializers where a parked lazy call returns from the JIT dispatch gate (a
 * C call: x0/x1 hold its result, x9 is free). x9 = a list {argc, argv, envp, fn…, 0}; each fn is
 * called with (argc, argv, envp); then x0/x1 are restored and it returns to x30 (the gate's return
 * address, untouched).
 *   stp x29, x30, [sp, #-48]!; mov x29, sp; stp x0, x1, [sp, #16]; stp x19, x20, [sp, #32]
 *   mov x19, x9; add x20, x9, #24
 * 1: ldr x16, [x20], #8; cbz x16, 2f; ldp x0, x1, [x19]; ldr x2, [x19, #16]; blr x16; b 1b
 * 2: ldp x19, x20, [sp, #32]; ldp x0, x1, [sp, #16]; ldp x29, x30, [sp], #48; ret
 */
const INIT_RUNNER_WORDS = [
  0xa9bd7bfd,
  0x910003fd,
  0xa90107e0,
  0xa90253f3,
  0xaa0903f3,
  0x91006134,
  0xf8408690,
  0xb40000b0,
  0xa9400660,
  0xf9400a62,
  0xd63f0200,
  0x17fffffb,
  0xa94253f3,
  0xa94107e0,
  0xa8c37bfd,
  RET_WORD,
];
const INIT_RUNNER_OFFSET = 0x40;
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
  /** Bytes of TLS (after the TCB) every thread's static area holds: PT_TLS p_memsz. */
  tlsCapacity = 0;
  /**
   * Whether the executor runs onStart/afterAnswer (the in-process one does): without them a graph
   * linked after start-up gets its TLS from a dispatch barrier and may not bring initializers.
   */
  lateHooks = true;
  /** Graphs linked after start-up whose TLS and initializers are not yet applied. */
  private readonly late: LinkResult[] = [];
  /** Where the initial stack holds argc, argv, envp (set when the process starts). */
  private start: ProcessStart | undefined;
  private nextVtable = STARTUP_REGION.base + AT.vtables;
  private nextInitList = STARTUP_REGION.base + AT.lateInits;
  /** Used `.fini_array` slots (start-up entries first, late ones after). */
  private finiUsed = 0;
  /** What a static link would still take when the program starts (their TLS is reserved). */
  private generator: StaticLinkGenerator | undefined;
  /** The user's objects and the members of `-lazy` archives (their TLS is reserved too). */
  private userObjects: readonly { name: string; bytes: Uint8Array }[] = [];
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
    session.epc.addDispatchBarrier(
      () => p.applyLateBeforeAnswer() ?? (p.lateWork.length > 0 ? p.whenPatched() : undefined),
    );
    session.layer.addPlugin({
      modifyPassConfig: (_mr, _g, config) => {
        config.prePrune.push((gr) => {
          if (p.started && gr.defined.some((x) => x.ifunc))
            throw new SysrootLinkError(
              `${gr.name} is linked after start-up and defines an IFUNC: glibc resolved IFUNCs at start-up`,
            );
          if (p.started && !p.lateHooks) {
            const needs = gr.sections.find(
              (sec) => sec.blocks.length > 0 && /^\.(preinit_array|init_array|ctors)\b/.test(sec.name),
            );
            if (needs)
              throw new SysrootLinkError(
                `${gr.name} is linked after start-up and has ${needs.name}: initializers of late-linked objects need the in-process executor (link it eagerly, or drop --executor worker)`,
              );
          }
          canonicalIfuncStubs(gr);
          contiguousEhFrame(gr);
        });
        let vtables: Block[] = [];
        config.postAllocation.push((gr) => {
          p.checkLateTls(gr);
          vtables = p.placeVtables(gr);
        });
        config.postFixup.push(async (gr) => {
          tlsdescOffsets(gr, p.tls);
          for (const blk of vtables) if (blk.content) await session.writeMemory(blk.address, blk.content);
        });
      },
      notifyEmitted: (_mr, result) => p.onLinked(result),
    });
    const b = p.base;
    await session.epc.reserve([{ address: b, size: STARTUP_REGION.size }]);
    const code = new Uint8Array(INIT_RUNNER_OFFSET + 4 * INIT_RUNNER_WORDS.length);
    const cdv = new DataView(code.buffer);
    cdv.setUint32(0, RET_WORD, true);
    TLSDESC_RESOLVER_WORDS.forEach((w, i) => {
      cdv.setUint32(TLSDESC_RESOLVER_OFFSET + 4 * i, w, true);
    });
    INIT_RUNNER_WORDS.forEach((w, i) => {
      cdv.setUint32(INIT_RUNNER_OFFSET + 4 * i, w, true);
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
      __start___libc_IO_vtables: { address: b + AT.vtables, flags: data },
      __stop___libc_IO_vtables: { address: b + AT.vtablesEnd, flags: data },
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
    lazyArchives: readonly { name: string; bytes: Uint8Array }[] = [],
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
    this.generator = gen;
    // Members of `-lazy` archives link on demand outside the group: all of them count (an upper
    // bound of what a static link would take from them).
    this.userObjects = [
      ...objects,
      ...lazyArchives.flatMap((a) => {
        const ar = readArchive(a.bytes, a.name);
        return ar.members.map((m) => ({ name: memberObjectName(ar.file, m), bytes: m.bytes }));
      }),
    ];
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
      this.late.push(result);
      const p = this.registerFrames().catch((e: Error) => this.report(e));
      this.lateWork.push(p);
    }
  }

  /** Moves the graph's stdio vtables into the area `__start/__stop___libc_IO_vtables` bound. */
  placeVtables(g: LinkGraph): Block[] {
    const blocks = g.section(IO_VTABLES)?.blocks ?? [];
    for (const blk of blocks) {
      const a = Math.max(1, blk.alignment);
      let at = Math.ceil((this.nextVtable - blk.alignmentOffset) / a) * a + blk.alignmentOffset;
      if (at < this.nextVtable) at += a;
      if (at + blk.size > this.base + AT.vtablesEnd)
        throw new SysrootLinkError(
          `In ${g.name}: ${IO_VTABLES} exceeds its ${AT.vtablesEnd - AT.vtables} bytes in the start-up region`,
        );
      blk.address = at;
      this.nextVtable = at + blk.size;
    }
    return blocks;
  }

  /** After start-up, a graph's TLS must fit what every thread's area reserved. */
  checkLateTls(g: LinkGraph): void {
    if (!this.started) return;
    const used = this.tls.size - TCB_SIZE;
    if (used > this.tlsCapacity)
      throw new SysrootLinkError(
        `${g.name} is linked after start-up and its thread-local data needs ${used} bytes of static TLS; every thread reserved ${this.tlsCapacity}`,
      );
    if (this.tls.alignment > 16)
      throw new SysrootLinkError(`${g.name}: thread-local data aligned to ${this.tls.alignment} bytes (at most 16)`);
  }

  /** The process started: where its initial stack holds argc, argv and envp. */
  onStart(start: ProcessStart): void {
    this.start = start;
  }

  /**
   * A parked lazy call was answered: the graphs linked for it get their TLS in every thread and
   * the PT_TLS image, their `.fini_array` entries join the process's, and the calling thread runs
   * their initializers before it goes on (see the file comment).
   */
  async afterAnswer(call: AnsweredCall): Promise<void> {
    const inits = await this.applyLate(() => Promise.resolve(call.threadPointers()));
    if (inits.length === 0) return;
    const b = this.base;
    const start = this.start ?? { argc: 0, argv: 0, envp: 0 };
    const list = words64([start.argc, start.argv, start.envp, ...inits, 0]);
    const at = this.nextInitList;
    if (at + list.length > b + AT.lateInitsEnd)
      throw new SysrootLinkError('the initializers of late-linked objects exceed their area in the start-up region');
    this.nextInitList += list.length;
    await this.session.writeMemory(at, list);
    const e = call.engine;
    e.setX(9, BigInt(at));
    e.setPc(b + AT.code + INIT_RUNNER_OFFSET);
  }

  /**
   * Without the executor's afterAnswer (a worker), a dispatch barrier applies what a lazy call
   * linked before the answer leaves: TLS through the executor's thread list, fini entries in
   * memory (initializers are refused at link time: they need the calling thread's registers).
   */
  private applyLateBeforeAnswer(): Promise<void> | undefined {
    if (this.lateHooks || !this.started || (this.late.length === 0 && this.lateWork.length === 0)) return undefined;
    return this.applyLate(() => this.session.epc.linuxThreadPointers()).then((inits) => {
      if (inits.length > 0) throw new SysrootLinkError('late initializers need the in-process executor');
    });
  }

  /**
   * The graphs linked since the last call: their TLS blocks go into the PT_TLS image and every
   * live thread's area, their fini entries join the process's; answers their initializers in order.
   */
  private async applyLate(threadPointers: () => Promise<number[]>): Promise<number[]> {
    await this.whenPatched();
    const batch = this.late.splice(0);
    if (batch.length === 0) return [];
    const s = this.session;
    const b = this.base;
    const blocks = batch.flatMap((r) => r.tls);
    if (blocks.length > 0) {
      const threads = (await threadPointers()).filter((tp) => tp !== 0);
      for (const blk of blocks) {
        const image = new Uint8Array(blk.size);
        if (blk.initSize > 0) image.set(await s.readMemory(blk.address, blk.initSize));
        await s.writeMemory(b + AT.tls + blk.tpOffset - TCB_SIZE, image);
        for (const tp of threads) await s.writeMemory(tp + blk.tpOffset, image);
      }
    }
    const sections = batch.flatMap((r, order) => r.initializers.map((i) => ({ ...i, order })));
    const rank = { preinit: 0, init: 1, fini: 2 } as const;
    sections.sort((x, y) => rank[x.kind] - rank[y.kind] || x.priority - y.priority || x.order - y.order);
    const fini = sections.filter((i) => i.kind === 'fini').flatMap((i) => i.pointers);
    if (fini.length > 0) {
      if (this.finiUsed + fini.length > AT.finiCap)
        throw new SysrootLinkError(`${this.finiUsed + fini.length} fini functions exceed the capacity ${AT.finiCap}`);
      await s.writeMemory(b + AT.fini + 8 * this.finiUsed, words64(fini));
      this.finiUsed += fini.length;
    }
    return sections.filter((i) => i.kind !== 'fini').flatMap((i) => i.pointers);
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
      // Unused slots: the empty function. Fini entries run last to first: late graphs' entries,
      // written after these, run before them.
      const all = [...ptrs, ...Array<number>(cap - ptrs.length).fill(b + AT.code)];
      if (kind === 'fini') this.finiUsed = ptrs.length;
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

    // TLS image: the start-up graphs' blocks, then room for the objects still to come.
    const tlsSize = this.tls.size - TCB_SIZE + this.lateTlsReserve();
    this.tlsCapacity = tlsSize;
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

  /**
   * Static TLS to reserve at start-up for objects a static link would take that are not linked
   * yet: each one's TLS sections as one block (aligned as the layout places it), plus slack.
   */
  private lateTlsReserve(): number {
    const linked = new Set(this.linked.map((r) => r.graph.name));
    let reserve = LATE_TLS_SLACK;
    const add = (bytes: Uint8Array, name: string) => {
      if (!linked.has(name)) reserve += tlsFootprint(bytes);
    };
    for (const o of this.userObjects) add(o.bytes, o.name);
    for (const m of this.generator?.selectedMembers() ?? []) add(m.bytes, m.name);
    return Math.ceil(reserve / 16) * 16;
  }
}

const SHF_TLS = 0x400;

/** Bytes a graph of this object adds to the static TLS layout at most (sizes plus alignment). */
export function tlsFootprint(bytes: Uint8Array): number {
  // Section headers only (ELF64 little-endian; the layer has read these objects already): this
  // runs over every selected archive member.
  if (bytes.length < 64) return 0;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(dv.getBigUint64(40, true));
  const shentsize = dv.getUint16(58, true);
  const shnum = dv.getUint16(60, true);
  let size = 0;
  let align = 1;
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    if (o + 64 > bytes.length) break;
    const flags = Number(dv.getBigUint64(o + 8, true));
    const secSize = Number(dv.getBigUint64(o + 32, true));
    if (!(flags & SHF_TLS) || secSize === 0) continue;
    const a = Math.max(1, Number(dv.getBigUint64(o + 48, true)));
    align = Math.max(align, a);
    size = Math.ceil(size / a) * a + secSize;
  }
  return size === 0 ? 0 : size + align;
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
