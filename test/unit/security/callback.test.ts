// The sign-in's callback port (http://127.0.0.1:<port>/callback) under attack while a sign-in
// waits on it. Who can reach it: any web page the user has open (an <img>, a fetch, a
// navigation, or a page under another name that resolves to 127.0.0.1: DNS rebinding) and any
// program on this machine. What each attempt may cost: its own request, answered with a page
// that names nothing it sent. What it must never do: end the sign-in, hold it up, or have the
// user told about an "old browser tab" that never was.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import { authorizeInBrowser } from '../../../src/browser/authorize';
import { CallbackServer } from '../../../src/browser/loopback';
import { Failure } from '../../../src/errors/failure';
import { Log } from '../../../src/log';
import { systemClock, type Clock } from '../../../src/util/clock';
import { FakeClock } from '../fakes/clock';
import { FakeLogChannel } from '../fakes/editor';

const ISSUER = 'https://idp.example.com/tenant/';
const ISS = `iss=${encodeURIComponent(ISSUER)}`;

interface Answer {
  readonly status: number;
  readonly body: string;
}

function request(port: number, path: string, options: { method?: string; host?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', agent: false, headers: { host: options.host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A sign-in waiting on its callback port, and what the attacker and the real browser do to it. */
interface Waiting {
  readonly port: number;
  readonly state: string;
  /** Settles when the sign-in ends: the code it took, or its failure. */
  readonly outcome: Promise<string | null>;
  readonly log: FakeLogChannel;
  /** The identity provider sends the real browser back with this sign-in's answer. */
  realLogin(): Promise<Answer>;
}

/** Starts a sign-in's browser step; resolves once the browser has been sent to the identity provider. */
async function waitingSignIn(options: { clock?: Clock; timeoutSeconds?: number } = {}): Promise<Waiting> {
  const log = new FakeLogChannel();
  const state = randomBytes(16).toString('base64url');
  let opened!: (redirect: URL) => void;
  const browserOpened = new Promise<URL>((resolve) => (opened = resolve));
  const outcome = authorizeInBrowser(
    {
      port: 0,
      timeoutSeconds: options.timeoutSeconds ?? 60,
      signal: new AbortController().signal,
      progress: () => undefined,
      ui: {
        open: async (url) => (opened(new URL(new URL(url).searchParams.get('redirect_uri') ?? '')), true),
        reachable: async (uri) => uri,
        cannotOpen: () => undefined,
      },
      render: (page) => `${page.ok ? 'OK' : 'FAIL'}: ${page.title}: ${page.message}`,
      log: new Log(log.asChannel()),
      clock: options.clock ?? systemClock,
      destination: ISSUER,
      request: async (redirectUri) => ({ url: `${ISSUER}authorize?redirect_uri=${encodeURIComponent(redirectUri)}&state=${state}`, state, issuer: ISSUER, issuerInAnswers: true }),
    },
    async ({ callbackUrl, respond }) => {
      respond({ ok: true, title: 'Signed in', message: 'You can close this tab.' });
      return callbackUrl.searchParams.get('code');
    },
  );
  // A failure before the test looks is still its outcome, not an unhandled rejection.
  outcome.catch(() => undefined);
  const port = Number((await browserOpened).port);
  return { port, state, outcome, log, realLogin: () => request(port, `/callback?code=the-real-code&state=${state}&${ISS}`) };
}

describe('security: the sign-in callback port', () => {
  it("a web page's request with another state, no state, or this state twice does not end the sign-in: it gets a page saying so, and the real login signs in", async () => {
    const w = await waitingSignIn();
    for (const query of ['code=stolen&state=guessed', 'error=access_denied', `code=x&state=${w.state}&state=guessed&${ISS}`, 'error=access_denied&error_description=blocked&state=']) {
      const answer = await request(w.port, `/callback?${query}&${ISS}`);
      assert.equal(answer.status, 400, query);
      assert.match(answer.body, /^FAIL: Not this sign-in: .*VS Code ignored it/, query);
    }
    const real = await w.realLogin();
    assert.equal(real.status, 200);
    assert.equal(await w.outcome, 'the-real-code');
    assert.equal(w.log.lines.filter((l) => l.startsWith('warn Refused an answer at the sign-in port')).length, 4, 'each refusal is logged');
  });

  it("an answer naming another identity provider, or none where the identity provider always names itself, does not end the sign-in (RFC 9207)", async () => {
    const w = await waitingSignIn();
    for (const query of [`code=x&state=${w.state}&iss=${encodeURIComponent('https://attacker.example.com/')}`, `code=x&state=${w.state}`]) {
      const answer = await request(w.port, `/callback?${query}`);
      assert.equal(answer.status, 400, query);
      assert.match(answer.body, /^FAIL: Not from your identity provider: /, query);
    }
    assert.equal((await w.realLogin()).status, 200);
    assert.equal(await w.outcome, 'the-real-code');
  });

  it('a flood of answers at once neither ends nor blocks the sign-in, and costs the log a few lines, not one each', async () => {
    const w = await waitingSignIn();
    const flood = Array.from({ length: 60 }, (_, i) => request(w.port, `/callback?code=${i}&state=flood-${i}&${ISS}`));
    const real = w.realLogin();
    const answers = await Promise.all(flood);
    assert.ok(answers.every((a) => a.status === 400));
    assert.equal((await real).status, 200);
    assert.equal(await w.outcome, 'the-real-code');
    const refusals = w.log.lines.filter((l) => /Refus/.test(l));
    assert.ok(refusals.length <= 8, `${refusals.length} log lines`);
    assert.ok(w.log.lines.some((l) => /60 answers in all were refused/.test(l)), 'the count is logged once');
  });

  it("a program that opens connections and stalls half-way through its headers holds nothing up", async () => {
    const w = await waitingSignIn();
    const stalled = Array.from({ length: 20 }, () => {
      const socket = net.connect(w.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(`GET /callback?code=x&state=${w.state} HTTP/1.1\r\nHost: 127.0.0.1:${w.port}\r\n`);
      return socket;
    });
    try {
      assert.equal((await w.realLogin()).status, 200);
      assert.equal(await w.outcome, 'the-real-code');
    } finally {
      for (const socket of stalled) socket.destroy();
    }
  });

  it('a program that floods the port with idle connections holds at most a fixed number of them, and the sign-in goes on once they are dropped', async () => {
    const server = await CallbackServer.start(0, (page) => page.title, { maxConnections: 10, idleMs: 150 });
    try {
      server.expect({ state: 's' });
      const flood = Array.from({ length: 10 }, () => net.connect(server.port, '127.0.0.1').on('error', () => undefined));
      await Promise.all(flood.map((socket) => new Promise((resolve) => socket.once('connect', resolve))));
      // One more is closed at once: the flood costs the port, not the extension host.
      const refused = await request(server.port, '/callback?code=1&state=s').then(
        () => 'answered',
        (error: NodeJS.ErrnoException) => error.code,
      );
      assert.match(String(refused), /ECONNRESET|EPIPE|socket hang up/);
      // The idle ones are dropped; then this sign-in's answer is taken.
      await Promise.all(flood.map((socket) => new Promise((resolve) => socket.once('close', resolve))));
      const waiting = server.next();
      const own = request(server.port, '/callback?code=1&state=s');
      (await waiting).respond({ ok: true, title: 'Signed in', message: '' });
      assert.equal((await own).status, 200);
    } finally {
      server.close();
    }
  });

  it("a POST, or a page under another name (DNS rebinding), carrying this sign-in's own state does not end it", async () => {
    const w = await waitingSignIn();
    const own = `/callback?code=x&state=${w.state}&${ISS}`;
    assert.equal((await request(w.port, own, { method: 'POST' })).status, 405);
    const rebound = await request(w.port, own, { host: `attacker.example.com:${w.port}` });
    assert.equal(rebound.status, 421);
    assert.equal(rebound.body, 'Misdirected request.');
    assert.equal((await w.realLogin()).status, 200);
    assert.equal(await w.outcome, 'the-real-code');
  });

  it('the page a refused answer gets names nothing the request carried', async () => {
    const w = await waitingSignIn();
    const marker = '<script>alert(1)</script>';
    const answer = await request(w.port, `/callback?code=${encodeURIComponent(marker)}&state=${encodeURIComponent(marker)}&error_description=${encodeURIComponent(marker)}&${ISS}`);
    assert.equal(answer.status, 400);
    assert.ok(!answer.body.includes('alert'), answer.body);
    await w.realLogin();
    await w.outcome;
  });

  it("a sign-in that heard only strangers times out saying so, without blaming an old tab; one that heard an earlier sign-in's tab says that", async () => {
    const first = await waitingSignIn();
    await first.realLogin();
    await first.outcome;

    const clock = new FakeClock();
    const w = await waitingSignIn({ clock, timeoutSeconds: 120 });
    await request(w.port, `/callback?code=x&state=a-stranger&${ISS}`);
    await clock.advance(120_000);
    const strangers = await w.outcome.then(() => undefined, (e: unknown) => e);
    assert.ok(strangers instanceof Failure, String(strangers));
    assert.match(strangers.message, /^Sign-in timed out: the browser did not come back with this sign-in's answer within 2 minutes\. VS Code refused one answer at its sign-in port that did not belong to this sign-in \(sent by another web page/);
    assert.doesNotMatch(strangers.message, /old|earlier/);

    const again = await waitingSignIn({ clock, timeoutSeconds: 120 });
    const oldTab = await request(again.port, `/callback?code=x&state=${first.state}&${ISS}`);
    assert.match(oldTab.body, /^FAIL: An earlier sign-in: /);
    await clock.advance(120_000);
    const old = await again.outcome.then(() => undefined, (e: unknown) => e);
    assert.ok(old instanceof Failure);
    assert.match(old.message, /^Sign-in timed out: within 2 minutes the browser came back only from an earlier sign-in's tab/);
  });
});
