/**
 * The guest's file system: nothing but what the user mounted (`--mount HOST:GUEST[:ro|rw]`)
 * plus a few virtual files (/dev/null, /dev/zero, /dev/urandom, /dev/tty, /proc/self/exe).
 *
 * Paths are resolved here, in the guest's namespace, one component at a time: `..` pops a guest
 * component (so it never leaves the guest root, and at a mount root it goes to the guest parent,
 * not the host's), and every symlink met on the way is read and its target resolved again in the
 * guest namespace. The host only ever sees `mount.host + "/" + components` with no `..`, whose
 * directory components were checked with lstat not to be symlinks: no path can escape a mount.
 */
import { E } from './errno.ts';
import {
  type DirEntry,
  DirectoryNode,
  DT,
  type FileNode,
  HostFileNode,
  O_ACCMODE,
  O_CREAT,
  O_EXCL,
  O_RDONLY,
  O_TRUNC,
  S_IFDIR,
  S_IFLNK,
  type StatInfo,
  statFromHost,
  virtualDirStat,
} from './files.ts';
import type { HostFs, HostStat } from './host.ts';

export interface Mount {
  /** Host directory (absolute, no trailing slash). */
  host: string;
  /** Guest directory (absolute, normalised, no trailing slash except "/"). */
  guest: string;
  writable: boolean;
}

/** Parses `HOST:GUEST[:ro|rw]`; throws a message for anything else. */
export function parseMount(spec: string): Mount {
  const parts = spec.split(':');
  let mode = 'ro';
  if (parts.length === 3) mode = parts.pop() as string;
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`--mount wants HOST:GUEST[:ro|rw], got '${spec}'`);
  if (mode !== 'ro' && mode !== 'rw') throw new Error(`--mount mode must be ro or rw, got '${mode}' in '${spec}'`);
  const guest = parts[1];
  if (!guest.startsWith('/')) throw new Error(`--mount guest path must be absolute, got '${guest}'`);
  const comps = guest.split('/').filter((c) => c !== '' && c !== '.');
  if (comps.includes('..')) throw new Error(`--mount guest path must not contain '..', got '${guest}'`);
  const host = parts[0].length > 1 ? parts[0].replace(/\/+$/, '') : parts[0];
  return { host, guest: `/${comps.join('/')}`, writable: mode === 'rw' };
}

/** Where a resolved guest path lives. */
export type Location =
  | { kind: 'host'; mount: Mount; hostPath: string; guestPath: string; stat: HostStat | undefined }
  | { kind: 'virtual'; guestPath: string; entry: VirtualEntry | undefined };

export type VirtualEntry =
  | { type: 'dir' }
  | { type: 'device'; open: () => FileNode | number; stat: () => StatInfo }
  | {
      type: 'symlink';
      target: () => string;
      /** A magic link (/proc/self/exe): following it reaches this file, whatever the target says. */
      magic?: { open: () => FileNode | number; stat: () => StatInfo };
    };

export interface Resolved {
  loc: Location;
  /** Guest components of the resolved path. */
  comps: string[];
  exists: boolean;
  isDir: boolean;
  /** Reached a magic link by following it: stat and open mean its file. */
  magic?: boolean;
}

const MAX_SYMLINKS = 40;

export class GuestFs {
  readonly mounts: Mount[];
  private readonly virtual = new Map<string, VirtualEntry>();
  private readonly dirIno = new Map<string, number>();

  constructor(
    mounts: Mount[],
    readonly host: HostFs | undefined,
    private readonly owner: { uid: number; gid: number },
  ) {
    // Longest guest path first, so the innermost mount wins.
    this.mounts = [...mounts].sort((a, b) => b.guest.length - a.guest.length);
    if (mounts.length > 0 && !host) throw new Error('mounts need a host file system');
    this.addVirtualDir('/');
  }

  addVirtual(path: string, entry: VirtualEntry): void {
    this.virtual.set(path, entry);
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    this.addVirtualDir(parent);
  }

  private addVirtualDir(path: string): void {
    if (!this.virtual.has(path)) this.virtual.set(path, { type: 'dir' });
    if (path !== '/') this.addVirtualDir(path.slice(0, path.lastIndexOf('/')) || '/');
  }

  private mountOf(path: string): Mount | undefined {
    for (const m of this.mounts)
      if (path === m.guest || path.startsWith(m.guest === '/' ? '/' : `${m.guest}/`)) return m;
    return undefined;
  }

