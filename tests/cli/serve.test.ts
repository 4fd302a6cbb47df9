/**
 * `serve` without Vite: the static server answers files under its root only (200 with a content
 * type, 404 outside or missing, 405 for other methods), and the page built into dist/web-page
 * (`npm run build`) loads completely from it. The packed-and-installed case is bin/check-package.js.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage } from '../../bin/check-package.js';
import { builtPageDir, createStaticServer } from '../../src/cli/commands/serve.ts';

async function listen(root: string): Promise<{ base: string; close: () => Promise<void> }> {
  const server = createStaticServer(root);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

const JS = 'fetch(new URL("b-abcdefgh.o", import.meta.url));';

describe('the static server', () => {
  const root = mkdtempSync(join(tmpdir(), 'orc-serve-'));
  let srv: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    mkdirSync(join(root, 'page', 'assets'), { recursive: true });
    writeFileSync(join(root, 'page', 'index.html'), '<script type="module" src="./assets/a-12345678.js"></script>');
    writeFileSync(join(root, 'page', 'assets', 'a-12345678.js'), JS);
    writeFileSync(join(root, 'page', 'assets', 'b-abcdefgh.o'), new Uint8Array([0x7f, 0x45, 0x4c, 0x46]));
    writeFileSync(join(root, 'secret.txt'), 'outside the root');
    srv = await listen(join(root, 'page'));
  });
  afterAll(async () => {
    await srv.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html at /, files with their types, bytes unchanged', async () => {
    const index = await fetch(srv.base);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const js = await fetch(`${srv.base}assets/a-12345678.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const obj = await fetch(`${srv.base}assets/b-abcdefgh.o`);
    expect(obj.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await obj.arrayBuffer())]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect(await checkPage(srv.base)).toBe(2);
  });

  it('nothing outside the root, nothing missing, only GET and HEAD', async () => {
    for (const path of ['../secret.txt', '%2e%2e/secret.txt', 'assets/%2e%2e/%2e%2e/secret.txt', 'nope.js', 'assets/'])
      expect((await fetch(`${srv.base}${path}`)).status, path).toBe(404);
    expect((await fetch(srv.base, { method: 'POST' })).status).toBe(405);
    const head = await fetch(`${srv.base}assets/a-12345678.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(JS.length));
  });
});

const page = builtPageDir();
if (!page) process.stderr.write('[skipped] the built page: dist/web-page is missing (npm run build builds it)\n');
describe.skipIf(!page)(`the built page${page ? '' : ' [skipped: dist/web-page not built; npm run build]'}`, () => {
  it('loads completely from the static server (HTML, scripts, chunks, objects)', async () => {
    const srv = await listen(page as string);
    try {
      expect(await checkPage(srv.base)).toBeGreaterThanOrEqual(8);
    } finally {
      await srv.close();
    }
  });
});
