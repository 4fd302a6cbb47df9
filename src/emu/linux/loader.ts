/**
 * Maps a parsed executable into an address space (as Linux's binfmt_elf does for a static
 * program) and builds the initial stack: argc, argv, envp, auxv and the strings they point to.
 */
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../engine.ts';
import { type ElfExecutable, ET_DYN, type LoadSegment, PF_X, type TlsTemplate } from './elf.ts';
import { ProcessSetupError } from './errors.ts';
import { type AddressSpace, PAGE, pageDown, pageUp } from './vm.ts';

/** Where a static-pie (ET_DYN) image is placed: the base qemu-aarch64 uses for such images. */
export const PIE_BASE = 0x55_0000_0000;

export interface LoadedImage {
  /** Added to every virtual address of the file (0 for ET_EXEC). */
  bias: number;
  entry: number;
  /** Address of the program header table in memory (AT_PHDR), 0 when no segment maps it. */
  phdr: number;
  phnum: number;
  phentsize: number;
  /** Initial program break: end of the highest segment, page aligned. */
  brk: number;
  /** Lowest and highest (exclusive) mapped addresses of the image. */
  begin: number;
  end: number;
  segments: { vaddr: number; memsz: number; prot: number }[];
  /** PT_TLS template at its loaded address (the program's start-up code sets TPIDR_EL0). */
  tls: TlsTemplate | undefined;
  /** PT_GNU_STACK asked for an executable stack. */
  executableStack: boolean;
}

/**
 * Maps every PT_LOAD segment: page-granular mappings with the segment's permissions (a page
 * shared by two segments gets both), file bytes, zeroed bss. As with Linux's file mappings, the
 * bytes of a segment's first and last page outside the segment come from the file too, except
 * where a bss must read as zeros.
 */
export function loadExecutable(space: AddressSpace, exe: ElfExecutable, pieBase = PIE_BASE): LoadedImage {
  const bias = exe.type === ET_DYN ? pieBase - exe.lowAddress : 0;
  const pagePerms = new Map<number, number>();
  for (const s of exe.segments) {
    const first = pageDown(s.vaddr + bias);
    const last = pageUp(s.vaddr + bias + s.memsz);
    for (let a = first; a < last; a += PAGE) pagePerms.set(a / PAGE, (pagePerms.get(a / PAGE) ?? 0) | s.prot);
  }
  const keys = [...pagePerms.keys()].sort((a, b) => a - b);
  for (let i = 0; i < keys.length; ) {
    const start = keys[i] as number;
    const perms = pagePerms.get(start) as number;
    let j = i + 1;
    while (j < keys.length && keys[j] === start + (j - i) && pagePerms.get(keys[j] as number) === perms) j++;
    if (!space.isFree(start * PAGE, (j - i) * PAGE)) {
      throw new ProcessSetupError(`${exe.file}: segment pages at 0x${(start * PAGE).toString(16)} are already in use`);
    }
    space.map(start * PAGE, (j - i) * PAGE, perms);
    i = j;
  }
  const engine = space.engine;
  const bytes = exe.bytes;
  // Phase 1: the file bytes around each segment in its first and last pages.
  const touched = new Set<number>();
  for (const s of exe.segments) {
    const va = s.vaddr + bias;
    const lead = va % PAGE;
    if (lead > 0) {
      const from = Math.max(0, s.offset - lead);
      engine.memWrite(va - (s.offset - from), bytes.subarray(from, s.offset));
      touched.add(pageDown(va));
    }
    if (s.memsz === s.filesz) {
      const end = va + s.filesz;
      const tail = pageUp(end) - end;
      const fileEnd = s.offset + s.filesz;
      const avail = Math.min(tail, bytes.length - fileEnd);
      if (avail > 0) {
        engine.memWrite(end, bytes.subarray(fileEnd, fileEnd + avail));
        touched.add(pageDown(end));
      }
    }
  }
  // Phase 2: each segment's own bytes, and zeros for its bss wherever phase 1 wrote.
  for (const s of exe.segments) writeSegment(space, exe, s, bias, touched);
  const end = exe.segments.reduce((m, s) => Math.max(m, s.vaddr + bias + s.memsz), 0);
  return {
    bias,
    entry: exe.entry + bias,
    phdr: exe.phdrVaddr === undefined ? 0 : exe.phdrVaddr + bias,
    phnum: exe.phnum,
    phentsize: exe.phentsize,
    brk: pageUp(end),
    begin: exe.lowAddress + bias,
    end: pageUp(end),
    segments: exe.segments.map((s) => ({ vaddr: s.vaddr + bias, memsz: s.memsz, prot: s.prot })),
    tls: exe.tls && { ...exe.tls, vaddr: exe.tls.vaddr + bias },
    executableStack: (exe.stackFlags & PF_X) !== 0,
  };
}

function writeSegment(space: AddressSpace, exe: ElfExecutable, s: LoadSegment, bias: number, touched: Set<number>) {
  const va = s.vaddr + bias;
  if (s.filesz > 0) space.engine.memWrite(va, exe.bytes.subarray(s.offset, s.offset + s.filesz));
  const bssBegin = va + s.filesz;
  const bssEnd = va + s.memsz;
  for (let p = pageDown(bssBegin); p < bssEnd; p += PAGE) {
    if (!touched.has(p) && p !== pageDown(bssBegin)) continue;
    const from = Math.max(p, bssBegin);
    const to = Math.min(p + PAGE, bssEnd);
    if (to > from) space.engine.memWrite(from, new Uint8Array(to - from));
  }
}

