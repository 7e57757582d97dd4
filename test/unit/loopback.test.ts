import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { CallbackServer, type PageContent } from '../../src/browser/loopback';

const render = (page: PageContent) => `${page.ok ? 'OK' : 'FAIL'}: ${page.title}`;

function get(port: number, path: string, options: { method?: string; host?: string } = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host: options.host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the loopback callback server', () => {
  let server: CallbackServer;

  beforeEach(async () => {
    server = await CallbackServer.start(0, render);
  });

  afterEach(() => server.close());

  it('listens on 127.0.0.1 and names its redirect URI', () => {
    assert.match(server.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  });

  it('answers the favicon and other requests without ending the wait', async () => {
    assert.equal((await get(server.port, '/favicon.ico')).status, 404);
    assert.equal((await get(server.port, '/callback', { method: 'POST' })).status, 405);
    assert.equal((await get(server.port, '/callback')).status, 400);
    assert.equal((await get(server.port, '/callback?code=1', { host: 'evil.example.com' })).status, 421);
    const waiting = server.next();
    const response = get(server.port, '/callback?code=abc&state=xyz');
    const callback = await waiting;
    assert.equal(callback.url.href, `${server.redirectUri}?code=abc&state=xyz`);
    callback.respond({ ok: true, title: 'Signed in', message: '' });
    const answered = await response;
    assert.equal(answered.status, 200);
    assert.equal(answered.body, 'OK: Signed in');
    assert.match(String(answered.headers['content-security-policy']), /default-src 'none'/);
    assert.equal(answered.headers['referrer-policy'], 'no-referrer');
  });

  it('holds the browser until the sign-in has an outcome, and takes only one callback', async () => {
    const first = get(server.port, '/callback?error=access_denied&state=s');
    const callback = await server.next();
    const second = await get(server.port, '/callback?code=again&state=s');
    assert.equal(second.status, 409);
    callback.respond({ ok: false, title: 'Sign-in failed', message: 'declined' });
    assert.equal((await first).body, 'FAIL: Sign-in failed');
  });

  it('refuses a second server on the same port', async () => {
    await assert.rejects(CallbackServer.start(server.port, render), { code: 'EADDRINUSE' });
  });
});
