/**
 * One debugger connection speaking the GDB remote serial protocol to a GdbTarget (all-stop mode).
 * Transport-free: bytes come in through receive(), replies go out through the connection's
 * write(); tcp.ts puts it on a socket. Every packet gets an answer: unknown ones the empty reply
 * (gdb's "not supported"), malformed ones `E01`, failed target operations `E14`/`E22`; nothing a
 * debugger sends can throw out of here.
 */
import { G_PACKET_REGISTERS, REGNUM_PC, REGNUM_SP, TARGET_XML } from './aarch64.ts';
import {
  bytesToHex,
  bytesToLatin1,
  escapeBinary,
  framePacket,
  hex8,
  hexToBytes,
  latin1ToBytes,
  parseHexNumber,
  RspFormatError,
  RspReader,
  unescapeBinary,
} from './protocol.ts';
import type { GdbTarget, ResumeRequest, StopEvent, WatchKind } from './target.ts';

export interface RspConnection {
  write(data: string): void;
  close(): void;
}

/** How a debugging session ended. */
export type SessionEnd =
  | { kind: 'exited'; status: number }
  | { kind: 'killed'; signal: number }
  /** gdb's `k`: the program is to be ended. */
  | { kind: 'kill' }
  /** gdb's `D`, or the connection closed: the program goes on without a debugger. */
  | { kind: 'detached' };

const E_MALFORMED = 'E01';
const E_THREAD = 'E02';
const E_MEMORY = 'E14';
const E_INVALID = 'E16';
/** Largest memory transfer per m packet (the reply is twice this in hex). */
const MAX_READ = 0x1000;
const PACKET_SIZE = 0x4000;

const SIGTRAP = 5;

export interface SessionOptions {
  /** Logs every packet exchanged (for `--trace gdb` style debugging of the stub itself). */
  log?: (line: string) => void;
}

export class RspSession {
  private readonly reader = new RspReader();
  private noAck = false;
  private readonly queue: string[] = [];
  private processing = false;
  private running = false;
  private ended: SessionEnd | undefined;
  private lastStop: StopEvent;
  /** Thread for register/memory operations (Hg) and for resumption (Hc); 0 = any. */
  private gThread = 0;
  private cThread = 0;
  private lastReply = '';
  private resolveEnd!: (end: SessionEnd) => void;
  readonly done: Promise<SessionEnd>;

  constructor(
    private readonly target: GdbTarget,
    private readonly conn: RspConnection,
    private readonly options: SessionOptions = {},
  ) {
    // Thread 0 until known: the first `?` names the target's main thread.
    this.lastStop = { kind: 'signal', signal: SIGTRAP, thread: 0 };
    this.done = new Promise((resolve) => {
      this.resolveEnd = resolve;
    });
  }

  /** Bytes from the debugger (latin1 string). */
  receive(chunk: string): void {
    if (this.ended) return;
    for (const ev of this.reader.feed(chunk)) {
      switch (ev.kind) {
        case 'interrupt':
          if (this.running) this.target.interrupt();
          break;
        case 'nak':
          if (!this.noAck && this.lastReply) this.conn.write(this.lastReply);
          break;
        case 'ack':
          break;
        case 'bad-checksum':
          if (!this.noAck) this.conn.write('-');
          break;
        case 'packet':
          if (!this.noAck) this.conn.write('+');
          this.queue.push(ev.payload);
          break;
      }
    }
    if (!this.processing) this.draining = this.drain();
  }

  private draining: Promise<void> = Promise.resolve();

  /** Resolves when every packet received so far has been answered (tests, orderly shutdown). */
  async settled(): Promise<void> {
    let last: Promise<void>;
    do {
      last = this.draining;
      await last;
    } while (last !== this.draining);
  }

  /** The debugger went away without k or D. */
  connectionClosed(): void {
    if (this.running) this.target.interrupt();
    this.end({ kind: 'detached' });
  }

  private async drain(): Promise<void> {
    this.processing = true;
    try {
      while (this.queue.length > 0 && !this.ended) {
        const payload = this.queue.shift() as string;
        this.options.log?.(`<- ${payload}`);
        let reply: string | null;
        try {
          reply = await this.handle(payload);
        } catch (e) {
          reply = e instanceof RspFormatError ? E_MALFORMED : E_INVALID;
          this.options.log?.(`   error: ${(e as Error).message}`);
        }
        if (reply !== null) this.send(reply);
        if (this.pendingEnd) {
          const end = this.pendingEnd;
          this.pendingEnd = undefined;
          this.end(end);
        }
      }
    } finally {
      this.processing = false;
    }
  }

