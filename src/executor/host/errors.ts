/** Typed errors raised by host functions (they stop the emulated program). */

const hex = (a: number): string => `0x${a.toString(16)}`;

export class HostError extends Error {
  override name = 'HostError';
}

/** free/realloc of a block that was already freed. */
export class DoubleFree extends HostError {
  override name = 'DoubleFree';
  constructor(
    readonly address: number,
    readonly fn: string,
  ) {
    super(`${fn}(): double free of ${hex(address)}`);
  }
}

/** free/realloc of a pointer the allocator never returned (or an interior pointer). */
export class InvalidPointer extends HostError {
  override name = 'InvalidPointer';
  constructor(
    readonly address: number,
    readonly fn: string,
  ) {
    super(`${fn}(): invalid pointer ${hex(address)} (not allocated by this heap)`);
  }
}

/** A FILE* that is not stdout/stderr/stdin. */
export class InvalidStream extends HostError {
  override name = 'InvalidStream';
  constructor(
    readonly address: number,
    readonly fn: string,
  ) {
    super(`${fn}(): unknown FILE* ${hex(address)} (only stdin, stdout and stderr exist)`);
  }
}

/** A host function's call back into emulated code did not return normally. */
export class HostCallError extends HostError {
  override name = 'HostCallError';
}

/**
 * The program ended: exit(status), return from main, or abort() (status 134 = 128 + SIGABRT).
 * Thrown through nested emulator runs up to the runner.
 */
export class ProgramExit extends Error {
  override name = 'ProgramExit';
  constructor(
    readonly status: number,
    readonly reason: 'exit' | 'abort' | 'return' = 'exit',
  ) {
    super(reason === 'abort' ? 'program aborted (status 134)' : `program exited with status ${status}`);
  }
}

/**
 * The program was killed by a signal the Linux layer delivered (kill/tgkill to itself, abort()
 * through tgkill, SIGPIPE): status 128 + signal, as a shell reports it.
 */
export class ProgramKilled extends Error {
  override name = 'ProgramKilled';
  constructor(
    readonly signal: number,
    readonly reason: string,
  ) {
    super(`program killed by signal ${signal}: ${reason}`);
  }
}
