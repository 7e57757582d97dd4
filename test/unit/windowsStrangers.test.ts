// Strangers at the windows' channel, the one the credentials helper asks for keys: another OS
// user cannot open it at all, and generated hostile traffic from this user's own processes
// (garbage, wrong keys, the right key with malformed messages) crashes nothing, leaves nothing
// behind in the hub, and never reaches an answer meant for someone else.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { hubFolder } from '../../src/windows/place';
import { FUZZ_REQUESTS, generator, inBatches, type Generator } from './fixtures/fuzzing';
import { provenHello, until, windowsWorld } from './windowsHelpers';

const SECRET = 'the-answer-only-an-asker-with-the-key-gets';
/** The request id a keyed case ends with; its answer ends the case. */
const LAST = 424242;

interface Exchange {
  /** Everything the hub sent. */
  readonly text: string;
  /** How it ended: the hub closed the connection, answered the last question, or neither in time. */
  readonly end: 'closed' | 'answered' | 'hung';
}

/** Writes `chunks` to the hub and reads until it closes, answers request LAST, or 10 s pass. */
function exchange(address: string, chunks: readonly (string | Buffer)[], halfClose: boolean): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    let text = '';
    let done = false;
    const finish = (end: Exchange['end']) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, end });
    };
    const timer = setTimeout(() => finish('hung'), 10_000);
    socket.on('error', () => undefined);
    socket.on('close', () => finish('closed'));
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes(`"req":${LAST}`)) finish('answered');
    });
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      if (halfClose) socket.end();
    });
  });
}

type Rng = Generator;

function junkValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 5 : 8)) {
    case 0:
      return rng.int(2 ** 31) * (rng.next() < 0.5 ? -1 : 1);
    case 1:
      return rng.bytes(rng.int(40)).toString('latin1');
    case 2:
      return null;
    case 3:
      return rng.next() < 0.5;
    case 4:
      return rng.pick(['', 'claudeCode.credentials', 'fuzz.secret', '__proto__', 'constructor', 'x'.repeat(5_000)]);
    case 5:
      return Array.from({ length: rng.int(5) }, () => junkValue(rng, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: rng.int(5) }, () => [rng.pick(['t', 'key', 'name', 'req', 'id', 'value', 'held', 'retained', '__proto__', 'x']), junkValue(rng, depth + 1)]));
  }
}

/** Connections that do not know the key: each must be closed having heard nothing. */
function strangerCase(rng: Rng, key: string): (string | Buffer)[] {
  const hello = (k: unknown) => `${JSON.stringify({ t: 'hello', key: k, role: rng.pick(['client', 'window', undefined]) })}\n`;
  switch (rng.int(10)) {
    case 0:
      return [rng.bytes(1 + rng.int(2_000))];
    case 1:
      return [`${rng.pick(['GET', 'POST', 'PRI'])} / HTTP/1.1\r\nHost: localhost\r\n\r\n`];
    case 2:
      return [`${JSON.stringify({ t: rng.pick(['acquire', 'req', 'pub', 'serve', 'reply']), name: 'fuzz.secret', req: 1 })}\n`];
    case 3:
      // The key itself (which no hello carries), or near misses of it.
      return [hello(rng.pick([key, `${key}x`, key.slice(1), key.toUpperCase(), '', ' ', key.slice(0, 20)]))];
    case 4:
      return [hello(junkValue(rng))];
    case 5:
      // The right beginning, then garbage.
      return ['{"t":"hello"', rng.bytes(rng.int(300)), '\n'];
    case 6:
      // The right key, but not as a hello's first words.
      return [`{"key":${JSON.stringify(key)},"t":"hello"}\n`];
    case 7:
      // A hello split across writes, with a wrong key.
      return ['{"t":"hel', `lo","key":"${'k'.repeat(rng.int(100))}"}\n`];
    case 8:
      return rng.int(200) === 0 ? [`{"t":"hello","key":"${'a'.repeat(1_100_000)}`] : ['\n'];
    default:
      return [];
  }
}

