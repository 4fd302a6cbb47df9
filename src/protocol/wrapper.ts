/**
 * Wrapper-function calls, as ORC's WrapperFunctionUtils: a call carries an SPS-serialized argument
 * buffer and answers either an SPS-serialized result buffer or an out-of-band error string
 * (transport-level failure: unknown tag, undeserializable arguments, …).
 */
import { type SPSType, spsDeserialize, spsSerialize } from './sps.ts';

export type WrapperFunctionResult = { ok: true; data: Uint8Array } | { ok: false; error: string };

export const wrapperResult = (data: Uint8Array): WrapperFunctionResult => ({ ok: true, data });
export const outOfBandError = (error: string): WrapperFunctionResult => ({ ok: false, error });

/** A handler: deserializes `args`, does its work (possibly later), calls `sendResult` exactly once. */
export type JITDispatchHandler = (sendResult: (r: WrapperFunctionResult) => void, args: Uint8Array) => void;

/**
 * Wraps a typed async handler `fn(...args) → result` for the SPS signature `ret(argTypes…)`.
 * `fn` answers through its callback, so it may finish after other session work.
 */
export function wrapAsyncHandler<A extends unknown[], R>(
  retType: SPSType<R>,
  argTypes: { [K in keyof A]: SPSType<A[K]> },
  fn: (send: (result: R) => void, ...args: A) => void,
): JITDispatchHandler {
  return (sendResult, argBytes) => {
    let args: A;
    try {
      args = spsDeserialize(argTypes, argBytes) as A;
    } catch (e) {
      sendResult(outOfBandError(`Could not deserialize arguments for wrapper function call: ${(e as Error).message}`));
      return;
    }
    let sent = false;
    try {
      fn(
        (result) => {
          if (sent) return;
          sent = true;
          sendResult(wrapperResult(spsSerialize([retType], [result])));
        },
        ...args,
      );
    } catch (e) {
      if (!sent) {
        sent = true;
        sendResult(outOfBandError((e as Error).message));
      }
    }
  };
}

/** Synchronous convenience form of wrapAsyncHandler. */
export function wrapHandler<A extends unknown[], R>(
  retType: SPSType<R>,
  argTypes: { [K in keyof A]: SPSType<A[K]> },
  fn: (...args: A) => R,
): JITDispatchHandler {
  return wrapAsyncHandler(retType, argTypes, (send, ...args: A) => send(fn(...args)));
}
