/**
 * Open file descriptions and the kinds of file behind them: pipes, the host's standard streams,
 * virtual devices, host files and directories of a mount, and virtual directories. A read or
 * write that would block answers 'block'; the kernel parks the task on the node (`waitKey`) and
 * retries the call when the node wakes it. Results are byte arrays or counts, or negative errno.
 */
import { E } from './errno.ts';
import type { HostFs, HostInput, HostOutput, HostStat } from './host.ts';
import type { SeededRandom } from './random.ts';

export const O_ACCMODE = 3;
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_DIRECTORY = 0o40000;
export const O_NOFOLLOW = 0o100000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;
/** Status flags F_SETFL may change. */
export const SETFL_MASK =
  O_APPEND | O_NONBLOCK | 0o20000 /* O_ASYNC */ | 0o40000 /* O_DIRECT */ | 0o1000000; /* O_NOATIME */

export const S_IFMT = 0o170000;
export const S_IFIFO = 0o010000;
export const S_IFCHR = 0o020000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

export const POLLIN = 1;
export const POLLPRI = 2;
export const POLLOUT = 4;
export const POLLERR = 8;
export const POLLHUP = 16;
export const POLLNVAL = 32;

export const PIPE_CAPACITY = 65536;
export const PIPE_BUF = 4096;

export type Blocking = 'block';

export interface StatInfo {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
}

export interface DirEntry {
  name: string;
  ino: number;
  /** DT_* type. */
  type: number;
}

export const DT = { UNKNOWN: 0, FIFO: 1, CHR: 2, DIR: 4, REG: 8, LNK: 10 } as const;

export interface FileNode {
  readonly kind: 'fifo' | 'chr' | 'reg' | 'dir';
  /** Regular files and directories have offsets; pipes and devices do not (ESPIPE). */
  readonly seekable: boolean;
  read?(d: OpenFile, max: number): Uint8Array | number | Blocking;
  write?(d: OpenFile, data: Uint8Array): number | Blocking;
  pread?(d: OpenFile, max: number, position: number): Uint8Array | number;
  pwrite?(d: OpenFile, data: Uint8Array, position: number): number;
  /** POLL* bits ready now for this description. */
  poll(d: OpenFile): number;
  stat(): StatInfo;
  size?(): number;
  truncate?(length: number): number;
  entries?(): DirEntry[] | number;
  /** A host input to await when a read blocks. */
  hostInput?: HostInput;
  isTty?: boolean;
  opened?(d: OpenFile): void;
  released?(d: OpenFile): void;
}

let nextIno = 0x1000;
const inoOf = (): number => nextIno++;

/** One open file description (shared by dup'ed and inherited descriptors). */
export class OpenFile {
  offset = 0;
  refs = 0;
  /** Directory listing cursor (getdents64). */
  dirEntries: DirEntry[] | undefined;
  constructor(
    readonly node: FileNode,
    public flags: number,
    /** The guest path it was opened as (readlink of /proc/self/fd, traces). */
    readonly path: string,
  ) {
    node.opened?.(this);
  }
  get readable(): boolean {
    return (this.flags & O_ACCMODE) !== O_WRONLY && (this.flags & O_PATH) === 0;
  }
  get writable(): boolean {
    return (this.flags & O_ACCMODE) !== O_RDONLY && (this.flags & O_PATH) === 0;
  }
  get nonblocking(): boolean {
    return (this.flags & O_NONBLOCK) !== 0;
  }
  retain(): this {
    this.refs++;
    return this;
  }
  /** Drops one reference; the last one releases the node's end. */
  release(): void {
    if (--this.refs === 0) this.node.released?.(this);
  }
}

function baseStat(mode: number, ino: number, uid: number, gid: number): StatInfo {
  return {
    dev: 0xc,
    ino,
    mode,
    nlink: 1,
    uid,
    gid,
    rdev: 0,
    size: 0,
    blksize: 4096,
    blocks: 0,
    atimeMs: 0,
    mtimeMs: 0,
    ctimeMs: 0,
  };
}

/** Called whenever a node's readiness changes (data, space, an end closed). */
export type Waker = (key: object) => void;

/** An anonymous pipe: one node for both ends; the description's access mode says which end. */
export class Pipe implements FileNode {
  readonly kind = 'fifo';
  readonly seekable = false;
  private chunks: Uint8Array[] = [];
  private head = 0;
  length = 0;
  readers = 0;
  writers = 0;
  private readonly ino = inoOf();
  constructor(
    private readonly wake: Waker,
    private readonly owner: { uid: number; gid: number },
  ) {}