/** A process of this user's that has the key and then talks nonsense; ends by asking LAST. */
function keyedCase(rng: Rng, key: string, address: string): string[] {
  const role = rng.pick(['client', 'client', 'window']);
  // What it offers to retain lives a millisecond: what a window retains for good is its own business.
  const retained = rng.next() < 0.5 ? undefined : { [`fuzz.${rng.int(50)}`]: { value: junkValue(rng), stamp: junkValue(rng), ttlMs: 1 } };
  const lines = [provenHello(key, address, role, `fuzz-${rng.int(2 ** 31)}-${rng.int(2 ** 31)}`), JSON.stringify({ t: 'join', held: junkValue(rng), retained })];
  for (let i = rng.int(6); i > 0; i--) {
    switch (rng.int(6)) {
      case 0:
        lines.push(rng.bytes(rng.int(60)).toString('latin1').replace(/\n/g, ''));
        break;
      case 1:
        lines.push(JSON.stringify({ t: 'req', name: rng.pick(['fuzz.nobody', `fuzz.${rng.int(1e6)}`, 'fuzz.echo']), req: rng.int(1000), payload: junkValue(rng) }));
        break;
      case 2:
        lines.push(JSON.stringify({ t: rng.pick(['acquire', 'release', 'cancel']), name: `fuzz.lock.${rng.int(1e6)}`, req: rng.int(1000), wait: rng.next() < 0.5 }));
        break;
      case 3:
        lines.push(JSON.stringify({ t: rng.pick(['serve', 'unserve']), name: `fuzz.served.${rng.int(1e6)}` }));
        break;
      case 4:
        lines.push(JSON.stringify({ t: 'reply', id: rng.int(100), ok: true, value: SECRET }));
        break;
      default:
        lines.push(JSON.stringify({ t: rng.pick(['pub', 'hello', 'welcome', 'answer', 'call']), topic: `fuzz.${rng.int(50)}`, value: junkValue(rng), ...(rng.next() < 0.5 ? {} : junkValue(rng) as object) }));
    }
  }
  lines.push(JSON.stringify({ t: 'req', name: 'fuzz.end', req: LAST }));
  return lines.map((l) => `${l}\n`);
}

