/**
 * Typed errors raised by engines. Every error says what happened and where, so that a caller
 * (CLI, ORC runtime, fuzzer) can report it precisely without parsing message text.
 */

/** The kind of a guest memory access: a load, a store, or an instruction fetch. */
export type AccessKind = 'read' | 'write' | 'fetch';
/**
 * Why an access faulted: nothing is mapped there ('unmapped'), or the page lacks the permission ('protection').
 */
export type FaultKind = 'unmapped' | 'protection';

const hex = (v: number | bigint): string => `0x${v.toString(16)}`;

/**
 * Base class of the engines' typed errors (catch it to catch any of them); `name` says which one.
 */
export class EmuError extends Error {
  override name = 'EmuError';
}

/**
 * An error the guest program caused (a fault, an undefined instruction, an exhausted budget), as
 * opposed to a misuse of the API. It carries no host stack: the host frames say nothing about the
 * guest (the message names its address), and capturing them dominated the cost of a faulting
 * instruction (fuzzers and random-word tests raise millions).
 */
export class GuestError extends EmuError {
  override name = 'GuestError';
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/** A 64-bit address as a bigint, from an exact bigint or a number (truncated, wrapped at 2^64). */
export function toAddress64(address: number | bigint): bigint {
  if (typeof address === 'bigint') return BigInt.asUintN(64, address);
  if (!Number.isFinite(address)) return 0n;
  return BigInt.asUintN(64, BigInt(Math.trunc(address)));
}

/**
 * A guest access touched memory that is unmapped or lacks the needed permission. `address64` is
 * exact over the whole 64-bit range; `address` is the same value as a number, exact only below
 * 2^53 (every mappable address is; beyond, use `address64`).
 */
export class MemoryFault extends GuestError {
  override name = 'MemoryFault';
  address64: bigint;
  readonly address: number;
  constructor(
    readonly access: AccessKind,
    readonly kind: FaultKind,
    address: number | bigint,
    readonly size: number,
    /** Address of the instruction that made the access, when known. */
    public pc?: number,
  ) {
    super('');
    this.address64 = toAddress64(address);
    this.address = typeof address === 'bigint' ? Number(this.address64) : address;
    this.message = this.describe();
  }

  /** Replaces the address by its exact 64-bit value (the engine works it out after the fact). */
  setExactAddress(address64: bigint): void {
    this.address64 = BigInt.asUintN(64, address64);
    this.message = this.describe();
  }

  private describe(): string {
    return `${this.kind === 'unmapped' ? 'unmapped' : 'protection'} ${this.access} fault at ${hex(this.address64)} (size ${this.size})${
      this.pc === undefined ? '' : ` by instruction at ${hex(this.pc)}`
    }`;
  }
}

/**
 * Guest memory ran out: a mapping larger than the engine's memory limit (or beyond its number of
 * mappings) was asked for ('map'), or a first touch of a reserved page would take the touched
 * memory past the limit ('touch'). A Linux layer turns 'map' into -ENOMEM; 'touch' is fatal to
 * the guest, as the kernel's OOM killer would be.
 */
export class OutOfMemory extends GuestError {
  override name = 'OutOfMemory';
  constructor(
    readonly what: 'map' | 'touch',
    /** The mapping's start ('map') or the touched address ('touch'). */
    readonly address: number,
    /** Bytes asked for ('map') or the page size ('touch'). */
    readonly size: number,
    /** The engine's limit of touched memory, in bytes. */
    readonly limit: number,
    /** Address of the instruction whose access touched the page, when known. */
    public pc?: number,
    detail?: string,
  ) {
    super(
      what === 'map'
        ? `out of memory: cannot map 0x${size.toString(16)} bytes at ${hex(address)}${detail ? ` (${detail})` : ''}`
        : `out of memory: touching ${hex(address)} would exceed the memory limit of ${limit} bytes${
            pc === undefined ? '' : ` (instruction at ${hex(pc)})`
          }`,
    );
  }
}

/**
 * An access that needs natural alignment (load/store exclusive) was misaligned. Unicorn/QEMU raise
 * a data abort there (EXCP_DATA_ABORT, interrupt number 4) with the pc left at the instruction.
 * With access 'fetch' it is a PC alignment fault: a branch to a register left the pc not a
 * multiple of 4, and the fetch there faults (address and pc are that pc; the ts engine only).
 */
export class AlignmentFault extends GuestError {
  override name = 'AlignmentFault';
  /** Exact 64-bit address (see MemoryFault.address64). */
  address64: bigint;
  constructor(
    readonly access: AccessKind,
    readonly address: number,
    /** Required alignment in bytes (the access size, 16 for LDXP/STXP of X registers). */
    readonly alignment: number,
    /** Address of the instruction that made the access. */
    public pc?: number,
  ) {
    super('');
    this.address64 = toAddress64(address);
    this.message = this.describe();
  }

