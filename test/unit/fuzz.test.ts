// Hostile input against the two servers the extension runs on 127.0.0.1: the sign-in callback
// server and the terminals' credentials endpoint. Thousands of generated raw HTTP requests
// (garbage request lines, huge headers and query strings, wrong methods and hosts, repeated and
// missing parameters, slow clients): no crash, no hang, bounded memory, the right status codes,
// and no secret in any answer that should not carry one. Deterministic: a seeded generator.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { CallbackServer } from '../../src/browser/loopback';
import { CredentialsEndpoint } from '../../src/terminal/credentialsEndpoint';
import { FUZZ_REQUESTS, generator, inBatches, type Generator } from './fixtures/fuzzing';

type Rng = Generator;

interface Answer {
  readonly status: number | undefined;
  readonly text: string;
}

/** Sends raw bytes, reads until the server closes (or `timeoutMs`), returns status and text. */
function raw(port: number, payload: Buffer | string, timeoutMs = 5_000): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : undefined, text });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (d) => {
      chunks.push(d);
      // One answer is enough: the servers close or keep alive; either way it is complete.
      const text = Buffer.concat(chunks).toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text)?.[1];
      if (head >= 0 && length !== undefined && text.length >= head + 4 + Number(length)) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => socket.end(payload));
  });
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'CONNECT', 'G3T', 'get', ''];

interface Case {
  readonly payload: Buffer | string;
  /** Whether this request is the one that must succeed. */
  readonly valid: boolean;
}

