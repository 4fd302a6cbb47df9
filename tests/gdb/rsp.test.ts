/**
 * The RSP layer without a socket: framing properties, a scripted exchange against a real Linux
 * process on the ts engine (register, memory, breakpoint, step, Ctrl-C, exit packets), and a
 * fast-check fuzz of malformed packets: every packet gets a well-formed reply, nothing throws.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { parseExecutable } from '../../src/emu/linux/elf.ts';
import { TARGET_XML } from '../../src/gdb/aarch64.ts';
import { GdbProcess } from '../../src/gdb/gdb-process.ts';
import { LinuxProcessTarget } from '../../src/gdb/linux-target.ts';
import {
  checksum,
  escapeBinary,
  framePacket,
  RspReader,
  runLengthDecode,
  runLengthEncode,
  unescapeBinary,
} from '../../src/gdb/protocol.ts';
import { RspSession, type SessionEnd } from '../../src/gdb/server.ts';
import { listenGdb, parseGdbAddress } from '../../src/gdb/tcp.ts';
import { FIXTURES, ROOT } from './support.ts';

const CLANG5 = join(FIXTURES, 'bin', 'clang5.elf');
const SPIN = join(ROOT, 'tests', 'programs', 'asm', 'bin', 'spin.elf');

describe('RSP framing', () => {
  it('checksums, frames and escapes as the protocol says', () => {
    expect(checksum('OK')).toBe(0x9a);
    expect(framePacket('OK')).toBe('$OK#9a');
    expect(escapeBinary('a#b$c}d*e')).toBe('a}\x03b}\x04c}]d}\x0ae');
    expect(unescapeBinary('}\x03}]')).toBe('#}');
    expect(runLengthEncode('0000000000')).toBe('0*&');
    expect(runLengthDecode('0*&')).toBe('0000000000');
    // Counts 6 and 7 would be '#' and '$': shortened.
    expect(runLengthEncode('x'.repeat(7))).not.toMatch(/[#$]/);
  });

  it('escape and run-length encoding round-trip (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)) }), (s) => {
        expect(unescapeBinary(escapeBinary(s))).toBe(s);
        const escaped = escapeBinary(s);
        expect(runLengthDecode(runLengthEncode(escaped))).toBe(escaped);
        expect(runLengthEncode(escaped)).not.toMatch(/[#$]/);
      }),
      { numRuns: 500, seed: 14 },
    );
  });

  it('the reader gives the same events however the stream is cut (property)', () => {
    const stream = `+${framePacket('qSupported:swbreak+', false)}-\x03${framePacket('m0,4', false)}$bad#00${framePacket('g')}`;
    const whole = new RspReader().feed(stream);
    expect(whole.map((e) => e.kind)).toEqual(['ack', 'packet', 'nak', 'interrupt', 'packet', 'bad-checksum', 'packet']);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: stream.length }), { maxLength: 8 }), (cuts) => {
        const r = new RspReader();
        const points = [0, ...[...cuts].sort((a, b) => a - b), stream.length];
        const events = [];
        for (let i = 1; i < points.length; i++) events.push(...r.feed(stream.slice(points[i - 1], points[i])));
        expect(events).toEqual(whole);
      }),
      { numRuns: 200, seed: 15 },
    );
  });

  it('parses [HOST:]PORT as qemu -g does, loopback by default', () => {
    expect(parseGdbAddress('1234')).toEqual({ host: '127.0.0.1', port: 1234 });
    expect(parseGdbAddress('0.0.0.0:99')).toEqual({ host: '0.0.0.0', port: 99 });
    expect(parseGdbAddress('[::1]:5')).toEqual({ host: '::1', port: 5 });
    expect(() => parseGdbAddress('host:')).toThrow(/HOST:\]PORT/);
    expect(() => parseGdbAddress('70000')).toThrow(/HOST:\]PORT/);
  });
});

interface Harness {
  session: RspSession;
  target: LinuxProcessTarget;
  engine: Engine;
  /** Sends one packet, returns the payload of the reply (undefined when none came). */
  ask(payload: string): Promise<string | undefined>;
  raw(bytes: string): void;
  output(): string[];
  ended: boolean;
}

