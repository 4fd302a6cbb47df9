/**
 * GDB remote serial protocol framing: `$payload#cs` packets with a modulo-256 checksum, `+`/`-`
 * acknowledgements, the out-of-band interrupt byte 0x03, the `}` escape (byte ^ 0x20) for binary
 * data, and run-length encoding (`X*n`, count = n - 29) that replies may use. Bytes are handled as
 * latin1 strings (one char per byte) so binary payloads survive unchanged. No Node imports: the
 * same code can serve a debugger over a WebSocket in a browser.
 */

export class RspFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RspFormatError';
  }
}

export function checksum(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum = (sum + payload.charCodeAt(i)) & 0xff;
  return sum;
}

/** The bytes that must be escaped inside a packet: `#`, `$`, `}`, `*`. */
function mustEscape(c: number): boolean {
  return c === 0x23 || c === 0x24 || c === 0x7d || c === 0x2a;
}

export function escapeBinary(data: string): string {
  let out = '';
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    out += mustEscape(c) ? `}${String.fromCharCode(c ^ 0x20)}` : data[i];
  }
  return out;
}

export function unescapeBinary(data: string): string {
  let out = '';
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c === 0x7d) {
      if (i + 1 >= data.length) throw new RspFormatError('escape character } at the end of binary data');
      out += String.fromCharCode(data.charCodeAt(++i) ^ 0x20);
    } else out += data[i];
  }
  return out;
}

/**
 * Run-length encoding of a reply payload. A run of n+1 equal characters becomes `c*` followed by
 * the printable count n + 29; counts that would produce `#`, `$` (or `+`/`-`, which confuse some
 * readers) are shortened. Runs shorter than 4 are cheaper left alone.
 */
export function runLengthEncode(payload: string): string {
  let out = '';
  let i = 0;
  while (i < payload.length) {
    const ch = payload[i] as string;
    let run = 1;
    while (i + run < payload.length && payload[i + run] === ch && run < 98) run++;
    if (run < 4 || ch === '*' || ch === '#' || ch === '$' || ch === '}') {
      out += ch;
      i += 1;
      continue;
    }
    let n = run - 1;
    while (n > 2 && [0x23, 0x24, 0x2b, 0x2d].includes(n + 29)) n--;
    out += `${ch}*${String.fromCharCode(n + 29)}`;
    i += n + 1;
  }
  return out;
}

/** Expands `c*n` runs (what a debugger may send, and what tests decode our replies with). */
export function runLengthDecode(payload: string): string {
  let out = '';
  for (let i = 0; i < payload.length; i++) {
    const ch = payload[i] as string;
    if (ch === '*') {
      if (out.length === 0 || i + 1 >= payload.length) throw new RspFormatError('run-length marker without a run');
      const n = payload.charCodeAt(++i) - 29;
      if (n < 0) throw new RspFormatError('run-length count below zero');
      out += out[out.length - 1]!.repeat(n);
    } else out += ch;
  }
  return out;
}

/** `$payload#cs` with the payload run-length encoded. */
export function framePacket(payload: string, rle = true): string {
  const body = rle ? runLengthEncode(payload) : payload;
  return `$${body}#${hex8(checksum(body))}`;
}

export type RspEvent =
  | { kind: 'packet'; payload: string }
  /** A packet whose checksum did not match (answered with `-` in ack mode). */
  | { kind: 'bad-checksum'; payload: string }
  | { kind: 'ack' }
  | { kind: 'nak' }
  | { kind: 'interrupt' };

/** Longest packet accepted; longer input is dropped as garbage (bounded memory per connection). */
export const MAX_PACKET = 0x4000;

/**
 * Incremental reader: feed bytes as they arrive, get whole events. Garbage between packets is
 * skipped, as gdb's own reader does.
 */
export class RspReader {
  private state: 'idle' | 'body' | 'cs1' | 'cs2' = 'idle';
  private body = '';
  private cs = '';

  feed(chunk: string): RspEvent[] {
    const events: RspEvent[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i] as string;
      switch (this.state) {
        case 'idle':
          if (ch === '$') {
            this.state = 'body';
            this.body = '';
          } else if (ch === '+') events.push({ kind: 'ack' });
          else if (ch === '-') events.push({ kind: 'nak' });
          else if (ch === '\x03') events.push({ kind: 'interrupt' });
          break;
        case 'body':
          if (ch === '#') this.state = 'cs1';
          else if (this.body.length >= MAX_PACKET) {
            this.state = 'idle';
            events.push({ kind: 'bad-checksum', payload: '' });
          } else this.body += ch;
          break;
        case 'cs1':
          this.cs = ch;
          this.state = 'cs2';
          break;
        case 'cs2': {
          this.cs += ch;
          this.state = 'idle';
          const want = /^[0-9a-fA-F]{2}$/.test(this.cs) ? Number.parseInt(this.cs, 16) : -1;
          events.push(
            want === checksum(this.body)
              ? { kind: 'packet', payload: this.body }
              : { kind: 'bad-checksum', payload: this.body },
          );
          break;
        }
      }
    }
    return events;
  }
}

export function hex8(n: number): string {
  return (n & 0xff).toString(16).padStart(2, '0');
}

export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += hex8(b[i] as number);
  return s;
}

export function hexToBytes(h: string): Uint8Array {
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new RspFormatError(`bad hex data '${h.slice(0, 32)}'`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A hex number field (addresses up to 2^53; gdb sends them without leading zeros). */
export function parseHexNumber(s: string, what: string): number {
  if (!/^[0-9a-fA-F]{1,14}$/.test(s)) throw new RspFormatError(`bad ${what} '${s.slice(0, 32)}'`);
  return Number.parseInt(s, 16);
}

export function latin1ToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

export function bytesToLatin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}
