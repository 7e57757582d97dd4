// The terminals' credentials endpoint, attacked from another process as any OS user of the
// machine could: a flood of idle connections, slow clients, idle keep-alive connections. The
// flood comes from a child process, so the sockets this process holds are the endpoint's alone.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as net from 'node:net';
import { CredentialsEndpoint, ENDPOINT_LIMITS } from '../../../src/terminal/credentialsEndpoint';

const log = { redact() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never;
const keys = { accessKeyId: 'ASIA-FLOOD-NOT-REAL', secretAccessKey: 'flood-secret-not-real', sessionToken: 'flood-token-not-real', expiration: '2030-01-01T00:00:00.000Z' };
/** Small limits, so the test is quick; the defaults are checked on their own below. */
const LIMITS = { max: 32, idleMs: 150 };

/** The file descriptors this process has open (on Linux; Node's socket handles elsewhere). */
function socketsOpen(): number {
  if (process.platform === 'linux') return readdirSync('/proc/self/fd').length;
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/**
 * Another process that opens `count` connections and sends nothing. It prints "connected" once
 * every connection has been made, and "closed" once the endpoint has closed all of them.
 */
const FLOODER = `
const net = require('node:net');
const [port, count] = process.argv.slice(1).map(Number);
let connected = 0, closed = 0;
for (let i = 0; i < count; i++) {
  const s = net.connect(port, '127.0.0.1');
  s.on('error', () => undefined);
  s.on('connect', () => { if (++connected === count) console.log('connected'); });
  s.on('close', () => { if (++closed === count) console.log('closed'); });
}
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

function flood(port: number, count: number): { child: ChildProcess; said: (word: string) => Promise<void> } {
  const child = spawn(process.execPath, ['-e', FLOODER, String(port), String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const said = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.split('\n').includes(word)) {
          child.stdout!.off('data', check);
          child.off('exit', gone);
          resolve();
        }
      };
      const gone = () => reject(new Error(`the flooder exited before it said "${word}"`));
      child.stdout!.on('data', check);
      child.once('exit', gone);
      check();
    });
  return { child, said };
}

function raw(port: number, payload: string, deadlineMs = 5_000): Promise<{ status: number | undefined; text: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(payload));
    let text = '';
    socket.setTimeout(deadlineMs, () => socket.destroy());
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : undefined, text, ms: performance.now() - started });
    });
  });
}

/** Resolves when `socket` is closed by the other side; rejects after `deadlineMs`. */
function closedWithin(socket: net.Socket, deadlineMs: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return resolve(0);
    const timer = setTimeout(() => reject(new Error(`still open after ${deadlineMs} ms`)), deadlineMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function until(what: string, condition: () => boolean, deadlineMs = 2_000): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`waited ${deadlineMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('the credentials endpoint under a flood from another OS user', () => {
  let endpoint: CredentialsEndpoint;
  let port: number;
  let request: string;
  const children: ChildProcess[] = [];

  async function start(limits = LIMITS): Promise<void> {
    if (endpoint) endpoint.dispose();
    endpoint = await CredentialsEndpoint.start(async () => keys, log, () => undefined, limits);
    port = Number(new URL(endpoint.uri).port);
    request = `GET /credentials HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${endpoint.authorizationToken}\r\nConnection: close\r\n\r\n`;
  }

  beforeEach(() => start());

  afterEach(() => {
    for (const child of children.splice(0)) child.stdin?.end();
    endpoint.dispose();
  });

  it('keeps at most its cap of sockets open while another process opens 10 times as many idle connections', async () => {
    const before = socketsOpen();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, socketsOpen() - before)), 2);
    try {
      const attacker = flood(port, LIMITS.max * 10);
      children.push(attacker.child);
      await attacker.said('connected');
      peak = Math.max(peak, socketsOpen() - before);
    } finally {
      clearInterval(sampler);
    }
    // A few over the cap at most: a newcomer is accepted before the oldest idle one goes, and a
    // closed socket gives its descriptor back on the event loop's next turn.
    assert.ok(peak <= LIMITS.max + 8, `${peak} sockets open at the peak, cap ${LIMITS.max}`);
    assert.ok(endpoint.openConnections <= LIMITS.max, String(endpoint.openConnections));
  });

  it('hands keys to a terminal at once while the flood holds every connection it is allowed', async () => {
    // Idle connections live longer than this test here: only making room can serve the terminal.
    await start({ ...LIMITS, idleMs: 60_000 });
    const attacker = flood(port, LIMITS.max * 10);
    children.push(attacker.child);
    await attacker.said('connected');
    await until('the flood to fill the endpoint', () => endpoint.openConnections === LIMITS.max);
    const answer = await raw(port, request);
    assert.equal(answer.status, 200, answer.text);
    assert.ok(answer.text.includes(keys.secretAccessKey));
    assert.ok(endpoint.openConnections >= LIMITS.max - 1, 'the flood is still there');
  });

  it("closes the flood's idle connections within the idle deadline", async () => {
    const attacker = flood(port, LIMITS.max * 10);
    children.push(attacker.child);
    await attacker.said('connected');
    const started = performance.now();
    await attacker.said('closed');
    const ms = performance.now() - started;
    assert.ok(ms < LIMITS.idleMs + 1_000, `closed after ${ms.toFixed(0)} ms`);
    assert.equal(endpoint.openConnections, 0);
  });

  it('closes a client that trickles its request a byte at a time, however steadily', async () => {
    const slow = await connect(port);
    const bytes = request.slice(0, 40);
    let sent = 0;
    const trickle = setInterval(() => sent < bytes.length && slow.write(bytes[sent++]), LIMITS.idleMs / 6);
    try {
      const ms = await closedWithin(slow, LIMITS.idleMs + 1_000);
      assert.ok(ms >= LIMITS.idleMs * 0.8, `closed after ${ms.toFixed(0)} ms, before its deadline`);
    } finally {
      clearInterval(trickle);
      slow.destroy();
    }
  });

  it('closes a keep-alive connection left idle after its answer, and serves it until then', async () => {
    const client = await connect(port);
    const keepAlive = request.replace('Connection: close', 'Connection: keep-alive');
    let text = '';
    client.on('data', (d: Buffer) => (text += d.toString()));
    for (let i = 0; i < 3; i++) {
      const answers = text.split('HTTP/1.1 200').length;
      client.write(keepAlive);
      while (text.split('HTTP/1.1 200').length === answers) await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(text.split(keys.secretAccessKey).length - 1, 3, 'three answers on one connection');
    await closedWithin(client, LIMITS.idleMs + 1_000);
  });

  it('has limits that leave room for many terminals and drop a stalled client within seconds', () => {
    assert.ok(ENDPOINT_LIMITS.max >= 100 && ENDPOINT_LIMITS.max <= 1000, String(ENDPOINT_LIMITS.max));
    assert.ok(ENDPOINT_LIMITS.idleMs >= 1_000 && ENDPOINT_LIMITS.idleMs <= 5_000, String(ENDPOINT_LIMITS.idleMs));
  });
});
