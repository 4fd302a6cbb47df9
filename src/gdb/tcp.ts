/**
 * The RSP server on a TCP socket: loopback by default, one debugger at a time (a second
 * connection while one is attached is closed at once). The listener stops once the attached
 * session ends.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { RspSession, type SessionEnd, type SessionOptions } from './server.ts';
import type { GdbTarget } from './target.ts';

export class GdbAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GdbAddressError';
  }
}

export interface GdbAddress {
  host: string;
  /** 0 lets the system choose (the chosen port is in GdbListener.port). */
  port: number;
}

/** `PORT`, `HOST:PORT` or `[IPv6]:PORT`, as qemu-user's -g and gdbserver take it. */
export function parseGdbAddress(spec: string): GdbAddress {
  const m = /^(?:(\[[^\]]+\]|[^:]*):)?(\d{1,5})$/.exec(spec);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port > 65535) throw new GdbAddressError(`--gdb wants [HOST:]PORT, got '${spec}'`);
  let host = m[1] ?? '';
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { host: host === '' ? '127.0.0.1' : host, port };
}

export interface GdbListener {
  readonly host: string;
  readonly port: number;
  /** Resolves when a debugger has attached and its session ended. */
  readonly session: Promise<SessionEnd>;
  close(): void;
}

export function listenGdb(target: GdbTarget, address: GdbAddress, options: SessionOptions = {}): Promise<GdbListener> {
  return new Promise((resolveListen, rejectListen) => {
    let active: Socket | undefined;
    let endSession!: (end: SessionEnd) => void;
    const session = new Promise<SessionEnd>((resolve) => {
      endSession = resolve;
    });
    const server: Server = createServer((socket) => {
      if (active) {
        socket.destroy();
        return;
      }
      active = socket;
      socket.setNoDelay(true);
      socket.setEncoding('latin1');
      const rsp = new RspSession(
        target,
        {
          write: (data) => {
            if (!socket.destroyed) socket.write(data, 'latin1');
          },
          close: () => socket.end(),
        },
        options,
      );
      socket.on('data', (chunk: string) => rsp.receive(chunk));
      socket.on('close', () => rsp.connectionClosed());
      socket.on('error', () => rsp.connectionClosed());
      void rsp.done.then((end) => {
        server.close();
        endSession(end);
      });
    });
    server.on('error', (e: Error) =>
      rejectListen(new GdbAddressError(`cannot listen on ${address.host}:${address.port}: ${e.message}`)),
    );
    server.listen(address.port, address.host, () => {
      server.removeAllListeners('error');
      // Accept errors after listening concern one connection attempt, not the session.
      server.on('error', () => {});
      const a = server.address();
      const port = typeof a === 'object' && a !== null ? a.port : address.port;
      resolveListen({
        host: address.host,
        port,
        session,
        close: () => {
          server.close();
          active?.destroy();
        },
      });
    });
  });
}
