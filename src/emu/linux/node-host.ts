/**
 * Node implementations of the host interfaces (host.ts): the process's stdin as a stream that
 * parks the guest until data arrives, stdout/stderr written synchronously (so a closed pipe is
 * seen at once, as EPIPE), and the host file system for mounts. Only Node callers import this.
 */
import * as fs from 'node:fs';
import { isatty } from 'node:tty';
import { errnoOfCode } from './errno.ts';
import type { HostFs, HostInput, HostOutput, HostStat } from './host.ts';

const HIGH_WATER = 1 << 20;

/**
 * fd 0 as a HostInput. A regular file is read with exact positions (nothing is read ahead, so a
 * later reader of the same file sees the rest); a pipe or terminal is read as a Node stream,
 * started on the guest's first read and paused while 1 MiB waits unread.
 */
export function nodeStdin(fd = 0): HostInput {
  let regular = false;
  try {
    regular = fs.fstatSync(fd).isFile();
  } catch {
    regular = false;
  }
  if (regular) {
    let eof = false;
    return {
      read(max) {
        if (eof) return null;
        const b = Buffer.alloc(Math.min(max, 1 << 20));
        if (b.length === 0) return new Uint8Array(0);
        const n = fs.readSync(fd, b, 0, b.length, null);
        if (n === 0) {
          eof = true;
          return null;
        }
        return new Uint8Array(b.buffer, b.byteOffset, n);
      },
      status: () => (eof ? 'eof' : 'data'),
      readable: () => Promise.resolve(),
    };
  }
  const stream = process.stdin;
  const chunks: Uint8Array[] = [];
  let buffered = 0;
  let ended = false;
  let started = false;
  let waiters: (() => void)[] = [];
  const notify = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const start = () => {
    if (started) return;
    started = true;
    stream.on('data', (c: Buffer) => {
      chunks.push(new Uint8Array(c.buffer, c.byteOffset, c.length));
      buffered += c.length;
      if (buffered > HIGH_WATER) stream.pause();
      notify();
    });
    stream.on('end', () => {
      ended = true;
      notify();
    });
    stream.on('error', () => {
      ended = true;
      notify();
    });
    stream.resume();
  };
  return {
    tty: isatty(fd),
    read(max) {
      start();
      if (chunks.length === 0) return ended ? null : 'again';
      if (max === 0) return new Uint8Array(0);
      const first = chunks[0] as Uint8Array;
      let out: Uint8Array;
      if (first.length <= max) {
        chunks.shift();
        out = first;
      } else {
        out = first.subarray(0, max);
        chunks[0] = first.subarray(max);
      }
      buffered -= out.length;
      if (buffered <= HIGH_WATER / 2 && !ended) stream.resume();
      return out;
    },
    status() {
      start();
      return chunks.length > 0 ? 'data' : ended ? 'eof' : 'again';
    },
    readable() {
      start();
      if (chunks.length > 0 || ended) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    close() {
      if (started) {
        stream.pause();
        stream.removeAllListeners('data');
        stream.destroy();
      }
    },
  };
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** fd 1 or 2 written with writeSync: ordered, flushed, and EPIPE reported to the guest. */
export function nodeOutput(fd: number): HostOutput {
  return {
    tty: isatty(fd),
    write(bytes) {
      let off = 0;
      while (off < bytes.length) {
        try {
          off += fs.writeSync(fd, bytes, off, bytes.length - off);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EPIPE') return 'epipe';
          // A non-blocking descriptor that is full: wait a little for the reader.
          if (code === 'EAGAIN') Atomics.wait(sleeper, 0, 0, 1);
          else throw e;
        }
      }
      return undefined;
    },
  };
}

function code(e: unknown): number {
  return -errnoOfCode((e as NodeJS.ErrnoException).code);
}

function toStat(s: fs.Stats): HostStat {
  return {
    type: s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : 'other',
    mode: s.mode,
    size: s.size,
    ino: s.ino,
    dev: s.dev,
    nlink: s.nlink,
    atimeMs: s.atimeMs,
    mtimeMs: s.mtimeMs,
    ctimeMs: s.ctimeMs,
  };
}

/** The host file system through node:fs (synchronous calls: a syscall answers at once). */
export class NodeHostFs implements HostFs {
  lstat(path: string): HostStat | number {
    try {
      return toStat(fs.lstatSync(path));
    } catch (e) {
      return code(e);
    }
  }
  open(path: string, flags: number, mode: number): number {
    const c = fs.constants;
    const acc = flags & 3;
    let f = acc === 0 ? c.O_RDONLY : acc === 1 ? c.O_WRONLY : c.O_RDWR;
    if (flags & 0o100) f |= c.O_CREAT;
    if (flags & 0o200) f |= c.O_EXCL;
    if (flags & 0o1000) f |= c.O_TRUNC;
    if (flags & 0o2000) f |= c.O_APPEND;
    // Never follow a symlink the guest namespace did not resolve (a race could plant one).
    f |= c.O_NOFOLLOW;
    try {
      return fs.openSync(path, f, mode);
    } catch (e) {
      return code(e);
    }
  }
  close(handle: number): void {
    try {
      fs.closeSync(handle);
    } catch {
      // already closed: nothing to release
    }
  }
  pread(handle: number, length: number, position: number): Uint8Array | number {
    try {
      const b = Buffer.alloc(Math.min(length, 1 << 24));
      const n = fs.readSync(handle, b, 0, b.length, position);
      return new Uint8Array(b.buffer, b.byteOffset, n);
    } catch (e) {
      return code(e);
    }
  }
  pwrite(handle: number, data: Uint8Array, position: number): number {
    try {
      return fs.writeSync(handle, data, 0, data.length, position);
    } catch (e) {
      return code(e);
    }
  }
  fstat(handle: number): HostStat | number {
    try {
      return toStat(fs.fstatSync(handle));
    } catch (e) {
      return code(e);
    }
  }
  ftruncate(handle: number, length: number): number {
    try {
      fs.ftruncateSync(handle, length);
      return 0;
    } catch (e) {
      return code(e);
    }
  }
  /** Entries in the host's own order (readdir(3), as qemu-user passes it through; not sorted). */
  readdir(path: string): string[] | number {
    let dir: fs.Dir | undefined;
    try {
      dir = fs.opendirSync(path);
      const names: string[] = [];
      for (let d = dir.readSync(); d !== null; d = dir.readSync()) names.push(d.name);
      return names;
    } catch (e) {
      return code(e);
    } finally {
      dir?.closeSync();
    }
  }
  readlink(path: string): string | number {
    try {
      return fs.readlinkSync(path);
    } catch (e) {
      return code(e);
    }
  }
  mkdir(path: string, mode: number): number {
    return this.op(() => fs.mkdirSync(path, { mode }));
  }
  unlink(path: string): number {
    return this.op(() => fs.unlinkSync(path));
  }
  rmdir(path: string): number {
    return this.op(() => fs.rmdirSync(path));
  }
  rename(from: string, to: string): number {
    return this.op(() => fs.renameSync(from, to));
  }
  symlink(target: string, path: string): number {
    return this.op(() => fs.symlinkSync(target, path));
  }
  readFile(path: string): Uint8Array | number {
    try {
      const fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      try {
        return new Uint8Array(fs.readFileSync(fd));
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      return code(e);
    }
  }
  private op(f: () => void): number {
    try {
      f();
      return 0;
    } catch (e) {
      return code(e);
    }
  }
}