  /** What is at an absolute, normalised guest path (no symlink following). */
  locate(path: string): Location {
    const m = this.mountOf(path);
    if (m) {
      const rest = path === m.guest ? '' : path.slice(m.guest === '/' ? 1 : m.guest.length + 1);
      const hostPath = rest ? `${m.host === '/' ? '' : m.host}/${rest}` : m.host;
      const st = (this.host as HostFs).lstat(hostPath);
      return { kind: 'host', mount: m, hostPath, guestPath: path, stat: typeof st === 'number' ? undefined : st };
    }
    // Directories above mount points exist virtually.
    const v = this.virtual.get(path);
    if (v) return { kind: 'virtual', guestPath: path, entry: v };
    for (const mm of this.mounts)
      if (mm.guest.startsWith(`${path === '/' ? '' : path}/`))
        return { kind: 'virtual', guestPath: path, entry: { type: 'dir' } };
    return { kind: 'virtual', guestPath: path, entry: undefined };
  }

  /**
   * Resolves `path` relative to the directory `cwd` (absolute guest path). With `followLast`
   * false a final symlink is not followed (lstat, unlink, readlink…). A missing last component
   * is not an error (exists=false) when its parent is a directory; anything else is -errno.
   */
  resolve(cwd: string, path: string, followLast: boolean): Resolved | number {
    if (path === '') return -E.ENOENT;
    if (path.length > 4096) return -E.ENAMETOOLONG;
    let cur: string[] = path.startsWith('/') ? [] : cwd.split('/').filter((c) => c !== '');
    const queue = path.split('/').filter((c) => c !== '' && c !== '.');
    const trailingSlash = path.endsWith('/');
    let links = 0;
    if (queue.length === 0) {
      const loc = this.locate(join(cur));
      return { loc, comps: cur, exists: true, isDir: true };
    }
    while (queue.length > 0) {
      const c = queue.shift() as string;
      if (c === '.') continue;
      if (c === '..') {
        cur.pop();
        if (queue.length === 0) {
          const loc = this.locate(join(cur));
          return { loc, comps: cur, exists: true, isDir: true };
        }
        continue;
      }
      if (c.length > 255) return -E.ENAMETOOLONG;
      const next = [...cur, c];
      const isLast = queue.length === 0;
      const loc = this.locate(join(next));
      const kind = typeOf(loc);
      if (kind === undefined) {
        if (isLast) return { loc, comps: next, exists: false, isDir: false };
        return -E.ENOENT;
      }
      const magic = loc.kind === 'virtual' && loc.entry?.type === 'symlink' ? loc.entry.magic : undefined;
      if (magic && isLast && followLast) return { loc, comps: next, exists: true, isDir: false, magic: true };
      if (kind === 'symlink' && (!isLast || followLast || trailingSlash)) {
        if (++links > MAX_SYMLINKS) return -E.ELOOP;
        const target = this.readlinkAt(loc);
        if (typeof target === 'number') return target;
        if (target.startsWith('/')) cur = [];
        queue.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
        if (queue.length === 0) {
          const l = this.locate(join(cur));
          return { loc: l, comps: cur, exists: true, isDir: true };
        }
        continue;
      }
      if (!isLast && kind !== 'dir') return -E.ENOTDIR;
      if (isLast) {
        if (trailingSlash && kind !== 'dir') return -E.ENOTDIR;
        return { loc, comps: next, exists: true, isDir: kind === 'dir' };
      }
      cur = next;
    }
    return -E.ENOENT;
  }

  readlinkAt(loc: Location): string | number {
    if (loc.kind === 'host') return (this.host as HostFs).readlink(loc.hostPath);
    if (loc.entry?.type === 'symlink') return loc.entry.target();
    return -E.EINVAL;
  }

  stat(loc: Location, followMagic = false): StatInfo | number {
    if (followMagic && loc.kind === 'virtual' && loc.entry?.type === 'symlink' && loc.entry.magic)
      return loc.entry.magic.stat();
    if (loc.kind === 'host') {
      if (!loc.stat) return -E.ENOENT;
      return statFromHost(loc.stat, this.owner);
    }
    const e = loc.entry;
    if (!e) return -E.ENOENT;
    if (e.type === 'dir') return virtualDirStat(this.inoOfDir(loc.guestPath));
    if (e.type === 'symlink') {
      const s = virtualDirStat(this.inoOfDir(loc.guestPath));
      s.mode = S_IFLNK | 0o777;
      s.size = e.target().length;
      return s;
    }
    return e.stat();
  }

  private inoOfDir(path: string): number {
    let i = this.dirIno.get(path);
    if (i === undefined) {
      i = 0x100 + this.dirIno.size;
      this.dirIno.set(path, i);
    }
    return i;
  }

