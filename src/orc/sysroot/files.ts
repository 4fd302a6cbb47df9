/**
 * Where a sysroot's C runtime lives, found as clang's GNU toolchain driver finds it for
 * `--target=aarch64-linux-gnu --sysroot DIR -static`: crt1.o/crti.o/crtn.o and libc.a/libm.a in
 * the sysroot's library folders, crtbeginT.o/crtend.o and libgcc.a/libgcc_eh.a/libstdc++.a in the
 * GCC folder that belongs to it (Debian's cross packages: /usr/lib/gcc-cross/<triple>/<version>
 * next to /usr/<triple>; a native-style sysroot: DIR/usr/lib/gcc/<triple>/<version>).
 * Node only (reads the file system); the process set-up itself is in process.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const SYSROOT_TRIPLE = 'aarch64-linux-gnu';

export interface SysrootFiles {
  dir: string;
  /** The GCC folder (crtbeginT.o, libgcc.a, libstdc++.a). */
  gccDir: string;
  /** Start files, in link order, and end files. */
  crt1: string;
  crti: string;
  crtbeginT: string;
  crtend: string;
  crtn: string;
  /** Archives in the order a static C++ link searches them. */
  archives: { name: string; path: string }[];
}

/** A sysroot that lacks what a static link needs. */
export class SysrootError extends Error {
  override name = 'SysrootError';
}

function versionKey(v: string): number[] {
  return v.split('.').map((x) => Number.parseInt(x, 10) || 0);
}

function newestVersionDir(parent: string): string | undefined {
  if (!existsSync(parent)) return undefined;
  const versions = readdirSync(parent)
    .filter((v) => /^\d+(\.\d+)*$/.test(v) && existsSync(join(parent, v, 'crtbeginT.o')))
    .sort((a, b) => {
      const x = versionKey(a);
      const y = versionKey(b);
      for (let i = 0; i < Math.max(x.length, y.length); i++)
        if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
      return 0;
    });
  return versions[0] === undefined ? undefined : join(parent, versions[0]);
}

/** The GCC library folder belonging to sysroot `dir`. */
export function findGccDir(dir: string): string | undefined {
  const triple = basename(dir) === SYSROOT_TRIPLE ? SYSROOT_TRIPLE : SYSROOT_TRIPLE;
  const candidates = [
    // Debian cross: /usr/aarch64-linux-gnu ↔ /usr/lib/gcc-cross/aarch64-linux-gnu/N
    join(dirname(dir), 'lib', 'gcc-cross', triple),
    join(dir, 'usr', 'lib', 'gcc-cross', triple),
    join(dir, 'usr', 'lib', 'gcc', triple),
    join(dir, 'lib', 'gcc', triple),
    join('/usr/lib/gcc-cross', triple),
  ];
  for (const c of candidates) {
    const v = newestVersionDir(c);
    if (v) return v;
  }
  return undefined;
}

/** The sysroot's library folders that exist, in the order a static link searches them. */
export function sysrootLibraryDirs(dir: string): string[] {
  return [
    join(dir, 'lib'),
    join(dir, 'usr', 'lib'),
    join(dir, 'lib', SYSROOT_TRIPLE),
    join(dir, 'usr', 'lib', SYSROOT_TRIPLE),
  ].filter((d) => existsSync(d));
}

export function findSysrootFiles(dir: string, gccDir?: string): SysrootFiles {
  if (!existsSync(dir)) throw new SysrootError(`--sysroot: '${dir}' does not exist`);
  const libDirs = sysrootLibraryDirs(dir);
  const inLib = (name: string): string | undefined => {
    for (const d of libDirs) if (existsSync(join(d, name))) return join(d, name);
    return undefined;
  };
  const gcc = gccDir ?? findGccDir(dir);
  if (!gcc)
    throw new SysrootError(
      `--sysroot ${dir}: no GCC library folder (crtbeginT.o, libgcc.a) found for ${SYSROOT_TRIPLE} (looked in ${join(dirname(dir), 'lib', 'gcc-cross', SYSROOT_TRIPLE)} and under the sysroot)`,
    );
  const need = (p: string | undefined, what: string): string => {
    if (p === undefined || !existsSync(p))
      throw new SysrootError(`--sysroot ${dir}: ${what} not found (searched ${[...libDirs, gcc].join(', ')})`);
    return p;
  };
  const archives: { name: string; path: string }[] = [];
  const optional = (p: string | undefined, name: string) => {
    if (p !== undefined && existsSync(p)) archives.push({ name, path: p });
  };
  optional(join(gcc, 'libstdc++.a'), 'libstdc++.a');
  archives.push({ name: 'libm.a', path: need(inLib('libm.a'), 'libm.a') });
  archives.push({ name: 'libc.a', path: need(inLib('libc.a'), 'libc.a') });
  archives.push({ name: 'libgcc.a', path: need(join(gcc, 'libgcc.a'), 'libgcc.a') });
  optional(join(gcc, 'libgcc_eh.a'), 'libgcc_eh.a');
  return {
    dir,
    gccDir: gcc,
    crt1: need(inLib('crt1.o'), 'crt1.o'),
    crti: need(inLib('crti.o'), 'crti.o'),
    crtn: need(inLib('crtn.o'), 'crtn.o'),
    crtbeginT: need(join(gcc, 'crtbeginT.o'), 'crtbeginT.o'),
    crtend: need(join(gcc, 'crtend.o'), 'crtend.o'),
    archives,
  };
}

/** The bytes of every file the process needs. */
export function readSysroot(files: SysrootFiles): SysrootBytes {
  const r = (p: string) => new Uint8Array(readFileSync(p));
  return {
    files,
    crt1: { name: files.crt1, bytes: r(files.crt1) },
    crtbeginT: { name: files.crtbeginT, bytes: r(files.crtbeginT) },
    crtend: { name: files.crtend, bytes: r(files.crtend) },
    archives: files.archives.map((a) => ({ name: a.path, bytes: r(a.path) })),
  };
}

export interface SysrootBytes {
  files: SysrootFiles;
  crt1: { name: string; bytes: Uint8Array };
  crtbeginT: { name: string; bytes: Uint8Array };
  crtend: { name: string; bytes: Uint8Array };
  archives: { name: string; bytes: Uint8Array }[];
}
