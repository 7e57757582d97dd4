// The windows' channel, tried as its attackers would: another OS user who answers at a dead hub's
// address (on Windows anyone may create a named pipe of a listed name), a process that relays a
// window's hello to the real hub, one that replays a hello, and a process of this user's that
// has read the hub's key and listens as a window. Each gets nothing secret: the key never
// travels, nothing is believed or told before the other side's proof holds, and the session's
// ID token and refresh token never go over the channel at all.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { WindowBus } from '../../../src/windows/bus';
import { askWindows, CallError } from '../../../src/windows/client';
import { hubFolder } from '../../../src/windows/place';
import { helloProof, newNonce, readMessages, send, type Message } from '../../../src/windows/wire';
import { useMachine } from '../sessionWorld';
import { provenHello, until, windowsWorld } from '../windowsHelpers';

const SECRET = 'a-value-only-the-windows-may-know';

/** A process id that is certainly not running any more. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

/**
 * What a stranger sees who answers at the address a dead hub left behind: a hub folder whose
 * owner has ended, naming a socket the stranger listens on. It records every byte, and answers a
 * hello with a welcome of its own making (it does not know the key).
 */
async function squat(storageDir: string): Promise<{ readonly heard: () => string; readonly key: string; close(): Promise<void> }> {
  const folder = hubFolder(storageDir);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const key = 'the-real-key-of-the-dead-hub';
  const address = path.join(folder, 's');
  writeFileSync(path.join(folder, 'owner'), JSON.stringify({ pid: deadPid(), host: os.hostname() }), { mode: 0o600 });
  writeFileSync(path.join(folder, 'key'), key, { mode: 0o600 });
  writeFileSync(path.join(folder, 'address'), address, { mode: 0o600 });
  let heard = '';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      heard += d.toString();
      socket.write(`${JSON.stringify({ t: 'welcome', nonce: newNonce(), proof: 'made-up', retained: { session: { value: 'forged', stamp: Date.now() + 1e9 } } })}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(address, resolve));
  return {
    heard: () => heard,
    key,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sends `lines` to `address` and reads until the other side closes (or 5 s pass). */
function exchange(address: string, lines: readonly string[]): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const socket = net.connect(address, () => socket.write(lines.map((l) => `${l}\n`).join('')));
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('data', (d: Buffer) => (got += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
  });
}

describe("security: the windows' channel", function () {
  this.timeout(30_000);

  describe('its handshake', () => {
    const world = windowsWorld();

    it("tells whatever answers at a dead hub's address neither the key nor what the window keeps, believes none of its answer, and takes over", async function () {
      if (process.platform === 'win32') this.skip();
      const squatter = await squat(world.dir);
      const bus = WindowBus.start({ storageDir: world.dir, reclaimMs: 50, connectMs: 2_000 });
      bus.publish('session', SECRET, { retain: true });
      const lease = bus.acquire('renewal');
      await bus.ready;
      try {
        await until('the window to host a hub of its own', () => bus.role === 'host');
        assert.ok(squatter.heard().includes('"t":"hello"'), 'the squatter was asked');
        assert.ok(!squatter.heard().includes(squatter.key), 'the key is not in any hello');
        assert.ok(!squatter.heard().includes(SECRET), 'nothing the window keeps was told');
        assert.ok(!squatter.heard().includes('renewal'), 'nor the locks it holds');
        assert.equal(bus.retained('session'), SECRET, "the squatter's forged value was not believed");
        assert.ok(await lease);
      } finally {
        await bus.dispose();
        await squatter.close();
      }
    });

    it("does not send the helper's question to whatever answers without the hub's proof", async function () {
      if (process.platform === 'win32') this.skip();
      const squatter = await squat(world.dir);
      try {
        await assert.rejects(askWindows(world.dir, 'claudeCode.credentials', { asked: SECRET }, 3_000), (e: unknown) => e instanceof CallError && e.code === 'notRunning');
        assert.ok(!squatter.heard().includes(SECRET) && !squatter.heard().includes('"t":"req"'), 'no question went out');
        assert.ok(!squatter.heard().includes(squatter.key));
      } finally {
        await squatter.close();
      }
    });

    it('refuses a hello proved for another address (relayed from a stale one) and a hello heard before (replayed), saying nothing', async function () {
      if (process.platform === 'win32') this.skip();
      const a = await world.open();
      const folder = hubFolder(world.dir);
      const address = readFileSync(path.join(folder, 'address'), 'utf8');
      const key = readFileSync(path.join(folder, 'key'), 'utf8');
      const nonce = newNonce();
      const relayed = JSON.stringify({ t: 'hello', nonce, proof: helloProof(key, `${address}.stale`, nonce), role: 'window' });
      assert.equal(await exchange(address, [relayed]), '', 'relayed: nothing heard');
      const once = provenHello(key, address, 'client', newNonce());
      assert.match(await new Promise<string>((resolve) => {
        let got = '';
        const socket = net.connect(address, () => socket.write(`${once}\n`));
        socket.on('data', (d: Buffer) => {
          got += d.toString();
          if (got.includes('\n')) {
            socket.destroy();
            resolve(got);
          }
        });
      }), /"t":"welcome"/, 'the first time it is welcomed');
      assert.equal(await exchange(address, [once]), '', 'replayed: nothing heard');
      assert.equal(a.role, 'host');
    });
    it('holds at most 64 connections that have not proved themselves, and still hears a window during a flood of them', async function () {
      if (process.platform === 'win32') this.skip();
      const a = await world.open({ helloTimeoutMs: 30_000 });
      a.serve('flood.end', () => 'end');
      const address = readFileSync(path.join(hubFolder(world.dir), 'address'), 'utf8');
      let closed = 0;
      const flood = await Promise.all(
        Array.from({ length: 300 }, () => new Promise<net.Socket>((resolve) => {
          const s = net.connect(address, () => resolve(s));
          s.on('error', () => undefined);
          s.on('close', () => closed++);
        })),
      );
      try {
        await until('the hub to let all but 64 of them go', () => closed >= 300 - 64, 3_000);
        assert.ok((a.hostedHubSize?.peers ?? 0) <= 64 + 1);
        const b = await world.open();
        assert.equal(b.role, 'member', 'a window joins during the flood');
        assert.equal(await b.call('flood.end', null, 5_000), 'end');
      } finally {
        for (const s of flood) s.destroy();
      }
    });
  });

  describe('the session on it', () => {
    const machine = useMachine();

    /** A process of this user's that has read the hub's key and joins as a window: all it hears. */
    async function eavesdrop(storageDir: string): Promise<{ readonly heard: Message[]; close(): void }> {
      const folder = hubFolder(storageDir);
      const address = readFileSync(path.join(folder, 'address'), 'utf8');
      const key = readFileSync(path.join(folder, 'key'), 'utf8');
      const socket = await new Promise<net.Socket>((resolve) => {
        const s = net.connect(address, () => resolve(s));
      });
      const heard: Message[] = [];
      readMessages(socket, (message) => {
        heard.push(message);
        if (message.t === 'welcome') send(socket, { t: 'join', held: [], retained: {} });
      });
      socket.write(`${provenHello(key, address, 'window')}\n`);
      await until('the eavesdropper to be welcomed', () => heard.some((m) => m.t === 'welcome'));
      return { heard, close: () => socket.destroy() };
    }

    it('carries no ID token and no refresh token, through a sign-in, a follower, renewals and a sign-out', async () => {
      const a = await machine.window();
      const listener = await eavesdrop(machine.m.storageDir);
      const b = await machine.window();
      await Promise.all([a.signIn.signIn(), b.signIn.signIn()]);
      assert.ok([a, b].some((w) => w.store.session?.idToken && w.store.session.refreshToken), 'the leading window holds the secrets');
      await until('b to be signed in', () => b.core.state.kind === 'signedIn');
      await a.renewal.renewNow(true);
      await b.renewal.renewNow(true);
      await until('b to have the renewed keys', () => b.core.session?.credentials.accessKeyId === a.core.session?.credentials.accessKeyId);
      const late = await eavesdrop(machine.m.storageDir);
      await b.signIn.signOut();
      await until('a to be signed out', () => a.core.state.kind === 'signedOut');
      listener.close();
      late.close();
      const text = JSON.stringify([...listener.heard, ...late.heard]);
      assert.ok(text.includes('TESTKEY'), 'the eavesdropper heard the session (its keys, which the helper may have too)');
      assert.ok(!/id-token-|refresh-token-/.test(text), `an ID token or refresh token went over the channel: ${text.match(/(id|refresh)-token-[\w-]+/)?.[0]}`);
      assert.equal(machine.m.idp.authorizations, 1);
    });
  });
});
