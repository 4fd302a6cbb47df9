/**
 * Public debugger API (`orc-sandbox/debug`): {@link DebugControl} drives a session's debugged run
 * (breakpoints by symbol or address, stepping, watchpoints, the lazy stub table), the engine of the
 * `debug` command; the session's own executor-level primitives are on `OrcSession`
 * (`orc-sandbox/session`).
 */
export {
  type Action,
  type Breakpoint,
  type ControlObserver,
  type ControlOptions,
  DebugControl,
  DebugError,
  type DebugEvent,
  type Frame,
  type LazyEvent,
  registerValue,
  type StopReason as DebugStopReason,
  type StubRow,
} from '../debug/control.ts';
export type { DebugRegisters, DebugStop } from '../protocol/debug.ts';
