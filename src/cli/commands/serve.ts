/**
 * `orc-sandbox serve`: serves the step-through page (web/) with Vite. The page runs the sandbox in
 * the browser (ts engine); this process only serves files. Default: Vite's dev server (what
 * `npm run web` starts); `--build` builds web/dist first and serves that (vite preview).
 */
import { fileURLToPath } from 'node:url';
import { CliError, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

const CONFIG_FILE = fileURLToPath(new URL('../../../web/vite.config.ts', import.meta.url));

interface Closable {
  close(): Promise<void>;
}

export const command: Command = {
  summary: 'serve the step-through web page (the sandbox runs in the browser)',
  usage: 'orc-sandbox serve [--port N] [--host H] [--build] [--open]',
  async run(argv) {
    const p = parseArgs(argv, { port: { value: true }, host: { value: true }, build: {}, open: {} });
    if (p.positionals.length > 0) throw new CliError(`unexpected argument '${p.positionals[0]?.value}'`);
    const portText = p.options.get('port')?.[0] ?? '5173';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`bad --port '${portText}'`);
    const host = p.options.get('host')?.[0] ?? '127.0.0.1';
    const open = p.options.has('open');
    let vite: typeof import('vite');
    try {
      vite = await import('vite');
    } catch (e) {
      throw new CliError(`vite is not installed (run npm install in the repository): ${(e as Error).message}`);
    }
    let server: Closable & { printUrls(): void };
    if (p.options.has('build')) {
      await vite.build({ configFile: CONFIG_FILE, logLevel: 'warn' });
      server = await vite.preview({ configFile: CONFIG_FILE, preview: { port, host, open } });
    } else {
      const dev = await vite.createServer({ configFile: CONFIG_FILE, server: { port, host, open } });
      await dev.listen();
      server = dev;
    }
    process.stdout.write('orc-sandbox step-through page (Ctrl-C to stop):\n');
    server.printUrls();
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        void server.close().then(resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
