/**
 * `orc-sandbox serve`: serves the step-through page. The page (web/) is built with Vite when the
 * package is built (`npm run build`, and `prepare` before `npm pack`) into dist/web-page/; this
 * command serves those files with a small static HTTP server of its own, so an installed package
 * needs no Vite. The sandbox runs in the browser (ts engine); this process only serves files.
 * `--dev` runs Vite's development server on web/ instead (a source checkout with devDependencies).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, type OptionTable, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

const CONFIG_FILE = fileURLToPath(new URL('../../../web/vite.config.ts', import.meta.url));

/**
 * Where the built page is: beside the compiled code (dist/src/cli/commands → dist/web-page), or,
 * running from sources, in the checkout's dist/.
 */
const PAGE_DIRS = [
  fileURLToPath(new URL('../../../web-page/', import.meta.url)),
  fileURLToPath(new URL('../../../dist/web-page/', import.meta.url)),
];

export function builtPageDir(): string | undefined {
  return PAGE_DIRS.find((d) => existsSync(join(d, 'index.html')));
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * A static file server for `root`: GET/HEAD only, `/` is index.html, nothing outside `root`
 * (`..` and encoded escapes answer 404), unknown types as application/octet-stream (the page
 * fetches its .o assets as bytes).
 */
export function createStaticServer(root: string): Server {
  const base = normalize(root.endsWith(sep) ? root : `${root}${sep}`);
  return createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad request\n');
      return;
    }
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    let body: Buffer | undefined;
    if (file.startsWith(base) && !path.includes('\0')) {
      try {
        if (statSync(file).isFile()) body = readFileSync(file);
      } catch {
        body = undefined;
      }
    }
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  try {
    spawn(cmd, args as string[], { detached: true, stdio: 'ignore' })
      .on('error', () => process.stderr.write(`orc-sandbox serve: could not open a browser; open ${url}\n`))
      .unref();
  } catch {
    process.stderr.write(`orc-sandbox serve: could not open a browser; open ${url}\n`);
  }
}

const OPTIONS: OptionTable = {
  port: { value: true, valueName: 'N', description: 'TCP port to listen on (default 5173; 0: any free port)' },
  host: {
    value: true,
    valueName: 'H',
    description: 'address to listen on (default 127.0.0.1; 0.0.0.0 makes the page reachable from other machines)',
  },
  open: { description: 'open the page in the default browser once the server listens' },
  dev: {
    description: "serve web/ with Vite's development server instead (source checkout with devDependencies only)",
  },
};

async function waitForSignal(close: () => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      void close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

async function serveDev(port: number, host: string, open: boolean): Promise<number> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch (e) {
    throw new CliError(
      `--dev needs Vite (a source checkout after npm install); without --dev the prebuilt page is served: ${(e as Error).message}`,
    );
  }
  const dev = await vite.createServer({ configFile: CONFIG_FILE, server: { port, host, open } });
  await dev.listen();
  process.stdout.write('orc-sandbox step-through page, Vite development server (Ctrl-C to stop):\n');
  dev.printUrls();
  await waitForSignal(() => dev.close());
  return 0;
}

export const command: Command = {
  summary: 'serve the step-through web page (the sandbox runs in the browser)',
  usage: 'orc-sandbox serve [--port N] [--host H] [--open] [--dev]',
  description: `Serves the page built into the package (dist/web-page) with a small static server and prints its
URL; Ctrl-C stops it. The page links and runs the demo objects in the browser, one instruction or
one lazy event at a time.`,
  options: OPTIONS,
  examples: [
    { command: 'npx orc-sandbox serve', explanation: 'then open http://127.0.0.1:5173/' },
    { command: 'npx orc-sandbox serve --port 8080 --open', explanation: 'another port, and open the browser' },
  ],
  async run(argv) {
    const p = parseArgs(argv, OPTIONS);
    if (p.positionals.length > 0) throw new CliError(`unexpected argument '${p.positionals[0]?.value}'`);
    const portText = p.options.get('port')?.[0] ?? '5173';
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) throw new CliError(`--port expects 0 to 65535, got '${portText}'`);
    const host = p.options.get('host')?.[0] ?? '127.0.0.1';
    const open = p.options.has('open');
    if (p.options.has('dev')) return serveDev(port, host, open);
    const root = builtPageDir();
    if (!root)
      throw new CliError(
        'the web page is not built: run `npm run build` in the checkout (an installed package ships it), or use --dev',
      );
    const server = createStaticServer(root);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(new CliError(`cannot listen on ${host}:${port}: ${e.code ?? e.message}`)),
      );
      server.listen(port, host, resolve);
    });
    const address = server.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}/`;
    process.stdout.write(`orc-sandbox step-through page at ${url} (Ctrl-C to stop)\n`);
    if (open) openBrowser(url);
    await waitForSignal(
      () =>
        new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        }),
    );
    return 0;
  },
};