// ---- initial stack ------------------------------------------------------------------------------

export const AT = {
  NULL: 0,
  PHDR: 3,
  PHENT: 4,
  PHNUM: 5,
  PAGESZ: 6,
  BASE: 7,
  FLAGS: 8,
  ENTRY: 9,
  UID: 11,
  EUID: 12,
  GID: 13,
  EGID: 14,
  HWCAP: 16,
  CLKTCK: 17,
  SECURE: 23,
  RANDOM: 25,
  HWCAP2: 26,
  EXECFN: 31,
} as const;

/**
 * AT_HWCAP of the emulated CPU (Unicorn's default, ARMv8.0-A): FP, ASIMD, AES, PMULL, SHA1,
 * SHA2, CRC32. No CPUID (MRS of ID registers is not emulated), no atomics (LSE).
 */
export const HWCAP = (1 << 0) | (1 << 1) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7);
export const CLK_TCK = 100;

export interface StackInput {
  /** Exclusive top of the stack mapping. */
  top: number;
  argv: string[];
  env: string[];
  /** AT_EXECFN string (the path the program was run as). */
  execfn: string;
  /** The 16 AT_RANDOM bytes. */
  random: Uint8Array;
  image: LoadedImage;
  uid: number;
  gid: number;
}

export interface InitialStack {
  /** Initial sp (16-byte aligned), where argc lives. */
  sp: number;
  /** The bytes of [sp, top). */
  bytes: Uint8Array;
  /** Addresses of the argv and envp strings and of AT_RANDOM / AT_EXECFN data. */
  argvPointers: number[];
  envPointers: number[];
  randomAddress: number;
  execfnAddress: number;
  auxv: [number, number][];
}

/**
 * Lays out the stack as Linux's create_elf_tables does (without randomisation), from the top:
 * an 8-byte zero word, the exec file name, the environment strings, the argument strings (so
 * argv[0] is lowest), alignment to 16, the 16 AT_RANDOM bytes, then argc, argv[], NULL, envp[],
 * NULL and the auxv pairs, with sp rounded down to 16.
 */
export function buildInitialStack(input: StackInput): InitialStack {
  const enc = new TextEncoder();
  const chunks: { at: number; data: Uint8Array }[] = [];
  let p = input.top - 8;
  const push = (data: Uint8Array): number => {
    p -= data.length;
    chunks.push({ at: p, data });
    return p;
  };
  const cstr = (s: string): Uint8Array => {
    const b = enc.encode(s);
    const out = new Uint8Array(b.length + 1);
    out.set(b);
    return out;
  };
  const execfnAddress = push(cstr(input.execfn));
  const envPointers: number[] = [];
  for (let i = input.env.length - 1; i >= 0; i--) envPointers.unshift(push(cstr(input.env[i] as string)));
  const argvPointers: number[] = [];
  for (let i = input.argv.length - 1; i >= 0; i--) argvPointers.unshift(push(cstr(input.argv[i] as string)));
  p -= p % 16;
  const randomAddress = push(input.random.subarray(0, 16));
  const img = input.image;
  const auxv: [number, number][] = [
    [AT.HWCAP, HWCAP],
    [AT.PAGESZ, PAGE],
    [AT.CLKTCK, CLK_TCK],
    [AT.PHDR, img.phdr],
    [AT.PHENT, img.phentsize],
    [AT.PHNUM, img.phnum],
    [AT.BASE, 0],
    [AT.FLAGS, 0],
    [AT.ENTRY, img.entry],
    [AT.UID, input.uid],
    [AT.EUID, input.uid],
    [AT.GID, input.gid],
    [AT.EGID, input.gid],
    [AT.SECURE, 0],
    [AT.RANDOM, randomAddress],
    [AT.HWCAP2, 0],
    [AT.EXECFN, execfnAddress],
    [AT.NULL, 0],
  ];
  const words: number[] = [input.argv.length, ...argvPointers, 0, ...envPointers, 0, ...auxv.flat()];
  let sp = p - words.length * 8;
  sp -= ((sp % 16) + 16) % 16;
  const bytes = new Uint8Array(input.top - sp);
  const dv = new DataView(bytes.buffer);
  words.forEach((w, i) => {
    dv.setBigUint64(i * 8, BigInt(w), true);
  });
  for (const c of chunks) bytes.set(c.data, c.at - sp);
  return { sp, bytes, argvPointers, envPointers, randomAddress, execfnAddress, auxv };
}

/** Maps the stack [top - size, top) and writes the initial stack into it. */
export function mapStack(space: AddressSpace, top: number, size: number, stack: InitialStack, executable: boolean) {
  if (stack.bytes.length > size) {
    throw new ProcessSetupError(
      `arguments and environment need ${stack.bytes.length} bytes, more than the ${size}-byte stack`,
    );
  }
  if (!space.isFree(top - size, size)) {
    throw new ProcessSetupError(
      `the stack 0x${(top - size).toString(16)}..0x${top.toString(16)} collides with the program's segments`,
    );
  }
  space.map(top - size, size, PROT_READ | PROT_WRITE | (executable ? PROT_EXEC : 0));
  space.engine.memWrite(stack.sp, stack.bytes);
}