describe("strangers at the windows' channel", function () {
  this.timeout(300_000);
  const world = windowsWorld();

  it('cannot be opened by another OS user: the folder, the key and the socket are this user’s alone', async function () {
    if (process.platform === 'win32') this.skip();
    const a = await world.open();
    const folder = hubFolder(world.dir);
    const address = readFileSync(path.join(folder, 'address'), 'utf8');
    // Only the hub's own folder stands in the way: the storage folder above it is opened to all.
    chmodSync(world.dir, 0o755);
    assert.equal(statSync(folder).mode & 0o777, 0o700, 'the folder');
    for (const file of ['key', 'address']) assert.equal(statSync(path.join(folder, file)).mode & 0o777, 0o600, file);
    assert.equal(path.dirname(address), folder, 'the socket is inside it');
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) return; // not root: the modes above are the proof
    // Root can be someone else: "nobody" tries to read the key and to connect.
    const tried = await new Promise<string>((resolve, reject) => {
      const script = `const fs=require('fs'),net=require('net');let key;try{fs.readFileSync(process.argv[1]);key='read'}catch(e){key=e.code}const s=net.connect(process.argv[2]);s.on('connect',()=>{console.log(key+' connected');s.destroy()});s.on('error',(e)=>console.log(key+' '+e.code));`;
      const child = spawn(process.execPath, ['-e', script, path.join(folder, 'key'), address], { uid: 65534, gid: 65534, cwd: '/', stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('exit', () => resolve(out.trim()));
    });
    assert.equal(tried, 'EACCES EACCES', 'another user can neither read the key nor connect');
    assert.equal(a.role, 'host');
  });

  it(`drops ${FUZZ_REQUESTS} generated strangers and nonsense, crashes nothing, leaks nothing, and still serves the windows`, async function () {
    if (process.platform === 'win32') this.skip();
    const a = await world.open();
    a.serve('fuzz.secret', () => SECRET);
    a.serve('fuzz.end', () => 'end');
    a.serve('fuzz.echo', (payload) => payload);
    const folder = hubFolder(world.dir);
    const address = readFileSync(path.join(folder, 'address'), 'utf8');
    const key = readFileSync(path.join(folder, 'key'), 'utf8');
    const rng = generator(20261124);
    const cases = (function* () {
      for (let i = 0; i < FUZZ_REQUESTS; i++) yield rng.int(3) === 0 ? { keyed: true, chunks: keyedCase(rng, key, address) } : { keyed: false, chunks: strangerCase(rng, key) };
    })();
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const ends = new Map<string, number>();
    const sent = await inBatches(cases, 50, async (c) => {
      const got = await exchange(address, c.chunks, !c.keyed);
      const kind = `${c.keyed ? 'keyed' : 'stranger'} ${got.end}`;
      ends.set(kind, (ends.get(kind) ?? 0) + 1);
      assert.notEqual(got.end, 'hung', `no answer and not closed: ${String(c.chunks[0]).slice(0, 200)}`);
      assert.ok(!got.text.includes(SECRET), 'an answer meant for another reached this connection');
      if (!c.keyed) assert.equal(got.text, '', `a stranger heard something: ${String(c.chunks[0]).slice(0, 200)}`);
    });
    assert.equal(sent, FUZZ_REQUESTS);
    assert.ok((ends.get('keyed answered') ?? 0) > 100, `keyed cases got through to the last question: ${JSON.stringify([...ends])}`);

    // Everything the strangers caused is gone again: only this window is connected, no lock is
    // held, no call waits, only this window's names are served (retained topics expire).
    await until('the hub to let go of every stranger', () => a.hostedHubSize?.peers === 1 && a.hostedHubSize.calls === 0);
    await until('the fuzzing windows’ retained values to expire', () => a.hostedHubSize?.retained === 0);
    assert.deepEqual(a.hostedHubSize, { peers: 1, locks: 0, calls: 0, served: 3, retained: 0 });
    global.gc?.();
    const growth = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    assert.ok(growth < 32, `heap grew ${growth.toFixed(1)} MB`);

    // The windows are served as before.
    const b = await world.open();
    assert.equal(b.role, 'member');
    assert.equal(await b.call('fuzz.secret', null, 5_000), SECRET);
    const lease = await b.acquire('renewal');
    assert.ok(lease, 'a real window still gets a lock');
    console.log(`      (${sent} connections, heap +${growth.toFixed(1)} MB: ${[...ends].sort().map(([s, n]) => `${s}×${n}`).join(', ')})`);
  });

  it('drops a stranger that starts a hello and stalls, and is not held up by it', async function () {
    if (process.platform === 'win32') this.skip();
    const a = await world.open({ helloTimeoutMs: 500 });
    a.serve('fuzz.end', () => 'end');
    const address = readFileSync(path.join(hubFolder(world.dir), 'address'), 'utf8');
    const key = readFileSync(path.join(hubFolder(world.dir), 'key'), 'utf8');
    const stalled = Array.from({ length: 50 }, () => exchange(address, ['{"t":"hello","key":"'], false));
    const served = await exchange(address, [`${provenHello(key, address, 'client')}\n`, `{"t":"req","name":"fuzz.end","req":${LAST}}\n`], false);
    assert.equal(served.end, 'answered', 'a real asker is answered meanwhile');
    const ended = await Promise.all(stalled);
    assert.deepEqual(new Set(ended.map((e) => `${e.end} ${e.text}`)), new Set(['closed ']), 'the hub closed them itself, in its hello time');
    await until('the hub to let go of them', () => a.hostedHubSize?.peers === 1);
  });
});