async function harness(file: string, maxInsns?: number): Promise<Harness> {
  const engine = await createEngine('ts');
  const exe = parseExecutable(new Uint8Array(readFileSync(file)), file);
  const proc = new GdbProcess(engine, exe, { args: ['bob'], maxInsns });
  const target = new LinuxProcessTarget(proc);
  const sent: string[] = [];
  const session = new RspSession(target, { write: (d) => sent.push(d), close: () => {} });
  const reader = new RspReader();
  const replies: string[] = [];
  let seen = 0;
  const collect = (): void => {
    for (; seen < sent.length; seen++)
      for (const ev of reader.feed(sent[seen] as string))
        if (ev.kind === 'packet') replies.push(runLengthDecode(ev.payload));
        else if (ev.kind === 'bad-checksum') throw new Error(`reply with a bad checksum: ${ev.payload}`);
  };
  const h: Harness = {
    ended: false,
    session,
    target,
    engine,
    async ask(payload) {
      collect();
      const before = replies.length;
      session.receive(framePacket(payload, false));
      await session.settled();
      collect();
      expect(replies.length - before).toBeLessThanOrEqual(1);
      return replies[before];
    },
    raw(bytes) {
      session.receive(bytes);
    },
    output: () => sent,
  };
  void session.done.then(() => {
    h.ended = true;
  });
  return h;
}

const u64 = (hex: string): bigint => {
  let v = 0n;
  for (let i = hex.length - 2; i >= 0; i -= 2) v = (v << 8n) | BigInt(Number.parseInt(hex.slice(i, i + 2), 16));
  return v;
};

