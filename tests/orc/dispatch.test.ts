import { describe, expect, it } from 'vitest';
import { absoluteSymbols, ExecutionSession, JITSymbolFlags } from '../../src/orc/core/index.ts';
import {
  registerJITDispatchHandlers,
  runJITDispatchHandlerSync,
  SPSBool,
  SPSBytes,
  SPSError,
  SPSErrorType,
  SPSExecutorAddr,
  SPSExecutorSymbolDef,
  SPSExpected,
  type SPSExpectedValue,
  SPSi32,
  SPSi64,
  SPSSequence,
  SPSString,
  type SPSSymbolDef,
  SPSTuple,
  SPSu8,
  SPSu32,
  SPSu64,
  spsDeserialize,
  spsSerialize,
  wrapAsyncHandler,
  wrapHandler,
} from '../../src/orc/dispatch/index.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

describe('SPS wire format (byte-exact)', () => {
  it('integers are fixed-width little-endian; bool is one byte', () => {
    expect(hex(spsSerialize([SPSu8], [0xab]))).toBe('ab');
    expect(hex(spsSerialize([SPSu32], [0x12345678]))).toBe('78563412');
    expect(hex(spsSerialize([SPSu64], [0x0102030405060708n]))).toBe('0807060504030201');
    expect(hex(spsSerialize([SPSi32], [-2]))).toBe('feffffff');
    expect(hex(spsSerialize([SPSi64], [-1n]))).toBe('ffffffffffffffff');
    expect(hex(spsSerialize([SPSBool, SPSBool], [true, false]))).toBe('0100');
  });

  it('strings and sequences carry a u64 length', () => {
    expect(hex(spsSerialize([SPSString], ['hi']))).toBe('02000000000000006869');
    expect(hex(spsSerialize([SPSString], ['']))).toBe('0000000000000000');
    expect(hex(spsSerialize([SPSSequence(SPSu32)], [[1, 2]]))).toBe('02000000000000000100000002000000');
    expect(hex(spsSerialize([SPSBytes], [new Uint8Array([9, 8])]))).toBe('02000000000000000908');
  });

  it('tuples and argument lists are concatenations', () => {
    const t = SPSTuple(SPSu8, SPSBool, SPSString);
    expect(hex(spsSerialize([t], [[7, true, 'a']]))).toBe('0701010000000000000061');
    expect(hex(spsSerialize([SPSu8, SPSu32], [1, 2]))).toBe('0102000000');
  });

  it('ExecutorAddr is a u64; ExecutorSymbolDef is addr + (u8 flags, u8 target flags)', () => {
    expect(hex(spsSerialize([SPSExecutorAddr], [0x1000]))).toBe('0010000000000000');
    const def: SPSSymbolDef = { address: 0x401000, flags: JITSymbolFlags.Exported | JITSymbolFlags.Callable };
    expect(hex(spsSerialize([SPSExecutorSymbolDef], [def]))).toBe('00104000000000003000');
  });

  it('Expected<T>: bool hasValue, then the value or the error string', () => {
    const T = SPSExpected(SPSExecutorSymbolDef);
    expect(hex(spsSerialize([T], [{ ok: true, value: { address: 0x401000, flags: 0x30 } }]))).toBe(
      '0100104000000000003000',
    );
    expect(hex(spsSerialize([T], [{ ok: false, error: 'boom' }]))).toBe('000400000000000000626f6f6d');
    expect(hex(spsSerialize([SPSErrorType], [undefined]))).toBe('00');
    expect(hex(spsSerialize([SPSErrorType], ['x']))).toBe('01010000000000000078');
  });

  it('round-trips and rejects malformed input', () => {
    const T = SPSTuple(SPSString, SPSSequence(SPSExecutorAddr), SPSExpected(SPSu64));
    const v: [string, number[], SPSExpectedValue<bigint>] = ['é', [1, 2 ** 51], { ok: true, value: 5n }];
    expect(spsDeserialize([T], spsSerialize([T], [v]))).toEqual([v]);
    expect(() => spsDeserialize([SPSu32], new Uint8Array([1, 2]))).toThrow(SPSError);
    expect(() => spsDeserialize([SPSu8], new Uint8Array([1, 2]))).toThrow(/trailing/);
    expect(() => spsDeserialize([SPSBool], new Uint8Array([2]))).toThrow(SPSError);
    expect(() => spsDeserialize([SPSString], bytes('ff00000000000000'))).toThrow(SPSError);
    // addresses above 2^52 are refused (the ORC layer's ExecutorAddr is a number)
    expect(() => spsDeserialize([SPSExecutorAddr], bytes('0000000000001000'))).toThrow(SPSError);
  });
});

describe('JIT dispatch handlers', () => {
  const setup = async () => {
    const es = new ExecutionSession();
    const platform = es.createJITDylib('Platform');
    platform.define(absoluteSymbols({ __orc_rt_resolve_tag: { address: 0x5000, flags: 0 } }));
    return { es, platform };
  };

  it('keys handlers by the tag symbol address and answers in SPS', async () => {
    const { es, platform } = await setup();
    const seen: number[] = [];
    await registerJITDispatchHandlers(es, platform, {
      __orc_rt_resolve_tag: wrapHandler(
        SPSExpected(SPSExecutorSymbolDef),
        [SPSExecutorAddr],
        (t: number): SPSExpectedValue<SPSSymbolDef> => {
          seen.push(t);
          return { ok: true, value: { address: 0x401000, flags: 0x30 } };
        },
      ),
      __not_defined_tag: wrapHandler(SPSu8, [], () => 0), // silently dropped (weak tag lookup)
    });
    expect([...es.jitDispatchHandlers.keys()]).toEqual([0x5000]);
    const r = runJITDispatchHandlerSync(es, 0x5000, spsSerialize([SPSExecutorAddr], [0x7008]));
    expect(seen).toEqual([0x7008]);
    expect(r).toEqual({ ok: true, data: bytes('0100104000000000003000') });
  });

  it('unknown tags answer "No function registered for tag 0x…"', async () => {
    const { es } = await setup();
    const r = runJITDispatchHandlerSync(es, 0x1234, new Uint8Array());
    expect(r).toEqual({ ok: false, error: 'No function registered for tag 0x0000000000001234' });
  });

  it('bad argument bytes are an out-of-band error; async handlers may answer later', async () => {
    const { es, platform } = await setup();
    let later: ((v: number) => void) | undefined;
    await es.registerJITDispatchHandlers(platform, {
      __orc_rt_resolve_tag: wrapAsyncHandler(SPSu32, [SPSu32], (send, x: number) => {
        later = (v) => send(v + x);
      }),
    });
    const bad = runJITDispatchHandlerSync(es, 0x5000, new Uint8Array([1]));
    expect(bad?.ok).toBe(false);
    const lateResults: unknown[] = [];
    const r = runJITDispatchHandlerSync(es, 0x5000, spsSerialize([SPSu32], [2]), (x) => lateResults.push(x));
    expect(r).toBeUndefined();
    later?.(40);
    expect(lateResults).toEqual([{ ok: true, data: new Uint8Array([42, 0, 0, 0]) }]);
  });
});
