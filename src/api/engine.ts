/**
 * Public engine API (`orc-sandbox/engine`): a Unicorn-style AArch64 CPU emulator. Create one with
 * {@link createEngine}, map memory (`memMap`), write code (`memWrite`), set registers (`regWrite`)
 * and run (`start(begin, until)`). Two engines implement the same {@link Engine} interface: 'ts' (pure
 * TypeScript, always available) and 'unicorn' (libunicorn2 through the optional koffi package).
 */
export {
  type CodeHook,
  type Engine,
  type EngineKind,
  type EngineOptions,
  type GprName,
  type HookHandle,
  type HookRange,
  INTNO_BRK,
  INTNO_HVC,
  INTNO_SVC,
  INTNO_UDEF,
  type InsnHook,
  type InsnHookOptions,
  type InterruptHook,
  MEM_INVALID_HOOK_TYPES,
  type MemHook,
  type MemHookType,
  type MemInvalidHook,
  type MemInvalidHookType,
  type MemRegion,
  type MrsHook,
  type MrsHookInfo,
  PAGE_SIZE,
  PROT_ALL,
  PROT_EXEC,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
  type RegName,
  type RunResult,
  type StartOptions,
  type StopReason,
  type SysRegName,
  type VecName,
} from '../emu/engine.ts';
export {
  type AccessKind,
  AlignmentFault,
  EmuError,
  EngineApiError,
  EngineUnavailable,
  type FaultKind,
  InstructionBudgetExceeded,
  MemoryFault,
  OutOfMemory,
  UndefinedInstruction,
  UnhandledException,
  UnimplementedInstruction,
} from '../emu/errors.ts';
export { createEngine } from '../emu/factory.ts';