describe('RSP session on a Linux process (ts engine)', () => {
  it('answers the start-up queries, registers, memory, breakpoints, step and exit', async () => {
    const h = await harness(CLANG5);
    const exe = parseExecutable(new Uint8Array(readFileSync(CLANG5)), CLANG5);
    expect(await h.ask('qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386')).toContain(
      'qXfer:features:read+',
    );
    expect(h.output().slice(-2)[0]).toBe('+');
    expect(await h.ask('QStartNoAckMode')).toBe('OK');
    expect(await h.ask('?')).toMatch(/^T05.*thread:64;$/);
    // The target description, read in pieces as gdb does.
    let xml = '';
    for (let off = 0; ; ) {
      const r = (await h.ask(`qXfer:features:read:target.xml:${off.toString(16)},200`)) as string;
      xml += unescapeBinary(r.slice(1));
      off += 0x200;
      if (r[0] === 'l') break;
    }
    expect(xml).toBe(TARGET_XML);
    expect(xml).toContain('<feature name="org.gnu.gdb.aarch64.fpu">');
    expect(xml).toContain('<reg name="fpcr" bitsize="32" type="int" regnum="67" group="float"/>');
    expect(await h.ask('qfThreadInfo')).toBe('m64');
    expect(await h.ask('qsThreadInfo')).toBe('l');
    expect(await h.ask('Hg64')).toBe('OK');
    expect(await h.ask('Hg99')).toBe('E02');
    // g: 31 x, sp, pc (8 bytes), cpsr (4), 32 v (16), fpsr, fpcr (4).
    const g = (await h.ask('g')) as string;
    expect(g.length).toBe(2 * (33 * 8 + 4 + 32 * 16 + 8));
    expect(u64(g.slice(32 * 16, 33 * 16))).toBe(BigInt(exe.entry));
    expect(u64((await h.ask('p20')) as string)).toBe(BigInt(exe.entry));
    expect(u64((await h.ask('p1f')) as string)).toBe(h.engine.getX(31));
    expect(await h.ask('P0=0102030405060708')).toBe('OK');
    expect(h.engine.getX(0)).toBe(0x0807060504030201n);
    expect(await h.ask('P22=00000000000000000000000000000080')).toBe('OK');
    expect(h.engine.regRead('q0')).toBe(1n << 127n);
    expect(await h.ask('p44')).toBe('0000000000000000'); // tpidr
    expect(await h.ask('p45')).toBe('E16');
    // Memory: the entry's first instruction is `ldr x0, [sp]` (0xf94003e0).
    expect(await h.ask(`m${exe.entry.toString(16)},4`)).toBe('e00340f9');
    expect(await h.ask('m0,4')).toBe('E14');
    const sp = h.engine.getX(31);
    expect(await h.ask(`M${sp.toString(16)},2:abcd`)).toBe('OK');
    expect(await h.ask(`m${sp.toString(16)},2`)).toBe('abcd');
    expect(await h.ask(`X${sp.toString(16)},2:}\x03}\x04`)).toBe('OK');
    expect(await h.ask(`m${sp.toString(16)},2`)).toBe('2324');
    expect(await h.ask(`M${sp.toString(16)},2:01`)).toBe('E01');
    expect(await h.ask(`M${sp.toString(16)},2:0102`)).toBe('OK'); // argc back to 2
    // Breakpoint on greet, continue: stops there with swbreak.
    const greet = 0x210404;
    expect(await h.ask(`Z0,${greet.toString(16)},4`)).toBe('OK');
    expect(await h.ask('vCont?')).toBe('vCont;c;C;s;S');
    const stop = (await h.ask('vCont;c')) as string;
    expect(stop).toMatch(/^T05.*thread:64;swbreak:;$/);
    expect(u64((await h.ask('p20')) as string)).toBe(BigInt(greet));
    // Step from the breakpoint: one instruction, no second hit at the same address.
    expect(await h.ask('vCont;s:64')).toMatch(/^T05/);
    expect(u64((await h.ask('p20')) as string)).toBe(BigInt(greet + 4));
    expect(await h.ask(`z0,${greet.toString(16)},4`)).toBe('OK');
    expect(await h.ask('c')).toBe('W07');
    expect(await h.session.done).toEqual<SessionEnd>({ kind: 'exited', status: 7 });
  });

  it('Ctrl-C interrupts a running program with SIGINT, k ends it', async () => {
    const h = await harness(SPIN);
    const running = h.ask('c');
    await new Promise((r) => setTimeout(r, 30));
    h.raw('\x03');
    expect(await running).toMatch(/^T02/);
    expect(h.engine.getPc()).toBeGreaterThan(0);
    expect(await h.ask('k')).toBeUndefined();
    expect(await h.session.done).toEqual<SessionEnd>({ kind: 'kill' });
    expect(h.target.outcome).toEqual({ kind: 'signal', signal: 9, reason: 'killed by the debugger' });
  }, 10_000);

  it('a fault stops with SIGSEGV; passing the signal kills the process (X0b)', async () => {
    const h = await harness(join(ROOT, 'tests', 'programs', 'asm', 'bin', 'segv.elf'));
    expect(await h.ask('c')).toMatch(/^T0b/);
    expect(await h.ask('C0b')).toBe('X0b');
    expect(await h.session.done).toEqual<SessionEnd>({ kind: 'killed', signal: 11 });
  });
});

describe('RSP session on a threaded Linux process (ts engine)', () => {
  it('threads are gdb threads: qfThreadInfo, T packets with thread:, Hg selects per-thread registers', async () => {
    const h = await harness(join(ROOT, 'tests', 'linux-programs', 'bin', 'threads.elf'));
    expect(await h.ask('qfThreadInfo')).toBe('m64');
    const adder = 0x4008f0;
    expect(await h.ask(`Z0,${adder.toString(16)},4`)).toBe('OK');
    const seen = new Map<number, bigint>();
    for (let i = 0; i < 4; i++) {
      const stop = (await h.ask('c')) as string;
      const m = /^T05.*;thread:([0-9a-f]+);swbreak:;$/.exec(stop);
      expect(m).not.toBeNull();
      const tid = Number.parseInt(m?.[1] as string, 16);
      expect(tid).toBeGreaterThan(100);
      expect(seen.has(tid)).toBe(false);
      expect(await h.ask(`Hg${tid.toString(16)}`)).toBe('OK');
      expect(u64((await h.ask('p20')) as string)).toBe(BigInt(adder));
      seen.set(tid, u64((await h.ask('p0')) as string)); // adder's argument
      // The main thread is elsewhere, with its own registers.
      expect(await h.ask('Hg64')).toBe('OK');
      expect(u64((await h.ask('p20')) as string)).not.toBe(BigInt(adder));
      // gdb steps the stopped thread over its breakpoint before continuing.
      expect(await h.ask(`z0,${adder.toString(16)},4`)).toBe('OK');
      expect(await h.ask(`vCont;s:${tid.toString(16)}`)).toMatch(new RegExp(`^T05.*;thread:${tid.toString(16)};$`));
      expect(await h.ask(`Z0,${adder.toString(16)},4`)).toBe('OK');
    }
    expect([...seen.values()].sort()).toEqual([0n, 1n, 2n, 3n]);
    const list = ((await h.ask('qfThreadInfo')) as string).slice(1).split(',');
    expect(list.map((t) => Number.parseInt(t, 16)).sort()).toEqual([100, ...seen.keys()].sort());
    expect(await h.ask('qsThreadInfo')).toBe('l');
    expect(await h.ask('Hg3e7')).toBe('E02');
    expect(await h.ask(`z0,${adder.toString(16)},4`)).toBe('OK');
    expect(await h.ask('c')).toBe('W00');
  }, 20_000);
});

