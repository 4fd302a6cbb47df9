/**
 * Typed errors raised by engines. Every error says what happened and where, so that a caller
 * (CLI, ORC runtime, fuzzer) can report it precisely without parsing message text.
 */

export type AccessKind = 'read' | 'write' | 'fetch';
export type FaultKind = 'unmapped' | 'protection';

const hex = (v: number | bigint): string => `0x${v.toString(16)}`;

export class EmuError extends Error {
  override name = 'EmuError';
}

/** A guest access touched memory that is unmapped or lacks the needed permission. */
export class MemoryFault extends EmuError {
  override name = 'MemoryFault';
  constructor(
    readonly access: AccessKind,
    readonly kind: FaultKind,
    readonly address: number,
    readonly size: number,
    /** Address of the instruction that made the access, when known. */
    public pc?: number,
  ) {
    super(
      `${kind === 'unmapped' ? 'unmapped' : 'protection'} ${access} fault at ${hex(address)} (size ${size})${
        pc === undefined ? '' : ` by instruction at ${hex(pc)}`
      }`,
    );
  }
}

/**
 * An access that needs natural alignment (load/store exclusive) was misaligned. Unicorn/QEMU raise
 * a data abort there (EXCP_DATA_ABORT, interrupt number 4) with the pc left at the instruction.
 */
export class AlignmentFault extends EmuError {
  override name = 'AlignmentFault';
  constructor(
    readonly access: AccessKind,
    readonly address: number,
    /** Required alignment in bytes (the access size, 16 for LDXP/STXP of X registers). */
    readonly alignment: number,
    /** Address of the instruction that made the access. */
    public pc?: number,
  ) {
    super(
      `alignment fault: ${access} at ${hex(address)} needs ${alignment}-byte alignment${
        pc === undefined ? '' : ` (instruction at ${hex(pc)})`
      }`,
    );
  }
}

/** No encoding in the table matches the word: UNDEFINED on this CPU (or not known to us). */
export class UndefinedInstruction extends EmuError {
  override name = 'UndefinedInstruction';
  constructor(
    readonly word: number,
    readonly address: number,
  ) {
    super(`undefined instruction ${hex(word >>> 0).padStart(10, ' ')} at ${hex(address)}`);
  }
}

/** The word decodes (we can disassemble it) but the engine has no semantics for it. */
export class UnimplementedInstruction extends EmuError {
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
export class UnhandledException extends EmuError {
  override name = 'UnhandledException';
  constructor(
    readonly intno: number,
    readonly address: number,
  ) {
    super(`unhandled CPU exception ${intno} at ${hex(address)}`);
  }
}

/** The instruction budget given to a run was exhausted (runaway loop protection). */
export class InstructionBudgetExceeded extends EmuError {
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
