// The windows' channel: one hub per user and profile, hosted by one window, that every window
// talks through; it moves to another window when its host goes.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { hubFolder } from '../../src/windows/place';
import { until, windowsWorld } from './windowsHelpers';

describe("the windows' channel", () => {
  const world = windowsWorld();

  it('lets the first window host the hub, in a folder only this user can enter, and the others join it', async () => {
    const [a, b, c] = [await world.open(), await world.open(), await world.open()];
    assert.deepEqual([a.role, b.role, c.role], ['host', 'member', 'member']);
    assert.equal(a.hostedWindows, 3, 'the host talks through its own hub too');
    const folder = hubFolder(world.dir);
    if (process.platform !== 'win32') {
      assert.equal(statSync(folder).mode & 0o777, 0o700);
      assert.equal(readFileSync(path.join(folder, 'address'), 'utf8'), path.join(folder, 's'));
    }
  });

  it('passes every message to every other window, in order, and not back to its sender', async () => {
    const [a, b, c] = [await world.open(), await world.open(), await world.open()];
    const heard = { a: [] as unknown[], b: [] as unknown[], c: [] as unknown[] };
    a.subscribe('n', (v) => heard.a.push(v));
    b.subscribe('n', (v) => heard.b.push(v));
    c.subscribe('n', (v) => heard.c.push(v));
    for (let i = 0; i < 50; i++) b.publish('n', i);
    await until('both others to hear all 50', () => heard.a.length === 50 && heard.c.length === 50);
    assert.deepEqual(heard.a, [...Array(50).keys()]);
    assert.deepEqual(heard.c, heard.a);
    assert.deepEqual(heard.b, []);
  });

  it('gives a window that opens later the newest retained value, until its time to live ends', async () => {
    const a = await world.open();
    a.publish('kept', 'old', { retain: true });
    a.publish('kept', 'new', { retain: true });
    a.publish('brief', 'soon gone', { retain: true, ttlMs: 100 });
    a.publish('plain', 'not kept');
    const b = await world.open();
    assert.equal(b.retained('kept'), 'new');
    assert.equal(b.retained('brief'), 'soon gone');
    assert.equal(b.retained('plain'), undefined);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const c = await world.open();
    assert.equal(c.retained('brief'), undefined);
    assert.equal(c.retained('kept'), 'new');
  });

  it('holds a lock for one window at a time and passes it on in order', async () => {
    const [a, b, c] = [await world.open(), await world.open(), await world.open()];
    await new Promise((resolve) => setTimeout(resolve, 60)); // the new hub's reclaim moment
    const held = await a.acquire('x');
    assert.ok(held);
    assert.equal(await c.acquire('x', { wait: false }), undefined, 'busy');
    const order: string[] = [];
    const bWaits = b.acquire('x').then((lease) => (order.push('b'), lease));
    const cWaits = c.acquire('x').then((lease) => (order.push('c'), lease));
    await new Promise((resolve) => setTimeout(resolve, 30));
    held.release();
    (await bWaits)!.release();
    (await cWaits)!.release();
    assert.deepEqual(order, ['b', 'c']);
    assert.ok(await a.acquire('x', { wait: false }), 'free again');
  });

  it("answers a window that only asks for a lock when a new hub's moment for holders to come back is over", async () => {
    const a = await world.open({ reclaimMs: 300 });
    const asked = Date.now();
    const lease = await a.acquire('signin', { wait: false });
    assert.ok(lease, 'free, once the moment is over: not "taken"');
    assert.ok(Date.now() - asked >= 250, 'and not before');
  });

  it('stops waiting for a lock when told to', async () => {
    const [a, b] = [await world.open(), await world.open()];
    await new Promise((resolve) => setTimeout(resolve, 60));
    const held = await a.acquire('x');
    const stop = new AbortController();
    const waiting = b.acquire('x', { signal: stop.signal });
    stop.abort();
    assert.equal(await waiting, undefined);
    held!.release();
    await until('the lock to be free for b: nothing was left queued for it', async () => {
      const lease = await b.acquire('x', { wait: false });
      lease?.release();
      return lease !== undefined;
    });
  });

  it("passes a lock on when its holder's window ends without a word", async function () {
    this.timeout(15_000);
    const a = await world.open();
    const other = await world.process('hold', 'renewal');
    assert.equal(await a.acquire('renewal', { wait: false }), undefined, 'the other window holds it');
    const waiting = a.acquire('renewal');
    await world.kill(other);
    assert.ok(await waiting, 'the lock came free with the window');
  });

  it('moves to another window when the host closes: locks stay with their holders, retained values survive', async () => {
    const [a, b, c] = [await world.open(), await world.open(), await world.open()];
    await new Promise((resolve) => setTimeout(resolve, 60));
    const held = await b.acquire('renewal');
    b.publish('session', 'v1', { retain: true });
    await until('c to hear it', () => c.retained('session') === 'v1');
    await a.dispose();
    await until('one of the others to host the hub', () => b.role === 'host' || c.role === 'host');
    await until('both to be connected', () => b.role !== 'alone' && c.role !== 'alone');
    assert.equal(await c.acquire('renewal', { wait: false }), undefined, 'b still holds its lock');
    held!.release();
    await until('the lock to come free', async () => {
      const lease = await c.acquire('renewal', { wait: false });
      lease?.release();
      return lease !== undefined;
    });
    const d = await world.open();
    assert.equal(d.retained('session'), 'v1', 'the retained value went to the new hub');
  });

  it('moves to another window when the host dies without a word', async function () {
    this.timeout(15_000);
    const host = await world.process('publish', 'session', '"from the dead host"');
    assert.equal(host.role, 'host');
    const a = await world.open();
    assert.equal(a.role, 'member');
    assert.equal(a.retained('session'), 'from the dead host');
    await world.kill(host);
    await until('this window to host the hub', () => a.role === 'host');
    const b = await world.open();
    assert.equal(b.role, 'member');
    assert.equal(b.retained('session'), 'from the dead host', 'what the windows knew survives the host');
  });

  it('drops connections that do not know the key or the protocol, and still serves the windows', async function () {
    if (process.platform === 'win32') this.skip();
    const a = await world.open();
    const address = readFileSync(path.join(hubFolder(world.dir), 'address'), 'utf8');
    const strangers = ['GET / HTTP/1.1\r\n\r\n', '{"t":"hello","key":"wrong"}\n', '{"t":"acquire","name":"renewal"}\n', '\n', 'x'.repeat(100_000)];
    const answers = await Promise.all(
      strangers.map(
        (text) =>
          new Promise<string>((resolve) => {
            let got = '';
            const socket = net.connect(address, () => socket.write(text));
            socket.on('data', (d) => (got += d.toString()));
            socket.on('error', () => undefined);
            socket.on('close', () => resolve(got));
          }),
      ),
    );
    assert.deepEqual(answers, ['', '', '', '', ''], 'strangers get nothing and are closed');
    const b = await world.open();
    const heard: unknown[] = [];
    b.subscribe('t', (v) => heard.push(v));
    a.publish('t', 1);
    await until('the real window to hear', () => heard.length === 1);
  });

  it('keeps its socket in a private temporary folder when the storage path is too long for one, and removes it', async function () {
    if (process.platform === 'win32') this.skip();
    world.dir = path.join(world.dir, 'a-storage-folder-with-a-long-name'.repeat(3));
    const a = await world.open();
    const address = readFileSync(path.join(hubFolder(world.dir), 'address'), 'utf8');
    assert.ok(address.startsWith(os.tmpdir()), address);
    assert.equal(statSync(path.dirname(address)).mode & 0o777, 0o700);
    const b = await world.open();
    assert.equal(b.role, 'member');
    await a.dispose();
    assert.equal(existsSync(path.dirname(address)), false, 'the temporary folder is removed');
  });

  it('removes the temporary socket folder of a host that died', async function () {
    if (process.platform === 'win32') this.skip();
    this.timeout(15_000);
    world.dir = path.join(world.dir, 'a-storage-folder-with-a-long-name'.repeat(3));
    const host = await world.process();
    const address = readFileSync(path.join(hubFolder(world.dir), 'address'), 'utf8');
    await world.kill(host);
    assert.ok(existsSync(path.dirname(address)), 'left behind');
    const a = await world.open();
    assert.equal(a.role, 'host');
    assert.equal(existsSync(path.dirname(address)), false, 'removed by the window that took over');
  });

  it('keeps what windows say off the disk: only the address and the key are written', async () => {
    const [a, b] = [await world.open(), await world.open()];
    a.publish('session', { token: 'canary-secret-token' }, { retain: true });
    await until('b to hear it', () => b.retained('session') !== undefined);
    for (const file of readdirSync(world.dir, { recursive: true }) as string[]) {
      const full = path.join(world.dir, file);
      if (statSync(full).isFile()) assert.doesNotMatch(readFileSync(full, 'utf8'), /canary/);
    }
    assert.deepEqual(readdirSync(hubFolder(world.dir)).sort(), process.platform === 'win32' ? ['address', 'key', 'owner'] : ['address', 'key', 'owner', 's']);
  });

  it('works alone when no hub can be reached or hosted, with its own locks', async () => {
    const blocked = path.join(world.dir, 'not-a-folder');
    writeFileSync(blocked, '');
    const a = await world.open({ storageDir: blocked, connectMs: 100 });
    assert.equal(a.role, 'alone');
    const held = await a.acquire('renewal');
    assert.ok(held);
    assert.equal(await a.acquire('renewal', { wait: false }), undefined);
    held.release();
    assert.ok(await a.acquire('renewal', { wait: false }));
  });
});