  private pendingEnd: SessionEnd | undefined;

  private send(payload: string): void {
    this.options.log?.(`-> ${payload.length > 200 ? `${payload.slice(0, 200)}…` : payload}`);
    this.lastReply = framePacket(payload);
    this.conn.write(this.lastReply);
  }

  private end(end: SessionEnd): void {
    if (this.ended) return;
    this.ended = end;
    this.resolveEnd(end);
    this.conn.close();
  }

  private async handle(p: string): Promise<string | null> {
    const c = p[0];
    switch (c) {
      case '?':
        if (this.lastStop.kind === 'signal' && this.lastStop.thread === 0)
          this.lastStop = { ...this.lastStop, thread: (await this.target.threads())[0] ?? 1 };
        return this.stopReply(this.lastStop);
      case 'g':
        return this.readAllRegisters();
      case 'G':
        return this.writeAllRegisters(p.slice(1));
      case 'p':
        return this.readRegister(p.slice(1));
      case 'P':
        return this.writeRegister(p.slice(1));
      case 'm':
        return this.readMemory(p.slice(1));
      case 'M':
        return this.writeMemory(p.slice(1), false);
      case 'X':
        return this.writeMemory(p.slice(1), true);
      case 'Z':
      case 'z':
        return this.breakpoint(c === 'Z', p.slice(1));
      case 'c':
      case 's': {
        if (p.length > 1) await this.setPc(parseHexNumber(p.slice(1), 'resume address'));
        return this.resume({ mode: c === 's' ? 'step' : 'continue', thread: await this.resumeThread() });
      }
      case 'C':
      case 'S': {
        const [sig, addr] = p.slice(1).split(';');
        const signal = parseHexNumber(sig ?? '', 'signal');
        if (addr !== undefined) await this.setPc(parseHexNumber(addr, 'resume address'));
        return this.resume({ mode: c === 'S' ? 'step' : 'continue', thread: await this.resumeThread(), signal });
      }
      case 'H':
        return this.setThread(p.slice(1));
      case 'T':
        return (await this.target.threads()).includes(this.parseThread(p.slice(1))) ? 'OK' : E_THREAD;
      case 'k':
        await this.target.kill();
        this.pendingEnd = { kind: 'kill' };
        return null;
      case 'D':
        this.pendingEnd = { kind: 'detached' };
        return 'OK';
      case 'q':
      case 'Q':
        return this.query(p);
      case 'v':
        return this.vPacket(p);
      default:
        return '';
    }
  }

  // ---- queries ----------------------------------------------------------------------------------

  private async query(p: string): Promise<string> {
    const name = p.split(/[:;,]/, 1)[0] as string;
    switch (name) {
      case 'qSupported':
        return [
          `PacketSize=${PACKET_SIZE.toString(16)}`,
          'QStartNoAckMode+',
          'qXfer:features:read+',
          ...(this.target.auxv ? ['qXfer:auxv:read+'] : []),
          ...(this.target.execFile?.() ? ['qXfer:exec-file:read+'] : []),
          'swbreak+',
          'vContSupported+',
        ].join(';');
      case 'QStartNoAckMode':
        // The OK itself is still acknowledged; from the next packet on, no + or -.
        this.noAck = true;
        return 'OK';
      case 'qXfer':
        return this.xfer(p);
      case 'qAttached':
        return '0';
      case 'qOffsets':
        return 'Text=0;Data=0;Bss=0';
      case 'qC':
        return `QC${(await this.currentThread()).toString(16)}`;
      case 'qfThreadInfo':
        return `m${(await this.target.threads()).map((t) => t.toString(16)).join(',')}`;
      case 'qsThreadInfo':
        return 'l';
      case 'qSymbol':
        return 'OK';
      case 'qThreadExtraInfo': {
        const t = this.parseThread(p.slice('qThreadExtraInfo,'.length));
        return bytesToHex(latin1ToBytes(t === (await this.target.threads())[0] ? 'main thread' : `thread ${t}`));
      }
      default:
        return '';
    }
  }

