// The VS Code server the sandbox, the UI tests and the integration tests run (test/support/vscode.ts):
// any user of the machine can connect to 127.0.0.1, and a page of any site can reach it through DNS
// rebinding. Whoever gets a workbench gets a terminal: a shell as the developer. Without the
// server's connection token nobody gets anything, through the front proxy or straight.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { startWorkbench, workbenchFolders, workbenchUrl, type VsCodeServer } from '../support/vscode';

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function request(port: number, pathAndQuery: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathAndQuery, method, headers: { host: `127.0.0.1:${port}`, ...headers }, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket handshake (what the workbench opens to the server): the status line it gets, or "closed". */
function upgrade(port: number, pathAndQuery: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: pathAndQuery,
      headers: { host: `127.0.0.1:${port}`, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
      agent: false,
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(String(res.statusCode));
    });
    req.on('response', (res) => {
      res.resume();
      resolve(String(res.statusCode));
    });
    req.on('error', () => resolve('closed'));
    req.on('close', () => resolve('closed'));
    req.end();
  });
}

describe('The VS Code server of the sandbox and the tests, to other users and other sites', () => {
  let server: VsCodeServer;
  let dir: string;
  let serverDataDir: string;
  let folder: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cb-token-'));
    ({ server, serverDataDir, workspace: folder } = await startWorkbench(workbenchFolders(dir)));
  });

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers nothing without its connection token, through the front proxy or straight', async () => {
    for (const port of [server.port, server.serverPort]) {
      assert.equal((await request(port, `/?folder=${encodeURIComponent(folder)}`)).status, 403, `the workbench page on ${port}`);
      assert.equal((await request(port, '/?tkn=not-the-token')).status, 403, `a wrong token on ${port}`);
      assert.equal((await request(port, '/vscode-remote-resource?path=/etc/hostname')).status, 403, `a file of the machine on ${port}`);
    }
    // The remote connection (terminals, the extension host): the proxy refuses the WebSocket; the
    // server, asked straight, refuses in the connection's first message ("auth mismatch").
    assert.notEqual(await upgrade(server.port, '/?reconnectionToken=x&reconnection=false&skipWebSocketFrames=false'), '101');
    assert.equal((await request(server.port, '/mint-key', {}, 'POST')).status, 403, "the half of SecretStorage's key the proxy keeps");
    assert.equal((await request(server.port, '/proxy/9/')).status, 403, "the proxy's redirects to loopback ports");
  });

  it('refuses a page of another site that reaches it through DNS rebinding, even one that had the token', async () => {
    const cookie = { cookie: `vscode-tkn=${server.connectionToken}` };
    assert.equal((await request(server.port, '/', { host: `rebound.example:${server.port}` })).status, 403);
    assert.equal((await request(server.port, '/', { host: `rebound.example:${server.port}`, ...cookie })).status, 403, 'the front proxy checks the Host first');
    assert.notEqual(await upgrade(server.port, '/?reconnectionToken=x&reconnection=false&skipWebSocketFrames=false', { host: `rebound.example:${server.port}`, ...cookie }), '101');
    // The server itself, asked straight with a foreign Host and no token.
    assert.equal((await request(server.serverPort, '/', { host: `rebound.example:${server.serverPort}` })).status, 403);
  });

  it('opens the workbench from the address with the token, then by the cookie it sets', async () => {
    const url = new URL(workbenchUrl(server, folder));
    const first = await request(server.port, `${url.pathname}${url.search}`);
    assert.equal(first.status, 302);
    assert.doesNotMatch(first.headers.location ?? '', /tkn=/, 'the token leaves the address bar at once');
    assert.match(String(first.headers['set-cookie']), new RegExp(`vscode-tkn=${server.connectionToken}`));
    const next = new URL(first.headers.location ?? '/', url);
    const page = await request(server.port, `${next.pathname}${next.search}`, { cookie: `vscode-tkn=${server.connectionToken}` });
    assert.equal(page.status, 200);
    assert.match(page.body, /<html/i);
    assert.equal((await request(server.port, '/mint-key', { cookie: `vscode-tkn=${server.connectionToken}` }, 'POST')).status, 200);
    assert.equal(
      await upgrade(server.port, '/?reconnectionToken=x&reconnection=false&skipWebSocketFrames=false', { cookie: `vscode-tkn=${server.connectionToken}` }),
      '101',
      "the workbench's WebSocket, with the cookie",
    );
  });

  it('keeps the token in a file only this user can read, off the command line other users can list', () => {
    const file = path.join(serverDataDir, 'connection-token');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file, 'utf8'), server.connectionToken);
    assert.ok(server.connectionToken.length >= 40);
    const cmdline = readFileSync(`/proc/${server.process.pid}/cmdline`, 'utf8');
    assert.ok(!cmdline.includes(server.connectionToken), 'the token is not in the command line');
    assert.ok(!cmdline.includes('--without-connection-token'));
  });
});
