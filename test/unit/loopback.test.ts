import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { EarlierStates } from '../../src/browser/answer';
import { authorizeInBrowser } from '../../src/browser/authorize';
import { CallbackServer, type PageContent } from '../../src/browser/loopback';
import { Failure } from '../../src/errors/failure';
import { Log } from '../../src/log';
import { FakeClock } from './fakes/clock';
import { FakeLogChannel } from './fakes/editor';

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
    server.expect({ state: 'xyz' });
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
    server.expect({ state: 's' });
    const first = get(server.port, '/callback?error=access_denied&state=s');
    const callback = await server.next();
    const second = await get(server.port, '/callback?code=again&state=s');
    assert.equal(second.status, 409);
    callback.respond({ ok: false, title: 'Sign-in failed', message: 'declined' });
    assert.equal((await first).body, 'FAIL: Sign-in failed');
  });

  it("refuses answers that are not this sign-in's with a page, keeps waiting, and takes its own", async () => {
    const refused: string[] = [];
    server.close();
    server = await CallbackServer.start(0, render, { onRefused: (r) => refused.push(r) });
    server.expect({ state: 'the-state', issuer: 'https://idp.example.com/', issuerInAnswers: true });
    let taken = false;
    const waiting = server.next().then((callback) => ((taken = true), callback));
    const iss = `iss=${encodeURIComponent('https://idp.example.com/')}`;
    for (const query of [
      `code=1&state=another-state&${iss}`,
      `code=1&${iss}`,
      `error=access_denied&state=&${iss}`,
      `code=1&state=the-state&iss=${encodeURIComponent('https://evil.example.com/')}`,
      'code=1&state=the-state',
      `code=1&state=the-state&state=another&${iss}`,
      `code=1&state=the-state&${iss}&iss=x`,
    ]) {
      const answer = await get(server.port, `/callback?${query}`);
      assert.equal(answer.status, 400, query);
      assert.match(answer.body, /^FAIL: (Not this sign-in|Not from your identity provider)$/, query);
    }
    assert.deepEqual(refused, ['otherState', 'noState', 'noState', 'otherIssuer', 'noIssuer', 'otherState', 'otherIssuer']);
    assert.equal(taken, false, 'still waiting');
    const own = get(server.port, `/callback?code=real&state=the-state&${iss}`);
    const callback = await waiting;
    assert.equal(callback.url.searchParams.get('code'), 'real');
    callback.respond({ ok: true, title: 'Signed in', message: '' });
    assert.equal((await own).status, 200);
  });

  it('takes no answer before the sign-in says what its answer carries', async () => {
    const answer = await get(server.port, '/callback?code=1&state=guess');
    assert.equal(answer.status, 400);
    assert.equal(answer.body, 'FAIL: Not this sign-in');
  });

  it("takes an answer without iss from an identity provider that does not promise one, and checks one it sends", async () => {
    server.expect({ state: 's', issuer: 'https://idp.example.com/' });
    assert.equal((await get(server.port, '/callback?code=1&state=s&iss=https%3A%2F%2Fother.example.com%2F')).status, 400);
    const waiting = server.next();
    const own = get(server.port, '/callback?code=1&state=s');
    (await waiting).respond({ ok: true, title: 'Signed in', message: '' });
    assert.equal((await own).status, 200);
  });

  it("tells an earlier sign-in's tab apart from a stranger's answer", async () => {
    const earlier = new EarlierStates();
    earlier.remember('old-state');
    const refused: string[] = [];
    server.close();
    server = await CallbackServer.start(0, render, { onRefused: (r) => refused.push(r), earlier });
    server.expect({ state: 'new-state' });
    assert.equal((await get(server.port, '/callback?code=1&state=old-state')).body, 'FAIL: An earlier sign-in');
    assert.equal((await get(server.port, '/callback?code=1&state=unknown')).body, 'FAIL: Not this sign-in');
    assert.deepEqual(refused, ['earlierSignIn', 'otherState']);
  });

  it("holds this sign-in's own request past the idle limit that drops stalled clients", async () => {
    server.close();
    server = await CallbackServer.start(0, render, { idleMs: 100 });
    server.expect({ state: 's' });
    const waiting = server.next();
    const own = get(server.port, '/callback?code=1&state=s');
    const callback = await waiting;
    // A stalled client that connected after it is dropped for idling: ours, idle longer, is still held.
    const stalled = net.connect(server.port, '127.0.0.1');
    stalled.write('GET /callback HTTP/1.1\r\n');
    await new Promise((resolve) => stalled.once('close', resolve));
    callback.respond({ ok: true, title: 'Signed in', message: '' });
    const answered = await own;
    assert.equal(answered.status, 200);
    assert.equal(answered.body, 'OK: Signed in');
  });

  it('refuses a second server on the same port', async () => {
    await assert.rejects(CallbackServer.start(server.port, render), { code: 'EADDRINUSE' });
  });
});

describe("the browser step of a sign-in", () => {
  async function waiting(clock: FakeClock, timeoutSeconds: number) {
    const progress: string[] = [];
    let opened!: (redirect: string) => void;
    const browserOpened = new Promise<string>((resolve) => (opened = resolve));
    const outcome = authorizeInBrowser(
      {
        port: 0,
        timeoutSeconds,
        signal: new AbortController().signal,
        progress: (message) => progress.push(message),
        ui: { open: async (url) => (opened(new URL(url).searchParams.get('redirect_uri') ?? ''), true), reachable: async (uri) => uri, cannotOpen: () => undefined },
        render,
        log: new Log(new FakeLogChannel().asChannel()),
        clock,
        destination: 'https://idp.example.com/',
        request: async (redirectUri) => ({ url: `https://idp.example.com/authorize?redirect_uri=${encodeURIComponent(redirectUri)}`, state: 's' }),
      },
      async () => 'signed in',
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    return { progress, redirectUri: await browserOpened, outcome };
  }

  it('says where to look while the browser stays away, and when it never comes back names the client ID and the redirect URI, with Diagnose', async () => {
    const clock = new FakeClock();
    const w = await waiting(clock, 300);
    await clock.advance(29_000);
    assert.deepEqual(w.progress, ['Finish signing in in your browser…']);
    await clock.advance(1_000);
    assert.equal(w.progress.at(-1), 'Still waiting for your browser… If its page shows an error, cancel and run Claude Bedrock: Diagnose.');
    await clock.advance(270_000);
    const failure = await w.outcome;
    assert.ok(failure instanceof Failure && failure.kind === 'timeout', String(failure));
    assert.equal(
      failure.message,
      `Sign-in timed out: the browser did not come back within 5 minutes. If your identity provider's page showed an error (such as invalid_client, or a redirect URI it does not allow), check claudeBedrock.clientId and that the redirect URI ${w.redirectUri} is allowed for it: Diagnose checks both. Otherwise sign in again and finish the page that opens in your browser.`,
    );
    assert.deepEqual(failure.actions, [{ kind: 'run', command: 'claudeBedrock.diagnose', label: 'Diagnose' }, { kind: 'signIn' }]);
  });
});