  private async xfer(p: string): Promise<string> {
    // qXfer:object:read:annex:offset,length
    const m = /^qXfer:([a-z-]+):read:([^:]*):([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p);
    if (!m)
      return p.startsWith('qXfer:features:') || p.startsWith('qXfer:auxv:') || p.startsWith('qXfer:exec-file:')
        ? E_MALFORMED
        : '';
    const [, object, annex, off, len] = m as unknown as [string, string, string, string, string];
    let data: string;
    if (object === 'features') {
      if (annex !== 'target.xml') return E_INVALID;
      data = TARGET_XML;
    } else if (object === 'auxv' && this.target.auxv) {
      data = bytesToLatin1(await this.target.auxv());
    } else if (object === 'exec-file') {
      const file = this.target.execFile?.();
      if (!file) return '';
      data = file.path;
    } else return '';
    const offset = parseHexNumber(off, 'offset');
    const length = Math.min(parseHexNumber(len, 'length'), PACKET_SIZE / 2);
    if (offset > data.length) return E_INVALID;
    const chunk = data.slice(offset, offset + length);
    return (offset + length >= data.length ? 'l' : 'm') + escapeBinary(chunk);
  }

  private async vPacket(p: string): Promise<string | null> {
    if (p === 'vCont?') return 'vCont;c;C;s;S';
    if (p.startsWith('vCont;')) return this.vCont(p.slice(6));
    if (p.startsWith('vKill')) {
      await this.target.kill();
      this.pendingEnd = { kind: 'kill' };
      return 'OK';
    }
    if (p === 'vMustReplyEmpty') return '';
    if (p.startsWith('vFile:')) return this.hostIo(p.slice(6));
    return '';
  }

  /**
   * Host I/O (vFile), read-only and limited to the target's exec file: what gdb needs to load it
   * through its default sysroot `target:`. Other paths get ENOENT; replies are `F<result>[,errno]`.
   */
  private hostIo(p: string): string {
    const colon = p.indexOf(':');
    const op = colon < 0 ? p : p.slice(0, colon);
    const args = colon < 0 ? [] : p.slice(colon + 1).split(',');
    const file = this.target.execFile?.();
    const ENOENT = 2;
    const EBADF = 9;
    switch (op) {
      case 'setfs':
        return 'F0';
      case 'open': {
        const path = bytesToLatin1(hexToBytes(args[0] ?? ''));
        if (!file || path !== file.path) return `F-1,${ENOENT.toString(16)}`;
        const fd = this.nextFd++;
        this.openFiles.set(fd, file.bytes);
        return `F${fd.toString(16)}`;
      }
      case 'close': {
        const fd = parseHexNumber(args[0] ?? '', 'file descriptor');
        return this.openFiles.delete(fd) ? 'F0' : `F-1,${EBADF.toString(16)}`;
      }
      case 'pread': {
        const bytes = this.openFiles.get(parseHexNumber(args[0] ?? '', 'file descriptor'));
        if (!bytes) return `F-1,${EBADF.toString(16)}`;
        const count = Math.min(parseHexNumber(args[1] ?? '', 'count'), PACKET_SIZE / 4);
        const offset = parseHexNumber(args[2] ?? '', 'offset');
        const chunk = bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + count, bytes.length));
        return `F${chunk.length.toString(16)};${escapeBinary(bytesToLatin1(chunk))}`;
      }
      case 'fstat': {
        const bytes = this.openFiles.get(parseHexNumber(args[0] ?? '', 'file descriptor'));
        if (!bytes) return `F-1,${EBADF.toString(16)}`;
        // gdb's fileio struct stat: big-endian u32 dev, ino, mode, nlink, uid, gid, rdev, u64 size,
        // blksize, blocks, u32 atime, mtime, ctime.
        const st = new Uint8Array(64);
        const dv = new DataView(st.buffer);
        dv.setUint32(8, 0o100444);
        dv.setUint32(12, 1);
        dv.setBigUint64(28, BigInt(bytes.length));
        dv.setBigUint64(36, 4096n);
        dv.setBigUint64(44, BigInt(Math.ceil(bytes.length / 512)));
        return `F${st.length.toString(16)};${escapeBinary(bytesToLatin1(st))}`;
      }
      default:
        return '';
    }
  }

  private readonly openFiles = new Map<number, Uint8Array>();
  private nextFd = 3;

  /**
   * vCont;action[:thread]… — the first action that applies to a thread wins. Stepping one thread
   * while others would continue is done as stepping that thread alone (all-stop: gdb accepts it).
   */
  private async vCont(actions: string): Promise<string | null> {
    let step: { thread: number; signal: number } | undefined;
    let cont: { signal: number } | undefined;
    for (const a of actions.split(';')) {
      const [act, tid] = a.split(':');
      if (!act) throw new RspFormatError('empty vCont action');
      const kind = act[0];
      const signal = act.length > 1 ? parseHexNumber(act.slice(1), 'signal') : 0;
      if ((kind === 'c' || kind === 's') && act.length > 1) throw new RspFormatError(`bad vCont action '${act}'`);
      if (kind !== 'c' && kind !== 'C' && kind !== 's' && kind !== 'S') return '';
      const thread = tid === undefined ? -1 : this.parseThread(tid);
      if (kind === 's' || kind === 'S') {
        if (step === undefined) step = { thread: thread > 0 ? thread : await this.currentThread(), signal };
      } else if (cont === undefined) cont = { signal };
    }
    if (step) return this.resume({ mode: 'step', thread: step.thread, signal: step.signal });
    return this.resume({ mode: 'continue', thread: await this.resumeThread(), signal: cont?.signal ?? 0 });
  }

  // ---- execution --------------------------------------------------------------------------------

  private async resume(request: ResumeRequest): Promise<string | null> {
    if (this.lastStop.kind !== 'signal') return E_INVALID;
    this.running = true;
    let stop: StopEvent;
    try {
      stop = await this.target.resume(request);
    } finally {
      this.running = false;
    }
    if (this.ended) return null;
    this.lastStop = stop;
    if (stop.kind === 'signal') this.gThread = this.cThread = stop.thread;
    if (stop.kind === 'exited') this.pendingEnd = { kind: 'exited', status: stop.status };
    if (stop.kind === 'killed') this.pendingEnd = { kind: 'killed', signal: stop.signal };
    return this.stopReply(stop);
  }

  private async stopReply(stop: StopEvent): Promise<string> {
    if (stop.kind === 'exited') return `W${hex8(stop.status)}`;
    if (stop.kind === 'killed') return `X${hex8(stop.signal)}`;
    let r = `T${hex8(stop.signal)}`;
    const pc = await this.target.readRegister(stop.thread, REGNUM_PC);
    const sp = await this.target.readRegister(stop.thread, REGNUM_SP);
    if (pc) r += `${hex8(REGNUM_PC)}:${bytesToHex(pc)};`;
    if (sp) r += `${hex8(REGNUM_SP)}:${bytesToHex(sp)};`;
    r += `thread:${stop.thread.toString(16)};`;
    if (stop.watch) {
      const name = { write: 'watch', read: 'rwatch', access: 'awatch' }[stop.watch.kind];
      r += `${name}:${stop.watch.address.toString(16)};`;
    } else if (stop.breakpoint) r += 'swbreak:;';
    return r;
  }

  private async setPc(address: number): Promise<void> {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(address), true);
    await this.target.writeRegister(await this.currentThread(), REGNUM_PC, b);
  }

  // ---- threads ----------------------------------------------------------------------------------

  private parseThread(s: string): number {
    if (s === '-1') return -1;
    return parseHexNumber(s, 'thread id');
  }

  private async setThread(s: string): Promise<string> {
    const op = s[0];
    if (op !== 'g' && op !== 'c') throw new RspFormatError(`bad H operation '${op ?? ''}'`);
    const t = this.parseThread(s.slice(1));
    if (t > 0 && !(await this.target.threads()).includes(t)) return E_THREAD;
    if (op === 'g') this.gThread = t;
    else this.cThread = t;
    return 'OK';
  }

  /** The thread that register and memory packets address. */
  private async currentThread(): Promise<number> {
    const threads = await this.target.threads();
    if (this.gThread > 0 && threads.includes(this.gThread)) return this.gThread;
    if (this.lastStop.kind === 'signal' && threads.includes(this.lastStop.thread)) return this.lastStop.thread;
    return threads[0] ?? 1;
  }

  private async resumeThread(): Promise<number> {
    const threads = await this.target.threads();
    if (this.cThread > 0 && threads.includes(this.cThread)) return this.cThread;
    return this.currentThread();
  }

  // ---- registers --------------------------------------------------------------------------------

  private async readAllRegisters(): Promise<string> {
    const t = await this.currentThread();
    let s = '';
    for (const r of G_PACKET_REGISTERS) {
      const v = await this.target.readRegister(t, r.regnum);
      s += v ? bytesToHex(v) : 'xx'.repeat(r.bytes);
    }
    return s;
  }

  private async writeAllRegisters(hex: string): Promise<string> {
    const total = G_PACKET_REGISTERS.reduce((n, r) => n + r.bytes, 0);
    if (hex.length !== total * 2) throw new RspFormatError(`G packet of ${hex.length / 2} bytes, want ${total}`);
    const bytes = hexToBytes(hex);
    const t = await this.currentThread();
    let o = 0;
    for (const r of G_PACKET_REGISTERS) {
      await this.target.writeRegister(t, r.regnum, bytes.slice(o, o + r.bytes));
      o += r.bytes;
    }
    return 'OK';
  }

  private async readRegister(s: string): Promise<string> {
    const v = await this.target.readRegister(await this.currentThread(), parseHexNumber(s, 'register number'));
    return v ? bytesToHex(v) : E_INVALID;
  }

  private async writeRegister(s: string): Promise<string> {
    const eq = s.indexOf('=');
    if (eq < 0) throw new RspFormatError('P packet without =');
    const regnum = parseHexNumber(s.slice(0, eq), 'register number');
    const value = hexToBytes(s.slice(eq + 1));
    const thread = await this.currentThread();
    const known = await this.target.readRegister(thread, regnum);
    if (!known) return E_INVALID;
    if (value.length !== known.length) throw new RspFormatError(`register ${regnum} takes ${known.length} bytes`);
    return (await this.target.writeRegister(thread, regnum, value)) ? 'OK' : E_INVALID;
  }

  // ---- memory -----------------------------------------------------------------------------------

  private addressLength(s: string): [number, number] {
    const [a, l] = s.split(',');
    if (a === undefined || l === undefined) throw new RspFormatError(`want address,length: '${s.slice(0, 40)}'`);
    const address = parseHexNumber(a, 'address');
    const length = parseHexNumber(l, 'length');
    if (address + length > 2 ** 53) throw new RspFormatError('address range beyond 2^53');
    return [address, length];
  }

  private async readMemory(s: string): Promise<string> {
    const [address, length] = this.addressLength(s);
    if (length === 0) return '';
    const data = await this.target.readMemory(address, Math.min(length, MAX_READ));
    return data.length === 0 ? E_MEMORY : bytesToHex(data);
  }

  private async writeMemory(s: string, binary: boolean): Promise<string> {
    const colon = s.indexOf(':');
    if (colon < 0) throw new RspFormatError('memory write without data');
    const [address, length] = this.addressLength(s.slice(0, colon));
    const raw = s.slice(colon + 1);
    const data = binary ? latin1ToBytes(unescapeBinary(raw)) : hexToBytes(raw);
    if (data.length !== length) throw new RspFormatError(`memory write of ${data.length} bytes, header says ${length}`);
    if (length === 0) return 'OK';
    try {
      await this.target.writeMemory(address, data);
    } catch {
      return E_MEMORY;
    }
    return 'OK';
  }

  // ---- breakpoints and watchpoints ---------------------------------------------------------------

  private async breakpoint(insert: boolean, s: string): Promise<string> {
    const [type, addr, kind] = s.split(',');
    if (type === undefined || addr === undefined || kind === undefined)
      throw new RspFormatError(`want type,address,kind: '${s.slice(0, 40)}'`);
    const address = parseHexNumber(addr, 'address');
    const size = parseHexNumber(kind.split(';')[0] ?? '', 'kind');
    switch (type) {
      case '0':
      case '1':
        if (insert) await this.target.insertBreakpoint(address);
        else await this.target.removeBreakpoint(address);
        return 'OK';
      case '2':
      case '3':
      case '4': {
        if (size === 0 || size > 4096) return E_INVALID;
        const w: WatchKind = type === '2' ? 'write' : type === '3' ? 'read' : 'access';
        if (insert) await this.target.insertWatchpoint(address, size, w);
        else await this.target.removeWatchpoint(address, size, w);
        return 'OK';
      }
      default:
        return '';
    }
  }
}