  opened(d: OpenFile): void {
    if (d.readable) this.readers++;
    if (d.writable) this.writers++;
  }
  released(d: OpenFile): void {
    if (d.readable) this.readers--;
    if (d.writable) this.writers--;
    this.wake(this);
  }

  read(d: OpenFile, max: number): Uint8Array | number | Blocking {
    if (this.length === 0) {
      if (this.writers === 0) return new Uint8Array(0);
      return d.nonblocking ? -E.EAGAIN : 'block';
    }
    const n = Math.min(max, this.length);
    const out = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      const c = this.chunks[0] as Uint8Array;
      const take = Math.min(c.length - this.head, n - o);
      out.set(c.subarray(this.head, this.head + take), o);
      o += take;
      this.head += take;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.length -= n;
    this.wake(this);
    return out;
  }

  write(d: OpenFile, data: Uint8Array): number | Blocking {
    if (this.readers === 0) return -E.EPIPE;
    if (data.length === 0) return 0;
    const space = PIPE_CAPACITY - this.length;
    // Writes of at most PIPE_BUF bytes are atomic: all or nothing.
    if (space <= 0 || (data.length <= PIPE_BUF && space < data.length)) return d.nonblocking ? -E.EAGAIN : 'block';
    const n = Math.min(space, data.length);
    this.chunks.push(data.slice(0, n));
    this.length += n;
    this.wake(this);
    return n;
  }

  poll(d: OpenFile): number {
    let m = 0;
    if (d.readable) {
      if (this.length > 0) m |= POLLIN;
      if (this.writers === 0) m |= POLLHUP;
    }
    if (d.writable) {
      if (this.readers === 0) m |= POLLERR;
      else if (this.length + PIPE_BUF <= PIPE_CAPACITY) m |= POLLOUT;
    }
    return m;
  }

  stat(): StatInfo {
    const s = baseStat(S_IFIFO | 0o600, this.ino, this.owner.uid, this.owner.gid);
    s.size = this.length;
    return s;
  }
}

/** The host's stdin: reads what has arrived; blocks (parks the task) until more does. */
export class HostInputNode implements FileNode {
  readonly kind: 'fifo' | 'chr';
  readonly seekable = false;
  private ended = false;
  private readonly ino = inoOf();
  readonly isTty: boolean;
  constructor(
    readonly hostInput: HostInput,
    private readonly owner: { uid: number; gid: number },
  ) {
    this.isTty = hostInput.tty === true;
    this.kind = this.isTty ? 'chr' : 'fifo';
  }
  read(d: OpenFile, max: number): Uint8Array | number | Blocking {
    if (this.ended) return new Uint8Array(0);
    const r = this.hostInput.read(max);
    if (r === null) {
      this.ended = true;
      return new Uint8Array(0);
    }
    if (r === 'again') return d.nonblocking ? -E.EAGAIN : 'block';
    return r;
  }
  write(): number {
    return -E.EBADF;
  }
  poll(): number {
    return 0; // readiness is learnt by reading; see Kernel.pollHostInput
  }
  stat(): StatInfo {
    return baseStat((this.isTty ? S_IFCHR : S_IFIFO) | 0o600, this.ino, this.owner.uid, this.owner.gid);
  }
}

/** The host's stdout or stderr. A gone reader (EPIPE) becomes EPIPE + SIGPIPE in the guest. */
export class HostOutputNode implements FileNode {
  readonly kind: 'fifo' | 'chr';
  readonly seekable = false;
  private readonly ino = inoOf();
  readonly isTty: boolean;
  broken = false;
  constructor(
    readonly output: HostOutput,
    private readonly owner: { uid: number; gid: number },
  ) {
    this.isTty = output.tty === true;
    this.kind = this.isTty ? 'chr' : 'fifo';
  }
  read(): number {
    return -E.EBADF;
  }
  write(_d: OpenFile, data: Uint8Array): number {
    if (this.broken) return -E.EPIPE;
    if (data.length === 0) return 0;
    if (this.output.write(data) === 'epipe') {
      this.broken = true;
      return -E.EPIPE;
    }
    return data.length;
  }
  poll(): number {
    return this.broken ? POLLERR : POLLOUT;
  }
  stat(): StatInfo {
    return baseStat((this.isTty ? S_IFCHR : S_IFIFO) | 0o600, this.ino, this.owner.uid, this.owner.gid);
  }
}