  setExactAddress(address64: bigint): void {
    this.address64 = BigInt.asUintN(64, address64);
    this.message = this.describe();
  }

  private describe(): string {
    const at = Number.isNaN(this.address) && this.address64 === 0n ? 'unknown address' : hex(this.address64);
    if (this.access === 'fetch')
      return `PC alignment fault: instruction fetch at ${at} (a branch left the pc misaligned)`;
    const align = this.alignment > 0 ? ` needs ${this.alignment}-byte alignment` : ' is misaligned';
    return `alignment fault: ${this.access} at ${at}${align}${this.pc === undefined ? '' : ` (instruction at ${hex(this.pc)})`}`;
  }
}

/** No encoding in the table matches the word: UNDEFINED on this CPU (or not known to us). */
export class UndefinedInstruction extends GuestError {
  override name = 'UndefinedInstruction';
  constructor(
    readonly word: number,
    readonly address: number,
  ) {
    super(`undefined instruction ${hex(word >>> 0).padStart(10, ' ')} at ${hex(address)}`);
  }
}

/** The word decodes (we can disassemble it) but the engine has no semantics for it. */
export class UnimplementedInstruction extends GuestError {
  override name = 'UnimplementedInstruction';
  constructor(
    readonly word: number,
    readonly address: number,
    readonly disassembly: string,
    readonly detail = '',
  ) {
    super(
      `unimplemented instruction ${hex(word >>> 0)} (${disassembly}) at ${hex(address)}${detail ? `: ${detail}` : ''}`,
    );
  }
}

/** An exception (SVC/BRK/HVC/UDF) was raised and no interrupt hook handled it. */
export class UnhandledException extends GuestError {
  override name = 'UnhandledException';
  constructor(
    readonly intno: number,
    readonly address: number,
  ) {
    super(`unhandled CPU exception ${intno} at ${hex(address)}`);
  }
}

/** The instruction budget given to a run was exhausted (runaway loop protection). */
export class InstructionBudgetExceeded extends GuestError {
  override name = 'InstructionBudgetExceeded';
  constructor(
    readonly budget: number,
    readonly address: number,
  ) {
    super(`instruction budget of ${budget} exhausted at pc ${hex(address)}`);
  }
}

/** Misuse of the engine API (bad mapping, bad register name, ...). */
export class EngineApiError extends EmuError {
  override name = 'EngineApiError';
}

/** The requested engine cannot be used here (e.g. libunicorn2 or koffi missing). */
export class EngineUnavailable extends EmuError {
  override name = 'EngineUnavailable';
}

export { hex };

/**
 * A register value given as a number or a bigint, as the bigint the engines store. A number must
 * be an integer no larger in magnitude than 2^53 - 1 (beyond, a number is already rounded: pass a
 * bigint); a negative number or bigint stands for its two's complement in the register's width.
 * @throws EngineApiError naming the register and the value otherwise.
 */
export function toRegisterValue(name: string, value: number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new EngineApiError(
    `regWrite('${name}', ${String(value)}): a register value is a bigint or an integer number of magnitude below 2^53`,
  );
}

/** An address or size for a message: hex when it is an integer, else as given (NaN, 1.5…). */
export const addressText = (v: number): string => (!Number.isInteger(v) ? String(v) : v < 0 ? `-${hex(-v)}` : hex(v));
