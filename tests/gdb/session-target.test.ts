/**
 * The session adapter's mapping, driven through the RSP server: a scripted stand-in for the
 * session's debug primitives (SESSION-API.md) records what the adapter asks and answers with the
 * stops a debugged run reports. The real session is exercised by `run --gdb` once it lands.
 */
import { describe, expect, it } from 'vitest';
import { framePacket, RspReader, runLengthDecode } from '../../src/gdb/protocol.ts';
import { RspSession } from '../../src/gdb/server.ts';
import { type SessionDebugPrimitives, SessionGdbTarget, type SessionStop } from '../../src/gdb/session-target.ts';

function scripted(stops: SessionStop[]) {
  const calls: string[] = [];
  let observer: { onStop?(s: SessionStop): void } = {};
  const regs = {
    x: Array.from({ length: 31 }, (_, i) => BigInt(i)),
    sp: 0x7000n,
    pc: 0x1000,
    nzcv: 0x60000000,
    fpcr: 0,
    fpsr: 0x10,
    tpidr_el0: 0n,
    v: Array.from({ length: 32 }, () => 0n),
  };
  const session: SessionDebugPrimitives = {
    readRegisters: async () => ({ ...regs, pc: regs.pc }),
    writeRegisters: async (w) => {
      calls.push(`write ${w.map((x) => `${x.name}=${x.value.toString(16)}`).join(',')}`);
    },
    readMemory: async (a, n) => new Uint8Array(n).fill(a & 0xff),
    writeMemory: async (a, b) => {
      calls.push(`mem ${a.toString(16)} ${b.length}`);
    },
    memoryRegions: async () => [{ begin: 0x1000, end: 0x2000, perms: 5 }],
    setBreakpoints: async (a) => {
      calls.push(`breakpoints ${a.map((x) => x.toString(16)).join(',')}`);
    },
    setWatchpoints: async (w) => {
      calls.push(`watchpoints ${w.map((x) => `${x.kind}@${x.address.toString(16)}+${x.size}`).join(',')}`);
    },
    resume: async (mode) => {
      calls.push(`resume ${mode.kind}`);
      const next = stops.shift();
      if (next) {
        regs.pc = next.pc;
        setTimeout(() => observer.onStop?.(next), 1);
      }
    },
    interrupt: async () => {
      calls.push('interrupt');
    },
    observe: (o) => {
      observer = o;
      return () => {};
    },
  };
  return { session, calls, emit: (s: SessionStop) => observer.onStop?.(s) };
}

async function exchange(target: SessionGdbTarget, packets: string[]): Promise<string[]> {
  const sent: string[] = [];
  const rsp = new RspSession(target, { write: (d) => sent.push(d), close: () => {} });
  const replies: string[] = [];
  const reader = new RspReader();
  for (const p of packets) {
    rsp.receive(framePacket(p, false));
    await rsp.settled();
  }
  for (const ev of reader.feed(sent.join(''))) if (ev.kind === 'packet') replies.push(runLengthDecode(ev.payload));
  return replies;
}

describe('SessionGdbTarget', () => {
  it('maps the session stops to stop replies and keeps breakpoint/watchpoint sets', async () => {
    const s = scripted([
      { reason: 'breakpoint', pc: 0x1010, thread: 1 },
      { reason: 'watchpoint', pc: 0x1014, thread: 1, watch: { address: 0x1802, size: 2, access: 'write' } },
      { reason: 'step', pc: 0x1018, thread: 1 },
      { reason: 'fault', pc: 0x1018, thread: 1, fault: { signal: 11, message: 'unmapped write' } },
      { reason: 'exit', pc: 0x1018, thread: 1, status: 139 },
    ]);
    const target = new SessionGdbTarget(s.session);
    const entry = target.nextStop();
    s.emit({ reason: 'step', pc: 0x1000, thread: 1 });
    await entry;
    const replies = await exchange(target, [
      '?',
      'p20',
      'p21',
      'P0=0100000000000000',
      'm1ff8,10',
      'm3000,4',
      'Z0,1010,4',
      'vCont;c',
      'Z2,1800,4',
      'c',
      'z2,1800,4',
      'z0,1010,4',
      'vCont;s:1',
      'c',
      'C0b',
    ]);
    expect(replies).toEqual([
      'T0520:0010000000000000;1f:0070000000000000;thread:1;',
      '0010000000000000',
      '00000060',
      'OK',
      'f8'.repeat(8), // only the mapped part of [0x1ff8, +16)
      'E14',
      'OK',
      'T0520:1010000000000000;1f:0070000000000000;thread:1;swbreak:;',
      'OK',
      'T0520:1410000000000000;1f:0070000000000000;thread:1;watch:1800;',
      'OK',
      'OK',
      'T0520:1810000000000000;1f:0070000000000000;thread:1;',
      'T0b20:1810000000000000;1f:0070000000000000;thread:1;',
      'X0b',
    ]);
    expect(s.calls).toEqual([
      'write x0=1',
      'breakpoints 1010',
      'resume continue',
      'watchpoints write@1800+4',
      'resume continue',
      'watchpoints ',
      'breakpoints ',
      'resume step',
      'resume continue',
      'resume continue',
    ]);
  });
});