/** /dev/null, /dev/zero, /dev/urandom (seeded), /dev/random (same generator). */
export class DeviceNode implements FileNode {
  readonly kind = 'chr';
  readonly seekable = true;
  private readonly ino = inoOf();
  constructor(
    readonly device: 'null' | 'zero' | 'urandom',
    private readonly rdev: number,
    private readonly random: SeededRandom,
  ) {}
  read(_d: OpenFile, max: number): Uint8Array {
    if (this.device === 'null') return new Uint8Array(0);
    const n = Math.min(max, 1 << 20);
    return this.device === 'zero' ? new Uint8Array(n) : this.random.bytes(n);
  }
  write(_d: OpenFile, data: Uint8Array): number {
    return data.length;
  }
  poll(): number {
    return POLLIN | POLLOUT;
  }
  stat(): StatInfo {
    const s = baseStat(S_IFCHR | 0o666, this.ino, 0, 0);
    s.rdev = this.rdev;
    s.dev = 5;
    return s;
  }
}

/** Read-only bytes held in memory (/proc/self/exe). */
export class MemoryFileNode implements FileNode {
  readonly kind = 'reg';
  readonly seekable = true;
  private readonly ino = inoOf();
  constructor(
    readonly bytes: Uint8Array,
    private readonly owner: { uid: number; gid: number },
    private readonly mode = 0o755,
  ) {}
  read(d: OpenFile, max: number): Uint8Array {
    const r = this.pread(d, max, d.offset);
    d.offset += r.length;
    return r;
  }
  pread(_d: OpenFile, max: number, position: number): Uint8Array {
    return this.bytes.slice(Math.min(position, this.bytes.length), Math.min(position + max, this.bytes.length));
  }
  write(): number {
    return -E.EBADF;
  }
  poll(): number {
    return POLLIN | POLLOUT;
  }
  size(): number {
    return this.bytes.length;
  }
  stat(): StatInfo {
    const s = baseStat(S_IFREG | this.mode, this.ino, this.owner.uid, this.owner.gid);
    s.size = this.bytes.length;
    s.blocks = Math.ceil(this.bytes.length / 512);
    return s;
  }
}

export function statFromHost(h: HostStat, owner: { uid: number; gid: number }): StatInfo {
  return {
    dev: h.dev,
    ino: h.ino,
    mode: h.mode,
    nlink: h.nlink,
    uid: owner.uid,
    gid: owner.gid,
    rdev: 0,
    size: h.size,
    blksize: 4096,
    blocks: Math.ceil(h.size / 512),
    atimeMs: h.atimeMs,
    mtimeMs: h.mtimeMs,
    ctimeMs: h.ctimeMs,
  };
}

/** A regular host file inside a mount, open through a host handle. */
export class HostFileNode implements FileNode {
  readonly kind = 'reg';
  readonly seekable = true;
  constructor(
    private readonly fs: HostFs,
    private readonly handle: number,
    private readonly owner: { uid: number; gid: number },
  ) {}
  read(d: OpenFile, max: number): Uint8Array | number {
    const r = this.fs.pread(this.handle, max, d.offset);
    if (typeof r !== 'number') d.offset += r.length;
    return r;
  }
  write(d: OpenFile, data: Uint8Array): number {
    if (d.flags & O_APPEND) d.offset = this.size();
    const n = this.fs.pwrite(this.handle, data, d.offset);
    if (n > 0) d.offset += n;
    return n;
  }
  pread(_d: OpenFile, max: number, position: number): Uint8Array | number {
    return this.fs.pread(this.handle, max, position);
  }
  pwrite(_d: OpenFile, data: Uint8Array, position: number): number {
    return this.fs.pwrite(this.handle, data, position);
  }
  poll(): number {
    return POLLIN | POLLOUT;
  }
  size(): number {
    const s = this.fs.fstat(this.handle);
    return typeof s === 'number' ? 0 : s.size;
  }
  truncate(length: number): number {
    return this.fs.ftruncate(this.handle, length);
  }
  stat(): StatInfo {
    const s = this.fs.fstat(this.handle);
    if (typeof s === 'number') return baseStat(S_IFREG, 0, this.owner.uid, this.owner.gid);
    return statFromHost(s, this.owner);
  }
  released(): void {
    this.fs.close(this.handle);
  }
}

/** A directory (host or virtual): its listing is taken when getdents64 first reads it. */
export class DirectoryNode implements FileNode {
  readonly kind = 'dir';
  readonly seekable = true;
  constructor(
    private readonly list: () => DirEntry[] | number,
    private readonly info: () => StatInfo,
  ) {}
  read(): number {
    return -E.EISDIR;
  }
  write(): number {
    return -E.EISDIR;
  }
  poll(): number {
    return POLLIN | POLLOUT;
  }
  entries(): DirEntry[] | number {
    return this.list();
  }
  stat(): StatInfo {
    return this.info();
  }
}

export function virtualDirStat(ino: number): StatInfo {
  const s = baseStat(S_IFDIR | 0o755, ino, 0, 0);
  s.nlink = 2;
  s.size = 4096;
  return s;
}