/** A generated request to `path` on `port`, mostly malformed, sometimes exactly right. */
function requestCase(rng: Rng, port: number, goodPath: string, goodHeaders: Record<string, string>): Case {
  const kind = rng.int(12);
  const host = `127.0.0.1:${port}`;
  const line = (method: string, target: string, version = 'HTTP/1.1') => `${method} ${target} ${version}\r\n`;
  const headers = (h: Record<string, string | string[]>) =>
    Object.entries(h)
      .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}: ${x}`) : [`${k}: ${v}`]))
      .join('\r\n');
  const request = (method: string, target: string, h: Record<string, string | string[]>, version?: string) =>
    `${line(method, target, version)}${headers({ Connection: 'close', ...h })}\r\n\r\n`;
  switch (kind) {
    case 0:
      return { payload: request('GET', goodPath, { Host: host, ...goodHeaders }), valid: true };
    case 1:
      return { payload: rng.bytes(1 + rng.int(2048)), valid: false };
    case 2:
      return { payload: request(rng.pick(METHODS.filter((m) => m !== 'GET')), goodPath, { Host: host, ...goodHeaders }), valid: false };
    case 3:
      return { payload: request('GET', goodPath, { Host: rng.pick(['evil.example', `evil.example:${port}`, '', `127.0.0.2:${port}`, `localhost.evil:${port}`, `[::1]:${port}`]), ...goodHeaders }), valid: false };
    case 4:
      return { payload: request('GET', `${goodPath}?${'a=1&'.repeat(rng.int(20_000))}`, { Host: host }), valid: false };
    case 5:
      return { payload: request('GET', goodPath, { Host: host, 'X-Big': 'x'.repeat(8_000 + rng.int(80_000)) }), valid: false };
    case 6: {
      const many: Record<string, string> = { Host: host };
      for (let i = 0; i < 50 + rng.int(300); i++) many[`X-H${i}`] = String(i);
      return { payload: request('GET', goodPath, many), valid: false };
    }
    case 7:
      return { payload: request('GET', rng.pick(['/', '/../credentials', '//credentials', '/credentials%00', '/CALLBACK', '/callback/..', '/favicon.ico', `/${'x'.repeat(rng.int(9000))}`]), { Host: host, ...goodHeaders }), valid: false };
    case 8:
      return { payload: `${line('GET', goodPath, rng.pick(['HTTP/0.9', 'HTTP/2.0', 'HTTP/9.9', 'HTTX/1.1', '']))}Host: ${host}\r\n\r\n`, valid: false };
    case 9:
      return { payload: `GET ${goodPath} HTTP/1.1\r\nHost: ${host}\r\nBroken header line without colon\r\n\r\n`, valid: false };
    case 10:
      return { payload: request('GET', goodPath, { Host: [host, host] }), valid: false };
    default:
      return { payload: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', valid: false };
  }
}

const log = { redact() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never;

describe('fuzzing the credentials endpoint', function () {
  this.timeout(300_000);
  const keys = {
    accessKeyId: 'ASIA-FUZZ-NOT-A-REAL-KEY',
    secretAccessKey: 'fuzz-secret-access-key-not-real-0123456789',
    sessionToken: `fuzz-session-token-${'z'.repeat(300)}`,
    expiration: new Date(Date.now() + 3600_000).toISOString(),
  };
  let endpoint: CredentialsEndpoint;
  let port: number;

  before(async () => {
    endpoint = await CredentialsEndpoint.start(async () => keys, log);
    port = Number(new URL(endpoint.uri).port);
  });

  after(() => endpoint.dispose());

  it(`answers ${FUZZ_REQUESTS} generated requests correctly, leaking nothing`, async () => {
    const rng = generator(20261123);
    // Generated as they are sent, so the heap measures the server, not the test's own cases.
    const cases = (function* () {
      for (let i = 0; i < FUZZ_REQUESTS; i++) {
        if (i % 7 === 0) {
          // Wrong tokens, with and without the right length.
          const wrong = rng.pick([`${endpoint.authorizationToken}x`, endpoint.authorizationToken.slice(1), 'Bearer ' + endpoint.authorizationToken, '', 'A'.repeat(43)]);
          yield { payload: `GET /credentials HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${wrong}\r\nConnection: close\r\n\r\n`, valid: false };
        } else {
          yield requestCase(rng, port, '/credentials', { Authorization: endpoint.authorizationToken });
        }
      }
    })();
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const statuses = new Map<string, number>();
    let leaks = 0;
    let fiveHundreds = 0;
    const sent = await inBatches(cases, 50, async (c) => {
      const answer = await raw(port, c.payload);
      statuses.set(String(answer.status ?? 'closed'), (statuses.get(String(answer.status ?? 'closed')) ?? 0) + 1);
      if (answer.status !== undefined && answer.status >= 500) fiveHundreds++;
      if (c.valid) {
        assert.equal(answer.status, 200, answer.text.slice(0, 200));
        assert.ok(answer.text.includes(keys.secretAccessKey));
      } else {
        assert.notEqual(answer.status, 200, `a malformed request got keys: ${String(c.payload).slice(0, 120)}`);
        for (const secret of [keys.secretAccessKey, keys.sessionToken, keys.accessKeyId, endpoint.authorizationToken]) if (answer.text.includes(secret)) leaks++;
      }
    });
    assert.equal(leaks, 0, 'secrets in answers to bad requests');
    assert.equal(fiveHundreds, 0, `5xx answers: ${JSON.stringify([...statuses])}`);
    const valid = await raw(port, `GET /credentials HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${endpoint.authorizationToken}\r\nConnection: close\r\n\r\n`);
    assert.equal(valid.status, 200, 'still answering');
    global.gc?.();
    const growth = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    assert.ok(growth < 32, `heap grew ${growth.toFixed(1)} MB`);
    assert.equal(sent, FUZZ_REQUESTS);
    console.log(`      (${sent} requests, heap +${growth.toFixed(1)} MB: ${[...statuses].sort().map(([s, n]) => `${s}×${n}`).join(', ')})`);
  });

  it('is not held up by slow clients, and drops them', async () => {
    // 100 clients that send half a request line and stop.
    const slow = Array.from({ length: 100 }, () => {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      s.on('connect', () => s.write('GET /creden'));
      return s;
    });
    const closed = Promise.all(slow.map((s) => new Promise<void>((resolve) => s.on('close', () => resolve()))));
    const answer = await raw(port, `GET /credentials HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${endpoint.authorizationToken}\r\nConnection: close\r\n\r\n`);
    assert.equal(answer.status, 200, 'a real client is served meanwhile');
    // The server drops them on its own (headers timeout), not this test.
    await closed;
  });
});

describe('fuzzing the sign-in callback server', function () {
  this.timeout(300_000);

  it(`answers ${FUZZ_REQUESTS} generated requests without crashing, echoing nothing it was sent`, async () => {
    const server = await CallbackServer.start(0, (page) => `<p>${page.ok ? 'ok' : 'fail'}</p>`);
    const port = server.port;
    const rng = generator(8400);
    const marker = '<script>alert(1)</script>';
    const cases = Array.from({ length: FUZZ_REQUESTS }, () => {
      const c = requestCase(rng, port, `/callback?state=${encodeURIComponent(marker)}&code=${rng.int(1e9)}${rng.next() < 0.3 ? '&code=again&state=twice' : ''}`, {});
      return c;
    });
    // The first good callback is the one the sign-in waits for; it answers when the flow decides.
    server.expect({ state: marker });
    void server.next().then((pending) => pending.respond({ ok: false, title: 'Sign-in failed', message: 'state mismatch' }));
    const statuses = new Map<string, number>();
    let echoes = 0;
    await inBatches(cases, 50, async (c) => {
      const answer = await raw(port, c.payload);
      statuses.set(String(answer.status ?? 'closed'), (statuses.get(String(answer.status ?? 'closed')) ?? 0) + 1);
      if (answer.text.includes(marker)) echoes++;
      if (answer.status !== undefined) assert.ok(answer.status < 500, `5xx: ${answer.text.slice(0, 200)}`);
    });
    assert.equal(echoes, 0, 'the page echoed request input');
    const still = await raw(port, `GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    assert.equal(still.status, 404, 'still answering');
    server.close();
    console.log(`      (${cases.length} requests: ${[...statuses].sort().map(([s, n]) => `${s}×${n}`).join(', ')})`);
  });
});
