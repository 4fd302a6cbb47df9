/**
 * What the Linux layer needs from its host, as interfaces injected by the caller, so this layer
 * imports nothing Node-only and runs in browsers (without mounts). Node implementations live in
 * `node-host.ts`, which only Node callers (the CLI, tests) import.
 */

/** A host byte source (the guest's stdin). Reads never block the host. */
export interface HostInput {
  /** Up to `max` bytes now; `null` at end of input; 'again' when nothing has arrived yet. */
  read(max: number): Uint8Array | null | 'again';
  /** What read() would answer now, without consuming anything. */
  status(): 'data' | 'eof' | 'again';
  /** Resolves when read() may answer something other than 'again'. */
  readable(): Promise<void>;
  /** True when it is a terminal (isatty). */
  readonly tty?: boolean;
  /** Stop reading (the guest is done); must not keep the host alive. */
  close?(): void;
}

/** A host byte sink (stdout / stderr). Returns 'epipe' when the reader has gone (other results are ignored). */
export type OutputSink = (bytes: Uint8Array) => unknown;

export interface HostOutput {
  write: OutputSink;
  readonly tty?: boolean;
}

/** Input that is all there from the start (tests, `--stdin FILE`, the browser). */
export function bufferInput(bytes: Uint8Array = new Uint8Array(0)): HostInput {
  let pos = 0;
  return {
    read(max) {
      if (pos >= bytes.length) return null;
      const chunk = bytes.subarray(pos, pos + max);
      pos += chunk.length;
      return chunk;
    },
    status: () => (pos >= bytes.length ? 'eof' : 'data'),
    readable: () => Promise.resolve(),
  };
}

export interface HostStat {
  /** 'file' | 'dir' | 'symlink' | 'other' (devices, fifos, sockets: never opened). */
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  size: number;
  ino: number;
  dev: number;
  nlink: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
}

/**
 * Host file operations on host paths the Linux layer has already resolved and confined to a
 * mount (no `..`, every directory component checked not to be a symlink). Failures are negative
 * Linux errno values; operations never follow a symlink in the last component unless they say so.
 */
export interface HostFs {
  lstat(path: string): HostStat | number;
  /** Opens a regular file; flags are Linux O_* bits (O_CREAT, O_TRUNC, O_EXCL, O_ACCMODE, O_APPEND). */
  open(path: string, flags: number, mode: number): number;
  close(handle: number): void;
  pread(handle: number, length: number, position: number): Uint8Array | number;
  pwrite(handle: number, data: Uint8Array, position: number): number;
  fstat(handle: number): HostStat | number;
  ftruncate(handle: number, length: number): number;
  readdir(path: string): string[] | number;
  readlink(path: string): string | number;
  mkdir(path: string, mode: number): number;
  unlink(path: string): number;
  rmdir(path: string): number;
  rename(from: string, to: string): number;
  symlink(target: string, path: string): number;
  /** The whole file (execve). */
  readFile(path: string): Uint8Array | number;
}