describe('RSP over TCP', () => {
  it('listens on loopback, serves one debugger at a time, stops listening when the session ends', async () => {
    const engine = await createEngine('ts');
    const exe = parseExecutable(new Uint8Array(readFileSync(CLANG5)), CLANG5);
    const target = new LinuxProcessTarget(new GdbProcess(engine, exe, { args: ['bob'] }));
    const listener = await listenGdb(target, parseGdbAddress('0'));
    expect(listener.host).toBe('127.0.0.1');
    const open = (): Promise<{ socket: Socket; data: () => string; closed: Promise<void> }> =>
      new Promise((resolve, reject) => {
        let got = '';
        const socket = connect(listener.port, '127.0.0.1', () =>
          resolve({ socket, data: () => got, closed: new Promise((r) => socket.on('close', () => r())) }),
        );
        socket.on('data', (b) => {
          got += b.toString('latin1');
        });
        socket.on('error', reject);
      });
    const first = await open();
    const second = await open();
    await second.closed; // refused while the first is attached
    first.socket.write(framePacket('qC', false));
    await new Promise((r) => setTimeout(r, 50));
    expect(first.data()).toBe(`+${framePacket('QC64')}`);
    first.socket.write(framePacket('k', false));
    expect(await listener.session).toEqual<SessionEnd>({ kind: 'kill' });
    await first.closed;
    await expect(open()).rejects.toThrow(/ECONNREFUSED/);
    engine.close();
  });
});

describe('RSP fuzz: malformed packets', () => {
  const prefixes = [
    '',
    '?',
    'g',
    'G',
    'p',
    'P',
    'm',
    'M',
    'X',
    'Z0,',
    'z0,',
    'Z2,',
    'Z4,',
    'z3,',
    'Z9,',
    'H',
    'Hg',
    'Hc',
    'T',
    'C',
    'S',
    's',
    'vCont;',
    'vCont;s:',
    'vCont;C',
    'qXfer:features:read:target.xml:',
    'qXfer:auxv:read::',
    'qXfer:features:read:other.xml:0,10',
    'qSupported:',
    'qThreadExtraInfo,',
    'qfThreadInfo',
    'qC',
    'vMustReplyEmpty',
  ];
  const junk = fc.string({
    unit: fc.constantFrom(...'0123456789abcdefABCDEF,:;=-}*xXgG\x00\xff '.split('')),
    maxLength: 40,
  });
  it('1,000 random packets: one well-formed reply each, no exception, the session survives', async () => {
    let h = await harness(CLANG5, 2000);
    let errors = 0;
    let sessions = 1;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...prefixes), junk, async (prefix, tail) => {
        const payload = escapeBinary(prefix + tail);
        const reply = await h.ask(payload);
        await Promise.resolve();
        if (h.target.outcome || h.ended) {
          // Random resumes, signals, k and D end the session: go on with a fresh one.
          h.engine.close();
          h = await harness(CLANG5, 2000);
          sessions++;
          return;
        }
        expect(reply).toBeDefined();
        if ((reply as string).startsWith('E')) errors++;
      }),
      { numRuns: 1000, seed: 0x9db },
    );
    expect(errors).toBeGreaterThan(100);
    expect(sessions).toBeGreaterThan(1);
  }, 60_000);
});