  /** Opens an existing or (O_CREAT) new file; checks read-only mounts. */
  open(r: Resolved, flags: number, mode: number): FileNode | number {
    const loc = r.loc;
    const wantsWrite = (flags & O_ACCMODE) !== O_RDONLY || (flags & O_TRUNC) !== 0;
    if (r.exists && flags & O_CREAT && flags & O_EXCL) return -E.EEXIST;
    if (loc.kind === 'virtual') {
      const e = loc.entry;
      if (!e) return flags & O_CREAT ? -E.EROFS : -E.ENOENT;
      if (e.type === 'dir') return wantsWrite ? -E.EISDIR : this.dirNode(loc);
      if (e.type === 'device') return e.open();
      if (r.magic && e.magic) return e.magic.open();
      return -E.ELOOP;
    }
    const host = this.host as HostFs;
    if (!r.exists) {
      if (!(flags & O_CREAT)) return -E.ENOENT;
      if (!loc.mount.writable) return -E.EROFS;
    } else {
      const t = loc.stat?.type;
      if (t === 'dir') return wantsWrite ? -E.EISDIR : this.dirNode(loc);
      if (t === 'symlink') return -E.ELOOP;
      if (t !== 'file') return -E.EACCES; // host devices, fifos and sockets stay out of reach
      if (wantsWrite && !loc.mount.writable) return -E.EROFS;
    }
    const h = host.open(loc.hostPath, flags & ~0o40000, mode);
    if (h < 0) return h;
    return new HostFileNode(host, h, this.owner);
  }

  dirNode(loc: Location): DirectoryNode {
    const self = this.stat(loc);
    const info = (): StatInfo => (typeof self === 'number' ? virtualDirStat(0) : self);
    return new DirectoryNode(() => this.list(loc), info);
  }

  /** Directory entries, with . and .. first. */
  list(loc: Location): DirEntry[] | number {
    const out: DirEntry[] = [
      { name: '.', ino: 1, type: DT.DIR },
      { name: '..', ino: 1, type: DT.DIR },
    ];
    const names = new Set<string>();
    if (loc.kind === 'host') {
      const list = (this.host as HostFs).readdir(loc.hostPath);
      if (typeof list === 'number') return list;
      for (const n of list) {
        const st = (this.host as HostFs).lstat(`${loc.hostPath}/${n}`);
        const t = typeof st === 'number' ? DT.UNKNOWN : dtOf(st.type);
        out.push({ name: n, ino: typeof st === 'number' ? 0 : st.ino, type: t });
        names.add(n);
      }
    }
    const prefix = loc.guestPath === '/' ? '/' : `${loc.guestPath}/`;
    const virtualNames = new Map<string, number>();
    for (const [p, e] of this.virtual)
      if (p !== loc.guestPath && p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        virtualNames.set(p.slice(prefix.length), e.type === 'dir' ? DT.DIR : e.type === 'symlink' ? DT.LNK : DT.CHR);
    for (const m of this.mounts)
      if (m.guest.startsWith(prefix) && m.guest !== loc.guestPath) {
        const n = (m.guest.slice(prefix.length).split('/')[0] as string) || '';
        if (n) virtualNames.set(n, DT.DIR);
      }
    for (const [n, t] of [...virtualNames].sort())
      if (!names.has(n)) out.push({ name: n, ino: this.inoOfDir(prefix + n), type: t });
    return out;
  }

  /** Checks that a modification may happen at `loc` (a host path in a writable mount). */
  writableHost(loc: Location): { hostPath: string } | number {
    if (loc.kind !== 'host') return loc.entry ? -E.EACCES : -E.EROFS;
    if (!loc.mount.writable) return -E.EROFS;
    if (loc.hostPath === loc.mount.host) return -E.EBUSY;
    return { hostPath: loc.hostPath };
  }
}

function typeOf(loc: Location): 'file' | 'dir' | 'symlink' | 'other' | undefined {
  if (loc.kind === 'host') return loc.stat?.type;
  const e = loc.entry;
  if (!e) return undefined;
  return e.type === 'dir' ? 'dir' : e.type === 'symlink' ? 'symlink' : 'other';
}

function dtOf(t: HostStat['type']): number {
  return t === 'dir' ? DT.DIR : t === 'file' ? DT.REG : t === 'symlink' ? DT.LNK : DT.UNKNOWN;
}

export function join(comps: string[]): string {
  return `/${comps.join('/')}`;
}

export function isDirMode(mode: number): boolean {
  return (mode & 0o170000) === S_IFDIR;
}
